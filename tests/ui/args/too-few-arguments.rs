use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
unsafe fn write(fd: u32, buf: *const u8) -> Result<usize, Errno>;

fn main() {}
