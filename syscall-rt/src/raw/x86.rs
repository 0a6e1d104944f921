//! 32-bit x86 (i386 ABI) kernel entries: `sysenter` through the vDSO's `__kernel_vsyscall`, and
//! `int 0x80`.
//!
//! Registers: number in `eax`; arguments in `ebx`, `ecx`, `edx`, `esi`, `edi`, `ebp`; result in
//! `eax`. Both gates preserve every other register.
//!
//! **sysenter.** The kernel's rule (comment above `__kernel_vsyscall` in
//! `arch/x86/entry/vdso/vdso32/system_call.S`): never open-code `sysenter` — the kernel returns
//! from it into the vDSO's landing pad, not to the next instruction. The only correct fast entry
//! is an indirect `call` to the address in the `AT_SYSINFO` auxiliary vector entry, which picks
//! `sysenter` or `syscall` for the CPU. `__kernel_vsyscall` saves and restores `ecx`, `edx` and
//! `ebp` itself but is a function: EFLAGS are not preserved, and the `call` uses the stack. When
//! the process has no `AT_SYSINFO` (a static binary loaded without it, some sandboxes), the
//! stubs fall back to `int 0x80`, the documented fallback.
//!
//! **int 0x80** restores EFLAGS on `iret` (`preserves_flags`).
//!
//! LLVM forbids `esi` and `ebp` as operands (base and frame pointer), and with frame pointers on
//! `ebp` is live. Arguments 4 (`esi`) and 6 (`ebp`) are therefore loaded inside the asm: with
//! `xchg` from a scratch register when one is free, else from a small array whose address
//! arrives in `eax`; the old values are pushed and popped around the gate (i386 has no red zone,
//! so the pushes are safe).

use core::sync::atomic::{AtomicUsize, Ordering};

/// An argument register.
pub type Reg = u32;
/// An argument register, signed (the kernel's `long` on i386).
pub type SReg = i32;

/// `AT_SYSINFO` as resolved: 0 = not yet, 1 = absent, else the address of `__kernel_vsyscall`.
static VSYSCALL: AtomicUsize = AtomicUsize::new(0);

/// The address of `__kernel_vsyscall`, or `None` when the process has no `AT_SYSINFO` entry.
/// Resolved on first use; racing first uses all compute the same value.
#[inline(always)]
pub fn vsyscall_entry() -> Option<usize> {
    match VSYSCALL.load(Ordering::Relaxed) {
        0 => resolve_vsyscall(),
        1 => None,
        entry => Some(entry),
    }
}

#[cold]
#[inline(never)]
fn resolve_vsyscall() -> Option<usize> {
    let entry = crate::auxv::getauxval(crate::auxv::AT_SYSINFO).filter(|&e| e > 1);
    VSYSCALL.store(entry.unwrap_or(1), Ordering::Relaxed);
    entry
}

/// Forgets a resolved `AT_SYSINFO` and pretends the process has none (`absent = true`) or
/// resolves it again on next use (`false`). For tests of the `int 0x80` fallback.
#[doc(hidden)]
pub fn force_vsyscall_absent(absent: bool) {
    VSYSCALL.store(usize::from(absent), Ordering::Relaxed);
}

// ------------------------------------------------------------------------ int 0x80

