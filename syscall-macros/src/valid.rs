//! Stage 2, validate: a [`Decl`] against one ABI's table, into a [`Plan`] — or the errors that
//! this ABI's `#[cfg]` branch will report, spanned on the user's tokens.

use proc_macro2::Span;
use syscall_table::{Arg, ArgKind, Mechanism, Syscall, Table};

use crate::ast::{self, Decl, Error, RetShape, RetTy, RustTy};

/// How one ABI's branch calls the kernel.
pub struct Plan<'t> {
    /// The ABI compiled for.
    pub table: &'t Table,
    /// The table whose number and registers are used: the target's, or i386's for `int80` from
    /// x86_64.
    pub number_table: &'t Table,
    /// The entry in `number_table`.
    pub syscall: &'t Syscall,
    /// The mechanism; for `Vdso`, [`Plan::fallback`] is the kernel entry when the symbol is missing.
    pub mechanism: Mechanism,
    /// The kernel entry used by the vDSO path when the symbol is missing.
    pub fallback: Mechanism,
}

/// Checks `decl` against `table`. Every problem is reported, not only the first.
pub fn plan<'t>(decl: &Decl, table: &'t Table) -> Result<Plan<'t>, Vec<Error>> {
    let abi = &table.abi;
    let name = decl.syscall_name();
    let name_span = decl.name_span();
    let via_span = decl.options.via.as_ref().map(|(_, span)| *span);
    let mut errors = Vec::new();

    // The mechanism, and the table that numbers the call for it.
    let requested = decl.options.via.as_ref().map(|(m, _)| *m);
    if let Some(m) = requested {
        if !abi.has(m) {
            let offered: Vec<&str> = abi.mechanisms.iter().map(|m| m.as_str()).collect();
            let hint = match (m, abi.target_arch.as_str()) {
                (Mechanism::Sysenter, "x86_64") => {
                    " (`sysenter` is the 32-bit x86 entry; on x86_64 the fast entry is `syscall`)"
                }
                (Mechanism::Int80, _) if abi.name == "x32" => {
                    " (`int 0x80` from x32 code would enter the i386 ABI with 64-bit pointers)"
                }
                _ => "",
            };
            return Err(vec![Error::new(
                via_span.unwrap_or(name_span),
                format!(
                    "`via = \"{m}\"` is not available on {}{hint}; this ABI offers: {}",
                    abi.name,
                    offered.join(", ")
                ),
            )]);
        }
    }
    let int80_from_64 = requested == Some(Mechanism::Int80) && abi.target_arch == "x86_64";
    let number_table = if int80_from_64 {
        syscall_table::embedded("x86").expect("the i386 table is embedded")
    } else {
        table
    };
    let Some(syscall) = number_table.by_name(&name) else {
        return Err(vec![unknown_here(
            &name,
            name_span,
            number_table,
            int80_from_64,
        )]);
    };
    if syscall.entry.is_none() {
        return Err(vec![Error::new(
            name_span,
            format!(
                "`{name}` is a reserved number ({}) on {} that the kernel does not implement: it always fails with ENOSYS",
                syscall.number, number_table.abi.name
            ),
        )]);
    }
    let mechanism = match requested {
        Some(Mechanism::Vdso) if syscall.vdso.is_none() => {
            errors.push(Error::new(
                via_span.unwrap_or(name_span),
                format!(
                    "`{name}` has no vDSO function on {}; remove `via = \"vdso\"` to use `{}`",
                    abi.name, abi.default_mechanism
                ),
            ));
            Mechanism::Vdso
        }
        Some(m) => m,
        None if syscall.vdso.is_some() && abi.has(Mechanism::Vdso) => Mechanism::Vdso,
        None => abi.default_mechanism,
    };

    check_args(decl, syscall, number_table, int80_from_64, &mut errors);

    if decl.unsafety.is_none() && syscall.requires_unsafe() {
        let why = match syscall.needs_unsafe {
            Some(reason) => reason.explanation().to_string(),
            None => "it takes pointers the kernel reads or writes through".to_string(),
        };
        errors.push(Error::new(
            decl.fn_span,
            format!("`{name}` must be declared `unsafe fn`: {why}"),
        ));
    }

    if let RetShape::Raw(ret) | RetShape::Result(Some(ret)) = &decl.ret {
        if let Some(e) = check_return(ret, syscall, number_table, table.abi.target_pointer_width) {
            errors.push(e);
        }
    }

    match (&decl.ret, syscall.noreturn) {
        (RetShape::Never, false) => errors.push(Error::new(
            decl.ret_span,
            format!("`{name}` returns: `!` is only for system calls that never return (`exit`, `exit_group`)"),
        )),
        (RetShape::Raw(_) | RetShape::Result(_), true) => errors.push(Error::new(
            decl.ret_span,
            format!("`{name}` never returns on success: declare it `-> !`"),
        )),
        _ => {}
    }

    if errors.is_empty() {
        Ok(Plan {
            table,
            number_table,
            syscall,
            mechanism,
            fallback: abi.default_mechanism,
        })
    } else {
        Err(errors)
    }
}

/// A name as shown in a message: cut after [`syscall_table::MAX_NAME_LEN`] characters (a name
/// that long is no system call's, and gets no "did you mean" search either).
pub fn shown(name: &str) -> String {
    match name.char_indices().nth(syscall_table::MAX_NAME_LEN) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_string(),
    }
}

