//! Register preservation, per mechanism and argument count.
//!
//! Part 1, the kernel's side (`*_gate_preserves_*`): an assembly harness fills every general
//! register with a distinct pattern (and the flags with a known value), puts a real system
//! call's number and 0–6 arguments in the ABI's registers, executes the entry instruction the
//! stubs use, and stores every register afterwards. Registers outside the clobber list the stubs
//! declare must be unchanged: this proves the clobber lists of `syscall_rt::raw` are sufficient
//! on this kernel. A second harness (`*_gate_preserves_vector_and_x87_state`) does the same for
//! the state no stub declares clobbered: xmm0–15 (xmm0–7 on i686), MXCSR (a non-default rounding
//! mode, FTZ, DAZ and a sticky flag), the x87 control word, and two values on the x87 stack.
//!
//! Part 2, the real stubs (`real_stubs_*`): the `#[fast_syscall]` expansions themselves — for
//! every mechanism and argument count, including the `xchg rbx` paths of x86_64's `int 0x80`
//! (1–6 arguments) and the paths of i686 that load `esi`/`ebp` inside the asm (`sysenter` 4–6
//! through an array addressed by `eax`, `int 0x80` 4–6) — each inside an `extern "C"` function
//! called from an assembly harness that sets the callee-saved registers (rbx, rbp, r12–r15;
//! ebx, esi, edi, ebp), every vector register, MXCSR and the x87 control word to patterns and
//! checks them, the stack pointer and the direction flag after the call. These are exactly the
//! registers the compiler cannot protect for the stubs (`rbx`, `esi`, `ebp` cannot be asm
//! operands). For the vDSO, a C function, only what the C ABI makes callee-saved is required:
//! the callee-saved registers, MXCSR's control bits and the x87 control word.
//!
//! Part 3 (`live_values_survive_*`): the real stubs called while a dozen values are live across
//! them. With optimizations (CI runs this file in release too) those values sit in registers, so
//! a caller-saved register the stubs failed to declare clobbered would corrupt one of them.

use std::hint::black_box;

#[cfg(target_arch = "x86_64")]
mod x86_64 {
    /// Register order of the harness buffer.
    pub const NAMES: [&str; 15] = [
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13",
        "r14", "r15",
    ];
    const FLAGS_PATTERN: u64 = 0x8c3; // CF, ZF, SF, OF set (bit 1 is always 1)
    /// Status flags: CF PF AF ZF SF DF OF.
    const STATUS: u64 = 0xcd5;

    /// Runs one gate with `regs` loaded (index order of [`NAMES`]); returns the registers after,
    /// and the status flags before and after.
    macro_rules! harness {
        ($gate:literal, $regs:expr) => {{
            // before[0..15], after[16..31], flags pattern [32], flags before [33], after [34]
            let mut buf = [0u64; 35];
            buf[..15].copy_from_slice(&$regs);
            buf[32] = FLAGS_PATTERN;
            // SAFETY: the asm saves rbx and rbp on the stack and restores them, declares every
            // other register it changes, and only reads and writes `buf`. The system calls made
            // are harmless (see the callers).
            unsafe {
                core::arch::asm!(
                    "push rbx",
                    "push rbp",
                    "push r15",
                    "push qword ptr [r15 + 256]",
                    "popfq",
                    "mov rax, [r15]",
                    "mov rbx, [r15 + 8]",
                    "mov rcx, [r15 + 16]",
                    "mov rdx, [r15 + 24]",
                    "mov rsi, [r15 + 32]",
                    "mov rdi, [r15 + 40]",
                    "mov rbp, [r15 + 48]",
                    "mov r8, [r15 + 56]",
                    "mov r9, [r15 + 64]",
                    "mov r10, [r15 + 72]",
                    "mov r11, [r15 + 80]",
                    "mov r12, [r15 + 88]",
                    "mov r13, [r15 + 96]",
                    "mov r14, [r15 + 104]",
                    "mov r15, [r15 + 112]",
                    "pushfq",
                    $gate,
                    "pushfq",
                    "push r15",
                    // stack: r15 after, flags after, flags before, buf, rbp, rbx
                    "mov r15, [rsp + 24]",
                    "mov [r15 + 128], rax",
                    "mov [r15 + 136], rbx",
                    "mov [r15 + 144], rcx",
                    "mov [r15 + 152], rdx",
                    "mov [r15 + 160], rsi",
                    "mov [r15 + 168], rdi",
                    "mov [r15 + 176], rbp",
                    "mov [r15 + 184], r8",
                    "mov [r15 + 192], r9",
                    "mov [r15 + 200], r10",
                    "mov [r15 + 208], r11",
                    "mov [r15 + 216], r12",
                    "mov [r15 + 224], r13",
                    "mov [r15 + 232], r14",
                    "pop rax",
                    "mov [r15 + 240], rax",
                    "pop rax",
                    "mov [r15 + 272], rax",
                    "pop rax",
                    "mov [r15 + 264], rax",
                    "pop rax",
                    "pop rbp",
                    "pop rbx",
                    inout("r15") buf.as_mut_ptr() => _,
                    out("rax") _, out("rcx") _, out("rdx") _, out("rsi") _, out("rdi") _,
                    out("r8") _, out("r9") _, out("r10") _, out("r11") _, out("r12") _,
                    out("r13") _, out("r14") _,
                );
            }
            let mut after = [0u64; 15];
            after.copy_from_slice(&buf[16..31]);
            (after, buf[33] & STATUS, buf[34] & STATUS)
        }};
    }

    /// Distinct, recognizable values for every register.
    pub fn patterns() -> [u64; 15] {
        core::array::from_fn(|i| 0x5a5a_0000_0000_0000 | ((i as u64 + 1) * 0x0101_0101))
    }

    pub fn syscall(regs: [u64; 15]) -> ([u64; 15], u64, u64) {
        harness!("syscall", regs)
    }

    pub fn int80(regs: [u64; 15]) -> ([u64; 15], u64, u64) {
        harness!("int 0x80", regs)
    }
}

/// Asserts every register outside `clobbered` (by name) is unchanged.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
fn assert_preserved<T: PartialEq + std::fmt::LowerHex + Copy>(
    what: &str,
    names: &[&str],
    before: &[T],
    after: &[T],
    clobbered: &[&str],
) {
    for (i, name) in names.iter().enumerate() {
        if clobbered.contains(name) {
            continue;
        }
        assert!(
            before[i] == after[i],
            "{what}: {name} changed from {:#x} to {:#x}",
            before[i],
            after[i]
        );
    }
}

