//! `#[fast_syscall(table = "…")]`: declarations checked against a user's own table (a new
//! system call, a custom kernel), resolved against this crate's `CARGO_MANIFEST_DIR`.
#![cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]

use syscall_rt::{Errno, fast_syscall};

#[fast_syscall(table = "tables/x86_64-custom.toml", abi = "x86_64_custom")]
fn my_getpid() -> i32;

#[fast_syscall(table = "tables/x86_64-custom.toml", abi = "x86_64_custom")]
unsafe fn my_close(fd: u32) -> Result<(), Errno>;

#[fast_syscall(table = "tables/x86_64-custom.toml", abi = "x86_64_custom")]
fn brand_new_call(flags: u32) -> Result<usize, Errno>;

#[test]
fn calls_from_a_users_table_use_its_numbers() {
    assert_eq!(my_getpid() as u32, std::process::id());
    // SAFETY: no descriptor has this number, so nothing is closed.
    assert_eq!(unsafe { my_close(u32::MAX) }, Err(Errno::EBADF));
    // Number 1000 is not a Linux v7.0 system call: the kernel answers ENOSYS.
    assert_eq!(brand_new_call(0), Err(Errno::ENOSYS));
}
