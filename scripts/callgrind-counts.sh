#!/usr/bin/env bash
# Instruction counts of the `syscall` probes by callgrind, as a second opinion on the ptrace
# counter (syscall-bench/src/bin/instruction-count.rs). callgrind cannot run `int 0x80` from
# 64-bit code and hides the vDSO, so only the `syscall` pairs are counted here. Fails when a
# fast-syscall probe executes more instructions than its hand-written twin (raw returns) or more
# than 2 more (Result decoding).
#
# Nothing is assumed: a probe symbol missing from the binary, a valgrind run that fails, or a
# probe that counts 0 instructions (it was not called, or callgrind saw nothing) is an error,
# never a pass. Two probes are reported as "folded" (the linker kept one copy of identical code)
# only when both symbols are present at the same address.
#
#   bash scripts/callgrind-counts.sh [BINARY]     default: builds target/release/instruction-count
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "callgrind-counts: $*" >&2; exit 2; }
command -v valgrind >/dev/null || die "valgrind is not installed (scripts/install-deps.sh installs it)"
if [ $# -ge 1 ]; then
  bin=$1
else
  cargo build -q --release -p syscall-bench --bin instruction-count
  bin=target/release/instruction-count
fi
[ -x "$bin" ] || die "no executable $bin"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
nm "$bin" >"$out/nm" || die "nm $bin failed"
addr() { awk -v f="$1" '$3 == f && ($2 == "T" || $2 == "t") { print $1 }' "$out/nm"; }

# ir NAME: instructions callgrind counted inside function NAME (inclusive) in one run of
# `--run-probes`, which calls every distinct probe exactly once. Empty when valgrind failed.
ir() {
  local name=$1 log="$out/log.$1"
  if ! valgrind --tool=callgrind --callgrind-out-file="$out/cg.$name" --toggle-collect="$name" \
      "$bin" --run-probes >/dev/null 2>"$log" </dev/null; then
    echo "callgrind-counts: valgrind failed on $bin --run-probes (collecting $name):" >&2
    tail -n 20 "$log" >&2
    return 0
  fi
  awk '/== Collected :/ { print $NF; exit }' "$log"
}

# count WHAT NAME...: the count of the first NAME that callgrind attributes instructions to
# (for folded code valgrind knows the function under one of its names only). Fails on none.
count() {
  local what=$1 name n
  shift
  for name in "$@"; do
    n=$(ir "$name")
    case "$n" in '' | *[!0-9]*) die "$what: no count for probe $name (valgrind failed or printed no total)" ;; esac
    if [ "$n" -gt 0 ]; then echo "$n"; return; fi
  done
  die "$what: probe $* counted 0 instructions (never called, or callgrind could not see it)"
}

fail=0
printf '| probe pair | fast-syscall | hand-written | extra | budget |\n|---|---:|---:|---:|---:|\n'
while read -r what ours hand budget; do
  a_ours=$(addr "$ours"); a_hand=$(addr "$hand")
  [ -n "$a_ours" ] || die "$what: symbol $ours not found in $bin"
  [ -n "$a_hand" ] || die "$what: symbol $hand not found in $bin"
  if [ "$a_ours" = "$a_hand" ]; then
    # Both symbols present at one address: the compiler emitted one function for both.
    a=$(count "$what" "$ours" "$hand"); b=$a; note=" (identical code, folded)"
  else
    a=$(count "$what" "$ours"); b=$(count "$what" "$hand"); note=""
  fi
  printf '| %s%s | %s | %s | %+d | %s |\n' "$what" "$note" "$a" "$b" $((a - b)) "$budget"
  if [ $((a - b)) -gt "$budget" ]; then
    echo "callgrind-counts: $what: $ours executes $((a - b)) more instructions than $hand (budget $budget)" >&2
    fail=1
  fi
done <<'PAIRS'
syscall-0-args-raw ours_getpid_raw hand_getpid_raw 0
syscall-0-args-Result ours_getpid_result hand_getpid_result 0
syscall-Result-decoding ours_getpid_ok_only hand_getpid_raw 2
syscall-1-arg-raw ours_getpgid_raw hand_getpgid_raw 0
syscall-2-args-raw ours_getpriority_raw hand_getpriority_raw 0
syscall-3-args-raw ours_lseek_raw hand_lseek_raw 0
syscall-4-args-raw ours_tee_raw hand_tee_raw 0
syscall-5-args-raw ours_prctl_raw hand_prctl_raw 0
syscall-6-args-raw ours_mmap_raw hand_mmap_raw 0
PAIRS
exit $fail
