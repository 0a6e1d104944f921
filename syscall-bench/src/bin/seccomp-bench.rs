//! Seccomp filters of `syscall_rt::seccomp` against `seccompiler` (rust-vmm), for the same
//! allowlists of x86_64 calls (default action: kill the process; allow on match):
//!
//! 1. program length, and BPF instructions executed per call — averaged over the allowed
//!    numbers and over the table's other calls — counted by the interpreter of
//!    `syscall_bench::bpf` (both programs are also checked to decide every number alike);
//! 2. on x86_64, the cost of a call with no filter, under ours and under seccompiler's (300
//!    rules), each in a fresh child process (this binary again, `SECCOMP_BENCH_CHILD` set):
//!    `getpid` (allowed), and a number no kernel has (1000) refused with `EPERM` by both filters
//!    (`ENOSYS` without one) — the median of 5 rounds of 2,000,000 calls, one process per
//!    round, the rounds of the three interleaved.
//!
//! `cargo run --release -p syscall-bench --bin seccomp-bench`

use std::collections::BTreeMap;

use syscall_bench::bpf::{self, Data, Insn};
use syscall_rt::arch::x86_64;
use syscall_rt::seccomp::{Action, Filter, max_len_for};

const SIZES: [usize; 3] = [10, 50, 300];
/// A number no ABI has: refused by the filters, `ENOSYS` without them.
const NO_SUCH_CALL: u32 = 1000;

