//! `getrandom` through the vDSO (`__vdso_getrandom` on x86_64 and riscv64, `__kernel_getrandom`
//! on arm64): the vgetrandom ABI of the kernel's `lib/vdso/getrandom.c`, with the opaque
//! per-call state it needs managed here, without libc, locks or (with `std` off) TLS.
//!
//! # The contract this follows
//!
//! The vDSO function is `ssize_t f(void *buf, size_t len, unsigned int flags, void
//! *opaque_state, size_t opaque_len)`. Called once with `(NULL, 0, 0, &params, ~0UL)` it fills a
//! `struct vgetrandom_opaque_params` (state size, `mmap_prot`, `mmap_flags`) and returns 0; any
//! other answer means "do not use me" and every call then takes the system call. States are
//! mapped with exactly that protection and those flags (today `PROT_READ | PROT_WRITE` and
//! `MAP_DROPPABLE | MAP_ANONYMOUS`: the kernel may zero the pages under memory pressure, and a
//! forked child gets them zeroed), never straddle a page, and are passed with exactly that
//! `opaque_len`. A state must never be used by two threads at once; the function itself copes
//! with a zeroed state (it reseeds), with the kernel's RNG not being ready, with flags it does not
//! know and with a nested call on the same state (it then makes the system call, which never
//! touches the state). Everything it declines it answers by making the `getrandom` system call
//! itself, so its result is always the system call's contract — with one documented
//! exception: `GRND_RANDOM | GRND_INSECURE` together, which the system call refuses with
//! `EINVAL`, is served by the vDSO (it checks only for unknown bits).
//!
//! # Where a call gets its state
//!
//! * **The pool**: pages of states, one bit per state in a `free` word of ordinary
//!   memory. A call takes a state with one compare-and-swap and returns it with one `fetch_or`:
//!   lock-free, safe from any thread however it was created (`clone`, pthread, std) and from
//!   signal handlers, since every call owns its state for exactly its own duration. Without the
//!   `std` feature this is the whole design.
//! * **The thread cache** (`std` only): a thread-local word holding the thread's own state. The
//!   first call of a thread takes a state from the pool and keeps it there; later calls *take* it
//!   out of the word for their duration (a plain load and a store of "taken", ordered with
//!   signal fences: atomic with respect to signal handlers, which run to completion on the same
//!   thread) and put it back after. A signal handler that interrupts a call finds the word
//!   "taken" and uses a pool state of its own, so the two never share one. The state goes back
//!   to the pool when the thread exits (a thread-local destructor). The steady state is two
//!   plain memory accesses and no atomic read-modify-write: within noise of calling the vDSO
//!   function directly with a state allocated beforehand.
//!
//!   Registering that destructor allocates (std and glibc's `__cxa_thread_atexit_impl`), which
//!   is not async-signal-safe, so a thread's first call registers it only when the thread's
//!   signal mask is empty (one `rt_sigprocmask` per thread): inside a signal handler the signal
//!   being handled is blocked. Otherwise the call uses the pool, and the thread tries again 64
//!   calls later; a thread that always runs with signals blocked therefore uses the pool.
//!
//! The thread cache assumes what std itself assumes: each thread has its own thread-local
//! storage. A thread made with a raw `clone` that shares its creator's TLS (no `CLONE_SETTLS`)
//! is not a valid std thread (std's own locks and `thread_local!` would be shared too); build
//! with `default-features = false` for such programs, where only the pool is used.
//!
//! # Memory
//!
//! One state is 144 bytes on Linux 6.11–6.18, laid out at a 192-byte stride (a cache-line
//! multiple: no false sharing between threads), 21 to a 4 KiB page. Pages are mapped one at a
//! time as needed and kept for the life of the process (re-used, never unmapped). Each thread that
//! calls `getrandom` holds one state while it lives (`std`), or one for the duration of each call
//! (without `std`; a signal handler interrupting a call holds a second one meanwhile). So a
//! single-threaded program maps one page (4 KiB of droppable memory, no other allocation); N
//! threads map `ceil(N / 21)` pages. Block descriptors take 16 bytes each in a static 4 KiB
//! table (255 pages, 5,355 states), then in further 4 KiB pages linked on demand. [`stats`]
//! reports the current figures.
//!
//! # Failure behaviour
//!
//! Every failure ends in the system call, never in a panic or an error that the system call
//! would not give: no vDSO image or no vgetrandom symbol (kernels before 6.11, qemu-user,
//! [`crate::vdso::force_absent`]), a params query that fails, a state size that does not fit a
//! page, an `mmap` that fails (memory exhausted, a sandbox refusing `MAP_DROPPABLE`: further
//! growth is then tried again only every 64th call that needs it). A fork leaves the states of
//! the parent's other threads taken in the child (a bounded leak; the child's copies are zeroed
//! by the kernel, so its streams never repeat the parent's). A signal handler that leaves a call
//! with `longjmp` leaves that thread's cached state taken: the thread then uses the pool.

