//! `getrandom` of 16 bytes: fast-syscall's vDSO path (the default), its kernel entry, libc's
//! `getrandom()`, rustix, the `getrandom` crate, and the physical limit — the vDSO function
//! called directly with a state allocated beforehand (what the vDSO path would cost with no
//! state management at all). The criterion bench (`benches/getrandom.rs`) measures the same.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::Probe;

/// fast-syscall declarations, as users write them.
pub mod ours {
    use syscall_rt::fast_syscall;

    /// `getrandom`: through the vDSO where the table lists vgetrandom (x86_64, aarch64,
    /// riscv64), else the kernel entry.
    #[fast_syscall(name = "getrandom")]
    pub unsafe fn getrandom(buf: *mut u8, len: usize, flags: u32) -> isize;

    /// `getrandom` through the kernel entry.
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    #[fast_syscall(name = "getrandom", via = "syscall")]
    pub unsafe fn getrandom_kernel(buf: *mut u8, len: usize, flags: u32) -> isize;
    /// `getrandom` through the kernel entry.
    #[cfg(target_arch = "x86")]
    #[fast_syscall(name = "getrandom", via = "sysenter")]
    pub unsafe fn getrandom_kernel(buf: *mut u8, len: usize, flags: u32) -> isize;
}

/// The vDSO function called directly with one state mapped beforehand: the physical limit.
/// Single-threaded: the one state must never be used by two threads at once.
pub mod direct {
    use super::*;

    /// (function, state, state size), set up once by [`setup`].
    static FUNC: AtomicUsize = AtomicUsize::new(0);
    static STATE: AtomicUsize = AtomicUsize::new(0);
    static SIZE: AtomicUsize = AtomicUsize::new(0);

    type Vgetrandom = unsafe extern "C" fn(*mut u8, usize, u32, usize, usize) -> isize;

    /// The target's vgetrandom symbol.
    pub fn symbol() -> Option<(&'static [u8], &'static [u8])> {
        if cfg!(all(target_arch = "x86_64", target_pointer_width = "64"))
            || cfg!(target_arch = "riscv64")
        {
            Some((
                b"__vdso_getrandom",
                if cfg!(target_arch = "riscv64") {
                    b"LINUX_4.15"
                } else {
                    b"LINUX_2.6"
                },
            ))
        } else if cfg!(target_arch = "aarch64") {
            Some((b"__kernel_getrandom", b"LINUX_2.6.39"))
        } else {
            None
        }
    }

    /// Finds the function, asks it for its parameters and maps one state as it says; `false`
    /// when the vDSO has no vgetrandom.
    pub fn setup() -> bool {
        if STATE.load(Ordering::Relaxed) != 0 {
            return true;
        }
        let Some((name, version)) = symbol() else {
            return false;
        };
        let Some(f) = syscall_rt::vdso::lookup(name, version) else {
            return false;
        };
        // SAFETY: the vDSO's vgetrandom, with its C signature.
        let f: Vgetrandom = unsafe { core::mem::transmute::<usize, Vgetrandom>(f) };
        let mut params = [0u32; 16];
        // SAFETY: the params query (NULL, 0, 0, &params, ~0UL) writes 64 bytes.
        if unsafe {
            f(
                core::ptr::null_mut(),
                0,
                0,
                params.as_mut_ptr() as usize,
                usize::MAX,
            )
        } != 0
        {
            return false;
        }
        // SAFETY: a fresh anonymous mapping with the vDSO's protection and flags.
        let state = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                4096,
                params[1] as i32,
                params[2] as i32,
                -1,
                0,
            )
        };
        if state == libc::MAP_FAILED {
            return false;
        }
        SIZE.store(params[0] as usize, Ordering::Relaxed);
        FUNC.store(f as usize, Ordering::Relaxed);
        STATE.store(state as usize, Ordering::Release);
        true
    }

    /// One call with the pre-allocated state.
    ///
    /// # Safety
    /// [`setup`] returned `true`; `buf` is writable for `len` bytes; one thread only.
    #[inline(always)]
    pub unsafe fn getrandom(buf: *mut u8, len: usize, flags: u32) -> isize {
        let f = FUNC.load(Ordering::Relaxed);
        // SAFETY: set by `setup` to the vDSO's vgetrandom.
        let f: Vgetrandom = unsafe { core::mem::transmute::<usize, Vgetrandom>(f) };
        // SAFETY: the caller's guarantees; the state and its size from `setup`.
        unsafe {
            f(
                buf,
                len,
                flags,
                STATE.load(Ordering::Relaxed),
                SIZE.load(Ordering::Relaxed),
            )
        }
    }
}

/// The main job's getrandom table: 16 bytes through every path the target has, the direct
/// vDSO call first (the reference of the ratios).
pub fn comparison() -> Vec<Probe> {
    let mut probes = Vec::new();
    if direct::setup() {
        probes.push(probe!(
            "getrandom 16 B",
            "vDSO called directly, state pre-allocated",
            {
                let mut b = [0u8; 16];
                // SAFETY: set up above; the main job measures on one thread.
                unsafe { direct::getrandom(b.as_mut_ptr(), 16, 0) };
                b
            }
        ));
    }
    probes.push(probe!("getrandom 16 B", "fast-syscall default (vDSO)", {
        let mut b = [0u8; 16];
        // SAFETY: a writable buffer.
        unsafe { ours::getrandom(b.as_mut_ptr(), 16, 0) };
        b
    }));
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    probes.push(probe!("getrandom 16 B", "kernel entry (fast-syscall)", {
        let mut b = [0u8; 16];
        // SAFETY: a writable buffer.
        unsafe { ours::getrandom_kernel(b.as_mut_ptr(), 16, 0) };
        b
    }));
    probes.push(probe!("getrandom 16 B", "libc getrandom()", {
        let mut b = [0u8; 16];
        // SAFETY: a writable buffer.
        unsafe { libc::getrandom(b.as_mut_ptr().cast(), 16, 0) };
        b
    }));
    probes.push(probe!("getrandom 16 B", "rustix::rand::getrandom", {
        let mut b = [0u8; 16];
        let _ = rustix::rand::getrandom(&mut b, rustix::rand::GetRandomFlags::empty());
        b
    }));
    probes.push(probe!("getrandom 16 B", "getrandom crate (fill)", {
        let mut b = [0u8; 16];
        let _ = getrandom::fill(&mut b);
        b
    }));
    if !direct::setup() {
        probes[0].how = "fast-syscall default (no vDSO getrandom here: kernel entry)";
    }
    probes
}
