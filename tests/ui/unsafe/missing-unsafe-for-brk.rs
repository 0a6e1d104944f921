use syscall_rt::fast_syscall;

#[fast_syscall]
fn brk(addr: usize) -> usize;

fn main() {}
