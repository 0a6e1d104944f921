//! Arm EABI kernel entry: `svc 0`.
//!
//! Number in `r7`; arguments in `r0`–`r5`; result in `r0`. A 64-bit argument takes an even/odd
//! register pair (r0:r1, r2:r3, r4:r5), low word first — the tables give each argument's
//! registers, and the macro leaves the skipped register 0. The kernel restores every other
//! register and the CPSR flags, so the stubs clobber only `r0` and keep `preserves_flags`.
//!
//! `r7` is an operand here, which LLVM allows in ARM mode (it is the frame pointer only in
//! Thumb mode; Thumb targets are not supported yet).

/// An argument register.
pub type Reg = u32;
/// An argument register, signed (the kernel's `long`).
pub type SReg = i32;

/// `svc 0` with no argument.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc0(nr: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") nr,
            lateout("r0") ret,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc 0` with 1 argument.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc1(nr: Reg, a0: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") nr,
            inlateout("r0") a0 => ret,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc 0` with 2 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc2(nr: Reg, a0: Reg, a1: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") nr,
            inlateout("r0") a0 => ret, in("r1") a1,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc 0` with 3 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc3(nr: Reg, a0: Reg, a1: Reg, a2: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") nr,
            inlateout("r0") a0 => ret, in("r1") a1, in("r2") a2,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc 0` with 4 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc4(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") nr,
            inlateout("r0") a0 => ret, in("r1") a1, in("r2") a2, in("r3") a3,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc 0` with 5 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc5(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") nr,
            inlateout("r0") a0 => ret, in("r1") a1, in("r2") a2, in("r3") a3, in("r4") a4,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc 0` with 6 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc6(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg, a5: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc 0",
            in("r7") nr,
            inlateout("r0") a0 => ret, in("r1") a1, in("r2") a2, in("r3") a3, in("r4") a4, in("r5") a5,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc 0` for a call that does not return on success; `udf #0` traps if it does.
///
/// # Safety
/// As [`svc0`].
#[inline(always)]
pub unsafe fn svc1_noreturn(nr: Reg, a0: Reg) -> ! {
    // SAFETY: as in `svc0`; control never comes back.
    unsafe {
        core::arch::asm!(
            "svc 0",
            "udf #0",
            in("r7") nr,
            in("r0") a0,
            options(nostack, noreturn)
        );
    }
}
