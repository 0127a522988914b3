# QEMU scenarios on x86_64: the unikernel base boots through Multiboot into
# long mode on q35 (CPUs from the ACPI MADT, started with INIT-SIPI-SIPI)
# and the AMD SVM VMM runs the in-tree guests (docs/x86_64.md).
X=x86_64
XHELLO=configs/vms/hello-x86_64.toml
XHELLO2=configs/vms/hello2-x86_64.toml

if make -s ARCH=$X cvisor guests >"$LOGDIR/x86_64-build.log" 2>&1; then
  pass x86_64/build
else
  fail x86_64/build "see $LOGDIR/x86_64-build.log"
fi

# The base on 1, 2 and 4 CPUs, SVM found, hello run, powered off through
# the ACPI PM1a control port.
for n in 1 2 4; do
  qemu_scenario x86_64/smp$n 60 "ARCH=$X SMP=$n VM_CONFIGS=$XHELLO" \
    "cvisor: a type-1 hypervisor, on x86_64 (Multiboot, long mode), $n CPUs" \
    "] $n CPUs online" "x86_64 VMM: SVM rev" "Hello, world!" \
    "all VMs have shut down; powering off" "!did not start" "!exception"
done

# One VM: a Multiboot kernel placed by its header and entered in 32-bit
# protected mode; its own long mode; COM1 on the port bus; VMMCALL with
# AxVisor's ABI logged and answered; CPUID's hypervisor leaves; the
# isa-debug-exit port powers that VM off.
qemu_scenario x86_64/hello 60 "ARCH=$X SMP=1 VM_CONFIGS=$XHELLO" \
  "VM hello: Multiboot kernel build/guests/x86_64/hello.bin at 0x100000" \
  "Hello, world!" "VM 1 vCPU 0: debug hypercall (0xc0ffee, 0x1, 0x2)" \
  "hypercall answered: 0" "CPUID hypervisor leaf: \"cvisorcvisor\"" \
  "VM 1 vCPU 0: isa-debug-exit 0x0: powering the VM off" \
  "VM 1 (hello) powered off" "all VMs have shut down; powering off" \
  "!hypercall FAILED" "![vm1]" "!exception"

# A kernel.disk_path: x86_64 VMs have no virtual disk yet, so that VM is
# refused by name; hello beside it runs.
qemu_scenario x86_64/disk-path-refused 60 \
  "ARCH=$X SMP=1 VM_CONFIGS=$XHELLO:tests/config/runtime/disk-x86_64.toml" \
  "VM hello2: kernel.disk_path build/guests/x86_64/hello.bin: x86_64 VMs have no virtual disk yet" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down" "!PANIC"

# Two VMs share CPU 0 (time-sliced: VMCB, FPU state and ASID switched);
# each line is prefixed with its VM. The default demo is the same pair.
qemu_scenario x86_64/two-vms 60 "ARCH=$X SMP=2 VM_CONFIGS=$XHELLO:$XHELLO2" \
  "[vm1] Hello, world!" "[vm2] Hello, world!" \
  "VM 1 (hello) powered off" "VM 2 (hello2) powered off" \
  "all VMs have shut down; powering off"
qemu_scenario x86_64/make-run 60 "ARCH=$X" \
  "[vm1] Hello, world!" "[vm2] Hello, world!" "all VMs have shut down"

# The LAPIC timer in one-shot, TSC-deadline and periodic modes, the vCPU
# sleeping in HLT between ticks; periodic ticks checked against the TSC.
# ICOUNT keeps what the guest measures independent of how busy the host
# is (here and in pc-devices).
qemu_scenario x86_64/timer 60 "ARCH=$X SMP=1 ICOUNT=2 VM_CONFIGS=configs/vms/timer-x86_64.toml" \
  "timer: LAPIC, counter at" "LAPIC one-shot: 50 ticks" \
  "LAPIC TSC-deadline: 50 ticks" "LAPIC periodic (divide 16): 20 ticks" \
  "current count counting down" "timer: PASS" "all VMs have shut down" "!FAIL"

