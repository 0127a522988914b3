# QEMU scenarios on x86_64: AxVisor's x86_64 QEMU configs, unchanged
# (tests/config/axvisor/, the files of ../shared/axvisor-configs), each
# booted with `make ARCH=x86_64 VM_CONFIGS=... [DISK=...] run`
# (docs/guests/axvisor-configs.md). Only the images they name are put
# where they say. The guest is axstand (guests/common/axstand and
# guests/x86_64/axstand, linked at 2 MiB where the files load their
# kernels: a stand-in for NimbOS and ArceOS), and for AxVisor's own
# axvm-bios.bin the in-tree first stage bios16. The files name the
# host's IOAPIC and local APIC, which are cvisor's: the VM's emulated
# ones are in their place, each on a warning line. The HPET, which
# cvisor does not use and which cannot do DMA, is passed through, and the
# interrupt the files name for it (1) forwarded: host GSI 1 to the VM's
# IOAPIC pin 1.
A=x86_64
AX=tests/config/axvisor
TG=$AX/tgoskits
STAND=build/guests/$A/axstand.bin
BIOS=build/guests/$A/bios16.bin
ADIR=build/test-axvisor-$A
IMGS=/tmp/.axvisor-images/qemu_x86_64_nimbos
mkdir -p "$ADIR"
export MTOOLS_SKIP_CHECK=1

# AxVisor's NimbOS file embeds both images from /tmp/.axvisor-images/;
# tgoskits' read theirs from the disk.
place_images() {
  make -s ARCH=$A cvisor guests && mkdir -p "$IMGS" &&
    cp "$STAND" "$IMGS/qemu-x86_64" && cp "$BIOS" "$IMGS/axvm-bios.bin" &&
    fat_disk "$ADIR/guests.img" 40 "$STAND:/guest/nimbos/nimbos-qemu" \
      "$STAND:/path/arceos-helloworld-x86_64.bin"
}
expect $A/axvisor-images place_images

# What axstand prints when all went as on QEMU's PC: 5 ticks of the
# local APIC's timer, COM1's interrupt through the IOAPIC, the IOAPIC,
# the local APIC and the passed-through HPET (its counter running)
# read back, isa-debug-exit.
STAND_OK=("axstand: entered at 0x0000000000200020"
  "axstand: RAM 640 KiB below 1 MiB, 15360 KiB above"
  "axstand: 5 timer interrupts (local APIC timer)"
  "axstand: 16550 interrupt (line 4) through the IOAPIC"
  "axstand: IOAPIC at 0xfec00000: version 0x0000000000000020, 24 pins"
  "axstand: local APIC at 0xfee00000: id 0"
  "axstand: HPET at 0xfed00000: 3 timers, period 10000000 fs, main counter runs, timer 0 cannot deliver by FSB"
  "axstand: done" "axstand: isa-debug-exit" "all VMs have shut down" "!FAIL")
# The IOAPIC and HPET entries every file has ([name, base_ipa, base_pa,
# len, irq]).
kept() {
  printf '%s\n' \
    "VM $1: passthrough IO APIC at 0xfec00000+0x1000 is the IOAPIC, which cvisor keeps; the VM's emulated ioapic is in its place" \
    "VM $1: passthrough HPET: host 0xfed00000+0x1000 at guest 0xfed00000, its interrupts forwarded" \
    "!VM $1: passthrough HPET: interrupt 1 is not forwarded" \
    "!VM $1: passthrough IO APIC: host"
}
mapfile -t NIMBOS < <(kept nimbos)
mapfile -t ARCEOS < <(kept arceos-qemu)

