#!/usr/bin/env bash
# The declarations are the sandbox: checks examples/no-std-hello's `no-std-sandbox` binary, a
# libc-free program that installs `Filter::declared()` and then does its whole job.
#
#   bash scripts/sandbox-check.sh                      x86_64, natively (seccomp enforced)
#   bash scripts/sandbox-check.sh TRIPLE [RUNNER [CARGO-ARGS...]]
#                                     another target (scripts/cross.sh calls it with its
#                                     toolchain; RUNNER: qemu-user, "" for native i686)
#
# For each profile (dev, release):
# 1. the registry the binary reads at run time is the manifest `syscall-table manifest` reads
#    from the file, line for line;
# 2. the job works under the filter, which is installed (natively; qemu-user has no seccomp for
#    its guests, where the binary says so);
# 3. natively: a raw `asm!` system call after installation is killed with SIGSYS;
# 4. natively: strace of a run sees only calls of the manifest, and the manifest lists nothing
#    beyond them but the calls of fallback paths this run does not take (EXPECTED_UNSEEN below,
#    each with its reason);
# 5. the OCI profile of the binary is valid JSON with the expected shape.
set -euo pipefail
cd "$(dirname "$0")/.."
triple=${1:-}
runner=${2:-}
shift $(( $# < 2 ? $# : 2 ))
native=1
[ -n "$runner" ] && native=0
target_args=()
[ -n "$triple" ] && target_args=(--target "$triple")
out_dir=${CARGO_TARGET_DIR:-examples/no-std-hello/target}
[ -n "$triple" ] && out_dir=$out_dir/$triple
fail() { echo "sandbox-check${triple:+ ($triple)}: $*" >&2; exit 1; }

# Calls the manifest lists that a normal run does not make, and why they can happen:
# - clock_gettime, getrandom: the kernel fallbacks of the vDSO functions (no vDSO, or a vDSO
#   without the symbol);
# - openat, read, close, fstatfs, prctl(PR_GET_AUXV) (prctl is seen anyway, for no_new_privs):
#   reading the auxiliary vector from the kernel when no `_start` handed it over;
# - mincore: checking that the vDSO's pages are mapped when its address came from the kernel;
# - munmap: the vgetrandom allocator giving back a page that lost a race;
# - clock_gettime64 replaces clock_gettime on 32-bit ABIs, mmap2 replaces mmap, fstatfs64 fstatfs.
EXPECTED_UNSEEN=" clock_gettime clock_gettime64 getrandom openat read close fstatfs fstatfs64 mincore munmap "

manifest_tool=target/release/syscall-table
if [ -n "$triple" ]; then
  # The manifest runs on the host: built without --target, into its own directory.
  (unset CARGO_BUILD_TARGET; CARGO_TARGET_DIR=target/sandbox-host cargo build -q --release -p syscall-table)
  manifest_tool=target/sandbox-host/release/syscall-table
else
  cargo build -q --release -p syscall-table
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for profile in dev release; do
  cargo build -q "$@" --manifest-path examples/no-std-hello/Cargo.toml "${target_args[@]}" \
    --profile "$profile" --bin no-std-sandbox
  bin=$out_dir/$([ "$profile" = dev ] && echo debug || echo release)/no-std-sandbox
  [ -x "$bin" ] || fail "no binary at $bin"
  tag="$profile"

  # 1. Run-time registry == manifest of the file.
  $runner "$bin" list | sort >"$tmp/registry"
  "$manifest_tool" manifest "$bin" | sort >"$tmp/manifest"
  [ -s "$tmp/manifest" ] || fail "$tag: empty manifest"
  diff -u "$tmp/manifest" "$tmp/registry" || fail "$tag: the run-time registry differs from the manifest"
  for call in getpid write exit_group getrandom seccomp prctl; do
    grep -q " $call " "$tmp/manifest" || grep -q " ${call}2 " "$tmp/manifest" ||
      fail "$tag: the manifest lacks $call"
  done
  grep -q " getppid " "$tmp/manifest" && fail "$tag: getppid (made through raw asm only) is in the manifest"

  # 2. The job under the filter.
  out=$($runner "$bin") || fail "$tag: the job failed under the filter (status $?): $out"
  last=$(printf '%s\n' "$out" | tail -n 1)
  [ "$last" = "hello from a sandboxed, libc-free binary" ] || fail "$tag: printed: $out"
  if [ $native = 1 ]; then
    printf '%s\n' "$out" | grep -qE '^sandbox: [0-9]+ system calls allowed$' ||
      fail "$tag: the filter was not installed: $out"
  else
    printf '%s\n' "$out" | grep -qE '^sandbox: ([0-9]+ system calls allowed|not installed: .*)$' ||
      fail "$tag: printed: $out"
  fi

  if [ $native = 1 ]; then
    # 3. An undeclared call after installation: SIGSYS (31), never "not stopped".
    set +e
    "$bin" raw >"$tmp/raw.out" 2>&1
    status=$?
    set -e
    [ $status = $((128 + 31)) ] || fail "$tag: the raw call ended with status $status, not SIGSYS: $(cat "$tmp/raw.out")"

    # 4. strace: seen ⊆ manifest; manifest \ seen ⊆ the documented fallbacks.
    strace -qq -o "$tmp/strace" "$bin" >/dev/null
    grep -o '^[a-z_0-9]*(' "$tmp/strace" | tr -d '(' | grep -v '^execve$' | sort -u >"$tmp/seen"
    awk '{print $2}' "$tmp/manifest" | sort -u >"$tmp/listed"
    unlisted=$(comm -23 "$tmp/seen" "$tmp/listed" | tr '\n' ' ')
    [ -z "$unlisted" ] || fail "$tag: strace saw calls the manifest lacks: $unlisted"
    for call in $(comm -13 "$tmp/seen" "$tmp/listed"); do
      [[ $EXPECTED_UNSEEN == *" $call "* ]] ||
        fail "$tag: the manifest lists $call, which this run did not make and no fallback explains"
    done
    echo "sandbox-check ($tag): strace saw $(tr '\n' ' ' <"$tmp/seen")"
  fi

  # 5. The OCI profile.
  "$manifest_tool" manifest --format oci "$bin" >"$tmp/oci.json"
  python3 - "$tmp/oci.json" <<'EOF' || fail "$tag: bad OCI profile"
import json, sys
profile = json.load(open(sys.argv[1]))
assert profile["defaultAction"].startswith("SCMP_ACT_"), profile["defaultAction"]
assert profile["architectures"] and all(a.startswith("SCMP_ARCH_") for a in profile["architectures"])
names = set()
for rule in profile["syscalls"]:
    assert rule["action"] == "SCMP_ACT_ALLOW", rule
    names.update(rule["names"])
assert "execve" in names, "runtimes execve the process after installing the profile"
assert {"getpid", "write", "exit_group"} <= names, names
EOF
  for call in $(awk '{print $2}' "$tmp/manifest" | sort -u); do
    grep -q "\"$call\"" "$tmp/oci.json" || fail "$tag: the OCI profile lacks $call"
  done
  echo "sandbox-check${triple:+ ($triple)} ($tag): ok, $(wc -l <"$tmp/manifest") calls"
done
