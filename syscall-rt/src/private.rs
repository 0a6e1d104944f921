//! What the `#[fast_syscall]` expansion calls (re-exported as `__private`; not a stable API).
//!
//! The expansion names nothing of the user's scope: every conversion it needs is a function or
//! trait here, reached by an absolute path, so that a `type u64 = u32;` or a unit struct named
//! like a local in the user's module cannot change what reaches the kernel. Each helper is
//! `#[inline(always)]` and compiles to the casts a hand-written stub would have (the instruction
//! counter in `syscall-bench` checks it).

use crate::Errno;

#[cfg(target_arch = "aarch64")]
pub use crate::raw::aarch64;
#[cfg(target_arch = "arm")]
pub use crate::raw::arm;
#[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
pub use crate::raw::riscv;
#[cfg(target_arch = "x86")]
pub use crate::raw::x86;
#[cfg(target_arch = "x86_64")]
pub use crate::raw::x86_64;
/// The kernel types the layout checks compare with (`uapi_root::stat`, `uapi_root::net::…`).
pub use crate::uapi as uapi_root;
pub use crate::vdso::VdsoFn;

// ------------------------------------------------------------------------ arguments

/// An integer type that can carry a `BITS`-bit system-call argument. Every integer argument of
/// a declaration goes through it, so a type that is not what its name suggests (an alias, or a
/// primitive's name shadowed in the user's module) is refused unless it has the kernel's width.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot carry this {BITS}-bit system-call argument",
    label = "the kernel reads {BITS} bits here",
    note = "use an integer type of exactly that width (signedness may differ)"
)]
pub trait IntArg<const BITS: u32>: Copy {
    /// The value's bits, zero-extended to 64 (the kernel's kind decides the extension, see
    /// [`widen`]).
    fn to_u64(self) -> u64;
}

macro_rules! int_arg {
    ($bits:literal: $($t:ty),*) => {$(
        impl IntArg<$bits> for $t {
            #[inline(always)]
            fn to_u64(self) -> u64 {
                self as u64
            }
        }
    )*};
}
// A 16-bit kind (umode_t, old uid_t) also takes a 32-bit integer: C passes it promoted.
int_arg!(16: i16, u16, i32, u32);
int_arg!(32: i32, u32);
int_arg!(64: i64, u64);
#[cfg(target_pointer_width = "32")]
int_arg!(32: isize, usize);
#[cfg(target_pointer_width = "64")]
int_arg!(64: isize, usize);

/// Extends the low `BITS` bits of an argument to 64 by the **kernel's** kind: sign-extended
/// when `SIGNED`, else zero-extended. The Rust type's own signedness plays no part: a `u32`
/// passed for x32's 32-bit `long` reaches the kernel sign-extended, as C would pass it.
#[inline(always)]
pub fn widen<const BITS: u32, const SIGNED: bool>(value: u64) -> u64 {
    match (BITS, SIGNED) {
        (16, true) => value as i16 as i64 as u64,
        (16, false) => value as u16 as u64,
        (32, true) => value as i32 as i64 as u64,
        (32, false) => value as u32 as u64,
        _ => value,
    }
}

/// A raw pointer argument.
pub trait PtrArg: Copy {
    /// The address, zero-extended to 64 bits.
    fn to_u64(self) -> u64;
}

impl<T: ?Sized> PtrArg for *const T {
    #[inline(always)]
    fn to_u64(self) -> u64 {
        self.cast::<u8>() as usize as u64
    }
}

impl<T: ?Sized> PtrArg for *mut T {
    #[inline(always)]
    fn to_u64(self) -> u64 {
        self.cast::<u8>() as usize as u64
    }
}

/// The address of a pointer argument (see [`PtrArg`]).
#[inline(always)]
pub fn ptr<P: PtrArg>(pointer: P) -> u64 {
    pointer.to_u64()
}

// ------------------------------------------------------------------------ results

