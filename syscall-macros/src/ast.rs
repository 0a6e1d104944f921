//! Stage 1, parse: the attribute's options and the declaration, into [`Decl`]. Everything that
//! does not depend on a table is checked here, with errors spanned on the user's tokens.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{
    Attribute, FnArg, ForeignItemFn, GenericArgument, LitStr, Pat, PathArguments, ReturnType,
    Signature, Type, Visibility,
};
use syscall_table::Mechanism;

/// The options of `#[fast_syscall(name = "…", via = "…")]`.
#[derive(Default)]
pub struct Options {
    /// `name = "…"`: the system call, when it differs from the function's name.
    pub name: Option<LitStr>,
    /// `via = "…"`: the entry mechanism.
    pub via: Option<(Mechanism, LitStr)>,
    /// `abi = "…"`: expand for this ABI's table only (the function exists only there).
    pub abi: Option<LitStr>,
    /// `table = "…"`: a table file, relative to `CARGO_MANIFEST_DIR`, that replaces the embedded
    /// table of its architecture.
    pub table: Option<LitStr>,
}

/// A Rust argument type, as far as the macro can classify it from tokens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RustTy {
    /// A primitive integer; `bits` is `None` for `isize`/`usize` (the target's pointer width).
    Int { bits: Option<u32>, signed: bool },
    /// A raw pointer, `*mut` when `mutable`.
    Ptr { mutable: bool },
    /// A path the macro cannot resolve (`c_int`, `RawFd`, …): checked by the trait
    /// `IntArg<BITS>` in the generated code instead.
    Alias,
}

impl RustTy {
    /// Width in bits on a target with `pointer_width`-bit pointers (`None` for aliases).
    pub fn bits(self, pointer_width: u32) -> Option<u32> {
        match self {
            RustTy::Int { bits, .. } => Some(bits.unwrap_or(pointer_width)),
            RustTy::Ptr { .. } => Some(pointer_width),
            RustTy::Alias => None,
        }
    }
}

/// One parameter of the declaration.
pub struct DeclArg {
    pub ident: syn::Ident,
    pub ty: Type,
    pub rust: RustTy,
}

/// An integer a raw or `Result` return may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RetInt {
    Isize,
    Usize,
    I64,
    U64,
    I32,
    U32,
}

/// The supported return shapes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RetShape {
    /// The kernel's value as is.
    Raw(RetInt),
    /// `Result<T, Errno>`; `None` for `Result<(), Errno>`.
    Result(Option<RetInt>),
    /// `!`: the call does not return.
    Never,
}

/// A parsed declaration.
pub struct Decl {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub sig: Signature,
    pub options: Options,
    pub args: Vec<DeclArg>,
    pub ret: RetShape,
    /// What the return type was written as (for error spans).
    pub ret_span: Span,
}

impl Decl {
    /// The system call's name: `name = "…"` or the function's name.
    pub fn syscall_name(&self) -> String {
        match &self.options.name {
            Some(lit) => lit.value(),
            None => self.sig.ident.to_string(),
        }
    }
}

