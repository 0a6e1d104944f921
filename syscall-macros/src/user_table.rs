//! Tables named by `#[fast_syscall(table = "…")]`: read and validated once per compiler process
//! per file content, and kept for the rest of it (a proc macro runs inside rustc, which expands
//! every declaration of a crate in one process).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use syscall_table::Table;

/// Parsed tables by path, with the text they were parsed from.
static CACHE: Mutex<Option<HashMap<PathBuf, (String, &'static Table)>>> = Mutex::new(None);

/// Reads and validates the table at `path`; errors are the validator's `file:line:col` list.
pub fn load(path: &Path) -> Result<&'static Table, String> {
    let text = syscall_table::read_table_file(path)?;
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some((cached_text, table)) = cache.get(path) {
        if *cached_text == text {
            return Ok(table);
        }
    }
    let table = syscall_table::parse_table(&path.display().to_string(), &text)
        .map_err(|e| invalid_table_message(&e))?;
    // One leak per distinct table content per compiler process: tables live as long as rustc.
    let table: &'static Table = Box::leak(Box::new(table));
    cache.insert(path.to_path_buf(), (text, table));
    Ok(table)
}

/// The validator's errors, at most [`SHOWN_ERRORS`] of them: a compiler message is no place for
/// thousands of lines (`syscall-table check` prints them all).
fn invalid_table_message(errors: &syscall_table::TableErrors) -> String {
    let mut message = String::from("invalid table:");
    for e in errors.0.iter().take(SHOWN_ERRORS) {
        message.push('\n');
        message.push_str(&e.to_string());
    }
    if errors.0.len() > SHOWN_ERRORS {
        message.push_str(&format!(
            "\n… and {} more problems (`syscall-table check FILE` lists them all)",
            errors.0.len() - SHOWN_ERRORS
        ));
    }
    message
}

const SHOWN_ERRORS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, text: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!(
            "fast-syscall-user-table-{}-{name}",
            std::process::id()
        ));
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn a_missing_file_is_reported_with_its_path() {
        let e = load(Path::new("/nonexistent/fast-syscall/table.toml")).unwrap_err();
        assert!(
            e.starts_with("cannot read table `/nonexistent/fast-syscall/table.toml`"),
            "{e}"
        );
    }

    #[test]
    fn an_invalid_table_is_reported_at_file_line_col() {
        let p = temp("bad.toml", "[abi]\nname = \"x\"\n");
        let e = load(&p).unwrap_err();
        assert!(
            e.contains(&format!("{}:1:1: error: missing field", p.display())),
            "{e}"
        );
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn a_table_is_parsed_once_per_content() {
        let text = syscall_table::EMBEDDED_SOURCES[0].1;
        let p = temp("ok.toml", text);
        let a = load(&p).unwrap();
        let b = load(&p).unwrap();
        assert!(std::ptr::eq(a, b));
        std::fs::write(&p, text.replace("number = 39\n", "number = 999\n")).unwrap();
        let c = load(&p).unwrap();
        assert!(!std::ptr::eq(a, c));
        assert_eq!(c.by_name("getpid").unwrap().number, 999);
        std::fs::remove_file(p).unwrap();
    }
}
