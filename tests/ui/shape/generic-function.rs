use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn fsync<T>(fd: u32) -> Result<(), Errno>;

fn main() {}
