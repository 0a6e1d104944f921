//! A builder of small vDSO-like ELF images for the target (its class, byte order and
//! `e_machine`): one `PT_LOAD` segment, a `PT_DYNAMIC` and an empty `PT_NOTE` (for tests to
//! turn into another segment), a dynamic symbol table, strings, SysV and/or GNU hash tables and version tables, laid out like the kernel's vDSO (virtual
//! address = file offset). Tests corrupt them field by field; the layout says where each is.

#![allow(dead_code)] // each test binary uses part of it

pub const W: usize = std::mem::size_of::<usize>();
pub const EHDR: usize = if W == 8 { 64 } else { 52 };
pub const PHDR: usize = if W == 8 { 56 } else { 32 };
pub const SYM: usize = if W == 8 { 24 } else { 16 };
pub const DYN: usize = 2 * W;
pub const VERDEF: usize = 20;
pub const VERDAUX: usize = 8;
/// Program headers: PT_LOAD, PT_DYNAMIC, PT_NOTE.
pub const PHNUM: usize = 3;

pub const MACHINE: u16 = if cfg!(target_arch = "x86_64") {
    62
} else if cfg!(target_arch = "x86") {
    3
} else if cfg!(target_arch = "aarch64") {
    183
} else if cfg!(target_arch = "arm") {
    40
} else {
    243 // riscv
};

pub const DT_NULL: usize = 0;
pub const DT_HASH: usize = 4;
pub const DT_STRTAB: usize = 5;
pub const DT_SYMTAB: usize = 6;
pub const DT_STRSZ: usize = 10;
pub const DT_SYMENT: usize = 11;
pub const DT_GNU_HASH: usize = 0x6fff_fef5;
pub const DT_VERSYM: usize = 0x6fff_fff0;
pub const DT_VERDEF: usize = 0x6fff_fffc;
pub const DT_VERDEFNUM: usize = 0x6fff_fffd;

/// Which hash tables the image has (they give the symbol count).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sysv,
    Gnu,
    Both,
}

/// Where the builder put each part (file offsets, which are also virtual addresses).
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub phoff: usize,
    pub symtab: usize,
    pub strtab: usize,
    pub strsz: usize,
    pub hash: Option<usize>,
    pub gnu_hash: Option<usize>,
    pub versym: Option<usize>,
    pub verdef: Option<usize>,
    pub dynamic: usize,
    pub text: usize,
    /// The dynamic entries in order: (tag, offset of the entry).
    pub dyn_entries: Vec<(usize, usize)>,
}

/// A built image and what a correct lookup must find in it.
pub struct Built {
    pub bytes: Vec<u8>,
    pub layout: Layout,
    /// (name, version, offset of the function).
    pub symbols: Vec<(Vec<u8>, Option<Vec<u8>>, usize)>,
}

fn put(b: &mut [u8], at: usize, v: &[u8]) {
    b[at..at + v.len()].copy_from_slice(v);
}
pub fn put16(b: &mut [u8], at: usize, v: u16) {
    put(b, at, &v.to_ne_bytes());
}
pub fn put32(b: &mut [u8], at: usize, v: u32) {
    put(b, at, &v.to_ne_bytes());
}
pub fn putw(b: &mut [u8], at: usize, v: usize) {
    put(b, at, &v.to_ne_bytes());
}
pub fn get32(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().unwrap())
}
pub fn getw(b: &[u8], at: usize) -> usize {
    usize::from_ne_bytes(b[at..at + W].try_into().unwrap())
}

fn align(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

fn gnu_hash(name: &[u8]) -> u32 {
    name.iter().fold(5381u32, |h, &c| {
        h.wrapping_mul(33).wrapping_add(u32::from(c))
    })
}

fn elf_hash(name: &[u8]) -> u32 {
    let mut h = 0u32;
    for &c in name {
        h = (h << 4).wrapping_add(u32::from(c));
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
        }
        h &= !g;
    }
    h
}

/// Offsets of the fields of a program header (target class).
pub fn ph_field(field: &str) -> usize {
    match (W, field) {
        (8, "type") => 0,
        (8, "flags") => 4,
        (8, "offset") => 8,
        (8, "vaddr") => 16,
        (8, "filesz") => 32,
        (8, "memsz") => 40,
        (4, "type") => 0,
        (4, "offset") => 4,
        (4, "vaddr") => 8,
        (4, "filesz") => 16,
        (4, "memsz") => 20,
        (4, "flags") => 24,
        _ => unreachable!("{field}"),
    }
}

/// Offsets of the fields of the ELF header (target class).
pub fn eh_field(field: &str) -> usize {
    match (W, field) {
        (_, "class") => 4,
        (_, "data") => 5,
        (_, "ident_version") => 6,
        (_, "type") => 16,
        (_, "machine") => 18,
        (_, "version") => 20,
        (8, "phoff") => 32,
        (8, "phentsize") => 54,
        (8, "phnum") => 56,
        (4, "phoff") => 28,
        (4, "phentsize") => 42,
        (4, "phnum") => 44,
        _ => unreachable!("{field}"),
    }
}

