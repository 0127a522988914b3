# QEMU scenarios on riscv64 with real guests: Linux 6.1 built from
# Debian's linux-source-6.1 (scripts/guest-images.sh linux-riscv64) and
# Debian's U-Boot for QEMU in S-mode (docs/guests/linux-riscv64.md).
R=riscv64
RHELLO=configs/vms/hello-riscv64.toml
RLNX=configs/vms/linux-riscv64.toml

# A corrupt riscv64 Image header refuses its VM, naming the file and the
# reason; the other VM runs.
mkdir -p build/test-images
python3 -c 'import struct,sys; b=bytearray(4096); struct.pack_into("<QQQI",b,8,0x1000,0x10000,0,2); b[0x38:0x3c]=b"RSC\x05"; sys.stdout.buffer.write(b)' \
  >build/test-images/bad-offset-riscv64.Image
qemu_scenario riscv64/bad-image-refused 60 \
  "ARCH=$R SMP=1 VM_CONFIGS=tests/config/runtime/bad-image-riscv64.toml:$RHELLO" \
  "VM bad-image: kernel build/test-images/bad-offset-riscv64.Image: bad riscv64 Image header: text_offset is not a multiple of 2 MiB below 4 GiB" \
  "Hello, world!" "all VMs have shut down"

# ---- Linux (built once, then cached in build/images/linux-riscv64/)
if make -s ARCH=$R images >"$LOGDIR/riscv64-images.log" 2>&1; then
  pass riscv64/linux-images
  # One vCPU: the kernel's banner, the machine cvisor describes, the
  # console and the interrupt controller it found, the initramfs's
  # marker and work, and the power-off through SBI SRST.
  qemu_scenario riscv64/linux 120 "ARCH=$R SMP=1 VM_CONFIGS=$RLNX" \
    "Linux version 6.1" "Machine model: cvisor virtual machine" \
    "SBI specification v2.0 detected" \
    "riscv-intc: 64 local interrupts mapped" "plic: plic@c000000: mapped 95 interrupts with 1 handlers for 2 contexts." \
    "printk: console [ttyS0] enabled" \
    "cvisor-linux: 1 CPUs up (online 0)" "cvisor-linux: work done, checksums agree" \
    "VM 20 (linux) powered off" "all VMs have shut down" "!work FAILED"
  # Two vCPUs on two harts: the second hart started through SBI HSM.
  qemu_scenario riscv64/linux-smp2 120 \
    "ARCH=$R SMP=2 VM_CONFIGS=configs/vms/linux-smp2-riscv64.toml" \
    "smp: Brought up 1 node, 2 CPUs" "cvisor-linux: 2 CPUs up (online 0-1)" \
    "cvisor-linux: work done, checksums agree" \
    "VM 21 (linux-smp2) powered off" "all VMs have shut down" "!work FAILED"
  # Linux beside hello, each on its own hart.
  qemu_scenario riscv64/linux-and-hello 120 "ARCH=$R SMP=2 VM_CONFIGS=$RLNX:$RHELLO" \
    "[vm20] cvisor-linux: 1 CPUs up" "[vm20] cvisor-linux: work done, checksums agree" \
    "[vm1] Hello, world!" "VM 1 (hello) powered off" "VM 20 (linux) powered off" \
    "all VMs have shut down" "!work FAILED"
  # The host's goldfish RTC passed through to Linux (as aarch64's
  # linux-passthrough-rtc its PL031): its driver binds to the node cvisor
  # copied into the guest DTB, /init waits on /dev/rtc0 for the alarm it
  # set, and the RTC's line in /proc/interrupts counts its interrupt,
  # forwarded from the host PLIC, once.
  qemu_scenario riscv64/linux-passthrough-rtc 120 \
    "ARCH=$R SMP=1 VM_CONFIGS=configs/vms/linux-pt-riscv64.toml" \
    "passthrough /soc/rtc@101000: host 0x101000+0x1000 at guest 0x101000, its interrupts forwarded" \
    "goldfish_rtc 101000.rtc: registered as rtc0" "cvisor-linux: rtc0 is goldfish_rtc" \
    "cvisor-linux: rtc alarm interrupts taken: 1" "VM 27 (linux-pt) powered off" \
    "all VMs have shut down" "!rtc FAILED" "!work FAILED"
  # Both vCPUs time-sliced on one hart: IPIs and remote fences to a
  # vCPU that is out, timer interrupts while it waits.
  qemu_scenario riscv64/linux-smp2-one-hart 120 \
    "ARCH=$R SMP=1 VM_CONFIGS=tests/config/runtime/linux-shared-riscv64.toml" \
    "smp: Brought up 1 node, 2 CPUs" "cvisor-linux: 2 CPUs up (online 0-1)" \
    "cvisor-linux: work done, checksums agree" \
    "VM 23 (linux-shared) powered off" "all VMs have shut down" "!work FAILED"
  # Harts without Sstc: Linux's timer through SBI set_timer, VSTIP from
  # cvisor.
  qemu_scenario riscv64/linux-smp2-no-sstc 120 \
    "ARCH=$R SMP=2 QEMU_CPU=rv64,sstc=off VM_CONFIGS=configs/vms/linux-smp2-riscv64.toml" \
    "no Sstc: guest timers through SBI" "cvisor-linux: 2 CPUs up (online 0-1)" \
    "cvisor-linux: work done, checksums agree" "all VMs have shut down" \
    "!work FAILED" "!Timer interrupt in S-mode is available via sstc extension"
  # The same kernel and initramfs read from the FAT32 disk.
  if make -s ARCH=$R disk_img DISK_IMG=build/test-disk/linux-riscv64.img >"$LOGDIR/riscv64-linux-disk.log" 2>&1; then
    qemu_scenario riscv64/linux-from-disk 120 \
      "ARCH=$R SMP=1 DISK=build/test-disk/linux-riscv64.img VM_CONFIGS=configs/vms/linux-fs-riscv64.toml" \
      "disk: FAT32" "cvisor-linux: 1 CPUs up (online 0)" \
      "cvisor-linux: work done, checksums agree" "VM 24 (linux-fs) powered off" \
      "all VMs have shut down"
  else
    fail riscv64/linux-from-disk "make disk_img failed, see $LOGDIR/riscv64-linux-disk.log"
  fi
