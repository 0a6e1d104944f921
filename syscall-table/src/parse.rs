//! TOML text → validated [`Table`], with every problem reported at `file:line:col`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::model::{
    Abi, Arg, ArgKind, MAX_ARG_REGS, Mechanism, PairAlignment, ReturnKind, Syscall, Table,
    VdsoSymbol,
};

/// One problem in a table, located in its source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableError {
    /// The file name given to the parser.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.col, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TableError {}

/// All problems found in one table (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableErrors(pub Vec<TableError>);

impl fmt::Display for TableErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TableErrors {}

// ---------------------------------------------------------------- raw (as written) form

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    abi: Spanned<RawAbi>,
    syscall: Option<Vec<Spanned<RawSyscall>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbi {
    name: Spanned<String>,
    target_arch: Spanned<String>,
    target_pointer_width: Spanned<i64>,
    register_bits: Spanned<i64>,
    kernel: Spanned<String>,
    tags: Spanned<Vec<String>>,
    number_min: Spanned<i64>,
    number_max: Spanned<i64>,
    pair_alignment: Spanned<String>,
    mechanisms: Spanned<Vec<Spanned<String>>>,
    default_mechanism: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSyscall {
    name: Spanned<String>,
    number: Spanned<i64>,
    entry: Option<Spanned<String>>,
    args: Option<Spanned<Vec<Spanned<RawArg>>>>,
    ret: Spanned<String>,
    noreturn: Option<Spanned<bool>>,
    needs_unsafe: Option<Spanned<bool>>,
    vdso: Option<Spanned<RawVdso>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArg {
    name: Spanned<String>,
    #[serde(rename = "type")]
    c_type: Spanned<String>,
    kind: Spanned<String>,
    regs: Spanned<Vec<Spanned<i64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVdso {
    symbol: Spanned<String>,
    version: Spanned<String>,
}

/// The Rust `target_arch` values a table may name.
pub const KNOWN_TARGET_ARCHES: &[&str] = &[
    "x86",
    "x86_64",
    "arm",
    "aarch64",
    "riscv32",
    "riscv64",
    "mips",
    "mips64",
    "powerpc",
    "powerpc64",
    "s390x",
    "loongarch64",
    "sparc64",
    "m68k",
    "csky",
];

/// Collects errors against one source text (the serde_derive `Ctxt` idea: report all at once).
struct Ctxt<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<TableError>,
}

impl Ctxt<'_> {
    fn at(&self, span: Range<usize>) -> (usize, usize) {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = self.text[line_start..start].chars().count() + 1;
        (line, col)
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: Option<String>) {
        let (line, col) = self.at(span);
        self.errors.push(TableError {
            file: self.file.to_string(),
            line,
            col,
            message: message.into(),
            help,
        });
    }
}

/// Parses and validates a table. `file` is only used to name locations in errors.
pub fn parse_table(file: &str, text: &str) -> Result<Table, TableErrors> {
    let mut cx = Ctxt {
        file,
        text,
        errors: Vec::new(),
    };
    let raw: RawTable = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            let help = if message.contains("missing field") {
                Some("add the field; tables/README.md lists every field of the schema".to_string())
            } else if message.contains("unknown field") {
                Some("remove or rename it; tables/README.md lists every field of the schema".into())
            } else {
                Some("fix the TOML syntax at this place".into())
            };
            cx.error(span, message, help);
            return Err(TableErrors(cx.errors));
        }
    };
    let abi = validate_abi(&mut cx, &raw.abi);
    let mut syscalls = Vec::new();
    let mut names: HashMap<String, Range<usize>> = HashMap::new();
    let mut numbers: HashMap<i64, (String, Range<usize>)> = HashMap::new();
    for raw_sc in raw.syscall.as_deref().unwrap_or(&[]) {
        let sc = raw_sc.get_ref();
        let name = sc.name.get_ref();
        if let Some(first) = names.get(name) {
            let (line, _) = cx.at(first.clone());
            cx.error(
                sc.name.span(),
                format!("duplicate syscall name `{name}` (first defined at line {line})"),
                Some("each name may appear once per table; remove or rename one".into()),
            );
        } else {
            names.insert(name.clone(), sc.name.span());
        }
        let number = *sc.number.get_ref();
        if let Some((other, first)) = numbers.get(&number) {
            let (line, _) = cx.at(first.clone());
            cx.error(
                sc.number.span(),
                format!(
                    "duplicate syscall number {number}: `{other}` (line {line}) already has it"
                ),
                Some("two system calls cannot share a number within one ABI".into()),
            );
        } else {
            numbers.insert(number, (name.clone(), sc.number.span()));
        }
        if let Some(s) = validate_syscall(&mut cx, abi.as_ref(), sc) {
            syscalls.push(s);
        }
    }
    match abi {
        Some(abi) if cx.errors.is_empty() => Ok(Table::new(abi, syscalls)),
        _ => Err(TableErrors(cx.errors)),
    }
}

