//! `cargo xtask codegen`: `tests/tests/generated/uapi_layouts.rs`, the C compiler's layout of
//! every kernel type the generated API names, per ABI, as compile-time assertions on
//! `syscall_rt::uapi` (linux-raw-sys).
//!
//! For each ABI: every distinct `pointee` of the table that names a `uapi` type, and the named
//! structs and unions their fields contain, are looked up in linux-raw-sys's source for that
//! architecture (`src/<arch>/<module>.rs`, found through `cargo metadata`). The ABI's C compiler
//! then gives `sizeof`, `_Alignof` and the `offsetof` of each field of the same type as Debian's
//! kernel headers declare it — or, for the types the UAPI headers do not declare, as the kernel
//! itself does ([`PRELUDE`]). Nothing here knows a layout: the numbers come from the compilers,
//! the field names from linux-raw-sys, and the test compares the two when it is compiled for
//! the target.
//!
//! The compilers are those `scripts/install-deps.sh` installs: `gcc` (`-m32`, `-mx32`), and
//! `aarch64-linux-gnu-gcc`, `arm-linux-gnueabihf-gcc`, `riscv64-linux-gnu-gcc` (also for
//! riscv32, in ILP32 mode). Only assembly is produced (`-S`): no C library is needed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use syscall_table::{PointeeKind, Table};

/// The generated file, relative to the workspace root.
pub const OUTPUT: &str = "tests/tests/generated/uapi_layouts.rs";

/// An ABI: linux-raw-sys's folder for it (the ABI's name), the Rust cfg that selects it, and
/// the C compiler with the flags that give its layouts.
struct Abi {
    name: &'static str,
    cfg: &'static str,
    cc: &'static [&'static str],
}

const ABIS: &[Abi] = &[
    Abi {
        name: "x86_64",
        cfg: "all(target_arch = \"x86_64\", target_pointer_width = \"64\")",
        cc: &["gcc"],
    },
    // The kernel's asm/ headers of i386 and x32 are the x86_64 ones (they test __i386__ and
    // __ILP32__); Debian installs them for the host only.
    Abi {
        name: "x86",
        cfg: "target_arch = \"x86\"",
        cc: &["gcc", "-m32", "-idirafter", "/usr/include/x86_64-linux-gnu"],
    },
    Abi {
        name: "x32",
        cfg: "all(target_arch = \"x86_64\", target_pointer_width = \"32\")",
        cc: &[
            "gcc",
            "-mx32",
            "-idirafter",
            "/usr/include/x86_64-linux-gnu",
        ],
    },
    Abi {
        name: "aarch64",
        cfg: "target_arch = \"aarch64\"",
        cc: &["aarch64-linux-gnu-gcc"],
    },
    Abi {
        name: "arm",
        cfg: "target_arch = \"arm\"",
        cc: &["arm-linux-gnueabihf-gcc"],
    },
    Abi {
        name: "riscv64",
        cfg: "target_arch = \"riscv64\"",
        cc: &["riscv64-linux-gnu-gcc"],
    },
    // Debian has no riscv32 toolchain or headers: the riscv64 compiler in ILP32 mode with the
    // riscv64 headers (they size `long` by `__riscv_xlen`), as syscall-table/tests does.
    Abi {
        name: "riscv32",
        cfg: "target_arch = \"riscv32\"",
        cc: &["riscv64-linux-gnu-gcc", "-march=rv32gc", "-mabi=ilp32d"],
    },
];

/// The UAPI headers that declare the types (each ABI's own `asm/` through its compiler).
const HEADERS: &str = "\
#include <linux/types.h>
#include <linux/posix_types.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/stat.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/resource.h>
#include <linux/poll.h>
#include <linux/eventpoll.h>
#include <linux/signal.h>
#include <linux/uio.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/mount.h>
#include <linux/futex.h>
#include <linux/mman.h>
#include <linux/xattr.h>
#include <linux/fs.h>
#include <linux/capability.h>
#include <linux/utsname.h>
#include <linux/sysinfo.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <linux/socket.h>
#if defined(__i386__) || defined(__x86_64__)
#include <asm/ldt.h>
#endif
";

/// C definitions, after [`HEADERS`], of the types the UAPI headers do not declare: the kernel's
/// own (linux-raw-sys adds these to its bindings by hand, so the headers cannot check them), the
/// kernel-internal types our tables map to UAPI twins, and the UAPI types Debian 12's headers
/// (Linux 6.1) predate. Each names its source; [`KERNEL_DEFS`] says which Rust type it checks.
pub const PRELUDE: &str = r#"
/* ---- Kernel types that user space does not get from the UAPI headers -------------------- */

#if defined(__x86_64__) && defined(__ILP32__)
/* x32. Its rt_sigaction is compat_sys_rt_sigaction (arch/x86/entry/syscalls/syscall_64.tbl),
 * which reads struct compat_sigaction (include/linux/compat.h):
 *   compat_uptr_t sa_handler; compat_ulong_t sa_flags; compat_uptr_t sa_restorer
 *   (__ARCH_HAS_SA_RESTORER); compat_sigset_t sa_mask __packed;
 * compat_sigset_t is { compat_sigset_word sig[_COMPAT_NSIG_WORDS]; } with u32 words and
 * _COMPAT_NSIG_WORDS = 64 / 32 (include/linux/compat.h, include/asm-generic/compat.h). The
 * native entries (sys_rt_sigprocmask, sys_rt_sigsuspend, sys_signalfd4, ...) read the x86_64
 * sigset_t, one u64: the same 8 bytes on this little-endian ABI, copied without an alignment
 * requirement. */
