//! One test per rejection of the validator: each feeds a broken table and checks the message and
//! the `file:line:col` it points at.

use syscall_table::{TableError, parse_table};

/// A small valid table; tests replace one line of it.
const BASE: &str = r#"[abi]
name = "test32"
target_arch = "arm"
target_pointer_width = 32
register_bits = 32
kernel = "7.0"
tags = ["common", "eabi"]
number_min = 0
number_max = 1023
pair_alignment = "even"
mechanisms = ["svc", "vdso"]
default_mechanism = "svc"

[[syscall]]
name = "read"
number = 3
entry = "sys_read"
ret = "long"
args = [
  { name = "fd", type = "unsigned int", kind = "u32", regs = [0] },
  { name = "buf", type = "char __user *", kind = "ptr_mut", regs = [1] },
  { name = "count", type = "size_t", kind = "u32", regs = [2] },
]

[[syscall]]
name = "pread64"
number = 180
entry = "sys_pread64"
ret = "long"
args = [
  { name = "fd", type = "unsigned int", kind = "u32", regs = [0] },
  { name = "buf", type = "char __user *", kind = "ptr_mut", regs = [1] },
  { name = "count", type = "size_t", kind = "u32", regs = [2] },
  { name = "pos", type = "loff_t", kind = "i64", regs = [4, 5] },
]

[[syscall]]
name = "clock_gettime"
number = 263
entry = "sys_clock_gettime32"
ret = "long"
args = [
  { name = "which_clock", type = "clockid_t", kind = "i32", regs = [0] },
  { name = "tp", type = "struct old_timespec32 __user *", kind = "ptr_mut", regs = [1] },
]
vdso = { symbol = "__vdso_clock_gettime", version = "LINUX_2.6" }

[[syscall]]
name = "exit"
number = 1
entry = "sys_exit"
ret = "long"
args = [{ name = "error_code", type = "int", kind = "i32", regs = [0] }]
noreturn = true
"#;

/// `BASE` with the first line equal to `from` replaced by `to`.
fn with(from: &str, to: &str) -> String {
    let mut lines: Vec<&str> = BASE.lines().collect();
    let i = lines
        .iter()
        .position(|l| *l == from)
        .unwrap_or_else(|| panic!("no line `{from}` in BASE"));
    lines[i] = to;
    lines.join("\n") + "\n"
}

/// Parses `text`, expects exactly one error and returns it.
fn one_error(text: &str) -> TableError {
    let errors = parse_table("t.toml", text)
        .expect_err("table should be rejected")
        .0;
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    errors.into_iter().next().unwrap()
}

fn assert_error(e: &TableError, line: usize, col: usize, fragment: &str) {
    assert_eq!(e.file, "t.toml");
    assert!(
        e.message.contains(fragment),
        "message `{}` lacks `{fragment}`",
        e.message
    );
    assert_eq!((e.line, e.col), (line, col), "wrong location for: {e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("t.toml:{line}:{col}: error: ")),
        "{shown}"
    );
}

#[test]
fn the_base_table_is_valid() {
    let t = parse_table("t.toml", BASE).unwrap();
    assert_eq!(t.syscalls.len(), 4);
    assert_eq!(t.by_number(180).unwrap().args[3].regs, vec![4, 5]);
}

#[test]
fn rejects_malformed_toml() {
    let e = one_error(&with("number = 3", "number = = 3"));
    assert_error(&e, 16, 10, "");
    assert!(e.help.unwrap().contains("TOML syntax"));
}

#[test]
fn rejects_a_missing_field() {
    let e = one_error(&with("ret = \"long\"", ""));
    assert!(e.message.contains("missing field `ret`"), "{e}");
    assert_eq!(e.line, 14);
}

#[test]
fn rejects_an_unknown_field() {
    let e = one_error(&with("entry = \"sys_read\"", "entry_point = \"sys_read\""));
    assert_error(&e, 17, 1, "unknown field `entry_point`");
}

