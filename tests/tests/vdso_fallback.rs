//! The documented fallbacks, forced: without a vDSO the vDSO-default stubs enter the kernel;
//! on i686 without `AT_SYSINFO` the `sysenter` stubs use `int 0x80`. A separate test binary,
//! since forcing absence is process-wide; every test here forces the same state.

use syscall_rt::{Errno, fast_syscall};

#[repr(C)]
#[derive(Default, Debug, Clone, Copy)]
struct Ts {
    sec: i64,
    nsec: i64,
}

#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall]
unsafe fn clock_gettime(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "clock_gettime64")]
unsafe fn clock_gettime(clock: i32, tp: *mut Ts) -> Result<(), Errno>;

#[fast_syscall]
fn getpid() -> i32;

fn force_absent() {
    syscall_rt::vdso::force_absent(true);
    #[cfg(target_arch = "x86")]
    syscall_rt::raw::x86::force_vsyscall_absent(true);
}

#[test]
fn without_a_vdso_clock_gettime_enters_the_kernel_and_agrees_with_libc() {
    force_absent();
    assert_eq!(syscall_rt::vdso::image(), None);
    assert_eq!(syscall_rt::vdso::lookup(b"__vdso_clock_gettime", b""), None);
    let mut ts = Ts::default();
    let mut lts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: valid out-pointers.
    unsafe {
        clock_gettime(1, &mut ts).unwrap();
        assert_eq!(libc::clock_gettime(1, &mut lts), 0);
    }
    let ours = ts.sec as i128 * 1_000_000_000 + ts.nsec as i128;
    let theirs = lts.tv_sec as i128 * 1_000_000_000 + lts.tv_nsec as i128;
    assert!(
        (0..1_000_000_000).contains(&(theirs - ours)),
        "{ours} vs {theirs}"
    );
    // SAFETY: an invalid clock is the point.
    assert_eq!(unsafe { clock_gettime(-999, &mut ts) }, Err(Errno::EINVAL));
}

#[test]
fn without_at_sysinfo_the_default_entry_still_works() {
    force_absent();
    #[cfg(target_arch = "x86")]
    assert_eq!(syscall_rt::raw::x86::vsyscall_entry(), None);
    assert_eq!(getpid() as u32, std::process::id());
}
