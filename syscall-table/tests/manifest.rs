//! `read_records`, `oci_profile` and `syscall-table manifest` on real linked binaries, built at
//! test time with the system's gcc from an assembly file that writes the notes exactly as the
//! format of `syscall_table::manifest` says (ELF64 with `-m64`, ELF32 with `-m32`), and on
//! hand-made big-endian files.
//!
//! Without gcc the tests that need it say so and pass, except under CI (`CI` set), where they
//! fail.
#![cfg(all(feature = "manifest", feature = "parse"))]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use syscall_table::manifest::{
    AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, ManifestError, oci_profile,
    read_records,
};
use syscall_table::{Mechanism, Record, format_text};

/// One note as the fixture writes it.
struct Note {
    abi: &'static str,
    audit_arch: u32,
    number: u32,
    mechanism: u8,
    flags: u8,
    name: &'static str,
}

const fn note(
    abi: &'static str,
    audit_arch: u32,
    number: u32,
    mechanism: u8,
    flags: u8,
    name: &'static str,
) -> Note {
    Note {
        abi,
        audit_arch,
        number,
        mechanism,
        flags,
        name,
    }
}

/// The fixture's notes, each in its own section like the stubs' (read twice, in two sections:
/// one copy per object file that calls it).
const NOTES: &[Note] = &[
    note("x86_64", AUDIT_ARCH_X86_64, 39, 1, 0, "getpid"),
    note("x86_64", AUDIT_ARCH_X86_64, 228, 1, 1, "clock_gettime"),
    note("x86_64", AUDIT_ARCH_X86_64, 0, 1, 0, "read"),
    note("x32", AUDIT_ARCH_X86_64, 0x4000_0027, 1, 0, "getpid"),
    note("x86", AUDIT_ARCH_I386, 20, 2, 0, "getpid"),
    note("x86_64", AUDIT_ARCH_X86_64, 0, 1, 0, "read"),
];

/// What `read_records` must give for [`NOTES`]: sorted by ABI, number, name; one `read`.
const EXPECTED_TEXT: &str = "\
x32 getpid 1073741863 syscall
x86 getpid 20 int80
x86_64 read 0 syscall
x86_64 getpid 39 syscall
x86_64 clock_gettime 228 vdso/syscall
";

/// The assembly of a fixture: `_start` and the notes of [`NOTES`], plus a note of another
/// owner (with the same type) that the reader must skip.
fn fixture_asm(notes: &[Note]) -> String {
    let mut s = String::from(".text\n.globl _start\n_start:\n  nop\n");
    for (i, n) in notes.iter().enumerate() {
        s += &format!(
            ".pushsection .note.fast_syscall.n{i},\"a\",%note\n\
             .balign 4\n\
             .long 13\n\
             .long {descsz}\n\
             .long 1\n\
             .asciz \"fast-syscall\"\n\
             .balign 4\n\
             .long {audit}\n\
             .long {number}\n\
             .byte {mech}, {flags}, {abi_len}, {name_len}\n\
             .ascii \"{abi}\"\n\
             .ascii \"{name}\"\n\
             .balign 4\n\
             .popsection\n",
            descsz = 12 + n.abi.len() + n.name.len(),
            audit = n.audit_arch,
            number = n.number,
            mech = n.mechanism,
            flags = n.flags,
            abi_len = n.abi.len(),
            name_len = n.name.len(),
            abi = n.abi,
            name = n.name,
        );
    }
    s += ".pushsection .note.other,\"a\",%note\n\
          .balign 4\n.long 6\n.long 4\n.long 1\n.asciz \"other\"\n.balign 4\n.long 42\n\
          .popsection\n";
    s
}

/// A missing toolchain skips a test, except under CI.
fn skip_or_fail(what: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what}, and CI is set: CI must have gcc (scripts/install-deps.sh)");
    }
    // Written to the stream itself, which the test harness does not capture: a skip shows.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {what} (install gcc, gcc-multilib and the cross compilers: \
         scripts/install-deps.sh)"
    );
}

/// How to build one fixture: the compiler, its flags, the notes.
struct Recipe {
    name: &'static str,
    cc: &'static str,
    flags: &'static [&'static str],
    notes: &'static [Note],
}

