//! Facts the embedded tables must get right (DESIGN.md, "Tables").

use syscall_table::{ArgKind, Mechanism, embedded, embedded_tables};

#[test]
fn every_abi_has_every_row_of_the_kernel_table() {
    let counts: Vec<(&str, usize)> = embedded_tables()
        .iter()
        .map(|t| (t.abi.name.as_str(), t.syscalls.len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("x86_64", 385),
            ("x86", 461),
            ("x32", 374),
            ("aarch64", 327),
            ("arm", 424),
            ("riscv64", 328),
            ("riscv32", 318)
        ]
    );
}

#[test]
fn x32_numbers_carry_the_x32_bit() {
    let x32 = embedded("x32").unwrap();
    assert!(x32.syscalls.iter().all(|s| s.number & 0x4000_0000 != 0));
    assert_eq!(x32.by_name("read").unwrap().number, 0x4000_0000);
    assert_eq!(
        x32.by_name("rt_sigaction").unwrap().number,
        0x4000_0000 + 512
    );
    assert_eq!(x32.abi.target_pointer_width, 32);
    assert_eq!(x32.abi.register_bits, 64);
}

#[test]
fn signatures_are_joined_on_the_entry_point() {
    let t = embedded("x86_64").unwrap();
    let uname = t.by_name("uname").unwrap();
    assert_eq!(uname.entry.as_deref(), Some("sys_newuname"));
    assert_eq!(uname.args[0].c_type, "struct new_utsname __user *");
    let x86 = embedded("x86").unwrap();
    // i386 `uname` is the old struct; `olduname` the older one.
    assert_eq!(
        x86.by_name("uname").unwrap().args[0].c_type,
        "struct new_utsname __user *"
    );
    assert_eq!(
        x86.by_name("oldolduname").unwrap().args[0].c_type,
        "struct oldold_utsname __user *"
    );
    assert_eq!(
        x86.by_name("lchown").unwrap().args[1].kind,
        ArgKind::Int {
            bits: 16,
            signed: false
        }
    );
}

#[test]
fn arch_specific_entries_come_from_the_overrides() {
    let t = embedded("x86_64").unwrap();
    let arch_prctl = t.by_name("arch_prctl").unwrap();
    assert_eq!(arch_prctl.args.len(), 2);
    assert_eq!(
        arch_prctl.needs_unsafe,
        Some(syscall_table::UnsafeReason::Context)
    );
    assert_eq!(t.by_name("mmap").unwrap().args.len(), 6);
    let rv = embedded("riscv64").unwrap();
    assert_eq!(rv.by_name("riscv_hwprobe").unwrap().args.len(), 5);
}

#[test]
fn sixty_four_bit_arguments_are_register_pairs_on_32_bit_abis() {
    let regs = |abi: &str, name: &str| -> Vec<Vec<u8>> {
        embedded(abi)
            .unwrap()
            .by_name(name)
            .unwrap()
            .args
            .iter()
            .map(|a| a.regs.clone())
            .collect()
    };
    // i386: consecutive pairs, low word first.
    assert_eq!(
        regs("x86", "pread64"),
        [vec![0], vec![1], vec![2], vec![3, 4]]
    );
    assert_eq!(
        regs("x86", "fallocate"),
        [vec![0], vec![1], vec![2, 3], vec![4, 5]]
    );
    assert_eq!(regs("x86", "ftruncate64"), [vec![0], vec![1, 2]]);
    // Arm EABI: pairs start at an even register, leaving a hole.
    assert_eq!(
        regs("arm", "pread64"),
        [vec![0], vec![1], vec![2], vec![4, 5]]
    );
    assert_eq!(regs("arm", "ftruncate64"), [vec![0], vec![2, 3]]);
    assert_eq!(
        regs("arm", "arm_fadvise64_64"),
        [vec![0], vec![1], vec![2, 3], vec![4, 5]]
    );
    // riscv32: no alignment.
    assert_eq!(
        regs("riscv32", "pread64"),
        [vec![0], vec![1], vec![2], vec![3, 4]]
    );
    // 64-bit registers never split, x32 included.
    assert_eq!(regs("x32", "pread64"), [vec![0], vec![1], vec![2], vec![3]]);
    assert_eq!(
        regs("x86_64", "pread64"),
        [vec![0], vec![1], vec![2], vec![3]]
    );
}

