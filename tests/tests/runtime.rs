//! Runtime behaviour of `#[fast_syscall]` stubs, compared with std and libc: results, errno
//! values, and every mechanism of the target (x86_64: `syscall`, `int80`, vDSO; i686: `sysenter`,
//! `int80`, vDSO; elsewhere the target's gate and vDSO).

// The kernel's `long` fields are 32 bits on the 32-bit targets: the conversions are needed there.
#![allow(clippy::useless_conversion)]

use std::ffi::CString;
use std::os::unix::fs::MetadataExt;

use syscall_rt::Errno;
use syscall_tests::*;

const AT_FDCWD: i32 = -100;
const O_RDWR: i32 = 2;
const O_CREAT: i32 = 0o100;
const O_CLOEXEC: i32 = 0o2_000_000;
const O_NONBLOCK: i32 = 0o4000;
/// Without it, 32-bit ABIs refuse offsets past 2 GiB with EFBIG (64-bit ABIs force it on).
#[cfg(target_arch = "arm")]
const O_LARGEFILE: i32 = 0o400_000;
#[cfg(not(target_arch = "arm"))]
const O_LARGEFILE: i32 = 0o100_000;
const F_GETFD: u32 = 1;
const F_GETFL: u32 = 3;
const FD_CLOEXEC: usize = 1;
const PROT_READ: usize = 1;
const PROT_WRITE: usize = 2;
const MAP_PRIVATE_ANON: usize = 0x22;
const CLOCK_REALTIME: i32 = 0;
const CLOCK_MONOTONIC: i32 = 1;
const PR_GET_NAME: i32 = 16;
const PR_GET_DUMPABLE: i32 = 3;
/// A descriptor number above any open-file limit: always EBADF, whatever other tests open.
const NEVER_OPEN: u32 = 0x7fff_fff0;

/// A temporary directory removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("fast-syscall-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn c_path(&self, name: &str) -> CString {
        CString::new(self.0.join(name).to_str().unwrap()).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn libc_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap()
}

#[test]
fn identity_calls_match_libc() {
    // SAFETY (all libc calls in this file): plain libc calls with valid arguments.
    unsafe {
        assert_eq!(getpid(), libc::getpid());
        assert_eq!(getppid(), libc::getppid());
        assert_eq!(gettid(), libc::gettid());
        assert_eq!(getuid(), libc::getuid());
        assert_eq!(geteuid(), libc::geteuid());
        assert_eq!(getgid(), libc::getgid());
        assert_eq!(getegid(), libc::getegid());
        assert_eq!(getpgid(0), Ok(libc::getpgid(0)));
        assert_eq!(getsid(0), Ok(libc::getsid(0)));
    }
    assert_eq!(getpid() as u32, std::process::id());
}

#[test]
fn identity_errors_carry_errno() {
    // pid 0x7fff_fff0 does not exist.
    assert_eq!(getpgid(0x7fff_fff0), Err(Errno::ESRCH));
    assert_eq!(getsid(-5), Err(Errno::ESRCH));
    assert_eq!(kill(getpid(), 0), Ok(()));
    assert_eq!(kill(0x7fff_fff0, 0), Err(Errno::ESRCH));
    assert_eq!(kill(getpid(), 1000), Err(Errno::EINVAL));
}

#[test]
fn umask_returns_the_previous_mask() {
    let old = umask(0o027);
    assert_eq!(umask(old), 0o027);
    // SAFETY: umask has no preconditions.
    let libc_old = unsafe { libc::umask(old as libc::mode_t) };
    assert_eq!(libc_old as u32, old);
}

#[test]
fn uname_matches_libc() {
    let mut ours = Utsname::zeroed();
    // SAFETY: `ours` is a writable new_utsname.
    unsafe { uname(&mut ours) }.unwrap();
    // SAFETY: zeroed utsname is valid; libc writes it.
    let mut theirs: libc::utsname = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::uname(&mut theirs) }, 0);
    let field = |f: &[libc::c_char]| {
        f.iter()
            .take_while(|&&b| b != 0)
            .map(|&b| b as u8)
            .collect::<Vec<u8>>()
    };
    assert_eq!(field(&ours.sysname), field(&theirs.sysname));
    assert_eq!(field(&ours.sysname), b"Linux");
    assert_eq!(field(&ours.release), field(&theirs.release));
    assert_eq!(field(&ours.machine), field(&theirs.machine));
}