const AARCH64_NOTES: &[Note] = &[
    note("aarch64", AUDIT_ARCH_AARCH64, 172, 4, 0, "getpid"),
    note("aarch64", AUDIT_ARCH_AARCH64, 113, 4, 1, "clock_gettime"),
];
const ARM_NOTES: &[Note] = &[
    note("arm", 0x4000_0028, 20, 4, 0, "getpid"),
    note("arm", 0x4000_0028, 403, 4, 1, "clock_gettime64"),
];
const RISCV64_NOTES: &[Note] = &[note("riscv64", 0xc000_00f3, 172, 5, 0, "getpid")];
const RISCV32_NOTES: &[Note] = &[note("riscv32", 0x4000_00f3, 172, 5, 0, "getpid")];

/// The fixtures: gcc (x86_64, i386 through gcc-multilib) and the cross compilers that
/// scripts/install-deps.sh installs.
const RECIPES: &[Recipe] = &[
    Recipe {
        name: "notes64",
        cc: "gcc",
        flags: &["-m64"],
        notes: NOTES,
    },
    Recipe {
        name: "notes32",
        cc: "gcc",
        flags: &["-m32"],
        notes: NOTES,
    },
    Recipe {
        name: "notes64.o",
        cc: "gcc",
        flags: &["-m64", "-c"],
        notes: NOTES,
    },
    Recipe {
        name: "empty64",
        cc: "gcc",
        flags: &["-m64"],
        notes: &[],
    },
    Recipe {
        name: "aarch64",
        cc: "aarch64-linux-gnu-gcc",
        flags: &[],
        notes: AARCH64_NOTES,
    },
    Recipe {
        name: "arm",
        cc: "arm-linux-gnueabihf-gcc",
        flags: &[],
        notes: ARM_NOTES,
    },
    Recipe {
        name: "riscv64",
        cc: "riscv64-linux-gnu-gcc",
        flags: &[],
        notes: RISCV64_NOTES,
    },
    Recipe {
        name: "riscv32",
        cc: "riscv64-linux-gnu-gcc",
        flags: &["-march=rv32imac", "-mabi=ilp32"],
        notes: RISCV32_NOTES,
    },
];

/// The fixtures, built once (all of them, the first time one is asked for): each the path of
/// the built file or why it could not be built.
fn fixtures() -> &'static Vec<(&'static str, Result<PathBuf, String>)> {
    static F: OnceLock<Vec<(&'static str, Result<PathBuf, String>)>> = OnceLock::new();
    F.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("manifest-fixtures-{}", std::process::id()));
        let made = std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()));
        let build = |r: &Recipe| -> Result<PathBuf, String> {
            made.clone()?;
            let src = dir.join(format!("{}.S", r.name));
            let out = dir.join(r.name);
            std::fs::write(&src, fixture_asm(r.notes))
                .map_err(|e| format!("cannot write {}: {e}", src.display()))?;
            let o = Command::new(r.cc)
                .args(r.flags)
                .args(["-nostdlib", "-static", "-o"])
                .arg(&out)
                .arg(&src)
                .output()
                .map_err(|e| format!("cannot run {}: {e}", r.cc))?;
            if o.status.success() {
                Ok(out)
            } else {
                Err(format!(
                    "{} {} failed: {}",
                    r.cc,
                    r.flags.join(" "),
                    String::from_utf8_lossy(&o.stderr).trim()
                ))
            }
        };
        RECIPES.iter().map(|r| (r.name, build(r))).collect()
    })
}

/// The path and bytes of one fixture, or `None` (after skipping, or failing under CI) when it
/// could not be built.
fn fixture(name: &str) -> Option<(PathBuf, Vec<u8>)> {
    let built = fixtures()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, r)| r.clone())
        .unwrap_or_else(|| panic!("no fixture recipe `{name}`"));
    match built {
        Ok(p) => {
            let bytes = std::fs::read(&p).expect("read the fixture");
            Some((p, bytes))
        }
        Err(why) => {
            skip_or_fail(&format!("the fixture `{name}` could not be built: {why}"));
            None
        }
    }
}

fn elf64() -> Option<(PathBuf, Vec<u8>)> {
    fixture("notes64")
}

