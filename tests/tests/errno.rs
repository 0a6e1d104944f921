//! `Errno`: values, names, `Display`, `Debug`, `std::error::Error`, `io::Error` conversion, and
//! the decoding of kernel return values.

use syscall_rt::Errno;

#[test]
fn values_equal_libc() {
    let pairs = [
        (Errno::EPERM, libc::EPERM),
        (Errno::ENOENT, libc::ENOENT),
        (Errno::EINTR, libc::EINTR),
        (Errno::EBADF, libc::EBADF),
        (Errno::EAGAIN, libc::EAGAIN),
        (Errno::EWOULDBLOCK, libc::EWOULDBLOCK),
        (Errno::EFAULT, libc::EFAULT),
        (Errno::EINVAL, libc::EINVAL),
        (Errno::ENOSYS, libc::ENOSYS),
        (Errno::ERANGE, libc::ERANGE),
        (Errno::EDEADLK, libc::EDEADLK),
        (Errno::EDEADLOCK, libc::EDEADLOCK),
        (Errno::EOPNOTSUPP, libc::EOPNOTSUPP),
        (Errno::ETIMEDOUT, libc::ETIMEDOUT),
        (Errno::EHWPOISON, libc::EHWPOISON),
    ];
    for (ours, theirs) in pairs {
        assert_eq!(ours.raw(), theirs, "{ours:?}");
    }
}

#[test]
fn every_number_has_a_name_and_a_description() {
    for raw in 1..=133 {
        let e = Errno::from_raw(raw);
        if raw == 41 || raw == 58 {
            // 41 and 58 are unused in the generic numbering.
            assert_eq!(e.name(), None, "{raw}");
            continue;
        }
        let name = e
            .name()
            .unwrap_or_else(|| panic!("errno {raw} has no name"));
        assert!(name.starts_with('E'));
        assert!(!e.description().unwrap().is_empty());
        // libc's strerror agrees that the number exists.
        let msg = std::io::Error::from_raw_os_error(raw).to_string();
        assert!(!msg.starts_with("Unknown error"), "{raw}: {msg}");
    }
    assert_eq!(Errno::from_raw(4000).name(), None);
}

#[test]
fn debug_is_the_name_and_display_explains() {
    assert_eq!(format!("{:?}", Errno::EBADF), "EBADF");
    assert_eq!(format!("{:?}", Errno::from_raw(4000)), "Errno(4000)");
    assert_eq!(Errno::EBADF.to_string(), "Bad file number (EBADF, errno 9)");
    assert_eq!(
        Errno::from_raw(4000).to_string(),
        "unknown error (errno 4000)"
    );
    assert_eq!(format!("{:?}", Ok::<(), Errno>(())), "Ok(())");
}

#[test]
fn converts_into_io_error_and_is_an_error() {
    let io: std::io::Error = Errno::ENOENT.into();
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(io.raw_os_error(), Some(2));
    let boxed: Box<dyn std::error::Error> = Box::new(Errno::EACCES);
    assert_eq!(boxed.to_string(), "Permission denied (EACCES, errno 13)");
    fn propagate() -> std::io::Result<()> {
        Err(Errno::EEXIST)?
    }
    assert_eq!(
        propagate().unwrap_err().kind(),
        std::io::ErrorKind::AlreadyExists
    );
}

#[test]
fn kernel_returns_decode_at_the_4095_boundary() {
    assert_eq!(Errno::result(0), Ok(0));
    assert_eq!(Errno::result(isize::MAX), Ok(isize::MAX as usize));
    assert_eq!(Errno::result(-1), Err(Errno::EPERM));
    assert_eq!(Errno::result(-4095), Err(Errno::from_raw(4095)));
    // -4096 is not an error: it is a valid address or value (e.g. mmap near the top).
    assert_eq!(Errno::result(-4096), Ok(-4096isize as usize));
}
