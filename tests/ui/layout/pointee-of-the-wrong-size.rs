use syscall_rt::{fast_syscall, Errno};

// struct stat is 144 bytes on x86_64: a 100-byte buffer would be overrun by the kernel.
#[fast_syscall]
unsafe fn fstat(fd: i32, statbuf: *mut [u8; 100]) -> Result<(), Errno>;

fn main() {}
