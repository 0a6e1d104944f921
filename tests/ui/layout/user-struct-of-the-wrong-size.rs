use syscall_rt::{fast_syscall, Errno};

// statx's padding got wrong by hand: 8 bytes short of the kernel's 256.
#[repr(C)]
pub struct MyStatx {
    pub mask: u32,
    pub blksize: u32,
    pub rest: [u64; 30],
}

#[fast_syscall]
unsafe fn statx(dfd: i32, path: *const u8, flags: u32, mask: u32, buf: *mut MyStatx) -> Result<(), Errno>;

fn main() {}
