use syscall_rt::fast_syscall;

#[fast_syscall(name = getpid)]
fn my_pid() -> i32;

fn main() {}
