//! [`Table`] → TOML text, deterministic (the import tool writes `tables/` with it).

use std::fmt::Write as _;

use crate::model::{Syscall, Table};

/// A system-call number as the tables and the generated files write it: decimal below
/// 0x1000, hexadecimal from there (the x32 numbers carry 0x40000000).
pub fn format_number(n: u32) -> String {
    if n >= 0x1000 {
        format!("{n:#x}")
    } else {
        n.to_string()
    }
}

/// Quotes `s` as a TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(quote).collect();
    format!("[{}]", items.join(", "))
}

/// Renders a table as TOML, preceded by `header` (each line already a `#` comment).
/// Entries keep their order; the output is byte-identical for equal inputs.
pub fn to_toml(table: &Table, header: &str) -> String {
    let a = &table.abi;
    let mut out = String::new();
    out.push_str(header);
    if !header.is_empty() && !header.ends_with('\n') {
        out.push('\n');
    }
    let number = format_number;
    let _ = writeln!(out, "[abi]");
    let _ = writeln!(out, "name = {}", quote(&a.name));
    let _ = writeln!(out, "target_arch = {}", quote(&a.target_arch));
    let _ = writeln!(out, "target_pointer_width = {}", a.target_pointer_width);
    let _ = writeln!(out, "register_bits = {}", a.register_bits);
    let _ = writeln!(out, "kernel = {}", quote(&a.kernel));
    let _ = writeln!(
        out,
        "tags = {}",
        quoted_list(a.tags.iter().map(String::as_str))
    );
    let _ = writeln!(out, "number_min = {}", number(a.number_min));
    let _ = writeln!(out, "number_max = {}", number(a.number_max));
    let _ = writeln!(out, "pair_alignment = {}", quote(a.pair_alignment.as_str()));
    let _ = writeln!(
        out,
        "mechanisms = {}",
        quoted_list(a.mechanisms.iter().map(|m| m.as_str()))
    );
    let _ = writeln!(
        out,
        "default_mechanism = {}",
        quote(a.default_mechanism.as_str())
    );
    for s in &table.syscalls {
        out.push('\n');
        write_syscall(&mut out, s, &number);
    }
    out
}

fn write_syscall(out: &mut String, s: &Syscall, number: &dyn Fn(u32) -> String) {
    let _ = writeln!(out, "[[syscall]]");
    let _ = writeln!(out, "name = {}", quote(&s.name));
    let _ = writeln!(out, "number = {}", number(s.number));
    if let Some(entry) = &s.entry {
        let _ = writeln!(out, "entry = {}", quote(entry));
    }
    let _ = writeln!(
        out,
        "ret = {{ type = {}, kind = {} }}",
        quote(&s.ret.c_type),
        quote(s.ret.kind.as_str())
    );
    if s.args.is_empty() {
        let _ = writeln!(out, "args = []");
    } else {
        let _ = writeln!(out, "args = [");
        for arg in &s.args {
            let regs: Vec<String> = arg.regs.iter().map(u8::to_string).collect();
            let mut extra = String::new();
            if let Some(p) = &arg.pointee {
                let _ = write!(extra, ", pointee = {}", quote(p));
            }
            if arg.aligned {
                extra.push_str(", aligned = true");
            }
            let _ = writeln!(
                out,
                "  {{ name = {}, type = {}, kind = {}, regs = [{}]{extra} }},",
                quote(&arg.name),
                quote(&arg.c_type),
                quote(arg.kind.as_str()),
                regs.join(", ")
            );
        }
        let _ = writeln!(out, "]");
    }
    if s.noreturn {
        let _ = writeln!(out, "noreturn = true");
    }
    if let Some(reason) = s.needs_unsafe {
        let _ = writeln!(out, "needs_unsafe = {}", quote(reason.as_str()));
    }
    if let Some(v) = &s.vdso {
        let _ = writeln!(
            out,
            "vdso = {{ symbol = {}, version = {} }}",
            quote(&v.symbol),
            quote(&v.version)
        );
    }
}
