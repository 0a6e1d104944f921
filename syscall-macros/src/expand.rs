//! Stage 3, expand: one `#[cfg]`-gated function per ABI table, calling the raw primitives of
//! `syscall_rt::__private::<arch>` (each `#[inline(always)]` around a single `asm!`), so that the
//! optimized code is the entry instruction with its registers and nothing else.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syscall_table::{ArgKind, Mechanism, Table};

use crate::ast::{self, Decl, RetInt, RetShape, RustTy};
use crate::valid::{self, Plan};

/// The whole attribute: parse, validate per table, expand.
pub fn fast_syscall(args: TokenStream, input: TokenStream) -> TokenStream {
    let decl = match ast::parse_options(args).and_then(|o| ast::parse_decl(o, input.clone())) {
        Ok(decl) => decl,
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(lenient_fallback(input));
            return out;
        }
    };
    let (tables, mut out) = match select_tables(&decl) {
        Ok(selected) => selected,
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(fallback(&decl, &quote! { all() }));
            return out;
        }
    };
    let name = decl.syscall_name();
    if tables.iter().all(|t| t.by_name(&name).is_none()) {
        out.extend(unknown_everywhere(&decl, &name, &tables));
        out.extend(fallback(&decl, &quote! { all() }));
        return out;
    }
    let mut cfgs = Vec::new();
    for table in &tables {
        let cfg = cfg_of(table);
        match valid::plan(&decl, table) {
            Ok(plan) => {
                let item = function(&decl, body(&decl, &plan));
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
        cfgs.push(cfg);
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

/// The tables to expand for: the embedded ones, the one of `table = "…"` in place of the embedded
/// table of its architecture, and only the one named by `abi = "…"`. Also returns the tokens that
/// make rustc rebuild when a `table` file changes.
fn select_tables(decl: &Decl) -> syn::Result<(Vec<&'static Table>, TokenStream)> {
    // With `abi = "…"` only that table is parsed (the generated API uses it: one table per crate).
    let mut tables: Vec<&'static Table> = match decl
        .options
        .abi
        .as_ref()
        .and_then(|lit| syscall_table::embedded(&lit.value()))
    {
        Some(one) => vec![one],
        None => syscall_table::embedded_tables(),
    };
    let mut track = TokenStream::new();
    if let Some(lit) = &decl.options.table {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
        let path = std::path::Path::new(&dir).join(lit.value());
        let user = crate::user_table::load(&path).map_err(|e| syn::Error::new(lit.span(), e))?;
        let path_str = path.to_string_lossy().into_owned();
        // include_bytes! makes the file an input of this crate: editing it rebuilds.
        track = quote! { const _: &[u8] = ::core::include_bytes!(#path_str); };
        let same_target = |t: &Table| {
            t.abi.target_arch == user.abi.target_arch
                && t.abi.target_pointer_width == user.abi.target_pointer_width
        };
        tables.retain(|t| !same_target(t));
        tables.push(user);
    }
    if let Some(lit) = &decl.options.abi {
        let want = lit.value();
        if !tables.iter().any(|t| t.abi.name == want) {
            let names: Vec<&str> = tables.iter().map(|t| t.abi.name.as_str()).collect();
            return Err(syn::Error::new(
                lit.span(),
                format!("unknown ABI `{want}`; the tables are: {}", names.join(", ")),
            ));
        }
        tables.retain(|t| t.abi.name == want);
    }
    Ok((tables, track))
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
    let span = decl
        .options
        .name
        .as_ref()
        .map_or_else(|| decl.sig.ident.span(), |l| l.span());
    let mut close: Vec<&str> = tables.iter().flat_map(|t| t.closest(name, 2)).collect();
    close.sort_by_key(|c| (syscall_table::edit_distance(name, c), *c));
    close.dedup();
    let msg = match close.first() {
        Some(c) => format!("no system call named `{name}` in any table; did you mean `{c}`?"),
        None => format!(
            "no system call named `{name}` in any table (use `name = \"…\"` when the function is named differently)"
        ),
    };
    syn::Error::new(span, msg).to_compile_error()
}

/// The declaration with `body`, `#[inline]` unless the user chose, and the user's attributes.
fn function(decl: &Decl, body: TokenStream) -> TokenStream {
    let attrs = &decl.attrs;
    let vis = &decl.vis;
    let sig = &decl.sig;
    let inline = if decl.attrs.iter().any(|a| a.path().is_ident("inline")) {
        quote! {}
    } else {
        quote! { #[inline] }
    };
    quote! {
        #(#attrs)*
        #inline
        #[allow(
            clippy::unnecessary_cast,
            clippy::cast_lossless,
            clippy::cast_possible_truncation,
            clippy::cast_possible_wrap,
            clippy::cast_sign_loss
        )]
        #vis #sig #body
    }
}

/// Beside a `compile_error!`, the same signature with a body that never runs, so that callers
/// do not get a second, misleading error (the `thiserror` fallback idea).
fn fallback(decl: &Decl, cfg: &TokenStream) -> TokenStream {
    let attrs = decl.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let vis = &decl.vis;
    let sig = &decl.sig;
    let params = decl.args.iter().map(|a| &a.ident);
    quote! {
        #[cfg(#cfg)]
        #(#attrs)*
        #[allow(unused_variables, clippy::diverging_sub_expression)]
        #vis #sig {
            let _ = (#(#params,)*);
            ::core::unreachable!("fast_syscall: this declaration did not compile")
        }
    }
}

/// After a parse error: the declaration with a body that never runs, when it is still a valid
/// free function (so that uses of it and of its types report nothing more), else nothing.
fn lenient_fallback(input: TokenStream) -> TokenStream {
    let Ok(item) = syn::parse2::<syn::ForeignItemFn>(input) else {
        return TokenStream::new();
    };
    let sig = &item.sig;
    let has_receiver = sig
        .inputs
        .iter()
        .any(|a| matches!(a, syn::FnArg::Receiver(_)));
    if sig.variadic.is_some() || has_receiver {
        return TokenStream::new();
    }
    let vis = &item.vis;
    quote! {
        #[allow(unused_variables, clippy::diverging_sub_expression)]
        #vis #sig {
            ::core::unreachable!("fast_syscall: this declaration did not compile")
        }
    }
}

/// The primitive for `mechanism` with `n` argument registers.
fn primitive(mechanism: Mechanism, n: usize, noreturn: bool) -> Ident {
    let base = match mechanism {
        Mechanism::Syscall => "syscall",
        Mechanism::Sysenter => "sysenter",
        Mechanism::Int80 => "int80_",
        Mechanism::Svc => "svc",
        Mechanism::Ecall => "ecall",
        Mechanism::Vdso => unreachable!("the vDSO path calls a function pointer"),
    };
    if noreturn {
        format_ident!("{base}{n}_noreturn")
    } else {
        format_ident!("{base}{n}")
    }
}

/// The function body for one ABI.
fn body(decl: &Decl, plan: &Plan<'_>) -> TokenStream {
    let arch = arch_module(plan.table);
    let p = quote! { ::syscall_rt::__private };
    let int80_from_64 = plan.number_table.abi.name != plan.table.abi.name;
    // The register type of the primitives: i386 registers for int80 from 64-bit code.
    let reg = if int80_from_64 {
        quote! { u32 }
    } else {
        quote! { #p::#arch::Reg }
    };
    let sreg = quote! { #p::#arch::SReg };
    let ret_reg = quote! { #p::#arch::Reg };
    // Locals of the expansion are hygienic: a parameter named `raw` or `f` stays the user's.
    let raw = Ident::new("raw", Span::mixed_site());
    let f = Ident::new("f", Span::mixed_site());
    let vdso_fn = Ident::new("VDSO_FN", Span::mixed_site());

    // One expression per argument register; holes (Arm's even-pair padding) are 0.
    let used = plan.syscall.regs_used();
    let mut slots: Vec<TokenStream> = vec![quote! { 0 }; used];
    for (arg, k) in decl.args.iter().zip(&plan.syscall.args) {
        let ident = &arg.ident;
        let ty = &arg.ty;
        let wide = match (arg.rust, k.kind) {
            (RustTy::Ptr { .. }, _) => quote! { (#ident.cast::<u8>() as usize as u64) },
            (RustTy::Alias, ArgKind::Int { bits, .. }) => {
                let bits = u32::from(bits);
                quote_spanned! { ty_span(ty) => <#ty as #p::IntArg<#bits>>::to_u64(#ident) }
            }
            _ => quote! { (#ident as u64) },
        };
        match k.regs.as_slice() {
            [r] => slots[usize::from(*r)] = quote! { #wide as #reg },
            [lo, hi] => {
                slots[usize::from(*lo)] = quote! { #wide as #reg };
                slots[usize::from(*hi)] = quote! { (#wide >> 32) as #reg };
            }
            _ => unreachable!("validated: one or two registers"),
        }
    }
    let nr = proc_macro2::Literal::u32_unsuffixed(plan.syscall.number);

    if decl.ret == RetShape::Never {
        let prim = primitive(plan.mechanism, 1, true);
        let a0 = &slots[0];
        return quote! {{
            unsafe { #p::#arch::#prim(#nr, #a0) }
        }};
    }

    let kernel = |mechanism: Mechanism| {
        let f = primitive(mechanism, used, false);
        quote! { #p::#arch::#f(#nr #(, #slots)*) }
    };
    let call = if plan.mechanism == Mechanism::Vdso {
        let vdso = plan
            .syscall
            .vdso
            .as_ref()
            .expect("validated: the symbol exists");
        let symbol = proc_macro2::Literal::byte_string(format!("{}\0", vdso.symbol).as_bytes());
        let version = proc_macro2::Literal::byte_string(format!("{}\0", vdso.version).as_bytes());
        // vDSO functions return `int`, except `time`, which returns `time_t` (a register).
        let c_ret = if plan.syscall.name == "time" {
            sreg.clone()
        } else {
            quote! { i32 }
        };
        let arg_tys = slots.iter().map(|_| &reg);
        let fallback = kernel(plan.fallback);
        quote! {{
            static #vdso_fn: #p::VdsoFn = #p::VdsoFn::new(#symbol, #version);
            match #vdso_fn.get() {
                ::core::option::Option::Some(#f) => {
                    let #f: unsafe extern "C" fn(#(#arg_tys),*) -> #c_ret = ::core::mem::transmute(#f);
                    #f(#(#slots),*) as #sreg as #ret_reg
                }
                ::core::option::Option::None => #fallback,
            }
        }}
    } else {
        kernel(plan.mechanism)
    };

    let decode = match decl.ret {
        RetShape::Raw(int) => {
            let t = ret_ty(int);
            quote! { #raw as #sreg as #t }
        }
        RetShape::Result(ok) => {
            let ok = match ok {
                Some(int) => {
                    let t = ret_ty(int);
                    quote! { #raw as #t }
                }
                None => quote! { () },
            };
            quote! {
                // -4095..=-1 are errors: one unsigned compare.
                if #raw > (-4096 as #sreg) as #ret_reg {
                    ::core::result::Result::Err(::syscall_rt::Errno::from_raw(
                        (#raw as #sreg).wrapping_neg() as i32,
                    ))
                } else {
                    ::core::result::Result::Ok(#ok)
                }
            }
        }
        RetShape::Never => unreachable!("handled above"),
    };
    quote! {{
        let #raw: #ret_reg = unsafe { #call };
        #decode
    }}
}

fn ty_span(ty: &syn::Type) -> Span {
    syn::spanned::Spanned::span(ty)
}

fn ret_ty(int: RetInt) -> TokenStream {
    match int {
        RetInt::Isize => quote! { isize },
        RetInt::Usize => quote! { usize },
        RetInt::I64 => quote! { i64 },
        RetInt::U64 => quote! { u64 },
        RetInt::I32 => quote! { i32 },
        RetInt::U32 => quote! { u32 },
    }
}
