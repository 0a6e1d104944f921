use syscall_rt::fast_syscall;

#[fast_syscall]
unsafe fn ioctl(fd: u32, cmd: u32, ...) -> isize;

fn main() {}
