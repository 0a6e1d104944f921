use syscall_rt::{fast_syscall, Errno};

// Most ioctl commands take an address in `arg`, which the kernel writes through.
#[fast_syscall]
fn ioctl(fd: u32, cmd: u32, arg: usize) -> Result<i32, Errno>;

fn main() {}