#[test]
fn pipe_write_read_round_trip() {
    let mut fds = [-1i32; 2];
    // SAFETY: `fds` holds two ints.
    unsafe { pipe2(fds.as_mut_ptr(), O_CLOEXEC) }.unwrap();
    let (r, w) = (fds[0] as u32, fds[1] as u32);
    let msg = b"fast-syscall round trip";
    // SAFETY: `msg` is readable for its length.
    assert_eq!(unsafe { write(w, msg.as_ptr(), msg.len()) }, Ok(msg.len()));
    let mut buf = [0u8; 64];
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { read(r, buf.as_mut_ptr(), buf.len()) }.unwrap();
    assert_eq!(&buf[..n], msg);
    // SAFETY: F_GETFD takes no address.
    let flags = unsafe { fcntl(r, F_GETFD, 0) };
    assert_eq!(flags.map(|f| f as usize & FD_CLOEXEC), Ok(FD_CLOEXEC));
    // Non-blocking read of an empty pipe.
    let mut nb = [-1i32; 2];
    // SAFETY: as above.
    unsafe { pipe2(nb.as_mut_ptr(), O_NONBLOCK | O_CLOEXEC) }.unwrap();
    // SAFETY: as above.
    assert_eq!(
        unsafe { read(nb[0] as u32, buf.as_mut_ptr(), 1) },
        Err(Errno::EAGAIN)
    );
    // SAFETY: F_GETFL takes no address.
    let flags = unsafe { fcntl(nb[0] as u32, F_GETFL, 0) };
    assert_eq!(flags.map(|f| f & O_NONBLOCK), Ok(O_NONBLOCK));
    for fd in [r, w, nb[0] as u32, nb[1] as u32] {
        // SAFETY: this test opened `fd` and owns it.
        assert_eq!(unsafe { close(fd as i32) }, Ok(()));
    }
    // Not `r` again: another test thread may already have been given that number.
    // SAFETY: no descriptor has this number, so nothing is closed.
    assert_eq!(unsafe { close(NEVER_OPEN as i32) }, Err(Errno::EBADF));
}

#[test]
fn file_calls_match_std() {
    let dir = TempDir::new("file");
    let path = dir.c_path("data");
    // SAFETY: `path` is NUL-terminated.
    let fd = unsafe {
        openat(
            AT_FDCWD,
            path.as_ptr().cast(),
            O_RDWR | O_CREAT | O_CLOEXEC,
            0o600,
        )
    }
    .unwrap() as u32;
    let data = b"0123456789abcdef";
    // SAFETY: `data` is readable.
    assert_eq!(unsafe { write(fd, data.as_ptr(), data.len()) }, Ok(16));
    assert_eq!(lseek(fd, 0, 1), Ok(16)); // SEEK_CUR
    assert_eq!(lseek(fd, 4, 0), Ok(4)); // SEEK_SET
    assert_eq!(lseek(fd, -2, 2), Ok(14)); // SEEK_END
    assert_eq!(lseek(fd, -100, 0), Err(Errno::EINVAL));
    assert_eq!(lseek(fd, 0, 42), Err(Errno::EINVAL));
    let mut buf = [0u8; 4];
    // SAFETY: `buf` is writable.
    assert_eq!(unsafe { pread64(fd, buf.as_mut_ptr(), 4, 10) }, Ok(4));
    assert_eq!(&buf, b"abcd");
    // SAFETY: `data` is readable.
    assert_eq!(unsafe { pwrite64(fd, b"XY".as_ptr(), 2, 20) }, Ok(2));
    assert_eq!(fsync(fd), Ok(()));
    let mut st = Statx::zeroed();
    // SAFETY: `path` is NUL-terminated; `st` is a writable statx.
    unsafe { statx(AT_FDCWD, path.as_ptr().cast(), 0, 0x7ff, &mut st) }.unwrap();
    let meta = std::fs::metadata(dir.0.join("data")).unwrap();
    assert_eq!(st.stx_size, meta.len());
    assert_eq!(st.stx_size, 22);
    assert_eq!(st.stx_ino, meta.ino());
    assert_eq!(u32::from(st.stx_mode), meta.mode());
    assert_eq!(ftruncate64(fd, 5), Ok(()));
    assert_eq!(std::fs::metadata(dir.0.join("data")).unwrap().len(), 5);
    let dupfd = dup(fd).unwrap() as u32;
    // SAFETY: `dupfd` and `fd` were opened by this test, which owns them.
    unsafe {
        assert_eq!(dup3(fd, dupfd, O_CLOEXEC), Ok(dupfd as i32));
        assert_eq!(dup3(fd, fd, 0), Err(Errno::EINVAL));
        assert_eq!(close(dupfd as i32), Ok(()));
        assert_eq!(close(fd as i32), Ok(()));
    }
    // The file through std reads what we wrote.
    assert_eq!(std::fs::read(dir.0.join("data")).unwrap(), b"01234");
    // mkdirat + unlinkat, and their errors.
    let sub = dir.c_path("sub");
    // SAFETY: NUL-terminated paths.
    unsafe {
        assert_eq!(mkdirat(AT_FDCWD, sub.as_ptr().cast(), 0o700), Ok(()));
        assert_eq!(
            mkdirat(AT_FDCWD, sub.as_ptr().cast(), 0o700),
            Err(Errno::EEXIST)
        );
        assert!(dir.0.join("sub").is_dir());
        assert_eq!(unlinkat(AT_FDCWD, sub.as_ptr().cast(), 0x200), Ok(())); // AT_REMOVEDIR
        assert_eq!(unlinkat(AT_FDCWD, path.as_ptr().cast(), 0), Ok(()));
        assert_eq!(
            unlinkat(AT_FDCWD, path.as_ptr().cast(), 0),
            Err(Errno::ENOENT)
        );
    }
}