# 4 vCPUs on 4 CPUs: INIT/SIPI through the LAPIC's ICR start them in
# real mode at the SIPI's page, they check in, and fixed IPIs go between
# every ordered pair.
qemu_scenario x86_64/smp4-vcpus 60 "ARCH=$X SMP=4 VM_CONFIGS=configs/vms/smp-x86_64.toml" \
  "smp: LAPIC, 4 vCPUs checked in" "12 IPIs answered across 12 ordered pairs" \
  "smp: PASS" "all VMs have shut down" "!FAIL"

# The same 4 vCPUs time-sliced on 2 CPUs beside the timer VM and hello:
# IPIs and timer interrupts reach vCPUs that sleep or are descheduled.
qemu_scenario x86_64/smp4-on-2-cpus 90 \
  "ARCH=$X SMP=2 VM_CONFIGS=configs/vms/smp-shared-x86_64.toml:configs/vms/timer-x86_64.toml:$XHELLO" \
  "[vm6] smp: PASS" "[vm5] timer: PASS" "[vm1] Hello, world!" \
  "all VMs have shut down" "!FAIL"

# The same two VMs with every vCPU's LAPIC in x2APIC mode (the command
# line's "x2apic"): INIT, SIPI and IPIs through the 64-bit ICR, EOI and
# the timer's registers through their MSRs; the xAPIC page is nothing in
# this mode, so a guest that still used it would get no interrupt.
qemu_scenario x86_64/x2apic 90 \
  "ARCH=$X SMP=2 VM_CONFIGS=tests/config/runtime/smp-shared-x2apic-x86_64.toml:tests/config/runtime/timer-x2apic-x86_64.toml" \
  "[vm6] smp: x2APIC, 4 vCPUs checked in" "[vm6] smp: PASS" \
  "[vm5] timer: x2APIC, counter at" "LAPIC one-shot: 50 ticks" \
  "LAPIC TSC-deadline: 50 ticks" "LAPIC periodic (divide 16): 20 ticks" \
  "[vm5] timer: PASS" "all VMs have shut down" "!FAIL"

# The latency guest (a timer interrupt every 100 us, waiting in HLT) on
# CPU 0 beside two of the smp VM's vCPUs, which wait there for IPIs in
# HLT, under -icount shift=0: a vCPU whose HLT cvisor waits for in
# place, loaded (vcpu.c, hlt_in_place), gives the CPU up as soon as
# another vCPU is woken, so no period is missed.
qemu_scenario x86_64/hlt-shared-cpu 90 "ARCH=$X SMP=2 ICOUNT=0 VM_CONFIGS=tests/config/runtime/latency-shared-x86_64.toml:configs/vms/smp-shared-x86_64.toml" \
  "latency: min" " missed 0" "latency: done" "smp: PASS" \
  "all VMs have shut down" "!FAIL"

# Loads and stores where no RAM or device is get what a PC's bus gives
# (all ones read, writes dropped, no fault), each reported with VM, vCPU,
# address and rip; a VM beside it is unaffected.
qemu_scenario x86_64/stray-access 60 \
  "ARCH=$X SMP=2 VM_CONFIGS=configs/vms/abort-x86_64.toml:$XHELLO" \
  "all ones, no fault, for 0x000000000a000000 (read)" \
  "all ones, no fault, for 0x000000007f000000 (write)" "abort: PASS" \
  "VM 3 vCPU 0: write of 4 bytes at 0xa000000 (pc" \
  "VM 3 vCPU 0: read of 4 bytes at 0x7f000000 (pc" \
  "no memory or device there; all ones read, writes dropped" \
  "[vm1] Hello, world!" "all VMs have shut down" "!NOT all ones"

