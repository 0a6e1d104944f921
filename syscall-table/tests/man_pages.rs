//! Independent cross-check of the pointer kinds against the man pages: for every system call
//! that has a synopsis in `/usr/share/man/man2` (Debian's `manpages-dev`, 6.03 in Debian 12, installed by
//! `scripts/install-deps.sh`), on every ABI,
//!
//! - every pointer parameter that the man page declares `const` (the pointee: `const T *p`,
//!   `T *const p[]`) is `ptr_const` in our table, and
//! - every `ptr_const` of our table is `const` in the man page,
//!
//! unless the difference is listed in [`KNOWN`] with its reason. A listed difference that no
//! longer occurs fails the test too, so the list stays the set of remaining mismatches.
//!
//! Parameters are paired by position where the man page's prototype has the kernel's arity (a
//! trailing `...` stands for the rest), else by name and then by position for the parameters the
//! names leave (wrappers drop `sigsetsize`, split offsets, add flags); a `const` pointer of the man
//! page that pairs with nothing is reported too. Where a page gives the raw system call
//! (`syscall(SYS_name, …)`), that prototype is used instead of the glibc wrapper's. Table rows
//! documented under another name (`rt_sigprocmask` → `sigprocmask`, `*_time64` → the base name, …)
//! are looked up by [`ALIASES`].
//!
//! The pages are roff, read with `gzip -dc` (gzip is part of every Debian system). Under CI (`CI`
//! set) the pages are required; elsewhere a machine without them skips with a message.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use syscall_table::{Arg, ArgKind, embedded_tables};

const MAN_DIR: &str = "/usr/share/man/man2";

/// Rows of the tables that the man pages document under another name: (table name, man name).
const ALIASES: &[(&str, &str)] = &[
    ("_newselect", "select"),
    ("arm_fadvise64_64", "posix_fadvise"),
    ("arm_sync_file_range", "sync_file_range"),
    ("chown32", "chown"),
    ("fchown32", "fchown"),
    ("lchown32", "lchown"),
    ("clock_adjtime64", "clock_adjtime"),
    ("clock_getres_time64", "clock_getres"),
    ("clock_gettime64", "clock_gettime"),
    ("clock_nanosleep_time64", "clock_nanosleep"),
    ("clock_settime64", "clock_settime"),
    ("eventfd2", "eventfd"),
    ("exit", "_exit"),
    ("faccessat2", "faccessat"),
    ("fadvise64", "posix_fadvise"),
    ("fadvise64_64", "posix_fadvise"),
    ("fcntl64", "fcntl"),
    ("fstat64", "fstat"),
    ("fstatat64", "fstatat"),
    ("newfstatat", "fstatat"),
    ("fstatfs64", "fstatfs"),
    ("statfs64", "statfs"),
    ("ftruncate64", "ftruncate"),
    ("truncate64", "truncate"),
    ("futex_time64", "futex"),
    ("getgroups32", "getgroups"),
    ("setgroups32", "setgroups"),
    ("getresgid32", "getresgid"),
    ("getresuid32", "getresuid"),
    ("setresgid32", "setresgid"),
    ("setresuid32", "setresuid"),
    ("setregid32", "setregid"),
    ("setreuid32", "setreuid"),
    ("setgid32", "setgid"),
    ("setuid32", "setuid"),
    ("setfsgid32", "setfsgid"),
    ("setfsuid32", "setfsuid"),
    ("lstat64", "lstat"),
    ("stat64", "stat"),
    ("oldfstat", "fstat"),
    ("oldlstat", "lstat"),
    ("oldstat", "stat"),
    ("olduname", "uname"),
    ("oldolduname", "uname"),
    ("llseek", "_llseek"),
    ("ppoll_time64", "ppoll"),
    ("pread64", "pread"),
    ("pwrite64", "pwrite"),
    ("prlimit64", "prlimit"),
    ("pselect6", "pselect"),
    ("pselect6_time64", "pselect"),
    ("recvmmsg_time64", "recvmmsg"),
    ("rt_sigaction", "sigaction"),
    ("rt_sigpending", "sigpending"),
    ("rt_sigsuspend", "sigsuspend"),
    ("rt_sigtimedwait", "sigtimedwait"),
    ("rt_sigtimedwait_time64", "sigtimedwait"),
    ("sched_rr_get_interval_time64", "sched_rr_get_interval"),
    ("semtimedop_time64", "semtimedop"),
    ("sendfile64", "sendfile"),
    ("signalfd4", "signalfd"),
    ("mq_timedreceive_time64", "mq_timedreceive"),
    ("mq_timedsend_time64", "mq_timedsend"),
    ("timer_gettime64", "timer_gettime"),
    ("timer_settime64", "timer_settime"),
    ("timerfd_gettime64", "timerfd_gettime"),
    ("timerfd_settime64", "timerfd_settime"),
    ("utimensat_time64", "utimensat"),
    ("ugetrlimit", "getrlimit"),
];

