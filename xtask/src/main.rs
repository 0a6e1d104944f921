//! Project tasks: `cargo xtask import [--check]`, `cargo xtask codegen [--check]`.

mod build_cost;
mod codegen;
mod import;
mod layouts;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask codegen [--check]
       cargo xtask build-cost [--runs N] [--only decls|hello|first]
       cargo xtask import [--kernel DIR] [--signatures FILE] [--vdso FILE] [--overrides FILE]
                          [--out DIR] [--check]

  import   regenerate tables/*.toml from a kernel source root laid out like
           ../shared/kernel-tables/linux (default), signatures.tsv and vdso.tsv (default: beside
           the kernel root) and xtask/overrides.toml. With --check, write nothing and fail when
           the committed tables differ from what the inputs give.
  codegen  regenerate syscall-rt/src/arch/*.rs (numbers of every ABI) and syscall-rt/src/sys/*.rs
           (a #[fast_syscall] declaration per system call) from tables/, and the tests' expected
           uapi layouts from each ABI's C compiler. With --check, fail when they are stale.
  build-cost  compile time: the x86_64 generated API as #[fast_syscall] declarations vs the same
           functions as hand-written asm!, clean and incremental (median of N runs, default 3); a
           clean build of a hello program on syscall-rt vs on rustix, side by side (best of N,
           with the cargo --timings units of each); the cost of a crate's first declaration.";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("import") => run_import(&args[1..]),
        Some("codegen") => run_codegen(&args[1..]),
        Some("build-cost") => {
            let mut runs = Ok(3);
            let mut only = None;
            let mut rest = args[1..].iter();
            while let Some(a) = rest.next() {
                match a.as_str() {
                    "--runs" => {
                        runs = rest
                            .next()
                            .and_then(|n| n.parse().ok())
                            .ok_or_else(|| format!("--runs needs a number\n\n{USAGE}"));
                    }
                    "--only" => only = rest.next().cloned(),
                    other => runs = Err(format!("unknown argument `{other}`\n\n{USAGE}")),
                }
            }
            runs.and_then(|runs| build_cost::run(&workspace_root(), runs, only.as_deref()))
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `--flag VALUE` pairs and bare `--check`.
struct Flags {
    values: Vec<(String, String)>,
    check: bool,
}

fn parse_flags(args: &[String], known: &[&str]) -> Result<Flags, String> {
    let mut flags = Flags {
        values: Vec::new(),
        check: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--check" {
            flags.check = true;
        } else if known.contains(&a.as_str()) {
            let v = it
                .next()
                .ok_or_else(|| format!("{a} needs a value\n\n{USAGE}"))?;
            flags.values.push((a.clone(), v.clone()));
        } else {
            return Err(format!("unknown argument `{a}`\n\n{USAGE}"));
        }
    }
    Ok(flags)
}

impl Flags {
    fn get(&self, name: &str) -> Option<PathBuf> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| PathBuf::from(v))
    }
}

fn run_import(args: &[String]) -> Result<(), String> {
    let flags = parse_flags(
        args,
        &["--kernel", "--signatures", "--vdso", "--overrides", "--out"],
    )?;
    let root = workspace_root();
    let kernel = flags
        .get("--kernel")
        .unwrap_or_else(|| root.join("../shared/kernel-tables/linux"));
    let beside = kernel.parent().map(Path::to_path_buf).unwrap_or_default();
    let inputs = import::Inputs {
        signatures: flags
            .get("--signatures")
            .unwrap_or_else(|| beside.join("signatures.tsv")),
        vdso: flags
            .get("--vdso")
            .unwrap_or_else(|| beside.join("vdso.tsv")),
        overrides: flags
            .get("--overrides")
            .unwrap_or_else(|| root.join("xtask/overrides.toml")),
        out: flags.get("--out").unwrap_or_else(|| root.join("tables")),
        kernel,
    };
    let files = import::render(&inputs)?;
    write_or_check(&inputs.out, &files, flags.check, "cargo xtask import")
}

fn run_codegen(args: &[String]) -> Result<(), String> {
    let flags = parse_flags(args, &[])?;
    let root = workspace_root();
    let tables = codegen::read_tables(&root)?;
    let mut files = codegen::render(&tables);
    let tables: Vec<syscall_table::Table> = tables.into_iter().map(|(t, _)| t).collect();
    files.push(codegen::libc_test(&root, &tables)?);
    files.push(codegen::schema_copy(&root)?);
    files.push(layouts::render(&root, &tables)?);
    write_or_check(&root, &files, flags.check, "cargo xtask codegen")
}

/// Writes `files` into `dir`, or with `check` compares them and fails on any difference.
fn write_or_check(
    dir: &Path,
    files: &[(String, String)],
    check: bool,
    command: &str,
) -> Result<(), String> {
    let mut stale = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else {
            let parent = path.parent().unwrap_or(dir);
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    if stale.is_empty() {
        if check {
            println!("{command}: {} files up to date", files.len());
        }
        Ok(())
    } else {
        Err(format!(
            "stale generated files (run `{command}`):\n  {}",
            stale.join("\n  ")
        ))
    }
}
