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
//!   writes. Aliases (`c_int`, `RawFd`), `::core::primitive::u32` and `macro_rules!` `$t:ty`
//!   fragments are accepted; every integer goes through a width-checking trait, so an alias or a
//!   shadowed primitive name of the wrong width is refused. A parameter under `#[cfg(…)]`
//!   exists where its predicate holds;
//! - `unsafe fn` when the call takes pointers or can break memory or I/O safety otherwise
//!   (`exit`, `close`, `dup2`, `munmap`, `mprotect`, `brk`, `clone`, `ioctl`, `prctl`, …: the
//!   table's `needs_unsafe` gives the reason, shown in the error);
//! - the return shape: an integer at least as wide as the call's result (`isize`, `usize`,
//!   `i64`, `u64`, `i32`, `u32`, … or an alias; `lseek` returns a 64-bit `off_t` on x86_64, so
//!   `i32` is refused), the kernel's value as is; `Result<T, Errno>` with such an integer or
//!   `()` (errors are -4095..=-1); and `!` for `exit` and `exit_group`, which must use it;
//! - `via` is available on the target: `int80` from x86_64 uses the **i386** numbers and
//!   truncates registers to 32 bits, so pointers and wider integers are refused there.
//!
//! Arguments reach the kernel extended by the table's kind, not by the Rust type's sign (x32's
//! 32-bit `long` is sign-extended even from a `u32`; riscv64 sign-extends every 32-bit value, as
//! its C ABI requires for the vDSO). A result register narrower than the declared type (i386,
//! Arm, riscv32, `int80` from x86_64) is extended by the call's return kind: addresses and
//! unsigned ids zero-extend, signed values sign-extend, and `-errno` stays negative.
//!
//! The expansion binds no local variable and names everything by absolute path
//! (`::core::primitive::u64`, the runtime crate under the name your `Cargo.toml` gives it), so
//! nothing in your scope can change what reaches the kernel.
//!
//! The default mechanism is the vDSO where the table lists a vDSO function for the call
//! (falling back to the kernel entry when the image or symbol is missing), else the ABI's fast
//! gate: `syscall` (x86_64, x32), `sysenter` through `__kernel_vsyscall` (i386, falling back to
//! `int 0x80` without `AT_SYSINFO`), `svc` (Arm, AArch64), `ecall` (RISC-V).
//!
//! The expansion is one `#[cfg]`-gated function per table, each calling one
//! `#[inline(always)]` primitive of [`__private`] that wraps a single `asm!` block with exactly
//! the clobbers of its ABI (documented at each architecture's module).
//!
//! # `getrandom` through the vDSO
//!
//! Where the table lists a vgetrandom symbol (x86_64 `__vdso_getrandom`, aarch64
//! `__kernel_getrandom`, riscv64 `__vdso_getrandom`), `getrandom` — [`sys::getrandom`] and your
//! own `#[fast_syscall] unsafe fn getrandom(..)` — defaults to the vDSO (Linux 6.11+ on x86_64,
//! 6.12+ on arm64): no system call per call. The vDSO function needs an opaque state per
//! concurrent caller, which [`vgetrandom`] manages:
//!
//! - **Design.** A lock-free pool of states in pages mapped exactly as the vDSO asks
//!   (`MAP_DROPPABLE`: dropped under memory pressure, zeroed in a forked child), taken and
//!   returned per call with one compare-and-swap and one `fetch_or` — no libc, no locks, no TLS,
//!   usable from any thread and from signal handlers. With `std`, each thread also caches one
//!   state in a thread-local, taken out for the duration of a call (a signal handler that
//!   interrupts the call uses a pool state of its own, never the same one) and given back when
//!   the thread exits; the steady state is then two plain stores around the vDSO call.
//! - **Memory.** 192 bytes per thread that calls `getrandom` (a 144-byte state at a cache-line
//!   stride), in 4 KiB pages of 21 states mapped on demand and re-used, never unmapped: one
//!   page for up to 21 threads. [`vgetrandom::stats`] gives the current figures.
//! - **Failure behaviour.** Always the system call, never a panic: no vDSO or symbol (older
//!   kernels, qemu-user, i386), a failed params query, an `mmap` that fails. The results are the
//!   system call's, errors included, except that the vDSO serves `GRND_RANDOM | GRND_INSECURE`,
//!   which the system call refuses with `EINVAL`; an invalid buffer faults instead of giving
//!   `EFAULT` (the buffer must be valid in any case: the function is `unsafe`).
//!
//! The whole contract, the thread-cache details and their limits: [`vgetrandom`].

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
#[cfg(feature = "libc-free")]
pub mod libc_free;
pub mod uapi;
pub mod vdso;
pub mod vgetrandom;