typedef struct { __u32 sig[2]; } kabi_sigset_t;
struct kabi_sigaction {
	__u32 sa_handler;
	__u32 sa_flags;
	__u32 sa_restorer;
	kabi_sigset_t sa_mask __attribute__((packed));
};
#else
/* i386's UAPI asm/signal.h (the struct sigaction it keeps for old libcs) makes sa_handler a
 * macro. */
#undef sa_handler
/* include/linux/signal_types.h:
 *   struct sigaction { __sighandler_t sa_handler; unsigned long sa_flags;
 *   #ifdef __ARCH_HAS_SA_RESTORER __sigrestore_t sa_restorer; #endif sigset_t sa_mask; };
 * __ARCH_HAS_SA_RESTORER: arch/x86/include/asm/signal.h, arch/arm/include/asm/signal.h, and
 * for arm64 include/uapi/asm-generic/signal.h (arm64 defines SA_RESTORER); riscv has none.
 * sigset_t: { unsigned long sig[_NSIG_WORDS]; } with _NSIG = 64 and _NSIG_BPW = BITS_PER_LONG
 * (arch/x86/include/asm/signal.h, arch/arm/include/asm/signal.h,
 * include/uapi/asm-generic/signal.h). */
typedef struct { unsigned long sig[64 / (8 * sizeof(unsigned long))]; } kabi_sigset_t;
struct kabi_sigaction {
	__sighandler_t sa_handler;
	unsigned long sa_flags;
#if defined(__x86_64__) || defined(__i386__) || defined(__arm__) || defined(__aarch64__)
	__sigrestore_t sa_restorer;
#endif
	kabi_sigset_t sa_mask;
};
#endif

#if defined(__x86_64__) && defined(__ILP32__)
/* x32's sendmsg, recvmsg, sendmmsg and recvmmsg are compat_sys_* entries: struct compat_msghdr
 * and struct compat_mmsghdr (include/net/compat.h), compat_uptr_t/compat_size_t/compat_uint_t
 * being 32 bits. */
struct kabi_user_msghdr {
	__u32 msg_name;
	__s32 msg_namelen;
	__u32 msg_iov;
	__u32 msg_iovlen;
	__u32 msg_control;
	__u32 msg_controllen;
	__u32 msg_flags;
};
#else
/* include/linux/socket.h */
struct kabi_user_msghdr {
	void *msg_name;
	int msg_namelen;
	struct iovec *msg_iov;
	__kernel_size_t msg_iovlen;
	void *msg_control;
	__kernel_size_t msg_controllen;
	unsigned int msg_flags;
};
#endif
/* include/linux/socket.h (compat_mmsghdr: the same with compat_msghdr, compat_uint_t) */
struct kabi_mmsghdr {
	struct kabi_user_msghdr msg_hdr;
	unsigned int msg_len;
};

/* include/linux/dirent.h (the UAPI has no linux/dirent.h) */
struct kabi_linux_dirent64 {
	__u64 d_ino;
	__s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The 32-bit time types of the old calls on 32-bit ABIs: include/vdso/time32.h
 * (old_time32_t is s32) and include/linux/time32.h. */
struct kabi_old_timespec32 {
	__s32 tv_sec;
	__s32 tv_nsec;
};
struct kabi_old_timeval32 {
	__s32 tv_sec;
	__s32 tv_usec;
};
struct kabi_old_itimerspec32 {
	struct kabi_old_timespec32 it_interval;
	struct kabi_old_timespec32 it_value;
};

/* ---- UAPI types of Linux 6.17 (the headers linux-raw-sys 0.12.1 is generated from) that -----
 * ---- Debian 12's linux-libc-dev (6.1) lacks, or has in an older, shorter version ---------- */

/* include/uapi/linux/stat.h: 6.1 ends after stx_dio_offset_align with __u64 __spare3[12]. */
struct kabi_statx {
	__u32 stx_mask;
	__u32 stx_blksize;
	__u64 stx_attributes;
	__u32 stx_nlink;
	__u32 stx_uid;
	__u32 stx_gid;
	__u16 stx_mode;
	__u16 __spare0[1];
	__u64 stx_ino;
	__u64 stx_size;
	__u64 stx_blocks;
	__u64 stx_attributes_mask;
	struct statx_timestamp stx_atime;
	struct statx_timestamp stx_btime;
	struct statx_timestamp stx_ctime;
	struct statx_timestamp stx_mtime;
	__u32 stx_rdev_major;
	__u32 stx_rdev_minor;
	__u32 stx_dev_major;
	__u32 stx_dev_minor;
	__u64 stx_mnt_id;
	__u32 stx_dio_mem_align;
	__u32 stx_dio_offset_align;
	__u64 stx_subvol;
	__u32 stx_atomic_write_unit_min;
	__u32 stx_atomic_write_unit_max;
	__u32 stx_atomic_write_segments_max;
	__u32 stx_dio_read_offset_align;
	__u32 stx_atomic_write_unit_max_opt;
	__u32 __spare2[1];
	__u64 __spare3[8];
};

/* include/uapi/linux/landlock.h: 6.1 has handled_access_fs only (6.7 added
 * handled_access_net, 6.12 scoped). */
struct kabi_landlock_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;
	__u64 scoped;
};