/// One real call per argument count: (number, arguments, expected result).
#[cfg(target_arch = "x86_64")]
fn x86_64_calls() -> Vec<(u64, Vec<u64>, i64)> {
    let pid = std::process::id() as u64;
    vec![
        (39, vec![], pid as i64),                   // getpid
        (3, vec![u64::MAX], -9),                    // close(-1): EBADF
        (62, vec![pid, 0], 0),                      // kill(pid, 0)
        (8, vec![u64::MAX, 0, 0], -9),              // lseek(-1, 0, SEEK_SET)
        (17, vec![u64::MAX, 0, 0, 0], -9),          // pread64(-1, NULL, 0, 0)
        (157, vec![3, 0, 0, 0, 0], 1),              // prctl(PR_GET_DUMPABLE)
        (9, vec![0, 0, 1, 0x22, u64::MAX, 0], -22), // mmap(len 0): EINVAL
    ]
}

/// The same through the i386 ABI (int 0x80 on both x86 targets).
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
fn i386_calls() -> Vec<(u32, Vec<u32>, i32)> {
    let pid = std::process::id();
    vec![
        (20, vec![], pid as i32),                     // getpid
        (6, vec![u32::MAX], -9),                      // close(-1)
        (37, vec![pid, 0], 0),                        // kill(pid, 0)
        (19, vec![u32::MAX, 0, 0], -9),               // lseek(-1, 0, 0)
        (315, vec![u32::MAX, u32::MAX, 16, 0], -9),   // tee(-1, -1, 16, 0)
        (172, vec![3, 0, 0, 0, 0], 1),                // prctl(PR_GET_DUMPABLE)
        (192, vec![0, 0, 1, 0x22, u32::MAX, 0], -22), // mmap2(len 0): EINVAL
    ]
}

#[cfg(target_arch = "x86_64")]
#[test]
fn x86_64_syscall_gate_preserves_all_but_rcx_and_r11() {
    use x86_64::*;
    const ARGS: [usize; 6] = [5, 4, 3, 9, 7, 8]; // rdi rsi rdx r10 r8 r9
    for (nr, args, expected) in x86_64_calls() {
        let mut regs = patterns();
        regs[0] = nr;
        for (a, &slot) in args.iter().zip(&ARGS) {
            regs[slot] = *a;
        }
        let (after, flags_before, flags_after) = syscall(regs);
        let what = format!("syscall {nr} with {} arguments", args.len());
        assert_eq!(after[0] as i64, expected, "{what}: result");
        assert_preserved(&what, &NAMES, &regs, &after, &["rax", "rcx", "r11"]);
        assert_eq!(flags_before, flags_after, "{what}: flags");
        // The two declared clobbers really are overwritten: the declaration is necessary.
        assert_ne!(after[2], regs[2], "{what}: rcx");
        assert_ne!(after[10], regs[10], "{what}: r11");
    }
}

#[cfg(target_arch = "x86_64")]
#[test]
fn x86_64_int80_gate_preserves_all_but_the_declared_r8_to_r11() {
    use x86_64::*;
    const ARGS: [usize; 6] = [1, 2, 3, 4, 5, 6]; // ebx ecx edx esi edi ebp
    for (nr, args, expected) in i386_calls() {
        let mut regs = patterns();
        regs[0] = u64::from(nr);
        for (a, &slot) in args.iter().zip(&ARGS) {
            regs[slot] = u64::from(*a);
        }
        let (after, flags_before, flags_after) = int80(regs);
        let what = format!("int 0x80 {nr} with {} arguments", args.len());
        assert_eq!(after[0] as i64, i64::from(expected), "{what}: result");
        // r8-r11: zeroed by kernels before 4.17, so the stubs declare them clobbered.
        assert_preserved(
            &what,
            &NAMES,
            &regs,
            &after,
            &["rax", "r8", "r9", "r10", "r11"],
        );
        assert_eq!(flags_before, flags_after, "{what}: flags");
    }
}

#[cfg(target_arch = "x86")]
mod x86 {
    pub const NAMES: [&str; 7] = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp"];
    const FLAGS_PATTERN: u32 = 0x8c3;
    const STATUS: u32 = 0xcd5;

    macro_rules! harness {
        ($gate:literal, $regs:expr, $entry:expr) => {{
            // before[0..7], flags pattern [7], entry [8], after[9..16], flags before [16], after [17]
            let mut buf = [0u32; 18];
            buf[..7].copy_from_slice(&$regs);
            buf[7] = FLAGS_PATTERN;
            buf[8] = $entry;
            // SAFETY: ebx, esi and ebp are saved on the stack and restored; every other register
            // changed is declared; only `buf` is read and written. The calls are harmless.
            unsafe {
                core::arch::asm!(
                    "push ebx",
                    "push esi",
                    "push ebp",
                    "push edi",
                    "push dword ptr [edi + 32]",
                    "push dword ptr [edi + 28]",
                    "popfd",
                    "mov eax, [edi]",
                    "mov ebx, [edi + 4]",
                    "mov ecx, [edi + 8]",
                    "mov edx, [edi + 12]",
                    "mov esi, [edi + 16]",
                    "mov ebp, [edi + 24]",
                    "mov edi, [edi + 20]",
                    "pushfd",
                    $gate,
                    "pushfd",
                    "push edi",
                    // stack: edi after, flags after, flags before, entry, buf, ebp, esi, ebx
                    "mov edi, [esp + 16]",
                    "mov [edi + 36], eax",
                    "mov [edi + 40], ebx",
                    "mov [edi + 44], ecx",
                    "mov [edi + 48], edx",
                    "mov [edi + 52], esi",
                    "mov [edi + 60], ebp",
                    "pop eax",
                    "mov [edi + 56], eax",
                    "pop eax",
                    "mov [edi + 68], eax",
                    "pop eax",
                    "mov [edi + 64], eax",
                    "pop eax",
                    "pop eax",
                    "pop ebp",
                    "pop esi",
                    "pop ebx",
                    inout("edi") buf.as_mut_ptr() => _,
                    out("eax") _, out("ecx") _, out("edx") _,
                );
            }
            let mut after = [0u32; 7];
            after.copy_from_slice(&buf[9..16]);
            (after, buf[16] & STATUS, buf[17] & STATUS)
        }};
    }

    pub fn patterns() -> [u32; 7] {
        core::array::from_fn(|i| 0x5a00_0000 | ((i as u32 + 1) * 0x0001_0101))
    }

    pub fn int80(regs: [u32; 7]) -> ([u32; 7], u32, u32) {
        harness!("int 0x80", regs, 0)
    }

    /// `call __kernel_vsyscall` (its address sits just above the saved flags).
    pub fn vsyscall(regs: [u32; 7], entry: u32) -> ([u32; 7], u32, u32) {
        harness!("call dword ptr [esp + 4]", regs, entry)
    }
}

#[cfg(target_arch = "x86")]
#[test]
fn i686_int80_gate_preserves_all_but_eax_and_keeps_flags() {
    use x86::*;
    for (nr, args, expected) in i386_calls() {
        let mut regs = patterns();
        regs[0] = nr;
        regs[1..1 + args.len()].copy_from_slice(&args);
        let (after, flags_before, flags_after) = int80(regs);
        let what = format!("int 0x80 {nr} with {} arguments", args.len());
        assert_eq!(after[0] as i32, expected, "{what}: result");
        assert_preserved(&what, &NAMES, &regs, &after, &["eax"]);
        assert_eq!(flags_before, flags_after, "{what}: flags");
    }
}

