use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn write(fd: u32, buf: *const u8, count: usize) -> Result<usize, Errno>;

fn main() {}
