//! `getrandom` through the vDSO (Linux 6.11+ on x86_64, 6.12+ on arm64, later riscv64) and its
//! fallbacks: the bytes differ call to call, across `fork`, between a signal handler and the
//! code it interrupts, across threads made by std, pthread and raw `clone`; with the vDSO
//! forced absent the kernel entry serves; `via = "syscall"` and libc agree on the contract; and on
//! x86_64 100,000 calls make (almost) no system call, counted with ptrace.
//!
//! Where the kernel (or qemu-user) has no vgetrandom, every test here checks the fallback.
//! Tests that need a whole process (fork, signals, forced absence, a thread-cache setting) run
//! in a child of their own (`syscall_tests::rerun_test`).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use syscall_rt::{Errno, fast_syscall, sys, vgetrandom};
use syscall_tests::rerun_test;

const CHILD: &str = "FAST_SYSCALL_VGETRANDOM_CHILD";

/// The vgetrandom symbol the target's table names, if the running kernel's vDSO has it.
fn vdso_has_getrandom() -> bool {
    let (name, version): (&[u8], &[u8]) = if cfg!(target_arch = "aarch64") {
        (b"__kernel_getrandom", b"LINUX_2.6.39")
    } else if cfg!(target_arch = "riscv64") {
        (b"__vdso_getrandom", b"LINUX_4.15")
    } else if cfg!(all(target_arch = "x86_64", target_pointer_width = "64")) {
        (b"__vdso_getrandom", b"LINUX_2.6")
    } else {
        return false; // i386, x32, arm: no vgetrandom in these vDSOs
    };
    syscall_rt::vdso::lookup(name, version).is_some()
}

/// A user's own declaration: the vDSO by default, like `sys::getrandom`.
#[fast_syscall]
unsafe fn getrandom(buf: *mut u8, count: usize, flags: u32) -> Result<usize, Errno>;

/// The kernel entry of the target, named explicitly.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
#[fast_syscall(name = "getrandom", via = "syscall")]
unsafe fn getrandom_kernel(buf: *mut u8, count: usize, flags: u32) -> Result<usize, Errno>;
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
#[fast_syscall(name = "getrandom", via = "syscall")]
unsafe fn getrandom_kernel(buf: *mut u8, count: usize, flags: u32) -> Result<usize, Errno>;
#[cfg(target_arch = "x86")]
#[fast_syscall(name = "getrandom", via = "sysenter")]
unsafe fn getrandom_kernel(buf: *mut u8, count: usize, flags: u32) -> Result<usize, Errno>;
#[cfg(any(target_arch = "aarch64", target_arch = "arm"))]
#[fast_syscall(name = "getrandom", via = "svc")]
unsafe fn getrandom_kernel(buf: *mut u8, count: usize, flags: u32) -> Result<usize, Errno>;
#[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
#[fast_syscall(name = "getrandom", via = "ecall")]
unsafe fn getrandom_kernel(buf: *mut u8, count: usize, flags: u32) -> Result<usize, Errno>;

const GRND_NONBLOCK: u32 = 1;
const GRND_RANDOM: u32 = 2;
const GRND_INSECURE: u32 = 4;

fn draw16() -> [u8; 16] {
    let mut b = [0u8; 16];
    // SAFETY: `b` is writable for 16 bytes.
    assert_eq!(unsafe { sys::getrandom(b.as_mut_ptr(), 16, 0) }, Ok(16));
    b
}

fn draw_user16() -> [u8; 16] {
    let mut b = [0u8; 16];
    // SAFETY: `b` is writable for 16 bytes.
    assert_eq!(unsafe { getrandom(b.as_mut_ptr(), 16, 0) }, Ok(16));
    b
}

/// `n` 16-byte draws through `f`, all distinct and none all-zero.
fn assert_distinct(draws: impl IntoIterator<Item = [u8; 16]>, what: &str) -> usize {
    let mut seen = HashSet::new();
    for d in draws {
        assert_ne!(d, [0; 16], "{what}: an all-zero draw");
        assert!(seen.insert(d), "{what}: a repeated draw {d:02x?}");
    }
    seen.len()
}

