#!/usr/bin/env bash
# make bench: runs the bench guest under cvisor and, for comparison, booted
# directly by QEMU at EL1, both with -icount shift=0 (one instruction per
# nanosecond of virtual time), and reports instructions per operation as a
# table on stdout and build/bench/<ARCH>.json (docs/bench.md).
#   bench.sh ARCH
set -euo pipefail
arch=${1:-aarch64}
case $arch in
  aarch64|riscv64|x86_64) ;;
  *) echo "bench.sh: no benchmarks for ARCH=$arch" >&2
     exit 2 ;;
esac
out=build/bench
mkdir -p "$out"
icount="-icount shift=0,align=off,sleep=off"
config=configs/vms/bench-$arch.toml
guest=build/guests/$arch/bench.elf
# QEMU's Multiboot loader takes the raw image (its header's addresses),
# not a 64-bit ELF.
native_image=$guest
[ "$arch" = x86_64 ] && native_image=build/guests/$arch/bench.bin

make -s ARCH="$arch" LOG=info VM_CONFIGS="$config" cvisor "$guest" "$native_image" >"$out/$arch-build.log" 2>&1 ||
  { cat "$out/$arch-build.log" >&2; exit 1; }

# Under cvisor: SMP=2, so the vCPU of the IPI benchmark has a pCPU of its
# own (the idle pCPU sleeps in WFI and adds no instructions; on riscv64
# cvisor's 1 ms tick with several harts wakes it, docs/bench.md).
smp=2
timeout --kill-after=5 120 make -s ARCH="$arch" LOG=info SMP=$smp \
  VM_CONFIGS="$config" QEMU_ARGS="$icount" run </dev/null >"$out/$arch-cvisor.log" 2>&1 ||
  { echo "bench.sh: the run under cvisor failed, see $out/$arch-cvisor.log" >&2; exit 1; }

# Natively: the same binary without a hypervisor: on aarch64 QEMU's virt
# machine without EL2 (2 CPUs, for the IPI round trip; QEMU's own PSCI
# starts the second), on riscv64 in S-mode under OpenSBI (2 harts, the
# second started with SBI HSM), on x86_64 the
# q35 PC through QEMU's Multiboot loader (2 CPUs; isa-debug-exit at 0xf4,
# where the guests power off).
case $arch in
  aarch64)
    native=(qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth-impdef=on -smp 2) ;;
  riscv64)
    native=(qemu-system-riscv64 -M virt -cpu rv64 -bios default -smp 2) ;;
  x86_64)
    native=(qemu-system-x86_64 -M q35 -cpu qemu64 -smp 2
            -device isa-debug-exit,iobase=0xf4,iosize=1) ;;
esac
# shellcheck disable=SC2086
# (isa-debug-exit makes QEMU exit with 1 for the guest's 0.)
rc=0
timeout --kill-after=5 60 "${native[@]}" -m 128M -nographic -monitor none -serial stdio \
  $icount -kernel "$native_image" </dev/null >"$out/$arch-native.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && ! { [ "$arch" = x86_64 ] && [ "$rc" -eq 1 ]; }; then
  echo "bench.sh: the native run failed, see $out/$arch-native.log" >&2; exit 1
fi

size=$arch-linux-gnu-size
read -r text data bss _ < <($size "build/$arch/cvisor.elf" | tail -1)
read -r etext edata ebss _ < <($size "build/$arch/embed.o" | tail -1)
python3 scripts/bench_report.py --arch "$arch" \
  --cvisor-log "$out/$arch-cvisor.log" --native-log "$out/$arch-native.log" \
  --elf-sizes "$text,$data,$bss" --embedded-bytes $((etext + edata + ebss)) \
  --qemu "$(qemu-system-"$arch" --version | head -1)" --json "$out/$arch.json"
