//! Probes for the speed proofs: the same system calls through fast-syscall stubs, through
//! hand-written `asm!` and through libc, each in an `#[inline(never)]` function so that timing
//! and instruction counting see exactly one call.
//!
//! The calls are cheap and harmless: `getpid` (0 arguments), `lseek(-1, 0, SEEK_SET)` (3,
//! `EBADF`), `mmap(0, 0, …)` / `mmap2` (6, `EINVAL`), `clock_gettime(CLOCK_MONOTONIC)`.

use std::hint::black_box;

/// A timespec with 64-bit fields (`__kernel_timespec`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Timespec {
    /// Seconds.
    pub sec: i64,
    /// Nanoseconds.
    pub nsec: i64,
}

/// fast-syscall stubs, declared as users write them.
pub mod ours {
    use super::Timespec;
    use syscall_rt::{Errno, fast_syscall};

    /// `getpid`, the kernel's value as is.
    #[fast_syscall(name = "getpid")]
    pub fn getpid_raw() -> isize;
    /// `getpid` decoded into a `Result`.
    #[fast_syscall(name = "getpid")]
    pub fn getpid_result() -> Result<usize, Errno>;
    /// `lseek`, 3 arguments.
    #[fast_syscall(name = "lseek")]
    pub fn lseek_raw(fd: u32, offset: isize, whence: u32) -> isize;
    /// `lseek`, 3 arguments, decoded.
    #[fast_syscall(name = "lseek")]
    pub fn lseek_result(fd: u32, offset: isize, whence: u32) -> Result<usize, Errno>;

    /// `mmap` (6 arguments).
    #[cfg(target_pointer_width = "64")]
    #[fast_syscall(name = "mmap")]
    pub unsafe fn mmap_raw(a: usize, l: usize, p: usize, f: usize, fd: usize, o: usize) -> isize;
    /// `mmap2` (6 arguments).
    #[cfg(target_pointer_width = "32")]
    #[fast_syscall(name = "mmap2")]
    pub unsafe fn mmap_raw(a: usize, l: usize, p: usize, f: usize, fd: usize, o: usize) -> isize;
    /// `mmap` (6 arguments), decoded.
    #[cfg(target_pointer_width = "64")]
    #[fast_syscall(name = "mmap")]
    pub unsafe fn mmap_result(
        a: usize,
        l: usize,
        p: usize,
        f: usize,
        fd: usize,
        o: usize,
    ) -> Result<usize, Errno>;
    /// `mmap2` (6 arguments), decoded.
    #[cfg(target_pointer_width = "32")]
    #[fast_syscall(name = "mmap2")]
    pub unsafe fn mmap_result(
        a: usize,
        l: usize,
        p: usize,
        f: usize,
        fd: usize,
        o: usize,
    ) -> Result<usize, Errno>;

    /// `clock_gettime` through the vDSO (the default).
    #[cfg(target_pointer_width = "64")]
    #[fast_syscall(name = "clock_gettime")]
    pub unsafe fn clock_gettime_vdso(clock: i32, tp: *mut Timespec) -> isize;
    /// `clock_gettime64` through the vDSO (the default).
    #[cfg(target_pointer_width = "32")]
    #[fast_syscall(name = "clock_gettime64")]
    pub unsafe fn clock_gettime_vdso(clock: i32, tp: *mut Timespec) -> isize;

    /// `clock_gettime` through the kernel.
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    #[fast_syscall(name = "clock_gettime", via = "syscall")]
    pub unsafe fn clock_gettime_kernel(clock: i32, tp: *mut Timespec) -> isize;
    /// `clock_gettime64` through the kernel.
    #[cfg(target_arch = "x86")]
    #[fast_syscall(name = "clock_gettime64", via = "sysenter")]
    pub unsafe fn clock_gettime_kernel(clock: i32, tp: *mut Timespec) -> isize;

    /// The legacy gate (i386 numbers).
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    pub mod int80 {
        use syscall_rt::{Errno, fast_syscall};

        /// `getpid` through `int 0x80`.
        #[fast_syscall(name = "getpid", via = "int80")]
        pub fn getpid_raw() -> isize;
        /// `getpid` through `int 0x80`, decoded.
        #[fast_syscall(name = "getpid", via = "int80")]
        pub fn getpid_result() -> Result<usize, Errno>;
        /// `lseek` through `int 0x80`.
        #[fast_syscall(name = "lseek", via = "int80")]
        pub fn lseek_raw(fd: u32, offset: i32, whence: u32) -> isize;
        /// `mmap2` through `int 0x80`.
        #[fast_syscall(name = "mmap2", via = "int80")]
        pub unsafe fn mmap_raw(a: u32, l: u32, p: u32, f: u32, fd: u32, o: u32) -> isize;
    }
}

