//! The default `clock_gettime`, `clock_getres`, `gettimeofday`, `time` and `getcpu` stubs are
//! answered by the vDSO and never enter the kernel.
//!
//! A child process installs a seccomp filter that makes exactly these system calls (their
//! x86_64 and i386 numbers, taken from `syscall_rt::arch`) fail with a marker errno
//! (`EHWPOISON`, which no time call returns) instead of reaching the kernel's implementation.
//! Then:
//! - the **controls** — the same calls declared with a kernel gate (`via = "syscall"`, on i686
//!   `via = "sysenter"` and `via = "int80"`) — must get the marker: the filter is in force and
//!   would catch a stub that entered the kernel;
//! - every **default stub** whose vDSO symbol exists must succeed and agree with libc; where the
//!   vDSO lacks the symbol, the stub must take its documented fallback (and get the marker).
//!
//! A stub that skipped the vDSO would get the marker and fail here. High-resolution clocks are
//! only required to stay out of the kernel when the vDSO function itself does (with a clock
//! source the vDSO cannot read it makes the system call; the coarse clocks never do).

#![cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]

use std::io::Write as _;

use syscall_rt::Errno;

/// The errno the filter answers with.
const MARK: Errno = Errno::from_raw(133); // EHWPOISON

/// `struct __kernel_timespec`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Ts {
    sec: i64,
    nsec: i64,
}

/// `struct __kernel_old_timeval` (the kernel's `long` fields).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct Tv {
    sec: isize,
    usec: isize,
}

/// The 64-bit-time declarations, default mechanism (the vDSO) and a kernel gate, per ABI.
#[cfg(target_arch = "x86_64")]
mod decl {
    use super::{Ts, Tv};
    use syscall_rt::{Errno, fast_syscall};

