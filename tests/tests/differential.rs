//! Differential tests: 46 system calls made with generated arguments through our stubs and
//! through libc's `syscall()` (the same number via glibc's generic path) give identical results
//! and errno, and identical bytes in their output buffers. Arguments are chosen by proptest
//! from domains that are safe to call with (queries, invalid descriptors, bogus ids), so every
//! run exercises both success and error paths without changing the process.
//!
//! One test drives all calls in sequence: descriptor numbers must not be taken by other tests
//! between the two sides of a comparison.

use std::ffi::CString;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use syscall_rt::{Errno, fast_syscall};

/// libc's `syscall()` result as ours would report it.
fn libc_result(ret: libc::c_long) -> Result<usize, Errno> {
    if ret == -1 {
        Err(Errno::from_raw(
            std::io::Error::last_os_error().raw_os_error().unwrap(),
        ))
    } else {
        Ok(ret as usize)
    }
}

/// Whether a call succeeded (a plain function: the macro's value may be ignored).
fn succeeded(r: &Result<usize, Errno>) -> bool {
    r.is_ok()
}

/// Compares one call made both ways; evaluates to whether it succeeded.
macro_rules! same {
    ($what:expr, $ours:expr, $libc:expr) => {{
        let ours: Result<usize, Errno> = $ours;
        // SAFETY: the libc side makes the same call as ours with the same arguments.
        let theirs = libc_result(unsafe { $libc });
        prop_assert_eq!(ours, theirs, "{}", $what);
        succeeded(&ours)
    }};
}

