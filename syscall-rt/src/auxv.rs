//! The auxiliary vector, read without needing libc.
//!
//! With the `std` feature the process links a C library, whose `getauxval` answers from the
//! vector it saved at start-up. Without it, the vector is read from the kernel:
//! `prctl(PR_GET_AUXV)` (Linux 6.4+), else `/proc/self/auxv` — trusted only when `fstatfs`
//! says it is on procfs (`PROC_SUPER_MAGIC`), so that a file mounted or linked over the path
//! cannot feed addresses to the vDSO lookup or to the 32-bit x86 call through `AT_SYSINFO`.
//! The reads are bounded ([`MAX_ENTRIES`]) and the vector must end with `AT_NULL` within them.
//! Whatever the source, `AT_SYSINFO` is returned only when it is the vDSO's
//! `__kernel_vsyscall` (it becomes a call target).
//!
//! A key that is absent, or a vector that cannot be read or trusted (no `/proc` on an old
//! kernel; qemu-user, which answers `PR_GET_AUXV` with `EINVAL` and `/proc/self/auxv` with a
//! memory file) gives `None`, never a panic. Callers cache what they need ([`crate::raw`]'s
//! `AT_SYSINFO`, the vDSO's `AT_SYSINFO_EHDR`).

use core::ffi::CStr;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::Errno;

/// `AT_SYSINFO`: the address of `__kernel_vsyscall` (32-bit x86).
pub const AT_SYSINFO: usize = 32;
/// `AT_SYSINFO_EHDR`: the address of the vDSO's ELF header.
pub const AT_SYSINFO_EHDR: usize = 33;
/// Entries read at most, `AT_NULL` included; Linux writes about 25.
pub const MAX_ENTRIES: usize = 64;
const AT_NULL: usize = 0;
const PR_GET_AUXV: i32 = 0x4155_5856;
const AT_FDCWD: i32 = -100;
const O_RDONLY_CLOEXEC: i32 = 0o2_000_000;
/// `f_type` of procfs (`PROC_SUPER_MAGIC`, include/uapi/linux/magic.h).
const PROC_SUPER_MAGIC: u32 = 0x9fa0;

/// The auxiliary vector on the initial stack, once [`init_from_stack`] has found it.
static STACK_VECTOR: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());

/// Takes the auxiliary vector from the initial stack of a program that has no C runtime, so
/// that discovery (the vDSO, `AT_SYSINFO`) needs no system call and no `/proc`: call it from
/// `_start` before any system call, with the stack pointer the kernel gave `_start`.
///
/// The kernel starts a process with the stack pointer at `argc`, followed by the `argc`
/// argument pointers and a null pointer, the environment pointers and a null pointer, then the
/// auxiliary vector's `(key, value)` pairs up to `AT_NULL`. `_start` receives that pointer in
/// `rsp` (x86_64), `esp` (i386), `sp` (aarch64, Arm, RISC-V), before it pushes anything; pass it
/// on unchanged:
///
/// | target | `_start` hands over the stack pointer |
/// |---|---|
/// | x86_64 | `mov rdi, rsp` then `call` (first argument in `rdi`) |
/// | i386 | `push esp` then `call` (cdecl: the argument on the stack) |
/// | aarch64 | `mov x0, sp` then `bl` |
/// | Arm | `mov r0, sp` then `bl` |
/// | RISC-V | `mv a0, sp` then `call` (after setting `gp`) |
///
/// `examples/no-std-hello` is such a `_start` for each of them. Later calls do nothing (the
/// first vector found stays).
///
/// # Safety
/// `sp` must be the initial stack pointer of the process, as the kernel set it, and the
/// vector it leads to must stay in place for the life of the process (nothing may write over
/// the initial stack's argument area).
pub unsafe fn init_from_stack(sp: *const usize) {
    // SAFETY: the caller guarantees the kernel's layout from `sp`: argc, argv[argc], NULL,
    // envp..., NULL, then the vector; every read below stays inside it.
    let vector = unsafe {
        let argc = *sp;
        let mut p = sp.add(1 + argc + 1); // past argv and its null
        while *p != 0 {
            p = p.add(1); // the environment
        }
        p.add(1)
    };
    let _ = STACK_VECTOR.compare_exchange(
        core::ptr::null_mut(),
        vector.cast_mut(),
        Ordering::AcqRel,
        Ordering::Acquire,
    );
}

/// Whether the vector comes from the initial stack ([`init_from_stack`]): the kernel's own,
/// whose values need no second opinion.
pub(crate) fn from_stack() -> bool {
    !STACK_VECTOR.load(Ordering::Acquire).is_null()
}

