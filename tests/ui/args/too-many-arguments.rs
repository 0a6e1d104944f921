use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn fsync(fd: u32, flags: u32) -> Result<(), Errno>;

fn main() {}
