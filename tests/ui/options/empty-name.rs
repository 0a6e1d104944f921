use syscall_rt::fast_syscall;

#[fast_syscall(name = "")]
fn getpid() -> i32;

fn main() {}