/// Parses the options. Unknown and repeated options are errors.
pub fn parse_options(args: TokenStream) -> syn::Result<Options> {
    let mut options = Options::default();
    let mut errors: Vec<syn::Error> = Vec::new();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            let lit: LitStr = meta.value()?.parse()?;
            if options.name.is_some() {
                errors.push(meta.error("duplicate option `name`"));
            } else if lit.value().is_empty() {
                errors.push(syn::Error::new(lit.span(), "`name` cannot be empty"));
            } else {
                options.name = Some(lit);
            }
        } else if meta.path.is_ident("via") {
            let lit: LitStr = meta.value()?.parse()?;
            if options.via.is_some() {
                errors.push(meta.error("duplicate option `via`"));
            } else {
                match Mechanism::parse(&lit.value()) {
                    Some(m) => options.via = Some((m, lit)),
                    None => errors.push(syn::Error::new(
                        lit.span(),
                        format!(
                            "unknown mechanism `{}`; expected one of: syscall, sysenter, int80, svc, ecall, vdso",
                            lit.value()
                        ),
                    )),
                }
            }
        } else if meta.path.is_ident("abi") || meta.path.is_ident("table") {
            let is_abi = meta.path.is_ident("abi");
            let lit: LitStr = meta.value()?.parse()?;
            let slot = if is_abi {
                &mut options.abi
            } else {
                &mut options.table
            };
            if slot.is_some() {
                errors.push(meta.error(format!(
                    "duplicate option `{}`",
                    if is_abi { "abi" } else { "table" }
                )));
            } else {
                *slot = Some(lit);
            }
        } else {
            let name = meta
                .path
                .get_ident()
                .map_or_else(|| "?".to_string(), ToString::to_string);
            // Skip a value so that one unknown option does not hide the next.
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            errors.push(meta.error(format!(
                "unknown option `{name}`; `#[fast_syscall]` takes `name`, `via`, `abi` and `table`"
            )));
        }
        Ok(())
    });
    parser.parse2(args)?;
    combine(errors)?;
    Ok(options)
}

/// Parses the declaration: a function signature ending in `;`.
pub fn parse_decl(options: Options, input: TokenStream) -> syn::Result<Decl> {
    let item: ForeignItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(err) => {
            // A function with a body parses as an ItemFn: say what is wrong with it.
            if let Ok(item) = syn::parse2::<syn::ItemFn>(input) {
                return Err(syn::Error::new_spanned(
                    &item.block,
                    "`#[fast_syscall]` generates the body: declare the function without one, ending in `;`",
                ));
            }
            return Err(err);
        }
    };
    let sig = item.sig;
    let mut errors = Vec::new();
    if let Some(a) = &sig.asyncness {
        errors.push(syn::Error::new(
            a.span(),
            "a system call cannot be `async`: remove `async`",
        ));
    }
    if let Some(c) = &sig.constness {
        errors.push(syn::Error::new(
            c.span(),
            "a system call cannot be `const`: remove `const`",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "remove the `extern` ABI: the stub is a Rust function",
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "a system call cannot be generic: use concrete argument types",
        ));
    }
    if let Some(v) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            v,
            "a system call cannot be variadic: declare each argument",
        ));
    }
    let mut args = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => errors.push(syn::Error::new_spanned(
                r,
                "a system call has no `self`: declare a free function",
            )),
            FnArg::Typed(pt) => {
                let ident = match &*pt.pat {
                    Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => p.ident.clone(),
                    other => {
                        errors.push(syn::Error::new_spanned(
                            other,
                            "use a plain name for each argument",
                        ));
                        continue;
                    }
                };
                match classify_type(&pt.ty) {
                    Ok(rust) => args.push(DeclArg {
                        ident,
                        ty: (*pt.ty).clone(),
                        rust,
                    }),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    let (ret, ret_span) = match parse_return(&sig.output, sig.paren_token.span.close()) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            (RetShape::Raw(RetInt::Isize), sig.output.span())
        }
    };
    combine(errors)?;
    Ok(Decl {
        attrs: item.attrs,
        vis: item.vis,
        sig,
        options,
        args,
        ret,
        ret_span,
    })
}