/* include/uapi/linux/mman.h (6.5) */
struct kabi_cachestat_range {
	__u64 off;
	__u64 len;
};
struct kabi_cachestat {
	__u64 nr_cache;
	__u64 nr_dirty;
	__u64 nr_writeback;
	__u64 nr_evicted;
	__u64 nr_recently_evicted;
};

/* include/uapi/linux/xattr.h (6.13) */
struct kabi_xattr_args {
	__aligned_u64 value;
	__u32 size;
	__u32 flags;
};

/* include/uapi/linux/mount.h (6.8; mnt_ns_id 6.11, the fields after mnt_ns_id 6.11-6.15) */
struct kabi_mnt_id_req {
	__u32 size;
	__u32 spare;
	__u64 mnt_id;
	__u64 param;
	__u64 mnt_ns_id;
};
struct kabi_statmount {
	__u32 size;
	__u32 mnt_opts;
	__u64 mask;
	__u32 sb_dev_major;
	__u32 sb_dev_minor;
	__u64 sb_magic;
	__u32 sb_flags;
	__u32 fs_type;
	__u64 mnt_id;
	__u64 mnt_parent_id;
	__u32 mnt_id_old;
	__u32 mnt_parent_id_old;
	__u64 mnt_attr;
	__u64 mnt_propagation;
	__u64 mnt_peer_group;
	__u64 mnt_master;
	__u64 propagate_from;
	__u32 mnt_root;
	__u32 mnt_point;
	__u64 mnt_ns_id;
	__u32 fs_subtype;
	__u32 sb_source;
	__u32 opt_num;
	__u32 opt_array;
	__u32 opt_sec_num;
	__u32 opt_sec_array;
	__u64 supported_mask;
	__u32 mnt_uidmap_num;
	__u32 mnt_uidmap;
	__u32 mnt_gidmap_num;
	__u32 mnt_gidmap;
	__u64 __spare2[43];
	char str[];
};

/* include/uapi/linux/fs.h (6.17) */
struct kabi_file_attr {
	__u64 fa_xflags;
	__u32 fa_extsize;
	__u32 fa_nextents;
	__u32 fa_projid;
	__u32 fa_cowextsize;
};
"#;

/// A C definition of [`PRELUDE`] and what it checks.
struct KernelDef {
    /// The kernel type as the tables spell it (an argument's C type without `__user`, `const`
    /// and `*`): every pointee of such an argument is compared with this definition.
    kernel: &'static str,
    /// The `uapi` type whose C counterpart this is, instead of the same-named UAPI declaration;
    /// `None` when the definition only checks our mapping (the old 32-bit time types, whose
    /// `uapi` twins are also compared with their own UAPI declarations).
    rust: Option<&'static str>,
    /// The C spelling in [`PRELUDE`].
    c: &'static str,
    /// Rust field → C field where bindgen's name differs; `None`: no C counterpart.
    renames: &'static [(&'static str, Option<&'static str>)],
}

const KERNEL_DEFS: &[KernelDef] = &[
    // linux-raw-sys's own definitions (gen/modules/general.h and net.h of its repository).
    KernelDef {
        kernel: "sigset_t",
        rust: Some("kernel_sigset_t"),
        c: "kabi_sigset_t",
        renames: &[],
    },
    KernelDef {
        kernel: "struct sigaction",
        rust: Some("kernel_sigaction"),
        c: "struct kabi_sigaction",
        // bindgen's name: "some platforms make `sa_handler` a macro".
        renames: &[("sa_handler_kernel", Some("sa_handler"))],
    },
    KernelDef {
        kernel: "struct user_msghdr",
        rust: Some("net::msghdr"),
        c: "struct kabi_user_msghdr",
        renames: &[],
    },
    KernelDef {
        kernel: "struct mmsghdr",
        rust: Some("net::mmsghdr"),
        c: "struct kabi_mmsghdr",
        renames: &[],
    },
    KernelDef {
        kernel: "struct linux_dirent64",
        rust: Some("linux_dirent64"),
        c: "struct kabi_linux_dirent64",
        renames: &[],
    },
    // The kernel-internal time types that import.rs's TIME32_TYPES maps to UAPI twins.
    KernelDef {
        kernel: "struct old_timespec32",
        rust: None,
        c: "struct kabi_old_timespec32",
        renames: &[],
    },
    KernelDef {
        kernel: "struct old_timeval32",
        rust: None,
        c: "struct kabi_old_timeval32",
        renames: &[],
    },
    KernelDef {
        kernel: "struct old_itimerspec32",
        rust: None,
        c: "struct kabi_old_itimerspec32",
        renames: &[],
    },
    // UAPI types newer than Debian 12's headers.
    KernelDef {
        kernel: "struct statx",
        rust: Some("statx"),
        c: "struct kabi_statx",
        renames: &[],
    },
    KernelDef {
        kernel: "struct landlock_ruleset_attr",
        rust: Some("landlock::landlock_ruleset_attr"),
        c: "struct kabi_landlock_ruleset_attr",
        renames: &[],
    },
    KernelDef {
        kernel: "struct cachestat_range",
        rust: Some("cachestat_range"),
        c: "struct kabi_cachestat_range",
        renames: &[],
    },
    KernelDef {
        kernel: "struct cachestat",
        rust: Some("cachestat"),
        c: "struct kabi_cachestat",
        renames: &[],
    },
    KernelDef {
        kernel: "struct xattr_args",
        rust: Some("xattr_args"),
        c: "struct kabi_xattr_args",
        renames: &[],
    },
    KernelDef {
        kernel: "struct mnt_id_req",
        rust: Some("mnt_id_req"),
        c: "struct kabi_mnt_id_req",
        renames: &[],
    },
    KernelDef {
        kernel: "struct statmount",
        rust: Some("statmount"),
        c: "struct kabi_statmount",
        renames: &[],
    },
    KernelDef {
        kernel: "struct file_attr",
        rust: Some("file_attr"),
        c: "struct kabi_file_attr",
        renames: &[],
    },
];