# RST_CPU written to port 0xcf9 reboots that VM only: vCPU 1 asks while
# vCPU 0 spins without exits (kicked out by an IPI); after the reboot the
# image is reloaded and vCPU 1 is off (it takes a SIPI again).
qemu_scenario x86_64/reset 60 "ARCH=$X SMP=2 VM_CONFIGS=configs/vms/reset-x86_64.toml:$XHELLO" \
  "reset: first boot" "VM 4 (reset) is rebooting" "reset: second boot" \
  "reset: PASS" "[vm1] Hello, world!" "all VMs have shut down" "!FAIL"

# What a vCPU is: the CPUID view (hypervisor bit; no SVM, VMX, x2APIC,
# MONITOR; its APIC id), EFER without SVME (setting it is #GP), the APIC
# base, #GP for MSRs it lacks, #UD for the SVM instructions, CPUID and
# VMMCALL with prefixes skipped whole (their length from their bytes), Intel's
# VMCALL as the hypercall, the Multiboot information (memory sizes, map,
# command line), a self-NMI and one sent from its handler (held until
# the handler's IRET), INIT stopping a running vCPU and INIT/SIPI
# starting it again; two such VMs (two vCPUs each) on one CPU keep their vector
# registers (FXSAVE on qemu64; XSAVE with AVX's upper halves, and TSC_AUX
# through RDTSCP, on -cpu max).
for cpu in "qemu64,+svm,+npt" max; do
  qemu_scenario "x86_64/cpu-${cpu%%,*}" 60 \
    "ARCH=$X SMP=1 QEMU_CPU=$cpu VM_CONFIGS=configs/vms/cpu-x86_64.toml:configs/vms/cpu2-x86_64.toml" \
    "[vm7] cpu: ok: CPUID.80000001: no SVM" "[vm7] cpu: ok: EFER.SVME: #GP" \
    "[vm7] cpu: ok: VMRUN, VMLOAD, STGI: #UD" "VM 7 vCPU 0: debug hypercall (0x7ca11, 0x3, 0x4)" \
    "[vm7] cpu: ok: CPUID with a CS prefix: skipped whole" \
    "[vm7] cpu: ok: VMMCALL with CS and REX prefixes: skipped whole" \
    "[vm7] cpu: ok: Multiboot map: one RAM range, 16 MiB at 0" \
    "[vm7] cpu: ok: Multiboot command line" "[vm7] cpu: ok: a self-NMI through the ICR" \
    "[vm7] cpu: ok: an NMI sent in the NMI handler waits for its IRET" \
    "[vm7] cpu: ok: INIT stops the running vCPU 1" "[vm8] cpu: ok: INIT/SIPI start it again, afresh" \
    "[vm7] cpu: PASS" "[vm8] cpu: PASS" "all VMs have shut down" "!FAIL" \
    "$([ "$cpu" = max ] && echo "[vm7] cpu: ok: AVX state kept" || echo "[vm7] cpu: ok: SSE state kept")"
done

# Every instruction form cvisor decodes for MMIO, read from guest memory
# (QEMU 7.2 has no decode assists), against the LAPIC's TPR and where
# nothing is: MOV at each width with merging, ah, REX registers and
# zero-extension, immediates, moffs, SIB, MOVZX, MOVSX, MOVSXD; then from
# an alias of the code with the LAPIC at another virtual address. An ALU
# operation on MMIO stops that VM (not emulated) with a message.
qemu_scenario x86_64/mmio-decode 60 "ARCH=$X SMP=1 VM_CONFIGS=configs/vms/mmio-x86_64.toml" \
  "mmio: ok: C7 store imm32, 8B load r32" "mmio: ok: 8A load ah" \
  "mmio: ok: A3 store eax, A1 load eax at moffs64" \
  "mmio: ok: 48 63 movsxd r64, m32" "mmio: code and LAPIC at other virtual addresses" \
  "mmio: ok: the page remapped, same rip: the new instruction decoded" \
  "mmio: ok: the page remapped between two stores at one rip, no exit between" \
  "mmio: ok: rewritten code, same rip: its immediate's last byte changed" \
  "mmio: ok: rewritten code, same rip: a store from esi" \
  "mmio: ok: rewritten code, same rip: the first form again" \
  "mmio: ok: a fetch where nothing is: #UD there" \
  "VM 9 vCPU 0: write of 8 bytes at 0xa000000 (pc" "mmio: PASS" \
  "VM 9 vCPU 0: access to 0xa000000 by an instruction at rip" \
  "VM 9 (mmio) stopped after a fault" "all VMs have shut down" "!mmio: FAIL"

