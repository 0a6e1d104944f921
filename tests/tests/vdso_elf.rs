//! The vDSO's ELF parser (`syscall_rt::vdso::Image`) on images built for the target and
//! corrupted one field at a time (each check of the parser has a test here), and on the
//! process's real vDSO, whose every function must resolve as two independent readers say:
//! the `object` crate (from the section headers) and glibc's `dlvsym` (the dynamic loader).

#[path = "support/elf_image.rs"]
mod elf_image;

use elf_image::*;
use syscall_rt::vdso::{self, Image};

/// Whether a vDSO is expected: everywhere except where `scripts/cross.sh` runs the suite under
/// Debian 12's qemu-user 7.2, which maps none and says so in `FAST_SYSCALL_NO_VDSO`.
fn vdso_expected() -> bool {
    std::env::var_os("FAST_SYSCALL_NO_VDSO").is_none()
}

/// Every expected symbol resolves, by name and version and by name alone.
fn assert_resolves(built: &Built) {
    let image = Image::parse(&built.bytes).expect("the built image parses");
    for (name, version, offset) in &built.symbols {
        let v = version.as_deref().unwrap_or(b"");
        assert_eq!(image.lookup(name, v), Some(*offset), "{name:?}@{v:?}");
        assert_eq!(image.lookup(name, b""), Some(*offset), "{name:?}");
    }
    let listed: Vec<_> = image
        .symbols()
        .map(|s| (s.name.to_vec(), s.version.map(<[u8]>::to_vec), s.offset))
        .collect();
    assert_eq!(listed, built.symbols);
}

// ------------------------------------------------------------------ well-formed images

#[test]
fn built_images_resolve_every_symbol_with_each_hash_table_and_without_versions() {
    for hash in [Hash::Sysv, Hash::Gnu, Hash::Both] {
        for versions in [true, false] {
            let built = build(SYMS, hash, versions);
            assert_resolves(&built);
            assert_eq!(Image::extent(&built.bytes), Some(built.bytes.len()));
            let image = Image::parse(&built.bytes).unwrap();
            assert_eq!(image.lookup(b"__vdso_nothing", b""), None);
            if versions {
                assert_eq!(image.lookup(b"__vdso_clock_gettime", b"LINUX_9.9"), None);
                assert_eq!(image.lookup(b"__kernel_clock_getres", b"LINUX_2.6"), None);
            } else {
                // Without version tables any version is accepted.
                assert!(
                    image
                        .lookup(b"__vdso_clock_gettime", b"LINUX_9.9")
                        .is_some()
                );
            }
        }
    }
    let empty = build(&[], Hash::Gnu, true);
    assert_eq!(Image::parse(&empty.bytes).unwrap().symbols().count(), 0);
}

#[test]
fn a_longer_slice_than_the_image_is_fine() {
    let mut built = standard();
    built.bytes.extend_from_slice(&[0xee; 4096]);
    assert_resolves(&built);
    assert_eq!(Image::extent(&built.bytes), Some(built.bytes.len() - 4096));
}

// ------------------------------------------------------------------ the ELF header

#[test]
fn a_wrong_e_machine_is_refused() {
    let mut built = standard();
    let at = eh_field("machine");
    for other in [0u16, 3, 8, 40, 62, 183, 243, 0xffff] {
        if other == MACHINE {
            continue;
        }
        put16(&mut built.bytes, at, other);
        assert!(Image::parse(&built.bytes).is_none(), "e_machine {other}");
        assert!(Image::extent(&built.bytes).is_none(), "e_machine {other}");
    }
}

#[test]
fn a_wrong_class_byte_order_or_version_is_refused() {
    let base = standard();
    for (field, values) in [
        ("class", &[0u8, 1, 2, 3][..]),
        ("data", &[0u8, 1, 2, 3][..]),
        ("ident_version", &[0u8, 2][..]),
    ] {
        for &v in values {
            let mut b = base.bytes.clone();
            let good = b[eh_field(field)];
            if v == good {
                continue;
            }
            b[eh_field(field)] = v;
            assert!(Image::parse(&b).is_none(), "{field} = {v}");
        }
    }
    let mut b = base.bytes.clone();
    put32(&mut b, eh_field("version"), 2);
    assert!(Image::parse(&b).is_none(), "e_version 2");
    let mut b = base.bytes.clone();
    b[..4].copy_from_slice(b"\x7fELG");
    assert!(Image::parse(&b).is_none(), "magic");
}