/// `int 0x80` with no argument.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn int80_0(nr: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the gate preserves all registers but eax.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `int 0x80` with 1 argument.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_1(nr: Reg, a0: Reg) -> Reg {
    let ret;
    // SAFETY: as in `int80_0`.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            in("ebx") a0,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `int 0x80` with 2 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_2(nr: Reg, a0: Reg, a1: Reg) -> Reg {
    let ret;
    // SAFETY: as in `int80_0`.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            in("ebx") a0, in("ecx") a1,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `int 0x80` with 3 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_3(nr: Reg, a0: Reg, a1: Reg, a2: Reg) -> Reg {
    let ret;
    // SAFETY: as in `int80_0`.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            in("ebx") a0, in("ecx") a1, in("edx") a2,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `int 0x80` with 4 arguments (the 4th swapped into `esi` and back).
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_4(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg) -> Reg {
    let ret;
    // SAFETY: as in `int80_0`; the second xchg restores esi.
    unsafe {
        core::arch::asm!(
            "xchg esi, {a3}",
            "int 0x80",
            "xchg esi, {a3}",
            a3 = inout(reg) a3 => _,
            inlateout("eax") nr => ret,
            in("ebx") a0, in("ecx") a1, in("edx") a2,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `int 0x80` with 5 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_5(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg) -> Reg {
    let ret;
    // SAFETY: as in `int80_4`.
    unsafe {
        core::arch::asm!(
            "xchg esi, {a3}",
            "int 0x80",
            "xchg esi, {a3}",
            a3 = inout(reg) a3 => _,
            inlateout("eax") nr => ret,
            in("ebx") a0, in("ecx") a1, in("edx") a2, in("edi") a4,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `int 0x80` with 6 arguments: no scratch register is left, so `esi`, `ebp` and the number come
/// from an array addressed by `eax`.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_6(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg, a5: Reg) -> Reg {
    let ret;
    let rest: [Reg; 3] = [a3, a5, nr];
    // SAFETY: as in `int80_0`; esi and ebp are pushed before and popped after the gate, and
    // `rest` outlives the asm, which only reads it.
    unsafe {
        core::arch::asm!(
            "push ebp",
            "push esi",
            "mov esi, dword ptr [eax]",
            "mov ebp, dword ptr [eax + 4]",
            "mov eax, dword ptr [eax + 8]",
            "int 0x80",
            "pop esi",
            "pop ebp",
            inlateout("eax") rest.as_ptr() => ret,
            in("ebx") a0, in("ecx") a1, in("edx") a2, in("edi") a4,
            options(preserves_flags)
        );
    }
    ret
}

/// `int 0x80` for a call that does not return on success; `ud2` traps if it does.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn int80_1_noreturn(nr: Reg, a0: Reg) -> ! {
    // SAFETY: as in `int80_0`; control never comes back.
    unsafe {
        core::arch::asm!(
            "int 0x80",
            "ud2",
            in("eax") nr,
            in("ebx") a0,
            options(nostack, noreturn)
        );
    }
}

// ------------------------------------------------------------------------ sysenter

/// `call __kernel_vsyscall` with no argument; `int 0x80` when `AT_SYSINFO` is absent.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn sysenter0(nr: Reg) -> Reg {
    let Some(entry) = vsyscall_entry() else {
        // SAFETY: the same call through the fallback gate.
        return unsafe { int80_0(nr) };
    };
    let ret;
    // SAFETY: `entry` is the kernel's `__kernel_vsyscall`, which preserves all registers but eax
    // and EFLAGS (so no `preserves_flags`); the call pushes its return address (no `nostack`).
    unsafe {
        core::arch::asm!(
            "call {entry}",
            entry = in(reg) entry,
            inlateout("eax") nr => ret,
        );
    }
    ret
}

/// `call __kernel_vsyscall` with 1 argument.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn sysenter1(nr: Reg, a0: Reg) -> Reg {
    let Some(entry) = vsyscall_entry() else {
        // SAFETY: the same call through the fallback gate.
        return unsafe { int80_1(nr, a0) };
    };
    let ret;
    // SAFETY: as in `sysenter0`.
    unsafe {
        core::arch::asm!(
            "call {entry}",
            entry = in(reg) entry,
            inlateout("eax") nr => ret,
            in("ebx") a0,
        );
    }
    ret
}

/// `call __kernel_vsyscall` with 2 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn sysenter2(nr: Reg, a0: Reg, a1: Reg) -> Reg {
    let Some(entry) = vsyscall_entry() else {
        // SAFETY: the same call through the fallback gate.
        return unsafe { int80_2(nr, a0, a1) };
    };
    let ret;
    // SAFETY: as in `sysenter0`.
    unsafe {
        core::arch::asm!(
            "call {entry}",
            entry = in(reg) entry,
            inlateout("eax") nr => ret,
            in("ebx") a0, in("ecx") a1,
        );
    }
    ret
}

/// `call __kernel_vsyscall` with 3 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn sysenter3(nr: Reg, a0: Reg, a1: Reg, a2: Reg) -> Reg {
    let Some(entry) = vsyscall_entry() else {
        // SAFETY: the same call through the fallback gate.
        return unsafe { int80_3(nr, a0, a1, a2) };
    };
    let ret;
    // SAFETY: as in `sysenter0`.
    unsafe {
        core::arch::asm!(
            "call {entry}",
            entry = in(reg) entry,
            inlateout("eax") nr => ret,
            in("ebx") a0, in("ecx") a1, in("edx") a2,
        );
    }
    ret
}

