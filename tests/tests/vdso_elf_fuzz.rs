//! Fuzzing of the vDSO's ELF parser (`syscall_rt::vdso::Image`) with proptest: mutated copies
//! of the process's real vDSO image and of built test images (bytes and words overwritten with
//! boundary values, truncation), random bytes behind a prefix of those images, and random
//! bytes. Every input is placed against an inaccessible page on either side, so a read outside
//! the slice would fault; the parser must neither panic nor return an offset outside the slice.
//!
//! `PROPTEST_CASES` sets the number of cases of the mutation test (default 20,000, 1,000 under
//! an emulator; the random tests run half as many each). A long run:
//! `PROPTEST_CASES=1000000 cargo test --release -p syscall-tests --test vdso_elf_fuzz`.

#[path = "support/elf_image.rs"]
mod elf_image;

use proptest::prelude::*;
use syscall_rt::vdso::{self, Image};

/// The largest input tried (the real vDSO is two to four pages).
const CAP: usize = 64 * 1024;
const PAGE: usize = 4096;

/// Two buffers of `CAP` bytes: one followed by an inaccessible page (inputs end at it), one
/// preceded by one (inputs start after it).
struct Guarded {
    before_guard: *mut u8,
    after_guard: *mut u8,
}

impl Guarded {
    fn new() -> Guarded {
        let map = |len: usize| {
            // SAFETY: a fresh private anonymous mapping.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            assert_ne!(p, libc::MAP_FAILED);
            p.cast::<u8>()
        };
        let a = map(CAP + PAGE);
        let b = map(PAGE + CAP);
        // SAFETY: the guard pages are inside the mappings just made, which nothing else uses.
        unsafe {
            assert_eq!(libc::mprotect(a.add(CAP).cast(), PAGE, libc::PROT_NONE), 0);
            assert_eq!(libc::mprotect(b.cast(), PAGE, libc::PROT_NONE), 0);
        }
        Guarded {
            before_guard: a,
            // SAFETY: inside the mapping `b`.
            after_guard: unsafe { b.add(PAGE) },
        }
    }

    /// Runs `f` on copies of `input` that end at, and start after, an inaccessible page.
    fn with<R>(&self, input: &[u8], mut f: impl FnMut(&[u8]) -> R) -> (R, R) {
        assert!(input.len() <= CAP);
        // SAFETY: both buffers hold CAP writable bytes that only this thread uses, and the
        // slices made here live only during `f`.
        unsafe {
            let end = self.before_guard.add(CAP - input.len());
            std::ptr::copy_nonoverlapping(input.as_ptr(), end, input.len());
            let r1 = f(std::slice::from_raw_parts(end, input.len()));
            std::ptr::copy_nonoverlapping(input.as_ptr(), self.after_guard, input.len());
            let r2 = f(std::slice::from_raw_parts(self.after_guard, input.len()));
            (r1, r2)
        }
    }
}

thread_local! {
    static GUARDED: Guarded = Guarded::new();
}

/// Names looked up in every parsed input.
const NAMES: &[&[u8]] = &[
    b"__vdso_clock_gettime",
    b"__kernel_clock_gettime",
    b"__vdso_gettimeofday",
    b"__vdso_getcpu",
    b"__kernel_vsyscall",
    b"__vdso_nothing",
];

/// Everything the parser offers, on one input; returns a digest to compare the two
/// placements (the result must not depend on where the bytes are).
fn exercise(bytes: &[u8]) -> (Option<usize>, Vec<(usize, usize)>) {
    let extent = Image::extent(bytes);
    let Some(image) = Image::parse(bytes) else {
        return (extent, Vec::new());
    };
    assert!(extent.is_some_and(|e| e <= bytes.len()));
    let mut seen = Vec::new();
    for s in image.symbols().take(10_000) {
        assert!(
            s.offset < bytes.len(),
            "{s:?} outside {} bytes",
            bytes.len()
        );
        let v = s.version.unwrap_or(b"");
        let found = image.lookup(s.name, v).expect("a listed symbol is found");
        assert!(found < bytes.len());
        seen.push((s.name.len(), s.offset));
    }
    for name in NAMES {
        for version in [
            &b""[..],
            b"LINUX_2.6",
            b"LINUX_2.6.39",
            b"LINUX_4.15",
            b"LINUX_2.5",
        ] {
            if let Some(offset) = image.lookup(name, version) {
                assert!(offset < bytes.len());
                seen.push((usize::MAX, offset));
            }
        }
    }
    (extent, seen)
}

thread_local! {
    /// Inputs checked, inputs that parsed as images, functions found in them.
    static STATS: std::cell::Cell<(usize, usize, usize)> = const { std::cell::Cell::new((0, 0, 0)) };
}

fn check(input: &[u8]) {
    let input = &input[..input.len().min(CAP)];
    let (a, b) = GUARDED.with(|g| g.with(input, exercise));
    assert_eq!(a, b, "the result depends on the placement");
    let parsed = Image::parse(input).map(|i| i.symbols().count());
    STATS.with(|s| {
        let (n, p, f) = s.get();
        s.set((
            n + 1,
            p + usize::from(parsed.is_some()),
            f + parsed.unwrap_or(0),
        ));
    });
}