/// Raw entry primitives of the target's architecture (one file each), used by the expansion.
/// Each wraps one `asm!` block; the register rules are documented at the top of each file.
pub mod raw {
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

pub mod arch;

/// The system-call numbers of the target's ABI (one of [`arch`]'s `nr` modules).
#[cfg(target_arch = "aarch64")]
pub use arch::aarch64::nr;
/// The system-call numbers of the target's ABI (one of [`arch`]'s `nr` modules).
#[cfg(target_arch = "arm")]
pub use arch::arm::nr;
/// The system-call numbers of the target's ABI (one of [`arch`]'s `nr` modules).
#[cfg(target_arch = "riscv32")]
pub use arch::riscv32::nr;
/// The system-call numbers of the target's ABI (one of [`arch`]'s `nr` modules).
#[cfg(target_arch = "riscv64")]
pub use arch::riscv64::nr;
/// The system-call numbers of the target's ABI (one of [`arch`]'s `nr` modules).
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
pub use arch::x32::nr;
/// The system-call numbers of the target's ABI (one of [`arch`]'s `nr` modules).
#[cfg(target_arch = "x86")]
pub use arch::x86::nr;
/// The system-call numbers of the target's ABI (one of [`arch`]'s `nr` modules).
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
pub use arch::x86_64::nr;

/// Every system call of the target's table as a typed function (generated by
/// `cargo xtask codegen` from `tables/`; each is a `#[fast_syscall]` declaration).
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
#[rustfmt::skip] // generated by `cargo xtask codegen`, checked byte for byte
#[path = "sys/x86_64.rs"]
pub mod sys;
/// Every system call of the target's table as a typed function.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
#[rustfmt::skip] // generated by `cargo xtask codegen`, checked byte for byte
#[path = "sys/x32.rs"]
pub mod sys;
/// Every system call of the target's table as a typed function.
#[cfg(target_arch = "x86")]
#[rustfmt::skip] // generated by `cargo xtask codegen`, checked byte for byte
#[path = "sys/x86.rs"]
pub mod sys;
/// Every system call of the target's table as a typed function.
#[cfg(target_arch = "aarch64")]
#[rustfmt::skip] // generated by `cargo xtask codegen`, checked byte for byte
#[path = "sys/aarch64.rs"]
pub mod sys;
/// Every system call of the target's table as a typed function.
#[cfg(target_arch = "arm")]
#[rustfmt::skip] // generated by `cargo xtask codegen`, checked byte for byte
#[path = "sys/arm.rs"]
pub mod sys;
/// Every system call of the target's table as a typed function.
#[cfg(target_arch = "riscv64")]
#[rustfmt::skip] // generated by `cargo xtask codegen`, checked byte for byte
#[path = "sys/riscv64.rs"]
pub mod sys;
/// Every system call of the target's table as a typed function.
#[cfg(target_arch = "riscv32")]
#[rustfmt::skip] // generated by `cargo xtask codegen`, checked byte for byte
#[path = "sys/riscv32.rs"]
pub mod sys;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// What the `#[fast_syscall]` expansion calls. Not a stable API.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
