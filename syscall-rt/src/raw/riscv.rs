//! RISC-V kernel entry (riscv64 and riscv32): `ecall`.
//!
//! Number in `a7`; arguments in `a0`–`a5`; result in `a0`. The kernel preserves every other
//! register; RISC-V has no flags register (`preserves_flags` holds trivially). On riscv32 a
//! 64-bit argument takes two consecutive registers, low word first.

/// An argument register.
pub type Reg = usize;
/// An argument register, signed (the kernel's `long`).
pub type SReg = isize;

/// `ecall` with no argument.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn ecall0(nr: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            lateout("a0") ret,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `ecall` with 1 argument.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn ecall1(nr: Reg, a0: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `ecall` with 2 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn ecall2(nr: Reg, a0: Reg, a1: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `ecall` with 3 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn ecall3(nr: Reg, a0: Reg, a1: Reg, a2: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `ecall` with 4 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn ecall4(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `ecall` with 5 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn ecall5(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3, in("a4") a4,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `ecall` with 6 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn ecall6(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg, a5: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3, in("a4") a4, in("a5") a5,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `ecall` for a call that does not return on success; `unimp` traps if it does.
///
/// # Safety
/// As [`ecall0`].
#[inline(always)]
pub unsafe fn ecall1_noreturn(nr: Reg, a0: Reg) -> ! {
    // SAFETY: as in `ecall0`; control never comes back.
    unsafe {
        core::arch::asm!(
            "ecall",
            "unimp",
            in("a7") nr,
            in("a0") a0,
            options(nostack, noreturn)
        );
    }
}
