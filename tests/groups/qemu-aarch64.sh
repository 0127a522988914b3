# QEMU scenarios on aarch64: the base and the VMM with in-tree guests.
A=aarch64
HELLO=configs/vms/hello-aarch64.toml
HELLO2=configs/vms/hello2-aarch64.toml

if make -s ARCH=$A cvisor guests >"$LOGDIR/aarch64-build.log" 2>&1; then
  pass aarch64/build
else
  fail aarch64/build "see $LOGDIR/aarch64-build.log"
fi

# The base alone boots on 1, 2 and 4 CPUs (hello keeps the run short).
for n in 1 2 4; do
  qemu_scenario aarch64/smp$n 60 "ARCH=$A SMP=$n VM_CONFIGS=$HELLO" \
    "$n CPUs online" "Hello, world!" "all VMs have shut down"
done

# One VM: output, the logged and answered hypercall, PSCI, clean power-off.
qemu_scenario aarch64/hello 60 "ARCH=$A SMP=1 VM_CONFIGS=$HELLO" \
  "Hello, world!" "debug hypercall (0xc0ffee, 0x1, 0x2)" \
  "hypercall answered: 0" "PSCI version 0x0000000000010001" \
  "VM 1 (hello) powered off" "all VMs have shut down; powering off" \
  "!hypercall FAILED" "![vm1]"

# Two VMs share pCPU 0; each line is prefixed with its VM.
qemu_scenario aarch64/two-vms 60 "ARCH=$A SMP=2 VM_CONFIGS=$HELLO:$HELLO2" \
  "[vm1] Hello, world!" "[vm2] Hello, world!" \
  "VM 1 (hello) powered off" "VM 2 (hello2) powered off" \
  "all VMs have shut down; powering off"

# Absolute config paths work.
qemu_scenario aarch64/absolute-path 60 "ARCH=$A SMP=1 VM_CONFIGS=$PWD/$HELLO" \
  "Hello, world!" "all VMs have shut down"

# The host on GICv2 boots the same VMs.
qemu_scenario aarch64/gicv2 60 "ARCH=$A SMP=2 GIC=2 VM_CONFIGS=$HELLO" \
  "host GICv2" "Hello, world!" "all VMs have shut down"

# The default demo (`make run`) works.
qemu_scenario aarch64/make-run 60 "" \
  "[vm1] Hello, world!" "[vm2] Hello, world!" "all VMs have shut down"

# A VM that cannot be created (its pCPU does not exist, its RAM covers
# its UART) is refused with a message naming it; the other VM runs and
# the machine powers off cleanly.
qemu_scenario aarch64/refused-vm 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=tests/config/runtime/absent-cpu-aarch64.toml:tests/config/runtime/ram-on-uart-aarch64.toml:$HELLO" \
  "VM absent-cpu: vCPU 0 names a physical CPU this machine does not have" \
  "VM ram-on-uart: its pl011 at [0x9000000, 0x9001000) lies in kernel.memory_regions' [0x9000000, 0x9200000): a guest address is a device or memory, not both; move the region; VM refused" \
  "Hello, world!" "all VMs have shut down"

# AxVisor's x86 boot flows and I/O ports are refused on aarch64, naming
# the VM and the field; the other VM runs.
qemu_scenario aarch64/axvisor-x86-refused 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=tests/config/runtime/uefi-aarch64.toml:tests/config/runtime/ports-aarch64.toml:$HELLO" \
  'VM uefi: kernel.enable_bios = true (boot_protocol "uefi"): aarch64 boots only "direct", with no firmware; VM refused' \
  "VM ports: devices.passthrough_ports: aarch64 has no I/O ports; VM refused" \
  "Hello, world!" "all VMs have shut down"

# Accesses to guest addresses that nothing backs come back to the guest as
# synchronous external aborts, reported with VM, vCPU, address and PC; a
# VM beside it is unaffected.
qemu_scenario aarch64/stray-access-abort 60 \
  "ARCH=$A SMP=2 VM_CONFIGS=configs/vms/abort-aarch64.toml:$HELLO" \
  "abort: PASS" "VM 3 vCPU 0: write of 4 bytes at 0xa000000 (pc" \
  "[vm1] Hello, world!" "all VMs have shut down" "!NO abort"

