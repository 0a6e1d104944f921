//! Seccomp-BPF allowlists without heap: collect `(AUDIT_ARCH, number)` pairs in a [`Filter`],
//! [`Filter::build`] a classic BPF program into a caller's buffer, or [`Filter::install`] it.
//!
//! ```no_run
//! use syscall_rt::seccomp::{Action, Filter};
//! use syscall_rt::nr;
//!
//! let mut filter = Filter::new(Action::KillProcess);
//! filter.allow_std()?.allow(nr::GETPID)?;
//! filter.install()?; // from here on, any other call kills the process with SIGSYS
//! # Ok::<(), syscall_rt::seccomp::Error>(())
//! ```
//!
//! # The program
//!
//! ```text
//!        ld  [arch]                          seccomp_data.arch
//!        jeq A1, 0, 1 ; ja S1                one pair per other allowed arch (sorted)
//!        ...
//!        jeq NATIVE, 1, 0                    the filter's own arch (the target's, or the one
//!                                            of `new_for`) has a section, always
//!        ret KILL_PROCESS                    any other arch: never matched against our numbers
//! S_native:
//!        ld  [nr]
//!        jset X32_BIT, 0, 1 ; ret KILL_PROCESS   AUDIT_ARCH_X86_64 with x86_64 numbers only
//!     (or jset X32_BIT, 1, 0 ; ret KILL_PROCESS   ... with x32 (biased) numbers only)
//!        <tree>
//! S1: ...
//! ```
//!
//! The numbers of a section, sorted, are merged into ranges of consecutive numbers; the
//! `<tree>` is a balanced binary search over the ranges (`jge first-of-right-half`), whose
//! leaves test at most 3 ranges in a short chain and end in their own `ret ALLOW` and
//! `ret <default>`:
//!
//! ```text
//!        jge a1, 0, DEFAULT ; jgt b1, 0, ALLOW     range a1..=b1 (the jge is left out where
//!        jeq a2, ALLOW, 0                          the tree already proved x >= a1)
//!        jge a3, 0, DEFAULT ; jgt b3, 0, ALLOW     a single number: one jeq
//! DEFAULT: ret <default action>
//! ALLOW:   ret ALLOW
//! ```
//!
//! An inner node whose left subtree is longer than 255 instructions (the reach of a
//! conditional jump) jumps to its right subtree through a `ja` (32-bit offset). A call then
//! executes the dispatch (3 instructions, 1 more per other arch checked before its own),
//! `ld [nr]` and the x32 guard (2, x86_64 only), one `jge` per level of the tree (about
//! `log2(ranges / 3)`, and a `ja` where a trampoline stands) and at most 7 in its leaf: 6 for
//! one range, at most 19 for a full filter of 1024 separate numbers (21 with the x32 guard). [`max_len_for`] bounds the program's length, and every filter of [`MAX_RULES`] rules over [`MAX_ARCHES`] arches fits
//! in the kernel's limit of 4096 instructions (`BPF_MAXINSNS`).
//!
//! On x86_64 the kernel reports x32 calls with `AUDIT_ARCH_X86_64` and the number biased by
//! `__X32_SYSCALL_BIT`: a section whose numbers are all unbiased (x86_64) kills every biased
//! number, one whose numbers are all biased (x32) kills every unbiased one, and a section with
//! both keeps them in separate ranges (a range never crosses the bit), so a biased number is
//! only ever matched against the x32 numbers that were allowed.
//!
//! # Safety of installing
//!
//! A filter cannot make Rust code unsound by killing the process or by letting a call through
//! unchanged, but it can by making a call *fail* that the code relies on (`munmap`, `exit` of a
//! thread, a `futex` wake), or by ending one thread without unwinding it. [`Filter::install`]
//! is therefore safe only for the default actions [`Action::KillProcess`], [`Action::Log`] and
//! [`Action::Allow`] (every call is either executed or the whole process ends); the others go
//! through [`Filter::install_unchecked`].

use core::fmt;

use crate::Errno;
use crate::uapi::ptrace::{
    BPF_ABS, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_MAXINSNS,
    BPF_RET, BPF_W, SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_RET_ALLOW, SECCOMP_RET_DATA,
    SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG,
    SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, SECCOMP_SET_MODE_FILTER, seccomp_data,
};
pub use crate::uapi::ptrace::{sock_filter, sock_fprog};

/// The `AUDIT_ARCH_*` of the target's ABI: what [`Filter::allow`] files its numbers under.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
pub const AUDIT_ARCH: u32 = crate::arch::x86_64::AUDIT_ARCH;
/// The `AUDIT_ARCH_*` of the target's ABI: what [`Filter::allow`] files its numbers under.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
pub const AUDIT_ARCH: u32 = crate::arch::x32::AUDIT_ARCH;
/// The `AUDIT_ARCH_*` of the target's ABI: what [`Filter::allow`] files its numbers under.
#[cfg(target_arch = "x86")]
pub const AUDIT_ARCH: u32 = crate::arch::x86::AUDIT_ARCH;
/// The `AUDIT_ARCH_*` of the target's ABI: what [`Filter::allow`] files its numbers under.
#[cfg(target_arch = "aarch64")]
pub const AUDIT_ARCH: u32 = crate::arch::aarch64::AUDIT_ARCH;
/// The `AUDIT_ARCH_*` of the target's ABI: what [`Filter::allow`] files its numbers under.
#[cfg(target_arch = "arm")]
pub const AUDIT_ARCH: u32 = crate::arch::arm::AUDIT_ARCH;
/// The `AUDIT_ARCH_*` of the target's ABI: what [`Filter::allow`] files its numbers under.
#[cfg(target_arch = "riscv64")]
pub const AUDIT_ARCH: u32 = crate::arch::riscv64::AUDIT_ARCH;
/// The `AUDIT_ARCH_*` of the target's ABI: what [`Filter::allow`] files its numbers under.
#[cfg(target_arch = "riscv32")]
pub const AUDIT_ARCH: u32 = crate::arch::riscv32::AUDIT_ARCH;

/// `AUDIT_ARCH_X86_64`, shared by the x86_64 and x32 ABIs.
const ARCH_X86_64: u32 = crate::arch::x86_64::AUDIT_ARCH;
/// `__X32_SYSCALL_BIT`: the bias of x32 numbers.
const X32_BIT: u32 = crate::arch::x32::X32_SYSCALL_BIT;
/// Whether the target's own section holds x32 (biased) numbers.
const NATIVE_IS_X32: bool = cfg!(all(target_arch = "x86_64", target_pointer_width = "32"));

/// How many `(arch, number)` pairs a [`Filter`] holds.
pub const MAX_RULES: usize = 1024;
/// How many distinct arches a [`Filter`] holds, the target's own included.
pub const MAX_ARCHES: usize = 8;
/// The kernel's limit on a program's length (`BPF_MAXINSNS`).
pub const MAX_PROGRAM_LEN: usize = BPF_MAXINSNS as usize;

/// What the kernel does with a call (the `SECCOMP_RET_*` of a `ret` instruction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `SECCOMP_RET_KILL_PROCESS`: the whole process dies with `SIGSYS`.
    KillProcess,
    /// `SECCOMP_RET_KILL_THREAD`: the calling thread ends, without unwinding.
    KillThread,
    /// `SECCOMP_RET_TRAP`: the call is not made; `SIGSYS` is sent to the thread.
    Trap,
    /// `SECCOMP_RET_ERRNO`: the call is not made and returns `-errno` (the kernel caps the
    /// value at 4095).
    Errno(u16),
    /// `SECCOMP_RET_TRACE`: a `ptrace` tracer is notified with this value (without a tracer the
    /// call fails with `ENOSYS`).
    Trace(u16),
    /// `SECCOMP_RET_LOG`: the call is made and logged.
    Log,
    /// `SECCOMP_RET_ALLOW`: the call is made.
    Allow,
}

