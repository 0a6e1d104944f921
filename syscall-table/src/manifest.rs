//! The system calls a linked binary makes through `#[fast_syscall]` stubs, read back from the
//! ELF notes the stubs leave in it (feature `manifest`), printed as text or turned into an OCI
//! (Docker, runc, crun, Podman) seccomp profile.
//!
//! ```no_run
//! let bytes = std::fs::read("target/release/my-server").unwrap();
//! let records = syscall_table::read_records(&bytes).unwrap();
//! for r in &records {
//!     println!("{r}"); // `x86_64 clock_gettime 228 vdso/syscall`
//! }
//! let profile = syscall_table::oci_profile(&records, "SCMP_ACT_KILL_PROCESS", &["exit_group"]);
//! println!("{}", profile.unwrap());
//! ```
//!
//! # The note format
//!
//! This is the contract between the `#[fast_syscall]` expansion, which writes the notes, and
//! this reader. Every integer is in the byte order of the ELF file.
//!
//! Each stub emits one note into an input section named `.note.fast_syscall.<something>`, of
//! type `SHT_NOTE`, flags `SHF_ALLOC` and alignment 4. The note lives in the same object file
//! as the stub's code, so the linker keeps it exactly when it keeps that object file's code
//! (and `--gc-sections` drops it with the code). In a linked executable the notes end up in one
//! or more `.note.fast_syscall.*` output sections, or merged into another note section, and in
//! `PT_NOTE` segments. The reader therefore does not rely on section names: it scans every
//! `SHT_NOTE` section (or, in a file without section headers, every `PT_NOTE` segment) and
//! picks the notes by owner and type.
//!
//! The note is a standard ELF note:
//!
//! | field    | size | value                                                        |
//! |----------|------|--------------------------------------------------------------|
//! | `namesz` | 4    | 13                                                           |
//! | `descsz` | 4    | 12 + `abi_len` + `name_len`                                  |
//! | `type`   | 4    | 1, the version of this format ([`NOTE_TYPE`])                |
//! | name     | 16   | `"fast-syscall\0"` ([`NOTE_OWNER`]), zero-padded to 16 bytes |
//! | desc     | descsz, zero-padded to a multiple of 4 | below                      |
//!
//! The desc:
//!
//! | field        | size       | meaning                                                  |
//! |--------------|------------|----------------------------------------------------------|
//! | `audit_arch` | 4          | `AUDIT_ARCH_*` of `<linux/audit.h>` (see [`AUDIT_ARCH_X86_64`] and its siblings; x32 uses x86_64's) |
//! | `number`     | 4          | the number as the kernel sees it (x32 numbers include [`X32_SYSCALL_BIT`]) |
//! | `mechanism`  | 1          | 1 `syscall`, 2 `int80`, 3 `sysenter`, 4 `svc`, 5 `ecall` ([`mechanism_code`]) |
//! | `flags`      | 1          | bit 0 ([`FLAG_VIA_VDSO`]): the stub first tries the vDSO and the entry recorded is its kernel fallback; the other bits are reserved and 0 in version 1 |
//! | `abi_len`    | 1          | length of the ABI name                                   |
//! | `name_len`   | 1          | length of the system-call name                           |
//! | ABI name     | `abi_len`  | the table's name: `x86_64`, `x32`, `x86`, `aarch64`, `arm`, `riscv64`, `riscv32` or a user table's `[abi] name` |
//! | name         | `name_len` | the system call's name, ASCII, no NUL                    |
//!
//! Both names are identifiers (`[A-Za-z_][A-Za-z0-9_]*`, what the table validator demands),
//! the system-call name at most [`MAX_NAME_LEN`](crate::MAX_NAME_LEN) bytes. A note with
//! owner `fast-syscall` that breaks any of these rules (a wrong `descsz`, a type other than 1,
//! reserved flag bits, an unknown mechanism, an empty or non-identifier name) is an error,
//! [`ManifestError::MalformedNote`], that says which rule and where: a reader that skipped it
//! would silently leave a system call out of a seccomp profile.
//!
//! The same record appears once per object file that made the call; [`read_records`]
//! deduplicates them.
//!
//! # What the records cannot show
//!
//! Only the system calls made by `#[fast_syscall]` stubs leave notes. Calls made any other way
//! (libc's own, the Rust standard library's, raw `asm!`, other crates) are invisible here: add
//! them to a profile with `extra`. Stripping the notes (`objcopy --remove-section`,
//! `strip --remove-section=.note.fast_syscall.*`) removes the records; plain `strip` keeps
//! allocated note sections.

