//! Compile tests of `#[fast_syscall]` with trybuild: `ui/<area>/<mistake>.rs` must fail with the
//! message in the `.stderr` beside it; `ui/pass/*.rs` must compile and run.
//!
//! The expected messages are those of the host toolchain on x86_64; other targets (and the
//! Debian 1.85 compiler of the cross builds) skip this test. `TRYBUILD=overwrite` refreshes them.

#[test]
#[cfg_attr(
    not(all(target_arch = "x86_64", target_pointer_width = "64")),
    ignore = "x86_64 host only"
)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/[!p]*/*.rs");
    t.pass("ui/pass/*.rs");
}