#[cfg(target_arch = "x86")]
#[test]
fn i686_kernel_vsyscall_preserves_all_but_eax() {
    use x86::*;
    let entry = syscall_rt::raw::x86::vsyscall_entry().expect("AT_SYSINFO") as u32;
    for (nr, args, expected) in i386_calls() {
        let mut regs = patterns();
        regs[0] = nr;
        regs[1..1 + args.len()].copy_from_slice(&args);
        let (after, _, _) = vsyscall(regs, entry);
        let what = format!("__kernel_vsyscall {nr} with {} arguments", args.len());
        assert_eq!(after[0] as i32, expected, "{what}: result");
        // EFLAGS are not preserved by this function call (the stubs do not claim they are).
        assert_preserved(&what, &NAMES, &regs, &after, &["eax"]);
    }
}

// ------------------------------------------------------- part 1: vector and x87 state, gates

/// Vector and x87 state around one gate: patterns in, what the registers held after.
#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug, Default)]
struct FpuBuf {
    xmm_in: [[u64; 2]; 16],
    xmm_out: [[u64; 2]; 16],
    mxcsr_in: u32,
    mxcsr_out: u32,
    fcw_in: u16,
    fcw_out: u16,
    /// Status word with the two values loaded, before and after the gate (TOP, flags).
    fsw_before: u16,
    fsw_after: u16,
    st_in: [u64; 2],
    st_out: [u64; 2],
    /// `__kernel_vsyscall` (i686 only).
    entry: usize,
}

/// Round down, flush-to-zero, denormals-are-zero, every exception masked, the sticky
/// "precision" flag set: nothing like the default 0x1f80.
#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
const MXCSR_PATTERN: u32 = 0x8000 | 0x2000 | 0x1f80 | 0x40 | 0x20;
/// Round toward zero, 64-bit precision, every exception masked (default 0x037f).
#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
const FCW_PATTERN: u16 = 0x0f7f;

#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
fn xmm_patterns() -> [[u64; 2]; 16] {
    core::array::from_fn(|i| {
        let i = i as u64 + 1;
        [
            0xa5a5_0000_0000_0000 | (i * 0x0001_0203),
            0x3c3c_0000_0000_0000 | (i * 0x0405_0607),
        ]
    })
}

#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
fn fpu_buf() -> FpuBuf {
    FpuBuf {
        xmm_in: xmm_patterns(),
        mxcsr_in: MXCSR_PATTERN,
        fcw_in: FCW_PATTERN,
        // pi and -1/3 as f64 bits: loaded into st(1) and st(0).
        st_in: [0x4009_21fb_5444_2d18, 0xbfd5_5555_5555_5555],
        ..FpuBuf::default()
    }
}

/// Checks what [`FpuBuf`] recorded: `n` vector registers, MXCSR, control word, status word and
/// the x87 stack unchanged by the gate.
#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
fn assert_fpu_preserved(what: &str, b: &FpuBuf, n: usize) {
    for i in 0..n {
        assert_eq!(b.xmm_out[i], b.xmm_in[i], "{what}: xmm{i}");
    }
    assert_eq!(b.mxcsr_out, b.mxcsr_in, "{what}: MXCSR");
    assert_eq!(b.fcw_out, b.fcw_in, "{what}: x87 control word");
    assert_eq!(
        b.fsw_after, b.fsw_before,
        "{what}: x87 status word (TOP, flags)"
    );
    assert_eq!(
        (b.fsw_before >> 11) & 7,
        6,
        "{what}: two values were on the x87 stack"
    );
    // Popped in reverse order of loading.
    assert_eq!(
        [b.st_out[1], b.st_out[0]],
        b.st_in,
        "{what}: x87 stack contents"
    );
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
mod x86_64_fpu {
    use super::FpuBuf;
    use core::mem::offset_of;

    /// Loads the vector and x87 patterns of `buf`, runs `$gate` with the number in rax and
    /// arguments in rdi, rsi, rdx (the `syscall` ABI; `int 0x80` reads eax only here), and
    /// records the state after. Returns rax.
    macro_rules! fpu_gate {
        ($gate:literal, $buf:expr, $nr:expr, $a0:expr, $a1:expr, $a2:expr) => {{
            let buf: &mut FpuBuf = $buf;
            let ret: u64;
            // SAFETY: the asm saves and restores the caller's MXCSR and control word on the
            // stack, leaves the x87 stack as it found it (empty), declares every caller-saved
            // register clobbered (clobber_abi), and only reads and writes `buf`. The system
            // calls made are harmless (see the callers).
            unsafe {
                core::arch::asm!(
                    "sub rsp, 16",
                    "stmxcsr dword ptr [rsp]",
                    "fnstcw word ptr [rsp + 4]",
                    "ldmxcsr dword ptr [r15 + {mxcsr_in}]",
                    "fldcw word ptr [r15 + {fcw_in}]",
                    "fld qword ptr [r15 + {st_in}]",
                    "fld qword ptr [r15 + {st_in} + 8]",
                    "fnstsw word ptr [r15 + {fsw_before}]",
                    "movdqu xmm0, xmmword ptr [r15 + {xmm_in} + 0]",
                    "movdqu xmm1, xmmword ptr [r15 + {xmm_in} + 16]",
                    "movdqu xmm2, xmmword ptr [r15 + {xmm_in} + 32]",
                    "movdqu xmm3, xmmword ptr [r15 + {xmm_in} + 48]",
                    "movdqu xmm4, xmmword ptr [r15 + {xmm_in} + 64]",
                    "movdqu xmm5, xmmword ptr [r15 + {xmm_in} + 80]",
                    "movdqu xmm6, xmmword ptr [r15 + {xmm_in} + 96]",
                    "movdqu xmm7, xmmword ptr [r15 + {xmm_in} + 112]",
                    "movdqu xmm8, xmmword ptr [r15 + {xmm_in} + 128]",
                    "movdqu xmm9, xmmword ptr [r15 + {xmm_in} + 144]",
                    "movdqu xmm10, xmmword ptr [r15 + {xmm_in} + 160]",
                    "movdqu xmm11, xmmword ptr [r15 + {xmm_in} + 176]",
                    "movdqu xmm12, xmmword ptr [r15 + {xmm_in} + 192]",
                    "movdqu xmm13, xmmword ptr [r15 + {xmm_in} + 208]",
                    "movdqu xmm14, xmmword ptr [r15 + {xmm_in} + 224]",
                    "movdqu xmm15, xmmword ptr [r15 + {xmm_in} + 240]",
                    $gate,
                    "movdqu xmmword ptr [r15 + {xmm_out} + 0], xmm0",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 16], xmm1",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 32], xmm2",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 48], xmm3",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 64], xmm4",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 80], xmm5",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 96], xmm6",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 112], xmm7",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 128], xmm8",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 144], xmm9",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 160], xmm10",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 176], xmm11",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 192], xmm12",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 208], xmm13",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 224], xmm14",
                    "movdqu xmmword ptr [r15 + {xmm_out} + 240], xmm15",
                    "stmxcsr dword ptr [r15 + {mxcsr_out}]",
                    "fnstcw word ptr [r15 + {fcw_out}]",
                    "fnstsw word ptr [r15 + {fsw_after}]",
                    "fstp qword ptr [r15 + {st_out}]",
                    "fstp qword ptr [r15 + {st_out} + 8]",
                    "ldmxcsr dword ptr [rsp]",
                    "fldcw word ptr [rsp + 4]",
                    "add rsp, 16",
                    in("r15") buf as *mut FpuBuf,
                    inlateout("rax") $nr => ret,
                    in("rdi") $a0, in("rsi") $a1, in("rdx") $a2,
                    xmm_in = const offset_of!(FpuBuf, xmm_in),
                    xmm_out = const offset_of!(FpuBuf, xmm_out),
                    mxcsr_in = const offset_of!(FpuBuf, mxcsr_in),
                    mxcsr_out = const offset_of!(FpuBuf, mxcsr_out),
                    fcw_in = const offset_of!(FpuBuf, fcw_in),
                    fcw_out = const offset_of!(FpuBuf, fcw_out),
                    fsw_before = const offset_of!(FpuBuf, fsw_before),
                    fsw_after = const offset_of!(FpuBuf, fsw_after),
                    st_in = const offset_of!(FpuBuf, st_in),
                    st_out = const offset_of!(FpuBuf, st_out),
                    clobber_abi("C"),
                );
            }
            ret
        }};
    }

    /// `syscall` with up to 3 arguments.
    pub fn syscall(buf: &mut FpuBuf, nr: u64, a: [u64; 3]) -> u64 {
        fpu_gate!("syscall", buf, nr, a[0], a[1], a[2])
    }

    /// `int 0x80` (i386 ABI) with no argument.
    pub fn int80(buf: &mut FpuBuf, nr: u64) -> u64 {
        fpu_gate!("int 0x80", buf, nr, 0u64, 0u64, 0u64)
    }
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
#[test]
fn x86_64_gates_preserve_vector_and_x87_state() {
    let pid = u64::from(std::process::id());
    let calls: [(u64, [u64; 3], i64); 3] = [
        (39, [0, 0, 0], pid as i64), // getpid
        (8, [u64::MAX, 0, 0], -9),   // lseek(-1, 0, 0): EBADF
        (62, [pid, 0, 0], 0),        // kill(pid, 0)
    ];
    for (nr, args, expected) in calls {
        let mut buf = fpu_buf();
        let ret = x86_64_fpu::syscall(&mut buf, nr, args);
        let what = format!("syscall {nr}");
        assert_eq!(ret as i64, expected, "{what}: result");
        assert_fpu_preserved(&what, &buf, 16);
    }
    let mut buf = fpu_buf();
    let ret = x86_64_fpu::int80(&mut buf, 20); // i386 getpid
    assert_eq!(ret as u32, std::process::id(), "int 0x80: result");
    assert_fpu_preserved("int 0x80 getpid", &buf, 16);
}

