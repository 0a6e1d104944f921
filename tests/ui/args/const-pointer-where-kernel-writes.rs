use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
unsafe fn read(fd: u32, buf: *const u8, count: usize) -> Result<usize, Errno>;

fn main() {}
