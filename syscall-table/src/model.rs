//! The validated, in-memory form of a system-call table.

use std::collections::HashMap;
use std::fmt;

/// The most registers the Linux system-call ABIs pass arguments in.
pub const MAX_ARG_REGS: usize = 6;

/// A kernel entry mechanism: how user space gets into the kernel for a system call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mechanism {
    /// The `syscall` instruction (x86_64, x32).
    Syscall,
    /// An indirect call to the vDSO's `__kernel_vsyscall`, found through `AT_SYSINFO`,
    /// which executes `sysenter` (32-bit x86).
    Sysenter,
    /// The legacy `int 0x80` gate (32-bit x86; also reachable from x86_64 with i386 numbers).
    Int80,
    /// The `svc` instruction (Arm, AArch64).
    Svc,
    /// The `ecall` instruction (RISC-V).
    Ecall,
    /// A function of the vDSO image that serves the call without entering the kernel.
    Vdso,
}

impl Mechanism {
    /// Every mechanism, in a fixed order.
    pub const ALL: [Mechanism; 6] = [
        Mechanism::Syscall,
        Mechanism::Sysenter,
        Mechanism::Int80,
        Mechanism::Svc,
        Mechanism::Ecall,
        Mechanism::Vdso,
    ];

    /// The spelling used in tables and in `#[fast_syscall(via = "…")]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::Syscall => "syscall",
            Mechanism::Sysenter => "sysenter",
            Mechanism::Int80 => "int80",
            Mechanism::Svc => "svc",
            Mechanism::Ecall => "ecall",
            Mechanism::Vdso => "vdso",
        }
    }

    /// Parses the spelling of [`Mechanism::as_str`].
    pub fn parse(s: &str) -> Option<Mechanism> {
        Mechanism::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a 64-bit argument's register pair may start on an ABI with 32-bit registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairAlignment {
    /// Any register (i386, RISC-V 32).
    Any,
    /// An even-numbered register (Arm EABI: r0:r1, r2:r3, r4:r5).
    Even,
}

impl PairAlignment {
    /// The spelling used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            PairAlignment::Any => "any",
            PairAlignment::Even => "even",
        }
    }
}

/// The normalized kind of one system-call argument, as the kernel reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgKind {
    /// An integer of `bits` bits (16, 32 or 64).
    Int {
        /// Width in bits.
        bits: u8,
        /// Whether the C type is signed.
        signed: bool,
    },
    /// A pointer to memory the kernel only reads.
    PtrConst,
    /// A pointer to memory the kernel may write.
    PtrMut,
}

impl ArgKind {
    /// The spelling used in tables: `i16` … `u64`, `ptr_const`, `ptr_mut`.
    pub fn as_str(self) -> &'static str {
        match self {
            ArgKind::Int {
                bits: 16,
                signed: true,
            } => "i16",
            ArgKind::Int {
                bits: 16,
                signed: false,
            } => "u16",
            ArgKind::Int {
                bits: 32,
                signed: true,
            } => "i32",
            ArgKind::Int {
                bits: 32,
                signed: false,
            } => "u32",
            ArgKind::Int {
                bits: 64,
                signed: true,
            } => "i64",
            ArgKind::Int {
                bits: 64,
                signed: false,
            } => "u64",
            ArgKind::Int { .. } => "invalid",
            ArgKind::PtrConst => "ptr_const",
            ArgKind::PtrMut => "ptr_mut",
        }
    }

    /// Parses the spelling of [`ArgKind::as_str`].
    pub fn parse(s: &str) -> Option<ArgKind> {
        Some(match s {
            "i16" => ArgKind::Int {
                bits: 16,
                signed: true,
            },
            "u16" => ArgKind::Int {
                bits: 16,
                signed: false,
            },
            "i32" => ArgKind::Int {
                bits: 32,
                signed: true,
            },
            "u32" => ArgKind::Int {
                bits: 32,
                signed: false,
            },
            "i64" => ArgKind::Int {
                bits: 64,
                signed: true,
            },
            "u64" => ArgKind::Int {
                bits: 64,
                signed: false,
            },
            "ptr_const" => ArgKind::PtrConst,
            "ptr_mut" => ArgKind::PtrMut,
            _ => return None,
        })
    }

    /// Whether this is a pointer.
    pub fn is_pointer(self) -> bool {
        matches!(self, ArgKind::PtrConst | ArgKind::PtrMut)
    }

    /// The width in bits on an ABI with pointers of `pointer_width` bits.
    pub fn bits(self, pointer_width: u32) -> u32 {
        match self {
            ArgKind::Int { bits, .. } => u32::from(bits),
            ArgKind::PtrConst | ArgKind::PtrMut => pointer_width,
        }
    }
}