fn elf32() -> Option<(PathBuf, Vec<u8>)> {
    fixture("notes32")
}

fn expected_records() -> Vec<Record> {
    let r = |abi: &str, audit_arch, number, name: &str, mechanism, via_vdso| Record {
        abi: abi.into(),
        audit_arch,
        number,
        name: name.into(),
        mechanism,
        via_vdso,
    };
    vec![
        r(
            "x32",
            AUDIT_ARCH_X86_64,
            0x4000_0027,
            "getpid",
            Mechanism::Syscall,
            false,
        ),
        r(
            "x86",
            AUDIT_ARCH_I386,
            20,
            "getpid",
            Mechanism::Int80,
            false,
        ),
        r(
            "x86_64",
            AUDIT_ARCH_X86_64,
            0,
            "read",
            Mechanism::Syscall,
            false,
        ),
        r(
            "x86_64",
            AUDIT_ARCH_X86_64,
            39,
            "getpid",
            Mechanism::Syscall,
            false,
        ),
        r(
            "x86_64",
            AUDIT_ARCH_X86_64,
            228,
            "clock_gettime",
            Mechanism::Syscall,
            true,
        ),
    ]
}

#[test]
fn elf64_records_read_back_sorted_and_deduplicated() {
    let Some((_, bytes)) = elf64() else { return };
    assert_eq!(bytes.get(4), Some(&2), "an ELF64 file");
    let records = read_records(&bytes).unwrap();
    assert_eq!(records, expected_records());
    assert_eq!(format_text(&records), EXPECTED_TEXT);
}

#[test]
fn elf32_records_read_back_sorted_and_deduplicated() {
    let Some((_, bytes)) = elf32() else { return };
    assert_eq!(bytes.get(4), Some(&1), "an ELF32 file");
    let records = read_records(&bytes).unwrap();
    assert_eq!(records, expected_records());
    assert_eq!(format_text(&records), EXPECTED_TEXT);
}

#[test]
fn a_relocatable_object_file_reads_too() {
    let Some((_, bytes)) = fixture("notes64.o") else {
        return;
    };
    assert_eq!(bytes.get(16), Some(&1), "ET_REL");
    assert_eq!(format_text(&read_records(&bytes).unwrap()), EXPECTED_TEXT);
}

/// Binaries of other architectures read on any host: what each holds, and its profile's
/// architecture.
#[test]
fn other_architectures_read_on_this_host() {
    for (name, class, text, arch) in [
        (
            "aarch64",
            2,
            "aarch64 clock_gettime 113 vdso/svc\naarch64 getpid 172 svc\n",
            "SCMP_ARCH_AARCH64",
        ),
        (
            "arm",
            1,
            "arm getpid 20 svc\narm clock_gettime64 403 vdso/svc\n",
            "SCMP_ARCH_ARM",
        ),
        (
            "riscv64",
            2,
            "riscv64 getpid 172 ecall\n",
            "SCMP_ARCH_RISCV64",
        ),
    ] {
        let Some((_, bytes)) = fixture(name) else {
            continue;
        };
        assert_eq!(bytes.get(4), Some(&class), "{name}: EI_CLASS");
        let records = read_records(&bytes).unwrap();
        assert_eq!(format_text(&records), text, "{name}");
        let json = oci_profile(&records, "SCMP_ACT_KILL_PROCESS", &[]).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["architectures"], serde_json::json!([arch]), "{name}");
    }
}

/// Zeroes the section-header fields of a little-endian ELF64 header (`e_shoff`, `e_shnum`,
/// `e_shstrndx`): the reader must then find the notes through the `PT_NOTE` segments.
fn drop_section_headers64(bytes: &mut [u8]) {
    bytes[0x28..0x30].fill(0);
    bytes[0x3c..0x40].fill(0);
}

#[test]
fn without_section_headers_the_pt_note_segments_are_read() {
    let Some((_, mut bytes)) = elf64() else {
        return;
    };
    drop_section_headers64(&mut bytes);
    assert_eq!(read_records(&bytes).unwrap(), expected_records());
}

#[test]
fn an_elf_without_records_says_so() {
    let Some((_, bytes)) = fixture("empty64") else {
        return;
    };
    let e = read_records(&bytes).unwrap_err();
    assert_eq!(e, ManifestError::NoRecords);
    assert!(e.to_string().contains("no fast-syscall records"), "{e}");
}

