//! The seccomp-bench's instruments: the BPF interpreter on hand-written programs, and
//! `syscall_rt::seccomp`'s programs against seccompiler's for random allowlists — two
//! independent compilers must decide every number alike under the interpreter.

use std::collections::BTreeMap;

use syscall_bench::bpf::{Data, Insn, run};
use syscall_rt::arch::x86_64;
use syscall_rt::seccomp::{Action, EMPTY, Filter, MAX_PROGRAM_LEN};

fn insn(code: u16, jt: u8, jf: u8, k: u32) -> Insn {
    Insn { code, jt, jf, k }
}

#[test]
fn the_interpreter_runs_loads_alu_jumps_and_returns_and_rejects_faults() {
    // ld [nr]; and #0xff; jeq #7, +1, +0; ret #1; ldx #3; txa; add x; ret a
    let prog = [
        insn(0x20, 0, 0, 0),
        insn(0x54, 0, 0, 0xff),
        insn(0x15, 1, 0, 7),
        insn(0x06, 0, 0, 1),
        insn(0x01, 0, 0, 3),
        insn(0x87, 0, 0, 0),
        insn(0x0c, 0, 0, 0),
        insn(0x16, 0, 0, 0),
    ];
    let out = run(&prog, &Data::call(0, 0x107)).unwrap();
    assert_eq!((out.ret, out.steps), (6, 7));
    let out = run(&prog, &Data::call(0, 8)).unwrap();
    assert_eq!((out.ret, out.steps), (1, 4));
    // The arguments' words: low then high half of args[1].
    let mut d = Data::call(0, 0);
    d.args[1] = 0x1122_3344_5566_7788;
    assert_eq!(
        run(&[insn(0x20, 0, 0, 24), insn(0x16, 0, 0, 0)], &d)
            .unwrap()
            .ret,
        0x5566_7788
    );
    assert_eq!(
        run(&[insn(0x20, 0, 0, 28), insn(0x16, 0, 0, 0)], &d)
            .unwrap()
            .ret,
        0x1122_3344
    );
    // Faults are errors: a jump out, running off the end, a bad load, an unknown code.
    assert!(run(&[insn(0x05, 0, 0, 5), insn(0x06, 0, 0, 0)], &d).is_err());
    assert!(run(&[insn(0x20, 0, 0, 0)], &d).is_err());
    assert!(run(&[insn(0x20, 0, 0, 64), insn(0x06, 0, 0, 0)], &d).is_err());
    assert!(run(&[insn(0x20, 0, 0, 2), insn(0x06, 0, 0, 0)], &d).is_err());
    assert!(run(&[insn(0xff, 0, 0, 0)], &d).is_err());
}

struct XorShift(u64);
impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn ours(list: &[u32]) -> Vec<Insn> {
    let mut f = Filter::new_for(Action::KillProcess, x86_64::AUDIT_ARCH, false);
    f.allow_all(list.iter().copied()).unwrap();
    let mut buf = vec![EMPTY; MAX_PROGRAM_LEN];
    let prog = f.build(&mut buf).unwrap();
    prog.iter().map(|i| insn(i.code, i.jt, i.jf, i.k)).collect()
}

fn theirs(list: &[u32]) -> Vec<Insn> {
    let rules: BTreeMap<i64, Vec<seccompiler::SeccompRule>> =
        list.iter().map(|&nr| (i64::from(nr), vec![])).collect();
    let prog: seccompiler::BpfProgram = seccompiler::SeccompFilter::new(
        rules,
        seccompiler::SeccompAction::KillProcess,
        seccompiler::SeccompAction::Allow,
        seccompiler::TargetArch::x86_64,
    )
    .unwrap()
    .try_into()
    .unwrap();
    prog.iter().map(|i| insn(i.code, i.jt, i.jf, i.k)).collect()
}

#[test]
fn ours_and_seccompiler_decide_every_number_alike() {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for round in 0..40 {
        let n = if round == 0 {
            1
        } else {
            rng.below(400) as usize + 1
        };
        let list: Vec<u32> = (0..n).map(|_| rng.below(500) as u32).collect();
        let (a, b) = (ours(&list), theirs(&list));
        for nr in (0..600).chain([0x4000_0000, 0x4000_0001, u32::MAX]) {
            let d = Data::call(x86_64::AUDIT_ARCH, nr);
            assert_eq!(
                run(&a, &d).unwrap().ret,
                run(&b, &d).unwrap().ret,
                "nr {nr}"
            );
        }
        for arch in [0x4000_0003, 0xc000_00b7, 0] {
            let d = Data::call(arch, list[0]);
            assert_eq!(run(&a, &d).unwrap().ret, run(&b, &d).unwrap().ret);
        }
    }
}