#[test]
fn rejects_an_unknown_header_field() {
    let e = one_error(&with("kernel = \"7.0\"", "kernal = \"7.0\""));
    assert_error(&e, 6, 1, "unknown field `kernal`");
}

#[test]
fn rejects_a_duplicate_name() {
    let e = one_error(&with("name = \"pread64\"", "name = \"read\""));
    assert_error(
        &e,
        26,
        8,
        "duplicate syscall name `read` (first defined at line 15)",
    );
}

#[test]
fn rejects_a_duplicate_number() {
    let e = one_error(&with("number = 180", "number = 3"));
    assert_error(&e, 27, 10, "duplicate syscall number 3: `read` (line 16)");
}

#[test]
fn rejects_more_than_six_arguments() {
    let seven = "args = [{ name = \"a\", type = \"int\", kind = \"i32\", regs = [0] }, { name = \"b\", type = \"int\", kind = \"i32\", regs = [1] }, { name = \"c\", type = \"int\", kind = \"i32\", regs = [2] }, { name = \"d\", type = \"int\", kind = \"i32\", regs = [3] }, { name = \"e\", type = \"int\", kind = \"i32\", regs = [4] }, { name = \"f\", type = \"int\", kind = \"i32\", regs = [5] }, { name = \"g\", type = \"int\", kind = \"i32\", regs = [6] }]";
    let errors = parse_table(
        "t.toml",
        &with(
            "args = [{ name = \"error_code\", type = \"int\", kind = \"i32\", regs = [0] }]",
            seven,
        ),
    )
    .unwrap_err()
    .0;
    assert!(
        errors[0]
            .message
            .contains("has 7 arguments; Linux passes at most 6"),
        "{errors:?}"
    );
    assert_eq!((errors[0].line, errors[0].col), (53, 8));
    assert!(
        errors[1]
            .message
            .contains("register 6 of `exit` is out of range"),
        "{errors:?}"
    );
}

#[test]
fn rejects_a_register_out_of_range() {
    let e = one_error(&with(
        "  { name = \"count\", type = \"size_t\", kind = \"u32\", regs = [2] },",
        "  { name = \"count\", type = \"size_t\", kind = \"u32\", regs = [7] },",
    ));
    assert_error(&e, 22, 60, "register 7 of `read` is out of range");
}

#[test]
fn rejects_a_register_used_twice() {
    let e = one_error(&with(
        "  { name = \"count\", type = \"size_t\", kind = \"u32\", regs = [2] },",
        "  { name = \"count\", type = \"size_t\", kind = \"u32\", regs = [1] },",
    ));
    assert_error(&e, 22, 60, "register 1 of `read` is used by two arguments");
}

#[test]
fn rejects_an_unknown_kind() {
    let e = one_error(&with(
        "  { name = \"fd\", type = \"unsigned int\", kind = \"u32\", regs = [0] },",
        "  { name = \"fd\", type = \"unsigned int\", kind = \"uint\", regs = [0] },",
    ));
    assert_error(&e, 20, 48, "unknown argument kind `uint`");
}

#[test]
fn rejects_a_number_outside_the_range() {
    let e = one_error(&with("number = 263", "number = 5000"));
    assert_error(
        &e,
        39,
        10,
        "number 5000 of `clock_gettime` is outside the test32 range 0x0..=0x3ff",
    );
}

#[test]
fn rejects_a_negative_number() {
    let e = one_error(&with("number = 263", "number = -1"));
    assert_error(&e, 39, 10, "outside the test32 range");
}

#[test]
fn rejects_a_vdso_symbol_on_an_abi_without_vdso() {
    let e = one_error(&with(
        "mechanisms = [\"svc\", \"vdso\"]",
        "mechanisms = [\"svc\"]",
    ));
    assert_error(
        &e,
        46,
        19,
        "names vDSO symbol `__vdso_clock_gettime` but the test32 ABI has no vDSO",
    );
}

#[test]
fn rejects_an_unknown_return() {
    let text = BASE.replacen(
        "entry = \"sys_exit\"\nret = \"long\"",
        "entry = \"sys_exit\"\nret = \"int\"",
        1,
    );
    let e = one_error(&text);
    assert_error(&e, 52, 7, "unknown return `int` of `exit`");
}