use std::fmt;

use object::Endianness;
use object::elf::{FileHeader32, FileHeader64};
use object::read::elf::{FileHeader, NoteIterator, ProgramHeader, SectionHeader};

use crate::model::Mechanism;

/// The owner of the notes (`namesz` is 13: the name and its NUL).
pub const NOTE_OWNER: &str = "fast-syscall";

/// The note type, which is the version of the desc format this reader knows.
pub const NOTE_TYPE: u32 = 1;

/// Bit 0 of the desc's `flags`: the stub first tries the vDSO; the recorded entry is its
/// kernel fallback.
pub const FLAG_VIA_VDSO: u8 = 1;

/// `__X32_SYSCALL_BIT`: x32 system-call numbers include it.
pub const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// `AUDIT_ARCH_X86_64` (x86_64 and x32).
pub const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
/// `AUDIT_ARCH_I386`.
pub const AUDIT_ARCH_I386: u32 = 0x4000_0003;
/// `AUDIT_ARCH_AARCH64`.
pub const AUDIT_ARCH_AARCH64: u32 = 0xc000_00b7;
/// `AUDIT_ARCH_ARM` (little-endian Arm).
pub const AUDIT_ARCH_ARM: u32 = 0x4000_0028;
/// `AUDIT_ARCH_RISCV64`.
pub const AUDIT_ARCH_RISCV64: u32 = 0xc000_00f3;
/// `AUDIT_ARCH_RISCV32`.
pub const AUDIT_ARCH_RISCV32: u32 = 0x4000_00f3;

/// The largest binary the `syscall-table manifest` command reads: 1 GiB.
pub const MAX_BINARY_BYTES: u64 = 1 << 30;

/// The default `defaultAction` of [`oci_profile`]: kill the whole process on any other call.
pub const DEFAULT_ACTION: &str = "SCMP_ACT_KILL_PROCESS";

/// The `defaultAction` values [`oci_profile`] accepts.
pub const DEFAULT_ACTIONS: &[&str] = &["SCMP_ACT_KILL_PROCESS", "SCMP_ACT_ERRNO", "SCMP_ACT_LOG"];

/// The fixed part of the desc: `audit_arch`, `number`, `mechanism`, `flags`, `abi_len`,
/// `name_len`.
const DESC_FIXED_LEN: usize = 12;

/// One system call a binary makes through a `#[fast_syscall]` stub, as its note records it.
///
/// Records order by ABI, then number, then name (then the remaining fields).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Record {
    /// The table the call was checked against: `x86_64`, `x32`, `x86`, `aarch64`, `arm`,
    /// `riscv64`, `riscv32` or a user table's name.
    pub abi: String,
    /// `AUDIT_ARCH_*` of the call (what `seccomp_data.arch` holds when the kernel sees it).
    pub audit_arch: u32,
    /// The number as the kernel sees it (x32 numbers include [`X32_SYSCALL_BIT`]).
    pub number: u32,
    /// The system call's name in its table.
    pub name: String,
    /// How the stub enters the kernel. Never [`Mechanism::Vdso`]: a stub that tries the vDSO
    /// first records its kernel fallback here and sets [`Record::via_vdso`].
    pub mechanism: Mechanism,
    /// The stub first calls the vDSO; the kernel sees this call only when the vDSO cannot
    /// serve it (no vDSO, an unsupported clock, …).
    pub via_vdso: bool,
}

impl Record {
    fn key(&self) -> (&str, u32, &str, u32, Mechanism, bool) {
        (
            &self.abi,
            self.number,
            &self.name,
            self.audit_arch,
            self.mechanism,
            self.via_vdso,
        )
    }

    /// The mechanism as the text output spells it: `syscall`, `int80`, `sysenter`, `svc` or
    /// `ecall`, prefixed `vdso/` when [`Record::via_vdso`].
    pub fn mechanism_text(&self) -> String {
        if self.via_vdso {
            format!("vdso/{}", self.mechanism)
        } else {
            self.mechanism.to_string()
        }
    }
}

impl PartialOrd for Record {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Record {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// One line of the text output: `ABI NAME NUMBER MECHANISM`, e.g.
/// `x86_64 clock_gettime 228 vdso/syscall` (no newline).
impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.abi,
            self.name,
            self.number,
            self.mechanism_text()
        )
    }
}

