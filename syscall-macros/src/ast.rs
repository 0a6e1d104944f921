//! Stage 1, parse: the attribute's options and the declaration, into [`Decl`]. Everything that
//! does not depend on a table is checked here, with errors spanned on the user's tokens.
//!
//! The grammar is small — `#[attrs] [pub] [unsafe] fn name(params) -> Type;` with integer and
//! raw-pointer types — so it is parsed straight from `proc_macro2` tokens instead of with syn:
//! syn is most of the compile time of a crate that uses the macro (about 4 s of the 10 s clean
//! build of a hello program here, on the critical path), and the light parsers of the field
//! (venial) panic on malformed input, which this macro must never do.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syscall_table::Mechanism;

// ---------------------------------------------------------------- errors

/// A compile error spanned on the user's tokens, from `start` to `end`.
#[derive(Clone, Debug)]
pub struct Error {
    start: Span,
    end: Span,
    message: String,
}

impl Error {
    /// An error at one span.
    pub fn new(span: Span, message: impl Into<String>) -> Error {
        Error {
            start: span,
            end: span,
            message: message.into(),
        }
    }

    /// An error over `tokens`, from their first to their last token.
    pub fn spanned(tokens: &TokenStream, message: impl Into<String>) -> Error {
        let mut iter = tokens.clone().into_iter();
        let start = iter.next().map_or_else(Span::call_site, |t| t.span());
        let end = iter.last().map_or(start, |t| t.span());
        Error {
            start,
            end,
            message: message.into(),
        }
    }

    /// `::core::compile_error! { "…" }`, its path on the first token and its braces on the last,
    /// so that rustc underlines the whole range.
    pub fn to_compile_error(&self) -> TokenStream {
        let message = Literal::string(&self.message);
        let path = quote_spanned! { self.start => ::core::compile_error! };
        let mut body = Group::new(
            Delimiter::Brace,
            TokenStream::from(TokenTree::from(message)),
        );
        body.set_span(self.end);
        quote! { #path #body }
    }
}

/// All errors of `errors`, as one token stream.
pub fn to_compile_errors(errors: &[Error]) -> TokenStream {
    errors.iter().map(Error::to_compile_error).collect()
}

// ---------------------------------------------------------------- types

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

/// The tokens inside invisible groups (a `macro_rules!` `$t:ty` arrives as one) and
/// parentheses around a single type.
pub fn unwrap(ty: &TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = ty.clone().into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Group(g)]
            if g.delimiter() == Delimiter::None
                || (g.delimiter() == Delimiter::Parenthesis
                    && !has_top_level_comma(&g.stream())) =>
        {
            if g.stream().is_empty() {
                ty.clone() // `()`
            } else {
                unwrap(&g.stream())
            }
        }
        _ => ty.clone(),
    }
}

fn has_top_level_comma(tokens: &TokenStream) -> bool {
    split_top_level(tokens, ',').len() > 1
}

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

fn is_ident(t: &TokenTree, name: &str) -> bool {
    matches!(t, TokenTree::Ident(i) if i == name)
}

/// `*const T` / `*mut T`: the pointee's tokens, and whether it is `mut`.
pub fn pointer(ty: &TokenStream) -> Option<(bool, TokenStream)> {
    let tokens: Vec<TokenTree> = unwrap(ty).into_iter().collect();
    match tokens.as_slice() {
        [star, kw, rest @ ..] if is_punct(star, '*') && !rest.is_empty() => {
            let mutable = if is_ident(kw, "mut") {
                true
            } else if is_ident(kw, "const") {
                false
            } else {
                return None;
            };
            Some((mutable, rest.iter().cloned().collect()))
        }
        _ => None,
    }
}

/// The segments of a plain path (`a::b::c`, `::a::b`): `(leading ::, idents)`, `None` when the
/// tokens are not one (generics, other punctuation).
fn path_segments(ty: &TokenStream) -> Option<(bool, Vec<Ident>)> {
    let tokens: Vec<TokenTree> = unwrap(ty).into_iter().collect();
    let mut i = 0;
    let mut leading = false;
    let mut idents = Vec::new();
    if tokens.len() >= 2 && is_punct(&tokens[0], ':') && is_punct(&tokens[1], ':') {
        leading = true;
        i = 2;
    }
    loop {
        match tokens.get(i) {
            Some(TokenTree::Ident(id)) => idents.push(id.clone()),
            _ => return None,
        }
        i += 1;
        match (tokens.get(i), tokens.get(i + 1)) {
            (None, _) => return Some((leading, idents)),
            (Some(a), Some(b)) if is_punct(a, ':') && is_punct(b, ':') => i += 2,
            _ => return None,
        }
    }
}