#[test]
fn rejects_an_unknown_return_kind() {
    let text = BASE.replacen(
        "entry = \"sys_exit\"\nret = \"long\"",
        "entry = \"sys_exit\"\nret = { type = \"int\", kind = \"int\" }",
        1,
    );
    let e = one_error(&text);
    assert_error(&e, 52, 7, "unknown return kind `int` of `exit`");
}

#[test]
fn rejects_a_pointer_return_kind() {
    let text = BASE.replacen(
        "entry = \"sys_exit\"\nret = \"long\"",
        "entry = \"sys_exit\"\nret = { type = \"void *\", kind = \"ptr_mut\" }",
        1,
    );
    let e = one_error(&text);
    assert_error(
        &e,
        52,
        7,
        "return kind of `exit` must be an integer, not `ptr_mut`",
    );
}

#[test]
fn rejects_a_return_wider_than_the_result_register() {
    let text = BASE.replacen(
        "entry = \"sys_exit\"\nret = \"long\"",
        "entry = \"sys_exit\"\nret = { type = \"loff_t\", kind = \"i64\" }",
        1,
    );
    let e = one_error(&text);
    assert_error(
        &e,
        52,
        7,
        "`exit` returns 64 bits, but the result register has 32",
    );
}

#[test]
fn rejects_noreturn_with_a_vdso_function() {
    // The expansion of a no-return call has no vDSO path: the macro once panicked on this.
    let text = with(
        "noreturn = true",
        "noreturn = true\nvdso = { symbol = \"__vdso_exit\", version = \"LINUX_2.6\" }",
    );
    let errors = parse_table("t.toml", &text).unwrap_err().0;
    assert!(
        errors.iter().any(|e| e
            .message
            .contains("`exit` is flagged noreturn and names a vDSO function")
            && (e.line, e.col) == (55, 8)),
        "{errors:#?}"
    );
}

#[test]
fn rejects_noreturn_with_two_arguments() {
    let e = one_error(&with(
        "args = [{ name = \"error_code\", type = \"int\", kind = \"i32\", regs = [0] }]",
        "args = [{ name = \"error_code\", type = \"int\", kind = \"i32\", regs = [0] }, { name = \"x\", type = \"int\", kind = \"i32\", regs = [1] }]",
    ));
    assert_error(
        &e,
        54,
        12,
        "`exit` is flagged noreturn but takes 2 arguments",
    );
}

#[test]
fn rejects_an_argument_out_of_its_register() {
    // `exit` with its status in register 1: the stub passed 0 in register 0 and the process
    // exited with status 0.
    let e = one_error(&with(
        "args = [{ name = \"error_code\", type = \"int\", kind = \"i32\", regs = [0] }]",
        "args = [{ name = \"error_code\", type = \"int\", kind = \"i32\", regs = [1] }]",
    ));
    assert_error(
        &e,
        53,
        67,
        "argument `error_code` of `exit` must be in register 0",
    );
}

#[test]
fn rejects_an_argument_that_skips_a_register() {
    // Only the even-pair padding of Arm EABI may leave a register out.
    let e = one_error(&with(
        "  { name = \"count\", type = \"size_t\", kind = \"u32\", regs = [2] },",
        "  { name = \"count\", type = \"size_t\", kind = \"u32\", regs = [3] },",
    ));
    assert_error(
        &e,
        22,
        59,
        "argument `count` of `read` must be in register 2",
    );
}

#[test]
fn rejects_a_vdso_symbol_for_a_call_the_vdso_cannot_serve() {
    let e = one_error(&with(
        "entry = \"sys_read\"",
        "entry = \"sys_read\"\nvdso = { symbol = \"__vdso_read\", version = \"LINUX_2.6\" }",
    ));
    assert_error(&e, 18, 19, "`read` cannot have a vDSO symbol");
}

#[test]
fn rejects_an_unknown_unsafe_reason() {
    let e = one_error(&with(
        "noreturn = true",
        "noreturn = true\nneeds_unsafe = \"scary\"",
    ));
    assert_error(&e, 55, 16, "unknown needs_unsafe reason `scary`");
}