#[test]
fn a_wrong_e_type_is_refused() {
    for t in [0u16, 1, 2, 4] {
        let mut built = standard();
        put16(&mut built.bytes, eh_field("type"), t); // ET_NONE, ET_REL, ET_EXEC, ET_CORE
        assert!(Image::parse(&built.bytes).is_none(), "e_type {t}");
    }
}

#[test]
fn a_wrong_e_phentsize_is_refused() {
    for size in [0u16, 1, 32, 56, 64, PHDR as u16 + 8] {
        if usize::from(size) == PHDR {
            continue;
        }
        let mut built = standard();
        put16(&mut built.bytes, eh_field("phentsize"), size);
        assert!(Image::parse(&built.bytes).is_none(), "e_phentsize {size}");
    }
}

#[test]
fn program_headers_outside_the_image_are_refused() {
    let base = standard();
    let len = base.bytes.len();
    for phoff in [len, len - 1, usize::MAX, usize::MAX - PHDR + 1, 0, 1] {
        let mut b = base.bytes.clone();
        putw(&mut b, eh_field("phoff"), phoff);
        assert!(Image::parse(&b).is_none(), "e_phoff {phoff:#x}");
    }
    for phnum in [0u16, 0xffff, 0x7fff] {
        let mut b = base.bytes.clone();
        put16(&mut b, eh_field("phnum"), phnum);
        assert!(Image::parse(&b).is_none(), "e_phnum {phnum}");
    }
}

// ------------------------------------------------------------------ truncation and ranges

#[test]
fn every_truncation_of_the_image_is_refused() {
    let built = standard();
    for len in 0..built.bytes.len() {
        let cut = &built.bytes[..len];
        assert!(Image::parse(cut).is_none(), "truncated to {len}");
    }
    // The headers alone give the extent (how the live image's size is found).
    let headers = &built.bytes[..EHDR + PHNUM * PHDR];
    assert_eq!(Image::extent(headers), Some(built.bytes.len()));
    assert!(Image::parse(headers).is_none());
}

#[test]
fn a_load_segment_beyond_the_image_or_wrapping_is_refused() {
    let base = standard();
    let ph = base.layout.phoff;
    let len = base.bytes.len();
    for (field, value) in [
        ("filesz", len + 1),
        ("filesz", usize::MAX),
        ("offset", usize::MAX - 4),
        ("offset", 1),
        ("memsz", 4), // memsz < filesz
    ] {
        let mut b = base.bytes.clone();
        putw(&mut b, ph + ph_field(field), value);
        if field == "memsz" {
            putw(&mut b, ph + ph_field("filesz"), len);
        }
        assert!(Image::parse(&b).is_none(), "PT_LOAD {field} = {value:#x}");
    }
    let mut b = base.bytes.clone();
    putw(&mut b, ph + ph_field("vaddr"), usize::MAX - 16);
    assert!(Image::parse(&b).is_none(), "PT_LOAD vaddr + memsz wraps");
}

#[test]
fn a_second_load_segment_beyond_the_slice_is_refused() {
    // The tables all lie in the first segment; a second one ends past the slice, so the
    // image is larger than the bytes given (as a live image whose headers claim more than
    // is mapped).
    let base = standard();
    let ph = base.layout.phoff + 2 * PHDR;
    let mut b = base.bytes.clone();
    put32(&mut b, ph + ph_field("type"), 1);
    putw(&mut b, ph + ph_field("offset"), base.bytes.len() - 8);
    putw(&mut b, ph + ph_field("vaddr"), 0x10_0000);
    putw(&mut b, ph + ph_field("filesz"), 16);
    putw(&mut b, ph + ph_field("memsz"), 16);
    assert_eq!(Image::extent(&b), Some(base.bytes.len() + 8));
    assert!(Image::parse(&b).is_none());
    b.extend_from_slice(&[0; 8]);
    assert!(Image::parse(&b).is_some(), "with the bytes there it parses");
}

