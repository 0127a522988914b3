#!/usr/bin/env bash
# make bench BENCH_LINUX=1: what cvisor adds to a Linux boot. The
# arch's kernel (Debian's arm64 and amd64 ones, riscv64's built from
# Debian's source) and the test initramfs (scripts/guest-images.sh) boot
# to the initramfs's marker ("cvisor-linux: N CPUs up") directly on QEMU
# (as scripts/linux-native.sh does; on riscv64 under OpenSBI) and under
# cvisor (configs/vms/linux-*.toml: the same command line and RAM), with
# 1 and 2 vCPUs, the two alternating so that the host's load falls on
# both alike.
# Reported: the median ratio of the wall times from QEMU's start to the
# marker, and of the guest's uptime at the last kernel message before the
# marker (its printk time stamp). Wall-time based, so slow and blurred by
# a busy host: opt-in; make test runs it once on riscv64 for its report's
# shape only (docs/bench.md).
#   bench_linux.sh [ARCH]     BENCH_LINUX_RUNS=N pairs per vCPU count (5)
set -euo pipefail
arch=${1:-aarch64}
out=build/bench
runs=${BENCH_LINUX_RUNS:-5}
img=build/images/linux-$arch
mkdir -p "$out"
bash scripts/guest-images.sh "linux-$arch" >/dev/null

# set_native SMP: native_cmd, the QEMU command that boots the kernel
# without cvisor, with the VM config's command line and RAM (Linux's boot
# takes longer the more RAM it sets up).
set_native() {
  local cmdline
  cmdline=$(sed -n 's/^cmdline = "\(.*\)"$/\1/p' "$(config "$1")")
  # shellcheck disable=SC2054
  case $arch in
    aarch64) native_cmd=(qemu-system-aarch64 -M virt,gic-version=3
                         -cpu max,pauth-impdef=on -m 256M -kernel "$img/Image") ;;
    x86_64) native_cmd=(qemu-system-x86_64 -M q35 -cpu qemu64,+svm,+npt -m 256M
                        -kernel "$img/bzImage") ;;
    riscv64) native_cmd=(qemu-system-riscv64 -M virt -cpu rv64 -bios default -m 128M
                         -kernel "$img/Image") ;;
  esac
  native_cmd+=(-smp "$1" -nographic -monitor none -initrd "$img/initramfs.cpio.gz"
               -append "$cmdline")
}
# config SMP: a copy of the VM config with SMP vCPUs whose command line
# asks for printk's time stamps (riscv64's kernel has no
# CONFIG_PRINTK_TIME; Debian's have it on).
config() {
  local src=configs/vms/linux-smp2-$arch.toml
  case $arch:$1 in
    aarch64:1) src=configs/vms/linux-aarch64.toml ;;
    aarch64:2) src=configs/vms/linux-aarch64-smp2.toml ;;
    *:1) src=configs/vms/linux-$arch.toml ;;
  esac
  sed 's/^cmdline = "\(.*\)"$/cmdline = "\1 printk.time=1"/' "$src" \
    >"$out/linux-$arch-smp$1.toml"
  echo "$out/linux-$arch-smp$1.toml"
}

run_pid=
trap '[ -z "$run_pid" ] || kill -TERM -- "-$run_pid" 2>/dev/null' EXIT
# to_marker LOG SMP COMMAND...: runs COMMAND until the marker, then ends
# it; prints the seconds it took and the guest's uptime then.
to_marker() {
  local log=$1 smp=$2 start t=
  shift 2
  # Emptied here, not only by the redirection below: the loop could
  # otherwise find the last run's marker before QEMU's shell opens it.
  : >"$log"
  start=$(date +%s.%N)
  setsid timeout --kill-after=5 300 "$@" </dev/null >"$log" 2>&1 &
  run_pid=$!
  # The log is looked at once more after QEMU has gone: a boot that
  # prints its marker and powers off between two looks (riscv64's take
  # a fraction of a second) is timed then, 50 ms late at most.
  while :; do
    if grep -q "cvisor-linux: $smp CPUs up" "$log"; then
      t=$(date +%s.%N)
      break
    fi
    kill -0 "$run_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$t" ] && grep -q "cvisor-linux: $smp CPUs up" "$log"; then
    t=$(date +%s.%N)
  fi
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
  make -s ARCH="$arch" VM_CONFIGS="$(config "$smp")" cvisor >>"$out/$arch-build.log" 2>&1 ||
    { cat "$out/$arch-build.log" >&2; exit 1; }
  cp "build/$arch/cvisor.elf" "$out/cvisor-linux-$arch-smp$smp.elf"
  set_native "$smp"
  for i in $(seq "$runs"); do
    read -r nw nu < <(to_marker "$out/$arch-linux-native.log" "$smp" "${native_cmd[@]}")
    read -r cw cu < <(to_marker "$out/$arch-linux-cvisor.log" "$smp" \
      bash scripts/run-qemu.sh "$arch" "$out/cvisor-linux-$arch-smp$smp.elf" "$smp" 1G)
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
' "$out/$arch-linux.json"
