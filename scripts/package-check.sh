#!/usr/bin/env bash
# The published crates as a user gets them: packages syscall-table, syscall-macros and
# syscall-rt with cargo's verification (each .crate unpacked and built on its own, against the
# others' .crate files), then builds and runs user crates against the unpacked .crate files
# (never the workspace) through [patch.crates-io], and installs the table checker from its
# .crate. Exits non-zero on any failure.
#
#   bash scripts/package-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
t0=$SECONDS
stamp() { echo "[package-check $((SECONDS - t0))s] $*"; }
fail() { echo "package-check: $*" >&2; exit 1; }

# 1. Package with verification. --allow-dirty: CI packages a clean clone; locally, the working
#    tree is what is packaged.
cargo package -q --allow-dirty -p syscall-table -p syscall-macros -p syscall-rt
stamp "cargo package (verified): syscall-table, syscall-macros, syscall-rt"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
mkdir "$work/crates"
for c in syscall-table syscall-macros syscall-rt; do
  tar -xzf "target/package/$c-$version.crate" -C "$work/crates"
done
# The tables travel inside syscall-table; nothing reaches outside its package.
[ -f "$work/crates/syscall-table-$version/tables/x86_64.toml" ] || fail "syscall-table has no tables/"
[ -f "$work/crates/syscall-table-$version/tables/README.md" ] || fail "syscall-table has no schema"
for c in syscall-table syscall-macros syscall-rt; do
  [ -f "$work/crates/$c-$version/README.md" ] || fail "$c has no README.md"
  grep -q '^repository = "https://' "$work/crates/$c-$version/Cargo.toml" || fail "$c: no repository"
done
# A published proc macro must not carry its doc-only dev-dependency on syscall-rt (a cycle).
if grep -q 'dependencies.syscall-rt' "$work/crates/syscall-macros-$version/Cargo.toml"; then
  fail "syscall-macros' published manifest names syscall-rt"
fi

patch="[patch.crates-io]
syscall-table = { path = \"$work/crates/syscall-table-$version\" }
syscall-macros = { path = \"$work/crates/syscall-macros-$version\" }
syscall-rt = { path = \"$work/crates/syscall-rt-$version\" }"

# 2. A user crate with std: the README's example, a user table (feature user-tables), a
#    renamed dependency. Built and run in debug and release.
mkdir -p "$work/user/src" "$work/user/tables"
cp tests/tables/x86_64-custom.toml "$work/user/tables/"
cat >"$work/user/Cargo.toml" <<EOF
[package]
name = "package-check-user"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
rt = { package = "syscall-rt", version = "$version", features = ["user-tables"] }

$patch
EOF
cat >"$work/user/src/main.rs" <<'EOF'
use rt::{fast_syscall, sys, uapi, Errno};

#[fast_syscall]
fn getpid() -> i32;

#[fast_syscall]
unsafe fn write(fd: i32, buf: *const u8, count: usize) -> Result<usize, Errno>;

#[fast_syscall]
unsafe fn clock_gettime(clock: i32, tp: *mut uapi::__kernel_timespec) -> Result<(), Errno>;

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
#[fast_syscall(table = "tables/x86_64-custom.toml", abi = "x86_64_custom")]
fn brand_new_call(flags: u32) -> Result<usize, Errno>;

fn main() {
    assert_eq!(getpid() as u32, std::process::id());
    assert_eq!(sys::getpid(), Ok(getpid()));
    let mut ts = uapi::__kernel_timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is writable.
    unsafe { clock_gettime(uapi::CLOCK_MONOTONIC as i32, &mut ts) }.unwrap();
    assert!(ts.tv_sec > 0 || ts.tv_nsec > 0);
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
    assert_eq!(brand_new_call(0), Err(Errno::ENOSYS));
    let msg = b"package-check: user crate ok\n";
    // SAFETY: `msg` is valid for its length.
    assert_eq!(unsafe { write(1, msg.as_ptr(), msg.len()) }, Ok(msg.len()));
}
EOF
for profile in dev release; do
  out=$(cd "$work/user" && cargo run -q --profile "$profile")
  [ "$out" = "package-check: user crate ok" ] || fail "user crate ($profile) printed: $out"
done
# The build used the unpacked crates, not the workspace.
grep -q "$work/crates/syscall-rt-$version" "$work/user/Cargo.lock" 2>/dev/null \
  || (cd "$work/user" && cargo metadata -q --format-version 1 | grep -q "$work/crates/syscall-rt-$version") \
  || fail "the user crate did not build against the unpacked syscall-rt"
stamp "user crate (std, user table, renamed dependency): debug and release"

# 3. The libc-free example, built against the unpacked crates instead of the workspace.
cp -r examples/no-std-hello "$work/no-std-hello"
rm -rf "$work/no-std-hello/target" "$work/no-std-hello/Cargo.lock"
sed -i "s|syscall-rt = { path = \"[^\"]*\"|syscall-rt = { version = \"$version\"|" "$work/no-std-hello/Cargo.toml"
grep -q "version = \"$version\"" "$work/no-std-hello/Cargo.toml" || fail "could not point no-std-hello at the package"
printf '\n%s\n' "$patch" >>"$work/no-std-hello/Cargo.toml"
for profile in dev release; do
  (cd "$work/no-std-hello" && cargo build -q --profile "$profile")
  dir=$([ "$profile" = dev ] && echo debug || echo release)
  out=$("$work/no-std-hello/target/$dir/no-std-hello")
  [ "$out" = "hello from a no_std, no_main, libc-free binary
clock: vDSO" ] || fail "no-std-hello from the package ($profile) printed: $out"
done
stamp "no_std example from the package: debug and release"

# 4. The table checker installs from its .crate and checks tables: the embedded copies pass, a
#    broken table fails with file:line:col.
cargo install -q --path "$work/crates/syscall-table-$version" --root "$work/bin" --locked 2>/dev/null \
  || cargo install -q --path "$work/crates/syscall-table-$version" --root "$work/bin"
"$work/bin/bin/syscall-table" check "$work/crates/syscall-table-$version"/tables/*.toml >/dev/null
sed 's/^number = 39$/number = "39"/' tests/tables/x86_64-custom.toml >"$work/broken.toml"
if "$work/bin/bin/syscall-table" check "$work/broken.toml" 2>"$work/broken.err"; then
  fail "syscall-table check accepted a broken table"
fi
grep -q "broken.toml:[0-9]*:[0-9]*: error" "$work/broken.err" || fail "no file:line:col in: $(cat "$work/broken.err")"
# The installed command's manifest of the sandbox binary built from the packages: the records
# the packaged macro emitted, as the binary itself reads them.
sandbox="$work/no-std-hello/target/release/no-std-sandbox"
"$work/bin/bin/syscall-table" manifest "$sandbox" | sort >"$work/manifest.txt"
"$sandbox" list | sort >"$work/registry.txt"
[ -s "$work/manifest.txt" ] && cmp -s "$work/manifest.txt" "$work/registry.txt" \
  || fail "manifest of the packaged sandbox binary differs from its registry"
stamp "cargo install syscall-table: check passes the tables, fails a broken one at file:line:col; manifest = registry"
stamp "ok"
cd "$root"
