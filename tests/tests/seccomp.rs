//! `syscall_rt::seccomp` against the real kernel. A filter cannot be removed, so each scenario
//! runs in a child process: this test binary started again with `FAST_SYSCALL_SECCOMP` naming
//! the scenario. The parent checks the child's output and how it ended.

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::sync::mpsc;

use syscall_rt::seccomp::{Action, Error, Filter};
use syscall_rt::{Errno, nr, sys};

const SIGSYS: i32 = 31;

fn child(scenario: &str) -> std::process::Output {
    syscall_tests::rerun_test("child_scenarios", "FAST_SYSCALL_SECCOMP", scenario)
}

/// qemu-user does not pass seccomp filters through (they would filter the emulator itself).
fn emulated() -> bool {
    std::env::var_os("FAST_SYSCALL_TEST_RUNNER").is_some()
}

/// Installs, or reports why not and ends the child (only acceptable under an emulator).
fn installed(result: Result<(), Error>) {
    if let Err(e) = result {
        println!("SKIP: {e}");
        std::process::exit(0);
    }
}

fn flush() {
    std::io::stdout().flush().unwrap();
}

/// The parent's view: the child's stdout, or `None` when it skipped under an emulator.
fn stdout_of(out: &std::process::Output) -> Option<String> {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if stdout.contains("SKIP:") {
        assert!(emulated(), "seccomp unavailable on a real kernel: {stdout}");
        return None;
    }
    Some(stdout)
}

/// Entry of the child processes (does nothing in a normal run).
#[test]
fn child_scenarios() {
    let Ok(scenario) = std::env::var("FAST_SYSCALL_SECCOMP") else {
        return;
    };
    match scenario.as_str() {
        "kill" => kill(),
        "errno" => errno(),
        "tsync" => tsync(true),
        "no-tsync" => tsync(false),
        "std" => std_program(),
        "declared-std" => declared_std(),
        "declared-raw" => declared_raw(),
        "large" => large(),
        other => panic!("unknown scenario {other}"),
    }
}

/// Default `KillProcess`: `getpid` is allowed, `getppid` kills the process with `SIGSYS`.
fn kill() {
    let mut f = Filter::new(Action::KillProcess);
    f.allow_std().unwrap().allow(nr::GETPID).unwrap();
    installed(f.install());
    let pid = sys::getpid().unwrap();
    println!("getpid: {pid}");
    flush();
    let _ = sys::getppid(); // killed here
    println!("getppid survived");
    flush();
    std::process::exit(0);
}

#[test]
fn an_allowed_call_works_and_a_refused_one_kills_the_process_with_sigsys() {
    let out = child("kill");
    let Some(stdout) = stdout_of(&out) else {
        return;
    };
    let pid = out_pid(&stdout);
    assert!(pid > 0, "{stdout}");
    assert!(!stdout.contains("survived"), "{stdout}");
    assert_eq!(out.status.signal(), Some(SIGSYS), "{stdout}");
}

/// The pid the child printed (it is its own pid: the parent cannot know it before the spawn).
fn out_pid(stdout: &str) -> i32 {
    stdout
        .lines()
        .find_map(|l| l.split_once("getpid: ").map(|(_, p)| p))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no getpid line: {stdout}"))
}

/// Default `Errno(EPERM)` through `install_unchecked`: the refused call fails, the process goes
/// on; the safe `install` refuses that default before any system call.
fn errno() {
    let mut f = Filter::new(Action::Errno(Errno::EPERM.raw() as u16));
    f.allow_std().unwrap();
    assert_eq!(f.install(), Err(Error::UnsafeAction));
    // SAFETY: this child only calls, after the filter, what allow_std allows and `getppid`,
    // whose failure it expects.
    installed(unsafe { f.install_unchecked() });
    assert_eq!(sys::getppid(), Err(Errno::EPERM));
    // Allowed calls still work (`getpid` is in the std list: `std::process::id`).
    assert_eq!(sys::getpid().map(|p| p as u32), Ok(std::process::id()));
    println!("getppid: EPERM, still running");
    flush();
    std::process::exit(3);
}

#[test]
fn an_errno_default_makes_the_refused_call_fail_and_the_process_continue() {
    let out = child("errno");
    let Some(stdout) = stdout_of(&out) else {
        return;
    };
    assert!(stdout.contains("getppid: EPERM, still running"), "{stdout}");
    assert_eq!(out.status.code(), Some(3), "{stdout}");
}

/// Numbers no kernel implements: allowed ones reach the kernel (`ENOSYS`), refused ones get the
/// filter's `EPERM`.
const FIRST_FAKE: i64 = 2000;
const FAKE_COUNT: i64 = 900;