mod kernel;
mod pool;

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering, compiler_fence};

use crate::__private::Register;
use crate::vdso::VdsoFn;

/// `AT_PAGESZ`: the page size the kernel (and so the vDSO's page check) uses.
const AT_PAGESZ: usize = 6;
/// States are laid out at a multiple of this (a cache line on the supported CPUs).
const LINE: usize = 64;

impl VdsoFn {
    /// `getrandom(buf, len, flags)` through the vDSO when the process has it and a state is
    /// available, else `fallback` (the kernel entry). The result is the raw `-errno`-or-count
    /// value of the system call, in `R`.
    ///
    /// # Safety
    /// `self` must be the vDSO's vgetrandom symbol, `fallback` the `getrandom` system call with
    /// these arguments, and `buf` valid for `len` bytes of writes (the vDSO writes the buffer
    /// itself: an invalid one faults instead of giving `EFAULT`).
    #[inline(always)]
    pub unsafe fn getrandom<R: Register>(
        &self,
        buf: R,
        len: R,
        flags: R,
        fallback: impl FnOnce() -> R,
    ) -> R {
        let Some(entry) = self.get() else {
            return fallback();
        };
        // SAFETY: the caller's guarantees, forwarded.
        unsafe { call(entry, buf, len, flags, fallback) }
    }
}

/// The vDSO function with a state.
///
/// # Safety
/// `entry` is the vgetrandom function, `state` a state of [`PARAMS`]' size that nobody else
/// uses until this returns, `buf` valid for `len` bytes of writes.
#[inline(always)]
unsafe fn vdso_call<R: Register>(entry: usize, buf: R, len: R, flags: R, state: usize) -> R {
    // SAFETY: `entry` is the vDSO's `ssize_t (void *, size_t, unsigned int, void *, size_t)`;
    // `R` is the register width, which is that of `void *`, `size_t` and `ssize_t` (the
    // expansion extends `flags` as the C ABI wants an `unsigned int`).
    let f: unsafe extern "C" fn(R, R, R, usize, usize) -> R =
        unsafe { core::mem::transmute::<usize, _>(entry) };
    let opaque_len = PARAMS.size.load(Ordering::Relaxed);
    // SAFETY: the caller's guarantees; `opaque_len` is the size the vDSO gave.
    unsafe { f(buf, len, flags, state, opaque_len) }
}

/// One call with a state of its own from the pool, returned afterwards. `None`: no state.
///
/// # Safety
/// As [`VdsoFn::getrandom`], with `entry` its resolved address.
#[inline(never)]
unsafe fn call_with_pool_state<R: Register>(entry: usize, buf: R, len: R, flags: R) -> Option<R> {
    let p = params(entry)?;
    let lease = pool::take(&p)?;
    compiler_fence(Ordering::SeqCst);
    // SAFETY: the lease is ours alone until `put`.
    let ret = unsafe { vdso_call(entry, buf, len, flags, lease.state) };
    compiler_fence(Ordering::SeqCst);
    pool::put(lease);
    Some(ret)
}

/// Without `std`: every call takes a pool state.
///
/// # Safety
/// As [`VdsoFn::getrandom`], with `entry` its resolved address.
#[cfg(not(feature = "std"))]
#[inline(always)]
unsafe fn call<R: Register>(
    entry: usize,
    buf: R,
    len: R,
    flags: R,
    fallback: impl FnOnce() -> R,
) -> R {
    // SAFETY: forwarded.
    match unsafe { call_with_pool_state(entry, buf, len, flags) } {
        Some(ret) => ret,
        None => fallback(),
    }
}

