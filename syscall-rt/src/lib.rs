//! Fast, table-checked Linux system calls.
//!
//! ```
//! use syscall_rt::{fast_syscall, Errno};
//!
//! #[fast_syscall]
//! fn getpid() -> i32;                                   // safe: integer arguments only
//!
//! #[fast_syscall]
//! unsafe fn write(fd: i32, buf: *const u8, count: usize) -> Result<usize, Errno>;
//!
//! assert_eq!(getpid() as u32, std::process::id());
//! let msg = b"hello\n";
//! // SAFETY: `msg` is valid for `msg.len()` bytes.
//! assert_eq!(unsafe { write(1, msg.as_ptr(), msg.len()) }, Ok(6));
//! assert_eq!(unsafe { write(-1, msg.as_ptr(), msg.len()) }, Err(Errno::EBADF));
//! ```
//!
//! # `#[fast_syscall]`
//!
//! Applies to a function declaration without a body (optionally `pub`, `unsafe`, with attributes
//! and doc comments, which are kept). Options: `name = "…"` (the system call, default: the
//! function's name) and `via = "syscall" | "sysenter" | "int80" | "svc" | "ecall" | "vdso"`.
//!
//! At compile time, against the table of every ABI (`tables/*.toml`), each failure a
//! `compile_error!` on your tokens:
//! - the system call exists (an unknown name suggests the closest; a name another ABI lacks,
//!   like `fork` or `open` on aarch64, names the replacement in that ABI's branch only);
//! - the argument count, and each argument's type: integers of the kernel's width (signedness
//!   may differ; a 16-bit `umode_t` also takes a 32-bit integer; `isize`/`usize` have the
//!   target's pointer width), raw pointers where the kernel takes pointers, `*mut` where it
//!   writes. Type aliases such as `c_int` are checked by the `IntArg<BITS>` trait;
//! - `unsafe fn` when the call takes pointers or can break memory safety otherwise (`munmap`,
//!   `mprotect`, `brk`, `clone`, `rt_sigreturn`, `arch_prctl`, …: `needs_unsafe` in the tables);
//! - the return shape: `isize`, `usize`, `i64`, `u64`, `i32`, `u32` (the kernel's value as is),
//!   `Result<T, Errno>` with one of those or `()` (errors are -4095..=-1), and `!` for `exit` and
//!   `exit_group`, which must use it;
//! - `via` is available on the target: `int80` from x86_64 uses the **i386** numbers and
//!   truncates registers to 32 bits, so pointers and wider integers are refused there.
//!
//! The default mechanism is the vDSO where the table lists a vDSO function for the call
//! (falling back to the kernel entry when the image or symbol is missing), else the ABI's fast
//! gate: `syscall` (x86_64, x32), `sysenter` through `__kernel_vsyscall` (i386, falling back to
//! `int 0x80` without `AT_SYSINFO`), `svc` (Arm, AArch64), `ecall` (RISC-V).
//!
//! The expansion is one `#[cfg]`-gated function per table, each calling one
//! `#[inline(always)]` primitive of [`__private`] that wraps a single `asm!` block with exactly
//! the clobbers of its ABI (documented at each architecture's module).

#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "std")]
extern crate std;

// The expansion names `::syscall_rt`, also inside this crate.
extern crate self as syscall_rt;

pub use syscall_macros::fast_syscall;

mod errno;
pub use errno::Errno;

pub mod auxv;
pub mod vdso;

/// Raw entry primitives per architecture (one file each), used by the expansion.
pub mod arch {
    #[cfg(target_arch = "aarch64")]
    pub mod aarch64;
    #[cfg(target_arch = "arm")]
    pub mod arm;
    #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
    pub mod riscv;
    #[cfg(target_arch = "x86")]
    pub mod x86;
    #[cfg(target_arch = "x86_64")]
    pub mod x86_64;
}

/// What the `#[fast_syscall]` expansion calls. Not a stable API.
#[doc(hidden)]
pub mod __private {
    #[cfg(target_arch = "aarch64")]
    pub use crate::arch::aarch64;
    #[cfg(target_arch = "arm")]
    pub use crate::arch::arm;
    #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
    pub use crate::arch::riscv;
    #[cfg(target_arch = "x86")]
    pub use crate::arch::x86;
    #[cfg(target_arch = "x86_64")]
    pub use crate::arch::x86_64;
    pub use crate::vdso::VdsoFn;

    /// An integer type that can carry a `BITS`-bit system-call argument: checks arguments
    /// declared through aliases (`c_int`, `RawFd`, `pid_t`, …) that the macro cannot resolve.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot carry this {BITS}-bit system-call argument",
        label = "the kernel reads {BITS} bits here",
        note = "use an integer type of exactly that width (signedness may differ)"
    )]
    pub trait IntArg<const BITS: u32>: Copy {
        /// The value, sign- or zero-extended by its own signedness.
        fn to_u64(self) -> u64;
    }

    macro_rules! int_arg {
        ($bits:literal: $($t:ty),*) => {$(
            impl IntArg<$bits> for $t {
                #[inline(always)]
                fn to_u64(self) -> u64 {
                    self as u64
                }
            }
        )*};
    }
    int_arg!(16: i16, u16, i32, u32);
    int_arg!(32: i32, u32);
    int_arg!(64: i64, u64);
    #[cfg(target_pointer_width = "32")]
    int_arg!(32: isize, usize);
    #[cfg(target_pointer_width = "64")]
    int_arg!(64: isize, usize);
}