else
  fail riscv64/linux-images "see $LOGDIR/riscv64-images.log"
fi

# ---- U-Boot (Debian's u-boot-qemu, qemu-riscv64_smode): one key, typed
# while it busy-polls the 16550 in its autoboot countdown, stops the
# countdown (its boot command, which would scan for devices, never runs)
# and it gives its prompt, "=> " with no newline (shown at once: the VM
# has the console's focus); `version` and `sbi` are typed at it, and
# `poweroff` (SBI SRST) ends the VM.
qemu_console riscv64/uboot 120 "ARCH=$R SMP=1 VM_CONFIGS=configs/vms/uboot-riscv64.toml" \
  'wait Hit any key to stop autoboot
type x
wait => 
type version\n
wait riscv64-linux-gnu-gcc
type sbi\n
wait System Reset Extension
type poweroff\n' \
  "U-Boot 2023.01" "Model: cvisor virtual machine" "DRAM:  64 MiB" \
  "In:    serial@10000000" "=> version" "SBI 2.0" "Hart State Management Extension" \
  "VM 22 (uboot) powered off" "all VMs have shut down" \
  "!unknown device" "!scanning bus"

# The same U-Boot with a disk (kernel.disk_path, docs/guests/u-boot.md):
# a FAT image embedded in the build, a read-only virtio-blk at
# 0x1000_1000 on PLIC source 1. U-Boot lists it and loads a file whose
# CRC-32 must be the file's (at 0x8100_0000: its default kernel_addr_r,
# 0x8400_0000, is past the VM's 64 MiB).
UB_INNER=build/test-disk/uboot-riscv64-inner.img
uboot_riscv_disk() {
  mkdir -p build/test-disk && rm -f $UB_INNER &&
    truncate -s 4M $UB_INNER && mkfs.fat -n UBDISK $UB_INNER >/dev/null &&
    MTOOLS_SKIP_CHECK=1 mcopy -i $UB_INNER /usr/lib/u-boot/qemu_arm64/u-boot.bin ::/payload.bin
}
if uboot_riscv_disk >"$LOGDIR/uboot-riscv64-disk.log" 2>&1; then
  crc=$(python3 -c 'import sys, zlib; print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' \
    /usr/lib/u-boot/qemu_arm64/u-boot.bin)
  qemu_console riscv64/uboot-disk 120 \
    "ARCH=$R SMP=1 VM_CONFIGS=tests/config/runtime/uboot-disk-riscv64.toml" '
wait => 
type virtio info\n
wait Capacity: 4.0 MB
type ls virtio 0\n
wait payload.bin
type load virtio 0 0x81000000 payload.bin\n
wait bytes read
type crc32 0x81000000 ${filesize}\n
wait ==> 
type poweroff\n' \
    "as virtio-blk at 0x10001000" "Device 0: CVIS VirtIO Block Device" \
    "==> $crc" "VM 25 (uboot-disk) powered off" "all VMs have shut down" "!PANIC"
else
  fail riscv64/uboot-disk "see $LOGDIR/uboot-riscv64-disk.log"
fi

# make bench BENCH_LINUX=1's boot comparison (scripts/bench_linux.sh),
# one pair per vCPU count: it runs to its end and writes its JSON, each
# boot reaching the marker with a kernel time stamp before it. Only the
# report's shape is checked: its ratios are wall time (docs/bench.md).
bench_linux_ok() {
  BENCH_LINUX_RUNS=1 bash scripts/bench_linux.sh riscv64 &&
    python3 - build/bench/riscv64-linux.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["runs"]) == 2, d["runs"]
for r in d["runs"]:
    assert all(r[k] > 0 for k in ("native_wall", "native_uptime", "cvisor_wall", "cvisor_uptime")), r
for n in ("1", "2"):
    m = d["median"][n]
    assert m["pairs"] == 1 and m["wall_ratio"] > 0 and m["uptime_ratio"] > 0, m
print("bench_linux riscv64: report complete")
PY
}
expect riscv64/bench-linux bench_linux_ok
