//! The main job: what a system call costs on this machine, through every mechanism the target
//! offers, against libc. Prints ns per call (median of repeated runs, with min–max) and the
//! ratio to the fastest.
//!
//! `cargo run --release -p syscall-bench` (under a minute); `-- --long` for longer, steadier runs.

use std::io::Write as _;
use std::time::{Duration, Instant};

use syscall_bench::{Probe, comparison, ns_per_call};

struct Row {
    call: &'static str,
    how: &'static str,
    median: f64,
    min: f64,
    max: f64,
}

fn measure(p: &Probe, runs: usize, per_run: Duration) -> Row {
    // Calibrate the batch so that one run takes about `per_run`.
    let mut n = 16u64;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            (p.run)();
        }
        if t.elapsed() >= per_run / 4 || n >= 1 << 26 {
            let scale = per_run.as_secs_f64() / t.elapsed().as_secs_f64().max(1e-9);
            n = ((n as f64 * scale) as u64).max(16);
            break;
        }
        n *= 4;
    }
    let mut samples: Vec<f64> = (0..runs).map(|_| ns_per_call(p.run, n)).collect();
    samples.sort_by(|a, b| a.total_cmp(b));
    Row {
        call: p.call,
        how: p.how,
        median: samples[samples.len() / 2],
        min: samples[0],
        max: samples[samples.len() - 1],
    }
}

fn cpu() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn main() {
    let long = std::env::args().any(|a| a == "--long");
    if std::env::args().any(|a| a == "-h" || a == "--help") {
        println!(
            "usage: syscall-bench [--long]\n\nMeasures getpid and clock_gettime through every entry mechanism of this target and libc.\n--long: 41 runs of 300 ms per call instead of 21 of 100 ms."
        );
        return;
    }
    let (runs, per_run) = if long {
        (41, Duration::from_millis(300))
    } else {
        (21, Duration::from_millis(100))
    };
    let release = std::env::var("PROFILE")
        .map(|p| p == "release")
        .unwrap_or(!cfg!(debug_assertions));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    println!(
        "fast-syscall: system-call cost on this machine ({}, Linux {}, {} cores, target {}{})",
        cpu(),
        kernel.trim(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::env::consts::ARCH,
        if release {
            ""
        } else {
            ", DEBUG BUILD: use --release"
        }
    );
    let start = Instant::now();
    let probes = comparison();
    let mut rows = Vec::new();
    for (i, p) in probes.iter().enumerate() {
        eprint!(
            "\r\x1b[2Kmeasuring [{}/{}] {} via {} …",
            i + 1,
            probes.len(),
            p.call,
            p.how
        );
        let _ = std::io::stderr().flush();
        rows.push(measure(p, runs, per_run));
    }
    eprint!("\r\x1b[2K");
    let fastest = rows.iter().map(|r| r.median).fold(f64::INFINITY, f64::min);
    println!("\n| call | mechanism | ns/call (median) | min – max | × fastest |");
    println!("|---|---|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {:.1} | {:.1} – {:.1} | {:.1}× |",
            r.call,
            r.how,
            r.median,
            r.min,
            r.max,
            r.median / fastest
        );
    }
    println!(
        "\n{} runs per row, each a batch of calls lasting about {} ms; total {:.1} s.",
        runs,
        per_run.as_millis(),
        start.elapsed().as_secs_f64()
    );
    getrandom_section(runs, per_run);
}

/// getrandom 16 B: fast-syscall's vDSO path against the kernel entry, libc, and the vDSO
/// function called directly with a pre-allocated state (the physical limit, the first row).
fn getrandom_section(runs: usize, per_run: Duration) {
    let probes = syscall_bench::getrandom::comparison();
    let rows: Vec<Row> = probes.iter().map(|p| measure(p, runs, per_run)).collect();
    let base = rows[0].median;
    println!("\n| call | path | ns/call (median) | min – max | × first row |");
    println!("|---|---|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {:.1} | {:.1} – {:.1} | {:.2}× |",
            r.call,
            r.how,
            r.median,
            r.min,
            r.max,
            r.median / base
        );
    }
    let find = |how: &str| {
        rows.iter()
            .find(|r| r.how.starts_with(how))
            .map(|r| r.median)
    };
    if let (Some(ours), Some(kernel)) = (find("fast-syscall default"), find("kernel entry")) {
        println!(
            "\ngetrandom: fast-syscall's default path is {:.1}× faster than the kernel entry and {:.2}× the direct vDSO call.",
            kernel / ours,
            ours / base
        );
    }
}
