//! AArch64 kernel entry: `svc #0`.
//!
//! Number in `x8`; arguments in `x0`–`x5`; result in `x0`. The kernel restores every other
//! register and PSTATE on `eret`, so the stubs clobber only `x0` (the result) and keep
//! `preserves_flags`; no stack is touched (`nostack`).

/// An argument register.
pub type Reg = u64;
/// An argument register, signed (the kernel's `long`).
pub type SReg = i64;

/// `svc #0` with no argument.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc0(nr: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc #0",
            in("x8") nr,
            lateout("x0") ret,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc #0` with 1 argument.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc1(nr: Reg, a0: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc #0` with 2 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc2(nr: Reg, a0: Reg, a1: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret, in("x1") a1,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc #0` with 3 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc3(nr: Reg, a0: Reg, a1: Reg, a2: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc #0` with 4 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc4(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2, in("x3") a3,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc #0` with 5 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc5(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2, in("x3") a3, in("x4") a4,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc #0` with 6 arguments.
///
/// # Safety
/// The system call `nr` with these arguments must be sound to make (see its documentation).
#[inline(always)]
pub unsafe fn svc6(nr: Reg, a0: Reg, a1: Reg, a2: Reg, a3: Reg, a4: Reg, a5: Reg) -> Reg {
    let ret;
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the result's.
    unsafe {
        core::arch::asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2, in("x3") a3, in("x4") a4, in("x5") a5,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// `svc #0` for a call that does not return on success; `udf #0` traps if it does.
///
/// # Safety
/// As [`svc0`].
#[inline(always)]
pub unsafe fn svc1_noreturn(nr: Reg, a0: Reg) -> ! {
    // SAFETY: as in `svc0`; control never comes back.
    unsafe {
        core::arch::asm!(
            "svc #0",
            "udf #0",
            in("x8") nr,
            in("x0") a0,
            options(nostack, noreturn)
        );
    }
}