    #[fast_syscall]
    pub unsafe fn clock_gettime(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
    #[fast_syscall]
    pub unsafe fn clock_getres(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
    #[fast_syscall]
    pub unsafe fn gettimeofday(tv: *mut Tv, tz: *mut u8) -> Result<(), Errno>;
    #[fast_syscall]
    pub unsafe fn time(tloc: *mut isize) -> isize;
    #[fast_syscall]
    pub unsafe fn getcpu(cpu: *mut u32, node: *mut u32, cache: *mut u8) -> Result<(), Errno>;

    /// The same calls through the kernel gate.
    pub mod kernel {
        use super::{Ts, Tv};
        use syscall_rt::{Errno, fast_syscall};

        #[fast_syscall(name = "clock_gettime", via = "syscall")]
        pub unsafe fn clock_gettime(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
        #[fast_syscall(name = "clock_getres", via = "syscall")]
        pub unsafe fn clock_getres(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
        #[fast_syscall(name = "gettimeofday", via = "syscall")]
        pub unsafe fn gettimeofday(tv: *mut Tv, tz: *mut u8) -> Result<(), Errno>;
        #[fast_syscall(name = "time", via = "syscall")]
        pub unsafe fn time(tloc: *mut isize) -> isize;
        #[fast_syscall(name = "getcpu", via = "syscall")]
        pub unsafe fn getcpu(cpu: *mut u32, node: *mut u32, cache: *mut u8) -> Result<(), Errno>;
    }

    /// vDSO symbols of the default stubs above.
    pub const CLOCK_GETTIME: &[u8] = b"__vdso_clock_gettime";
    pub const CLOCK_GETRES: &[u8] = b"__vdso_clock_getres";
}

#[cfg(target_arch = "x86")]
mod decl {
    use super::{Ts, Tv};
    use syscall_rt::{Errno, fast_syscall};

    #[fast_syscall(name = "clock_gettime64")]
    pub unsafe fn clock_gettime(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
    #[fast_syscall(name = "clock_getres_time64")]
    pub unsafe fn clock_getres(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
    #[fast_syscall]
    pub unsafe fn gettimeofday(tv: *mut Tv, tz: *mut u8) -> Result<(), Errno>;
    #[fast_syscall]
    pub unsafe fn time(tloc: *mut i32) -> isize;
    #[fast_syscall]
    pub unsafe fn getcpu(cpu: *mut u32, node: *mut u32, cache: *mut u8) -> Result<(), Errno>;
    /// The 32-bit-time `clock_gettime` (`struct old_timespec32`).
    #[fast_syscall(name = "clock_gettime")]
    pub unsafe fn clock_gettime32(clock: i32, tp: *mut [i32; 2]) -> Result<(), Errno>;

    /// The same calls through the kernel gates (`sysenter` is the i686 default gate).
    pub mod kernel {
        use super::{Ts, Tv};
        use syscall_rt::{Errno, fast_syscall};

        #[fast_syscall(name = "clock_gettime64", via = "sysenter")]
        pub unsafe fn clock_gettime(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
        #[fast_syscall(name = "clock_getres_time64", via = "sysenter")]
        pub unsafe fn clock_getres(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
        #[fast_syscall(name = "gettimeofday", via = "sysenter")]
        pub unsafe fn gettimeofday(tv: *mut Tv, tz: *mut u8) -> Result<(), Errno>;
        #[fast_syscall(name = "time", via = "sysenter")]
        pub unsafe fn time(tloc: *mut i32) -> isize;
        #[fast_syscall(name = "getcpu", via = "sysenter")]
        pub unsafe fn getcpu(cpu: *mut u32, node: *mut u32, cache: *mut u8) -> Result<(), Errno>;
        #[fast_syscall(name = "clock_gettime", via = "sysenter")]
        pub unsafe fn clock_gettime32(clock: i32, tp: *mut [i32; 2]) -> Result<(), Errno>;
        #[fast_syscall(name = "clock_gettime64", via = "int80")]
        pub unsafe fn clock_gettime_int80(clock: i32, tp: *mut Ts) -> Result<(), Errno>;
    }

    /// vDSO symbols of the default stubs above.
    pub const CLOCK_GETTIME: &[u8] = b"__vdso_clock_gettime64";
    pub const CLOCK_GETRES: &[u8] = b"__vdso_clock_getres_time64";
}

// ------------------------------------------------------------------ the filter

const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
const AUDIT_ARCH_I386: u32 = 0x4000_0003;
const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;

fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jeq(k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt,
        jf,
        k,
    }
}

/// For the ABI `arch`: a block that fails `numbers` with [`MARK`] and allows the rest
/// (entered with the arch in the accumulator; every path through it returns).
fn block(arch: u32, numbers: &[u32]) -> Vec<libc::sock_filter> {
    let m = numbers.len();
    let mut body = vec![stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0)]; // seccomp_data.nr
    for (i, &nr) in numbers.iter().enumerate() {
        // Taken: skip the remaining tests and the ALLOW to the ERRNO return.
        body.push(jeq(nr, (m - i) as u8, 0));
    }
    body.push(stmt(libc::BPF_RET | libc::BPF_K, SECCOMP_RET_ALLOW));
    body.push(stmt(
        libc::BPF_RET | libc::BPF_K,
        SECCOMP_RET_ERRNO | MARK.raw() as u32,
    ));
    let mut v = vec![jeq(arch, 0, body.len() as u8)];
    v.extend(body);
    v
}

/// Installs, in this process, the filter that fails every time call of the vDSO with [`MARK`].
fn install_filter() {
    use syscall_rt::arch::{x86, x86_64};
    let mut prog = vec![stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 4)]; // .arch
    prog.extend(block(
        AUDIT_ARCH_X86_64,
        &[
            x86_64::nr::CLOCK_GETTIME,
            x86_64::nr::CLOCK_GETRES,
            x86_64::nr::GETTIMEOFDAY,
            x86_64::nr::TIME,
            x86_64::nr::GETCPU,
        ],
    ));
    prog.extend(block(
        AUDIT_ARCH_I386,
        &[
            x86::nr::CLOCK_GETTIME,
            x86::nr::CLOCK_GETTIME64,
            x86::nr::CLOCK_GETRES,
            x86::nr::CLOCK_GETRES_TIME64,
            x86::nr::GETTIMEOFDAY,
            x86::nr::TIME,
            x86::nr::GETCPU,
        ],
    ));
    prog.push(stmt(libc::BPF_RET | libc::BPF_K, SECCOMP_RET_ALLOW));
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_mut_ptr(),
    };
    // SAFETY: prctl with valid arguments; the filter applies to this child process only and
    // `fprog` points to a live program.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(
            libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &fprog as *const libc::sock_fprog
            ),
            0,
            "seccomp: {}",
            std::io::Error::last_os_error()
        );
    }
}

// ------------------------------------------------------------------ the checks (in the child)

fn has(symbol: &[u8]) -> bool {
    syscall_rt::vdso::lookup(symbol, b"LINUX_2.6").is_some()
}

fn ns(ts: Ts) -> i128 {
    i128::from(ts.sec) * 1_000_000_000 + i128::from(ts.nsec)
}

/// Whether the vDSO's own `clock_gettime` answers `clock` without the kernel here (it calls
/// the kernel itself when the clock source is not one it can read).
fn vdso_itself_serves(clock: i32) -> bool {
    let f = syscall_rt::vdso::lookup(decl::CLOCK_GETTIME, b"LINUX_2.6").expect("vDSO");
    // SAFETY: the vDSO's clock_gettime(64) has this C signature.
    let f: unsafe extern "C" fn(i32, *mut Ts) -> i32 = unsafe { std::mem::transmute(f) };
    let mut ts = Ts::default();
    // SAFETY: a writable timespec.
    let r = unsafe { f(clock, &mut ts) };
    r != -MARK.raw()
}

/// Controls: each call through a kernel gate is failed by the filter.
fn controls() {
    let (mut ts, mut tv) = (Ts::default(), Tv::default());
    let (mut cpu, mut node) = (0u32, 0u32);
    // SAFETY (all calls below): valid out-pointers or null where the kernel allows it.
    unsafe {
        assert_eq!(decl::kernel::clock_gettime(1, &mut ts), Err(MARK));
        assert_eq!(decl::kernel::clock_getres(1, &mut ts), Err(MARK));
        assert_eq!(
            decl::kernel::gettimeofday(&mut tv, std::ptr::null_mut()),
            Err(MARK)
        );
        assert_eq!(
            decl::kernel::time(std::ptr::null_mut()),
            -(MARK.raw() as isize)
        );
        assert_eq!(
            decl::kernel::getcpu(&mut cpu, &mut node, std::ptr::null_mut()),
            Err(MARK)
        );
        #[cfg(target_arch = "x86")]
        {
            let mut t32 = [0i32; 2];
            assert_eq!(decl::kernel::clock_gettime32(1, &mut t32), Err(MARK));
            assert_eq!(decl::kernel::clock_gettime_int80(1, &mut ts), Err(MARK));
        }
    }
    println!("controls: every kernel gate got the marker errno");
}

/// The default stubs: answered without the kernel where the vDSO has the symbol.
fn default_stubs() {
    let mut checked = 0;
    // Clocks: REALTIME, MONOTONIC, MONOTONIC_RAW, REALTIME_COARSE, MONOTONIC_COARSE, BOOTTIME.
    assert!(
        has(decl::CLOCK_GETTIME),
        "the vDSO has no clock_gettime symbol"
    );
    for clock in [0, 1, 4, 5, 6, 7] {
        let coarse = clock == 5 || clock == 6;
        if !coarse && !vdso_itself_serves(clock) {
            println!(
                "clock {clock}: the vDSO itself enters the kernel here (clock source); skipped"
            );
            continue;
        }
        let mut ts = Ts::default();
        // SAFETY: a writable timespec.
        let r = unsafe { decl::clock_gettime(clock, &mut ts) };
        assert_eq!(r, Ok(()), "clock_gettime({clock}) entered the kernel");
        let mut lts: libc::timespec = unsafe { std::mem::zeroed() };
        // SAFETY: a writable timespec; glibc answers through the vDSO too.
        assert_eq!(unsafe { libc::clock_gettime(clock, &mut lts) }, 0);
        let theirs = i128::from(lts.tv_sec) * 1_000_000_000 + i128::from(lts.tv_nsec);
        // Coarse clocks tick every few milliseconds; ours was read first.
        let slack = if coarse { 100_000_000 } else { 0 };
        assert!(
            (-slack..1_000_000_000).contains(&(theirs - ns(ts))),
            "clock_gettime({clock}): ours {ts:?}, libc {theirs}"
        );
        checked += 1;
    }
    // clock_getres.
    let mut res = Ts::default();
    // SAFETY: a writable timespec.
    let r = unsafe { decl::clock_getres(1, &mut res) };
    if has(decl::CLOCK_GETRES) {
        assert_eq!(r, Ok(()), "clock_getres entered the kernel");
        let mut lres: libc::timespec = unsafe { std::mem::zeroed() };
        // SAFETY: a writable timespec.
        assert_eq!(unsafe { libc::clock_getres(1, &mut lres) }, 0);
        assert_eq!(res.nsec, lres.tv_nsec as i64, "clock_getres resolution");
        checked += 1;
    } else {
        assert_eq!(
            r,
            Err(MARK),
            "no vDSO clock_getres: the fallback enters the kernel"
        );
        println!("clock_getres: not in this vDSO; the fallback entered the kernel as documented");
    }
    // gettimeofday (the realtime clock: the vDSO enters the kernel when it cannot read it).
    let mut tv = Tv::default();
    // SAFETY: a writable timeval; no timezone.
    let r = unsafe { decl::gettimeofday(&mut tv, std::ptr::null_mut()) };
    if !has(b"__vdso_gettimeofday") {
        assert_eq!(
            r,
            Err(MARK),
            "no vDSO gettimeofday: the fallback enters the kernel"
        );
        println!("gettimeofday: not in this vDSO; the fallback entered the kernel as documented");
    } else if vdso_itself_serves(0) {
        assert_eq!(r, Ok(()), "gettimeofday entered the kernel");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        assert!(
            (now.as_secs() as i64 - tv.sec as i64).abs() <= 1,
            "gettimeofday {tv:?} vs {now:?}"
        );
        checked += 1;
    }
    // time (reads the data page only: never enters the kernel).
    // SAFETY: a null tloc is allowed.
    let t = unsafe { decl::time(std::ptr::null_mut()) };
    if has(b"__vdso_time") {
        assert!(t > 0, "time entered the kernel or failed: {t}");
        // SAFETY: a null tloc is allowed.
        let theirs = unsafe { libc::time(std::ptr::null_mut()) };
        assert!(
            (theirs as i64 - t as i64).abs() <= 1,
            "time {t} vs libc {theirs}"
        );
        checked += 1;
    } else {
        assert_eq!(
            t,
            -(MARK.raw() as isize),
            "no vDSO time: the fallback enters the kernel"
        );
        println!("time: not in this vDSO; the fallback entered the kernel as documented");
    }
    // getcpu (RDPID or LSL in the vDSO: never enters the kernel).
    let (mut cpu, mut node) = (u32::MAX, u32::MAX);
    // SAFETY: writable out-pointers; the cache argument is unused by the kernel.
    let r = unsafe { decl::getcpu(&mut cpu, &mut node, std::ptr::null_mut()) };
    if has(b"__vdso_getcpu") {
        assert_eq!(r, Ok(()), "getcpu entered the kernel");
        // SAFETY: sysconf has no preconditions.
        let cpus = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_CONF) };
        assert!(i64::from(cpu) < cpus as i64, "getcpu: cpu {cpu} of {cpus}");
        checked += 1;
    } else {
        assert_eq!(
            r,
            Err(MARK),
            "no vDSO getcpu: the fallback enters the kernel"
        );
        println!("getcpu: not in this vDSO; the fallback entered the kernel as documented");
    }
    #[cfg(target_arch = "x86")]
    {
        // The 32-bit-time clock_gettime, on the coarse clock (never the kernel).
        let mut t32 = [0i32; 2];
        // SAFETY: a writable old_timespec32.
        let r = unsafe { decl::clock_gettime32(6, &mut t32) };
        if has(b"__vdso_clock_gettime") {
            assert_eq!(r, Ok(()), "clock_gettime (32-bit time) entered the kernel");
            assert!(t32[0] > 0 || t32[1] > 0, "{t32:?}");
            checked += 1;
        } else {
            assert_eq!(r, Err(MARK));
            println!(
                "clock_gettime (32-bit time): not in this vDSO; the fallback entered the kernel"
            );
        }
    }
    println!("default stubs: {checked} vDSO calls answered without entering the kernel");
}