fn validate_abi(cx: &mut Ctxt<'_>, raw: &Spanned<RawAbi>) -> Option<Abi> {
    let a = raw.get_ref();
    let errors_before = cx.errors.len();
    let name = a.name.get_ref().clone();
    if !is_identifier(&name) {
        cx.error(
            a.name.span(),
            format!("ABI name `{name}` is not a lowercase identifier"),
            Some("use letters, digits and `_`, e.g. `x86_64`".into()),
        );
    }
    let target_arch = a.target_arch.get_ref().clone();
    if !KNOWN_TARGET_ARCHES.contains(&target_arch.as_str()) {
        cx.error(
            a.target_arch.span(),
            format!("unknown target_arch `{target_arch}`"),
            Some(format!(
                "use one of Rust's: {}",
                KNOWN_TARGET_ARCHES.join(", ")
            )),
        );
    }
    let width = |cx: &mut Ctxt<'_>, v: &Spanned<i64>, what: &str| -> Option<u32> {
        match *v.get_ref() {
            32 => Some(32),
            64 => Some(64),
            other => {
                cx.error(
                    v.span(),
                    format!("{what} must be 32 or 64, not {other}"),
                    None,
                );
                None
            }
        }
    };
    let target_pointer_width = width(cx, &a.target_pointer_width, "target_pointer_width");
    let register_bits = width(cx, &a.register_bits, "register_bits");
    let both_valid = target_pointer_width.is_some() && register_bits.is_some();
    let (target_pointer_width, register_bits) = (
        target_pointer_width.unwrap_or(64),
        register_bits.unwrap_or(64),
    );
    if both_valid && register_bits < target_pointer_width {
        cx.error(
            a.register_bits.span(),
            "register_bits is smaller than target_pointer_width",
            Some("a pointer must fit in one argument register".into()),
        );
    }
    let number = |cx: &mut Ctxt<'_>, v: &Spanned<i64>, what: &str| -> u32 {
        u32::try_from(*v.get_ref()).unwrap_or_else(|_| {
            cx.error(
                v.span(),
                format!("{what} {} does not fit in 0..=4294967295", v.get_ref()),
                None,
            );
            0
        })
    };
    let number_min = number(cx, &a.number_min, "number_min");
    let number_max = number(cx, &a.number_max, "number_max");
    if number_min > number_max {
        cx.error(
            a.number_max.span(),
            format!("number_max {number_max} is below number_min {number_min}"),
            None,
        );
    }
    let pair_alignment = match a.pair_alignment.get_ref().as_str() {
        "any" => PairAlignment::Any,
        "even" => PairAlignment::Even,
        other => {
            cx.error(
                a.pair_alignment.span(),
                format!("unknown pair_alignment `{other}`"),
                Some("use `any` (i386, RISC-V) or `even` (Arm EABI)".into()),
            );
            PairAlignment::Any
        }
    };
    let mut mechanisms = Vec::new();
    for m in a.mechanisms.get_ref() {
        match Mechanism::parse(m.get_ref()) {
            Some(mech) if mechanisms.contains(&mech) => {
                cx.error(m.span(), format!("mechanism `{mech}` listed twice"), None)
            }
            Some(mech) => mechanisms.push(mech),
            None => cx.error(
                m.span(),
                format!("unknown mechanism `{}`", m.get_ref()),
                Some(mechanism_help()),
            ),
        }
    }
    if a.mechanisms.get_ref().is_empty() {
        cx.error(
            a.mechanisms.span(),
            "an ABI needs at least one entry mechanism",
            Some(mechanism_help()),
        );
    }
    let default_mechanism = match Mechanism::parse(a.default_mechanism.get_ref()) {
        Some(Mechanism::Vdso) => {
            cx.error(
                a.default_mechanism.span(),
                "default_mechanism cannot be `vdso`: it must be a kernel entry",
                Some("the vDSO is used anyway for calls that list a vdso symbol".into()),
            );
            Mechanism::Syscall
        }
        Some(m) if mechanisms.contains(&m) => m,
        Some(m) => {
            cx.error(
                a.default_mechanism.span(),
                format!("default_mechanism `{m}` is not in `mechanisms`"),
                Some("add it to `mechanisms` or choose one listed there".into()),
            );
            m
        }
        None => {
            cx.error(
                a.default_mechanism.span(),
                format!("unknown mechanism `{}`", a.default_mechanism.get_ref()),
                Some(mechanism_help()),
            );
            Mechanism::Syscall
        }
    };
    (cx.errors.len() == errors_before).then(|| Abi {
        name,
        target_arch,
        target_pointer_width,
        register_bits,
        kernel: a.kernel.get_ref().clone(),
        tags: a.tags.get_ref().clone(),
        number_min,
        number_max,
        pair_alignment,
        mechanisms,
        default_mechanism,
    })
}