impl fmt::Display for ArgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a system call returns: the type user space gives the result (`ssize_t` for `read`,
/// `pid_t` for `getpid`, `void *` for `mmap`), and its normalized integer kind on this ABI.
///
/// Every Linux system call returns a `long` in the result register (a value, or `-errno` in
/// -4095..=-1); the kind says how many of its bits carry the value, so that a declaration's
/// return type can be checked for width like an argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ret {
    /// The C return type of the call (`man 2`), e.g. `ssize_t`, `int`, `void *`.
    pub c_type: String,
    /// An [`ArgKind::Int`]: the value's width and signedness on this ABI.
    pub kind: ArgKind,
}

impl Ret {
    /// The value's width in bits.
    pub fn bits(&self) -> u32 {
        self.kind.bits(0)
    }

    /// Whether the value is signed (it is extended by this when a declaration's type is wider
    /// than the result register).
    pub fn signed(&self) -> bool {
        matches!(self.kind, ArgKind::Int { signed: true, .. })
    }
}

/// Why a system call needs `unsafe` although it takes no pointer (the rule, call by call, is in
/// `tables/README.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnsafeReason {
    /// It unmaps, remaps, re-protects or discards memory the program may still use (`munmap`,
    /// `mprotect`, `madvise`, `brk`, `mmap` with `MAP_FIXED`, …).
    Memory,
    /// It creates a thread or process that shares the caller's memory without Rust knowing
    /// (`clone`, `clone3`, `fork`, `vfork`).
    Threads,
    /// It ends the calling thread without unwinding (`exit`): borrows of the thread's stack,
    /// such as a scoped thread's, would outlive it.
    ThreadExit,
    /// It replaces the stack, thread pointer, signal frame, registers or control flow
    /// (`rt_sigreturn`, `arch_prctl`, `set_tid_address`, `rseq`, `uretprobe`, …).
    Context,
    /// It closes or replaces file descriptors that other code may own (`close`, `dup2`,
    /// `dup3`, `close_range`), which breaks I/O safety.
    Descriptors,
    /// For some commands an integer argument is an address the kernel reads or writes
    /// (`ioctl`, `fcntl`, `prctl`, `ptrace`, `keyctl`, `semctl`, `sysfs`).
    Addresses,
}

impl UnsafeReason {
    /// Every reason, in a fixed order.
    pub const ALL: [UnsafeReason; 6] = [
        UnsafeReason::Memory,
        UnsafeReason::Threads,
        UnsafeReason::ThreadExit,
        UnsafeReason::Context,
        UnsafeReason::Descriptors,
        UnsafeReason::Addresses,
    ];

    /// The spelling used in tables (`needs_unsafe = "…"`).
    pub fn as_str(self) -> &'static str {
        match self {
            UnsafeReason::Memory => "memory",
            UnsafeReason::Threads => "threads",
            UnsafeReason::ThreadExit => "thread-exit",
            UnsafeReason::Context => "context",
            UnsafeReason::Descriptors => "descriptors",
            UnsafeReason::Addresses => "addresses",
        }
    }

    /// Parses the spelling of [`UnsafeReason::as_str`].
    pub fn parse(s: &str) -> Option<UnsafeReason> {
        UnsafeReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// What the call can do that safe code must not, as a sentence fragment
    /// ("it …"), for error messages and `# Safety` sections.
    pub fn explanation(self) -> &'static str {
        match self {
            UnsafeReason::Memory => {
                "it can unmap, remap, re-protect or discard memory that the program still uses"
            }
            UnsafeReason::Threads => {
                "it can create a thread or process that shares this memory without Rust knowing"
            }
            UnsafeReason::ThreadExit => {
                "it ends the calling thread without unwinding, so borrows of the thread's stack \
                 (a scoped thread's) would outlive it"
            }
            UnsafeReason::Context => {
                "it can replace the stack, thread pointer, signal frame, registers or control flow"
            }
            UnsafeReason::Descriptors => {
                "it can close or replace file descriptors that other code owns, which breaks I/O safety"
            }
            UnsafeReason::Addresses => {
                "for some commands an integer argument is an address the kernel reads or writes"
            }
        }
    }
}