/// Fields that Debian 12's headers (Linux 6.1) name differently from the 6.17 headers
/// linux-raw-sys was generated from, at the same place: (`uapi` type, Rust field, 6.1 member).
const HEADER_RENAMES: &[(&str, &str, &str)] = &[
    // 6.5 (IORING_SETUP_NO_MMAP) renamed `__u64 resv2` to `user_addr`.
    ("io_uring::io_sqring_offsets", "user_addr", "resv2"),
    ("io_uring::io_cqring_offsets", "user_addr", "resv2"),
];

/// Known differences between linux-raw-sys and the kernel: (ABI or `*`, `uapi` type, `size` or
/// `align`, why). The generated file asserts that they still differ, so that a fixed
/// linux-raw-sys makes the test fail until the entry is removed.
const KNOWN: &[(&str, &str, &str, &str)] = &[
    // None. (`struct sockaddr` was one — linux-raw-sys's is the 128-byte storage — until the
    // tables stopped naming it: the calls take any address family with its length.)
];

// ------------------------------------------------------------------------ linux-raw-sys

/// linux-raw-sys's version and source folder, from `cargo metadata`.
fn linux_raw_sys(root: &Path) -> Result<(String, PathBuf), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("{cargo} metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cargo} metadata failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages = meta["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?;
    let found: Vec<&serde_json::Value> = packages
        .iter()
        .filter(|p| p["name"] == "linux-raw-sys")
        .collect();
    let [package] = found.as_slice() else {
        return Err(format!(
            "cargo metadata: expected one linux-raw-sys package, found {}",
            found.len()
        ));
    };
    let version = package["version"].as_str().unwrap_or("?").to_string();
    let manifest = package["manifest_path"]
        .as_str()
        .ok_or("cargo metadata: linux-raw-sys has no manifest_path")?;
    let dir = Path::new(manifest)
        .parent()
        .ok_or("linux-raw-sys manifest has no folder")?
        .join("src");
    Ok((version, dir))
}

/// What a bindgen item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Struct,
    Union,
    Alias,
}

/// A `pub struct`, `pub union` (fields: name, Rust type) or `pub type NAME = TYPE;` (target).
#[derive(Debug)]
struct Item {
    kind: Kind,
    fields: Vec<(String, String)>,
    target: String,
}

/// The structs, unions and type aliases of a bindgen module, by name. Bindgen writes one field
/// per line (`pub name: Type,`) between `pub struct NAME {` and `}`; generic helpers
/// (`__BindgenBitfieldUnit<Storage>`) and tuple structs are left out.
fn parse_module(text: &str) -> BTreeMap<String, Item> {
    let mut items = BTreeMap::new();
    let mut open: Option<(String, Item)> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some((_, item)) = open.as_mut() {
            if line == "}" {
                let (name, item) = open.take().expect("an open item");
                items.insert(name, item);
            } else if let Some((field, ty)) =
                line.strip_prefix("pub ").unwrap_or(line).split_once(": ")
            {
                item.fields
                    .push((field.to_string(), ty.trim_end_matches(',').to_string()));
            }
            continue;
        }
        for (prefix, kind) in [("pub struct ", Kind::Struct), ("pub union ", Kind::Union)] {
            if let Some(name) = line.strip_prefix(prefix).and_then(|r| r.strip_suffix(" {")) {
                if is_ident(name) {
                    open = Some((
                        name.to_string(),
                        Item {
                            kind,
                            fields: Vec::new(),
                            target: String::new(),
                        },
                    ));
                }
            }
        }
        if let Some((name, target)) = line
            .strip_prefix("pub type ")
            .and_then(|r| r.strip_suffix(';'))
            .and_then(|r| r.split_once(" = "))
        {
            if is_ident(name) {
                items.insert(
                    name.to_string(),
                    Item {
                        kind: Kind::Alias,
                        fields: Vec::new(),
                        target: target.to_string(),
                    },
                );
            }
        }
    }
    items
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The named struct or union a field type contains by value (`T`, `[T; N]`), if it is an item
/// of the module that the C headers can name (not one of bindgen's anonymous `…__bindgen_ty_N`
/// or helper types).
fn contained_type<'a>(ty: &'a str, items: &BTreeMap<String, Item>) -> Option<&'a str> {
    let ty = ty.trim();
    let inner = match ty.strip_prefix('[') {
        Some(rest) => rest.split(';').next()?.trim(),
        None => ty,
    };
    if !is_ident(inner) || inner.contains("__bindgen") || inner.starts_with("__Bindgen") {
        return None;
    }
    let item = items.get(inner)?;
    match item.kind {
        Kind::Struct | Kind::Union => Some(inner),
        Kind::Alias => items
            .get(item.target.as_str())
            .filter(|t| t.kind != Kind::Alias)
            .map(|_| inner),
    }
}