/// The value of entry `key` of the stack's vector, if [`init_from_stack`] found one.
fn getauxval_from_stack(key: usize) -> Option<Option<usize>> {
    let vector = STACK_VECTOR.load(Ordering::Acquire);
    if vector.is_null() {
        return None;
    }
    for i in 0..MAX_ENTRIES {
        // SAFETY: `init_from_stack`'s caller guaranteed the vector stays in place; it ends with
        // AT_NULL, and reading stops there (or after MAX_ENTRIES pairs).
        let (k, v) = unsafe { (*vector.add(2 * i), *vector.add(2 * i + 1)) };
        if k == AT_NULL {
            break;
        }
        if k == key {
            return Some(checked(key, v));
        }
    }
    Some(None)
}

/// The value of auxiliary vector entry `key`, or `None` when the process has none. The source,
/// in order: the initial stack ([`init_from_stack`]), libc's `getauxval` (with `std`), the
/// kernel (`prctl(PR_GET_AUXV)`, then `/proc/self/auxv`).
pub fn getauxval(key: usize) -> Option<usize> {
    if let Some(value) = getauxval_from_stack(key) {
        return value;
    }
    #[cfg(feature = "std")]
    {
        unsafe extern "C" {
            fn getauxval(key: core::ffi::c_ulong) -> core::ffi::c_ulong;
        }
        // SAFETY: libc's getauxval only reads the vector saved at start-up; 0 means absent.
        let value = unsafe { getauxval(key as core::ffi::c_ulong) } as usize;
        checked(key, value)
    }
    #[cfg(not(feature = "std"))]
    {
        getauxval_from_kernel(key)
    }
}

/// The value of entry `key` as the kernel reports it (`prctl(PR_GET_AUXV)`, else
/// `/proc/self/auxv` if it is on procfs), without libc.
pub fn getauxval_from_kernel(key: usize) -> Option<usize> {
    // Not zeroed (that would be a `memset` call, which a program without libc lacks): only the
    // prefix the kernel wrote is read.
    let mut vector = MaybeUninit::<[usize; 2 * MAX_ENTRIES]>::uninit();
    let bytes = read_vector(&mut vector).ok()?;
    find(written(&vector, bytes), key)
}

/// The words of `vector` that the kernel wrote: its first `bytes` bytes.
fn written(vector: &MaybeUninit<[usize; 2 * MAX_ENTRIES]>, bytes: usize) -> &[usize] {
    let words = (bytes / core::mem::size_of::<usize>()).min(2 * MAX_ENTRIES);
    // SAFETY: the kernel wrote `bytes` bytes from the start of `vector` (at most its size), so
    // its first `words` words are initialised.
    unsafe { core::slice::from_raw_parts(vector.as_ptr().cast::<usize>(), words) }
}

/// The value of entry `key` in the auxiliary vector file at `path` (`/proc/self/auxv` or
/// `/proc/<pid>/auxv`), with the checks of the `/proc/self/auxv` source: `None` unless the
/// file is on procfs. For tests of that source, which `prctl` otherwise hides.
#[doc(hidden)]
pub fn getauxval_from_file(path: &CStr, key: usize) -> Option<usize> {
    let mut vector = MaybeUninit::<[usize; 2 * MAX_ENTRIES]>::uninit();
    let bytes = read_procfs_file(path, &mut vector).ok()?;
    find(written(&vector, bytes), key)
}

/// Looks `key` up in the words of a vector read from the kernel, which must hold its `AT_NULL`.
fn find(words: &[usize], key: usize) -> Option<usize> {
    let end = words.chunks_exact(2).position(|pair| pair[0] == AT_NULL)?;
    let value = words
        .chunks_exact(2)
        .take(end)
        .find(|pair| pair[0] == key)?[1];
    checked(key, value)
}

/// `value` of `key` if present and plausible: non-zero, and for `AT_SYSINFO` the vDSO's
/// `__kernel_vsyscall` (found through `AT_SYSINFO_EHDR` of the same source).
fn checked(key: usize, value: usize) -> Option<usize> {
    match (key, value) {
        (_, 0) => None,
        (AT_SYSINFO, entry) if !crate::vdso::is_kernel_vsyscall(entry) => None,
        (_, value) => Some(value),
    }
}

