use syscall_rt::{fast_syscall, Errno};

type Fd = u64;

#[fast_syscall]
fn fsync(fd: Fd) -> Result<(), Errno>;

fn main() {}
