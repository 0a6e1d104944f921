#!/usr/bin/env bash
# Planted regressions: proves that each gate of the project can fail. For every gate, a known
# regression is planted into the source (a `nop` before `syscall`, a vDSO stub that skips the
# vDSO, a clobbered vector register, an unrestored rbx/esi, swapped argument registers, a probe
# that is never called, ...), the gate is built (the build must succeed) and run, and it must
# FAIL. The planted file is restored afterwards, always (trap), and before the next plant.
# Exits non-zero when any gate passed with its regression planted, or a plant did not apply.
#
#   bash scripts/plant-regressions.sh            x86_64 plants (under a minute once built)
#   bash scripts/plant-regressions.sh --i686     also the i686 plants (Debian's toolchain, as
#                                                installed by scripts/cross.sh i686; about a
#                                                minute more)
#   bash scripts/plant-regressions.sh --list     names of the plants
#   PLANT_ONLY=REGEX bash scripts/plant-regressions.sh   only the plants whose name matches
#
# Builds use the normal target directories (incremental, so each plant costs seconds); the
# artifacts of the last plant stay there until cargo rebuilds them on next use, which it does
# (the restored sources are newer). Run binaries through cargo, not from target/, afterwards.
#
# The gates: scripts/callgrind-counts.sh, the ptrace instruction counter
# (syscall-bench/src/bin/instruction-count.rs --check), tests/tests/vdso_no_kernel_entry.rs,
# tests/tests/registers.rs, tests/tests/differential.rs, the main job's output test
# (syscall-bench/tests/main_job.rs), scripts/package-check.sh and the seccomp builder's unit
# tests (syscall-rt/src/seccomp.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
i686=0
list=0
for a in "$@"; do
  case $a in
    --i686) i686=1 ;;
    --list) list=1 ;;
    *) echo "usage: $0 [--i686] [--list]" >&2; exit 2 ;;
  esac
done

backup=$(mktemp -d)
planted=()   # files currently replaced by a plant
restore() {
  local f
  for f in "${planted[@]}"; do
    # A fresh mtime (no -p): cargo must see the file as changed and rebuild.
    cp "$backup/$(echo "$f" | tr / _)" "$root/$f"
  done
  planted=()
}
trap 'restore; rm -rf "$backup"' EXIT
trap 'exit 130' INT TERM

# plant FILE PERL-EXPRESSION: applies the substitution (perl -0, whole file); fails when the
# file did not change (the plant no longer matches the source).
plant() {
  local f=$1 expr=$2 saved
  saved="$backup/$(echo "$f" | tr / _)"
  [ -e "$saved" ] || cp -p "$f" "$saved"
  planted+=("$f")
  perl -0pi -e "$expr" "$f"
  if cmp -s "$f" "$saved"; then
    echo "plant-regressions: the plant did not apply to $f (source changed?): $expr" >&2
    return 1
  fi
}

t0=$SECONDS
results=()
bad=0
# check NAME BUILD-COMMAND GATE-COMMAND: builds (must succeed), runs the gate (must fail).
check() {
  local name=$1 build=$2 gate=$3 log="$backup/log"
  [[ $name =~ ${PLANT_ONLY:-.} ]] || return 0
  echo "=== $name"
  if ! (eval "$build") >"$log" 2>&1; then
    echo "plant-regressions: $name: the planted build failed (the plant must compile):" >&2
    tail -n 30 "$log" >&2
    results+=("BUILD FAILED  $name"); bad=1; return
  fi
  if (eval "$gate") >"$log" 2>&1; then
    echo "plant-regressions: $name: the gate PASSED with the regression planted" >&2
    tail -n 30 "$log" >&2
    results+=("GATE PASSED   $name"); bad=1
  else
    # The failure's own words, to show it failed for the planted reason.
    grep -E -m 3 'callgrind-counts:|instructions|entered the kernel|changed from|xmm|panicked|assert|failure|left:|right:' "$log" | sed 's/^/    /' || true
    results+=("failed (good) $name")
  fi
}

RT64=syscall-rt/src/raw/x86_64.rs
RT32=syscall-rt/src/raw/x86.rs
VDSO=syscall-rt/src/vdso.rs
IC=syscall-bench/src/bin/instruction-count.rs
REG=tests/tests/registers.rs
BUILD_IC="cargo build -q --release -p syscall-bench --bin instruction-count"
RUN_IC="target/release/instruction-count --check"
NOP_SYSCALL='s/^(\s*)"syscall",$/$1"nop",\n$1"syscall",/mg'
SKIP_VDSO='s/            addr => Some\(addr\),/            _addr => None,/'