mod sys {
    use syscall_rt::{Errno, fast_syscall};
    #[fast_syscall]
    pub fn getpid() -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn getppid() -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn gettid() -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn getuid() -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn geteuid() -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn getgid() -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn getegid() -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn getpgid(pid: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn getsid(pid: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn kill(pid: i32, sig: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn tgkill(tgid: i32, pid: i32, sig: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn getpriority(which: i32, who: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn sched_getscheduler(pid: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn sched_get_priority_max(policy: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn sched_get_priority_min(policy: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn sched_yield() -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn close(fd: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn dup(fd: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn dup3(oldfd: u32, newfd: u32, flags: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn fcntl(fd: u32, cmd: u32, arg: usize) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn lseek(fd: u32, offset: syscall_tests::Off, whence: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn fsync(fd: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn fdatasync(fd: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn flock(fd: u32, cmd: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn fchdir(fd: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn fchmod(fd: u32, mode: u16) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn umask(mask: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn personality(persona: u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub fn ioprio_get(which: i32, who: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn prctl(
        option: i32,
        a2: usize,
        a3: usize,
        a4: usize,
        a5: usize,
    ) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getrusage(who: i32, ru: *mut u8) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getcwd(buf: *mut u8, size: usize) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn uname(name: *mut u8) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn sysinfo(info: *mut u8) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn prlimit64(
        pid: i32,
        resource: u32,
        new: *const u8,
        old: *mut u8,
    ) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getgroups(size: i32, list: *mut u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getresuid(r: *mut u32, e: *mut u32, s: *mut u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getresgid(r: *mut u32, e: *mut u32, s: *mut u32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn faccessat(dfd: i32, path: *const u8, mode: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn readlinkat(
        dfd: i32,
        path: *const u8,
        buf: *mut u8,
        size: i32,
    ) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn openat(dfd: i32, path: *const u8, flags: i32, mode: u16) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getitimer(which: i32, value: *mut u8) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getcpu(cpu: *mut u32, node: *mut u32, cache: *mut u8) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn sched_getaffinity(pid: i32, len: u32, mask: *mut usize) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn pipe2(fds: *mut i32, flags: i32) -> Result<usize, Errno>;
}

/// The clock calls take 64-bit time on 64-bit ABIs and on 32-bit ones through their `*64` names.
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall]
unsafe fn clock_getres(clock: i32, tp: *mut u8) -> Result<usize, Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "clock_getres_time64")]
unsafe fn clock_getres(clock: i32, tp: *mut u8) -> Result<usize, Errno>;

/// Descriptors: open ones (0–2, a pipe), unlikely-open ones, and nonsense.
fn fd() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..3, 900u32..1000, Just(u32::MAX), any::<u32>()]
}

fn pid() -> impl Strategy<Value = i32> {
    prop_oneof![
        Just(0),
        Just(std::process::id() as i32),
        Just(1),
        -3i32..3,
        0x7fff_0000i32..0x7fff_ffff,
        any::<i32>()
    ]
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn run<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    runner(cases).run(&strategy, test).unwrap();
}

#[test]
fn forty_six_system_calls_agree_with_libc() {
    let n = 64;
    // Identity: no arguments.
    run(4, Just(()), |()| {
        same!("getpid", sys::getpid(), libc::syscall(libc::SYS_getpid));
        same!("getppid", sys::getppid(), libc::syscall(libc::SYS_getppid));
        same!("gettid", sys::gettid(), libc::syscall(libc::SYS_gettid));
        same!("getuid", sys::getuid(), libc::syscall(libc::SYS_getuid));
        same!("geteuid", sys::geteuid(), libc::syscall(libc::SYS_geteuid));
        same!("getgid", sys::getgid(), libc::syscall(libc::SYS_getgid));
        same!("getegid", sys::getegid(), libc::syscall(libc::SYS_getegid));
        same!(
            "sched_yield",
            sys::sched_yield(),
            libc::syscall(libc::SYS_sched_yield)
        );
        Ok(())
    });
    // Processes and scheduling.
    run(n, (pid(), -2i32..40, -2i32..4), |(p, sig, which)| {
        same!(
            format!("getpgid({p})"),
            sys::getpgid(p),
            libc::syscall(libc::SYS_getpgid, p)
        );
        same!(
            format!("getsid({p})"),
            sys::getsid(p),
            libc::syscall(libc::SYS_getsid, p)
        );
        // Signal 0 only checks; a real signal would change the process.
        let _ = sig;
        same!(
            format!("kill({p}, 0)"),
            sys::kill(p, 0),
            libc::syscall(libc::SYS_kill, p, 0)
        );
        let me = std::process::id() as i32;
        same!(
            format!("tgkill({me}, {p}, 0)"),
            sys::tgkill(me, p, 0),
            libc::syscall(libc::SYS_tgkill, me, p, 0)
        );
        same!(
            format!("getpriority({which}, {p})"),
            sys::getpriority(which, p),
            libc::syscall(libc::SYS_getpriority, which, p)
        );
        same!(
            format!("sched_getscheduler({p})"),
            sys::sched_getscheduler(p),
            libc::syscall(libc::SYS_sched_getscheduler, p)
        );
        same!(
            format!("sched_get_priority_max({sig})"),
            sys::sched_get_priority_max(sig),
            libc::syscall(libc::SYS_sched_get_priority_max, sig)
        );
        same!(
            format!("sched_get_priority_min({sig})"),
            sys::sched_get_priority_min(sig),
            libc::syscall(libc::SYS_sched_get_priority_min, sig)
        );
        same!(
            format!("ioprio_get({which}, {p})"),
            sys::ioprio_get(which, p),
            libc::syscall(libc::SYS_ioprio_get, which, p)
        );
        Ok(())
    });
    // Descriptors: queries on open ones, errors on the rest.
    run(
        n,
        (fd(), any::<i32>(), 0u32..20, any::<u32>()),
        |(f, off, cmd, raw)| {
            let bad = f.max(900); // never one of ours: the calls below would change it
            same!(
                format!("close({bad})"),
                // SAFETY: `bad` is never an open descriptor: nothing is closed.
                unsafe { sys::close(bad) },
                libc::syscall(libc::SYS_close, bad)
            );
            same!(
                format!("fsync({bad})"),
                sys::fsync(bad),
                libc::syscall(libc::SYS_fsync, bad)
            );
            same!(
                format!("fdatasync({bad})"),
                sys::fdatasync(bad),
                libc::syscall(libc::SYS_fdatasync, bad)
            );
            same!(
                format!("flock({bad})"),
                sys::flock(bad, cmd),
                libc::syscall(libc::SYS_flock, bad, cmd)
            );
            same!(
                format!("fchdir({bad})"),
                sys::fchdir(bad),
                libc::syscall(libc::SYS_fchdir, bad)
            );
            same!(
                format!("fchmod({bad})"),
                sys::fchmod(bad, 0o644),
                libc::syscall(libc::SYS_fchmod, bad, 0o644)
            );
            same!(
                format!("dup3({bad}, 950, 0)"),
                // SAFETY: `bad` is never open, so 950 is not replaced.
                unsafe { sys::dup3(bad, 950, 0) },
                libc::syscall(libc::SYS_dup3, bad, 950, 0)
            );
            // F_GETFD (1), F_GETFL (3) and others up to 19: the ones that set something are only
            // reached with a bad descriptor.
            let query = if cmd == 1 || cmd == 3 { f } else { bad };
            same!(
                format!("fcntl({query}, {cmd})"),
                // SAFETY: with argument 0 no command reaches user memory; the ones that
                // change a descriptor only see a bad one.
                unsafe { sys::fcntl(query, cmd, 0) },
                libc::syscall(libc::SYS_fcntl, query, cmd, 0)
            );
            let whence = raw % 6;
            let off = off as syscall_tests::Off;
            same!(
                format!("lseek({bad}, {off}, {whence})"),
                sys::lseek(bad, off, whence),
                libc::syscall(libc::SYS_lseek, bad, off, whence)
            );
            // dup of an open descriptor gives the lowest free one both times (closed in between).
            let ours = sys::dup(f);
            if let Ok(new) = ours {
                // SAFETY: `new` was just created here and is owned by this test.
                unsafe { sys::close(new as u32) }.unwrap();
            }
            let theirs = libc_result(unsafe { libc::syscall(libc::SYS_dup, f) });
            if let Ok(new) = theirs {
                // SAFETY: `new` was just created here and is owned by this test.
                unsafe { sys::close(new as u32) }.unwrap();
            }
            prop_assert_eq!(ours, theirs, "dup({})", f);
            Ok(())
        },
    );
    // umask: set through ours, restore through libc; each returns the mask the other set.
    run(n, 0u32..0o1000, |mask| {
        let old = sys::umask(mask).unwrap();
        let back = unsafe { libc::syscall(libc::SYS_umask, old) };
        prop_assert_eq!(back as u32, mask);
        Ok(())
    });
    // Queries with output buffers: same return and same bytes.
    run(
        n,
        (-3i32..4, 0usize..300, 0u32..20, -4i32..20, 0usize..64),
        |(who, size, res, clock, groups)| {
            let mut a = [0u8; 512];
            let mut b = [0u8; 512];
            same!(
                format!("getcwd(size {size})"),
                unsafe { sys::getcwd(a.as_mut_ptr(), size) },
                libc::syscall(libc::SYS_getcwd, b.as_mut_ptr(), size)
            );
            prop_assert_eq!(&a[..], &b[..]);
            same!(
                "uname",
                unsafe { sys::uname(a.as_mut_ptr()) },
                libc::syscall(libc::SYS_uname, b.as_mut_ptr())
            );
            prop_assert_eq!(&a[..390], &b[..390]);
            same!(
                format!("prlimit64(0, {res})"),
                unsafe { sys::prlimit64(0, res, std::ptr::null(), a.as_mut_ptr()) },
                libc::syscall(
                    libc::SYS_prlimit64,
                    0,
                    res,
                    std::ptr::null::<u8>(),
                    b.as_mut_ptr()
                )
            );
            prop_assert_eq!(&a[..16], &b[..16]);
            // clock_getres is served by the vDSO, as glibc's is: compare with glibc's function.
            // (Linux 6.18's vDSO answers the auxiliary clocks 16-23 where the system call says
            // EINVAL, so the raw system call is not the right reference here.)
            let mut lts: libc::timespec = unsafe { std::mem::zeroed() };
            let ok = same!(
                format!("clock_getres({clock})"),
                unsafe { clock_getres(clock, a.as_mut_ptr()) },
                libc::clock_getres(clock, &mut lts) as libc::c_long
            );
            if ok {
                let nsec = i64::from_ne_bytes(a[8..16].try_into().unwrap());
                prop_assert_eq!(
                    nsec,
                    lts.tv_nsec as i64,
                    "clock_getres({}) resolution",
                    clock
                );
            }
            // Resource usage changes between calls: compare the result only.
            same!(
                format!("getrusage({who})"),
                unsafe { sys::getrusage(who, a.as_mut_ptr()) },
                libc::syscall(libc::SYS_getrusage, who, b.as_mut_ptr())
            );
            same!(
                format!("getitimer({who})"),
                unsafe { sys::getitimer(who, a.as_mut_ptr()) },
                libc::syscall(libc::SYS_getitimer, who, b.as_mut_ptr())
            );
            let (mut ga, mut gb) = ([0u32; 64], [0u32; 64]);
            same!(
                format!("getgroups({groups})"),
                unsafe { sys::getgroups(groups as i32, ga.as_mut_ptr()) },
                libc::syscall(libc::SYS_getgroups, groups as i32, gb.as_mut_ptr())
            );
            prop_assert_eq!(ga, gb);
            let (mut r1, mut e1, mut s1, mut r2, mut e2, mut s2) =
                (0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
            same!(
                "getresuid",
                unsafe { sys::getresuid(&mut r1, &mut e1, &mut s1) },
                libc::syscall(libc::SYS_getresuid, &mut r2, &mut e2, &mut s2)
            );
            prop_assert_eq!((r1, e1, s1), (r2, e2, s2));
            same!(
                "getresgid",
                unsafe { sys::getresgid(&mut r1, &mut e1, &mut s1) },
                libc::syscall(libc::SYS_getresgid, &mut r2, &mut e2, &mut s2)
            );
            prop_assert_eq!((r1, e1, s1), (r2, e2, s2));
            let (mut ma, mut mb) = ([0usize; 16], [0usize; 16]);
            let len = (size as u32) & !7;
            same!(
                format!("sched_getaffinity(0, {len})"),
                unsafe { sys::sched_getaffinity(0, len, ma.as_mut_ptr()) },
                libc::syscall(libc::SYS_sched_getaffinity, 0, len, mb.as_mut_ptr())
            );
            prop_assert_eq!(ma, mb);
            same!(
                "sysinfo",
                unsafe { sys::sysinfo(a.as_mut_ptr()) },
                libc::syscall(libc::SYS_sysinfo, b.as_mut_ptr())
            );
            let (mut ca, mut cb) = (0u32, 0u32);
            same!(
                "getcpu",
                unsafe { sys::getcpu(&mut ca, std::ptr::null_mut(), std::ptr::null_mut()) },
                libc::syscall(
                    libc::SYS_getcpu,
                    &mut cb,
                    std::ptr::null_mut::<u32>(),
                    std::ptr::null_mut::<u8>()
                )
            );
            Ok(())
        },
    );
    // prctl queries (and an unknown option), personality query.
    let queries = prop_oneof![
        Just(3i32),
        Just(7),
        Just(30),
        Just(37),
        Just(39),
        Just(42),
        Just(9999),
        Just(-1)
    ];
    run(n, queries, |option| {
        same!(
            format!("prctl({option})"),
            unsafe { sys::prctl(option, 0, 0, 0, 0) },
            libc::syscall(libc::SYS_prctl, option, 0, 0, 0, 0)
        );
        same!(
            "personality(query)",
            sys::personality(0xffff_ffff),
            libc::syscall(libc::SYS_personality, 0xffff_ffffu32)
        );
        Ok(())
    });
    // Paths: existing, missing, too long, not a link, with every access mode.
    let paths = prop_oneof![
        Just("/".to_string()),
        Just("/proc/self/exe".to_string()),
        Just("/nonexistent".to_string()),
        Just("/etc/hostname".to_string()),
        Just("".to_string()),
        Just("x".repeat(5000)),
        Just("/proc/self/fd/0".to_string()),
        "/[a-z]{1,12}",
    ];
    run(
        n,
        (
            paths,
            0i32..8,
            0usize..300,
            prop_oneof![Just(0i32), Just(0o2_000_000), Just(0o200_000), Just(-1)],
        ),
        |(path, mode, size, flags)| {
            let c = CString::new(path.clone()).unwrap();
            let p = c.as_ptr().cast::<u8>();
            same!(
                format!("faccessat({path:.40}, {mode})"),
                unsafe { sys::faccessat(-100, p, mode) },
                libc::syscall(libc::SYS_faccessat, -100, p, mode)
            );
            let (mut a, mut b) = ([0u8; 300], [0u8; 300]);
            same!(
                format!("readlinkat({path:.40}, {size})"),
                unsafe { sys::readlinkat(-100, p, a.as_mut_ptr(), size as i32) },
                libc::syscall(libc::SYS_readlinkat, -100, p, b.as_mut_ptr(), size as i32)
            );
            prop_assert_eq!(a, b);
            // Read-only opens; a descriptor each side gets is closed at once.
            let flags = flags & !0o3; // O_RDONLY
            let ours = unsafe { sys::openat(-100, p, flags, 0) };
            if let Ok(fd) = ours {
                // SAFETY: `fd` was just created here and is owned by this test.
                unsafe { sys::close(fd as u32) }.unwrap();
            }
            let theirs = libc_result(unsafe { libc::syscall(libc::SYS_openat, -100, p, flags, 0) });
            if let Ok(fd) = theirs {
                // SAFETY: `fd` was just created here and is owned by this test.
                unsafe { sys::close(fd as u32) }.unwrap();
            }
            prop_assert_eq!(ours, theirs, "openat({:.40}, {:#o})", path, flags);
            Ok(())
        },
    );
    // pipe2 with valid and invalid flags.
    run(
        n,
        prop_oneof![Just(0i32), Just(0o2_000_000), Just(0o4000), any::<i32>()],
        |flags| {
            let (mut a, mut b) = ([-1i32; 2], [-1i32; 2]);
            let ours = unsafe { sys::pipe2(a.as_mut_ptr(), flags) };
            let theirs =
                libc_result(unsafe { libc::syscall(libc::SYS_pipe2, b.as_mut_ptr(), flags) });
            for fd in a.into_iter().chain(b).filter(|&fd| fd >= 0) {
                // SAFETY: `fd` was just created here and is owned by this test.
                unsafe { sys::close(fd as u32) }.unwrap();
            }
            prop_assert_eq!(ours, theirs, "pipe2({:#x})", flags);
            Ok(())
        },
    );
}
