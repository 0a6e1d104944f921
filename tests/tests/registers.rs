//! Register preservation, per mechanism and argument count.
//!
//! Part 1 (`*_gate_preserves_*`): an assembly harness fills every general register with a
//! distinct pattern (and the flags with a known value), puts a real system call's number and
//! 0–6 arguments in the ABI's registers, runs the gate exactly as the stubs do, and stores every
//! register afterwards. Registers outside the clobber list the stubs declare must be unchanged:
//! this proves the clobber lists of `syscall_rt::raw` are sufficient on this kernel. The result
//! register is checked against the call's known answer.
//!
//! Part 2 (`live_values_survive_*`): the real `#[fast_syscall]` stubs, for each mechanism and
//! argument count, called while a dozen values are live across them. With optimizations (CI runs
//! this file in release too) those values sit in registers, so a clobber the stubs failed to
//! declare would corrupt one of them.

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

// ------------------------------------------------------------------ part 2: the real stubs

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

/// The stubs under test: the target's default mechanism (`tests/src/lib.rs`).
mod stubs {
    pub use syscall_tests::{close, fcntl, getpid, kill, mmap, prctl, tee};
}

#[test]
fn live_values_survive_the_default_stubs_for_0_to_6_arguments() {
    use syscall_rt::Errno;
    let pid = std::process::id() as i32;
    with_live_values("0 args", || assert_eq!(black_box(stubs::getpid()), pid));
    with_live_values("1 arg", || {
        // SAFETY: -1 is never a descriptor: nothing is closed.
        assert_eq!(unsafe { stubs::close(black_box(-1)) }, Err(Errno::EBADF))
    });
    with_live_values("2 args", || {
        assert_eq!(stubs::kill(black_box(pid), 0), Ok(()))
    });
    with_live_values("3 args", || {
        // SAFETY: F_GETFD takes no address.
        assert_eq!(
            unsafe { stubs::fcntl(black_box(u32::MAX), 1, 0) },
            Err(Errno::EBADF)
        )
    });
    with_live_values("4 args", || {
        assert_eq!(stubs::tee(black_box(-1), -1, 16, 0), Err(Errno::EBADF))
    });
    // SAFETY: PR_GET_DUMPABLE takes no pointer.
    with_live_values("5 args", || {
        assert_eq!(unsafe { stubs::prctl(black_box(3), 0, 0, 0, 0) }, Ok(1))
    });
    // SAFETY: a zero-length mapping is refused; nothing is mapped.
    with_live_values("6 args", || {
        assert_eq!(
            unsafe { stubs::mmap(0, black_box(0), 1, 0x22, usize::MAX, 0) },
            Err(Errno::EINVAL)
        )
    });
}

#[cfg(any(
    target_arch = "x86",
    all(target_arch = "x86_64", target_pointer_width = "64")
))]
#[test]
fn live_values_survive_the_int80_stubs_for_0_to_6_arguments() {
    use syscall_rt::Errno;
    use syscall_tests::int80;
    let pid = std::process::id() as i32;
    with_live_values("int80 0 args", || {
        assert_eq!(black_box(int80::getpid()), pid)
    });
    with_live_values("int80 1 arg", || {
        // SAFETY: u32::MAX is never a descriptor: nothing is closed.
        assert_eq!(
            unsafe { int80::close(black_box(u32::MAX)) },
            Err(Errno::EBADF)
        )
    });
    with_live_values("int80 2 args", || {
        assert_eq!(int80::kill(black_box(pid), 0), Ok(()))
    });
    with_live_values("int80 3 args", || {
        // SAFETY: F_GETFD takes no address.
        assert_eq!(
            unsafe { int80::fcntl(black_box(u32::MAX), 1, 0) },
            Err(Errno::EBADF)
        )
    });
    with_live_values("int80 4 args", || {
        assert_eq!(int80::tee(black_box(-1), -1, 16, 0), Err(Errno::EBADF))
    });
    // SAFETY: PR_GET_DUMPABLE takes no pointer.
    with_live_values("int80 5 args", || {
        assert_eq!(unsafe { int80::prctl(black_box(3), 0, 0, 0, 0) }, Ok(1))
    });
    // SAFETY: a zero-length mapping is refused.
    with_live_values("int80 6 args", || {
        assert_eq!(
            unsafe { int80::mmap2(0, black_box(0), 1, 0x22, u32::MAX, 0) },
            Err(Errno::EINVAL)
        )
    });
}