#[test]
fn a_dynamic_segment_outside_the_image_is_refused() {
    let base = standard();
    let ph = base.layout.phoff + PHDR;
    for (field, value) in [
        ("offset", base.bytes.len()),
        ("offset", usize::MAX - 8),
        ("filesz", base.bytes.len()),
        ("filesz", usize::MAX),
    ] {
        let mut b = base.bytes.clone();
        putw(&mut b, ph + ph_field(field), value);
        assert!(
            Image::parse(&b).is_none(),
            "PT_DYNAMIC {field} = {value:#x}"
        );
    }
    // No PT_DYNAMIC at all.
    let mut b = base.bytes.clone();
    put32(&mut b, ph + ph_field("type"), 4); // PT_NOTE
    assert!(Image::parse(&b).is_none());
}

#[test]
fn out_of_range_dynamic_table_addresses_are_refused() {
    let base = standard();
    let len = base.bytes.len();
    for tag in [DT_SYMTAB, DT_STRTAB, DT_HASH, DT_VERSYM, DT_VERDEF] {
        for value in [len, len + 100, usize::MAX, usize::MAX - 3] {
            let mut b = base.bytes.clone();
            putw(&mut b, dyn_value(&base, tag), value);
            assert!(Image::parse(&b).is_none(), "tag {tag:#x} = {value:#x}");
        }
    }
    // A string table longer than its segment, a wrong symbol size.
    let mut b = base.bytes.clone();
    putw(&mut b, dyn_value(&base, DT_STRSZ), len);
    assert!(Image::parse(&b).is_none(), "DT_STRSZ");
    let mut b = base.bytes.clone();
    putw(&mut b, dyn_value(&base, DT_SYMENT), SYM + 1);
    assert!(Image::parse(&b).is_none(), "DT_SYMENT");
}

#[test]
fn a_symbol_count_larger_than_the_image_is_refused() {
    let base = standard();
    for nchain in [u32::MAX, (base.bytes.len() / SYM) as u32] {
        let mut b = base.bytes.clone();
        put32(&mut b, base.layout.hash.unwrap() + 4, nchain);
        assert!(Image::parse(&b).is_none(), "nchain {nchain:#x}");
    }
    let gnu = build(SYMS, Hash::Gnu, true);
    let g = gnu.layout.gnu_hash.unwrap();
    for (at, value) in [(0, u32::MAX), (8, u32::MAX), (8, 0x1000_0000)] {
        let mut b = gnu.bytes.clone();
        put32(&mut b, g + at, value);
        assert!(
            Image::parse(&b).is_none(),
            "gnu hash word {at} = {value:#x}"
        );
    }
    let mut b = gnu.bytes.clone();
    put32(&mut b, g + 16 + W, u32::MAX); // the bucket names a symbol far away
    assert!(Image::parse(&b).is_none(), "gnu hash bucket");
}

#[test]
fn a_gnu_hash_chain_without_its_end_is_refused() {
    let built = build(SYMS, Hash::Gnu, true);
    let mut b = built.bytes.clone();
    let chains = built.layout.gnu_hash.unwrap() + 16 + W + 4;
    for i in 0..SYMS.len() {
        let at = chains + 4 * i;
        let h = get32(&b, at);
        put32(&mut b, at, h & !1);
    }
    // The chain then runs into whatever follows, up to the end of the segment: it must stop
    // there, not read on.
    assert!(
        Image::parse(&b).is_none() || Image::parse(&b).unwrap().symbols().count() <= SYMS.len()
    );
    let whole = b.len();
    putw(
        &mut b,
        built.layout.phoff + ph_field("filesz"),
        chains + 4 * SYMS.len(),
    );
    putw(&mut b, built.layout.phoff + ph_field("memsz"), whole);
    // Everything after the chain is outside the segment now: no end bit, no count.
    assert!(Image::parse(&b).is_none());
}

#[test]
fn symbols_with_out_of_range_names_or_values_are_skipped() {
    let base = standard();
    let first = base.layout.symtab + SYM; // symbol 1: SYMS[0]
    for (field, value) in [
        ("name", u32::MAX as usize),
        ("name", base.layout.strsz),
        ("value", base.bytes.len()),
        ("value", usize::MAX),
        ("value", base.bytes.len() + 16),
    ] {
        let mut b = base.bytes.clone();
        let at = first + sym_field(field);
        if field == "name" {
            put32(&mut b, at, value as u32);
        } else {
            putw(&mut b, at, value);
        }
        let image = Image::parse(&b).expect("one bad symbol leaves the image usable");
        assert_eq!(
            image.lookup(b"__vdso_gettimeofday", b""),
            None,
            "{field} {value:#x}"
        );
        assert_eq!(image.symbols().count(), SYMS.len() - 1);
        assert_eq!(
            image.lookup(b"__vdso_clock_gettime", b"LINUX_2.6"),
            Some(base.symbols[1].2)
        );
    }
    // A name without its NUL before the end of the string table.
    let mut b = base.bytes.clone();
    let last_byte = base.layout.strtab + base.layout.strsz - 1;
    b[last_byte] = b'x';
    put32(
        &mut b,
        first + sym_field("name"),
        (base.layout.strsz - 16) as u32,
    );
    let image = Image::parse(&b).unwrap();
    assert_eq!(image.lookup(b"__vdso_gettimeofday", b""), None);
}

