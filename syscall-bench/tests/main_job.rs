//! The main job's output contract, on a quick run: with stderr not a terminal it writes no
//! progress (no escape codes in logs), and `--json` is one valid JSON document with every row.

use std::process::{Command, Stdio};

fn run(args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_syscall-bench"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run syscall-bench");
    assert!(
        out.status.success(),
        "syscall-bench {args:?}: {:?}",
        out.status
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_log_gets_no_progress_and_no_escape_codes() {
    let (stdout, stderr) = run(&["--quick"]);
    assert_eq!(stderr, "", "stderr is a pipe here: no progress");
    assert!(!stdout.contains('\x1b'), "escape codes on stdout");
    assert!(
        stdout.contains("| getpid | syscall (fast-syscall) |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| getrandom 16 B | rustix::rand::getrandom |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| getrandom 16 B | getrandom crate (fill) |"),
        "{stdout}"
    );
}

#[test]
fn json_output_is_one_document_with_every_row() {
    let (stdout, stderr) = run(&["--quick", "--json"]);
    assert_eq!(stderr, "");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(doc["machine"]["target_arch"], std::env::consts::ARCH);
    assert!(doc["machine"]["cores"].as_u64().unwrap() >= 1);
    for (table, key) in [("mechanisms", "mechanism"), ("getrandom", "path")] {
        let rows = doc[table]
            .as_array()
            .unwrap_or_else(|| panic!("{table}: {stdout}"));
        assert!(rows.len() >= 4, "{table}: {rows:?}");
        for r in rows {
            assert!(r["call"].is_string() && r[key].is_string(), "{r}");
            let (median, min, max) = (
                r["median_ns"].as_f64().unwrap(),
                r["min_ns"].as_f64().unwrap(),
                r["max_ns"].as_f64().unwrap(),
            );
            assert!(min > 0.0 && min <= median && median <= max, "{r}");
        }
    }
    let paths: Vec<&str> = doc["getrandom"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    for want in [
        "libc getrandom()",
        "rustix::rand::getrandom",
        "getrandom crate (fill)",
    ] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
    // `--format json` is the same switch.
    let (again, _) = run(&["--quick", "--format", "json"]);
    serde_json::from_str::<serde_json::Value>(&again).expect("valid JSON");
}

#[test]
fn a_bad_argument_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_syscall-bench"))
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown argument `--frobnicate`"));
}