fn mechanism_help() -> String {
    let all: Vec<&str> = Mechanism::ALL.iter().map(|m| m.as_str()).collect();
    format!("known mechanisms: {}", all.join(", "))
}

fn validate_syscall(cx: &mut Ctxt<'_>, abi: Option<&Abi>, sc: &RawSyscall) -> Option<Syscall> {
    let errors_before = cx.errors.len();
    let name = sc.name.get_ref().clone();
    if !is_identifier(&name) {
        cx.error(
            sc.name.span(),
            format!("syscall name `{name}` is not a lowercase identifier"),
            Some("use letters, digits and `_`, starting with a letter".into()),
        );
    }
    let raw_number = *sc.number.get_ref();
    let number = u32::try_from(raw_number).unwrap_or(u32::MAX);
    if let Some(abi) = abi {
        if raw_number < i64::from(abi.number_min) || raw_number > i64::from(abi.number_max) {
            cx.error(
                sc.number.span(),
                format!(
                    "number {raw_number} of `{name}` is outside the {} range {:#x}..={:#x}",
                    abi.name, abi.number_min, abi.number_max
                ),
                Some(if abi.number_min > 0 {
                    format!(
                        "numbers of this ABI carry the bias {:#x} (e.g. the x32 bit)",
                        abi.number_min
                    )
                } else {
                    "check the number against the kernel's .tbl file".into()
                }),
            );
        }
    }
    let entry = sc.entry.as_ref().map(|e| e.get_ref().clone());
    if let Some(e) = &sc.entry {
        if e.get_ref().is_empty() || !is_identifier(e.get_ref()) {
            cx.error(
                e.span(),
                format!("entry point `{}` is not an identifier", e.get_ref()),
                Some("omit `entry` for a number the kernel does not implement".into()),
            );
        }
    }
    let ret = match sc.ret.get_ref().as_str() {
        "long" => ReturnKind::Long,
        "void" => ReturnKind::Void,
        other => {
            cx.error(
                sc.ret.span(),
                format!("unknown return kind `{other}`"),
                Some("use `long` (every Linux system call returns a long)".into()),
            );
            ReturnKind::Long
        }
    };
    let noreturn = sc.noreturn.as_ref().is_some_and(|n| *n.get_ref());
    if noreturn && ret != ReturnKind::Long {
        let span = sc.noreturn.as_ref().map_or(sc.ret.span(), |n| n.span());
        cx.error(
            span,
            format!(
                "`{name}` is flagged noreturn but returns `{}`",
                sc.ret.get_ref()
            ),
            Some(
                "a no-return system call still returns `long` on failure; set ret = \"long\""
                    .into(),
            ),
        );
    }
    let needs_unsafe = sc.needs_unsafe.as_ref().is_some_and(|n| *n.get_ref());
    let mut args = Vec::new();
    if let Some(raw_args) = &sc.args {
        if raw_args.get_ref().len() > MAX_ARG_REGS {
            cx.error(
                raw_args.span(),
                format!(
                    "`{name}` has {} arguments; Linux passes at most {MAX_ARG_REGS}",
                    raw_args.get_ref().len()
                ),
                Some("pass the rest through a pointer to a struct, as the kernel does".into()),
            );
        }
        let mut arg_names = HashSet::new();
        let mut used = [false; MAX_ARG_REGS];
        for raw_arg in raw_args.get_ref() {
            if let Some(arg) = validate_arg(cx, abi, &name, raw_arg.get_ref(), &mut used) {
                if !arg_names.insert(arg.name.clone()) {
                    cx.error(
                        raw_arg.get_ref().name.span(),
                        format!("argument `{}` of `{name}` is named twice", arg.name),
                        None,
                    );
                }
                args.push(arg);
            }
        }
    }
    let vdso = sc.vdso.as_ref().map(|v| {
        let raw = v.get_ref();
        if let Some(abi) = abi {
            if !abi.has(Mechanism::Vdso) {
                cx.error(
                    raw.symbol.span(),
                    format!(
                        "`{name}` names vDSO symbol `{}` but the {} ABI has no vDSO",
                        raw.symbol.get_ref(),
                        abi.name
                    ),
                    Some("remove `vdso`, or add \"vdso\" to the header's `mechanisms`".into()),
                );
            }
        }
        if entry.is_none() {
            cx.error(
                raw.symbol.span(),
                format!("`{name}` has a vDSO symbol but no kernel entry to fall back to"),
                None,
            );
        }
        if !is_identifier(raw.symbol.get_ref()) {
            cx.error(
                raw.symbol.span(),
                format!(
                    "vDSO symbol `{}` is not an identifier",
                    raw.symbol.get_ref()
                ),
                None,
            );
        }
        if raw.version.get_ref().is_empty() {
            cx.error(
                raw.version.span(),
                "empty vDSO version",
                Some("use the version node of the vDSO's linker script, e.g. LINUX_2.6".into()),
            );
        }
        VdsoSymbol {
            symbol: raw.symbol.get_ref().clone(),
            version: raw.version.get_ref().clone(),
        }
    });
    (cx.errors.len() == errors_before).then_some(Syscall {
        name,
        number,
        entry,
        args,
        ret,
        noreturn,
        needs_unsafe,
        vdso,
    })
}