/// 64-bit offsets beyond 4 GiB: a register pair on 32-bit ABIs (i386 consecutive, Arm EABI an
/// even pair), one register elsewhere. The file is sparse, so nothing is written to disk.
#[test]
fn sixty_four_bit_offsets_beyond_4_gib() {
    const FAR: i64 = (5 << 30) + 12_345; // 5 GiB + a bit: the high word is 1
    let dir = TempDir::new("offsets");
    let path = dir.c_path("sparse");
    // SAFETY: NUL-terminated path, buffers valid for their lengths.
    unsafe {
        let fd = openat(
            AT_FDCWD,
            path.as_ptr().cast(),
            O_RDWR | O_CREAT | O_CLOEXEC | O_LARGEFILE,
            0o600,
        )
        .unwrap();
        let fdu = fd as u32;
        assert_eq!(pwrite64(fdu, b"far away".as_ptr(), 8, FAR), Ok(8));
        let meta = std::fs::metadata(dir.0.join("sparse")).unwrap();
        assert_eq!(meta.len(), FAR as u64 + 8);
        let mut buf = [0u8; 8];
        assert_eq!(pread64(fdu, buf.as_mut_ptr(), 8, FAR), Ok(8));
        assert_eq!(&buf, b"far away");
        // Reading 4 GiB lower (a truncated high word) would find the hole: zeros.
        assert_eq!(pread64(fdu, buf.as_mut_ptr(), 8, FAR - (4 << 30)), Ok(8));
        assert_eq!(buf, [0; 8]);
        // std agrees on the content at the far offset.
        let f = std::fs::File::open(dir.0.join("sparse")).unwrap();
        let mut theirs = [0u8; 8];
        std::os::unix::fs::FileExt::read_exact_at(&f, &mut theirs, FAR as u64).unwrap();
        assert_eq!(&theirs, b"far away");
        // ftruncate to 6 GiB + 1, then fallocate a range above 4 GiB.
        assert_eq!(ftruncate64(fdu, (6 << 30) + 1), Ok(()));
        assert_eq!(
            std::fs::metadata(dir.0.join("sparse")).unwrap().len(),
            (6 << 30) + 1
        );
        match fallocate(fd, 0, (7 << 30) + 4096, 4096) {
            Ok(()) => assert_eq!(
                std::fs::metadata(dir.0.join("sparse")).unwrap().len(),
                (7 << 30) + 8192
            ),
            // Some file systems (and emulators) lack fallocate: the call still reached the kernel.
            Err(e) => assert_eq!(e, Errno::EOPNOTSUPP),
        }
        // A negative offset is refused by the kernel, so the sign reached it intact.
        assert_eq!(
            pread64(fdu, buf.as_mut_ptr(), 8, -(4 << 30)),
            Err(Errno::EINVAL)
        );
        assert_eq!(fallocate(fd, 0, -1, 4096), Err(Errno::EINVAL));
        close(fd).unwrap();
    }
}

