//! The lock-free pool of vgetrandom states.
//!
//! States live in *blocks*: one page each, mapped with exactly the `mmap_prot` and `mmap_flags`
//! the vDSO asked for (`MAP_DROPPABLE | MAP_ANONYMOUS` today: the kernel may zero the page under
//! memory pressure and wipes it in a forked child). A block holds `per_block` states at a
//! `stride` of the state size rounded up to a cache line, so no state straddles a page and no
//! two states share a line. The bookkeeping never lives in those pages (they can be zeroed at
//! any moment): each block is described by a `(base, free)` pair of atomics in a *chunk* of
//! ordinary memory, `free` having one bit per state that is in the pool. The first chunk is a
//! static; further chunks (255 blocks each) are mapped on demand and linked, never freed.
//!
//! Taking a state is a compare-and-swap clearing one bit of a `free` word, returning it a
//! `fetch_or` setting it: no locks, no ABA problem (a bit is owned by whoever cleared it), safe
//! in signal handlers and across threads. Blocks are never unmapped, so an address taken from
//! the pool stays valid for the life of the process.

use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use super::Params;
use super::kernel;

/// Blocks described by one chunk: a chunk is one 4 KiB page of atomics.
const BLOCKS_PER_CHUNK: usize =
    (4096 - 2 * core::mem::size_of::<usize>()) / core::mem::size_of::<Block>();

const PROT_READ_WRITE: usize = (crate::uapi::PROT_READ | crate::uapi::PROT_WRITE) as usize;
const MAP_PRIVATE_ANONYMOUS: usize =
    (crate::uapi::MAP_PRIVATE | crate::uapi::MAP_ANONYMOUS) as usize;

/// One page of states.
pub(super) struct Block {
    /// The page's address; 0 while the block is claimed but not yet published.
    base: AtomicUsize,
    /// Bit `i` set: state `i` is in the pool.
    free: AtomicUsize,
}

impl Block {
    const fn new() -> Block {
        Block {
            base: AtomicUsize::new(0),
            free: AtomicUsize::new(0),
        }
    }

    fn try_take(&'static self, stride: usize) -> Option<Lease> {
        let base = self.base.load(Ordering::Acquire);
        if base == 0 {
            return None;
        }
        let mut free = self.free.load(Ordering::Relaxed);
        while free != 0 {
            let bit = free & free.wrapping_neg();
            // Acquire: whatever the last holder wrote to the state happens before our use.
            match self.free.compare_exchange_weak(
                free,
                free & !bit,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(Lease {
                        block: self,
                        bit,
                        state: base + bit.trailing_zeros() as usize * stride,
                    });
                }
                Err(now) => free = now,
            }
        }
        None
    }
}

/// A page of block descriptors, and the link to the next one.
#[repr(C)]
struct Chunk {
    next: AtomicPtr<Chunk>,
    /// Descriptors claimed so far (may overshoot `BLOCKS_PER_CHUNK` under races: clamp).
    used: AtomicUsize,
    blocks: [Block; BLOCKS_PER_CHUNK],
}

impl Chunk {
    const fn new() -> Chunk {
        Chunk {
            next: AtomicPtr::new(ptr::null_mut()),
            used: AtomicUsize::new(0),
            // An inline constant: `Block` is not `Copy`; each element is a fresh value.
            blocks: [const { Block::new() }; BLOCKS_PER_CHUNK],
        }
    }

    fn blocks(&'static self) -> &'static [Block] {
        let n = self.used.load(Ordering::Acquire).min(BLOCKS_PER_CHUNK);
        &self.blocks[..n]
    }

    fn next(&self) -> Option<&'static Chunk> {
        let next = self.next.load(Ordering::Acquire);
        // SAFETY: a non-null `next` is a zero-initialized (hence valid) `Chunk` in a private
        // anonymous mapping that is never unmapped, published with Release below.
        (!next.is_null()).then(|| unsafe { &*next })
    }
}

static FIRST: Chunk = Chunk::new();

/// Further growth attempts to skip after a failed `mmap` (memory or address-space
/// exhaustion, a sandbox refusing `MAP_DROPPABLE`): the calls in between take the system call
/// at once instead of failing an `mmap` first.
static SKIP_GROWTH: AtomicUsize = AtomicUsize::new(0);
const SKIP_AFTER_FAILURE: usize = 64;

/// A state taken from the pool: the caller has it to itself until [`put`].
pub(super) struct Lease {
    block: &'static Block,
    bit: usize,
    /// The state's address.
    pub(super) state: usize,
}

impl core::fmt::Debug for Lease {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Lease({:#x})", self.state)
    }
}

fn chunks() -> impl Iterator<Item = &'static Chunk> {
    core::iter::successors(Some(&FIRST), |c| c.next())
}