/// The images mutated: the real vDSO (when the process has one) and built ones.
fn bases() -> &'static [Vec<u8>] {
    static BASES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    BASES.get_or_init(|| {
        let mut v = Vec::new();
        if let Some(real) = vdso::image_bytes() {
            v.push(real.to_vec());
        } else {
            assert!(
                std::env::var_os("FAST_SYSCALL_NO_VDSO").is_some(),
                "no vDSO image to fuzz (FAST_SYSCALL_NO_VDSO is not set)"
            );
        }
        v.push(elf_image::standard().bytes);
        v.push(elf_image::build(elf_image::SYMS, elf_image::Hash::Gnu, true).bytes);
        v.push(elf_image::build(elf_image::SYMS, elf_image::Hash::Sysv, false).bytes);
        v
    })
}

#[derive(Clone, Debug)]
enum Edit {
    /// Overwrite the byte at (position modulo the length).
    Byte(usize, u8),
    /// Overwrite a 2-, 4- or word-sized field at (position modulo the length, aligned).
    Field(usize, u8, usize),
    /// Keep only (n modulo the length + 1) bytes.
    Truncate(usize),
}

fn value() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0usize),
        Just(1),
        Just(2),
        Just(usize::MAX),
        Just(usize::MAX - 1),
        Just(u32::MAX as usize),
        Just(0x7fff_ffff),
        Just(0x8000_0000),
        Just(0xffff),
        0usize..0x2000,
        any::<usize>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Byte(at, b)),
        4 => (any::<usize>(), prop_oneof![Just(2u8), Just(4), Just(elf_image::W as u8)], value())
            .prop_map(|(at, size, v)| Edit::Field(at, size, v)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len();
        if len == 0 {
            break;
        }
        match *e {
            Edit::Byte(at, b) => bytes[at % len] = b,
            Edit::Field(at, size, v) => {
                let size = usize::from(size);
                if len >= size {
                    let at = (at % (len - size + 1)) / size * size;
                    let v = v.to_ne_bytes();
                    let v = if cfg!(target_endian = "little") {
                        &v[..size]
                    } else {
                        &v[v.len() - size..]
                    };
                    bytes[at..at + size].copy_from_slice(v);
                }
            }
            Edit::Truncate(n) => bytes.truncate(n % len + 1),
        }
    }
    bytes
}

/// `len` bytes from `seed` (xorshift64*): cheaper than a strategy per byte, which under an
/// emulator costs more than the parse.
fn random_bytes(seed: u64, len: usize) -> impl Iterator<Item = u8> {
    let mut x = seed | 1;
    (0..len).map(move |_| {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
    })
}

fn cases(divisor: u32) -> ProptestConfig {
    // Under qemu-user (scripts/cross.sh) a case costs some 40 times more: fewer by default.
    let default = if std::env::var_os("FAST_SYSCALL_TEST_RUNNER").is_some() {
        1_000
    } else {
        20_000
    };
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases((n / divisor).max(1))
}

/// Runs `test` on `cases(divisor)` inputs of `strategy` (proptest shrinks a failure to a
/// minimal input) and reports the number of cases, how many inputs parsed as images and the
/// time taken.
fn fuzz<S: Strategy>(name: &str, divisor: u32, strategy: S, test: impl Fn(S::Value)) {
    let config = cases(divisor);
    let mut runner = proptest::test_runner::TestRunner::new(config.clone());
    STATS.with(|s| s.set((0, 0, 0)));
    let start = std::time::Instant::now();
    if let Err(e) = runner.run(&strategy, |v| {
        test(v);
        Ok(())
    }) {
        panic!("{name}: {e}");
    }
    let (inputs, parsed, symbols) = STATS.with(|s| s.get());
    eprintln!(
        "{name}: {} cases in {:.1?}: {inputs} inputs checked, {parsed} parsed as images \
         ({symbols} functions found)",
        config.cases,
        start.elapsed()
    );
    assert!(inputs >= config.cases as usize);
}

#[test]
fn mutated_images_never_panic_or_read_outside() {
    let edits = (any::<usize>(), prop::collection::vec(edit(), 1..8));
    fuzz("mutated images", 1, edits, |(which, edits)| {
        let bases = bases();
        check(&apply(bases[which % bases.len()].clone(), &edits));
    });
}

#[test]
fn random_bytes_behind_a_real_header_never_panic() {
    let input = (any::<usize>(), 0usize..8192, 0usize..4096, any::<u64>());
    fuzz(
        "random bytes behind an image prefix",
        2,
        input,
        |(which, keep, len, seed)| {
            let bases = bases();
            let base = &bases[which % bases.len()];
            let mut bytes = base[..keep.min(base.len())].to_vec();
            bytes.extend(random_bytes(seed, len));
            check(&bytes);
        },
    );
}

#[test]
fn random_bytes_never_panic() {
    fuzz(
        "random bytes",
        2,
        (0usize..2048, any::<u64>()),
        |(len, seed)| {
            check(&random_bytes(seed, len).collect::<Vec<u8>>());
        },
    );
}

#[test]
fn the_unmutated_bases_parse() {
    for base in bases() {
        let (extent, seen) = exercise(base);
        assert_eq!(extent, Some(base.len()));
        assert!(!seen.is_empty());
    }
}
