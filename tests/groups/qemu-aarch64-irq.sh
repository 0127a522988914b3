# QEMU scenarios on aarch64: the virtual GIC, the guest timers, SMP guests.
A=aarch64
HELLO=configs/vms/hello-aarch64.toml
TIMER=configs/vms/timer-aarch64.toml
SMP4=configs/vms/smp-aarch64.toml

# Virtual and physical timer ticks, the vCPU waiting in WFI between them;
# on the GICv3 and the GICv2 (list registers in the GICH frame, GICC
# mapped from GICV). Under ICOUNT=2 the mean period checked does not
# depend on how busy the host is. Then the timers' PPIs as level-sensitive
# interrupts: ENABLE = 0, IMASK = 1 or a compare value moved ahead takes
# a pending one away (ISPENDR0, and nothing acknowledged after). On the
# GICv3, a timer's list register the guest cannot take yet (its running
# priority above the timer's) lowered before an SGI: not taken after
# (vcpu_arch_sgi's lr_level test; without it: "FAIL: taken with its level
# down").
for gic in 3 2; do
  held=()
  [ $gic = 3 ] && held=("timer: its interrupt held below the running priority, lowered, an SGI sent: not taken")
  qemu_scenario aarch64/timer-gicv$gic 60 "ARCH=$A SMP=1 GIC=$gic ICOUNT=2 VM_CONFIGS=$TIMER" \
    "timer: GICv$gic" "virtual timer (PPI 27): 50 ticks" \
    "physical timer (PPI 30): 50 ticks" "then the SGI taken" \
    "timer: level-sensitive PPIs 27 and 30: 18 of 18 cases passed" \
    "${held[@]}" "timer: PASS" "all VMs have shut down" \
    "!FAIL"
done

# 4 vCPUs on 4 pCPUs: check-in and SGIs between every ordered pair.
for gic in 3 2; do
  qemu_scenario aarch64/smp4-gicv$gic 60 "ARCH=$A SMP=4 GIC=$gic VM_CONFIGS=$SMP4" \
    "smp: GICv$gic, 4 vCPUs checked in" "12 IPIs answered across 12 ordered pairs" \
    "smp: PASS" "all VMs have shut down" "!FAIL"
done

# 4 vCPUs time-sliced on 2 pCPUs, beside a timer VM and hello on pCPU 0:
# interrupts reach vCPUs that are waiting or descheduled.
qemu_scenario aarch64/smp4-on-2-pcpus 90 \
  "ARCH=$A SMP=2 VM_CONFIGS=configs/vms/smp-shared-aarch64.toml:$TIMER:$HELLO" \
  "[vm6] smp: PASS" "[vm5] timer: PASS" "[vm1] Hello, world!" \
  "all VMs have shut down" "!FAIL"

# A passthrough device: the host's PL031 at another guest address, its
# alarm interrupt forwarded (twice: the host line is unmasked after the
# guest's EOI). Beside it, VMs asking for what is not theirs to have are
# refused by name, and hello still runs.
PT=tests/config/runtime
qemu_scenario aarch64/passthrough-gicv3 60 \
  "ARCH=$A SMP=2 VM_CONFIGS=configs/vms/ptdev-aarch64.toml:$PT/pt-uart-aarch64.toml:$PT/pt-ram-aarch64.toml:$PT/pt-taken-aarch64.toml:$PT/pt-ppi-aarch64.toml:$PT/pt-reserved-aarch64.toml:$PT/pt-on-uart-aarch64.toml:$HELLO" \
  "VM ptdev: passthrough rtc: host 0x9010000+0x1000 at guest 0xc000000, its interrupts forwarded" \
  "VM pt-uart: passthrough uart at 0x9000000+0x1000: the host range is cvisor's console UART" \
  "VM pt-ram: passthrough ram at 0x48000000+0x1000: the host range is cvisor's memory" \
  "VM pt-taken: passthrough rtc at 0x9010000+0x1000: the host range is given to VM ptdev" \
  "VM pt-ppi: passthrough gpio: host interrupt 26 is not one a VM can be given" \
  "VM pt-reserved: reserved region 0x40000000+0x1000000 is cvisor's memory" \
  "VM pt-on-uart: passthrough gpio at guest 0x9000000+0x1000 overlaps pl011" \
  "[vm7] ptdev: alarm 2 arrived as INTID 34" "[vm7] ptdev: PASS" \
  "[vm1] hello: done" "all VMs have shut down" "!FAIL"