#[cfg(target_arch = "x86")]
mod x86_fpu {
    use super::FpuBuf;
    use core::mem::offset_of;

    /// As on x86_64: number in eax, arguments in ebx, ecx, edx, the buffer in edi.
    macro_rules! fpu_gate {
        ($gate:literal, $buf:expr, $nr:expr, $a0:expr, $a1:expr, $a2:expr) => {{
            let buf: &mut FpuBuf = $buf;
            let ret: u32;
            // SAFETY: as the x86_64 harness; `call` needs the stack, which the asm may use
            // (no `nostack`), and `__kernel_vsyscall` returns to the next instruction.
            unsafe {
                core::arch::asm!(
                    // `{entry}` is used by the `__kernel_vsyscall` gate only.
                    "/* {entry} */",
                    "sub esp, 16",
                    "stmxcsr dword ptr [esp]",
                    "fnstcw word ptr [esp + 4]",
                    "ldmxcsr dword ptr [edi + {mxcsr_in}]",
                    "fldcw word ptr [edi + {fcw_in}]",
                    "fld qword ptr [edi + {st_in}]",
                    "fld qword ptr [edi + {st_in} + 8]",
                    "fnstsw word ptr [edi + {fsw_before}]",
                    "movdqu xmm0, xmmword ptr [edi + {xmm_in} + 0]",
                    "movdqu xmm1, xmmword ptr [edi + {xmm_in} + 16]",
                    "movdqu xmm2, xmmword ptr [edi + {xmm_in} + 32]",
                    "movdqu xmm3, xmmword ptr [edi + {xmm_in} + 48]",
                    "movdqu xmm4, xmmword ptr [edi + {xmm_in} + 64]",
                    "movdqu xmm5, xmmword ptr [edi + {xmm_in} + 80]",
                    "movdqu xmm6, xmmword ptr [edi + {xmm_in} + 96]",
                    "movdqu xmm7, xmmword ptr [edi + {xmm_in} + 112]",
                    $gate,
                    "movdqu xmmword ptr [edi + {xmm_out} + 0], xmm0",
                    "movdqu xmmword ptr [edi + {xmm_out} + 16], xmm1",
                    "movdqu xmmword ptr [edi + {xmm_out} + 32], xmm2",
                    "movdqu xmmword ptr [edi + {xmm_out} + 48], xmm3",
                    "movdqu xmmword ptr [edi + {xmm_out} + 64], xmm4",
                    "movdqu xmmword ptr [edi + {xmm_out} + 80], xmm5",
                    "movdqu xmmword ptr [edi + {xmm_out} + 96], xmm6",
                    "movdqu xmmword ptr [edi + {xmm_out} + 112], xmm7",
                    "stmxcsr dword ptr [edi + {mxcsr_out}]",
                    "fnstcw word ptr [edi + {fcw_out}]",
                    "fnstsw word ptr [edi + {fsw_after}]",
                    "fstp qword ptr [edi + {st_out}]",
                    "fstp qword ptr [edi + {st_out} + 8]",
                    "ldmxcsr dword ptr [esp]",
                    "fldcw word ptr [esp + 4]",
                    "add esp, 16",
                    in("edi") buf as *mut FpuBuf,
                    inlateout("eax") $nr => ret,
                    in("ebx") $a0, in("ecx") $a1, in("edx") $a2,
                    xmm_in = const offset_of!(FpuBuf, xmm_in),
                    xmm_out = const offset_of!(FpuBuf, xmm_out),
                    mxcsr_in = const offset_of!(FpuBuf, mxcsr_in),
                    mxcsr_out = const offset_of!(FpuBuf, mxcsr_out),
                    fcw_in = const offset_of!(FpuBuf, fcw_in),
                    fcw_out = const offset_of!(FpuBuf, fcw_out),
                    fsw_before = const offset_of!(FpuBuf, fsw_before),
                    fsw_after = const offset_of!(FpuBuf, fsw_after),
                    st_in = const offset_of!(FpuBuf, st_in),
                    st_out = const offset_of!(FpuBuf, st_out),
                    entry = const offset_of!(FpuBuf, entry),
                    clobber_abi("C"),
                );
            }
            ret
        }};
    }

