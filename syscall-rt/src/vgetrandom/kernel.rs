//! The system calls the state allocator makes, declared here rather than taken from
//! [`crate::sys`]: they are what a binary that calls `getrandom` through the vDSO also needs
//! (a seccomp allowlist built from the linked declarations must list them).

use crate::Errno;

/// `mmap(2)`: byte offsets on 64-bit ABIs and x32.
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[crate::fast_syscall]
pub unsafe fn mmap(
    addr: usize,
    len: usize,
    prot: usize,
    flags: usize,
    fd: usize,
    off: usize,
) -> Result<usize, Errno>;

/// `mmap2(2)`: page offsets on 32-bit ABIs (the allocator maps anonymous memory, offset 0).
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[crate::fast_syscall(name = "mmap2")]
pub unsafe fn mmap(
    addr: usize,
    len: usize,
    prot: usize,
    flags: usize,
    fd: usize,
    off: usize,
) -> Result<usize, Errno>;

/// `munmap(2)`: gives back a mapping that lost a race or could not be registered.
#[crate::fast_syscall]
pub unsafe fn munmap(addr: usize, len: usize) -> Result<(), Errno>;

/// `rt_sigprocmask(2)`: the thread cache reads the signal mask once per thread (see
/// `super::cache`).
#[cfg(feature = "std")]
#[crate::fast_syscall]
pub unsafe fn rt_sigprocmask(
    how: i32,
    set: *const crate::uapi::kernel_sigset_t,
    oset: *mut crate::uapi::kernel_sigset_t,
    sigsetsize: usize,
) -> Result<i32, Errno>;
