//! `cargo xtask build-cost`: what `#[fast_syscall]` costs at compile time.
//!
//! Writes two crates under `target/build-cost/`, each with one function per implemented x86_64
//! system call (the same signatures as `syscall_rt::sys`):
//! - `decls`: `#[fast_syscall]` declarations (depends on `syscall-rt`);
//! - `handwritten`: the same functions as plain `asm!` blocks with the `Result` decoding, which
//!   is what a careful person would write by hand (no dependencies).
//!
//! Then builds each twice with its dependencies already built: clean (the crate's own
//! artifacts removed) and incremental (one file touched), `--runs` times, and prints the
//! medians and the ratio. Also times a clean `cargo build -p syscall-rt` from nothing.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use syscall_table::{ArgKind, Table};

use crate::codegen;

pub fn run(root: &Path, runs: usize) -> Result<(), String> {
    let tables = codegen::read_tables(root)?;
    let (table, _) = tables
        .iter()
        .find(|(t, _)| t.abi.name == "x86_64")
        .ok_or("no x86_64 table")?;
    let base = root.join("target/build-cost");
    let decls = base.join("decls");
    let hand = base.join("handwritten");
    write_crate(&decls, "decls", &decls_source(root)?, Some(root))?;
    write_crate(&hand, "handwritten", &handwritten_source(table), None)?;
    let n = table.syscalls.iter().filter(|s| s.entry.is_some()).count();
    println!(
        "build cost of {n} x86_64 system-call functions (median of {runs} runs, dependencies prebuilt)"
    );

    let mut rows = Vec::new();
    for (name, dir) in [
        ("#[fast_syscall] declarations", &decls),
        ("hand-written asm!", &hand),
    ] {
        let target = base.join(format!(
            "target-{}",
            dir.file_name().unwrap().to_string_lossy()
        ));
        cargo(dir, &target, &["build", "--quiet"])?; // dependencies
        let mut clean = Vec::new();
        let mut incremental = Vec::new();
        for _ in 0..runs {
            cargo(
                dir,
                &target,
                &[
                    "clean",
                    "--quiet",
                    "-p",
                    dir.file_name().unwrap().to_str().unwrap(),
                ],
            )?;
            clean.push(timed(dir, &target)?);
            touch(&dir.join("src/lib.rs"))?;
            incremental.push(timed(dir, &target)?);
        }
        rows.push((name, median(&mut clean), median(&mut incremental)));
    }
    println!("| crate | clean build | incremental (touch) |");
    println!("|---|---|---|");
    for (name, c, i) in &rows {
        println!(
            "| {name} | {:.2} s | {:.2} s |",
            c.as_secs_f64(),
            i.as_secs_f64()
        );
    }
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!(
        "ratio macro / hand-written: clean {:.2}x, incremental {:.2}x",
        ratio(rows[0].1, rows[1].1),
        ratio(rows[0].2, rows[1].2)
    );

    // syscall-rt itself, from nothing (syn, toml, the tables, the macro, the generated API).
    let fresh = base.join("target-fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    let start = Instant::now();
    cargo(root, &fresh, &["build", "--quiet", "-p", "syscall-rt"])?;
    let all = start.elapsed();
    touch(&root.join("syscall-rt/src/lib.rs"))?;
    let start = Instant::now();
    cargo(root, &fresh, &["build", "--quiet", "-p", "syscall-rt"])?;
    println!(
        "cargo build -p syscall-rt (full generated API): clean from nothing {:.1} s, incremental {:.2} s",
        all.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn touch(path: &Path) -> Result<(), String> {
    let text = std::fs::read(path).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| e.to_string())
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| e.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("cargo {args:?} failed in {}", dir.display()))
}

fn timed(dir: &Path, target: &Path) -> Result<Duration, String> {
    let start = Instant::now();
    cargo(dir, target, &["build", "--quiet"])?;
    Ok(start.elapsed())
}

fn write_crate(dir: &Path, name: &str, lib: &str, rt: Option<&Path>) -> Result<(), String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let deps = match rt {
        Some(root) => format!(
            "syscall-rt = {{ path = \"{}\" }}\n",
            root.join("syscall-rt").display()
        ),
        None => String::new(),
    };
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{deps}\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), lib).map_err(|e| e.to_string())?;
    if let Some(root) = rt {
        // Same dependency versions as the workspace.
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The generated `sys` module of x86_64, as a crate of its own.
fn decls_source(root: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join("syscall-rt/src/sys/x86_64.rs"))
        .map_err(|e| e.to_string())?;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("//!") && !l.starts_with("#![") && !l.starts_with("use crate::"))
        .map(|l| format!("{l}\n"))
        .collect();
    Ok(format!(
        "#![allow(missing_docs, clippy::all)]\nuse syscall_rt::{{Errno, fast_syscall}};\n{body}"
    ))
}

/// The same functions, written as plain `asm!`.
fn handwritten_source(table: &Table) -> String {
    let mut out = String::from(
        "#![allow(missing_docs, clippy::all, unused_unsafe)]\n#![no_std]\nuse core::ffi::c_void;\n\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub struct Errno(pub i32);\n",
    );
    let regs = ["rdi", "rsi", "rdx", "r10", "r8", "r9"];
    for s in table.syscalls.iter().filter(|s| s.entry.is_some()) {
        let params: Vec<String> = s
            .args
            .iter()
            .map(|a| format!("{}: {}", codegen::ident(&a.name), codegen::rust_type(a, 64)))
            .collect();
        let inputs: String = s
            .args
            .iter()
            .zip(regs)
            .map(|(a, r)| {
                let v = codegen::ident(&a.name);
                match a.kind {
                    ArgKind::PtrConst | ArgKind::PtrMut => {
                        format!("in(\"{r}\") {v} as usize as u64, ")
                    }
                    ArgKind::Int { .. } => format!("in(\"{r}\") {v} as u64, "),
                }
            })
            .collect();
        let unsafety = if s.requires_unsafe() { "unsafe " } else { "" };
        if s.noreturn {
            let _ = writeln!(
                out,
                "#[inline]\npub {unsafety}fn {}({}) -> ! {{\n    unsafe {{ core::arch::asm!(\"syscall\", \"ud2\", in(\"rax\") {}u64, {inputs}options(nostack, noreturn)) }}\n}}",
                codegen::ident(&s.name),
                params.join(", "),
                s.number
            );
            continue;
        }
        let _ = writeln!(
            out,
            "#[inline]\npub {unsafety}fn {}({}) -> Result<usize, Errno> {{\n    let ret: u64;\n    \
             unsafe {{ core::arch::asm!(\"syscall\", inlateout(\"rax\") {}u64 => ret, {inputs}lateout(\"rcx\") _, lateout(\"r11\") _, options(nostack, preserves_flags)) }}\n    \
             if ret > -4096i64 as u64 {{ Err(Errno((ret as i64).wrapping_neg() as i32)) }} else {{ Ok(ret as usize) }}\n}}",
            codegen::ident(&s.name),
            params.join(", "),
            s.number
        );
    }
    out
}
