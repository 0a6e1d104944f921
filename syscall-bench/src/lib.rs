//! Probes for the speed proofs: the same system calls through fast-syscall stubs, through
//! hand-written `asm!` and through libc, each in an `#[inline(never)]` function so that timing
//! and instruction counting see exactly one call.
//!
//! The calls are cheap and harmless: `getpid` (0 arguments), `lseek(-1, 0, SEEK_SET)` (3,
//! `EBADF`), `mmap(0, 0, …)` / `mmap2` (6, `EINVAL`), `clock_gettime(CLOCK_MONOTONIC)`.

use std::hint::black_box;

pub mod bpf;

/// A timespec with 64-bit fields (`__kernel_timespec`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Timespec {
    /// Seconds.
    pub sec: i64,
    /// Nanoseconds.
    pub nsec: i64,
}

/// fast-syscall stubs, declared as users write them.
pub mod ours {
    use super::Timespec;
    use syscall_rt::{Errno, fast_syscall};

    /// `getpid`, the kernel's value as is.
    #[fast_syscall(name = "getpid")]
    pub fn getpid_raw() -> isize;
    /// `getpid` decoded into a `Result`.
    #[fast_syscall(name = "getpid")]
    pub fn getpid_result() -> Result<usize, Errno>;
    /// `lseek`, 3 arguments.
    #[fast_syscall(name = "lseek")]
    pub fn lseek_raw(fd: u32, offset: isize, whence: u32) -> isize;
    /// `lseek`, 3 arguments, decoded.
    #[fast_syscall(name = "lseek")]
    pub fn lseek_result(fd: u32, offset: isize, whence: u32) -> Result<usize, Errno>;

    /// `getpgid`, 1 argument.
    #[fast_syscall(name = "getpgid")]
    pub fn getpgid_raw(pid: i32) -> isize;
    /// `getpriority`, 2 arguments.
    #[fast_syscall(name = "getpriority")]
    pub fn getpriority_raw(which: i32, who: i32) -> isize;
    /// `tee`, 4 arguments (on i686 the 4th is the first the stub loads into `esi` itself).
    #[fast_syscall(name = "tee")]
    pub fn tee_raw(fdin: i32, fdout: i32, len: usize, flags: u32) -> isize;
    /// `prctl`, 5 arguments.
    #[fast_syscall(name = "prctl")]
    pub unsafe fn prctl_raw(option: i32, a2: usize, a3: usize, a4: usize, a5: usize) -> isize;

    /// `mmap` (6 arguments).
    #[cfg(target_pointer_width = "64")]
    #[fast_syscall(name = "mmap")]
    pub unsafe fn mmap_raw(a: usize, l: usize, p: usize, f: usize, fd: usize, o: usize) -> isize;
    /// `mmap2` (6 arguments).
    #[cfg(target_pointer_width = "32")]
    #[fast_syscall(name = "mmap2")]
    pub unsafe fn mmap_raw(a: usize, l: usize, p: usize, f: usize, fd: usize, o: usize) -> isize;
    /// `mmap` (6 arguments), decoded.
    #[cfg(target_pointer_width = "64")]
    #[fast_syscall(name = "mmap")]
    pub unsafe fn mmap_result(
        a: usize,
        l: usize,
        p: usize,
        f: usize,
        fd: usize,
        o: usize,
    ) -> Result<usize, Errno>;
    /// `mmap2` (6 arguments), decoded.
    #[cfg(target_pointer_width = "32")]
    #[fast_syscall(name = "mmap2")]
    pub unsafe fn mmap_result(
        a: usize,
        l: usize,
        p: usize,
        f: usize,
        fd: usize,
        o: usize,
    ) -> Result<usize, Errno>;

