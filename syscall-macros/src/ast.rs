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
#[derive(Default, Clone)]
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
#[derive(Clone)]
pub struct DeclArg {
    pub ident: syn::Ident,
    pub ty: Type,
    pub rust: RustTy,
    /// The predicate of the parameter's `#[cfg(…)]` attributes (`all(…)` of several), if any:
    /// the parameter exists only where it holds.
    pub cfg: Option<TokenStream>,
}

/// The integer type a raw or `Result` return carries.
#[derive(Clone)]
pub struct RetTy {
    pub ty: Type,
    /// [`RustTy::Int`] for a primitive (checked by the macro), [`RustTy::Alias`] for a path the
    /// macro cannot resolve (checked by the trait `FromRet<BITS>` in the expansion).
    pub rust: RustTy,
}

/// The supported return shapes.
#[derive(Clone)]
pub enum RetShape {
    /// The kernel's value as is.
    Raw(RetTy),
    /// `Result<T, Errno>`; `None` for `Result<(), Errno>`.
    Result(Option<RetTy>),
    /// `!`: the call does not return.
    Never,
}

/// A parsed declaration.
#[derive(Clone)]
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
                let mut cfgs = Vec::new();
                for attr in &pt.attrs {
                    if attr.path().is_ident("cfg") {
                        match attr.meta.require_list() {
                            Ok(list) => cfgs.push(list.tokens.clone()),
                            Err(e) => errors.push(e),
                        }
                    }
                }
                let cfg = match cfgs.len() {
                    0 => None,
                    1 => cfgs.pop(),
                    _ => Some(quote::quote! { all(#(#cfgs),*) }),
                };
                match classify_type(&pt.ty) {
                    Ok(rust) => args.push(DeclArg {
                        ident,
                        ty: (*pt.ty).clone(),
                        rust,
                        cfg,
                    }),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if args.iter().filter(|a| a.cfg.is_some()).count() > MAX_CFG_ARGS {
        errors.push(syn::Error::new_spanned(
            &sig.inputs,
            format!("at most {MAX_CFG_ARGS} parameters may carry `#[cfg]`: declare one function per configuration"),
        ));
    }
    let (ret, ret_span) = match parse_return(&sig.output, sig.paren_token.span.close()) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            (RetShape::Never, sig.output.span())
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

/// At most this many parameters may carry `#[cfg]` (each combination is expanded).
const MAX_CFG_ARGS: usize = 4;

/// The type inside `macro_rules!` groups (`$t:ty` arrives as an invisible group) and parentheses.
fn unwrap(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => unwrap(&g.elem),
        Type::Paren(p) => unwrap(&p.elem),
        other => other,
    }
}

/// The primitive a path names: `u32`, or `core::primitive::u32` / `std::primitive::u32` (with
/// or without a leading `::`), which a shadowing `type u32 = …;` cannot reach.
fn primitive_name(path: &syn::TypePath) -> Option<String> {
    if path.qself.is_some() {
        return None;
    }
    let segs: Vec<&syn::PathSegment> = path.path.segments.iter().collect();
    if segs.iter().any(|s| !s.arguments.is_empty()) {
        return None;
    }
    match segs.as_slice() {
        [one] if path.path.leading_colon.is_none() => Some(one.ident.to_string()),
        [krate, module, prim]
            if (krate.ident == "core" || krate.ident == "std") && module.ident == "primitive" =>
        {
            Some(prim.ident.to_string())
        }
        _ => None,
    }
}

/// A primitive integer by name: `Some((bits, signed))`, bits `None` for `isize`/`usize`.
fn int_of(name: &str) -> Option<(Option<u32>, bool)> {
    Some(match name {
        "i8" => (Some(8), true),
        "u8" => (Some(8), false),
        "i16" => (Some(16), true),
        "u16" => (Some(16), false),
        "i32" => (Some(32), true),
        "u32" => (Some(32), false),
        "i64" => (Some(64), true),
        "u64" => (Some(64), false),
        "isize" => (None, true),
        "usize" => (None, false),
        _ => return None,
    })
}

/// Primitive names that are never a system-call argument or result.
const NOT_INTEGERS: &[&str] = &[
    "i128", "u128", "f32", "f64", "bool", "char", "str", "String",
];

/// Classifies an argument type.
fn classify_type(ty: &Type) -> syn::Result<RustTy> {
    match unwrap(ty) {
        Type::Ptr(p) => Ok(RustTy::Ptr {
            mutable: p.mutability.is_some(),
        }),
        Type::Path(p) => {
            let Some(name) = primitive_name(p) else {
                return Ok(RustTy::Alias);
            };
            if let Some((bits, signed)) = int_of(&name) {
                return Ok(RustTy::Int { bits, signed });
            }
            if NOT_INTEGERS.contains(&name.as_str()) {
                return Err(syn::Error::new_spanned(
                    ty,
                    format!(
                        "`{name}` cannot be a system-call argument: use an integer or a raw pointer"
                    ),
                ));
            }
            Ok(RustTy::Alias)
        }
        Type::Reference(r) => Err(syn::Error::new_spanned(
            r,
            "pass a raw pointer (`*const T` / `*mut T`), not a reference: the kernel's view of \
             memory is not checked by the borrow checker",
        )),
        other => Err(syn::Error::new_spanned(
            other,
            "unsupported argument type: use an integer or a raw pointer",
        )),
    }
}

/// Classifies an integer return type: a primitive, or an alias the trait `FromRet` checks.
fn ret_ty(ty: &Type) -> Option<RetTy> {
    let Type::Path(p) = unwrap(ty) else {
        return None;
    };
    if is_result(p) {
        return None;
    }
    let rust = match primitive_name(p) {
        Some(name) if NOT_INTEGERS.contains(&name.as_str()) => return None,
        Some(name) => match int_of(&name) {
            Some((bits, signed)) => RustTy::Int { bits, signed },
            None => RustTy::Alias,
        },
        None => RustTy::Alias,
    };
    Some(RetTy {
        ty: ty.clone(),
        rust,
    })
}

/// Whether a path's last segment is `Result` (`Result<…>`, `core::result::Result<…>`, …).
fn is_result(p: &syn::TypePath) -> bool {
    p.path.segments.last().is_some_and(|s| s.ident == "Result")
}

const RETURN_HELP: &str = "supported return types: an integer at least as wide as the call's \
    result (`isize`, `usize`, `i64`, `u64`, `i32`, `u32`, …, or an alias of one), the kernel's value \
    as is; `Result<T, Errno>` with such an integer or `()`; and `!` for `exit`/`exit_group`";

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
    let inner = unwrap(ty);
    if let Type::Never(_) = inner {
        return Ok((RetShape::Never, span));
    }
    if let Type::Path(p) = inner {
        if let Some(last) = p.path.segments.last().filter(|_| is_result(p)) {
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
                    if let Type::Tuple(t) = unwrap(ok) {
                        if t.elems.is_empty() {
                            return Ok((RetShape::Result(None), span));
                        }
                    }
                    if let Some(r) = ret_ty(ok) {
                        return Ok((RetShape::Result(Some(r)), span));
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
    if let Some(r) = ret_ty(ty) {
        return Ok((RetShape::Raw(r), span));
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
