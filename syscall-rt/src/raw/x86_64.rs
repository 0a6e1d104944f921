//! x86_64 (and x32) kernel entries: `syscall`, and `int 0x80` into the i386 ABI.
//!
//! `syscall`: number in `rax`; arguments in `rdi`, `rsi`, `rdx`, `r10`, `r8`, `r9`; result in
//! `rax`. The instruction itself overwrites `rcx` (return address) and `r11` (saved RFLAGS); the
//! kernel restores every other register and RFLAGS (from `r11` on `sysret`), so the stubs
//! clobber `rcx` and `r11` only and keep `preserves_flags`. No stack is touched (`nostack`).
//! x32 uses the same instruction with `__X32_SYSCALL_BIT` in the number (the table has it) and
//! 64-bit registers: pointers arrive zero-extended.
//!
//! `int 0x80` from 64-bit code enters the **i386** ABI: i386 numbers, arguments in `ebx`, `ecx`,
//! `edx`, `esi`, `edi`, `ebp`, truncated to 32 bits by the kernel. Kernels before 4.17 zeroed
//! `r8`–`r11` on this path (commit 8bb2610bc496 made it preserve them), so the stubs declare
//! them clobbered to be correct on every kernel. `iret` restores RFLAGS: `preserves_flags`.
//! `rbx` cannot be an operand (LLVM reserves it), so it is swapped in and out around the gate.

/// An argument register.
pub type Reg = u64;
/// An argument register, signed (the kernel's `long` on x86_64 and x32).
pub type SReg = i64;

// ------------------------------------------------------------------------ syscall