impl fmt::Display for UnsafeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The header of a table: which ABI it describes and how calls enter the kernel there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Abi {
    /// Short name, also the table's file stem (`x86_64`, `x86`, `x32`, `aarch64`, `arm`, …).
    pub name: String,
    /// Rust's `target_arch` for this ABI.
    pub target_arch: String,
    /// Rust's `target_pointer_width` (x32: 32 while registers are 64 bits).
    pub target_pointer_width: u32,
    /// Width of an argument register (a 64-bit argument takes two when this is 32).
    pub register_bits: u32,
    /// Kernel version the table was taken from.
    pub kernel: String,
    /// The ABI tags of the kernel's `.tbl` file whose rows make up this table.
    pub tags: Vec<String>,
    /// Smallest valid system-call number (x32: `0x40000000`).
    pub number_min: u32,
    /// Largest valid system-call number.
    pub number_max: u32,
    /// Where 64-bit argument register pairs start.
    pub pair_alignment: PairAlignment,
    /// Entry mechanisms this ABI offers.
    pub mechanisms: Vec<Mechanism>,
    /// The mechanism used when a declaration names none and no vDSO symbol applies.
    pub default_mechanism: Mechanism,
}

impl Abi {
    /// Whether `mechanism` is available on this ABI.
    pub fn has(&self, mechanism: Mechanism) -> bool {
        self.mechanisms.contains(&mechanism)
    }
}

/// One argument of a system call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The parameter's name in the kernel's prototype.
    pub name: String,
    /// The parameter's C type, verbatim (with `__user`).
    pub c_type: String,
    /// The normalized kind.
    pub kind: ArgKind,
    /// Argument registers (0-based) that carry it: one, or two (low word, high word) for a
    /// 64-bit value on an ABI with 32-bit registers.
    pub regs: Vec<u8>,
    /// For a pointer, what it points to, when the kernel has a type for it: a path under
    /// `syscall_rt::uapi` (`stat`, `net::sockaddr`, `__kernel_loff_t`), a primitive integer
    /// (`i32`, `u64`), or `c_char` for a NUL-terminated string. `None`: untyped memory
    /// (`void *`, byte buffers), any pointee accepted.
    pub pointee: Option<String>,
    /// The kernel needs the pointee's natural alignment (a futex word), not only its size.
    pub aligned: bool,
}

/// What a pointer argument's `pointee` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointeeKind<'a> {
    /// A primitive integer (`i8` … `u64`, `isize`, `usize`).
    Primitive(&'a str),
    /// `c_char`: a NUL-terminated string (`CStr::as_ptr()` fits).
    CChar,
    /// A type of `syscall_rt::uapi`, by its path under it.
    Uapi(&'a str),
}

impl Arg {
    /// What [`Arg::pointee`] names, if anything.
    pub fn pointee_kind(&self) -> Option<PointeeKind<'_>> {
        let p = self.pointee.as_deref()?;
        Some(match p {
            "c_char" => PointeeKind::CChar,
            "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "i64" | "u64" | "isize" | "usize" => {
                PointeeKind::Primitive(p)
            }
            _ => PointeeKind::Uapi(p),
        })
    }
}

/// A vDSO function that serves a system call in user space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VdsoSymbol {
    /// Symbol name, e.g. `__vdso_clock_gettime`.
    pub symbol: String,
    /// Symbol version node, e.g. `LINUX_2.6`.
    pub version: String,
}