fn in_child(test: &str, value: &str) {
    let out = rerun_test(test, CHILD, value);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child {test} ({value}) failed: {}\n{stdout}\n{stderr}",
        out.status
    );
    println!("{stdout}");
}

fn is_child(value: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|v| v == value)
}

// ------------------------------------------------------------------------ basics

#[test]
fn bytes_differ_call_to_call_for_every_length() {
    assert_distinct((0..20_000).map(|_| draw16()), "sys::getrandom");
    assert_distinct((0..20_000).map(|_| draw_user16()), "a user declaration");
    // Lengths around the vDSO's batch (96 bytes) and ChaCha block (64 bytes) boundaries, and
    // a large one (blocks generated straight into the buffer).
    for len in [
        0usize, 1, 3, 31, 32, 63, 64, 65, 95, 96, 97, 127, 128, 129, 1263, 65_536,
    ] {
        let (mut a, mut b) = (vec![0u8; len], vec![0u8; len]);
        // SAFETY: both buffers are writable for `len` bytes.
        unsafe {
            assert_eq!(sys::getrandom(a.as_mut_ptr(), len, 0), Ok(len));
            assert_eq!(getrandom(b.as_mut_ptr(), len, GRND_NONBLOCK), Ok(len));
        }
        if len >= 16 {
            assert_ne!(a, b, "two {len}-byte draws are equal");
            assert_ne!(a, vec![0u8; len]);
        }
    }
}

#[test]
fn the_vdso_serves_where_the_kernel_has_it() {
    let _ = draw16();
    let s = vgetrandom::stats();
    if vdso_has_getrandom() {
        // The kernel's struct vgetrandom_state is 144 bytes on Linux 6.11-6.18.
        assert!(s.state_size >= 144 && s.state_size <= 4096, "{s:?}");
        assert_eq!(s.state_stride % 64, 0, "{s:?}");
        assert!(s.state_stride >= s.state_size, "{s:?}");
        assert!(s.states_per_page * s.state_stride <= s.page_size, "{s:?}");
        assert!(s.pages >= 1, "{s:?}");
        println!("vDSO getrandom: {s:?}");
    } else {
        // qemu-user (no vDSO, or one without getrandom), old kernels, i386, arm, x32.
        assert_eq!(
            s,
            vgetrandom::Stats::default(),
            "no state without a vDSO function"
        );
        println!("no vDSO getrandom here: every call entered the kernel");
    }
}

#[test]
fn errors_and_flags_follow_the_system_call() {
    let mut b = [0u8; 32];
    let p = b.as_mut_ptr();
    // SAFETY: `b` is writable for 32 bytes (each call writes at most that).
    unsafe {
        // Unknown flags: the vDSO declines them and makes the system call, which refuses.
        for bad in [0x8u32, 0x80, 0xffff_fff8, u32::MAX] {
            assert_eq!(sys::getrandom(p, 32, bad), Err(Errno::EINVAL), "{bad:#x}");
            assert_eq!(getrandom_kernel(p, 32, bad), Err(Errno::EINVAL), "{bad:#x}");
        }
        for ok in [
            0,
            GRND_NONBLOCK,
            GRND_RANDOM,
            GRND_INSECURE,
            GRND_NONBLOCK | GRND_RANDOM,
        ] {
            assert_eq!(sys::getrandom(p, 32, ok), Ok(32), "{ok:#x}");
            assert_eq!(getrandom_kernel(p, 32, ok), Ok(32), "{ok:#x}");
        }
        // RANDOM | INSECURE: the system call refuses it; the vDSO checks only for unknown
        // bits and serves it (documented in syscall_rt::vgetrandom).
        let both = GRND_RANDOM | GRND_INSECURE;
        assert_eq!(getrandom_kernel(p, 32, both), Err(Errno::EINVAL));
        let expected = if vdso_has_getrandom() {
            Ok(32)
        } else {
            Err(Errno::EINVAL)
        };
        assert_eq!(sys::getrandom(p, 32, both), expected);
        // A zero length is 0, also through the vDSO.
        assert_eq!(sys::getrandom(p, 0, 0), Ok(0));
    }
}

