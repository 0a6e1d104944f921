//! The project's own tables (`tables/*.toml`) compiled into static data by
//! `cargo xtask codegen` (`src/embedded/<abi>.rs`, checked for staleness in CI), so that a
//! build of `#[fast_syscall]` neither parses TOML nor depends on a TOML parser: the data is
//! turned into a [`Table`] on first use, in microseconds, one ABI at a time.

use std::sync::OnceLock;

use crate::model::{
    Abi, Arg, ArgKind, Mechanism, PairAlignment, Ret, Syscall, Table, UnsafeReason, VdsoSymbol,
};

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

/// One ABI's table as static data (the generated files build these).
pub struct StaticTable {
    pub(crate) abi: StaticAbi,
    pub(crate) syscalls: &'static [StaticSyscall],
}

pub(crate) struct StaticAbi {
    pub(crate) name: &'static str,
    pub(crate) target_arch: &'static str,
    pub(crate) target_pointer_width: u32,
    pub(crate) register_bits: u32,
    pub(crate) kernel: &'static str,
    pub(crate) tags: &'static [&'static str],
    pub(crate) number_min: u32,
    pub(crate) number_max: u32,
    pub(crate) pair_alignment: PairAlignment,
    pub(crate) mechanisms: &'static [Mechanism],
    pub(crate) default_mechanism: Mechanism,
}

pub(crate) struct StaticSyscall {
    pub(crate) name: &'static str,
    pub(crate) number: u32,
    pub(crate) entry: Option<&'static str>,
    pub(crate) args: &'static [StaticArg],
    pub(crate) ret: (&'static str, ArgKind),
    pub(crate) noreturn: bool,
    pub(crate) needs_unsafe: Option<UnsafeReason>,
    pub(crate) vdso: Option<(&'static str, &'static str)>,
}

pub(crate) struct StaticArg {
    pub(crate) name: &'static str,
    pub(crate) c_type: &'static str,
    pub(crate) kind: ArgKind,
    pub(crate) regs: &'static [u8],
    pub(crate) pointee: Option<&'static str>,
    pub(crate) aligned: bool,
}

/// Shorthands of the generated files.
pub(crate) mod short {
    pub(crate) use super::{StaticAbi, StaticArg as A, StaticSyscall as S, StaticTable};
    pub(crate) use crate::model::ArgKind::{PtrConst as PC, PtrMut as PM};
    pub(crate) use crate::model::{ArgKind, Mechanism, PairAlignment, UnsafeReason};

    /// An integer kind.
    pub(crate) const fn int(bits: u8, signed: bool) -> ArgKind {
        ArgKind::Int { bits, signed }
    }
}

/// The embedded tables, in the order of `tables/`.
const ALL: [&StaticTable; 7] = [
    &x86_64::TABLE,
    &x86::TABLE,
    &x32::TABLE,
    &aarch64::TABLE,
    &arm::TABLE,
    &riscv64::TABLE,
    &riscv32::TABLE,
];

impl StaticTable {
    fn to_table(&self) -> Table {
        let a = &self.abi;
        let abi = Abi {
            name: a.name.to_string(),
            target_arch: a.target_arch.to_string(),
            target_pointer_width: a.target_pointer_width,
            register_bits: a.register_bits,
            kernel: a.kernel.to_string(),
            tags: a.tags.iter().map(|t| t.to_string()).collect(),
            number_min: a.number_min,
            number_max: a.number_max,
            pair_alignment: a.pair_alignment,
            mechanisms: a.mechanisms.to_vec(),
            default_mechanism: a.default_mechanism,
        };
        let syscalls = self
            .syscalls
            .iter()
            .map(|s| Syscall {
                name: s.name.to_string(),
                number: s.number,
                entry: s.entry.map(str::to_string),
                args: s
                    .args
                    .iter()
                    .map(|a| Arg {
                        name: a.name.to_string(),
                        c_type: a.c_type.to_string(),
                        kind: a.kind,
                        regs: a.regs.to_vec(),
                        pointee: a.pointee.map(str::to_string),
                        aligned: a.aligned,
                    })
                    .collect(),
                ret: Ret {
                    c_type: s.ret.0.to_string(),
                    kind: s.ret.1,
                },
                noreturn: s.noreturn,
                needs_unsafe: s.needs_unsafe,
                vdso: s.vdso.map(|(symbol, version)| VdsoSymbol {
                    symbol: symbol.to_string(),
                    version: version.to_string(),
                }),
            })
            .collect();
        Table::new(abi, syscalls)
    }
}

fn embedded_at(index: usize) -> &'static Table {
    static TABLES: [OnceLock<Table>; 7] = [const { OnceLock::new() }; 7];
    TABLES[index].get_or_init(|| ALL[index].to_table())
}

/// Every embedded table, each built once per process on first use.
pub fn embedded_tables() -> Vec<&'static Table> {
    (0..ALL.len()).map(embedded_at).collect()
}

/// The embedded table of the ABI named `abi` (`x86_64`, `x86`, `x32`, `aarch64`, `arm`,
/// `riscv64`, `riscv32`), built on first use; the others stay unbuilt.
pub fn embedded(abi: &str) -> Option<&'static Table> {
    ALL.iter().position(|t| t.abi.name == abi).map(embedded_at)
}
