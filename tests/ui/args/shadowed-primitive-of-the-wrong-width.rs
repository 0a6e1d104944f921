use syscall_rt::{fast_syscall, Errno};

// `u32` here is not the primitive: the expansion's trait check sees the real type.
#[allow(non_camel_case_types)]
type u32 = u64;

#[fast_syscall]
fn fsync(fd: u32) -> Result<(), Errno>;

fn main() {}