# The LAPIC's interrupts sent while the guest has them masked, offered
# through V_IRQ: one not yet taken stays in the IRR across exits, a
# higher one sent after it is taken first, and CR8 holds one back or lets
# it in at once (its writes exit while one is offered or held back).
# An interrupt taken with IF set is taken once (ICOUNT: the periodic
# timer's deadlines fall inside its handler, where QEMU 7.2 delivered an
# EVENTINJ'd interrupt again: docs/x86_64.md).
qemu_scenario x86_64/vintr 60 "ARCH=$X SMP=1 ICOUNT=2 VM_CONFIGS=configs/vms/vintr-x86_64.toml" \
  "vintr: ok: sent masked: in the IRR, not in service, across exits" \
  "vintr: ok: unmasked: the higher one (0x51) first, then 0x41" \
  "vintr: ok: 0x51 in service in its handler" \
  "vintr: ok: CR8 raised to 4 while 0x41 was offered: held back" \
  "vintr: ok: CR8 lowered to 0: 0x41 taken at once" \
  "vintr: ok: taken with IF set: once, its handler never entered again" "vintr: PASS" \
  "all VMs have shut down" "!vintr: FAIL"

# Console input through the host's COM1 receive interrupt (routed by the
# host IOAPIC) to the VM with the focus, read from its 16550's receive
# interrupt on its IOAPIC (pin 4, level-triggered: EOIs reach the IOAPIC);
# Ctrl-A focus switching as on the other arches.
XECHO=configs/vms/echo-a-x86_64.toml:configs/vms/echo-b-x86_64.toml
qemu_console x86_64/console-focus 60 "ARCH=$X SMP=2 VM_CONFIGS=$XECHO" \
  'wait [vm11] echo: IOAPIC version 0x0000000000000020, 24 pins; ready
wait [vm12] echo: IOAPIC version
type apple crumble\n
wait [vm11] echo: apple crumble
type \001\001\001
wait console input now goes to vm12 (echo-b)
type banana split!\n
wait [vm12] echo: banana split!
type \001\001\001
wait console input now goes to cvisor
type cherry\n
wait cherry: unknown command
type \001\001\001
wait [cvisor] console input now goes to vm11 (echo-a); Ctrl-A three times switches
type quit\n
wait VM 11 (echo-a) powered off
type quit\n' \
  "[vm11] echo: apple crumble" "[vm12] echo: banana split!" \
  "[vm12] echo: quit" "receive interrupts; bye" \
  "all VMs have shut down"

# A triple fault (an empty IDT, then int3) is the CPU's shutdown: that VM
# is stopped, with VM, vCPU and rip; hello beside it runs to its end.
qemu_scenario x86_64/triple-fault 60 \
  "ARCH=$X SMP=1 VM_CONFIGS=configs/vms/triple-x86_64.toml:$XHELLO" \
  "[vm13] triple: an empty IDT, then int3" \
  "VM 13 vCPU 0: shutdown (triple fault)" "VM 13 (triple) stopped after a fault" \
  "[vm1] hello: done, powering off" "all VMs have shut down" "!triple: FAIL"