#[test]
fn error_paths_return_the_right_errno() {
    let missing = c"/nonexistent/fast-syscall/file";
    let mut buf = [0u8; 8];
    // SAFETY: valid pointers; bad fds and paths are the point.
    unsafe {
        assert_eq!(
            openat(AT_FDCWD, missing.as_ptr().cast(), 0, 0),
            Err(Errno::ENOENT)
        );
        assert_eq!(read(u32::MAX, buf.as_mut_ptr(), 8), Err(Errno::EBADF));
        assert_eq!(write(9999, buf.as_ptr(), 8), Err(Errno::EBADF));
        // An address in the kernel's half: the kernel refuses it with EFAULT.
        let bad = usize::MAX - 4095;
        let mut fds = [0i32; 2];
        pipe2(fds.as_mut_ptr(), O_CLOEXEC).unwrap();
        assert_eq!(
            write(fds[1] as u32, bad as *const u8, 8),
            Err(Errno::EFAULT)
        );
        assert_eq!(uname(bad as *mut Utsname), Err(Errno::EFAULT));
        assert_eq!(getrandom(buf.as_mut_ptr(), 8, 0xffff), Err(Errno::EINVAL));
        close(fds[0]).unwrap();
        close(fds[1]).unwrap();
    }
    // And the same through libc, for comparison.
    // SAFETY: as above.
    unsafe {
        assert_eq!(libc::read(-1, buf.as_mut_ptr().cast(), 8), -1);
        assert_eq!(libc_errno(), Errno::EBADF.raw());
    }
}

#[test]
fn mmap_with_six_arguments_mprotect_munmap() {
    // SAFETY: a fresh anonymous mapping, unmapped at the end; no other code uses it.
    unsafe {
        let len = 2 * 4096;
        let addr = mmap(
            0,
            len,
            PROT_READ | PROT_WRITE,
            MAP_PRIVATE_ANON,
            usize::MAX,
            0,
        )
        .unwrap();
        assert_eq!(addr % 4096, 0);
        let p = addr as *mut u8;
        p.write(7);
        p.add(len - 1).write(9);
        assert_eq!(p.read() + p.add(len - 1).read(), 16);
        assert_eq!(mprotect(addr, 4096, PROT_READ), Ok(()));
        assert_eq!(p.read(), 7);
        assert_eq!(mprotect(addr + 1, 4096, PROT_READ), Err(Errno::EINVAL));
        assert_eq!(munmap(addr, len), Ok(()));
        assert_eq!(
            mmap(0, 0, PROT_READ, MAP_PRIVATE_ANON, usize::MAX, 0),
            Err(Errno::EINVAL)
        );
        // A file mapping at an offset (6th argument nonzero).
        let dir = TempDir::new("mmap");
        let path = dir.c_path("m");
        let fd = openat(
            AT_FDCWD,
            path.as_ptr().cast(),
            O_RDWR | O_CREAT | O_CLOEXEC,
            0o600,
        )
        .unwrap();
        let page = vec![b'p'; 4096];
        write(fd as u32, page.as_ptr(), 4096).unwrap();
        write(fd as u32, b"second".as_ptr(), 6).unwrap();
        // mmap takes a byte offset on 64-bit ABIs, mmap2 a page offset on 32-bit ones.
        let off = if cfg!(any(target_pointer_width = "64", target_arch = "x86_64")) {
            4096
        } else {
            1
        };
        let m = mmap(0, 4096, PROT_READ, 1, fd as usize, off).unwrap(); // MAP_SHARED
        assert_eq!(std::slice::from_raw_parts(m as *const u8, 6), b"second");
        munmap(m, 4096).unwrap();
        close(fd).unwrap();
    }
}

