//! Differential tests: 49 system calls made with generated arguments through our stubs and
//! through libc's `syscall()` (the same number via glibc's generic path; `pread64` through
//! libc's function, which splits the 64-bit position as each ABI wants) give identical results
//! and errno, and identical bytes in their output buffers. Arguments are chosen by proptest
//! from domains that are safe to call with (queries, bogus ids, and for the descriptor calls
//! real descriptors — a temporary file with known contents, a pipe, `/dev/null`, the current
//! directory — so that the kernel reads the arguments after the descriptor), and every run
//! exercises both success and error paths without changing the process: state a call moves
//! (offsets, pipe contents, locks, modes, new descriptors) is reset before the other side.
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

/// Compares one call made both ways, with `$reset` run before each side (so that both start
/// from the same file offset, pipe contents, lock); evaluates to our result.
macro_rules! same_with {
    ($what:expr, $reset:expr, $ours:expr, $libc:expr) => {{
        $reset;
        let ours: Result<usize, Errno> = $ours;
        $reset;
        // SAFETY: the libc side makes the same call as ours with the same arguments.
        let theirs = libc_result(unsafe { $libc });
        prop_assert_eq!(ours, theirs, "{}", $what);
        ours
    }};
}

/// The contents of the temporary file.
const CONTENTS: &[u8; 16] = b"0123456789abcdef";
/// A descriptor number never opened in this process (beyond any descriptor it uses).
const NEVER_OPEN: u32 = 999_999;
/// A free number for `dup3` and `F_DUPFD_CLOEXEC` (closed again at once).
const SPARE: u32 = 950;

/// What a descriptor of the pool is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The temporary regular file, holding [`CONTENTS`].
    File,
    /// The read end of a pipe (non-blocking), holding 8 bytes before each call.
    PipeR,
    /// The write end of the same pipe.
    PipeW,
    /// `/dev/null`, read-write.
    Null,
    /// The current directory.
    Dir,
    /// Standard input, output or error (whatever the test runner gave).
    Std,
    /// [`NEVER_OPEN`] or `u32::MAX`.
    Bad,
}

/// The real files of the descriptor tests; closed (and the file removed) on drop.
struct Files {
    pool: Vec<(u32, Kind)>,
    file: u32,
    pipe: [u32; 2],
}

impl Files {
    fn open() -> Files {
        let path =
            std::env::temp_dir().join(format!("fast-syscall-differential-{}", std::process::id()));
        std::fs::write(&path, CONTENTS).unwrap();
        let c = CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: plain opens of paths that exist; the descriptors are closed on drop.
        let (file, null, dir) = unsafe {
            (
                libc::open(c.as_ptr(), libc::O_RDWR),
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR),
                libc::open(c".".as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY),
            )
        };
        std::fs::remove_file(&path).unwrap(); // the descriptor keeps the file
        let mut p = [-1i32; 2];
        // SAFETY: a writable array of two descriptors.
        assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_NONBLOCK) }, 0);
        assert!(
            file >= 0 && null >= 0 && dir >= 0,
            "{}",
            std::io::Error::last_os_error()
        );
        let pipe = [p[0] as u32, p[1] as u32];
        Files {
            pool: vec![
                (file as u32, Kind::File),
                (pipe[0], Kind::PipeR),
                (pipe[1], Kind::PipeW),
                (null as u32, Kind::Null),
                (dir as u32, Kind::Dir),
                (0, Kind::Std),
                (1, Kind::Std),
                (2, Kind::Std),
                (NEVER_OPEN, Kind::Bad),
                (u32::MAX, Kind::Bad),
            ],
            file: file as u32,
            pipe,
        }
    }

    /// Puts the state a call on `fd` sees back to the start: the file and directory at offset
    /// 0, the pipe holding exactly 8 bytes.
    fn reset(&self, fd: u32, kind: Kind) {
        // SAFETY (all calls below): plain calls on our own descriptors with live buffers.
        unsafe {
            match kind {
                Kind::File | Kind::Dir => {
                    assert_eq!(libc::lseek(fd as i32, 0, libc::SEEK_SET), 0);
                }
                Kind::PipeR | Kind::PipeW => {
                    let mut sink = [0u8; 256];
                    while libc::read(self.pipe[0] as i32, sink.as_mut_ptr().cast(), sink.len()) > 0
                    {
                    }
                    assert_eq!(
                        libc::write(self.pipe[1] as i32, b"pipedata".as_ptr().cast(), 8),
                        8
                    );
                }
                _ => {}
            }
        }
    }

    /// The temporary file's mode back to 0600 (after `fchmod`).
    fn restore_mode(&self) {
        // SAFETY: a plain call on our own descriptor.
        assert_eq!(unsafe { libc::fchmod(self.file as i32, 0o600) }, 0);
    }

    /// Clears close-on-exec on every descriptor of the pool that `F_SETFD` may have set.
    fn restore_cloexec(&self) {
        for &(fd, kind) in &self.pool {
            if !matches!(kind, Kind::Bad) {
                // SAFETY: a plain call on a descriptor of the pool.
                unsafe { libc::fcntl(fd as i32, libc::F_SETFD, 0) };
            }
        }
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        for &(fd, kind) in &self.pool {
            if !matches!(kind, Kind::Std | Kind::Bad) {
                // SAFETY: our own descriptors, closed once.
                unsafe { libc::close(fd as i32) };
            }
        }
    }
}

