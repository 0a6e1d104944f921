//! Attributes and doc comments are kept (a `pub` item under `deny(missing_docs)`), `unsafe` may
//! be added to any declaration, and aliases of the right width are accepted.
#![deny(missing_docs)]
use core::ffi::{c_int, c_uint};
use syscall_rt::{fast_syscall, Errno};

mod calls {
    use super::*;

    /// Sends a signal.
    #[must_use]
    #[fast_syscall]
    pub fn kill(pid: c_int, sig: c_int) -> Result<(), Errno>;

    /// Closes a descriptor (declared `unsafe` by choice).
    #[fast_syscall]
    pub unsafe fn close(fd: c_uint) -> Result<(), Errno>;

    /// The mode mask, as `umode_t` (16 bits) given a 32-bit integer.
    #[fast_syscall]
    pub fn umask(mask: u32) -> u32;
}

fn main() {
    assert_eq!(calls::kill(std::process::id() as i32, 0), Ok(()));
    // SAFETY: fd 12345 is not open.
    assert_eq!(unsafe { calls::close(12345) }, Err(Errno::EBADF));
    let old = calls::umask(0o22);
    calls::umask(old);
}
