use syscall_rt::{fast_syscall, Errno};

// The kernel refuses a futex word that is not 4-byte aligned (EINVAL): [u8; 4] may be anywhere.
#[fast_syscall]
unsafe fn futex(
    uaddr: *mut [u8; 4],
    op: i32,
    val: u32,
    utime: *const u8,
    uaddr2: *mut u32,
    val3: u32,
) -> Result<isize, Errno>;

fn main() {}
