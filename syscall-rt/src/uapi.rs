//! The target ABI's kernel types and constants, spelled as the kernel's UAPI headers spell them
//! (`uapi::stat`, `uapi::statx`, `uapi::__kernel_timespec`, `uapi::kernel_sigset_t`,
//! `uapi::epoll_event`, `uapi::O_RDONLY`, `uapi::AT_FDCWD`, `uapi::CLOCK_MONOTONIC`, …).
//!
//! **Source: [linux-raw-sys](https://docs.rs/linux-raw-sys)**, re-exported, not rewritten: the
//! bindgen output of the kernel's UAPI headers, one module per architecture (x86_64, x86, x32,
//! aarch64, arm, riscv64, riscv32 — the seven ABIs of this crate), `no_std`, without
//! dependencies, and the source rustix uses for the same purpose. Hand-written layouts are what
//! this crate exists to prevent (per-arch `stat`, 32-bit `time_t` on i386 and Arm, the packed
//! `epoll_event` of x86_64), so none is written here; a test compares the size and field
//! offsets of every struct the generated API names with the C compiler's, on every ABI.
//!
//! The types of `<linux/...>` headers that the general module lacks are in submodules named
//! like linux-raw-sys's (`uapi::net::sockaddr`, `uapi::system::new_utsname`,
//! `uapi::io_uring::io_uring_params`, …). Constants have bindgen's types (mostly `u32`): cast
//! them to the argument's type (`uapi::O_CLOEXEC as i32`).
//!
//! The generated API ([`crate::sys`]) takes pointers to these types wherever the kernel's
//! prototype names one; `#[fast_syscall]` checks a user's own pointee against them at compile
//! time (size, and alignment where the kernel needs it).

pub use linux_raw_sys::ctypes;
pub use linux_raw_sys::general::*;

/// Sockets (`<linux/socket.h>`, `<linux/in.h>`, …): `sockaddr`, `msghdr`, `mmsghdr`, `SOCK_*`.
pub mod net {
    pub use linux_raw_sys::net::*;
}

/// `<linux/utsname.h>`, `<linux/sysinfo.h>`: `new_utsname`, `sysinfo`.
pub mod system {
    pub use linux_raw_sys::system::*;
}

/// `<linux/io_uring.h>`.
pub mod io_uring {
    pub use linux_raw_sys::io_uring::*;
}

/// `<linux/landlock.h>`.
pub mod landlock {
    pub use linux_raw_sys::landlock::*;
}

/// `<linux/prctl.h>`: `PR_*`.
pub mod prctl {
    pub use linux_raw_sys::prctl::*;
}

/// `<linux/ptrace.h>`, `<linux/audit.h>`, `<linux/seccomp.h>`: `PTRACE_*`, `AUDIT_ARCH_*`,
/// `SECCOMP_*`, `seccomp_data`.
pub mod ptrace {
    pub use linux_raw_sys::ptrace::*;
}

/// `<asm/ioctls.h>` and friends: ioctl numbers.
pub mod ioctl {
    pub use linux_raw_sys::ioctl::*;
}

/// `<linux/mempolicy.h>`: `MPOL_*`.
pub mod mempolicy {
    pub use linux_raw_sys::mempolicy::*;
}

/// `<linux/auxvec.h>`: `AT_*` keys of the auxiliary vector.
pub mod auxvec {
    pub use linux_raw_sys::auxvec::*;
}

/// `<linux/elf.h>`: ELF structures and constants.
pub mod elf {
    pub use linux_raw_sys::elf::*;
}
