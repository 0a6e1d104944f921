//! `cargo xtask import`: kernel `.tbl` files + signatures.tsv + vdso.tsv + overrides → `tables/*.toml`.
//!
//! Every choice the kernel makes per ABI is spelled out in [`ABIS`]; everything the kernel files do
//! not state is in `xtask/overrides.toml`. The output is sorted by number and formatted by
//! `syscall_table::to_toml`, so two runs are byte-identical.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use syscall_table::{
    Abi, Arg, ArgKind, MAX_ARG_REGS, Mechanism, PairAlignment, Ret, Syscall, Table, UnsafeReason,
    VdsoSymbol,
};

/// Where the rows of one ABI come from and how it passes arguments.
struct AbiSpec {
    name: &'static str,
    target_arch: &'static str,
    pointer_width: u32,
    register_bits: u32,
    /// The `.tbl` file, relative to the kernel root (generic ABIs: see `makefile`).
    tbl: &'static str,
    /// The ABI tags selected from it (generic ABIs add those of `makefile`).
    tags: &'static [&'static str],
    /// `arch/*/kernel/Makefile.syscalls` and the variable naming extra tags, for generic ABIs.
    makefile: Option<(&'static str, &'static str)>,
    /// Added to every number (x32's `__X32_SYSCALL_BIT`).
    number_bias: u32,
    pair_alignment: PairAlignment,
    mechanisms: &'static [Mechanism],
    default_mechanism: Mechanism,
    /// The `arch` column of vdso.tsv, if this ABI has a vDSO.
    vdso_arch: Option<&'static str>,
    /// Width of the kernel's `long` for the entry points this ABI calls (`BITS_PER_LONG`;
    /// also `off_t` and `aio_context_t`, which are `__kernel_long_t`-based).
    long_bits: u8,
    /// Width of user space's C `long`, `unsigned long` and `size_t`: on x32 these are 32 bits,
    /// passed zero- or sign-extended in 64-bit registers, while the kernel reads 64.
    c_long_bits: u8,
}

const X32_SYSCALL_BIT: u32 = 0x4000_0000;
/// Numbers above `bias + NUMBER_SPAN` are refused by the validator (no table comes close).
const NUMBER_SPAN: u32 = 1023;

const ABIS: &[AbiSpec] = &[
    AbiSpec {
        name: "x86_64",
        target_arch: "x86_64",
        pointer_width: 64,
        register_bits: 64,
        tbl: "arch/x86/entry/syscalls/syscall_64.tbl",
        tags: &["common", "64"],
        makefile: None,
        number_bias: 0,
        pair_alignment: PairAlignment::Any,
        mechanisms: &[Mechanism::Syscall, Mechanism::Int80, Mechanism::Vdso],
        default_mechanism: Mechanism::Syscall,
        vdso_arch: Some("x86_64"),
        long_bits: 64,
        c_long_bits: 64,
    },
    AbiSpec {
        name: "x86",
        target_arch: "x86",
        pointer_width: 32,
        register_bits: 32,
        tbl: "arch/x86/entry/syscalls/syscall_32.tbl",
        tags: &["i386"],
        makefile: None,
        number_bias: 0,
        pair_alignment: PairAlignment::Any,
        mechanisms: &[Mechanism::Sysenter, Mechanism::Int80, Mechanism::Vdso],
        default_mechanism: Mechanism::Sysenter,
        vdso_arch: Some("i386"),
        long_bits: 32,
        c_long_bits: 32,
    },
    AbiSpec {
        name: "x32",
        target_arch: "x86_64",
        pointer_width: 32,
        register_bits: 64,
        tbl: "arch/x86/entry/syscalls/syscall_64.tbl",
        tags: &["common", "x32"],
        makefile: None,
        number_bias: X32_SYSCALL_BIT,
        pair_alignment: PairAlignment::Any,
        mechanisms: &[Mechanism::Syscall, Mechanism::Vdso],
        default_mechanism: Mechanism::Syscall,
        vdso_arch: Some("x32"),
        long_bits: 64,
        c_long_bits: 32,
    },
    AbiSpec {
        name: "aarch64",
        target_arch: "aarch64",
        pointer_width: 64,
        register_bits: 64,
        tbl: "scripts/syscall.tbl",
        tags: &["common", "64"],
        makefile: Some(("arch/arm64/kernel/Makefile.syscalls", "syscall_abis_64")),
        number_bias: 0,
        pair_alignment: PairAlignment::Any,
        mechanisms: &[Mechanism::Svc, Mechanism::Vdso],
        default_mechanism: Mechanism::Svc,
        vdso_arch: Some("aarch64"),
        long_bits: 64,
        c_long_bits: 64,
    },
    AbiSpec {
        name: "arm",
        target_arch: "arm",
        pointer_width: 32,
        register_bits: 32,
        tbl: "arch/arm/tools/syscall.tbl",
        tags: &["common", "eabi"],
        makefile: None,
        number_bias: 0,
        pair_alignment: PairAlignment::Even,
        mechanisms: &[Mechanism::Svc, Mechanism::Vdso],
        default_mechanism: Mechanism::Svc,
        vdso_arch: Some("arm"),
        long_bits: 32,
        c_long_bits: 32,
    },
    AbiSpec {
        name: "riscv64",
        target_arch: "riscv64",
        pointer_width: 64,
        register_bits: 64,
        tbl: "scripts/syscall.tbl",
        tags: &["common", "64"],
        makefile: Some(("arch/riscv/kernel/Makefile.syscalls", "syscall_abis_64")),
        number_bias: 0,
        pair_alignment: PairAlignment::Any,
        mechanisms: &[Mechanism::Ecall, Mechanism::Vdso],
        default_mechanism: Mechanism::Ecall,
        vdso_arch: Some("riscv64"),
        long_bits: 64,
        c_long_bits: 64,
    },
    AbiSpec {
        name: "riscv32",
        target_arch: "riscv32",
        pointer_width: 32,
        register_bits: 32,
        tbl: "scripts/syscall.tbl",
        tags: &["common", "32"],
        makefile: Some(("arch/riscv/kernel/Makefile.syscalls", "syscall_abis_32")),
        number_bias: 0,
        pair_alignment: PairAlignment::Any,
        mechanisms: &[Mechanism::Ecall],
        default_mechanism: Mechanism::Ecall,
        vdso_arch: None,
        long_bits: 32,
        c_long_bits: 32,
    },
];

