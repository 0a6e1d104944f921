use syscall_rt::{fast_syscall, Errno};

type Fd = u64;

#[fast_syscall]
fn close(fd: Fd) -> Result<(), Errno>;

fn main() {}
