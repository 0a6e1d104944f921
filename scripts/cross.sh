#!/usr/bin/env bash
# Builds and tests the workspace for other targets with Debian's Rust 1.85 (the MSRV), on a
# Debian 12 amd64 machine, as root. Installs what it needs (idempotent).
#
#   bash scripts/cross.sh TARGET...      TARGET: i686 aarch64 armv7 riscv64 riscv32 x32
#
# i686 runs natively (the kernel's IA32 emulation); aarch64, armv7 and riscv64 under
# qemu-user 10 (Debian 13's static build, downloaded once into a cache: it maps a vDSO for its
# guests, so the vDSO tests take the real path), then a subset again under Debian 12's
# qemu-user 7.2, which maps none (the fallback, with FAST_SYSCALL_NO_VDSO=1); x32 only builds
# (this kernel has CONFIG_X86_X32_ABI off); riscv32 is compile-checked. Debian ships prebuilt
# std rlibs for i386, arm64 and armhf; riscv64 and x32 build std from Debian's rust-web-src.
# Facts and pitfalls: ../shared/cross/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
V=1.85.0+dfsg3-1~deb12u3
PKGS=(rustc-web cargo-web libstd-rust-web-dev rust-web-src)
export DEBIAN_FRONTEND=noninteractive
t0=$SECONDS
stamp() { echo "[cross $((SECONDS - t0))s] $*"; }

have() { [ "$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null)" = "$2" ]; }

# 1. Debian's compiler (never the rustup one: the prebuilt std must match it exactly).
need=()
for p in "${PKGS[@]}"; do have "$p" "$V" || need+=("$p=$V"); done
for p in gcc-12-multilib libc6-dev-i386 libc6-dev-x32 qemu-user \
         gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross \
         gcc-riscv64-linux-gnu libc6-dev-riscv64-cross; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq || true   # a broken foreign index must not stop the amd64 lists
  apt-get install -y -qq --no-install-recommends --allow-downgrades --allow-change-held-packages "${need[@]}" >/dev/null
fi
apt-mark hold "${PKGS[@]}" >/dev/null
stamp "Debian rustc $V"

# 2. Prebuilt std for i386/arm64/armhf, from bookworm main through a private apt state (the
#    foreign security indexes fail to download; see ../shared/cross/README.md, pitfall 1).
std_need=()
for ta in i686-unknown-linux-gnu:i386 aarch64-unknown-linux-gnu:arm64 armv7-unknown-linux-gnueabihf:armhf; do
  [ "$(cat "/usr/lib/rustlib/${ta%%:*}/.debian-version" 2>/dev/null)" = "$V" ] || std_need+=("libstd-rust-web-dev:${ta##*:}=$V")
