//! The macro never panics on any table the checker accepts, nor on any declaration: tables built
//! by mutating the model of an embedded one (registers, kinds, flags, vDSO symbols, mechanisms,
//! architecture), and declarations derived from each row (right and wrong types), are expanded
//! through `table = "…"`; the expansion must return tokens that parse as items.
//!
//! `PROPTEST_CASES=20000 cargo test --release -p syscall-macros fuzz` is a long run.

use proptest::prelude::*;
use syscall_table::{ArgKind, Mechanism, Syscall, Table, UnsafeReason, VdsoSymbol};

/// A change to a table's model.
#[derive(Debug, Clone)]
enum Mutation {
    Regs {
        row: usize,
        arg: usize,
        regs: Vec<u8>,
    },
    Kind {
        row: usize,
        arg: usize,
        kind: usize,
    },
    Ret {
        row: usize,
        kind: usize,
    },
    Noreturn {
        row: usize,
        on: bool,
    },
    Vdso {
        row: usize,
        on: bool,
    },
    Unsafe {
        row: usize,
        reason: Option<usize>,
    },
    Mechanisms {
        set: Vec<usize>,
        default: usize,
    },
    Arch {
        arch: usize,
        width: u32,
        bits: u32,
    },
    DropArgs {
        row: usize,
    },
}

const KINDS: &[&str] = &[
    "i16",
    "u16",
    "i32",
    "u32",
    "i64",
    "u64",
    "ptr_const",
    "ptr_mut",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let row = 0usize..24;
    prop_oneof![
        (row.clone(), 0usize..6, prop::collection::vec(0u8..7, 0..3))
            .prop_map(|(row, arg, regs)| Mutation::Regs { row, arg, regs }),
        (row.clone(), 0usize..6, 0..KINDS.len()).prop_map(|(row, arg, kind)| Mutation::Kind {
            row,
            arg,
            kind
        }),
        (row.clone(), 0..KINDS.len()).prop_map(|(row, kind)| Mutation::Ret { row, kind }),
        (row.clone(), any::<bool>()).prop_map(|(row, on)| Mutation::Noreturn { row, on }),
        (row.clone(), any::<bool>()).prop_map(|(row, on)| Mutation::Vdso { row, on }),
        (row.clone(), prop::option::of(0usize..6))
            .prop_map(|(row, reason)| Mutation::Unsafe { row, reason }),
        (prop::collection::vec(0usize..6, 1..4), 0usize..6)
            .prop_map(|(set, default)| Mutation::Mechanisms { set, default }),
        (
            0usize..6,
            prop_oneof![Just(32u32), Just(64)],
            prop_oneof![Just(32u32), Just(64)]
        )
            .prop_map(|(arch, width, bits)| Mutation::Arch { arch, width, bits }),
        row.prop_map(|row| Mutation::DropArgs { row }),
    ]
}

fn apply(table: &mut Table, m: &Mutation) {
    let n = table.syscalls.len();
    let row = |r: usize| r % n;
    match m {
        Mutation::Regs { row: r, arg, regs } => {
            if let Some(a) = table.syscalls[row(*r)].args.get_mut(*arg) {
                a.regs = regs.clone();
            }
        }
        Mutation::Kind { row: r, arg, kind } => {
            if let Some(a) = table.syscalls[row(*r)].args.get_mut(*arg) {
                a.kind = ArgKind::parse(KINDS[*kind]).unwrap();
            }
        }
        Mutation::Ret { row: r, kind } => {
            table.syscalls[row(*r)].ret.kind = ArgKind::parse(KINDS[*kind]).unwrap();
        }
        Mutation::Noreturn { row: r, on } => table.syscalls[row(*r)].noreturn = *on,
        Mutation::Vdso { row: r, on } => {
            let s = &mut table.syscalls[row(*r)];
            s.vdso = on.then(|| VdsoSymbol {
                symbol: format!("__vdso_{}", s.name),
                version: "LINUX_2.6".into(),
            });
        }
        Mutation::Unsafe { row: r, reason } => {
            table.syscalls[row(*r)].needs_unsafe = reason.map(|i| UnsafeReason::ALL[i]);
        }
        Mutation::Mechanisms { set, default } => {
            let mut ms: Vec<Mechanism> = set.iter().map(|&i| Mechanism::ALL[i]).collect();
            ms.dedup();
            table.abi.mechanisms = ms;
            table.abi.default_mechanism = Mechanism::ALL[*default];
        }
        Mutation::Arch { arch, width, bits } => {
            table.abi.target_arch = syscall_table::KNOWN_TARGET_ARCHES[*arch].to_string();
            table.abi.target_pointer_width = *width;
            table.abi.register_bits = *bits;
        }
        Mutation::DropArgs { row: r } => table.syscalls[row(*r)].args.clear(),
    }
}