/// The remaining differences between the man pages and our tables, each with its reason:
/// (ABI or `*`, table row, parameter, why). The parameter is the table's name of a paired
/// parameter, or the man page's name of a `const` pointer that pairs with nothing.
const KNOWN: &[(&str, &str, &str, &str)] = &[
    // The man page says `const`, our table does not, rightly.
    (
        "*",
        "ppoll",
        "tsp",
        "glibc's ppoll passes the kernel a copy of the timeout: sys_ppoll writes the remaining \
         time back to tsp (fs/select.c poll_select_finish())",
    ),
    (
        "*",
        "ppoll_time64",
        "tsp",
        "as ppoll: the remaining time is written back",
    ),
    (
        "*",
        "pselect6",
        "tsp",
        "the page's pselect is glibc's, which passes a copy: sys_pselect6 writes the remaining \
         time back (fs/select.c poll_select_finish())",
    ),
    (
        "*",
        "pselect6_time64",
        "tsp",
        "as pselect6: the remaining time is written back",
    ),
    (
        "*",
        "mlock",
        "start",
        "the kernel takes the address as an integer, `unsigned long start` (mm/mlock.c), and \
         never dereferences it",
    ),
    ("*", "munlock", "start", "as mlock: `unsigned long start`"),
    ("*", "mlock2", "start", "as mlock: `unsigned long start`"),
    (
        "*",
        "sigsuspend",
        "mask",
        "the old sigsuspend of i386 and Arm (kernel/signal.c, CONFIG_OLD_SIGSUSPEND3) takes the \
         mask by value, `old_sigset_t mask`; the page shows glibc's function, which makes \
         rt_sigsuspend",
    ),
    // The page describes another call than our row.
    (
        "x86",
        "mmap",
        "arg",
        "i386's `mmap` is old_mmap: one pointer to the six arguments (mm/mmap.c, copy_from_user \
         only), not mmap(2), whose first parameter it is paired with",
    ),
    (
        "x86",
        "select",
        "arg",
        "i386's `select` is old_select: one pointer to the five arguments (fs/select.c, \
         copy_from_user only), not select(2)",
    ),
    (
        "x86",
        "signal",
        "handler",
        "`sighandler_t` is a pointer typedef without const: the handler is a code address the \
         kernel stores and never reads or writes through",
    ),
    // The page omits `const` where the kernel only reads; the proof of each is its
    // `[[readonly]]` entry in xtask/overrides.toml (or, for move_pages, the kernel's own const).
    (
        "*",
        "clone3",
        "uargs",
        "copy_clone_args_from_user(): copy_struct_from_user only",
    ),
    (
        "*",
        "epoll_ctl",
        "event",
        "sys_epoll_ctl(): copy_from_user only",
    ),
    (
        "*",
        "init_module",
        "umod",
        "copy_module_from_user(): copy_chunked_from_user only",
    ),
    (
        "*",
        "io_cancel",
        "iocb",
        "sys_io_cancel(): get_user of aio_key only",
    ),
    (
        "*",
        "io_getevents",
        "timeout",
        "sys_io_getevents(): get_timespec64 only",
    ),
    (
        "*",
        "io_submit",
        "iocbpp",
        "sys_io_submit(): get_user of each iocb pointer only",
    ),
    (
        "*",
        "kexec_load",
        "segments",
        "sys_kexec_load(): memdup_array_user only",
    ),
    (
        "*",
        "mount_setattr",
        "uattr",
        "copy_mount_setattr(): copy_struct_from_user only",
    ),
    (
        "*",
        "move_pages",
        "pages",
        "the kernel declares `const void __user * __user *pages` and only reads the array \
         (mm/migrate.c kernel_move_pages(): get_user)",
    ),
    ("*", "mq_open", "attr", "sys_mq_open(): copy_from_user only"),
    (
        "*",
        "open_by_handle_at",
        "handle",
        "handle_to_path(): copy_from_user only",
    ),
    (
        "*",
        "openat2",
        "how",
        "sys_openat2(): copy_struct_from_user only (open(2)'s own synopsis says \
         `const struct open_how *`; openat2(2)'s does not)",
    ),
    (
        "arm",
        "pciconfig_write",
        "buf",
        "sys_pciconfig_write(): get_user only (the page, pciconfig_read(2), gives one \
         `unsigned char *buf` for read and write)",
    ),
    (
        "*",
        "pidfd_send_signal",
        "info",
        "copy_siginfo_from_user_any() only",
    ),
    (
        "*",
        "reboot",
        "arg",
        "sys_reboot(): strncpy_from_user for RESTART2 only",
    ),
    (
        "*",
        "rt_sigqueueinfo",
        "uinfo",
        "__copy_siginfo_from_user() only",
    ),
    (
        "*",
        "rt_tgsigqueueinfo",
        "uinfo",
        "__copy_siginfo_from_user() only",
    ),
    ("*", "semop", "sops", "do_semtimedop(): copy_from_user only"),
    (
        "*",
        "semtimedop",
        "sops",
        "do_semtimedop(): copy_from_user only",
    ),
    (
        "*",
        "semtimedop_time64",
        "sops",
        "do_semtimedop(): copy_from_user only",
    ),
    (
        "*",
        "set_robust_list",
        "head",
        "stored, then read at exit by exit_robust_list(); only the listed futex words are \
         written",
    ),
    (
        "x86",
        "socketcall",
        "args",
        "sys_socketcall(): copy_from_user only",
    ),
    (
        "*",
        "timer_create",
        "timer_event_spec",
        "sys_timer_create(): copy_from_user only",
    ),
];

