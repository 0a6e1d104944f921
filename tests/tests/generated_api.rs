//! The generated API: `syscall_rt::sys` (every system call of the target's table) and the
//! numbers of every ABI (`syscall_rt::arch::<abi>::nr`, `syscall_rt::nr`).

// `c_long` is i64 on 64-bit targets and i32 on 32-bit ones: the conversions are needed there.
#![allow(clippy::useless_conversion)]

use syscall_rt::{Errno, arch, nr, sys};

#[test]
fn sys_functions_make_the_calls() {
    // Typed results: `pid_t` is i32, `uid_t` u32 (on i386 and Arm `getuid` is the 16-bit call,
    // widened to u32).
    assert_eq!(sys::getpid(), Ok(std::process::id() as i32));
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    assert_eq!(sys::getuid(), Ok(if uid > 0xffff { 0xfffe } else { uid }));
    let mut fds = [0i32; 2];
    // SAFETY: `fds` holds two ints; the buffers are valid for their lengths.
    unsafe {
        sys::pipe2(fds.as_mut_ptr(), 0o2_000_000).unwrap();
        // Descriptors are i32 throughout the generated API.
        assert_eq!(sys::write(fds[1], b"gen".as_ptr(), 3), Ok(3));
        let mut buf = [0u8; 8];
        assert_eq!(sys::read(fds[0], buf.as_mut_ptr(), 8), Ok(3));
        assert_eq!(&buf[..3], b"gen");
        assert_eq!(sys::close(fds[0]), Ok(0));
        assert_eq!(sys::close(fds[1]), Ok(0));
        // Not `fds[1]` again: another test thread may already have been given that number.
        assert_eq!(sys::close(0x7fff_fff0), Err(Errno::EBADF));
    }
    // A 6-argument call and a 64-bit argument (a register pair on 32-bit ABIs).
    // SAFETY: zero-length mapping, refused.
    #[cfg(target_pointer_width = "64")]
    assert_eq!(
        unsafe { sys::mmap(0, 0, 1, 0x22, usize::MAX, 0) },
        Err(Errno::EINVAL)
    );
    // x32: the kernel's `unsigned long fd` arrives as user space's 32-bit value, a descriptor.
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
    assert_eq!(
        unsafe { sys::mmap(0, 0, 1, 0x22, -1, 0) },
        Err(Errno::EINVAL)
    );
    #[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
    assert_eq!(
        unsafe { sys::mmap2(0, 0, 1, 0x22, -1, 0) },
        Err(Errno::EINVAL)
    );
    let f = std::fs::File::open("/proc/self/exe").unwrap();
    let mut head = [0u8; 4];
    // SAFETY: `head` is writable for 4 bytes.
    let n = unsafe { sys::pread64(std::os::fd::AsRawFd::as_raw_fd(&f), head.as_mut_ptr(), 4, 0) };
    assert_eq!((n, &head), (Ok(4), b"\x7fELF"));
}

#[test]
fn the_vdso_path_of_the_generated_api_agrees_with_libc() {
    let mut ts = syscall_rt::uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer for the kernel's 64-bit timespec.
    #[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
    unsafe { sys::clock_gettime(0, &mut ts) }.unwrap();
    // SAFETY: as above.
    #[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
    unsafe { sys::clock_gettime64(0, &mut ts) }.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    assert!((now.as_secs() as i64 - ts.tv_sec).abs() <= 1);
}

#[test]
fn numbers_of_every_abi_are_available_on_any_host() {
    assert_eq!(arch::x86_64::nr::READ, 0);
    assert_eq!(arch::x86_64::nr::GETPID, 39);
    assert_eq!(arch::x86::nr::GETPID, 20);
    assert_eq!(arch::x32::nr::READ, 0x4000_0000);
    assert_eq!(arch::aarch64::nr::READ, 63);
    assert_eq!(arch::arm::nr::GETPID, 20);
    assert_eq!(arch::riscv64::nr::GETPID, 172);
    assert_eq!(arch::riscv32::nr::CLOCK_GETTIME64, 403);
    // Reserved numbers are listed too (tracers see them).
    assert_eq!(arch::x86_64::nr::AFS_SYSCALL, 183);
    let counts = [
        arch::x86_64::nr::ALL.len(),
        arch::x86::nr::ALL.len(),
        arch::x32::nr::ALL.len(),
        arch::aarch64::nr::ALL.len(),
        arch::arm::nr::ALL.len(),
        arch::riscv64::nr::ALL.len(),
        arch::riscv32::nr::ALL.len(),
    ];
    assert_eq!(counts, [385, 461, 374, 327, 424, 328, 318]);
    assert!(arch::x86::nr::ALL.windows(2).all(|w| w[0].1 < w[1].1));
    // The target's own numbers, as libc knows them.
    assert_eq!(i64::from(nr::GETPID), i64::from(libc::SYS_getpid));
    assert_eq!(i64::from(nr::READ), i64::from(libc::SYS_read));
}

#[test]
fn every_generated_number_equals_libcs_for_the_target() {
    // libc's SYS_* constants for a few dozen calls of every target (issue 5 extends this).
    let pairs: &[(u32, libc::c_long)] = &[
        (nr::READ, libc::SYS_read),
        (nr::WRITE, libc::SYS_write),
        (nr::CLOSE, libc::SYS_close),
        (nr::OPENAT, libc::SYS_openat),
        (nr::GETPID, libc::SYS_getpid),
        (nr::CLONE, libc::SYS_clone),
        (nr::EXIT_GROUP, libc::SYS_exit_group),
        (nr::PREAD64, libc::SYS_pread64),
        (nr::STATX, libc::SYS_statx),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(i64::from(*ours), i64::from(*theirs));
    }
}

#[test]
fn audit_arch_of_every_abi_matches_the_kernels_audit_h() {
    use syscall_rt::uapi::ptrace as audit;
    assert_eq!(arch::x86_64::AUDIT_ARCH, audit::AUDIT_ARCH_X86_64);
    assert_eq!(arch::x32::AUDIT_ARCH, audit::AUDIT_ARCH_X86_64);
    assert_eq!(arch::x32::X32_SYSCALL_BIT, 0x4000_0000);
    assert_eq!(arch::x86::AUDIT_ARCH, audit::AUDIT_ARCH_I386);
    assert_eq!(arch::aarch64::AUDIT_ARCH, audit::AUDIT_ARCH_AARCH64);
    assert_eq!(arch::arm::AUDIT_ARCH, audit::AUDIT_ARCH_ARM);
    assert_eq!(arch::riscv64::AUDIT_ARCH, audit::AUDIT_ARCH_RISCV64);
    assert_eq!(arch::riscv32::AUDIT_ARCH, audit::AUDIT_ARCH_RISCV32);
}
