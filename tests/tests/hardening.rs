//! Odd environments: many threads, signals, a process without `/proc`, and a seccomp filter
//! that kills the legacy gate. Tests that change process-wide state run in a child process
//! (this test binary started again with `FAST_SYSCALL_CHILD` naming the scenario).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use syscall_rt::{Errno, fast_syscall};
use syscall_tests::{LongTimespec, Timespec, Zeroed};

#[fast_syscall]
fn getpid() -> i32;
#[fast_syscall]
fn gettid() -> i32;
#[fast_syscall]
unsafe fn read(fd: u32, buf: *mut u8, count: usize) -> Result<usize, Errno>;
#[fast_syscall]
unsafe fn write(fd: u32, buf: *const u8, count: usize) -> Result<usize, Errno>;
#[fast_syscall]
unsafe fn nanosleep(rqtp: *const LongTimespec, rmtp: *mut LongTimespec) -> Result<(), Errno>;
#[fast_syscall]
fn exit_group(code: i32) -> !;

/// The vDSO clock, declared here so that its first use is this test's.
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall]
unsafe fn clock_gettime(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "clock_gettime64")]
unsafe fn clock_gettime(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;

/// A second declaration whose vDSO symbol nobody has resolved yet: raced by the first-use test.
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall(name = "clock_gettime")]
unsafe fn clock_gettime_first_use(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "clock_gettime64")]
unsafe fn clock_gettime_first_use(clock: i32, tp: *mut Timespec) -> Result<(), Errno>;

/// Whether a vDSO is expected: everywhere except where `scripts/cross.sh` runs the suite under
/// Debian 12's qemu-user 7.2, which maps none and says so in `FAST_SYSCALL_NO_VDSO`.
fn vdso_expected() -> bool {
    std::env::var_os("FAST_SYSCALL_NO_VDSO").is_none()
}

fn monotonic() -> i128 {
    let mut ts = Timespec::zeroed();
    // SAFETY: a writable timespec.
    unsafe { clock_gettime(1, &mut ts) }.unwrap();
    i128::from(ts.tv_sec) * 1_000_000_000 + i128::from(ts.tv_nsec)
}

#[test]
fn eight_threads_of_mixed_mechanisms_get_only_right_answers() {
    const THREADS: usize = 8;
    const CALLS: usize = 100_000;
    let pid = std::process::id() as i32;
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let tid = gettid();
                let mut last = monotonic();
                for i in 0..CALLS {
                    match i % 4 {
                        0 => assert_eq!(getpid(), pid),
                        1 => assert_eq!(gettid(), tid),
                        2 => {
                            let now = monotonic();
                            assert!(now >= last, "thread {t}: clock went back");
                            last = now;
                        }
                        _ => {
                            // The legacy gate costs up to ~10 µs: one call in 100.
                            #[cfg(any(
                                target_arch = "x86",
                                all(target_arch = "x86_64", target_pointer_width = "64")
                            ))]
                            if i % 100 == 3 {
                                assert_eq!(syscall_tests::int80::getpid(), pid);
                                continue;
                            }
                            assert_eq!(syscall_tests::kill(pid, 0), Ok(()));
                        }
                    }
                }
                tid
            })
        })
        .collect();
    let mut tids: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    tids.sort_unstable();
    tids.dedup();
    assert_eq!(tids.len(), THREADS, "every thread saw its own tid");
}

#[test]
fn first_use_of_the_vdso_and_at_sysinfo_raced_from_many_threads() {
    const THREADS: usize = 16;
    #[cfg(target_arch = "x86")]
    syscall_rt::raw::x86::force_vsyscall_absent(false); // forget AT_SYSINFO: resolve again
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let mut ts = Timespec::zeroed();
                // SAFETY: a writable timespec.
                let r = unsafe { clock_gettime_first_use(0, &mut ts) };
                let image = syscall_rt::vdso::image();
                let page = syscall_rt::auxv::getauxval_from_kernel(6); // AT_PAGESZ
                (r, ts.tv_sec, getpid(), image, page)
            })
        })
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    // qemu-user has no PR_GET_AUXV and makes /proc/self/auxv a memory file, not procfs.
    let emulated = std::env::var_os("FAST_SYSCALL_TEST_RUNNER").is_some();
    for (r, sec, pid, image, page) in &results {
        assert_eq!(*r, Ok(()));
        assert!((now - sec).abs() <= 2);
        assert_eq!(*pid as u32, std::process::id());
        assert_eq!(*image, results[0].3);
        assert_eq!(image.is_some(), vdso_expected(), "vDSO image: {image:x?}");
        match page {
            Some(page) => assert!(*page >= 4096),
            None => assert!(emulated, "no AT_PAGESZ from the kernel"),
        }
    }
    #[cfg(target_arch = "x86")]
    assert!(syscall_rt::raw::x86::vsyscall_entry().is_some());
}