#[test]
fn non_elf_input_is_refused() {
    for (bytes, want) in [
        (&b""[..], "not an ELF file: the file is empty"),
        (
            b"\x7fEL",
            "not an ELF file: it is shorter than the ELF magic",
        ),
        (
            b"#!/bin/sh\necho hi\n",
            "not an ELF file: it does not start with",
        ),
    ] {
        let e = read_records(bytes).unwrap_err();
        assert!(e.to_string().starts_with(want), "{e}");
    }
    let mut bad_class = *b"\x7fELF\x03\x01\x01\0\0\0\0\0\0\0\0\0";
    let e = read_records(&bad_class).unwrap_err();
    assert!(e.to_string().contains("EI_CLASS) is 3"), "{e}");
    bad_class[4] = 2;
    bad_class[5] = 7;
    let e = read_records(&bad_class).unwrap_err();
    assert!(e.to_string().contains("EI_DATA) is 7"), "{e}");
}

#[test]
fn truncated_files_are_errors_not_panics() {
    for (name, fixture) in [("ELF64", elf64()), ("ELF32", elf32())] {
        let Some((_, bytes)) = fixture else { continue };
        let n = bytes.len();
        for cut in [0, 10, 64, n / 2, n - 1] {
            let e = read_records(&bytes[..cut]).unwrap_err();
            let text = e.to_string();
            assert!(
                matches!(
                    e,
                    ManifestError::NotElf { .. } | ManifestError::MalformedElf { .. }
                ),
                "{name} cut at {cut}: {text}"
            );
        }
        let e = read_records(&bytes[..10]).unwrap_err().to_string();
        assert!(
            e.contains("10 bytes long, shorter than its ELF header"),
            "{e}"
        );
    }
}