# An exception delivered onto a stack in the LAPIC's page: the push is no
# instruction's access, so that VM is stopped at the store that faulted
# (rip not stepped past it, the store not emulated into the LAPIC): the
# rip cvisor names is the store's, which the guest prints.
qemu_scenario x86_64/stack-in-mmio 60 \
  "ARCH=$X SMP=1 VM_CONFIGS=configs/vms/stackmmio-x86_64.toml:$XHELLO" \
  "[vm22] stackmmio: the stack in the LAPIC's page, then a #GP at" \
  "VM 22 vCPU 0: delivering event 0x80000b0d (vector 13) touched 0xfee003f8, where no RAM is (rip" \
  "VM 22 (stackmmio) stopped after a fault" \
  "[vm1] hello: done, powering off" "all VMs have shut down" "!stackmmio: FAIL"
stack_in_mmio_rip_ok() {
  local log=$LOGDIR/x86_64_stack-in-mmio.log at
  # All 16 digits: a line the other VM's output cut in two shows a part.
  at=$(sed -n 's/.*stackmmio: .* a #GP at \(0x[0-9a-f]\{16\}\).*/\1/p' "$log" | head -n 1)
  [ -n "$at" ] && grep -qF "where no RAM is (rip $(printf '%#x' "$at"))" "$log"
}
expect x86_64/stack-in-mmio-at-the-store stack_in_mmio_rip_ok

# The PC devices Linux uses at boot: the PIT's channel 2 through port
# 0x61's gate times the TSC (agreeing with CPUID's timing leaf), latched
# and frozen with the gate low; the CMOS clock (a plausible date, moving)
# and NVRAM; the ACPI PM timer; string port I/O (REP OUTSB to COM1, REP
# INSB across exits); channel 0's interrupt on IOAPIC pin 2, periodic and
# one-shot; S5 through PM1a control powers the VM off.
qemu_scenario x86_64/pc-devices 60 "ARCH=$X SMP=1 ICOUNT=2 VM_CONFIGS=configs/vms/pc-x86_64.toml" \
  "pc: ok: PIT channel 2 calibrates the TSC within 2%" \
  "pc: ok: gate low: channel 2 stands still" \
  "pc: ok: CMOS: a plausible date, 24-hour BCD, valid RAM" \
  "pc: ok: CMOS: the seconds move on" "pc: ok: ACPI PM timer at 3.58 MHz by the TSC" \
  "pc: this line went out by REP OUTSB" "pc: ok: REP OUTSB: rcx and rsi moved on" \
  "pc: ok: REP INSB: 300 bytes from the CMOS, across exits" \
  "pc: ok: PIT channel 0 periodic on IOAPIC pin 2" \
  "pc: ok: PIT channel 0 mode 0: one interrupt at terminal count" \
  "pc: PASS" "VM 14 vCPU 0: ACPI sleep (S5): powering the VM off" \
  "VM 14 (pc) powered off" "all VMs have shut down" "!FAIL"

# Every map type on nested paging: MAP_ALLOC in 4 KiB and 2 MiB pages,
# the host's firmware area as MAP_RESERVED read-only (the host's RSDP
# found through it; a write dropped), host RAM as MAP_IDENTICAL in 4 KiB
# pages; the hole between them reads all ones.
qemu_scenario x86_64/map-types 60 "ARCH=$X SMP=1 VM_CONFIGS=configs/vms/maps-x86_64.toml" \
  "maps: ok: MAP_RESERVED shows the host's firmware area" \
  "maps: ok: a write to the read-only reserved region is dropped" \
  "maps: ok: MAP_IDENTICAL: 12 KiB in 4 KiB pages read back" \
  "maps: ok: MAP_ALLOC in 4 KiB pages below 640 KiB" "maps: PASS" \
  "all VMs have shut down" "!FAIL"

