# QEMU scenarios on aarch64: AxVisor's QEMU configs, unchanged
# (tests/config/axvisor/, the files of ../shared/axvisor-configs), each
# booted with `make VM_CONFIGS=... [DISK=...] run` (docs/guests/
# axvisor-configs.md). Only the images they name are put where they say:
# on a FAT32 disk for image_location "fs", at their paths for "memory".
# The guests are axstand (guests/aarch64/axstand: a GICv2-only stand-in
# for NimbOS, ArceOS, FreeRTOS and Zephyr, which cannot be had here) and
# Debian's arm64 kernel for the Linux configs. Every one is a
# whole-platform VM (passthrough_devices = [["/"]], docs/config.md):
# each checks the warning lines that name what cvisor keeps (its console
# UART, the GIC) and what the VM has in their place, and the guest's view.
A=aarch64
AX=tests/config/axvisor
TG=$AX/tgoskits
STAND=build/guests/$A/axstand.bin
ADIR=build/test-axvisor
LINUX_IMAGE=build/images/linux-$A/Image
mkdir -p "$ADIR"
export MTOOLS_SKIP_CHECK=1

# The images, where the configs name them. path/... is relative to the
# repository (as every path of a config is; ignored by git); /path/to/...
# and /tmp/axvisor/... are absolute.
place_images() {
  make -s ARCH=$A cvisor guests &&
    mkdir -p path /path/to /tmp/axvisor/qemu_aarch64_linux &&
    cp "$STAND" path/arceos-aarch64-dyn-smp1.bin &&
    cp "$STAND" /path/to/freertos.bin &&
    cp "$STAND" /path/to/zephyr.bin &&
    fat_disk "$ADIR/nimbos.img" 40 "$STAND:/nimbos-aarch64.bin"
}
if place_images >"$LOGDIR/axvisor-images.log" 2>&1; then
  pass aarch64/axvisor-images
else
  fail aarch64/axvisor-images "see $LOGDIR/axvisor-images.log"
fi

# What every whole-platform VM named $1 logs on QEMU's virt machine.
whole_markers() {
  printf '%s\n' \
    "VM $1: whole platform: the host's GIC is cvisor's; the VM has an emulated GICv2 (GICD 0x8000000, GICC 0x8010000)" \
    "VM $1: whole platform: /pl011@9000000 is cvisor's console UART, which cvisor keeps; the VM's emulated pl011 is in its place" \
    "VM $1: whole platform: /intc@8000000 is the GIC distributor, which cvisor keeps; the VM's emulated gicd is in its place" \
    "VM $1: whole platform: /fw-cfg@9020000 (qemu,fw-cfg-mmio) can do DMA and cvisor has no IOMMU; left out" \
    "VM $1: whole platform: /virtio_mmio@a000000 (virtio,mmio) can do DMA and cvisor has no IOMMU; left out"
}
# What axstand prints when all went as on QEMU (the GICv2, 5 timer
# interrupts, the passed-through RTC read and its alarm's interrupt
# forwarded, PSCI SYSTEM_OFF).
STAND_OK=("axstand: GICv2 at 0x8000000, CPU interface 0x8010000"
  "axstand: 5 EL1 physical timer interrupts (INTID 30) through the GICv2"
  "axstand: dt /pl031@9010000" "axstand: pl031 RTC reads"
  "axstand: pl031 alarm arrived as INTID 34"
  "axstand: dt /pl061@9030000" "axstand: dt /flash@0"
  "axstand: PSCI SYSTEM_OFF over HVC" "all VMs have shut down" "!FAIL")
mapfile -t NIMBOS < <(whole_markers nimbos)
mapfile -t ARCEOS < <(whole_markers arceos-qemu)