/// A small deterministic pseudo-random generator (xorshift64*), for reproducible mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Every byte of the notes (all their copies) flipped in several ways, then random multi-byte
/// damage anywhere in the file: errors or records, never a panic. Malformed fast-syscall
/// notes must be reported as such, not silently skipped.
#[test]
fn flipped_bytes_never_panic() {
    for (name, fixture) in [("ELF64", elf64()), ("ELF32", elf32())] {
        let Some((_, bytes)) = fixture else { continue };
        let first = find(&bytes, b"fast-syscall\0").expect("a note") - 12;
        let last = rfind(&bytes, b"other\0").expect("the other note") + 12;
        let mut malformed_notes = 0;
        for i in first..last {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                if let Err(ManifestError::MalformedNote { location, problem }) = read_records(&b) {
                    malformed_notes += 1;
                    assert!(location.starts_with("at file offset 0x"), "{location}");
                    assert!(!problem.is_empty());
                }
            }
        }
        assert!(malformed_notes > 0, "{name}: damage to notes is reported");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let mut b = bytes.clone();
            for _ in 0..1 + rng.next() % 8 {
                let i = (rng.next() % b.len() as u64) as usize;
                b[i] = rng.next() as u8;
            }
            let _ = read_records(&b);
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn a_damaged_note_says_what_and_where() {
    let Some((_, bytes)) = elf64() else { return };
    let first = find(&bytes, b"fast-syscall\0").expect("a note") - 12;
    let at = |field: usize, value: u8| {
        let mut b = bytes.clone();
        b[first + 28 + field] = value;
        read_records(&b).unwrap_err().to_string()
    };
    let e = at(8, 9);
    assert!(
        e.starts_with(&format!(
            "malformed fast-syscall note at file offset 0x{first:x} (section ["
        )),
        "{e}"
    );
    assert!(e.contains("`.note.fast_syscall"), "{e}");
    assert!(
        e.ends_with("unknown mechanism 9 (known: 1 syscall, 2 int80, 3 sysenter, 4 svc, 5 ecall)"),
        "{e}"
    );
    assert!(at(9, 4).contains("unknown flags 0x04"));
    assert!(at(10, 7).contains("abi_len 7 and name_len 6 make 25"));
    let mut b = bytes.clone();
    b[first + 8] = 2;
    let e = read_records(&b).unwrap_err().to_string();
    assert!(e.contains("unknown version (note type) 2"), "{e}");
}

/// A hand-made ELF file (no toolchain needed): header, the note bytes, two section headers
/// (null and one `SHT_NOTE`), no string table.
fn handmade(class64: bool, big: bool, notes: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    let u16b = |f: &mut Vec<u8>, v: u16| {
        f.extend_from_slice(&if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        })
    };
    let u32b = |f: &mut Vec<u8>, v: u32| {
        f.extend_from_slice(&if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        })
    };
    let word = |f: &mut Vec<u8>, v: u64| {
        if class64 {
            f.extend_from_slice(&if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            });
        } else {
            let v = v as u32;
            f.extend_from_slice(&if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            });
        }
    };
    let (ehsize, shentsize) = if class64 { (64u16, 64u16) } else { (52, 40) };
    let notes_at = u64::from(ehsize);
    let sh_at = (notes_at + notes.len() as u64).next_multiple_of(8);
    f.extend_from_slice(b"\x7fELF");
    f.extend_from_slice(&[if class64 { 2 } else { 1 }, if big { 2 } else { 1 }, 1]);
    f.resize(16, 0);
    u16b(&mut f, 2); // ET_EXEC
    u16b(&mut f, if class64 { 183 } else { 40 }); // EM_AARCH64 / EM_ARM
    u32b(&mut f, 1);
    word(&mut f, 0); // e_entry
    word(&mut f, 0); // e_phoff
    word(&mut f, sh_at);
    u32b(&mut f, 0);
    u16b(&mut f, ehsize);
    u16b(&mut f, 0);
    u16b(&mut f, 0);
    u16b(&mut f, shentsize);
    u16b(&mut f, 2);
    u16b(&mut f, 0); // e_shstrndx: none
    assert_eq!(f.len() as u64, notes_at);
    f.extend_from_slice(notes);
    f.resize(sh_at as usize, 0);
    f.resize(f.len() + usize::from(shentsize), 0); // section 0
    u32b(&mut f, 0); // sh_name
    u32b(&mut f, 7); // SHT_NOTE
    word(&mut f, 2); // SHF_ALLOC
    word(&mut f, 0); // sh_addr
    word(&mut f, notes_at);
    word(&mut f, notes.len() as u64);
    u32b(&mut f, 0);
    u32b(&mut f, 0);
    word(&mut f, 4); // sh_addralign
    word(&mut f, 0);
    f
}

/// One note in the format, in the given byte order.
fn note_bytes(big: bool, n: &Note) -> Vec<u8> {
    let w = |v: u32| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut b = Vec::new();
    b.extend_from_slice(&w(13));
    b.extend_from_slice(&w((12 + n.abi.len() + n.name.len()) as u32));
    b.extend_from_slice(&w(1));
    b.extend_from_slice(b"fast-syscall\0\0\0\0");
    b.extend_from_slice(&w(n.audit_arch));
    b.extend_from_slice(&w(n.number));
    b.extend_from_slice(&[n.mechanism, n.flags, n.abi.len() as u8, n.name.len() as u8]);
    b.extend_from_slice(n.abi.as_bytes());
    b.extend_from_slice(n.name.as_bytes());
    b.resize(b.len().next_multiple_of(4), 0);
    b
}

#[test]
fn handmade_files_of_both_classes_and_byte_orders_parse() {
    let notes = [
        note("aarch64", AUDIT_ARCH_AARCH64, 172, 4, 0, "getpid"),
        note("aarch64", AUDIT_ARCH_AARCH64, 113, 4, 1, "clock_gettime"),
        note("aarch64", AUDIT_ARCH_AARCH64, 172, 4, 0, "getpid"),
    ];
    for class64 in [true, false] {
        for big in [true, false] {
            let bytes: Vec<u8> = notes.iter().flat_map(|n| note_bytes(big, n)).collect();
            let file = handmade(class64, big, &bytes);
            let records =
                read_records(&file).unwrap_or_else(|e| panic!("class64 {class64} big {big}: {e}"));
            assert_eq!(
                format_text(&records),
                "aarch64 clock_gettime 113 vdso/svc\naarch64 getpid 172 svc\n",
                "class64 {class64} big {big}"
            );
            // A note read in the wrong byte order would be malformed: flip EI_DATA.
            let mut swapped = file.clone();
            swapped[5] = if big { 1 } else { 2 };
            assert!(read_records(&swapped).is_err());
            // Every truncation is an error.
            for cut in 0..file.len() {
                assert!(read_records(&file[..cut]).is_err(), "cut at {cut}");
            }
        }
    }
}

