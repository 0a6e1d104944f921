use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn kill((pid, sig): (i32, i32)) -> Result<(), Errno>;

fn main() {}