#[test]
fn unimplemented_numbers_have_no_entry() {
    let t = embedded("x86_64").unwrap();
    let afs = t.by_name("afs_syscall").unwrap();
    assert!(afs.entry.is_none() && afs.args.is_empty());
    let missing: Vec<usize> = embedded_tables()
        .iter()
        .map(|t| t.syscalls.iter().filter(|s| s.entry.is_none()).count())
        .collect();
    // kernel-tables/GAPS.md: x86_64 16, i386 19, x32 6, arm 2, the generic ABIs 0.
    assert_eq!(missing, [16, 19, 6, 0, 2, 0, 0]);
}

#[test]
fn flags_and_vdso_symbols() {
    for t in embedded_tables() {
        assert!(t.by_name("exit").unwrap().noreturn, "{}", t.abi.name);
        assert!(t.by_name("exit_group").unwrap().noreturn, "{}", t.abi.name);
        assert!(!t.by_name("getpid").unwrap().noreturn);
        assert!(t.by_name("munmap").unwrap().requires_unsafe());
        assert!(!t.by_name("getpid").unwrap().requires_unsafe());
        assert!(
            t.by_name("read").unwrap().requires_unsafe(),
            "pointer argument"
        );
    }
    let x = embedded("x86_64").unwrap();
    let cg = x.by_name("clock_gettime").unwrap();
    assert_eq!(cg.vdso.as_ref().unwrap().symbol, "__vdso_clock_gettime");
    assert_eq!(cg.vdso.as_ref().unwrap().version, "LINUX_2.6");
    // vgetrandom: x86_64, arm64 and riscv64 have it, each with its symbol and version node.
    let vgetrandom = |abi: &str| {
        let v = embedded(abi)
            .unwrap()
            .by_name("getrandom")
            .unwrap()
            .vdso
            .clone();
        v.map(|v| (v.symbol, v.version))
    };
    assert_eq!(
        vgetrandom("x86_64"),
        Some(("__vdso_getrandom".into(), "LINUX_2.6".into()))
    );
    assert_eq!(
        vgetrandom("aarch64"),
        Some(("__kernel_getrandom".into(), "LINUX_2.6.39".into()))
    );
    assert_eq!(
        vgetrandom("riscv64"),
        Some(("__vdso_getrandom".into(), "LINUX_4.15".into()))
    );
    for abi in ["x86", "x32", "arm", "riscv32"] {
        assert_eq!(vgetrandom(abi), None, "{abi}");
    }
    let i386 = embedded("x86").unwrap();
    assert_eq!(
        i386.by_name("clock_gettime64")
            .unwrap()
            .vdso
            .as_ref()
            .unwrap()
            .symbol,
        "__vdso_clock_gettime64"
    );
    assert!(
        i386.by_name("rt_sigreturn").unwrap().vdso.is_none(),
        "trampolines are not calls"
    );
    assert_eq!(
        embedded("aarch64")
            .unwrap()
            .by_name("clock_gettime")
            .unwrap()
            .vdso
            .as_ref()
            .unwrap()
            .symbol,
        "__kernel_clock_gettime"
    );
    assert!(!embedded("riscv32").unwrap().abi.has(Mechanism::Vdso));
}

#[test]
fn mechanisms_per_abi() {
    let m = |abi: &str| {
        (
            embedded(abi).unwrap().abi.mechanisms.clone(),
            embedded(abi).unwrap().abi.default_mechanism,
        )
    };
    use Mechanism::*;
    assert_eq!(m("x86_64"), (vec![Syscall, Int80, Vdso], Syscall));
    assert_eq!(m("x86"), (vec![Sysenter, Int80, Vdso], Sysenter));
    assert_eq!(m("x32"), (vec![Syscall, Vdso], Syscall));
    assert_eq!(m("aarch64"), (vec![Svc, Vdso], Svc));
    assert_eq!(m("arm"), (vec![Svc, Vdso], Svc));
    assert_eq!(m("riscv64"), (vec![Ecall, Vdso], Ecall));
    assert_eq!(m("riscv32"), (vec![Ecall], Ecall));
}

#[test]
fn lookups_by_name_and_number_and_suggestions() {
    let t = embedded("x86_64").unwrap();
    assert_eq!(t.by_name("getpid").unwrap().number, 39);
    assert_eq!(t.by_number(39).unwrap().name, "getpid");
    assert!(t.by_name("nosuchcall").is_none());
    assert!(t.by_number(1000).is_none());
    assert_eq!(t.closest("getpdi", 1), ["getpid"]);
    assert_eq!(t.closest("clock_getime", 1), ["clock_gettime"]);
    assert_eq!(syscall_table::replacement("open"), Some("openat"));
    assert_eq!(syscall_table::replacement("fork"), Some("clone"));
    assert!(embedded("aarch64").unwrap().by_name("open").is_none());
}