names=(nop-before-syscall:callgrind nop-before-syscall:instruction-count
       probe-never-called:callgrind vdso-skipped:instruction-count vdso-skipped:vdso_no_kernel_entry
       rbx-not-restored:registers xmm5-clobbered:registers harness-sees-xmm3-clobbered:registers
       args-swapped:differential rbp-not-restored-by-int80-6:registers
       progress-on-a-pipe:main_job table-outside-the-package:package-check
       registry-note-outside-a-group:registry
       seccomp-range-end-off-by-one:seccomp seccomp-arch-not-checked:seccomp
       seccomp-x32-bias-not-checked:seccomp declared-allows-the-rest:seccomp)
[ $i686 = 1 ] && names+=(i686-nop-before-call:instruction-count i686-vdso-skipped:instruction-count
                         i686-vdso-skipped:vdso_no_kernel_entry i686-esi-not-restored:registers-release)
if [ $list = 1 ]; then printf '%s\n' "${names[@]}"; exit 0; fi

# 1. A nop before every `syscall`: both instruction counters must see one more instruction.
plant $RT64 "$NOP_SYSCALL"
check "nop-before-syscall:callgrind" "$BUILD_IC" "bash scripts/callgrind-counts.sh"
check "nop-before-syscall:instruction-count" "$BUILD_IC" "$RUN_IC"
restore

# 2. A probe that is never run (counts 0 in callgrind): an error, not "0 = 0".
plant $IC 's/(seen\.push\(f as usize\);)\n\s*f\(\);/$1/'
check "probe-never-called:callgrind" "$BUILD_IC" "bash scripts/callgrind-counts.sh"
restore

# 3. The vDSO stub skips the vDSO (a resolved symbol reads as absent: the fallback system call).
plant $VDSO "$SKIP_VDSO"
check "vdso-skipped:instruction-count" "$BUILD_IC" "$RUN_IC"
check "vdso-skipped:vdso_no_kernel_entry" \
  "cargo test -q -p syscall-tests --test vdso_no_kernel_entry --no-run" \
  "cargo test -q -p syscall-tests --test vdso_no_kernel_entry"
restore

# 4. int 0x80 from x86_64 without the second `xchg`: rbx keeps the first argument.
REG_TEST="cargo test -q -p syscall-tests --test registers"
plant $RT64 's/"int 0x80",\n(\s*)"xchg \{a0:r\}, rbx",/"int 0x80",/g'
check "rbx-not-restored:registers" "$REG_TEST --no-run" \
  "$REG_TEST -- --exact real_stubs_preserve_callee_saved_vector_and_x87_state"
restore

# 5. The syscall stubs clobber xmm5 without declaring it.
plant $RT64 's/^(\s*)"syscall",$/$1"pxor xmm5, xmm5",\n$1"syscall",/mg'
check "xmm5-clobbered:registers" "$REG_TEST --no-run" \
  "$REG_TEST -- --exact real_stubs_preserve_callee_saved_vector_and_x87_state"
restore

# 6. The gate-level harness itself: a vector register changed right after the gate.
plant $REG 's/(\$gate,\n)(\s*)("movdqu xmmword ptr \[r15)/$1$2"pxor xmm3, xmm3",\n$2$3/'
check "harness-sees-xmm3-clobbered:registers" "$REG_TEST --no-run" \
  "$REG_TEST -- --exact x86_64_gates_preserve_vector_and_x87_state"
restore

# 7. 3-argument syscall stubs with the 2nd and 3rd argument registers swapped.
plant $RT64 's/in\("rdi"\) a0, in\("rsi"\) a1, in\("rdx"\) a2,\n/in("rdi") a0, in("rsi") a2, in("rdx") a1,\n/'
check "args-swapped:differential" \
  "cargo test -q -p syscall-tests --test differential --no-run" \
  "cargo test -q -p syscall-tests --test differential"
restore

# 8. int 0x80 with 6 arguments from x86_64 leaves the 6th argument in rbp (r12 not traded back).
plant $RT64 's/"int 0x80",\n(\s*)"xchg r12, rbp",/"int 0x80",/'
check "rbp-not-restored-by-int80-6:registers" "$REG_TEST --no-run" "$REG_TEST"
restore

# 9. The main job draws its progress line into a log (stderr not a terminal).
plant syscall-bench/src/main.rs 's/on: std::io::stderr\(\)\.is_terminal\(\),/on: true,/'
check "progress-on-a-pipe:main_job" \
  "cargo test -q --release -p syscall-bench --test main_job --no-run" \
  "cargo test -q --release -p syscall-bench --test main_job"
restore

# 10. syscall-table embeds a table from outside its package: it builds in the workspace, and
# packaging with verification must fail.
plant syscall-table/src/lib.rs 's|include_str!\("../tables/x86_64.toml"\)|include_str!("../../tables/x86_64.toml")|'
check "table-outside-the-package:package-check" "cargo build -q -p syscall-table" \
  "bash scripts/package-check.sh"
