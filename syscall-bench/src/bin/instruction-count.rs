//! User-space instructions per call of fast-syscall stubs against hand-written `asm!`, counted
//! exactly by single-stepping a child process with ptrace (kernel work is not counted: the
//! entry instruction is one step). Unlike callgrind, this also sees `int 0x80` from 64-bit code
//! and the vDSO.
//!
//! Each probe is an `#[inline(never)]` function making one call; the counter starts when the
//! child reaches the probe's first instruction and stops at its return address. Probe pairs are
//! written alike, so their prologues cancel and the difference is what the stub costs more.
//!
//! `cargo run --release -p syscall-bench --bin instruction-count [-- --check]`: prints the table;
//! with `--check`, exits 1 when a stub exceeds its budget (0 extra instructions for raw returns,
//! 2 for `Result` decoding, 2 for the vDSO's resolved-once check, 16 for getrandom's thread
//! cache; vDSO pairs are also checked from below). Runs on x86_64 only.
//! `--run-probes` only calls each probe once, for `scripts/callgrind-counts.sh`.

#[cfg(all(
    target_arch = "x86_64",
    target_pointer_width = "64",
    target_os = "linux"
))]
mod counting {
    use std::hint::black_box;

    use syscall_bench::{Timespec, hand, ours};

    macro_rules! probe_fn {
        ($name:ident, $body:expr) => {
            // Unmangled, so that callgrind can be told to count inside it by name.
            #[unsafe(no_mangle)]
            #[inline(never)]
            extern "C" fn $name() {
                let _ = black_box($body);
            }
        };
    }

    probe_fn!(ours_getpid_raw, ours::getpid_raw());
    probe_fn!(hand_getpid_raw, hand::getpid_raw());
    probe_fn!(
        ours_getpid_result,
        ours::getpid_result().map_err(|e| e.raw())
    );
    probe_fn!(hand_getpid_result, hand::getpid_result());
    // Decoding only: the Ok value is used, the error ignored (cmp + ja over the raw call).
    #[unsafe(no_mangle)]
    #[inline(never)]
    extern "C" fn ours_getpid_ok_only() {
        if let Ok(pid) = ours::getpid_result() {
            black_box(pid);
        }
    }
    probe_fn!(ours_lseek_raw, ours::lseek_raw(u32::MAX, 0, 0));
    probe_fn!(hand_lseek_raw, hand::lseek_raw(u32::MAX, 0, 0));
    // SAFETY: zero-length mappings are refused.
    probe_fn!(ours_mmap_raw, unsafe {
        ours::mmap_raw(0, 0, 1, 0x22, usize::MAX, 0)
    });
    // SAFETY: as above.
    probe_fn!(hand_mmap_raw, unsafe {
        hand::mmap_raw(0, 0, 1, 0x22, usize::MAX, 0)
    });
    probe_fn!(ours_int80_getpid, ours::int80::getpid_raw());
    probe_fn!(hand_int80_getpid, hand::getpid_int80());
    probe_fn!(ours_vdso, {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        unsafe { ours::clock_gettime_vdso(1, &mut ts) };
        ts.nsec
    });
    probe_fn!(hand_vdso, {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        unsafe { hand::clock_gettime_vdso(1, &mut ts) };
        ts.nsec
    });
    // getrandom 16 B: the default (vDSO, this thread's cached state) against the vDSO function
    // called with a pre-allocated state (set up in `pairs`).
    probe_fn!(ours_getrandom, {
        let mut b = [0u8; 16];
        // SAFETY: a writable buffer.
        unsafe { syscall_bench::getrandom::ours::getrandom(b.as_mut_ptr(), 16, 0) };
        b
    });
    probe_fn!(hand_getrandom, {
        let mut b = [0u8; 16];
        // SAFETY: `direct::setup` succeeded (the pair exists only then); one thread.
        unsafe { syscall_bench::getrandom::direct::getrandom(b.as_mut_ptr(), 16, 0) };
        b
    });
    // SAFETY: plain libc call.
    probe_fn!(libc_syscall_getpid, unsafe {
        libc::syscall(libc::SYS_getpid)
    });