#[test]
fn rendering_a_table_gives_back_the_same_text() {
    for (file, text) in syscall_table::EMBEDDED_SOURCES {
        let table = syscall_table::parse_table(file, text).unwrap();
        let header: String = text
            .lines()
            .take_while(|l| !l.starts_with("[abi]"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(&syscall_table::to_toml(&table, &header), text, "{file}");
    }
}

/// tables/README.md lists every call that needs `unsafe` without pointers, with its reason:
/// the list and the tables must agree both ways.
#[test]
fn the_unsafe_list_of_the_readme_is_the_tables_list() {
    use std::collections::BTreeSet;
    let readme = include_str!("../../tables/README.md");
    let list = readme
        .split("<!-- needs_unsafe: begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- needs_unsafe: end -->").next())
        .expect("tables/README.md has the needs_unsafe markers");
    let documented: BTreeSet<(String, String)> = list
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cols.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_string(), cols.get(2)?.to_string()))
        })
        .collect();
    let tables: BTreeSet<(String, String)> = embedded_tables()
        .iter()
        .flat_map(|t| t.syscalls.iter())
        .filter_map(|s| Some((s.name.clone(), s.needs_unsafe?.as_str().to_string())))
        .collect();
    assert_eq!(documented, tables);
}

/// The calls the soundness review found safe although they break memory or I/O safety.
#[test]
fn calls_that_end_threads_or_close_descriptors_need_unsafe() {
    use syscall_table::UnsafeReason::*;
    for t in embedded_tables() {
        let reason = |name: &str| t.by_name(name).and_then(|s| s.needs_unsafe);
        assert_eq!(reason("exit"), Some(ThreadExit), "{}", t.abi.name);
        assert_eq!(reason("close"), Some(Descriptors), "{}", t.abi.name);
        assert_eq!(reason("dup3"), Some(Descriptors), "{}", t.abi.name);
        assert_eq!(reason("close_range"), Some(Descriptors), "{}", t.abi.name);
        assert_eq!(reason("ioctl"), Some(Addresses), "{}", t.abi.name);
        assert_eq!(reason("exit_group"), None, "{}", t.abi.name);
        if t.by_name("dup2").is_some() {
            assert_eq!(reason("dup2"), Some(Descriptors), "{}", t.abi.name);
        }
    }
}

/// Return kinds: the width of the value in the result register, per ABI.
#[test]
fn return_kinds_have_the_width_of_the_c_return_type() {
    let kind = |abi: &str, name: &str| {
        let s = embedded(abi).unwrap().by_name(name).unwrap();
        (s.ret.c_type.clone(), s.ret.kind)
    };
    let int = |bits, signed| ArgKind::Int { bits, signed };
    assert_eq!(kind("x86_64", "lseek"), ("off_t".into(), int(64, true)));
    assert_eq!(kind("x32", "lseek"), ("off_t".into(), int(64, true)));
    assert_eq!(kind("x86", "lseek"), ("off_t".into(), int(32, true)));
    assert_eq!(kind("x86_64", "read"), ("ssize_t".into(), int(64, true)));
    assert_eq!(kind("x32", "read"), ("ssize_t".into(), int(32, true)));
    assert_eq!(kind("x86_64", "mmap"), ("void *".into(), int(64, false)));
    assert_eq!(kind("x86", "mmap2"), ("void *".into(), int(32, false)));
    assert_eq!(kind("aarch64", "getpid"), ("pid_t".into(), int(32, true)));
    assert_eq!(kind("x86", "getuid"), ("old_uid_t".into(), int(16, false)));
    assert_eq!(kind("x86", "getuid32"), ("uid_t".into(), int(32, false)));
    assert_eq!(kind("x32", "time"), ("time_t".into(), int(64, true)));
    assert_eq!(kind("arm", "close"), ("int".into(), int(32, true)));
}

/// The embedded blobs (what the macro uses) hold exactly the TOML tables.
#[test]
fn the_embedded_blobs_are_the_toml_tables() {
    for (file, text) in syscall_table::EMBEDDED_SOURCES {
        let parsed = syscall_table::parse_table(file, text).unwrap();
        let embedded = embedded(&parsed.abi.name).unwrap();
        assert_eq!(embedded.abi, parsed.abi, "{file}");
        assert_eq!(embedded.syscalls, parsed.syscalls, "{file}");
        // And the encoding is lossless and refuses garbage.
        let blob = syscall_table::encode_blob(&parsed);
        assert_eq!(
            syscall_table::decode_blob(&blob).unwrap().syscalls,
            parsed.syscalls
        );
        assert!(syscall_table::decode_blob(&blob[..blob.len() - 1]).is_none());
        assert!(syscall_table::decode_blob(b"FSTB").is_none());
    }
}
