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
#[fast_syscall(name = "close")]
fn close_raw(fd: i32) -> isize;
#[fast_syscall(name = "close")]
fn close_unit(fd: i32) -> Result<(), Errno>;
#[fast_syscall(name = "close")]
fn close_usize(fd: i32) -> Result<usize, Errno>;
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
    assert_eq!(close_raw(-1), -9); // the kernel's value as is: -EBADF
    assert_eq!(close_unit(-1), Err(Errno::EBADF));
    assert_eq!(close_usize(-1), Err(Errno::EBADF));
    exit_group(0)
}