/// A result register as a primitive returns it (`u64` on 64-bit registers, `u32` on 32-bit ones
/// and for `int 0x80` from x86_64).
pub trait Register: Copy {
    /// Whether the value is `-errno` (-4095..=-1 in this register's width).
    fn is_error(self) -> bool;
    /// The error number of an error value.
    fn errno(self) -> Errno;
    /// The value as 64 bits. A 64-bit register already holds the kernel's `long` in full; a
    /// 32-bit one is extended by the return kind (`SIGNED`): addresses and unsigned ids
    /// zero-extend, signed values sign-extend.
    fn widen<const SIGNED: bool>(self) -> u64;
    /// A C `int` returned by a vDSO function, as this register.
    fn from_c_int(value: i32) -> Self;
}

impl Register for u64 {
    #[inline(always)]
    fn is_error(self) -> bool {
        self > -4096i64 as u64
    }
    #[inline(always)]
    fn errno(self) -> Errno {
        Errno::from_raw((self as i64).wrapping_neg() as i32)
    }
    #[inline(always)]
    fn widen<const SIGNED: bool>(self) -> u64 {
        self
    }
    #[inline(always)]
    fn from_c_int(value: i32) -> u64 {
        value as i64 as u64
    }
}

impl Register for u32 {
    #[inline(always)]
    fn is_error(self) -> bool {
        self > -4096i32 as u32
    }
    #[inline(always)]
    fn errno(self) -> Errno {
        Errno::from_raw((self as i32).wrapping_neg())
    }
    #[inline(always)]
    fn widen<const SIGNED: bool>(self) -> u64 {
        if SIGNED {
            self as i32 as i64 as u64
        } else {
            self as u64
        }
    }
    #[inline(always)]
    fn from_c_int(value: i32) -> u32 {
        value as u32
    }
}

impl Register for usize {
    #[inline(always)]
    fn is_error(self) -> bool {
        self > -4096isize as usize
    }
    #[inline(always)]
    fn errno(self) -> Errno {
        Errno::from_raw((self as isize).wrapping_neg() as i32)
    }
    #[inline(always)]
    fn widen<const SIGNED: bool>(self) -> u64 {
        if SIGNED {
            self as isize as i64 as u64
        } else {
            self as u64
        }
    }
    #[inline(always)]
    fn from_c_int(value: i32) -> usize {
        value as isize as usize
    }
}

/// An integer type that can hold a `BITS`-bit system-call result: the backstop of the macro's
/// own check of the return type, for aliases and shadowed primitive names.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is too narrow for this {BITS}-bit system-call result",
    label = "the kernel returns {BITS} bits here",
    note = "use an integer type of at least that width"
)]
pub trait FromRet<const BITS: u32>: Copy {
    /// The value, truncated to this type.
    fn from_u64(value: u64) -> Self;
}

macro_rules! from_ret {
    ($bits:literal: $($t:ty),*) => {$(
        impl FromRet<$bits> for $t {
            #[inline(always)]
            fn from_u64(value: u64) -> $t {
                value as $t
            }
        }
    )*};
}
from_ret!(16: i16, u16, i32, u32, i64, u64, isize, usize);
from_ret!(32: i32, u32, i64, u64, isize, usize);
from_ret!(64: i64, u64);
#[cfg(target_pointer_width = "64")]
from_ret!(64: isize, usize);

/// A raw return: the kernel's value. When the type is wider than the register, `-errno` stays
/// negative (sign-extended) and any other value is extended by the return kind (`BITS` wide,
/// `SIGNED` or not): an i386 `mmap2` address above 2 GiB stays itself in a `u64`, its `-EINVAL`
/// stays -22 in an `i64`. Where the type is no wider than the register the choice is folded
/// away.
#[inline(always)]
pub fn ret<R: Register, T: FromRet<BITS>, const BITS: u32, const SIGNED: bool>(raw: R) -> T {
    if raw.is_error() {
        T::from_u64(raw.widen::<true>())
    } else {
        T::from_u64(raw.widen::<SIGNED>())
    }
}