/// The same calls written by hand, as a careful person would without this project.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
pub mod hand {
    use super::Timespec;
    use core::arch::asm;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// `getpid` via `syscall`.
    #[inline(always)]
    pub fn getpid_raw() -> isize {
        let ret: isize;
        // SAFETY: getpid has no arguments and no effects.
        unsafe {
            asm!("syscall", inlateout("rax") 39isize => ret, lateout("rcx") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        ret
    }

    /// `getpid` decoded the usual way.
    #[inline(always)]
    pub fn getpid_result() -> Result<usize, i32> {
        let r = getpid_raw();
        if (r as usize) > -4096isize as usize {
            Err(-r as i32)
        } else {
            Ok(r as usize)
        }
    }

    /// `lseek` via `syscall`.
    #[inline(always)]
    pub fn lseek_raw(fd: u32, offset: isize, whence: u32) -> isize {
        let ret: isize;
        // SAFETY: lseek only moves a file offset.
        unsafe {
            asm!("syscall", inlateout("rax") 8isize => ret, in("rdi") fd as usize, in("rsi") offset,
                 in("rdx") whence as usize, lateout("rcx") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        ret
    }

    /// `mmap` via `syscall`.
    ///
    /// # Safety
    /// As `mmap(2)`.
    #[inline(always)]
    pub unsafe fn mmap_raw(a: usize, l: usize, p: usize, f: usize, fd: usize, o: usize) -> isize {
        let ret: isize;
        // SAFETY: the caller's.
        unsafe {
            asm!("syscall", inlateout("rax") 9isize => ret, in("rdi") a, in("rsi") l, in("rdx") p,
                 in("r10") f, in("r8") fd, in("r9") o, lateout("rcx") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        ret
    }

    /// `getpid` via `int 0x80` (i386 number 20), as one would write it from 64-bit code.
    #[inline(always)]
    pub fn getpid_int80() -> isize {
        let ret: i32;
        // SAFETY: getpid has no arguments; the i386 gate may zero r8-r11 on old kernels.
        unsafe {
            asm!("int 0x80", inlateout("eax") 20i32 => ret, lateout("r8") _, lateout("r9") _,
                 lateout("r10") _, lateout("r11") _, options(nostack, preserves_flags));
        }
        ret as isize
    }

    static CLOCK_GETTIME: AtomicUsize = AtomicUsize::new(0);

    /// `__vdso_clock_gettime` called through a cached pointer (resolved once, like glibc does).
    ///
    /// # Safety
    /// `tp` must be writable.
    #[inline(always)]
    pub unsafe fn clock_gettime_vdso(clock: i32, tp: *mut Timespec) -> isize {
        let mut f = CLOCK_GETTIME.load(Ordering::Relaxed);
        if f == 0 {
            f = syscall_rt::vdso::lookup(b"__vdso_clock_gettime", b"LINUX_2.6").expect("vDSO");
            CLOCK_GETTIME.store(f, Ordering::Relaxed);
        }
        // SAFETY: the vDSO's clock_gettime has this C signature.
        let f: unsafe extern "C" fn(i32, *mut Timespec) -> i32 = unsafe { core::mem::transmute(f) };
        // SAFETY: the caller's.
        unsafe { f(clock, tp) as isize }
    }
}

/// One probe: a name, the mechanism, and the function that makes one call.
pub struct Probe {
    /// What is called.
    pub call: &'static str,
    /// How.
    pub how: &'static str,
    /// One call.
    pub run: fn(),
}

macro_rules! probe {
    ($call:literal, $how:literal, $body:expr) => {
        Probe {
            call: $call,
            how: $how,
            run: {
                #[inline(never)]
                fn run() {
                    black_box($body);
                }
                run
            },
        }
    };
}

/// getrandom through the vDSO, the kernel entry, libc and the direct vDSO call (the main job's
/// second table; probes written with the macro above).
pub mod getrandom;

/// The comparison of the main job: every mechanism the host offers, and libc.
pub fn comparison() -> Vec<Probe> {
    let mut probes = vec![probe!(
        "getpid",
        "syscall (fast-syscall)",
        ours::getpid_raw()
    )];
    #[cfg(target_arch = "x86")]
    {
        probes[0].how = "sysenter (fast-syscall)";
    }
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    probes.push(probe!(
        "getpid",
        "int 0x80 (fast-syscall)",
        ours::int80::getpid_raw()
    ));
    // SAFETY (libc calls below): plain calls with valid arguments.
    probes.push(probe!("getpid", "libc getpid()", unsafe { libc::getpid() }));
    probes.push(probe!("getpid", "libc syscall(SYS_getpid)", unsafe {
        libc::syscall(libc::SYS_getpid)
    }));
    probes.push(probe!("clock_gettime", "vDSO (fast-syscall)", {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        unsafe { ours::clock_gettime_vdso(1, &mut ts) };
        ts.nsec
    }));
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    probes.push(probe!("clock_gettime", "kernel entry (fast-syscall)", {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        unsafe { ours::clock_gettime_kernel(1, &mut ts) };
        ts.nsec
    }));
    probes.push(probe!("clock_gettime", "libc clock_gettime()", {
        let mut ts: libc::timespec = unsafe { core::mem::zeroed() };
        unsafe { libc::clock_gettime(1, &mut ts) };
        ts.tv_nsec
    }));
    probes
}

/// Runs `f` `n` times; nanoseconds per call.
pub fn ns_per_call(f: fn(), n: u64) -> f64 {
    let start = std::time::Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_nanos() as f64 / n as f64
}
