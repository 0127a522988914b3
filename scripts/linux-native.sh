#!/usr/bin/env bash
# Boots build/images/linux-$ARCH directly with QEMU (no cvisor), the
# reference for Linux-under-cvisor timings:
#
#   [ARCH=aarch64|x86_64] scripts/linux-native.sh [SMP] [TIMEOUT_SECONDS]
#
# Passes (exit 0) when the initramfs prints its marker and powers off;
# prints the wall time. The console is logged to build/linux-native.log.
set -uo pipefail
cd "$(dirname "$0")/.."
smp=${1:-1} secs=${2:-120} arch=${ARCH:-aarch64}
img=build/images/linux-$arch
log=build/linux-native.log
bash scripts/guest-images.sh "linux-$arch" || exit 1
start=$(date +%s.%N)
case $arch in
  aarch64)
    timeout --kill-after=5 "$secs" qemu-system-aarch64 -M virt,gic-version=3 \
      -cpu "${QEMU_CPU:-max,pauth-impdef=on}" -smp "$smp" -m 512M -nographic \
      -monitor none -kernel "$img/Image" -initrd "$img/initramfs.cpio.gz" \
      -append "console=ttyAMA0" </dev/null >"$log" 2>&1 ;;
  x86_64)
    # The CPU and command line of configs/vms/linux-x86_64.toml.
    timeout --kill-after=5 "$secs" qemu-system-x86_64 -M q35 \
      -cpu "${QEMU_CPU:-qemu64,+svm,+npt}" -smp "$smp" -m 256M -nographic \
      -monitor none -kernel "$img/bzImage" -initrd "$img/initramfs.cpio.gz" \
      -append "console=ttyS0 nokaslr tsc=reliable no_timer_check pci=off panic=-1" \
      </dev/null >"$log" 2>&1 ;;
  *) echo "linux-native: ARCH aarch64 or x86_64" >&2; exit 2 ;;
esac
rc=$?
end=$(date +%s.%N)
printf 'linux-native: smp=%s exit=%s wall=%.2f s\n' "$smp" "$rc" \
  "$(awk "BEGIN { print $end - $start }")"
grep -q "cvisor-linux: $smp CPUs up" "$log" &&
  grep -q "cvisor-linux: work done" "$log" && [ "$rc" -eq 0 ] || {
  echo "linux-native: no marker or no power-off, see $log" >&2; exit 1; }