/// Pointer typedefs the synopses use without a `*`.
const POINTER_TYPEDEFS: &[&str] = &[
    "cap_user_header_t",
    "cap_user_data_t",
    "sighandler_t",
    "__sighandler_t",
];

/// One parameter of a man page's prototype.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Param {
    name: String,
    /// As written, without the roff markup.
    text: String,
    pointer: bool,
    /// The pointee is `const` (`const T *`, `T *const []`, `const cap_user_data_t`).
    constant: bool,
}

/// One prototype of a synopsis.
#[derive(Clone, Debug)]
struct Proto {
    /// `syscall(SYS_name, …)` rather than a function of that name.
    raw: bool,
    params: Vec<Param>,
    /// Ends in `...`.
    varargs: bool,
    page: String,
}

/// The text of a page, following `.so` redirections; `None` when gzip cannot read it.
fn read_page(path: &Path, depth: u32) -> Option<String> {
    let out = Command::new("gzip").arg("-dc").arg(path).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let first = text.lines().find(|l| !l.starts_with(".\\\""))?;
    if let Some(target) = first.strip_prefix(".so ") {
        if depth > 4 {
            return None;
        }
        let mut target = Path::new("/usr/share/man").join(target.trim());
        if target.extension().is_none_or(|e| e != "gz") {
            target.as_mut_os_string().push(".gz");
        }
        return read_page(&target, depth + 1);
    }
    Some(text)
}

/// The arguments of a roff request line (`"quoted words"` or bare words).
fn roff_args(rest: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut arg = String::new();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        arg.push('"');
                    } else {
                        break;
                    }
                } else {
                    arg.push(c);
                }
            }
            args.push(arg);
        } else {
            let mut arg = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                arg.push(c);
                chars.next();
            }
            args.push(arg);
        }
    }
    args
}