#[test]
fn clock_gettime_through_vdso_and_kernel_agree_with_libc() {
    let mut ts = Timespec::zeroed();
    let mut lts: libc::timespec = unsafe { std::mem::zeroed() };
    for clock in [CLOCK_REALTIME, CLOCK_MONOTONIC] {
        // SAFETY: valid out-pointers.
        unsafe {
            assert_eq!(libc::clock_gettime(clock, &mut lts), 0);
            clock_gettime(clock, &mut ts).unwrap();
        }
        let ours = ts.tv_sec as i128 * 1_000_000_000 + ts.tv_nsec as i128;
        let theirs = lts.tv_sec as i128 * 1_000_000_000 + lts.tv_nsec as i128;
        assert!(
            (0..1_000_000_000).contains(&(ours - theirs)),
            "clock {clock}: {ours} vs {theirs}"
        );
        assert!((0..1_000_000_000).contains(&ts.tv_nsec));
    }
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    {
        let mut k = Timespec::zeroed();
        // SAFETY: valid out-pointers.
        unsafe {
            clock_gettime(CLOCK_MONOTONIC, &mut ts).unwrap();
            clock_gettime_kernel(CLOCK_MONOTONIC, &mut k).unwrap();
        }
        let diff =
            (k.tv_sec - ts.tv_sec) as i128 * 1_000_000_000 + (k.tv_nsec - ts.tv_nsec) as i128;
        assert!(
            (0..1_000_000_000).contains(&diff),
            "kernel after vDSO: {diff} ns"
        );
        // SAFETY: an invalid clock id is the point.
        assert_eq!(
            unsafe { clock_gettime_kernel(-999, &mut k) },
            Err(Errno::EINVAL)
        );
    }
    // SAFETY: an invalid clock id is the point; the vDSO hands it to the kernel.
    assert_eq!(unsafe { clock_gettime(-999, &mut ts) }, Err(Errno::EINVAL));
    // SAFETY: valid out-pointer.
    unsafe { clock_getres(CLOCK_MONOTONIC, &mut ts) }.unwrap();
    assert!(
        ts.tv_sec == 0 && ts.tv_nsec > 0 && ts.tv_nsec <= 1_000_000,
        "{ts:?}"
    );
}

#[test]
fn gettimeofday_agrees_with_std() {
    let mut tv = Timeval::zeroed();
    // SAFETY: valid out-pointer, null timezone.
    unsafe { gettimeofday(&mut tv, std::ptr::null_mut()) }.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    assert!((now.as_secs() as i64 - i64::from(tv.tv_sec)).abs() <= 1);
    assert!((0..1_000_000).contains(&tv.tv_usec));
}

#[test]
fn nanosleep_sleeps() {
    let req = LongTimespec {
        tv_sec: 0,
        tv_nsec: 2_000_000,
    };
    let start = std::time::Instant::now();
    // SAFETY: valid pointers.
    unsafe { nanosleep(&req, std::ptr::null_mut()) }.unwrap();
    assert!(start.elapsed() >= std::time::Duration::from_millis(2));
    let bad = LongTimespec {
        tv_sec: 0,
        tv_nsec: 1_000_000_000,
    };
    // SAFETY: valid pointers; the out-of-range nanoseconds are the point.
    assert_eq!(
        unsafe { nanosleep(&bad, std::ptr::null_mut()) },
        Err(Errno::EINVAL)
    );
}

#[test]
fn misc_calls_match_libc() {
    assert_eq!(sched_yield(), Ok(()));
    // SAFETY: plain libc call.
    let prio = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
    // The raw system call returns 20 - nice (never negative).
    assert_eq!(getpriority(0, 0), Ok(20 - prio as isize));
    let mut buf = [0u8; 4096];
    // SAFETY: `buf` is writable for its length.
    let n = unsafe { getcwd(buf.as_mut_ptr(), buf.len()) }.unwrap();
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(&buf[..n - 1], cwd.as_os_str().as_encoded_bytes());
    // SAFETY: as above; a 1-byte buffer is too small.
    assert_eq!(unsafe { getcwd(buf.as_mut_ptr(), 1) }, Err(Errno::ERANGE));
    let mut name = [0u8; 16];
    // SAFETY: PR_GET_NAME writes 16 bytes.
    unsafe { prctl(PR_GET_NAME, name.as_mut_ptr() as usize, 0, 0, 0) }.unwrap();
    let mut lname = [0u8; 16];
    // SAFETY: as above.
    assert_eq!(unsafe { libc::prctl(PR_GET_NAME, lname.as_mut_ptr()) }, 0);
    assert_eq!(name, lname);
    // SAFETY: PR_GET_DUMPABLE takes no pointer.
    assert_eq!(
        unsafe { prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) },
        Ok(unsafe { libc::prctl(PR_GET_DUMPABLE) } as usize)
    );
    let mut rnd = [0u8; 64];
    // SAFETY: `rnd` is writable.
    assert_eq!(unsafe { getrandom(rnd.as_mut_ptr(), 64, 0) }, Ok(64));
    assert_ne!(rnd, [0u8; 64]);
    // pselect6 with 6 arguments, nothing to wait for, zero timeout: returns 0 at once.
    let mut zero = LongTimespec::zeroed();
    let null = std::ptr::null_mut();
    // SAFETY: null sets, a valid timeout.
    assert_eq!(
        unsafe { pselect6(0, null, null, null, &mut zero, null) },
        Ok(0)
    );
}

