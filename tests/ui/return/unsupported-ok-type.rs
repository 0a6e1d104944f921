use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn getpid() -> Result<i8, Errno>;

fn main() {}