/// The SYNOPSIS section as plain text: font requests resolved, escapes, comments and
/// `#include`/`#define` lines removed. Paragraph requests become line breaks.
fn synopsis(page: &str) -> String {
    let mut lines = Vec::new();
    let mut pending = String::new();
    for line in page.lines() {
        // A trailing backslash continues the request on the next line.
        if let Some(head) = line.strip_suffix('\\').filter(|h| !h.ends_with('\\')) {
            pending.push_str(head);
            continue;
        }
        pending.push_str(line);
        lines.push(std::mem::take(&mut pending));
    }
    let mut out = String::new();
    let mut inside = false;
    for line in &lines {
        if let Some(title) = line.strip_prefix(".SH") {
            inside = title.trim().trim_matches('"') == "SYNOPSIS";
            continue;
        }
        if !inside || line.starts_with(".\\\"") {
            continue;
        }
        if let Some(request) = line.strip_prefix('.') {
            let (name, rest) = request
                .split_once(char::is_whitespace)
                .unwrap_or((request, ""));
            let args = roff_args(rest);
            match name {
                // One font: the arguments are words.
                "B" | "I" => out.push_str(&args.join(" ")),
                // Alternating fonts: the arguments are glued together.
                "BI" | "IB" | "BR" | "RB" | "IR" | "RI" => out.push_str(&args.concat()),
                _ => {}
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    // Inline font changes and the escapes a synopsis uses.
    let mut text = String::new();
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('f') => match chars.next() {
                Some('(') => {
                    chars.next();
                    chars.next();
                }
                Some('[') => {
                    for c in chars.by_ref() {
                        if c == ']' {
                            break;
                        }
                    }
                }
                _ => {}
            },
            Some('-') => text.push('-'),
            Some('~' | ' ') => text.push(' '),
            Some('&') => {}
            Some('e') => text.push('\\'),
            Some(other) => text.push(other),
            None => {}
        }
    }
    // C comments (`/* Prototype for the glibc wrapper */`, `/* pid_t *parent_tid, … */`).
    while let Some(start) = text.find("/*") {
        let end = text[start..]
            .find("*/")
            .map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, " ");
    }
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits on the commas outside parentheses and brackets.
fn split_top_level(params: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in params.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether the declaration specifiers `words` (a pointee type) are `const` at their top level:
/// after their last `*` if they are a pointer, anywhere otherwise.
fn top_const(words: &[&str]) -> bool {
    match words.iter().rposition(|w| *w == "*") {
        Some(star) => words[star + 1..].contains(&"const"),
        None => words.contains(&"const"),
    }
}

/// Parses one parameter declaration; `None` for a bare name (an ioctl request constant) or
/// anything else that is not a declaration.
fn parse_param(decl: &str) -> Option<Param> {
    let text = decl.split_whitespace().collect::<Vec<_>>().join(" ");
    // A function pointer: `int (*fn)(void *)`.
    if let Some(at) = text.find("(*") {
        let name: String = text[at + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        return Some(Param {
            name,
            text,
            pointer: true,
            constant: false,
        });
    }
    let spaced = text.replace('*', " * ").replace('[', " [");
    let mut words: Vec<&str> = spaced
        .split_whitespace()
        .filter(|w| !matches!(*w, "_Nullable" | "_Nonnull" | "restrict" | "__restrict"))
        .collect();
    // Array declarators (`times[2]`, `argv[]`, `addr[.len]`): the parameter is a pointer to the
    // element type.
    let mut array = false;
    while words.last().is_some_and(|w| w.ends_with(']')) {
        while let Some(w) = words.pop() {
            if w.starts_with('[') {
                break;
            }
        }
        array = true;
    }
    let name = words.pop()?;
    if !is_ident(name) || words.is_empty() {
        return None;
    }
    let (pointer, constant) = if array {
        (true, top_const(&words))
    } else if let Some(star) = words.iter().rposition(|w| *w == "*") {
        (true, top_const(&words[..star]))
    } else if words.iter().any(|w| POINTER_TYPEDEFS.contains(w)) {
        (true, words.contains(&"const"))
    } else {
        (false, false)
    };
    Some(Param {
        name: name.to_string(),
        text,
        pointer,
        constant,
    })
}

/// The prototypes of a synopsis: `(function name, prototype)`; `syscall(SYS_x, …)` is named `x`.
fn prototypes(synopsis: &str, page: &str) -> Vec<(String, Proto)> {
    let flat = synopsis.split_whitespace().collect::<Vec<_>>().join(" ");
    let bytes = flat.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = flat[i..].find('(').map(|o| o + i) {
        // The identifier right before the parenthesis.
        let head = flat[..open].trim_end();
        let start = head
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |s| s + 1);
        let name = &head[start..];
        // The matching parenthesis.
        let mut depth = 0;
        let mut close = None;
        for (j, &b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { break };
        let after = flat[close + 1..].trim_start();
        if !is_ident(name) || !after.starts_with(';') {
            i = open + 1;
            continue;
        }
        i = close + 1;
        let mut parts = split_top_level(&flat[open + 1..close]);
        let (name, raw) = if name == "syscall" {
            let Some(sys) = parts.first().and_then(|p| p.strip_prefix("SYS_")) else {
                continue;
            };
            let sys = sys.to_string();
            parts.remove(0);
            (sys, true)
        } else {
            (name.to_string(), false)
        };
        if parts.len() == 1 && parts[0] == "void" {
            parts.clear();
        }
        let varargs = parts.last().is_some_and(|p| p == "...");
        if varargs {
            parts.pop();
        }
        // A prototype with a bare request constant (`ioctl(fd, FICLONE, …)`) documents one
        // command, not the system call.
        let Some(params) = parts
            .iter()
            .map(|p| parse_param(p))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        out.push((
            name,
            Proto {
                raw,
                params,
                varargs,
                page: page.to_string(),
            },
        ));
    }
    out
}

/// Every prototype of every page of `dir`, by function name; `None` when the pages cannot be read.
fn all_prototypes(dir: &Path) -> Option<HashMap<String, Vec<Proto>>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.to_string_lossy().ends_with(".2.gz"))
        .collect();
    files.sort();
    let mut seen = BTreeSet::new();
    let mut out: HashMap<String, Vec<Proto>> = HashMap::new();
    for file in files {
        // Links (`rt_sigprocmask.2.gz` → `sigprocmask.2.gz`) and `.so` pages repeat a page.
        let real = std::fs::canonicalize(&file).unwrap_or(file.clone());
        let Some(text) = read_page(&real, 0) else {
            continue;
        };
        let syn = synopsis(&text);
        if !seen.insert(syn.clone()) {
            continue;
        }
        let page = real.file_name().unwrap().to_string_lossy().into_owned();
        for (name, proto) in prototypes(&syn, &page) {
            out.entry(name).or_default().push(proto);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A difference between a page and a table.
#[derive(Clone, Debug)]
struct Finding {
    abi: String,
    call: String,
    /// The table's parameter, or the man page's when it pairs with nothing.
    param: String,
    what: String,
}

/// Compares the table rows of one ABI with the man pages, collecting the differences.
struct Comparison<'a> {
    abi: &'a str,
    call: &'a str,
    findings: &'a mut Vec<Finding>,
    /// Parameter pairs where either side is a pointer.
    pointer_pairs: usize,
}

impl Comparison<'_> {
    fn push(&mut self, param: &str, what: String) {
        self.findings.push(Finding {
            abi: self.abi.to_string(),
            call: self.call.to_string(),
            param: param.to_string(),
            what,
        });
    }

    /// One man page parameter against the table's parameter it pairs with.
    fn pair(&mut self, m: &Param, a: &Arg, page: &str, how: &str) {
        if !(m.pointer || a.kind.is_pointer()) {
            return;
        }
        self.pointer_pairs += 1;
        let man_const = m.pointer && m.constant;
        if man_const && a.kind != ArgKind::PtrConst {
            self.push(
                &a.name,
                format!(
                    "{page}: `{}` is const, our `{}` ({}) is {} [paired by {how}]",
                    m.text,
                    a.name,
                    a.c_type,
                    a.kind.as_str()
                ),
            );
        }
        if a.kind == ArgKind::PtrConst && !man_const {
            self.push(
                &a.name,
                format!(
                    "{page}: `{}` is not const, our `{}` ({}) is ptr_const [paired by {how}]",
                    m.text, a.name, a.c_type
                ),
            );
        }
    }

    /// One table row against the man page's prototypes for it.
    fn row(&mut self, args: &[Arg], protos: &[Proto]) {
        // The raw system call where the page gives it.
        let raw: Vec<&Proto> = protos.iter().filter(|p| p.raw).collect();
        let chosen: Vec<&Proto> = if raw.is_empty() {
            protos.iter().collect()
        } else {
            raw
        };
        let same_arity = |p: &&Proto| {
            p.params.len() == args.len() || (p.varargs && p.params.len() <= args.len())
        };
        let by_position: Vec<&Proto> = chosen.iter().copied().filter(same_arity).collect();
        if !by_position.is_empty() {
            for p in by_position {
                for (m, a) in p.params.iter().zip(args) {
                    self.pair(m, a, &p.page, "position");
                }
            }
            return;
        }
        // Another arity (a wrapper that drops `sigsetsize`, splits an offset or adds flags): by
        // name, then by position for what the names leave (the parameters keep the kernel's
        // order).
        for p in chosen {
            let named = |a: &Arg| p.params.iter().any(|m| m.name == a.name);
            for (i, m) in p.params.iter().enumerate() {
                if let Some(a) = args.iter().find(|a| a.name == m.name) {
                    self.pair(m, a, &p.page, "name");
                } else if let Some(a) = args.get(i).filter(|a| !named(a)) {
                    self.pair(m, a, &p.page, "position");
                } else if m.pointer && m.constant {
                    self.push(
                        &m.name,
                        format!(
                            "{}: `{}` is const and pairs with no parameter of ours ({} against our {})",
                            p.page,
                            m.text,
                            p.params.len(),
                            args.len()
                        ),
                    );
                }
            }
        }
    }
}

fn known(f: &Finding) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
    KNOWN.iter().find(|(abi, call, param, _)| {
        (*abi == "*" || *abi == f.abi) && *call == f.call && *param == f.param
    })
}

#[test]
fn pointer_constness_matches_the_man_pages() {
    let dir = Path::new(MAN_DIR);
    let Some(protos) = all_prototypes(dir) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the man pages in {MAN_DIR} (package manpages-dev, scripts/install-deps.sh) and gzip"
        );
        eprintln!("skipped: no man pages readable in {MAN_DIR} (install manpages-dev)");
        return;
    };
    let aliases: HashMap<&str, &str> = ALIASES.iter().copied().collect();
    let mut findings = Vec::new();
    let mut checked: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for table in embedded_tables() {
        let abi = table.abi.name.as_str();
        for s in table.syscalls.iter().filter(|s| s.entry.is_some()) {
            let found = protos
                .get(&s.name)
                .or_else(|| aliases.get(s.name.as_str()).and_then(|m| protos.get(*m)));
            let Some(found) = found else { continue };
            let mut cmp = Comparison {
                abi,
                call: &s.name,
                findings: &mut findings,
                pointer_pairs: 0,
            };
            cmp.row(&s.args, found);
            let c = checked.entry(abi.to_string()).or_default();
            c.0 += 1;
            c.1 += cmp.pointer_pairs;
        }
    }
    // The parse found the synopses (a broken parser would compare nothing and pass).
    for table in embedded_tables() {
        let (calls, pointers) = checked.get(&table.abi.name).copied().unwrap_or_default();
        println!(
            "{}: {calls} system calls with a synopsis, {pointers} pointer parameters compared with it",
            table.abi.name
        );
        assert!(
            calls >= 200 && pointers >= 200,
            "{}: only {calls} system calls ({pointers} pointer parameters) matched a man page synopsis",
            table.abi.name
        );
    }
    let mut unexplained = Vec::new();
    let mut explained: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut used = vec![false; KNOWN.len()];
    for f in &findings {
        match known(f) {
            Some(k) => {
                used[KNOWN.iter().position(|x| std::ptr::eq(x, k)).unwrap()] = true;
                explained
                    .entry(f.abi.clone())
                    .or_default()
                    .push(format!("{}.{}: {} — {}", f.call, f.param, f.what, k.3));
            }
            None => unexplained.push(format!("{}: {}.{}: {}", f.abi, f.call, f.param, f.what)),
        }
    }
    for (abi, list) in &explained {
        println!("{abi}: {} known differences", list.len());
        for l in list {
            println!("  {l}");
        }
    }
    let stale: Vec<_> = KNOWN
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(k, _)| format!("{}: {}.{}", k.0, k.1, k.2))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "{} unexplained differences between the man pages and the tables:\n{}\n\
         {} entries of KNOWN that no longer occur:\n{}",
        unexplained.len(),
        unexplained.join("\n"),
        stale.len(),
        stale.join("\n")
    );
}

