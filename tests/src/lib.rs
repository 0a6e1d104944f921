//! System calls declared with `#[fast_syscall]` for the runtime tests, through every mechanism
//! of the target. The declarations compile for every supported ABI; where an ABI names a call
//! differently (`mmap2` on 32-bit ABIs), a `#[cfg]` picks the declaration.

#![allow(missing_docs)] // the names are the kernel's; see each system call's man page

use syscall_rt::{Errno, fast_syscall};

pub use syscall_rt::uapi;

/// The kernel's 64-bit `timespec`.
pub type Timespec = uapi::__kernel_timespec;
/// `timespec` with the kernel's `long` fields, what `nanosleep` takes everywhere: the same as
/// [`Timespec`] on 64-bit ABIs, `old_timespec32` on 32-bit ones.
pub type LongTimespec = uapi::__kernel_old_timespec;
/// `struct __kernel_old_timeval` (the kernel's `long` fields).
pub type Timeval = uapi::__kernel_old_timeval;
/// `struct statx`.
pub type Statx = uapi::statx;
/// `struct new_utsname`.
pub type Utsname = uapi::system::new_utsname;

/// All-zero values of the kernel structures the tests pass as out-parameters.
pub trait Zeroed: Copy {
    /// The value with every byte zero.
    fn zeroed() -> Self;
}

macro_rules! zeroed {
    ($($t:ty),*) => {$(
        impl Zeroed for $t {
            fn zeroed() -> Self {
                // SAFETY: the type holds integers and arrays of them only; all-zero is valid.
                unsafe { core::mem::zeroed() }
            }
        }
    )*};
}
zeroed!(Timespec, Timeval, Statx, Utsname);
// On 64-bit ABIs `LongTimespec` has the layout of `Timespec` but is another type.
zeroed!(LongTimespec);

/// Runs the current test binary again with only the test `test`, and `var` set to `value` in
/// its environment: how tests check what happens to a whole process (its exit status, a fatal
/// signal). Under qemu-user (no binfmt_misc here) the child is started through the emulator,
/// which `scripts/cross.sh` names in `FAST_SYSCALL_TEST_RUNNER`.
pub fn rerun_test(test: &str, var: &str, value: &str) -> std::process::Output {
    let runner = std::env::var("FAST_SYSCALL_TEST_RUNNER").unwrap_or_default();
    let mut argv: Vec<String> = runner.split_whitespace().map(String::from).collect();
    argv.push(
        std::env::current_exe()
            .unwrap()
            .to_string_lossy()
            .into_owned(),
    );
    std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(var, value)
        .output()
        .unwrap()
}

// ---------------------------------------------------------------- default mechanism

