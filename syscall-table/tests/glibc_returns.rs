//! Independent cross-check of the return kinds (`[returns]` of `xtask/overrides.toml`, written
//! by hand from the man pages): for every system call that glibc declares a function of the same
//! name for, the width of glibc's return type on x86_64, i386 (`-m32`) and x32 (`-mx32`) equals
//! the width of our kind. glibc's prototypes are read with `gcc -aux-info`, and the width and
//! kind of each return type are computed by the same compiler, so nothing here knows C types.
//!
//! Where glibc's function is not the system call, the difference is listed in [`DIFFERENT`] with
//! the reason; anything else is a mismatch.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Command;

use syscall_table::embedded;

/// The headers whose functions are system calls (`_GNU_SOURCE` declares the Linux ones).
const HEADERS: &[&str] = &[
    "unistd.h",
    "fcntl.h",
    "signal.h",
    "sched.h",
    "time.h",
    "poll.h",
    "mqueue.h",
    "utime.h",
    "sys/mman.h",
    "sys/socket.h",
    "sys/stat.h",
    "sys/statfs.h",
    "sys/xattr.h",
    "sys/epoll.h",
    "sys/eventfd.h",
    "sys/signalfd.h",
    "sys/timerfd.h",
    "sys/inotify.h",
    "sys/fanotify.h",
    "sys/msg.h",
    "sys/sem.h",
    "sys/shm.h",
    "sys/wait.h",
    "sys/resource.h",
    "sys/time.h",
    "sys/times.h",
    "sys/uio.h",
    "sys/sendfile.h",
    "sys/ptrace.h",
    "sys/prctl.h",
    "sys/personality.h",
    "sys/mount.h",
    "sys/swap.h",
    "sys/reboot.h",
    "sys/sysinfo.h",
    "sys/utsname.h",
    "sys/random.h",
    "sys/file.h",
    "sys/ioctl.h",
    "sys/select.h",
    "sys/timex.h",
    "sys/fsuid.h",
    "sys/acct.h",
    "sys/pidfd.h",
    "sys/quota.h",
];

/// Calls whose glibc function of the same name returns something else than the system call.
const DIFFERENT: &[(&str, &str, &str)] = &[
    // (ABI or "*", call, why)
    (
        "x86_64",
        "brk",
        "glibc's brk returns 0 or -1; the system call returns the new break (an address; on the \
         32-bit ABIs the widths happen to agree)",
    ),
    (
        "x32",
        "ptrace",
        "glibc's `long` is 32 bits on x32; the kernel's (the whole rax) is 64",
    ),
    (
        "x86",
        "getuid",
        "glibc's getuid makes the getuid32 system call; i386's `getuid` returns a 16-bit id",
    ),
    ("x86", "geteuid", "as getuid: glibc makes geteuid32"),
    ("x86", "getgid", "as getuid: glibc makes getgid32"),
    ("x86", "getegid", "as getuid: glibc makes getegid32"),
];

struct Abi {
    name: &'static str,
    flags: &'static [&'static str],
}

