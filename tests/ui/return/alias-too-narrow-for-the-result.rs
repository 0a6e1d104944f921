use syscall_rt::{fast_syscall, Errno};

type Off = i32;

#[fast_syscall]
fn lseek(fd: u32, offset: i64, whence: u32) -> Result<Off, Errno>;

fn main() {}