# NimbOS (AxVisor's file): from the disk at 0x4008_0000 in 16 MiB of
# RAM; the excluded pcie is left out, so the guest never sees it, and so
# is the virtio-mmio transport of cvisor's own disk.
qemu_scenario aarch64/axvisor-nimbos 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=$AX/nimbos-aarch64-qemu-smp1.toml DISK=$ADIR/nimbos.img" \
  "${NIMBOS[@]}" "VM nimbos: whole platform: /pcie@10000000 left out (excluded_devices)" \
  "VM nimbos: whole platform: /virtio_mmio@a003e00 is cvisor's disk, which cvisor keeps; left out" \
  "axstand: entered at 0x0000000040080000" \
  "axstand: RAM 0x0000000040000000 size 0x0000000001000000, built for 0x0000000008000000" \
  "${STAND_OK[@]}" "!axstand: dt /pcie" "VM 1 (nimbos) powered off"

# NimbOS (tgoskits' file) passes the GIC's window through as an address
# range: that part is cvisor's, left out with a warning; the same guest
# runs on the emulated GICv2. And on a GICv2 host, where the window holds
# the GIC's CPU and virtual interfaces.
for gic in 3 2; do
  qemu_scenario aarch64/axvisor-tg-nimbos-gicv$gic 60 \
    "ARCH=$A SMP=1 GIC=$gic VM_CONFIGS=$TG/qemu-aarch64-nimbos-smp1.toml DISK=$ADIR/nimbos.img" \
    "${NIMBOS[@]}" "VM nimbos: passthrough_addresses[0]: 0x8000000+0x$([ $gic = 3 ] && echo 1000000 || echo 50000) is /intc@8000000 (the GIC distributor), which cvisor keeps; not passed through" \
    "axstand: entered at 0x0000000040080000" "${STAND_OK[@]}" "!axstand: dt /pcie" \
    "VM 1 (nimbos) powered off"
done

# ArceOS (both files): 1 GiB of the host's RAM at 0x8000_0000, identity
# mapped, which needs a 2 GiB machine (RAM 0x4000_0000-0xc000_0000).
qemu_scenario aarch64/axvisor-arceos 60 \
  "ARCH=$A SMP=1 MEM=2G VM_CONFIGS=$AX/arceos-aarch64-qemu-smp1.toml" \
  "${ARCEOS[@]}" "axstand: entered at 0x0000000080200000" \
  "axstand: RAM 0x0000000080000000 size 0x0000000040000000" "${STAND_OK[@]}" \
  "!axstand: dt /pcie" "VM 1 (arceos-qemu) powered off"
qemu_scenario aarch64/axvisor-tg-arceos 60 \
  "ARCH=$A SMP=1 MEM=2G VM_CONFIGS=$TG/qemu-aarch64-arceos-smp1.toml" \
  "${ARCEOS[@]}" "axstand: entered at 0x0000000080200000" "${STAND_OK[@]}" \
  "VM 1 (arceos-qemu) powered off"
# On the default 1 GiB machine there is no RAM there: refused, saying so.
qemu_scenario aarch64/axvisor-arceos-no-ram 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=$AX/arceos-aarch64-qemu-smp1.toml" \
  "VM arceos-qemu: identity region 0x80000000+0x40000000: the host has no RAM there (its RAM ends at 0x80000000); VM refused" \
  "no VM to run; powering off"

# FreeRTOS and Zephyr: loaded at 0x4000_0000, entered 0x1000 and 0x10b4
# further. FreeRTOS runs beside a VM that was given the host's RTC
# first: the whole platform leaves it out, naming its owner.
qemu_scenario aarch64/axvisor-tg-freertos 60 \
  "ARCH=$A SMP=2 VM_CONFIGS=configs/vms/ptdev-aarch64.toml:$TG/qemu-aarch64-freertos-smp1.toml" \
  "VM freertos-qemu: whole platform: /pl031@9010000 is given to VM ptdev; left out" \
  "VM freertos-qemu: whole platform: /pcie@10000000 (pci-host-ecam-generic) can do DMA and cvisor has no IOMMU; left out" \
  "[vm1] axstand: entered at 0x0000000040001000, image at 0x0000000040000000" \
  "[vm1] axstand: 5 EL1 physical timer interrupts (INTID 30) through the GICv2" \
  "!axstand: dt /pl031" "[vm7] ptdev: PASS" "VM 1 (freertos-qemu) powered off" \
  "all VMs have shut down" "!FAIL"
