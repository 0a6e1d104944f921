use syscall_rt::{fast_syscall, Errno};

#[fast_syscall]
unsafe fn fsync(fd: *const u8) -> Result<(), Errno>;

fn main() {}