#[test]
fn the_kernel_entry_and_libc_give_valid_bytes_too() {
    let kernel = (0..2_000).map(|_| {
        let mut b = [0u8; 16];
        // SAFETY: `b` is writable for 16 bytes.
        assert_eq!(unsafe { getrandom_kernel(b.as_mut_ptr(), 16, 0) }, Ok(16));
        b
    });
    assert_distinct(kernel, "via the kernel entry");
    let libc = (0..2_000).map(|_| {
        let mut b = [0u8; 16];
        // SAFETY: `b` is writable for 16 bytes.
        assert_eq!(unsafe { libc::getrandom(b.as_mut_ptr().cast(), 16, 0) }, 16);
        b
    });
    assert_distinct(libc, "libc getrandom()");
    // All three together: no draw of one repeats a draw of another.
    let mixed = (0..3_000).map(|i| match i % 3 {
        0 => draw16(),
        1 => {
            let mut b = [0u8; 16];
            // SAFETY: as above.
            unsafe { getrandom_kernel(b.as_mut_ptr(), 16, 0) }.unwrap();
            b
        }
        _ => {
            let mut b = [0u8; 16];
            // SAFETY: as above.
            unsafe { libc::getrandom(b.as_mut_ptr().cast(), 16, 0) };
            b
        }
    });
    assert_distinct(mixed, "vDSO, kernel entry and libc interleaved");
    // libc agrees on the errors.
    let mut b = [0u8; 8];
    // SAFETY: as above.
    let r = unsafe { libc::getrandom(b.as_mut_ptr().cast(), 8, 0x80) };
    assert_eq!(r, -1);
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(Errno::EINVAL.raw())
    );
}

// ------------------------------------------------------------------------ fallback

#[test]
fn with_the_vdso_forced_absent_the_kernel_entry_serves() {
    if !is_child("absent") {
        return in_child(
            "with_the_vdso_forced_absent_the_kernel_entry_serves",
            "absent",
        );
    }
    syscall_rt::vdso::force_absent(true);
    assert_distinct((0..5_000).map(|_| draw16()), "forced fallback");
    assert_distinct((0..5_000).map(|_| draw_user16()), "forced fallback, user");
    let mut b = [0u8; 8];
    // SAFETY: `b` is writable.
    assert_eq!(
        unsafe { sys::getrandom(b.as_mut_ptr(), 8, 0x80) },
        Err(Errno::EINVAL)
    );
    // SAFETY: as above; the kernel refuses this pair.
    assert_eq!(
        unsafe { sys::getrandom(b.as_mut_ptr(), 8, GRND_RANDOM | GRND_INSECURE) },
        Err(Errno::EINVAL)
    );
    assert_eq!(
        vgetrandom::stats(),
        vgetrandom::Stats::default(),
        "the fallback maps no state"
    );
}

// ------------------------------------------------------------------------ fork

fn fork_draws(rounds: usize) {
    for _ in 0..rounds {
        // The parent has a state with buffered bytes: the child must not replay them.
        let _ = draw16();
        let mut fds = [0i32; 2];
        // SAFETY: `fds` has room for two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: the child only draws bytes, writes them and leaves with _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            let mut out = [0u8; 64];
            for chunk in out.chunks_mut(16) {
                chunk.copy_from_slice(&draw16());
            }
            // SAFETY: writes our buffer to the pipe, then ends the child.
            unsafe {
                libc::write(fds[1], out.as_ptr().cast(), 64);
                libc::_exit(0);
            }
        }
        let mut ours = [0u8; 64];
        for chunk in ours.chunks_mut(16) {
            chunk.copy_from_slice(&draw16());
        }
        let mut theirs = [0u8; 64];
        // SAFETY: reads into our buffer; waits for our child.
        unsafe {
            assert_eq!(libc::read(fds[0], theirs.as_mut_ptr().cast(), 64), 64);
            let mut status = 0;
            assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
            assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        let (o, t): (Vec<[u8; 16]>, Vec<[u8; 16]>) = (
            ours.chunks(16).map(|c| c.try_into().unwrap()).collect(),
            theirs.chunks(16).map(|c| c.try_into().unwrap()).collect(),
        );
        assert_distinct(o.into_iter().chain(t), "parent and forked child");
    }
}

