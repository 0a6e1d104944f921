//! Every return shape compiles and behaves: raw integers, `Result` with an integer or `()`, `!`.
use syscall_rt::{fast_syscall, Errno};

#[fast_syscall(name = "getpid")]
fn pid_isize() -> isize;
#[fast_syscall(name = "getpid")]
fn pid_usize() -> usize;
#[fast_syscall(name = "getpid")]
fn pid_i64() -> i64;
#[fast_syscall(name = "getpid")]
fn pid_u64() -> u64;
#[fast_syscall(name = "getpid")]
fn pid_i32() -> i32;
#[fast_syscall(name = "getpid")]
fn pid_u32() -> u32;
#[fast_syscall(name = "getpid")]
fn pid_result() -> Result<u32, Errno>;
#[fast_syscall(name = "fsync")]
fn fsync_raw(fd: i32) -> isize;
#[fast_syscall(name = "fsync")]
fn fsync_unit(fd: i32) -> Result<(), Errno>;
#[fast_syscall(name = "fsync")]
fn fsync_usize(fd: i32) -> Result<usize, Errno>;
// Aliases and full paths of primitives, checked by width in the expansion.
#[fast_syscall(name = "getpid")]
fn pid_alias() -> Result<std::ffi::c_int, Errno>;
#[fast_syscall(name = "getpid")]
fn pid_path() -> ::core::primitive::i32;
#[fast_syscall(name = "lseek")]
fn lseek_i64(fd: u32, offset: i64, whence: u32) -> Result<i64, Errno>;
#[fast_syscall]
fn exit_group(code: i32) -> !;

fn main() {
    let pid = std::process::id();
    assert_eq!(pid_isize() as u32, pid);
    assert_eq!(pid_usize() as u32, pid);
    assert_eq!(pid_i64() as u32, pid);
    assert_eq!(pid_u64() as u32, pid);
    assert_eq!(pid_i32() as u32, pid);
    assert_eq!(pid_u32(), pid);
    assert_eq!(pid_result(), Ok(pid));
    assert_eq!(pid_alias(), Ok(pid as i32));
    assert_eq!(pid_path(), pid as i32);
    assert_eq!(fsync_raw(-1), -9); // the kernel's value as is: -EBADF
    assert_eq!(fsync_unit(-1), Err(Errno::EBADF));
    assert_eq!(fsync_usize(-1), Err(Errno::EBADF));
    // A 5 GiB offset comes back whole in a 64-bit result.
    let f = std::fs::File::open("/proc/self/exe").unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&f) as u32;
    assert_eq!(lseek_i64(fd, 5 << 30, 0), Ok(5 << 30));
    exit_group(0)
}
