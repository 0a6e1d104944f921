//! A program written against `syscall_rt::uapi` and `syscall_rt::sys` alone, with no layout of
//! its own, agrees with std and libc: `stat`/`statx`, the 64-bit and the 32-bit `timespec`, the
//! packed `epoll_event` of x86_64, `rlimit64`, `kernel_sigset_t`, `kernel_sigaction`,
//! `new_utsname`, `linux_dirent64`. Runs on every target (natively, or under qemu-user).

// libc's types have other widths on the 32-bit targets: the conversions are needed there.
#![allow(clippy::useless_conversion, clippy::unnecessary_cast)]

use std::ffi::CStr;
use std::mem::{MaybeUninit, size_of};
use std::os::unix::fs::MetadataExt;

use syscall_rt::{sys, uapi};

const AT_FDCWD: i32 = uapi::AT_FDCWD;

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "fast-syscall-uapi-{}-{tag}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn c_path(&self, name: &str) -> std::ffi::CString {
        std::ffi::CString::new(self.0.join(name).into_os_string().into_encoded_bytes()).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Opens `path` with `flags` through the generated API (a `CStr` fits the `*const c_char`).
fn open(path: &CStr, flags: u32) -> i32 {
    // SAFETY: `path` is NUL-terminated.
    unsafe {
        sys::openat(
            AT_FDCWD,
            path.as_ptr(),
            (flags | uapi::O_CLOEXEC) as i32,
            0o600,
        )
    }
    .unwrap()
}

fn close(fd: i32) {
    // SAFETY: the caller opened `fd` and gives it up.
    unsafe { sys::close(fd) }.unwrap();
}

#[test]
fn stat_and_statx_agree_with_std() {
    let dir = TempDir::new("stat");
    let path = dir.c_path("data");
    let fd = open(&path, uapi::O_RDWR | uapi::O_CREAT);
    let data = [7u8; 1234];
    // SAFETY: `data` is readable for its length.
    assert_eq!(
        unsafe { sys::write(fd, data.as_ptr(), data.len()) },
        Ok(1234)
    );
    let meta = std::fs::metadata(dir.0.join("data")).unwrap();

    let mut stx = MaybeUninit::<uapi::statx>::uninit();
    // SAFETY: `path` is NUL-terminated; the kernel fills the whole statx.
    unsafe {
        sys::statx(
            AT_FDCWD,
            path.as_ptr(),
            0,
            uapi::STATX_BASIC_STATS,
            stx.as_mut_ptr(),
        )
    }
    .unwrap();
    // SAFETY: filled by the kernel above.
    let stx = unsafe { stx.assume_init() };
    assert_eq!(stx.stx_size, meta.len());
    assert_eq!(stx.stx_ino, meta.ino());
    assert_eq!(u32::from(stx.stx_mode), meta.mode());
    assert_eq!(u64::from(stx.stx_nlink), meta.nlink());
    assert_eq!(stx.stx_mtime.tv_sec, meta.mtime());
    assert_eq!(i64::from(stx.stx_mtime.tv_nsec), meta.mtime_nsec());

    // `fstat` fills `struct stat` (64-bit ABIs) or `struct stat64` (i386, Arm).
    #[cfg(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    ))]
    let st = {
        let mut st = MaybeUninit::<uapi::stat>::uninit();
        // SAFETY: the kernel fills the whole stat.
        unsafe { sys::fstat(fd, st.as_mut_ptr()) }.unwrap();
        // SAFETY: filled above.
        unsafe { st.assume_init() }
    };
    #[cfg(any(target_arch = "x86", target_arch = "arm"))]
    let st = {
        let mut st = MaybeUninit::<uapi::stat64>::uninit();
        // SAFETY: the kernel fills the whole stat64.
        unsafe { sys::fstat64(fd, st.as_mut_ptr()) }.unwrap();
        // SAFETY: filled above.
        unsafe { st.assume_init() }
    };
    #[cfg(not(target_arch = "riscv32"))]
    {
        assert_eq!(st.st_size as u64, meta.len());
        assert_eq!(st.st_ino as u64, meta.ino());
        assert_eq!(st.st_mode, meta.mode());
        assert_eq!(st.st_nlink as u64, meta.nlink());
        assert_eq!(st.st_mtime as i64, meta.mtime());
        assert_eq!(st.st_mtime_nsec as i64, meta.mtime_nsec());
        assert_eq!(st.st_blocks as u64, meta.blocks());
    }
    close(fd);
}

fn now() -> std::time::Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
}

