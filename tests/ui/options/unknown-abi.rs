use syscall_rt::fast_syscall;

#[fast_syscall(abi = "mips")]
fn getpid() -> i32;

fn main() {}
