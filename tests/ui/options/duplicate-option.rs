use syscall_rt::fast_syscall;

#[fast_syscall(via = "syscall", via = "int80")]
fn getpid() -> i32;

fn main() {}
