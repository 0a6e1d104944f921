use syscall_rt::fast_syscall;

#[fast_syscall(via = "sysenter")]
fn getpid() -> i32;

fn main() {}