// ------------------------------------------------------------------ signals

/// Deliveries per signal number (the tests run in parallel, each with its own signal).
static SIGNALS: [AtomicUsize; 65] = [const { AtomicUsize::new(0) }; 65];

extern "C" fn on_signal(sig: libc::c_int) {
    SIGNALS[sig as usize].fetch_add(1, Ordering::Relaxed);
}

fn delivered(sig: libc::c_int) -> usize {
    SIGNALS[sig as usize].load(Ordering::Relaxed)
}

/// Installs `on_signal` for `sig`, with or without `SA_RESTART`.
fn install(sig: libc::c_int, restart: bool) {
    // SAFETY: a plain sigaction with an async-signal-safe handler (one atomic add).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
        sa.sa_flags = if restart { libc::SA_RESTART } else { 0 };
        libc::sigemptyset(&mut sa.sa_mask);
        assert_eq!(libc::sigaction(sig, &sa, std::ptr::null_mut()), 0);
    }
}

/// A blocking `read` on an empty pipe in a thread, a signal to that thread, and optionally a
/// byte written afterwards; returns what the read returned.
fn interrupted_read(sig: libc::c_int, restart: bool) -> Result<usize, Errno> {
    install(sig, restart);
    let mut fds = [0i32; 2];
    // SAFETY: `fds` holds two ints.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let (r, w) = (fds[0], fds[1]);
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        // SAFETY: pthread_self of this thread.
        tx.send(unsafe { libc::pthread_self() }).unwrap();
        let mut buf = [0u8; 8];
        // SAFETY: `buf` is writable.
        unsafe { read(r as u32, buf.as_mut_ptr(), buf.len()) }
    });
    let thread = rx.recv().unwrap();
    std::thread::sleep(Duration::from_millis(100)); // let it block in the kernel
    // SAFETY: the reader thread is alive (it is blocked in read).
    assert_eq!(unsafe { libc::pthread_kill(thread, sig) }, 0);
    std::thread::sleep(Duration::from_millis(100));
    // SAFETY: `w` is the pipe's write end.
    unsafe { write(w as u32, b"x".as_ptr(), 1) }.unwrap();
    let result = reader.join().unwrap();
    // SAFETY: closing our own descriptors.
    unsafe {
        libc::close(r);
        libc::close(w);
    }
    result
}

#[test]
fn a_signal_interrupts_a_blocking_read_with_eintr_and_sa_restart_restarts_it() {
    assert_eq!(interrupted_read(libc::SIGUSR1, false), Err(Errno::EINTR));
    assert_eq!(interrupted_read(libc::SIGUSR2, true), Ok(1));
    assert_eq!(
        (delivered(libc::SIGUSR1), delivered(libc::SIGUSR2)),
        (1, 1),
        "both handlers ran"
    );
}

#[test]
fn signals_during_vdso_calls_are_fine() {
    install(libc::SIGALRM, true);
    // SAFETY: a 200 µs interval timer delivering SIGALRM to this process.
    unsafe {
        let t = libc::itimerval {
            it_interval: libc::timeval {
                tv_sec: 0,
                tv_usec: 200,
            },
            it_value: libc::timeval {
                tv_sec: 0,
                tv_usec: 200,
            },
        };
        assert_eq!(
            libc::setitimer(libc::ITIMER_REAL, &t, std::ptr::null_mut()),
            0
        );
    }
    let before = delivered(libc::SIGALRM);
    let mut last = monotonic();
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_millis(300) {
        let now = monotonic();
        assert!(now >= last);
        last = now;
    }
    // SAFETY: stops the timer.
    unsafe {
        let off: libc::itimerval = std::mem::zeroed();
        libc::setitimer(libc::ITIMER_REAL, &off, std::ptr::null_mut());
    }
    assert!(
        delivered(libc::SIGALRM) > before,
        "signals arrived during the vDSO loop"
    );
}

// ------------------------------------------------------------------ child processes

/// Runs this test binary again with `FAST_SYSCALL_CHILD=scenario`; returns its status and output.
fn child(scenario: &str) -> std::process::Output {
    syscall_tests::rerun_test("child_scenarios", "FAST_SYSCALL_CHILD", scenario)
}

/// Entry of the child processes (does nothing in a normal run).
#[test]
fn child_scenarios() {
    let Ok(scenario) = std::env::var("FAST_SYSCALL_CHILD") else {
        return;
    };
    match scenario.as_str() {
        "exit-during-vdso" => {
            for _ in 0..4 {
                std::thread::spawn(|| {
                    loop {
                        std::hint::black_box(monotonic());
                    }
                });
            }
            std::thread::sleep(Duration::from_millis(50));
            exit_group(7)
        }
        "no-proc" => no_proc(),
        #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
        "seccomp-kills-int80" => seccomp_kills_int80(),
        other => panic!("unknown scenario {other}"),
    }
}

