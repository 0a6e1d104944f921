//! The vDSO: the ELF image the kernel maps into every process, whose functions answer some
//! system calls (`clock_gettime`, `gettimeofday`, `time`, `getcpu`, …) without entering the kernel.
//!
//! The image is found through `AT_SYSINFO_EHDR` and its dynamic symbol table read in place
//! (`DT_SYMTAB`, `DT_STRTAB`, `DT_HASH` or `DT_GNU_HASH` for the count, `DT_VERSYM` and
//! `DT_VERDEF` for versions). Each [`VdsoFn`] resolves its symbol once and caches the address in
//! an atomic: racing first calls all compute the same answer. A missing image or symbol gives
//! `None`, and the generated stub then enters the kernel instead — the documented fallback.

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A vDSO function, resolved on first use.
pub struct VdsoFn {
    name: &'static [u8],
    version: &'static [u8],
    /// 0 = not resolved yet, 1 = absent, else the address.
    addr: AtomicUsize,
}

impl VdsoFn {
    /// A function named `name`, of version node `version` (both NUL-terminated).
    pub const fn new(name: &'static [u8], version: &'static [u8]) -> VdsoFn {
        VdsoFn {
            name,
            version,
            addr: AtomicUsize::new(0),
        }
    }

    /// The function's address, or `None` when the vDSO or the symbol is missing.
    #[inline(always)]
    pub fn get(&self) -> Option<usize> {
        match self.addr.load(Ordering::Relaxed) {
            0 => self.resolve(),
            1 => None,
            addr => Some(addr),
        }
    }

    #[cold]
    #[inline(never)]
    fn resolve(&self) -> Option<usize> {
        let addr = lookup(trim_nul(self.name), trim_nul(self.version)).filter(|&a| a > 1);
        self.addr.store(addr.unwrap_or(1), Ordering::Relaxed);
        addr
    }
}

fn trim_nul(s: &[u8]) -> &[u8] {
    s.strip_suffix(b"\0").unwrap_or(s)
}

static FORCED_ABSENT: AtomicBool = AtomicBool::new(false);

/// Makes every symbol not yet resolved look absent (`true`), as in a process without a vDSO.
/// For tests of the fallback; symbols already resolved keep their address.
#[doc(hidden)]
pub fn force_absent(absent: bool) {
    FORCED_ABSENT.store(absent, Ordering::Relaxed);
}

/// The vDSO image's base address, if the process has one.
pub fn image() -> Option<usize> {
    if FORCED_ABSENT.load(Ordering::Relaxed) {
        return None;
    }
    crate::auxv::getauxval(crate::auxv::AT_SYSINFO_EHDR)
}

/// Looks up `name` of version `version` (empty: any version) in the vDSO.
pub fn lookup(name: &[u8], version: &[u8]) -> Option<usize> {
    let base = image()?;
    // SAFETY: `base` is the vDSO image the kernel mapped (AT_SYSINFO_EHDR): readable for the
    // life of the process, a well-formed ELF object of the process's class. `Image::parse`
    // still checks the magic and class and bounds its walks by the counts the image gives.
    unsafe { Image::parse(base)?.find(name, version) }
}

#[cfg(target_pointer_width = "64")]
mod elf {
    pub const CLASS: u8 = 2; // ELFCLASS64
    #[repr(C)]
    pub struct Ehdr {
        pub ident: [u8; 16],
        pub kind: u16,
        pub machine: u16,
        pub version: u32,
        pub entry: u64,
        pub phoff: u64,
        pub shoff: u64,
        pub flags: u32,
        pub ehsize: u16,
        pub phentsize: u16,
        pub phnum: u16,
    }
    #[repr(C)]
    pub struct Phdr {
        pub kind: u32,
        pub flags: u32,
        pub offset: u64,
        pub vaddr: u64,
        pub paddr: u64,
        pub filesz: u64,
        pub memsz: u64,
        pub align: u64,
    }
    #[repr(C)]
    pub struct Sym {
        pub name: u32,
        pub info: u8,
        pub other: u8,
        pub shndx: u16,
        pub value: u64,
        pub size: u64,
    }
}