# PSCI SYSTEM_RESET reboots the VM: vCPU 1 asks while vCPU 0 spins without
# exits, on another pCPU (kicked by an IPI) and on the same one (stopped at
# its slice's end); the guest checks it restarted afresh.
qemu_scenario aarch64/reset 60 "ARCH=$A SMP=2 VM_CONFIGS=configs/vms/reset-aarch64.toml" \
  "reset: first boot" "VM 4 (reset) is rebooting" "reset: second boot" \
  "reset: PASS" "all VMs have shut down" "!FAIL"
qemu_scenario aarch64/reset-shared-pcpu 60 \
  "ARCH=$A SMP=2 VM_CONFIGS=tests/config/runtime/reset-shared-aarch64.toml:$HELLO" \
  "[vm4] reset: PASS" "[vm1] Hello, world!" "all VMs have shut down" "!FAIL"

# ---- images and the guest DTB
mkdir -p build/test-dtb build/test-images
dtc -I dts -O dtb -o build/test-dtb/user.dtb tests/config/dtb/user.dts
# An Image header with text_offset 0x80001 (not 4 KiB aligned).
python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<IIQQQQQQII", 0x14000000, 0, 0x80001, 0x100000, 0xa, 0, 0, 0, 0x644d5241, 0) + bytes(4096))' \
  >build/test-images/bad-offset.Image
# A bzImage header of protocol 2.15 (one setup sector, 3 KiB of
# protected-mode code, relocatable, 64-bit entry) and zeroes.
python3 -c 'import struct,sys; b=bytearray(4096); b[0x1f1]=1; struct.pack_into("<I",b,0x1f4,192); struct.pack_into("<H",b,0x1fe,0xaa55); b[0x202:0x206]=b"HdrS"; struct.pack_into("<H",b,0x206,0x20f); b[0x211]=1; struct.pack_into("<I",b,0x214,0x100000); struct.pack_into("<IBxH",b,0x230,0x200000,1,3); struct.pack_into("<QI",b,0x258,0x1000000,0x10000); sys.stdout.buffer.write(b)' \
  >build/test-images/bzImage

# The DTB cvisor writes reaches the guest in x0: /chosen (bootargs, the
# ramdisk), both RAM regions, one cpu node per vCPU, the devices.
qemu_scenario aarch64/dtb-generated 60 "ARCH=$A SMP=1 VM_CONFIGS=configs/vms/dtb-aarch64.toml" \
  "dtb: x0 = 0x0000000040e00000" "dtb: magic ok" \
  'dtb: bootargs="cvisor dtb test: x0 carries the device tree"' \
  "dtb: linux,initrd-start 0x0000000040800000" \
  "dtb: linux,initrd-end 0x$(printf '%016x' $((0x40800000 + $(stat -c %s build/guests/aarch64/hello.bin))))" \
  "dtb: memory 0x0000000040000000 size 0x0000000001000000" \
  "dtb: memory 0x0000000050000000 size 0x0000000000200000" \
  "dtb: cpus 0x0000000000000002" "dtb: node /intc@8000000" "dtb: node /pl011@9000000" \
  "dtb: done" "!NO device tree"

# A user's DTB (dtb_path) at dtb_load_addr, /memory, /cpus and bootargs
# rewritten from the config, its own nodes kept. Beside it, a VM whose
# 1 MiB of RAM gets its DTB at the top.
qemu_scenario aarch64/dtb-user 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=tests/config/dtb/user-dtb-aarch64.toml:tests/config/dtb/small-ram-aarch64.toml" \
  "[vm5] dtb: x0 = 0x0000000040600000" '[vm5] dtb: bootargs="from the config"' \
  "[vm5] dtb: node /user-device@a000000" \
  "[vm5] dtb: memory 0x0000000040000000 size 0x0000000001000000" \
  "[vm5] dtb: cpus 0x0000000000000001" "[vm5] dtb: done" "!memory 0x0000000080000000" \
  "[vm9] dtb: x0 = 0x00000000400ff000" '[vm9] dtb: bootargs="small"' \
  "[vm9] dtb: memory 0x0000000040000000 size 0x0000000000100000" "[vm9] dtb: done"

