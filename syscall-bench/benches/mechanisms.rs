//! criterion benchmarks: each mechanism × 0, 3 and 6 arguments; the vDSO against the kernel
//! entry; and the peers: `libc::syscall`, libc's functions, rustix, the `syscalls` crate.
//!
//! `cargo bench -p syscall-bench` (`-- --quick` for a short run). The 6-argument call is
//! `mmap(0, 0, …)`, refused with EINVAL; the 3-argument call is `lseek(-1, 0, SEEK_SET)`, EBADF.

#![allow(missing_docs)] // criterion_group! defines an undocumented function

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use syscall_bench::{Timespec, ours};

fn mechanisms(c: &mut Criterion) {
    let mut g = c.benchmark_group("getpid");
    g.bench_function("fast-syscall default", |b| {
        b.iter(|| black_box(ours::getpid_raw()))
    });
    g.bench_function("fast-syscall Result", |b| {
        b.iter(|| black_box(ours::getpid_result()))
    });
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    g.bench_function("fast-syscall int80", |b| {
        b.iter(|| black_box(ours::int80::getpid_raw()))
    });
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    g.bench_function("hand-written asm", |b| {
        b.iter(|| black_box(syscall_bench::hand::getpid_raw()))
    });
    // SAFETY (libc calls): plain calls.
    g.bench_function("libc getpid", |b| {
        b.iter(|| black_box(unsafe { libc::getpid() }))
    });
    g.bench_function("libc syscall", |b| {
        b.iter(|| black_box(unsafe { libc::syscall(libc::SYS_getpid) }))
    });
    g.bench_function("rustix", |b| {
        b.iter(|| black_box(rustix::process::getpid()))
    });
    g.bench_function("syscalls crate", |b| {
        // SAFETY: getpid takes no arguments.
        b.iter(|| black_box(unsafe { syscalls::raw_syscall!(syscalls::Sysno::getpid) }))
    });
    g.finish();

    let mut g = c.benchmark_group("3 arguments (lseek, EBADF)");
    g.bench_function("fast-syscall default", |b| {
        b.iter(|| black_box(ours::lseek_raw(black_box(u32::MAX), 0, 0)))
    });
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    g.bench_function("fast-syscall int80", |b| {
        b.iter(|| black_box(ours::int80::lseek_raw(black_box(u32::MAX), 0, 0)))
    });
    g.bench_function("libc syscall", |b| {
        // SAFETY: an invalid descriptor, EBADF.
        b.iter(|| black_box(unsafe { libc::syscall(libc::SYS_lseek, black_box(-1), 0, 0) }))
    });
    g.finish();

    let mut g = c.benchmark_group("6 arguments (mmap len 0, EINVAL)");
    // SAFETY: a zero-length mapping is refused; nothing is mapped.
    g.bench_function("fast-syscall default", |b| {
        b.iter(|| black_box(unsafe { ours::mmap_raw(0, black_box(0), 1, 0x22, usize::MAX, 0) }))
    });
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    g.bench_function("fast-syscall int80", |b| {
        // SAFETY: as above.
        b.iter(|| {
            black_box(unsafe { ours::int80::mmap_raw(0, black_box(0), 1, 0x22, u32::MAX, 0) })
        })
    });
    g.finish();

    let mut g = c.benchmark_group("clock_gettime");
    g.bench_function("fast-syscall vDSO", |b| {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        b.iter(|| black_box(unsafe { ours::clock_gettime_vdso(1, &mut ts) }))
    });
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    g.bench_function("fast-syscall kernel entry", |b| {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        b.iter(|| black_box(unsafe { ours::clock_gettime_kernel(1, &mut ts) }))
    });
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    g.bench_function("hand-written cached vDSO pointer", |b| {
        let mut ts = Timespec::default();
        // SAFETY: a writable timespec.
        b.iter(|| black_box(unsafe { syscall_bench::hand::clock_gettime_vdso(1, &mut ts) }))
    });
    g.bench_function("libc clock_gettime", |b| {
        let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
        // SAFETY: a writable timespec.
        b.iter(|| black_box(unsafe { libc::clock_gettime(1, &mut ts) }))
    });
    g.bench_function("rustix clock_gettime", |b| {
        b.iter(|| {
            black_box(rustix::time::clock_gettime(
                rustix::time::ClockId::Monotonic,
            ))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = mechanisms
}
criterion_main!(benches);
