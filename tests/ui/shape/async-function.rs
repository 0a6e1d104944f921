use syscall_rt::fast_syscall;

#[fast_syscall]
async fn getpid() -> i32;

fn main() {}
