//! User-space instructions per call of fast-syscall stubs against hand-written `asm!`, counted
//! exactly by single-stepping a child process with ptrace (kernel work is not counted: the
//! entry instruction is one step). Unlike callgrind, this also sees `int 0x80` from 64-bit code,
//! `__kernel_vsyscall` and the vDSO.
//!
//! Each probe is an `#[inline(never)]` function making one call; the counter starts when the
//! child reaches the probe's first instruction and stops at its return address. Probe pairs are
//! written alike, so their prologues cancel and the difference is what the stub costs more.
//!
//! Every probe is also checked for **kernel entries**: at each single-step stop the counter reads
//! the child's `orig_rax` (`orig_eax`), which the kernel sets to the system-call number when the
//! instruction just stepped entered it through a system-call gate, and to -1 for any other trap.
//! A gate probe must enter the kernel exactly once, with the same number as its hand-written
//! twin; a vDSO probe must not enter it at all, and must stay within its budget of the direct
//! vDSO call in both directions (a stub that skipped the vDSO would be far shorter and would
//! enter the kernel).
//!
//! `cargo run --release -p syscall-bench --bin instruction-count [-- --check]`: prints the table;
//! with `--check`, exits 1 when a stub exceeds its budget or enters the kernel other than
//! expected (0 extra instructions for raw returns where the hand-written code is the same, 2 for
//! `Result` decoding, 2 for the vDSO's resolved-once check, 16 for getrandom's thread cache;
//! see the table). Runs on x86_64 and
//! i686 (`scripts/cross.sh i686` runs it there). `--run-probes` only calls each `syscall` probe
//! once, for `scripts/callgrind-counts.sh` (x86_64).

#[cfg(all(
    target_os = "linux",
    any(
        all(target_arch = "x86_64", target_pointer_width = "64"),
        target_arch = "x86"
    )
))]
mod counting {
    use std::hint::black_box;

    use syscall_bench::{Timespec, hand, ours};

    macro_rules! probe_fn {
        ($name:ident, $body:expr) => {
            // Unmangled, so that callgrind can be told to count inside it by name.
            #[unsafe(no_mangle)]
            #[inline(never)]
            pub extern "C" fn $name() {
                let _ = black_box($body);
            }
        };
    }

    // The calls: harmless queries and refused requests. getpgid(0), getpriority(PRIO_PROCESS,
    // 0), lseek(-1, 0, SEEK_SET) (EBADF), tee(-1, -1, 16, 0) (EBADF), prctl(PR_GET_DUMPABLE),
    // mmap(0, 0, …) (EINVAL, nothing mapped).
    probe_fn!(ours_getpid_raw, ours::getpid_raw());
    probe_fn!(
        ours_getpid_result,
        ours::getpid_result().map_err(|e| e.raw())
    );
    // Decoding only: the Ok value is used, the error ignored (cmp + ja over the raw call).
    #[unsafe(no_mangle)]
    #[inline(never)]
    extern "C" fn ours_getpid_ok_only() {
        if let Ok(pid) = ours::getpid_result() {
            black_box(pid);
        }
    }
    probe_fn!(ours_getpgid_raw, ours::getpgid_raw(black_box(0)));
    probe_fn!(ours_getpriority_raw, ours::getpriority_raw(0, black_box(0)));
    probe_fn!(ours_lseek_raw, ours::lseek_raw(u32::MAX, 0, 0));
    probe_fn!(ours_tee_raw, ours::tee_raw(-1, -1, 16, black_box(0)));
    // SAFETY: PR_GET_DUMPABLE reads nothing through its arguments.
    probe_fn!(ours_prctl_raw, unsafe {
        ours::prctl_raw(3, 0, 0, 0, black_box(0))
    });
    // SAFETY: zero-length mappings are refused.
    probe_fn!(ours_mmap_raw, unsafe {
        ours::mmap_raw(0, 0, 1, 0x22, usize::MAX, 0)
    });
    probe_fn!(ours_int80_getpid, ours::int80::getpid_raw());
    probe_fn!(ours_int80_getpgid, ours::int80::getpgid_raw(black_box(0)));
    probe_fn!(
        ours_int80_getpriority,
        ours::int80::getpriority_raw(0, black_box(0))
    );
    probe_fn!(ours_int80_lseek, ours::int80::lseek_raw(u32::MAX, 0, 0));
    probe_fn!(
        ours_int80_tee,
        ours::int80::tee_raw(-1, -1, 16, black_box(0))
    );
    // SAFETY: as `ours_prctl_raw`.
    probe_fn!(ours_int80_prctl, unsafe {
        ours::int80::prctl_raw(3, 0, 0, 0, black_box(0))
    });
    // SAFETY: as `ours_mmap_raw`.
    probe_fn!(ours_int80_mmap, unsafe {
        ours::int80::mmap_raw(0, 0, 1, 0x22, u32::MAX, 0)
    });
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
    #[cfg(target_arch = "x86_64")]
    probe_fn!(ours_getrandom, {
        let mut b = [0u8; 16];
        // SAFETY: a writable buffer.
        unsafe { syscall_bench::getrandom::ours::getrandom(b.as_mut_ptr(), 16, 0) };
        b
    });
    #[cfg(target_arch = "x86_64")]
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

