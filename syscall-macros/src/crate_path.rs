//! The path of the runtime crate in the user's crate: `::syscall_rt`, or the name the user's
//! `Cargo.toml` gives it (`rt = { package = "syscall-rt" }` → `::rt`).
//!
//! The well-kept crate for this, proc-macro-crate, parses the manifest with toml_edit, which
//! with its dependencies (winnow, indexmap, hashbrown, toml_parser) is about 6 s of CPU in a
//! clean build here — three times the whole clean build of a hello program on rustix. A
//! dependency declaration is one of a few line shapes, so this module scans for them instead:
//!
//! ```toml
//! rt = { package = "syscall-rt", version = "…" }     # inline table
//! rt.package = "syscall-rt"                           # dotted key
//! [dependencies.rt]                                   # table (also dev-, build-, target.…)
//! package = "syscall-rt"
//! rt = { workspace = true }                           # the rename is in [workspace.dependencies]
//! ```

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The runtime crate's package name.
const PACKAGE: &str = "syscall-rt";

/// The resolved name, per manifest (rustc compiles one crate per process, so this is one
/// entry; the mutex makes it safe anyway).
static CACHE: Mutex<Option<(PathBuf, String)>> = Mutex::new(None);

/// The identifier of the runtime crate as the crate being compiled knows it (`syscall_rt`, or
/// its rename).
pub fn runtime_crate_name() -> String {
    // syscall-rt itself (its generated API, tests and doctests) reaches itself as `syscall_rt`
    // (`extern crate self as syscall_rt`).
    if std::env::var("CARGO_PKG_NAME").as_deref() == Ok(PACKAGE) {
        return "syscall_rt".to_string();
    }
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return "syscall_rt".to_string();
    };
    let manifest = Path::new(&dir).join("Cargo.toml");
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((path, name)) = cache.as_ref() {
        if *path == manifest {
            return name.clone();
        }
    }
    let name = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| dependency_key(&text, |key| workspace_package(&manifest, key)))
        .unwrap_or_else(|| PACKAGE.to_string())
        .replace('-', "_");
    *cache = Some((manifest, name.clone()));
    name
}

/// The key under which `text` (a `Cargo.toml`) depends on syscall-rt, if it renames it.
/// `workspace` answers, for a key declared `workspace = true`, the package name the workspace
/// root gives it.
fn dependency_key(text: &str, workspace: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut section = String::new();
    let mut found = None;
    for line in text.lines() {
        let line = strip_comment(line).trim();
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = header.trim().trim_matches(['[', ']']).to_string();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (unquote(key.trim()), value.trim());
        let deps = is_dependency_table(&section);
        // `[dependencies.rt]` … `package = "syscall-rt"`
        if let Some(dep) = dependency_of_table(&section) {
            if key == "package" && unquote(value) == PACKAGE {
                found = Some(dep.to_string());
            }
            if key == "workspace" && value == "true" && workspace(dep).as_deref() == Some(PACKAGE) {
                found = Some(dep.to_string());
            }
            continue;
        }
        if !deps {
            continue;
        }
        // `rt.package = "syscall-rt"`
        if let Some((dep, field)) = key.split_once('.') {
            if field.trim() == "package" && unquote(value) == PACKAGE {
                found = Some(unquote(dep.trim()).to_string());
            }
            continue;
        }
        // `rt = { package = "syscall-rt", … }`, `rt = { workspace = true }`
        if let Some(inline) = value.strip_prefix('{') {
            if inline_field(inline, "package").as_deref() == Some(PACKAGE)
                || (inline_field(inline, "workspace").as_deref() == Some("true")
                    && workspace(key).as_deref() == Some(PACKAGE))
            {
                found = Some(key.to_string());
            }
        }
    }
    found
}

/// `dependencies`, `dev-dependencies`, `build-dependencies`, their `target.…` forms and
/// `workspace.dependencies`.
fn is_dependency_table(section: &str) -> bool {
    let last = section.rsplit('.').next().unwrap_or(section);
    matches!(
        last,
        "dependencies" | "dev-dependencies" | "build-dependencies"
    )
}