#[test]
fn synopses_parse() {
    let page = r#".TH sigprocmask 2
.SH NAME
sigprocmask
.SH SYNOPSIS
.nf
.B #include <signal.h>
.PP
/* Prototype for the glibc wrapper function */
.BI "int sigprocmask(int " how ", const sigset_t *_Nullable restrict " set ,
.BI "                           sigset_t *_Nullable restrict " oldset );
.PP
.BI "int syscall(SYS_rt_sigprocmask, int " how ,
.BI "            const kernel_sigset_t *_Nullable " set ,
.BI "            kernel_sigset_t *_Nullable " oldset ", size_t " sigsetsize );
.B long syscall(SYS_set_robust_list,
.BI "             struct robust_list_head *" head ", size_t " len );
.BI "int clone(int (*" "fn" ")(void *_Nullable), void *" stack \
", int " flags ", ..." \
"  \fR/*\fP" " pid_t *_Nullable " parent_tid " \fR*/\fP );"
.BI "int execve(const char *" pathname ", char *const _Nullable " argv [],
.BI "           char *const _Nullable " envp []);
.BI "int mlock(const void " addr [. len "], size_t " len );
.BI "int capset(cap_user_header_t " hdrp ", const cap_user_data_t " datap );
.BI "int ioctl(int " fd ", FICLONE, int " src_fd );
.fi
.SH DESCRIPTION
.BR sigprocmask ()
is (not a prototype);
"#;
    let protos = prototypes(&synopsis(page), "test.2.gz");
    let names: Vec<&str> = protos.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "sigprocmask",
            "rt_sigprocmask",
            "set_robust_list",
            "clone",
            "execve",
            "mlock",
            "capset"
        ]
    );
    let p = |i: usize| &protos[i].1;
    let flags = |i: usize| -> Vec<(String, bool, bool)> {
        p(i).params
            .iter()
            .map(|m| (m.name.clone(), m.pointer, m.constant))
            .collect()
    };
    let t = |n: &str, ptr: bool, c: bool| (n.to_string(), ptr, c);
    assert!(!p(0).raw && p(1).raw && p(2).raw);
    assert_eq!(
        flags(0),
        [
            t("how", false, false),
            t("set", true, true),
            t("oldset", true, false)
        ]
    );
    assert_eq!(p(1).params.len(), 4);
    assert_eq!(flags(2), [t("head", true, false), t("len", false, false)]);
    assert!(p(3).varargs);
    assert_eq!(flags(3)[0], t("fn", true, false));
    assert_eq!(p(3).params.len(), 3);
    assert_eq!(
        flags(4),
        [
            t("pathname", true, true),
            t("argv", true, true),
            t("envp", true, true)
        ]
    );
    assert_eq!(flags(5), [t("addr", true, true), t("len", false, false)]);
    assert_eq!(flags(6), [t("hdrp", true, false), t("datap", true, true)]);
    // `const char **` is a mutable pointer to pointers to const.
    assert!(!parse_param("const char **names").unwrap().constant);
    assert!(parse_param("char *const *names").unwrap().constant);
}