/// One system call of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Syscall {
    /// The name (the table's `<name>` column).
    pub name: String,
    /// The number passed to the kernel (x32 numbers include `__X32_SYSCALL_BIT`).
    pub number: u32,
    /// The kernel entry point, or `None` for a reserved number the kernel does not implement.
    pub entry: Option<String>,
    /// Arguments in order.
    pub args: Vec<Arg>,
    /// What it returns.
    pub ret: Ret,
    /// Never returns on success (`exit`, `exit_group`).
    pub noreturn: bool,
    /// Why it needs `unsafe` even without pointer arguments (`munmap`, `close`, `clone`,
    /// `rt_sigreturn`, `ioctl`, …), if it does.
    pub needs_unsafe: Option<UnsafeReason>,
    /// The vDSO function that serves this call, when the ABI's vDSO has one.
    pub vdso: Option<VdsoSymbol>,
}

impl Syscall {
    /// Whether any argument is a pointer.
    pub fn has_pointer_args(&self) -> bool {
        self.args.iter().any(|a| a.kind.is_pointer())
    }

    /// Whether a declaration of this call must be an `unsafe fn`.
    pub fn requires_unsafe(&self) -> bool {
        self.needs_unsafe.is_some() || self.has_pointer_args()
    }

    /// The number of argument registers used (a 64-bit pair counts two; padding counts too).
    pub fn regs_used(&self) -> usize {
        self.args
            .iter()
            .flat_map(|a| a.regs.iter())
            .map(|&r| usize::from(r) + 1)
            .max()
            .unwrap_or(0)
    }

    /// The C prototype, e.g. `long read(unsigned int fd, char __user *buf, size_t count)`.
    pub fn prototype(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| {
                if a.c_type.ends_with('*') {
                    format!("{}{}", a.c_type, a.name)
                } else {
                    format!("{} {}", a.c_type, a.name)
                }
            })
            .collect();
        let args = if args.is_empty() {
            "void".to_string()
        } else {
            args.join(", ")
        };
        let ret = &self.ret.c_type;
        let sep = if ret.ends_with('*') { "" } else { " " };
        format!("{ret}{sep}{}({args})", self.name)
    }
}

/// A validated table: one ABI's system calls.
#[derive(Clone, Debug)]
pub struct Table {
    /// The header.
    pub abi: Abi,
    /// Every system call, in the order of the file (the import writes them sorted by number).
    pub syscalls: Vec<Syscall>,
    by_name: HashMap<String, usize>,
    by_number: HashMap<u32, usize>,
}

impl Table {
    /// Builds a table and its indexes. Callers are expected to have validated uniqueness;
    /// on duplicates the first entry wins the lookups.
    pub fn new(abi: Abi, syscalls: Vec<Syscall>) -> Table {
        let mut by_name = HashMap::with_capacity(syscalls.len());
        let mut by_number = HashMap::with_capacity(syscalls.len());
        for (i, s) in syscalls.iter().enumerate() {
            by_name.entry(s.name.clone()).or_insert(i);
            by_number.entry(s.number).or_insert(i);
        }
        Table {
            abi,
            syscalls,
            by_name,
            by_number,
        }
    }

    /// Looks a system call up by name.
    pub fn by_name(&self, name: &str) -> Option<&Syscall> {
        self.by_name.get(name).map(|&i| &self.syscalls[i])
    }

    /// Looks a system call up by number (x32 numbers include `__X32_SYSCALL_BIT`).
    pub fn by_number(&self, number: u32) -> Option<&Syscall> {
        self.by_number.get(&number).map(|&i| &self.syscalls[i])
    }

    /// The names of this table closest to `name` (edit distance), best first, at most `n`.
    /// Names longer than [`crate::MAX_NAME_LEN`] get no suggestion (the search is quadratic in
    /// the name's length).
    pub fn closest(&self, name: &str, n: usize) -> Vec<&str> {
        if name.len() > crate::MAX_NAME_LEN {
            return Vec::new();
        }
        let limit = |cand: &str| (name.len().max(cand.len()) / 3).max(1);
        let mut scored: Vec<(usize, &str)> = self
            .syscalls
            .iter()
            // The distance is at least the difference in length: skip hopeless candidates.
            .filter(|s| name.len().abs_diff(s.name.len()) <= limit(&s.name))
            .map(|s| (crate::edit_distance(name, &s.name), s.name.as_str()))
            .filter(|&(d, cand)| d <= limit(cand))
            .collect();
        scored.sort();
        scored.into_iter().take(n).map(|(_, s)| s).collect()
    }
}
