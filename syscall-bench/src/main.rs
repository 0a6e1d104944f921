//! The main job: what a system call costs on this machine, through every mechanism the target
//! offers, against libc; then getrandom through the vDSO against the kernel entry, libc, rustix
//! and the `getrandom` crate. Prints ns per call (median of repeated runs, with min–max) and
//! the ratio to the fastest, as Markdown tables or, with `--json`, as one JSON document.
//!
//! `cargo run --release -p syscall-bench` (under a minute); `-- --long` for longer, steadier
//! runs; `-- --json` (or `--format json`) for tools. Progress goes to stderr only when stderr is
//! a terminal, so logs hold no escape codes.

use std::io::{IsTerminal as _, Write as _};
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

const USAGE: &str = "usage: syscall-bench [--long | --quick] [--json | --format json|markdown]

Measures getpid and clock_gettime through every entry mechanism of this target and libc, then
getrandom 16 B through the vDSO, the kernel entry, libc, rustix and the getrandom crate.
--long: 41 runs of 300 ms per call instead of 21 of 100 ms; --quick: 3 of 10 ms (a smoke test).
--json: the results as one JSON document on stdout (no tables).";

/// What the command line asks for.
struct Options {
    long: bool,
    quick: bool,
    json: bool,
}

fn options() -> Result<Option<Options>, String> {
    let mut o = Options {
        long: false,
        quick: false,
        json: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--long" => o.long = true,
            "--quick" => o.quick = true,
            "--json" => o.json = true,
            "--format" => match args.next().as_deref() {
                Some("json") => o.json = true,
                Some("markdown") => o.json = false,
                other => return Err(format!("--format takes json or markdown, not {other:?}")),
            },
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(o))
}

/// Progress on stderr, only when a person watches it (a terminal), erased when done.
struct Progress {
    on: bool,
}

impl Progress {
    fn show(&self, what: std::fmt::Arguments) {
        if self.on {
            eprint!("\r\x1b[2Kmeasuring {what} …");
            let _ = std::io::stderr().flush();
        }
    }
    fn done(&self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}

/// `s` as a JSON string.
fn json_str(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_rows(rows: &[Row], base: f64, key: &str) -> String {
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{{\"call\": {}, \"{key}\": {}, \"median_ns\": {:.2}, \"min_ns\": {:.2}, \"max_ns\": {:.2}, \"ratio\": {:.3}}}",
                json_str(r.call),
                json_str(r.how),
                r.median,
                r.min,
                r.max,
                r.median / base
            )
        })
        .collect();
    format!("[\n    {}\n  ]", items.join(",\n    "))
}

fn main() -> std::process::ExitCode {
    let opts = match options() {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return std::process::ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("syscall-bench: {e}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let (runs, per_run) = if opts.long {
        (41, Duration::from_millis(300))
    } else if opts.quick {
        (3, Duration::from_millis(10))
    } else {
        (21, Duration::from_millis(100))
    };
    let progress = Progress {
        on: std::io::stderr().is_terminal(),
    };
    let release = !cfg!(debug_assertions);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let start = Instant::now();
    let probes = comparison();
    let mut rows = Vec::new();
    for (i, p) in probes.iter().enumerate() {
        progress.show(format_args!(
            "[{}/{}] {} via {}",
            i + 1,
            probes.len(),
            p.call,
            p.how
        ));
        rows.push(measure(p, runs, per_run));
    }
    let random_probes = syscall_bench::getrandom::comparison();
    let mut random = Vec::new();
    for (i, p) in random_probes.iter().enumerate() {
        progress.show(format_args!(
            "[{}/{}] {} via {}",
            i + 1,
            random_probes.len(),
            p.call,
            p.how
        ));
        random.push(measure(p, runs, per_run));
    }
    progress.done();
    let fastest = rows.iter().map(|r| r.median).fold(f64::INFINITY, f64::min);
    let first = random[0].median;
    let find = |how: &str| {
        random
            .iter()
            .find(|r| r.how.starts_with(how))
            .map(|r| r.median)
    };
    let ours = find("fast-syscall default");
    let kernel_entry = find("kernel entry");
    if opts.json {
        println!(
            "{{\n  \"machine\": {{\"cpu\": {}, \"kernel\": {}, \"cores\": {cores}, \"target_arch\": {}, \"release\": {release}}},\n  \"runs\": {runs},\n  \"run_ms\": {},\n  \"mechanisms\": {},\n  \"getrandom\": {},\n  \"seconds\": {:.1}\n}}",
            json_str(&cpu()),
            json_str(kernel.trim()),
            json_str(std::env::consts::ARCH),
            per_run.as_millis(),
            json_rows(&rows, fastest, "mechanism"),
            json_rows(&random, first, "path"),
            start.elapsed().as_secs_f64()
        );
        return std::process::ExitCode::SUCCESS;
    }
    println!(
        "fast-syscall: system-call cost on this machine ({}, Linux {}, {cores} cores, target {}{})",
        cpu(),
        kernel.trim(),
        std::env::consts::ARCH,
        if release {
            ""
        } else {
            ", DEBUG BUILD: use --release"
        }
    );
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
    println!("\n| call | path | ns/call (median) | min – max | × first row |");
    println!("|---|---|---:|---:|---:|");
    for r in &random {
        println!(
            "| {} | {} | {:.1} | {:.1} – {:.1} | {:.2}× |",
            r.call,
            r.how,
            r.median,
            r.min,
            r.max,
            r.median / first
        );
    }
    if let (Some(ours), Some(kernel_entry)) = (ours, kernel_entry) {
        println!(
            "\ngetrandom: fast-syscall's default path is {:.1}× faster than the kernel entry and {:.2}× the direct vDSO call.",
            kernel_entry / ours,
            ours / first
        );
    }
    println!(
        "\n{runs} runs per row, each a batch of calls lasting about {} ms; total {:.1} s.",
        per_run.as_millis(),
        start.elapsed().as_secs_f64()
    );
    std::process::ExitCode::SUCCESS
}
