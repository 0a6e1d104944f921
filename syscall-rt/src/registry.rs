//! The system calls this binary can make through its `#[fast_syscall]` stubs, read at run time.
//!
//! Every expanded stub records its call — ABI, `AUDIT_ARCH`, number, name, kernel entry — as an
//! ELF note in an input section of its own (`.note.fast_syscall`, alone in a section group),
//! and the call site holds a `R_*_NONE` relocation to that note. A relocation is what keeps a
//! section alive under the linker's `--gc-sections` (which Rust always passes): a note is in the
//! final binary exactly when some code that makes the call is, and unused `sys::*` functions,
//! dead code and stubs never instantiated leave no record. (The group matters: GNU ld and lld
//! keep every note section outside a group, referenced or not.)
//! The notes cost no instruction (they are data in another section) and go to the `PT_NOTE`
//! segments, which this module finds through the binary's own ELF header (`__ehdr_start`,
//! defined by GNU ld, gold, lld and mold): no system call, no `/proc`, no heap, usable before
//! anything else in a libc-free `_start`.
//!
//! What is recorded:
//! - one record per (ABI, number, mechanism) of each linked call site, deduplicated here;
//! - a vDSO call records its kernel fallback (the entry made when the vDSO lacks the symbol),
//!   with [`Call::via_vdso`] set;
//! - `sysenter` and `int80` on 32-bit x86 record the i386 ABI; `int80` from x86_64 records the
//!   i386 ABI, its number and `AUDIT_ARCH_I386` (that is what the kernel and seccomp see);
//! - the calls syscall-rt makes for itself (auxiliary-vector fallbacks, vDSO discovery, the
//!   vgetrandom state allocator) are ordinary stubs and are recorded the same way, including
//!   fallback paths that a given run may not take.
//!
//! What it cannot see: system calls made outside `#[fast_syscall]` stubs — raw `asm!`, the C
//! library's own calls (std's threads, allocator, stdio), other crates such as `libc` or
//! `rustix` — and records of another module (a shared library sees its own records, the
//! executable its own). A binary linked without `--gc-sections` (or with `-C link-dead-code`)
//! keeps dead code and its records: the list is then wider, never narrower. The
//! `syscall-table manifest BINARY` command reads the same notes from a file.

/// The kernel entry a recorded call uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entry {
    /// The `syscall` instruction (x86_64, x32).
    Syscall,
    /// `int 0x80` (i386 ABI).
    Int80,
    /// `sysenter` through `__kernel_vsyscall` (i386 ABI).
    Sysenter,
    /// `svc` (Arm, AArch64).
    Svc,
    /// `ecall` (RISC-V).
    Ecall,
}

impl Entry {
    /// The code of the note's mechanism byte.
    fn from_code(code: u8) -> Option<Entry> {
        Some(match code {
            1 => Entry::Syscall,
            2 => Entry::Int80,
            3 => Entry::Sysenter,
            4 => Entry::Svc,
            5 => Entry::Ecall,
            _ => return None,
        })
    }

    /// The name the tables and the manifest use: `syscall`, `int80`, `sysenter`, `svc`, `ecall`.
    pub fn name(self) -> &'static str {
        match self {
            Entry::Syscall => "syscall",
            Entry::Int80 => "int80",
            Entry::Sysenter => "sysenter",
            Entry::Svc => "svc",
            Entry::Ecall => "ecall",
        }
    }
}

/// One system call this binary can make through a linked `#[fast_syscall]` stub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Call {
    /// The table's ABI name (`x86_64`, `x32`, `x86`, `aarch64`, `arm`, `riscv64`, `riscv32`,
    /// or a user table's name).
    pub abi: &'static str,
    /// `AUDIT_ARCH_*`: what `seccomp_data.arch` holds for this call.
    pub audit_arch: u32,
    /// The number the kernel sees (x32 numbers carry `__X32_SYSCALL_BIT`).
    pub number: u32,
    /// The system call's name in its table.
    pub name: &'static str,
    /// The kernel entry (for a vDSO call, its fallback).
    pub entry: Entry,
    /// The stub calls the vDSO first and enters the kernel only when the vDSO lacks the symbol.
    pub via_vdso: bool,
}

/// The note's owner and type (the contract with the macro's `record` and with
/// `syscall-table manifest`).
const OWNER: &[u8] = b"fast-syscall\0";
const NOTE_TYPE: u32 = 1;
const PT_LOAD: u32 = 1;
const PT_NOTE: u32 = 4;

/// The ELF class's field offsets, shared with the vDSO parser.
use crate::vdso::elf::layout as elf;

unsafe extern "C" {
    /// The first byte of this module's ELF header, defined by the linker when the header is in
    /// a loaded segment (it always is for executables and shared objects of these targets).
    static __ehdr_start: u8;
}

/// The address of this module's ELF header (taking it reads nothing).
fn ehdr_start() -> usize {
    (&raw const __ehdr_start) as usize
}

/// A word of `*const` memory at `at`, read unaligned.
///
/// # Safety
/// `at..at + size_of::<T>()` must be readable.
unsafe fn read<T: Copy>(at: usize) -> T {
    // SAFETY: the caller guarantees the bytes are readable; unaligned read.
    unsafe { core::ptr::read_unaligned(at as *const T) }
}