#[test]
fn a_forked_child_never_repeats_the_parents_stream() {
    if !is_child("fork") {
        return in_child("a_forked_child_never_repeats_the_parents_stream", "fork");
    }
    fork_draws(50);
}

#[test]
fn a_forked_child_never_repeats_the_parents_stream_without_thread_cache() {
    if !is_child("fork-pool") {
        return in_child(
            "a_forked_child_never_repeats_the_parents_stream_without_thread_cache",
            "fork-pool",
        );
    }
    vgetrandom::set_thread_cache(false);
    fork_draws(50);
}

// ------------------------------------------------------------------------ signals

/// Handler draws wanted (at least `HANDLER_MIN` within the loop's budget of draws: on a loaded
/// machine signals arrive slowly while the loop runs millions of calls).
const HANDLER_DRAWS: usize = 300;
const HANDLER_MIN: usize = 50;
const LOOP_BUDGET: usize = 16_000_000;
static HANDLER_OUT: [AtomicU64; HANDLER_DRAWS] = [const { AtomicU64::new(0) }; HANDLER_DRAWS];
static HANDLER_RUNS: AtomicUsize = AtomicUsize::new(0);
static HANDLER_ERRORS: AtomicUsize = AtomicUsize::new(0);

/// The first 8 bytes of a draw: distinct among a few million random draws but for a 1e-6
/// chance, at half the memory.
fn fingerprint(b: [u8; 16]) -> u64 {
    u64::from_ne_bytes(b[..8].try_into().unwrap())
}

extern "C" fn on_signal(_: i32) {
    let mut b = [0u8; 16];
    // SAFETY: `b` is writable; getrandom is async-signal-safe here (no locks, no allocation).
    match unsafe { sys::getrandom(b.as_mut_ptr(), 16, 0) } {
        Ok(16) if b != [0; 16] => {
            let i = HANDLER_RUNS.fetch_add(1, Ordering::Relaxed);
            if i < HANDLER_DRAWS {
                HANDLER_OUT[i].store(fingerprint(b), Ordering::Relaxed);
            }
        }
        _ => {
            HANDLER_ERRORS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn signals_during_a_tight_loop() {
    // SAFETY: installs a handler that only calls getrandom and stores atomics.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as extern "C" fn(i32) as *const () as usize;
        sa.sa_flags = libc::SA_RESTART;
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
    // SAFETY: gettid has no preconditions.
    let tid = unsafe { libc::gettid() };
    let pid = std::process::id() as i32;
    let before = vgetrandom::pool_calls();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // One signal at a time, the next once the handler has run (standard signals that are
    // pending together merge into one), re-sent if it seems lost.
    let sender = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while HANDLER_RUNS.load(Ordering::Relaxed) < HANDLER_DRAWS
                && !stop.load(Ordering::Relaxed)
            {
                let seen = HANDLER_RUNS.load(Ordering::Relaxed);
                // SAFETY: signals the test thread, whose handler is installed.
                unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, libc::SIGUSR1) };
                let sent = std::time::Instant::now();
                while HANDLER_RUNS.load(Ordering::Relaxed) == seen
                    && sent.elapsed() < std::time::Duration::from_millis(20)
                    && !stop.load(Ordering::Relaxed)
                {
                    std::thread::yield_now();
                }
            }
        })
    };
    let mut main_draws: Vec<u64> = Vec::with_capacity(1 << 22);
    while !sender.is_finished() && main_draws.len() < LOOP_BUDGET {
        for _ in 0..64 {
            main_draws.push(fingerprint(draw16()));
        }
    }
    stop.store(true, Ordering::Relaxed);
    sender.join().unwrap();
    assert_eq!(
        HANDLER_ERRORS.load(Ordering::Relaxed),
        0,
        "a handler call failed"
    );
    let runs = HANDLER_RUNS.load(Ordering::Relaxed).min(HANDLER_DRAWS);
    assert!(
        runs >= HANDLER_MIN,
        "only {runs} handler runs during {} loop draws",
        main_draws.len()
    );
    let interrupted = vgetrandom::pool_calls() - before;
    println!(
        "{} loop draws, {runs} handler draws, {interrupted} calls used a pool state (with the cache on: handler calls that interrupted a call)",
        main_draws.len()
    );
    let loop_draws = main_draws.len();
    main_draws.extend(
        HANDLER_OUT[..runs]
            .iter()
            .map(|w| w.load(Ordering::Relaxed)),
    );
    main_draws.sort_unstable();
    main_draws.dedup();
    assert_eq!(main_draws.len(), loop_draws + runs, "a draw repeated");
    assert!(!main_draws.contains(&0));
    let s = vgetrandom::stats();
    if vdso_has_getrandom() && s.pages > 0 {
        // The loop spends most of its time inside the call: most signals land there.
        assert!(
            interrupted > 0,
            "no handler call interrupted a call (the reentrant path went untested)"
        );
    }
}

