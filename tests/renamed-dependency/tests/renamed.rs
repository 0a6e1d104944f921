//! The declarations of a crate with a renamed dependency make the right calls.

#[test]
fn declarations_work_through_a_renamed_dependency() {
    assert_eq!(
        syscall_renamed_dependency::getpid() as u32,
        std::process::id()
    );
    // SAFETY: a readable empty buffer.
    assert_eq!(
        unsafe { syscall_renamed_dependency::write(1, b"".as_ptr(), 0) },
        Ok(0)
    );
    #[cfg(target_pointer_width = "64")]
    {
        let mut ts = [0i64; 2];
        // SAFETY: `ts` is a writable 64-bit timespec.
        unsafe { syscall_renamed_dependency::clock_gettime(1, &mut ts) }.unwrap();
        assert!(ts != [0, 0]);
    }
}