    /// `int 0x80` with up to 3 arguments.
    pub fn int80(buf: &mut FpuBuf, nr: u32, a: [u32; 3]) -> u32 {
        fpu_gate!("int 0x80", buf, nr, a[0], a[1], a[2])
    }

    /// `call __kernel_vsyscall` (the address in `buf.entry`) with up to 3 arguments.
    pub fn vsyscall(buf: &mut FpuBuf, nr: u32, a: [u32; 3]) -> u32 {
        fpu_gate!("call dword ptr [edi + {entry}]", buf, nr, a[0], a[1], a[2])
    }
}

#[cfg(target_arch = "x86")]
#[test]
fn i686_gates_preserve_vector_and_x87_state() {
    let pid = std::process::id();
    let entry = syscall_rt::raw::x86::vsyscall_entry().expect("AT_SYSINFO");
    let calls: [(u32, [u32; 3], i32); 3] = [
        (20, [0, 0, 0], pid as i32), // getpid
        (19, [u32::MAX, 0, 0], -9),  // lseek(-1, 0, 0): EBADF
        (37, [pid, 0, 0], 0),        // kill(pid, 0)
    ];
    for (nr, args, expected) in calls {
        let mut buf = fpu_buf();
        let ret = x86_fpu::int80(&mut buf, nr, args);
        assert_eq!(ret as i32, expected, "int 0x80 {nr}: result");
        assert_fpu_preserved(&format!("int 0x80 {nr}"), &buf, 8);
        let mut buf = FpuBuf { entry, ..fpu_buf() };
        let ret = x86_fpu::vsyscall(&mut buf, nr, args);
        assert_eq!(ret as i32, expected, "__kernel_vsyscall {nr}: result");
        assert_fpu_preserved(&format!("__kernel_vsyscall {nr}"), &buf, 8);
    }
}

// ------------------------------------------------------------------ part 2: the real stubs

/// What a wrapped stub gets and gives: an argument (the process id where a call needs it) and
/// the stub's result as a signed integer.
#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct Ctx {
    // Pointer-sized: on i686 a 64-bit field would be moved through an xmm register, which the
    // C ABI allows the wrapper to do but which would hide the stub's own effect on xmm0.
    arg: isize,
    ret: isize,
}

/// Wraps one call of a real stub in an `extern "C" fn(*mut Ctx)` for the harness.
#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
macro_rules! wrapper {
    ($name:ident, |$arg:ident| $body:expr) => {
        extern "C" fn $name(ctx: *mut Ctx) {
            // SAFETY: the harness passes a pointer to a live, exclusive `Ctx`.
            let ctx = unsafe { &mut *ctx };
            #[allow(unused_variables)]
            let $arg = ctx.arg;
            ctx.ret = $body as isize;
        }
    };
}

/// The stubs under test, declared here (the real `#[fast_syscall]` expansions, through the
/// target's default mechanism, `int80`, and the vDSO). Raw returns: the kernel's value as is.
mod real {
    use syscall_rt::fast_syscall;

    #[fast_syscall]
    pub fn getpid() -> isize;
    #[fast_syscall]
    pub unsafe fn close(fd: u32) -> isize;
    #[fast_syscall]
    pub fn kill(pid: i32, sig: i32) -> isize;
    #[fast_syscall]
    pub unsafe fn fcntl(fd: u32, cmd: u32, arg: usize) -> isize;
    #[fast_syscall]
    pub fn tee(fdin: i32, fdout: i32, len: usize, flags: u32) -> isize;
    #[fast_syscall]
    pub unsafe fn prctl(option: i32, a2: usize, a3: usize, a4: usize, a5: usize) -> isize;
    #[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
    #[fast_syscall]
    pub unsafe fn mmap(a: usize, l: usize, p: usize, f: usize, fd: usize, o: usize) -> isize;
    #[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
    #[fast_syscall(name = "mmap2")]
    pub unsafe fn mmap(a: usize, l: usize, p: usize, f: usize, fd: usize, o: usize) -> isize;
    #[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
    #[fast_syscall]
    pub unsafe fn clock_gettime(clock: i32, tp: *mut [i64; 2]) -> isize;
    #[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
    #[fast_syscall(name = "clock_gettime64")]
    pub unsafe fn clock_gettime(clock: i32, tp: *mut [i64; 2]) -> isize;

    /// The legacy gate (i386 numbers; from x86_64, 32-bit integers only).
    #[cfg(any(
        all(target_arch = "x86_64", target_pointer_width = "64"),
        target_arch = "x86"
    ))]
    pub mod int80 {
        use syscall_rt::fast_syscall;

        #[fast_syscall(name = "getpid", via = "int80")]
        pub fn getpid() -> isize;
        #[fast_syscall(name = "close", via = "int80")]
        pub unsafe fn close(fd: u32) -> isize;
        #[fast_syscall(name = "kill", via = "int80")]
        pub fn kill(pid: i32, sig: i32) -> isize;
        #[fast_syscall(name = "fcntl64", via = "int80")]
        pub unsafe fn fcntl(fd: u32, cmd: u32, arg: u32) -> isize;
        #[fast_syscall(name = "tee", via = "int80")]
        pub fn tee(fdin: i32, fdout: i32, len: u32, flags: u32) -> isize;
        #[fast_syscall(name = "prctl", via = "int80")]
        pub unsafe fn prctl(option: i32, a2: u32, a3: u32, a4: u32, a5: u32) -> isize;
        #[fast_syscall(name = "mmap2", via = "int80")]
        pub unsafe fn mmap2(a: u32, l: u32, p: u32, f: u32, fd: u32, o: u32) -> isize;
    }
}

// One wrapper per mechanism and argument count: (0) getpid, (1) close(-1): EBADF, (2) kill(pid,
// 0), (3) fcntl(-1, F_GETFD): EBADF, (4) tee(-1, -1, 16, 0): EBADF, (5) prctl(PR_GET_DUMPABLE),
// (6) mmap(len 0): EINVAL, and clock_gettime(CLOCK_MONOTONIC) through the vDSO.
#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
mod wrapped {
    use super::{Ctx, real};