/// The x86 legacy gate: the same results through `int 0x80`.
#[cfg(any(
    target_arch = "x86",
    all(target_arch = "x86_64", target_pointer_width = "64")
))]
#[test]
fn int80_gives_the_same_results() {
    use syscall_tests::int80;
    assert_eq!(int80::getpid(), getpid());
    assert_eq!(int80::getppid(), getppid());
    let old = int80::umask(0o022);
    assert_eq!(umask(old), 0o022);
    assert_eq!(int80::kill(getpid(), 0), Ok(()));
    assert_eq!(int80::kill(0x7fff_fff0, 0), Err(Errno::ESRCH));
    let mut fds = [-1i32; 2];
    // SAFETY: `fds` holds two ints.
    unsafe { pipe2(fds.as_mut_ptr(), O_CLOEXEC) }.unwrap();
    let (r, w) = (fds[0] as u32, fds[1] as u32);
    let spare = dup(r).unwrap() as u32;
    // SAFETY: F_GETFD takes no address; `spare` was opened by this test, which owns it.
    unsafe {
        assert_eq!(int80::fcntl(r, F_GETFD, 0), Ok(FD_CLOEXEC as u32));
        assert_eq!(int80::dup3(w, spare, 0), Ok(spare as i32));
        assert_eq!(int80::fcntl(spare, F_GETFD, 0), Ok(0));
    }
    // tee (4 arguments) between two pipes that are not both pipes-with-data: EINVAL/EAGAIN.
    assert!(matches!(
        int80::tee(r as i32, w as i32, 16, 1),
        Err(Errno::EINVAL | Errno::EAGAIN)
    ));
    assert_eq!(int80::tee(-1, -1, 16, 0), Err(Errno::EBADF));
    // SAFETY: PR_GET_DUMPABLE takes no pointer.
    assert_eq!(unsafe { int80::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) }, Ok(1));
    // mmap2 with 6 arguments: zero length is refused.
    // SAFETY: no memory is mapped by a failing call.
    assert_eq!(
        unsafe { int80::mmap2(0, 0, 1, 0x22, u32::MAX, 0) },
        Err(Errno::EINVAL)
    );
    for fd in [r, w, spare] {
        // SAFETY: this test opened `fd` and owns it.
        assert_eq!(unsafe { int80::close(fd) }, Ok(()));
    }
    // Not `r` again: another test thread may already have been given that number.
    // SAFETY: no descriptor has this number, so nothing is closed.
    assert_eq!(unsafe { int80::close(NEVER_OPEN) }, Err(Errno::EBADF));
}

/// i686: `int 0x80` with pointers and a 64-bit argument split over two registers.
#[cfg(target_arch = "x86")]
#[test]
fn int80_with_pointers_on_i686() {
    use std::os::fd::AsRawFd;
    use syscall_tests::int80;
    let mut ours = Utsname::zeroed();
    // SAFETY: writable utsname.
    unsafe { int80::uname(&mut ours) }.unwrap();
    let sysname: Vec<u8> = ours.sysname[..5].iter().map(|&c| c as u8).collect();
    assert_eq!(sysname, b"Linux");
    let mut ts = Timespec::zeroed();
    // SAFETY: writable timespec.
    unsafe { int80::clock_gettime(CLOCK_MONOTONIC, &mut ts) }.unwrap();
    assert!(ts.tv_sec > 0 || ts.tv_nsec > 0);
    let dir = TempDir::new("int80");
    std::fs::write(dir.0.join("f"), b"0123456789").unwrap();
    let f = std::fs::File::open(dir.0.join("f")).unwrap();
    let mut buf = [0u8; 3];
    // SAFETY: writable buffer.
    assert_eq!(
        unsafe { int80::pread64(f.as_raw_fd() as u32, buf.as_mut_ptr(), 3, 7) },
        Ok(3)
    );
    assert_eq!(&buf, b"789");
}