/// Classifies an argument type.
fn classify_type(ty: &Type) -> syn::Result<RustTy> {
    match ty {
        Type::Ptr(p) => Ok(RustTy::Ptr {
            mutable: p.mutability.is_some(),
        }),
        Type::Path(p) if p.qself.is_none() => {
            if let Some(ident) = p.path.get_ident() {
                let int = |bits, signed| Ok(RustTy::Int { bits, signed });
                return match ident.to_string().as_str() {
                    "i8" => int(Some(8), true),
                    "u8" => int(Some(8), false),
                    "i16" => int(Some(16), true),
                    "u16" => int(Some(16), false),
                    "i32" => int(Some(32), true),
                    "u32" => int(Some(32), false),
                    "i64" => int(Some(64), true),
                    "u64" => int(Some(64), false),
                    "isize" => int(None, true),
                    "usize" => int(None, false),
                    "i128" | "u128" | "f32" | "f64" | "bool" | "char" | "str" | "String" => {
                        Err(syn::Error::new_spanned(
                            ty,
                            format!(
                                "`{ident}` cannot be a system-call argument: use an integer or a raw pointer"
                            ),
                        ))
                    }
                    _ => Ok(RustTy::Alias),
                };
            }
            Ok(RustTy::Alias)
        }
        Type::Reference(r) => Err(syn::Error::new_spanned(
            r,
            "pass a raw pointer (`*const T` / `*mut T`), not a reference: the kernel's view of \
             memory is not checked by the borrow checker",
        )),
        Type::Paren(p) => classify_type(&p.elem),
        other => Err(syn::Error::new_spanned(
            other,
            "unsupported argument type: use an integer or a raw pointer",
        )),
    }
}

fn ret_int(ty: &Type) -> Option<RetInt> {
    let Type::Path(p) = ty else { return None };
    Some(match p.path.get_ident()?.to_string().as_str() {
        "isize" => RetInt::Isize,
        "usize" => RetInt::Usize,
        "i64" => RetInt::I64,
        "u64" => RetInt::U64,
        "i32" => RetInt::I32,
        "u32" => RetInt::U32,
        _ => return None,
    })
}

const RETURN_HELP: &str = "supported return types: `isize`, `usize`, `i64`, `u64`, `i32`, `u32` \
    (the kernel's value as is), `Result<T, Errno>` with one of those or `()`, and `!` for \
    `exit`/`exit_group`";

/// Classifies the return type.
fn parse_return(output: &ReturnType, after_args: Span) -> syn::Result<(RetShape, Span)> {
    let ty = match output {
        ReturnType::Default => {
            return Err(syn::Error::new(
                after_args,
                format!("declare a return type; {RETURN_HELP}"),
            ));
        }
        ReturnType::Type(_, ty) => ty,
    };
    let span = ty.span();
    if let Type::Never(_) = **ty {
        return Ok((RetShape::Never, span));
    }
    if let Some(int) = ret_int(ty) {
        return Ok((RetShape::Raw(int), span));
    }
    if let Type::Path(p) = &**ty {
        if let Some(last) = p.path.segments.last() {
            if last.ident == "Result" {
                if let PathArguments::AngleBracketed(ab) = &last.arguments {
                    let tys: Vec<&Type> = ab
                        .args
                        .iter()
                        .filter_map(|a| match a {
                            GenericArgument::Type(t) => Some(t),
                            _ => None,
                        })
                        .collect();
                    if let [ok, _err] = tys.as_slice() {
                        if let Type::Tuple(t) = ok {
                            if t.elems.is_empty() {
                                return Ok((RetShape::Result(None), span));
                            }
                        }
                        if let Some(int) = ret_int(ok) {
                            return Ok((RetShape::Result(Some(int)), span));
                        }
                        return Err(syn::Error::new_spanned(
                            ok,
                            format!("unsupported `Ok` type; {RETURN_HELP}"),
                        ));
                    }
                }
                return Err(syn::Error::new_spanned(
                    ty,
                    format!("write the error type out: `Result<T, Errno>`; {RETURN_HELP}"),
                ));
            }
        }
    }
    Err(syn::Error::new_spanned(
        ty,
        format!("unsupported return type; {RETURN_HELP}"),
    ))
}

/// Folds a list of errors into one (all of them are reported).
pub fn combine(errors: Vec<syn::Error>) -> syn::Result<()> {
    let mut iter = errors.into_iter();
    match iter.next() {
        None => Ok(()),
        Some(mut first) => {
            for e in iter {
                first.combine(e);
            }
            Err(first)
        }
    }
}
