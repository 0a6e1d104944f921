//! `#[fast_syscall]`: a function declaration checked against the kernel's system-call tables at
//! compile time and expanded into an inline-assembly stub for every supported ABI.
//!
//! Use it through `syscall-rt`, which re-exports it and holds the primitives the expansion
//! calls; [`fast_syscall`] documents the whole contract. The macro works in three stages, each
//! in its own module: `ast.rs` parses the declaration, `valid.rs` checks it against one ABI's
//! table, `expand.rs` emits one `#[cfg]`-gated function per table. Every problem becomes a
//! `compile_error!` spanned on the user's tokens; the macro never panics on user input.

mod ast;
mod crate_path;
mod expand;
#[cfg(all(test, feature = "user-tables"))]
mod fuzz;
#[cfg(feature = "user-tables")]
mod user_table;
mod valid;

use proc_macro::TokenStream;

#[doc = include_str!("../doc/fast_syscall.md")]
#[proc_macro_attribute]
pub fn fast_syscall(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::fast_syscall(args.into(), input.into()).into()
}
