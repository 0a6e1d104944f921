//! `_start` of the libc-free examples: the kernel enters with the stack pointer at argc (see
//! `syscall_rt::auxv::init_from_stack`); it passes it to the crate's `start` as its argument,
//! with the stack aligned as the C ABI wants at a call, and no return address or frame pointer
//! to unwind into.

#[cfg(target_arch = "x86_64")]
core::arch::global_asm!(
    ".globl _start",
    "_start:",
    "xor ebp, ebp",
    "mov rdi, rsp",
    "and rsp, -16",
    "call {start}",
    "ud2",
    start = sym crate::start,
);

#[cfg(target_arch = "x86")]
core::arch::global_asm!(
    ".globl _start",
    "_start:",
    "xor ebp, ebp",
    "mov eax, esp",
    "and esp, -16",
    "sub esp, 12",
    "push eax",
    "call {start}",
    "ud2",
    start = sym crate::start,
);

#[cfg(target_arch = "aarch64")]
core::arch::global_asm!(
    ".globl _start",
    "_start:",
    "mov x29, #0",
    "mov x30, #0",
    "mov x0, sp",
    "bl {start}",
    "brk #0",
    start = sym crate::start,
);

#[cfg(target_arch = "arm")]
core::arch::global_asm!(
    ".globl _start",
    "_start:",
    "mov fp, #0",
    "mov lr, #0",
    "mov r0, sp",
    "bic sp, sp, #15",
    "bl {start}",
    "udf #0",
    start = sym crate::start,
);

// RISC-V also sets up `gp`, which the linker may use to relax accesses to small data.
#[cfg(target_arch = "riscv64")]
core::arch::global_asm!(
    ".globl _start",
    "_start:",
    ".option push",
    ".option norelax",
    "lla gp, __global_pointer$",
    ".option pop",
    "li ra, 0",
    "mv a0, sp",
    "andi sp, sp, -16",
    "call {start}",
    "unimp",
    start = sym crate::start,
);