/// A declaration of `s`: with the table's types when `right`, else with every type swapped.
fn declaration(s: &Syscall, pointer_width: u32, right: bool) -> String {
    let ty = |k: ArgKind| -> String {
        let k = if right {
            k
        } else {
            match k {
                ArgKind::PtrConst | ArgKind::PtrMut => ArgKind::Int {
                    bits: 32,
                    signed: true,
                },
                _ => ArgKind::PtrConst,
            }
        };
        match k {
            ArgKind::PtrConst => "*const u8".into(),
            ArgKind::PtrMut => "*mut u8".into(),
            ArgKind::Int { bits, signed } if u32::from(bits) == pointer_width => {
                (if signed { "isize" } else { "usize" }).into()
            }
            ArgKind::Int { bits, signed } => format!("{}{bits}", if signed { 'i' } else { 'u' }),
        }
    };
    let params: Vec<String> = s
        .args
        .iter()
        .enumerate()
        .map(|(i, a)| format!("p{i}: {}", ty(a.kind)))
        .collect();
    let ret = if s.noreturn {
        "!".to_string()
    } else if right {
        "Result<i64, Errno>".to_string()
    } else {
        "u8".to_string()
    };
    format!("unsafe fn f({}) -> {ret};", params.join(", "))
}

/// Expands declarations of the rows named `only` (all rows when `None`) against `table`, when the
/// checker accepts it.
fn check(table: &Table, seed: u32, only: Option<&str>) {
    let text = syscall_table::to_toml(table, "");
    // Only tables the checker accepts: those are the ones the macro must expand.
    let Ok(parsed) = syscall_table::parse_table("fuzz.toml", &text) else {
        return;
    };
    let path = std::env::temp_dir().join(format!(
        "fast-syscall-macro-fuzz-{}-{seed}.toml",
        std::process::id()
    ));
    std::fs::write(&path, &text).unwrap();
    let rows = parsed
        .syscalls
        .iter()
        .filter(|s| only.is_none_or(|name| s.name == name));
    for s in rows {
        for (via, right) in [("", true), ("", false), (r#", via = "vdso""#, true)] {
            let args = format!(
                r#"name = "{}", table = "{}", abi = "{}"{via}"#,
                s.name,
                path.display(),
                parsed.abi.name
            );
            let decl = declaration(s, parsed.abi.target_pointer_width, right);
            let out = std::panic::catch_unwind(|| {
                crate::expand::fast_syscall(args.parse().unwrap(), decl.parse().unwrap())
            })
            .unwrap_or_else(|_| panic!("the macro panicked on `{decl}` with\n{text}"));
            syn::parse2::<syn::File>(out.clone())
                .unwrap_or_else(|e| panic!("unparsable expansion ({e}) of `{decl}`:\n{out}"));
            // Every primitive the expansion names exists: a kernel entry, never the vDSO.
            let out = out.to_string();
            assert!(
                !out.contains("vdso_has_no_primitive"),
                "`{decl}` expanded to a primitive that does not exist, with\n{text}"
            );
        }
    }
    let _ = std::fs::remove_file(path);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_macro_never_panics_on_an_accepted_table(
        abi in 0usize..7,
        mutations in prop::collection::vec(mutation(), 0..6),
        seed in any::<u32>(),
    ) {
        // A few ordinary rows, and every row with a vDSO symbol or no return.
        let mut table = syscall_table::embedded_tables()[abi].clone();
        let mut index = 0;
        table.syscalls.retain(|s| {
            index += 1;
            index <= 12 || s.vdso.is_some() || s.noreturn
        });
        for m in &mutations {
            apply(&mut table, m);
        }
        check(&table, seed, None);
    }
}

/// Every combination of the flags the expansion depends on, on every row that has a vDSO symbol
/// or no return and on a few ordinary ones, for every embedded table: the small space where the
/// macro once panicked ("entered unreachable code") or exited with status 0, searched whole.
#[test]
fn the_macro_never_panics_on_any_combination_of_flags() {
    for (abi, full) in syscall_table::embedded_tables().into_iter().enumerate() {
        let mut base = full.clone();
        let mut index = 0;
        base.syscalls.retain(|s| {
            index += 1;
            index <= 4 || s.vdso.is_some() || s.noreturn
        });
        for row in 0..base.syscalls.len() {
            for combo in 0..16u32 {
                let mut table = base.clone();
                let s = &mut table.syscalls[row];
                s.noreturn = combo & 1 != 0;
                if combo & 2 != 0 && s.vdso.is_none() {
                    s.vdso = Some(VdsoSymbol {
                        symbol: format!("__vdso_{}", s.name),
                        version: "LINUX_2.6".into(),
                    });
                } else if combo & 2 == 0 {
                    s.vdso = None;
                }
                if combo & 4 != 0 {
                    for a in &mut s.args {
                        a.regs = a.regs.iter().map(|r| r + 1).collect();
                    }
                }
                if combo & 8 != 0 {
                    s.args.truncate(1);
                }
                let name = s.name.clone();
                check(
                    &table,
                    abi as u32 * 100_000 + row as u32 * 16 + combo,
                    Some(&name),
                );
            }
        }
    }
}