impl Action {
    /// The `SECCOMP_RET_*` value of a `ret` instruction returning this action.
    pub const fn ret(self) -> u32 {
        match self {
            Action::KillProcess => SECCOMP_RET_KILL_PROCESS,
            Action::KillThread => SECCOMP_RET_KILL_THREAD,
            Action::Trap => SECCOMP_RET_TRAP,
            Action::Errno(e) => SECCOMP_RET_ERRNO | (e as u32 & SECCOMP_RET_DATA),
            Action::Trace(d) => SECCOMP_RET_TRACE | (d as u32 & SECCOMP_RET_DATA),
            Action::Log => SECCOMP_RET_LOG,
            Action::Allow => SECCOMP_RET_ALLOW,
        }
    }

    /// Whether a default action cannot make safe code unsound (see the module's docs): every
    /// call is then either made or the whole process ends.
    pub const fn is_safe_default(self) -> bool {
        matches!(self, Action::KillProcess | Action::Log | Action::Allow)
    }
}

/// What building or installing a filter can fail with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The filter already holds [`MAX_RULES`] pairs.
    TooManyRules,
    /// The filter already holds [`MAX_ARCHES`] distinct arches.
    TooManyArches,
    /// The output buffer is shorter than the program (`needed` instructions).
    BufferTooSmall {
        /// The program's length, in instructions.
        needed: usize,
    },
    /// The program would be longer than the kernel accepts ([`MAX_PROGRAM_LEN`]).
    ProgramTooLong {
        /// The program's length, in instructions.
        len: usize,
    },
    /// The safe [`Filter::install`] refuses a default action that could make a call fail or
    /// end one thread (see the module's docs); [`Filter::install_unchecked`] takes it.
    UnsafeAction,
    /// `prctl(PR_SET_NO_NEW_PRIVS)` failed.
    NoNewPrivs(Errno),
    /// `seccomp(SECCOMP_SET_MODE_FILTER)` failed (`EINVAL`: the kernel refused the program or
    /// a flag; `EACCES`: no `no_new_privs` and no `CAP_SYS_ADMIN`).
    Seccomp(Errno),
    /// With `SECCOMP_FILTER_FLAG_TSYNC`: this thread could not be synchronised (it has a
    /// filter that is not an ancestor of the caller's, or another mode); nothing was
    /// installed.
    ThreadSync {
        /// The thread's id.
        tid: i32,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TooManyRules => write!(f, "seccomp filter full ({MAX_RULES} rules)"),
            Error::TooManyArches => write!(f, "seccomp filter full ({MAX_ARCHES} arches)"),
            Error::BufferTooSmall { needed } => {
                write!(
                    f,
                    "seccomp program needs {needed} instructions; buffer too small"
                )
            }
            Error::ProgramTooLong { len } => write!(
                f,
                "seccomp program of {len} instructions exceeds the kernel's {MAX_PROGRAM_LEN}"
            ),
            Error::UnsafeAction => write!(
                f,
                "the default action could make a call fail or end a thread: install_unchecked"
            ),
            Error::NoNewPrivs(e) => write!(f, "prctl(PR_SET_NO_NEW_PRIVS): {e}"),
            Error::Seccomp(e) => write!(f, "seccomp(SECCOMP_SET_MODE_FILTER): {e}"),
            Error::ThreadSync { tid } => {
                write!(f, "seccomp TSYNC: thread {tid} could not be synchronised")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// An upper bound of the length of the program of a filter with `rules` pairs over `arches`
/// distinct arches (the target's own counted: at least 1), to size a buffer for
/// [`Filter::build`]. `max_len_for(MAX_RULES, MAX_ARCHES)` is below [`MAX_PROGRAM_LEN`].
pub const fn max_len_for(rules: usize, arches: usize) -> usize {
    let arches = if arches == 0 { 1 } else { arches };
    // Dispatch: ld, 2 per arch but the last, jeq + ret for the last. Each section: ld, a
    // 2-instruction x32 guard, a tree of n ranges: leaves of at most 3 ranges (ceil(n/3)
    // leaves), 2 instructions per range and 2 returns per leaf, 2 per inner node; 1 when empty.
    // Summed over the sections: sum ceil(n_i/3) <= (rules + 2 arches) / 3.
    1 + 6 * arches + 2 * rules + 4 * ((rules + 2 * arches) / 3)
}

/// The stack buffer of [`Filter::install`].
const INSTALL_LEN: usize = max_len_for(MAX_RULES, MAX_ARCHES);
const _: () = assert!(INSTALL_LEN <= MAX_PROGRAM_LEN);

/// An allowlist of system calls: up to [`MAX_RULES`] `(AUDIT_ARCH, number)` pairs, kept sorted
/// and without duplicates, and the action for every other call of an allowed arch. Calls of an
/// arch without any pair are killed, except the filter's own arch (the target's, or the one of
/// [`Filter::new_for`]), whose other calls get the default action. No heap: the pairs live in
/// the value (8 KiB).
#[derive(Clone)]
pub struct Filter {
    rules: [(u32, u32); MAX_RULES],
    len: usize,
    default: Action,
    /// The arch of [`Filter::allow`], which always has a section.
    native: u32,
    /// Whether `native`'s numbers are x32's (biased).
    native_x32: bool,
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter")
            .field("default", &self.default)
            .field("arch", &self.native)
            .field("rules", &self.rules())
            .finish()
    }
}

impl Filter {
    /// An empty filter: every call of the target's arch gets `default`, every other arch is
    /// killed.
    pub const fn new(default: Action) -> Filter {
        Filter::new_for(default, AUDIT_ARCH, NATIVE_IS_X32)
    }

    /// An empty filter for the programs of another ABI (tools, tests, a filter meant for a
    /// child of another ABI): `audit_arch` takes the place of [`AUDIT_ARCH`] — it always has a
    /// section, [`Filter::allow`] files numbers under it — and `x32` says that its numbers are
    /// x32's (biased by `__X32_SYSCALL_BIT`, with `AUDIT_ARCH_X86_64`).
    pub const fn new_for(default: Action, audit_arch: u32, x32: bool) -> Filter {
        Filter {
            rules: [(0, 0); MAX_RULES],
            len: 0,
            default,
            native: audit_arch,
            native_x32: x32,
        }
    }

    /// The pairs, sorted by arch then number.
    pub fn rules(&self) -> &[(u32, u32)] {
        &self.rules[..self.len]
    }

    /// The default action.
    pub const fn action(&self) -> Action {
        self.default
    }

    /// Sets the action of the calls that are not allowed.
    pub fn default_action(&mut self, action: Action) -> &mut Self {
        self.default = action;
        self
    }

    /// Allows call `nr` of the ABI whose `seccomp_data.arch` is `audit_arch` (x32 numbers with
    /// their bias, under `AUDIT_ARCH_X86_64`). A pair already present is not added again.
    ///
    /// # Errors
    /// [`Error::TooManyRules`] when the filter is full, [`Error::TooManyArches`] for an arch
    /// beyond [`MAX_ARCHES`].
    pub fn allow_for(&mut self, audit_arch: u32, nr: u32) -> Result<&mut Self, Error> {
        let key = (audit_arch, nr);
        let at = match self.rules().binary_search(&key) {
            Ok(_) => return Ok(self),
            Err(at) => at,
        };
        if self.len == MAX_RULES {
            return Err(Error::TooManyRules);
        }
        if audit_arch != self.native && !self.rules().iter().any(|r| r.0 == audit_arch) {
            let mut arches = 1;
            let mut prev = None;
            for &(a, _) in self.rules() {
                if a != self.native && prev != Some(a) {
                    arches += 1;
                }
                prev = Some(a);
            }
            if arches == MAX_ARCHES {
                return Err(Error::TooManyArches);
            }
        }
        self.rules.copy_within(at..self.len, at + 1);
        self.rules[at] = key;
        self.len += 1;
        Ok(self)
    }

    /// Allows call `nr` of the target's ABI ([`AUDIT_ARCH`]; [`crate::nr`]'s numbers, biased on
    /// x32), or of the ABI given to [`Filter::new_for`].
    ///
    /// # Errors
    /// [`Error::TooManyRules`] when the filter is full.
    pub fn allow(&mut self, nr: u32) -> Result<&mut Self, Error> {
        self.allow_for(self.native, nr)
    }

    /// [`Filter::allow`] for each number.
    ///
    /// # Errors
    /// [`Error::TooManyRules`] when the filter is full (the numbers before it were added).
    pub fn allow_all(&mut self, nrs: impl IntoIterator<Item = u32>) -> Result<&mut Self, Error> {
        for nr in nrs {
            self.allow(nr)?;
        }
        Ok(self)
    }

    /// Allows the calls that Rust's `std` and glibc make in an ordinary program on the target:
    /// [`STD_CALLS`] (its page lists each call and why), under [`AUDIT_ARCH`] (also in a filter
    /// of [`Filter::new_for`]).
    ///
    /// # Errors
    /// [`Error::TooManyRules`] when the filter is full.
    pub fn allow_std(&mut self) -> Result<&mut Self, Error> {
        for &nr in STD_CALLS {
            self.allow_for(AUDIT_ARCH, nr)?;
        }
        Ok(self)
    }

    /// Exactly this binary's recorded calls: every system call its linked `#[fast_syscall]`
    /// stubs can make ([`crate::registry::linked`], syscall-rt's own included), each under its
    /// own `AUDIT_ARCH` (`int80` from x86_64 under `AUDIT_ARCH_I386`, a vDSO call as its kernel
    /// fallback), with [`Action::KillProcess`] for every other call: `Filter::declared()?
    /// .install()` locks a libc-free program to what its code can do.
    ///
    /// Calls made outside the stubs are not in it — the C library's own (std's threads,
    /// allocator, stdio: add [`Filter::allow_std`]), raw `asm!`, other crates' — add them with
    /// [`Filter::allow`]. A binary whose notes cannot be found (see [`crate::registry`]) gets
    /// an empty list, so everything is killed: never a wider filter than asked.
    ///
    /// # Errors
    /// [`Error::TooManyRules`] or [`Error::TooManyArches`] (a binary links far fewer calls).
    pub fn declared() -> Result<Filter, Error> {
        let mut filter = Filter::new(Action::KillProcess);
        for call in crate::registry::linked() {
            filter.allow_for(call.audit_arch, call.number)?;
        }
        Ok(filter)
    }

    /// The exact length of the program, in instructions.
    ///
    /// # Errors
    /// [`Error::ProgramTooLong`] beyond [`MAX_PROGRAM_LEN`].
    pub fn program_len(&self) -> Result<usize, Error> {
        let plan = Plan::new(self);
        let len = plan.emit(&mut Writer::count());
        if len > MAX_PROGRAM_LEN {
            return Err(Error::ProgramTooLong { len });
        }
        Ok(len)
    }

    /// Writes the program (see the module's docs for its shape) into the start of `out`;
    /// returns that part. `out` of [`max_len_for`] instructions is always enough.
    ///
    /// # Errors
    /// [`Error::ProgramTooLong`] beyond [`MAX_PROGRAM_LEN`], [`Error::BufferTooSmall`] when
    /// `out` is shorter than the program; `out` is then left unchanged.
    pub fn build<'a>(&self, out: &'a mut [sock_filter]) -> Result<&'a [sock_filter], Error> {
        let plan = Plan::new(self);
        let len = plan.emit(&mut Writer::count());
        if len > MAX_PROGRAM_LEN {
            return Err(Error::ProgramTooLong { len });
        }
        let Some(out) = out.get_mut(..len) else {
            return Err(Error::BufferTooSmall { needed: len });
        };
        let mut w = Writer {
            out: Some(out),
            len: 0,
        };
        let written = plan.emit(&mut w);
        debug_assert_eq!(written, len);
        Ok(w.out.unwrap_or_default())
    }

    /// Installs the filter on the calling thread (and the threads it creates afterwards):
    /// `prctl(PR_SET_NO_NEW_PRIVS, 1)`, then `seccomp(SECCOMP_SET_MODE_FILTER, 0, ..)`. The
    /// program is built on the stack (about 28 KiB). Filters stack: one installed later only
    /// narrows what this one allows; none can be removed. `no_new_privs` stays set even when
    /// `seccomp` then fails (it cannot be unset either).
    ///
    /// # Errors
    /// [`Error::UnsafeAction`] when the default action is not [`Action::KillProcess`],
    /// [`Action::Log`] or [`Action::Allow`] (use [`Filter::install_unchecked`]); the kernel's
    /// errors as [`Error::NoNewPrivs`] and [`Error::Seccomp`].
    pub fn install(&self) -> Result<(), Error> {
        if !self.default.is_safe_default() {
            return Err(Error::UnsafeAction);
        }
        // SAFETY: with this default action every call is made or the whole process ends (the
        // other arches and the x32 guard kill the process too).
        unsafe { self.install_with(0) }
    }

    /// [`Filter::install`] with any default action.
    ///
    /// # Safety
    /// With [`Action::Errno`], [`Action::Trap`] or [`Action::Trace`] a refused call returns
    /// (or runs a `SIGSYS` handler) instead of doing its work; with [`Action::KillThread`] the
    /// thread ends without unwinding, its stack and locks left as they were. The caller must
    /// make sure that no code that runs afterwards relies, for memory safety, on a call the
    /// filter refuses: a stub that must not return (`exit`), `munmap` of memory that is then
    /// reused, a `futex` wake others wait for, `clone` whose failure is not handled, … .
    ///
    /// # Errors
    /// As [`Filter::install`], without [`Error::UnsafeAction`].
    pub unsafe fn install_unchecked(&self) -> Result<(), Error> {
        // SAFETY: the caller's contract.
        unsafe { self.install_with(0) }
    }

    /// [`Filter::install`] on every thread of the process at once
    /// (`SECCOMP_FILTER_FLAG_TSYNC`).
    ///
    /// # Errors
    /// As [`Filter::install`], and [`Error::ThreadSync`] with the id of a thread that could not
    /// be synchronised (then no thread got the filter).
    pub fn install_all_threads(&self) -> Result<(), Error> {
        if !self.default.is_safe_default() {
            return Err(Error::UnsafeAction);
        }
        // SAFETY: as in `install`.
        unsafe { self.install_with(SECCOMP_FILTER_FLAG_TSYNC) }
    }

    /// [`Filter::install_all_threads`] with any default action.
    ///
    /// # Safety
    /// As [`Filter::install_unchecked`], for the code of every thread.
    ///
    /// # Errors
    /// As [`Filter::install_all_threads`], without [`Error::UnsafeAction`].
    pub unsafe fn install_all_threads_unchecked(&self) -> Result<(), Error> {
        // SAFETY: the caller's contract.
        unsafe { self.install_with(SECCOMP_FILTER_FLAG_TSYNC) }
    }

    /// # Safety
    /// The default action is safe, or the caller answers for it (`install_unchecked`).
    unsafe fn install_with(&self, flags: u32) -> Result<(), Error> {
        let mut buf = [EMPTY; INSTALL_LEN];
        let prog = self.build(&mut buf)?;
        let fprog = sock_fprog {
            // At most MAX_PROGRAM_LEN (4096): fits.
            len: prog.len() as u16,
            filter: prog.as_ptr().cast_mut(),
        };
        // SAFETY: PR_SET_NO_NEW_PRIVS takes integers and touches no memory of ours.
        unsafe { kernel::prctl(crate::uapi::prctl::PR_SET_NO_NEW_PRIVS as i32, 1, 0, 0, 0) }
            .map_err(Error::NoNewPrivs)?;
        // SAFETY: `fprog` and the program it points to are alive for the call; the kernel
        // copies them and writes nothing. What the filter then does to later calls is the
        // caller's contract.
        let ret = unsafe {
            kernel::seccomp(
                SECCOMP_SET_MODE_FILTER,
                flags,
                (&raw const fprog).cast_mut().cast(),
            )
        }
        .map_err(Error::Seccomp)?;
        if ret > 0 {
            return Err(Error::ThreadSync { tid: ret });
        }
        Ok(())
    }
}

