//! The vDSO: the ELF image the kernel maps into every process, whose functions answer some
//! system calls (`clock_gettime`, `gettimeofday`, `time`, `getcpu`, …) without entering the kernel.
//!
//! The image is found through `AT_SYSINFO_EHDR`. Its extent is derived from its own program
//! headers (the end of the last `PT_LOAD` segment, at most [`MAX_IMAGE_SIZE`]) and checked to be
//! mapped (`mincore`) before it is read as a byte slice; from then on every read is a bounds-checked
//! slice access of [`Image`], which has no `unsafe` code. [`Image::parse`] checks the header
//! (`EI_CLASS`, `EI_DATA`, `EI_VERSION`, `e_type`, `e_machine`, `e_phentsize`) against the target
//! and bounds every table and walk (program headers, dynamic entries, symbols, hash chains,
//! version definitions, strings) by the image, with checked arithmetic throughout.
//!
//! Each [`VdsoFn`] resolves its symbol once and caches the address in an atomic: racing first
//! calls all compute the same answer. A missing image or symbol, or an image that fails a check,
//! gives `None`, and the generated stub then enters the kernel instead — the documented fallback.

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub use elf::{Image, Symbol, Symbols};

/// The largest vDSO image accepted, in bytes. The kernel's are two to four pages, qemu-user's
/// one; a header claiming more is treated as corrupt.
pub const MAX_IMAGE_SIZE: usize = 1 << 20;

/// The granule the image's mapping is checked in: the smallest page size of every supported
/// target. The image starts on a page, so on its first 4 KiB at least.
const MIN_PAGE: usize = 4096;

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

/// The vDSO image's base address, if the process has a usable one (see [`image_bytes`]).
pub fn image() -> Option<usize> {
    image_bytes().map(|bytes| bytes.as_ptr() as usize)
}

/// The vDSO image as bytes: from its ELF header to the end of its last `PT_LOAD` segment, as
/// its program headers give it. `None` when the process has no `AT_SYSINFO_EHDR`, or the
/// image is not page-aligned, larger than [`MAX_IMAGE_SIZE`], not mapped for its whole extent,
/// or its headers are not those of a vDSO for this target (the checks of [`Image::extent`]).
/// Resolved once per process.
pub fn image_bytes() -> Option<&'static [u8]> {
    if FORCED_ABSENT.load(Ordering::Relaxed) {
        return None;
    }
    mapped_image()
}

/// Looks up `name` of version `version` (empty: any version) in the vDSO: the address of the
/// function, which [`Image::lookup`] checked to lie in an executable segment of the image.
pub fn lookup(name: &[u8], version: &[u8]) -> Option<usize> {
    let bytes = image_bytes()?;
    let offset = Image::parse(bytes)?.lookup(name, version)?;
    // `offset < bytes.len()`, so this is an address inside the slice: no overflow.
    Some(bytes.as_ptr() as usize + offset)
}

/// Whether `addr` is the vDSO's `__kernel_vsyscall` (the only value `AT_SYSINFO` may have):
/// the auxiliary vector's check before the 32-bit x86 stubs call that address. Ignores
/// [`force_absent`], which is about the vDSO's time functions.
pub(crate) fn is_kernel_vsyscall(addr: usize) -> bool {
    let Some(bytes) = mapped_image() else {
        return false;
    };
    let Some(offset) = addr.checked_sub(bytes.as_ptr() as usize) else {
        return false;
    };
    Image::parse(bytes).and_then(|image| image.lookup(b"__kernel_vsyscall", b"")) == Some(offset)
}

/// The image as located: 0 = not yet, 1 = absent, else its base (`SIZE` then holds its size).
static BASE: AtomicUsize = AtomicUsize::new(0);
static SIZE: AtomicUsize = AtomicUsize::new(0);

fn mapped_image() -> Option<&'static [u8]> {
    let (base, size) = match BASE.load(Ordering::Acquire) {
        0 => {
            let found = locate();
            if let Some((base, size)) = found {
                SIZE.store(size, Ordering::Relaxed);
                // Release: a thread that sees this base sees the size stored before it. Racing
                // threads store the same pair.
                BASE.store(base, Ordering::Release);
            } else {
                BASE.store(1, Ordering::Release);
            }
            found?
        }
        1 => return None,
        base => (base, SIZE.load(Ordering::Relaxed)),
    };
    // SAFETY: `locate` checked that `base..base + size` is the mapped vDSO image: the kernel's
    // mapping of `AT_SYSINFO_EHDR` (from libc, `prctl(PR_GET_AUXV)` or a procfs-verified
    // `/proc/self/auxv`), whose pages `mincore` reported mapped. The kernel maps it readable
    // and never unmaps or writes it for the life of the process (only an `unsafe` `munmap` by
    // the program could).
    Some(unsafe { core::slice::from_raw_parts(base as *const u8, size) })
}