    wrapper!(default0, |pid| real::getpid());
    // SAFETY: -1 is never an open descriptor.
    wrapper!(default1, |pid| unsafe { real::close(u32::MAX) });
    wrapper!(default2, |pid| real::kill(pid as i32, 0));
    // SAFETY: F_GETFD takes no address.
    wrapper!(default3, |pid| unsafe { real::fcntl(u32::MAX, 1, 0) });
    wrapper!(default4, |pid| real::tee(-1, -1, 16, 0));
    // SAFETY: PR_GET_DUMPABLE reads nothing through its arguments.
    wrapper!(default5, |pid| unsafe { real::prctl(3, 0, 0, 0, 0) });
    // SAFETY: a zero-length mapping is refused; nothing is mapped.
    wrapper!(default6, |pid| unsafe {
        real::mmap(0, 0, 1, 0x22, usize::MAX, 0)
    });
    wrapper!(int80_0, |pid| real::int80::getpid());
    // SAFETY: as `default1`.
    wrapper!(int80_1, |pid| unsafe { real::int80::close(u32::MAX) });
    wrapper!(int80_2, |pid| real::int80::kill(pid as i32, 0));
    // SAFETY: F_GETFD takes no address.
    wrapper!(int80_3, |pid| unsafe { real::int80::fcntl(u32::MAX, 1, 0) });
    wrapper!(int80_4, |pid| real::int80::tee(-1, -1, 16, 0));
    // SAFETY: as `default5`.
    wrapper!(int80_5, |pid| unsafe { real::int80::prctl(3, 0, 0, 0, 0) });
    // SAFETY: as `default6`.
    wrapper!(int80_6, |pid| unsafe {
        real::int80::mmap2(0, 0, 1, 0x22, u32::MAX, 0)
    });
    wrapper!(vdso, |pid| {
        let mut ts = [0i64; 2];
        // SAFETY: a writable timespec.
        let r = unsafe { real::clock_gettime(1, &mut ts) };
        if ts[0] > 0 || ts[1] > 0 { r } else { -1 }
    });

    /// Which registers a wrapped call must preserve.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum Contract {
        /// A kernel gate: every register the stub does not declare, the vector registers,
        /// MXCSR and the x87 control word included.
        Gate,
        /// A C function (the vDSO): callee-saved registers, MXCSR's control bits, the x87
        /// control word.
        CFunction,
    }

    /// (what, wrapper, expected result given the pid, contract)
    pub type Case = (
        &'static str,
        extern "C" fn(*mut Ctx),
        fn(isize) -> isize,
        Contract,
    );

    pub fn cases() -> Vec<Case> {
        let gate = if cfg!(target_arch = "x86") {
            "sysenter"
        } else {
            "syscall"
        };
        let name = |m: &str, n: usize| -> &'static str { String::leak(format!("{m} {n} args")) };
        let expected: [fn(isize) -> isize; 7] =
            [|pid| pid, |_| -9, |_| 0, |_| -9, |_| -9, |_| 1, |_| -22];
        let default: [extern "C" fn(*mut Ctx); 7] = [
            default0, default1, default2, default3, default4, default5, default6,
        ];
        let int80: [extern "C" fn(*mut Ctx); 7] = [
            int80_0, int80_1, int80_2, int80_3, int80_4, int80_5, int80_6,
        ];
        let mut v = Vec::new();
        for n in 0..7 {
            v.push((name(gate, n), default[n], expected[n], Contract::Gate));
            v.push((name("int 0x80", n), int80[n], expected[n], Contract::Gate));
        }
        v.push((
            "vDSO clock_gettime",
            vdso as extern "C" fn(*mut Ctx),
            (|_| 0) as fn(isize) -> isize,
            Contract::CFunction,
        ));
        v
    }
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
mod x86_64_real {
    use super::Ctx;
    use core::mem::offset_of;

    /// Callee-saved registers, vector and x87 state around one call.
    #[repr(C, align(16))]
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct State {
        /// rbx, rbp, r12, r13, r14, r15.
        pub gpr: [u64; 6],
        pub xmm: [[u64; 2]; 16],
        pub mxcsr: u32,
        pub fcw: u16,
        pub fsw: u16,
        pub fsw_before: u16,
        pub sp_before: u64,
        pub sp_after: u64,
        pub flags: u64,
    }

    pub const GPR_NAMES: [&str; 6] = ["rbx", "rbp", "r12", "r13", "r14", "r15"];