fn read_vector(vector: &mut MaybeUninit<[usize; 2 * MAX_ENTRIES]>) -> Result<usize, Errno> {
    let size = core::mem::size_of_val(vector);
    let buf = vector.as_mut_ptr().cast::<u8>();
    // SAFETY: the kernel writes at most `size` bytes into `vector`, which we own.
    match unsafe { boot::prctl(PR_GET_AUXV, buf as usize, size, 0, 0) } {
        // prctl returns the vector's full size; it copied min(size, full).
        Ok(full) => return Ok(full.min(size)),
        Err(Errno::EINVAL) => {} // before Linux 6.4, and under qemu-user
        Err(e) => return Err(e),
    }
    read_procfs_file(c"/proc/self/auxv", vector)
}

/// Reads the file at `path` into `vector` if it is on procfs; the bytes read.
fn read_procfs_file(
    path: &CStr,
    vector: &mut MaybeUninit<[usize; 2 * MAX_ENTRIES]>,
) -> Result<usize, Errno> {
    // SAFETY: `path` is NUL-terminated and lives across the call.
    let fd = unsafe { boot::openat(AT_FDCWD, path.as_ptr().cast(), O_RDONLY_CLOEXEC, 0) }?;
    let Ok(fd) = i32::try_from(fd) else {
        return Err(Errno::EBADF); // a kernel never returns one that large
    };
    let result = match on_procfs(fd) {
        Ok(true) => read_all(fd, vector),
        Ok(false) => Err(Errno::EPERM),
        Err(e) => Err(e),
    };
    // SAFETY: `fd` was opened above and is owned by this function alone.
    let _ = unsafe { boot::close(fd as u32) };
    result
}

/// Fills `vector` from `fd` until end of file or until it is full; the bytes read.
fn read_all(fd: i32, vector: &mut MaybeUninit<[usize; 2 * MAX_ENTRIES]>) -> Result<usize, Errno> {
    let size = core::mem::size_of_val(vector);
    let buf = vector.as_mut_ptr().cast::<u8>();
    let mut filled = 0;
    loop {
        let room = size - filled;
        // SAFETY: writes stay inside `vector` (at most `room` bytes from `filled`).
        match unsafe { boot::read(fd, buf.add(filled), room) } {
            Ok(0) => return Ok(filled),
            Ok(n) if n <= room => {
                filled += n;
                if filled == size {
                    return Ok(filled);
                }
            }
            Ok(_) => return Err(Errno::EIO), // more than asked for: not a kernel
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// Whether `fd` is a file of procfs, by its `fstatfs` `f_type`.
fn on_procfs(fd: i32) -> Result<bool, Errno> {
    // Larger than `struct statfs` and `statfs64` of every ABI (120 bytes at most); `f_type`
    // is the first field: the kernel's `long` in `statfs` (x86_64 and x32, 64-bit ABIs), a
    // `u32` in the 32-bit ABIs' `statfs64`.
    let mut buf = [0u8; 256];
    let p = buf.as_mut_ptr();
    #[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
    {
        // SAFETY: the kernel writes one `struct statfs` (at most 120 bytes) into `buf`.
        unsafe { boot::fstatfs(fd as u32, p) }?;
        let f_type = u64::from_ne_bytes([
            buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7],
        ]);
        Ok(f_type == u64::from(PROC_SUPER_MAGIC))
    }
    #[cfg(not(any(target_pointer_width = "64", target_arch = "x86_64")))]
    {
        // `sizeof(struct statfs64)`, which the kernel checks: packed to 84 bytes on i386
        // (4-byte aligned `u64`) and Arm EABI (`ARCH_PACK_STATFS64`), 88 elsewhere.
        const SIZE: usize = if cfg!(any(target_arch = "x86", target_arch = "arm")) {
            84
        } else {
            88
        };
        // SAFETY: the kernel writes `SIZE` (< 256) bytes into `buf`.
        unsafe { boot::fstatfs64(fd as u32, SIZE, p) }?;
        Ok(u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]) == PROC_SUPER_MAGIC)
    }
}