#[test]
fn handmade_note_errors_name_the_section() {
    let mut bytes = note_bytes(true, &note("arm", 0x4000_0028, 3, 4, 0, "read"));
    bytes[28 + 8] = 0; // mechanism 0
    let e = read_records(&handmade(false, true, &bytes)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "malformed fast-syscall note at file offset 0x34 (section [1]): unknown mechanism 0 \
         (known: 1 syscall, 2 int80, 3 sysenter, 4 svc, 5 ecall)"
    );
}

#[test]
fn oci_profile_of_the_fixture() {
    let records = expected_records();
    let json = oci_profile(&records, "SCMP_ACT_KILL_PROCESS", &["exit_group", "getpid"]).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["defaultAction"], "SCMP_ACT_KILL_PROCESS");
    assert!(v.get("defaultErrnoRet").is_none());
    assert_eq!(
        v["architectures"],
        serde_json::json!(["SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"])
    );
    let rules = v["syscalls"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["action"], "SCMP_ACT_ALLOW");
    assert_eq!(
        rules[0]["names"],
        serde_json::json!(["clock_gettime", "execve", "exit_group", "getpid", "read"])
    );
    let errno = oci_profile(&records, "SCMP_ACT_ERRNO", &[]).unwrap();
    let v: serde_json::Value = serde_json::from_str(&errno).unwrap();
    assert_eq!(v["defaultAction"], "SCMP_ACT_ERRNO");
    assert_eq!(v["defaultErrnoRet"], 1);
    let log = oci_profile(&records, "SCMP_ACT_LOG", &[]).unwrap();
    let v: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(v["defaultAction"], "SCMP_ACT_LOG");
}

#[test]
fn oci_profile_refuses_riscv32() {
    let r = Record {
        abi: "riscv32".into(),
        audit_arch: 0x4000_00f3,
        number: 172,
        name: "getpid".into(),
        mechanism: Mechanism::Ecall,
        via_vdso: false,
    };
    let e = oci_profile(&[r], "SCMP_ACT_KILL_PROCESS", &[]).unwrap_err();
    assert!(
        e.to_string().contains("libseccomp has no architecture"),
        "{e}"
    );
}

// The command.

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_syscall-table"))
        .args(args)
        .output()
        .expect("run syscall-table");
    (
        out.status.code().expect("an exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_text_and_oci() {
    let Some((path, _)) = elf64() else { return };
    let p = path.to_str().unwrap();
    assert_eq!(
        cli(&["manifest", p]),
        (0, EXPECTED_TEXT.to_string(), String::new())
    );
    assert_eq!(cli(&["manifest", "--format", "text", p]).1, EXPECTED_TEXT);
    let (code, out, err) = cli(&[
        "manifest",
        "--format=oci",
        "--default-action",
        "SCMP_ACT_ERRNO",
        "--allow",
        "exit_group,munmap",
        "--allow=rt_sigreturn",
        p,
    ]);
    assert_eq!((code, err.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["defaultErrnoRet"], 1);
    assert_eq!(
        v["syscalls"][0]["names"],
        serde_json::json!([
            "clock_gettime",
            "execve",
            "exit_group",
            "getpid",
            "munmap",
            "read",
            "rt_sigreturn"
        ])
    );
}

#[test]
fn cli_errors_exit_1_with_the_binary_named() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let text = dir.join(format!("manifest-not-elf-{}", std::process::id()));
    std::fs::write(&text, "hello\n").unwrap();
    let t = text.to_str().unwrap();
    let (code, out, err) = cli(&["manifest", t]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        format!(
            "{t}: error: not an ELF file: it does not start with the ELF magic bytes \\x7fELF\n"
        )
    );
    let _ = std::fs::remove_file(&text);

    let d = dir.to_str().unwrap();
    let (code, _, err) = cli(&["manifest", d]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!("{d}: error: binary `{d}` is a directory")),
        "{err}"
    );

    let missing = dir.join("no-such-binary");
    let m = missing.to_str().unwrap();
    let (code, _, err) = cli(&["manifest", m]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!("{m}: error: cannot read binary `{m}`")),
        "{err}"
    );

    let (code, _, err) = cli(&["manifest", "/dev/null"]);
    assert_eq!(code, 1);
    assert!(err.contains("not a regular file"), "{err}");

    if let Some((empty, _)) = fixture("empty64") {
        let e = empty.to_str().unwrap();
        let (code, out, err) = cli(&["manifest", e]);
        assert_eq!((code, out.as_str()), (1, ""));
        assert_eq!(
            err,
            format!(
                "{e}: error: {e} has no fast-syscall records: it links no #[fast_syscall] \
                 stub, or its .note.fast_syscall sections were stripped\n"
            )
        );
    }
    if let Some((path, _)) = elf64() {
        let p = path.to_str().unwrap();
        let (code, _, err) = cli(&["manifest", "--format", "oci", "--allow", "exit_grop", p]);
        assert_eq!(code, 1);
        assert!(err.contains("did you mean `exit_group`?"), "{err}");
    }
}