    /// Calls `f(ctx)` with the callee-saved registers, xmm0–15, MXCSR and the x87 control word
    /// set from `before`; returns them as they were after the call.
    pub fn call(f: extern "C" fn(*mut Ctx), ctx: &mut Ctx, before: &State) -> State {
        let mut after = State::default();
        // SAFETY: the callee-saved registers are pushed and popped around the call, MXCSR and
        // the control word saved and restored; the call is made with the stack aligned as the
        // C ABI requires (8 pushes from an aligned start), to an `extern "C"` function taking
        // `ctx`; every caller-saved register is declared clobbered (clobber_abi). Only `ctx`,
        // `before` and `after` are accessed.
        unsafe {
            core::arch::asm!(
                "push rbx",
                "push rbp",
                "push r12",
                "push r13",
                "push r14",
                "push r15",
                "push rdx",
                "sub rsp, 8",
                "stmxcsr dword ptr [rsp]",
                "fnstcw word ptr [rsp + 4]",
                "mov [rdx + {sp_before}], rsp",
                "ldmxcsr dword ptr [rsi + {mxcsr}]",
                "fldcw word ptr [rsi + {fcw}]",
                "fnstsw word ptr [rdx + {fsw_before}]",
                "movdqu xmm0, xmmword ptr [rsi + {xmm} + 0]",
                "movdqu xmm1, xmmword ptr [rsi + {xmm} + 16]",
                "movdqu xmm2, xmmword ptr [rsi + {xmm} + 32]",
                "movdqu xmm3, xmmword ptr [rsi + {xmm} + 48]",
                "movdqu xmm4, xmmword ptr [rsi + {xmm} + 64]",
                "movdqu xmm5, xmmword ptr [rsi + {xmm} + 80]",
                "movdqu xmm6, xmmword ptr [rsi + {xmm} + 96]",
                "movdqu xmm7, xmmword ptr [rsi + {xmm} + 112]",
                "movdqu xmm8, xmmword ptr [rsi + {xmm} + 128]",
                "movdqu xmm9, xmmword ptr [rsi + {xmm} + 144]",
                "movdqu xmm10, xmmword ptr [rsi + {xmm} + 160]",
                "movdqu xmm11, xmmword ptr [rsi + {xmm} + 176]",
                "movdqu xmm12, xmmword ptr [rsi + {xmm} + 192]",
                "movdqu xmm13, xmmword ptr [rsi + {xmm} + 208]",
                "movdqu xmm14, xmmword ptr [rsi + {xmm} + 224]",
                "movdqu xmm15, xmmword ptr [rsi + {xmm} + 240]",
                "mov rbx, [rsi + {gpr}]",
                "mov rbp, [rsi + {gpr} + 8]",
                "mov r12, [rsi + {gpr} + 16]",
                "mov r13, [rsi + {gpr} + 24]",
                "mov r14, [rsi + {gpr} + 32]",
                "mov r15, [rsi + {gpr} + 40]",
                "call rax",
                "mov rcx, [rsp + 8]",
                "mov [rcx + {sp_after}], rsp",
                "mov [rcx + {gpr}], rbx",
                "mov [rcx + {gpr} + 8], rbp",
                "mov [rcx + {gpr} + 16], r12",
                "mov [rcx + {gpr} + 24], r13",
                "mov [rcx + {gpr} + 32], r14",
                "mov [rcx + {gpr} + 40], r15",
                "movdqu xmmword ptr [rcx + {xmm} + 0], xmm0",
                "movdqu xmmword ptr [rcx + {xmm} + 16], xmm1",
                "movdqu xmmword ptr [rcx + {xmm} + 32], xmm2",
                "movdqu xmmword ptr [rcx + {xmm} + 48], xmm3",
                "movdqu xmmword ptr [rcx + {xmm} + 64], xmm4",
                "movdqu xmmword ptr [rcx + {xmm} + 80], xmm5",
                "movdqu xmmword ptr [rcx + {xmm} + 96], xmm6",
                "movdqu xmmword ptr [rcx + {xmm} + 112], xmm7",
                "movdqu xmmword ptr [rcx + {xmm} + 128], xmm8",
                "movdqu xmmword ptr [rcx + {xmm} + 144], xmm9",
                "movdqu xmmword ptr [rcx + {xmm} + 160], xmm10",
                "movdqu xmmword ptr [rcx + {xmm} + 176], xmm11",
                "movdqu xmmword ptr [rcx + {xmm} + 192], xmm12",
                "movdqu xmmword ptr [rcx + {xmm} + 208], xmm13",
                "movdqu xmmword ptr [rcx + {xmm} + 224], xmm14",
                "movdqu xmmword ptr [rcx + {xmm} + 240], xmm15",
                "stmxcsr dword ptr [rcx + {mxcsr}]",
                "fnstcw word ptr [rcx + {fcw}]",
                "fnstsw word ptr [rcx + {fsw}]",
                "pushfq",
                "pop rax",
                "mov [rcx + {flags}], rax",
                "ldmxcsr dword ptr [rsp]",
                "fldcw word ptr [rsp + 4]",
                "add rsp, 16",
                "pop r15",
                "pop r14",
                "pop r13",
                "pop r12",
                "pop rbp",
                "pop rbx",
                in("rax") f,
                in("rdi") ctx as *mut Ctx,
                in("rsi") before as *const State,
                in("rdx") &mut after as *mut State,
                gpr = const offset_of!(State, gpr),
                xmm = const offset_of!(State, xmm),
                mxcsr = const offset_of!(State, mxcsr),
                fcw = const offset_of!(State, fcw),
                fsw = const offset_of!(State, fsw),
                fsw_before = const offset_of!(State, fsw_before),
                sp_before = const offset_of!(State, sp_before),
                sp_after = const offset_of!(State, sp_after),
                flags = const offset_of!(State, flags),
                clobber_abi("C"),
            );
        }
        after
    }
}

#[cfg(target_arch = "x86")]
mod x86_real {
    use super::Ctx;
    use core::mem::offset_of;

    /// Callee-saved registers, vector and x87 state around one call.
    #[repr(C, align(16))]
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct State {
        /// ebx, esi, edi, ebp.
        pub gpr: [u32; 4],
        pub xmm: [[u64; 2]; 8],
        pub mxcsr: u32,
        pub fcw: u16,
        pub fsw: u16,
        pub fsw_before: u16,
        pub sp_before: u32,
        pub sp_after: u32,
        pub flags: u32,
    }

    pub const GPR_NAMES: [&str; 4] = ["ebx", "esi", "edi", "ebp"];

