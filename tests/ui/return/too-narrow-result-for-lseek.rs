use syscall_rt::{fast_syscall, Errno};

// A 5 GiB offset came back as Ok(1073741824).
#[fast_syscall]
fn lseek(fd: u32, offset: i64, whence: u32) -> Result<i32, Errno>;

fn main() {}