/// The fast 32-bit entry is really there: `AT_SYSINFO` names `__kernel_vsyscall` in the vDSO.
#[cfg(target_arch = "x86")]
#[test]
fn sysenter_entry_is_the_vdso_kernel_vsyscall() {
    let entry = syscall_rt::raw::x86::vsyscall_entry().expect("AT_SYSINFO on i686 Linux");
    let sym = syscall_rt::vdso::lookup(b"__kernel_vsyscall", b"LINUX_2.5").expect("vDSO symbol");
    assert_eq!(entry, sym);
    assert_eq!(
        syscall_rt::auxv::getauxval_from_kernel(syscall_rt::auxv::AT_SYSINFO),
        Some(entry)
    );
}

#[test]
fn auxv_without_libc_matches_libc() {
    const AT_PHDR: usize = 3;
    const AT_PAGESZ: usize = 6;
    for key in [AT_PHDR, AT_PAGESZ, syscall_rt::auxv::AT_SYSINFO_EHDR] {
        // SAFETY: plain libc call.
        let theirs = unsafe { libc::getauxval(key as libc::c_ulong) } as usize;
        let theirs = (theirs != 0).then_some(theirs);
        // qemu-user has no PR_GET_AUXV and makes /proc/self/auxv a memory file, not procfs.
        let emulated = std::env::var_os("FAST_SYSCALL_TEST_RUNNER").is_some();
        assert_eq!(
            syscall_rt::auxv::getauxval_from_kernel(key),
            theirs.filter(|_| !emulated),
            "key {key}"
        );
        assert_eq!(syscall_rt::auxv::getauxval(key), theirs, "key {key}");
    }
    assert!(syscall_rt::auxv::getauxval(AT_PAGESZ).unwrap() >= 4096);
    assert_eq!(syscall_rt::auxv::getauxval_from_kernel(0x7fff), None);
}

/// Whether a vDSO is expected: everywhere except where `scripts/cross.sh` runs the suite under
/// Debian 12's qemu-user 7.2, which maps none and says so in `FAST_SYSCALL_NO_VDSO`.
fn vdso_expected() -> bool {
    std::env::var_os("FAST_SYSCALL_NO_VDSO").is_none()
}

#[test]
fn vdso_symbols_resolve_with_versions() {
    let (name, version): (&[u8], &[u8]) = if cfg!(target_arch = "aarch64") {
        (b"__kernel_clock_gettime", b"LINUX_2.6.39")
    } else if cfg!(any(target_arch = "riscv64", target_arch = "riscv32")) {
        (b"__vdso_clock_gettime", b"LINUX_4.15")
    } else {
        (b"__vdso_clock_gettime", b"LINUX_2.6")
    };
    if !vdso_expected() {
        assert_eq!(syscall_rt::vdso::image(), None);
        assert_eq!(syscall_rt::vdso::lookup(name, version), None);
        return;
    }
    let addr = syscall_rt::vdso::lookup(name, version).expect("clock_gettime in the vDSO");
    let base = syscall_rt::vdso::image().unwrap();
    assert!(
        addr > base && addr < base + 64 * 1024,
        "{addr:#x} outside the image at {base:#x}"
    );
    assert_eq!(syscall_rt::vdso::lookup(name, b""), Some(addr));
    assert_eq!(syscall_rt::vdso::lookup(name, b"LINUX_9.9"), None);
    assert_eq!(
        syscall_rt::vdso::lookup(b"__vdso_no_such_function", b""),
        None
    );
}

