//! Property-based fuzzing of the parser and validator: mutated and random tables never make it
//! panic, and every rejection names a real `file:line:col` of the input.
//!
//! CI runs the default number of cases; a long run is
//! `PROPTEST_CASES=200000 cargo test --release -p syscall-table --test fuzz`.

use proptest::prelude::*;
use syscall_table::{EMBEDDED_SOURCES, parse_table};

/// A small valid table to mutate (the x86_64 header and its first rows).
fn seed() -> String {
    let text = EMBEDDED_SOURCES[0].1;
    let end = text
        .match_indices("[[syscall]]")
        .nth(12)
        .map_or(text.len(), |(i, _)| i);
    text[..end].to_string()
}

/// Checks the contract on any input: no panic (the test would fail), and errors that point
/// inside the text.
fn check(text: &str) {
    if let Err(errors) = parse_table("fuzz.toml", text) {
        assert!(!errors.0.is_empty());
        let lines = text.split('\n').count();
        for e in &errors.0 {
            assert_eq!(e.file, "fuzz.toml");
            assert!(
                e.line >= 1 && e.line <= lines,
                "line {} of {lines}: {e}",
                e.line
            );
            let line_len = text
                .split('\n')
                .nth(e.line - 1)
                .map_or(0, |l| l.chars().count());
            assert!(
                e.col >= 1 && e.col <= line_len + 1,
                "col {} of {line_len}: {e}",
                e.col
            );
            assert!(!e.message.is_empty());
            assert!(
                e.to_string()
                    .starts_with(&format!("fuzz.toml:{}:{}: error: ", e.line, e.col))
            );
        }
    }
}

/// Edits that keep most of the structure, so the validator (not only the TOML parser) is reached.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceNumber(usize, i64),
    ReplaceString(usize, String),
    InsertBytes(usize, Vec<u8>),
    FlipByte(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (
            any::<usize>(),
            prop_oneof![any::<i64>(), -10i64..2000, 0x3ff_ffffi64..0x4000_1000]
        )
            .prop_map(|(a, n)| Edit::ReplaceNumber(a, n)),
        (
            any::<usize>(),
            prop_oneof![
                Just(String::new()),
                Just("ptr_mut".to_string()),
                Just("i64".to_string()),
                Just("vdso".to_string()),
                Just("int80".to_string()),
                Just("even".to_string()),
                "[a-z_]{0,12}",
                "\\PC{0,8}",
            ]
        )
            .prop_map(|(a, s)| Edit::ReplaceString(a, s)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Edit::InsertBytes(a, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::FlipByte(a, b)),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    match edit {
        Edit::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Edit::DuplicateLine(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Edit::SwapLines(a, b) => lines.swap(a % n, b % n),
        Edit::ReplaceNumber(i, v) => {
            let l = &mut lines[i % n];
            if let Some(pos) = l.find(|c: char| c.is_ascii_digit()) {
                let end = l[pos..]
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .map_or(l.len(), |e| pos + e);
                l.replace_range(pos..end, &v.to_string());
            }
        }
        Edit::ReplaceString(i, s) => {
            let l = &mut lines[i % n];
            if let Some(a) = l.find('"') {
                if let Some(b) = l[a + 1..].find('"') {
                    l.replace_range(a + 1..a + 1 + b, s);
                }
            }
        }
        Edit::InsertBytes(at, bytes) => {
            let mut raw = lines.join("\n").into_bytes();
            let at = at % (raw.len() + 1);
            raw.splice(at..at, bytes.iter().copied());
            return String::from_utf8_lossy(&raw).into_owned();
        }
        Edit::FlipByte(at, b) => {
            let mut raw = lines.join("\n").into_bytes();
            if !raw.is_empty() {
                let at = at % raw.len();
                raw[at] ^= b | 1;
            }
            return String::from_utf8_lossy(&raw).into_owned();
        }
    }
    lines.join("\n") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_tables_never_panic_and_errors_point_inside(edits in proptest::collection::vec(edit(), 1..6)) {
        let mut text = seed();
        for e in &edits {
            text = apply(&text, e);
        }
        check(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check(&text);
    }

    #[test]
    fn arbitrary_toml_shapes_never_panic(
        header in proptest::collection::vec(("[a-z_]{1,20}", "[0-9]{1,12}|\"[a-z0-9_]{0,10}\"|\\[\\]|true"), 0..14),
        rows in proptest::collection::vec(("[a-z_]{1,10}", 0i64..5000, 0usize..9), 0..8),
    ) {
        let mut text = String::from("[abi]\n");
        for (k, v) in &header {
            text.push_str(&format!("{k} = {v}\n"));
        }
        for (name, nr, nargs) in &rows {
            text.push_str(&format!("\n[[syscall]]\nname = \"{name}\"\nnumber = {nr}\nret = \"long\"\nargs = ["));
            for a in 0..*nargs {
                text.push_str(&format!("{{ name = \"a{a}\", type = \"int\", kind = \"i32\", regs = [{a}] }}, "));
            }
            text.push_str("]\n");
        }
        check(&text);
    }
}

#[test]
fn the_seed_is_valid_so_mutations_reach_the_validator() {
    parse_table("seed.toml", &seed()).unwrap();
}
