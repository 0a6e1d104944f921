use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn exit_group(code: i32) -> Result<(), Errno>;

fn main() {}
