#!/usr/bin/env bash
# Boots cvisor under QEMU: run-qemu.sh ARCH ELF SMP MEM "EXTRA QEMU ARGS"
# DISK=file attaches that raw image as a virtio-blk disk (virtio-mmio on
# aarch64 and riscv64, PCI on x86_64's q35), read-only unless
# DISK_RO=off (then cvisor may write to it: the shell's file commands).
# ICOUNT=N runs with -icount shift=N: virtual time then follows executed
# instructions (2^N ns each), so what a guest measures does not depend on
# how busy the host is (tests that assert latencies use it).
# SERIAL2=file gives the machine a second serial port, its output written
# to that file: on x86_64 COM2 (0x2f8), which a VM can be given
# (devices.passthrough_ports).
# The console is stdio and also logged to build/<ARCH>/last-run.log. Exits
# with QEMU's status, or 1 when cvisor reported a panic.
set -uo pipefail
arch=$1 elf=$2 smp=$3 mem=$4 extra=${5:-}
log=build/$arch/last-run.log
rm -f "$log"
serial=(-chardev "stdio,id=con0,logfile=$log,signal=off" -serial chardev:con0)
[ -n "${SERIAL2:-}" ] && serial+=(-serial "file:$SERIAL2")
case $arch in
  aarch64)
    qemu=(qemu-system-aarch64 -M "virt,virtualization=on,gic-version=${GIC:-3}"
          -cpu "${QEMU_CPU:-max,pauth-impdef=on}" -kernel "$elf") ;;
  riscv64)
    qemu=(qemu-system-riscv64 -M virt -cpu "${QEMU_CPU:-rv64}" -bios default
          -kernel "$elf") ;;
  x86_64)
    qemu=(qemu-system-x86_64 -M q35 -cpu "${QEMU_CPU:-qemu64,+svm,+npt}"
          -kernel "$elf" -device isa-debug-exit) ;;
  *) echo "run-qemu.sh: unknown ARCH $arch" >&2; exit 2 ;;
esac
if [ -n "${DISK:-}" ]; then
  case $arch in
    aarch64|riscv64)
      qemu+=(-drive "if=none,file=$DISK,format=raw,id=hd0,readonly=${DISK_RO:-on}"
             -device virtio-blk-device,drive=hd0) ;;
    x86_64)
      qemu+=(-drive "if=none,file=$DISK,format=raw,id=hd0,readonly=${DISK_RO:-on}"
             -device virtio-blk-pci,drive=hd0) ;;
  esac
fi
[ -n "${ICOUNT:-}" ] && qemu+=(-icount "shift=$ICOUNT,align=off,sleep=off")
# shellcheck disable=SC2086
"${qemu[@]}" -smp "$smp" -m "$mem" -nographic -monitor none "${serial[@]}" $extra
rc=$?
if grep -q 'PANIC' "$log" 2>/dev/null; then
  exit 1
fi
exit $rc