/// Finds the image: its base and its size according to its program headers.
fn locate() -> Option<(usize, usize)> {
    let base = crate::auxv::getauxval(crate::auxv::AT_SYSINFO_EHDR)?;
    // The initial stack's vector is the kernel's own: its vDSO address needs no `mincore`
    // (and a program that hands it over makes no system call for discovery).
    let trusted = crate::auxv::from_stack();
    if base % MIN_PAGE != 0
        || base.checked_add(MAX_IMAGE_SIZE).is_none()
        || (!trusted && !mapped(base, 1))
    {
        return None;
    }
    // SAFETY: `base` is page-aligned and its page is mapped (`mincore` above): the first
    // MIN_PAGE bytes are the vDSO's first page (see `mapped_image` for why it is readable).
    let head = unsafe { core::slice::from_raw_parts(base as *const u8, MIN_PAGE) };
    let size = Image::extent(head)?;
    if size > MAX_IMAGE_SIZE || (!trusted && !mapped(base, size.div_ceil(MIN_PAGE))) {
        return None;
    }
    Some((base, size))
}

/// Whether the `pages` pages of MIN_PAGE bytes from `base` are all mapped.
fn mapped(base: usize, pages: usize) -> bool {
    // One byte per page of the kernel's size (at least MIN_PAGE).
    let mut vec = [0u8; MAX_IMAGE_SIZE / MIN_PAGE];
    if pages > vec.len() {
        return false;
    }
    for _ in 0..3 {
        // SAFETY: the kernel writes one byte per page of `pages * MIN_PAGE` bytes, at most
        // `pages <= vec.len()` bytes, into `vec`, which we own; it only reads the page tables.
        match unsafe { crate::auxv::boot::mincore(base, pages * MIN_PAGE, vec.as_mut_ptr()) } {
            Ok(_) => return true,
            Err(crate::Errno::EAGAIN | crate::Errno::EINTR) => {}
            Err(_) => return false, // ENOMEM: a page is not mapped; anything else: unknown
        }
    }
    false
}

/// A bounds-checked reader of vDSO-like ELF images. No `unsafe` code: every read is a checked
/// slice access, every offset computed with checked arithmetic, every loop bounded by the image.
#[forbid(unsafe_code)]
pub(crate) mod elf {
    const W: usize = core::mem::size_of::<usize>();

