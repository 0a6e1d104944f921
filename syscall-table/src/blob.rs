//! A compact binary form of a [`Table`]: how the embedded tables travel inside this crate. A
//! byte string compiles in no time, where the same data as Rust statics took seconds (it is on
//! the critical path of every build that uses `#[fast_syscall]`); decoding it takes
//! microseconds. `cargo xtask codegen` writes the blobs with [`encode`]; [`decode`] reads them.
//!
//! Layout (little-endian): the magic `FSTB`, the string pool (`u32` count, then each string as
//! a `u16` length and its bytes), the header, then the system calls. Strings are `u16` indexes
//! into the pool, `NONE` for an absent one.

use crate::model::{
    Abi, Arg, ArgKind, Mechanism, PairAlignment, Ret, Syscall, Table, UnsafeReason, VdsoSymbol,
};

const MAGIC: &[u8; 4] = b"FSTB";
const NONE: u16 = u16::MAX;
/// The kinds, by their code.
const KINDS: [ArgKind; 8] = [
    ArgKind::Int {
        bits: 16,
        signed: true,
    },
    ArgKind::Int {
        bits: 16,
        signed: false,
    },
    ArgKind::Int {
        bits: 32,
        signed: true,
    },
    ArgKind::Int {
        bits: 32,
        signed: false,
    },
    ArgKind::Int {
        bits: 64,
        signed: true,
    },
    ArgKind::Int {
        bits: 64,
        signed: false,
    },
    ArgKind::PtrConst,
    ArgKind::PtrMut,
];