/// `call __kernel_vsyscall` with 4 arguments: `esi`, the number and the entry come from an
/// array addressed by `eax`; the entry is pushed and called through the stack.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn sysenter4(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg) -> Reg {
    let Some(entry) = vsyscall_entry() else {
        // SAFETY: the same call through the fallback gate.
        return unsafe { int80_4(nr, a0, a1, a2, a3) };
    };
    let ret;
    let rest: [Reg; 3] = [a3, nr, entry as Reg];
    // SAFETY: as in `sysenter0`; esi is pushed and popped around the call, the pushed entry is
    // dropped with `lea` after it, and `rest` outlives the asm, which only reads it.
    unsafe {
        core::arch::asm!(
            "push esi",
            "mov esi, dword ptr [eax]",
            "push dword ptr [eax + 8]",
            "mov eax, dword ptr [eax + 4]",
            "call dword ptr [esp]",
            "lea esp, [esp + 4]",
            "pop esi",
            inlateout("eax") rest.as_ptr() => ret,
            in("ebx") a0, in("ecx") a1, in("edx") a2,
        );
    }
    ret
}

/// `call __kernel_vsyscall` with 5 arguments.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn sysenter5(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg) -> Reg {
    let Some(entry) = vsyscall_entry() else {
        // SAFETY: the same call through the fallback gate.
        return unsafe { int80_5(nr, a0, a1, a2, a3, a4) };
    };
    let ret;
    let rest: [Reg; 3] = [a3, nr, entry as Reg];
    // SAFETY: as in `sysenter4`.
    unsafe {
        core::arch::asm!(
            "push esi",
            "mov esi, dword ptr [eax]",
            "push dword ptr [eax + 8]",
            "mov eax, dword ptr [eax + 4]",
            "call dword ptr [esp]",
            "lea esp, [esp + 4]",
            "pop esi",
            inlateout("eax") rest.as_ptr() => ret,
            in("ebx") a0, in("ecx") a1, in("edx") a2, in("edi") a4,
        );
    }
    ret
}

/// `call __kernel_vsyscall` with 6 arguments (`ebp` too is pushed, loaded and popped).
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn sysenter6(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg, a5: Reg) -> Reg {
    let Some(entry) = vsyscall_entry() else {
        // SAFETY: the same call through the fallback gate.
        return unsafe { int80_6(nr, a0, a1, a2, a3, a4, a5) };
    };
    let ret;
    let rest: [Reg; 4] = [a3, a5, nr, entry as Reg];
    // SAFETY: as in `sysenter4`; ebp is restored before the asm ends, so the frame pointer is
    // intact whenever Rust code can see it.
    unsafe {
        core::arch::asm!(
            "push ebp",
            "push esi",
            "mov esi, dword ptr [eax]",
            "mov ebp, dword ptr [eax + 4]",
            "push dword ptr [eax + 12]",
            "mov eax, dword ptr [eax + 8]",
            "call dword ptr [esp]",
            "lea esp, [esp + 4]",
            "pop esi",
            "pop ebp",
            inlateout("eax") rest.as_ptr() => ret,
            in("ebx") a0, in("ecx") a1, in("edx") a2, in("edi") a4,
        );
    }
    ret
}

/// `call __kernel_vsyscall` for a call that does not return on success; `ud2` traps if it does.
///
/// # Safety
/// As [`int80_0`].
#[inline(always)]
pub unsafe fn sysenter1_noreturn(nr: Reg, a0: Reg) -> ! {
    let Some(entry) = vsyscall_entry() else {
        // SAFETY: the same call through the fallback gate.
        unsafe { int80_1_noreturn(nr, a0) }
    };
    // SAFETY: as in `sysenter0`; control never comes back.
    unsafe {
        core::arch::asm!(
            "call {entry}",
            "ud2",
            entry = in(reg) entry,
            in("eax") nr,
            in("ebx") a0,
            options(noreturn)
        );
    }
}
