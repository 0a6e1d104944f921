//! Shared helpers of the fast-syscall tests.
