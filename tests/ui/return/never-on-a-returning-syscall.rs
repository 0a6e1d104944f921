use syscall_rt::fast_syscall;

#[fast_syscall]
fn getpid() -> !;

fn main() {}