# Bad images refuse their VM, naming it and the file; the others run.
qemu_scenario aarch64/bad-dtb-refused 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=tests/config/dtb/bad-dtb-aarch64.toml:$HELLO" \
  "VM bad-dtb: device tree tests/config/dtb/user.dts: not a device tree (bad magic)" \
  "Hello, world!" "all VMs have shut down"
qemu_scenario aarch64/bad-image-refused 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=tests/config/runtime/bad-image-aarch64.toml:$HELLO" \
  "VM bad-image: kernel build/test-images/bad-offset.Image: bad arm64 Image header: text_offset is not 4 KiB aligned below 2 MiB" \
  "Hello, world!" "all VMs have shut down"
# A kernel of a format this arch does not boot (an x86 bzImage) is
# refused, naming the VM, the file and the format; the other VM runs.
qemu_scenario aarch64/bzimage-refused 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=tests/config/runtime/bzimage-aarch64.toml:$HELLO" \
  "VM bzimage: kernel build/test-images/bzImage is an x86 bzImage (boot protocol 2.15); aarch64 boots an arm64 Image or a raw binary" \
  "Hello, world!" "all VMs have shut down"

# ---- Debian's Linux (scripts/guest-images.sh)
if make -s images >"$LOGDIR/images.log" 2>&1; then
  pass aarch64/linux-images
  # The images themselves: booted by QEMU alone, the initramfs reaches its
  # marker on 2 CPUs and powers off (the reference for cvisor's timings).
  expect aarch64/linux-native-smp2 scripts/linux-native.sh 2 60
  # Placed by its header, booted with cvisor's DTB: Linux sees the
  # memory, the CPU, PSCI, the command line and the console. A second VM
  # whose RAM cannot hold the kernel is refused.
  qemu_scenario aarch64/linux-early-boot 120 \
    "ARCH=$A SMP=1 VM_CONFIGS=tests/config/runtime/linux-early-aarch64.toml:tests/config/runtime/linux-too-small-aarch64.toml" \
    "VM linux-too-small: kernel build/images/linux-aarch64/Image needs 33619968 bytes of guest RAM at 0x40200000" \
    "VM linux-early: Linux Image build/images/linux-aarch64/Image at 0x40200000" \
    "Machine model: cvisor virtual machine" \
    "earlycon: pl11 at MMIO 0x0000000009000000" \
    "Early memory node ranges" "node   0: [mem 0x0000000040000000-0x000000004fffffff]" \
    "psci: PSCIv1.1 detected in firmware." \
    "Kernel command line: console=ttyAMA0 earlycon panic=-1 cvisor.test=early" \
    "all VMs have shut down"
  # Debian's kernel boots to its initramfs marker and powers off: one vCPU,
  # two vCPUs on two pCPUs, on the GICv2, and beside another VM.
  LNX=configs/vms/linux-aarch64.toml
  qemu_scenario aarch64/linux 120 "ARCH=$A SMP=1 VM_CONFIGS=$LNX" \
    "cvisor-linux: 1 CPUs up" "cvisor-linux: work done, checksums agree" \
    "VM 10 (linux) powered off" "all VMs have shut down" "!cvisor-linux: rtc0"
  qemu_scenario aarch64/linux-smp2 120 \
    "ARCH=$A SMP=2 VM_CONFIGS=configs/vms/linux-aarch64-smp2.toml" \
    "CPU1: Booted secondary processor" "cvisor-linux: 2 CPUs up" \
    "cvisor-linux: work done, checksums agree" "all VMs have shut down"
  qemu_scenario aarch64/linux-gicv2 120 "ARCH=$A SMP=1 GIC=2 VM_CONFIGS=$LNX" \
    "vGICv2: 4 list registers" "cvisor-linux: 1 CPUs up" \
    "cvisor-linux: work done, checksums agree" "all VMs have shut down"
  # The host's PL031 passed through by its DT path: Linux binds its driver
  # from the node cvisor copied into the guest DTB and takes its alarm
  # interrupt; no other Linux VM sees an RTC.
  qemu_scenario aarch64/linux-passthrough-rtc 120 \
    "ARCH=$A SMP=1 VM_CONFIGS=configs/vms/linux-pt-aarch64.toml" \
    "passthrough /pl031@9010000: host 0x9010000+0x1000 at guest 0x9010000, its interrupts forwarded" \
    "rtc-pl031 9010000.pl031: registered as rtc0" "cvisor-linux: rtc0 is rtc-pl031" \
    "cvisor-linux: rtc alarm interrupts taken: 1" "all VMs have shut down"
  qemu_scenario aarch64/linux-and-hello 120 "ARCH=$A SMP=2 VM_CONFIGS=$LNX:$HELLO" \
    "[vm10] cvisor-linux: 1 CPUs up" "[vm10] cvisor-linux: work done, checksums agree" \
    "[vm1] Hello, world!" "VM 1 (hello) powered off" "VM 10 (linux) powered off" \
    "all VMs have shut down"
  # The same kernel and initramfs read from the FAT32 disk (make disk_img).
  if make -s ARCH=$A disk_img DISK_IMG=build/test-disk/linux.img >"$LOGDIR/linux-disk.log" 2>&1; then
    qemu_scenario aarch64/linux-from-disk 120 \
      "ARCH=$A SMP=1 DISK=build/test-disk/linux.img VM_CONFIGS=configs/vms/linux-fs-aarch64.toml" \
      "disk: FAT32" "cvisor-linux: 1 CPUs up" "cvisor-linux: work done, checksums agree" \
      "VM 12 (linux-fs) powered off" "all VMs have shut down"
  else
    fail aarch64/linux-from-disk "make disk_img failed, see $LOGDIR/linux-disk.log"
  fi