#[test]
fn exit_group_while_threads_are_in_the_vdso_ends_the_process_cleanly() {
    let out = child("exit-during-vdso");
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// In a new mount namespace without `/proc`: the auxiliary vector still reads (prctl), the vDSO
/// and the stubs still work.
fn no_proc() {
    // SAFETY: a private mount namespace of this child only.
    unsafe {
        if libc::unshare(libc::CLONE_NEWNS) != 0 {
            println!(
                "SKIP: unshare(CLONE_NEWNS): {}",
                std::io::Error::last_os_error()
            );
            exit_group(0);
        }
        assert_eq!(
            libc::mount(
                c"none".as_ptr(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null()
            ),
            0
        );
        assert_eq!(
            libc::umount2(c"/proc".as_ptr(), libc::MNT_DETACH),
            0,
            "{}",
            std::io::Error::last_os_error()
        );
    }
    assert!(
        std::fs::metadata("/proc/self/auxv").is_err(),
        "/proc is gone"
    );
    let page =
        syscall_rt::auxv::getauxval_from_kernel(6).expect("AT_PAGESZ through prctl(PR_GET_AUXV)");
    assert!(page >= 4096);
    assert!(monotonic() > 0);
    assert_eq!(getpid() as u32, std::process::id());
    println!("no-proc: ok");
    exit_group(0)
}

#[test]
fn without_proc_mounted_the_stubs_and_the_auxiliary_vector_still_work() {
    if std::env::var_os("FAST_SYSCALL_TEST_RUNNER").is_some() {
        eprintln!("skipped under qemu-user: the emulator itself needs /proc");
        return;
    }
    let out = child("no-proc");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("no-proc: ok")
            || (stdout.contains("SKIP") && std::env::var_os("CI").is_none()),
        "{stdout}"
    );
}

/// A seccomp filter that kills any i386-ABI system call (`int 0x80` from 64-bit code): the
/// default `syscall` stubs and the vDSO keep working, the `int80` stub is killed with SIGSYS.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
fn seccomp_kills_int80() {
    const AUDIT_ARCH_I386: u32 = 0x4000_0003;
    const SECCOMP_RET_KILL_PROCESS: u32 = 0x8000_0000;
    const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
    // seccomp_data.arch is at offset 4.
    let filter = [
        libc::sock_filter {
            code: (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16,
            jt: 0,
            jf: 0,
            k: 4,
        },
        libc::sock_filter {
            code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
            jt: 0,
            jf: 1,
            k: AUDIT_ARCH_I386,
        },
        libc::sock_filter {
            code: (libc::BPF_RET | libc::BPF_K) as u16,
            jt: 0,
            jf: 0,
            k: SECCOMP_RET_KILL_PROCESS,
        },
        libc::sock_filter {
            code: (libc::BPF_RET | libc::BPF_K) as u16,
            jt: 0,
            jf: 0,
            k: SECCOMP_RET_ALLOW,
        },
    ];
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut _,
    };
    // SAFETY: installs a filter on this child only.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(
            libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &prog as *const _
            ),
            0
        );
    }
    assert_eq!(getpid() as u32, std::process::id());
    assert!(monotonic() > 0);
    println!("seccomp: syscall and vDSO ok");
    use std::io::Write;
    std::io::stdout().flush().unwrap();
    let _ = syscall_tests::int80::getpid(); // killed here
    println!("seccomp: int80 survived");
    exit_group(0)
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
#[test]
fn a_seccomp_filter_killing_int80_leaves_the_default_mechanisms_working() {
    use std::os::unix::process::ExitStatusExt;
    let out = child("seccomp-kills-int80");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("seccomp: syscall and vDSO ok"), "{stdout}");
    assert!(!stdout.contains("int80 survived"), "{stdout}");
    assert_eq!(out.status.signal(), Some(libc::SIGSYS), "{stdout}");
}

#[test]
fn nanosleep_is_interrupted_and_reports_the_remaining_time() {
    install(libc::SIGWINCH, false);
    // SAFETY: pthread_self of this thread.
    let me = unsafe { libc::pthread_self() } as usize;
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        // SAFETY: the test thread is alive, sleeping in nanosleep.
        unsafe { libc::pthread_kill(me as libc::pthread_t, libc::SIGWINCH) };
    });
    let req = LongTimespec {
        tv_sec: 5,
        tv_nsec: 0,
    };
    let mut rem = LongTimespec::zeroed();
    // SAFETY: valid pointers.
    assert_eq!(unsafe { nanosleep(&req, &mut rem) }, Err(Errno::EINTR));
    killer.join().unwrap();
    assert!(rem.tv_sec >= 3 && rem.tv_sec <= 5, "{rem:?}");
}
