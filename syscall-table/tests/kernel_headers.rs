//! Independent cross-check: every `__NR_*` number of Debian's kernel headers (package
//! linux-libc-dev and its `-cross` siblings) equals the number in our tables. Ours may add newer
//! system calls. The headers are read through `gcc -E -dM`, so their own `#if` logic (the
//! generic ABI's `__ARCH_WANT_*` and 32/64-bit choices) decides which names exist.
//!
//! The x86 headers come with the machine's C library; the cross ones are installed by
//! `.ci/run`. Under CI (`CI` set) every header set is required; elsewhere a missing cross set is
//! reported and skipped.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

struct HeaderSet {
    abi: &'static str,
    /// The header to include and the include directory holding it.
    include: &'static str,
    dir: &'static str,
    /// Extra compiler flags (the target's predefined macros that the header tests).
    flags: &'static [&'static str],
    /// Whether this machine always has it (linux-libc-dev for the host).
    always: bool,
}

const SETS: &[HeaderSet] = &[
    HeaderSet {
        abi: "x86_64",
        include: "asm/unistd.h",
        dir: "/usr/include/x86_64-linux-gnu",
        flags: &[],
        always: true,
    },
    HeaderSet {
        abi: "x86",
        include: "asm/unistd.h",
        dir: "/usr/include/x86_64-linux-gnu",
        flags: &["-m32"],
        always: true,
    },
    HeaderSet {
        abi: "x32",
        include: "asm/unistd.h",
        dir: "/usr/include/x86_64-linux-gnu",
        flags: &["-mx32"],
        always: true,
    },
    HeaderSet {
        abi: "aarch64",
        include: "asm/unistd.h",
        dir: "/usr/aarch64-linux-gnu/include",
        flags: &[],
        always: false,
    },
    // The arm header chooses EABI or OABI numbers by the compiler's __ARM_EABI__.
    HeaderSet {
        abi: "arm",
        include: "asm/unistd.h",
        dir: "/usr/arm-linux-gnueabihf/include",
        flags: &["-m32", "-D__ARM_EABI__"],
        always: false,
    },
    HeaderSet {
        abi: "riscv64",
        include: "asm/unistd.h",
        dir: "/usr/riscv64-linux-gnu/include",
        flags: &[],
        always: false,
    },
    // riscv32 has no Debian package; the riscv64 headers in ILP32 mode give its generic numbers.
    HeaderSet {
        abi: "riscv32",
        include: "asm/unistd.h",
        dir: "/usr/riscv64-linux-gnu/include",
        flags: &["-m32"],
        always: false,
    },
];

/// `#define NAME VALUE` lines of the preprocessed header.
fn macros(set: &HeaderSet) -> HashMap<String, String> {
    let mut cmd = Command::new("gcc");
    cmd.args(["-E", "-dM", "-nostdinc", "-x", "c"])
        .args(set.flags)
        .arg("-I")
        .arg(set.dir);
    cmd.arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("gcc runs");
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "#include <{}>", set.include).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "gcc -E failed for {}", set.abi);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("#define ")?;
            let (name, value) = rest.split_once(' ')?;
            Some((name.to_string(), value.trim().to_string()))
        })
        .collect()
}

/// Evaluates `N`, `0xN`, `NAME`, `(A + B)` over the macro set.
fn eval(expr: &str, defs: &HashMap<String, String>, depth: u32) -> Option<u64> {
    assert!(depth < 20, "macro recursion in `{expr}`");
    let e = expr.trim();
    let e = e
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(e)
        .trim();
    if let Some((a, b)) = e.split_once('+') {
        return Some(eval(a, defs, depth + 1)? + eval(b, defs, depth + 1)?);
    }
    if e.starts_with(|c: char| c.is_ascii_digit()) {
        let e = e.trim_end_matches(['U', 'L', 'u', 'l']);
        return match e.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => e.parse().ok(),
        };
    }
    eval(defs.get(e)?, defs, depth + 1)
}

#[test]
fn table_numbers_equal_debian_kernel_headers() {
    let ci = std::env::var_os("CI").is_some();
    let mut report = Vec::new();
    let mut total_mismatches = 0;
    for set in SETS {
        if !Path::new(set.dir).join(set.include).is_file() {
            assert!(
                !(set.always || ci),
                "{}/{} is missing: install linux-libc-dev (and the -cross packages, see .ci/run)",
                set.dir,
                set.include
            );
            report.push(format!(
                "{}: SKIPPED ({}/{} not installed)",
                set.abi, set.dir, set.include
            ));
            continue;
        }
        let table = syscall_table::embedded(set.abi).unwrap();
        let defs = macros(set);
        let mut checked = 0;
        let mut mismatches = Vec::new();
        for (name, value) in &defs {
            let Some(sys) = name.strip_prefix("__NR_") else {
                continue;
            };
            // Not system calls: the count, the bases, and the generic header's helpers.
            if matches!(sys, "syscalls" | "arch_specific_syscall" | "SYSCALL_MASK")
                || sys.starts_with("SYSCALL_BASE")
                || sys.starts_with("OABI_")
                || name.starts_with("__NR3264")
            {
                continue;
            }
            // The one header alias of a table row (arch/arm/include/uapi/asm/unistd.h); see
            // tables/README.md.
            let sys = match (set.abi, sys) {
                ("arm", "sync_file_range2") => "arm_sync_file_range",
                _ => sys,
            };
            let Some(number) = eval(value, &defs, 0) else {
                mismatches.push(format!("{sys}: cannot evaluate `{value}`"));
                continue;
            };
            checked += 1;
            match table.by_name(sys) {
                Some(s) if u64::from(s.number) == number => {}
                Some(s) => mismatches.push(format!("{sys}: header {number}, table {}", s.number)),
                None => mismatches.push(format!("{sys}: header {number}, missing from the table")),
            }
        }
        mismatches.sort();
        total_mismatches += mismatches.len();
        report.push(format!(
            "{}: {checked} header numbers checked, {} mismatches {:?}",
            set.abi,
            mismatches.len(),
            mismatches
        ));
        assert!(
            checked > 250,
            "{}: only {checked} numbers found in the header",
            set.abi
        );
    }
    println!("{}", report.join("\n"));
    assert_eq!(total_mismatches, 0, "\n{}", report.join("\n"));
}
