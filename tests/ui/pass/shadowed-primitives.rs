//! The user's scope cannot change what the expansion sends to the kernel: primitive names
//! shadowed by aliases, unit structs and constants named like the expansion's helpers. Before
//! the expansion named everything by absolute path, `type u64 = u32;` cut `write`'s pointer to
//! 32 bits (EFAULT), `type i32 = u8;` gave a wrong pid, and a unit struct `raw` broke a local.
#![allow(non_camel_case_types, non_upper_case_globals, dead_code)]

mod hostile {
    use syscall_rt::fast_syscall;

    type u64 = u32;
    type i32 = u8;
    type i64 = u8;
    type usize = u16;
    type isize = i8;
    type u32 = u16;
    struct raw;
    struct f;
    struct Some;
    struct None;
    struct Ok;
    struct Err;
    const VDSO_FN: u8 = 0;
    const nr: u8 = 0;
    type Option = ();
    type Result = ();
    type Errno = ();

    // The declarations spell the real types by their absolute paths.
    #[fast_syscall]
    pub fn getpid() -> ::core::primitive::i32;

    #[fast_syscall]
    pub unsafe fn write(
        fd: ::core::primitive::u32,
        buf: *const ::core::primitive::u8,
        count: ::core::primitive::usize,
    ) -> ::core::result::Result<::core::primitive::usize, syscall_rt::Errno>;

    #[fast_syscall]
    pub unsafe fn clock_gettime(
        clock: ::core::primitive::i32,
        tp: *mut [::core::primitive::i64; 2],
    ) -> ::core::result::Result<(), syscall_rt::Errno>;

    #[fast_syscall(name = "getpid", via = "int80")]
    pub fn getpid_int80() -> std::primitive::i64;

    #[fast_syscall]
    pub fn lseek(
        fd: ::core::primitive::u32,
        offset: ::core::primitive::i64,
        whence: ::core::primitive::u32,
    ) -> ::core::result::Result<::core::primitive::u64, syscall_rt::Errno>;
}

/// Declarations that spell their types plainly, in a module whose names the expansion must not
/// pick up: `u64` and `i64` (the expansion's own register casts) and locals.
mod plain {
    use syscall_rt::{Errno, fast_syscall};

    type u64 = u32;
    type i64 = u8;
    struct raw;
    struct f;

    #[fast_syscall]
    pub unsafe fn write(fd: u32, buf: *const u8, count: usize) -> Result<usize, Errno>;

    #[fast_syscall]
    pub fn getppid() -> i32;
}

fn main() {
    assert_eq!(plain::getppid() as u32, std::os::unix::process::parent_id());
    assert_eq!(hostile::getpid() as u32, std::process::id());
    assert_eq!(hostile::getpid_int80() as u32, std::process::id());
    // A heap buffer: its address is above 4 GiB, so a 32-bit cut would fail with EFAULT.
    let msg = b"through a shadowed scope\n".to_vec();
    assert!(msg.as_ptr() as usize > u32::MAX as usize);
    let (r, w) = {
        let mut fds = [0i32; 2];
        // SAFETY: `fds` holds two ints.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        (fds[0], fds[1])
    };
    // SAFETY: `msg` is readable for its length.
    assert_eq!(unsafe { hostile::write(w as u32, msg.as_ptr(), msg.len()) }, Ok(msg.len()));
    // SAFETY: as above.
    assert_eq!(unsafe { plain::write(w as u32, msg.as_ptr(), msg.len()) }, Ok(msg.len()));
    let mut back = vec![0u8; 2 * msg.len()];
    // SAFETY: `back` is writable for its length.
    assert_eq!(
        unsafe { libc::read(r, back.as_mut_ptr().cast(), back.len()) },
        back.len() as isize
    );
    assert_eq!(back, [msg.clone(), msg].concat());
    let mut ts = [0i64; 2];
    // SAFETY: `ts` is a writable 64-bit timespec.
    assert_eq!(unsafe { hostile::clock_gettime(1, &mut ts) }, Ok(()));
    assert!(ts[0] > 0 || ts[1] > 0);
    let f = std::fs::File::open("/proc/self/exe").unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&f) as u32;
    assert_eq!(hostile::lseek(fd, 5 << 30, 0), Ok(5 << 30));
}