/// The primitive a path names: `u32`, or `core::primitive::u32` / `std::primitive::u32` (with
/// or without a leading `::`), which a shadowing `type u32 = …;` cannot reach.
fn primitive_name(ty: &TokenStream) -> Option<String> {
    let (leading, idents) = path_segments(ty)?;
    match idents.as_slice() {
        [one] if !leading => Some(one.to_string()),
        [krate, module, prim] if (krate == "core" || krate == "std") && module == "primitive" => {
            Some(prim.to_string())
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

/// Whether a type is a path the macro cannot resolve: an alias (`c_int`, `RawFd`, `Fd`),
/// possibly with a path (`std::ffi::c_int`).
fn is_alias_path(ty: &TokenStream) -> bool {
    path_segments(ty).is_some()
}

/// Classifies an argument type.
pub fn classify_type(ty: &TokenStream) -> Result<RustTy, Error> {
    if let Some((mutable, _)) = pointer(ty) {
        return Ok(RustTy::Ptr { mutable });
    }
    let inner = unwrap(ty);
    if let Some(name) = primitive_name(&inner) {
        if let Some((bits, signed)) = int_of(&name) {
            return Ok(RustTy::Int { bits, signed });
        }
        if NOT_INTEGERS.contains(&name.as_str()) {
            return Err(Error::spanned(
                ty,
                format!(
                    "`{name}` cannot be a system-call argument: use an integer or a raw pointer"
                ),
            ));
        }
        return Ok(RustTy::Alias);
    }
    if is_alias_path(&inner) {
        return Ok(RustTy::Alias);
    }
    if inner
        .clone()
        .into_iter()
        .next()
        .is_some_and(|t| is_punct(&t, '&'))
    {
        return Err(Error::spanned(
            ty,
            "pass a raw pointer (`*const T` / `*mut T`), not a reference: the kernel's view of \
             memory is not checked by the borrow checker",
        ));
    }
    Err(Error::spanned(
        ty,
        "unsupported argument type: use an integer or a raw pointer",
    ))
}

/// The integer type a raw or `Result` return carries.
#[derive(Clone, Debug)]
pub struct RetTy {
    pub ty: TokenStream,
    /// [`RustTy::Int`] for a primitive (checked by the macro), [`RustTy::Alias`] for a path the
    /// macro cannot resolve (checked by the trait `FromRet<BITS>` in the expansion).
    pub rust: RustTy,
}

/// Classifies an integer return type: a primitive, or an alias the trait `FromRet` checks.
fn ret_ty(ty: &TokenStream) -> Option<RetTy> {
    let inner = unwrap(ty);
    let rust = match primitive_name(&inner) {
        Some(name) if NOT_INTEGERS.contains(&name.as_str()) || name == "Result" => return None,
        Some(name) => match int_of(&name) {
            Some((bits, signed)) => RustTy::Int { bits, signed },
            None => RustTy::Alias,
        },
        None if is_alias_path(&inner) => RustTy::Alias,
        None => return None,
    };
    Some(RetTy {
        ty: ty.clone(),
        rust,
    })
}

/// `Result<A, B>` (any path ending in `Result`): the generic arguments' tokens.
fn result_args(ty: &TokenStream) -> Option<Vec<TokenStream>> {
    let tokens: Vec<TokenTree> = unwrap(ty).into_iter().collect();
    let open = tokens.iter().position(|t| is_punct(t, '<'))?;
    let head: TokenStream = tokens[..open].iter().cloned().collect();
    let (_, idents) = path_segments(&head)?;
    if idents.last()? != "Result" || !tokens.last().is_some_and(|t| is_punct(t, '>')) {
        return None;
    }
    let inside: TokenStream = tokens[open + 1..tokens.len() - 1].iter().cloned().collect();
    Some(split_top_level(&inside, ','))
}

/// Splits at `sep` outside of `<…>` (groups are single tokens already), dropping empty pieces
/// (a trailing comma).
pub fn split_top_level(tokens: &TokenStream, sep: char) -> Vec<TokenStream> {
    let mut parts = Vec::new();
    let mut current = Vec::new();
    let mut depth = 0i32;
    let mut previous_dash = false;
    for t in tokens.clone() {
        let mut arrow = false;
        if let TokenTree::Punct(p) = &t {
            match p.as_char() {
                '<' => depth += 1,
                '>' if previous_dash => arrow = true, // `->` of a fn pointer type
                '>' => depth -= 1,
                c if c == sep && depth == 0 => {
                    parts.push(current.drain(..).collect::<TokenStream>());
                    previous_dash = false;
                    continue;
                }
                _ => {}
            }
        }
        previous_dash = is_punct(&t, '-') && !arrow;
        current.push(t);
    }
    if !current.is_empty() {
        parts.push(current.into_iter().collect());
    }
    parts.retain(|p| !p.is_empty());
    parts
}

// ---------------------------------------------------------------- options

/// The options of `#[fast_syscall(name = "…", via = "…", abi = "…", table = "…")]`.
#[derive(Default, Clone)]
pub struct Options {
    /// `name = "…"`: the system call, when it differs from the function's name.
    pub name: Option<(String, Span)>,
    /// `via = "…"`: the entry mechanism.
    pub via: Option<(Mechanism, Span)>,
    /// `abi = "…"`: expand for this ABI's table only (the function exists only there).
    pub abi: Option<(String, Span)>,
    /// `table = "…"`: a table file, relative to `CARGO_MANIFEST_DIR`, that replaces the embedded
    /// table of its architecture.
    pub table: Option<(String, Span)>,
}

/// The value of a string literal (`"…"` with escapes, or `r"…"`, `r#"…"#`), `None` for any
/// other literal.
pub fn string_value(lit: &Literal) -> Option<String> {
    let text = lit.to_string();
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return inner
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .map(str::to_string);
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                let rest: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(rest.strip_prefix('{')?, 16).ok()?;
                out.push(char::from_u32(code)?);
            }
            '\n' => {
                // A line continuation: skip the leading whitespace of the next line.
                let rest: String = chars.collect();
                out.push_str(&string_value(&Literal::string(rest.trim_start()))?);
                return Some(out);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Parses the options. Unknown and repeated options are errors; every one is reported.
pub fn parse_options(args: TokenStream) -> Result<Options, Vec<Error>> {
    let mut options = Options::default();
    let mut errors = Vec::new();
    for item in split_top_level(&args, ',') {
        let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
        let (key, value) = match tokens.as_slice() {
            [TokenTree::Ident(key), eq, TokenTree::Literal(lit)] if is_punct(eq, '=') => {
                match string_value(lit) {
                    Some(v) => (key.clone(), (v, lit.span())),
                    None => {
                        errors.push(Error::new(
                            lit.span(),
                            format!("`{key}` takes a string: {key} = \"…\""),
                        ));
                        continue;
                    }
                }
            }
            [TokenTree::Ident(key), eq, rest @ ..] if is_punct(eq, '=') && !rest.is_empty() => {
                let rest: TokenStream = rest.iter().cloned().collect();
                errors.push(Error::spanned(
                    &rest,
                    format!("`{key}` takes a string: {key} = \"…\""),
                ));
                continue;
            }
            [TokenTree::Ident(key), ..] => {
                if matches!(key.to_string().as_str(), "name" | "via" | "abi" | "table") {
                    errors.push(Error::spanned(
                        &item,
                        format!("write the option as {key} = \"…\""),
                    ));
                } else {
                    errors.push(Error::new(
                        key.span(),
                        format!(
                            "unknown option `{key}`; `#[fast_syscall]` takes `name`, `via`, `abi` and `table`"
                        ),
                    ));
                }
                continue;
            }
            _ => {
                errors.push(Error::spanned(
                    &item,
                    "expected an option: `name`, `via`, `abi` or `table` = \"…\"",
                ));
                continue;
            }
        };
        let duplicate = |errors: &mut Vec<Error>| {
            errors.push(Error::new(key.span(), format!("duplicate option `{key}`")));
        };
        match key.to_string().as_str() {
            "name" if options.name.is_some() => duplicate(&mut errors),
            "name" if value.0.is_empty() => {
                errors.push(Error::new(value.1, "`name` cannot be empty"));
            }
            "name" => options.name = Some(value),
            "via" if options.via.is_some() => duplicate(&mut errors),
            "via" => match Mechanism::parse(&value.0) {
                Some(m) => options.via = Some((m, value.1)),
                None => errors.push(Error::new(
                    value.1,
                    format!(
                        "unknown mechanism `{}`; expected one of: syscall, sysenter, int80, svc, ecall, vdso",
                        value.0
                    ),
                )),
            },
            "abi" if options.abi.is_some() => duplicate(&mut errors),
            "abi" => options.abi = Some(value),
            "table" if options.table.is_some() => duplicate(&mut errors),
            "table" => options.table = Some(value),
            other => errors.push(Error::new(
                key.span(),
                format!(
                    "unknown option `{other}`; `#[fast_syscall]` takes `name`, `via`, `abi` and `table`"
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(options)
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------- the declaration

/// One outer attribute, `#[…]`.
#[derive(Clone)]
pub struct Attr {
    /// The attribute as written.
    pub tokens: TokenStream,
    /// Its path's first identifier (`doc`, `cfg`, `inline`, …).
    pub name: Option<String>,
    /// For `#[name(…)]`, the tokens inside the parentheses.
    pub args: Option<TokenStream>,
}

impl Attr {
    pub fn is(&self, name: &str) -> bool {
        self.name.as_deref() == Some(name)
    }
}

/// One parameter of the declaration.
#[derive(Clone)]
pub struct DeclArg {
    pub ident: Ident,
    pub ty: TokenStream,
    pub rust: RustTy,
    /// The predicate of the parameter's `#[cfg(…)]` attributes (`all(…)` of several), if any:
    /// the parameter exists only where it holds.
    pub cfg: Option<TokenStream>,
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
    pub attrs: Vec<Attr>,
    /// Everything from the visibility to the return type, as written (without the `;`).
    pub sig: TokenStream,
    pub ident: Ident,
    /// `unsafe`, if written.
    pub unsafety: Option<Span>,
    pub fn_span: Span,
    /// The parenthesized parameter list.
    pub params_span: Span,
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
            Some((name, _)) => name.clone(),
            None => self.ident.to_string(),
        }
    }

    /// Where the system call's name was written: the `name` option, or the function's name.
    pub fn name_span(&self) -> Span {
        self.options
            .name
            .as_ref()
            .map_or_else(|| self.ident.span(), |(_, s)| *s)
    }
}

const RETURN_HELP: &str = "supported return types: an integer at least as wide as the call's \
    result (`isize`, `usize`, `i64`, `u64`, `i32`, `u32`, …, or an alias of one), the kernel's value \
    as is; `Result<T, Errno>` with such an integer or `()`; and `!` for `exit`/`exit_group`";

/// At most this many parameters may carry `#[cfg]` (each combination is expanded).
const MAX_CFG_ARGS: usize = 4;

/// Takes the outer attributes at the front of `tokens`.
fn take_attrs(tokens: &[TokenTree]) -> (Vec<Attr>, &[TokenTree]) {
    let mut attrs = Vec::new();
    let mut rest = tokens;
    while let [hash, TokenTree::Group(g), tail @ ..] = rest {
        if !is_punct(hash, '#') || g.delimiter() != Delimiter::Bracket {
            break;
        }
        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
        let name = match inner.first() {
            Some(TokenTree::Ident(i)) => Some(i.to_string()),
            _ => None,
        };
        let args = match inner.get(1) {
            Some(TokenTree::Group(a)) if a.delimiter() == Delimiter::Parenthesis => {
                Some(a.stream())
            }
            _ => None,
        };
        attrs.push(Attr {
            tokens: [hash.clone(), TokenTree::Group(g.clone())]
                .into_iter()
                .collect(),
            name,
            args,
        });
        rest = tail;
    }
    (attrs, rest)
}

/// Parses the declaration: a function signature ending in `;`.
pub fn parse_decl(options: Options, input: TokenStream) -> Result<Decl, Vec<Error>> {
    let tokens: Vec<TokenTree> = input.clone().into_iter().collect();
    let (attrs, rest) = take_attrs(&tokens);
    let mut errors = Vec::new();
    let mut i = 0;
    let sig_start = i;
    // Visibility: `pub`, `pub(crate)`, `pub(in path)`.
    if rest.first().is_some_and(|t| is_ident(t, "pub")) {
        i += 1;
        if matches!(rest.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            i += 1;
        }
    }
    let mut unsafety = None;
    loop {
        match rest.get(i) {
            Some(TokenTree::Ident(id)) if id == "unsafe" => unsafety = Some(id.span()),
            Some(TokenTree::Ident(id)) if id == "async" => errors.push(Error::new(
                id.span(),
                "a system call cannot be `async`: remove `async`",
            )),
            Some(TokenTree::Ident(id)) if id == "const" => errors.push(Error::new(
                id.span(),
                "a system call cannot be `const`: remove `const`",
            )),
            Some(TokenTree::Ident(id)) if id == "extern" => {
                let mut span_tokens = vec![rest[i].clone()];
                if let Some(TokenTree::Literal(abi)) = rest.get(i + 1) {
                    span_tokens.push(TokenTree::Literal(abi.clone()));
                    i += 1;
                }
                errors.push(Error::spanned(
                    &span_tokens.into_iter().collect(),
                    "remove the `extern` ABI: the stub is a Rust function",
                ));
            }
            _ => break,
        }
        i += 1;
    }
    let fn_span = match rest.get(i) {
        Some(TokenTree::Ident(id)) if id == "fn" => id.span(),
        _ => {
            return Err(vec![Error::spanned(
                &input,
                "`#[fast_syscall]` applies to a function declaration: `fn name(args) -> Type;`",
            )]);
        }
    };
    i += 1;
    let ident = match rest.get(i) {
        Some(TokenTree::Ident(id)) => id.clone(),
        other => {
            let span = other.map_or_else(Span::call_site, TokenTree::span);
            return Err(vec![Error::new(span, "expected the function's name")]);
        }
    };
    i += 1;
    if rest.get(i).is_some_and(|t| is_punct(t, '<')) {
        // Generic parameters, up to the matching `>`.
        let start = i;
        let mut depth = 0;
        while let Some(t) = rest.get(i) {
            if is_punct(t, '<') {
                depth += 1;
            } else if is_punct(t, '>') {
                depth -= 1;
                if depth == 0 {
                    i += 1;
                    break;
                }
            }
            i += 1;
        }
        errors.push(Error::spanned(
            &rest[start..i].iter().cloned().collect(),
            "a system call cannot be generic: use concrete argument types",
        ));
    }
    let params = match rest.get(i) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => g.clone(),
        other => {
            let span = other.map_or_else(Span::call_site, TokenTree::span);
            return Err(vec![Error::new(span, "expected the parameter list `(…)`")]);
        }
    };
    i += 1;
    // The return type: after `->`, up to `;`, a body or `where`.
    let ret_start = i;
    let mut ret_tokens = Vec::new();
    let has_arrow = matches!(
        (rest.get(i), rest.get(i + 1)),
        (Some(a), Some(b)) if is_punct(a, '-') && is_punct(b, '>')
    );
    if has_arrow {
        i += 2;
        while let Some(t) = rest.get(i) {
            let body = matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
            if is_punct(t, ';') || body || is_ident(t, "where") {
                break;
            }
            ret_tokens.push(t.clone());
            i += 1;
        }
    }
    let sig: TokenStream = rest[sig_start..i].iter().cloned().collect();
    if rest.get(i).is_some_and(|t| is_ident(t, "where")) {
        let clause: TokenStream = rest[i..]
            .iter()
            .take_while(|t| !is_punct(t, ';'))
            .cloned()
            .collect();
        errors.push(Error::spanned(
            &clause,
            "a system call cannot be generic: use concrete argument types",
        ));
        i += clause.into_iter().count();
    }
    match rest.get(i) {
        Some(t) if is_punct(t, ';') && i + 1 == rest.len() => {}
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
            return Err(vec![Error::new(
                g.span(),
                "`#[fast_syscall]` generates the body: declare the function without one, ending in `;`",
            )]);
        }
        other => {
            let span = other.map_or_else(|| params.span_close(), TokenTree::span);
            errors.push(Error::new(span, "expected `;` after the declaration"));
        }
    }

    // Parameters.
    let mut args = Vec::new();
    for param in split_top_level(&params.stream(), ',') {
        let tokens: Vec<TokenTree> = param.clone().into_iter().collect();
        let (param_attrs, rest) = take_attrs(&tokens);
        let pattern_end = rest.iter().position(|t| is_punct(t, ':'));
        let receiver = rest
            .iter()
            .take(pattern_end.unwrap_or(rest.len()))
            .any(|t| is_ident(t, "self"));
        if receiver {
            errors.push(Error::spanned(
                &param,
                "a system call has no `self`: declare a free function",
            ));
            continue;
        }
        if rest.len() >= 3 && rest[..3].iter().all(|t| is_punct(t, '.')) {
            errors.push(Error::spanned(
                &param,
                "a system call cannot be variadic: declare each argument",
            ));
            continue;
        }
        let Some(colon) = pattern_end else {
            errors.push(Error::spanned(&param, "expected `name: Type`"));
            continue;
        };
        let pattern: Vec<TokenTree> = rest[..colon].to_vec();
        let name = match pattern.as_slice() {
            [TokenTree::Ident(id)] => id.clone(),
            [m, TokenTree::Ident(id)] if is_ident(m, "mut") => id.clone(),
            _ => {
                errors.push(Error::spanned(
                    &pattern.into_iter().collect(),
                    "use a plain name for each argument",
                ));
                continue;
            }
        };
        let ty: TokenStream = rest[colon + 1..].iter().cloned().collect();
        if ty.is_empty() {
            errors.push(Error::spanned(&param, "expected a type after `:`"));
            continue;
        }
        let cfgs: Vec<TokenStream> = param_attrs
            .iter()
            .filter(|a| a.is("cfg"))
            .filter_map(|a| a.args.clone())
            .collect();
        let cfg = match cfgs.len() {
            0 => None,
            1 => cfgs.into_iter().next(),
            _ => Some(quote! { all(#(#cfgs),*) }),
        };
        match classify_type(&ty) {
            Ok(rust) => args.push(DeclArg {
                ident: name,
                ty,
                rust,
                cfg,
            }),
            Err(e) => errors.push(e),
        }
    }
    if args.iter().filter(|a| a.cfg.is_some()).count() > MAX_CFG_ARGS {
        errors.push(Error::new(
            params.span(),
            format!(
                "at most {MAX_CFG_ARGS} parameters may carry `#[cfg]`: declare one function per configuration"
            ),
        ));
    }

    // The return type.
    let ret_ts: TokenStream = ret_tokens.iter().cloned().collect();
    let (ret, ret_span) = if !has_arrow {
        let span = rest
            .get(ret_start)
            .map_or_else(|| params.span_close(), TokenTree::span);
        errors.push(Error::new(
            params.span_close(),
            format!("declare a return type; {RETURN_HELP}"),
        ));
        (RetShape::Never, span)
    } else {
        let span = ret_tokens
            .first()
            .map_or_else(|| params.span_close(), TokenTree::span);
        match parse_return(&ret_ts) {
            Ok(shape) => (shape, span),
            Err(e) => {
                errors.push(e);
                (RetShape::Never, span)
            }
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Decl {
        attrs,
        sig,
        ident,
        unsafety,
        fn_span,
        params_span: params.span(),
        options,
        args,
        ret,
        ret_span,
    })
}

/// Classifies the return type.
fn parse_return(ty: &TokenStream) -> Result<RetShape, Error> {
    if ty.is_empty() {
        return Err(Error::new(
            Span::call_site(),
            format!("declare a return type; {RETURN_HELP}"),
        ));
    }
    let inner = unwrap(ty);
    let tokens: Vec<TokenTree> = inner.clone().into_iter().collect();
    if let [bang] = tokens.as_slice() {
        if is_punct(bang, '!') {
            return Ok(RetShape::Never);
        }
    }
    if let Some(args) = result_args(&inner) {
        if let [ok, _err] = args.as_slice() {
            let ok_inner: Vec<TokenTree> = unwrap(ok).into_iter().collect();
            if let [TokenTree::Group(g)] = ok_inner.as_slice() {
                if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty() {
                    return Ok(RetShape::Result(None));
                }
            }
            if let Some(r) = ret_ty(ok) {
                return Ok(RetShape::Result(Some(r)));
            }
            return Err(Error::spanned(
                ok,
                format!("unsupported `Ok` type; {RETURN_HELP}"),
            ));
        }
        return Err(Error::spanned(
            ty,
            format!("write the error type out: `Result<T, Errno>`; {RETURN_HELP}"),
        ));
    }
    if let Some(r) = ret_ty(ty) {
        return Ok(RetShape::Raw(r));
    }
    Err(Error::spanned(
        ty,
        format!("unsupported return type; {RETURN_HELP}"),
    ))
}

/// The tokens of a type, for messages (`[u8 ; 100]` printed as the user wrote it, roughly).
pub fn shown(ty: &TokenStream) -> String {
    ty.to_token_stream().to_string()
}
