#!/usr/bin/env bash
# make bench: runs the bench guest under cvisor and, for comparison, booted
# directly by QEMU at EL1, both with -icount shift=0 (one instruction per
# nanosecond of virtual time), and reports instructions per operation as a
# table on stdout and build/bench/<ARCH>.json (docs/bench.md).
#   bench.sh ARCH
set -euo pipefail
arch=${1:-aarch64}
if [ "$arch" != aarch64 ]; then
  echo "bench.sh: no benchmarks for ARCH=$arch yet (aarch64 only)" >&2
  exit 2
fi
out=build/bench
mkdir -p "$out"
icount="-icount shift=0,align=off,sleep=off"
config=configs/vms/bench-aarch64.toml
guest=build/guests/$arch/bench.elf

make -s ARCH="$arch" LOG=info VM_CONFIGS="$config" cvisor "$guest" >"$out/$arch-build.log" 2>&1 ||
  { cat "$out/$arch-build.log" >&2; exit 1; }

# Under cvisor: SMP=2, so the vCPU of the IPI benchmark has a pCPU of its
# own (the idle pCPU sleeps in WFI and adds no instructions).
timeout --kill-after=5 120 make -s ARCH="$arch" LOG=info SMP=2 \
  VM_CONFIGS="$config" QEMU_ARGS="$icount" run </dev/null >"$out/$arch-cvisor.log" 2>&1 ||
  { echo "bench.sh: the run under cvisor failed, see $out/$arch-cvisor.log" >&2; exit 1; }

# Natively: the same binary, QEMU's virt machine without EL2 (2 CPUs, for
# the IPI round trip; QEMU's own PSCI starts the second).
# shellcheck disable=SC2086
timeout --kill-after=5 60 qemu-system-aarch64 -M virt,gic-version=3 \
  -cpu max,pauth-impdef=on -smp 2 -m 128M -nographic -monitor none -serial stdio \
  $icount -kernel "$guest" </dev/null >"$out/$arch-native.log" 2>&1 ||
  { echo "bench.sh: the native run failed, see $out/$arch-native.log" >&2; exit 1; }

read -r text data bss _ < <(aarch64-linux-gnu-size "build/$arch/cvisor.elf" | tail -1)
read -r etext edata ebss _ < <(aarch64-linux-gnu-size "build/$arch/embed.o" | tail -1)
python3 scripts/bench_report.py --arch "$arch" \
  --cvisor-log "$out/$arch-cvisor.log" --native-log "$out/$arch-native.log" \
  --elf-sizes "$text,$data,$bss" --embedded-bytes $((etext + edata + ebss)) \
  --qemu "$(qemu-system-aarch64 --version | head -1)" --json "$out/$arch.json"
