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
//! # Contents
//!
//! - [`fast_syscall`] — the attribute; its page is the whole contract: options (`name`, `via`,
//!   `abi`, `table`), argument rules, return shapes, mechanisms per target, what needs `unsafe`
//!   and why, the errors you may see, your own tables.
//! - [`sys`] — every system call of the target's table, already declared (generated from the
//!   tables; each function shows the C prototype, the number and the mechanism).
//! - [`nr`] and [`arch`] — the numbers of the target's ABI, and of every ABI on any host, with
//!   each ABI's `AUDIT_ARCH` for seccomp filters.
//! - [`uapi`] — the target ABI's kernel types and constants (linux-raw-sys), which [`sys`]
//!   takes pointers to.
//! - [`Errno`] — the error of a failed call, with names, `Display` and `std` conversions.
//! - [`auxv`] and [`vdso`] — the auxiliary vector and the vDSO's symbols, found without libc
//!   (or handed over by a libc-free `_start` with [`auxv::init_from_stack`]).
//! - [`vgetrandom`] — the state management behind `getrandom` through the vDSO.
//! - [`registry`] — the system calls this binary can make through its linked stubs (each stub
//!   records its call in an ELF note that the linker keeps exactly when the calling code is).
//! - [`seccomp`] — seccomp-BPF allowlists without heap: a [`seccomp::Filter`] of
//!   `(AUDIT_ARCH, number)` pairs built into a binary-search BPF program and installed.
//! - [`raw`] — the entry primitives, one `asm!` block each, with each architecture's register
//!   and clobber rules.
//!
//! Features: `std` (default), `libc-free` (the symbols a `#![no_std]` program without a C
//! library needs: the `libc_free` module), `user-tables` (`#[fast_syscall(table = "…")]`).
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
pub mod registry;
pub mod seccomp;
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

/// This crate's README (its crates.io page), compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// What the `#[fast_syscall]` expansion calls. Not a stable API.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
