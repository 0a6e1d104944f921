//! Every `SYS_*` constant the `libc` crate defines for the target (glibc) equals the number of
//! the same name in our table (`syscall_rt::nr`). The list is generated from libc's source by
//! `cargo xtask codegen`; a difference would have to be explained in tables/README.md.

// Casts: libc's `c_long` is i64 or i32 depending on the target.
#[allow(clippy::unnecessary_cast)]
#[rustfmt::skip] // generated, checked byte for byte by `cargo xtask codegen --check`
#[path = "generated/libc_numbers.rs"]
mod generated;

/// Differences explained in tables/README.md ("Cross-checks").
#[cfg(target_arch = "arm")]
const EXPLAINED: &[&str] = &[
    // arch/arm/tools/syscall.tbl: "# 447 reserved for memfd_secret" — not a system call on
    // Arm (the kernel answers ENOSYS), so the table has no row; libc names the number anyway.
    "memfd_secret",
];
#[cfg(not(target_arch = "arm"))]
const EXPLAINED: &[&str] = &[];

#[test]
fn every_libc_sys_constant_equals_the_table() {
    let mut mismatches = Vec::new();
    for (name, theirs) in generated::LIBC {
        if EXPLAINED.contains(name) {
            assert!(
                syscall_rt::nr::ALL.iter().all(|(n, _)| n != name),
                "{name} is no longer a difference"
            );
            continue;
        }
        match syscall_rt::nr::ALL.iter().find(|(n, _)| n == name) {
            Some((_, ours)) if i64::from(*ours) == *theirs => {}
            Some((_, ours)) => mismatches.push(format!("{name}: libc {theirs}, table {ours}")),
            None => mismatches.push(format!("{name}: libc {theirs}, not in the table")),
        }
    }
    assert!(
        generated::LIBC.len() > 250,
        "only {} libc constants",
        generated::LIBC.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        generated::LIBC.len(),
        mismatches.join("\n")
    );
}
