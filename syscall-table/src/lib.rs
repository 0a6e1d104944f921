//! Per-ABI Linux system-call tables for fast-syscall: the model, a parser and validator whose
//! errors carry `file:line:col`, lookups by name and number, and the project's own tables
//! (`tables/*.toml`) embedded with `include_str!` so that editing one rebuilds every dependent.
//!
//! ```
//! let x86_64 = syscall_table::embedded("x86_64").unwrap();
//! assert_eq!(x86_64.by_name("getpid").unwrap().number, 39);
//! assert_eq!(x86_64.by_number(0).unwrap().name, "read");
//! ```

mod model;
mod parse;
mod write;

#[cfg(feature = "embedded")]
use std::sync::OnceLock;

pub use model::{
    Abi, Arg, ArgKind, MAX_ARG_REGS, Mechanism, PairAlignment, ReturnKind, Syscall, Table,
    VdsoSymbol,
};
pub use parse::{KNOWN_TARGET_ARCHES, TableError, TableErrors, parse_table};
pub use write::to_toml;

/// The project's tables as `(file name, text)`, in a fixed order.
#[cfg(feature = "embedded")]
pub const EMBEDDED_SOURCES: &[(&str, &str)] = &[
    (
        "tables/x86_64.toml",
        include_str!("../../tables/x86_64.toml"),
    ),
    ("tables/x86.toml", include_str!("../../tables/x86.toml")),
    ("tables/x32.toml", include_str!("../../tables/x32.toml")),
    (
        "tables/aarch64.toml",
        include_str!("../../tables/aarch64.toml"),
    ),
    ("tables/arm.toml", include_str!("../../tables/arm.toml")),
    (
        "tables/riscv64.toml",
        include_str!("../../tables/riscv64.toml"),
    ),
    (
        "tables/riscv32.toml",
        include_str!("../../tables/riscv32.toml"),
    ),
];

/// Every embedded table, each parsed once per process on first use.
///
/// # Panics
/// Never for a build of this crate: a test parses every embedded table, so a broken one fails
/// the build's tests rather than reaching users.
#[cfg(feature = "embedded")]
pub fn embedded_tables() -> Vec<&'static Table> {
    (0..EMBEDDED_SOURCES.len()).map(embedded_at).collect()
}

#[cfg(feature = "embedded")]
fn embedded_at(index: usize) -> &'static Table {
    static TABLES: [OnceLock<Table>; 7] = [const { OnceLock::new() }; 7];
    TABLES[index].get_or_init(|| {
        let (file, text) = EMBEDDED_SOURCES[index];
        match parse_table(file, text) {
            Ok(t) => t,
            Err(e) => panic!("embedded table is invalid (run `cargo xtask import`):\n{e}"),
        }
    })
}

/// The embedded table of the ABI named `abi` (`x86_64`, `x86`, `x32`, `aarch64`, `arm`,
/// `riscv64`, `riscv32`), parsed on first use; the others stay unparsed.
#[cfg(feature = "embedded")]
pub fn embedded(abi: &str) -> Option<&'static Table> {
    EMBEDDED_SOURCES
        .iter()
        .position(|(file, _)| {
            file.strip_prefix("tables/")
                .and_then(|f| f.strip_suffix(".toml"))
                == Some(abi)
        })
        .map(embedded_at)
}

/// The system call to use instead of `name` on ABIs that lack it (`open` → `openat`), if any.
pub fn replacement(name: &str) -> Option<&'static str> {
    Some(match name {
        "open" | "creat" => "openat",
        "fork" | "vfork" => "clone",
        "stat" | "lstat" | "stat64" | "lstat64" | "newstat" | "newlstat" => "statx",
        "access" => "faccessat",
        "mkdir" => "mkdirat",
        "mknod" => "mknodat",
        "rmdir" | "unlink" => "unlinkat",
        "link" => "linkat",
        "symlink" => "symlinkat",
        "readlink" => "readlinkat",
        "rename" | "renameat" => "renameat2",
        "chmod" => "fchmodat",
        "chown" | "lchown" => "fchownat",
        "utime" | "utimes" | "futimesat" => "utimensat",
        "pipe" => "pipe2",
        "dup2" => "dup3",
        "poll" => "ppoll",
        "select" | "_newselect" => "pselect6",
        "epoll_create" => "epoll_create1",
        "epoll_wait" => "epoll_pwait",
        "eventfd" => "eventfd2",
        "signalfd" => "signalfd4",
        "inotify_init" => "inotify_init1",
        "getdents" => "getdents64",
        "time" | "gettimeofday" => "clock_gettime",
        "alarm" => "setitimer",
        "pause" => "ppoll",
        "getpgrp" => "getpgid",
        "uselib" | "sysfs" | "ustat" => return None,
        "mmap" => "mmap2",
        "mmap2" => "mmap",
        "fcntl64" => "fcntl",
        "fcntl" => "fcntl64",
        "llseek" | "_llseek" => "lseek",
        "lseek" => "llseek",
        "clock_gettime" => "clock_gettime64",
        "clock_gettime64" => "clock_gettime",
        "fstat" => "fstat64",
        "fstat64" => "fstat",
        "newfstatat" => "fstatat64",
        "fstatat64" => "newfstatat",
        "arch_prctl" => "prctl",
        _ => return None,
    })
}

/// Edit distance with adjacent transpositions (optimal string alignment), for "did you mean"
/// suggestions: `getpdi` is one edit from `getpid`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}