fn validate_arg(
    cx: &mut Ctxt<'_>,
    abi: Option<&Abi>,
    syscall: &str,
    raw: &RawArg,
    used: &mut [bool; MAX_ARG_REGS],
) -> Option<Arg> {
    let errors_before = cx.errors.len();
    let name = raw.name.get_ref().clone();
    if !is_identifier(&name) {
        cx.error(
            raw.name.span(),
            format!("argument name `{name}` is not an identifier"),
            None,
        );
    }
    let kind = ArgKind::parse(raw.kind.get_ref()).unwrap_or_else(|| {
        cx.error(
            raw.kind.span(),
            format!("unknown argument kind `{}`", raw.kind.get_ref()),
            Some("use one of i16, u16, i32, u32, i64, u64, ptr_const, ptr_mut".into()),
        );
        ArgKind::PtrConst
    });
    if raw.c_type.get_ref().trim().is_empty() {
        cx.error(raw.c_type.span(), "empty C type", None);
    }
    let regs_raw = raw.regs.get_ref();
    let mut regs = Vec::new();
    for r in regs_raw {
        match u8::try_from(*r.get_ref()) {
            Ok(reg) if usize::from(reg) < MAX_ARG_REGS => {
                if used[usize::from(reg)] {
                    cx.error(
                        r.span(),
                        format!("register {reg} of `{syscall}` is used by two arguments"),
                        None,
                    );
                }
                used[usize::from(reg)] = true;
                regs.push(reg);
            }
            _ => cx.error(
                r.span(),
                format!(
                    "register {} of `{syscall}` is out of range: Linux passes at most {MAX_ARG_REGS} argument registers (0..=5)",
                    r.get_ref()
                ),
                Some("pass the rest through a pointer to a struct, as the kernel does".into()),
            ),
        }
    }
    if let Some(abi) = abi {
        let split = kind.bits(abi.target_pointer_width) > abi.register_bits;
        let wanted = if split { 2 } else { 1 };
        if regs_raw.len() != wanted {
            cx.error(
                raw.regs.span(),
                format!(
                    "argument `{name}` of `{syscall}` ({kind}) needs {wanted} register{} on {} ({}-bit registers), not {}",
                    if wanted == 1 { "" } else { "s" },
                    abi.name,
                    abi.register_bits,
                    regs_raw.len()
                ),
                Some(if split {
                    "a 64-bit value on a 32-bit ABI takes a [low, high] register pair".into()
                } else {
                    "give one register, e.g. regs = [0]".into()
                }),
            );
        } else if split && regs.len() == 2 {
            if regs[1] != regs[0] + 1 {
                cx.error(
                    raw.regs.span(),
                    format!(
                        "register pair {:?} of `{syscall}` is not two consecutive registers",
                        regs
                    ),
                    None,
                );
            } else if abi.pair_alignment == PairAlignment::Even && regs[0] % 2 != 0 {
                cx.error(
                    raw.regs.span(),
                    format!(
                        "register pair {:?} of `{syscall}` starts at an odd register; {} aligns 64-bit arguments to an even pair",
                        regs, abi.name
                    ),
                    Some(format!("use [{}, {}] and leave r{} unused", regs[0] + 1, regs[0] + 2, regs[0])),
                );
            }
        }
    }
    (cx.errors.len() == errors_before).then(|| Arg {
        name,
        c_type: raw.c_type.get_ref().clone(),
        kind,
        regs,
    })
}

/// Whether `s` is a lowercase-or-digit identifier (`[a-zA-Z_][a-zA-Z0-9_]*`).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