#[test]
fn a_function_outside_the_executable_segment_is_not_returned() {
    let mut built = standard();
    let ph = built.layout.phoff;
    put32(&mut built.bytes, ph + ph_field("flags"), 4); // PF_R only
    let image = Image::parse(&built.bytes).unwrap();
    assert_eq!(image.symbols().count(), 0);
    assert_eq!(image.lookup(b"__vdso_clock_gettime", b""), None);
}

// ------------------------------------------------------------------ versions

/// The offset of version definition `k` (0 = the base definition) of the standard image.
fn verdef_at(built: &Built, k: usize) -> usize {
    built.layout.verdef.unwrap() + k * (VERDEF + VERDAUX)
}

#[test]
fn a_looping_verdef_chain_ends() {
    let base = standard();
    // Definitions: 0 base, 1 LINUX_2.6 (index 2), 2 LINUX_4.15 (index 3). Point the last back
    // at the first: on 32-bit targets the offset wraps to the start of the chain, on 64-bit
    // ones it lands 4 GiB away. Either way a version not in the chain is never found, and the
    // walk stops.
    let mut b = base.bytes.clone();
    let back = (2 * (VERDEF + VERDAUX)) as u32;
    put32(&mut b, verdef_at(&base, 2) + 16, back.wrapping_neg());
    put16(&mut b, base.layout.versym.unwrap() + 2, 9); // symbol 1: a version nobody defines
    let image = Image::parse(&b).unwrap();
    assert_eq!(image.lookup(b"__vdso_gettimeofday", b"LINUX_2.6"), None);
    assert_eq!(
        image.lookup(b"__vdso_clock_gettime", b"LINUX_2.6"),
        Some(base.symbols[1].2)
    );
    // A chain longer than DT_VERDEFNUM says is walked only that far.
    let mut b = base.bytes.clone();
    putw(&mut b, dyn_value(&base, DT_VERDEFNUM), 2);
    let image = Image::parse(&b).unwrap();
    assert_eq!(image.lookup(b"__kernel_clock_getres", b"LINUX_4.15"), None);
    assert!(
        image
            .lookup(b"__vdso_clock_gettime", b"LINUX_2.6")
            .is_some()
    );
}

#[test]
fn a_verdef_chain_leaving_the_image_ends() {
    let base = standard();
    for next in [u32::MAX, base.bytes.len() as u32, 1] {
        let mut b = base.bytes.clone();
        put32(&mut b, verdef_at(&base, 0) + 16, next);
        let image = Image::parse(&b).unwrap();
        assert_eq!(
            image.lookup(b"__vdso_clock_gettime", b"LINUX_2.6"),
            None,
            "{next:#x}"
        );
    }
    for aux in [u32::MAX, base.bytes.len() as u32] {
        let mut b = base.bytes.clone();
        put32(&mut b, verdef_at(&base, 1) + 12, aux);
        let image = Image::parse(&b).unwrap();
        assert_eq!(
            image.lookup(b"__vdso_clock_gettime", b"LINUX_2.6"),
            None,
            "{aux:#x}"
        );
    }
    // A version table shorter than the symbol table, a definition of an unknown revision.
    let mut b = base.bytes.clone();
    putw(&mut b, dyn_value(&base, DT_VERSYM), base.bytes.len() - 2);
    assert!(Image::parse(&b).is_none(), "DT_VERSYM at the end");
    let mut b = base.bytes.clone();
    put16(&mut b, verdef_at(&base, 0), 2);
    let image = Image::parse(&b).unwrap();
    assert_eq!(image.lookup(b"__vdso_clock_gettime", b"LINUX_2.6"), None);
}