/// The two system calls of [`Filter::install`], declared here so that a registry of the
/// binary's declarations sees them.
mod kernel {
    use crate::Errno;

    /// `prctl(2)` (`PR_SET_NO_NEW_PRIVS`).
    #[crate::fast_syscall]
    pub unsafe fn prctl(
        option: i32,
        arg2: usize,
        arg3: usize,
        arg4: usize,
        arg5: usize,
    ) -> Result<i32, Errno>;

    /// `seccomp(2)` (`SECCOMP_SET_MODE_FILTER`).
    #[crate::fast_syscall]
    pub unsafe fn seccomp(op: u32, flags: u32, uargs: *mut core::ffi::c_void)
    -> Result<i32, Errno>;
}

// ------------------------------------------------------------------ code generation

/// An all-zero instruction: the initial value of a buffer for [`Filter::build`].
pub const EMPTY: sock_filter = sock_filter {
    code: 0,
    jt: 0,
    jf: 0,
    k: 0,
};
const LD_W_ABS: u16 = (BPF_LD | BPF_W | BPF_ABS) as u16;
const JEQ: u16 = (BPF_JMP | BPF_JEQ | BPF_K) as u16;
const JGE: u16 = (BPF_JMP | BPF_JGE | BPF_K) as u16;
const JGT: u16 = (BPF_JMP | BPF_JGT | BPF_K) as u16;
const JSET: u16 = (BPF_JMP | BPF_JSET | BPF_K) as u16;
const JA: u16 = (BPF_JMP | BPF_JA) as u16;
const RET: u16 = (BPF_RET | BPF_K) as u16;
const OFF_NR: u32 = core::mem::offset_of!(seccomp_data, nr) as u32;
const OFF_ARCH: u32 = core::mem::offset_of!(seccomp_data, arch) as u32;
/// Leaves test at most this many ranges.
const LEAF: usize = 3;
/// The reach of a conditional jump.
const MAX_JUMP: usize = u8::MAX as usize;

