use syscall_rt::fast_syscall;

#[fast_syscall(via = "sysret")]
fn getpid() -> i32;

fn main() {}