#[test]
fn clock_gettime_fills_the_kernels_timespec() {
    let mut ts = MaybeUninit::<uapi::__kernel_timespec>::uninit();
    // SAFETY: the kernel (or the vDSO) fills the 64-bit timespec.
    #[cfg(any(target_pointer_width = "64", target_arch = "x86_64"))]
    unsafe { sys::clock_gettime(uapi::CLOCK_REALTIME as i32, ts.as_mut_ptr()) }.unwrap();
    // SAFETY: as above, through the time64 call of the 32-bit ABIs.
    #[cfg(all(target_pointer_width = "32", not(target_arch = "x86_64")))]
    unsafe { sys::clock_gettime64(uapi::CLOCK_REALTIME as i32, ts.as_mut_ptr()) }.unwrap();
    // SAFETY: filled above.
    let ts = unsafe { ts.assume_init() };
    assert!((now().as_secs() as i64 - ts.tv_sec).abs() <= 1);
    assert!((0..1_000_000_000).contains(&ts.tv_nsec));
}

/// i386 and Arm's `clock_gettime` is the old 32-bit-time call: `old_timespec32`, which is
/// `__kernel_old_timespec` there (8 bytes; a 16-byte buffer would not be refused by the kernel
/// but the layout check refuses it at compile time).
#[cfg(any(target_arch = "x86", target_arch = "arm"))]
#[test]
fn the_32_bit_clock_gettime_fills_the_old_timespec() {
    assert_eq!(size_of::<uapi::__kernel_old_timespec>(), 8);
    let mut ts = MaybeUninit::<uapi::__kernel_old_timespec>::uninit();
    // SAFETY: the kernel (or the vDSO) fills the 32-bit timespec.
    unsafe { sys::clock_gettime(uapi::CLOCK_REALTIME as i32, ts.as_mut_ptr()) }.unwrap();
    // SAFETY: filled above.
    let ts = unsafe { ts.assume_init() };
    assert!((now().as_secs() as i64 - i64::from(ts.tv_sec)).abs() <= 1);
}

#[test]
fn epoll_events_round_trip_through_the_packed_struct() {
    // SAFETY: epoll_create1 takes no pointer.
    let ep = sys::epoll_create1(uapi::EPOLL_CLOEXEC as i32).unwrap();
    let mut fds = [0i32; 2];
    // SAFETY: `fds` holds two ints.
    unsafe { sys::pipe2(fds.as_mut_ptr(), uapi::O_CLOEXEC as i32) }.unwrap();
    let (r, w) = (fds[0], fds[1]);
    let event = uapi::epoll_event {
        events: uapi::EPOLLIN,
        data: 0x1122_3344_5566_7788,
    };
    // SAFETY: `event` is a valid epoll_event.
    unsafe { sys::epoll_ctl(ep, uapi::EPOLL_CTL_ADD as i32, r, &event) }.unwrap();
    // SAFETY: one readable byte.
    assert_eq!(unsafe { sys::write(w, b"x".as_ptr(), 1) }, Ok(1));
    let mut out = [uapi::epoll_event { events: 0, data: 0 }; 4];
    // SAFETY: `out` has room for 4 events; no signal mask.
    let n = unsafe {
        sys::epoll_pwait(
            ep,
            out.as_mut_ptr(),
            out.len() as i32,
            1000,
            core::ptr::null(),
            size_of::<uapi::kernel_sigset_t>(),
        )
    };
    assert_eq!(n, Ok(1));
    let (events, data) = (out[0].events, out[0].data);
    assert_eq!(events & uapi::EPOLLIN, uapi::EPOLLIN);
    assert_eq!(data, 0x1122_3344_5566_7788);
    #[cfg(target_arch = "x86_64")]
    assert_eq!(size_of::<uapi::epoll_event>(), 12); // packed on x86_64
    for fd in [r, w, ep] {
        close(fd);
    }
}

#[test]
fn rlimits_agree_with_libc() {
    let mut lim = MaybeUninit::<uapi::rlimit64>::uninit();
    // SAFETY: no new limit; the kernel fills `lim`.
    unsafe { sys::prlimit64(0, uapi::RLIMIT_NOFILE, core::ptr::null(), lim.as_mut_ptr()) }.unwrap();
    // SAFETY: filled above.
    let lim = unsafe { lim.assume_init() };
    let mut theirs = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a valid out-pointer.
    assert_eq!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut theirs) },
        0
    );
    assert_eq!(lim.rlim_cur, u64::from(theirs.rlim_cur));
    assert_eq!(lim.rlim_max, u64::from(theirs.rlim_max));
}