else
  fail aarch64/linux-images "see $LOGDIR/images.log"
fi

# U-Boot (Debian's qemu_arm64, unmodified) entered as QEMU enters its
# firmware; its DRAM is the VM's RAM at 0x4000_0000, not the flash at 0
# (docs/guests/u-boot.md). One key typed during its autoboot countdown
# stops it (its boot command, which looks for fw_cfg and USB, never
# runs). `poweroff` is PSCI SYSTEM_OFF.
qemu_console aarch64/uboot 120 "ARCH=$A SMP=1 VM_CONFIGS=configs/vms/uboot-aarch64.toml" '
wait Hit any key to stop autoboot
type x
wait => 
type version\r
wait aarch64-linux-gnu-gcc
type bdinfo\r
wait relocaddr
type poweroff\r' \
  "U-Boot 2023.01" "DRAM:  128 MiB" "In:    pl011@9000000" \
  "-> start    = 0x0000000040000000" "VM 23 (uboot) powered off" \
  "all VMs have shut down" "!PANIC" "!fw_cfg interface not found" "!starting USB"

# make debug: QEMU halted with its gdb stub, gdb-multiarch attached with
# cvisor's symbols and a guest's; a breakpoint in each is hit.
make_debug_session() {
  timeout --kill-after=5 120 make -s ARCH=$A SMP=1 VM_CONFIGS=$HELLO \
    GUEST_ELF=build/guests/$A/hello.elf \
    GDB_ARGS="-batch -ex 'break vmm_main' -ex continue -ex 'hbreak main' -ex continue -ex kill" \
    debug </dev/null >"$LOGDIR/aarch64-debug.log" 2>&1
  grep -q 'Breakpoint 1, vmm_main () at vmm/main.c' "$LOGDIR/aarch64-debug.log" &&
    grep -q 'Breakpoint 2, main () at guests/common/hello/main.c' "$LOGDIR/aarch64-debug.log"
}
expect aarch64/make-debug make_debug_session