#[test]
fn a_signal_handler_calling_getrandom_during_a_tight_loop_never_shares_a_state() {
    if !is_child("signals") {
        return in_child(
            "a_signal_handler_calling_getrandom_during_a_tight_loop_never_shares_a_state",
            "signals",
        );
    }
    // The loop's thread caches its state before the first signal.
    let _ = draw16();
    signals_during_a_tight_loop();
}

#[test]
fn a_signal_handler_during_a_tight_loop_without_thread_cache() {
    if !is_child("signals-pool") {
        return in_child(
            "a_signal_handler_during_a_tight_loop_without_thread_cache",
            "signals-pool",
        );
    }
    vgetrandom::set_thread_cache(false);
    signals_during_a_tight_loop();
}

// ------------------------------------------------------------------------ threads

/// Sixteen bytes as two words, for compact per-thread records.
fn words(b: [u8; 16]) -> (u64, u64) {
    (
        u64::from_ne_bytes(b[..8].try_into().unwrap()),
        u64::from_ne_bytes(b[8..].try_into().unwrap()),
    )
}

#[test]
fn eight_threads_times_100_000_calls() {
    if !is_child("threads") {
        return in_child("eight_threads_times_100_000_calls", "threads");
    }
    let threads: Vec<_> = (0..8)
        .map(|_| std::thread::spawn(|| (0..100_000).map(|_| words(draw16())).collect::<Vec<_>>()))
        .collect();
    let mut all = HashSet::with_capacity(800_000);
    for t in threads {
        for w in t.join().unwrap() {
            assert_ne!(w, (0, 0));
            assert!(all.insert(w), "a draw repeated across threads: {w:x?}");
        }
    }
    assert_eq!(all.len(), 800_000);
    let s = vgetrandom::stats();
    println!("after 8 threads: {s:?}");
    if s.pages > 0 {
        // Each thread held one state while it lived and gave it back when it exited.
        assert_eq!(s.pages, 1, "8 states fit one page: {s:?}");
        assert_eq!(s.free_states, s.states_per_page, "all states back: {s:?}");
        // A second wave reuses them: no new page.
        let again: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(|| {
                    (0..1000)
                        .map(|_| words(draw16()))
                        .filter(|&w| w != (0, 0))
                        .count()
                })
            })
            .collect();
        for t in again {
            assert_eq!(t.join().unwrap(), 1000);
        }
        assert_eq!(vgetrandom::stats().pages, 1);
    }
}

extern "C" fn pthread_body(out: *mut libc::c_void) -> *mut libc::c_void {
    let out = out.cast::<Vec<(u64, u64)>>();
    // SAFETY: the creator passes a Vec it does not touch until join.
    let out = unsafe { &mut *out };
    for _ in 0..20_000 {
        out.push(words(draw16()));
    }
    std::ptr::null_mut()
}