qemu_scenario aarch64/passthrough-gicv2 60 \
  "ARCH=$A SMP=2 GIC=2 VM_CONFIGS=configs/vms/ptdev-aarch64.toml:$PT/pt-on-gicc-aarch64.toml" \
  "VM pt-on-gicc: passthrough gpio at guest 0x8010000+0x1000 overlaps gicc" \
  "ptdev: GICv2" "ptdev: alarm 2 arrived as INTID 34" "ptdev: PASS" \
  "all VMs have shut down" "!FAIL"

# Devices that can do DMA (cvisor has no IOMMU): fw_cfg by range, the GIC
# ITS by its node, spare virtio-mmio transports by a raw address range
# are left out, naming the device, each transport on a line of its own,
# and their VMs run without them; fw_cfg listed in
# devices.dma_passthrough is given, with a warning, and that VM runs
# beside hello.
qemu_scenario aarch64/passthrough-dma 60 \
  "ARCH=$A SMP=2 VM_CONFIGS=$PT/pt-fwcfg-aarch64.toml:$PT/pt-its-aarch64.toml:$PT/pt-virtio-addr-aarch64.toml:$PT/pt-fwcfg-dma-aarch64.toml:$HELLO" \
  "VM pt-fwcfg: passthrough fw-cfg at 0x9020000+0x1000: /fw-cfg@9020000 (qemu,fw-cfg-mmio) at 0x9020000+0x18 can do DMA and cvisor has no IOMMU; left out" \
  "VM pt-fwcfg: to give it all the same (the VM could then write any memory), list \"fw-cfg\" in devices.dma_passthrough" \
  "VM pt-its: passthrough /intc@8000000/its@8080000 at 0x8080000+0x20000: /intc@8000000/its@8080000 (arm,gic-v3-its) at 0x8080000+0x20000 can do DMA and cvisor has no IOMMU; left out" \
  "VM pt-virtio-addr: passthrough address at 0xa000000+0x1000: /virtio_mmio@a000000 (virtio,mmio) at 0xa000000+0x200 can do DMA and cvisor has no IOMMU; left out" \
  "VM pt-virtio-addr: to give it all the same, make it a passthrough_devices entry and list that in devices.dma_passthrough" \
  "VM pt-fwcfg-dma: passthrough fw-cfg: /fw-cfg@9020000 (qemu,fw-cfg-mmio) can do DMA; given as devices.dma_passthrough asks" \
  "VM pt-fwcfg-dma: passthrough fw-cfg: host 0x9020000+0x1000 at guest 0xc000000" \
  "[vm30] Hello, world!" "[vm1] Hello, world!" "all VMs have shut down" \
  "VM 27 (pt-fwcfg) powered off" "VM 28 (pt-its) powered off" \
  "VM 29 (pt-virtio-addr) powered off" "!VM pt-fwcfg: passthrough fw-cfg: host" "!FAIL"

# A VM's GIC is its own choice (emu_devices type 0x1, as AxVisor writes
# it): GICv2 VMs on the default GICv3 host, their GICC emulated over the
# list registers (vgic_v2_soft.c). The timer guest: both timers' PPIs,
# level-sensitive, an SGI below the priority mask. Beside it, entries
# cvisor cannot honour on aarch64 are refused by name, and AxVisor's GIC
# partial passthrough entries get the emulated GICv3, with warnings.
G2=tests/config/runtime
qemu_scenario aarch64/gicv2-on-gicv3-timer 60 \
  "ARCH=$A SMP=1 ICOUNT=2 VM_CONFIGS=$G2/gicv2-timer-aarch64.toml:$G2/emu-plic-aarch64.toml:$G2/emu-gic-base-aarch64.toml:$G2/gppt-hello-aarch64.toml" \
  "host GICv3" "VM timer-v2: GICv2 (GICD 0x8000000, GICC 0x8010000) on the host's GICv3, its CPU interface emulated" \
  "timer: GICv2" "virtual timer (PPI 27): 50 ticks" \
  "physical timer (PPI 30): 50 ticks" "then the SGI taken" \
  "timer: level-sensitive PPIs 27 and 30: 18 of 18 cases passed" "timer: PASS" \
  'VM emu-plic: devices.emu_devices[0] "plic" (line 17): emu_type 0x30 (riscv64 PLIC) is not a device of aarch64 VMs; VM refused' \
  "VM emu-gic-base: devices.emu_devices[0] \"gicd\" (line 17): cvisor puts the VM's GIC at 0x8000000, not at 0xc000000; VM refused" \
  "VM gppt: devices.emu_devices[0] \"gppt-gicd\": GIC partial passthrough is served by cvisor's emulated GICv3 (GICD 0x8000000, GICR 0x80a0000)" \
  "VM gppt: devices.emu_devices[2] \"gppt-gits\": GIC ITS passthrough: cvisor's emulated GICv3 has no ITS" \
  "[vm2] Hello, world!" "all VMs have shut down" "!FAIL"
