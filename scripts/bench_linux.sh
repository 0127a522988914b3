#!/usr/bin/env bash
# make bench BENCH_LINUX=1 (aarch64): what cvisor adds to a Linux boot.
# Debian's arm64 kernel and the test initramfs (scripts/guest-images.sh)
# boot to the initramfs's marker ("cvisor-linux: N CPUs up") directly on
# QEMU (as scripts/linux-native.sh does) and under cvisor
# (configs/vms/linux-aarch64.toml, linux-aarch64-smp2.toml), with 1 and 2
# vCPUs, the two alternating so that the host's load falls on both alike.
# Reported: the median ratio of the wall times from QEMU's start to the
# marker, and of the guest's uptime at the last kernel message before the
# marker (its printk time stamp). Wall-time based, so slow and blurred by
# a busy host: opt-in, never part of make test (docs/bench.md).
#   bench_linux.sh            BENCH_LINUX_RUNS=N pairs per vCPU count (5)
set -euo pipefail
out=build/bench
runs=${BENCH_LINUX_RUNS:-5}
img=build/images/linux-aarch64
mkdir -p "$out"
bash scripts/guest-images.sh linux-aarch64 >/dev/null

run_pid=
trap '[ -z "$run_pid" ] || kill -TERM -- "-$run_pid" 2>/dev/null' EXIT
# to_marker LOG SMP COMMAND...: runs COMMAND until the marker, then ends
# it; prints the seconds it took and the guest's uptime then.
to_marker() {
  local log=$1 smp=$2 start t=
  shift 2
  start=$(date +%s.%N)
  setsid timeout --kill-after=5 300 "$@" </dev/null >"$log" 2>&1 &
  run_pid=$!
  while kill -0 "$run_pid" 2>/dev/null; do
    if grep -q "cvisor-linux: $smp CPUs up" "$log"; then
      t=$(date +%s.%N)
      break
    fi
    sleep 0.05
  done
  kill -TERM -- "-$run_pid" 2>/dev/null || true
  wait "$run_pid" || true
  run_pid=
  [ -n "$t" ] || { echo "bench_linux.sh: no marker, see $log" >&2; exit 1; }
  python3 - "$log" "$smp" "$start" "$t" <<'PY'
import re, sys
log, smp, start, t = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
up = None
for line in open(log, errors="replace"):
    if f"cvisor-linux: {smp} CPUs up" in line:
        break
    m = re.search(r"\[\s*(\d+\.\d+)\]", line)
    if m:
        up = float(m.group(1))
if up is None:
    sys.exit(f"bench_linux.sh: {log}: no kernel time stamp before the marker")
print(f"{t - start:.3f} {up:.6f}")
PY
}

results=()
for smp in 1 2; do
  config=configs/vms/linux-aarch64.toml
  [ "$smp" = 2 ] && config=configs/vms/linux-aarch64-smp2.toml
  make -s ARCH=aarch64 VM_CONFIGS="$config" cvisor >>"$out/aarch64-build.log" 2>&1 ||
    { cat "$out/aarch64-build.log" >&2; exit 1; }
  cp build/aarch64/cvisor.elf "$out/cvisor-linux-smp$smp.elf"
  for i in $(seq "$runs"); do
    read -r nw nu < <(to_marker "$out/aarch64-linux-native.log" "$smp" \
      qemu-system-aarch64 -M virt,gic-version=3 -cpu max,pauth-impdef=on \
      -smp "$smp" -m 512M -nographic -monitor none -kernel "$img/Image" \
      -initrd "$img/initramfs.cpio.gz" -append "console=ttyAMA0 earlycon")
    read -r cw cu < <(to_marker "$out/aarch64-linux-cvisor.log" "$smp" \
      bash scripts/run-qemu.sh aarch64 "$out/cvisor-linux-smp$smp.elf" "$smp" 1G)
    echo "linux, $smp vCPU(s), run $i: native ${nw} s (uptime ${nu}), cvisor ${cw} s (uptime ${cu})"
    results+=("$smp $nw $nu $cw $cu")
  done
done
printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
rows = [line.split() for line in sys.stdin]
report = {"unit": "seconds; ratios cvisor / native", "runs": [], "median": {}}
for smp in ("1", "2"):
    mine = [[float(x) for x in r[1:]] for r in rows if r[0] == smp]
    wall = statistics.median(cw / nw for nw, nu, cw, cu in mine)
    up = statistics.median(cu / nu for nw, nu, cw, cu in mine)
    report["runs"] += [dict(vcpus=int(smp), native_wall=nw, native_uptime=nu,
                            cvisor_wall=cw, cvisor_uptime=cu)
                       for nw, nu, cw, cu in mine]
    report["median"][smp] = {"wall_ratio": round(wall, 4),
                             "uptime_ratio": round(up, 4), "pairs": len(mine)}
    print(f"linux boot to its marker, {smp} vCPU(s), median of {len(mine)} pairs: "
          f"wall time x{wall:.3f}, guest uptime x{up:.3f} under cvisor (goal <=1.03)")
report["goal"] = 1.03
json.dump(report, open(sys.argv[1], "w"), indent=2)
print(f"(written to {sys.argv[1]})")
' "$out/aarch64-linux.json"