/// A call of number `nr` (of this ABI: biased on x32) through libc, no arguments.
fn raw_call(nr: i64) -> Result<i64, Errno> {
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
    let nr = nr | i64::from(syscall_rt::arch::x32::X32_SYSCALL_BIT);
    // SAFETY: numbers that no kernel implements, without arguments: only an error comes back.
    let ret = unsafe { libc::syscall(nr as libc::c_long) };
    if ret == -1 {
        Err(Errno::from_raw(
            std::io::Error::last_os_error().raw_os_error().unwrap(),
        ))
    } else {
        Ok(ret as i64)
    }
}

/// A filter near the size limit (every other number of 900 pairs: ~1000 ranges, subtrees far
/// beyond a conditional jump's reach, so `ja` trampolines) is accepted by the kernel and
/// decides as built: allowed fake numbers reach the kernel, the numbers between are refused.
fn large() {
    let mut f = Filter::new(Action::Errno(Errno::EPERM.raw() as u16));
    f.allow_std().unwrap();
    let base = (FIRST_FAKE as u32, FAKE_COUNT as u32);
    for i in 0..base.1 {
        f.allow(nr_of(base.0 + 2 * i)).unwrap();
    }
    let len = f.program_len().unwrap();
    let mut buf = vec![syscall_rt::seccomp::EMPTY; len];
    // BPF_JMP | BPF_JA.
    let trampolines = f
        .build(&mut buf)
        .unwrap()
        .iter()
        .filter(|i| i.code == 0x05)
        .count();
    assert!(trampolines > 0, "long jumps in a {len}-instruction program");
    // SAFETY: this child only calls what allow_std allows and the fake numbers, whose failure
    // it expects.
    installed(unsafe { f.install_unchecked() });
    let mut allowed = 0;
    let mut refused = 0;
    for i in 0..FAKE_COUNT {
        assert_eq!(raw_call(FIRST_FAKE + 2 * i), Err(Errno::ENOSYS), "{i}");
        assert_eq!(raw_call(FIRST_FAKE + 2 * i + 1), Err(Errno::EPERM), "{i}");
        allowed += 1;
        refused += 1;
    }
    assert_eq!(raw_call(FIRST_FAKE - 1), Err(Errno::EPERM));
    println!(
        "large filter: {len} instructions ({trampolines} ja), {allowed} allowed and {refused} refused as built"
    );
    flush();
    std::process::exit(0);
}

/// A number of this ABI (biased on x32).
fn nr_of(n: u32) -> u32 {
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
    let n = n | syscall_rt::arch::x32::X32_SYSCALL_BIT;
    n
}

