//! Per-ABI Linux system-call tables for fast-syscall: the model, lookups by name and number,
//! the project's own tables embedded as static data (feature `embedded`, no dependencies), and
//! a parser and validator of table files whose errors carry `file:line:col` (feature `parse`),
//! and a reader of the system calls a linked binary makes through `#[fast_syscall]` stubs,
//! which also writes OCI seccomp profiles (feature `manifest`, module `manifest`).
//!
//! ```
//! let x86_64 = syscall_table::embedded("x86_64").unwrap();
//! assert_eq!(x86_64.by_name("getpid").unwrap().number, 39);
//! assert_eq!(x86_64.by_number(0).unwrap().name, "read");
//! ```

mod blob;
#[cfg(feature = "embedded")]
mod embedded;
#[cfg(feature = "manifest")]
pub mod manifest;
mod model;
#[cfg(feature = "parse")]
mod parse;
mod rules;
mod write;

pub use blob::{decode as decode_blob, encode as encode_blob};
#[cfg(feature = "embedded")]
pub use embedded::{embedded, embedded_tables};
#[cfg(feature = "manifest")]
pub use manifest::{
    ManifestError, Record, format_text, oci_profile, read_binary_file, read_records,
};
pub use model::{
    Abi, Arg, ArgKind, MAX_ARG_REGS, Mechanism, PairAlignment, PointeeKind, Ret, Syscall, Table,
    UnsafeReason, VdsoSymbol,
};
#[cfg(feature = "parse")]
pub use parse::{TableError, TableErrors, parse_table};
pub use rules::{
    ARCHES, ArchRules, KNOWN_TARGET_ARCHES, MAX_NAME_LEN, VDSO_DROP_INS, VDSO_GETRANDOM, arch_rules,
};
pub use write::{format_number, to_toml};

/// The project's tables as TOML text `(file name, text)`, in a fixed order: copies of
/// `tables/*.toml` that travel inside this crate (`cargo xtask codegen` writes them and CI
/// checks that they are current).
#[cfg(all(feature = "embedded", feature = "parse"))]
pub const EMBEDDED_SOURCES: &[(&str, &str)] = &[
    ("tables/x86_64.toml", include_str!("../tables/x86_64.toml")),
    ("tables/x86.toml", include_str!("../tables/x86.toml")),
    ("tables/x32.toml", include_str!("../tables/x32.toml")),
    (
        "tables/aarch64.toml",
        include_str!("../tables/aarch64.toml"),
    ),
    ("tables/arm.toml", include_str!("../tables/arm.toml")),
    (
        "tables/riscv64.toml",
        include_str!("../tables/riscv64.toml"),
    ),
    (
        "tables/riscv32.toml",
        include_str!("../tables/riscv32.toml"),
    ),
];

/// The largest table file [`read_table_file`] accepts: 16 MiB (Linux's tables are about 130 KB;
/// 16 MiB holds some 50,000 system calls).
pub const MAX_TABLE_BYTES: u64 = 16 << 20;

/// Reads a table file for [`parse_table`], refusing what is not a regular file (a FIFO would
/// block, `/dev/zero` never ends) and files over [`MAX_TABLE_BYTES`], with a message that names
/// the path.
pub fn read_table_file(path: &std::path::Path) -> Result<String, String> {
    let bytes = read_capped(
        path,
        &FileKind {
            noun: "table",
            plural: "tables",
            hint: "give the path of a .toml file",
            limit: MAX_TABLE_BYTES,
            limit_text: "16 MiB",
        },
    )?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "table `{}` is not UTF-8 (byte {} is invalid)",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// What [`read_capped`] reads, for its messages and its limit.
struct FileKind {
    noun: &'static str,
    plural: &'static str,
    hint: &'static str,
    limit: u64,
    limit_text: &'static str,
}

/// Reads a regular file of at most `kind.limit` bytes; the messages name the path.
fn read_capped(path: &std::path::Path, kind: &FileKind) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let shown = path.display();
    let FileKind {
        noun,
        plural,
        hint,
        limit,
        limit_text,
    } = *kind;
    let regular = |meta: &std::fs::Metadata| -> Result<(), String> {
        if !meta.is_file() {
            let what = if meta.is_dir() {
                "a directory"
            } else {
                "not a regular file (a FIFO, socket or device)"
            };
            return Err(format!("{noun} `{shown}` is {what}: {hint}"));
        }
        if meta.len() > limit {
            return Err(format!(
                "{noun} `{shown}` is {} bytes; {plural} are limited to {limit} bytes ({limit_text})",
                meta.len()
            ));
        }
        Ok(())
    };
    let cannot = |e: std::io::Error| format!("cannot read {noun} `{shown}`: {e}");
    // Checked before opening: opening a FIFO for reading blocks until a writer appears.
    regular(&std::fs::metadata(path).map_err(cannot)?)?;
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Checked again on the open file, in case the path changed in between.
    regular(&file.metadata().map_err(cannot)?)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{noun} `{shown}` grew past {limit} bytes ({limit_text}) while it was read"
        ));
    }
    Ok(bytes)
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

/// This crate's README (its crates.io page), compiled and run as doctests.
#[cfg(all(doctest, feature = "embedded", feature = "manifest"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