/// The mechanism a desc's `mechanism` byte stands for (1 `syscall`, 2 `int80`, 3 `sysenter`,
/// 4 `svc`, 5 `ecall`), if any.
pub fn mechanism_from_code(code: u8) -> Option<Mechanism> {
    Some(match code {
        1 => Mechanism::Syscall,
        2 => Mechanism::Int80,
        3 => Mechanism::Sysenter,
        4 => Mechanism::Svc,
        5 => Mechanism::Ecall,
        _ => return None,
    })
}

/// The desc's `mechanism` byte for `mechanism`; `None` for [`Mechanism::Vdso`], which is
/// recorded as its kernel fallback with [`FLAG_VIA_VDSO`].
pub fn mechanism_code(mechanism: Mechanism) -> Option<u8> {
    Some(match mechanism {
        Mechanism::Syscall => 1,
        Mechanism::Int80 => 2,
        Mechanism::Sysenter => 3,
        Mechanism::Svc => 4,
        Mechanism::Ecall => 5,
        Mechanism::Vdso => return None,
    })
}

/// Why no records could be read, or no profile made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestError {
    /// The bytes are not an ELF file.
    NotElf {
        /// What was found instead.
        reason: String,
    },
    /// The ELF file is truncated or its headers are inconsistent.
    MalformedElf {
        /// The part of the file that could not be read (`section header table`, …).
        part: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A note with owner `fast-syscall` breaks the format.
    MalformedNote {
        /// Where the note is: its file offset and the section or segment holding it.
        location: String,
        /// Which rule it breaks.
        problem: String,
    },
    /// The file is a valid ELF file without any fast-syscall note.
    NoRecords,
    /// A record's architecture has no libseccomp architecture name (riscv32), or is unknown.
    UnsupportedArch {
        /// The record's ABI.
        abi: String,
        /// The record's `AUDIT_ARCH_*`.
        audit_arch: u32,
    },
    /// A `defaultAction` other than those of [`DEFAULT_ACTIONS`].
    UnknownDefaultAction(String),
    /// A name given to add to a profile is not a system-call name.
    BadSyscallName {
        /// The name as given.
        name: String,
        /// Why it is refused (with a suggestion where one is found).
        problem: String,
    },
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::NotElf { reason } => write!(f, "not an ELF file: {reason}"),
            ManifestError::MalformedElf { part, problem } => {
                write!(f, "malformed or truncated ELF file: {part}: {problem}")
            }
            ManifestError::MalformedNote { location, problem } => {
                write!(f, "malformed fast-syscall note {location}: {problem}")
            }
            ManifestError::NoRecords => f.write_str(
                "no fast-syscall records: it links no #[fast_syscall] stub, or its \
                 .note.fast_syscall sections were stripped",
            ),
            ManifestError::UnsupportedArch { abi, audit_arch }
                if *audit_arch == AUDIT_ARCH_RISCV32 =>
            {
                write!(
                    f,
                    "ABI `{abi}` is riscv32 (AUDIT_ARCH 0x{audit_arch:08x}), which libseccomp \
                     has no architecture for: an OCI seccomp profile cannot name it"
                )
            }
            ManifestError::UnsupportedArch { abi, audit_arch } => write!(
                f,
                "ABI `{abi}` has AUDIT_ARCH 0x{audit_arch:08x}, which is none of x86_64, x32, \
                 x86, aarch64, arm or riscv64: no OCI seccomp architecture for it"
            ),
            ManifestError::UnknownDefaultAction(action) => write!(
                f,
                "unknown default action `{action}`: use one of {}",
                DEFAULT_ACTIONS.join(", ")
            ),
            ManifestError::BadSyscallName { name, problem } => {
                write!(f, "cannot allow `{name}`: {problem}")
            }
        }
    }
}

impl std::error::Error for ManifestError {}

fn malformed(part: impl Into<String>, problem: impl fmt::Display) -> ManifestError {
    ManifestError::MalformedElf {
        part: part.into(),
        problem: problem.to_string(),
    }
}

