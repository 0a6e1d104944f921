//! `syscall-table check FILE...`: validates system-call tables and prints every problem as
//! `file:line:col: error: …`. Exits 0 when all are valid, 1 when any is not, 2 on bad usage.

use std::process::ExitCode;

const USAGE: &str = "usage: syscall-table check FILE...\n\n\
Validates fast-syscall system-call tables (schema: tables/README.md) and prints every problem\n\
with its file:line:col. Exit status: 0 all valid, 1 problems found, 2 usage error.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((cmd, files)) if cmd == "check" && !files.is_empty() => check(files),
        Some((cmd, _)) if cmd == "-h" || cmd == "--help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn check(files: &[String]) -> ExitCode {
    let mut problems = 0usize;
    for file in files {
        let text = match syscall_table::read_table_file(std::path::Path::new(file)) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: error: {e}");
                problems += 1;
                continue;
            }
        };
        match syscall_table::parse_table(file, &text) {
            Ok(table) => println!(
                "{file}: ok: {} system calls for {}",
                table.syscalls.len(),
                table.abi.name
            ),
            Err(errors) => {
                problems += errors.0.len();
                eprintln!("{errors}");
            }
        }
    }
    if problems == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{problems} problem{} found",
            if problems == 1 { "" } else { "s" }
        );
        ExitCode::FAILURE
    }
}
