//! `getrandom` through the vDSO (`__vdso_getrandom` on x86_64, `__kernel_getrandom` on arm64,
//! `__vdso_getrandom` on riscv64): the vgetrandom ABI of the kernel's `lib/vdso/getrandom.c`.
//!
//! Work in progress: the opaque-state allocator is being written; until it lands every call
//! takes the documented fallback, the `getrandom` system call.

use crate::__private::Register;
use crate::vdso::VdsoFn;

impl VdsoFn {
    /// `getrandom(buf, len, flags)` through the vDSO when the process has it and a state is
    /// available, else `fallback` (the kernel entry).
    ///
    /// # Safety
    /// `self` must be the vDSO's vgetrandom symbol and `buf` valid for `len` bytes of writes.
    #[inline(always)]
    pub unsafe fn getrandom<R: Register>(
        &self,
        buf: R,
        len: R,
        flags: R,
        fallback: impl FnOnce() -> R,
    ) -> R {
        let _ = (buf, len, flags);
        fallback()
    }
}