/// Reads the fast-syscall records of an ELF file (executable, shared library or object file;
/// ELF32 or ELF64, either byte order, any architecture, whatever the host), sorted by ABI, then
/// number, then name, without duplicates.
///
/// Every `SHT_NOTE` section is scanned, or every `PT_NOTE` segment when the file has no section
/// headers; notes of other owners are skipped. The input is untrusted: every read is checked.
///
/// # Errors
///
/// [`ManifestError::NotElf`], [`ManifestError::MalformedElf`] (truncated or inconsistent
/// headers, or a note section that does not parse as notes), [`ManifestError::MalformedNote`],
/// and [`ManifestError::NoRecords`] when the file holds no fast-syscall note at all.
pub fn read_records(bytes: &[u8]) -> Result<Vec<Record>, ManifestError> {
    let not_elf = |reason: &str| {
        Err(ManifestError::NotElf {
            reason: reason.into(),
        })
    };
    match bytes.get(..4) {
        _ if bytes.is_empty() => return not_elf("the file is empty"),
        Some(b"\x7fELF") => {}
        Some(_) => return not_elf("it does not start with the ELF magic bytes \\x7fELF"),
        None => return not_elf("it is shorter than the ELF magic bytes \\x7fELF"),
    }
    let ident = |i: usize| bytes.get(i).copied();
    match ident(5) {
        Some(1 | 2) => {}
        Some(d) => {
            return Err(malformed(
                "ELF identification",
                format!(
                    "the data encoding byte (EI_DATA) is {d}: 1 (little endian) or 2 (big \
                     endian) expected"
                ),
            ));
        }
        None => return Err(malformed("ELF header", truncated_header(bytes.len()))),
    }
    let mut records = match ident(4) {
        Some(1) => read_class::<FileHeader32<Endianness>>(bytes)?,
        Some(2) => read_class::<FileHeader64<Endianness>>(bytes)?,
        Some(c) => {
            return Err(malformed(
                "ELF identification",
                format!("the class byte (EI_CLASS) is {c}: 1 (ELF32) or 2 (ELF64) expected"),
            ));
        }
        None => return Err(malformed("ELF header", truncated_header(bytes.len()))),
    };
    if records.is_empty() {
        return Err(ManifestError::NoRecords);
    }
    records.sort();
    records.dedup();
    Ok(records)
}

fn truncated_header(len: usize) -> String {
    format!("the file is {len} bytes long, shorter than its ELF header")
}

fn read_class<Elf: FileHeader<Endian = Endianness>>(
    bytes: &[u8],
) -> Result<Vec<Record>, ManifestError> {
    let header = match Elf::parse(bytes) {
        Ok(h) => h,
        Err(_) if bytes.len() < std::mem::size_of::<Elf>() => {
            return Err(malformed("ELF header", truncated_header(bytes.len())));
        }
        Err(e) => return Err(malformed("ELF header", e)),
    };
    let endian = header.endian().map_err(|e| malformed("ELF header", e))?;
    let sections = header
        .section_headers(endian, bytes)
        .map_err(|e| malformed("section header table", e))?;
    let mut records = Vec::new();
    if !sections.is_empty() {
        // Names only label errors: a broken string table does not stop the scan.
        let strings = header.section_strings(endian, bytes, sections).ok();
        for (index, section) in sections.iter().enumerate() {
            let label = || {
                let name = strings
                    .and_then(|s| section.name(endian, s).ok())
                    .map(String::from_utf8_lossy);
                match name {
                    Some(name) if !name.is_empty() => format!("section [{index}] `{name}`"),
                    _ => format!("section [{index}]"),
                }
            };
            let notes = section
                .notes(endian, bytes)
                .map_err(|e| malformed(label(), e))?;
            if let Some(notes) = notes {
                collect(endian, bytes, notes, &label, &mut records)?;
            }
        }
    } else {
        let segments = header
            .program_headers(endian, bytes)
            .map_err(|e| malformed("program header table", e))?;
        for (index, segment) in segments.iter().enumerate() {
            let label = || format!("PT_NOTE segment [{index}]");
            let notes = segment
                .notes(endian, bytes)
                .map_err(|e| malformed(label(), e))?;
            if let Some(notes) = notes {
                collect(endian, bytes, notes, &label, &mut records)?;
            }
        }
    }
    Ok(records)
}

