//! Independent cross-check of `syscall_rt::uapi` (linux-raw-sys): for every kernel type the
//! generated API names, and the structs those contain, the size, alignment and field offsets on
//! the target equal what the ABI's C compiler gives for the same type from Debian's kernel
//! headers (or from the kernel's own definition where the UAPI headers have none).
//!
//! The expectations are generated per ABI by `cargo xtask codegen` (xtask/src/layouts.rs) as
//! `const` assertions: compiling this test for a target checks that target's layouts, so every
//! cross build (i686, aarch64, armv7, riscv64 run; x32 builds) checks its own ABI.

#[rustfmt::skip] // generated, checked byte for byte by `cargo xtask codegen --check`
#[path = "generated/uapi_layouts.rs"]
mod generated;

use generated::expected;

// The target has its block of assertions, and it is not (nearly) empty.
const _: () = assert!(expected::TYPES >= 40 && expected::FIELDS >= 200);

#[test]
fn the_targets_layouts_were_compared_with_c() {
    // The assertions ran when this file was compiled; this says what they covered.
    println!(
        "{}: {} uapi types and {} field offsets equal the C compiler's",
        expected::ABI,
        expected::TYPES,
        expected::FIELDS
    );
}
