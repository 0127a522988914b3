#!/usr/bin/env bash
# Installs, from Debian's packages, everything the build and tests need.
# Idempotent: does nothing when every tool is already there.
set -euo pipefail

packages=(
  make gcc clang clang-format lld llvm libclang-rt-14-dev cppcheck
  gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
  gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu
  # the riscv64 Linux guest (scripts/guest-images.sh): its /init, the kernel build
  libc6-dev-riscv64-cross flex bison bc
  qemu-system-arm qemu-system-misc qemu-system-x86 opensbi
  mtools dosfstools device-tree-compiler u-boot-qemu
  python3 cpio xz-utils zstd gdb-multiarch
  # make bench's pictures (scripts/bench_plot.py)
  python3-matplotlib
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]} (run as root to install)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
