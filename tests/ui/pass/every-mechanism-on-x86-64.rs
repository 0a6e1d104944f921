//! `syscall`, `int80` and `vdso` on x86_64, chosen explicitly and by default.
use syscall_rt::{fast_syscall, Errno};

#[repr(C)]
#[derive(Default)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

#[fast_syscall(via = "syscall")]
fn getpid() -> i32;
#[fast_syscall(name = "getpid", via = "int80")]
fn getpid_int80() -> i32;
#[fast_syscall]
unsafe fn clock_gettime(clock: i32, tp: *mut Timespec) -> Result<(), Errno>; // vDSO by default
#[fast_syscall(name = "clock_gettime", via = "vdso")]
unsafe fn clock_gettime_vdso(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;
#[fast_syscall(name = "clock_gettime", via = "syscall")]
unsafe fn clock_gettime_kernel(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;

fn main() {
    assert_eq!(getpid(), getpid_int80());
    let mut a = Timespec::default();
    let mut b = Timespec::default();
    let mut c = Timespec::default();
    // SAFETY: valid out-pointers.
    unsafe {
        clock_gettime(1, &mut a).unwrap();
        clock_gettime_vdso(1, &mut b).unwrap();
        clock_gettime_kernel(1, &mut c).unwrap();
    }
    assert!((a.sec, a.nsec) <= (b.sec, b.nsec) && (b.sec, b.nsec) <= (c.sec, c.nsec));
}
