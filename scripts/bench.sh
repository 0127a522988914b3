#!/usr/bin/env bash
# make bench: runs the bench guest under cvisor and, for comparison, booted
# directly by QEMU at EL1, both with -icount shift=0 (one instruction per
# nanosecond of virtual time), and reports instructions per operation as a
# table on stdout and build/bench/<ARCH>.json (docs/bench.md). It then
# measures the timer latency of a real-time guest alone and beside
# a noisy neighbour (below). It compares with the figures last committed,
# docs/bench/<ARCH>.json, and draws build/bench/<ARCH>.svg.
#   bench.sh ARCH
# BENCH_QUICK=1 (make test's bench groups): the latency guest takes 1000
# periods rather than 10000. BENCH_LINUX=1 adds Linux's boot
# time under cvisor against QEMU alone (scripts/bench_linux.sh).
set -euo pipefail
arch=${1:-aarch64}
case $arch in
  aarch64|riscv64|x86_64) ;;
  *) echo "bench.sh: no benchmarks for ARCH=$arch" >&2
     exit 2 ;;
esac
out=build/bench
mkdir -p "$out"
: >"$out/$arch-build.log"
icount="-icount shift=0,align=off,sleep=off"
config=configs/vms/bench-$arch.toml
guest=build/guests/$arch/bench.elf
# QEMU's Multiboot loader takes the raw image (its header's addresses),
# not a 64-bit ELF.
native_image=$guest
[ "$arch" = x86_64 ] && native_image=build/guests/$arch/bench.bin

# build CONFIGS [TARGETS]: cvisor with these VMs (at LOG=info: the debug
# lines of a refused hypercall are compiled out).
build() {
  make -s ARCH="$arch" LOG=info VM_CONFIGS="$1" cvisor "${@:2}" >>"$out/$arch-build.log" 2>&1 ||
    { cat "$out/$arch-build.log" >&2; exit 1; }
}
# boot SMP: cvisor as built last, under -icount (scripts/run-qemu.sh, as
# `make run` does, without checking the packages and linking cvisor again,
# seconds each time).
boot=(bash scripts/run-qemu.sh "$arch" "build/$arch/cvisor.elf")

build "$config" "$guest" "$native_image"
size=$arch-linux-gnu-size
read -r text data bss _ < <($size "build/$arch/cvisor.elf" | tail -1)
read -r etext edata ebss _ < <($size "build/$arch/embed.o" | tail -1)

# Under cvisor: SMP=2, so the vCPU of the IPI benchmark has a pCPU of its
# own (the idle pCPU sleeps in WFI and adds no instructions; on riscv64
# cvisor's 1 ms tick with several harts wakes it, docs/bench.md).
smp=2
timeout --kill-after=5 120 "${boot[@]}" $smp 1G "$icount" </dev/null >"$out/$arch-cvisor.log" 2>&1 ||
  { echo "bench.sh: the run under cvisor failed, see $out/$arch-cvisor.log" >&2; exit 1; }

# Natively: the same binary without a hypervisor: on aarch64 QEMU's virt
# machine without EL2 (2 CPUs, for the IPI round trip; QEMU's own PSCI
# starts the second), on riscv64 in S-mode under OpenSBI (2 harts, the
# second started with SBI HSM), on x86_64 the
# q35 PC through QEMU's Multiboot loader (2 CPUs; isa-debug-exit at 0xf4,
# where the guests power off).
# shellcheck disable=SC2054
case $arch in
  aarch64)
    native=(qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth-impdef=on -smp 2) ;;
  riscv64)
    native=(qemu-system-riscv64 -M virt -cpu rv64 -bios default -smp 2) ;;
  x86_64)
    native=(qemu-system-x86_64 -M q35 -cpu qemu64 -smp 2
            -device isa-debug-exit,iobase=0xf4,iosize=1) ;;
esac
# (isa-debug-exit makes QEMU exit with 1 for the guest's 0.)
rc=0
# shellcheck disable=SC2086
timeout --kill-after=5 60 "${native[@]}" -m 128M -nographic -monitor none -serial stdio \
  $icount -kernel "$native_image" </dev/null >"$out/$arch-native.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && ! { [ "$arch" = x86_64 ] && [ "$rc" -eq 1 ]; }; then
  echo "bench.sh: the native run failed, see $out/$arch-native.log" >&2; exit 1
fi

# Timer latency (docs/bench.md): the latency guest alone on pCPU 0, with
# the noisy guest on pCPU 1, and with it on pCPU 0 too. The noisy guest
# never stops: each run ends once the latency guest is done.
periods=10000
[ "${BENCH_QUICK:-0}" = 1 ] && periods=1000
latency_config() { # NAME: the config with this run's number of periods
  sed "s/latency\.periods=[0-9]*/latency.periods=$periods/" \
    "configs/vms/$1-$arch.toml" >"$out/$1-$arch.toml"
  echo "$out/$1-$arch.toml"
}
# Its QEMU runs in a process group of its own, ended with it (and if this
# script is stopped meanwhile, by the trap).
run_pid=
trap '[ -z "$run_pid" ] || kill -TERM -- "-$run_pid" 2>/dev/null' EXIT
latency_run() { # SETUP CONFIGS
  local log=$out/$arch-latency-$1.log rc=0
  build "$2"
  setsid timeout --kill-after=5 600 "${boot[@]}" "$smp" 1G "$icount" </dev/null >"$log" 2>&1 &
  run_pid=$!
  while kill -0 "$run_pid" 2>/dev/null && ! grep -q 'latency: done' "$log"; do
    sleep 0.2
  done
  kill -TERM -- "-$run_pid" 2>/dev/null || true
  wait "$run_pid" || rc=$?
  run_pid=
  grep -q 'latency: done' "$log" ||
    { echo "bench.sh: the latency run '$1' failed (status $rc), see $log" >&2; exit 1; }
  latency_args+=(--latency "$1=$log")
}
latency_args=()
lat=$(latency_config latency)
latency_run alone "$lat"
latency_run other_pcpu "$lat:configs/vms/noisy-$arch.toml"
latency_run same_pcpu "$(latency_config latency-poll):configs/vms/noisy-shared-$arch.toml"
slice_us=$(sed -n 's/^#define SCHED_SLICE_US *\([0-9]*\).*/\1/p' kernel/include/kernel/sched.h)

python3 scripts/bench_report.py --arch "$arch" \
  --cvisor-log "$out/$arch-cvisor.log" --native-log "$out/$arch-native.log" \
  --elf-sizes "$text,$data,$bss" --embedded-bytes $((etext + edata + ebss)) \
  --qemu "$(qemu-system-"$arch" --version | head -1)" --json "$out/$arch.json" \
  --slice-us "$slice_us" --baseline "docs/bench/$arch.json" "${latency_args[@]}"

# Linux's boot, opt-in (wall-time based, minutes): BENCH_LINUX=1.
if [ "${BENCH_LINUX:-0}" = 1 ]; then
  bash scripts/bench_linux.sh "$arch"
fi

# The pictures: Debian's python3-matplotlib (scripts/deps.sh), which a
# python3 of its own (pyenv, a venv) may not see.
for py in python3 /usr/bin/python3; do
  if "$py" -c 'import matplotlib' 2>/dev/null; then
    "$py" scripts/bench_plot.py "$out/$arch.json" "$out/$arch.svg"
    echo "(drawn in $out/$arch.svg)"
    exit 0
  fi
done
echo "bench.sh: no python3 with matplotlib (scripts/deps.sh installs it)" >&2
exit 1