#[test]
fn rejects_a_name_longer_than_the_limit() {
    let long = "x".repeat(syscall_table::MAX_NAME_LEN + 1);
    let e = one_error(&with("name = \"exit\"", &format!("name = \"{long}\"")));
    assert_error(&e, 49, 8, "characters long; names are at most 64");
}

#[test]
fn rejects_a_target_arch_without_primitives() {
    let e = one_error(&with("target_arch = \"arm\"", "target_arch = \"mips\""));
    assert_error(
        &e,
        3,
        15,
        "unknown target_arch `mips`: fast-syscall has no entry primitives for it",
    );
}

#[test]
fn rejects_a_mechanism_the_arch_lacks() {
    let e = one_error(&with(
        "mechanisms = [\"svc\", \"vdso\"]",
        "mechanisms = [\"svc\", \"vdso\", \"sysenter\"]",
    ));
    assert_error(&e, 11, 30, "mechanism `sysenter` does not exist on arm");
}

#[test]
fn rejects_a_default_mechanism_the_arch_lacks() {
    let e = one_error(&with(
        "default_mechanism = \"svc\"",
        "default_mechanism = \"ecall\"",
    ));
    assert_error(
        &e,
        12,
        21,
        "default_mechanism `ecall` does not exist on arm",
    );
}

#[test]
fn rejects_register_bits_the_arch_lacks() {
    let errors = parse_table("t.toml", &with("register_bits = 32", "register_bits = 64"))
        .unwrap_err()
        .0;
    assert_eq!((errors[0].line, errors[0].col), (5, 17));
    assert!(
        errors[0]
            .message
            .contains("arm's argument registers are 32 bits, not 64"),
        "{errors:#?}"
    );
}

#[test]
fn rejects_a_pair_alignment_the_arch_lacks() {
    let e = one_error(&with(
        "pair_alignment = \"even\"",
        "pair_alignment = \"any\"",
    ));
    assert_error(
        &e,
        10,
        18,
        "arm aligns 64-bit register pairs `even`, not `any`",
    );
}

#[test]
fn rejects_an_unknown_mechanism() {
    let e = one_error(&with(
        "mechanisms = [\"svc\", \"vdso\"]",
        "mechanisms = [\"svc\", \"vdso\", \"sysret\"]",
    ));
    assert_error(&e, 11, 30, "unknown mechanism `sysret`");
}

#[test]
fn rejects_a_default_mechanism_not_offered() {
    let text = with(
        "mechanisms = [\"svc\", \"vdso\"]",
        "mechanisms = [\"vdso\"]",
    );
    let e = one_error(&text);
    assert_error(&e, 12, 21, "default_mechanism `svc` is not in `mechanisms`");
}

#[test]
fn rejects_vdso_as_the_default_mechanism() {
    let e = one_error(&with(
        "default_mechanism = \"svc\"",
        "default_mechanism = \"vdso\"",
    ));
    assert_error(&e, 12, 21, "default_mechanism cannot be `vdso`");
}

#[test]
fn rejects_an_unknown_target_arch() {
    let e = one_error(&with("target_arch = \"arm\"", "target_arch = \"armv7\""));
    assert_error(&e, 3, 15, "unknown target_arch `armv7`");
}

#[test]
fn rejects_a_bad_pointer_width() {
    let e = one_error(&with(
        "target_pointer_width = 32",
        "target_pointer_width = 16",
    ));
    assert_error(&e, 4, 24, "target_pointer_width must be 32 or 64, not 16");
}

#[test]
fn rejects_a_pointer_width_the_arch_lacks() {
    let text = with("target_pointer_width = 32", "target_pointer_width = 64");
    let errors = parse_table("t.toml", &text).unwrap_err().0;
    assert!(
        errors[0]
            .message
            .contains("arm has no ABI with 64-bit pointers"),
        "{errors:#?}"
    );
    assert_eq!((errors[0].line, errors[0].col), (4, 24));
    assert!(
        errors.iter().any(|e| e
            .message
            .contains("register_bits is smaller than target_pointer_width")),
        "{errors:#?}"
    );
}