#[test]
fn the_kernel_accepts_a_large_filter_with_long_jumps_and_it_decides_as_built() {
    let out = child("large");
    let Some(stdout) = stdout_of(&out) else {
        return;
    };
    assert!(
        stdout.contains("900 allowed and 900 refused as built"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}

/// A second thread, started before the filter, calls `getppid` once the main thread installed
/// it: with TSYNC it has the filter too (the process dies by `SIGSYS`); without, it does not.
fn tsync(all: bool) {
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<Result<i32, Errno>>();
    let t = std::thread::spawn(move || {
        go_rx.recv().unwrap();
        done_tx.send(sys::getppid()).unwrap();
    });
    let mut f = Filter::new(Action::KillProcess);
    f.allow_std().unwrap();
    installed(if all {
        f.install_all_threads()
    } else {
        f.install()
    });
    println!("installed (all threads: {all})");
    flush();
    go_tx.send(()).unwrap();
    let r = done_rx.recv().unwrap();
    t.join().unwrap();
    println!("second thread's getppid: {r:?}");
    flush();
    std::process::exit(0);
}

#[test]
fn tsync_puts_the_filter_on_the_other_threads_too() {
    let out = child("tsync");
    let Some(stdout) = stdout_of(&out) else {
        return;
    };
    assert!(stdout.contains("installed (all threads: true)"), "{stdout}");
    assert!(!stdout.contains("second thread's getppid"), "{stdout}");
    assert_eq!(out.status.signal(), Some(SIGSYS), "{stdout}");

    // The control: without TSYNC the thread started before the filter is not filtered.
    let out = child("no-tsync");
    let stdout = stdout_of(&out).expect("installed in the first scenario");
    let ppid = std::process::id();
    assert!(
        stdout.contains(&format!("second thread's getppid: Ok({ppid})")),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}

/// `allow_std` alone: an ordinary std program — threads spawned and joined, a contended mutex,
/// large allocations, in a new temporary directory a file written, read back, appended to,
/// synced, truncated, cloned, renamed, copied, the directory listed, canonicalised and removed
/// with its contents, a sleep, a caught panic's message printed, a `HashMap`, output — then the
/// test returns and the harness ends the process.
fn std_program() {
    let mut f = Filter::new(Action::KillProcess);
    f.allow_std().unwrap();
    installed(f.install());
    std_job();
}

/// `getppid` is declared in this binary (the `kill` scenario's stub) and not one of std's calls.
fn getppid_is_declared_and_not_std() -> bool {
    let declared = syscall_rt::registry::linked().any(|c| c.name == "getppid");
    let mut std_only = Filter::new(Action::KillProcess);
    std_only.allow_std().unwrap();
    declared && !std_only.rules().iter().any(|r| r.1 == nr::GETPPID)
}

/// This binary's declared calls plus std's: the std job works, and so does a call that only
/// the declarations allow.
fn declared_std() {
    assert!(getppid_is_declared_and_not_std());
    let mut f = Filter::declared().unwrap();
    f.allow_std().unwrap();
    installed(f.install());
    println!("getppid under declared(): {}", sys::getppid().unwrap());
    std_job();
}

/// `sysinfo` is neither declared here nor one of std's: made through libc (outside the stubs)
/// under `declared()` plus `allow_std()`, it kills the process.
fn declared_raw() {
    let mut f = Filter::declared().unwrap();
    f.allow_std().unwrap();
    assert!(!f.rules().iter().any(|r| r.1 == nr::SYSINFO), "{f:?}");
    installed(f.install());
    println!("installed");
    flush();
    let _ = raw_call(i64::from(nr::SYSINFO) & 0x3fff_ffff); // killed here
    println!("sysinfo survived");
    flush();
    std::process::exit(0);
}

#[test]
fn a_std_program_under_declared_and_allow_std_keeps_working() {
    let out = child("declared-std");
    let Some(stdout) = stdout_of(&out) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("getppid under declared(): "),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("std under allow_std: written under seccomp"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}\n{stdout}\n{stderr}",
        out.status
    );
}

#[test]
fn a_call_outside_the_declarations_and_std_is_killed_under_declared() {
    let out = child("declared-raw");
    let Some(stdout) = stdout_of(&out) else {
        return;
    };
    assert!(stdout.contains("installed"), "{stdout}");
    assert!(!stdout.contains("survived"), "{stdout}");
    assert_eq!(out.status.signal(), Some(SIGSYS), "{:?}", out.status);
}

/// What an ordinary std program does: threads, a mutex, large allocations, files and
/// directories, a caught panic, stdout and stderr.
fn std_job() {
    let dir = std::env::temp_dir().join(format!("fast-syscall-seccomp-{}", std::process::id()));

    let counter = std::sync::Arc::new(std::sync::Mutex::new(0u64));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let counter = counter.clone();
            std::thread::spawn(move || {
                for _ in 0..10_000 {
                    *counter.lock().unwrap() += 1;
                }
                let big = vec![i as u8; 1 << 22]; // mmap'd, then munmap'd
                big.iter().map(|&b| u64::from(b)).sum::<u64>()
            })
        })
        .collect();
    let sums: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(*counter.lock().unwrap(), 40_000);
    assert_eq!(sums, (1 << 22) * (1 + 2 + 3));

    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("data.txt");
    std::fs::write(&file, b"written under seccomp").unwrap();
    let back = std::fs::read_to_string(&file).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 21);
    {
        use std::io::{Seek, SeekFrom};
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap();
        f.write_all(b"!!").unwrap();
        f.sync_all().unwrap();
        f.set_len(22).unwrap();
        let mut twin = f.try_clone().unwrap();
        assert_eq!(twin.seek(SeekFrom::End(0)).unwrap(), 22);
    }
    std::fs::rename(&file, dir.join("moved.txt")).unwrap();
    std::fs::copy(dir.join("moved.txt"), dir.join("copy.txt")).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["copy.txt", "moved.txt"]);
    assert!(std::fs::canonicalize(&dir).unwrap().is_absolute());
    std::thread::sleep(std::time::Duration::from_millis(1));
    std::fs::remove_dir_all(&dir).unwrap();

    let caught = std::panic::catch_unwind(|| panic!("a caught panic"));
    assert!(caught.is_err());
    let mut map = std::collections::HashMap::new();
    map.insert("k", back.len());
    let mut grown = Vec::new();
    for i in 0..2_000_000u32 {
        grown.push(i); // realloc of a large block: mremap
    }
    println!(
        "std under allow_std: {back}, {} threads' sums, {} entries, {}",
        sums,
        map.len(),
        grown.len()
    );
    eprintln!("stderr too");
    // Returning: the test harness reports and exits normally.
}

#[test]
fn allow_std_is_enough_for_an_ordinary_std_program() {
    let out = child("std");
    let Some(stdout) = stdout_of(&out) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("std under allow_std: written under seccomp"),
        "{stdout}\n{stderr}"
    );
    assert!(stderr.contains("a caught panic"), "{stderr}");
    assert!(stderr.contains("stderr too"), "{stderr}");
    assert!(stdout.contains("test result: ok"), "{stdout}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}\n{stdout}\n{stderr}",
        out.status
    );
}
