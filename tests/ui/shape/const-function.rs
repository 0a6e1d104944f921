use syscall_rt::fast_syscall;

#[fast_syscall]
const fn getpid() -> i32;

fn main() {}
