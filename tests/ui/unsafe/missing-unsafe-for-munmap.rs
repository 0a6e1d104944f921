use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
fn munmap(addr: usize, len: usize) -> Result<(), Errno>;

fn main() {}