#[cfg(feature = "std")]
use cache::call;

// ------------------------------------------------------------------------ params

/// What the vDSO asked for, learned once: `ready` is 0 (not asked yet), 1 (usable) or 2
/// (unusable: every call takes the system call). Racing first calls store the same values.
struct ParamsCell {
    ready: AtomicU32,
    size: AtomicUsize,
    prot: AtomicU32,
    flags: AtomicU32,
    page: AtomicUsize,
}

static PARAMS: ParamsCell = ParamsCell {
    ready: AtomicU32::new(0),
    size: AtomicUsize::new(0),
    prot: AtomicU32::new(0),
    flags: AtomicU32::new(0),
    page: AtomicUsize::new(0),
};

/// The state layout and mapping parameters.
#[derive(Clone, Copy, Debug)]
struct Params {
    prot: u32,
    flags: u32,
    page: usize,
    stride: usize,
    per_block: usize,
}

impl Params {
    fn new(size: usize, prot: u32, flags: u32, page: usize) -> Option<Params> {
        let stride = size.checked_add(LINE - 1)? & !(LINE - 1);
        let per_block = (page / stride).min(usize::BITS as usize);
        (size != 0 && page.is_power_of_two() && per_block > 0).then_some(Params {
            prot,
            flags,
            page,
            stride,
            per_block,
        })
    }
}

/// The parameters, asking the vDSO function at `entry` on first use.
#[inline]
fn params(entry: usize) -> Option<Params> {
    match PARAMS.ready.load(Ordering::Acquire) {
        0 => query_params(entry),
        _ => known_params(),
    }
}

/// The parameters if they were learned and are usable.
fn known_params() -> Option<Params> {
    if PARAMS.ready.load(Ordering::Acquire) != 1 {
        return None;
    }
    Params::new(
        PARAMS.size.load(Ordering::Relaxed),
        PARAMS.prot.load(Ordering::Relaxed),
        PARAMS.flags.load(Ordering::Relaxed),
        PARAMS.page.load(Ordering::Relaxed),
    )
}

#[cold]
#[inline(never)]
fn query_params(entry: usize) -> Option<Params> {
    let mut raw = crate::uapi::vgetrandom_opaque_params {
        size_of_opaque_state: 0,
        mmap_prot: 0,
        mmap_flags: 0,
        reserved: [0; 13],
    };
    // SAFETY: the params query of lib/vdso/getrandom.c: NULL buffer, zero length and flags,
    // `opaque_len == ~0UL`; it writes one `vgetrandom_opaque_params` through `opaque_state`.
    let f: unsafe extern "C" fn(
        usize,
        usize,
        u32,
        *mut crate::uapi::vgetrandom_opaque_params,
        usize,
    ) -> isize = unsafe { core::mem::transmute::<usize, _>(entry) };
    // SAFETY: as above; `raw` is writable and lives across the call.
    let ret = unsafe { f(0, 0, 0, &mut raw, usize::MAX) };
    let page = crate::auxv::getauxval(AT_PAGESZ).unwrap_or(4096);
    let params = (ret == 0)
        .then(|| {
            Params::new(
                raw.size_of_opaque_state as usize,
                raw.mmap_prot,
                raw.mmap_flags,
                page,
            )
        })
        .flatten();
    match params {
        Some(_) => {
            PARAMS
                .size
                .store(raw.size_of_opaque_state as usize, Ordering::Relaxed);
            PARAMS.prot.store(raw.mmap_prot, Ordering::Relaxed);
            PARAMS.flags.store(raw.mmap_flags, Ordering::Relaxed);
            PARAMS.page.store(page, Ordering::Relaxed);
            PARAMS.ready.store(1, Ordering::Release);
        }
        None => PARAMS.ready.store(2, Ordering::Release),
    }
    params
}

// ------------------------------------------------------------------------ introspection