/// Where the import reads from and writes to.
pub struct Inputs {
    /// Kernel source root (holds `arch/` and `scripts/`).
    pub kernel: PathBuf,
    /// signatures.tsv.
    pub signatures: PathBuf,
    /// vdso.tsv.
    pub vdso: PathBuf,
    /// The hand-kept overrides.
    pub overrides: PathBuf,
    /// The output folder.
    pub out: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    config: BTreeMap<String, Vec<String>>,
    flags: Flags,
    /// Reason (`UnsafeReason` spelling) → calls.
    #[serde(rename = "unsafe")]
    unsafe_calls: BTreeMap<String, Vec<String>>,
    /// C return type → system-call names or entry points.
    returns: BTreeMap<String, Vec<String>>,
    entry: Vec<EntryOverride>,
    names: Vec<NamesOverride>,
    readonly: Vec<ReadonlyOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadonlyOverride {
    prototype: String,
    params: Vec<String>,
    /// The kernel function(s) that show the kernel only reads through these pointers. Not used
    /// by the import, but required: an entry without its proof is refused.
    #[allow(dead_code)]
    proof: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamesOverride {
    prototype: String,
    #[serde(default)]
    cond: String,
    names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Flags {
    noreturn: Vec<String>,
}

impl Overrides {
    /// Why `name` needs `unsafe` without pointer arguments, from `[unsafe]`.
    fn unsafe_reason(&self, name: &str) -> Result<Option<UnsafeReason>, String> {
        let mut found = None;
        for (reason, calls) in &self.unsafe_calls {
            let reason = UnsafeReason::parse(reason)
                .ok_or_else(|| format!("overrides: [unsafe] has an unknown reason `{reason}`"))?;
            if calls.iter().any(|c| c == name) {
                if found.is_some() {
                    return Err(format!("overrides: [unsafe] lists `{name}` twice"));
                }
                found = Some(reason);
            }
        }
        Ok(found)
    }

    /// The C return type of a call, from `[returns]` (by entry point first, then by name);
    /// `int` when it is listed nowhere.
    fn return_type(&self, name: &str, entry: Option<&str>) -> &str {
        let listed = |key: &str| {
            self.returns
                .iter()
                .find(|(_, calls)| calls.iter().any(|c| c == key))
                .map(|(ty, _)| ty.as_str())
        };
        entry
            .and_then(listed)
            .or_else(|| listed(name))
            .unwrap_or("int")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryOverride {
    abis: Vec<String>,
    entry: String,
    args: String,
    #[allow(dead_code)]
    source: String,
}

/// One prototype of signatures.tsv.
struct Signature {
    args: String,
    cond: String,
}

/// One row of a `.tbl` file.
struct TblRow {
    line: usize,
    number: u32,
    abi: String,
    name: String,
    entry: Option<String>,
    noreturn: bool,
}

struct VdsoRow {
    arch: String,
    symbol: String,
    version: String,
    syscall: String,
    nr: String,
    note: String,
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Renders every table. Returns `(file name, text)` pairs in a fixed order.
pub fn render(inputs: &Inputs) -> Result<Vec<(String, String)>, String> {
    let overrides_text = read(&inputs.overrides)?;
    let overrides: Overrides = toml::from_str(&overrides_text)
        .map_err(|e| format!("{}: {e}", inputs.overrides.display()))?;
    let signatures = read_signatures(&inputs.signatures)?;
    let vdso = read_vdso(&inputs.vdso)?;
    let mut out = Vec::new();
    let mut tables = Vec::new();
    let mut readonly_used = vec![false; overrides.readonly.len()];
    for spec in ABIS {
        let table = build(
            spec,
            inputs,
            &overrides,
            &signatures,
            &vdso,
            &mut readonly_used,
        )?;
        let header = format!(
            "# @generated by `cargo xtask import` — do not edit by hand.\n\
             # Linux v7.0 {} table ({}, ABI tags {}); arguments from include/linux/syscalls.h\n\
             # (signatures.tsv) and xtask/overrides.toml; vDSO symbols from vdso.tsv.\n\
             # Schema: tables/README.md.\n\n",
            spec.name,
            spec.tbl,
            table.abi.tags.join(",")
        );
        let text = syscall_table::to_toml(&table, &header);
        // The output must pass the validator users run on their own tables.
        let file = format!("{}.toml", spec.name);
        syscall_table::parse_table(&file, &text)
            .map_err(|e| format!("import produced an invalid table:\n{e}"))?;
        out.push((file, text));
        tables.push(table);
    }
    check_names_exist(&overrides, &tables)?;
    check_readonly_used(&overrides, &readonly_used)?;
    Ok(out)
}

/// Every `[[readonly]]` entry applies to some entry point of some table, and says why: a typo in
/// its prototype name would otherwise leave the pointers `ptr_mut` without a word.
fn check_readonly_used(overrides: &Overrides, used: &[bool]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for (ro, used) in overrides.readonly.iter().zip(used) {
        if !seen.insert(ro.prototype.as_str()) {
            return Err(format!(
                "overrides: [[readonly]] `{}` is listed twice; give all its parameters in one entry",
                ro.prototype
            ));
        }
        if !used {
            return Err(format!(
                "overrides: [[readonly]] `{}` is the prototype of no entry point in any table",
                ro.prototype
            ));
        }
        if ro.proof.trim().is_empty() || ro.params.is_empty() {
            return Err(format!(
                "overrides: [[readonly]] `{}` needs `params` and the kernel function that proves them (`proof`)",
                ro.prototype
            ));
        }
    }
    Ok(())
}

/// Every call `[unsafe]` and `[returns]` name is a row (or entry point) of some table: a typo
/// there would silently leave a call safe or narrow.
fn check_names_exist(overrides: &Overrides, tables: &[Table]) -> Result<(), String> {
    let known = |key: &str| {
        tables.iter().any(|t| {
            t.syscalls
                .iter()
                .any(|s| s.name == key || s.entry.as_deref() == Some(key))
        })
    };
    let lists = overrides
        .unsafe_calls
        .iter()
        .map(|(k, v)| ("unsafe", k, v))
        .chain(overrides.returns.iter().map(|(k, v)| ("returns", k, v)));
    for (section, key, calls) in lists {
        if let Some(missing) = calls.iter().find(|c| !known(c)) {
            return Err(format!(
                "overrides: [{section}] `{key}` names `{missing}`, which no table has"
            ));
        }
    }
    Ok(())
}

fn build(
    spec: &AbiSpec,
    inputs: &Inputs,
    overrides: &Overrides,
    signatures: &HashMap<String, Vec<Signature>>,
    vdso: &[VdsoRow],
    readonly_used: &mut [bool],
) -> Result<Table, String> {
    let mut tags: Vec<String> = spec.tags.iter().map(|t| t.to_string()).collect();
    let mut tbl_rel = spec.tbl.to_string();
    if let Some((makefile, var)) = spec.makefile {
        let (extra, table_path) = read_makefile(&inputs.kernel.join(makefile), var)?;
        tags.extend(extra);
        // arm64's Makefile names arch/arm64/tools/syscall_%.tbl; upstream its syscall_64.tbl is a
        // symlink to scripts/syscall.tbl, which is what a tree without the link must use.
        if let Some(p) = table_path {
            let bits = if spec.pointer_width == 64 { "64" } else { "32" };
            let candidate = p.replace('%', bits);
            if inputs.kernel.join(&candidate).is_file() {
                tbl_rel = candidate;
            }
        }
    }
    let tbl_path = inputs.kernel.join(&tbl_rel);
    let rows = read_tbl(&tbl_path)?;
    let config: Vec<String> = overrides
        .config
        .get(spec.name)
        .cloned()
        .ok_or_else(|| format!("overrides: [config] has no entry for `{}`", spec.name))?;
    let mut syscalls = Vec::new();
    for row in rows.iter().filter(|r| tags.contains(&r.abi)) {
        let location = format!("{}:{}", tbl_path.display(), row.line);
        let args = match &row.entry {
            None => Vec::new(),
            Some(entry) => {
                let proto = prototype(spec, entry, overrides, signatures, &config)
                    .map_err(|e| format!("{location}: `{}`: {e}", row.name))?;
                let mut args = assign_registers(spec, &row.name, &proto)
                    .map_err(|e| format!("{location}: `{}`: {e}", row.name))?;
                mark_readonly(entry, &mut args, overrides, readonly_used)
                    .map_err(|e| format!("{location}: `{}`: {e}", row.name))?;
                args
            }
        };
        let vdso_symbol = spec.vdso_arch.and_then(|arch| {
            vdso.iter()
                .find(|v| v.arch == arch && v.syscall == row.name && serves_the_call(v))
        });
        if let Some(v) = vdso_symbol {
            let nr =
                parse_number(&v.nr).ok_or_else(|| format!("vdso.tsv: bad number `{}`", v.nr))?;
            if nr != row.number + spec.number_bias {
                return Err(format!(
                    "vdso.tsv: {} {} says number {nr}, the table says {}",
                    v.arch,
                    v.symbol,
                    row.number + spec.number_bias
                ));
            }
        }
        let ret_type = overrides.return_type(&row.name, row.entry.as_deref());
        let ret = Ret {
            c_type: ret_type.to_string(),
            kind: ret_kind_of(spec, ret_type)
                .map_err(|e| format!("{location}: `{}`: {e}", row.name))?,
        };
        syscalls.push(Syscall {
            name: row.name.clone(),
            number: row.number + spec.number_bias,
            entry: row.entry.clone(),
            args,
            ret,
            noreturn: row.noreturn || overrides.flags.noreturn.contains(&row.name),
            needs_unsafe: overrides.unsafe_reason(&row.name)?,
            vdso: vdso_symbol.map(|v| VdsoSymbol {
                symbol: v.symbol.clone(),
                version: v.version.clone(),
            }),
        });
    }
    syscalls.sort_by_key(|s| s.number);
    let abi = Abi {
        name: spec.name.to_string(),
        target_arch: spec.target_arch.to_string(),
        target_pointer_width: spec.pointer_width,
        register_bits: spec.register_bits,
        kernel: "7.0".to_string(),
        tags,
        number_min: spec.number_bias,
        number_max: spec.number_bias + NUMBER_SPAN,
        pair_alignment: spec.pair_alignment,
        mechanisms: spec.mechanisms.to_vec(),
        default_mechanism: spec.default_mechanism,
    };
    Ok(Table::new(abi, syscalls))
}

/// Applies `[[readonly]]`: pointers the kernel only reads although the prototype lacks `const`.
/// Marks in `used` the entries that applied.
fn mark_readonly(
    entry: &str,
    args: &mut [Arg],
    overrides: &Overrides,
    used: &mut [bool],
) -> Result<(), String> {
    let key = entry
        .strip_prefix("compat_sys_")
        .or_else(|| entry.strip_prefix("sys_"))
        .unwrap_or(entry);
    for (i, ro) in overrides.readonly.iter().enumerate() {
        if ro.prototype != key {
            continue;
        }
        used[i] = true;
        for param in &ro.params {
            let arg = args.iter_mut().find(|a| &a.name == param).ok_or_else(|| {
                format!("overrides: [[readonly]] `{key}` has no parameter `{param}`")
            })?;
            if arg.kind != ArgKind::PtrMut {
                return Err(format!(
                    "overrides: [[readonly]] `{key}.{param}` is not a mutable pointer"
                ));
            }
            arg.kind = ArgKind::PtrConst;
        }
    }
    Ok(())
}

/// vDSO functions that serve their system call: the drop-in replacements, and `getrandom`,
/// whose vgetrandom ABI takes an opaque state besides the call's arguments (the expansion calls
/// `syscall_rt`'s state-managing wrapper for it). Excluded: signal-return trampolines (only the
/// kernel jumps there). riscv64's `__vdso_getrandom` is newer than the stored linker script
/// (Linux 6.16, so in v7.0); a missing symbol falls back to the system call at run time.
fn serves_the_call(v: &VdsoRow) -> bool {
    v.syscall != "-" && !v.note.contains("trampoline")
}

/// The C argument list of `entry` on this ABI: an override, else signatures.tsv (by the entry
/// point's name without `sys_` / `compat_sys_`, choosing among #ifdef variants by config).
fn prototype(
    spec: &AbiSpec,
    entry: &str,
    overrides: &Overrides,
    signatures: &HashMap<String, Vec<Signature>>,
    config: &[String],
) -> Result<Vec<(String, String)>, String> {
    if let Some(o) = overrides
        .entry
        .iter()
        .find(|o| o.entry == entry && o.abis.iter().any(|a| a == spec.name))
    {
        return split_args(&o.args);
    }
    let key = entry
        .strip_prefix("compat_sys_")
        .or_else(|| entry.strip_prefix("sys_"))
        .ok_or_else(|| {
            format!("entry point `{entry}` has neither `sys_` nor `compat_sys_` prefix")
        })?;
    let variants = signatures.get(key).ok_or_else(|| {
        format!("no prototype for entry point `{entry}` in signatures.tsv; add an [[entry]] to xtask/overrides.toml")
    })?;
    let chosen: Vec<&Signature> = if variants.len() == 1 {
        variants.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for v in variants {
            if eval_cond(&v.cond, config, spec.long_bits)? {
                chosen.push(v);
            }
        }
        chosen
    };
    match chosen.as_slice() {
        [one] => {
            let mut args = split_args(&one.args)?;
            if let Some(n) = overrides
                .names
                .iter()
                .find(|n| n.prototype == key && (n.cond.is_empty() || n.cond == one.cond))
            {
                if n.names.len() != args.len() {
                    return Err(format!(
                        "overrides: [[names]] for `{key}` gives {} names for {} parameters",
                        n.names.len(),
                        args.len()
                    ));
                }
                for (arg, name) in args.iter_mut().zip(&n.names) {
                    arg.0 = name.clone();
                }
            }
            Ok(args)
        }
        [] => Err(format!(
            "no #ifdef variant of `{key}` holds for this ABI's [config]"
        )),
        _ => Err(format!(
            "several #ifdef variants of `{key}` hold for this ABI's [config]"
        )),
    }
}

/// Evaluates the `cond` column of signatures.tsv: `A && B`, `A || B`, `NOT(A)`, `!A`,
/// `defined(A)`, `BITS_PER_LONG == N`.
fn eval_cond(cond: &str, config: &[String], long_bits: u8) -> Result<bool, String> {
    let cond = cond.trim();
    if cond.is_empty() {
        return Ok(true);
    }
    if let Some((a, b)) = cond.split_once("||") {
        return Ok(eval_cond(a, config, long_bits)? || eval_cond(b, config, long_bits)?);
    }
    if let Some((a, b)) = cond.split_once("&&") {
        return Ok(eval_cond(a, config, long_bits)? && eval_cond(b, config, long_bits)?);
    }
    if let Some(inner) = cond.strip_prefix("NOT(").and_then(|c| c.strip_suffix(')')) {
        return Ok(!eval_cond(inner, config, long_bits)?);
    }
    if let Some(inner) = cond.strip_prefix('!') {
        return Ok(!eval_cond(inner, config, long_bits)?);
    }
    if let Some(inner) = cond
        .strip_prefix("defined(")
        .and_then(|c| c.strip_suffix(')'))
    {
        return eval_cond(inner, config, long_bits);
    }
    if let Some(n) = cond.strip_prefix("BITS_PER_LONG ==") {
        let n: u8 = n
            .trim()
            .parse()
            .map_err(|_| format!("bad condition `{cond}`"))?;
        return Ok(n == long_bits);
    }
    if cond.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Ok(config.iter().any(|c| c == cond));
    }
    Err(format!("cannot evaluate condition `{cond}`"))
}

/// `"int fd, const char __user *buf"` → `[("fd", "int"), ("buf", "const char __user *")]`.
fn split_args(args: &str) -> Result<Vec<(String, String)>, String> {
    let args = args.trim();
    if args.is_empty() || args == "void" {
        return Ok(Vec::new());
    }
    args.split(',')
        .map(|a| {
            let a = a.trim();
            let name_start = a
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            let (ty, name) = a.split_at(name_start);
            if name.is_empty() || ty.trim().is_empty() {
                return Err(format!("cannot split `{a}` into a C type and a name"));
            }
            Ok((name.to_string(), ty.trim().to_string()))
        })
        .collect()
}

/// The normalized kind of a C parameter type on an ABI whose kernel `long` has `long_bits` bits
/// and whose user-space C `long` has `c_long_bits`.
fn kind_of(c_type: &str, long_bits: u8, c_long_bits: u8) -> Result<ArgKind, String> {
    let int = |bits: u8, signed: bool| Ok(ArgKind::Int { bits, signed });
    // Typedefs of pointers: the capability header/data and a signal handler's address.
    const POINTER_TYPEDEFS: &[&str] = &["cap_user_header_t", "cap_user_data_t", "__sighandler_t"];
    let bare = c_type.trim_start_matches("const ").trim();
    if c_type.contains('*') || POINTER_TYPEDEFS.contains(&bare) {
        return Ok(
            if c_type.starts_with("const ") || bare == "__sighandler_t" {
                ArgKind::PtrConst
            } else {
                ArgKind::PtrMut
            },
        );
    }
    if bare.starts_with("enum ") {
        return int(32, true);
    }
    match bare {
        "int" | "pid_t" | "clockid_t" | "timer_t" | "mqd_t" | "key_t" | "__s32" | "s32"
        | "key_serial_t" | "rwf_t" => int(32, true),
        "unsigned int" | "unsigned" | "u32" | "__u32" | "uint32_t" | "uid_t" | "gid_t"
        | "qid_t" => int(32, false),
        "umode_t" | "old_uid_t" | "old_gid_t" => int(16, false),
        "long" => int(c_long_bits, true),
        "unsigned long" | "size_t" | "old_sigset_t" | "uintptr_t" => int(c_long_bits, false),
        "off_t" => int(long_bits, true),
        "aio_context_t" => int(long_bits, false),
        "loff_t" | "long long" | "s64" | "__s64" => int(64, true),
        "u64" | "__u64" | "unsigned long long" => int(64, false),
        _ => Err(format!(
            "unknown C type `{c_type}`: add it to kind_of in xtask/src/import.rs"
        )),
    }
}

/// The kind of a C return type on an ABI. The result register holds the kernel's `long`; the
/// kind says how much of it is the value: `ssize_t` and addresses have the pointer width of user
/// space (x32: 32 bits), `off_t`, `long`, `time_t` and `clock_t` the kernel's `long` (x32: 64).
fn ret_kind_of(spec: &AbiSpec, c_type: &str) -> Result<ArgKind, String> {
    let pointer = spec.pointer_width as u8;
    let (bits, signed) = match c_type {
        "int" | "pid_t" | "key_serial_t" | "mqd_t" => (32, true),
        "unsigned int" | "uid_t" | "gid_t" | "mode_t" => (32, false),
        "old_uid_t" | "old_gid_t" => (16, false),
        "ssize_t" => (pointer, true),
        "void *" | "__sighandler_t" => (pointer, false),
        "off_t" | "long" | "time_t" | "clock_t" => (spec.long_bits, true),
        "unsigned long" => (spec.long_bits, false),
        _ => {
            return Err(format!(
                "unknown C return type `{c_type}`: add it to ret_kind_of in xtask/src/import.rs"
            ));
        }
    };
    Ok(ArgKind::Int { bits, signed })
}

/// Kernel struct and typedef names → the type of `syscall_rt::uapi` (linux-raw-sys) with the
/// same layout on every ABI that has the call. Kernel-internal names map to their UAPI twins:
/// `old_timespec32` (`{ s32, s32 }`) is `__kernel_old_timespec` on the 32-bit ABIs, where
/// `long` is 32 bits, and has no twin on the 64-bit ones. Types linux-raw-sys does not have
/// (`tms`, `sched_attr`, `rseq`, `perf_event_attr`, `sembuf`, `iocb`, …) stay untyped, and so does
/// `struct sockaddr`: the calls take any address family with its length (a `sockaddr_in` is 16
/// bytes, a `sockaddr_un` 110), and linux-raw-sys's `sockaddr` is the 128-byte storage, which the
/// layout check would demand of every pointee.
const UAPI_TYPES: &[(&str, &str)] = &[
    ("struct stat", "stat"),
    ("struct stat64", "stat64"),
    ("struct statx", "statx"),
    ("struct statfs", "statfs"),
    ("struct statfs64", "statfs64"),
    ("struct __kernel_timespec", "__kernel_timespec"),
    ("struct __kernel_itimerspec", "__kernel_itimerspec"),
    ("struct __kernel_old_timeval", "__kernel_old_timeval"),
    ("struct __kernel_old_itimerval", "__kernel_old_itimerval"),
    ("struct timezone", "timezone"),
    ("struct rusage", "rusage"),
    ("struct rlimit", "rlimit"),
    ("struct rlimit64", "rlimit64"),
    ("struct pollfd", "pollfd"),
    ("fd_set", "__kernel_fd_set"),
    ("struct epoll_event", "epoll_event"),
    ("sigset_t", "kernel_sigset_t"),
    ("siginfo_t", "siginfo_t"),
    ("struct siginfo", "siginfo_t"),
    ("struct sigaction", "kernel_sigaction"),
    ("struct sigaltstack", "stack_t"),
    ("struct sigevent", "sigevent"),
    ("struct iovec", "iovec"),
    ("struct linux_dirent64", "linux_dirent64"),
    ("struct open_how", "open_how"),
    ("struct clone_args", "clone_args"),
    ("struct mount_attr", "mount_attr"),
    ("struct futex_waitv", "futex_waitv"),
    ("struct robust_list_head", "robust_list_head"),
    ("struct cachestat", "cachestat"),
    ("struct cachestat_range", "cachestat_range"),
    ("struct xattr_args", "xattr_args"),
    ("struct mnt_id_req", "mnt_id_req"),
    ("struct statmount", "statmount"),
    ("struct file_attr", "file_attr"),
    ("struct user_desc", "user_desc"),
    ("struct user_msghdr", "net::msghdr"),
    ("struct mmsghdr", "net::mmsghdr"),
    ("struct new_utsname", "system::new_utsname"),
    ("struct old_utsname", "system::old_utsname"),
    ("struct oldold_utsname", "system::oldold_utsname"),
    ("struct __old_kernel_stat", "__old_kernel_stat"),
    ("struct sysinfo", "system::sysinfo"),
    ("struct io_uring_params", "io_uring::io_uring_params"),
    (
        "struct landlock_ruleset_attr",
        "landlock::landlock_ruleset_attr",
    ),
    // Integers behind pointers, by their kernel typedefs (uapi has each ABI's width).
    ("int", "i32"),
    ("unsigned int", "u32"),
    ("unsigned", "u32"),
    ("u32", "u32"),
    ("__u32", "u32"),
    ("uint32_t", "u32"),
    ("u64", "u64"),
    ("__u64", "u64"),
    ("loff_t", "__kernel_loff_t"),
    ("off_t", "__kernel_off_t"),
    ("long", "__kernel_long_t"),
    ("unsigned long", "__kernel_ulong_t"),
    ("size_t", "__kernel_size_t"),
    ("aio_context_t", "__kernel_ulong_t"),
    ("old_sigset_t", "__kernel_ulong_t"),
    ("uid_t", "__kernel_uid32_t"),
    ("gid_t", "__kernel_gid32_t"),
    ("old_uid_t", "__kernel_old_uid_t"),
    ("old_gid_t", "__kernel_old_gid_t"),
    ("timer_t", "__kernel_timer_t"),
    ("__kernel_old_time_t", "__kernel_old_time_t"),
];

/// The 32-bit time types of the old system calls: the same layout as their UAPI twins where
/// `long` has 32 bits (i386, Arm, riscv32).
const TIME32_TYPES: &[(&str, &str)] = &[
    ("struct old_timespec32", "__kernel_old_timespec"),
    ("struct old_itimerspec32", "itimerspec"),
    ("struct old_timeval32", "__kernel_old_timeval"),
    ("struct old_itimerval32", "__kernel_old_itimerval"),
    ("old_time32_t", "__kernel_old_time_t"),
];

/// `const char __user *` parameters that are NUL-terminated strings (paths, names), by name:
/// their pointee is `c_char`, so `CStr::as_ptr()` fits. Other `char` pointers are byte buffers.
const STRING_PARAMS: &[&str] = &[
    "filename",
    "path",
    "pathname",
    "oldname",
    "newname",
    "specialfile",
    "special",
    "_type",
    "_description",
    "_callout_info",
    "uname_ptr",
    "to_path",
    "from_path",
    "put_old",
    "new_root",
    "old",
    "new",
    "name_user",
    "library",
    "key",
    "fs_name",
    "cmdline_ptr",
    "uargs",
    "dev_name",
    "dir_name",
    "type",
    "name",
];

/// Calls whose `char *name` is bytes with a length, not a string.
const BYTE_NAMES: &[&str] = &["sethostname", "setdomainname", "gethostname"];

/// The `pointee` of a pointer argument (see `syscall_table::Arg::pointee`), and whether the
/// kernel needs its alignment. Untyped (`void *`, byte buffers, pointers to pointers, kernel
/// types without a UAPI twin): `None`.
fn pointee_of(spec: &AbiSpec, call: &str, name: &str, c_type: &str) -> (Option<String>, bool) {
    let t = c_type.replace("__user", "");
    let t = t.trim();
    let Some(base) = t.strip_suffix('*') else {
        // Typedefs of pointers: the capability header and data (a signal handler stays untyped).
        let typed = match t {
            "cap_user_header_t" => Some("__user_cap_header_struct"),
            "cap_user_data_t" => Some("__user_cap_data_struct"),
            _ => None,
        };
        return (typed.map(str::to_string), false);
    };
    let base = base.trim().trim_start_matches("const ").trim();
    if base.contains('*') {
        return (None, false); // char **argv and the like
    }
    if base == "char" {
        let string = STRING_PARAMS.contains(&name) && !BYTE_NAMES.contains(&call);
        return (string.then(|| "c_char".to_string()), false);
    }
    let typed = UAPI_TYPES
        .iter()
        .chain(TIME32_TYPES.iter().filter(|_| spec.long_bits == 32))
        .find(|(c, _)| *c == base)
        .map(|(_, rust)| rust.to_string());
    // A futex word must be naturally aligned (the kernel returns EINVAL otherwise).
    let aligned = typed.is_some() && call.starts_with("futex") && name.starts_with("uaddr");
    (typed, aligned)
}

/// Places each argument in registers by the ABI's rule: one register each, a 64-bit value on a
/// 32-bit ABI in a (low, high) pair, on Arm EABI starting at an even register.
fn assign_registers(
    spec: &AbiSpec,
    call: &str,
    proto: &[(String, String)],
) -> Result<Vec<Arg>, String> {
    let mut next = 0u8;
    let mut args = Vec::new();
    for (name, c_type) in proto {
        let kind = kind_of(c_type, spec.long_bits, spec.c_long_bits)?;
        let regs = if kind.bits(spec.pointer_width) > spec.register_bits {
            if spec.pair_alignment == PairAlignment::Even && next % 2 == 1 {
                next += 1;
            }
            next += 2;
            vec![next - 2, next - 1]
        } else {
            next += 1;
            vec![next - 1]
        };
        let (pointee, aligned) = if kind.is_pointer() {
            pointee_of(spec, call, name, c_type)
        } else {
            (None, false)
        };
        args.push(Arg {
            name: name.clone(),
            c_type: c_type.clone(),
            kind,
            regs,
            pointee,
            aligned,
        });
    }
    if usize::from(next) > MAX_ARG_REGS {
        return Err(format!(
            "needs {next} argument registers; Linux passes at most {MAX_ARG_REGS}"
        ));
    }
    Ok(args)
}

fn parse_number(s: &str) -> Option<u32> {
    match s.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn read_tbl(path: &Path) -> Result<Vec<TblRow>, String> {
    let text = read(path)?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 3 {
            return Err(format!(
                "{}:{line_no}: expected `<number> <abi> <name> …`",
                path.display()
            ));
        }
        let number = cols[0]
            .parse()
            .map_err(|_| format!("{}:{line_no}: bad number `{}`", path.display(), cols[0]))?;
        rows.push(TblRow {
            line: line_no,
            number,
            abi: cols[1].to_string(),
            name: cols[2].to_string(),
            entry: cols.get(3).map(|s| s.to_string()),
            noreturn: cols.get(5) == Some(&"noreturn"),
        });
    }
    Ok(rows)
}

/// Extra ABI tags (`syscall_abis_64 += …`) and the `syscalltbl = …` path of a Makefile.syscalls.
fn read_makefile(path: &Path, var: &str) -> Result<(Vec<String>, Option<String>), String> {
    let text = read(path)?;
    let mut tags = Vec::new();
    let mut tbl = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix(var) {
            if let Some(list) = rest.trim_start().strip_prefix("+=") {
                tags.extend(list.split_whitespace().map(str::to_string));
            }
        } else if let Some(rest) = line.strip_prefix("syscalltbl") {
            if let Some(p) = rest.trim_start().strip_prefix('=') {
                tbl = Some(p.trim().to_string());
            }
        }
    }
    Ok((tags, tbl))
}

fn read_signatures(path: &Path) -> Result<HashMap<String, Vec<Signature>>, String> {
    let text = read(path)?;
    let mut map: HashMap<String, Vec<Signature>> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 {
            return Err(format!(
                "{}:{}: expected 5 tab-separated columns",
                path.display(),
                i + 1
            ));
        }
        map.entry(cols[0].to_string()).or_default().push(Signature {
            args: cols[2].to_string(),
            cond: cols[3].to_string(),
        });
    }
    Ok(map)
}

fn read_vdso(path: &Path) -> Result<Vec<VdsoRow>, String> {
    let text = read(path)?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 6 {
            return Err(format!(
                "{}:{}: expected 7 tab-separated columns",
                path.display(),
                i + 1
            ));
        }
        rows.push(VdsoRow {
            arch: cols[0].to_string(),
            symbol: cols[1].to_string(),
            version: cols[2].to_string(),
            syscall: cols[3].to_string(),
            nr: cols[4].to_string(),
            note: cols[5].to_string(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_follow_the_config() {
        let cfg = vec!["CONFIG_CLONE_BACKWARDS".to_string()];
        assert!(eval_cond("CONFIG_CLONE_BACKWARDS", &cfg, 32).unwrap());
        assert!(
            !eval_cond(
                "NOT(CONFIG_CLONE_BACKWARDS) && CONFIG_CLONE_BACKWARDS3",
                &cfg,
                32
            )
            .unwrap()
        );
        assert!(eval_cond("BITS_PER_LONG == 32", &cfg, 32).unwrap());
        assert!(!eval_cond("BITS_PER_LONG == 32", &cfg, 64).unwrap());
        assert!(eval_cond("defined(X) || defined(CONFIG_CLONE_BACKWARDS)", &cfg, 64).unwrap());
        assert!(eval_cond("!CONFIG_ODD_RT_SIGACTION", &cfg, 64).unwrap());
    }

    #[test]
    fn arguments_split_into_type_and_name() {
        let a = split_args("struct iocb __user * __user *_arg3, unsigned long x").unwrap();
        assert_eq!(
            a[0],
            (
                "_arg3".to_string(),
                "struct iocb __user * __user *".to_string()
            )
        );
        assert_eq!(a[1], ("x".to_string(), "unsigned long".to_string()));
        assert!(split_args("").unwrap().is_empty());
    }

    #[test]
    fn arm_aligns_64_bit_pairs_to_even_registers() {
        let arm = ABIS.iter().find(|a| a.name == "arm").unwrap();
        let proto =
            split_args("unsigned int fd, char __user *buf, size_t count, loff_t pos").unwrap();
        let args = assign_registers(arm, "pread64", &proto).unwrap();
        assert_eq!(args[3].regs, vec![4, 5]);
        let x86 = ABIS.iter().find(|a| a.name == "x86").unwrap();
        let args = assign_registers(x86, "pread64", &proto).unwrap();
        assert_eq!(args[3].regs, vec![3, 4]);
    }
}

#[cfg(test)]
mod determinism {
    use super::*;

    fn default_inputs() -> Option<Inputs> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()?
            .to_path_buf();
        let kt = root.join("../shared/kernel-tables");
        if !kt.is_dir() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have ../shared/kernel-tables"
            );
            eprintln!("skipped: {} not found", kt.display());
            return None;
        }
        Some(Inputs {
            kernel: kt.join("linux"),
            signatures: kt.join("signatures.tsv"),
            vdso: kt.join("vdso.tsv"),
            overrides: root.join("xtask/overrides.toml"),
            out: root.join("tables"),
        })
    }

    #[test]
    fn two_runs_give_byte_identical_tables_equal_to_the_committed_ones() {
        let Some(inputs) = default_inputs() else {
            return;
        };
        let first = render(&inputs).unwrap();
        let second = render(&inputs).unwrap();
        assert_eq!(first, second);
        for (name, text) in &first {
            let committed = fs::read_to_string(inputs.out.join(name)).unwrap();
            assert!(
                committed == *text,
                "tables/{name} is stale: run `cargo xtask import`"
            );
        }
    }

    #[test]
    fn a_readonly_entry_must_apply_somewhere_and_give_its_proof() {
        let Some(mut inputs) = default_inputs() else {
            return;
        };
        let dir = std::env::temp_dir().join(format!("xtask-readonly-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let overrides = fs::read_to_string(&inputs.overrides).unwrap();
        inputs.overrides = dir.join("overrides.toml");
        // A misspelt prototype would leave its pointers `ptr_mut` without a word.
        let typo = overrides.replacen(
            "prototype = \"rt_sigprocmask\"",
            "prototype = \"rt_sigprocmsk\"",
            1,
        );
        fs::write(&inputs.overrides, typo).unwrap();
        let err = render(&inputs).unwrap_err();
        assert!(
            err.contains("[[readonly]] `rt_sigprocmsk` is the prototype of no entry point"),
            "{err}"
        );
        // An entry without the kernel function that proves it.
        let start = overrides.find("prototype = \"rt_sigprocmask\"").unwrap();
        let proof = start + overrides[start..].find("proof = ").unwrap();
        let end = proof + overrides[proof..].find('\n').unwrap();
        let mut unproved = overrides.clone();
        unproved.replace_range(proof..=end, "");
        fs::write(&inputs.overrides, unproved).unwrap();
        let err = render(&inputs).unwrap_err();
        assert!(err.contains("missing field `proof`"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_prototype_is_reported_with_its_tbl_line() {
        let Some(mut inputs) = default_inputs() else {
            return;
        };
        let dir = std::env::temp_dir().join(format!("xtask-import-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let overrides = fs::read_to_string(&inputs.overrides).unwrap();
        // Drop the override of x86_64's sys_mmap: nothing else describes it.
        let cut = overrides.replacen(
            "abis = [\"x86_64\", \"x32\"]\nentry = \"sys_mmap\"",
            "abis = [\"none\"]\nentry = \"sys_mmap\"",
            1,
        );
        fs::write(dir.join("overrides.toml"), cut).unwrap();
        inputs.overrides = dir.join("overrides.toml");
        let err = render(&inputs).unwrap_err();
        assert!(
            err.contains("syscall_64.tbl:21: `mmap`: no prototype for entry point `sys_mmap`"),
            "{err}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
