//! criterion: getrandom of 16 bytes, side by side in one run — fast-syscall's default (the
//! vDSO with its managed state), the vDSO function called directly with a pre-allocated state
//! (the physical limit), fast-syscall's kernel entry, libc's `getrandom()` (glibc 2.36 on
//! Debian 12: a system call, no vDSO), rustix, and the `getrandom` crate.
//!
//! `cargo bench -p syscall-bench --bench getrandom` (`-- --quick` for a short run).

#![allow(missing_docs)] // criterion_group! defines an undocumented function

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use syscall_bench::getrandom::{direct, ours};

fn getrandom16(c: &mut Criterion) {
    let mut g = c.benchmark_group("getrandom 16 B");
    g.bench_function("fast-syscall default (vDSO)", |b| {
        let mut buf = [0u8; 16];
        // SAFETY: a writable buffer.
        b.iter(|| black_box(unsafe { ours::getrandom(buf.as_mut_ptr(), 16, 0) }))
    });
    if direct::setup() {
        g.bench_function("vDSO direct, pre-allocated state", |b| {
            let mut buf = [0u8; 16];
            // SAFETY: set up; criterion measures on this one thread.
            b.iter(|| black_box(unsafe { direct::getrandom(buf.as_mut_ptr(), 16, 0) }))
        });
    }
    #[cfg(any(
        target_arch = "x86",
        all(target_arch = "x86_64", target_pointer_width = "64")
    ))]
    g.bench_function("fast-syscall kernel entry", |b| {
        let mut buf = [0u8; 16];
        // SAFETY: a writable buffer.
        b.iter(|| black_box(unsafe { ours::getrandom_kernel(buf.as_mut_ptr(), 16, 0) }))
    });
    g.bench_function("libc getrandom", |b| {
        let mut buf = [0u8; 16];
        // SAFETY: a writable buffer.
        b.iter(|| black_box(unsafe { libc::getrandom(buf.as_mut_ptr().cast(), 16, 0) }))
    });
    g.bench_function("rustix", |b| {
        let mut buf = [0u8; 16];
        b.iter(|| {
            black_box(rustix::rand::getrandom(
                &mut buf,
                rustix::rand::GetRandomFlags::empty(),
            ))
        })
    });
    g.bench_function("getrandom crate", |b| {
        let mut buf = [0u8; 16];
        b.iter(|| black_box(getrandom::fill(&mut buf)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = getrandom16
}
criterion_main!(benches);
