//! TOML text → validated [`Table`], with every problem reported at `file:line:col`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::model::{
    Abi, Arg, ArgKind, MAX_ARG_REGS, Mechanism, PairAlignment, Ret, Syscall, Table, UnsafeReason,
    VdsoSymbol,
};
use crate::rules::{KNOWN_TARGET_ARCHES, MAX_NAME_LEN, VDSO_DROP_INS, VDSO_GETRANDOM, arch_rules};

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
    /// `"long"`, or `{ type = "…", kind = "…" }`.
    ret: Spanned<toml::Value>,
    noreturn: Option<Spanned<bool>>,
    needs_unsafe: Option<Spanned<String>>,
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
    pointee: Option<Spanned<String>>,
    aligned: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVdso {
    symbol: Spanned<String>,
    version: Spanned<String>,
}

/// Collects errors against one source text (the serde_derive `Ctxt` idea: report all at once).
struct Ctxt<'a> {
    file: &'a str,
    text: &'a str,
    /// Byte offset of the start of every line, for locating errors in O(log n).
    line_starts: Vec<usize>,
    errors: Vec<TableError>,
}

impl<'a> Ctxt<'a> {
    fn new(file: &'a str, text: &'a str) -> Ctxt<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Ctxt {
            file,
            text,
            line_starts,
            errors: Vec::new(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn at(&self, span: Range<usize>) -> (usize, usize) {
        let mut start = span.start.min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        // The last line start at or before `start`.
        let line = self.line_starts.partition_point(|&s| s <= start);
        let line_start = self.line_starts[line - 1];
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
    let mut cx = Ctxt::new(file, text);
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
    let rules = arch_rules(&target_arch);
    if rules.is_none() {
        cx.error(
            a.target_arch.span(),
            format!(
                "unknown target_arch `{target_arch}`: fast-syscall has no entry primitives for it"
            ),
            Some(format!("use one of: {}", KNOWN_TARGET_ARCHES.join(", "))),
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
    if let (Some(rules), Some(pw)) = (rules, target_pointer_width) {
        if !rules.pointer_widths.contains(&pw) {
            cx.error(
                a.target_pointer_width.span(),
                format!(
                    "{target_arch} has no ABI with {pw}-bit pointers (it has {})",
                    join_numbers(rules.pointer_widths)
                ),
                None,
            );
        }
    }
    if let (Some(rules), Some(bits)) = (rules, register_bits) {
        if bits != rules.register_bits {
            cx.error(
                a.register_bits.span(),
                format!(
                    "{target_arch}'s argument registers are {} bits, not {bits}",
                    rules.register_bits
                ),
                Some("the entry primitives pass arguments in registers of that width".into()),
            );
        }
    }
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
        "any" => Some(PairAlignment::Any),
        "even" => Some(PairAlignment::Even),
        other => {
            cx.error(
                a.pair_alignment.span(),
                format!("unknown pair_alignment `{other}`"),
                Some("use `any` (i386, RISC-V) or `even` (Arm EABI)".into()),
            );
            None
        }
    };
    if let (Some(rules), Some(pa)) = (rules, pair_alignment) {
        if pa != rules.pair_alignment {
            cx.error(
                a.pair_alignment.span(),
                format!(
                    "{target_arch} aligns 64-bit register pairs `{}`, not `{}`",
                    rules.pair_alignment.as_str(),
                    pa.as_str()
                ),
                None,
            );
        }
    }
    let pair_alignment = pair_alignment.unwrap_or(PairAlignment::Any);
    let mut mechanisms = Vec::new();
    for m in a.mechanisms.get_ref() {
        match Mechanism::parse(m.get_ref()) {
            Some(mech) if mechanisms.contains(&mech) => {
                cx.error(m.span(), format!("mechanism `{mech}` listed twice"), None)
            }
            Some(mech) if rules.is_some_and(|r| !r.mechanisms.contains(&mech)) => cx.error(
                m.span(),
                format!("mechanism `{mech}` does not exist on {target_arch}"),
                rules.map(|r| format!("{target_arch} offers: {}", join_mechanisms(r.mechanisms))),
            ),
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
        Some(m) if rules.is_some_and(|r| !r.mechanisms.contains(&m)) => {
            cx.error(
                a.default_mechanism.span(),
                format!("default_mechanism `{m}` does not exist on {target_arch}"),
                rules.map(|r| format!("{target_arch} offers: {}", join_mechanisms(r.mechanisms))),
            );
            m
        }
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

fn join_numbers(numbers: &[u32]) -> String {
    let all: Vec<String> = numbers.iter().map(u32::to_string).collect();
    all.join(" and ")
}

fn join_mechanisms(mechanisms: &[Mechanism]) -> String {
    let all: Vec<&str> = mechanisms.iter().map(|m| m.as_str()).collect();
    all.join(", ")
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
    } else if name.len() > MAX_NAME_LEN {
        cx.error(
            sc.name.span(),
            format!(
                "syscall name `{}…` is {} characters long; names are at most {MAX_NAME_LEN}",
                &name[..16],
                name.len()
            ),
            None,
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
    let ret = validate_ret(cx, abi, &name, &sc.ret);
    let noreturn = sc.noreturn.as_ref().is_some_and(|n| *n.get_ref());
    let needs_unsafe = sc.needs_unsafe.as_ref().and_then(|n| {
        let reason = UnsafeReason::parse(n.get_ref());
        if reason.is_none() {
            let all: Vec<&str> = UnsafeReason::ALL.iter().map(|r| r.as_str()).collect();
            cx.error(
                n.span(),
                format!("unknown needs_unsafe reason `{}`", n.get_ref()),
                Some(format!(
                    "use one of: {} (tables/README.md says which calls take which)",
                    all.join(", ")
                )),
            );
        }
        reason
    });
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
        let mut regs = Registers::default();
        for raw_arg in raw_args.get_ref() {
            if let Some(arg) = validate_arg(cx, abi, &name, raw_arg.get_ref(), &mut regs) {
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
    if noreturn {
        // The no-return primitives take the exit status in the first register and nothing else.
        let span = sc.noreturn.as_ref().map_or(sc.name.span(), |n| n.span());
        let arg_count = sc.args.as_ref().map_or(0, |a| a.get_ref().len());
        if arg_count != 1 {
            cx.error(
                span.clone(),
                format!(
                    "`{name}` is flagged noreturn but takes {arg_count} arguments; a no-return system call takes exactly one (the exit status)"
                ),
                None,
            );
        }
        if let Some(v) = &sc.vdso {
            cx.error(
                v.span(),
                format!("`{name}` is flagged noreturn and names a vDSO function"),
                Some("a call that ends the thread or process always enters the kernel: remove `vdso`".into()),
            );
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
        if !VDSO_DROP_INS.contains(&name.as_str()) && name != VDSO_GETRANDOM && !noreturn {
            cx.error(
                raw.symbol.span(),
                format!(
                    "`{name}` cannot have a vDSO symbol: the expansion calls a vDSO function with the system call's own arguments, which is known to hold for {} only (and `getrandom` through its state-managing wrapper)",
                    VDSO_DROP_INS.join(", ")
                ),
                None,
            );
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
        ret: ret?,
        noreturn,
        needs_unsafe,
        vdso,
    })
}

/// `ret = "long"` (the kernel's `long`: every bit of the result register), or
/// `ret = { type = "ssize_t", kind = "i64" }`.
fn validate_ret(
    cx: &mut Ctxt<'_>,
    abi: Option<&Abi>,
    syscall: &str,
    raw: &Spanned<toml::Value>,
) -> Option<Ret> {
    let register_bits = abi.map_or(64, |a| a.register_bits);
    let help = || {
        Some(
            "write `ret = { type = \"<C return type>\", kind = \"i32\" }` (kinds i16 … u64), or \
             `ret = \"long\"` for the whole result register"
                .to_string(),
        )
    };
    let (c_type, kind) = match raw.get_ref() {
        toml::Value::String(s) if s == "long" => (
            "long".to_string(),
            ArgKind::Int {
                bits: register_bits as u8,
                signed: true,
            },
        ),
        toml::Value::Table(t)
            if t.len() == 2
                && matches!(t.get("type"), Some(toml::Value::String(_)))
                && matches!(t.get("kind"), Some(toml::Value::String(_))) =>
        {
            let c_type = t["type"].as_str().unwrap_or_default().to_string();
            let kind_str = t["kind"].as_str().unwrap_or_default();
            let kind = match ArgKind::parse(kind_str) {
                Some(k @ ArgKind::Int { .. }) => k,
                Some(_) => {
                    cx.error(
                        raw.span(),
                        format!("the return kind of `{syscall}` must be an integer, not `{kind_str}`"),
                        Some("a returned address is an unsigned integer of pointer width, e.g. `u64`".into()),
                    );
                    return None;
                }
                None => {
                    cx.error(
                        raw.span(),
                        format!("unknown return kind `{kind_str}` of `{syscall}`"),
                        help(),
                    );
                    return None;
                }
            };
            if c_type.trim().is_empty() {
                cx.error(
                    raw.span(),
                    format!("empty C return type of `{syscall}`"),
                    help(),
                );
                return None;
            }
            (c_type, kind)
        }
        toml::Value::String(other) => {
            cx.error(
                raw.span(),
                format!("unknown return `{other}` of `{syscall}`"),
                help(),
            );
            return None;
        }
        other => {
            cx.error(
                raw.span(),
                format!("the return of `{syscall}` is a {}", other.type_str()),
                help(),
            );
            return None;
        }
    };
    if kind.bits(0) > register_bits {
        cx.error(
            raw.span(),
            format!(
                "`{syscall}` returns {} bits, but the result register has {register_bits}",
                kind.bits(0)
            ),
            Some(
                "a system call returns one register; wider results come back through a pointer"
                    .into(),
            ),
        );
        return None;
    }
    Some(Ret { c_type, kind })
}

/// The argument registers handed out so far, in order.
#[derive(Default)]
struct Registers {
    used: [bool; MAX_ARG_REGS],
    /// The first register after the last argument.
    next: usize,
}

fn validate_arg(
    cx: &mut Ctxt<'_>,
    abi: Option<&Abi>,
    syscall: &str,
    raw: &RawArg,
    registers: &mut Registers,
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
    let mut reused = false;
    for r in regs_raw {
        match u8::try_from(*r.get_ref()) {
            Ok(reg) if usize::from(reg) < MAX_ARG_REGS => {
                if registers.used[usize::from(reg)] {
                    reused = true;
                    cx.error(
                        r.span(),
                        format!("register {reg} of `{syscall}` is used by two arguments"),
                        None,
                    );
                }
                registers.used[usize::from(reg)] = true;
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
        // Where the kernel reads this argument: the next register, or for a pair on Arm EABI
        // the next even one.
        let mut expected = registers.next;
        if split && abi.pair_alignment == PairAlignment::Even && expected % 2 == 1 {
            expected += 1;
        }
        registers.next = expected + wanted;
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
        } else if split && regs.len() == 2 && regs[1] != regs[0] + 1 {
            cx.error(
                raw.regs.span(),
                format!(
                    "register pair {:?} of `{syscall}` is not two consecutive registers",
                    regs
                ),
                None,
            );
        } else if split
            && regs.len() == 2
            && abi.pair_alignment == PairAlignment::Even
            && regs[0] % 2 != 0
        {
            cx.error(
                raw.regs.span(),
                format!(
                    "register pair {:?} of `{syscall}` starts at an odd register; {} aligns 64-bit arguments to an even pair",
                    regs, abi.name
                ),
                Some(format!("use [{}, {}] and leave r{} unused", regs[0] + 1, regs[0] + 2, regs[0])),
            );
        } else if regs.len() == wanted && !reused && usize::from(regs[0]) != expected {
            cx.error(
                raw.regs.span(),
                format!(
                    "argument `{name}` of `{syscall}` must be in register {expected}{}: the kernel reads arguments from consecutive registers in order{}",
                    if split { format!(" and {}", expected + 1) } else { String::new() },
                    if abi.pair_alignment == PairAlignment::Even { " (64-bit pairs from an even one)" } else { "" }
                ),
                None,
            );
        }
    }
    let pointee = raw.pointee.as_ref().map(|p| p.get_ref().clone());
    if let Some(p) = &raw.pointee {
        if !kind.is_pointer() {
            cx.error(
                p.span(),
                format!("argument `{name}` of `{syscall}` has a pointee but is not a pointer"),
                None,
            );
        } else if !p.get_ref().split("::").all(is_identifier) {
            cx.error(
                p.span(),
                format!("pointee `{}` is not a Rust path", p.get_ref()),
                Some("name a type of syscall_rt::uapi (`stat`, `net::sockaddr`), a primitive integer or `c_char`".into()),
            );
        }
    }
    let aligned = raw.aligned.as_ref().is_some_and(|a| *a.get_ref());
    if let Some(a) = raw
        .aligned
        .as_ref()
        .filter(|_| aligned && pointee.is_none())
    {
        cx.error(
            a.span(),
            format!("argument `{name}` of `{syscall}` is `aligned` without a pointee to align to"),
            None,
        );
    }
    (cx.errors.len() == errors_before).then(|| Arg {
        name,
        c_type: raw.c_type.get_ref().clone(),
        kind,
        regs,
        pointee,
        aligned,
    })
}

/// Whether `s` is a lowercase-or-digit identifier (`[a-zA-Z_][a-zA-Z0-9_]*`).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
