//! A program with neither std nor libc, nor anything of its own but `_start` and the panic
//! handler: `_start` hands the initial stack pointer to `start`, which gives the auxiliary
//! vector to `syscall_rt::auxv::init_from_stack` (so finding the vDSO takes no system call),
//! reads the clock through the vDSO, asks for its pid, writes a line and leaves through
//! `exit_group`.
//!
//! Build and run: `cargo run --release --manifest-path examples/no-std-hello/Cargo.toml` (any
//! of x86_64, i686, aarch64, armv7, riscv64; `scripts/cross.sh` runs it for each, debug and
//! release). It prints `hello from a no_std, no_main, libc-free binary`, then whether the
//! clock came from the vDSO, and exits 0 when every call worked.
#![no_std]
#![no_main]

use core::mem::MaybeUninit;

use syscall_rt::{auxv, sys, uapi, vdso};

mod start;

extern "C" fn start(sp: *const usize) -> ! {
    // SAFETY: `sp` is the stack pointer the kernel started `_start` with, and nothing writes
    // over the initial stack.
    unsafe { auxv::init_from_stack(sp) };
    let mut failures = 0;

    let mut ts = MaybeUninit::<uapi::__kernel_timespec>::uninit();
    // SAFETY: the vDSO (or the kernel) fills the 64-bit timespec.
    #[cfg(target_pointer_width = "64")]
    let clock = unsafe { sys::clock_gettime(uapi::CLOCK_MONOTONIC as i32, ts.as_mut_ptr()) };
    // SAFETY: as above, through the time64 call of the 32-bit ABIs.
    #[cfg(target_pointer_width = "32")]
    let clock = unsafe { sys::clock_gettime64(uapi::CLOCK_MONOTONIC as i32, ts.as_mut_ptr()) };
    match clock {
        // SAFETY: filled on success.
        Ok(_) if unsafe { ts.assume_init() }.tv_nsec < 1_000_000_000 => {}
        _ => failures += 1,
    }
    if !matches!(sys::getpid(), Ok(pid) if pid > 0) {
        failures += 1;
    }

    let line: &[u8] = b"hello from a no_std, no_main, libc-free binary\n";
    let source: &[u8] = if vdso::image().is_some() {
        b"clock: vDSO\n"
    } else {
        b"clock: system call (no vDSO)\n"
    };
    for text in [line, source] {
        // SAFETY: `text` is readable for its length.
        if unsafe { sys::write(1, text.as_ptr(), text.len()) } != Ok(text.len()) {
            failures += 1;
        }
    }
    sys::exit_group(failures)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    sys::exit_group(101)
}
