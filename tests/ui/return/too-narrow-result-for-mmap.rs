use syscall_rt::{fast_syscall, Errno};

// The address came back cut to 32 bits.
#[fast_syscall]
unsafe fn mmap(addr: usize, len: usize, prot: usize, flags: usize, fd: usize, off: usize) -> Result<u32, Errno>;

fn main() {}
