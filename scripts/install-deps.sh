#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (idempotent; run as root, as CI does).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# valgrind: scripts/callgrind-counts.sh (the second opinion on the instruction counts).
# manpages-dev: the man(2) synopses that syscall-table/tests/man_pages.rs checks pointer kinds against.
# The cross compilers: `cargo xtask codegen` asks each ABI's C compiler for the layouts of the
# kernel's types (xtask/src/layouts.rs; assembly only, no C library).
# strace: .ci/run checks the system calls of the libc-free example.
pkgs=(gcc-12-multilib libc6-dev-i386 libc6-dev-x32 valgrind manpages-dev strace
      linux-libc-dev-arm64-cross linux-libc-dev-armhf-cross linux-libc-dev-riscv64-cross
      gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # A foreign-architecture index may fail to download; the amd64 lists still load.
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