    /// (what, ours, reference, allowed extra instructions)
    pub type Pair = (&'static str, extern "C" fn(), extern "C" fn(), i64);

    pub fn pairs() -> Vec<Pair> {
        let mut pairs: Vec<Pair> = vec![
            ("syscall, 0 args, raw", ours_getpid_raw, hand_getpid_raw, 0),
            (
                "syscall, 0 args, Result vs hand Result",
                ours_getpid_result,
                hand_getpid_result,
                0,
            ),
            (
                "syscall, 0 args, Result decoding vs hand raw",
                ours_getpid_ok_only,
                hand_getpid_raw,
                2,
            ),
            ("syscall, 3 args, raw", ours_lseek_raw, hand_lseek_raw, 0),
            ("syscall, 6 args, raw", ours_mmap_raw, hand_mmap_raw, 0),
            (
                "int 0x80, 0 args, raw",
                ours_int80_getpid,
                hand_int80_getpid,
                0,
            ),
            (
                "vDSO clock_gettime vs cached pointer",
                ours_vdso,
                hand_vdso,
                2,
            ),
            (
                "libc syscall() vs hand raw (reference)",
                libc_syscall_getpid,
                hand_getpid_raw,
                i64::MAX,
            ),
        ];
        if syscall_bench::getrandom::direct::setup() {
            pairs.push((
                "vDSO getrandom 16 B vs direct call, pre-allocated state",
                ours_getrandom,
                hand_getrandom,
                GETRANDOM_BUDGET,
            ));
        }
        pairs
    }

    /// Measured +14: the resolved-once test (4), the thread cache's load, test, take and put
    /// back (5), the state kept across the call in a callee-saved register (push/pop, 5).
    pub const GETRANDOM_BUDGET: i64 = 16;

    /// Counts the instructions of one call of `f`, in a traced child. Takes the minimum of a
    /// few runs (a vDSO clock read may retry once).
    pub fn count(f: extern "C" fn()) -> u64 {
        (0..5).map(|_| count_once(f)).min().unwrap()
    }

    fn count_once(f: extern "C" fn()) -> u64 {
        // Warm up in the parent so that lazy resolution (vDSO symbol, AT_SYSINFO) has happened
        // before the fork: the child measures the steady state.
        f();
        // SAFETY: fork in a single-threaded helper binary; the child only calls `f` and exits.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            // SAFETY: the child asks to be traced, stops, makes one call and exits at once.
            unsafe {
                libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0);
                libc::raise(libc::SIGSTOP);
                f();
                libc::_exit(0);
            }
        }
        let entry = f as usize as u64;
        let mut status = 0;
        // SAFETY: waiting for our own child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        let mut counting = false;
        let mut ret_addr = 0u64;
        let mut steps = 0u64;
        loop {
            // SAFETY: the child is stopped under our trace.
            let regs = unsafe {
                let mut regs: libc::user_regs_struct = std::mem::zeroed();
                libc::ptrace(libc::PTRACE_GETREGS, pid, 0, &mut regs as *mut _);
                regs
            };
            if !counting && regs.rip == entry {
                counting = true;
                // SAFETY: reads the return address at the child's stack top.
                ret_addr = unsafe { libc::ptrace(libc::PTRACE_PEEKDATA, pid, regs.rsp as usize, 0) }
                    as u64;
            } else if counting && regs.rip == ret_addr {
                // SAFETY: ends the child.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                    libc::waitpid(pid, &mut status, 0);
                }
                return steps;
            }
            if counting {
                steps += 1;
            }
            // SAFETY: steps our stopped child.
            unsafe {
                libc::ptrace(libc::PTRACE_SINGLESTEP, pid, 0, 0);
                libc::waitpid(pid, &mut status, 0);
            }
            assert!(
                libc::WIFSTOPPED(status),
                "child ended before the probe returned"
            );
        }
    }
}

#[cfg(all(
    target_arch = "x86_64",
    target_pointer_width = "64",
    target_os = "linux"
))]
fn main() {
    // For callgrind (scripts/callgrind-counts.sh): each distinct probe function once (identical
    // probes may have been folded into one), only the `syscall` ones: valgrind cannot run
    // `int 0x80` from 64-bit code and hides the vDSO.
    if std::env::args().any(|a| a == "--run-probes") {
        let mut seen: Vec<usize> = Vec::new();
        let pairs = counting::pairs();
        for (_, ours, reference, _) in pairs.iter().filter(|p| p.0.starts_with("syscall")) {
            for f in [ours, reference] {
                if !seen.contains(&(*f as usize)) {
                    seen.push(*f as usize);
                    f();
                }
            }
        }
        return;
    }
    let check = std::env::args().any(|a| a == "--check");
    if cfg!(debug_assertions) {
        eprintln!("instruction-count: build with --release (debug stubs are not inlined)");
        std::process::exit(2);
    }
    println!("| probe pair | fast-syscall | reference | extra | budget |");
    println!("|---|---:|---:|---:|---:|");
    let mut over = Vec::new();
    for (what, ours, reference, budget) in counting::pairs() {
        let (a, b) = (counting::count(ours), counting::count(reference));
        let extra = a as i64 - b as i64;
        let budget_text = if budget == i64::MAX {
            "—".to_string()
        } else {
            budget.to_string()
        };
        println!("| {what} | {a} | {b} | {extra:+} | {budget_text} |");
        if extra > budget {
            over.push(format!("{what}: {extra:+} instructions (budget {budget})"));
        }
        // vDSO pairs are checked from below too: a stub that silently took the system call
        // instead would count fewer instructions (the kernel's work is one step).
        if what.starts_with("vDSO") && extra < -budget {
            over.push(format!(
                "{what}: {extra:+} instructions, fewer than the vDSO call itself (budget ±{budget})"
            ));
        }
    }
    if check && !over.is_empty() {
        eprintln!("stubs over budget:\n  {}", over.join("\n  "));
        std::process::exit(1);
    }
}

#[cfg(not(all(
    target_arch = "x86_64",
    target_pointer_width = "64",
    target_os = "linux"
)))]
fn main() {
    eprintln!("instruction-count runs on x86_64 Linux only");
}