# SGIs between 2 vCPUs, a forwarded host SPI (PL031's alarm) and the
# virtual PL011's receive interrupt, each VM with its GICv2.
qemu_console aarch64/gicv2-on-gicv3 60 \
  "ARCH=$A SMP=2 VM_CONFIGS=$G2/gicv2-echo-aarch64.toml:$G2/gicv2-smp-aarch64.toml:$G2/gicv2-ptdev-aarch64.toml" \
  'wait echo: GICv2
type apple crumble\n
wait [vm12] echo: apple crumble
type quit\n' \
  "[vm12] echo: GICv2" "[vm12] echo: apple crumble" "[vm12] echo: PASS" \
  "[vm6] smp: GICv2, 2 vCPUs checked in" "[vm6] 2 IPIs answered across 2 ordered pairs" \
  "[vm6] smp: PASS" "[vm7] ptdev: GICv2" "[vm7] ptdev: alarm 2 arrived as INTID 34" \
  "[vm7] ptdev: PASS" "all VMs have shut down" "!FAIL"

# An SGI raised again while the receiver's list register still holds it,
# done with (vgic.c: sgi_refill_lr0, the IPI exits' lean refill): sgiflood
# alone, so that its vCPU 0 waits in its own WFI, untrapped, with no exit
# between its EOI and the kick. vCPU 1 turns the distributor's group 1 off
# (no list register changed, nobody kicked) and raises the SGI again: it
# must not be taken until group 1 is on. With the lean refill's own
# sgi_refill_ok() dropped it is taken (FAIL: taken).
qemu_scenario aarch64/sgi-again-group-off 60 \
  "ARCH=$A SMP=2 VM_CONFIGS=configs/vms/sgiflood-aarch64.toml" \
  "sgiflood: an SGI raised again while held, group 1 off: not taken; taken once on" \
  "VM 32 (sgiflood) powered off" "!FAIL"

# A vCPU with its pCPU to itself waits in its own WFI, untrapped; a vCPU
# woken on that pCPU from another pCPU comes with a host IPI, whose exit
# (vcpu_arch_irq) must go to the loop, so that the WFI traps again and the
# pCPU goes to the woken vCPU at once. The smp VM alone, its 4 vCPUs on 2
# pCPUs, under -icount: each vCPU is preempted at a slice's end only while
# the vCPUs check in (vCPU 0 polls for them: 4 times; vCPUs 1-3 once
# each, as they start); with that test of vcpu_arch_irq dropped, a woken
# vCPU waits for the slice's end whenever its neighbour waits untrapped,
# and vCPUs 0 and 1 are preempted 8 times each. vCPU 0's count follows
# how long the others take to start: vCPUs 1-3 are the ones looked at.
qemu_scenario aarch64/smp4-on-2-pcpus-alone 60 \
  "ARCH=$A SMP=2 ICOUNT=2 VM_CONFIGS=configs/vms/smp-shared-aarch64.toml" \
  "smp: GICv3, 4 vCPUs checked in" "12 IPIs answered across 12 ordered pairs" \
  "smp: PASS" "all VMs have shut down" "!FAIL"
woken_vcpus_not_left_waiting() {
  local log="$LOGDIR/aarch64_smp4-on-2-pcpus-alone.log" counts
  counts=$(sed -n 's/.*VM 6 (smp) vCPU [1-3]: preempted \([0-9]*\) times.*/\1/p' "$log" | sort -n)
  echo "preemptions of vCPUs 1-3: $(echo "$counts" | tr "\n" " ")(3 counts, each at most 2, expected)"
  [ "$(echo "$counts" | grep -c .)" -eq 3 ] && [ "$(echo "$counts" | tail -1)" -le 2 ]
}
expect aarch64/smp4-woken-vcpu-not-left-waiting woken_vcpus_not_left_waiting
