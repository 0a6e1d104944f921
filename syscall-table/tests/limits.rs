//! Hostile inputs of the table checker: huge tables, files that are not files, long names.
//! Each failed before its fix (quadratic error locating, a FIFO that blocked the read forever,
//! `/dev/zero` read until memory ran out, a 10,000-character name searched for 20 s).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use syscall_table::{MAX_TABLE_BYTES, parse_table, read_table_file};

const HEADER: &str = r#"[abi]
name = "big"
target_arch = "x86_64"
target_pointer_width = 64
register_bits = 64
kernel = "7.0"
tags = ["common"]
number_min = 0
number_max = 1023
pair_alignment = "any"
mechanisms = ["syscall"]
default_mechanism = "syscall"
"#;

/// A table of `rows` calls numbered from 0: every number above 1023 is out of range.
fn big_table(rows: usize) -> String {
    let mut text = String::from(HEADER);
    for i in 0..rows {
        text.push_str(&format!(
            "\n[[syscall]]\nname = \"call_{i}\"\nnumber = {i}\nentry = \"sys_call_{i}\"\nret = \"long\"\nargs = [\n  {{ name = \"fd\", type = \"int\", kind = \"i32\", regs = [0] }},\n]\n"
        ));
    }
    text
}

/// Runs `f` on another thread; fails the test when it takes longer than `limit` (a regression
/// to the quadratic locating took minutes here, so the bound is generous, not a benchmark).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

#[test]
fn a_table_with_thousands_of_errors_is_located_in_linear_time() {
    // 40,000 rows (13 MB), 38,976 of them out of range: each error used to rescan the text
    // before it, which took 89 s for half as many rows in a debug build; now it takes about 3 s.
    let text = big_table(40_000);
    let errors = within(Duration::from_secs(60), move || {
        parse_table("big.toml", &text).unwrap_err().0
    });
    assert_eq!(errors.len(), 40_000 - 1024);
    let last = errors.last().unwrap();
    assert!(
        last.message.contains("number 39999 of `call_39999`"),
        "{last}"
    );
    // 12 header lines, then 9 lines per row; the number is the 3rd line of its row.
    assert_eq!((last.line, last.col), (13 + 9 * 39_999 + 3, 10));
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("fast-syscall-limits-{}-{name}", std::process::id()))
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let path = temp("fifo");
    let _ = std::fs::remove_file(&path);
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let p = path.clone();
    let e = within(Duration::from_secs(30), move || read_table_file(&p)).unwrap_err();
    assert!(e.contains("not a regular file"), "{e}");
    assert!(e.contains(&path.display().to_string()), "{e}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_device_that_never_ends_is_refused() {
    let e = within(Duration::from_secs(30), || {
        read_table_file(Path::new("/dev/zero"))
    })
    .unwrap_err();
    assert!(e.contains("table `/dev/zero` is not a regular file"), "{e}");
}

#[test]
fn a_directory_is_refused() {
    let e = read_table_file(&std::env::temp_dir()).unwrap_err();
    assert!(e.contains("is a directory"), "{e}");
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let path = temp("huge.toml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(MAX_TABLE_BYTES + 1).unwrap(); // sparse: no disk used
    let e = read_table_file(&path).unwrap_err();
    assert!(
        e.contains(&format!(
            "is {} bytes; tables are limited to",
            MAX_TABLE_BYTES + 1
        )),
        "{e}"
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_file_that_is_not_utf8_is_refused() {
    let path = temp("latin1.toml");
    std::fs::write(&path, b"[abi]\nname = \"caf\xe9\"\n").unwrap();
    let e = read_table_file(&path).unwrap_err();
    assert!(e.contains("is not UTF-8 (byte 17 is invalid)"), "{e}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_missing_file_names_its_path() {
    let e = read_table_file(Path::new("/nonexistent/fast-syscall.toml")).unwrap_err();
    assert!(
        e.starts_with("cannot read table `/nonexistent/fast-syscall.toml`"),
        "{e}"
    );
}

#[test]
fn a_long_name_gets_no_quadratic_suggestion_search() {
    let x86_64 = syscall_table::embedded("x86_64").unwrap();
    let name = "getpid".repeat(2000); // 12,000 characters
    let close = within(Duration::from_secs(30), move || {
        x86_64.closest(&name, 3).len()
    });
    assert_eq!(close, 0);
    // Ordinary names still get their suggestions.
    assert_eq!(x86_64.closest("getpdi", 1), vec!["getpid"]);
}
