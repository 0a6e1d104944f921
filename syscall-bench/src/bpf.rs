//! A classic BPF interpreter for seccomp programs: what a filter returns for a call and how
//! many instructions the kernel executes to decide it (the measure of `seccomp-bench`). It runs
//! the instructions seccomp filters use — loads of `seccomp_data` words, the ALU, jumps on `K`
//! and `X`, `tax`/`txa`, `ret` — and rejects anything else, and every jump out of the program.

/// One instruction (`struct sock_filter`), from any crate's spelling of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    /// Opcode.
    pub code: u16,
    /// Offset when the condition holds.
    pub jt: u8,
    /// Offset when it does not.
    pub jf: u8,
    /// Operand.
    pub k: u32,
}

/// The `seccomp_data` a filter sees: `nr`, `arch`, `instruction_pointer`, `args`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Data {
    /// The system-call number.
    pub nr: u32,
    /// `AUDIT_ARCH_*`.
    pub arch: u32,
    /// The calling instruction's address.
    pub ip: u64,
    /// The six arguments.
    pub args: [u64; 6],
}

impl Data {
    /// A call `nr` of `arch` without arguments.
    pub fn call(arch: u32, nr: u32) -> Data {
        Data {
            nr,
            arch,
            ..Data::default()
        }
    }

    /// The 32-bit word at byte offset `off` (little-endian layout of the struct, as on every
    /// target the project runs the bench on).
    fn word(&self, off: u32) -> Option<u32> {
        if off % 4 != 0 {
            return None;
        }
        let lo = |v: u64| v as u32;
        let hi = |v: u64| (v >> 32) as u32;
        Some(match off {
            0 => self.nr,
            4 => self.arch,
            8 => lo(self.ip),
            12 => hi(self.ip),
            16..=60 => {
                let a = self.args[(off as usize - 16) / 8];
                if off % 8 == 0 { lo(a) } else { hi(a) }
            }
            _ => return None,
        })
    }
}

/// What a run ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The returned `SECCOMP_RET_*` value.
    pub ret: u32,
    /// Instructions executed, the `ret` included.
    pub steps: usize,
}

/// Runs `prog` over `data`.
///
/// # Errors
/// A description of the fault: an unknown instruction, a load outside `seccomp_data`, a jump
/// out of the program, running off its end, a division by zero.
pub fn run(prog: &[Insn], data: &Data) -> Result<Outcome, String> {
    // Classes, sizes, modes, operations and sources of <linux/filter.h>.
    const LD: u16 = 0x00;
    const LDX: u16 = 0x01;
    const ALU: u16 = 0x04;
    const JMP: u16 = 0x05;
    const RET: u16 = 0x06;
    const MISC: u16 = 0x07;
    const W: u16 = 0x00;
    const IMM: u16 = 0x00;
    const ABS: u16 = 0x20;
    const LEN: u16 = 0x80;
    const X: u16 = 0x08;
    const A: u16 = 0x10;
    let (mut acc, mut x, mut pc, mut steps) = (0u32, 0u32, 0usize, 0usize);
    loop {
        let Some(&ins) = prog.get(pc) else {
            return Err(format!("ran off the end at {pc}"));
        };
        steps += 1;
        let src = if ins.code & X != 0 { x } else { ins.k };
        match ins.code & 0x07 {
            LD => {
                acc = match ins.code & !0x07 {
                    c if c == W | ABS => data
                        .word(ins.k)
                        .ok_or_else(|| format!("load of offset {} at {pc}", ins.k))?,
                    c if c == W | IMM => ins.k,
                    c if c == W | LEN => 64,
                    _ => return Err(format!("load {:#x} at {pc}", ins.code)),
                }
            }
            LDX => {
                x = match ins.code & !0x07 {
                    c if c == W | IMM => ins.k,
                    c if c == W | LEN => 64,
                    _ => return Err(format!("ldx {:#x} at {pc}", ins.code)),
                }
            }
            ALU => {
                acc = match ins.code & 0xf0 {
                    0x00 => acc.wrapping_add(src),
                    0x10 => acc.wrapping_sub(src),
                    0x20 => acc.wrapping_mul(src),
                    0x30 if src != 0 => acc / src,
                    0x40 => acc | src,
                    0x50 => acc & src,
                    0x60 => acc.checked_shl(src).unwrap_or(0),
                    0x70 => acc.checked_shr(src).unwrap_or(0),
                    0x80 => acc.wrapping_neg(),
                    0x90 if src != 0 => acc % src,
                    0xa0 => acc ^ src,
                    _ => return Err(format!("alu {:#x} at {pc}", ins.code)),
                }
            }
            JMP => {
                let off = match ins.code & 0xf0 {
                    0x00 => ins.k as usize,
                    op => {
                        let taken = match op {
                            0x10 => acc == src,
                            0x20 => acc > src,
                            0x30 => acc >= src,
                            0x40 => acc & src != 0,
                            _ => return Err(format!("jump {:#x} at {pc}", ins.code)),
                        };
                        usize::from(if taken { ins.jt } else { ins.jf })
                    }
                };
                pc = pc + 1 + off;
                if pc >= prog.len() {
                    return Err(format!("jump out of the program to {pc}"));
                }
                continue;
            }
            RET => {
                let ret = match ins.code & 0x18 {
                    0x00 => ins.k,
                    A => acc,
                    _ => return Err(format!("ret {:#x} at {pc}", ins.code)),
                };
                return Ok(Outcome { ret, steps });
            }
            MISC => {
                if ins.code & 0xf8 == 0 {
                    x = acc; // tax
                } else {
                    acc = x; // txa
                }
            }
            _ => return Err(format!("instruction {:#x} at {pc}", ins.code)),
        }
        pc += 1;
    }
}
