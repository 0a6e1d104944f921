use syscall_rt::fast_syscall;

#[fast_syscall]
fn getpdi() -> i32;

fn main() {}
