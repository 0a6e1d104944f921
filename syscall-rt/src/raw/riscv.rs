//! RISC-V kernel entry (riscv64 and riscv32): `ecall`.
//!
//! Number in `a7`; arguments in `a0`–`a5`; result in `a0`. The kernel preserves every other
//! integer and floating-point register, but **not the vector state**: a system call leaves
//! `v0`–`v31`, `vl`, `vtype` and `vstart` unspecified (Documentation/arch/riscv/vector.rst,
//! "Vector Register State Across System Calls"). So every stub declares `v0`–`v31` clobbered,
//! and none claims `preserves_flags`, which on RISC-V promises that `vtype`, `vl` and the other
//! vector status registers survive (rustix made the same fix). Code that keeps no vector values
//! live pays nothing for the clobbers. On riscv32 a 64-bit argument takes two consecutive
//! registers, low word first.

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
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the
    // result's and the vector state, declared clobbered (see module doc).
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            lateout("a0") ret,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _, out("v17") _,
            out("v18") _, out("v19") _, out("v20") _, out("v21") _, out("v22") _, out("v23") _,
            out("v24") _, out("v25") _, out("v26") _, out("v27") _, out("v28") _, out("v29") _,
            out("v30") _, out("v31") _,
            // Not `preserves_flags`: the vector status registers do not survive the call.
            options(nostack)
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
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the
    // result's and the vector state, declared clobbered (see module doc).
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _, out("v17") _,
            out("v18") _, out("v19") _, out("v20") _, out("v21") _, out("v22") _, out("v23") _,
            out("v24") _, out("v25") _, out("v26") _, out("v27") _, out("v28") _, out("v29") _,
            out("v30") _, out("v31") _,
            // Not `preserves_flags`: the vector status registers do not survive the call.
            options(nostack)
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
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the
    // result's and the vector state, declared clobbered (see module doc).
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _, out("v17") _,
            out("v18") _, out("v19") _, out("v20") _, out("v21") _, out("v22") _, out("v23") _,
            out("v24") _, out("v25") _, out("v26") _, out("v27") _, out("v28") _, out("v29") _,
            out("v30") _, out("v31") _,
            // Not `preserves_flags`: the vector status registers do not survive the call.
            options(nostack)
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
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the
    // result's and the vector state, declared clobbered (see module doc).
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _, out("v17") _,
            out("v18") _, out("v19") _, out("v20") _, out("v21") _, out("v22") _, out("v23") _,
            out("v24") _, out("v25") _, out("v26") _, out("v27") _, out("v28") _, out("v29") _,
            out("v30") _, out("v31") _,
            // Not `preserves_flags`: the vector status registers do not survive the call.
            options(nostack)
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
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the
    // result's and the vector state, declared clobbered (see module doc).
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _, out("v17") _,
            out("v18") _, out("v19") _, out("v20") _, out("v21") _, out("v22") _, out("v23") _,
            out("v24") _, out("v25") _, out("v26") _, out("v27") _, out("v28") _, out("v29") _,
            out("v30") _, out("v31") _,
            // Not `preserves_flags`: the vector status registers do not survive the call.
            options(nostack)
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
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the
    // result's and the vector state, declared clobbered (see module doc).
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3, in("a4") a4,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _, out("v17") _,
            out("v18") _, out("v19") _, out("v20") _, out("v21") _, out("v22") _, out("v23") _,
            out("v24") _, out("v25") _, out("v26") _, out("v27") _, out("v28") _, out("v29") _,
            out("v30") _, out("v31") _,
            // Not `preserves_flags`: the vector status registers do not survive the call.
            options(nostack)
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
    // SAFETY: the caller vouches for the call; the kernel preserves every register but the
    // result's and the vector state, declared clobbered (see module doc).
    unsafe {
        core::arch::asm!(
            "ecall",
            in("a7") nr,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3, in("a4") a4, in("a5") a5,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _, out("v17") _,
            out("v18") _, out("v19") _, out("v20") _, out("v21") _, out("v22") _, out("v23") _,
            out("v24") _, out("v25") _, out("v26") _, out("v27") _, out("v28") _, out("v29") _,
            out("v30") _, out("v31") _,
            // Not `preserves_flags`: the vector status registers do not survive the call.
            options(nostack)
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