# The 8259 pair in virtual-wire mode (vCPU 0's LINT0 in ExtINT mode, as
# PC guests start): ICW1-4, masks, the PIT's IRQ 0 at the vector ICW2
# gives, each in service until its EOI; masked, no more.
qemu_scenario x86_64/pic 60 "ARCH=$X SMP=1 ICOUNT=2 VM_CONFIGS=configs/vms/pic-x86_64.toml" \
  "pic: ok: ICW1-4 on both chips, the masks read back" \
  "pic: ok: ten IRQ 0s at vector 0x20, each in service until its EOI" \
  "pic: ok: IRQ 0 masked: no more" "pic: PASS" "all VMs have shut down" "!FAIL"

# Passthrough devices (guests/x86_64/ptdev). The host's HPET, its timer 0
# on host GSI 21 forwarded to the VM's IOAPIC pin 21: three level
# interrupts, each after the guest's EOI has unmasked the host's pin (seen
# to fail without the unmask), then three edge ones after the guest made
# its pin edge (seen to fail with the host's pin left level-triggered).
# The host's COM2 ports: the guest's line, written with no exit, is in
# the machine's second serial port's file (seen empty without the ports).
# VMs naming a GSI already forwarded, COM1's (cvisor's console), one the
# IOAPIC does not have, ports already given, cvisor's PCI configuration
# ports or ports the VM emulates itself are refused; ptdev runs on.
PT=tests/config/runtime
COM2_OUT=$LOGDIR/x86_64_passthrough-com2.txt
rm -f "$COM2_OUT"
qemu_scenario x86_64/passthrough 60 \
  "ARCH=$X SMP=1 SERIAL2=$COM2_OUT VM_CONFIGS=configs/vms/ptdev-x86_64.toml:$PT/pt-gsi-taken-x86_64.toml:$PT/pt-gsi-com1-x86_64.toml:$PT/pt-gsi-none-x86_64.toml:$PT/pt-ports-taken-x86_64.toml:$PT/pt-ports-cvisor-x86_64.toml:$PT/pt-ports-emulated-x86_64.toml" \
  "VM ptdev: passthrough HPET: host 0xfed00000+0x1000 at guest 0xfed00000, its interrupts forwarded" \
  "VM ptdev: passthrough ports 0x2f8+0x8" \
  "VM pt-gsi-taken: passthrough pt-gsi-taken: host interrupt 21 is already used by cvisor or another VM" \
  "VM pt-gsi-com1: passthrough pt-gsi-com1: host interrupt 4 is already used by cvisor or another VM" \
  "VM pt-gsi-none: passthrough pt-gsi-none: host interrupt 40 is not one a VM can be given" \
  "VM pt-ports-taken: passthrough ports 0x2fc+0x2: the host's ports are given to VM ptdev" \
  "VM pt-ports-cvisor: passthrough ports 0xcf8+0x4: the host's ports are the PCI configuration ports and reset control" \
  "VM pt-ports-emulated: passthrough ports 0x70+0x2: the VM's emulated cmos is at 0x70+0x2" \
  "ptdev: 3 level interrupts from the HPET through GSI 21" \
  "ptdev: 3 edge interrupts from the HPET through GSI 21" \
  "ptdev: a line written to COM2" "ptdev: PASS" \
  "memory: all that the VMs took is back" "all VMs have shut down" "!FAIL"
com2_line_ok() { grep -qx "ptdev: written to COM2's own ports" "$COM2_OUT"; }
expect x86_64/passthrough-com2 com2_line_ok
# A level interrupt held at the host across a reboot (ptdev's "reset",
# tests/config/runtime/ptdev-reset-x86_64.toml): vCPU 1 reboots the VM
# with one fired and never taken; the reset unmasks the host's pin, the
# HPET's line still up fires it at once, into the reboot under way (CPU 0
# idle, vCPU 0 off), and the rebooted guest must take it, then the six as
# above. Seen to fail with the interrupt dropped while the VM is
# resetting, and with the host's pin made edge by the reset's masked
# entry (the line's level then lost).
qemu_scenario x86_64/passthrough-reset 60 \
  "ARCH=$X SMP=2 VM_CONFIGS=$PT/ptdev-reset-x86_64.toml" \
  "ptdev: a level interrupt held, vCPU 1 reboots the VM" \
  "VM 29 (ptdev-reset) is rebooting" \
  "ptdev: the interrupt held across the reboot taken" \
  "ptdev: 3 level interrupts from the HPET through GSI 21" "ptdev: PASS" \
  "memory: all that the VMs took is back" "!FAIL"