qemu_scenario aarch64/axvisor-tg-zephyr 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=$TG/qemu-aarch64-zephyr-smp1.toml" \
  "axstand: entered at 0x00000000400010b4, image at 0x0000000040000000" \
  "${STAND_OK[@]}" "VM 1 (zephyr-qemu) powered off"

# Started again from cvisor's shell, the VM is given the platform again
# (its own copy of the config, expanded anew, freed with it). STAY=1 is a
# compiler flag, so cvisor is rebuilt whole first, outside the run's
# time limit: on a busy 2-core machine that build alone took more than
# 60 s (killed while compiling, twice). The run itself, zephyr twice,
# took 42 s beside make test's host groups: 120 s is its hang guard.
ZEPHYR_AGAIN="ARCH=$A SMP=1 STAY=1 VM_CONFIGS=$TG/qemu-aarch64-zephyr-smp1.toml"
# shellcheck disable=SC2086
make -s $ZEPHYR_AGAIN cvisor >"$LOGDIR/aarch64_axvisor-tg-zephyr-again-build.log" 2>&1
qemu_console aarch64/axvisor-tg-zephyr-again 120 "$ZEPHYR_AGAIN" \
  'wait VM 1 (zephyr-qemu) powered off
wait cvisor>
type vm start 1\n
waitn 2 VM 1 (zephyr-qemu) powered off
type shutdown\n' \
  "axstand: pl031 alarm arrived as INTID 34" "memory: all that the VMs took is back" "!FAIL"

# Linux: Debian's kernel, with no initramfs and no command line (the
# files have neither), boots on the emulated GICv2 (its GICv2 driver's
# one complaint, docs/aarch64.md), the EL1 timers and the emulated PL011
# as its console (stdout-path), and drives the passed-through RTC and
# GPIO, their interrupts forwarded, until it finds no root file system
# and panics: that is as far as these files take it. cvisor's shell then
# stops the VM and powers off.
LINUX_STEPS='wait end Kernel panic - not syncing: VFS: Unable to mount root fs
type \001\001\001
wait console input now goes to cvisor
type shutdown\n'
LINUX_OK=("Machine model: cvisor virtual machine"
  "GICv3 system registers enabled, broken firmware!"
  "arch_timer: cp15 timer(s) running at"
  "9000000.pl011: ttyAMA0 at MMIO 0x9000000"
  "rtc-pl031 9010000.pl031: registered as rtc0"
  "pl061_gpio 9030000.pl061: PL061 GPIO chip registered"
  "Kernel panic - not syncing: VFS: Unable to mount root fs"
  "memory: all that the VMs took is back")
if make -s images >"$LOGDIR/axvisor-linux-images.log" 2>&1 &&
  cp "$LINUX_IMAGE" /tmp/axvisor/qemu_aarch64_linux/qemu-aarch64 &&
  fat_disk "$ADIR/linux.img" 80 "$LINUX_IMAGE:/guest/linux/linux-qemu" \
    >>"$LOGDIR/axvisor-linux-images.log" 2>&1; then
  mapfile -t LINUX < <(whole_markers linux-qemu)
  qemu_console aarch64/axvisor-linux 120 \
    "ARCH=$A SMP=1 MEM=2G VM_CONFIGS=$AX/linux-aarch64-qemu-smp1.toml" \
    "$LINUX_STEPS" "${LINUX[@]}" "${LINUX_OK[@]}" \
    "VM linux-qemu: Linux Image /tmp/axvisor/qemu_aarch64_linux/qemu-aarch64 at 0x80200000"
  qemu_console aarch64/axvisor-tg-linux 120 \
    "ARCH=$A SMP=1 MEM=2G VM_CONFIGS=$TG/qemu-aarch64-linux-smp1.toml DISK=$ADIR/linux.img" \
    "$LINUX_STEPS" "${LINUX[@]}" "${LINUX_OK[@]}" \
    "VM linux-qemu: Linux Image /guest/linux/linux-qemu at 0x80200000"
else
  fail aarch64/axvisor-linux "see $LOGDIR/axvisor-linux-images.log"
fi
