use syscall_rt::{fast_syscall, Errno};

#[fast_syscall(via = "int80")]
unsafe fn newfstatat(dfd: i32, path: *const u8, buf: *mut u8, flag: i32) -> Result<(), Errno>;

fn main() {}