/// The x86_64 table's numbers, ascending.
fn table() -> Vec<u32> {
    let mut all: Vec<u32> = x86_64::nr::ALL.iter().map(|&(_, nr)| nr).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// The first `n` calls of the table.
fn first(n: usize) -> Vec<u32> {
    table().into_iter().take(n).collect()
}

/// `n` calls spread evenly over the table (every k-th).
fn spread(n: usize) -> Vec<u32> {
    let all = table();
    (0..n).map(|i| all[i * all.len() / n]).collect()
}

fn ours(list: &[u32], default: Action) -> Vec<Insn> {
    let mut f = Filter::new_for(default, x86_64::AUDIT_ARCH, false);
    f.allow_all(list.iter().copied()).expect("within MAX_RULES");
    let mut buf = vec![syscall_rt::seccomp::EMPTY; max_len_for(list.len(), 1)];
    let prog = f.build(&mut buf).expect("sized by max_len_for");
    prog.iter()
        .map(|i| Insn {
            code: i.code,
            jt: i.jt,
            jf: i.jf,
            k: i.k,
        })
        .collect()
}

fn seccompiler_prog(list: &[u32], default: seccompiler::SeccompAction) -> seccompiler::BpfProgram {
    let rules: BTreeMap<i64, Vec<seccompiler::SeccompRule>> =
        list.iter().map(|&nr| (i64::from(nr), vec![])).collect();
    let filter = seccompiler::SeccompFilter::new(
        rules,
        default,
        seccompiler::SeccompAction::Allow,
        seccompiler::TargetArch::x86_64,
    )
    .expect("a valid filter");
    filter.try_into().expect("compiles")
}

fn theirs(list: &[u32]) -> Vec<Insn> {
    seccompiler_prog(list, seccompiler::SeccompAction::KillProcess)
        .iter()
        .map(|i| Insn {
            code: i.code,
            jt: i.jt,
            jf: i.jf,
            k: i.k,
        })
        .collect()
}

/// Steps of one x86_64 call.
fn steps(prog: &[Insn], nr: u32) -> (u32, usize) {
    let out = bpf::run(prog, &Data::call(x86_64::AUDIT_ARCH, nr)).expect("a valid program");
    (out.ret, out.steps)
}

fn average(prog: &[Insn], nrs: &[u32]) -> f64 {
    let total: usize = nrs.iter().map(|&nr| steps(prog, nr).1).sum();
    total as f64 / nrs.len().max(1) as f64
}

fn static_table() {
    println!(
        "| allowlist | rules | length: ours | length: seccompiler | executed, allowed: ours | seccompiler | executed, refused: ours | seccompiler |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let all = table();
    for (kind, pick) in [
        ("first", first as fn(usize) -> Vec<u32>),
        ("spread", spread as fn(usize) -> Vec<u32>),
    ] {
        for n in SIZES {
            let list = pick(n);
            let refused: Vec<u32> = all
                .iter()
                .copied()
                .filter(|nr| !list.contains(nr))
                .collect();
            let (a, b) = (ours(&list, Action::KillProcess), theirs(&list));
            // Both decide every number alike (table calls, gaps, far numbers, x32-biased).
            for nr in (0..600).chain([NO_SUCH_CALL, 0x4000_0000, 0x4000_0027, u32::MAX]) {
                assert_eq!(steps(&a, nr).0, steps(&b, nr).0, "nr {nr}");
            }
            for arch in [0x4000_0003, 0xc000_00b7] {
                let d = Data::call(arch, 39);
                assert_eq!(bpf::run(&a, &d).unwrap().ret, bpf::run(&b, &d).unwrap().ret);
            }
            println!(
                "| {kind} {n} | {n} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                a.len(),
                b.len(),
                average(&a, &list),
                average(&b, &list),
                average(&a, &refused),
                average(&b, &refused),
            );
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
mod timing {
    use super::*;
    use std::hint::black_box;
    use std::time::Instant;

    const EPERM: u16 = 1;
    const ROUNDS: usize = 5;
    const ITERS: u32 = 2_000_000;

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    /// One round in a fresh child process: ns per call.
    fn measure(filter: &str, call: &str) -> Result<Vec<f64>, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let out = std::process::Command::new(exe)
            .env("SECCOMP_BENCH_CHILD", format!("{filter}:{call}"))
            .output()
            .map_err(|e| e.to_string())?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "child {filter}:{call} ended with {:?}: {stdout}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        stdout
            .split_whitespace()
            .map(|w| w.parse::<f64>().map_err(|e| format!("{w}: {e}")))
            .collect()
    }

    fn getpid() -> isize {
        syscall_bench::ours::getpid_raw()
    }

    fn no_such_call() -> usize {
        // SAFETY: a number the kernel does not implement: nothing happens but the error.
        unsafe { syscall_rt::raw::x86_64::syscall0(u64::from(NO_SUCH_CALL)) as usize }
    }

    /// The child: installs the filter asked for, then times the call.
    pub fn child(spec: &str) -> ! {
        let (filter, call) = spec.split_once(':').expect("filter:call");
        // The timing loop needs only `write` and `exit_group` (both among the first 300), and
        // the clock through the vDSO.
        let list = first(300);
        match filter {
            "none" => {}
            "ours" => {
                let mut f = Filter::new(Action::Errno(EPERM));
                f.allow_all(list.iter().copied()).expect("within MAX_RULES");
                // SAFETY: this child makes only the listed calls and the refused number, whose
                // failure it expects.
                unsafe { f.install_unchecked() }.expect("install");
            }
            "seccompiler" => {
                let prog =
                    seccompiler_prog(&list, seccompiler::SeccompAction::Errno(u32::from(EPERM)));
                seccompiler::apply_filter(&prog).expect("install");
            }
            other => panic!("unknown filter {other}"),
        }
        let f: fn() -> usize = match call {
            "getpid" => || getpid() as usize,
            "refused" => no_such_call,
            other => panic!("unknown call {other}"),
        };
        let want = f();
        if filter != "none" && call == "refused" {
            assert_eq!(
                want as isize,
                -isize::from(EPERM as i16),
                "refused by the filter"
            );
        }
        let t = Instant::now();
        for _ in 0..ITERS {
            black_box(f());
        }
        let ns = t.elapsed().as_nanos() as f64 / f64::from(ITERS);
        println!("{ns:.1}");
        std::process::exit(0)
    }

    pub fn table() {
        println!();
        println!(
            "ns per call, median of {ROUNDS} rounds of {ITERS} calls, each round a fresh process (300 rules: the first 300 calls):"
        );
        println!();
        println!("| call | no filter | ours (300 rules) | seccompiler (300 rules) |");
        println!("|---|---:|---:|---:|");
        const FILTERS: [&str; 3] = ["none", "ours", "seccompiler"];
        for (call, label) in [
            ("getpid", "getpid (allowed)"),
            ("refused", "nr 1000 (refused: EPERM; ENOSYS unfiltered)"),
        ] {
            // Rounds interleaved across the three filters, so that a drift of the machine's
            // speed falls on all of them alike; one fresh process per round.
            let mut samples: [Vec<f64>; 3] = Default::default();
            let mut failed = [false; 3];
            for _ in 0..ROUNDS {
                for (i, filter) in FILTERS.iter().enumerate() {
                    match measure(filter, call) {
                        Ok(v) => samples[i].extend(v),
                        Err(e) => {
                            eprintln!("{e}");
                            failed[i] = true;
                        }
                    }
                }
            }
            let cells: Vec<String> = (0..3)
                .map(|i| {
                    if failed[i] || samples[i].is_empty() {
                        "failed".into()
                    } else {
                        format!("{:.1}", median(samples[i].clone()))
                    }
                })
                .collect();
            println!("| {label} | {} | {} | {} |", cells[0], cells[1], cells[2]);
        }
    }
}

fn machine() {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']))
        .unwrap_or("?");
    println!(
        "machine: {model}, {cpus} CPUs, Linux {}, seccompiler 0.5",
        kernel.trim()
    );
    println!();
}

fn main() {
    if let Ok(spec) = std::env::var("SECCOMP_BENCH_CHILD") {
        #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
        timing::child(&spec);
        #[cfg(not(all(target_arch = "x86_64", target_pointer_width = "64")))]
        panic!("timing children run on x86_64 only ({spec})");
    }
    machine();
    println!(
        "BPF program length (instructions) and instructions executed per call (x86_64 numbers; refused: every other call of the table):"
    );
    println!();
    static_table();
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    timing::table();
    #[cfg(not(all(target_arch = "x86_64", target_pointer_width = "64")))]
    println!("\n(timings: x86_64 only)");
}