/// Offsets of the fields of a symbol (target class).
pub fn sym_field(field: &str) -> usize {
    match (W, field) {
        (_, "name") => 0,
        (8, "info") => 4,
        (8, "shndx") => 6,
        (8, "value") => 8,
        (4, "value") => 4,
        (4, "info") => 12,
        (4, "shndx") => 14,
        _ => unreachable!("{field}"),
    }
}

/// Builds an image defining `syms` (name, version), with the given hash tables and, if
/// `versions`, version tables (a base definition named after the image, then one per version).
pub fn build(syms: &[(&str, &str)], hash: Hash, versions: bool) -> Built {
    let n = syms.len() + 1; // with the null symbol
    let mut l = Layout {
        phoff: EHDR,
        ..Layout::default()
    };
    let mut at = align(EHDR + PHNUM * PHDR, 8);
    l.symtab = at;
    at += n * SYM;
    // Strings: "\0", the names, the version names, the image's name.
    let mut strings = vec![0u8];
    let mut name_at = Vec::new();
    for (name, _) in syms {
        name_at.push(strings.len());
        strings.extend_from_slice(name.as_bytes());
        strings.push(0);
    }
    let mut vers: Vec<&str> = Vec::new();
    for (_, v) in syms {
        if !vers.contains(v) {
            vers.push(v);
        }
    }
    let mut ver_at = Vec::new();
    for v in &vers {
        ver_at.push(strings.len());
        strings.extend_from_slice(v.as_bytes());
        strings.push(0);
    }
    let soname_at = strings.len();
    strings.extend_from_slice(b"linux-test.so.1\0");
    l.strtab = at;
    l.strsz = strings.len();
    at += strings.len();
    if matches!(hash, Hash::Sysv | Hash::Both) {
        at = align(at, 4);
        l.hash = Some(at);
        at += 4 * (2 + 1 + n);
    }
    if matches!(hash, Hash::Gnu | Hash::Both) {
        at = align(at, W);
        l.gnu_hash = Some(at);
        at += 16 + W + 4 + 4 * (n - 1);
    }
    if versions {
        at = align(at, 2);
        l.versym = Some(at);
        at += 2 * n;
        at = align(at, 4);
        l.verdef = Some(at);
        at += (1 + vers.len()) * (VERDEF + VERDAUX);
    }
    at = align(at, W);
    l.dynamic = at;
    let mut tags = vec![(DT_STRTAB, l.strtab), (DT_SYMTAB, l.symtab)];
    tags.push((DT_STRSZ, l.strsz));
    tags.push((DT_SYMENT, SYM));
    if let Some(h) = l.hash {
        tags.push((DT_HASH, h));
    }
    if let Some(g) = l.gnu_hash {
        tags.push((DT_GNU_HASH, g));
    }
    if let (Some(vs), Some(vd)) = (l.versym, l.verdef) {
        tags.push((DT_VERSYM, vs));
        tags.push((DT_VERDEF, vd));
        tags.push((DT_VERDEFNUM, 1 + vers.len()));
    }
    tags.push((DT_NULL, 0));
    at += tags.len() * DYN;
    at = align(at, 16);
    l.text = at;
    at += 16 * syms.len();
    let size = at;
    let mut b = vec![0u8; size];

    // ELF header.
    put(&mut b, 0, b"\x7fELF");
    b[4] = if W == 8 { 2 } else { 1 };
    b[5] = if cfg!(target_endian = "little") { 1 } else { 2 };
    b[6] = 1;
    put16(&mut b, eh_field("type"), 3); // ET_DYN
    put16(&mut b, eh_field("machine"), MACHINE);
    put32(&mut b, eh_field("version"), 1);
    putw(&mut b, eh_field("phoff"), l.phoff);
    put16(&mut b, eh_field("phentsize"), PHDR as u16);
    put16(&mut b, eh_field("phnum"), PHNUM as u16);
    let ehsize_at = if W == 8 { 52 } else { 40 };
    put16(&mut b, ehsize_at, EHDR as u16);
    // PT_LOAD (R+X) over everything, PT_DYNAMIC.
    let ph = l.phoff;
    put32(&mut b, ph + ph_field("type"), 1);
    put32(&mut b, ph + ph_field("flags"), 5);
    putw(&mut b, ph + ph_field("offset"), 0);
    putw(&mut b, ph + ph_field("vaddr"), 0);
    putw(&mut b, ph + ph_field("filesz"), size);
    putw(&mut b, ph + ph_field("memsz"), size);
    let ph = l.phoff + PHDR;
    put32(&mut b, ph + ph_field("type"), 2);
    put32(&mut b, ph + ph_field("flags"), 6);
    putw(&mut b, ph + ph_field("offset"), l.dynamic);
    putw(&mut b, ph + ph_field("vaddr"), l.dynamic);
    putw(&mut b, ph + ph_field("filesz"), tags.len() * DYN);
    putw(&mut b, ph + ph_field("memsz"), tags.len() * DYN);
    let ph = l.phoff + 2 * PHDR;
    put32(&mut b, ph + ph_field("type"), 4); // PT_NOTE, empty
    // Symbols: functions, global, in section 1, 16 bytes of code each.
    let mut expected = Vec::new();
    for (i, (name, v)) in syms.iter().enumerate() {
        let s = l.symtab + (i + 1) * SYM;
        put32(&mut b, s + sym_field("name"), name_at[i] as u32);
        b[s + sym_field("info")] = (1 << 4) | 2; // STB_GLOBAL, STT_FUNC
        put16(&mut b, s + sym_field("shndx"), 1);
        let code = l.text + 16 * i;
        putw(&mut b, s + sym_field("value"), code);
        b[code..code + 16].fill(0xcc);
        let version = versions.then(|| v.as_bytes().to_vec());
        expected.push((name.as_bytes().to_vec(), version, code));
    }
    put(&mut b, l.strtab, &strings);
    if let Some(h) = l.hash {
        // One bucket: 1 -> 2 -> ... -> n-1 -> 0.
        put32(&mut b, h, 1);
        put32(&mut b, h + 4, n as u32);
        put32(&mut b, h + 8, if n > 1 { 1 } else { 0 });
        for i in 0..n {
            let next = if i + 1 < n && i > 0 { i + 1 } else { 0 };
            put32(&mut b, h + 12 + 4 * i, next as u32);
        }
    }
    if let Some(g) = l.gnu_hash {
        // One bucket starting at symbol 1, a bloom filter that lets everything through.
        put32(&mut b, g, 1);
        put32(&mut b, g + 4, 1);
        put32(&mut b, g + 8, 1);
        put32(&mut b, g + 12, 6);
        putw(&mut b, g + 16, usize::MAX);
        put32(&mut b, g + 16 + W, if n > 1 { 1 } else { 0 });
        for (i, (name, _)) in syms.iter().enumerate() {
            let last = i + 1 == syms.len();
            let h = (gnu_hash(name.as_bytes()) & !1) | u32::from(last);
            put32(&mut b, g + 16 + W + 4 + 4 * i, h);
        }
    }
    if let (Some(vs), Some(vd)) = (l.versym, l.verdef) {
        put16(&mut b, vs, 0);
        for (i, (_, v)) in syms.iter().enumerate() {
            let index = 2 + vers.iter().position(|x| x == v).unwrap();
            put16(&mut b, vs + 2 * (i + 1), index as u16);
        }
        let defs: Vec<(u16, usize, &[u8])> =
            std::iter::once((1u16, soname_at, &b"linux-test.so.1"[..]))
                .chain(vers.iter().zip(&ver_at).map(|(v, &a)| (0, a, v.as_bytes())))
                .collect();
        for (k, (flags, name, text)) in defs.iter().enumerate() {
            let d = vd + k * (VERDEF + VERDAUX);
            put16(&mut b, d, 1); // VER_DEF_CURRENT
            put16(&mut b, d + 2, *flags);
            put16(&mut b, d + 4, k as u16 + 1);
            put16(&mut b, d + 6, 1);
            put32(&mut b, d + 8, elf_hash(text));
            put32(&mut b, d + 12, VERDEF as u32);
            let next = if k + 1 < defs.len() {
                VERDEF + VERDAUX
            } else {
                0
            };
            put32(&mut b, d + 16, next as u32);
            put32(&mut b, d + VERDEF, *name as u32);
            put32(&mut b, d + VERDEF + 4, 0);
        }
    }
    for (k, &(tag, val)) in tags.iter().enumerate() {
        let e = l.dynamic + k * DYN;
        putw(&mut b, e, tag);
        putw(&mut b, e + W, val);
        l.dyn_entries.push((tag, e));
    }
    Built {
        bytes: b,
        layout: l,
        symbols: expected,
    }
}

/// The symbols of the standard test image.
pub const SYMS: &[(&str, &str)] = &[
    ("__vdso_gettimeofday", "LINUX_2.6"),
    ("__vdso_clock_gettime", "LINUX_2.6"),
    ("__kernel_clock_getres", "LINUX_4.15"),
    ("__vdso_getcpu", "LINUX_2.6"),
];

/// The standard test image: SysV and GNU hash tables, versions.
pub fn standard() -> Built {
    build(SYMS, Hash::Both, true)
}

/// The offset of the value of dynamic entry `tag` in `built`.
pub fn dyn_value(built: &Built, tag: usize) -> usize {
    let (_, e) = built
        .layout
        .dyn_entries
        .iter()
        .find(|(t, _)| *t == tag)
        .unwrap_or_else(|| panic!("no tag {tag:#x}"));
    e + W
}