    /// `clock_gettime` through the vDSO (the default).
    #[cfg(target_pointer_width = "64")]
    #[fast_syscall(name = "clock_gettime")]
    pub unsafe fn clock_gettime_vdso(clock: i32, tp: *mut Timespec) -> isize;
    /// `clock_gettime64` through the vDSO (the default).
    #[cfg(target_pointer_width = "32")]
    #[fast_syscall(name = "clock_gettime64")]
    pub unsafe fn clock_gettime_vdso(clock: i32, tp: *mut Timespec) -> isize;

    /// `clock_gettime` through the kernel.
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    #[fast_syscall(name = "clock_gettime", via = "syscall")]
    pub unsafe fn clock_gettime_kernel(clock: i32, tp: *mut Timespec) -> isize;
    /// `clock_gettime64` through the kernel.
    #[cfg(target_arch = "x86")]
    #[fast_syscall(name = "clock_gettime64", via = "sysenter")]
    pub unsafe fn clock_gettime_kernel(clock: i32, tp: *mut Timespec) -> isize;

    /// The legacy gate (i386 numbers).
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    pub mod int80 {
        use syscall_rt::{Errno, fast_syscall};

        /// `getpid` through `int 0x80`.
        #[fast_syscall(name = "getpid", via = "int80")]
        pub fn getpid_raw() -> isize;
        /// `getpid` through `int 0x80`, decoded.
        #[fast_syscall(name = "getpid", via = "int80")]
        pub fn getpid_result() -> Result<usize, Errno>;
        /// `lseek` through `int 0x80`.
        #[fast_syscall(name = "lseek", via = "int80")]
        pub fn lseek_raw(fd: u32, offset: i32, whence: u32) -> isize;
        /// `mmap2` through `int 0x80`.
        #[fast_syscall(name = "mmap2", via = "int80")]
        pub unsafe fn mmap_raw(a: u32, l: u32, p: u32, f: u32, fd: u32, o: u32) -> isize;
        /// `getpgid` through `int 0x80` (1 argument: `ebx`, swapped in from 64-bit code).
        #[fast_syscall(name = "getpgid", via = "int80")]
        pub fn getpgid_raw(pid: i32) -> isize;
        /// `getpriority` through `int 0x80`.
        #[fast_syscall(name = "getpriority", via = "int80")]
        pub fn getpriority_raw(which: i32, who: i32) -> isize;
        /// `tee` through `int 0x80`.
        #[fast_syscall(name = "tee", via = "int80")]
        pub fn tee_raw(fdin: i32, fdout: i32, len: u32, flags: u32) -> isize;
        /// `prctl` through `int 0x80`.
        #[fast_syscall(name = "prctl", via = "int80")]
        pub unsafe fn prctl_raw(option: i32, a2: u32, a3: u32, a4: u32, a5: u32) -> isize;
    }
}