/// Entry of the child process (does nothing in a normal run).
#[test]
fn child_entry() {
    if std::env::var("FAST_SYSCALL_VDSO_CHILD").as_deref() != Ok("seccomp") {
        return;
    }
    // Resolve the vDSO symbols before the filter (the first use reads the auxiliary vector).
    let _ = has(decl::CLOCK_GETTIME);
    install_filter();
    controls();
    default_stubs();
    println!("vdso-no-kernel-entry: ok");
    std::io::stdout().flush().unwrap();
}

#[test]
fn the_default_vdso_calls_never_enter_the_kernel() {
    if syscall_rt::vdso::image().is_none() {
        // qemu-user before 8.2 maps no vDSO; this file only builds for x86, which runs natively.
        panic!("this process has no vDSO: the vDSO path cannot be checked");
    }
    let out = syscall_tests::rerun_test("child_entry", "FAST_SYSCALL_VDSO_CHILD", "seccomp");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("vdso-no-kernel-entry: ok"),
        "child failed ({:?}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("controls: every kernel gate got the marker errno"),
        "{stdout}"
    );
    // At least the coarse clocks, time and getcpu are always checked on x86.
    let checked: usize = stdout
        .lines()
        .find_map(|l| l.strip_prefix("default stubs: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(checked >= 3, "too few vDSO calls checked:\n{stdout}");
}
