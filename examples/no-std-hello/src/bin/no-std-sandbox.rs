//! A libc-free program that locks itself to exactly the system calls its code can make, with
//! one call: `Filter::declared()` (every call of this binary's linked `#[fast_syscall]` stubs,
//! read from the binary's own notes; see `syscall_rt::registry`) installed with the default
//! action "kill the process". It then does its whole job under the filter: the clock and
//! random bytes through the vDSO (the vgetrandom state allocator's `mmap` is one of
//! syscall-rt's own recorded calls), its pid, a line on stdout, `exit_group`.
//!
//! Arguments:
//! - none: the job; prints `sandbox: N system calls allowed` and `hello from a sandboxed,
//!   libc-free binary`, exits 0 when every call worked;
//! - `list`: prints the registry (`ABI NAME NUMBER MECHANISM`, the format of
//!   `syscall-table manifest`) and exits, without a filter;
//! - `raw`: after the job, makes `getppid` through a raw `asm!` primitive, which records
//!   nothing: the kernel kills the process with `SIGSYS` (if it survives, it says so and exits 3).
//!
//! Where seccomp is unavailable (qemu-user does not implement it for its guests) it prints
//! `sandbox: not installed: …` and carries on.
#![no_std]
#![no_main]

use core::fmt::Write;
use core::mem::MaybeUninit;

use syscall_rt::seccomp::Filter;
use syscall_rt::{auxv, registry, sys, uapi};

#[path = "../start.rs"]
mod start;

/// Standard output through the `write` stub (`core::fmt` without an allocator).
struct Stdout;

impl Write for Stdout {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let mut rest = s.as_bytes();
        while !rest.is_empty() {
            // SAFETY: `rest` is readable for its length.
            match unsafe { sys::write(1, rest.as_ptr(), rest.len()) } {
                Ok(n) if n > 0 => rest = &rest[n..],
                _ => return Err(core::fmt::Error),
            }
        }
        Ok(())
    }
}

/// `argv[1]`, if any: the initial stack holds argc, then the argv pointers.
///
/// # Safety
/// `sp` is the stack pointer the kernel started `_start` with.
unsafe fn first_argument(sp: *const usize) -> &'static [u8] {
    // SAFETY: the kernel's initial stack: argc at `sp`, argv[0..argc] after it, each a
    // NUL-terminated string that lives as long as the process. (Measured by hand: `CStr`
    // would call the C library's `strlen`.)
    unsafe {
        if *sp < 2 {
            return b"";
        }
        let arg = *sp.add(2) as *const u8;
        let mut len = 0;
        while *arg.add(len) != 0 {
            len += 1;
        }
        core::slice::from_raw_parts(arg, len)
    }
}

/// `getppid` through the raw entry primitive of the target: no stub, so no record.
fn raw_getppid() -> usize {
    // SAFETY: `getppid` takes no argument and touches no memory.
    unsafe {
        #[cfg(target_arch = "x86_64")]
        return syscall_rt::raw::x86_64::syscall0(u64::from(syscall_rt::nr::GETPPID)) as usize;
        #[cfg(target_arch = "x86")]
        return syscall_rt::raw::x86::int80_0(syscall_rt::nr::GETPPID) as usize;
        #[cfg(target_arch = "aarch64")]
        return syscall_rt::raw::aarch64::svc0(u64::from(syscall_rt::nr::GETPPID)) as usize;
        #[cfg(target_arch = "arm")]
        return syscall_rt::raw::arm::svc0(syscall_rt::nr::GETPPID) as usize;
        #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
        return syscall_rt::raw::riscv::ecall0(syscall_rt::nr::GETPPID as usize);
    }
}

extern "C" fn start(sp: *const usize) -> ! {
    // SAFETY: `sp` is the stack pointer the kernel started `_start` with, and nothing writes
    // over the initial stack.
    unsafe { auxv::init_from_stack(sp) };
    // SAFETY: as above.
    let arg = unsafe { first_argument(sp) };
    let mut out = Stdout;

    if arg == b"list" {
        for call in registry::linked() {
            let vdso = if call.via_vdso { "vdso/" } else { "" };
            let _ = writeln!(
                out,
                "{} {} {} {vdso}{}",
                call.abi,
                call.name,
                call.number,
                call.entry.name()
            );
        }
        sys::exit_group(0)
    }

    let mut failures = 0;
    match Filter::declared().and_then(|filter| filter.install()) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "sandbox: {} system calls allowed",
                registry::linked().count()
            );
        }
        Err(e) => {
            let _ = writeln!(out, "sandbox: not installed: {e}");
        }
    }

    // The job, under the filter.
    let mut ts = MaybeUninit::<uapi::__kernel_timespec>::uninit();
    // SAFETY: the vDSO (or the kernel) fills the 64-bit timespec.
    #[cfg(target_pointer_width = "64")]
    let clock = unsafe { sys::clock_gettime(uapi::CLOCK_MONOTONIC as i32, ts.as_mut_ptr()) };
    // SAFETY: as above, through the time64 call of the 32-bit ABIs.
    #[cfg(target_pointer_width = "32")]
    let clock = unsafe { sys::clock_gettime64(uapi::CLOCK_MONOTONIC as i32, ts.as_mut_ptr()) };
    if clock.is_err() {
        failures += 1;
    }
    let mut random = [0u8; 16];
    // SAFETY: `random` is writable for its length.
    if unsafe { sys::getrandom(random.as_mut_ptr(), random.len(), 0) } != Ok(random.len()) {
        failures += 1;
    }
    if !matches!(sys::getpid(), Ok(pid) if pid > 0) {
        failures += 1;
    }
    if writeln!(out, "hello from a sandboxed, libc-free binary").is_err() {
        failures += 1;
    }

    if arg == b"raw" {
        let _ = raw_getppid();
        let _ = writeln!(out, "sandbox: the raw system call was not stopped");
        sys::exit_group(3)
    }
    sys::exit_group(failures)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    sys::exit_group(101)
}