    // The hand-written twins, x86_64 (`syscall` numbers; `int 0x80` with i386 numbers).
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_getpid_raw, hand::getpid_raw());
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_getpid_result, hand::getpid_result());
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_getpgid_raw, unsafe {
        hand::syscall1(121, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_getpriority_raw, unsafe {
        hand::syscall2(140, 0, black_box(0))
    });
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_lseek_raw, hand::lseek_raw(u32::MAX, 0, 0));
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_tee_raw, unsafe {
        hand::syscall4(276, usize::MAX, usize::MAX, 16, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_prctl_raw, unsafe {
        hand::syscall5(157, 3, 0, 0, 0, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_mmap_raw, unsafe {
        hand::mmap_raw(0, 0, 1, 0x22, usize::MAX, 0)
    });
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_int80_getpid, hand::getpid_int80());
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_int80_getpgid, unsafe {
        hand::int80_1(132, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_int80_getpriority, unsafe {
        hand::int80_2(96, 0, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_int80_lseek, unsafe {
        hand::int80_3(19, u32::MAX, 0, 0)
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_int80_tee, unsafe {
        hand::int80_4(315, u32::MAX, u32::MAX, 16, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_int80_prctl, unsafe {
        hand::int80_5(172, 3, 0, 0, 0, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86_64")]
    probe_fn!(hand_int80_mmap, unsafe {
        hand::int80_6(192, 0, 0, 1, 0x22, u32::MAX, 0)
    });
    // The hand-written twins, i686 (i386 numbers; `sysenter` through `__kernel_vsyscall`).
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_getpid_raw, unsafe { hand::sysenter0(20) });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_getpgid_raw, unsafe {
        hand::sysenter1(132, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_getpriority_raw, unsafe {
        hand::sysenter2(96, 0, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_lseek_raw, unsafe {
        hand::sysenter3(19, u32::MAX, 0, 0)
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_tee_raw, unsafe {
        hand::sysenter4(315, u32::MAX, u32::MAX, 16, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_prctl_raw, unsafe {
        hand::sysenter5(172, 3, 0, 0, 0, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_mmap_raw, unsafe {
        hand::sysenter6(192, 0, 0, 1, 0x22, u32::MAX, 0)
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_int80_getpid, unsafe { hand::int80_0(20) });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_int80_getpgid, unsafe {
        hand::int80_1(132, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_int80_getpriority, unsafe {
        hand::int80_2(96, 0, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_int80_lseek, unsafe {
        hand::int80_3(19, u32::MAX, 0, 0)
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_int80_tee, unsafe {
        hand::int80_4(315, u32::MAX, u32::MAX, 16, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_int80_prctl, unsafe {
        hand::int80_5(172, 3, 0, 0, 0, black_box(0))
    });
    // SAFETY: the same harmless call as its `ours_` twin.
    #[cfg(target_arch = "x86")]
    probe_fn!(hand_int80_mmap, unsafe {
        hand::int80_6(192, 0, 0, 1, 0x22, u32::MAX, 0)
    });
    /// One comparison: a fast-syscall probe against its reference.
    pub struct Pair {
        /// What is compared.
        pub what: &'static str,
        /// The fast-syscall probe.
        pub ours: extern "C" fn(),
        /// The reference (hand-written, or libc).
        pub reference: extern "C" fn(),
        /// Extra instructions allowed over the reference (`None`: reported, not checked).
        pub budget: Option<i64>,
        /// Kernel entries each probe must make: 1 for a gate, 0 for the vDSO.
        pub entries: usize,
        /// A vDSO pair: the stub must also not be much shorter than the direct call (one that
        /// skipped the vDSO would be).
        pub vdso: bool,
    }

    const fn pair(
        what: &'static str,
        ours: extern "C" fn(),
        reference: extern "C" fn(),
        budget: i64,
        entries: usize,
    ) -> Pair {
        Pair {
            what,
            ours,
            reference,
            budget: Some(budget),
            entries,
            vdso: entries == 0,
        }
    }

    /// The default gate's name in the table.
    #[cfg(target_arch = "x86_64")]
    const GATE: &str = "syscall";
    #[cfg(target_arch = "x86")]
    const GATE: &str = "sysenter";

    /// The pairs of the target, with their budgets.
    pub fn pairs() -> Vec<Pair> {
        let gate = |args: &str| -> &'static str { String::leak(format!("{GATE}, {args}, raw")) };
        // Extra instructions of the default gate's stubs by argument count. x86_64: none, the
        // stubs are the hand-written code. i686 (measured with Debian's rustc 1.85, the CI
        // compiler for i686): the hand-written twin assumes `AT_SYSINFO` exists; the stub keeps
        // the documented `int 0x80` fallback, which costs 3 executed instructions (the cached
        // entry has three states, unresolved / absent / address: `cmp`+`je` and `test`+`jne`
        // where the twin has `test`+`je`, and the `jmp` over the inlined fallback). With 4
        // arguments the twin calls through `edi` (free there) while the stub pushes the entry
        // from its array as with 5 and 6 arguments: +3 (array store, push, `lea`). With 5
        // arguments the fallback path needs `esi` in the frame: +2 (push and pop).
        let gate_budget: [i64; 7] = if cfg!(target_arch = "x86") {
            [3, 3, 3, 3, 6, 5, 3]
        } else {
            [0; 7]
        };
        // `Result` decoding: at most 2 instructions over the raw call (`cmp` + `ja`).
        let decoding_budget = gate_budget[0] + 2;
        let mut v = vec![
            pair(
                gate("0 args"),
                ours_getpid_raw,
                hand_getpid_raw,
                gate_budget[0],
                1,
            ),
            #[cfg(target_arch = "x86_64")]
            pair(
                "syscall, 0 args, Result vs hand Result",
                ours_getpid_result,
                hand_getpid_result,
                0,
                1,
            ),
            pair(
                if cfg!(target_arch = "x86") {
                    "sysenter, 0 args, Result decoding vs hand raw"
                } else {
                    "syscall, 0 args, Result decoding vs hand raw"
                },
                ours_getpid_ok_only,
                hand_getpid_raw,
                decoding_budget,
                1,
            ),
            pair(
                gate("1 arg"),
                ours_getpgid_raw,
                hand_getpgid_raw,
                gate_budget[1],
                1,
            ),
            pair(
                gate("2 args"),
                ours_getpriority_raw,
                hand_getpriority_raw,
                gate_budget[2],
                1,
            ),
            pair(
                gate("3 args"),
                ours_lseek_raw,
                hand_lseek_raw,
                gate_budget[3],
                1,
            ),
            pair(
                gate("4 args"),
                ours_tee_raw,
                hand_tee_raw,
                gate_budget[4],
                1,
            ),
            pair(
                gate("5 args"),
                ours_prctl_raw,
                hand_prctl_raw,
                gate_budget[5],
                1,
            ),
            pair(
                gate("6 args"),
                ours_mmap_raw,
                hand_mmap_raw,
                gate_budget[6],
                1,
            ),
            pair(
                "int 0x80, 0 args, raw",
                ours_int80_getpid,
                hand_int80_getpid,
                0,
                1,
            ),
            pair(
                "int 0x80, 1 arg, raw",
                ours_int80_getpgid,
                hand_int80_getpgid,
                0,
                1,
            ),
            pair(
                "int 0x80, 2 args, raw",
                ours_int80_getpriority,
                hand_int80_getpriority,
                0,
                1,
            ),
            pair(
                "int 0x80, 3 args, raw",
                ours_int80_lseek,
                hand_int80_lseek,
                0,
                1,
            ),
            pair(
                "int 0x80, 4 args, raw",
                ours_int80_tee,
                hand_int80_tee,
                0,
                1,
            ),
            pair(
                "int 0x80, 5 args, raw",
                ours_int80_prctl,
                hand_int80_prctl,
                0,
                1,
            ),
            pair(
                "int 0x80, 6 args, raw",
                ours_int80_mmap,
                hand_int80_mmap,
                0,
                1,
            ),
            pair(
                "vDSO clock_gettime vs cached pointer",
                ours_vdso,
                hand_vdso,
                2,
                0,
            ),
        ];
        // getrandom through the vDSO. Each probe runs in a forked child, whose copy of the
        // state the kernel wiped (MADV_WIPEONFORK): the vDSO reseeds it with one getrandom
        // system call, on both sides alike. Measured +14: the resolved-once test (4), the
        // thread cache's load, test, take and put back (5), the state kept across the call in
        // a callee-saved register (push/pop, 5).
        #[cfg(target_arch = "x86_64")]
        if syscall_bench::getrandom::direct::setup() {
            v.push(Pair {
                what: "vDSO getrandom 16 B vs direct call, pre-allocated state",
                ours: ours_getrandom,
                reference: hand_getrandom,
                budget: Some(16),
                entries: 1,
                vdso: true,
            });
        }
        v.push(Pair {
            what: "libc syscall() vs hand raw (reference)",
            ours: libc_syscall_getpid,
            reference: hand_getpid_raw,
            budget: None,
            entries: 1,
            vdso: false,
        });
        v
    }

    /// What one call of a probe did.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Count {
        /// User-space instructions executed, from the probe's first to its return.
        pub steps: u64,
        /// The number of each system call entered on the way, in order.
        pub syscalls: Vec<i64>,
    }

    /// Counts one call of `f`, in a traced child: the fewest instructions of a few runs (a vDSO
    /// clock read may retry once), and the system calls of a run that entered the kernel most
    /// often (a stub that enters it only sometimes must not hide).
    pub fn count(f: extern "C" fn()) -> Count {
        let runs: Vec<Count> = (0..5).map(|_| count_once(f)).collect();
        let steps = runs.iter().map(|c| c.steps).min().unwrap();
        let syscalls = runs
            .into_iter()
            .map(|c| c.syscalls)
            .max_by_key(|s| s.len())
            .unwrap();
        Count { steps, syscalls }
    }

    /// (instruction pointer, stack pointer, orig_ax as signed) of a stopped child.
    fn regs(pid: libc::pid_t) -> (u64, u64, i64) {
        // SAFETY: the child is stopped under our trace; GETREGS fills the struct.
        let r = unsafe {
            let mut r: libc::user_regs_struct = std::mem::zeroed();
            let rc = libc::ptrace(libc::PTRACE_GETREGS, pid, 0, &mut r as *mut _);
            assert_eq!(rc, 0, "PTRACE_GETREGS: {}", std::io::Error::last_os_error());
            r
        };
        #[cfg(target_arch = "x86_64")]
        return (r.rip, r.rsp, r.orig_rax as i64);
        #[cfg(target_arch = "x86")]
        return (
            u64::from(r.eip as u32),
            u64::from(r.esp as u32),
            i64::from(r.orig_eax),
        );
    }

    fn count_once(f: extern "C" fn()) -> Count {
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
        let mut syscalls = Vec::new();
        loop {
            let (pc, sp, orig) = regs(pid);
            if counting && orig >= 0 {
                // The instruction just stepped entered the kernel through a system-call gate.
                syscalls.push(orig);
            }
            if !counting && pc == entry {
                counting = true;
                // SAFETY: reads the return address at the child's stack top.
                let word = unsafe { libc::ptrace(libc::PTRACE_PEEKDATA, pid, sp as usize, 0) };
                ret_addr = word as usize as u64;
            } else if counting && pc == ret_addr {
                // SAFETY: ends the child.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                    libc::waitpid(pid, &mut status, 0);
                }
                return Count { steps, syscalls };
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
    target_os = "linux",
    any(
        all(target_arch = "x86_64", target_pointer_width = "64"),
        target_arch = "x86"
    )
))]
fn main() {
    // For callgrind (scripts/callgrind-counts.sh): each distinct probe function once (identical
    // probes may have been folded into one), only the `syscall` ones: valgrind cannot run
    // `int 0x80` from 64-bit code and hides the vDSO.
    if std::env::args().any(|a| a == "--run-probes") {
        let mut seen: Vec<usize> = Vec::new();
        for p in counting::pairs()
            .iter()
            .filter(|p| p.what.starts_with("syscall"))
        {
            for f in [p.ours, p.reference] {
                if !seen.contains(&(f as usize)) {
                    seen.push(f as usize);
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
    println!(
        "| probe pair | fast-syscall | reference | extra | budget | kernel entries (ours / reference) |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    let mut failures = Vec::new();
    for p in counting::pairs() {
        let (a, b) = (counting::count(p.ours), counting::count(p.reference));
        let extra = a.steps as i64 - b.steps as i64;
        let budget_text = p.budget.map_or("—".to_string(), |b| b.to_string());
        let entries = |c: &counting::Count| {
            if c.syscalls.is_empty() {
                "none".to_string()
            } else {
                format!("{:?}", c.syscalls)
            }
        };
        println!(
            "| {} | {} | {} | {extra:+} | {budget_text} | {} / {} |",
            p.what,
            a.steps,
            b.steps,
            entries(&a),
            entries(&b)
        );
        let what = p.what;
        if a.steps == 0 || b.steps == 0 {
            failures.push(format!("{what}: a probe executed no instruction"));
        }
        if let Some(budget) = p.budget {
            if extra > budget {
                failures.push(format!("{what}: {extra:+} instructions (budget {budget})"));
            }
            // The vDSO stub must be the vDSO call: not much longer, and not much shorter
            // either (a stub that skipped the vDSO is a few instructions and a system call).
            if p.vdso && extra < -budget {
                failures.push(format!(
                    "{what}: {extra:+} instructions: far fewer than the direct vDSO call, so the \
                     stub did not run the vDSO function"
                ));
            }
        }
        for (side, c) in [("fast-syscall", &a), ("reference", &b)] {
            if c.syscalls.len() != p.entries {
                failures.push(format!(
                    "{what}: the {side} probe entered the kernel {} time(s) (system calls {:?}); \
                     expected {}{}",
                    c.syscalls.len(),
                    c.syscalls,
                    p.entries,
                    if p.entries == 0 && side == "reference" {
                        " (the vDSO itself fell back to the system call: is the clock source \
                         one the vDSO can read? see /sys/devices/system/clocksource)"
                    } else {
                        ""
                    }
                ));
            }
        }
        if p.budget.is_some() && a.syscalls != b.syscalls {
            failures.push(format!(
                "{what}: fast-syscall made system calls {:?}, the reference {:?}",
                a.syscalls, b.syscalls
            ));
        }
    }
    if !failures.is_empty() {
        eprintln!("instruction-count: {} failure(s):", failures.len());
        for f in &failures {
            eprintln!("  {f}");
        }
        if check {
            std::process::exit(1);
        }
    }
}

#[cfg(not(all(
    target_os = "linux",
    any(
        all(target_arch = "x86_64", target_pointer_width = "64"),
        target_arch = "x86"
    )
)))]
fn main() {
    eprintln!("instruction-count runs on x86_64 and i686 Linux only");
}
