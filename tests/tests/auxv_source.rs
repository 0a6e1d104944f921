//! Where the auxiliary vector may come from without libc: `prctl(PR_GET_AUXV)`, or an
//! `auxv` file of procfs. A file elsewhere — a copy, a forgery, whatever is mounted or linked
//! over the path — is not read, since on i686 `AT_SYSINFO` becomes a call target and
//! `AT_SYSINFO_EHDR` the image the vDSO lookup parses.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;

use syscall_rt::auxv::{self, AT_SYSINFO, AT_SYSINFO_EHDR};

const AT_PHDR: usize = 3;
const AT_PAGESZ: usize = 6;
const AT_ENTRY: usize = 9;

fn libc_getauxval(key: usize) -> Option<usize> {
    // SAFETY: plain libc call.
    let v = unsafe { libc::getauxval(key as libc::c_ulong) } as usize;
    (v != 0).then_some(v)
}

/// Under qemu-user, `/proc/self/auxv` is a memory file the emulator makes (tmpfs), not procfs.
fn emulated() -> bool {
    std::env::var_os("FAST_SYSCALL_TEST_RUNNER").is_some()
}

fn from_file(path: &std::path::Path, key: usize) -> Option<usize> {
    let path = CString::new(path.as_os_str().as_bytes()).unwrap();
    auxv::getauxval_from_file(&path, key)
}

/// A scratch directory of this test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fast-syscall-auxv-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn proc_self_auxv_is_read_when_it_is_procfs() {
    let proc = std::path::Path::new("/proc/self/auxv");
    for key in [AT_PHDR, AT_PAGESZ, AT_ENTRY, AT_SYSINFO_EHDR] {
        let expected = if emulated() {
            None
        } else {
            libc_getauxval(key)
        };
        assert_eq!(from_file(proc, key), expected, "key {key}");
    }
    assert_eq!(from_file(proc, 0x7fff), None);
}

#[test]
fn a_link_to_proc_self_auxv_is_still_procfs() {
    if emulated() {
        return; // qemu-user intercepts the path /proc/self/auxv only
    }
    let dir = scratch("link");
    let link = dir.join("auxv");
    std::os::unix::fs::symlink("/proc/self/auxv", &link).unwrap();
    assert_eq!(from_file(&link, AT_PAGESZ), libc_getauxval(AT_PAGESZ));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_auxv_file_off_procfs_is_not_trusted() {
    let dir = scratch("fake");
    // A faithful copy of this process's vector: still not procfs, so not read.
    let copy = dir.join("copy");
    let mut words: Vec<usize> = Vec::new();
    for key in [AT_PHDR, AT_PAGESZ, AT_ENTRY, AT_SYSINFO_EHDR, AT_SYSINFO] {
        if let Some(v) = libc_getauxval(key) {
            words.extend([key, v]);
        }
    }
    words.extend([0, 0]);
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
    std::fs::write(&copy, &bytes).unwrap();
    // A forgery: an AT_SYSINFO_EHDR and an AT_SYSINFO of the attacker's choosing.
    let forged = dir.join("forged");
    let evil: Vec<u8> = [
        AT_SYSINFO_EHDR,
        0x1000,
        AT_SYSINFO,
        0x1234,
        AT_PAGESZ,
        4096,
        0,
        0,
    ]
    .iter()
    .flat_map(|w: &usize| w.to_ne_bytes())
    .collect();
    std::fs::write(&forged, &evil).unwrap();
    for file in [&copy, &forged] {
        for key in [AT_PHDR, AT_PAGESZ, AT_SYSINFO_EHDR, AT_SYSINFO] {
            assert_eq!(from_file(file, key), None, "{} key {key}", file.display());
        }
    }
    // Nor through a symbolic link, nor a missing file, nor a directory.
    let link = dir.join("link");
    std::os::unix::fs::symlink(&forged, &link).unwrap();
    assert_eq!(from_file(&link, AT_PAGESZ), None);
    assert_eq!(from_file(&dir.join("missing"), AT_PAGESZ), None);
    assert_eq!(from_file(&dir, AT_PAGESZ), None);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_procfs_file_that_is_no_auxiliary_vector_gives_nothing() {
    if emulated() {
        return; // the emulator's /proc differs
    }
    // procfs, but not an auxv: its bytes hold no AT_NULL-terminated vector, or nothing useful.
    for path in ["/proc/self/stat", "/proc/self/cmdline"] {
        let p = std::path::Path::new(path);
        assert_eq!(from_file(p, AT_SYSINFO), None, "{path}");
    }
}

#[test]
fn the_kernel_source_agrees_with_libc_or_is_absent_under_an_emulator() {
    for key in [AT_PHDR, AT_PAGESZ, AT_SYSINFO_EHDR] {
        let expected = if emulated() {
            None // qemu-user: PR_GET_AUXV is EINVAL, /proc/self/auxv a memory file
        } else {
            libc_getauxval(key)
        };
        assert_eq!(auxv::getauxval_from_kernel(key), expected, "key {key}");
    }
}