// ------------------------------------------------------------------------ checks

/// How a field takes part.
#[derive(Clone, Debug, PartialEq, Eq)]
enum FieldRule {
    /// Compared: its offset must equal one of these C members' (the first that exists).
    Offset(Vec<String>),
    /// Compared only if the C type has such a member (a flexible array: bindgen's
    /// `__IncompleteArrayField`).
    IfPresent(Vec<String>),
    /// Not compared, for this reason.
    Skip(&'static str),
}

/// One comparison: a `uapi` type against a C type on one ABI.
struct Check {
    /// Path under `syscall_rt::uapi`.
    rust: String,
    /// The C spellings to try, in order.
    c: Vec<String>,
    /// Fields in declaration order.
    fields: Vec<(String, FieldRule)>,
}

fn field_rule(name: &str, ty: &str, renames: &[(&str, Option<&str>)]) -> FieldRule {
    if let Some((_, c)) = renames.iter().find(|(r, _)| *r == name) {
        return match c {
            Some(c) => FieldRule::Offset(vec![c.to_string()]),
            None => FieldRule::Skip("no counterpart in the kernel's definition"),
        };
    }
    if name.starts_with("__bindgen_anon_") {
        return FieldRule::Skip("bindgen's name for an anonymous union or struct: size only");
    }
    if name.starts_with("_bitfield_") || name.starts_with("__bindgen_padding_") {
        return FieldRule::Skip("bindgen's storage of C bit-fields: size only");
    }
    // Bindgen appends `_` to names that are Rust keywords (`type_`, `move_`, `str_`).
    let mut names = vec![name.to_string()];
    if let Some(base) = name.strip_suffix('_') {
        names.push(base.to_string());
    }
    if ty.contains("__IncompleteArrayField") {
        FieldRule::IfPresent(names)
    } else {
        FieldRule::Offset(names)
    }
}

/// The module and name of a `uapi` path (`net::msghdr` → (`net`, `msghdr`)).
fn split_path(path: &str) -> (&str, &str) {
    path.rsplit_once("::").unwrap_or(("general", path))
}

fn join_path(module: &str, name: &str) -> String {
    if module == "general" {
        name.to_string()
    } else {
        format!("{module}::{name}")
    }
}

/// The kernel type of a pointer argument (`const struct stat __user *` → `struct stat`).
fn kernel_type(c_type: &str) -> String {
    let t = c_type.replace("__user", "");
    let t = t.trim().trim_end_matches('*').trim();
    t.strip_prefix("const ")
        .unwrap_or(t)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every check of one ABI: the table's `uapi` pointees and the structs they contain, each
/// against its C declaration, and each pointee of a kernel-internal type against the kernel's
/// definition.
fn checks(
    table: &Table,
    modules: &BTreeMap<String, BTreeMap<String, Item>>,
) -> Result<Vec<Check>, String> {
    let abi = &table.abi.name;
    // (pointee, kernel type) of every typed argument.
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    for s in table.syscalls.iter().filter(|s| s.entry.is_some()) {
        for a in &s.args {
            if let Some(PointeeKind::Uapi(p)) = a.pointee_kind() {
                used.insert((p.to_string(), kernel_type(&a.c_type)));
            }
        }
    }
    let lookup = |path: &str| -> Result<&Item, String> {
        let (module, name) = split_path(path);
        modules
            .get(module)
            .and_then(|m| m.get(name))
            .ok_or_else(|| format!("{abi}: uapi::{path} is not in linux-raw-sys's {module}.rs"))
    };
    // The pointees and, transitively, the named types their fields contain.
    let mut pending: Vec<String> = used.iter().map(|(p, _)| p.clone()).collect();
    let mut types: BTreeSet<String> = BTreeSet::new();
    while let Some(path) = pending.pop() {
        if !types.insert(path.clone()) {
            continue;
        }
        let (module, _) = split_path(&path);
        let items = &modules[module];
        let item = lookup(&path)?;
        let mut contained: Vec<&str> = item
            .fields
            .iter()
            .filter_map(|(_, ty)| contained_type(ty, items))
            .collect();
        if item.kind == Kind::Alias {
            contained.extend(contained_type(&item.target, items));
        }
        pending.extend(contained.into_iter().map(|n| join_path(module, n)));
    }
    let mut out = Vec::new();
    let make = |path: &str, def: Option<&KernelDef>| -> Result<Check, String> {
        let item = lookup(path)?;
        let (_, name) = split_path(path);
        let c = match def {
            Some(d) => vec![d.c.to_string()],
            None => match item.kind {
                Kind::Struct => vec![format!("struct {name}"), name.to_string()],
                Kind::Union => vec![format!("union {name}"), name.to_string()],
                Kind::Alias => vec![name.to_string()],
            },
        };
        let header_renames: Vec<(&str, Option<&str>)> = HEADER_RENAMES
            .iter()
            .filter(|(t, _, _)| *t == path)
            .map(|(_, f, c)| (*f, Some(*c)))
            .collect();
        let renames = def.map_or(header_renames.as_slice(), |d| d.renames);
        let fields = if item.kind == Kind::Struct {
            item.fields
                .iter()
                .map(|(f, ty)| (f.clone(), field_rule(f, ty, renames)))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Check {
            rust: path.to_string(),
            c,
            fields,
        })
    };
    for path in &types {
        let def = KERNEL_DEFS.iter().find(|d| d.rust == Some(path.as_str()));
        out.push(make(path, def)?);
    }
    // Our mapping: a kernel type with its own definition, named by the table, against the
    // pointee we chose for it.
    for (pointee, kernel) in &used {
        let Some(def) = KERNEL_DEFS.iter().find(|d| d.kernel == kernel) else {
            continue;
        };
        if def.rust != Some(pointee.as_str()) {
            out.push(make(pointee, Some(def))?);
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------------ the C compiler

/// A `sizeof`/`_Alignof`/`offsetof` expression to evaluate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Probe {
    Size(String),
    Align(String),
    Offset(String, String),
}

impl Probe {
    fn expr(&self) -> String {
        match self {
            Probe::Size(t) => format!("sizeof({t})"),
            Probe::Align(t) => format!("_Alignof({t})"),
            Probe::Offset(t, f) => format!("__builtin_offsetof({t}, {f})"),
        }
    }
}

/// A private folder for the C files, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, String> {
        let dir = std::env::temp_dir().join(format!("fast-syscall-layouts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Compiles the probes with the ABI's compiler. `Ok` holds each probe's value, or `None` for a
/// probe the compiler refused (an undeclared type or member); with `strict`, any refusal is an
/// error.
fn evaluate(
    dir: &Path,
    abi: &Abi,
    probes: &[Probe],
    strict: bool,
) -> Result<Vec<Option<u64>>, String> {
    let src = dir.join(format!("{}.c", abi.name));
    let asm = dir.join(format!("{}.s", abi.name));
    let mut text = format!("{HEADERS}{PRELUDE}\n");
    let first_line = text.lines().count() + 1;
    for (i, p) in probes.iter().enumerate() {
        let _ = writeln!(text, "const int p{i} = (int)({});", p.expr());
    }
    std::fs::write(&src, &text).map_err(|e| format!("{}: {e}", src.display()))?;
    let (cc, flags) = abi.cc.split_first().expect("a compiler");
    let out = Command::new(cc)
        .args(flags)
        .args(["-std=gnu11", "-O1", "-S", "-w", "-o"])
        .arg(&asm)
        .arg(&src)
        .output()
        .map_err(|e| {
            format!(
                "{}: cannot run `{cc}` ({e}): install the compilers with `bash scripts/install-deps.sh`",
                abi.name
            )
        })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut refused = BTreeSet::new();
    let prefix = format!("{}:", src.display());
    for line in stderr.lines().filter(|l| l.contains(": error: ")) {
        let line_no = line
            .strip_prefix(&prefix)
            .and_then(|r| r.split(':').next())
            .and_then(|n| n.parse::<usize>().ok());
        match line_no {
            Some(n) if n >= first_line && n < first_line + probes.len() => {
                refused.insert(n - first_line);
            }
            _ => {
                return Err(format!(
                    "{}: `{}` fails on the headers or the prelude:\n{stderr}",
                    abi.name,
                    abi.cc.join(" ")
                ));
            }
        }
    }
    if strict && !refused.is_empty() {
        return Err(format!(
            "{}: the compiler refused probes:\n{stderr}",
            abi.name
        ));
    }
    if !refused.is_empty() {
        return Ok((0..probes.len())
            .map(|i| (!refused.contains(&i)).then_some(0))
            .collect());
    }
    if !out.status.success() {
        return Err(format!("{}: `{cc}` failed:\n{stderr}", abi.name));
    }
    let asm = std::fs::read_to_string(&asm).map_err(|e| format!("{}: {e}", asm.display()))?;
    let values = read_constants(&asm);
    (0..probes.len())
        .map(|i| {
            values
                .get(&format!("p{i}"))
                .copied()
                .map(Some)
                .ok_or_else(|| format!("{}: no p{i} in the assembly", abi.name))
        })
        .collect()
}

/// `label:` followed by `.long N` / `.word N` / `.4byte N` / `.zero 4` / `.space 4` in gcc's
/// assembly.
fn read_constants(asm: &str) -> BTreeMap<String, u64> {
    let mut values = BTreeMap::new();
    let mut lines = asm.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(label) = line.strip_suffix(':') else {
            continue;
        };
        let Some(next) = lines.peek() else { break };
        let mut words = next.split_whitespace();
        let value = match (words.next(), words.next()) {
            (Some(".long" | ".word" | ".4byte"), Some(v)) => v.parse().ok(),
            (Some(".zero" | ".space"), Some("4")) => Some(0),
            _ => None,
        };
        if let Some(v) = value {
            values.insert(label.to_string(), v);
        }
    }
    values
}

// ------------------------------------------------------------------------ output

/// A check with its C spelling and the compiler's numbers; `skipped`: fields not compared,
/// with the reason.
struct Resolved {
    rust: String,
    c: String,
    size: u64,
    align: u64,
    offsets: Vec<(String, String, u64)>,
    skipped: Vec<(String, &'static str)>,
}

fn resolve(dir: &Path, abi: &Abi, checks: &[Check]) -> Result<Vec<Resolved>, String> {
    // Pass 1: every candidate spelling and member; the compiler says which exist.
    let mut probes = BTreeSet::new();
    for c in checks {
        for t in &c.c {
            probes.insert(Probe::Size(t.clone()));
            for (_, rule) in &c.fields {
                if let FieldRule::Offset(names) | FieldRule::IfPresent(names) = rule {
                    for n in names {
                        probes.insert(Probe::Offset(t.clone(), n.clone()));
                    }
                }
            }
        }
    }
    let probes: Vec<Probe> = probes.into_iter().collect();
    let exists: BTreeSet<&Probe> = probes
        .iter()
        .zip(evaluate(dir, abi, &probes, false)?)
        .filter_map(|(p, v)| v.map(|_| p))
        .collect();
    // Choose, then pass 2: the values.
    struct Plan<'a> {
        check: &'a Check,
        c: String,
        fields: Vec<(String, Option<String>, &'static str)>,
    }
    let mut plans = Vec::new();
    for check in checks {
        let c = check
            .c
            .iter()
            .find(|t| exists.contains(&Probe::Size((*t).clone())))
            .ok_or_else(|| {
                format!(
                    "{}: no C declaration of uapi::{} (tried {}): add the kernel's to PRELUDE in \
                     xtask/src/layouts.rs",
                    abi.name,
                    check.rust,
                    check.c.join(", ")
                )
            })?
            .clone();
        let mut fields = Vec::new();
        for (f, rule) in &check.fields {
            let member = |names: &Vec<String>| {
                names
                    .iter()
                    .find(|n| exists.contains(&Probe::Offset(c.clone(), (*n).clone())))
                    .cloned()
            };
            match rule {
                FieldRule::Offset(names) => match member(names) {
                    Some(m) => fields.push((f.clone(), Some(m), "")),
                    None => {
                        return Err(format!(
                            "{}: uapi::{}.{f} has no member in C's {c}: add a rename or the \
                             kernel's definition to xtask/src/layouts.rs",
                            abi.name, check.rust
                        ));
                    }
                },
                FieldRule::IfPresent(names) => match member(names) {
                    Some(m) => fields.push((f.clone(), Some(m), "")),
                    None => fields.push((
                        f.clone(),
                        None,
                        "a flexible array that the C declaration does not have",
                    )),
                },
                FieldRule::Skip(why) => fields.push((f.clone(), None, why)),
            }
        }
        plans.push(Plan { check, c, fields });
    }
    let mut probes = Vec::new();
    for p in &plans {
        probes.push(Probe::Size(p.c.clone()));
        probes.push(Probe::Align(p.c.clone()));
        for (_, m, _) in &p.fields {
            if let Some(m) = m {
                probes.push(Probe::Offset(p.c.clone(), m.clone()));
            }
        }
    }
    let values = evaluate(dir, abi, &probes, true)?;
    let value = |p: &Probe| -> u64 {
        let i = probes.iter().position(|q| q == p).expect("probed");
        values[i].expect("strict evaluation")
    };
    Ok(plans
        .into_iter()
        .map(|p| Resolved {
            rust: p.check.rust.clone(),
            size: value(&Probe::Size(p.c.clone())),
            align: value(&Probe::Align(p.c.clone())),
            offsets: p
                .fields
                .iter()
                .filter_map(|(f, m, _)| {
                    let m = m.as_ref()?;
                    Some((
                        f.clone(),
                        m.clone(),
                        value(&Probe::Offset(p.c.clone(), m.clone())),
                    ))
                })
                .collect(),
            skipped: p
                .fields
                .iter()
                .filter(|(_, m, _)| m.is_none())
                .map(|(f, _, why)| (f.clone(), *why))
                .collect(),
            c: p.c,
        })
        .collect())
}

fn known(abi: &str, rust: &str, what: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|(a, r, w, _)| (*a == "*" || *a == abi) && *r == rust && *w == what)
        .map(|(_, _, _, why)| *why)
}

/// `tests/tests/generated/uapi_layouts.rs`.
pub fn render(root: &Path, tables: &[Table]) -> Result<(String, String), String> {
    let (version, src) = linux_raw_sys(root)?;
    let mut out = format!(
        "// @generated by `cargo xtask codegen` from linux-raw-sys {version} and the C compilers' layouts of \
         Debian's kernel headers (xtask/src/layouts.rs) — do not edit by hand.\n\
         //! The size, alignment and field offsets of every `syscall_rt::uapi` type the generated API\n\
         //! names (and of the structs they contain), as each ABI's C compiler lays out the same type\n\
         //! from the kernel's UAPI headers, asserted at compile time for the target.\n\
         //!\n\
         //! The C side is Debian 12's linux-libc-dev (-cross) headers; the types they do not declare\n\
         //! are the kernel's own definitions (`PRELUDE` in xtask/src/layouts.rs, each with its source):\n\
         //! linux-raw-sys's additions (`kernel_sigset_t`, `kernel_sigaction`, `linux_dirent64`,\n\
         //! `net::{{msghdr, mmsghdr}}`, x32's as its compat entry points read them), the\n\
         //! kernel's 32-bit time types the tables map to UAPI twins, and the UAPI types of Linux 6.17\n\
         //! that the 6.1 headers predate. Not compared: fields bindgen invents (`__bindgen_anon_*`:\n\
         //! anonymous unions, `_bitfield_*`: C bit-fields — the type's size covers them), a flexible\n\
         //! array the C type lacks, the fields of unions (size and alignment only) and of type aliases.\n\
         //! Known differences are asserted to still differ, with the reason.\n"
    );
    let _ = writeln!(out, "\n#![allow(unused_imports)]\n");
    let _ = writeln!(out, "use core::mem::{{align_of, offset_of, size_of}};");
    let _ = writeln!(out, "use syscall_rt::uapi;");
    let scratch = Scratch::new()?;
    let mut summary = Vec::new();
    for abi in ABIS {
        let table = tables
            .iter()
            .find(|t| t.abi.name == abi.name)
            .ok_or_else(|| format!("no table for {}", abi.name))?;
        let mut modules = BTreeMap::new();
        for module in ["general", "net", "system", "io_uring", "landlock"] {
            let path = src.join(abi.name).join(format!("{module}.rs"));
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            modules.insert(module.to_string(), parse_module(&text));
        }
        let checks = checks(table, &modules)?;
        let resolved = resolve(&scratch.0, abi, &checks)?;
        let fields: usize = resolved.iter().map(|r| r.offsets.len()).sum();
        let cc = abi.cc.join(" ");
        summary.push((abi.name, resolved.len(), fields));
        let _ = writeln!(
            out,
            "\n/// {}: {} types and {fields} field offsets, from `{cc}`.",
            abi.name,
            resolved.len()
        );
        let _ = writeln!(out, "#[cfg({})]\npub mod expected {{", abi.cfg);
        let _ = writeln!(out, "    use super::*;\n");
        let _ = writeln!(out, "    /// The ABI these assertions are for.");
        let _ = writeln!(out, "    pub const ABI: &str = \"{}\";", abi.name);
        let _ = writeln!(out, "    /// Types compared (size and alignment).");
        let _ = writeln!(out, "    pub const TYPES: usize = {};", resolved.len());
        let _ = writeln!(out, "    /// Field offsets compared.");
        let _ = writeln!(out, "    pub const FIELDS: usize = {fields};");
        for r in &resolved {
            let ty = format!("uapi::{}", r.rust);
            let _ = writeln!(out, "\n    // {ty}: C `{}`", r.c);
            for (what, value, rust_expr, c_expr) in [
                (
                    "size",
                    r.size,
                    format!("size_of::<{ty}>()"),
                    format!("sizeof({})", r.c),
                ),
                (
                    "align",
                    r.align,
                    format!("align_of::<{ty}>()"),
                    format!("_Alignof({})", r.c),
                ),
            ] {
                match known(abi.name, &r.rust, what) {
                    Some(why) => {
                        let _ = writeln!(out, "    // Known difference: {why}.");
                        let _ = writeln!(
                            out,
                            "    const _: () = assert!({rust_expr} != {value}, \"{}: {ty} now matches C's {c_expr} = {value}: remove it from KNOWN in xtask/src/layouts.rs\");",
                            abi.name
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "    const _: () = assert!({rust_expr} == {value}, \"{}: C's {c_expr} is {value}\");",
                            abi.name
                        );
                    }
                }
            }
            for (f, m, off) in &r.offsets {
                let _ = writeln!(
                    out,
                    "    const _: () = assert!(offset_of!({ty}, {f}) == {off}, \"{}: C's offsetof({}, {m}) is {off}\");",
                    abi.name, r.c
                );
            }
            for (f, why) in &r.skipped {
                let _ = writeln!(out, "    // not compared: {f} ({why})");
            }
        }
        let _ = writeln!(out, "}}");
    }
    for (abi, types, fields) in &summary {
        println!("uapi layouts: {abi}: {types} types, {fields} field offsets");
    }
    Ok((OUTPUT.to_string(), out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindgen_items_are_parsed() {
        let text = "#[repr(C)]\n#[derive(Debug, Copy, Clone)]\npub struct stat {\npub st_dev: __kernel_ulong_t,\n\
                    pub st_atime: [statx_timestamp; 2usize],\n}\npub union sigval {\npub sival_int: crate::ctypes::c_int,\n}\n\
                    pub type sigval_t = sigval;\npub struct __BindgenBitfieldUnit<Storage> {\nstorage: Storage,\n}\n\
                    pub struct statx_timestamp {\npub tv_sec: __s64,\n}\n";
        let items = parse_module(text);
        assert_eq!(items["stat"].kind, Kind::Struct);
        assert_eq!(items["stat"].fields.len(), 2);
        assert_eq!(items["stat"].fields[1].1, "[statx_timestamp; 2usize]");
        assert_eq!(items["sigval"].kind, Kind::Union);
        assert_eq!(items["sigval_t"].target, "sigval");
        assert!(!items.contains_key("__BindgenBitfieldUnit"));
        assert_eq!(
            contained_type("[statx_timestamp; 2usize]", &items),
            Some("statx_timestamp")
        );
        assert_eq!(contained_type("sigval_t", &items), Some("sigval_t"));
        assert_eq!(contained_type("__kernel_ulong_t", &items), None);
    }

    #[test]
    fn kernel_types_and_constants() {
        assert_eq!(kernel_type("const struct stat __user *"), "struct stat");
        assert_eq!(kernel_type("sigset_t __user *"), "sigset_t");
        let asm = "p0:\n\t.long\t144\np1:\n\t.zero\t4\np2:\n\t.word\t8\n";
        let v = read_constants(asm);
        assert_eq!((v["p0"], v["p1"], v["p2"]), (144, 0, 8));
        assert_eq!(
            field_rule("type_", "__u8", &[]),
            FieldRule::Offset(vec!["type_".into(), "type".into()])
        );
    }
}