# The same on pCPU 1: the host's pin is aimed at the pCPU of the VM's
# vCPU 0, here not the boot CPU.
sed 's/^phys_cpu_ids = \[0x0\]/phys_cpu_ids = [0x1]/' configs/vms/ptdev-x86_64.toml \
  >"$LOGDIR/ptdev-cpu1-x86_64.toml"
qemu_scenario x86_64/passthrough-cpu1 60 \
  "ARCH=$X SMP=2 VM_CONFIGS=$LOGDIR/ptdev-cpu1-x86_64.toml:$XHELLO" \
  "ptdev: 3 level interrupts from the HPET through GSI 21" \
  "ptdev: 3 edge interrupts from the HPET through GSI 21" "ptdev: PASS" \
  "Hello, world!" "memory: all that the VMs took is back" "!FAIL"

# AxVisor's legacy flow with a first stage (kernel.bios_path): bios16 at
# bios_load_addr 0x8000, entered in real mode at its first byte (CS 0800,
# CR0.PE clear), handed the Multiboot information and hello's entry; it
# enters protected mode and starts hello, which runs to its end.
qemu_scenario x86_64/bios-first-stage 60 "ARCH=$X SMP=1 VM_CONFIGS=configs/vms/bios-x86_64.toml" \
  "VM bios: bios build/guests/x86_64/bios16.bin at 0x8000" \
  "bios16: real mode, CS=0800, CR0.PE=0" \
  "bios16: Multiboot info at 0009f000, kernel entry 00100020" \
  "Hello, world!" "hello: done, powering off" "VM 15 (bios) powered off" \
  "all VMs have shut down" "!exception" "!VM stopped"

# First stages that cannot run are refused, naming the VM and the file:
# above 1 MiB, into the kernel, past the end of RAM, and with
# enable_bios = false; hello beside them runs.
B=tests/config/bios
qemu_scenario x86_64/bios-refused 60 \
  "ARCH=$X SMP=1 VM_CONFIGS=$B/bios-high-x86_64.toml:$B/bios-kernel-x86_64.toml:$B/bios-noram-x86_64.toml:$B/bios-direct-x86_64.toml:$XHELLO" \
  "VM bios-high: bios build/guests/x86_64/bios16.bin at 0x800000+" \
  "does not fit below 0x100000, where x86_64 enters a first stage; VM refused" \
  "VM bios-kernel: bios build/guests/x86_64/bios16.bin at 0xfff80+" \
  "overlaps the kernel at 0x100000+" \
  "VM bios-noram: bios build/guests/x86_64/bios16.bin (" "does not fit in guest RAM at 0x8ff80" \
  "VM bios-direct: kernel.bios_path build/guests/x86_64/bios16.bin needs kernel.enable_bios = true (boot_protocol \"multiboot\") to be run; VM refused" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down" "!bios16:"

# A first stage that does not exist stops the build (image_location
# "memory"), naming the config and the file. (On a disk, image_file_open
# names the VM and the file, as for a kernel.)
log="$LOGDIR/x86_64_bios-missing.log"
if ! make -s ARCH=$X VM_CONFIGS=$B/bios-missing-x86_64.toml cvisor >"$log" 2>&1 &&
  grep -qF "embed.sh: $B/bios-missing-x86_64.toml names build/guests/x86_64/nope16.bin, which does not exist" "$log"; then
  pass x86_64/bios-missing
else
  fail x86_64/bios-missing "see $log"
fi