/// The program headers of this module: (address of the table, entry size, count).
fn program_headers() -> Option<(usize, usize, usize)> {
    let ehdr = ehdr_start();
    // SAFETY: the ELF header is mapped (it is in a loaded segment, which is why the linker
    // defined the symbol); the offsets are within it.
    let (phoff, phentsize, phnum) = unsafe {
        (
            read::<usize>(ehdr + elf::E_PHOFF),
            usize::from(read::<u16>(ehdr + elf::E_PHENTSIZE)),
            usize::from(read::<u16>(ehdr + elf::E_PHNUM)),
        )
    };
    if phentsize < elf::PHDR || phnum == 0 || phnum == 0xffff {
        return None;
    }
    // The header table lies in the first loaded segment, right after the ELF header (GNU ld,
    // lld, mold and gold all place it there; the kernel itself requires it for AT_PHDR).
    Some((ehdr.checked_add(phoff)?, phentsize, phnum))
}

/// The (run-time address, size) of each `PT_NOTE` segment of this module.
fn note_segments() -> impl Iterator<Item = (usize, usize)> {
    let headers = program_headers();
    let (table, entsize, count) = headers.unwrap_or((0, 0, 0));
    // SAFETY (for every read below): `i < count` entries of `entsize` bytes lie in the mapped
    // program header table.
    let header = move |i: usize| {
        let at = table + i * entsize;
        unsafe {
            (
                read::<u32>(at),
                read::<usize>(at + elf::P_OFFSET),
                read::<usize>(at + elf::P_VADDR),
                read::<usize>(at + elf::P_FILESZ),
            )
        }
    };
    // The load bias: the ELF header (file offset 0) is at `__ehdr_start` and at the `p_vaddr`
    // of the loaded segment that starts at offset 0.
    let base = (0..count)
        .map(header)
        .find(|&(kind, offset, _, _)| kind == PT_LOAD && offset == 0)
        .map(|(_, _, vaddr, _)| vaddr);
    let ehdr = ehdr_start();
    (0..if base.is_some() { count } else { 0 })
        .map(header)
        .filter(|&(kind, ..)| kind == PT_NOTE)
        .filter_map(move |(_, _, vaddr, size)| {
            let bias = ehdr.wrapping_sub(base?);
            Some((vaddr.wrapping_add(bias), size))
        })
}

/// The fast-syscall records of one `PT_NOTE` segment (all notes are 4-aligned on every ABI we
/// build: `.balign 4`, and the segments of 8-aligned notes such as `.note.gnu.property` are
/// separate).
struct Notes {
    at: usize,
    end: usize,
}

impl Iterator for Notes {
    type Item = Call;

    fn next(&mut self) -> Option<Call> {
        while self.end.saturating_sub(self.at) >= 12 {
            // SAFETY: 12 bytes of the mapped segment remain.
            let (namesz, descsz, kind) = unsafe {
                (
                    read::<u32>(self.at) as usize,
                    read::<u32>(self.at + 4) as usize,
                    read::<u32>(self.at + 8),
                )
            };
            let name_at = self.at + 12;
            let desc_at = name_at + namesz.next_multiple_of(4);
            let next = desc_at.checked_add(descsz.next_multiple_of(4))?;
            if next > self.end {
                return None;
            }
            self.at = next;
            if kind != NOTE_TYPE || namesz != OWNER.len() {
                continue;
            }
            // SAFETY: `namesz` bytes at `name_at` lie in the segment (checked above) and the
            // segment is mapped read-only for the life of the process.
            let owner = unsafe { core::slice::from_raw_parts(name_at as *const u8, namesz) };
            if owner != OWNER || descsz < 12 {
                continue;
            }
            // SAFETY: as above, for the desc.
            let desc: &'static [u8] =
                unsafe { core::slice::from_raw_parts(desc_at as *const u8, descsz) };
            if let Some(call) = decode(desc) {
                return Some(call);
            }
        }
        None
    }
}

/// A record's desc: `u32 AUDIT_ARCH`, `u32` number, `u8` mechanism, `u8` flags, `u8` ABI name
/// length, `u8` call name length, the names.
fn decode(desc: &'static [u8]) -> Option<Call> {
    let word = |at: usize| Some(u32::from_ne_bytes(desc.get(at..at + 4)?.try_into().ok()?));
    let (audit_arch, number) = (word(0)?, word(4)?);
    let (mechanism, flags) = (desc[8], desc[9]);
    let (abi_len, name_len) = (usize::from(desc[10]), usize::from(desc[11]));
    if flags & !1 != 0 || desc.len() != 12 + abi_len + name_len {
        return None;
    }
    let abi = core::str::from_utf8(&desc[12..12 + abi_len]).ok()?;
    let name = core::str::from_utf8(&desc[12 + abi_len..]).ok()?;
    Some(Call {
        abi,
        audit_arch,
        number,
        name,
        entry: Entry::from_code(mechanism)?,
        via_vdso: flags & 1 != 0,
    })
}

/// Every record of every `PT_NOTE` segment, duplicates included.
fn all_records() -> impl Iterator<Item = Call> {
    note_segments().flat_map(|(at, size)| Notes {
        at,
        end: at.saturating_add(size),
    })
}

/// The system calls this binary (this ELF module) can make through its linked stubs, each
/// once, in the order the linker laid the notes out. No heap: duplicates are skipped by
/// looking back over the records before each one (a binary links tens to a few hundred).
///
/// Empty when the notes cannot be found (an ELF header without a loaded segment at offset 0 —
/// not produced by the usual linkers), never a crash.
pub fn linked() -> impl Iterator<Item = Call> {
    all_records()
        .enumerate()
        .filter(|&(index, call)| !all_records().take(index).any(|earlier| earlier == call))
        .map(|(_, call)| call)
}

/// The linked calls whose `seccomp_data.arch` is `audit_arch` (x32 and x86_64 share one: tell
/// them apart by [`Call::number`]'s bias).
pub fn linked_for(audit_arch: u32) -> impl Iterator<Item = Call> {
    linked().filter(move |c| c.audit_arch == audit_arch)
}
