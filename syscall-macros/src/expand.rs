//! Stage 3, expand: one `#[cfg]`-gated function per ABI table (and per combination of `#[cfg]`
//! parameters), calling the raw primitives of `syscall_rt::__private::<arch>` (each
//! `#[inline(always)]` around a single `asm!`), so that the optimized code is the entry
//! instruction with its registers and nothing else.
//!
//! Hygiene: the expansion binds no local variable and names nothing by a relative path. Every
//! conversion is a call to `__private` through the runtime crate's absolute path (resolved even
//! when the dependency is renamed) and every primitive type is `::core::primitive::…`, so no
//! `type u64 = u32;`, unit struct or constant of the user's scope can change what reaches the
//! kernel. The user's own types appear only where the user wrote them and in trait-qualified
//! conversions (`<T as IntArg<32>>`), which refuse a type that is not of the kernel's width.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syscall_table::{ArgKind, Mechanism, Table};

use crate::ast::{self, Decl, Error, RetShape, RustTy};
use crate::valid::{self, Plan};

/// The whole attribute: parse, validate per table, expand.
pub fn fast_syscall(args: TokenStream, input: TokenStream) -> TokenStream {
    let decl = match ast::parse_options(args).and_then(|o| ast::parse_decl(o, input.clone())) {
        Ok(decl) => decl,
        Err(errors) => {
            let mut out = ast::to_compile_errors(&errors);
            out.extend(lenient_fallback(input));
            return out;
        }
    };
    let krate = runtime_crate();
    let (tables, mut out) = match select_tables(&decl) {
        Ok(selected) => selected,
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(fallback(&decl, &quote! { all() }));
            return out;
        }
    };
    let name = decl.syscall_name();
    // `int80` from x86_64 numbers its calls by the i386 table, which `abi = "x86_64"` leaves out.
    let i386 = matches!(decl.options.via, Some((Mechanism::Int80, _)))
        .then(|| syscall_table::embedded("x86"))
        .flatten();
    if tables
        .iter()
        .chain(&i386)
        .all(|t| t.by_name(&name).is_none())
    {
        out.extend(unknown_everywhere(&decl, &name, &tables));
        out.extend(fallback(&decl, &quote! { all() }));
        return out;
    }
    let variants = cfg_variants(&decl);
    let mut cfgs = Vec::new();
    for table in &tables {
        let table_cfg = cfg_of(table);
        for (variant, params_cfg) in &variants {
            let cfg = match params_cfg {
                Some(p) => quote! { all(#table_cfg, #p) },
                None => table_cfg.clone(),
            };
            match valid::plan(variant, table) {
                Ok(plan) => {
                    let item = function(&decl, body(variant, &plan, &krate));
                    out.extend(quote! { #[cfg(#cfg)] #item });
                }
                Err(errors) => {
                    for e in errors {
                        let e = e.to_compile_error();
                        out.extend(quote! { #[cfg(#cfg)] #e });
                    }
                    out.extend(fallback(&decl, &cfg));
                }
            }
        }
        cfgs.push(table_cfg);
    }
    if decl.options.abi.is_some() {
        // Declared for one ABI only: elsewhere the function simply does not exist.
        return out;
    }
    let unsupported = quote! { not(any(#(#cfgs),*)) };
    let msg = "fast_syscall: no system-call table for this target; supported: x86_64, x32, x86 (i386), aarch64, arm (EABI), riscv64, riscv32 on Linux";
    out.extend(quote! { #[cfg(#unsupported)] ::core::compile_error!(#msg); });
    out.extend(fallback(&decl, &unsupported));
    out
}

/// The path of the runtime crate in the user's crate: `::syscall_rt`, or the name the user's
/// `Cargo.toml` gives it (`rt = { package = "syscall-rt" }` → `::rt`).
fn runtime_crate() -> TokenStream {
    let ident = Ident::new(&crate::crate_path::runtime_crate_name(), Span::call_site());
    quote! { ::#ident }
}

/// Every combination of the parameters that carry `#[cfg]`: the declaration with just those
/// parameters, and the predicate under which exactly they exist (`None` without `#[cfg]`
/// parameters). The signature keeps its attributes, so rustc removes the same parameters.
fn cfg_variants(decl: &Decl) -> Vec<(Decl, Option<TokenStream>)> {
    let conditional: Vec<usize> = (0..decl.args.len())
        .filter(|&i| decl.args[i].cfg.is_some())
        .collect();
    if conditional.is_empty() {
        return vec![(decl.clone(), None)];
    }
    (0..1u32 << conditional.len())
        .map(|mask| {
            let mut variant = decl.clone();
            let mut predicates = Vec::new();
            let mut keep = vec![true; decl.args.len()];
            for (bit, &i) in conditional.iter().enumerate() {
                let p = decl.args[i].cfg.as_ref().expect("conditional");
                if mask & (1 << bit) != 0 {
                    predicates.push(quote! { #p });
                } else {
                    keep[i] = false;
                    predicates.push(quote! { not(#p) });
                }
            }
            let mut index = 0;
            variant.args.retain(|_| {
                index += 1;
                keep[index - 1]
            });
            (variant, Some(quote! { all(#(#predicates),*) }))
        })
        .collect()
}

/// The tables to expand for: the embedded ones, the one of `table = "…"` in place of the embedded
/// table of its architecture, and only the one named by `abi = "…"`. Also returns the tokens that
/// make rustc rebuild when a `table` file changes.
fn select_tables(decl: &Decl) -> Result<(Vec<&'static Table>, TokenStream), Error> {
    // With `abi = "…"` only that table is parsed (the generated API uses it: one table per crate).
    let mut tables: Vec<&'static Table> = match decl
        .options
        .abi
        .as_ref()
        .and_then(|(abi, _)| syscall_table::embedded(abi))
    {
        Some(one) => vec![one],
        None => syscall_table::embedded_tables(),
    };
    let mut track = TokenStream::new();
    if let Some((file, span)) = &decl.options.table {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
        let path = std::path::Path::new(&dir).join(file);
        let user = load_user_table(&path).map_err(|e| Error::new(*span, e))?;
        let path_str = path.to_string_lossy().into_owned();
        // include_bytes! makes the file an input of this crate: editing it rebuilds.
        track = quote! { const _: &[::core::primitive::u8] = ::core::include_bytes!(#path_str); };
        let same_target = |t: &Table| {
            t.abi.target_arch == user.abi.target_arch
                && t.abi.target_pointer_width == user.abi.target_pointer_width
        };
        tables.retain(|t| !same_target(t));
        tables.push(user);
    }
    if let Some((want, span)) = &decl.options.abi {
        let want = want.clone();
        if !tables.iter().any(|t| t.abi.name == want) {
            let names: Vec<&str> = tables.iter().map(|t| t.abi.name.as_str()).collect();
            return Err(Error::new(
                *span,
                format!(
                    "unknown ABI `{}`; the tables are: {}",
                    valid::shown(&want),
                    names.join(", ")
                ),
            ));
        }
        tables.retain(|t| t.abi.name == want);
    }
    Ok((tables, track))
}

/// The table of `table = "…"`, read and validated once per compiler process.
#[cfg(feature = "user-tables")]
fn load_user_table(path: &std::path::Path) -> Result<&'static Table, String> {
    crate::user_table::load(path)
}

/// Without the parser, `table = "…"` says which feature adds it.
#[cfg(not(feature = "user-tables"))]
fn load_user_table(_: &std::path::Path) -> Result<&'static Table, String> {
    Err(
        "`table = \"…\"` needs the `user-tables` feature of syscall-rt (it adds the table parser \
         to the build): syscall-rt = { version = \"…\", features = [\"user-tables\"] }"
            .to_string(),
    )
}

/// `target_arch` and pointer width select a table (x32 is x86_64 with 32-bit pointers).
fn cfg_of(table: &Table) -> TokenStream {
    let arch = &table.abi.target_arch;
    let width = table.abi.target_pointer_width.to_string();
    quote! { all(target_os = "linux", target_arch = #arch, target_pointer_width = #width) }
}

/// The module of `syscall_rt::__private` holding the primitives of `table`'s architecture.
fn arch_module(table: &Table) -> Ident {
    let name = match table.abi.target_arch.as_str() {
        "riscv32" | "riscv64" => "riscv",
        other => other,
    };
    Ident::new(name, Span::call_site())
}

/// The error for a name that no table has, with the closest names of the likeliest target.
fn unknown_everywhere(decl: &Decl, name: &str, tables: &[&Table]) -> TokenStream {
    let span = decl.name_span();
    let mut close: Vec<&str> = tables.iter().flat_map(|t| t.closest(name, 2)).collect();
    close.sort_by_key(|c| (syscall_table::edit_distance(name, c), *c));
    close.dedup();
    let shown = valid::shown(name);
    let msg = match close.first() {
        Some(c) => format!("no system call named `{shown}` in any table; did you mean `{c}`?"),
        None => format!(
            "no system call named `{shown}` in any table (use `name = \"…\"` when the function is named differently)"
        ),
    };
    Error::new(span, msg).to_compile_error()
}

/// The declaration with `body`, `#[inline]` unless the user chose, and the user's attributes.
fn function(decl: &Decl, body: TokenStream) -> TokenStream {
    let attrs = decl.attrs.iter().map(|a| &a.tokens);
    let sig = &decl.sig;
    let inline = if decl.attrs.iter().any(|a| a.is("inline")) {
        quote! {}
    } else {
        quote! { #[inline] }
    };
    quote! {
        #(#attrs)*
        #inline
        #[allow(
            unused_unsafe,
            clippy::unnecessary_cast,
            clippy::cast_lossless,
            clippy::cast_possible_truncation,
            clippy::cast_possible_wrap,
            clippy::cast_sign_loss
        )]
        #sig #body
    }
}

/// Beside a `compile_error!`, the same signature with a body that never runs, so that callers
/// do not get a second, misleading error (the `thiserror` fallback idea).
fn fallback(decl: &Decl, cfg: &TokenStream) -> TokenStream {
    let attrs = decl.attrs.iter().filter(|a| a.is("doc")).map(|a| &a.tokens);
    let sig = &decl.sig;
    quote! {
        #[cfg(#cfg)]
        #(#attrs)*
        #[allow(unused_variables, clippy::diverging_sub_expression)]
        #sig {
            ::core::unreachable!("fast_syscall: this declaration did not compile")
        }
    }
}

/// After a parse error: the declaration with a body that never runs, when it still reads as a
/// free function (so that uses of it and of its types report nothing more), else nothing.
fn lenient_fallback(input: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = input.into_iter().collect();
    let ends_with_semicolon =
        matches!(tokens.last(), Some(TokenTree::Punct(p)) if p.as_char() == ';');
    let has_fn = tokens
        .iter()
        .any(|t| matches!(t, TokenTree::Ident(i) if i == "fn"));
    // `self` or `...` in the parameters would make the fallback itself an error.
    let odd_params = tokens.iter().any(|t| match t {
        TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Parenthesis => {
            let text = g.stream().to_string();
            text.contains("self") || text.contains(". . .") || text.contains("...")
        }
        _ => false,
    });
    if !ends_with_semicolon || !has_fn || odd_params {
        return TokenStream::new();
    }
    tokens.pop();
    let sig: TokenStream = tokens.into_iter().collect();
    quote! {
        #[allow(unused_variables, clippy::diverging_sub_expression)]
        #sig {
            ::core::unreachable!("fast_syscall: this declaration did not compile")
        }
    }
}

/// The primitive for a kernel-entry `mechanism` with `n` argument registers (the vDSO path
/// calls a function of the image instead, see [`body`]).
fn primitive(mechanism: Mechanism, n: usize, noreturn: bool) -> Ident {
    let base = match mechanism {
        Mechanism::Syscall => "syscall",
        Mechanism::Sysenter => "sysenter",
        Mechanism::Int80 => "int80_",
        Mechanism::Svc => "svc",
        Mechanism::Ecall => "ecall",
        // `valid::plan` never makes the vDSO the kernel entry (the fallback is the ABI's default
        // mechanism, never `vdso`: a validation rule of the table header).
        Mechanism::Vdso => "vdso_has_no_primitive",
    };
    if noreturn {
        format_ident!("{base}{n}_noreturn")
    } else {
        format_ident!("{base}{n}")
    }
}

fn u32_lit(n: u32) -> proc_macro2::Literal {
    proc_macro2::Literal::u32_unsuffixed(n)
}

/// The function body for one ABI.
fn body(decl: &Decl, plan: &Plan<'_>, krate: &TokenStream) -> TokenStream {
    let arch = arch_module(plan.table);
    let p = quote! { #krate::__private };
    let int80_from_64 = plan.number_table.abi.name != plan.table.abi.name;
    // The register type of the primitives: i386 registers for int80 from 64-bit code.
    let reg = if int80_from_64 {
        quote! { ::core::primitive::u32 }
    } else {
        quote! { #p::#arch::Reg }
    };
    // riscv64's C ABI (the vDSO is a C function) wants 32-bit values sign-extended, also
    // unsigned ones; the kernel truncates them either way.
    let sign_extend_32 = plan.table.abi.target_arch == "riscv64";

    // One expression per argument register; holes (Arm's even-pair padding) are 0.
    let used = plan.syscall.regs_used();
    let mut slots: Vec<TokenStream> = vec![quote! { 0 }; used];
    for (arg, k) in decl.args.iter().zip(&plan.syscall.args) {
        let ident = &arg.ident;
        let ty = &arg.ty;
        let wide = match (arg.rust, k.kind) {
            (RustTy::Ptr { .. }, _) => quote! { #p::ptr(#ident) },
            (_, ArgKind::Int { bits, signed }) => {
                let bits = u32::from(bits);
                let signed = signed || (sign_extend_32 && bits == 32);
                let bits_lit = u32_lit(bits);
                // Spanned on the user's type: a type of the wrong width is reported there.
                let value = quote_spanned! { ty_span(ty) =>
                    <#ty as #p::IntArg<#bits_lit>>::to_u64(#ident)
                };
                quote! { #p::widen::<#bits_lit, #signed>(#value) }
            }
            // Refused by validation (an integer for a pointer); unreachable for a valid plan.
            (_, ArgKind::PtrConst | ArgKind::PtrMut) => quote! { 0 },
        };
        match k.regs.as_slice() {
            [r] => slots[usize::from(*r)] = quote! { #wide as #reg },
            [lo, hi] => {
                slots[usize::from(*lo)] = quote! { #p::low_word(#wide) as #reg };
                slots[usize::from(*hi)] = quote! { #p::high_word(#wide) as #reg };
            }
            // A table with another count of registers fails validation.
            _ => {}
        }
    }
    let nr = u32_lit(plan.syscall.number);
    let mut checks = layout_checks(decl, plan, &p);
    checks.push(record(plan));

    if matches!(decl.ret, RetShape::Never) {
        let prim = primitive(plan.mechanism, 1, true);
        // Validated: a no-return call takes exactly one argument, in the first register.
        let a0 = slots.first().cloned().unwrap_or_else(|| quote! { 0 });
        return quote! {{
            #(#checks)*
            unsafe { #p::#arch::#prim(#nr, #a0) }
        }};
    }

    let kernel = |mechanism: Mechanism| {
        let f = primitive(mechanism, used, false);
        quote! { #p::#arch::#f(#nr #(, #slots)*) }
    };
    let call = match (&plan.syscall.vdso, plan.mechanism) {
        (Some(vdso), Mechanism::Vdso) => {
            let vdso_fn = Ident::new("VDSO_FN", Span::mixed_site());
            let symbol = proc_macro2::Literal::byte_string(format!("{}\0", vdso.symbol).as_bytes());
            let version =
                proc_macro2::Literal::byte_string(format!("{}\0", vdso.version).as_bytes());
            let fallback = kernel(plan.fallback);
            if plan.syscall.name == syscall_table::VDSO_GETRANDOM {
                // vgetrandom takes an opaque per-thread state too: syscall-rt's wrapper manages
                // it and falls back to the kernel entry where the vDSO declines.
                quote! {{
                    static #vdso_fn: #p::VdsoFn = #p::VdsoFn::new(#symbol, #version);
                    #vdso_fn.getrandom(#(#slots,)* || #fallback)
                }}
            } else {
                let method = format_ident!("call{}", used);
                // The vDSO function returns a C `int`, or a register-wide value (`time_t`).
                let long = plan.syscall.ret.bits() > 32;
                quote! {{
                    static #vdso_fn: #p::VdsoFn = #p::VdsoFn::new(#symbol, #version);
                    #vdso_fn.#method::<_, #long>(#(#slots,)* || #fallback)
                }}
            }
        }
        _ => kernel(plan.mechanism),
    };
    // int 0x80 from x86_64 returns the i386 ABI's 32-bit result (sign-extended by the primitive):
    // back to 32 bits, then extended by the return kind like any 32-bit register.
    let call = if int80_from_64 {
        quote! { (unsafe { #call }) as ::core::primitive::u32 }
    } else {
        quote! { unsafe { #call } }
    };

    let bits = u32_lit(plan.syscall.ret.bits());
    let signed = plan.syscall.ret.signed();
    let span = decl.ret_span;
    let decode = match &decl.ret {
        RetShape::Raw(_) => quote_spanned! { span => #p::ret::<_, _, #bits, #signed> },
        RetShape::Result(Some(_)) => quote_spanned! { span => #p::result::<_, _, #bits, #signed> },
        RetShape::Result(None) => quote! { #p::result_unit },
        RetShape::Never => quote! {}, // returned above
    };
    quote! {{
        #(#checks)*
        #decode(#call)
    }}
}

/// The record of this call in the binary (the registry behind `syscall_rt::registry` and
/// `syscall-table manifest`): an ELF note in an input section of its own, kept by the linker
/// exactly when the code making the call is, through a `R_*_NONE` relocation from the call site
/// to the note (`--gc-sections` keeps a section that live code relocates against and drops the
/// rest). The section is alone in a (non-COMDAT) section group: GNU ld and lld keep every note
/// section that is in no group, whatever refers to it, and collect grouped ones like code
/// (measured: a plain note section survived in a binary whose only reference to it was dead).
/// All are named `.note.fast_syscall`, so the kept ones make one output section. The note is
/// data in another section: the stub gains no instruction. Identical records of one object file
/// share one section (the group's label is the record's content, defined once: `.ifndef`), so a
/// stub inlined into many callers records once per object file.
///
/// The note: owner `fast-syscall`, type 1, desc = `u32 AUDIT_ARCH`, `u32` number, `u8`
/// mechanism (1 `syscall`, 2 `int80`, 3 `sysenter`, 4 `svc`, 5 `ecall`), `u8` flags (bit 0:
/// through the vDSO first, the mechanism is its kernel fallback), `u8` ABI name length, `u8`
/// call name length, the two names. A vDSO call records its kernel fallback; `int80` from
/// x86_64 records the i386 ABI, number and `AUDIT_ARCH`.
fn record(plan: &Plan<'_>) -> TokenStream {
    let abi = &plan.number_table.abi;
    let audit_arch = syscall_table::arch_rules(&abi.target_arch).map_or(0, |r| r.audit_arch);
    let (entry, via_vdso) = match plan.mechanism {
        Mechanism::Vdso => (plan.fallback, 1u8),
        other => (other, 0u8),
    };
    let mechanism: u8 = match entry {
        Mechanism::Syscall => 1,
        Mechanism::Int80 => 2,
        Mechanism::Sysenter => 3,
        Mechanism::Svc => 4,
        Mechanism::Ecall => 5,
        // A vDSO fallback is always a kernel entry (a table rule).
        Mechanism::Vdso => 0,
    };
    let name = &plan.syscall.name;
    // Names are at most 64 bytes (tables refuse longer ones).
    let (abi_len, name_len) = (abi.name.len().min(255), name.len().min(255));
    let bytes: Vec<String> = abi
        .name
        .bytes()
        .take(abi_len)
        .chain(name.bytes().take(name_len))
        .map(|b| b.to_string())
        .collect();
    let label_safe = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("_{b:02x}")
                }
            })
            .collect()
    };
    let key = format!(
        "{}.{}.{}.{mechanism}.{via_vdso}",
        label_safe(&abi.name),
        label_safe(name),
        plan.syscall.number
    );
    let descsz = 12 + abi_len + name_len;
    let template = format!(
        ".pushsection .note.fast_syscall,\"aG\",%note,.Lfast_syscall.{key}\n\
         .ifndef .Lfast_syscall.{key}\n\
         .balign 4\n\
         .Lfast_syscall.{key}:\n\
         .long 13, {descsz}, 1\n\
         .asciz \"fast-syscall\"\n\
         .balign 4\n\
         .long {audit_arch}, {number}\n\
         .byte {mechanism}, {via_vdso}, {abi_len}, {name_len}, {bytes}\n\
         .balign 4\n\
         .endif\n\
         .popsection\n\
         .reloc ., BFD_RELOC_NONE, .Lfast_syscall.{key}",
        number = plan.syscall.number,
        bytes = bytes.join(", "),
    );
    quote! {
        unsafe {
            ::core::arch::asm!(#template, options(nomem, nostack, preserves_flags))
        };
    }
}

/// Pointee names that mean "untyped memory": accepted for any kernel pointee.
const UNTYPED: &[&str] = &["c_void", "u8", "i8", "c_char", "c_uchar", "c_schar"];

/// For every pointer whose kernel pointee has a type, a `const` item that fails the build when
/// the declaration's pointee has another size (or, where the kernel needs it, a smaller
/// alignment) on this ABI, spanned on the declaration's type. Untyped pointees (`c_void`, bytes)
/// and unsized ones (`[u8]`) are not checked.
fn layout_checks(decl: &Decl, plan: &Plan<'_>, p: &TokenStream) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    for (arg, k) in decl.args.iter().zip(&plan.syscall.args) {
        let Some((_, user)) = ast::pointer(&arg.ty) else {
            continue;
        };
        let kernel = match k.pointee_kind() {
            Some(syscall_table::PointeeKind::Uapi(path)) => {
                let segments = path.split("::").map(|s| Ident::new(s, Span::call_site()));
                quote! { #p::uapi_root #(::#segments)* }
            }
            Some(syscall_table::PointeeKind::Primitive(name)) => {
                let ident = Ident::new(name, Span::call_site());
                quote! { ::core::primitive::#ident }
            }
            Some(syscall_table::PointeeKind::CChar) | None => continue,
        };
        if untyped(&user) {
            continue;
        }
        let kernel_type = k
            .c_type
            .replace("__user", "")
            .trim_end_matches('*')
            .trim()
            .trim_start_matches("const ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let param = arg.ident.to_string();
        let call = &plan.syscall.name;
        let abi = &plan.table.abi.name;
        let shown = ast::shown(&user);
        let aligned = k.aligned;
        // Every token on the user's pointee, so that the failed evaluation is reported there.
        let span = ty_span(&user);
        let (p, kernel) = (respan(p.clone(), span), respan(kernel, span));
        checks.push(quote_spanned! { span =>
            const _: () = #p::check_pointee::<#user, #kernel>(
                #param, #call, #kernel_type, #abi, #shown, #aligned,
            );
        });
    }
    checks
}

/// Whether a pointee means "untyped memory" (`c_void`, bytes) or is unsized (`[u8]`, `dyn`):
/// accepted for any kernel pointee.
fn untyped(pointee: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = ast::unwrap(pointee).into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Group(g)] if g.delimiter() == proc_macro2::Delimiter::Bracket => !g
            .stream()
            .into_iter()
            .any(|t| matches!(&t, TokenTree::Punct(p) if p.as_char() == ';')),
        [TokenTree::Ident(i), ..] if i == "dyn" => true,
        [.., TokenTree::Ident(last)] => UNTYPED.contains(&last.to_string().as_str()),
        _ => false,
    }
}

/// `tokens` with every span set to `span` (groups included).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// The span of a type's first token.
fn ty_span(ty: &TokenStream) -> Span {
    ty.clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expands `decl` under `#[fast_syscall(args)]`; the output as text, tokens spaced.
    fn expand(args: &str, decl: &str) -> String {
        fast_syscall(args.parse().unwrap(), decl.parse().unwrap()).to_string()
    }

    /// The function items of the output whose `#[cfg]` mentions `cfg_fragment`.
    fn branch(out: &str, cfg_fragment: &str) -> String {
        let file: syn::File = syn::parse_str(out).expect("the expansion parses");
        let mut found = Vec::new();
        for item in file.items {
            let text = quote! { #item }.to_string();
            let cfg = text.split(']').next().unwrap_or_default().to_string();
            if cfg.contains(cfg_fragment) {
                found.push(text);
            }
        }
        assert_eq!(found.len(), 1, "one branch for `{cfg_fragment}` in {out}");
        found.pop().unwrap()
    }

    #[test]
    fn x32_long_arguments_are_sign_extended_whatever_the_rust_type() {
        // x32's `long length` is a 32-bit kind the 64-bit kernel reads whole: a u32 must reach it
        // sign-extended (it used to be zero-extended by the Rust type).
        let out = expand(
            r#"abi = "x32""#,
            "unsafe fn truncate(path: *const u8, length: u32) -> Result<(), Errno>;",
        );
        let x32 = branch(&out, r#"target_pointer_width = "32""#);
        assert!(x32.contains("widen :: < 32 , true >"), "{x32}");
    }

    #[test]
    fn riscv64_sign_extends_unsigned_32_bit_arguments_as_its_c_abi_does() {
        let decl = "fn fsync(fd: u32) -> Result<(), Errno>;";
        let riscv = branch(&expand(r#"abi = "riscv64""#, decl), "riscv64");
        assert!(riscv.contains("widen :: < 32 , true >"), "{riscv}");
        let arm64 = branch(&expand(r#"abi = "aarch64""#, decl), "aarch64");
        assert!(arm64.contains("widen :: < 32 , false >"), "{arm64}");
    }

    #[test]
    fn int80_from_x86_64_extends_the_32_bit_result_by_its_kind() {
        let out = expand(
            r#"name = "mmap2", via = "int80", abi = "x86_64""#,
            "unsafe fn mmap2(a: u32, b: u32, c: u32, d: u32, e: u32, f: u32) -> Result<u64, Errno>;",
        );
        let b = branch(&out, "x86_64");
        // Back to the i386 ABI's 32 bits, then zero-extended: `void *` is unsigned.
        assert!(b.contains("as :: core :: primitive :: u32"), "{b}");
        assert!(b.contains("result :: < _ , _ , 32 , false >"), "{b}");
    }

    #[test]
    fn the_expansion_binds_no_local_and_names_every_primitive_by_absolute_path() {
        let decl = "unsafe fn write(fd: ::core::primitive::u32, buf: *const ::core::primitive::u8, \
                    count: ::core::primitive::usize) -> ::core::result::Result<::core::primitive::usize, E>;";
        let vdso = "unsafe fn clock_gettime(c: ::core::primitive::i32, tp: *mut ::core::primitive::u8) \
                    -> ::core::result::Result<(), E>;";
        let int80 = "fn getpid() -> ::core::primitive::i32;";
        for (args, decl) in [("", decl), ("", vdso), (r#"via = "int80""#, int80)] {
            let out = expand(args, decl);
            assert!(!out.contains("let "), "a local in {out}");
            let tokens: Vec<&str> = out.split_whitespace().collect();
            for (i, t) in tokens.iter().enumerate() {
                let primitive = matches!(
                    *t,
                    "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
                );
                assert!(
                    !primitive || (i >= 2 && tokens[i - 2] == "primitive"),
                    "`{t}` named without its path at token {i} of {out}"
                );
            }
        }
    }

    #[test]
    fn the_record_names_the_abi_number_and_kernel_entry_the_kernel_sees() {
        // int80 from x86_64: the i386 ABI, AUDIT_ARCH_I386 (0x40000003) and getpid's i386
        // number 20, mechanism 2.
        let int80 = branch(
            &expand(r#"via = "int80", abi = "x86_64""#, "fn getpid() -> i32;"),
            "x86_64",
        );
        assert!(int80.contains(".long 1073741827, 20"), "{int80}");
        assert!(int80.contains(".byte 2, 0, 3, 6,"), "{int80}");
        assert!(int80.contains(".reloc ., BFD_RELOC_NONE, .Lfast_syscall.x86.getpid.20.2.0"));
        // A vDSO call: its kernel fallback (`syscall`, 1) with the vDSO flag.
        let vdso = branch(
            &expand(
                r#"abi = "x86_64""#,
                "unsafe fn clock_gettime(c: i32, tp: *mut u8) -> Result<(), E>;",
            ),
            "x86_64",
        );
        assert!(vdso.contains(".long 3221225534, 228"), "{vdso}");
        assert!(vdso.contains(".byte 1, 1, 6, 13,"), "{vdso}");
        // Grouped (so that it is collected with dead code), in the one shared section name.
        assert!(
            vdso.contains(r#".pushsection .note.fast_syscall,\"aG\",%note,"#),
            "{vdso}"
        );
    }

    #[test]
    fn a_very_long_name_is_refused_quickly_and_shown_cut() {
        let name = "x".repeat(10_000);
        let start = std::time::Instant::now();
        let out = expand(&format!(r#"name = "{name}""#), "fn f() -> i32;");
        // The "did you mean" search used to take 20 s on such a name; it is skipped now.
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert!(
            out.contains(&format!("no system call named `{}…`", "x".repeat(64))),
            "{out}"
        );
        assert!(!out.contains(&"x".repeat(65)) || out.matches(&"x".repeat(65)).count() == 1);
    }
}
