//! Types that arrive through `macro_rules!` fragments (`$t:ty`, an invisible group), and
//! parameters under `#[cfg]`: honoured, not counted.
use syscall_rt::{fast_syscall, Errno};

macro_rules! declare {
    ($name:ident($($arg:ident: $t:ty),*) -> $ret:ty) => {
        #[fast_syscall]
        pub unsafe fn $name($($arg: $t),*) -> $ret;
    };
}

declare!(write(fd: u32, buf: *const u8, count: usize) -> Result<usize, Errno>);
declare!(getppid() -> i32);

// The parameter never exists: `getpid` with no argument.
#[fast_syscall(name = "getpid")]
fn pid(#[cfg(any())] never: i32) -> i32;

// The parameter always exists.
#[fast_syscall]
fn kill(pid: i32, #[cfg(all())] sig: i32) -> Result<(), Errno>;

// One of two spellings of the same argument, by pointer width.
#[fast_syscall]
fn lseek(
    fd: u32,
    #[cfg(target_pointer_width = "64")] offset: i64,
    #[cfg(target_pointer_width = "32")] offset: i32,
    whence: u32,
) -> Result<u64, Errno>;

fn main() {
    // SAFETY: a valid buffer.
    assert_eq!(unsafe { write(1, b"".as_ptr(), 0) }, Ok(0));
    // SAFETY: getppid has no preconditions.
    assert_eq!(unsafe { getppid() } as u32, std::os::unix::process::parent_id());
    assert_eq!(pid() as u32, std::process::id());
    assert_eq!(kill(std::process::id() as i32, 0), Ok(()));
    let f = std::fs::File::open("/proc/self/exe").unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&f) as u32;
    assert_eq!(lseek(fd, 3, 0), Ok(3));
}