/// Closes the spare descriptor a successful `dup3`/`F_DUPFD_CLOEXEC` created.
fn close_spare(r: &Result<usize, Errno>) {
    if let Ok(fd) = *r {
        if fd as u32 == SPARE || fd >= SPARE as usize {
            // SAFETY: the descriptor the call just created.
            unsafe { libc::close(fd as i32) };
        }
    }
}

/// Successes and failures per call.
#[derive(Default)]
struct Tally(std::cell::RefCell<std::collections::BTreeMap<&'static str, (u32, u32)>>);

impl Tally {
    fn note(&self, call: &'static str, ok: bool) {
        let mut m = self.0.borrow_mut();
        let e = m.entry(call).or_default();
        if ok {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }

    /// Each of `calls` succeeded at least once and failed at least once.
    fn assert_both(&self, calls: &[&str]) {
        let m = self.0.borrow();
        for c in calls {
            let (ok, err) = m.get(c).copied().unwrap_or_default();
            assert!(
                ok > 0 && err > 0,
                "{c}: {ok} successes, {err} failures: both paths must be reached"
            );
        }
    }

    /// Each of `calls` succeeded at least once.
    fn assert_ok(&self, calls: &[&str]) {
        let m = self.0.borrow();
        for c in calls {
            let (ok, _) = m.get(c).copied().unwrap_or_default();
            assert!(ok > 0, "{c}: never succeeded");
        }
    }
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
    pub fn lseek(fd: u32, offset: syscall_tests::Off, whence: u32) -> Result<u64, Errno>;
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
    /// The ids these calls write: i386's and Arm's `getgroups`/`getresuid`/`getresgid` are the
    /// old 16-bit calls (`getgroups32` & co. are the full ones); the layout check refuses `u32`.
    #[cfg(any(target_arch = "x86", target_arch = "arm"))]
    pub type Id = u16;
    /// The ids these calls write.
    #[cfg(not(any(target_arch = "x86", target_arch = "arm")))]
    pub type Id = u32;
    #[fast_syscall]
    pub unsafe fn getgroups(size: i32, list: *mut Id) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getresuid(r: *mut Id, e: *mut Id, s: *mut Id) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn getresgid(r: *mut Id, e: *mut Id, s: *mut Id) -> Result<usize, Errno>;
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
    pub unsafe fn sched_getaffinity(
        pid: i32,
        len: u32,
        mask: *mut syscall_tests::ULong,
    ) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn pipe2(fds: *mut i32, flags: i32) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn read(fd: u32, buf: *mut u8, count: usize) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn write(fd: u32, buf: *const u8, count: usize) -> Result<usize, Errno>;
    #[fast_syscall]
    pub unsafe fn pread64(fd: u32, buf: *mut u8, count: usize, pos: i64) -> Result<usize, Errno>;
}

/// The clock calls take 64-bit time on 64-bit ABIs and on 32-bit ones through their `*64` names.
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall]
unsafe fn clock_getres(clock: i32, tp: *mut u8) -> Result<usize, Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "clock_getres_time64")]
unsafe fn clock_getres(clock: i32, tp: *mut u8) -> Result<usize, Errno>;

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
fn forty_nine_system_calls_agree_with_libc() {
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
    // Descriptors: real open files of every kind (a regular file with known contents, both
    // ends of a pipe, /dev/null, a directory) so that the kernel gets past the descriptor and
    // reads the other arguments, plus a never-open number and nonsense. Every call that moves
    // state (file offset, pipe contents, locks, modes, new descriptors) is reset or undone
    // before the other side makes it.
    let files = Files::open();
    let tally = Tally::default();
    run(
        4 * n,
        (
            0..files.pool.len(),
            any::<i32>(),
            0usize..24,
            any::<u32>(),
            0u32..40,
        ),
        |(i, off, count, raw, pos)| {
            let (f, kind) = files.pool[i];
            // lseek, with every whence; SEEK_DATA/SEEK_HOLE (3, 4) on the file, SEEK_CUR after
            // a reset to 0.
            // Standard descriptors may be the terminal or the runner's pipes: never read,
            // written or moved (stdin could block, stdout would print).
            let io = if kind == Kind::Std { NEVER_OPEN } else { f };
            let lf = io;
            let whence = raw % 6;
            let off = off as syscall_tests::Off % 64;
            let r = same_with!(
                format!("lseek({kind:?}, {off}, {whence})"),
                files.reset(lf, kind),
                sys::lseek(lf, off, whence).map(|v| v as usize), // small offsets
                libc::syscall(libc::SYS_lseek, lf, off, whence)
            );
            tally.note("lseek", r.is_ok());
            // read: the file's bytes from offset 0, a pipe holding 8 bytes, /dev/null's EOF.
            let (mut a, mut b) = ([0u8; 24], [0u8; 24]);
            let r = same_with!(
                format!("read({kind:?}, {count})"),
                files.reset(f, kind),
                // SAFETY: a writable buffer of 24 >= `count` bytes.
                unsafe { sys::read(io, a.as_mut_ptr(), count) },
                libc::syscall(libc::SYS_read, io, b.as_mut_ptr(), count)
            );
            prop_assert_eq!(a, b, "read({:?}, {}) bytes", kind, count);
            if kind == Kind::File && r.is_ok() {
                prop_assert_eq!(
                    &a[..count.min(CONTENTS.len())],
                    &CONTENTS[..count.min(CONTENTS.len())]
                );
            }
            tally.note("read", r.is_ok());
            // pread64 at a position (against libc's pread64(), which splits the 64-bit
            // position into the register pair each 32-bit ABI wants).
            let (mut a, mut b) = ([0u8; 24], [0u8; 24]);
            let p = i64::from(pos) - 4; // a few negative positions: EINVAL
            let ours = {
                files.reset(f, kind);
                // SAFETY: a writable buffer of 24 >= `count` bytes.
                unsafe { sys::pread64(io, a.as_mut_ptr(), count, p) }
            };
            files.reset(f, kind);
            // SAFETY: a writable buffer of `count` bytes.
            let theirs =
                libc_result(
                    unsafe { libc::pread64(io as i32, b.as_mut_ptr().cast(), count, p) }
                        as libc::c_long,
                );
            prop_assert_eq!(ours, theirs, "pread64({:?}, {}, {})", kind, count, p);
            prop_assert_eq!(a, b, "pread64({:?}) bytes", kind);
            tally.note("pread64", ours.is_ok());
            // write: the file's own bytes at offset 0 (its contents do not change), into the
            // pipe (drained again), into /dev/null.
            let r = same_with!(
                format!("write({kind:?}, {count})"),
                files.reset(f, kind),
                // SAFETY: a readable buffer of at least the count given.
                unsafe { sys::write(io, CONTENTS.as_ptr(), count.min(CONTENTS.len())) },
                libc::syscall(
                    libc::SYS_write,
                    io,
                    CONTENTS.as_ptr(),
                    count.min(CONTENTS.len())
                )
            );
            tally.note("write", r.is_ok());
            files.reset(f, kind);
            let r = same!(
                format!("fsync({kind:?})"),
                sys::fsync(f),
                libc::syscall(libc::SYS_fsync, f)
            );
            tally.note("fsync", r);
            let r = same!(
                format!("fdatasync({kind:?})"),
                sys::fdatasync(f),
                libc::syscall(libc::SYS_fdatasync, f)
            );
            tally.note("fdatasync", r);
            // flock: shared, exclusive (non-blocking), unlock and invalid commands; unlocked
            // after each side.
            let cmd = [1 | 4, 2 | 4, 8, 0, 3, raw % 16][(raw % 6) as usize];
            let lk = if matches!(kind, Kind::Std) {
                NEVER_OPEN
            } else {
                f
            };
            let r = same_with!(
                format!("flock({kind:?}, {cmd})"),
                // SAFETY: unlocking a descriptor of ours.
                unsafe { libc::flock(lk as i32, libc::LOCK_UN) },
                sys::flock(lk, cmd),
                libc::syscall(libc::SYS_flock, lk, cmd)
            );
            // SAFETY: as above.
            unsafe { libc::flock(lk as i32, libc::LOCK_UN) };
            tally.note("flock", r.is_ok());
            // fchdir: the directory is the current one ("."), so a success changes nothing.
            let r = same!(
                format!("fchdir({kind:?})"),
                sys::fchdir(f),
                libc::syscall(libc::SYS_fchdir, f)
            );
            tally.note("fchdir", r);
            // fchmod: the temporary file and the pipe only (never /dev/null or a terminal);
            // the file's mode is restored.
            let cf = if matches!(kind, Kind::File | Kind::PipeR | Kind::PipeW | Kind::Bad) {
                f
            } else {
                NEVER_OPEN
            };
            let mode = (raw & 0o777) as u16;
            let r = same!(
                format!("fchmod({kind:?}, {mode:#o})"),
                sys::fchmod(cf, mode),
                libc::syscall(libc::SYS_fchmod, cf, u32::from(mode))
            );
            files.restore_mode();
            tally.note("fchmod", r);
            // dup3 onto a free number (closed again), onto itself (EINVAL), with valid and
            // invalid flags.
            let flags = [0, libc::O_CLOEXEC, 1][(raw % 3) as usize];
            let newfd = if raw % 5 == 0 { f } else { SPARE };
            // SAFETY: `newfd` is the spare number (no descriptor of ours) or `f` itself, which
            // dup3 refuses.
            let ours = unsafe { sys::dup3(f, newfd, flags) };
            close_spare(&ours);
            // SAFETY: as above.
            let theirs = libc_result(unsafe { libc::syscall(libc::SYS_dup3, f, newfd, flags) });
            close_spare(&theirs);
            prop_assert_eq!(ours, theirs, "dup3({:?}, {}, {:#x})", kind, newfd, flags);
            tally.note("dup3", ours.is_ok());
            // fcntl: queries, F_SETFD (undone), F_GETPIPE_SZ, F_DUPFD_CLOEXEC (closed again);
            // any other command only on the never-open number.
            let (cmd, arg, cf) = match raw % 7 {
                0 => (libc::F_GETFD, 0, f),
                1 => (libc::F_GETFL, 0, f),
                2 => (libc::F_SETFD, (raw >> 3) as usize & 1, f),
                3 => (1032, 0, f), // F_GETPIPE_SZ
                4 => (libc::F_DUPFD_CLOEXEC, SPARE as usize, f),
                _ => ((raw >> 3) as i32 % 20, 0, NEVER_OPEN),
            };
            let cmd = cmd as u32;
            // SAFETY: none of these commands takes an address (`arg` is a flag, a number or 0),
            // and the ones that change a descriptor only see the never-open number.
            let ours = unsafe { sys::fcntl(cf, cmd, arg) };
            if cmd == libc::F_DUPFD_CLOEXEC as u32 {
                close_spare(&ours);
            }
            files.restore_cloexec();
            // SAFETY: the same call as ours.
            let theirs = libc_result(unsafe { libc::syscall(libc::SYS_fcntl, cf, cmd, arg) });
            if cmd == libc::F_DUPFD_CLOEXEC as u32 {
                close_spare(&theirs);
            }
            files.restore_cloexec();
            prop_assert_eq!(ours, theirs, "fcntl({:?}, {}, {})", kind, cmd, arg);
            tally.note("fcntl", ours.is_ok());
            // close: of a fresh duplicate (the lowest free number both times), and of the
            // never-open number.
            let ours = {
                // SAFETY: dup has no memory effects.
                let d = unsafe { libc::dup(f as i32) };
                // SAFETY: `d` is ours, or -1.
                unsafe { sys::close(d as u32) }
            };
            // SAFETY: as above.
            let theirs = libc_result(unsafe {
                let d = libc::dup(f as i32);
                libc::syscall(libc::SYS_close, d)
            });
            prop_assert_eq!(ours, theirs, "close(dup({:?}))", kind);
            tally.note("close", ours.is_ok());
            // dup of an open descriptor gives the lowest free one both times (closed in between).
            let ours = sys::dup(f);
            if let Ok(new) = ours {
                // SAFETY: the descriptor dup just created.
                unsafe { sys::close(new as u32) }.unwrap();
            }
            // SAFETY: dup has no memory effects.
            let theirs = libc_result(unsafe { libc::syscall(libc::SYS_dup, f) });
            if let Ok(new) = theirs {
                // SAFETY: the descriptor dup just created.
                unsafe { sys::close(new as u32) }.unwrap();
            }
            prop_assert_eq!(ours, theirs, "dup({:?})", kind);
            tally.note("dup", ours.is_ok());
            Ok(())
        },
    );
    // Each call reached both its success path and its error path with real descriptors.
    tally.assert_both(&[
        "lseek",
        "read",
        "pread64",
        "write",
        "fsync",
        "fdatasync",
        "flock",
        "fchdir",
        "fchmod",
        "dup3",
        "fcntl",
        "dup",
    ]);
    tally.assert_ok(&["close"]);
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
            let (mut ga, mut gb) = ([0 as sys::Id; 64], [0 as sys::Id; 64]);
            same!(
                format!("getgroups({groups})"),
                unsafe { sys::getgroups(groups as i32, ga.as_mut_ptr()) },
                libc::syscall(libc::SYS_getgroups, groups as i32, gb.as_mut_ptr())
            );
            prop_assert_eq!(ga, gb);
            let (mut r1, mut e1, mut s1, mut r2, mut e2, mut s2): (sys::Id, _, _, _, _, _) =
                (0, 0, 0, 0, 0, 0);
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
            let (mut ma, mut mb): ([syscall_tests::ULong; 16], _) = ([0; 16], [0; 16]);
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
                // SAFETY: the descriptor the call just created.
                unsafe { sys::close(fd as u32) }.unwrap();
            }
            let theirs = libc_result(unsafe { libc::syscall(libc::SYS_openat, -100, p, flags, 0) });
            if let Ok(fd) = theirs {
                // SAFETY: the descriptor the call just created.
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
                // SAFETY: the descriptor the call just created.
                unsafe { sys::close(fd as u32) }.unwrap();
            }
            prop_assert_eq!(ours, theirs, "pipe2({:#x})", flags);
            Ok(())
        },
    );
}