fn collect<Elf: FileHeader<Endian = Endianness>>(
    endian: Endianness,
    file: &[u8],
    mut notes: NoteIterator<'_, Elf>,
    label: &dyn Fn() -> String,
    records: &mut Vec<Record>,
) -> Result<(), ManifestError> {
    while let Some(note) = notes.next().map_err(|e| malformed(label(), e))? {
        if note.name() != NOTE_OWNER.as_bytes() {
            continue;
        }
        // The note header is the 12 bytes before the name; its offset only labels errors.
        let offset = (note.name().as_ptr() as usize)
            .wrapping_sub(file.as_ptr() as usize)
            .wrapping_sub(12);
        let location = || format!("at file offset 0x{offset:x} ({})", label());
        let record = parse_desc(endian, note.n_type(endian), note.desc()).map_err(|problem| {
            ManifestError::MalformedNote {
                location: location(),
                problem,
            }
        })?;
        records.push(record);
    }
    Ok(())
}

/// Parses one fast-syscall desc; the error says which rule it breaks.
fn parse_desc(endian: Endianness, n_type: u32, desc: &[u8]) -> Result<Record, String> {
    if n_type != NOTE_TYPE {
        return Err(format!(
            "unknown version (note type) {n_type}: this reader knows version {NOTE_TYPE}; a \
             newer syscall-table may read it"
        ));
    }
    let Some((fixed, rest)) = desc.split_first_chunk::<DESC_FIXED_LEN>() else {
        return Err(format!(
            "descsz is {}, shorter than the {DESC_FIXED_LEN} bytes of its fixed part",
            desc.len()
        ));
    };
    let [
        a0,
        a1,
        a2,
        a3,
        n0,
        n1,
        n2,
        n3,
        mechanism,
        flags,
        abi_len,
        name_len,
    ] = *fixed;
    let u32_of = |b: [u8; 4]| match endian {
        Endianness::Little => u32::from_le_bytes(b),
        Endianness::Big => u32::from_be_bytes(b),
    };
    let audit_arch = u32_of([a0, a1, a2, a3]);
    let number = u32_of([n0, n1, n2, n3]);
    let (abi_len, name_len) = (usize::from(abi_len), usize::from(name_len));
    if rest.len() != abi_len + name_len {
        return Err(format!(
            "descsz is {} but abi_len {abi_len} and name_len {name_len} make {}",
            desc.len(),
            DESC_FIXED_LEN + abi_len + name_len
        ));
    }
    let Some(mechanism) = mechanism_from_code(mechanism) else {
        return Err(format!(
            "unknown mechanism {mechanism} (known: 1 syscall, 2 int80, 3 sysenter, 4 svc, 5 ecall)"
        ));
    };
    if flags & !FLAG_VIA_VDSO != 0 {
        return Err(format!(
            "unknown flags 0x{flags:02x}: only bit 0 (via vDSO) is defined, the other bits are \
             reserved and 0 in version {NOTE_TYPE}"
        ));
    }
    let (abi, name) = rest.split_at_checked(abi_len).unwrap_or((rest, &[]));
    let abi = identifier("ABI name", abi)?;
    let name = identifier("system-call name", name)?;
    if name.len() > crate::MAX_NAME_LEN {
        return Err(format!(
            "system-call name `{name}` is {} bytes long; names are at most {}",
            name.len(),
            crate::MAX_NAME_LEN
        ));
    }
    Ok(Record {
        abi,
        audit_arch,
        number,
        name,
        mechanism,
        via_vdso: flags & FLAG_VIA_VDSO != 0,
    })
}

/// `bytes` as a `String` if they are an identifier (`[A-Za-z_][A-Za-z0-9_]*`).
fn identifier(what: &str, bytes: &[u8]) -> Result<String, String> {
    let ok = matches!(bytes.first(), Some(c) if c.is_ascii_alphabetic() || *c == b'_')
        && bytes
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    if ok {
        Ok(String::from_utf8_lossy(bytes).into_owned())
    } else if bytes.is_empty() {
        Err(format!("the {what} is empty"))
    } else {
        Err(format!(
            "the {what} `{}` is not an identifier (letters, digits and `_`)",
            bytes.escape_ascii()
        ))
    }
}