/// Counts instructions, or writes them when it has a buffer (sized by a counting pass first).
struct Writer<'a> {
    out: Option<&'a mut [sock_filter]>,
    len: usize,
}

impl Writer<'_> {
    fn count() -> Writer<'static> {
        Writer { out: None, len: 0 }
    }

    fn push(&mut self, code: u16, jt: usize, jf: usize, k: u32) {
        if let Some(slot) = self.out.as_deref_mut().and_then(|o| o.get_mut(self.len)) {
            // Offsets are below 256 by construction (leaves are short, long jumps use `ja`);
            // a wrong one would be caught by the kernel and by the tests, not silently cut.
            debug_assert!(jt <= MAX_JUMP && jf <= MAX_JUMP);
            *slot = sock_filter {
                code,
                jt: jt as u8,
                jf: jf as u8,
                k,
            };
        }
        self.len += 1;
    }
}

/// How a section of `AUDIT_ARCH_X86_64` treats the x32 bit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guard {
    /// Another arch, or both kinds of numbers present.
    None,
    /// Only x86_64 numbers: a biased number is killed.
    KillBiased,
    /// Only x32 numbers: an unbiased number is killed.
    KillPlain,
}

#[derive(Clone, Copy)]
struct Section {
    arch: u32,
    /// The section's ranges: `Plan::starts[first..last]`.
    first: usize,
    last: usize,
    guard: Guard,
}

/// The sections and ranges of a filter, computed without heap.
struct Plan<'f> {
    rules: &'f [(u32, u32)],
    /// `starts[j]`: the index in `rules` of range `j`'s first number; `starts[ranges]` =
    /// `rules.len()`.
    starts: [u16; MAX_RULES + 1],
    /// Other arches first (sorted), the target's own last.
    sections: [Section; MAX_ARCHES],
    nsections: usize,
    default: u32,
}