#[test]
fn the_signal_mask_round_trips_through_kernel_sigset_t() {
    let sig = uapi::SIGUSR1;
    let mut set = uapi::kernel_sigset_t {
        sig: [0; size_of::<uapi::kernel_sigset_t>() / size_of::<uapi::ctypes::c_ulong>()],
    };
    let bits = uapi::ctypes::c_ulong::BITS as usize;
    set.sig[(sig as usize - 1) / bits] |= 1 << ((sig as usize - 1) % bits);
    let mut old = MaybeUninit::<uapi::kernel_sigset_t>::uninit();
    // SAFETY: valid sets of the kernel's size; this test thread's mask only.
    unsafe {
        sys::rt_sigprocmask(
            uapi::SIG_BLOCK as i32,
            &set,
            old.as_mut_ptr(),
            size_of::<uapi::kernel_sigset_t>(),
        )
    }
    .unwrap();
    // libc sees SIGUSR1 blocked in this thread.
    // SAFETY: a zeroed sigset_t is valid; libc fills it.
    let mut cur: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: query only.
    assert_eq!(
        unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, core::ptr::null(), &mut cur) },
        0
    );
    // SAFETY: `cur` is initialised.
    assert_eq!(unsafe { libc::sigismember(&cur, libc::SIGUSR1) }, 1);
    // SAFETY: restores the mask read above.
    let old = unsafe { old.assume_init() };
    // SAFETY: valid sets of the kernel's size.
    unsafe {
        sys::rt_sigprocmask(
            uapi::SIG_SETMASK as i32,
            &old,
            core::ptr::null_mut(),
            size_of::<uapi::kernel_sigset_t>(),
        )
    }
    .unwrap();
}

extern "C" fn on_usr2(_: i32) {}

#[test]
fn rt_sigaction_reads_the_handler_libc_installed() {
    // SAFETY: a zeroed sigaction is valid; the handler does nothing.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr2 as *const () as usize;
        sa.sa_flags = libc::SA_RESTART;
        assert_eq!(
            libc::sigaction(libc::SIGUSR2, &sa, core::ptr::null_mut()),
            0
        );
    }
    let mut old = MaybeUninit::<uapi::kernel_sigaction>::uninit();
    // SAFETY: query only (no new action); the kernel fills `old`.
    unsafe {
        sys::rt_sigaction(
            uapi::SIGUSR2 as i32,
            core::ptr::null(),
            old.as_mut_ptr(),
            size_of::<uapi::kernel_sigset_t>(),
        )
    }
    .unwrap();
    // SAFETY: filled above.
    let old = unsafe { old.assume_init() };
    let handler = old.sa_handler_kernel.map(|f| f as usize);
    assert_eq!(handler, Some(on_usr2 as *const () as usize));
    assert_ne!(old.sa_flags & uapi::SA_RESTART as uapi::ctypes::c_ulong, 0);
}

#[test]
fn uname_fills_new_utsname() {
    let mut u = MaybeUninit::<uapi::system::new_utsname>::uninit();
    // SAFETY: the kernel fills the whole new_utsname.
    unsafe { sys::uname(u.as_mut_ptr()) }.unwrap();
    // SAFETY: filled above.
    let u = unsafe { u.assume_init() };
    // SAFETY: the kernel NUL-terminates each field.
    let sysname = unsafe { CStr::from_ptr(u.sysname.as_ptr()) };
    assert_eq!(sysname.to_bytes(), b"Linux");
}

#[test]
fn getdents64_lists_what_std_lists() {
    let dir = TempDir::new("dents");
    for name in ["alpha", "beta", "gamma"] {
        std::fs::write(dir.0.join(name), name).unwrap();
    }
    let path = std::ffi::CString::new(dir.0.clone().into_os_string().into_encoded_bytes()).unwrap();
    let fd = open(&path, uapi::O_RDONLY | uapi::O_DIRECTORY);
    // 8-byte aligned, as the records are.
    let mut buf = vec![0u64; 512];
    let mut names = Vec::new();
    loop {
        // SAFETY: `buf` is writable for its length in bytes.
        let n = unsafe { sys::getdents64(fd, buf.as_mut_ptr().cast(), 4096) }.unwrap();
        if n == 0 {
            break;
        }
        let bytes = buf.as_ptr().cast::<u8>();
        let mut at = 0;
        while at < n {
            // SAFETY: the kernel wrote whole records up to `n`; each starts 8-byte aligned.
            let d = unsafe { &*bytes.add(at).cast::<uapi::linux_dirent64>() };
            // SAFETY: d_name is NUL-terminated inside the record.
            let name = unsafe { CStr::from_ptr(d.d_name.as_ptr()) };
            names.push(name.to_string_lossy().into_owned());
            at += usize::from(d.d_reclen);
        }
    }
    close(fd);
    names.retain(|n| n != "." && n != "..");
    names.sort();
    let mut theirs: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    theirs.sort();
    assert_eq!(names, theirs);
}
