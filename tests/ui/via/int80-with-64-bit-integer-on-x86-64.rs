use syscall_rt::{fast_syscall, Errno};

#[fast_syscall(via = "int80")]
fn ftruncate(fd: u32, length: usize) -> Result<(), Errno>;

fn main() {}
