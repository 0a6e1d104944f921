use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
unsafe fn write(fd: u32, buf: usize, count: usize) -> Result<usize, Errno>;

fn main() {}