#[cfg(target_pointer_width = "32")]
mod elf {
    pub const CLASS: u8 = 1; // ELFCLASS32
    #[repr(C)]
    pub struct Ehdr {
        pub ident: [u8; 16],
        pub kind: u16,
        pub machine: u16,
        pub version: u32,
        pub entry: u32,
        pub phoff: u32,
        pub shoff: u32,
        pub flags: u32,
        pub ehsize: u16,
        pub phentsize: u16,
        pub phnum: u16,
    }
    #[repr(C)]
    pub struct Phdr {
        pub kind: u32,
        pub offset: u32,
        pub vaddr: u32,
        pub paddr: u32,
        pub filesz: u32,
        pub memsz: u32,
        pub flags: u32,
        pub align: u32,
    }
    #[repr(C)]
    pub struct Sym {
        pub name: u32,
        pub value: u32,
        pub size: u32,
        pub info: u8,
        pub other: u8,
        pub shndx: u16,
    }
}

#[repr(C)]
struct Verdef {
    version: u16,
    flags: u16,
    ndx: u16,
    cnt: u16,
    hash: u32,
    aux: u32,
    next: u32,
}

#[repr(C)]
struct Verdaux {
    name: u32,
    next: u32,
}

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const DT_NULL: usize = 0;
const DT_HASH: usize = 4;
const DT_STRTAB: usize = 5;
const DT_SYMTAB: usize = 6;
const DT_GNU_HASH: usize = 0x6fff_fef5;
const DT_VERSYM: usize = 0x6fff_fff0;
const DT_VERDEF: usize = 0x6fff_fffc;
const STT_FUNC: u8 = 2;
const STT_NOTYPE: u8 = 0;
const STB_GLOBAL: u8 = 1;
const STB_WEAK: u8 = 2;
const VER_FLG_BASE: u16 = 1;

/// The parts of the image a lookup needs, as addresses in this process.
struct Image {
    load_bias: usize,
    symtab: *const elf::Sym,
    strtab: *const u8,
    nsyms: usize,
    versym: Option<*const u16>,
    verdef: Option<*const Verdef>,
}

/// Reads a `T` at `addr`.
///
/// # Safety
/// `addr..addr + size_of::<T>()` must be readable.
unsafe fn read<T>(addr: usize) -> T {
    // SAFETY: the caller guarantees the bytes are readable; unaligned reads are allowed.
    unsafe { core::ptr::read_unaligned(addr as *const T) }
}

/// Compares the NUL-terminated string at `s` with `want`.
///
/// # Safety
/// `s` must point to a NUL-terminated string.
unsafe fn c_str_eq(s: *const u8, want: &[u8]) -> bool {
    for (i, &w) in want.iter().enumerate() {
        // SAFETY: the string is NUL-terminated and we stop at the first mismatch, so we never
        // read past its NUL.
        if unsafe { *s.add(i) } != w {
            return false;
        }
    }
    // SAFETY: every byte before index `want.len()` matched and was non-NUL.
    unsafe { *s.add(want.len()) == 0 }
}

impl Image {
    /// # Safety
    /// `base` must be the address of a mapped vDSO image.
    unsafe fn parse(base: usize) -> Option<Image> {
        // SAFETY: (for every read below) the image is mapped and its headers lie inside it.
        let ehdr: elf::Ehdr = unsafe { read(base) };
        if ehdr.ident[..4] != *b"\x7fELF" || ehdr.ident[4] != elf::CLASS {
            return None;
        }
        let mut load_bias = None;
        let mut dynamic = None;
        for i in 0..usize::from(ehdr.phnum) {
            let at = base + ehdr.phoff as usize + i * usize::from(ehdr.phentsize);
            // SAFETY: see above.
            let ph: elf::Phdr = unsafe { read(at) };
            match ph.kind {
                PT_LOAD if load_bias.is_none() => {
                    load_bias = Some(
                        base.wrapping_add(ph.offset as usize)
                            .wrapping_sub(ph.vaddr as usize),
                    );
                }
                PT_DYNAMIC => dynamic = Some(ph.vaddr as usize),
                _ => {}
            }
        }
        let load_bias = load_bias?;
        let mut dyn_at = dynamic?.wrapping_add(load_bias);
        let (mut symtab, mut strtab, mut hash, mut gnu_hash, mut versym, mut verdef) =
            (None, None, None, None, None, None);
        loop {
            // SAFETY: the dynamic section is in the image and ends with DT_NULL.
            let (tag, val): (usize, usize) =
                unsafe { (read(dyn_at), read(dyn_at + core::mem::size_of::<usize>())) };
            let addr = val.wrapping_add(load_bias);
            match tag {
                DT_NULL => break,
                DT_SYMTAB => symtab = Some(addr),
                DT_STRTAB => strtab = Some(addr),
                DT_HASH => hash = Some(addr),
                DT_GNU_HASH => gnu_hash = Some(addr),
                DT_VERSYM => versym = Some(addr as *const u16),
                DT_VERDEF => verdef = Some(addr as *const Verdef),
                _ => {}
            }
            dyn_at += 2 * core::mem::size_of::<usize>();
        }
        let nsyms = match (hash, gnu_hash) {
            // SAFETY: DT_HASH is [nbucket, nchain, ...]; nchain is the symbol count.
            (Some(h), _) => (unsafe { read::<u32>(h + 4) }) as usize,
            // SAFETY: the GNU hash table lies in the image.
            (None, Some(g)) => unsafe { gnu_hash_count(g) },
            (None, None) => return None,
        };
        Some(Image {
            load_bias,
            symtab: symtab? as *const elf::Sym,
            strtab: strtab? as *const u8,
            nsyms,
            versym,
            verdef,
        })
    }

