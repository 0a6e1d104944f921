use syscall_rt::fast_syscall;

#[fast_syscall(via = "svc")]
fn getpid() -> i32;

fn main() {}
