use syscall_rt::fast_syscall;

#[fast_syscall(via = "vdso")]
fn getpid() -> i32;

fn main() {}
