use syscall_rt::{fast_syscall, Errno};

#[fast_syscall(via = "int80")]
unsafe fn write(fd: u32, buf: *const u8, count: u32) -> Result<u32, Errno>;

fn main() {}