/// A `Result<T, Errno>` return: -4095..=-1 are errors (one unsigned compare).
#[inline(always)]
pub fn result<R: Register, T: FromRet<BITS>, const BITS: u32, const SIGNED: bool>(
    raw: R,
) -> Result<T, Errno> {
    if raw.is_error() {
        Err(raw.errno())
    } else {
        Ok(T::from_u64(raw.widen::<SIGNED>()))
    }
}

/// A `Result<(), Errno>` return.
#[inline(always)]
pub fn result_unit<R: Register>(raw: R) -> Result<(), Errno> {
    if raw.is_error() {
        Err(raw.errno())
    } else {
        Ok(())
    }
}

/// The low 32 bits of a 64-bit argument split across two registers.
#[inline(always)]
pub fn low_word(value: u64) -> u32 {
    value as u32
}

/// The high 32 bits of a 64-bit argument split across two registers.
#[inline(always)]
pub fn high_word(value: u64) -> u32 {
    (value >> 32) as u32
}

// ------------------------------------------------------------------------ vDSO calls

macro_rules! vdso_calls {
    ($($name:ident($($arg:ident),*);)*) => {
        impl VdsoFn {
            $(
                /// Calls the vDSO function with these arguments when the process has it, else
                /// `fallback` (the kernel entry). `LONG`: the function returns a register-wide
                /// value (`time_t`), else a C `int`.
                ///
                /// # Safety
                /// The symbol must be the vDSO's version of the system call that `fallback`
                /// makes, taking these arguments, and the call must be sound to make.
                #[inline(always)]
                #[allow(clippy::too_many_arguments)]
                pub unsafe fn $name<R: Register, const LONG: bool>(
                    &self,
                    $($arg: R,)*
                    fallback: impl FnOnce() -> R,
                ) -> R {
                    let Some(address) = self.get() else {
                        return fallback();
                    };
                    if LONG {
                        // SAFETY: the caller vouches that the symbol is this call's vDSO
                        // function; `address` is its entry point in the mapped image, and it
                        // follows the C ABI with register-sized arguments and result.
                        let f: unsafe extern "C" fn($($arg: R),*) -> R =
                            unsafe { core::mem::transmute::<usize, _>(address) };
                        // SAFETY: as above; the caller vouches for the arguments.
                        unsafe { f($($arg),*) }
                    } else {
                        // SAFETY: as above, with a C `int` result.
                        let f: unsafe extern "C" fn($($arg: R),*) -> i32 =
                            unsafe { core::mem::transmute::<usize, _>(address) };
                        // SAFETY: as above.
                        R::from_c_int(unsafe { f($($arg),*) })
                    }
                }
            )*
        }
    };
}

vdso_calls! {
    call0();
    call1(a0);
    call2(a0, a1);
    call3(a0, a1, a2);
    call4(a0, a1, a2, a3);
    call5(a0, a1, a2, a3, a4);
    call6(a0, a1, a2, a3, a4, a5);
}

// ------------------------------------------------------------------------ layout checks

/// Fails the build (from a `const` item of the expansion) when a declaration's pointee `U` has
/// not the size of the kernel's type `K` for this ABI — or, when the kernel needs it (`aligned`),
/// a smaller alignment. The message names both sizes and the kernel type:
/// "`statbuf` of `fstat`: struct stat is 144 bytes on x86_64; `[u8; 100]` is 100".
pub const fn check_pointee<U, K>(
    param: &str,
    call: &str,
    kernel_type: &str,
    abi: &str,
    user_type: &str,
    aligned: bool,
) {
    let (size, kernel_size) = (core::mem::size_of::<U>(), core::mem::size_of::<K>());
    let (align, kernel_align) = (core::mem::align_of::<U>(), core::mem::align_of::<K>());
    if size == kernel_size && (!aligned || align >= kernel_align) {
        return;
    }
    let mut m = Message::new();
    m.push("`");
    m.push(param);
    m.push("` of `");
    m.push(call);
    m.push("`: ");
    m.push(kernel_type);
    if size != kernel_size {
        m.push(" is ");
        m.number(kernel_size);
        m.push(" bytes on ");
        m.push(abi);
        m.push("; `");
        m.push(user_type);
        m.push("` is ");
        m.number(size);
    } else {
        m.push(" must be aligned to ");
        m.number(kernel_align);
        m.push(" bytes on ");
        m.push(abi);
        m.push("; `");
        m.push(user_type);
        m.push("` is aligned to ");
        m.number(align);
    }
    panic!("{}", m.as_str());
}