/// The lines of the text output, one per record (see [`Record`]'s `Display`), each ending in
/// a newline.
pub fn format_text(records: &[Record]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// The libseccomp architecture name (`SCMP_ARCH_*`) of a record's call: x32 is told from
/// x86_64 by the ABI name `x32` or by [`X32_SYSCALL_BIT`] in the number.
///
/// # Errors
///
/// [`ManifestError::UnsupportedArch`] for riscv32 (libseccomp has no architecture for it) and
/// for an `AUDIT_ARCH_*` this crate does not know.
pub fn seccomp_arch(record: &Record) -> Result<&'static str, ManifestError> {
    Ok(match record.audit_arch {
        AUDIT_ARCH_X86_64 if record.abi == "x32" || record.number & X32_SYSCALL_BIT != 0 => {
            "SCMP_ARCH_X32"
        }
        AUDIT_ARCH_X86_64 => "SCMP_ARCH_X86_64",
        AUDIT_ARCH_I386 => "SCMP_ARCH_X86",
        AUDIT_ARCH_AARCH64 => "SCMP_ARCH_AARCH64",
        AUDIT_ARCH_ARM => "SCMP_ARCH_ARM",
        AUDIT_ARCH_RISCV64 => "SCMP_ARCH_RISCV64",
        audit_arch => {
            return Err(ManifestError::UnsupportedArch {
                abi: record.abi.clone(),
                audit_arch,
            });
        }
    })
}

/// An OCI seccomp profile (the `linux.seccomp` object of the OCI runtime spec, which is also
/// Docker's and Podman's `--security-opt seccomp=FILE` format), pretty-printed JSON: the
/// `architectures` of the records, one rule allowing the names of the records, `execve` and
/// `extra` (sorted, without duplicates), and `defaultAction` for every other call.
///
/// `execve` is always allowed: OCI runtimes (runc, crun) install the profile before they
/// `execve` the container's process, so a profile without it kills the container before it
/// starts. `extra` is for calls made outside `#[fast_syscall]` stubs, which leave no record
/// (libc's own, the standard library's: `exit_group`, `munmap`, `rt_sigreturn`, …).
///
/// `default_action` is one of [`DEFAULT_ACTIONS`]: `SCMP_ACT_KILL_PROCESS` (the usual choice,
/// [`DEFAULT_ACTION`]), `SCMP_ACT_ERRNO` (other calls fail with `EPERM`: the profile gets
/// `"defaultErrnoRet": 1`) or `SCMP_ACT_LOG` (other calls are allowed and logged: for finding
/// what a profile misses). Profiles name system calls, not numbers: the runtime resolves each
/// name on each listed architecture.
///
/// # Errors
///
/// [`ManifestError::UnknownDefaultAction`], [`ManifestError::UnsupportedArch`] (riscv32 or an
/// unknown architecture), [`ManifestError::NoRecords`] for empty `records` (no architecture to
/// name), and [`ManifestError::BadSyscallName`] for an `extra` name that is not an identifier
/// or, with feature `embedded`, that no embedded table of the records' ABIs has (checked only
/// when every ABI has an embedded table: a user table may have any name).
pub fn oci_profile(
    records: &[Record],
    default_action: &str,
    extra: &[&str],
) -> Result<String, ManifestError> {
    if !DEFAULT_ACTIONS.contains(&default_action) {
        return Err(ManifestError::UnknownDefaultAction(default_action.into()));
    }
    if records.is_empty() {
        return Err(ManifestError::NoRecords);
    }
    let mut arches = records
        .iter()
        .map(seccomp_arch)
        .collect::<Result<Vec<_>, _>>()?;
    arches.sort_unstable();
    arches.dedup();
    for name in extra {
        check_extra(records, name)?;
    }
    let mut names: Vec<&str> = records.iter().map(|r| r.name.as_str()).collect();
    names.push("execve");
    names.extend_from_slice(extra);
    names.sort_unstable();
    names.dedup();
    let mut profile = serde_json::Map::new();
    profile.insert("defaultAction".into(), default_action.into());
    if default_action == "SCMP_ACT_ERRNO" {
        // EPERM.
        profile.insert("defaultErrnoRet".into(), 1.into());
    }
    profile.insert("architectures".into(), arches.into());
    profile.insert(
        "syscalls".into(),
        serde_json::json!([{ "names": names, "action": "SCMP_ACT_ALLOW" }]),
    );
    let mut text = serde_json::to_string_pretty(&serde_json::Value::Object(profile))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    Ok(text)
}