/// The error for a name this ABI lacks, naming the replacement where there is one.
fn unknown_here(name: &str, span: Span, table: &Table, int80_from_64: bool) -> Error {
    let abi = &table.abi.name;
    let shown = shown(name);
    if int80_from_64 {
        return Error::new(
            span,
            format!(
                "`{shown}` has no i386 number, which `via = \"int80\"` uses from x86_64; use the default `syscall`"
            ),
        );
    }
    if let Some(alt) = syscall_table::replacement(name).filter(|alt| table.by_name(alt).is_some()) {
        return Error::new(
            span,
            format!("`{shown}` does not exist on {abi}; use `{alt}` instead"),
        );
    }
    match table.closest(name, 1).first() {
        Some(close) => Error::new(
            span,
            format!("no system call `{shown}` on {abi}; did you mean `{close}`?"),
        ),
        None => Error::new(span, format!("no system call `{shown}` on {abi}")),
    }
}

fn check_args(
    decl: &Decl,
    syscall: &Syscall,
    table: &Table,
    int80_from_64: bool,
    errors: &mut Vec<Error>,
) {
    let abi = &table.abi.name;
    let want = syscall.args.len();
    let got = decl.args.len();
    if got != want {
        let span = if got > want {
            decl.args[want].ident.span()
        } else {
            decl.params_span
        };
        errors.push(Error::new(
            span,
            format!(
                "`{}` takes {want} argument{} on {abi}, found {got}: {}",
                syscall.name,
                if want == 1 { "" } else { "s" },
                syscall.prototype()
            ),
        ));
        return;
    }
    // int80 from 64-bit code truncates every register to 32 bits: refuse what would not fit.
    let width = if int80_from_64 {
        64
    } else {
        table.abi.target_pointer_width
    };
    for (arg, k) in decl.args.iter().zip(&syscall.args) {
        if int80_from_64 {
            if matches!(arg.rust, RustTy::Ptr { .. }) || k.kind.is_pointer() {
                errors.push(Error::spanned(
                    &arg.ty,
                    format!(
                        "`via = \"int80\"` from x86_64 truncates arguments to 32 bits: a pointer (`{}` of `{}`) would lose its upper half; use the default `syscall`",
                        k.name, syscall.name
                    ),
                ));
                continue;
            }
            if arg.rust.bits(width).is_some_and(|b| b > 32) || k.regs.len() > 1 {
                errors.push(Error::spanned(
                    &arg.ty,
                    format!(
                        "`via = \"int80\"` from x86_64 truncates arguments to 32 bits: declare `{}` as a 32-bit integer (`i32`/`u32`), or use the default `syscall`",
                        arg.ident
                    ),
                ));
                continue;
            }
        }
        if let Some(e) = check_arg(arg.rust, &arg.ty, k, &syscall.name, abi, width) {
            errors.push(e);
        }
    }
}

/// Whether a return type holds the call's result: at least as wide as the table's return kind
/// (wider is fine: the value is extended by the kind). `None` when it does.
fn check_return(
    ret: &RetTy,
    syscall: &Syscall,
    number_table: &Table,
    pointer_width: u32,
) -> Option<Error> {
    let have = ret.rust.bits(pointer_width)?; // an alias: checked by `FromRet` in the expansion
    let want = syscall.ret.bits();
    (have < want).then(|| {
        Error::spanned(
            &ret.ty,
            format!(
                "`{}` returns `{}`, {want} bits on {}; `{}` is too narrow ({have} bits) and would truncate it",
                syscall.name,
                syscall.ret.c_type,
                number_table.abi.name,
                ast::shown(&ret.ty)
            ),
        )
    })
}

/// Whether a Rust argument type fits the table's kind. `None` when it does.
fn check_arg(
    rust: RustTy,
    ty: &proc_macro2::TokenStream,
    k: &Arg,
    syscall: &str,
    abi: &str,
    pointer_width: u32,
) -> Option<Error> {
    let err = |msg: String| Some(Error::spanned(ty, msg));
    let what = format!("`{}` of `{syscall}` (C type `{}`)", k.name, k.c_type);
    match (rust, k.kind) {
        (RustTy::Ptr { .. }, ArgKind::Int { bits, .. }) => err(format!(
            "{what} is a {bits}-bit integer on {abi}, found a pointer"
        )),
        (RustTy::Int { .. } | RustTy::Alias, ArgKind::PtrConst) => err(format!(
            "{what} is a pointer the kernel reads: declare it `*const T`"
        )),
        (RustTy::Int { .. } | RustTy::Alias, ArgKind::PtrMut) => err(format!(
            "{what} is a pointer the kernel writes through: declare it `*mut T`"
        )),
        (RustTy::Ptr { mutable: false }, ArgKind::PtrMut) => err(format!(
            "the kernel writes through {what}: declare it `*mut T`, not `*const T`"
        )),
        (RustTy::Ptr { .. }, ArgKind::PtrConst | ArgKind::PtrMut) => None,
        (RustTy::Alias, ArgKind::Int { .. }) => None, // checked by `IntArg<BITS>` in the expansion
        (RustTy::Int { .. }, ArgKind::Int { bits, .. }) => {
            let have = rust.bits(pointer_width).unwrap_or(0);
            let bits = u32::from(bits);
            // A 16-bit kind (umode_t, old uid_t) also takes a 32-bit value: C passes it promoted.
            let fits = have == bits || (bits == 16 && have == 32);
            if fits {
                None
            } else if have < bits {
                err(format!(
                    "{what} is {bits} bits on {abi}; `{}` is too narrow ({have} bits)",
                    ast::shown(ty)
                ))
            } else {
                err(format!(
                    "{what} is {bits} bits on {abi}; `{}` is too wide ({have} bits) and would be truncated",
                    ast::shown(ty)
                ))
            }
        }
    }
}