/// `syscall` with no argument.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn syscall0(nr: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; `syscall` clobbers rcx/r11 only (see module doc).
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr => ret,
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `syscall` with 1 argument.
///
/// # Safety
/// As [`syscall0`].
#[inline(always)]
pub unsafe fn syscall1(nr: Reg, a0: Reg) -> Reg {
    let ret;
    // SAFETY: as in `syscall0`.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0,
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `syscall` with 2 arguments.
///
/// # Safety
/// As [`syscall0`].
#[inline(always)]
pub unsafe fn syscall2(nr: Reg, a0: Reg, a1: Reg) -> Reg {
    let ret;
    // SAFETY: as in `syscall0`.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0, in("rsi") a1,
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `syscall` with 3 arguments.
///
/// # Safety
/// As [`syscall0`].
#[inline(always)]
pub unsafe fn syscall3(nr: Reg, a0: Reg, a1: Reg, a2: Reg) -> Reg {
    let ret;
    // SAFETY: as in `syscall0`.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0, in("rsi") a1, in("rdx") a2,
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `syscall` with 4 arguments (the 4th in `r10`: `rcx` is taken by the instruction).
///
/// # Safety
/// As [`syscall0`].
#[inline(always)]
pub unsafe fn syscall4(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg) -> Reg {
    let ret;
    // SAFETY: as in `syscall0`.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0, in("rsi") a1, in("rdx") a2, in("r10") a3,
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `syscall` with 5 arguments.
///
/// # Safety
/// As [`syscall0`].
#[inline(always)]
pub unsafe fn syscall5(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg) -> Reg {
    let ret;
    // SAFETY: as in `syscall0`.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0, in("rsi") a1, in("rdx") a2, in("r10") a3, in("r8") a4,
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `syscall` with 6 arguments.
///
/// # Safety
/// As [`syscall0`].
#[inline(always)]
pub unsafe fn syscall6(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg, a5: Reg) -> Reg {
    let ret;
    // SAFETY: as in `syscall0`.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0, in("rsi") a1, in("rdx") a2, in("r10") a3, in("r8") a4, in("r9") a5,
            lateout("rcx") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `syscall` for a call that does not return on success (`exit`, `exit_group`). Should the
/// kernel return anyway, `ud2` traps rather than running into whatever follows.
///
/// # Safety
/// As [`syscall0`].
#[inline(always)]
pub unsafe fn syscall1_noreturn(nr: Reg, a0: Reg) -> ! {
    // SAFETY: as in `syscall0`; control never comes back.
    unsafe {
        core::arch::asm!(
            "syscall",
            "ud2",
            in("rax") nr,
            in("rdi") a0,
            options(nostack, noreturn)
        );
    }
}

// ------------------------------------------------------------------------ int 0x80

/// Sign-extends the i386 ABI's 32-bit result into a 64-bit register value.
#[inline(always)]
fn from_i386(ret: u32) -> Reg {
    ret as i32 as i64 as u64
}

/// `int 0x80` (i386 ABI) with no argument.
///
/// # Safety
/// As [`syscall0`]; `nr` is an **i386** number and arguments are truncated to 32 bits.
#[inline(always)]
pub unsafe fn int80_0(nr: u32) -> Reg {
    let ret: u32;
    // SAFETY: the caller vouches for the call; the i386 gate returns in eax and preserves every
    // register but r8-r11 on old kernels (see module doc).
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    from_i386(ret)
}

/// `int 0x80` (i386 ABI) with 1 argument (in `ebx`, swapped in around the gate).
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_1(nr: u32, a0: u32) -> Reg {
    let ret: u32;
    // SAFETY: as in `int80_0`; rbx is restored by the second xchg.
    unsafe {
        core::arch::asm!(
            "xchg {a0:r}, rbx",
            "int 0x80",
            "xchg {a0:r}, rbx",
            a0 = inout(reg) u64::from(a0) => _,
            inlateout("eax") nr => ret,
            lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    from_i386(ret)
}

/// `int 0x80` (i386 ABI) with 2 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_2(nr: u32, a0: u32, a1: u32) -> Reg {
    let ret: u32;
    // SAFETY: as in `int80_1`.
    unsafe {
        core::arch::asm!(
            "xchg {a0:r}, rbx",
            "int 0x80",
            "xchg {a0:r}, rbx",
            a0 = inout(reg) u64::from(a0) => _,
            inlateout("eax") nr => ret,
            in("ecx") a1,
            lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    from_i386(ret)
}

/// `int 0x80` (i386 ABI) with 3 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_3(nr: u32, a0: u32, a1: u32, a2: u32) -> Reg {
    let ret: u32;
    // SAFETY: as in `int80_1`.
    unsafe {
        core::arch::asm!(
            "xchg {a0:r}, rbx",
            "int 0x80",
            "xchg {a0:r}, rbx",
            a0 = inout(reg) u64::from(a0) => _,
            inlateout("eax") nr => ret,
            in("ecx") a1, in("edx") a2,
            lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    from_i386(ret)
}

/// `int 0x80` (i386 ABI) with 4 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_4(nr: u32, a0: u32, a1: u32, a2: u32, a3: u32) -> Reg {
    let ret: u32;
    // SAFETY: as in `int80_1`.
    unsafe {
        core::arch::asm!(
            "xchg {a0:r}, rbx",
            "int 0x80",
            "xchg {a0:r}, rbx",
            a0 = inout(reg) u64::from(a0) => _,
            inlateout("eax") nr => ret,
            in("ecx") a1, in("edx") a2, in("esi") a3,
            lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    from_i386(ret)
}

/// `int 0x80` (i386 ABI) with 5 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_5(nr: u32, a0: u32, a1: u32, a2: u32, a3: u32, a4: u32) -> Reg {
    let ret: u32;
    // SAFETY: as in `int80_1`.
    unsafe {
        core::arch::asm!(
            "xchg {a0:r}, rbx",
            "int 0x80",
            "xchg {a0:r}, rbx",
            a0 = inout(reg) u64::from(a0) => _,
            inlateout("eax") nr => ret,
            in("ecx") a1, in("edx") a2, in("esi") a3, in("edi") a4,
            lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    from_i386(ret)
}

/// `int 0x80` (i386 ABI) with 6 arguments (the 6th in `ebp`, swapped in and out like `rbx`:
/// with frame pointers on, `rbp` cannot be an operand either).
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_6(nr: u32, a0: u32, a1: u32, a2: u32, a3: u32, a4: u32, a5: u32) -> Reg {
    let ret: u32;
    // SAFETY: as in `int80_1`. The 6th argument arrives in r12 and trades places with rbp for
    // the gate, so the caller's rbp waits in r12, which every kernel preserves on this path —
    // not in r8-r11, which kernels before 4.17 zero. r12 is named, not chosen by the compiler:
    // a chosen register could be rbx, which the first xchg overwrites. The second pair of
    // xchg restores rbp and rbx before the asm ends, so the frame pointer is intact whenever
    // Rust code can see it.
    unsafe {
        core::arch::asm!(
            "xchg {a0:r}, rbx",
            "xchg r12, rbp",
            "int 0x80",
            "xchg r12, rbp",
            "xchg {a0:r}, rbx",
            a0 = inout(reg) u64::from(a0) => _,
            inout("r12") u64::from(a5) => _,
            inlateout("eax") nr => ret,
            in("ecx") a1, in("edx") a2, in("esi") a3, in("edi") a4,
            lateout("r8") _, lateout("r9") _, lateout("r10") _, lateout("r11") _,
            options(nostack, preserves_flags)
        );
    }
    from_i386(ret)
}

/// `int 0x80` (i386 ABI) for a call that does not return on success.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_1_noreturn(nr: u32, a0: u32) -> ! {
    // SAFETY: as in `int80_0`; control never comes back, so rbx need not be restored.
    unsafe {
        core::arch::asm!(
            "mov ebx, {a0:e}",
            "int 0x80",
            "ud2",
            a0 = in(reg) a0,
            in("eax") nr,
            options(nostack, noreturn)
        );
    }
}
