use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn fsync(fd: u64) -> Result<(), Errno>;

fn main() {}