#[test]
fn rejects_an_inverted_number_range() {
    let e = one_error(&with("number_min = 0", "number_min = 2000"));
    assert_error(&e, 9, 14, "number_max 1023 is below number_min 2000");
}

#[test]
fn rejects_an_unknown_pair_alignment() {
    let e = one_error(&with(
        "pair_alignment = \"even\"",
        "pair_alignment = \"odd\"",
    ));
    assert_error(&e, 10, 18, "unknown pair_alignment `odd`");
}

#[test]
fn rejects_a_64_bit_argument_in_one_32_bit_register() {
    let e = one_error(&with(
        "  { name = \"pos\", type = \"loff_t\", kind = \"i64\", regs = [4, 5] },",
        "  { name = \"pos\", type = \"loff_t\", kind = \"i64\", regs = [4] },",
    ));
    assert_error(
        &e,
        34,
        57,
        "argument `pos` of `pread64` (i64) needs 2 registers on test32",
    );
}

#[test]
fn rejects_a_pair_at_an_odd_register_on_arm() {
    let e = one_error(&with(
        "  { name = \"pos\", type = \"loff_t\", kind = \"i64\", regs = [4, 5] },",
        "  { name = \"pos\", type = \"loff_t\", kind = \"i64\", regs = [3, 4] },",
    ));
    assert_error(
        &e,
        34,
        57,
        "starts at an odd register; test32 aligns 64-bit arguments to an even pair",
    );
}

#[test]
fn rejects_a_pair_of_non_consecutive_registers() {
    let e = one_error(&with(
        "  { name = \"pos\", type = \"loff_t\", kind = \"i64\", regs = [4, 5] },",
        "  { name = \"pos\", type = \"loff_t\", kind = \"i64\", regs = [5, 4] },",
    ));
    assert_error(&e, 34, 57, "is not two consecutive registers");
}

#[test]
fn rejects_a_duplicate_argument_name() {
    let e = one_error(&with(
        "  { name = \"count\", type = \"size_t\", kind = \"u32\", regs = [2] },",
        "  { name = \"fd\", type = \"size_t\", kind = \"u32\", regs = [2] },",
    ));
    assert_error(&e, 22, 12, "argument `fd` of `read` is named twice");
}

#[test]
fn rejects_a_name_that_is_not_an_identifier() {
    let e = one_error(&with("name = \"read\"", "name = \"read it\""));
    assert_error(
        &e,
        15,
        8,
        "syscall name `read it` is not a lowercase identifier",
    );
}

#[test]
fn rejects_an_empty_c_type() {
    let e = one_error(&with(
        "  { name = \"fd\", type = \"unsigned int\", kind = \"u32\", regs = [0] },",
        "  { name = \"fd\", type = \"\", kind = \"u32\", regs = [0] },",
    ));
    assert_error(&e, 20, 25, "empty C type");
}

#[test]
fn rejects_a_vdso_symbol_without_a_kernel_entry() {
    let e = one_error(&with("entry = \"sys_clock_gettime32\"", ""));
    assert_error(
        &e,
        46,
        19,
        "has a vDSO symbol but no kernel entry to fall back to",
    );
}

#[test]
fn rejects_an_empty_vdso_version() {
    let e = one_error(&with(
        "vdso = { symbol = \"__vdso_clock_gettime\", version = \"LINUX_2.6\" }",
        "vdso = { symbol = \"__vdso_clock_gettime\", version = \"\" }",
    ));
    assert_error(&e, 46, 53, "empty vDSO version");
}

#[test]
fn reports_every_problem_at_once() {
    let text =
        with("number = 180", "number = 3").replace("kind = \"ptr_mut\"", "kind = \"pointer\"");
    let errors = parse_table("t.toml", &text).unwrap_err().0;
    assert_eq!(errors.len(), 4, "{errors:#?}"); // the duplicate number + 3 unknown kinds
}