fn check_extra(records: &[Record], name: &str) -> Result<(), ManifestError> {
    let bad = |problem: String| {
        Err(ManifestError::BadSyscallName {
            name: name.into(),
            problem,
        })
    };
    if identifier("name", name.as_bytes()).is_err() {
        return bad("a system-call name is an identifier (letters, digits and `_`)".into());
    }
    if name.len() > crate::MAX_NAME_LEN {
        return bad(format!(
            "system-call names are at most {} characters",
            crate::MAX_NAME_LEN
        ));
    }
    #[cfg(feature = "embedded")]
    {
        let mut abis: Vec<&str> = records.iter().map(|r| r.abi.as_str()).collect();
        abis.sort_unstable();
        abis.dedup();
        let tables: Option<Vec<_>> = abis.iter().map(|a| crate::embedded(a)).collect();
        if let Some(tables) = tables {
            if tables.iter().all(|t| t.by_name(name).is_none()) {
                let mut near: Vec<&str> = tables.iter().flat_map(|t| t.closest(name, 1)).collect();
                near.sort_unstable();
                near.dedup();
                let hint = match near.as_slice() {
                    [] => String::new(),
                    [one] => format!(" (did you mean `{one}`?)"),
                    more => format!(" (did you mean one of `{}`?)", more.join("`, `")),
                };
                return bad(format!(
                    "no system call of that name on {}{hint}",
                    abis.join(", ")
                ));
            }
        }
    }
    #[cfg(not(feature = "embedded"))]
    let _ = records;
    Ok(())
}