#[test]
fn half_the_version_tables_is_refused() {
    for tag in [DT_VERSYM, DT_VERDEF] {
        let base = standard();
        let mut b = base.bytes.clone();
        let (_, e) = *base
            .layout
            .dyn_entries
            .iter()
            .find(|(t, _)| *t == tag)
            .unwrap();
        putw(&mut b, e, 0x6fff_f000); // an unknown tag: the table is gone
        assert!(Image::parse(&b).is_none(), "without {tag:#x}");
    }
}

// ------------------------------------------------------------------ the real vDSO

/// The whole `[vdso]` mapping of this process (section headers included), from
/// `/proc/self/maps`.
fn vdso_mapping() -> Option<&'static [u8]> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    let line = maps.lines().find(|l| l.ends_with("[vdso]"))?;
    let (start, end) = line.split_whitespace().next()?.split_once('-')?;
    let (start, end) = (
        usize::from_str_radix(start, 16).ok()?,
        usize::from_str_radix(end, 16).ok()?,
    );
    // SAFETY: the kernel's (or emulator's) listing of this process's mappings says
    // start..end is the vDSO, mapped readable for the life of the process.
    Some(unsafe { std::slice::from_raw_parts(start as *const u8, end - start) })
}

#[test]
fn the_real_vdso_is_found_and_bounded_by_its_headers() {
    let Some(bytes) = vdso::image_bytes() else {
        assert!(
            !vdso_expected(),
            "no vDSO image (FAST_SYSCALL_NO_VDSO is not set)"
        );
        assert_eq!(
            syscall_rt::auxv::getauxval(syscall_rt::auxv::AT_SYSINFO_EHDR),
            None
        );
        return;
    };
    assert!(
        vdso_expected(),
        "FAST_SYSCALL_NO_VDSO is set, yet a vDSO is mapped"
    );
    assert_eq!(vdso::image(), Some(bytes.as_ptr() as usize));
    assert_eq!(
        syscall_rt::auxv::getauxval(syscall_rt::auxv::AT_SYSINFO_EHDR),
        Some(bytes.as_ptr() as usize)
    );
    assert_eq!(Image::extent(bytes), Some(bytes.len()));
    let mapping = vdso_mapping().expect("[vdso] in /proc/self/maps");
    assert_eq!(mapping.as_ptr(), bytes.as_ptr());
    assert!(
        bytes.len() <= mapping.len(),
        "{} > {}",
        bytes.len(),
        mapping.len()
    );
    let image = Image::parse(bytes).expect("the real vDSO parses");
    assert!(
        image.symbols().count() >= 2,
        "{:?}",
        image.symbols().collect::<Vec<_>>()
    );
}

/// Our reading of the real vDSO's functions: (name, version, address).
fn ours() -> Vec<(String, Option<String>, usize)> {
    let bytes = vdso::image_bytes().unwrap();
    let image = Image::parse(bytes).unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    image
        .symbols()
        .map(|s| {
            let addr = bytes.as_ptr() as usize + s.offset;
            // The public lookup agrees with the listing.
            let v = s.version.unwrap_or(b"");
            assert_eq!(vdso::lookup(s.name, v), Some(addr), "{}", text(s.name));
            (text(s.name), s.version.map(text), addr)
        })
        .collect()
}

