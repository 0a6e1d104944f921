use syscall_rt::fast_syscall;

#[fast_syscall]
fn afs_syscall() -> isize;

fn main() {}