    /// The ELF class of the target (`target_pointer_width`, so also x32's `ELFCLASS32`).
    #[cfg(target_pointer_width = "64")]
    const CLASS: u8 = 2;
    #[cfg(target_pointer_width = "32")]
    const CLASS: u8 = 1;
    /// `ELFDATA2LSB` / `ELFDATA2MSB`: the target's byte order, in which the fields are read.
    #[cfg(target_endian = "little")]
    const DATA: u8 = 1;
    #[cfg(target_endian = "big")]
    const DATA: u8 = 2;
    /// The target's `EM_*`.
    #[cfg(target_arch = "x86_64")]
    const MACHINE: u16 = 62; // EM_X86_64 (also x32)
    #[cfg(target_arch = "x86")]
    const MACHINE: u16 = 3; // EM_386
    #[cfg(target_arch = "aarch64")]
    const MACHINE: u16 = 183; // EM_AARCH64
    #[cfg(target_arch = "arm")]
    const MACHINE: u16 = 40; // EM_ARM
    #[cfg(any(target_arch = "riscv64", target_arch = "riscv32"))]
    const MACHINE: u16 = 243; // EM_RISCV
    #[cfg(not(any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "riscv64",
        target_arch = "riscv32"
    )))]
    const MACHINE: u16 = 0; // EM_NONE: no image matches on other targets

    const ET_DYN: u16 = 3;
    const EV_CURRENT: u32 = 1;
    const PT_LOAD: u32 = 1;
    const PT_DYNAMIC: u32 = 2;
    const PF_X: u32 = 1;
    const DT_NULL: usize = 0;
    const DT_HASH: usize = 4;
    const DT_STRTAB: usize = 5;
    const DT_SYMTAB: usize = 6;
    const DT_STRSZ: usize = 10;
    const DT_SYMENT: usize = 11;
    const DT_GNU_HASH: usize = 0x6fff_fef5;
    const DT_VERSYM: usize = 0x6fff_fff0;
    const DT_VERDEF: usize = 0x6fff_fffc;
    const DT_VERDEFNUM: usize = 0x6fff_fffd;
    const STT_NOTYPE: u8 = 0;
    const STT_FUNC: u8 = 2;
    const STB_GLOBAL: u8 = 1;
    const STB_WEAK: u8 = 2;
    const SHN_UNDEF: u16 = 0;
    const VER_DEF_CURRENT: u16 = 1;
    const VER_FLG_BASE: u16 = 1;

    /// Sizes and field offsets of the target's class (also the registry's, which reads the
    /// binary's own program headers).
    #[cfg(target_pointer_width = "64")]
    pub(crate) mod layout {
        pub const EHDR: usize = 64;
        pub const E_PHOFF: usize = 32;
        pub const E_PHENTSIZE: usize = 54;
        pub const E_PHNUM: usize = 56;
        pub const PHDR: usize = 56;
        pub const P_FLAGS: usize = 4;
        pub const P_OFFSET: usize = 8;
        pub const P_VADDR: usize = 16;
        pub const P_FILESZ: usize = 32;
        pub const P_MEMSZ: usize = 40;
        pub const SYM: usize = 24;
        pub const ST_INFO: usize = 4;
        pub const ST_SHNDX: usize = 6;
        pub const ST_VALUE: usize = 8;
    }
    #[cfg(target_pointer_width = "32")]
    pub(crate) mod layout {
        pub const EHDR: usize = 52;
        pub const E_PHOFF: usize = 28;
        pub const E_PHENTSIZE: usize = 42;
        pub const E_PHNUM: usize = 44;
        pub const PHDR: usize = 32;
        pub const P_FLAGS: usize = 24;
        pub const P_OFFSET: usize = 4;
        pub const P_VADDR: usize = 8;
        pub const P_FILESZ: usize = 16;
        pub const P_MEMSZ: usize = 20;
        pub const SYM: usize = 16;
        pub const ST_INFO: usize = 12;
        pub const ST_SHNDX: usize = 14;
        pub const ST_VALUE: usize = 4;
    }
    use layout::*;
    /// `Elf_Dyn`: tag and value, one word each.
    const DYN: usize = 2 * W;
    /// `Elf_Verdef` (the same in both classes).
    const VERDEF: usize = 20;
    /// `PT_LOAD` segments accepted (a vDSO has one).
    const MAX_LOADS: usize = 4;

    fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
        b.get(at..at.checked_add(N)?)?.try_into().ok()
    }
    fn u16_at(b: &[u8], at: usize) -> Option<u16> {
        array(b, at).map(u16::from_ne_bytes)
    }
    fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        array(b, at).map(u32::from_ne_bytes)
    }
    /// An `Elf_Addr`/`Elf_Off`/`Elf_Word`-sized field: the class's word, the target's `usize`.
    fn word_at(b: &[u8], at: usize) -> Option<usize> {
        array(b, at).map(usize::from_ne_bytes)
    }
    /// `at + index * size`, checked.
    fn entry(at: usize, index: usize, size: usize) -> Option<usize> {
        at.checked_add(index.checked_mul(size)?)
    }

    /// A `PT_LOAD` segment: where its bytes are in the image and where they are meant to be.
    #[derive(Clone, Copy, Debug, Default)]
    struct Load {
        offset: usize,
        vaddr: usize,
        filesz: usize,
        exec: bool,
    }

    /// What the program headers say: the loaded segments and the dynamic section.
    struct Headers {
        loads: [Load; MAX_LOADS],
        nloads: usize,
        /// File offset and size of `PT_DYNAMIC`.
        dynamic: Option<(usize, usize)>,
        /// The image's size: past the headers and the last byte of every `PT_LOAD`.
        extent: usize,
    }

    /// Checks the ELF header and reads the program headers, which must lie in `b`.
    fn headers(b: &[u8]) -> Option<Headers> {
        let ident: [u8; 16] = array(b, 0)?;
        if ident[..4] != *b"\x7fELF"
            || ident[4] != CLASS
            || ident[5] != DATA
            || u32::from(ident[6]) != EV_CURRENT
            || u16_at(b, 16)? != ET_DYN
            || u16_at(b, 18)? != MACHINE
            || u32_at(b, 20)? != EV_CURRENT
            || usize::from(u16_at(b, E_PHENTSIZE)?) != PHDR
        {
            return None;
        }
        let phoff = word_at(b, E_PHOFF)?;
        let phnum = usize::from(u16_at(b, E_PHNUM)?);
        // PN_XNUM (0xffff) would move the count to a section header: no vDSO does that.
        if phnum == 0 || phnum == 0xffff {
            return None;
        }
        let phend = entry(phoff, phnum, PHDR)?;
        if phoff < EHDR || phend > b.len() {
            return None;
        }
        let mut h = Headers {
            loads: [Load::default(); MAX_LOADS],
            nloads: 0,
            dynamic: None,
            extent: phend,
        };
        for i in 0..phnum {
            let ph = entry(phoff, i, PHDR)?;
            let kind = u32_at(b, ph)?;
            let flags = u32_at(b, ph + P_FLAGS)?;
            let offset = word_at(b, ph + P_OFFSET)?;
            let vaddr = word_at(b, ph + P_VADDR)?;
            let filesz = word_at(b, ph + P_FILESZ)?;
            let memsz = word_at(b, ph + P_MEMSZ)?;
            let end = offset.checked_add(filesz)?;
            match kind {
                PT_LOAD => {
                    if filesz > memsz || vaddr.checked_add(memsz).is_none() {
                        return None;
                    }
                    *h.loads.get_mut(h.nloads)? = Load {
                        offset,
                        vaddr,
                        filesz,
                        exec: flags & PF_X != 0,
                    };
                    h.nloads += 1;
                    h.extent = h.extent.max(end);
                }
                PT_DYNAMIC if h.dynamic.is_none() => h.dynamic = Some((offset, filesz)),
                _ => {}
            }
        }
        (h.nloads > 0).then_some(h)
    }

    /// A vDSO image checked against the target and parsed for its dynamic symbols, read from
    /// a byte slice: the live image ([`super::image_bytes`]) or any copy of one.
    ///
    /// Offsets it returns are into that slice; the live image is laid out as its file, so an
    /// offset added to the image's base is the address. Parsing and lookups never panic and
    /// never read outside the slice, whatever its contents.
    #[derive(Clone, Copy, Debug)]
    pub struct Image<'a> {
        bytes: &'a [u8],
        loads: [Load; MAX_LOADS],
        nloads: usize,
        /// Offset of `DT_SYMTAB`; `nsyms` entries all lie in the image.
        symtab: usize,
        nsyms: usize,
        /// `DT_STRTAB`, `DT_STRSZ` bytes long (else up to the end of its segment).
        strtab: &'a [u8],
        /// Offset of `DT_VERSYM` (one `u16` per symbol, all in the image) and of `DT_VERDEF`
        /// with the number of definitions at most walked; both or neither.
        versions: Option<(usize, usize, usize)>,
    }

    impl<'a> Image<'a> {
        /// The image's size according to its headers: the end of the furthest `PT_LOAD`
        /// segment or of the program headers, from a prefix of the image that holds the ELF
        /// and program headers. `None` when those headers are not a vDSO's for this target
        /// (class, byte order, version, `ET_DYN`, `e_machine`, `e_phentsize`, at most four
        /// `PT_LOAD` segments) or do not fit in `prefix`.
        pub fn extent(prefix: &[u8]) -> Option<usize> {
            headers(prefix).map(|h| h.extent)
        }

        /// Parses `bytes` as a vDSO image of this target: the checks of [`Image::extent`],
        /// every `PT_LOAD` segment inside `bytes`, a `PT_DYNAMIC` with `DT_SYMTAB` (of
        /// `DT_SYMENT`-sized entries), `DT_STRTAB` and `DT_HASH` or `DT_GNU_HASH` giving a
        /// symbol count whose table fits in a segment, and consistent version tables when
        /// present. `None` if any check fails.
        pub fn parse(bytes: &'a [u8]) -> Option<Image<'a>> {
            let h = headers(bytes)?;
            if h.extent > bytes.len() {
                return None;
            }
            let mut image = Image {
                bytes,
                loads: h.loads,
                nloads: h.nloads,
                symtab: 0,
                nsyms: 0,
                strtab: &[],
                versions: None,
            };
            let (dyn_off, dyn_size) = h.dynamic?;
            let dynamic = bytes.get(dyn_off..dyn_off.checked_add(dyn_size)?)?;
            let mut tags = [None::<usize>; 9];
            const KNOWN: [usize; 9] = [
                DT_HASH,
                DT_STRTAB,
                DT_SYMTAB,
                DT_STRSZ,
                DT_SYMENT,
                DT_GNU_HASH,
                DT_VERSYM,
                DT_VERDEF,
                DT_VERDEFNUM,
            ];
            for i in 0..dynamic.len() / DYN {
                let tag = word_at(dynamic, i * DYN)?;
                let val = word_at(dynamic, i * DYN + W)?;
                if tag == DT_NULL {
                    break;
                }
                if let Some(k) = KNOWN.iter().position(|&t| t == tag) {
                    tags[k].get_or_insert(val); // the first of each tag counts
                }
            }
            let [
                hash,
                strtab,
                symtab,
                strsz,
                syment,
                gnu_hash,
                versym,
                verdef,
                verdefnum,
            ] = tags;
            if syment.is_some_and(|s| s != SYM) {
                return None;
            }
            image.strtab = match strsz {
                Some(size) => image.region(strtab?, size)?,
                None => image.region_to_end(strtab?)?,
            };
            image.nsyms = match (hash, gnu_hash) {
                // DT_HASH is [nbucket, nchain, ...]; nchain is the symbol count.
                (Some(h), _) => u32_at(image.region(h, 8)?, 4)? as usize,
                (None, Some(g)) => gnu_hash_count(image.region_to_end(g)?)?,
                (None, None) => return None,
            };
            let symbols = image.region(symtab?, image.nsyms.checked_mul(SYM)?)?;
            image.symtab = image.offset_of(symbols);
            image.versions = match (versym, verdef) {
                (Some(vs), Some(vd)) => {
                    let table = image.region(vs, image.nsyms.checked_mul(2)?)?;
                    let defs = image.region_to_end(vd)?;
                    // At most DT_VERDEFNUM definitions, and never more than fit.
                    let count = verdefnum.unwrap_or(usize::MAX).min(defs.len() / VERDEF);
                    Some((image.offset_of(table), image.offset_of(defs), count))
                }
                (None, None) => None,
                _ => return None,
            };
            Some(image)
        }

        /// The offset in the image of `name` of version `version` (empty: any version; an
        /// image without version tables accepts any): the first global or weak function
        /// (or untyped) symbol of that name defined in an executable `PT_LOAD` segment.
        pub fn lookup(&self, name: &[u8], version: &[u8]) -> Option<usize> {
            let any_version = version.is_empty() || self.versions.is_none();
            self.symbols()
                .find(|s| s.name == name && (any_version || s.version == Some(version)))
                .map(|s| s.offset)
        }

        /// The functions the image defines, in symbol-table order, as [`Image::lookup`] sees
        /// them.
        pub fn symbols(&self) -> Symbols<'a> {
            Symbols {
                image: *self,
                next: 0,
            }
        }

        /// The symbol at index `i`, if it is a defined global or weak function (or untyped)
        /// whose value lies in an executable segment and whose name is in the string table.
        fn symbol(&self, i: usize) -> Option<Symbol<'a>> {
            let sym: [u8; SYM] = array(self.bytes, entry(self.symtab, i, SYM)?)?;
            let (kind, bind) = (sym[ST_INFO] & 0xf, sym[ST_INFO] >> 4);
            if !matches!(kind, STT_FUNC | STT_NOTYPE)
                || !matches!(bind, STB_GLOBAL | STB_WEAK)
                || u16_at(&sym, ST_SHNDX)? == SHN_UNDEF
            {
                return None;
            }
            Some(Symbol {
                name: self.string(u32_at(&sym, 0)?)?,
                version: self.version_of(i),
                offset: self.code_offset(word_at(&sym, ST_VALUE)?)?,
            })
        }

        /// The name of symbol `i`'s version: its `DT_VERSYM` index looked up in the
        /// `DT_VERDEF` chain, walked at most `DT_VERDEFNUM` (or as many as fit) steps. `None`
        /// without version tables, or for an index no definition names (0 local, 1 global).
        fn version_of(&self, i: usize) -> Option<&'a [u8]> {
            let (versym, mut at, count) = self.versions?;
            let index = u16_at(self.bytes, entry(versym, i, 2)?)? & 0x7fff; // bit 15: hidden
            for _ in 0..count {
                let def: [u8; VERDEF] = array(self.bytes, at)?;
                if u16_at(&def, 0)? != VER_DEF_CURRENT {
                    return None;
                }
                let (flags, ndx) = (u16_at(&def, 2)?, u16_at(&def, 4)?);
                if flags & VER_FLG_BASE == 0 && ndx & 0x7fff == index {
                    // The first Verdaux holds the version's name.
                    let aux = at.checked_add(u32_at(&def, 12)? as usize)?;
                    return self.string(u32_at(self.bytes, aux)?);
                }
                match u32_at(&def, 16)? {
                    0 => return None,
                    next => at = at.checked_add(next as usize)?,
                }
            }
            None
        }

        /// The NUL-terminated string at `offset` of the string table (without its NUL).
        fn string(&self, offset: u32) -> Option<&'a [u8]> {
            let rest = self.strtab.get(offset as usize..)?;
            rest.iter().position(|&c| c == 0).map(|end| &rest[..end])
        }

        /// The `len` bytes at virtual address `vaddr`, if they all lie in the file part of one
        /// `PT_LOAD` segment (which lies in the image).
        fn region(&self, vaddr: usize, len: usize) -> Option<&'a [u8]> {
            let rest = self.region_to_end(vaddr)?;
            rest.get(..len)
        }

        /// The bytes from virtual address `vaddr` to the end of the file part of its segment.
        fn region_to_end(&self, vaddr: usize) -> Option<&'a [u8]> {
            self.loads[..self.nloads].iter().find_map(|l| {
                let into = vaddr.checked_sub(l.vaddr).filter(|&d| d < l.filesz)?;
                let start = l.offset.checked_add(into)?;
                self.bytes.get(start..l.offset.checked_add(l.filesz)?)
            })
        }

        /// The image offset of code at `vaddr`: inside an executable segment's file part.
        fn code_offset(&self, vaddr: usize) -> Option<usize> {
            self.loads[..self.nloads].iter().find_map(|l| {
                let into = vaddr.checked_sub(l.vaddr).filter(|&d| d < l.filesz)?;
                l.exec.then_some(l.offset.checked_add(into)?)
            })
        }

        /// Where `part`, a subslice of the image, starts in it.
        fn offset_of(&self, part: &[u8]) -> usize {
            part.as_ptr() as usize - self.bytes.as_ptr() as usize
        }
    }

    /// The number of symbols a GNU hash table covers: the end of the chain of the highest
    /// bucket. `table` runs to the end of its segment and bounds every read and the walk.
    fn gnu_hash_count(table: &[u8]) -> Option<usize> {
        let nbuckets = u32_at(table, 0)? as usize;
        let symoffset = u32_at(table, 4)? as usize;
        let bloom_size = u32_at(table, 8)? as usize;
        let buckets = entry(16, bloom_size, W)?;
        let chains = entry(buckets, nbuckets, 4)?;
        if chains > table.len() {
            return None;
        }
        let mut last = 0;
        for b in 0..nbuckets {
            last = last.max(u32_at(table, buckets + b * 4)? as usize);
        }
        if last < symoffset {
            return Some(symoffset); // every bucket empty
        }
        // Walk the last bucket's chain to its end (low bit set); it cannot run past the table.
        loop {
            let h = u32_at(table, entry(chains, last - symoffset, 4)?)?;
            last = last.checked_add(1)?;
            if h & 1 == 1 {
                return Some(last);
            }
        }
    }

    /// A function of the image, as [`Image::symbols`] gives it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Symbol<'a> {
        /// The symbol's name.
        pub name: &'a [u8],
        /// Its version's name, when the image has version tables that name it.
        pub version: Option<&'a [u8]>,
        /// Its offset in the image (inside an executable segment).
        pub offset: usize,
    }

    /// The iterator of [`Image::symbols`].
    #[derive(Clone, Debug)]
    pub struct Symbols<'a> {
        image: Image<'a>,
        next: usize,
    }

    impl<'a> Iterator for Symbols<'a> {
        type Item = Symbol<'a>;

        fn next(&mut self) -> Option<Symbol<'a>> {
            while self.next < self.image.nsyms {
                let i = self.next;
                self.next += 1;
                if let Some(symbol) = self.image.symbol(i) {
                    return Some(symbol);
                }
            }
            None
        }
    }
}