/// Encodes a table (its kinds must be those of [`ArgKind::parse`], as every valid table's are).
pub fn encode(table: &Table) -> Vec<u8> {
    let mut pool: Vec<String> = Vec::new();
    let mut intern = |s: &str| -> u16 {
        match pool.iter().position(|p| p == s) {
            Some(i) => i as u16,
            None => {
                pool.push(s.to_string());
                (pool.len() - 1) as u16
            }
        }
    };
    let kind = |k: ArgKind| KINDS.iter().position(|&c| c == k).unwrap_or(0) as u8;
    let mut body = Vec::new();
    let a = &table.abi;
    let u16s = |out: &mut Vec<u8>, v: u16| out.extend_from_slice(&v.to_le_bytes());
    u16s(&mut body, intern(&a.name));
    u16s(&mut body, intern(&a.target_arch));
    body.push(a.target_pointer_width as u8);
    body.push(a.register_bits as u8);
    u16s(&mut body, intern(&a.kernel));
    body.push(a.tags.len() as u8);
    for t in &a.tags {
        u16s(&mut body, intern(t));
    }
    body.extend_from_slice(&a.number_min.to_le_bytes());
    body.extend_from_slice(&a.number_max.to_le_bytes());
    body.push(u8::from(a.pair_alignment == PairAlignment::Even));
    body.push(a.mechanisms.len() as u8);
    for m in &a.mechanisms {
        body.push(mechanism_code(*m));
    }
    body.push(mechanism_code(a.default_mechanism));
    u16s(&mut body, table.syscalls.len() as u16);
    for s in &table.syscalls {
        u16s(&mut body, intern(&s.name));
        body.extend_from_slice(&s.number.to_le_bytes());
        u16s(&mut body, s.entry.as_deref().map_or(NONE, &mut intern));
        u16s(&mut body, intern(&s.ret.c_type));
        body.push(kind(s.ret.kind));
        let reason = s.needs_unsafe.map_or(0, |r| {
            UnsafeReason::ALL.iter().position(|&x| x == r).unwrap_or(0) as u8 + 1
        });
        body.push(u8::from(s.noreturn) | reason << 1);
        match &s.vdso {
            Some(v) => {
                u16s(&mut body, intern(&v.symbol));
                u16s(&mut body, intern(&v.version));
            }
            None => u16s(&mut body, NONE),
        }
        body.push(s.args.len() as u8);
        for arg in &s.args {
            u16s(&mut body, intern(&arg.name));
            u16s(&mut body, intern(&arg.c_type));
            body.push(kind(arg.kind) | u8::from(arg.aligned) << 7);
            body.push(arg.regs.len() as u8);
            body.extend_from_slice(&arg.regs);
            u16s(&mut body, arg.pointee.as_deref().map_or(NONE, &mut intern));
        }
    }
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(pool.len() as u32).to_le_bytes());
    for s in &pool {
        out.extend_from_slice(&(s.len() as u16).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    out.extend_from_slice(&body);
    out
}

fn mechanism_code(m: Mechanism) -> u8 {
    Mechanism::ALL.iter().position(|&x| x == m).unwrap_or(0) as u8
}

/// Reads what [`encode`] wrote; `None` for anything else (the embedded blobs are checked by a
/// test, so the macro never sees `None`).
pub fn decode(bytes: &[u8]) -> Option<Table> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return None;
    }
    let count = r.u32()?;
    let mut pool = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let len = usize::from(r.u16()?);
        pool.push(std::str::from_utf8(r.take(len)?).ok()?.to_string());
    }
    let string = |i: u16| pool.get(usize::from(i)).cloned();
    let optional = |i: u16| {
        if i == NONE {
            Some(None)
        } else {
            string(i).map(Some)
        }
    };
    let kind = |code: u8| KINDS.get(usize::from(code & 0x7f)).copied();
    let mechanism = |code: u8| Mechanism::ALL.get(usize::from(code)).copied();
    let name = string(r.u16()?)?;
    let target_arch = string(r.u16()?)?;
    let target_pointer_width = u32::from(r.u8()?);
    let register_bits = u32::from(r.u8()?);
    let kernel = string(r.u16()?)?;
    let mut tags = Vec::new();
    for _ in 0..r.u8()? {
        tags.push(string(r.u16()?)?);
    }
    let number_min = r.u32()?;
    let number_max = r.u32()?;
    let pair_alignment = if r.u8()? == 1 {
        PairAlignment::Even
    } else {
        PairAlignment::Any
    };
    let mut mechanisms = Vec::new();
    for _ in 0..r.u8()? {
        mechanisms.push(mechanism(r.u8()?)?);
    }
    let default_mechanism = mechanism(r.u8()?)?;
    let abi = Abi {
        name,
        target_arch,
        target_pointer_width,
        register_bits,
        kernel,
        tags,
        number_min,
        number_max,
        pair_alignment,
        mechanisms,
        default_mechanism,
    };
    let n = r.u16()?;
    let mut syscalls = Vec::with_capacity(usize::from(n));
    for _ in 0..n {
        let name = string(r.u16()?)?;
        let number = r.u32()?;
        let entry = optional(r.u16()?)?;
        let ret = Ret {
            c_type: string(r.u16()?)?,
            kind: kind(r.u8()?)?,
        };
        let flags = r.u8()?;
        let needs_unsafe = match flags >> 1 {
            0 => None,
            i => Some(*UnsafeReason::ALL.get(usize::from(i) - 1)?),
        };
        let symbol = r.u16()?;
        let vdso = if symbol == NONE {
            None
        } else {
            Some(VdsoSymbol {
                symbol: string(symbol)?,
                version: string(r.u16()?)?,
            })
        };
        let mut args = Vec::new();
        for _ in 0..r.u8()? {
            let name = string(r.u16()?)?;
            let c_type = string(r.u16()?)?;
            let code = r.u8()?;
            let len = usize::from(r.u8()?);
            let regs = r.take(len)?.to_vec();
            let pointee = optional(r.u16()?)?;
            args.push(Arg {
                name,
                c_type,
                kind: kind(code)?,
                regs,
                pointee,
                aligned: code & 0x80 != 0,
            });
        }
        syscalls.push(Syscall {
            name,
            number,
            entry,
            args,
            ret,
            noreturn: flags & 1 != 0,
            needs_unsafe,
            vdso,
        });
    }
    (r.at == bytes.len()).then(|| Table::new(abi, syscalls))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}