/// For a header `dependencies.rt` (or `target.'cfg(…)'.dependencies.rt`), the dependency.
fn dependency_of_table(section: &str) -> Option<&str> {
    let (table, dep) = section.rsplit_once('.')?;
    is_dependency_table(table).then(|| unquote(dep.trim()))
}

/// The value of `field` in an inline table's text (`package = "syscall-rt", …}`).
fn inline_field(inline: &str, field: &str) -> Option<String> {
    inline
        .trim_end_matches('}')
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| unquote(k.trim()) == field)
        .map(|(_, v)| unquote(v.trim()).to_string())
}

fn unquote(s: &str) -> &str {
    s.trim_matches(['"', '\''])
}

/// The line without a `#` comment (outside of strings).
fn strip_comment(line: &str) -> &str {
    let mut in_string = None;
    for (i, c) in line.char_indices() {
        match (c, in_string) {
            ('"' | '\'', None) => in_string = Some(c),
            (c, Some(q)) if c == q => in_string = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// For a dependency declared `workspace = true`, the package the workspace root's
/// `[workspace.dependencies]` gives `key` (its own name when it gives none).
fn workspace_package(manifest: &Path, key: &str) -> Option<String> {
    let mut dir = manifest.parent()?.parent();
    while let Some(d) = dir {
        let root = d.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&root) {
            if text.contains("[workspace") {
                return Some(workspace_dependency_package(&text, key));
            }
        }
        dir = d.parent();
    }
    None
}

fn workspace_dependency_package(text: &str, key: &str) -> String {
    let renamed = dependency_key(text, |_| None);
    if renamed.as_deref() == Some(key) {
        PACKAGE.to_string()
    } else {
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Option<String> {
        dependency_key(text, |_| None)
    }

    #[test]
    fn renames_are_found_in_every_shape() {
        assert_eq!(
            key("[dependencies]\nrt = { package = \"syscall-rt\", version = \"0.1\" }\n"),
            Some("rt".into())
        );
        assert_eq!(
            key("[dependencies]\nrt.package = \"syscall-rt\"\nrt.version = \"0.1\"\n"),
            Some("rt".into())
        );
        assert_eq!(
            key("[dependencies.rt]\npackage = \"syscall-rt\"\nversion = \"0.1\"\n"),
            Some("rt".into())
        );
        assert_eq!(
            key(
                "[target.'cfg(target_os = \"linux\")'.dependencies]\nfast = { package = 'syscall-rt' }\n"
            ),
            Some("fast".into())
        );
        assert_eq!(
            key("[dev-dependencies]\n\"my-rt\" = { package = \"syscall-rt\" } # comment\n"),
            Some("my-rt".into())
        );
    }

    #[test]
    fn an_unrenamed_dependency_or_another_package_is_not_a_rename() {
        assert_eq!(key("[dependencies]\nsyscall-rt = \"0.1\"\n"), None);
        assert_eq!(
            key("[dependencies]\nsyscall-rt = { version = \"0.1\" }\n"),
            None
        );
        assert_eq!(key("[dependencies]\nrt = { package = \"other\" }\n"), None);
        // A comment that mentions the package does not count.
        assert_eq!(
            key("[dependencies]\n# rt = { package = \"syscall-rt\" }\n"),
            None
        );
        // Outside of dependency tables.
        assert_eq!(
            key("[package.metadata]\nrt = { package = \"syscall-rt\" }\n"),
            None
        );
    }

    #[test]
    fn a_workspace_rename_is_followed() {
        let member = "[dependencies]\nrt = { workspace = true }\n";
        assert_eq!(
            dependency_key(member, |k| (k == "rt").then(|| "syscall-rt".to_string())),
            Some("rt".into())
        );
        assert_eq!(dependency_key(member, |_| Some("other".into())), None);
        let root = "[workspace.dependencies]\nrt = { package = \"syscall-rt\", path = \"x\" }\n";
        assert_eq!(workspace_dependency_package(root, "rt"), "syscall-rt");
        assert_eq!(workspace_dependency_package(root, "serde"), "serde");
    }
}