impl<'f> Plan<'f> {
    fn new(filter: &'f Filter) -> Plan<'f> {
        let rules = filter.rules();
        let mut starts = [0u16; MAX_RULES + 1];
        let mut nranges = 0;
        for (i, &(arch, nr)) in rules.iter().enumerate() {
            let joins = i > 0 && {
                let (parch, pnr) = rules[i - 1];
                parch == arch
                    && pnr.checked_add(1) == Some(nr)
                    && !(arch == ARCH_X86_64 && nr == X32_BIT)
            };
            if !joins {
                starts[nranges] = i as u16;
                nranges += 1;
            }
        }
        starts[nranges] = rules.len() as u16;
        let empty = Section {
            arch: filter.native,
            first: 0,
            last: 0,
            guard: Guard::None,
        };
        let mut sections = [empty; MAX_ARCHES];
        let mut nsections = 0;
        let mut native = empty;
        let mut j = 0;
        while j < nranges {
            let arch = rules[starts[j] as usize].0;
            let first = j;
            while j < nranges && rules[starts[j] as usize].0 == arch {
                j += 1;
            }
            let s = Section {
                arch,
                first,
                last: j,
                guard: Guard::None,
            };
            if arch == filter.native {
                native = s;
            } else if nsections < MAX_ARCHES - 1 {
                // `allow_for` keeps at most MAX_ARCHES - 1 other arches.
                sections[nsections] = s;
                nsections += 1;
            }
        }
        sections[nsections] = native;
        nsections += 1;
        for s in &mut sections[..nsections] {
            if s.arch != ARCH_X86_64 {
                continue;
            }
            let section_rules = &rules[starts[s.first] as usize..starts[s.last] as usize];
            let native = s.arch == filter.native;
            let plain =
                (native && !filter.native_x32) || section_rules.iter().any(|r| r.1 < X32_BIT);
            let biased =
                (native && filter.native_x32) || section_rules.iter().any(|r| r.1 >= X32_BIT);
            s.guard = match (plain, biased) {
                (true, false) => Guard::KillBiased,
                (false, true) => Guard::KillPlain,
                _ => Guard::None,
            };
        }
        Plan {
            rules,
            starts,
            sections,
            nsections,
            default: filter.default.ret(),
        }
    }

    /// Range `j`: its first and last number.
    fn range(&self, j: usize) -> (u32, u32) {
        let first = self.rules[self.starts[j] as usize].1;
        let last = self.rules[self.starts[j + 1] as usize - 1].1;
        (first, last)
    }

    /// The whole program; returns its length.
    fn emit(&self, w: &mut Writer<'_>) -> usize {
        let start = w.len;
        let sections = &self.sections[..self.nsections];
        let (native, others) = sections.split_last().unwrap_or((&sections[0], &[]));
        w.push(LD_W_ABS, 0, 0, OFF_ARCH);
        // The other arches' `ja`s land after the native section, then each other section.
        let mut lens = [0usize; MAX_ARCHES];
        for (len, s) in lens.iter_mut().zip(others) {
            *len = self.section(s, &mut Writer::count());
        }
        let native_len = self.section(native, &mut Writer::count());
        // From after the i-th `ja` to the section: the rest of the dispatch, the native
        // section, the other sections before it.
        for (i, s) in others.iter().enumerate() {
            let rest_of_dispatch = 2 * (others.len() - 1 - i) + 2;
            let before: usize = lens[..i].iter().sum();
            w.push(JEQ, 0, 1, s.arch);
            w.push(JA, 0, 0, (rest_of_dispatch + native_len + before) as u32);
        }
        w.push(JEQ, 1, 0, native.arch);
        w.push(RET, 0, 0, SECCOMP_RET_KILL_PROCESS);
        self.section(native, w);
        for s in others {
            self.section(s, w);
        }
        w.len - start
    }

    /// One arch's section; returns its length.
    fn section(&self, s: &Section, w: &mut Writer<'_>) -> usize {
        let start = w.len;
        w.push(LD_W_ABS, 0, 0, OFF_NR);
        let mut bound = 0;
        match s.guard {
            Guard::None => {}
            Guard::KillBiased => {
                w.push(JSET, 0, 1, X32_BIT);
                w.push(RET, 0, 0, SECCOMP_RET_KILL_PROCESS);
            }
            Guard::KillPlain => {
                w.push(JSET, 1, 0, X32_BIT);
                w.push(RET, 0, 0, SECCOMP_RET_KILL_PROCESS);
                bound = X32_BIT;
            }
        }
        if s.first == s.last {
            w.push(RET, 0, 0, self.default);
        } else {
            self.tree(s.first, s.last, bound, w);
        }
        w.len - start
    }

    /// The search over ranges `lo..hi` (at least one), knowing that the number is at least
    /// `bound`; returns its length.
    fn tree(&self, lo: usize, hi: usize, bound: u32, w: &mut Writer<'_>) -> usize {
        let start = w.len;
        let n = hi - lo;
        if n <= LEAF {
            self.leaf(lo, hi, bound, w);
            return w.len - start;
        }
        // Full leaves on the left: ceil(n / 3) leaves, half of them (rounded down) left.
        let leaves = n.div_ceil(LEAF);
        let mid = lo + leaves / 2 * LEAF;
        let split = self.range(mid).0;
        let left = self.tree(lo, mid, bound, &mut Writer::count());
        if left <= MAX_JUMP {
            w.push(JGE, left, 0, split);
        } else {
            w.push(JGE, 0, 1, split);
            w.push(JA, 0, 0, left as u32);
        }
        self.tree(lo, mid, bound, w);
        self.tree(mid, hi, split, w);
        w.len - start
    }

    /// A chain over ranges `lo..hi` (at most [`LEAF`]), then `ret <default>` and `ret ALLOW`.
    fn leaf(&self, lo: usize, hi: usize, mut bound: u32, w: &mut Writer<'_>) {
        // The length first: the returns' offsets depend on it.
        let mut len = 2;
        let mut b = bound;
        for j in lo..hi {
            let (first, last) = self.range(j);
            if first == last {
                len += 1;
                if first == b {
                    b = b.saturating_add(1);
                }
            } else {
                len += if first > b { 2 } else { 1 };
                b = last.saturating_add(1);
            }
        }
        let default_at = len - 2;
        let allow_at = len - 1;
        let mut at = 0;
        for j in lo..hi {
            let (first, last) = self.range(j);
            if first == last {
                w.push(JEQ, allow_at - at - 1, 0, first);
                at += 1;
                if first == bound {
                    bound = bound.saturating_add(1);
                }
            } else {
                if first > bound {
                    w.push(JGE, 0, default_at - at - 1, first);
                    at += 1;
                }
                w.push(JGT, 0, allow_at - at - 1, last);
                at += 1;
                bound = last.saturating_add(1);
            }
        }
        w.push(RET, 0, 0, self.default);
        w.push(RET, 0, 0, SECCOMP_RET_ALLOW);
    }
}

// ------------------------------------------------------------------ allow_std

/// `crate::arch::$abi::nr::$name`.
macro_rules! n {
    ($abi:ident, $name:ident) => {
        crate::arch::$abi::nr::$name
    };
}

/// The calls every ABI names alike, then the ABI's own spellings (`$extra`).
///
/// Derived from `strace -f` of small std programs on x86_64 (glibc 2.36, Rust 1.95): startup,
/// `println!`/`eprintln!`, `std::fs` (create a directory, write, read back, remove), thread
/// spawn and join, a contended `Mutex`, large and growing allocations, `HashMap` (random keys),
/// `available_parallelism`, `catch_unwind` of a panic (its message printed), `exit`.
macro_rules! std_calls {
    ($abi:ident; $($extra:ident),* $(,)?) => {
        &[
            // Output (`println!`, `eprintln!`, panic messages: `write`, vectored writes) and
            // file I/O (`std::fs::read`, `File`: `pread64` by the loader too).
            n!($abi, READ),
            n!($abi, WRITE),
            n!($abi, READV),
            n!($abi, WRITEV),
            n!($abi, PREAD64),
            n!($abi, OPENAT),
            n!($abi, CLOSE),
            // `std::fs::metadata`, `File::metadata`, and the size hint of `fs::read`.
            n!($abi, STATX),
            // More of `std::fs` (traced too): `read_dir` (`getdents64`), `fs::copy`
            // (`copy_file_range`, then its permissions: `fchmod`), `File::sync_all` /
            // `sync_data`, `set_len`, `rename`, `try_clone` (`fcntl(F_DUPFD_CLOEXEC)`, in the
            // per-ABI part: its name differs).
            n!($abi, GETDENTS64),
            n!($abi, COPY_FILE_RANGE),
            n!($abi, FCHMOD),
            n!($abi, FSYNC),
            n!($abi, FDATASYNC),
            n!($abi, RENAMEAT2),
            // `fs::create_dir`, `remove_file`, `remove_dir` on the ABIs without the old calls
            // (`unlinkat(AT_REMOVEDIR)`), `env::current_dir`, `Path::exists`-style checks.
            n!($abi, MKDIRAT),
            n!($abi, UNLINKAT),
            n!($abi, GETCWD),
            // `fs::canonicalize`, `env::current_exe`, the panic backtrace's lookup of the
            // executable and its libraries (`RUST_BACKTRACE=1`).
            n!($abi, READLINKAT),
            n!($abi, FACCESSAT),
            n!($abi, FACCESSAT2),
            // The allocator (glibc malloc: `brk` heap, `mmap` for large blocks, `mremap` for
            // `realloc` of them, `madvise` when trimming), thread stacks and their guard page
            // (`mprotect`), this crate's vDSO `getrandom` states.
            n!($abi, BRK),
            n!($abi, MUNMAP),
            n!($abi, MPROTECT),
            n!($abi, MREMAP),
            n!($abi, MADVISE),
            // Signals: std ignores SIGPIPE and installs the stack-overflow handler
            // (`rt_sigaction`, and a `sigaltstack` per thread); glibc blocks signals around
            // `pthread_create`; a handler returns through `rt_sigreturn`; an interrupted
            // sleep resumes through `restart_syscall`.
            n!($abi, RT_SIGACTION),
            n!($abi, RT_SIGPROCMASK),
            n!($abi, RT_SIGRETURN),
            n!($abi, SIGALTSTACK),
            n!($abi, RESTART_SYSCALL),
            // Threads: `clone3` (glibc's `pthread_create`, `clone` when `clone3` is refused),
            // the new thread's `set_robust_list` and `rseq`, `exit` of a thread, `gettid` (std
            // thread ids, glibc), `sched_yield` (spin loops), `set_tid_address` (startup).
            n!($abi, CLONE),
            n!($abi, CLONE3),
            n!($abi, SET_ROBUST_LIST),
            n!($abi, RSEQ),
            n!($abi, SET_TID_ADDRESS),
            n!($abi, EXIT),
            n!($abi, GETTID),
            n!($abi, SCHED_YIELD),
            // `thread::available_parallelism`, glibc's startup.
            n!($abi, SCHED_GETAFFINITY),
            // glibc's stack limit (startup, `pthread_getattr_np` of the main thread).
            n!($abi, PRLIMIT64),
            // `HashMap`'s random keys (and the kernel path of this crate's `getrandom`).
            n!($abi, GETRANDOM),
            // `process::id`; `process::exit` and returning from `main`.
            n!($abi, GETPID),
            n!($abi, EXIT_GROUP),
            $(n!($abi, $extra),)*
        ]
    };
}

/// The calls of [`Filter::allow_std`] on x86_64, by name: the common list (see the source of
/// `std_calls!`: output and files, allocation, signals, threads, exit) plus `fcntl`
/// (`File::try_clone`), `ftruncate` (`set_len`), `sendfile` (the fallback of `fs::copy`),
/// `rename`/`renameat` (`fs::rename`, older kernels), `readlink`, `open`,
/// `newfstatat`/`fstat`/`stat`/`lstat`, `lseek`, `mmap`, `poll` (std checks fds 0-2 at
/// startup), `access`, `mkdir`/`unlink`/`rmdir` (what `std::fs` calls here), `futex`
/// (`Mutex`, `Condvar`, `JoinHandle::join`, `Once`), `getrlimit`, the clocks and sleeps when
/// the vDSO is not used (`Instant::now`, `thread::sleep`), `arch_prctl` (TLS at startup).
pub const STD_CALLS_X86_64: &[u32] = std_calls!(x86_64;
    FCNTL, FTRUNCATE, SENDFILE, RENAME, RENAMEAT, OPEN, READLINK, NEWFSTATAT, FSTAT, STAT,
    LSTAT, LSEEK, MMAP, POLL, ACCESS, MKDIR, UNLINK, RMDIR, FUTEX, GETRLIMIT, CLOCK_GETTIME,
    CLOCK_NANOSLEEP, NANOSLEEP, ARCH_PRCTL);

/// The calls of [`Filter::allow_std`] on x32: as on x86_64 ([`STD_CALLS_X86_64`]), with the
/// x32 numbers (biased; `rt_sigaction`, `rt_sigreturn`, `readv`, `writev`, … are x32's own
/// rows in the 512 range).
pub const STD_CALLS_X32: &[u32] = std_calls!(x32;
    FCNTL, FTRUNCATE, SENDFILE, RENAME, RENAMEAT, OPEN, READLINK, NEWFSTATAT, FSTAT, STAT,
    LSTAT, LSEEK, MMAP, POLL, ACCESS, MKDIR, UNLINK, RMDIR, FUTEX, GETRLIMIT, CLOCK_GETTIME,
    CLOCK_NANOSLEEP, NANOSLEEP, ARCH_PRCTL);

/// The calls of [`Filter::allow_std`] on i386: the common list plus the 32-bit spellings —
/// `stat64`/`fstat64`/`lstat64`/`fstatat64`, `_llseek`, `mmap2`, `ugetrlimit`, the 64-bit
/// time calls (`futex_time64`, `clock_gettime64`, `clock_nanosleep_time64`) beside the old
/// ones, `sigreturn` (non-RT handlers), `set_thread_area` (TLS at startup), `fcntl64`,
/// `ftruncate64`, `sendfile64`, and `fcntl`, `ftruncate`, `sendfile`, `rename`, `renameat`,
/// `readlink`, `open`, `poll`, `access`, `mkdir`, `unlink`, `rmdir` as on x86_64.
pub const STD_CALLS_X86: &[u32] = std_calls!(x86;
    FCNTL, FCNTL64, FTRUNCATE, FTRUNCATE64, SENDFILE, SENDFILE64, RENAME, RENAMEAT, OPEN,
    READLINK, STAT64, FSTAT64, LSTAT64, FSTATAT64, _LLSEEK, MMAP2, POLL, ACCESS, MKDIR, UNLINK,
    RMDIR, FUTEX, FUTEX_TIME64, UGETRLIMIT, CLOCK_GETTIME, CLOCK_GETTIME64, CLOCK_NANOSLEEP,
    CLOCK_NANOSLEEP_TIME64, NANOSLEEP, SIGRETURN, SET_THREAD_AREA);

/// The calls of [`Filter::allow_std`] on Arm EABI: as on i386 ([`STD_CALLS_X86`]) without
/// `set_thread_area` (Arm sets TLS through a private call at startup, not in the table).
pub const STD_CALLS_ARM: &[u32] = std_calls!(arm;
    FCNTL, FCNTL64, FTRUNCATE, FTRUNCATE64, SENDFILE, SENDFILE64, RENAME, RENAMEAT, OPEN,
    READLINK, STAT64, FSTAT64, LSTAT64, FSTATAT64, _LLSEEK, MMAP2, POLL, ACCESS, MKDIR, UNLINK,
    RMDIR, FUTEX, FUTEX_TIME64, UGETRLIMIT, CLOCK_GETTIME, CLOCK_GETTIME64, CLOCK_NANOSLEEP,
    CLOCK_NANOSLEEP_TIME64, NANOSLEEP, SIGRETURN);

/// The calls of [`Filter::allow_std`] on aarch64 (the generic table: no `open`, `stat`,
/// `poll`, `mkdir`, … — the common list has their `*at` forms): plus `fcntl`, `ftruncate`,
/// `sendfile`, `renameat`, `newfstatat`, `fstat`, `lseek`, `mmap`, `ppoll`, `futex`,
/// `getrlimit`, the clocks and sleeps.
pub const STD_CALLS_AARCH64: &[u32] = std_calls!(aarch64;
    FCNTL, FTRUNCATE, SENDFILE, RENAMEAT, NEWFSTATAT, FSTAT, LSEEK, MMAP, PPOLL, FUTEX,
    GETRLIMIT, CLOCK_GETTIME, CLOCK_NANOSLEEP, NANOSLEEP);

/// The calls of [`Filter::allow_std`] on riscv64: as on aarch64 ([`STD_CALLS_AARCH64`]),
/// without `renameat` (not in its table: `renameat2`).
pub const STD_CALLS_RISCV64: &[u32] = std_calls!(riscv64;
    FCNTL, FTRUNCATE, SENDFILE, NEWFSTATAT, FSTAT, LSEEK, MMAP, PPOLL, FUTEX, GETRLIMIT,
    CLOCK_GETTIME, CLOCK_NANOSLEEP, NANOSLEEP);

/// The calls of [`Filter::allow_std`] on riscv32 (the generic table with 64-bit time only: no
/// `fstat`, `statx` instead): plus `fcntl64`, `ftruncate64`, `sendfile64`, `llseek`, `mmap2`,
/// `ppoll_time64`, `futex_time64`, `clock_gettime64`, `clock_nanosleep_time64`.
pub const STD_CALLS_RISCV32: &[u32] = std_calls!(riscv32;
    FCNTL64, FTRUNCATE64, SENDFILE64, LLSEEK, MMAP2, PPOLL_TIME64, FUTEX_TIME64,
    CLOCK_GETTIME64, CLOCK_NANOSLEEP_TIME64);

/// The calls of [`Filter::allow_std`] on the target (one of the `STD_CALLS_*` lists).
///
/// A panic's message and, with `RUST_BACKTRACE=1`, its backtrace (the symbolisation reads the
/// executable and its libraries) are covered: traced on x86_64 and i686. Not in it: `execve`,
/// `fork`, `process::Command` (a filter stays on the new program; add them yourself), sockets,
/// `ioctl` (`is_terminal`; `TIOCSTI` makes it a sandbox escape), `kill`/`tgkill` (an `abort`
/// then ends the process with `SIGSYS` rather than `SIGABRT`), `fs::set_permissions` and
/// other metadata changes besides `fs::copy`'s `fchmod`.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
pub const STD_CALLS: &[u32] = STD_CALLS_X86_64;
/// The calls of [`Filter::allow_std`] on the target (one of the `STD_CALLS_*` lists).
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
pub const STD_CALLS: &[u32] = STD_CALLS_X32;
/// The calls of [`Filter::allow_std`] on the target (one of the `STD_CALLS_*` lists).
#[cfg(target_arch = "x86")]
pub const STD_CALLS: &[u32] = STD_CALLS_X86;
/// The calls of [`Filter::allow_std`] on the target (one of the `STD_CALLS_*` lists).
#[cfg(target_arch = "arm")]
pub const STD_CALLS: &[u32] = STD_CALLS_ARM;
/// The calls of [`Filter::allow_std`] on the target (one of the `STD_CALLS_*` lists).
#[cfg(target_arch = "aarch64")]
pub const STD_CALLS: &[u32] = STD_CALLS_AARCH64;
/// The calls of [`Filter::allow_std`] on the target (one of the `STD_CALLS_*` lists).
#[cfg(target_arch = "riscv64")]
pub const STD_CALLS: &[u32] = STD_CALLS_RISCV64;
/// The calls of [`Filter::allow_std`] on the target (one of the `STD_CALLS_*` lists).
#[cfg(target_arch = "riscv32")]
pub const STD_CALLS: &[u32] = STD_CALLS_RISCV32;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::{aarch64, x32, x86, x86_64};