/// A free state, from the pool or a newly mapped block; `None` when no memory can be had.
pub(super) fn take(p: &Params) -> Option<Lease> {
    for chunk in chunks() {
        for block in chunk.blocks() {
            if let Some(lease) = block.try_take(p.stride) {
                return Some(lease);
            }
        }
    }
    grow(p)
}

/// Gives a state back to the pool.
pub(super) fn put(lease: Lease) {
    // Release: our writes to the state happen before the next holder's use.
    lease.block.free.fetch_or(lease.bit, Ordering::Release);
}

/// Gives back a state known only by its address (the thread cache's, at thread exit).
#[cfg(feature = "std")]
pub(super) fn put_address(state: usize, p: &Params) {
    let base = state & !(p.page - 1);
    for chunk in chunks() {
        for block in chunk.blocks() {
            if block.base.load(Ordering::Acquire) == base {
                let bit = 1usize << ((state - base) / p.stride);
                block.free.fetch_or(bit, Ordering::Release);
                return;
            }
        }
    }
}

/// Maps a new block, registers it, and returns its first state (taken).
#[cold]
fn grow(p: &Params) -> Option<Lease> {
    if SKIP_GROWTH
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
    {
        return None;
    }
    let fail = || {
        SKIP_GROWTH.store(SKIP_AFTER_FAILURE, Ordering::Relaxed);
        None
    };
    // SAFETY: a new anonymous mapping (fd -1, offset 0) at an address of the kernel's choice:
    // no existing memory is touched. Exactly the protection and flags the vDSO asked for.
    let base = match unsafe {
        kernel::mmap(0, p.page, p.prot as usize, p.flags as usize, usize::MAX, 0)
    } {
        // 0 could not be told from an unpublished block (never returned without MAP_FIXED).
        Ok(base) if base != 0 && base & (p.page - 1) == 0 => base,
        Ok(base) => {
            // SAFETY: the mapping was just made by us and nothing refers to it.
            let _ = unsafe { kernel::munmap(base, p.page) };
            return fail();
        }
        Err(_) => return fail(),
    };
    let mut chunk: &'static Chunk = &FIRST;
    loop {
        if chunk.used.load(Ordering::Relaxed) < BLOCKS_PER_CHUNK {
            let i = chunk.used.fetch_add(1, Ordering::AcqRel);
            if i < BLOCKS_PER_CHUNK {
                let block = &chunk.blocks[i];
                let all = if p.per_block == usize::BITS as usize {
                    usize::MAX
                } else {
                    (1usize << p.per_block) - 1
                };
                // State 0 is ours; the others go to the pool when the block is published.
                block.free.store(all & !1, Ordering::Relaxed);
                block.base.store(base, Ordering::Release);
                return Some(Lease {
                    block,
                    bit: 1,
                    state: base,
                });
            }
        }
        chunk = match chunk.next() {
            Some(next) => next,
            None => match new_chunk(chunk) {
                Some(next) => next,
                None => {
                    // SAFETY: as above: our own, unreferenced mapping.
                    let _ = unsafe { kernel::munmap(base, p.page) };
                    return fail();
                }
            },
        };
    }
}

/// Links a new chunk after `last` (or returns the one another thread linked first).
fn new_chunk(last: &'static Chunk) -> Option<&'static Chunk> {
    let size = core::mem::size_of::<Chunk>();
    // SAFETY: a new private anonymous mapping; nothing existing is touched.
    let new = unsafe {
        kernel::mmap(
            0,
            size,
            PROT_READ_WRITE,
            MAP_PRIVATE_ANONYMOUS,
            usize::MAX,
            0,
        )
    }
    .ok()? as *mut Chunk;
    // A zero-filled page is a valid empty `Chunk` (null link, zero counters and descriptors).
    match last
        .next
        .compare_exchange(ptr::null_mut(), new, Ordering::AcqRel, Ordering::Acquire)
    {
        Ok(_) => {
            // SAFETY: `new` is page-aligned, zero-filled, at least `size` bytes, never unmapped.
            Some(unsafe { &*new })
        }
        Err(winner) => {
            // SAFETY: our mapping lost the race and was never published.
            let _ = unsafe { kernel::munmap(new as usize, size) };
            // SAFETY: as in `Chunk::next`.
            Some(unsafe { &*winner })
        }
    }
}

/// What the pool holds now.
pub(super) fn census() -> (usize, usize, usize) {
    let (mut pages, mut free, mut chunks_mapped) = (0, 0, 0);
    for (i, chunk) in chunks().enumerate() {
        chunks_mapped += usize::from(i > 0);
        for block in chunk.blocks() {
            if block.base.load(Ordering::Acquire) != 0 {
                pages += 1;
                free += block.free.load(Ordering::Relaxed).count_ones() as usize;
            }
        }
    }
    (pages, free, chunks_mapped)
}

const _: () = assert!(core::mem::size_of::<Chunk>() <= 4096);
