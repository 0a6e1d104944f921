//! The project's own tables (`tables/*.toml`) as compact blobs written by `cargo xtask codegen`
//! (`src/embedded/<abi>.rs`, checked for staleness in CI; format: [`crate::blob`]), so that a
//! build of `#[fast_syscall]` neither parses TOML nor depends on a TOML parser: a blob becomes a
//! [`Table`] on first use, in microseconds, one ABI at a time.

use std::sync::OnceLock;

use crate::model::Table;

#[path = "embedded/aarch64.rs"]
#[rustfmt::skip]
mod aarch64;
#[path = "embedded/arm.rs"]
#[rustfmt::skip]
mod arm;
#[path = "embedded/riscv32.rs"]
#[rustfmt::skip]
mod riscv32;
#[path = "embedded/riscv64.rs"]
#[rustfmt::skip]
mod riscv64;
#[path = "embedded/x32.rs"]
#[rustfmt::skip]
mod x32;
#[path = "embedded/x86.rs"]
#[rustfmt::skip]
mod x86;
#[path = "embedded/x86_64.rs"]
#[rustfmt::skip]
mod x86_64;

/// The embedded tables as blobs, in the order of `tables/`.
const ALL: [(&str, &[u8]); 7] = [
    ("x86_64", x86_64::BLOB),
    ("x86", x86::BLOB),
    ("x32", x32::BLOB),
    ("aarch64", aarch64::BLOB),
    ("arm", arm::BLOB),
    ("riscv64", riscv64::BLOB),
    ("riscv32", riscv32::BLOB),
];

fn embedded_at(index: usize) -> &'static Table {
    static TABLES: [OnceLock<Table>; 7] = [const { OnceLock::new() }; 7];
    TABLES[index].get_or_init(|| match crate::blob::decode(ALL[index].1) {
        Some(table) => table,
        // A test decodes every blob and compares it with its TOML: a build of this crate
        // never reaches this.
        None => panic!(
            "embedded table {} is corrupt: run `cargo xtask codegen`",
            ALL[index].0
        ),
    })
}

/// Every embedded table, each built once per process on first use.
pub fn embedded_tables() -> Vec<&'static Table> {
    (0..ALL.len()).map(embedded_at).collect()
}

/// The embedded table of the ABI named `abi` (`x86_64`, `x86`, `x32`, `aarch64`, `arm`,
/// `riscv64`, `riscv32`), built on first use; the others stay unbuilt.
pub fn embedded(abi: &str) -> Option<&'static Table> {
    ALL.iter()
        .position(|(name, _)| *name == abi)
        .map(embedded_at)
}