    /// A classic BPF interpreter of the instructions the builder emits, over a synthetic
    /// `seccomp_data` (`nr`, `arch`). Checks every jump lands inside the program; returns the
    /// returned value and the number of instructions executed.
    fn run(prog: &[sock_filter], arch: u32, nr: u32) -> (u32, usize) {
        let mut pc = 0usize;
        let mut acc = 0u32;
        let mut steps = 0;
        loop {
            let ins = prog[pc];
            steps += 1;
            let (jt, jf) = (ins.jt as usize, ins.jf as usize);
            let taken = match ins.code {
                LD_W_ABS => {
                    acc = match ins.k {
                        OFF_NR => nr,
                        OFF_ARCH => arch,
                        k => panic!("load of offset {k}"),
                    };
                    pc += 1;
                    continue;
                }
                RET => return (ins.k, steps),
                JA => {
                    pc += 1 + ins.k as usize;
                    continue;
                }
                JEQ => acc == ins.k,
                JGE => acc >= ins.k,
                JGT => acc > ins.k,
                JSET => acc & ins.k != 0,
                code => panic!("unexpected instruction {code:#x} at {pc}"),
            };
            pc += 1 + if taken { jt } else { jf };
        }
    }

    /// Static checks: length, every jump (both branches) inside the program, last is `ret`.
    fn check_shape(prog: &[sock_filter]) {
        assert!(!prog.is_empty() && prog.len() <= MAX_PROGRAM_LEN);
        assert_eq!(
            prog.last().unwrap().code,
            RET,
            "the kernel wants a final ret"
        );
        for (pc, ins) in prog.iter().enumerate() {
            match ins.code {
                LD_W_ABS => assert!(ins.k == OFF_NR || ins.k == OFF_ARCH),
                RET => {}
                JA => assert!(pc + 1 + (ins.k as usize) < prog.len(), "ja at {pc}"),
                JEQ | JGE | JGT | JSET => {
                    assert!(pc + 1 + (ins.jt as usize) < prog.len(), "jt at {pc}");
                    assert!(pc + 1 + (ins.jf as usize) < prog.len(), "jf at {pc}");
                }
                code => panic!("unexpected instruction {code:#x} at {pc}"),
            }
        }
    }