#[test]
fn threads_made_by_pthread_create_get_states_of_their_own() {
    if !is_child("pthread") {
        return in_child(
            "threads_made_by_pthread_create_get_states_of_their_own",
            "pthread",
        );
    }
    let mut outs: Vec<Vec<(u64, u64)>> = (0..4).map(|_| Vec::with_capacity(20_000)).collect();
    let mut ids = Vec::new();
    for out in outs.iter_mut() {
        let mut t: libc::pthread_t = 0;
        // SAFETY: `out` outlives the thread (joined below).
        let r = unsafe {
            libc::pthread_create(
                &mut t,
                std::ptr::null(),
                pthread_body,
                (out as *mut Vec<(u64, u64)>).cast(),
            )
        };
        assert_eq!(r, 0);
        ids.push(t);
    }
    for t in ids {
        // SAFETY: joins a thread we created.
        assert_eq!(unsafe { libc::pthread_join(t, std::ptr::null_mut()) }, 0);
    }
    let mut all = HashSet::new();
    for w in outs.into_iter().flatten() {
        assert!(all.insert(w), "a draw repeated across pthreads");
    }
    assert_eq!(all.len(), 80_000);
    let s = vgetrandom::stats();
    if s.pages > 0 {
        assert_eq!(
            s.free_states,
            s.states_per_page * s.pages,
            "states back: {s:?}"
        );
    }
}

/// A raw `clone` thread's work: draws into its slice, then returns (glibc's `clone` wrapper
/// then ends the thread with `exit`; the kernel clears and wakes the `ctid` word).
struct CloneJob {
    out: *mut (u64, u64),
    n: usize,
}

extern "C" fn clone_body(job: *mut libc::c_void) -> i32 {
    // SAFETY: the creator keeps the job and its buffer alive until the thread has exited.
    let job = unsafe { &*job.cast::<CloneJob>() };
    for i in 0..job.n {
        let mut b = [0u8; 16];
        // SAFETY: `b` is writable for 16 bytes.
        if unsafe { sys::getrandom(b.as_mut_ptr(), 16, 0) } != Ok(16) {
            return 1;
        }
        // SAFETY: `i < n`, the buffer's length.
        unsafe { job.out.add(i).write(words(b)) };
    }
    0
}

#[test]
fn threads_made_by_raw_clone_share_no_state() {
    if !is_child("clone") {
        return in_child("threads_made_by_raw_clone_share_no_state", "clone");
    }
    // Raw `clone` threads without CLONE_SETTLS share their creator's thread-local storage:
    // such programs use the pool alone (the design without std, documented).
    vgetrandom::set_thread_cache(false);
    const N: usize = 20_000;
    const THREADS: usize = 4;
    let mut bufs = vec![vec![(0u64, 0u64); N]; THREADS];
    let mut stacks = vec![vec![0u8; 256 * 1024]; THREADS];
    let jobs: Vec<CloneJob> = bufs
        .iter_mut()
        .map(|b| CloneJob {
            out: b.as_mut_ptr(),
            n: N,
        })
        .collect();
    let ctids: Vec<AtomicU64> = (0..THREADS).map(|_| AtomicU64::new(0)).collect();
    let flags = libc::CLONE_VM
        | libc::CLONE_FS
        | libc::CLONE_FILES
        | libc::CLONE_SIGHAND
        | libc::CLONE_THREAD
        | libc::CLONE_SYSVSEM
        | libc::CLONE_PARENT_SETTID
        | libc::CLONE_CHILD_CLEARTID;
    for i in 0..THREADS {
        // SAFETY: the stack top is 16-byte aligned inside our buffer; the job, its buffer and
        // the ctid word outlive the thread (we wait for the kernel to clear ctid).
        let tid = unsafe {
            let top = stacks[i].as_mut_ptr().add(stacks[i].len() - 64);
            let top = (top as usize & !15) as *mut libc::c_void;
            let ctid = ctids[i].as_ptr().cast::<i32>();
            libc::clone(
                clone_body,
                top,
                flags,
                (&jobs[i] as *const CloneJob).cast_mut().cast(),
                ctid,
                std::ptr::null_mut::<libc::c_void>(),
                ctid,
            )
        };
        assert!(tid > 0, "clone failed");
    }
    for c in &ctids {
        while c.load(Ordering::Acquire) as u32 != 0 {
            std::thread::yield_now();
        }
    }
    drop(stacks);
    let mut all = HashSet::new();
    for w in bufs.into_iter().flatten() {
        assert_ne!(w, (0, 0), "a clone thread failed a call");
        assert!(all.insert(w), "a draw repeated across clone threads");
    }
    assert_eq!(all.len(), N * THREADS);
    let s = vgetrandom::stats();
    if s.pages > 0 {
        assert_eq!(
            s.free_states,
            s.states_per_page * s.pages,
            "states back: {s:?}"
        );
    }
}

