//! `#[fast_syscall]` in a crate that names its dependency `rt = { package = "syscall-rt" }`:
//! the expansion resolves the runtime crate through the user's `Cargo.toml`
//! (proc-macro-crate), so it calls `::rt::__private`, which exists, not `::syscall_rt`, which
//! does not. Before the fix this crate did not compile.

use rt::{Errno, fast_syscall};

/// `getpid(2)`.
#[fast_syscall]
pub fn getpid() -> i32;

/// `write(2)`.
///
/// # Safety
/// `buf` must be readable for `count` bytes.
#[fast_syscall]
pub unsafe fn write(fd: u32, buf: *const u8, count: usize) -> Result<usize, Errno>;

/// `clock_gettime(2)`, through the vDSO where there is one.
///
/// # Safety
/// `tp` must be writable for a 64-bit `timespec` (two `i64`).
#[cfg(target_pointer_width = "64")]
#[fast_syscall]
pub unsafe fn clock_gettime(clock: i32, tp: *mut [i64; 2]) -> Result<(), Errno>;
