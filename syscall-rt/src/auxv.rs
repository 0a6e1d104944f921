//! The auxiliary vector, read without needing libc.
//!
//! With the `std` feature the process links a C library, whose `getauxval` answers from the
//! vector it saved at start-up. Without it, the vector is read from the kernel:
//! `prctl(PR_GET_AUXV)` (Linux 6.4+), else `/proc/self/auxv`. A key that is absent, or a vector
//! that cannot be read (no `/proc` on an old kernel), gives `None`, never a panic. Callers cache
//! what they need ([`crate::raw`]'s `AT_SYSINFO`, the vDSO's `AT_SYSINFO_EHDR`).

use crate::Errno;

/// `AT_SYSINFO`: the address of `__kernel_vsyscall` (32-bit x86).
pub const AT_SYSINFO: usize = 32;
/// `AT_SYSINFO_EHDR`: the address of the vDSO's ELF header.
pub const AT_SYSINFO_EHDR: usize = 33;
const AT_NULL: usize = 0;
const PR_GET_AUXV: i32 = 0x4155_5856;
const AT_FDCWD: i32 = -100;
const O_RDONLY_CLOEXEC: i32 = 0o2_000_000;
/// Entries read at most; Linux writes about 25.
const MAX_ENTRIES: usize = 64;

/// The value of auxiliary vector entry `key`, or `None` when the process has none.
pub fn getauxval(key: usize) -> Option<usize> {
    #[cfg(feature = "std")]
    {
        unsafe extern "C" {
            fn getauxval(key: core::ffi::c_ulong) -> core::ffi::c_ulong;
        }
        // SAFETY: libc's getauxval only reads the vector saved at start-up; 0 means absent.
        let value = unsafe { getauxval(key as core::ffi::c_ulong) } as usize;
        (value != 0).then_some(value)
    }
    #[cfg(not(feature = "std"))]
    {
        getauxval_from_kernel(key)
    }
}

/// The value of entry `key` as the kernel reports it (`prctl(PR_GET_AUXV)`, else
/// `/proc/self/auxv`), without libc.
pub fn getauxval_from_kernel(key: usize) -> Option<usize> {
    let mut vector = [0usize; 2 * MAX_ENTRIES];
    let bytes = read_vector(&mut vector).ok()?;
    vector[..bytes / core::mem::size_of::<usize>()]
        .chunks_exact(2)
        .take_while(|pair| pair[0] != AT_NULL)
        .find(|pair| pair[0] == key)
        .map(|pair| pair[1])
        .filter(|&value| value != 0)
}

fn read_vector(vector: &mut [usize; 2 * MAX_ENTRIES]) -> Result<usize, Errno> {
    let size = core::mem::size_of_val(vector);
    let buf = vector.as_mut_ptr().cast::<u8>();
    // SAFETY: the kernel writes at most `size` bytes into `vector`, which we own.
    match unsafe { boot::prctl(PR_GET_AUXV, buf as usize, size, 0, 0) } {
        // prctl returns the vector's full size; it copied min(size, full).
        Ok(full) => return Ok(full.min(size)),
        Err(Errno::EINVAL) => {} // before Linux 6.4
        Err(e) => return Err(e),
    }
    let path = b"/proc/self/auxv\0";
    // SAFETY: `path` is NUL-terminated and lives across the call.
    let fd = unsafe { boot::openat(AT_FDCWD, path.as_ptr(), O_RDONLY_CLOEXEC, 0) }?;
    let mut filled = 0;
    let result = loop {
        // SAFETY: writes stay inside `vector` (at most `size - filled` bytes from `filled`).
        match unsafe { boot::read(fd as i32, buf.add(filled), size - filled) } {
            Ok(0) => break Ok(filled),
            Ok(n) => {
                filled += n;
                if filled == size {
                    break Ok(filled);
                }
            }
            Err(Errno::EINTR) => {}
            Err(e) => break Err(e),
        }
    };
    // SAFETY: `fd` was opened above and is owned by this function alone.
    let _ = unsafe { boot::close(fd as u32) };
    result
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
    };
}

#[cfg(target_arch = "x86")]
mod boot {
    use crate::Errno;
    bootstrap_syscalls!(via = "int80");
}

#[cfg(not(target_arch = "x86"))]
mod boot {
    use crate::Errno;
    bootstrap_syscalls!();
}
