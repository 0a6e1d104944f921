//! What `#[fast_syscall]` can expand, as data: the architectures, their registers, pointer widths
//! and mechanisms, and the vDSO functions the expansion knows how to call. The validator
//! ([`crate::parse_table`]) holds every table to these rules; the macro relies on them.

use crate::model::{Mechanism, PairAlignment};

/// The longest system-call name a table may hold (Linux's longest is 23 characters). Longer
/// names in declarations are refused without a "did you mean" search.
pub const MAX_NAME_LEN: usize = 64;

/// What `#[fast_syscall]` can expand for one `target_arch`: the entry mechanisms it has
/// primitives for, the width of an argument register, the pointer widths of its ABIs and where
/// a 64-bit register pair starts. A table must agree with its architecture's rules: everything
/// the expansion assumes about a table is checked here.
#[derive(Clone, Copy, Debug)]
pub struct ArchRules {
    /// Rust's `target_arch`.
    pub target_arch: &'static str,
    /// Width of an argument register.
    pub register_bits: u32,
    /// The `target_pointer_width`s of the ABIs of this architecture (x86_64: x86_64 and x32).
    pub pointer_widths: &'static [u32],
    /// The mechanisms `syscall-rt` has primitives for.
    pub mechanisms: &'static [Mechanism],
    /// Where 64-bit argument pairs start (only meaningful with 32-bit registers).
    pub pair_alignment: PairAlignment,
    /// `AUDIT_ARCH_*` of `<linux/audit.h>`: what `seccomp_data.arch` holds for its calls (x32
    /// shares x86_64's and sets `__X32_SYSCALL_BIT` in the number instead).
    pub audit_arch: u32,
}

/// The architectures `#[fast_syscall]` expands for.
pub const ARCHES: &[ArchRules] = &[
    ArchRules {
        target_arch: "x86_64",
        register_bits: 64,
        pointer_widths: &[64, 32],
        mechanisms: &[Mechanism::Syscall, Mechanism::Int80, Mechanism::Vdso],
        pair_alignment: PairAlignment::Any,
        audit_arch: 0xc000_003e,
    },
    ArchRules {
        target_arch: "x86",
        register_bits: 32,
        pointer_widths: &[32],
        mechanisms: &[Mechanism::Sysenter, Mechanism::Int80, Mechanism::Vdso],
        pair_alignment: PairAlignment::Any,
        audit_arch: 0x4000_0003,
    },
    ArchRules {
        target_arch: "aarch64",
        register_bits: 64,
        pointer_widths: &[64],
        mechanisms: &[Mechanism::Svc, Mechanism::Vdso],
        pair_alignment: PairAlignment::Any,
        audit_arch: 0xc000_00b7,
    },
    ArchRules {
        target_arch: "arm",
        register_bits: 32,
        pointer_widths: &[32],
        mechanisms: &[Mechanism::Svc, Mechanism::Vdso],
        pair_alignment: PairAlignment::Even,
        audit_arch: 0x4000_0028,
    },
    ArchRules {
        target_arch: "riscv64",
        register_bits: 64,
        pointer_widths: &[64],
        mechanisms: &[Mechanism::Ecall, Mechanism::Vdso],
        pair_alignment: PairAlignment::Any,
        audit_arch: 0xc000_00f3,
    },
    ArchRules {
        target_arch: "riscv32",
        register_bits: 32,
        pointer_widths: &[32],
        mechanisms: &[Mechanism::Ecall, Mechanism::Vdso],
        pair_alignment: PairAlignment::Any,
        audit_arch: 0x4000_00f3,
    },
];

/// The Rust `target_arch` values a table may name (those of [`ARCHES`]).
pub const KNOWN_TARGET_ARCHES: &[&str] = &["x86_64", "x86", "aarch64", "arm", "riscv64", "riscv32"];

/// The rules of `target_arch`, if `#[fast_syscall]` supports it.
pub fn arch_rules(target_arch: &str) -> Option<&'static ArchRules> {
    ARCHES.iter().find(|a| a.target_arch == target_arch)
}

/// System calls whose vDSO function takes the system call's own arguments and returns its
/// result (or `-errno`): the only ones a table may give a `vdso` symbol, because the expansion
/// calls the function with the system call's registers as C arguments.
pub const VDSO_DROP_INS: &[&str] = &[
    "clock_gettime",
    "clock_gettime64",
    "clock_getres",
    "clock_getres_time64",
    "gettimeofday",
    "time",
    "getcpu",
    "riscv_hwprobe",
    "riscv_flush_icache",
];

/// `getrandom`'s vDSO function takes an opaque per-thread state besides the call's arguments
/// (the vgetrandom ABI of `lib/vdso/getrandom.c`); the expansion calls `syscall-rt`'s
/// state-managing wrapper for it. The only vDSO function a table may name besides
/// [`VDSO_DROP_INS`].
pub const VDSO_GETRANDOM: &str = "getrandom";