/// A message built at compile time (const fns cannot format).
struct Message {
    bytes: [u8; 512],
    len: usize,
}

impl Message {
    const fn new() -> Message {
        Message {
            bytes: [0; 512],
            len: 0,
        }
    }

    const fn push(&mut self, s: &str) {
        let s = s.as_bytes();
        let mut i = 0;
        while i < s.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = s[i];
            self.len += 1;
            i += 1;
        }
    }

    const fn number(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut count = 0;
        loop {
            digits[count] = b'0' + (n % 10) as u8;
            count += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        while count > 0 && self.len < self.bytes.len() {
            count -= 1;
            self.bytes[self.len] = digits[count];
            self.len += 1;
        }
    }

    const fn as_str(&self) -> &str {
        let (used, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(used) {
            Ok(s) => s,
            // Only whole strings are pushed, unless the buffer filled up inside a character.
            Err(_) => "a system-call pointee has the wrong layout",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_extended_by_the_kernels_kind_not_the_rust_type() {
        // A u32 carrying -1 for a signed 32-bit kind (x32 `long`) is sign-extended.
        assert_eq!(widen::<32, true>(u32::MAX as u64), u64::MAX);
        // An i32 carrying -1 for an unsigned kind is zero-extended.
        assert_eq!(widen::<32, false>(-1i32 as i64 as u64), 0xffff_ffff);
        assert_eq!(widen::<16, false>(0x1_ffff), 0xffff);
        assert_eq!(widen::<16, true>(0xffff), u64::MAX);
        assert_eq!(widen::<64, false>(u64::MAX), u64::MAX);
    }

    #[test]
    fn narrow_registers_extend_by_the_return_kind() {
        // An i386 address above 2 GiB stays an address in a u64.
        let address = 0xf7f9_a000u32;
        assert_eq!(ret::<u32, u64, 32, false>(address), 0xf7f9_a000);
        // A negative i386 value stays negative in an i64.
        assert_eq!(ret::<u32, i64, 32, true>(-2i32 as u32), -2);
        // -errno stays negative even for an unsigned kind (the address of mmap2).
        assert_eq!(ret::<u32, i64, 32, false>(-22i32 as u32), -22);
        assert_eq!(ret::<u32, u64, 32, false>(-22i32 as u32), -22i64 as u64);
        assert_eq!(ret::<u32, u64, 32, false>(address), 0xf7f9_a000);
        // Errors are recognised in the register's own width.
        assert_eq!(
            result::<u32, u64, 32, false>(-22i32 as u32),
            Err(Errno::EINVAL)
        );
        assert_eq!(result::<u32, u64, 32, false>(address), Ok(0xf7f9_a000));
        assert_eq!(
            result::<u64, i32, 32, true>(-9i64 as u64),
            Err(Errno::EBADF)
        );
        assert_eq!(
            result::<u64, u64, 64, true>(-4096i64 as u64),
            Ok(-4096i64 as u64)
        );
        assert_eq!(result_unit(-1i64 as u64), Err(Errno::EPERM));
        assert_eq!(result_unit(0u32), Ok(()));
    }

    #[test]
    fn pairs_split_low_word_first() {
        let v = 0x1234_5678_9abc_def0u64;
        assert_eq!((low_word(v), high_word(v)), (0x9abc_def0, 0x1234_5678));
    }
}