#[fast_syscall]
pub fn getpid() -> i32;
#[fast_syscall]
pub fn getppid() -> i32;
#[fast_syscall]
pub fn gettid() -> i32;
#[fast_syscall]
pub fn getuid() -> u32;
#[fast_syscall]
pub fn geteuid() -> u32;
#[fast_syscall]
pub fn getgid() -> u32;
#[fast_syscall]
pub fn getegid() -> u32;
#[fast_syscall]
pub fn getpgid(pid: i32) -> Result<i32, Errno>;
#[fast_syscall]
pub fn getsid(pid: i32) -> Result<i32, Errno>;
#[fast_syscall]
pub fn umask(mask: u32) -> u32;
#[fast_syscall]
pub fn sched_yield() -> Result<(), Errno>;
#[fast_syscall]
pub fn kill(pid: i32, sig: i32) -> Result<(), Errno>;
#[fast_syscall]
pub fn getpriority(which: i32, who: i32) -> Result<isize, Errno>;
#[fast_syscall]
pub unsafe fn close(fd: i32) -> Result<(), Errno>;
#[fast_syscall]
pub fn dup(fd: u32) -> Result<i32, Errno>;
#[fast_syscall]
pub unsafe fn dup3(oldfd: u32, newfd: u32, flags: i32) -> Result<i32, Errno>;
#[fast_syscall]
pub fn fsync(fd: u32) -> Result<(), Errno>;
#[fast_syscall]
pub fn tee(fdin: i32, fdout: i32, len: usize, flags: u32) -> Result<usize, Errno>;
/// The kernel's `unsigned long`: 64 bits on x32, whose pointers are 32.
#[cfg(not(all(target_arch = "x86_64", target_pointer_width = "32")))]
pub type ULong = usize;
/// The kernel's `unsigned long`: 64 bits on x32, whose pointers are 32.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
pub type ULong = u64;
/// `off_t`: the kernel's `long`, which on x32 is 64 bits while pointers are 32.
#[cfg(not(all(target_arch = "x86_64", target_pointer_width = "32")))]
pub type Off = isize;
/// `off_t`: the kernel's `long`, which on x32 is 64 bits while pointers are 32.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
pub type Off = i64;
#[fast_syscall]
pub fn lseek(fd: u32, offset: Off, whence: u32) -> Result<u64, Errno>;
#[fast_syscall]
pub unsafe fn uname(name: *mut Utsname) -> Result<(), Errno>;
#[fast_syscall]
pub unsafe fn pipe2(fds: *mut i32, flags: i32) -> Result<(), Errno>;
#[fast_syscall]
pub unsafe fn read(fd: u32, buf: *mut u8, count: usize) -> Result<usize, Errno>;
#[fast_syscall]
pub unsafe fn write(fd: u32, buf: *const u8, count: usize) -> Result<usize, Errno>;
#[fast_syscall]
pub unsafe fn pread64(fd: u32, buf: *mut u8, count: usize, pos: i64) -> Result<usize, Errno>;
#[fast_syscall]
pub unsafe fn pwrite64(fd: u32, buf: *const u8, count: usize, pos: i64) -> Result<usize, Errno>;
#[fast_syscall]
pub unsafe fn openat(dfd: i32, path: *const u8, flags: i32, mode: u16) -> Result<i32, Errno>;
#[fast_syscall]
pub unsafe fn unlinkat(dfd: i32, path: *const u8, flags: i32) -> Result<(), Errno>;
#[fast_syscall]
pub unsafe fn mkdirat(dfd: i32, path: *const u8, mode: u16) -> Result<(), Errno>;
#[fast_syscall]
pub unsafe fn statx(
    dfd: i32,
    path: *const u8,
    flags: u32,
    mask: u32,
    buf: *mut Statx,
) -> Result<(), Errno>;
#[fast_syscall]
pub unsafe fn getcwd(buf: *mut u8, size: usize) -> Result<usize, Errno>;
#[fast_syscall]
pub unsafe fn munmap(addr: usize, len: usize) -> Result<(), Errno>;
#[fast_syscall]
pub unsafe fn mprotect(start: usize, len: usize, prot: usize) -> Result<(), Errno>;
#[fast_syscall]
pub unsafe fn getrandom(buf: *mut u8, count: usize, flags: u32) -> Result<usize, Errno>;
#[fast_syscall]
pub unsafe fn nanosleep(rqtp: *const LongTimespec, rmtp: *mut LongTimespec) -> Result<(), Errno>;
/// `clock_getres` with 64-bit time.
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall]
pub unsafe fn clock_getres(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "clock_getres_time64")]
pub unsafe fn clock_getres(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;
#[fast_syscall]
pub unsafe fn prctl(
    option: i32,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> Result<usize, Errno>;
#[fast_syscall]
pub unsafe fn fcntl(fd: u32, cmd: u32, arg: usize) -> Result<i32, Errno>;
#[fast_syscall]
pub unsafe fn pselect6(
    n: i32,
    inp: *mut u8,
    outp: *mut u8,
    exp: *mut u8,
    // The kernel's `long` timespec: old_timespec32 (8 bytes) on i386 and Arm. A 16-byte
    // `Timespec` here was read short by the kernel until the layout check refused it.
    tsp: *mut LongTimespec,
    sig: *mut u8,
) -> Result<usize, Errno>;
#[fast_syscall]
pub fn fallocate(fd: i32, mode: i32, offset: i64, len: i64) -> Result<(), Errno>;
/// `ftruncate` with a 64-bit length: `ftruncate64` on 32-bit ABIs (a register pair).
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall(name = "ftruncate")]
pub fn ftruncate64(fd: u32, length: i64) -> Result<(), Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall]
pub fn ftruncate64(fd: u32, length: i64) -> Result<(), Errno>;
#[fast_syscall]
pub fn exit_group(code: i32) -> !;
#[fast_syscall]
pub unsafe fn exit(code: i32) -> !;

