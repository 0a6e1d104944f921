//! `syscall_rt::registry`: the records of this test binary's linked stubs, read at run time
//! from its own `PT_NOTE` segments.

use syscall_rt::registry::{self, Call, Entry};
use syscall_rt::{Errno, fast_syscall};

#[fast_syscall]
fn getpid() -> i32;

#[fast_syscall]
fn getppid() -> i32;

/// Declared, never called: no code, no record.
#[allow(dead_code)]
#[fast_syscall]
fn sched_yield() -> Result<(), Errno>;

#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
#[fast_syscall(via = "int80", name = "getuid")]
fn getuid_int80() -> u32;

/// Compiled (a `#[no_mangle]` function is always code-generated) but called by nothing: the
/// linker drops it, and with it the record of the `getsid` stub inlined into it.
#[unsafe(no_mangle)]
pub extern "C" fn fast_syscall_registry_test_dead_code() -> i32 {
    getsid(0).unwrap_or(-1)
}

#[fast_syscall]
fn getsid(pid: i32) -> Result<i32, Errno>;

/// The clock through the vDSO (64-bit time: `clock_gettime64` on 32-bit ABIs but x32).
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
#[fast_syscall]
unsafe fn clock_gettime(
    clock: i32,
    tp: *mut syscall_rt::uapi::__kernel_timespec,
) -> Result<(), Errno>;
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
#[fast_syscall(name = "clock_gettime64")]
unsafe fn clock_gettime(
    clock: i32,
    tp: *mut syscall_rt::uapi::__kernel_timespec,
) -> Result<(), Errno>;

/// The record name and number of [`clock_gettime`].
#[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
const CLOCK: (&str, u32) = ("clock_gettime", syscall_rt::nr::CLOCK_GETTIME);
#[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
const CLOCK: (&str, u32) = ("clock_gettime64", syscall_rt::nr::CLOCK_GETTIME64);

fn find(name: &str) -> Vec<Call> {
    registry::linked().filter(|c| c.name == name).collect()
}

/// The target's own ABI: table name and `AUDIT_ARCH`.
fn target_abi() -> (&'static str, u32) {
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    return ("x86_64", syscall_rt::arch::x86_64::AUDIT_ARCH);
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
    return ("x32", syscall_rt::arch::x32::AUDIT_ARCH);
    #[cfg(target_arch = "x86")]
    return ("x86", syscall_rt::arch::x86::AUDIT_ARCH);
    #[cfg(target_arch = "aarch64")]
    return ("aarch64", syscall_rt::arch::aarch64::AUDIT_ARCH);
    #[cfg(target_arch = "arm")]
    return ("arm", syscall_rt::arch::arm::AUDIT_ARCH);
    #[cfg(target_arch = "riscv64")]
    return ("riscv64", syscall_rt::arch::riscv64::AUDIT_ARCH);
    #[cfg(target_arch = "riscv32")]
    return ("riscv32", syscall_rt::arch::riscv32::AUDIT_ARCH);
}

/// The target's default kernel entry.
fn default_entry() -> Entry {
    if cfg!(target_arch = "x86_64") {
        Entry::Syscall
    } else if cfg!(target_arch = "x86") {
        Entry::Sysenter
    } else if cfg!(any(target_arch = "aarch64", target_arch = "arm")) {
        Entry::Svc
    } else {
        Entry::Ecall
    }
}

#[test]
fn a_called_stub_is_recorded_once_with_its_abi_number_and_entry() {
    assert!(getpid() > 0);
    assert!(getppid() > 0);
    let (abi, audit_arch) = target_abi();
    assert_eq!(
        find("getpid"),
        [Call {
            abi,
            audit_arch,
            number: syscall_rt::nr::GETPID,
            name: "getpid",
            entry: default_entry(),
            via_vdso: false,
        }]
    );
    assert_eq!(find("getppid").len(), 1);
    assert_eq!(find("getppid")[0].number, syscall_rt::nr::GETPPID);
}

#[test]
fn every_call_is_listed_once() {
    let all: Vec<Call> = registry::linked().collect();
    for (i, a) in all.iter().enumerate() {
        assert!(!all[..i].contains(a), "{a:?} listed twice");
    }
    // syscall-rt's own calls are recorded like the program's: the vDSO discovery checks the
    // image's pages with mincore when it has to read the auxiliary vector itself.
    assert!(!all.is_empty());
}

#[test]
fn uncalled_declarations_and_dead_code_leave_no_record() {
    assert!(find("sched_yield").is_empty(), "a declaration never called");
    // Compiled into this binary's object file, dropped by the linker with its record.
    assert!(find("getsid").is_empty(), "{:?}", find("getsid"));
    // Generated functions this binary does not call.
    assert!(find("reboot").is_empty());
    assert!(find("kexec_load").is_empty());
}

#[test]
fn a_vdso_call_records_its_kernel_fallback() {
    let mut ts = syscall_rt::uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    assert_eq!(unsafe { clock_gettime(1, &mut ts) }, Ok(()));
    let calls = find(CLOCK.0);
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = calls[0];
    assert_eq!(call.entry, default_entry());
    assert_eq!(call.number, CLOCK.1);
    // x86_64, x86, aarch64, arm and riscv64 list a vDSO symbol for the 64-bit-time clock
    // (riscv32 is only compile-checked).
    assert!(call.via_vdso, "{call:?}");
}

#[cfg(any(
    all(target_arch = "x86_64", target_pointer_width = "64"),
    target_arch = "x86"
))]
#[test]
fn int80_records_the_i386_abi_even_from_x86_64() {
    let _ = getuid_int80();
    let i386 = find("getuid")
        .into_iter()
        .filter(|c| c.entry == Entry::Int80)
        .collect::<Vec<_>>();
    assert_eq!(
        i386,
        [Call {
            abi: "x86",
            audit_arch: syscall_rt::arch::x86::AUDIT_ARCH,
            number: syscall_rt::arch::x86::nr::GETUID,
            name: "getuid",
            entry: Entry::Int80,
            via_vdso: false,
        }]
    );
    assert_eq!(
        registry::linked_for(syscall_rt::arch::x86::AUDIT_ARCH).count(),
        if cfg!(target_arch = "x86") {
            registry::linked().count()
        } else {
            1
        }
    );
}