const ABIS: &[Abi] = &[
    Abi {
        name: "x86_64",
        flags: &[],
    },
    // The kernel's asm/ headers for i386 and x32 are the x86_64 ones (they test __i386__ and
    // __ILP32__); Debian installs them for the host only.
    Abi {
        name: "x86",
        flags: &["-m32", "-idirafter", "/usr/include/x86_64-linux-gnu"],
    },
    Abi {
        name: "x32",
        flags: &["-mx32", "-idirafter", "/usr/include/x86_64-linux-gnu"],
    },
];

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fast-syscall-glibc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn gcc(args: &[&str]) -> bool {
    Command::new("gcc")
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

/// glibc's prototypes for `abi`: function name → return type as written.
fn prototypes(abi: &Abi) -> Option<HashMap<String, String>> {
    let src = scratch(&format!("decls-{}.c", abi.name));
    let mut text = String::from("#define _GNU_SOURCE 1\n");
    for h in HEADERS {
        text.push_str(&format!("#include <{h}>\n"));
    }
    std::fs::write(&src, text).unwrap();
    let info = scratch(&format!("decls-{}.aux", abi.name));
    let obj = scratch(&format!("decls-{}.o", abi.name));
    let mut args = vec![
        "-aux-info",
        info.to_str()?,
        "-c",
        src.to_str()?,
        "-o",
        obj.to_str()?,
    ];
    args.extend(abi.flags);
    if !gcc(&args) {
        return None;
    }
    let mut out = HashMap::new();
    for line in std::fs::read_to_string(&info).ok()?.lines() {
        // `/* /usr/include/unistd.h:371:NC */ extern ssize_t read (int, void *, size_t);`
        let Some(decl) = line.split("*/ extern ").nth(1) else {
            continue;
        };
        let Some((head, _)) = decl.split_once(" (") else {
            continue;
        };
        let split = head
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let (ret, name) = head.split_at(split);
        let ret = ret.trim().trim_start_matches("const ").to_string();
        if !name.is_empty() && !ret.is_empty() {
            out.insert(name.to_string(), ret);
        }
    }
    Some(out)
}

/// Width in bits and signedness of each C type, computed by the compiler for `abi`: each type
/// becomes constants in an assembly file (the x32 program could not run here).
fn widths(abi: &Abi, types: &[&String]) -> BTreeMap<String, (u32, bool)> {
    let src = scratch(&format!("widths-{}.c", abi.name));
    let mut text = String::from("#define _GNU_SOURCE 1\n");
    for h in HEADERS {
        text.push_str(&format!("#include <{h}>\n"));
    }
    for (i, t) in types.iter().enumerate() {
        // A pointer (class 5) is an unsigned address; an integer is signed when -1 < 0.
        text.push_str(&format!(
            "const int w_{i} = sizeof({t}) * 8;\n\
             const int s_{i} = __builtin_classify_type(({t})0) == 1 && ({t})-1 < ({t})0;\n"
        ));
    }
    std::fs::write(&src, text).unwrap();
    let asm = scratch(&format!("widths-{}.s", abi.name));
    let mut args = vec![
        "-S",
        "-O1",
        src.to_str().unwrap(),
        "-o",
        asm.to_str().unwrap(),
    ];
    args.extend(abi.flags);
    assert!(
        gcc(&args),
        "gcc could not compute the type widths for {}",
        abi.name
    );
    let asm = std::fs::read_to_string(&asm).unwrap();
    // `w_3:\n\t.long\t64`
    let value = |label: &str| -> u32 {
        let at = asm
            .find(&format!("\n{label}:\n"))
            .unwrap_or_else(|| panic!("no {label} in the assembly"));
        let rest = &asm[at + label.len() + 3..];
        rest.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                (*t).clone(),
                (value(&format!("w_{i}")), value(&format!("s_{i}")) == 1),
            )
        })
        .collect()
}

#[test]
fn return_kinds_match_glibcs_prototypes() {
    let mut mismatches = Vec::new();
    let mut compared = Vec::new();
    for abi in ABIS {
        let Some(protos) = prototypes(abi) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have gcc with {:?} (gcc-12-multilib, libc6-dev-i386, libc6-dev-x32)",
                abi.flags
            );
            eprintln!("skipped {}: gcc {:?} cannot compile", abi.name, abi.flags);
            continue;
        };
        let table = embedded(abi.name).unwrap();
        let calls: Vec<(&syscall_table::Syscall, &String)> = table
            .syscalls
            .iter()
            .filter(|s| s.entry.is_some())
            .filter_map(|s| Some((s, protos.get(&s.name)?)))
            .filter(|(_, ret)| ret.as_str() != "void")
            .collect();
        let mut types: Vec<&String> = calls.iter().map(|(_, r)| *r).collect();
        types.sort();
        types.dedup();
        let widths = widths(abi, &types);
        for (s, ret) in &calls {
            let (bits, _signed) = widths[*ret];
            let exempt = DIFFERENT
                .iter()
                .any(|(a, name, _)| (*a == "*" || *a == abi.name) && *name == s.name);
            if bits != s.ret.bits() && !exempt {
                mismatches.push(format!(
                    "{}: `{}` returns `{ret}` ({bits} bits) in glibc, our kind is {} ({} `{}`)",
                    abi.name,
                    s.name,
                    s.ret.kind,
                    s.ret.bits(),
                    s.ret.c_type
                ));
            }
            if bits == s.ret.bits() && exempt {
                mismatches.push(format!(
                    "{}: `{}` is listed as different from glibc but is not",
                    abi.name, s.name
                ));
            }
        }
        compared.push((abi.name, calls.len()));
    }
    eprintln!("compared with glibc: {compared:?}");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    // Enough of the table is covered for the check to mean something.
    for (abi, n) in compared {
        assert!(n >= 150, "only {n} calls of {abi} have a glibc prototype");
    }
}
