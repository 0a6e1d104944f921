use syscall_rt::fast_syscall;

#[fast_syscall(nmae = "getpid")]
fn my_pid() -> i32;

fn main() {}