// ------------------------------------------------------------------------ system calls

/// Counts the system calls (all, and `getrandom`) a child makes between its `SIGSTOP` and its
/// exit, stopping it at every entry with `PTRACE_SYSCALL`.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
fn count_syscalls(work: impl FnOnce()) -> (u64, u64) {
    // SAFETY: the child asks to be traced, stops, works and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        // SAFETY: as above.
        unsafe {
            libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0);
            libc::raise(libc::SIGSTOP);
            work();
            libc::_exit(0);
        }
    }
    let mut status = 0;
    let (mut total, mut getrandom) = (0u64, 0u64);
    // SAFETY: waits for and steps our own traced child.
    unsafe {
        assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
        assert!(libc::WIFSTOPPED(status));
        libc::ptrace(
            libc::PTRACE_SETOPTIONS,
            pid,
            0,
            libc::PTRACE_O_TRACESYSGOOD as usize,
        );
        let mut entering = true;
        loop {
            libc::ptrace(libc::PTRACE_SYSCALL, pid, 0, 0);
            assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
            if libc::WIFEXITED(status) {
                assert_eq!(libc::WEXITSTATUS(status), 0, "the traced child failed");
                break;
            }
            assert!(!libc::WIFSIGNALED(status), "the traced child was killed");
            if libc::WSTOPSIG(status) != (libc::SIGTRAP | 0x80) {
                continue;
            }
            if entering {
                let mut regs: libc::user_regs_struct = std::mem::zeroed();
                libc::ptrace(libc::PTRACE_GETREGS, pid, 0, &mut regs as *mut _);
                total += 1;
                getrandom += u64::from(regs.orig_rax == libc::SYS_getrandom as u64);
            }
            entering = !entering;
        }
    }
    (total, getrandom)
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
#[test]
fn no_system_call_per_call_through_the_vdso() {
    if !is_child("count") {
        return in_child("no_system_call_per_call_through_the_vdso", "count");
    }
    // The counter counts: 1,000 calls of the kernel entry are 1,000 system calls.
    let (total, grnd) = count_syscalls(|| {
        for _ in 0..1_000 {
            let mut b = [0u8; 16];
            // SAFETY: `b` is writable.
            let _ = unsafe { getrandom_kernel(b.as_mut_ptr(), 16, 0) };
        }
    });
    println!("kernel entry, 1000 calls: {total} system calls, {grnd} getrandom");
    assert!(grnd >= 1_000, "{grnd}");
    if !vdso_has_getrandom() {
        println!("no vDSO getrandom on this kernel: nothing more to count");
        return;
    }
    // Warm up in the parent: this thread's state, the pool page, the destructor registration.
    let _ = (draw16(), draw_user16());
    for (what, user) in [("sys::getrandom", false), ("a user declaration", true)] {
        let (total, grnd) = count_syscalls(|| {
            // Warm up: the first call after fork reseeds (the child's state page is wiped).
            let _ = if user { draw_user16() } else { draw16() };
            let mut x = 0u8;
            for _ in 0..100_000 {
                let b = if user { draw_user16() } else { draw16() };
                x ^= b[0];
            }
            std::hint::black_box(x);
        });
        println!("{what}, 100,000 calls: {total} system calls, {grnd} of them getrandom");
        // The exit_group at the end, and a reseed if the kernel's RNG reseeded meanwhile.
        assert!(
            total <= 5 && grnd <= 2,
            "{what}: {total} system calls ({grnd} getrandom)"
        );
    }
}