    /// # Safety
    /// `self` must describe a mapped image (from [`Image::parse`]).
    unsafe fn find(&self, name: &[u8], version: &[u8]) -> Option<usize> {
        for i in 0..self.nsyms {
            // SAFETY: i < nsyms, the size of the symbol table.
            let sym: elf::Sym = unsafe { read(self.symtab.add(i) as usize) };
            let (kind, bind) = (sym.info & 0xf, sym.info >> 4);
            if !matches!(kind, STT_FUNC | STT_NOTYPE)
                || !matches!(bind, STB_GLOBAL | STB_WEAK)
                || sym.shndx == 0
            {
                continue;
            }
            // SAFETY: st_name is an offset into the NUL-terminated strings of DT_STRTAB.
            if !unsafe { c_str_eq(self.strtab.add(sym.name as usize), name) } {
                continue;
            }
            // SAFETY: versym has one entry per symbol.
            if !version.is_empty() && !unsafe { self.version_is(i, version) } {
                continue;
            }
            return Some((sym.value as usize).wrapping_add(self.load_bias));
        }
        None
    }

    /// Whether symbol `i` has version `version` (an image without versions accepts any).
    ///
    /// # Safety
    /// As [`Image::find`]; `i < nsyms`.
    unsafe fn version_is(&self, i: usize, version: &[u8]) -> bool {
        let (Some(versym), Some(mut def)) = (self.versym, self.verdef) else {
            return true;
        };
        // SAFETY: one versym entry per symbol.
        let index = unsafe { *versym.add(i) } & 0x7fff;
        loop {
            // SAFETY: the verdef chain lies in the image; `next == 0` ends it.
            let d: Verdef = unsafe { read(def as usize) };
            if d.flags & VER_FLG_BASE == 0 && d.ndx == index {
                // SAFETY: the first verdaux holds the version's name.
                let aux: Verdaux = unsafe { read(def as usize + d.aux as usize) };
                // SAFETY: vda_name is an offset into DT_STRTAB.
                return unsafe { c_str_eq(self.strtab.add(aux.name as usize), version) };
            }
            if d.next == 0 {
                return false;
            }
            def = (def as usize + d.next as usize) as *const Verdef;
        }
    }
}

/// The number of symbols covered by a GNU hash table: past the last chain's end.
///
/// # Safety
/// `table` must point to a GNU hash table (`nbuckets, symoffset, bloom_size, bloom_shift`,
/// bloom words, buckets, chains).
unsafe fn gnu_hash_count(table: usize) -> usize {
    // SAFETY: (for every read) the caller's guarantee.
    let (nbuckets, symoffset, bloom_size) = unsafe {
        (
            read::<u32>(table) as usize,
            read::<u32>(table + 4) as usize,
            read::<u32>(table + 8) as usize,
        )
    };
    let buckets = table + 16 + bloom_size * core::mem::size_of::<usize>();
    let chains = buckets + nbuckets * 4;
    let mut last = 0;
    for b in 0..nbuckets {
        // SAFETY: b < nbuckets.
        last = last.max(unsafe { read::<u32>(buckets + b * 4) } as usize);
    }
    if last < symoffset {
        return symoffset;
    }
    // Walk the last bucket's chain to its end (low bit set).
    loop {
        // SAFETY: chain entries exist for every symbol from symoffset on.
        let h = unsafe { read::<u32>(chains + (last - symoffset) * 4) };
        last += 1;
        if h & 1 == 1 {
            return last;
        }
    }
}