done
if [ ${#std_need[@]} -gt 0 ]; then
  A=/var/tmp/fast-syscall-apt; rm -rf "$A/debs"; mkdir -p "$A/lists/partial" "$A/archives/partial" "$A/debs"
  echo 'deb [arch=i386,arm64,armhf] http://deb.debian.org/debian bookworm main' > "$A/sources.list"
  APTO=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$A/lists"
        -o "Dir::Cache::Archives=$A/archives" -o APT::Sandbox::User=root
        -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false)
  apt-get "${APTO[@]}" update -qq
  (cd "$A/debs" && apt-get "${APTO[@]}" download -qq "${std_need[@]}")
  for deb in "$A"/debs/libstd-rust-web-dev_*.deb; do
    triple=$(dpkg-deb -c "$deb" | grep -o 'rustlib/[^/]*-linux-[^/]*/lib/$' | cut -d/ -f2)
    rm -rf "/usr/lib/rustlib/$triple"
    dpkg-deb -x "$deb" /
    echo "$V" > "/usr/lib/rustlib/$triple/.debian-version"
  done
  stamp "prebuilt std: ${std_need[*]}"
fi

# 3. Environment: Debian's cargo must find Debian's rustc (rustup's comes first in PATH).
export PATH=/usr/bin:$PATH
unset RUSTUP_TOOLCHAIN RUSTC RUSTDOC RUSTC_WRAPPER RUSTFLAGS
export CARGO_TARGET_DIR="$PWD/target/debian"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc
export CARGO_TARGET_RISCV64GC_UNKNOWN_LINUX_GNU_LINKER=riscv64-linux-gnu-gcc

# 4. The emulators. Debian 12's qemu-user (7.2, /usr/bin) maps no vDSO for guests; qemu-user
#    10 does. Debian 13 builds it static, so it runs here without installing: its .deb is
#    fetched from the Debian pool (verified against the pinned SHA-256, taken from trixie's
#    signed index) and the three emulators unpacked into a cache kept between runs.
QEMU10_VERSION=1:10.0.13+ds-0+deb13u1
QEMU10_DEB=qemu-user_10.0.13+ds-0+deb13u1_amd64.deb
QEMU10_SHA256=ca6ede739327a20ae5a3498230c8a3a9a072c586e131bc6bcc1201eb1725e336
QEMU10=${FAST_SYSCALL_QEMU_CACHE:-/var/tmp/fast-syscall-qemu}/${QEMU10_VERSION#1:}
qemu10() {
  local want="qemu-aarch64 version 10.0.13 (Debian $QEMU10_VERSION)"
  if [ "$("$QEMU10/bin/qemu-aarch64" --version 2>/dev/null | head -1)" = "$want" ] &&
     [ -x "$QEMU10/bin/qemu-arm" ] && [ -x "$QEMU10/bin/qemu-riscv64" ]; then
    return
  fi
  local tmp="$QEMU10.partial" mirror
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  rm -rf "$tmp" && mkdir -p "$tmp/root" "$QEMU10"
  /usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file \
    "${mirror:-http://deb.debian.org/debian}/pool/main/q/qemu/$QEMU10_DEB" "$tmp/$QEMU10_DEB" "SHA256:$QEMU10_SHA256" >/dev/null
  echo "$QEMU10_SHA256  $tmp/$QEMU10_DEB" | sha256sum -c --quiet
  dpkg-deb --fsys-tarfile "$tmp/$QEMU10_DEB" |
    tar -x -C "$tmp/root" ./usr/bin/qemu-aarch64 ./usr/bin/qemu-arm ./usr/bin/qemu-riscv64
  rm -rf "$QEMU10/bin" && mv "$tmp/root/usr/bin" "$QEMU10/bin" && rm -rf "$tmp"
  [ "$("$QEMU10/bin/qemu-aarch64" --version | head -1)" = "$want" ]
  stamp "qemu-user $QEMU10_VERSION in $QEMU10"
}
case " $* " in *" aarch64 "*|*" armv7 "*|*" riscv64 "*) qemu10 ;; esac
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="$QEMU10/bin/qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUNNER="$QEMU10/bin/qemu-arm -L /usr/arm-linux-gnueabihf"
export CARGO_TARGET_RISCV64GC_UNKNOWN_LINUX_GNU_RUNNER="$QEMU10/bin/qemu-riscv64 -L /usr/riscv64-linux-gnu"
# The fallback without a vDSO: the tests of the vDSO, auxv and stubs once more under qemu 7.2
# (FAST_SYSCALL_NO_VDSO=1: they then require the image to be absent).
NO_VDSO_TESTS=(--test runtime --test vdso_fallback --test vdso_elf --test auxv_source)
emulated() {  # emulated TARGET_ENV_PREFIX TRIPLE EMULATOR SYSROOT [cargo args...]
  local var=$1 triple=$2 qemu=$3 sysroot=$4; shift 4
  local runner="$QEMU10/bin/$qemu -L $sysroot"
  FAST_SYSCALL_TEST_RUNNER=$runner run cargo test "$@" "${TEST_ARGS[@]}" --target "$triple"
  runner="/usr/bin/$qemu -L $sysroot"
  ( export "CARGO_TARGET_${var}_RUNNER=$runner" FAST_SYSCALL_TEST_RUNNER="$runner" FAST_SYSCALL_NO_VDSO=1
    run cargo test "$@" -p syscall-tests "${NO_VDSO_TESTS[@]}" --target "$triple" )
}

# The libc-free examples (examples/no-std-hello), debug and release: static binaries with their
# own `_start`, run natively or under qemu 10 (they need no sysroot); no-std-hello must print its
# line, find the vDSO through the auxiliary vector on its stack, and exit 0.
example() {  # example TRIPLE RUNNER [cargo args...]
  local triple=$1 runner=$2 profile dir out; shift 2
  for profile in dev release; do
    run cargo build -q "$@" --manifest-path examples/no-std-hello/Cargo.toml --target "$triple" --profile "$profile"
    dir=$([ "$profile" = dev ] && echo debug || echo release)
    out=$($runner "$CARGO_TARGET_DIR/$triple/$dir/no-std-hello")
    [ "$out" = "hello from a no_std, no_main, libc-free binary
clock: vDSO" ] || { echo "no-std-hello ($triple, $profile) printed: $out" >&2; return 1; }
  done
  # The sandbox binary of the same package: registry = manifest, the job under its filter (and,
  # natively, SIGSYS for a raw call, strace against the manifest), the OCI profile.
  run bash scripts/sandbox-check.sh "$triple" "$runner" "$@"
}

# Only the runtime crates run on the target: the proc macro, trybuild and the table tools are
# host-side (and tested there).
TEST_ARGS=(-p syscall-rt -p syscall-tests)
run() { local s=$SECONDS; echo "=== $*"; "$@"; stamp "ok ($((SECONDS - s))s): $*"; }
# The runtime crate's documentation for the target (docs.rs builds each one), without warnings.
docs() {  # docs TRIPLE [cargo args...]
  local triple=$1; shift
  RUSTDOCFLAGS="-D warnings" run cargo doc -q --no-deps -p syscall-rt "$@" --target "$triple"
}
for t in "$@"; do
  case $t in
    i686)
      run cargo test "${TEST_ARGS[@]}" --target i686-unknown-linux-gnu
      run cargo test "${TEST_ARGS[@]}" --target i686-unknown-linux-gnu --release
      # Frame pointers forced on: ebp is then never free, the 6-argument stubs must cope.
      CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C force-frame-pointers=yes" \
        run cargo test "${TEST_ARGS[@]}" --target i686-unknown-linux-gnu --release --target-dir target/debian-fp
      # Exact instruction counts and kernel entries of the sysenter, int 0x80 and vDSO stubs
      # (ptrace single-stepping; fails over budget or on an unexpected kernel entry).
      run cargo run -q --release -p syscall-bench --bin instruction-count --target i686-unknown-linux-gnu -- --check
      example i686-unknown-linux-gnu ""
      docs i686-unknown-linux-gnu
      ;;
    # Tests that start a child process need the emulator too (binfmt_misc is not mounted).
    aarch64) emulated AARCH64_UNKNOWN_LINUX_GNU aarch64-unknown-linux-gnu qemu-aarch64 /usr/aarch64-linux-gnu
             example aarch64-unknown-linux-gnu "$QEMU10/bin/qemu-aarch64"
             docs aarch64-unknown-linux-gnu ;;
    armv7) emulated ARMV7_UNKNOWN_LINUX_GNUEABIHF armv7-unknown-linux-gnueabihf qemu-arm /usr/arm-linux-gnueabihf
           example armv7-unknown-linux-gnueabihf "$QEMU10/bin/qemu-arm"
           docs armv7-unknown-linux-gnueabihf ;;
    riscv64) RUSTC_BOOTSTRAP=1 emulated RISCV64GC_UNKNOWN_LINUX_GNU riscv64gc-unknown-linux-gnu \
               qemu-riscv64 /usr/riscv64-linux-gnu -Zbuild-std=std,panic_abort
             RUSTC_BOOTSTRAP=1 example riscv64gc-unknown-linux-gnu "$QEMU10/bin/qemu-riscv64" -Zbuild-std=core
             RUSTC_BOOTSTRAP=1 docs riscv64gc-unknown-linux-gnu -Zbuild-std=std,panic_abort ;;
    x32) RUSTC_BOOTSTRAP=1 run cargo test -Zbuild-std=std,panic_abort "${TEST_ARGS[@]}" --target x86_64-unknown-linux-gnux32 --no-run
         RUSTC_BOOTSTRAP=1 docs x86_64-unknown-linux-gnux32 -Zbuild-std=std,panic_abort ;;
    # riscv32: no C library or std for it on Debian 12; the runtime crate (stubs, generated API)
    # is compile-checked as no_std.
    riscv32) RUSTC_BOOTSTRAP=1 run cargo check -Zbuild-std=core,alloc -p syscall-rt --no-default-features --target riscv32gc-unknown-linux-gnu ;;
    *) echo "unknown target $t (i686 aarch64 armv7 riscv64 riscv32 x32)" >&2; exit 2 ;;
  esac
done
stamp "done: $*"