/// Reads a binary for [`read_records`], refusing what is not a regular file (a FIFO would
/// block, `/dev/zero` never ends) and files over [`MAX_BINARY_BYTES`], with a message that
/// names the path.
pub fn read_binary_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    crate::read_capped(
        path,
        &crate::FileKind {
            noun: "binary",
            plural: "binaries",
            hint: "give the path of an ELF executable, shared library or object file",
            limit: MAX_BINARY_BYTES,
            limit_text: "1 GiB",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(le: bool, audit: u32, nr: u32, mech: u8, flags: u8, abi: &str, name: &str) -> Vec<u8> {
        let w = |v: u32| if le { v.to_le_bytes() } else { v.to_be_bytes() };
        let mut d = Vec::new();
        d.extend_from_slice(&w(audit));
        d.extend_from_slice(&w(nr));
        d.extend_from_slice(&[mech, flags, abi.len() as u8, name.len() as u8]);
        d.extend_from_slice(abi.as_bytes());
        d.extend_from_slice(name.as_bytes());
        d
    }

    #[test]
    fn parses_a_desc_in_both_byte_orders() {
        for (le, endian) in [(true, Endianness::Little), (false, Endianness::Big)] {
            let d = desc(le, AUDIT_ARCH_X86_64, 228, 1, 1, "x86_64", "clock_gettime");
            let r = parse_desc(endian, 1, &d).unwrap();
            assert_eq!(r.audit_arch, AUDIT_ARCH_X86_64);
            assert_eq!(r.number, 228);
            assert_eq!(r.to_string(), "x86_64 clock_gettime 228 vdso/syscall");
        }
    }

    #[test]
    fn refuses_each_broken_rule() {
        let e = Endianness::Little;
        let good = desc(true, AUDIT_ARCH_AARCH64, 63, 4, 0, "aarch64", "read");
        assert!(parse_desc(e, 1, &good).is_ok());
        let err = |d: &[u8], t: u32| parse_desc(e, t, d).unwrap_err();
        assert!(err(&good, 2).contains("unknown version (note type) 2"));
        assert!(err(&good[..11], 1).contains("shorter than the 12 bytes"));
        assert!(err(&good[..good.len() - 1], 1).contains("abi_len 7 and name_len 4 make 23"));
        let mut long = good.clone();
        long.push(0);
        assert!(err(&long, 1).contains("descsz is 24"));
        for (i, v, want) in [
            (8, 0, "unknown mechanism 0"),
            (8, 6, "unknown mechanism 6"),
            (9, 2, "unknown flags 0x02"),
            (9, 0x81, "unknown flags 0x81"),
        ] {
            let mut d = good.clone();
            d[i] = v;
            assert!(err(&d, 1).contains(want), "{want}");
        }
        let empty = desc(true, AUDIT_ARCH_ARM, 3, 4, 0, "", "read");
        assert!(err(&empty, 1).contains("the ABI name is empty"));
        let nul = desc(true, AUDIT_ARCH_ARM, 3, 4, 0, "arm", "re\0d");
        assert!(err(&nul, 1).contains("`re\\x00d` is not an identifier"));
        let long_name = "a".repeat(65);
        let d = desc(true, AUDIT_ARCH_ARM, 3, 4, 0, "arm", &long_name);
        assert!(err(&d, 1).contains("is 65 bytes long"));
    }

    #[test]
    fn mechanism_codes_round_trip() {
        for m in Mechanism::ALL {
            match mechanism_code(m) {
                Some(c) => assert_eq!(mechanism_from_code(c), Some(m)),
                None => assert_eq!(m, Mechanism::Vdso),
            }
        }
        assert_eq!(mechanism_from_code(0), None);
        assert_eq!(mechanism_from_code(6), None);
    }

    fn rec(abi: &str, audit_arch: u32, number: u32, name: &str) -> Record {
        Record {
            abi: abi.into(),
            audit_arch,
            number,
            name: name.into(),
            mechanism: Mechanism::Syscall,
            via_vdso: false,
        }
    }

    #[test]
    fn seccomp_arches() {
        let arch = |r: Record| seccomp_arch(&r);
        assert_eq!(
            arch(rec("x86_64", AUDIT_ARCH_X86_64, 39, "getpid")),
            Ok("SCMP_ARCH_X86_64")
        );
        assert_eq!(
            arch(rec("x32", AUDIT_ARCH_X86_64, 0x4000_0027, "getpid")),
            Ok("SCMP_ARCH_X32")
        );
        // A user table of x32 numbers under another name: told by the bias.
        assert_eq!(
            arch(rec("my_x32", AUDIT_ARCH_X86_64, 0x4000_0027, "getpid")),
            Ok("SCMP_ARCH_X32")
        );
        assert_eq!(
            arch(rec("x86", AUDIT_ARCH_I386, 20, "getpid")),
            Ok("SCMP_ARCH_X86")
        );
        assert_eq!(
            arch(rec("arm", AUDIT_ARCH_ARM, 20, "getpid")),
            Ok("SCMP_ARCH_ARM")
        );
        assert_eq!(
            arch(rec("riscv64", AUDIT_ARCH_RISCV64, 172, "getpid")),
            Ok("SCMP_ARCH_RISCV64")
        );
        let e = arch(rec("riscv32", AUDIT_ARCH_RISCV32, 172, "getpid")).unwrap_err();
        assert!(
            e.to_string().contains("libseccomp has no architecture"),
            "{e}"
        );
        let e = arch(rec("mips", 8, 1, "getpid")).unwrap_err();
        assert!(e.to_string().contains("0x00000008"), "{e}");
    }

    #[test]
    fn profile_errors() {
        let r = [rec("x86_64", AUDIT_ARCH_X86_64, 39, "getpid")];
        let e = oci_profile(&r, "SCMP_ACT_ALLOW", &[]).unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown default action `SCMP_ACT_ALLOW`")
        );
        assert_eq!(
            oci_profile(&[], DEFAULT_ACTION, &[]),
            Err(ManifestError::NoRecords)
        );
        let e = oci_profile(&r, DEFAULT_ACTION, &["exit group"]).unwrap_err();
        assert!(e.to_string().contains("cannot allow `exit group`"), "{e}");
        #[cfg(feature = "embedded")]
        {
            let e = oci_profile(&r, DEFAULT_ACTION, &["exit_grop"]).unwrap_err();
            assert!(e.to_string().contains("did you mean `exit_group`?"), "{e}");
            // A user table's ABI: any identifier goes.
            let u = [rec("custom", AUDIT_ARCH_X86_64, 500, "my_call")];
            assert!(oci_profile(&u, DEFAULT_ACTION, &["exit_grop"]).is_ok());
        }
    }

    #[test]
    fn records_order_by_abi_number_name() {
        let mut v = [
            rec("x86_64", AUDIT_ARCH_X86_64, 39, "getpid"),
            rec("aarch64", AUDIT_ARCH_AARCH64, 172, "getpid"),
            rec("x86_64", AUDIT_ARCH_X86_64, 0, "read"),
            rec("x86_64", AUDIT_ARCH_X86_64, 0, "aread"),
        ];
        v.sort();
        let names: Vec<String> = v.iter().map(|r| format!("{} {}", r.abi, r.name)).collect();
        assert_eq!(
            names,
            [
                "aarch64 getpid",
                "x86_64 aread",
                "x86_64 read",
                "x86_64 getpid"
            ]
        );
    }
}