/// What the vgetrandom state allocator holds now (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// The state size the vDSO asked for; 0 before the first call or without a usable vDSO.
    pub state_size: usize,
    /// Distance between states (the size rounded up to a cache line).
    pub state_stride: usize,
    /// The page size; each page mapped holds `states_per_page` states.
    pub page_size: usize,
    /// States that fit a page.
    pub states_per_page: usize,
    /// Pages of states mapped (droppable memory: `pages * page_size` bytes).
    pub pages: usize,
    /// States in the pool, free to take (the others are held by threads or calls).
    pub free_states: usize,
    /// Extra pages of block descriptors mapped beyond the static first one.
    pub descriptor_pages: usize,
}

/// The allocator's figures now: memory mapped, states held and free.
pub fn stats() -> Stats {
    let (pages, free_states, descriptor_pages) = pool::census();
    let layout = known_params();
    Stats {
        state_size: layout.map_or(0, |_| PARAMS.size.load(Ordering::Relaxed)),
        state_stride: layout.map_or(0, |p| p.stride),
        page_size: layout.map_or(0, |p| p.page),
        states_per_page: layout.map_or(0, |p| p.per_block),
        pages,
        free_states,
        descriptor_pages,
    }
}

static THREAD_CACHE: AtomicBool = AtomicBool::new(true);
/// Calls that found their thread's cached state taken or absent and used a pool state.
static POOL_CALLS: AtomicUsize = AtomicUsize::new(0);

/// How many calls (`std`: of threads with the cache on) found the thread's cached state taken
/// — a signal handler interrupting a call — or not there yet, and used a pool state instead.
/// For tests.
#[doc(hidden)]
pub fn pool_calls() -> usize {
    POOL_CALLS.load(Ordering::Relaxed)
}

/// Turns the thread cache off (`false`) for threads that have not cached a state yet: their
/// calls then take a pool state per call, as without the `std` feature. For tests.
#[doc(hidden)]
pub fn set_thread_cache(enabled: bool) {
    THREAD_CACHE.store(enabled, Ordering::Relaxed);
}

// ------------------------------------------------------------------------ the thread cache

#[cfg(feature = "std")]
mod cache {
    use core::sync::atomic::{AtomicUsize, Ordering, compiler_fence};

    use super::{Register, kernel, pool};

    /// The word's values below a page are tags, not states (states are page-aligned blocks
    /// plus an offset, never in the first page).
    const EMPTY: usize = 0;
    /// A call of this thread has the state (or is populating the word).
    const TAKEN: usize = 1;
    /// The thread is exiting: its state went back to the pool.
    const RELEASED: usize = 2;
    /// `COUNTDOWN_LAST..=COUNTDOWN_FIRST`: the first call found signals blocked; pool calls
    /// until the count runs out, then the word is `EMPTY` again and the next call re-checks.
    const COUNTDOWN_LAST: usize = 3;
    const COUNTDOWN_FIRST: usize = COUNTDOWN_LAST + 63;
    const LAST_TAG: usize = 4095;

    std::thread_local! {
        /// This thread's state, or a tag. No destructor: accessing it never registers one,
        /// and it stays accessible while other thread-locals are destroyed.
        static CACHE: AtomicUsize = const { AtomicUsize::new(EMPTY) };
        /// Registered (by its first access) once the thread caches a state; its destructor
        /// gives the state back.
        static RELEASE: Release = const { Release };
    }

    struct Release;

    impl Drop for Release {
        fn drop(&mut self) {
            let state = CACHE.with(|cell| cell.swap(RELEASED, Ordering::Relaxed));
            if state > LAST_TAG {
                if let Some(p) = super::known_params() {
                    pool::put_address(state, &p);
                }
            }
        }
    }

