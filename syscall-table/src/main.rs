//! `syscall-table check FILE...`: validates system-call tables and prints every problem as
//! `file:line:col: error: …`. Exits 0 when all are valid, 1 when any is not, 2 on bad usage.
//!
//! `syscall-table manifest [--format text|oci] [--default-action ACTION] [--allow NAMES] BINARY`:
//! prints the system calls a binary makes through `#[fast_syscall]` stubs, or an OCI seccomp
//! profile allowing them. Exits 0 on success, 1 when the binary cannot be read or has no
//! records, 2 on bad usage.

use std::process::ExitCode;

use syscall_table::manifest::{self, ManifestError};

const USAGE: &str = "\
usage: syscall-table check FILE...
       syscall-table manifest [--format text|oci] [--default-action ACTION]
                              [--allow NAME[,NAME...]] BINARY

check: validates fast-syscall system-call tables (schema: tables/README.md) and prints every
problem with its file:line:col. Exit status: 0 all valid, 1 problems found, 2 usage error.

manifest: prints the system calls BINARY (an ELF file of any architecture) makes through
#[fast_syscall] stubs, read from the stubs' `fast-syscall` ELF notes, one line each:
`ABI NAME NUMBER MECHANISM`, MECHANISM being syscall, int80, sysenter, svc or ecall, prefixed
vdso/ when the stub tries the vDSO first. Calls made outside the stubs (libc's own, raw asm)
leave no record.
  --format oci             print an OCI (Docker, runc, crun, Podman) seccomp profile instead:
                           it allows the recorded calls and execve (the runtime execs the
                           container's process after installing the profile)
  --default-action ACTION  the profile's defaultAction: SCMP_ACT_KILL_PROCESS (default),
                           SCMP_ACT_ERRNO (fail with EPERM) or SCMP_ACT_LOG
  --allow NAME[,NAME...]   also allow these system calls (repeatable)
Exit status: 0 done, 1 BINARY unreadable, malformed or without records, 2 usage error.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((cmd, files)) if cmd == "check" && !files.is_empty() => check(files),
        Some((cmd, rest)) if cmd == "manifest" => match parse_manifest_args(rest) {
            Ok(Some(opts)) => manifest_cmd(&opts),
            Ok(None) => {
                println!("{USAGE}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("syscall-table manifest: {e}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
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

/// The options of `syscall-table manifest`.
struct ManifestOpts {
    oci: bool,
    default_action: Option<String>,
    allow: Vec<String>,
    binary: String,
}

/// Parses the arguments after `manifest`: `Ok(None)` for `--help`, `Err` for bad usage.
fn parse_manifest_args(args: &[String]) -> Result<Option<ManifestOpts>, String> {
    let mut format = None;
    let mut default_action = None;
    let mut allow = Vec::new();
    let mut binaries = Vec::new();
    let mut iter = args.iter();
    let mut options_done = false;
    while let Some(arg) = iter.next() {
        if options_done || !arg.starts_with('-') || arg == "-" {
            binaries.push(arg.clone());
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone().or_else(|| iter.next().cloned()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(format!("{name} needs a value")),
            }
        };
        match flag {
            "--" => options_done = true,
            "-h" | "--help" => return Ok(None),
            "--format" => {
                if format.is_some() {
                    return Err("--format given twice".into());
                }
                format = Some(value(flag)?);
            }
            "--default-action" => {
                if default_action.is_some() {
                    return Err("--default-action given twice".into());
                }
                default_action = Some(value(flag)?);
            }
            "--allow" => {
                for name in value(flag)?.split(',') {
                    if name.is_empty() {
                        return Err("--allow has an empty name (NAME[,NAME...])".into());
                    }
                    allow.push(name.to_string());
                }
            }
            _ => return Err(format!("unknown option `{arg}`")),
        }
    }
    let oci = match format.as_deref() {
        None | Some("text") => false,
        Some("oci") => true,
        Some(other) => return Err(format!("unknown format `{other}`: use text or oci")),
    };
    if !oci && (default_action.is_some() || !allow.is_empty()) {
        return Err("--default-action and --allow apply to --format oci".into());
    }
    if let Some(action) = &default_action {
        if !manifest::DEFAULT_ACTIONS.contains(&action.as_str()) {
            return Err(ManifestError::UnknownDefaultAction(action.clone()).to_string());
        }
    }
    let binary = match binaries.as_slice() {
        [one] => one.clone(),
        [] => return Err("no BINARY given".into()),
        more => {
            return Err(format!(
                "one BINARY at a time ({} given: {})",
                more.len(),
                more.join(" ")
            ));
        }
    };
    Ok(Some(ManifestOpts {
        oci,
        default_action,
        allow,
        binary,
    }))
}

fn manifest_cmd(opts: &ManifestOpts) -> ExitCode {
    let file = &opts.binary;
    let fail = |message: String| {
        eprintln!("{file}: error: {message}");
        ExitCode::FAILURE
    };
    let bytes = match manifest::read_binary_file(std::path::Path::new(file)) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let records = match manifest::read_records(&bytes) {
        Ok(r) => r,
        Err(e @ ManifestError::NoRecords) => return fail(format!("{file} has {e}")),
        Err(e) => return fail(e.to_string()),
    };
    let out = if opts.oci {
        let action = opts
            .default_action
            .as_deref()
            .unwrap_or(manifest::DEFAULT_ACTION);
        let extra: Vec<&str> = opts.allow.iter().map(String::as_str).collect();
        match manifest::oci_profile(&records, action, &extra) {
            Ok(json) => json,
            Err(e) => return fail(e.to_string()),
        }
    } else {
        manifest::format_text(&records)
    };
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("syscall-table manifest: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}
