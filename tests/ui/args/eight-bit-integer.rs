use syscall_rt::fast_syscall;

#[fast_syscall]
fn umask(mask: u8) -> u32;

fn main() {}