    /// The steady state: this thread's cached state, taken out of the word for the call.
    ///
    /// # Safety
    /// As [`super::VdsoFn::getrandom`], with `entry` its resolved address.
    #[inline(always)]
    pub(super) unsafe fn call<R: Register>(
        entry: usize,
        buf: R,
        len: R,
        flags: R,
        fallback: impl FnOnce() -> R,
    ) -> R {
        let state = CACHE.with(|cell| cell.load(Ordering::Relaxed));
        if state <= LAST_TAG {
            // SAFETY: forwarded.
            return match unsafe { cold(entry, buf, len, flags) } {
                Some(ret) => ret,
                None => fallback(),
            };
        }
        // A signal handler running between the load and this store takes and returns the
        // state itself, to completion, before we continue; one running after it finds TAKEN
        // and uses a pool state.
        CACHE.with(|cell| cell.store(TAKEN, Ordering::Relaxed));
        compiler_fence(Ordering::SeqCst);
        // SAFETY: the state is out of the word: no other call can have it until we put it
        // back; the caller's guarantees for the rest.
        let ret = unsafe { super::vdso_call(entry, buf, len, flags, state) };
        compiler_fence(Ordering::SeqCst);
        CACHE.with(|cell| cell.store(state, Ordering::Relaxed));
        ret
    }

    /// Everything but the steady state: the thread's first call, a call interrupted by a
    /// signal handler (the handler's call comes here), the exiting thread, the countdown.
    /// `None`: no state to be had, the caller makes the system call.
    ///
    /// # Safety
    /// As [`call`].
    #[cold]
    #[inline(never)]
    unsafe fn cold<R: Register>(entry: usize, buf: R, len: R, flags: R) -> Option<R> {
        CACHE.with(|cell| {
            let word = cell.load(Ordering::Relaxed);
            if word == EMPTY && super::THREAD_CACHE.load(Ordering::Relaxed) {
                // The read-modify-write makes the word ours also against a signal handler
                // that interrupted the caller's load (cold path: its cost does not matter).
                if cell
                    .compare_exchange(EMPTY, TAKEN, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
                {
                    // SAFETY: forwarded; the word is TAKEN.
                    return unsafe { populate(cell, entry, buf, len, flags) };
                }
            } else if (COUNTDOWN_LAST..=COUNTDOWN_FIRST).contains(&word) {
                let next = if word == COUNTDOWN_LAST {
                    EMPTY
                } else {
                    word - 1
                };
                let _ = cell.compare_exchange(word, next, Ordering::Relaxed, Ordering::Relaxed);
            }
            super::POOL_CALLS.fetch_add(1, Ordering::Relaxed);
            // SAFETY: forwarded.
            unsafe { super::call_with_pool_state(entry, buf, len, flags) }
        })
    }

    /// The thread's first call: take a state, and keep it when the thread-exit destructor can
    /// be registered safely.
    ///
    /// # Safety
    /// As [`call`]; the word is TAKEN, by us.
    unsafe fn populate<R: Register>(
        cell: &AtomicUsize,
        entry: usize,
        buf: R,
        len: R,
        flags: R,
    ) -> Option<R> {
        let Some(lease) = super::params(entry).and_then(|p| pool::take(&p)) else {
            cell.store(EMPTY, Ordering::Relaxed);
            return None;
        };
        let keep = signals_unblocked() && RELEASE.try_with(|_| ()).is_ok();
        compiler_fence(Ordering::SeqCst);
        // SAFETY: the lease is ours alone; the word says TAKEN meanwhile.
        let ret = unsafe { super::vdso_call(entry, buf, len, flags, lease.state) };
        compiler_fence(Ordering::SeqCst);
        if keep {
            cell.store(lease.state, Ordering::Relaxed);
        } else {
            pool::put(lease);
            cell.store(COUNTDOWN_FIRST, Ordering::Relaxed);
        }
        Some(ret)
    }

    /// Whether no signal is blocked in this thread: then this is not a signal handler (the
    /// kernel blocks the handled signal during its handler, unless `SA_NODEFER`), and
    /// allocating (destructor registration) cannot deadlock with interrupted code.
    fn signals_unblocked() -> bool {
        // SAFETY: `kernel_sigset_t` is an array of integers: all-zero is a valid value.
        let mut old: crate::uapi::kernel_sigset_t = unsafe { core::mem::zeroed() };
        let how = crate::uapi::SIG_BLOCK as i32;
        let size = core::mem::size_of::<crate::uapi::kernel_sigset_t>();
        // SAFETY: a NULL set changes nothing; the kernel writes `size` bytes to `old`.
        let ret = unsafe { kernel::rt_sigprocmask(how, core::ptr::null(), &mut old, size) };
        ret.is_ok() && old.sig.iter().all(|&w| w == 0)
    }
}