/// The system calls the bootstrap needs. On 32-bit x86 they use `int 0x80`: the fast entry is
/// itself found through the auxiliary vector.
macro_rules! bootstrap_syscalls {
    ($($via:tt)*) => {
        /// `prctl(2)`.
        #[crate::fast_syscall($($via)*)]
        pub unsafe fn prctl(option: i32, arg2: usize, arg3: usize, arg4: usize, arg5: usize) -> Result<usize, Errno>;
        /// `openat(2)`.
        #[crate::fast_syscall($($via)*)]
        pub unsafe fn openat(dfd: i32, path: *const u8, flags: i32, mode: u16) -> Result<usize, Errno>;
        /// `read(2)`.
        #[crate::fast_syscall($($via)*)]
        pub unsafe fn read(fd: i32, buf: *mut u8, count: usize) -> Result<usize, Errno>;
        /// `close(2)`.
        #[crate::fast_syscall($($via)*)]
        pub unsafe fn close(fd: u32) -> Result<(), Errno>;
        /// `fstatfs(2)` (64-bit ABIs and x32).
        #[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
        #[crate::fast_syscall($($via)*)]
        pub unsafe fn fstatfs(fd: u32, buf: *mut u8) -> Result<usize, Errno>;
        /// `fstatfs64(2)` (32-bit ABIs).
        #[cfg(not(any(target_pointer_width = "64", target_arch = "x86_64")))]
        #[crate::fast_syscall($($via)*)]
        pub unsafe fn fstatfs64(fd: u32, size: usize, buf: *mut u8) -> Result<usize, Errno>;
        /// `mincore(2)`: whether pages are mapped (the vDSO image's extent).
        #[crate::fast_syscall($($via)*)]
        pub unsafe fn mincore(start: usize, len: usize, vec: *mut u8) -> Result<usize, Errno>;
    };
}

#[cfg(target_arch = "x86")]
pub(crate) mod boot {
    use crate::Errno;
    bootstrap_syscalls!(via = "int80");
}

#[cfg(not(target_arch = "x86"))]
pub(crate) mod boot {
    use crate::Errno;
    bootstrap_syscalls!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(pairs: &[(usize, usize)]) -> ([usize; 2 * MAX_ENTRIES], usize) {
        let mut v = [0usize; 2 * MAX_ENTRIES];
        for (i, &(k, val)) in pairs.iter().enumerate() {
            v[2 * i] = k;
            v[2 * i + 1] = val;
        }
        (v, 2 * pairs.len() * core::mem::size_of::<usize>())
    }

    /// `find` over the first `bytes` bytes of `v`, as the kernel readers call it.
    fn find_in(v: &[usize; 2 * MAX_ENTRIES], bytes: usize, key: usize) -> Option<usize> {
        let words = v.get(..bytes / core::mem::size_of::<usize>())?;
        find(words, key)
    }

    #[test]
    fn a_vector_must_end_with_at_null_within_what_was_read() {
        let (v, bytes) = vector(&[(6, 4096), (7, 0x1234), (AT_NULL, 0)]);
        assert_eq!(find_in(&v, bytes, 6), Some(4096));
        assert_eq!(find_in(&v, bytes, 7), Some(0x1234));
        assert_eq!(find_in(&v, bytes, 8), None);
        // Cut before its AT_NULL (a truncated or garbage file): nothing is trusted.
        assert_eq!(
            find_in(&v, bytes - 2 * core::mem::size_of::<usize>(), 6),
            None
        );
        assert_eq!(find_in(&v, bytes - 1, 6), None);
        // A full buffer without AT_NULL.
        let full = [6usize; 2 * MAX_ENTRIES];
        assert_eq!(find_in(&full, core::mem::size_of_val(&full), 6), None);
        // Entries after AT_NULL are not part of the vector; a zero value is "absent".
        let (v, bytes) = vector(&[(AT_NULL, 0), (6, 4096)]);
        assert_eq!(find_in(&v, bytes, 6), None);
        let (v, bytes) = vector(&[(6, 0), (AT_NULL, 0)]);
        assert_eq!(find_in(&v, bytes, 6), None);
        // More bytes claimed than the buffer holds.
        assert_eq!(find_in(&v, usize::MAX, 6), None);
    }

    #[test]
    fn at_sysinfo_must_be_the_vdso_kernel_vsyscall() {
        for bogus in [1usize, 0x1000, usize::MAX] {
            assert_eq!(checked(AT_SYSINFO, bogus), None, "{bogus:#x}");
        }
        if let Some(ehdr) = getauxval(AT_SYSINFO_EHDR) {
            // Inside the image, but not its entry point.
            assert_eq!(checked(AT_SYSINFO, ehdr), None);
            assert_eq!(checked(AT_SYSINFO, ehdr + 64), None);
        }
        // Other keys are only checked for presence.
        assert_eq!(checked(6, 0x1000), Some(0x1000));
        #[cfg(target_arch = "x86")]
        {
            let entry = crate::vdso::lookup(b"__kernel_vsyscall", b"LINUX_2.5")
                .expect("__kernel_vsyscall on i686");
            assert_eq!(checked(AT_SYSINFO, entry), Some(entry));
            assert_eq!(checked(AT_SYSINFO, entry + 1), None);
            assert_eq!(getauxval(AT_SYSINFO), Some(entry));
        }
    }
}