    fn build(f: &Filter) -> [sock_filter; INSTALL_LEN] {
        let mut buf = [EMPTY; INSTALL_LEN];
        let len = f.build(&mut buf).unwrap().len();
        assert_eq!(Ok(len), f.program_len());
        let arches = 1 + {
            let mut v: [u32; MAX_ARCHES] = [0; MAX_ARCHES];
            let mut n = 0;
            for &(a, _) in f.rules() {
                if a != f.native && !v[..n].contains(&a) {
                    v[n] = a;
                    n += 1;
                }
            }
            n
        };
        assert!(len <= max_len_for(f.len, arches), "{len} > bound");
        check_shape(&buf[..len]);
        buf
    }

    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    const KILL: u32 = SECCOMP_RET_KILL_PROCESS;
    const ALLOW: u32 = SECCOMP_RET_ALLOW;
    const FOREIGN: [u32; 5] = [
        x86::AUDIT_ARCH,
        aarch64::AUDIT_ARCH,
        0,
        u32::MAX,
        0x4000_003e,
    ];

    #[test]
    fn random_sets_allow_exactly_their_members() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut max_steps = 0;
        for round in 0..300 {
            let count = if round < 10 { round } else { rng.below(601) } as usize;
            // Dense sets (many ranges merged) and sparse ones alternate.
            let spread = if round % 2 == 0 {
                1000
            } else {
                1 + rng.below(1000)
            };
            let default = Action::Errno(1 + rng.below(4095) as u16);
            let mut f = Filter::new_for(default, x86_64::AUDIT_ARCH, false);
            let mut member = [false; 1100];
            for _ in 0..count {
                let nr = rng.below(spread) as u32;
                member[nr as usize] = true;
                f.allow(nr).unwrap();
            }
            let prog = build(&f);
            let prog = &prog[..f.program_len().unwrap()];
            for nr in 0..1100u32 {
                let (ret, steps) = run(prog, x86_64::AUDIT_ARCH, nr);
                let want = if member[nr as usize] {
                    ALLOW
                } else {
                    default.ret()
                };
                assert_eq!(ret, want, "round {round}: nr {nr}");
                max_steps = max_steps.max(steps);
                // x86_64 numbers only: the x32 bias is killed, whatever the rest.
                assert_eq!(run(prog, x86_64::AUDIT_ARCH, nr | X32_BIT).0, KILL);
            }
            for arch in FOREIGN {
                assert_eq!(run(prog, arch, rng.below(1100) as u32).0, KILL, "{arch:#x}");
            }
        }
        // Binary search, not a chain: up to ~300 ranges in 0..1000.
        assert!(max_steps <= 28, "{max_steps} instructions for one call");
    }

    #[test]
    fn the_default_action_is_returned_exactly() {
        for action in [
            Action::KillProcess,
            Action::KillThread,
            Action::Trap,
            Action::Errno(0),
            Action::Errno(1),
            Action::Errno(u16::MAX),
            Action::Trace(7),
            Action::Log,
            Action::Allow,
        ] {
            let mut f = Filter::new(action);
            let empty = build(&f);
            assert_eq!(run(&empty, AUDIT_ARCH, 5).0, action.ret());
            f.allow_all([3, 4, 10]).unwrap();
            let prog = build(&f);
            assert_eq!(run(&prog, AUDIT_ARCH, 5).0, action.ret());
            assert_eq!(run(&prog, AUDIT_ARCH, 4).0, ALLOW);
        }
        assert_eq!(Action::Errno(13).ret(), 0x0005_000d);
        assert_eq!(Action::Trace(0xffff).ret(), 0x7ff0_ffff);
        assert_eq!(Action::KillProcess.ret(), 0x8000_0000);
        assert_eq!(Action::Allow.ret(), 0x7fff_0000);
    }

    #[test]
    fn x32_numbers_are_never_confused_with_x86_64_ones() {
        let default = Action::Errno(38);
        // An x32 filter: biased numbers only; an unbiased one is killed.
        let mut f = Filter::new_for(default, x32::AUDIT_ARCH, true);
        f.allow(x32::nr::READ)
            .unwrap()
            .allow(x32::nr::GETPID)
            .unwrap();
        let prog = build(&f);
        assert_eq!(run(&prog, x32::AUDIT_ARCH, x32::nr::READ).0, ALLOW);
        assert_eq!(run(&prog, x32::AUDIT_ARCH, x32::nr::GETPID).0, ALLOW);
        assert_eq!(run(&prog, x32::AUDIT_ARCH, x32::nr::WRITE).0, default.ret());
        assert_eq!(run(&prog, x32::AUDIT_ARCH, x86_64::nr::READ).0, KILL);
        assert_eq!(run(&prog, x32::AUDIT_ARCH, x86_64::nr::GETPID).0, KILL);
        // An empty x32 filter still kills unbiased numbers.
        let empty = build(&Filter::new_for(default, x32::AUDIT_ARCH, true));
        assert_eq!(run(&empty, x32::AUDIT_ARCH, 0).0, KILL);
        assert_eq!(run(&empty, x32::AUDIT_ARCH, X32_BIT).0, default.ret());
        // Both kinds under one arch: separate ranges, each number matched as itself.
        let mut f = Filter::new_for(default, x86_64::AUDIT_ARCH, false);
        f.allow(x86_64::nr::READ).unwrap();
        f.allow_for(x32::AUDIT_ARCH, x32::nr::WRITE).unwrap();
        // Around the bit: 0x3fff_ffff and 0x4000_0000 are not one range.
        f.allow(X32_BIT - 1).unwrap().allow(X32_BIT).unwrap();
        let prog = build(&f);
        assert_eq!(run(&prog, ARCH_X86_64, x86_64::nr::READ).0, ALLOW);
        assert_eq!(run(&prog, ARCH_X86_64, x32::nr::WRITE).0, ALLOW);
        assert_eq!(run(&prog, ARCH_X86_64, x32::nr::GETPID).0, default.ret());
        assert_eq!(run(&prog, ARCH_X86_64, x86_64::nr::WRITE).0, default.ret());
        assert_eq!(run(&prog, ARCH_X86_64, x86_64::nr::GETPID).0, default.ret());
        assert_eq!(run(&prog, ARCH_X86_64, X32_BIT - 1).0, ALLOW);
        assert_eq!(run(&prog, ARCH_X86_64, X32_BIT).0, ALLOW);
        assert_eq!(run(&prog, ARCH_X86_64, X32_BIT - 2).0, default.ret());
        assert_eq!(run(&prog, ARCH_X86_64, X32_BIT + 2).0, default.ret());
        assert_eq!(f.rules().len(), 4);
    }

    #[test]
    fn each_arch_is_matched_against_its_own_numbers_only() {
        let mut f = Filter::new_for(Action::Log, x86_64::AUDIT_ARCH, false);
        f.allow(x86_64::nr::GETPID).unwrap();
        f.allow_for(x86::AUDIT_ARCH, x86::nr::GETPID).unwrap();
        f.allow_for(aarch64::AUDIT_ARCH, 7).unwrap();
        let prog = build(&f);
        let log = SECCOMP_RET_LOG;
        assert_eq!(run(&prog, x86_64::AUDIT_ARCH, x86_64::nr::GETPID).0, ALLOW);
        assert_eq!(run(&prog, x86_64::AUDIT_ARCH, x86::nr::GETPID).0, log);
        assert_eq!(run(&prog, x86::AUDIT_ARCH, x86::nr::GETPID).0, ALLOW);
        assert_eq!(run(&prog, x86::AUDIT_ARCH, x86_64::nr::GETPID).0, log);
        assert_eq!(run(&prog, aarch64::AUDIT_ARCH, 7).0, ALLOW);
        assert_eq!(run(&prog, aarch64::AUDIT_ARCH, 8).0, log);
        // The x32 guard applies to AUDIT_ARCH_X86_64 only.
        assert_eq!(run(&prog, x86::AUDIT_ARCH, X32_BIT | 7).0, log);
        for arch in [
            crate::arch::arm::AUDIT_ARCH,
            crate::arch::riscv64::AUDIT_ARCH,
            0,
        ] {
            assert_eq!(run(&prog, arch, 7).0, KILL);
            assert_eq!(run(&prog, arch, x86_64::nr::GETPID).0, KILL);
        }
    }

    #[test]
    fn a_full_filter_fits_uses_long_jumps_and_stays_exact() {
        let mut rng = XorShift(7);
        // Every other number: 1024 ranges, subtrees far longer than 255 instructions (an arch
        // without the x32 guard, for the random numbers below).
        let arch = aarch64::AUDIT_ARCH;
        let mut f = Filter::new_for(Action::Errno(1), arch, false);
        for i in 0..MAX_RULES as u32 {
            f.allow(2 * i).unwrap();
        }
        assert_eq!(f.allow(1).err(), Some(Error::TooManyRules));
        assert!(f.allow(2).is_ok(), "a duplicate is not a new rule");
        let prog = build(&f);
        let prog = &prog[..f.program_len().unwrap()];
        assert!(prog.iter().any(|i| i.code == JA), "trampolines used");
        let most = (0..2 * MAX_RULES as u32 + 2)
            .map(|nr| run(prog, arch, nr).1)
            .max();
        assert!(
            most <= Some(19),
            "{most:?} instructions for one call of a full filter"
        );
        assert!(prog.len() <= MAX_PROGRAM_LEN);
        for nr in 0..(2 * MAX_RULES as u32 + 10) {
            let want = if nr % 2 == 0 && nr < 2 * MAX_RULES as u32 {
                ALLOW
            } else {
                Action::Errno(1).ret()
            };
            assert_eq!(run(prog, arch, nr).0, want, "nr {nr}");
        }
        for _ in 0..1000 {
            let nr = rng.next() as u32;
            let want = if nr % 2 == 0 && nr < 2 * MAX_RULES as u32 {
                ALLOW
            } else {
                Action::Errno(1).ret()
            };
            assert_eq!(run(prog, arch, nr).0, want, "nr {nr}");
        }
        assert!(max_len_for(MAX_RULES, MAX_ARCHES) <= MAX_PROGRAM_LEN);
        // Spread over every arch: still within the bound.
        let mut f = Filter::new(Action::KillProcess);
        for i in 0..MAX_RULES as u32 {
            let arch = if i % 8 == 0 { AUDIT_ARCH } else { 1000 + i % 8 };
            f.allow_for(arch, 3 * i).unwrap();
        }
        let mut few = Filter::new(Action::KillProcess);
        for arch in 1000..1000 + MAX_ARCHES as u32 - 1 {
            few.allow_for(arch, 1).unwrap();
        }
        few.allow(1).unwrap().allow_for(1000, 2).unwrap();
        assert_eq!(few.allow_for(2000, 1).err(), Some(Error::TooManyArches));
        let prog = build(&f);
        let prog = &prog[..f.program_len().unwrap()];
        for i in 0..MAX_RULES as u32 {
            let arch = if i % 8 == 0 { AUDIT_ARCH } else { 1000 + i % 8 };
            assert_eq!(run(prog, arch, 3 * i).0, ALLOW);
            assert_eq!(run(prog, arch, 3 * i + 1).0, KILL);
        }
    }

    #[test]
    fn errors_instead_of_panics() {
        let mut f = Filter::new(Action::KillProcess);
        f.allow_all(0..100).unwrap().allow(200).unwrap();
        let len = f.program_len().unwrap();
        let mut small = [EMPTY; 4];
        assert_eq!(
            f.build(&mut small).map(<[_]>::len),
            Err(Error::BufferTooSmall { needed: len })
        );
        assert!(small.iter().all(|i| i.code == 0), "left unchanged");
        let mut exact = [EMPTY; 64];
        assert_eq!(f.build(&mut exact[..len]).map(<[_]>::len), Ok(len));
        assert_eq!(
            f.build(&mut []).map(<[_]>::len),
            Err(Error::BufferTooSmall { needed: len })
        );
        // 0..100 is one range.
        assert!(len < 12, "{len}");
        // Unsafe defaults are refused by the safe installers, before any system call.
        for action in [
            Action::Errno(1),
            Action::Trap,
            Action::Trace(1),
            Action::KillThread,
        ] {
            let f = Filter::new(action);
            assert_eq!(f.install(), Err(Error::UnsafeAction));
            assert_eq!(f.install_all_threads(), Err(Error::UnsafeAction));
        }
    }

    #[test]
    fn the_std_lists_fit_and_are_distinct() {
        for list in [
            STD_CALLS_X86_64,
            STD_CALLS_X32,
            STD_CALLS_X86,
            STD_CALLS_ARM,
            STD_CALLS_AARCH64,
            STD_CALLS_RISCV64,
            STD_CALLS_RISCV32,
        ] {
            let mut f = Filter::new(Action::KillProcess);
            f.allow_all(list.iter().copied()).unwrap();
            assert_eq!(f.rules().len(), list.len(), "no duplicates");
            let prog = build(&f);
            for &nr in list {
                assert_eq!(run(&prog, AUDIT_ARCH, nr).0, ALLOW);
            }
        }
        assert!(STD_CALLS_X32.iter().all(|&nr| nr & X32_BIT != 0));
        let mut f = Filter::new(Action::KillProcess);
        f.allow_std().unwrap();
        assert_eq!(f.rules().len(), STD_CALLS.len());
    }
}