/// `mmap` (6 arguments): byte offsets on 64-bit ABIs, page offsets (`mmap2`) on 32-bit ones.
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall]
pub unsafe fn mmap(
    addr: usize,
    len: usize,
    prot: usize,
    flags: usize,
    fd: usize,
    off: usize,
) -> Result<usize, Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "mmap2")]
pub unsafe fn mmap(
    addr: usize,
    len: usize,
    prot: usize,
    flags: usize,
    fd: usize,
    off: usize,
) -> Result<usize, Errno>;

/// `clock_gettime` with 64-bit time: the vDSO by default.
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall]
pub unsafe fn clock_gettime(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "clock_gettime64")]
pub unsafe fn clock_gettime(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;

/// `clock_gettime` through the kernel entry (no vDSO).
#[cfg(target_arch = "x86_64")]
#[fast_syscall(name = "clock_gettime", via = "syscall")]
pub unsafe fn clock_gettime_kernel(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;
#[cfg(target_arch = "x86")]
#[fast_syscall(name = "clock_gettime64", via = "sysenter")]
pub unsafe fn clock_gettime_kernel(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;

/// `gettimeofday`: the vDSO by default.
#[fast_syscall]
pub unsafe fn gettimeofday(tv: *mut Timeval, tz: *mut u8) -> Result<(), Errno>;

// ---------------------------------------------------------------- every mechanism of the target

/// The legacy gate, with the i386 numbers: on i686 (whose default is `sysenter`) and from
/// x86_64 code, where it takes integer arguments of at most 32 bits only.
#[cfg(any(
    target_arch = "x86",
    all(target_arch = "x86_64", target_pointer_width = "64")
))]
pub mod int80 {
    use syscall_rt::{Errno, fast_syscall};

    #[fast_syscall(name = "getpid", via = "int80")]
    pub fn getpid() -> i32;
    #[fast_syscall(name = "getppid", via = "int80")]
    pub fn getppid() -> i32;
    #[fast_syscall(name = "umask", via = "int80")]
    pub fn umask(mask: u32) -> u32;
    #[fast_syscall(name = "kill", via = "int80")]
    pub fn kill(pid: i32, sig: i32) -> Result<(), Errno>;
    #[fast_syscall(name = "fcntl64", via = "int80")]
    pub unsafe fn fcntl(fd: u32, cmd: u32, arg: u32) -> Result<u32, Errno>;
    #[fast_syscall(name = "dup3", via = "int80")]
    pub unsafe fn dup3(oldfd: u32, newfd: u32, flags: i32) -> Result<i32, Errno>;
    #[fast_syscall(name = "close", via = "int80")]
    pub unsafe fn close(fd: u32) -> Result<(), Errno>;
    #[fast_syscall(name = "tee", via = "int80")]
    pub fn tee(fdin: i32, fdout: i32, len: u32, flags: u32) -> Result<u32, Errno>;
    #[fast_syscall(name = "prctl", via = "int80")]
    pub unsafe fn prctl(option: i32, a2: u32, a3: u32, a4: u32, a5: u32) -> Result<u32, Errno>;
    #[fast_syscall(name = "mmap2", via = "int80")]
    pub unsafe fn mmap2(
        addr: u32,
        len: u32,
        prot: u32,
        flags: u32,
        fd: u32,
        pgoff: u32,
    ) -> Result<u32, Errno>;
    #[fast_syscall(name = "exit_group", via = "int80")]
    pub fn exit_group(code: i32) -> !;

    // Pointers and a 64-bit argument: i686 only (from x86_64 the gate would truncate them).
    #[cfg(target_arch = "x86")]
    #[fast_syscall(name = "uname", via = "int80")]
    pub unsafe fn uname(name: *mut super::Utsname) -> Result<(), Errno>;
    #[cfg(target_arch = "x86")]
    #[fast_syscall(name = "pread64", via = "int80")]
    pub unsafe fn pread64(fd: u32, buf: *mut u8, count: usize, pos: i64) -> Result<usize, Errno>;
    #[cfg(target_arch = "x86")]
    #[fast_syscall(name = "clock_gettime64", via = "int80")]
    pub unsafe fn clock_gettime(clock: i32, tp: *mut super::Timespec) -> Result<(), Errno>;
}

/// The repository README's examples, compiled and run as doctests (the crate READMEs are
/// doctested by their crates).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct RootReadmeDoctests;
