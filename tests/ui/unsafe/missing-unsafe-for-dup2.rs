use syscall_rt::{fast_syscall, Errno};

// `dup2` replaces `newfd`, which other code may own.
#[fast_syscall]
fn dup2(oldfd: u32, newfd: u32) -> Result<i32, Errno>;

fn main() {}
