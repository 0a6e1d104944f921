#!/usr/bin/env bash
# Instruction counts of the `syscall` probes by callgrind, as a second opinion on the ptrace
# counter (syscall-bench/src/bin/instruction-count.rs). callgrind cannot run `int 0x80` from
# 64-bit code and hides the vDSO, so only the `syscall` pairs are counted here. Fails when a
# fast-syscall probe executes more instructions than its hand-written twin (raw returns) or more
# than 2 more (Result decoding).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 2; }
cargo build -q --release -p syscall-bench --bin instruction-count
bin=target/release/instruction-count
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
addr() { nm "$bin" | awk -v f="$1" '$3 == f { print $1 }'; }
ir() {  # ir PROBE [ALIAS] -> instructions executed inside PROBE (inclusive), per call
  # When the linker folded two identical probes into one, valgrind knows the code under one of
  # the names only: try both.
  local name n
  for name in "$@"; do
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$name" --toggle-collect="$name" \
      "$bin" --run-probes >/dev/null 2>&1 </dev/null
    n=$(callgrind_annotate "$out/cg.$name" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')
    case "$n" in ''|.|0) ;; *) echo "$n"; return ;; esac
  done
  echo 0
}
fail=0
printf '| probe pair | fast-syscall | hand-written | extra | budget |\n|---|---:|---:|---:|---:|\n'
while read -r what ours hand budget; do
  if [ "$(addr "$ours")" = "$(addr "$hand")" ]; then
    # Identical machine code: the compiler emitted one function for both.
    a=$(ir "$ours" "$hand"); b=$a; note=" (identical code, folded)"
  else
    a=$(ir "$ours"); b=$(ir "$hand"); note=""
  fi
  printf '| %s%s | %s | %s | %+d | %s |\n' "$what" "$note" "$a" "$b" $((a - b)) "$budget"
  [ $((a - b)) -le "$budget" ] || fail=1
done <<'PAIRS'
syscall-0-args-raw ours_getpid_raw hand_getpid_raw 0
syscall-0-args-Result ours_getpid_result hand_getpid_result 0
syscall-Result-decoding ours_getpid_ok_only hand_getpid_raw 2
syscall-3-args-raw ours_lseek_raw hand_lseek_raw 0
syscall-6-args-raw ours_mmap_raw hand_mmap_raw 0
PAIRS
exit $fail