#[test]
fn cli_riscv32_reads_as_text_but_has_no_oci_profile() {
    let Some((path, _)) = fixture("riscv32") else {
        return;
    };
    let p = path.to_str().unwrap();
    assert_eq!(
        cli(&["manifest", p]),
        (0, "riscv32 getpid 172 ecall\n".to_string(), String::new())
    );
    let (code, out, err) = cli(&["manifest", "--format", "oci", p]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        format!(
            "{p}: error: ABI `riscv32` is riscv32 (AUDIT_ARCH 0x400000f3), which libseccomp has \
             no architecture for: an OCI seccomp profile cannot name it\n"
        )
    );
}

/// A sparse file just over the limit is refused from its size, before any read.
#[test]
fn cli_refuses_a_binary_over_1_gib() {
    let big =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("manifest-big-{}", std::process::id()));
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(syscall_table::manifest::MAX_BINARY_BYTES + 1)
        .unwrap();
    drop(f);
    let b = big.to_str().unwrap();
    let (code, out, err) = cli(&["manifest", b]);
    let _ = std::fs::remove_file(&big);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        format!(
            "{b}: error: binary `{b}` is 1073741825 bytes; binaries are limited to 1073741824 \
             bytes (1 GiB)\n"
        )
    );
}

#[test]
fn cli_usage_errors_exit_2() {
    for (args, want) in [
        (&["manifest"][..], "no BINARY given"),
        (
            &["manifest", "--format", "xml", "a"],
            "unknown format `xml`",
        ),
        (&["manifest", "--format"], "--format needs a value"),
        (
            &["manifest", "--frmat", "oci", "a"],
            "unknown option `--frmat`",
        ),
        (
            &["manifest", "a", "b"],
            "one BINARY at a time (2 given: a b)",
        ),
        (&["manifest", "--allow", "x", "a"], "apply to --format oci"),
        (
            &[
                "manifest",
                "--format",
                "oci",
                "--default-action",
                "SCMP_ACT_ALLOW",
                "a",
            ],
            "unknown default action `SCMP_ACT_ALLOW`",
        ),
        (
            &["manifest", "--format", "oci", "--allow", "a,,b", "a"],
            "empty name",
        ),
        (&["frobnicate"], "usage: syscall-table check FILE..."),
        (&["check"], "usage: syscall-table check FILE..."),
    ] {
        let (code, out, err) = cli(args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(
            err.contains("syscall-table manifest [--format text|oci]"),
            "{err}"
        );
    }
}

#[test]
fn cli_help() {
    for args in [&["--help"][..], &["-h"], &["manifest", "--help"]] {
        let (code, out, err) = cli(args);
        assert_eq!((code, err.as_str()), (0, ""), "{args:?}");
        assert!(
            out.contains("syscall-table manifest [--format text|oci]"),
            "{out}"
        );
        assert!(out.contains("SCMP_ACT_KILL_PROCESS (default)"), "{out}");
    }
}