/// `exit_group` (`-> !`) ends the process with the status given; run in a child process.
#[test]
fn exit_group_ends_the_process_with_its_status() {
    if let Ok(how) = std::env::var("FAST_SYSCALL_EXIT_CHILD") {
        match how.as_str() {
            "default" => exit_group(42),
            #[cfg(any(
                target_arch = "x86",
                all(target_arch = "x86_64", target_pointer_width = "64")
            ))]
            "int80" => syscall_tests::int80::exit_group(43),
            _ => exit_group(1),
        }
    }
    let mut cases = vec![("default", 42)];
    if cfg!(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    )) {
        cases.push(("int80", 43));
    }
    for (how, code) in cases {
        let out = syscall_tests::rerun_test(
            "exit_group_ends_the_process_with_its_status",
            "FAST_SYSCALL_EXIT_CHILD",
            how,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{how}:\n{stderr}");
    }
}

/// A result register narrower than the declared type is extended by the call's return kind:
/// `mmap2` returns `void *`, so an address above 2 GiB stays itself in a `u64` (it used to come
/// back sign-extended, e.g. `0xfffffffff7f9a000`). On x86_64 this is `int 0x80` into the i386
/// ABI, whose mappings lie below 4 GiB; on the 32-bit ABIs the default entry. (x32 has 64-bit
/// registers and no mmap2.)
#[cfg(any(
    all(target_pointer_width = "32", not(target_arch = "x86_64")),
    all(target_arch = "x86_64", target_pointer_width = "64")
))]
#[test]
fn a_32_bit_result_register_zero_extends_addresses_into_u64() {
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    mod calls {
        use syscall_rt::{Errno, fast_syscall};
        #[fast_syscall(name = "mmap2", via = "int80")]
        pub unsafe fn mmap2(a: u32, l: u32, p: u32, f: u32, fd: u32, o: u32) -> Result<u64, Errno>;
        #[fast_syscall(name = "mmap2", via = "int80")]
        pub unsafe fn mmap2_raw(a: u32, l: u32, p: u32, f: u32, fd: u32, o: u32) -> u64;
        #[fast_syscall(name = "munmap", via = "int80")]
        pub unsafe fn munmap(addr: u32, len: u32) -> Result<(), Errno>;
    }
    #[cfg(not(target_arch = "x86_64"))]
    mod calls {
        use syscall_rt::{Errno, fast_syscall};
        #[fast_syscall]
        pub unsafe fn mmap2(a: u32, l: u32, p: u32, f: u32, fd: u32, o: u32) -> Result<u64, Errno>;
        #[fast_syscall(name = "mmap2")]
        pub unsafe fn mmap2_raw(a: u32, l: u32, p: u32, f: u32, fd: u32, o: u32) -> u64;
        #[fast_syscall]
        pub unsafe fn munmap(addr: u32, len: u32) -> Result<(), Errno>;
    }
    {
        let (rw, anon) = ((PROT_READ | PROT_WRITE) as u32, MAP_PRIVATE_ANON as u32);
        // A page above 2 GiB: asked for at fixed addresses there (MAP_FIXED_NOREPLACE, then as a
        // hint), since where mappings land by default differs (qemu-user places 32-bit guests
        // low).
        const MAP_FIXED_NOREPLACE: u32 = 0x10_0000;
        let mut maps = Vec::new();
        for hint in [0xb000_0000u32, 0xa000_0000, 0x9000_0000, 0xc000_0000] {
            for flags in [anon | MAP_FIXED_NOREPLACE, anon] {
                // SAFETY: an anonymous page where nothing is mapped (NOREPLACE), or anywhere.
                if let Ok(addr) = unsafe { calls::mmap2(hint, 4096, rw, flags, u32::MAX, 0) } {
                    assert!(
                        addr <= u64::from(u32::MAX),
                        "{addr:#x} is not a 32-bit address"
                    );
                    maps.push(addr);
                }
            }
        }
        assert!(
            maps.iter().any(|&a| a >= 0x8000_0000),
            "no mapping above 2 GiB: {maps:x?}"
        );
        // The raw return of an error: -EINVAL stays negative (sign-extended), unlike an address.
        // SAFETY: a zero length maps nothing.
        let err = unsafe { calls::mmap2_raw(0, 0, rw, anon, u32::MAX, 0) };
        assert_eq!(err as i64, -22);
        for addr in maps {
            #[cfg(target_pointer_width = "32")]
            {
                // The address is usable as is.
                // SAFETY: the page was mapped writable above.
                unsafe { (addr as usize as *mut u8).write(42) };
            }
            // SAFETY: the page was mapped above and nothing refers to it.
            unsafe { calls::munmap(addr as u32, 4096) }.unwrap();
        }
    }
}