# NimbOS (AxVisor's file): its bios_path with neither enable_bios nor
# boot_protocol (the older format) is the first stage, run at
# entry_point 0x8000 in real mode; it starts the Multiboot kernel at
# 0x20_0000. The local APIC entry too is kept, the VM's in its place.
qemu_scenario $A/axvisor-nimbos 30 \
  "ARCH=$A SMP=1 VM_CONFIGS=$AX/nimbos-x86_64-qemu-smp1.toml" \
  "VM nimbos: kernel.bios_path $IMGS/axvm-bios.bin with neither enable_bios nor boot_protocol (AxVisor's older files): run as the first stage" \
  "VM nimbos: bios $IMGS/axvm-bios.bin at 0x8000" \
  "bios16: real mode, CS=0800, CR0.PE=0" "bios16: Multiboot info at 0009f000, kernel entry 00200020" \
  "VM nimbos: passthrough Local APIC at 0xfee00000+0x1000 is the local APIC, which cvisor keeps; the VM's emulated lapic is in its place" \
  "${NIMBOS[@]}" "${STAND_OK[@]}" "!not at entry_point" "VM 1 (nimbos) powered off"

# NimbOS and ArceOS (tgoskits): enable_bios with boot_protocol
# "multiboot" and no bios_path, where AxVisor puts its own stub at 0x8000
# (entry_point): cvisor is the Multiboot loader in its place.
qemu_scenario $A/axvisor-tg-nimbos 30 \
  "ARCH=$A SMP=1 VM_CONFIGS=$TG/qemu-x86_64-nimbos-smp1.toml DISK=$ADIR/guests.img" \
  "VM nimbos: entry_point 0x8000 is where AxVisor's own first stage would run (Multiboot with no bios_path); cvisor loads the kernel in its place and enters it at 0x200020" \
  "${NIMBOS[@]}" "${STAND_OK[@]}" "!bios16" "VM 1 (nimbos) powered off"
qemu_scenario $A/axvisor-tg-arceos 30 \
  "ARCH=$A SMP=1 VM_CONFIGS=$TG/qemu-x86_64-arceos-smp1.toml DISK=$ADIR/guests.img" \
  "VM arceos-qemu: Multiboot kernel /path/arceos-helloworld-x86_64.bin at 0x200000" \
  "${ARCEOS[@]}" "${STAND_OK[@]}" "VM 1 (arceos-qemu) powered off"

# The UEFI files: cvisor runs no UEFI firmware; each is refused naming
# the field and the firmware, and cvisor, left with no VM, powers off.
qemu_scenario $A/axvisor-uefi-refused 30 \
  "ARCH=$A SMP=1 VM_CONFIGS=$TG/qemu-x86_64-nimbos-uefi-smp1.toml:$TG/qemu-x86_64-arceos-uefi-smp1.toml:$TG/qemu-x86_64-linux-uefi-smp1.toml" \
  "VM nimbos-uefi: kernel.boot_protocol = \"uefi\" (firmware /guest/nimbos/OVMF_CODE.fd): x86_64 runs no UEFI firmware; VM refused" \
  "VM arceos-qemu-uefi: kernel.boot_protocol = \"uefi\" (firmware /guest/arceos/OVMF_CODE.fd): x86_64 runs no UEFI firmware; VM refused" \
  "VM linux-qemu-uefi: kernel.boot_protocol = \"uefi\" (firmware /guest/linux/OVMF_CODE.fd): x86_64 runs no UEFI firmware; VM refused" \
  "no VM to run; powering off"

# Linux (tgoskits): its second region, a private low 1 MiB over the
# first's identity map, is refused at its line (docs/config.md,
# "Overlapping regions"; docs/guests/axvisor-configs.md says why).
log="$LOGDIR/${A}_axvisor-tg-linux-refused.log"
build/host/cvisor-config check "$TG/qemu-x86_64-linux-smp1.toml" >"$log" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -qF "$TG/qemu-x86_64-linux-smp1.toml:44:3: error: kernel.memory_regions[1] [0x0, 0x100000) (alloc) overlaps memory_regions[0] [0x0, 0x8000000) (identical)" "$log"; then
  pass $A/axvisor-tg-linux-refused
else
  fail $A/axvisor-tg-linux-refused "exit $rc, see $log"
fi
