use syscall_rt::{fast_syscall, Errno};

// Closing a descriptor that an `OwnedFd` elsewhere owns breaks I/O safety.
#[fast_syscall]
fn close(fd: i32) -> Result<(), Errno>;

fn main() {}
