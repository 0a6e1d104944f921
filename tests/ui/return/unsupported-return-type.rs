use syscall_rt::fast_syscall;

#[fast_syscall]
fn getpid() -> String;

fn main() {}
