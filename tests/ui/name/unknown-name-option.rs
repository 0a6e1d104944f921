use syscall_rt::{fast_syscall, Errno};

#[fast_syscall(name = "clock_getime")]
unsafe fn now(clock: i32, tp: *mut u8) -> Result<(), Errno>;

fn main() {}