    /// As on x86_64, with the cdecl convention: `ctx` pushed as the argument.
    pub fn call(f: extern "C" fn(*mut Ctx), ctx: &mut Ctx, before: &State) -> State {
        let mut after = State::default();
        // SAFETY: as the x86_64 harness: ebx, esi, edi, ebp pushed and popped, MXCSR and the
        // control word restored, 32 bytes pushed before the call so that the stack is aligned
        // to 16 as the i386 System V ABI requires, every caller-saved register declared.
        unsafe {
            core::arch::asm!(
                "push ebx",
                "push esi",
                "push edi",
                "push ebp",
                "push ecx",
                "sub esp, 8",
                "stmxcsr dword ptr [esp]",
                "fnstcw word ptr [esp + 4]",
                "push edi",
                "mov [ecx + {sp_before}], esp",
                "ldmxcsr dword ptr [eax + {mxcsr}]",
                "fldcw word ptr [eax + {fcw}]",
                "fnstsw word ptr [ecx + {fsw_before}]",
                "movdqu xmm0, xmmword ptr [eax + {xmm} + 0]",
                "movdqu xmm1, xmmword ptr [eax + {xmm} + 16]",
                "movdqu xmm2, xmmword ptr [eax + {xmm} + 32]",
                "movdqu xmm3, xmmword ptr [eax + {xmm} + 48]",
                "movdqu xmm4, xmmword ptr [eax + {xmm} + 64]",
                "movdqu xmm5, xmmword ptr [eax + {xmm} + 80]",
                "movdqu xmm6, xmmword ptr [eax + {xmm} + 96]",
                "movdqu xmm7, xmmword ptr [eax + {xmm} + 112]",
                "mov ebx, [eax + {gpr}]",
                "mov esi, [eax + {gpr} + 4]",
                "mov edi, [eax + {gpr} + 8]",
                "mov ebp, [eax + {gpr} + 12]",
                "call edx",
                "mov ecx, [esp + 12]",
                "mov [ecx + {sp_after}], esp",
                "mov [ecx + {gpr}], ebx",
                "mov [ecx + {gpr} + 4], esi",
                "mov [ecx + {gpr} + 8], edi",
                "mov [ecx + {gpr} + 12], ebp",
                "movdqu xmmword ptr [ecx + {xmm} + 0], xmm0",
                "movdqu xmmword ptr [ecx + {xmm} + 16], xmm1",
                "movdqu xmmword ptr [ecx + {xmm} + 32], xmm2",
                "movdqu xmmword ptr [ecx + {xmm} + 48], xmm3",
                "movdqu xmmword ptr [ecx + {xmm} + 64], xmm4",
                "movdqu xmmword ptr [ecx + {xmm} + 80], xmm5",
                "movdqu xmmword ptr [ecx + {xmm} + 96], xmm6",
                "movdqu xmmword ptr [ecx + {xmm} + 112], xmm7",
                "stmxcsr dword ptr [ecx + {mxcsr}]",
                "fnstcw word ptr [ecx + {fcw}]",
                "fnstsw word ptr [ecx + {fsw}]",
                "pushfd",
                "pop eax",
                "mov [ecx + {flags}], eax",
                "add esp, 4",
                "ldmxcsr dword ptr [esp]",
                "fldcw word ptr [esp + 4]",
                "add esp, 12",
                "pop ebp",
                "pop edi",
                "pop esi",
                "pop ebx",
                in("edx") f,
                in("edi") ctx as *mut Ctx,
                in("eax") before as *const State,
                in("ecx") &mut after as *mut State,
                gpr = const offset_of!(State, gpr),
                xmm = const offset_of!(State, xmm),
                mxcsr = const offset_of!(State, mxcsr),
                fcw = const offset_of!(State, fcw),
                fsw = const offset_of!(State, fsw),
                fsw_before = const offset_of!(State, fsw_before),
                sp_before = const offset_of!(State, sp_before),
                sp_after = const offset_of!(State, sp_after),
                flags = const offset_of!(State, flags),
                clobber_abi("C"),
            );
        }
        after
    }
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
use x86_64_real as real_harness;
#[cfg(target_arch = "x86")]
use x86_real as real_harness;

#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
#[test]
fn real_stubs_preserve_callee_saved_vector_and_x87_state() {
    use real_harness::{GPR_NAMES, State, call};
    use wrapped::Contract;
    let pid = std::process::id() as isize;
    let mut before = State {
        mxcsr: MXCSR_PATTERN,
        fcw: FCW_PATTERN,
        ..State::default()
    };
    for (i, r) in before.gpr.iter_mut().enumerate() {
        *r = (0x5a5a_5a5a_0101_0101u64.wrapping_mul(i as u64 + 3)) as _;
    }
    let n = before.xmm.len();
    before.xmm.copy_from_slice(&xmm_patterns()[..n]);
    for (what, f, expected, contract) in wrapped::cases() {
        let mut ctx = Ctx { arg: pid, ret: 0 };
        let after = call(f, &mut ctx, &before);
        assert_eq!(ctx.ret, expected(pid), "{what}: result");
        for (i, name) in GPR_NAMES.iter().enumerate() {
            assert!(
                after.gpr[i] == before.gpr[i],
                "{what}: {name} changed from {:#x} to {:#x}",
                before.gpr[i],
                after.gpr[i]
            );
        }
        assert_eq!(after.sp_after, after.sp_before, "{what}: stack pointer");
        assert_eq!(
            after.flags & 0x400,
            0,
            "{what}: direction flag set on return"
        );
        assert_eq!(after.fcw, FCW_PATTERN, "{what}: x87 control word");
        match contract {
            Contract::Gate => {
                for i in 0..n {
                    assert_eq!(after.xmm[i], before.xmm[i], "{what}: xmm{i}");
                }
                assert_eq!(after.mxcsr, MXCSR_PATTERN, "{what}: MXCSR");
                assert_eq!(after.fsw, after.fsw_before, "{what}: x87 status word");
            }
            Contract::CFunction => {
                // Control bits (rounding, FTZ, DAZ, masks) are callee-saved; status flags not.
                assert_eq!(
                    after.mxcsr & !0x3f,
                    MXCSR_PATTERN & !0x3f,
                    "{what}: MXCSR control"
                );
            }
        }
    }
}

// ------------------------------------------------------------------ part 3: live values

/// Twelve values live across `f`, checked afterwards.
fn with_live_values(what: &str, f: impl FnOnce()) {
    let v: [u64; 12] = core::array::from_fn(|i| black_box(0x1111_1111 * (i as u64 + 1)));
    let (a, b, c, d, e, g, h, i, j, k, l, m) = (
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
    );
    f();
    let after = [a, b, c, d, e, g, h, i, j, k, l, m];
    for (n, (x, y)) in v.iter().zip(after.iter()).enumerate() {
        assert_eq!(black_box(*x), black_box(*y), "{what}: live value {n}");
        assert_eq!(*y, 0x1111_1111 * (n as u64 + 1), "{what}: live value {n}");
    }
}

#[test]
fn live_values_survive_the_default_stubs_for_0_to_6_arguments() {
    let pid = std::process::id() as i32;
    with_live_values("0 args", || {
        assert_eq!(black_box(real::getpid()), pid as isize)
    });
    // SAFETY: -1 is never an open descriptor.
    with_live_values("1 arg", || {
        assert_eq!(unsafe { real::close(black_box(u32::MAX)) }, -9)
    });
    with_live_values("2 args", || assert_eq!(real::kill(black_box(pid), 0), 0));
    with_live_values("3 args", || {
        // SAFETY: F_GETFD takes no address.
        assert_eq!(unsafe { real::fcntl(black_box(u32::MAX), 1, 0) }, -9)
    });
    with_live_values("4 args", || {
        assert_eq!(real::tee(black_box(-1), -1, 16, 0), -9)
    });
    // SAFETY: PR_GET_DUMPABLE takes no pointer.
    with_live_values("5 args", || {
        assert_eq!(unsafe { real::prctl(black_box(3), 0, 0, 0, 0) }, 1)
    });
    // SAFETY: a zero-length mapping is refused; nothing is mapped.
    with_live_values("6 args", || {
        assert_eq!(
            unsafe { real::mmap(0, black_box(0), 1, 0x22, usize::MAX, 0) },
            -22
        )
    });
    with_live_values("vDSO", || {
        let mut ts = [0i64; 2];
        // SAFETY: a writable timespec.
        assert_eq!(unsafe { real::clock_gettime(black_box(1), &mut ts) }, 0);
    });
}

#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
#[test]
fn live_values_survive_the_int80_stubs_for_0_to_6_arguments() {
    use real::int80;
    let pid = std::process::id() as i32;
    with_live_values("int80 0 args", || {
        assert_eq!(black_box(int80::getpid()), pid as isize)
    });
    // SAFETY: -1 is never an open descriptor.
    with_live_values("int80 1 arg", || {
        assert_eq!(unsafe { int80::close(black_box(u32::MAX)) }, -9)
    });
    with_live_values("int80 2 args", || {
        assert_eq!(int80::kill(black_box(pid), 0), 0)
    });
    with_live_values("int80 3 args", || {
        // SAFETY: F_GETFD takes no address.
        assert_eq!(unsafe { int80::fcntl(black_box(u32::MAX), 1, 0) }, -9)
    });
    with_live_values("int80 4 args", || {
        assert_eq!(int80::tee(black_box(-1), -1, 16, 0), -9)
    });
    // SAFETY: PR_GET_DUMPABLE takes no pointer.
    with_live_values("int80 5 args", || {
        assert_eq!(unsafe { int80::prctl(black_box(3), 0, 0, 0, 0) }, 1)
    });
    // SAFETY: a zero-length mapping is refused.
    with_live_values("int80 6 args", || {
        assert_eq!(
            unsafe { int80::mmap2(0, black_box(0), 1, 0x22, u32::MAX, 0) },
            -22
        )
    });
}
