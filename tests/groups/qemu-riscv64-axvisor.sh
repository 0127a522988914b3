# QEMU scenarios on riscv64: AxVisor's riscv64 QEMU configs, unchanged
# (tests/config/axvisor/, the files of ../shared/axvisor-configs), each
# booted with `make ARCH=riscv64 VM_CONFIGS=... [DISK=...] run`
# (docs/guests/axvisor-configs.md). Only the images they name are put
# where they say: on a FAT32 disk for image_location "fs", at their path
# for "memory". The guests are axstand (guests/common/axstand and
# guests/riscv64/axstand: a stand-in for NimbOS and ArceOS, which cannot
# be had here) and the riscv64 Linux 6.1 cvisor builds from Debian's
# source. The NimbOS files name the host's PLIC and UART in old-format
# passthrough entries: both are cvisor's, so the VM's emulated ones are
# in their place, each on a warning line; the Linux file's virtio-mmio
# transports can do DMA and are left out, one warning each.
A=riscv64
AX=tests/config/axvisor
TG=$AX/tgoskits
STAND=build/guests/$A/axstand.bin
ADIR=build/test-axvisor-$A
LINUX_IMAGE=build/images/linux-$A/Image
mkdir -p "$ADIR"
export MTOOLS_SKIP_CHECK=1

# The images, where the configs name them: NimbOS's and Linux's on
# disks, ArceOS's at /path/tmp/images/qemu-riscv64 (absolute, as the
# file has it).
place_images() {
  make -s ARCH=$A cvisor guests && make -s ARCH=$A images &&
    mkdir -p /path/tmp/images && cp "$STAND" /path/tmp/images/qemu-riscv64 &&
    fat_disk "$ADIR/nimbos.img" 40 "$STAND:/nimbos-riscv64.bin" &&
    fat_disk "$ADIR/linux.img" 40 "$LINUX_IMAGE:/guest/linux/linux-qemu"
}
expect $A/axvisor-images place_images

# What axstand prints when all went as on QEMU's virt machine: 5 ticks
# of SBI's timer, the 16550's interrupt through the PLIC (context 1, as
# QEMU numbers hart 0's S-mode), both read back, SBI SRST.
STAND_OK=("axstand: 5 timer interrupts (SBI set_timer)"
  "axstand: 16550 interrupt (line 10) through the PLIC"
  "axstand: PLIC at 0xc000000: source 10 priority 1, enabled for S-mode hart 0"
  "axstand: 16550 at 0x10000000: LSR" "axstand: done"
  "axstand: SBI SRST shutdown" "all VMs have shut down" "!FAIL")
# The NimbOS files' PLIC and UART entries (old format: [name, base_ipa,
# base_pa, len, irq]).
NIMBOS_KEPT=("VM nimbos: passthrough PLIC@c000000 at 0xc000000+0x210000 is the PLIC, which cvisor keeps; the VM's emulated plic is in its place"
  "VM nimbos: passthrough UART@10000000 at 0x10000000+0x1000 is cvisor's console UART, which cvisor keeps; the VM's emulated 16550 is in its place"
  "!VM nimbos: passthrough PLIC@c000000: host" "!VM nimbos: passthrough UART@10000000: host")

# NimbOS, both files: from the disk at 0x9020_0000 in 16 MiB at
# 0x9000_0000 (flags 0xf: R|W|X|USER, AxVisor's numbering); tgoskits'
# asks for interrupt_mode "passthrough", whose lines go with the entries.
for nf in nimbos:$AX/nimbos-riscv64-qemu-smp1.toml tg-nimbos:$TG/qemu-riscv64-nimbos-smp1.toml; do
  qemu_scenario "$A/axvisor-${nf%%:*}" 30 \
    "ARCH=$A SMP=1 VM_CONFIGS=${nf#*:} DISK=$ADIR/nimbos.img" \
    "${NIMBOS_KEPT[@]}" "axstand: entered at 0x0000000090200000" \
    "axstand: RAM 0x0000000090000000 size 0x0000000001000000" \
    "axstand: dt /plic@c000000" "axstand: dt /serial@10000000" \
    "${STAND_OK[@]}" "VM 1 (nimbos) powered off"
done

# ArceOS (tgoskits): embedded from /path/tmp/images/qemu-riscv64, 64 MiB
# at 0x8000_0000, the DTB where dtb_load_addr says.
qemu_scenario $A/axvisor-tg-arceos 30 \
  "ARCH=$A SMP=1 VM_CONFIGS=$TG/qemu-riscv64-arceos-smp1.toml" \
  "VM arceos-qemu: device tree (generated, " "bytes) at 0x82200000" \
  "axstand: entered at 0x0000000080200000" \
  "axstand: RAM 0x0000000080000000 size 0x0000000004000000" \
  "${STAND_OK[@]}" "VM 1 (arceos-qemu) powered off"

# Linux (tgoskits): the kernel from the disk at 0x9020_0000 in 64 MiB
# identity-mapped at 0x9000_0000, the emu_devices PLIC (0x30, 2 contexts:
# QEMU's M and S of hart 0). The host's serial is cvisor's console: the
# VM's 16550 is in its place; the virtio-mmio transports can do DMA and
# are left out, so Linux finds none (and no second serial node). It takes
# the emulated 16550 as its console and, the file naming no initramfs
# and no root, stops at its init: as far as the file takes any kernel.
# cvisor's shell then stops the VM and powers off.
qemu_console $A/axvisor-tg-linux 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=$TG/qemu-riscv64-linux-smp1.toml DISK=$ADIR/linux.img" \
  'wait end Kernel panic - not syncing: No working init found
type \001\001\001
wait console input now goes to cvisor
type shutdown\n' \
  "VM linux-qemu: passthrough /soc/serial@10000000 at 0x10000000+0x100 is cvisor's console UART, which cvisor keeps; the VM's emulated 16550 is in its place" \
  "VM linux-qemu: passthrough /soc/virtio_mmio@10001000 at 0x10001000+0x1000: /soc/virtio_mmio@10001000 (virtio,mmio) at 0x10001000+0x1000 can do DMA and cvisor has no IOMMU; left out" \
  "VM linux-qemu: passthrough /soc/virtio_mmio@10008000 at 0x10008000+0x1000: /soc/virtio_mmio@10008000 (virtio,mmio)" \
  "VM linux-qemu: passthrough_addresses[0]: 0x10000000+0x1000 is the VM's emulated 16550; not passed through" \
  "VM linux-qemu: passthrough address at 0x10007000+0x1000: /soc/virtio_mmio@10007000 (virtio,mmio) at 0x10007000+0x1000 can do DMA and cvisor has no IOMMU; left out" \
  "VM linux-qemu: Linux riscv64 Image /guest/linux/linux-qemu at 0x90200000" \
  "device tree (generated, " "bytes) at 0x93000000" \
  "Machine model: cvisor virtual machine" \
  "plic: plic@c000000: mapped 95 interrupts with 1 handlers for 2 contexts." \
  "10000000.serial: ttyS0 at MMIO 0x10000000" \
  "Kernel panic - not syncing: No working init found" \
  "memory: all that the VMs took is back" \
  "!10001000.virtio_mmio" "!kobject_add_internal failed" "!abort injected"
