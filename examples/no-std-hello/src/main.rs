//! A program with neither std nor libc: `_start` calls `main`, which writes a line through
//! `syscall_rt::sys::write` and leaves through `syscall_rt::sys::exit_group`.
//!
//! Build and run (x86_64): `cargo run --release --manifest-path examples/no-std-hello/Cargo.toml`.
#![no_std]
#![no_main]

use syscall_rt::sys;

#[cfg(target_arch = "x86_64")]
core::arch::global_asm!(
    ".globl _start",
    "_start:",
    // The kernel starts us with rsp 16-byte aligned; a call expects rsp = 8 mod 16 at entry.
    "xor ebp, ebp",
    "and rsp, -16",
    "call {main}",
    "ud2",
    main = sym main,
);

extern "C" fn main() -> ! {
    let line = b"hello from a no_std, no_main, libc-free binary\n";
    // SAFETY: `line` is readable for its length.
    let status = match unsafe { sys::write(1, line.as_ptr(), line.len()) } {
        Ok(n) if n == line.len() => 0,
        _ => 1,
    };
    sys::exit_group(status)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    sys::exit_group(101)
}