restore

# 11. The stubs' records in note sections outside a section group: linkers keep every such note,
# so dead code's records stay in the binary.
plant syscall-macros/src/expand.rs 's/fast_syscall,\\"aG\\",%note,\.Lfast_syscall\.\{key\}\\n/fast_syscall.{key},\\"a\\",%note\\n/'
check "registry-note-outside-a-group:registry" \
  "cargo test -q -p syscall-tests --test registry --no-run" \
  "cargo test -q -p syscall-tests --test registry"
restore

# 12. The seccomp builder: each range lets one number past its end through; the arch check
# skipped (a foreign arch's calls matched against our numbers); no x32 guard in an x86_64-only
# section (a biased number gets the default action instead of the kill). The interpreter-based
# unit tests must see each.
SECCOMP=syscall-rt/src/seccomp.rs
SECCOMP_TEST="cargo test -q -p syscall-rt --lib seccomp"
plant $SECCOMP 's/w\.push\(JGT, 0, allow_at - at - 1, last\);/w.push(JGT, 0, allow_at - at - 1, last.wrapping_add(1));/'
check "seccomp-range-end-off-by-one:seccomp" "$SECCOMP_TEST --no-run" "$SECCOMP_TEST"
restore
plant $SECCOMP 's/w\.push\(JEQ, 1, 0, native\.arch\);/w.push(JA, 0, 0, 1);/'
check "seccomp-arch-not-checked:seccomp" "$SECCOMP_TEST --no-run" "$SECCOMP_TEST"
restore
plant $SECCOMP 's/\(true, false\) => Guard::KillBiased,/(true, false) => Guard::None,/'
check "seccomp-x32-bias-not-checked:seccomp" "$SECCOMP_TEST --no-run" "$SECCOMP_TEST"
restore
# 13. Filter::declared() lets every other call through: the kernel test of a call outside the
# declarations must see it survive.
plant $SECCOMP 's/let mut filter = Filter::new\(Action::KillProcess\);\n(\s*)for call in crate::registry::linked/let mut filter = Filter::new(Action::Allow);\n$1for call in crate::registry::linked/'
check "declared-allows-the-rest:seccomp" "cargo test -q -p syscall-tests --test seccomp --no-run" \
  "cargo test -q -p syscall-tests --test seccomp a_call_outside_the_declarations"
restore

if [ $i686 = 1 ]; then
  # Debian's compiler and the i686 std, as scripts/cross.sh sets them up.
  I686_ENV='export PATH=/usr/bin:$PATH CARGO_TARGET_DIR='"$root"'/target/debian; unset RUSTUP_TOOLCHAIN RUSTC RUSTFLAGS'
  T=i686-unknown-linux-gnu
  BUILD_IC32="$I686_ENV; cargo build -q --release -p syscall-bench --bin instruction-count --target $T"
  RUN_IC32="target/debian/$T/release/instruction-count --check"
  # 12. A nop before the call into __kernel_vsyscall (sysenter 0-3 arguments).
  plant $RT32 's/^(\s*)"call \{entry\}",$/$1"nop",\n$1"call {entry}",/mg'
  check "i686-nop-before-call:instruction-count" "$BUILD_IC32" "$RUN_IC32"
  restore
  # 13. The vDSO skipped on i686.
  plant $VDSO "$SKIP_VDSO"
  check "i686-vdso-skipped:instruction-count" "$BUILD_IC32" "$RUN_IC32"
  check "i686-vdso-skipped:vdso_no_kernel_entry" \
    "$I686_ENV; cargo test -q -p syscall-tests --test vdso_no_kernel_entry --target $T --no-run" \
    "$I686_ENV; cargo test -q -p syscall-tests --test vdso_no_kernel_entry --target $T"
  restore
  # 14. sysenter with 4 arguments leaves esi holding the 4th argument (stack kept balanced).
  # Seen by the live-value checks in release (the wrapper harness saves esi itself there).
  plant $RT32 's/(pub unsafe fn sysenter4.*?)"pop esi",/$1"add esp, 4",/s'
  check "i686-esi-not-restored:registers-release" \
    "$I686_ENV; cargo test -q --release -p syscall-tests --test registers --target $T --no-run" \
    "$I686_ENV; cargo test -q --release -p syscall-tests --test registers --target $T"
  restore
fi

echo
echo "plant-regressions: $((SECONDS - t0)) s"
printf '  %s\n' "${results[@]}"
if [ $bad != 0 ]; then
  echo "plant-regressions: a gate passed with its regression planted, or a plant did not build" >&2
  exit 1
fi
echo "plant-regressions: every gate failed on its planted regression"
