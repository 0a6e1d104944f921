//! What the compiler expects a C library to provide, for programs without one (feature
//! `libc-free`): `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp`, which code generation calls for
//! copies, fills and comparisons of memory (in `core` and in this crate alike), `strlen`, which
//! the optimizer substitutes for a loop that scans for a NUL byte (`CStr::from_ptr`, or a
//! hand-written scan of `argv`: seen in `examples/no-std-hello`'s sandbox binary), and
//! `rust_eh_personality` (and Arm's `__aeabi_unwind_cpp_pr0`–`pr2`), which the precompiled `core`
//! refers to even when the program aborts on panic. With this feature a `#![no_std]` `#![no_main]` static binary needs nothing of its own
//! but `_start` and the panic handler (`examples/no-std-hello`).
//!
//! Never enable it in a program that links a C library: these definitions would replace the C
//! library's for the whole program (the crate refuses the `std` feature beside it). The loops
//! use volatile accesses so that the optimizer cannot turn them back into calls of the very
//! functions they define; they copy a byte at a time, which is slow for large buffers and plenty
//! for what a system-call program moves.

#[cfg(feature = "std")]
compile_error!("the `libc-free` feature is for programs without a C library: disable `std`");

/// `memcpy(3)`.
///
/// # Safety
/// `src` and `dest` valid for `n` bytes, not overlapping.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    for i in 0..n {
        // SAFETY: the caller's contract: both ranges are valid for `n` bytes.
        unsafe { dest.add(i).write_volatile(src.add(i).read_volatile()) };
    }
    dest
}

/// `memmove(3)`.
///
/// # Safety
/// `src` and `dest` valid for `n` bytes; they may overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dest as usize) < (src as usize) {
        for i in 0..n {
            // SAFETY: as `memcpy`; copying forwards is right when `dest` is below `src`.
            unsafe { dest.add(i).write_volatile(src.add(i).read_volatile()) };
        }
    } else {
        for i in (0..n).rev() {
            // SAFETY: as above, backwards when `dest` is above `src`.
            unsafe { dest.add(i).write_volatile(src.add(i).read_volatile()) };
        }
    }
    dest
}

/// `memset(3)`.
///
/// # Safety
/// `dest` valid for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dest: *mut u8, c: i32, n: usize) -> *mut u8 {
    for i in 0..n {
        // SAFETY: the caller's contract: `dest` is valid for `n` bytes.
        unsafe { dest.add(i).write_volatile(c as u8) };
    }
    dest
}

/// `strlen(3)`.
///
/// # Safety
/// `s` points to a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: the caller's contract: every byte up to the NUL is readable.
    while unsafe { s.add(n).read_volatile() } != 0 {
        n += 1;
    }
    n
}

/// `memcmp(3)`.
///
/// # Safety
/// `a` and `b` valid for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    for i in 0..n {
        // SAFETY: the caller's contract: both are valid for `n` bytes.
        let (x, y) = unsafe { (a.add(i).read_volatile(), b.add(i).read_volatile()) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
    }
    0
}

/// `bcmp(3)`: zero when equal.
///
/// # Safety
/// `a` and `b` valid for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the same contract.
    unsafe { memcmp(a, b, n) }
}

/// The personality routine of unwinding, which the precompiled `core` names in its unwind
/// tables. A program built with `panic = "abort"` never unwinds, so it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

/// Arm EHABI's personality routines, which the unwind index (`.ARM.exidx`) of the precompiled
/// `core` names; like [`rust_eh_personality`], never called by a program that aborts on panic.
#[cfg(target_arch = "arm")]
#[unsafe(no_mangle)]
pub extern "C" fn __aeabi_unwind_cpp_pr0() {}

/// As [`__aeabi_unwind_cpp_pr0`].
#[cfg(target_arch = "arm")]
#[unsafe(no_mangle)]
pub extern "C" fn __aeabi_unwind_cpp_pr1() {}

/// As [`__aeabi_unwind_cpp_pr0`].
#[cfg(target_arch = "arm")]
#[unsafe(no_mangle)]
pub extern "C" fn __aeabi_unwind_cpp_pr2() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_functions_do_what_libc_does() {
        let mut buf = *b"0123456789";
        // SAFETY: in-bounds ranges of `buf`.
        unsafe {
            memmove(buf.as_mut_ptr().add(2), buf.as_ptr(), 5);
            assert_eq!(&buf, b"0101234789");
            memmove(buf.as_mut_ptr(), buf.as_ptr().add(3), 4);
            assert_eq!(&buf, b"1234234789");
            memset(buf.as_mut_ptr(), i32::from(b'x'), 3);
            assert_eq!(&buf, b"xxx4234789");
            let src = *b"abc";
            memcpy(buf.as_mut_ptr().add(7), src.as_ptr(), 3);
            assert_eq!(&buf, b"xxx4234abc");
            assert_eq!(memcmp(b"abc".as_ptr(), b"abd".as_ptr(), 3), -1);
            assert_eq!(memcmp(b"abc".as_ptr(), b"abc".as_ptr(), 3), 0);
            assert_ne!(bcmp(b"b".as_ptr(), b"a".as_ptr(), 1), 0);
            assert_eq!(strlen(b"argv\0".as_ptr()), 4);
            assert_eq!(strlen(b"\0".as_ptr()), 0);
        }
    }
}
