use syscall_rt::fast_syscall;

#[fast_syscall]
unsafe fn read(fd: u32, buf: *mut u8, count: usize) -> i32;

fn main() {}