#[test]
#[allow(clippy::useless_conversion)] // the ELF fields are u32 on 32-bit targets
fn every_function_of_the_real_vdso_resolves_as_the_object_crate_reads_it() {
    use object::read::elf::{FileHeader, ProgramHeader, Sym};
    #[cfg(target_pointer_width = "64")]
    type Header = object::elf::FileHeader64<object::Endianness>;
    #[cfg(target_pointer_width = "32")]
    type Header = object::elf::FileHeader32<object::Endianness>;

    if vdso::image_bytes().is_none() {
        assert!(!vdso_expected(), "no vDSO image");
        return;
    }
    let data = vdso_mapping().unwrap();
    let base = data.as_ptr() as usize;
    let header = Header::parse(data).expect("object: ELF header");
    let endian = header.endian().unwrap();
    let sections = header
        .sections(endian, data)
        .expect("object: section headers");
    let dynsym = sections
        .symbols(endian, data, object::elf::SHT_DYNSYM)
        .unwrap();
    let versions = sections.versions(endian, data).unwrap();
    // The image is mapped as its file: an address is the base plus the file offset its
    // PT_LOAD segment gives (qemu-user's vDSOs are linked at a non-zero address).
    let loads: Vec<(u64, u64, u64)> = header
        .program_headers(endian, data)
        .unwrap()
        .iter()
        .filter(|ph| ph.p_type(endian) == object::elf::PT_LOAD)
        .map(|ph| {
            (
                ph.p_vaddr(endian).into(),
                ph.p_offset(endian).into(),
                ph.p_filesz(endian).into(),
            )
        })
        .collect();
    let address = |value: u64| {
        let (vaddr, offset, _) = loads
            .iter()
            .find(|(v, _, size)| (*v..*v + *size).contains(&value))
            .expect("a function inside a PT_LOAD segment");
        base + (offset + (value - vaddr)) as usize
    };
    let mut theirs = Vec::new();
    for (index, sym) in dynsym.enumerate() {
        let kind = sym.st_type();
        let bind = sym.st_bind();
        if !matches!(kind, object::elf::STT_FUNC | object::elf::STT_NOTYPE)
            || !matches!(bind, object::elf::STB_GLOBAL | object::elf::STB_WEAK)
            || sym.st_shndx(endian) == object::elf::SHN_UNDEF
            || sym.st_shndx(endian) == object::elf::SHN_ABS
        {
            continue;
        }
        let name =
            String::from_utf8_lossy(sym.name(endian, dynsym.strings()).unwrap()).into_owned();
        let version = versions.as_ref().and_then(|v| {
            let index = v.version_index(endian, index);
            v.version(index)
                .unwrap()
                .map(|v| String::from_utf8_lossy(v.name()).into_owned())
        });
        theirs.push((name, version, address(sym.st_value(endian).into())));
    }
    let ours = ours();
    assert!(!theirs.is_empty());
    assert_eq!(ours, theirs);
    eprintln!("{} functions agree with object: {ours:x?}", ours.len());
}

#[test]
fn every_function_of_the_real_vdso_resolves_as_the_dynamic_loader_finds_it() {
    if vdso::image_bytes().is_none() {
        assert!(!vdso_expected(), "no vDSO image");
        return;
    }
    let base = vdso::image().unwrap();
    // The loader's name for the vDSO: the object whose program headers lie in it.
    unsafe extern "C" fn find(
        info: *mut libc::dl_phdr_info,
        _: libc::size_t,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes a valid dl_phdr_info; `data` is the `(usize, CString)`
        // below.
        unsafe {
            let (base, name) = &mut *(data as *mut (usize, Option<std::ffi::CString>));
            let phdr = (*info).dlpi_phdr as usize;
            if phdr > *base && phdr < *base + 4096 && !(*info).dlpi_name.is_null() {
                *name = Some(std::ffi::CStr::from_ptr((*info).dlpi_name).to_owned());
                return 1;
            }
        }
        0
    }
    let mut found: (usize, Option<std::ffi::CString>) = (base, None);
    // SAFETY: `find` matches the callback type and only reads what the loader passes.
    unsafe { libc::dl_iterate_phdr(Some(find), &mut found as *mut _ as *mut libc::c_void) };
    let name = found.1.expect("the loader knows the vDSO");
    // SAFETY: RTLD_NOLOAD only looks the already-loaded object up.
    let handle = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD) };
    assert!(!handle.is_null(), "dlopen({name:?})");
    for (sym, version, addr) in ours() {
        let csym = std::ffi::CString::new(sym.clone()).unwrap();
        // SAFETY: dlsym/dlvsym on a valid handle with NUL-terminated strings.
        let theirs = unsafe {
            match &version {
                Some(v) => {
                    let cv = std::ffi::CString::new(v.clone()).unwrap();
                    libc::dlvsym(handle, csym.as_ptr(), cv.as_ptr())
                }
                None => libc::dlsym(handle, csym.as_ptr()),
            }
        };
        assert_eq!(theirs as usize, addr, "{sym}@{version:?} in {name:?}");
    }
}

#[test]
fn at_sysinfo_is_the_vdso_kernel_vsyscall_or_absent() {
    let entry = syscall_rt::auxv::getauxval(syscall_rt::auxv::AT_SYSINFO);
    if cfg!(target_arch = "x86") && vdso_expected() {
        let sym = vdso::lookup(b"__kernel_vsyscall", b"LINUX_2.5").expect("__kernel_vsyscall");
        assert_eq!(entry, Some(sym));
    } else {
        assert_eq!(entry, None);
    }
}
