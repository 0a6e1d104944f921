use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn lseek(fd: u32, offset: i32, whence: u32) -> Result<usize, Errno>;

fn main() {}