/// The same calls written by hand, as a careful person would without this project.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
pub mod hand {
    use super::Timespec;
    use core::arch::asm;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// `getpid` via `syscall`.
    #[inline(always)]
    pub fn getpid_raw() -> isize {
        let ret: isize;
        // SAFETY: getpid has no arguments and no effects.
        unsafe {
            asm!("syscall", inlateout("rax") 39isize => ret, lateout("rcx") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        ret
    }

    /// `getpid` decoded the usual way.
    #[inline(always)]
    pub fn getpid_result() -> Result<usize, i32> {
        let r = getpid_raw();
        if (r as usize) > -4096isize as usize {
            Err(-r as i32)
        } else {
            Ok(r as usize)
        }
    }

    /// `lseek` via `syscall`.
    #[inline(always)]
    pub fn lseek_raw(fd: u32, offset: isize, whence: u32) -> isize {
        let ret: isize;
        // SAFETY: lseek only moves a file offset.
        unsafe {
            asm!("syscall", inlateout("rax") 8isize => ret, in("rdi") fd as usize, in("rsi") offset,
                 in("rdx") whence as usize, lateout("rcx") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        ret
    }

    /// `mmap` via `syscall`.
    ///
    /// # Safety
    /// As `mmap(2)`.
    #[inline(always)]
    pub unsafe fn mmap_raw(a: usize, l: usize, p: usize, f: usize, fd: usize, o: usize) -> isize {
        let ret: isize;
        // SAFETY: the caller's.
        unsafe {
            asm!("syscall", inlateout("rax") 9isize => ret, in("rdi") a, in("rsi") l, in("rdx") p,
                 in("r10") f, in("r8") fd, in("r9") o, lateout("rcx") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        ret
    }

    /// `getpid` via `int 0x80` (i386 number 20), as one would write it from 64-bit code.
    #[inline(always)]
    pub fn getpid_int80() -> isize {
        let ret: i32;
        // SAFETY: getpid has no arguments; the i386 gate may zero r8-r11 on old kernels.
        unsafe {
            asm!("int 0x80", inlateout("eax") 20i32 => ret, lateout("r8") _, lateout("r9") _,
                 lateout("r10") _, lateout("r11") _, options(nostack, preserves_flags));
        }
        ret as isize
    }

    /// `syscall` with 1 argument.
    ///
    /// # Safety
    /// The system call `nr` with these arguments must be sound to make.
    #[inline(always)]
    pub unsafe fn syscall1(nr: usize, a0: usize) -> isize {
        let ret: isize;
        // SAFETY: the caller's; `syscall` overwrites rcx and r11 only.
        unsafe {
            asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0,
                 lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
        }
        ret
    }

    /// `syscall` with 2 arguments.
    ///
    /// # Safety
    /// As [`syscall1`].
    #[inline(always)]
    pub unsafe fn syscall2(nr: usize, a0: usize, a1: usize) -> isize {
        let ret: isize;
        // SAFETY: as in `syscall1`.
        unsafe {
            asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1,
                 lateout("rcx") _, lateout("r11") _, options(nostack, preserves_flags));
        }
        ret
    }

    /// `syscall` with 4 arguments.
    ///
    /// # Safety
    /// As [`syscall1`].
    #[inline(always)]
    pub unsafe fn syscall4(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize) -> isize {
        let ret: isize;
        // SAFETY: as in `syscall1`.
        unsafe {
            asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
                 in("r10") a3, lateout("rcx") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        ret
    }

    /// `syscall` with 5 arguments.
    ///
    /// # Safety
    /// As [`syscall1`].
    #[inline(always)]
    pub unsafe fn syscall5(
        nr: usize,
        a0: usize,
        a1: usize,
        a2: usize,
        a3: usize,
        a4: usize,
    ) -> isize {
        let ret: isize;
        // SAFETY: as in `syscall1`.
        unsafe {
            asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
                 in("r10") a3, in("r8") a4, lateout("rcx") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        ret
    }

    /// `int 0x80` from 64-bit code with 1 to 6 arguments (i386 numbers, 32-bit registers), as
    /// one writes it by hand: `rbx` (not allowed as an operand) is swapped in and out with
    /// `xchg`, `rbp` (6th argument) saved in `r11`; r8-r11 are clobbered on kernels before 4.17.
    macro_rules! int80 {
        ($(#[$doc:meta])* $name:ident($($a:ident => $r:tt),*)) => {
            $(#[$doc])*
            ///
            /// # Safety
            /// The system call `nr` with these arguments must be sound to make.
            #[inline(always)]
            pub unsafe fn $name(nr: u32, a0: u32 $(, $a: u32)*) -> isize {
                let ret: i32;
                // SAFETY: the caller's; rbx is restored by the second xchg.
                unsafe {
                    asm!("xchg {a0:r}, rbx", "int 0x80", "xchg {a0:r}, rbx",
                         a0 = inout(reg) u64::from(a0) => _, inlateout("eax") nr => ret,
                         $(in($r) $a,)*
                         lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
                         options(nostack, preserves_flags));
                }
                ret as isize
            }
        };
    }
    int80!(
        /// `int 0x80` with 1 argument.
        int80_1()
    );
    int80!(
        /// `int 0x80` with 2 arguments.
        int80_2(a1 => "ecx")
    );
    int80!(
        /// `int 0x80` with 3 arguments.
        int80_3(a1 => "ecx", a2 => "edx")
    );
    int80!(
        /// `int 0x80` with 4 arguments.
        int80_4(a1 => "ecx", a2 => "edx", a3 => "esi")
    );
    int80!(
        /// `int 0x80` with 5 arguments.
        int80_5(a1 => "ecx", a2 => "edx", a3 => "esi", a4 => "edi")
    );

    /// `int 0x80` from 64-bit code with 6 arguments, for a call that returns an address.
    ///
    /// # Safety
    /// The system call `nr` with these arguments must be sound to make.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn int80_6(nr: u32, a0: u32, a1: u32, a2: u32, a3: u32, a4: u32, a5: u32) -> isize {
        let ret: u32;
        // SAFETY: the caller's; rbx and rbp trade places with a0 and r12 (which old kernels
        // keep, unlike r8-r11) and are restored before the asm ends.
        unsafe {
            asm!("xchg {a0:r}, rbx", "xchg r12, rbp", "int 0x80",
                 "xchg r12, rbp", "xchg {a0:r}, rbx",
                 a0 = inout(reg) u64::from(a0) => _, inout("r12") u64::from(a5) => _,
                 inlateout("eax") nr => ret,
                 in("ecx") a1, in("edx") a2, in("esi") a3, in("edi") a4,
                 lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
                 options(nostack, preserves_flags));
        }
        // mmap2 returns an address below 4 GiB or -errno: zero-extend the one, sign-extend
        // the other (what a careful caller of a pointer-returning call writes).
        if ret > -4096i32 as u32 {
            ret as i32 as isize
        } else {
            ret as isize
        }
    }

    static CLOCK_GETTIME: AtomicUsize = AtomicUsize::new(0);

    /// `__vdso_clock_gettime` called through a cached pointer (resolved once, like glibc does).
    ///
    /// # Safety
    /// `tp` must be writable.
    #[inline(always)]
    pub unsafe fn clock_gettime_vdso(clock: i32, tp: *mut Timespec) -> isize {
        let mut f = CLOCK_GETTIME.load(Ordering::Relaxed);
        if f == 0 {
            f = syscall_rt::vdso::lookup(b"__vdso_clock_gettime", b"LINUX_2.6").expect("vDSO");
            CLOCK_GETTIME.store(f, Ordering::Relaxed);
        }
        // SAFETY: the vDSO's clock_gettime has this C signature.
        let f: unsafe extern "C" fn(i32, *mut Timespec) -> i32 = unsafe { core::mem::transmute(f) };
        // SAFETY: the caller's.
        unsafe { f(clock, tp) as isize }
    }
}

/// The same calls written by hand for 32-bit x86: `sysenter` through an indirect call to the
/// cached `AT_SYSINFO` address (`__kernel_vsyscall`), and `int 0x80`. LLVM allows neither `esi`
/// nor `ebp` as an operand, so the 4th and 6th arguments are loaded inside the asm, the way a
/// careful person would: from a scratch register when one is free, else from a small array.
#[cfg(target_arch = "x86")]
pub mod hand {
    use super::Timespec;
    use core::arch::asm;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static SYSINFO: AtomicUsize = AtomicUsize::new(0);

    /// `__kernel_vsyscall`, from `getauxval(AT_SYSINFO)` once. Assumes the process has one
    /// (every process the kernel starts on a machine with a vDSO does); without it the call
    /// would jump to 0 and crash, which is acceptable for a benchmark reference.
    #[inline(always)]
    fn entry() -> usize {
        let mut e = SYSINFO.load(Ordering::Relaxed);
        if e == 0 {
            e = resolve();
        }
        e
    }

    #[cold]
    #[inline(never)]
    fn resolve() -> usize {
        // SAFETY: getauxval has no preconditions; AT_SYSINFO is 32.
        let e = unsafe { libc::getauxval(32) } as usize;
        SYSINFO.store(e, Ordering::Relaxed);
        e
    }

    /// `call __kernel_vsyscall` with 0 to 3 arguments (every register an operand).
    macro_rules! sysenter {
        ($(#[$doc:meta])* $name:ident($($a:ident => $r:tt),*)) => {
            $(#[$doc])*
            ///
            /// # Safety
            /// The system call `nr` with these arguments must be sound to make.
            #[inline(always)]
            pub unsafe fn $name(nr: u32 $(, $a: u32)*) -> isize {
                let ret: i32;
                // SAFETY: the caller's; __kernel_vsyscall preserves every register but eax and
                // EFLAGS, and the call uses the stack.
                unsafe {
                    asm!("call {e}", e = in(reg) entry(), inlateout("eax") nr => ret,
                         $(in($r) $a),*);
                }
                ret as isize
            }
        };
    }
    sysenter!(
        /// `sysenter` with no argument.
        sysenter0()
    );
    sysenter!(
        /// `sysenter` with 1 argument.
        sysenter1(a0 => "ebx")
    );
    sysenter!(
        /// `sysenter` with 2 arguments.
        sysenter2(a0 => "ebx", a1 => "ecx")
    );
    sysenter!(
        /// `sysenter` with 3 arguments.
        sysenter3(a0 => "ebx", a1 => "ecx", a2 => "edx")
    );

    /// `sysenter` with 4 arguments: the entry in `edi` (free with 4 arguments), the 4th
    /// argument and the number from an array addressed by `eax`.
    ///
    /// # Safety
    /// The system call `nr` with these arguments must be sound to make.
    #[inline(always)]
    pub unsafe fn sysenter4(nr: u32, a0: u32, a1: u32, a2: u32, a3: u32) -> isize {
        let ret: i32;
        let rest = [a3, nr];
        // SAFETY: the caller's; esi is pushed and popped around the call; `rest` outlives the
        // asm, which only reads it.
        unsafe {
            asm!("push esi", "mov esi, dword ptr [eax]", "mov eax, dword ptr [eax + 4]",
                 "call edi", "pop esi",
                 inlateout("eax") rest.as_ptr() => ret, in("edi") entry(),
                 in("ebx") a0, in("ecx") a1, in("edx") a2);
        }
        ret as isize
    }

    /// `sysenter` with 5 arguments: no register is left for the entry, which is pushed from
    /// the array and called through the stack.
    ///
    /// # Safety
    /// The system call `nr` with these arguments must be sound to make.
    #[inline(always)]
    pub unsafe fn sysenter5(nr: u32, a0: u32, a1: u32, a2: u32, a3: u32, a4: u32) -> isize {
        let ret: i32;
        let rest = [a3, nr, entry() as u32];
        // SAFETY: as in `sysenter4`; the pushed entry is dropped after the call.
        unsafe {
            asm!("push esi", "mov esi, dword ptr [eax]", "push dword ptr [eax + 8]",
                 "mov eax, dword ptr [eax + 4]", "call dword ptr [esp]", "add esp, 4", "pop esi",
                 inlateout("eax") rest.as_ptr() => ret,
                 in("ebx") a0, in("ecx") a1, in("edx") a2, in("edi") a4);
        }
        ret as isize
    }

    /// `sysenter` with 6 arguments (`ebp` too pushed, loaded and popped).
    ///
    /// # Safety
    /// The system call `nr` with these arguments must be sound to make.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn sysenter6(
        nr: u32,
        a0: u32,
        a1: u32,
        a2: u32,
        a3: u32,
        a4: u32,
        a5: u32,
    ) -> isize {
        let ret: i32;
        let rest = [a3, a5, nr, entry() as u32];
        // SAFETY: as in `sysenter5`; ebp is restored before the asm ends.
        unsafe {
            asm!("push ebp", "push esi", "mov esi, dword ptr [eax]", "mov ebp, dword ptr [eax + 4]",
                 "push dword ptr [eax + 12]", "mov eax, dword ptr [eax + 8]",
                 "call dword ptr [esp]", "add esp, 4", "pop esi", "pop ebp",
                 inlateout("eax") rest.as_ptr() => ret,
                 in("ebx") a0, in("ecx") a1, in("edx") a2, in("edi") a4);
        }
        ret as isize
    }

    /// `int 0x80` with 0 to 3 arguments, and 4 and 5 with `esi` swapped in by `xchg`.
    macro_rules! int80 {
        ($(#[$doc:meta])* $name:ident($($a:ident => $r:tt),*)) => {
            $(#[$doc])*
            ///
            /// # Safety
            /// The system call `nr` with these arguments must be sound to make.
            #[inline(always)]
            pub unsafe fn $name(nr: u32 $(, $a: u32)*) -> isize {
                let ret: i32;
                // SAFETY: the caller's; the gate preserves every register but eax, and EFLAGS.
                unsafe {
                    asm!("int 0x80", inlateout("eax") nr => ret, $(in($r) $a,)*
                         options(nostack, preserves_flags));
                }
                ret as isize
            }
        };
        ($(#[$doc:meta])* $name:ident($($a:ident => $r:tt),*; esi $esi:ident)) => {
            $(#[$doc])*
            ///
            /// # Safety
            /// The system call `nr` with these arguments must be sound to make.
            #[inline(always)]
            pub unsafe fn $name(nr: u32 $(, $a: u32)*, $esi: u32) -> isize {
                let ret: i32;
                // SAFETY: as above; the second xchg restores esi.
                unsafe {
                    asm!("xchg esi, {x}", "int 0x80", "xchg esi, {x}",
                         x = inout(reg) $esi => _, inlateout("eax") nr => ret, $(in($r) $a,)*
                         options(nostack, preserves_flags));
                }
                ret as isize
            }
        };
    }
    int80!(
        /// `int 0x80` with no argument.
        int80_0()
    );
    int80!(
        /// `int 0x80` with 1 argument.
        int80_1(a0 => "ebx")
    );
    int80!(
        /// `int 0x80` with 2 arguments.
        int80_2(a0 => "ebx", a1 => "ecx")
    );
    int80!(
        /// `int 0x80` with 3 arguments.
        int80_3(a0 => "ebx", a1 => "ecx", a2 => "edx")
    );
    int80!(
        /// `int 0x80` with 4 arguments.
        int80_4(a0 => "ebx", a1 => "ecx", a2 => "edx"; esi a3)
    );

    /// `int 0x80` with 5 arguments.
    ///
    /// # Safety
    /// The system call `nr` with these arguments must be sound to make.
    #[inline(always)]
    pub unsafe fn int80_5(nr: u32, a0: u32, a1: u32, a2: u32, a3: u32, a4: u32) -> isize {
        let ret: i32;
        // SAFETY: the caller's; the second xchg restores esi.
        unsafe {
            asm!("xchg esi, {x}", "int 0x80", "xchg esi, {x}",
                 x = inout(reg) a3 => _, inlateout("eax") nr => ret,
                 in("ebx") a0, in("ecx") a1, in("edx") a2, in("edi") a4,
                 options(nostack, preserves_flags));
        }
        ret as isize
    }

    /// `int 0x80` with 6 arguments: `esi`, `ebp` and the number from an array addressed by
    /// `eax`.
    ///
    /// # Safety
    /// The system call `nr` with these arguments must be sound to make.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn int80_6(nr: u32, a0: u32, a1: u32, a2: u32, a3: u32, a4: u32, a5: u32) -> isize {
        let ret: i32;
        let rest = [a3, a5, nr];
        // SAFETY: the caller's; esi and ebp are pushed and popped around the gate; `rest`
        // outlives the asm, which only reads it.
        unsafe {
            asm!("push ebp", "push esi", "mov esi, dword ptr [eax]", "mov ebp, dword ptr [eax + 4]",
                 "mov eax, dword ptr [eax + 8]", "int 0x80", "pop esi", "pop ebp",
                 inlateout("eax") rest.as_ptr() => ret,
                 in("ebx") a0, in("ecx") a1, in("edx") a2, in("edi") a4,
                 options(preserves_flags));
        }
        ret as isize
    }

    /// `getpid` through `__kernel_vsyscall`.
    #[inline(always)]
    pub fn getpid_raw() -> isize {
        // SAFETY: getpid has no arguments and no effects.
        unsafe { sysenter0(20) }
    }

    static CLOCK_GETTIME: AtomicUsize = AtomicUsize::new(0);

    /// `__vdso_clock_gettime64` called through a cached pointer (resolved once).
    ///
    /// # Safety
    /// `tp` must be writable.
    #[inline(always)]
    pub unsafe fn clock_gettime_vdso(clock: i32, tp: *mut Timespec) -> isize {
        let mut f = CLOCK_GETTIME.load(Ordering::Relaxed);
        if f == 0 {
            f = syscall_rt::vdso::lookup(b"__vdso_clock_gettime64", b"LINUX_2.6").expect("vDSO");
            CLOCK_GETTIME.store(f, Ordering::Relaxed);
        }
        // SAFETY: the vDSO's clock_gettime64 has this C signature.
        let f: unsafe extern "C" fn(i32, *mut Timespec) -> i32 = unsafe { core::mem::transmute(f) };
        // SAFETY: the caller's.
        unsafe { f(clock, tp) as isize }
    }
}

/// One probe: a name, the mechanism, and the function that makes one call.
pub struct Probe {
    /// What is called.
    pub call: &'static str,
    /// How.
    pub how: &'static str,
    /// One call.
    pub run: fn(),
}

macro_rules! probe {
    ($call:literal, $how:literal, $body:expr) => {
        Probe {
            call: $call,
            how: $how,
            run: {
                #[inline(never)]
                fn run() {
                    black_box($body);
                }
                run
            },
        }
    };
}

/// getrandom through the vDSO, the kernel entry, libc and the direct vDSO call (the main job's
/// second table; probes written with the macro above).
pub mod getrandom;

/// The comparison of the main job: every mechanism the host offers, and libc.
pub fn comparison() -> Vec<Probe> {
    let mut probes = vec![probe!(
        "getpid",
        "syscall (fast-syscall)",
        ours::getpid_raw()
    )];
    #[cfg(target_arch = "x86")]
    {
        probes[0].how = "sysenter (fast-syscall)";
    }
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    probes.push(probe!(
        "getpid",
        "int 0x80 (fast-syscall)",
        ours::int80::getpid_raw()
    ));
    // SAFETY (libc calls below): plain calls with valid arguments.
    probes.push(probe!("getpid", "libc getpid()", unsafe { libc::getpid() }));
    probes.push(probe!("getpid", "libc syscall(SYS_getpid)", unsafe {
        libc::syscall(libc::SYS_getpid)
    }));
    probes.push(probe!("clock_gettime", "vDSO (fast-syscall)", {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        unsafe { ours::clock_gettime_vdso(1, &mut ts) };
        ts.nsec
    }));
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    probes.push(probe!("clock_gettime", "kernel entry (fast-syscall)", {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        unsafe { ours::clock_gettime_kernel(1, &mut ts) };
        ts.nsec
    }));
    probes.push(probe!("clock_gettime", "libc clock_gettime()", {
        let mut ts: libc::timespec = unsafe { core::mem::zeroed() };
        unsafe { libc::clock_gettime(1, &mut ts) };
        ts.tv_nsec
    }));
    probes
}

/// Runs `f` `n` times; nanoseconds per call.
pub fn ns_per_call(f: fn(), n: u64) -> f64 {
    let start = std::time::Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_nanos() as f64 / n as f64
}
