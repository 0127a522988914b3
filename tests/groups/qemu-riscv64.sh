# QEMU scenarios on riscv64: the unikernel base under OpenSBI in HS-mode,
# and the H-extension VMM with the in-tree guests (docs/riscv64.md).
R=riscv64
RHELLO=configs/vms/hello-riscv64.toml
RHELLO2=configs/vms/hello2-riscv64.toml

if make -s ARCH=$R cvisor guests >"$LOGDIR/riscv64-build.log" 2>&1; then
  pass riscv64/build
else
  fail riscv64/build "see $LOGDIR/riscv64-build.log"
fi

# The base alone boots on 1, 2 and 4 harts and powers off through SBI
# SRST once hello has run.
for n in 1 2 4; do
  qemu_scenario riscv64/smp$n 60 "ARCH=$R SMP=$n VM_CONFIGS=$RHELLO" \
    "cvisor: a type-1 hypervisor, on riscv64 (HS-mode), $n CPUs" \
    "] $n CPUs online" "Hello, world!" "all VMs have shut down; powering off" \
    "!did not start" "!unexpected exception"
done

# One VM: its 16550's output, the hypercall (a7 = "HVC") logged and
# answered, SBI BASE, SRST shutdown of that VM.
qemu_scenario riscv64/hello 60 "ARCH=$R SMP=1 VM_CONFIGS=$RHELLO" \
  "Hello, world!" "VM 1 vCPU 0: debug hypercall (0xc0ffee, 0x1, 0x2)" \
  "hypercall answered: 0" \
  "SBI version 0x0000000002000000, implementation 0x0000000063766973" \
  "VM 1 (hello) powered off" "all VMs have shut down; powering off" \
  "!hypercall FAILED" "![vm1]" "!unexpected exception"

# Two VMs share hart 0; each line is prefixed with its VM. The default
# demo (`make ARCH=riscv64 run`) is the same pair.
qemu_scenario riscv64/two-vms 60 "ARCH=$R SMP=2 VM_CONFIGS=$RHELLO:$RHELLO2" \
  "[vm1] Hello, world!" "[vm2] Hello, world!" \
  "VM 1 (hello) powered off" "VM 2 (hello2) powered off" \
  "all VMs have shut down; powering off"
qemu_scenario riscv64/make-run 60 "ARCH=$R" \
  "[vm1] Hello, world!" "[vm2] Hello, world!" "all VMs have shut down"

# Loads and stores where nothing is come back as access faults (the
# instruction fetched with HLVX and decoded), reported with VM, vCPU,
# address and pc; a VM beside it is unaffected.
qemu_scenario riscv64/stray-access-fault 60 \
  "ARCH=$R SMP=2 VM_CONFIGS=configs/vms/abort-riscv64.toml:$RHELLO" \
  "abort: PASS" "VM 3 vCPU 0: write of 4 bytes at 0xa000000 (pc" \
  "VM 3 vCPU 0: read of 4 bytes at 0x7f000000 (pc" \
  "[vm1] Hello, world!" "all VMs have shut down" "!NO abort"

# Timer ticks through SBI set_timer and through Sstc's stimecmp, the vCPU
# waiting in WFI (trapped: hstatus.VTW) between them; a WFI with a
# disabled IPI pending sleeps until the timer. ICOUNT keeps the mean
# period independent of how busy the host is.
qemu_scenario riscv64/timer 60 "ARCH=$R SMP=1 ICOUNT=2 VM_CONFIGS=configs/vms/timer-riscv64.toml" \
  "timer: PLIC, counter at 10000000 Hz" "SBI set_timer: 50 ticks" \
  "Sstc stimecmp: 50 ticks" "then the IPI taken" "timer: PASS" \
  "all VMs have shut down" "!FAIL"

# The latency guest (a timer interrupt every 100 us, waiting in WFI) on
# hart 0 beside two of the smp VM's vCPUs, which wait there for IPIs in
# WFI with no deadline set, under -icount shift=0: a vCPU whose WFI
# cvisor waits for in place, loaded (vcpu.c, wfi_in_place), gives the
# hart up as soon as another vCPU is woken, so no period is missed
# (kept, the other would wait for the end of its 5 ms slice: 595 missed).
qemu_scenario riscv64/wfi-shared-hart 90 "ARCH=$R SMP=2 ICOUNT=0 VM_CONFIGS=tests/config/runtime/latency-shared-riscv64.toml:configs/vms/smp-shared-riscv64.toml" \
  "latency: min" " missed 0" "latency: done" "smp: PASS" \
  "all VMs have shut down" "!FAIL"

# 4 vCPUs on 4 harts: HSM hart_start, check-in, SBI IPIs between every
# ordered pair.
qemu_scenario riscv64/smp4-vcpus 60 "ARCH=$R SMP=4 VM_CONFIGS=configs/vms/smp-riscv64.toml" \
  "smp: PLIC, 4 vCPUs checked in" "12 IPIs answered across 12 ordered pairs" \
  "smp: PASS" "all VMs have shut down" "!FAIL"

# Every load and store form cvisor decodes from the fetched instruction
# (QEMU 7.2 leaves htinst 0), against the 16550 and the PLIC: sign and
# zero extension, stores of x0, compressed and SP-relative forms; the
# widths a device refuses and an AMO come back as access faults, each
# reported with the width decoded. Then through the guest's own Sv39
# tables, run from an alias of its RAM: the pc is translated for the fetch
# (HLVX), the device is found by its guest-physical address (htval), and
# a fault carries the virtual address. Last, junk in every width at every
# PLIC and 16550 register. s4-s11 are also kept across the exits that
# leave them unsaved unless the loop takes them (a WFI in place and one
# with a deadline, an illegal instruction given back, host interrupts:
# SMP=2 for cvisor's 1 ms yield tick, which a lone hart has not).
qemu_scenario riscv64/mmio-decode 60 "ARCH=$R SMP=2 VM_CONFIGS=configs/vms/mmio-riscv64.toml" \
  "mmio: LB sign-extends: ok" "mmio: LWU zero-extends: ok" "mmio: SW of x0: ok" \
  "mmio: C.SW then C.LW sign-extends: ok" "mmio: C.SWSP then C.LWSP: ok" \
  "VM 7 vCPU 0: read of 2 bytes at 0xc002084" "VM 7 vCPU 0: write of 8 bytes at 0xc002084" \
  "mmio: AMOADD.W: access fault: ok" \
  "mmio: LW into s2: ok" "mmio: C.LW into s1: ok" "mmio: SW from s3: ok" \
  "mmio: s4-s11 kept across MMIO, SBI and hypercall exits: ok" \
  "mmio: s4-s11 kept across a WFI waited for in place: ok" \
  "mmio: s4-s11 kept across a WFI with a deadline (the loop's): ok" \
  "mmio: s4-s11 kept across an illegal instruction (hstatus read): ok" \
  "mmio: s4-s11 kept across host interrupts (3 ms spinning): ok" \
  "mmio: LW crossing a page at a 2-byte aligned pc: ok" \
  "mmio: C.LW at a 4-byte aligned pc: ok" \
  "mmio: paged: SB then LB at a virtual address: ok" "mmio: paged: C.LW at a virtual address: ok" \
  "VM 7 vCPU 0: read of 4 bytes at 0xa000000 (pc 0xc02" \
  "mmio: paged: an access where nothing is faults at its virtual address: ok" \
  "access faults, cvisor still here" \
  "mmio: PASS" "all VMs have shut down" "!FAIL"

# A hart without Sstc: the guest's timer through SBI set_timer alone,
# VSTIP raised by cvisor (hvip) from a timer event; the guest's stimecmp
# read, a virtual-instruction exit, comes back as an illegal instruction.
qemu_scenario riscv64/timer-no-sstc 60 \
  "ARCH=$R SMP=1 ICOUNT=2 QEMU_CPU=rv64,sstc=off VM_CONFIGS=configs/vms/timer-riscv64.toml" \
  "no Sstc: guest timers through SBI" \
  "timer: no Sstc (reading stimecmp: illegal instruction)" \
  "SBI set_timer: 50 ticks" "then the IPI taken" "timer: PASS" \
  "all VMs have shut down" "!FAIL" "!Sstc stimecmp:"

# 4 vCPUs time-sliced on 2 harts, beside the timer VM and hello on hart 0:
# IPIs and timer interrupts reach vCPUs that wait or are descheduled.
# ICOUNT: the timer VM's periods hold however busy the host is, on two
# harts (docs/riscv64.md, "A second hart under -icount").
qemu_scenario riscv64/smp4-on-2-harts 90 \
  "ARCH=$R SMP=2 ICOUNT=2 VM_CONFIGS=configs/vms/smp-shared-riscv64.toml:configs/vms/timer-riscv64.toml:$RHELLO" \
  "[vm6] smp: PASS" "[vm5] timer: PASS" "[vm1] Hello, world!" \
  "all VMs have shut down" "!FAIL"

# The SBI a VM gets, call by call, with the spec's errors for bad
# arguments: BASE probes, DBCN and the legacy console, IPI, RFENCE (a
# flood from both vCPUs at once), HSM through start, suspend (retentive
# and not, woken by IPIs) and stop, SRST. vCPU 1, alone on hart 1, waits
# in WFI in place (vcpu.c, wfi_in_place) with an interrupt pending that it
# has not enabled (it must sleep on: woken for it, it fails) while vCPU 0
# fences it remotely (the wait must do the fence: if not, vCPU 0 waits
# forever and the scenario times out).
qemu_scenario riscv64/sbi 60 "ARCH=$R SMP=2 VM_CONFIGS=configs/vms/sbi-riscv64.toml" \
  "sbi: a disabled external interrupt pending: ok" "sbi: RFENCE to a vCPU waiting in WFI: ok" \
  "sbi: an external interrupt raised by the vCPU's own store, taken without a WFI: ok" \
  "sbi: WFI with a disabled interrupt pending sleeps until an enabled one: ok" \
  "sbi: DBCN console_write reaches the console" "sbi: DBCN console_write's count: ok" \
  "sbi: hart_start again: ok" "sbi: hart_get_status in a retentive suspend: ok" \
  "sbi: retentive suspend returns 0 when woken: ok" \
  "sbi: non-retentive suspend resumes at its address: ok" \
  "sbi: SRST reserved type: ok" "sbi: RFENCE flood from both vCPUs at once: ok" \
  "sbi: DBCN console_write takes at most 256 bytes a call: ok" \
  "sbi: WFI in VU-mode: an illegal instruction: ok" \
  "sbi: legacy send_ipi to itself: SSIP pending: ok" "sbi: legacy set_timer: its interrupt taken: ok" \
  "sbi: PASS" "all VMs have shut down" "!FAIL"
# The same with both vCPUs time-sliced on hart 0: a remote fence to a
# vCPU that is out of its hart is done as it comes back.
qemu_scenario riscv64/sbi-shared-hart 60 \
  "ARCH=$R SMP=2 VM_CONFIGS=tests/config/runtime/sbi-shared-riscv64.toml" \
  "sbi: RFENCE flood from both vCPUs at once: ok" \
  "sbi: non-retentive suspend resumes at its address: ok" "sbi: PASS" \
  "all VMs have shut down" "!FAIL"

# SBI SRST cold reboot resets that VM only: vCPU 1 asks while vCPU 0
# spins without exits, on another hart (kicked by an IPI) and on the same
# one (stopped at its slice's end); the guest checks it restarted afresh.
qemu_scenario riscv64/reset 60 "ARCH=$R SMP=2 VM_CONFIGS=configs/vms/reset-riscv64.toml" \
  "reset: first boot" "VM 4 (reset) is rebooting" "reset: second boot" \
  "reset: PASS" "all VMs have shut down" "!FAIL"
qemu_scenario riscv64/reset-shared-hart 60 \
  "ARCH=$R SMP=2 VM_CONFIGS=tests/config/runtime/reset-shared-riscv64.toml:$RHELLO" \
  "[vm4] reset: PASS" "[vm1] Hello, world!" "all VMs have shut down" "!FAIL"

# Console input (kernel/console_input.c through the host PLIC) to two echo
# VMs (vm11 on hart 0, vm12 on hart 1), each reading its 16550 from the
# receive interrupt on its vPLIC and answering from the THR-empty one,
# which each takes first as the store that enables it returns (the exit
# path's update of VSEIP).
# Input reaches the VM with the focus
# only; Ctrl-A three times moves the focus vm11 -> vm12 -> cvisor -> vm11;
# a single Ctrl-A is ordinary input; when vm11 powers off, the focus
# moves to vm12 by itself. vm12 stops reading while 300 characters are
# typed: 16 fill its FIFO, 256 wait in cvisor's queue, the rest is lost,
# which its 16550 reports as an overrun (LSR.OE, a line-status interrupt).
RECHO=configs/vms/echo-a-riscv64.toml:configs/vms/echo-b-riscv64.toml
qemu_console riscv64/console-focus 60 "ARCH=$R SMP=2 VM_CONFIGS=$RECHO" \
  'wait [vm11] echo: ready
wait [vm12] echo: ready
type apple crumble\n
wait [vm11] echo: apple crumble
type sbi\n
wait [vm11] echo: sbi: type a line for DBCN console_read
type through dbcn\n
wait [vm11] echo: sbi: type a line for console_getchar
type through getchar\n
wait [vm11] echo: sbi: getchar read
type \001\001\001
wait console input now goes to vm12 (echo-b)
type banana split!\n
wait [vm12] echo: banana split!
type overrun\n
wait [vm12] echo: overrun: type 300 characters
type '"$(printf '%0300d' 0)"'
wait [vm12] echo: overrun: kept
type \001\001\001
wait console input now goes to cvisor
type cherry\n
wait cherry: unknown command
type \001\001\001
wait [cvisor] console input now goes to vm11 (echo-a); Ctrl-A three times switches
type a\001b\n
wait [vm11] echo: a^Ab
type quit\n
wait VM 11 (echo-a) powered off
type quit\n' \
  "[vm11] echo: apple crumble" "![vm12] echo: apple" \
  '[vm11] echo: sbi: DBCN read "through dbcn"' '[vm11] echo: sbi: getchar read "through getchar"' \
  "[vm12] echo: banana split!" "![vm11] echo: banana" \
  "[vm12] echo: overrun: kept 272, a line-status interrupt for each overrun (" \
  "!echo: cherry" "![vm12] echo: a^Ab" \
  "[vm11] echo: THR-empty interrupt at the store that enabled it: PASS" \
  "[vm12] echo: THR-empty interrupt at the store that enabled it: PASS" \
  "[vm11] echo: PASS" "[vm12] echo: PASS" "!transmit 0" "all VMs have shut down" "!FAIL"

# The DTB cvisor writes reaches the guest in a1: /chosen (bootargs, the
# ramdisk), both RAM regions, one cpu node per vCPU, the PLIC and the
# 16550 (the guest walks the tree itself).
qemu_scenario riscv64/dtb-generated 60 "ARCH=$R SMP=1 VM_CONFIGS=configs/vms/dtb-riscv64.toml" \
  "dtb: a1 = 0x0000000080e00000" "dtb: magic ok" \
  'dtb: bootargs="cvisor dtb test: a1 carries the device tree"' \
  "dtb: linux,initrd-start 0x0000000080800000" \
  "dtb: linux,initrd-end 0x$(printf '%016x' $((0x80800000 + $(stat -c %s build/guests/riscv64/hello.bin))))" \
  "dtb: memory 0x0000000080000000 size 0x0000000001000000" \
  "dtb: memory 0x0000000090000000 size 0x0000000000200000" \
  "dtb: cpus 0x0000000000000002" "dtb: node /plic@c000000" "dtb: node /serial@10000000" \
  "dtb: done" "!NO device tree"

# interrupt_mode = "passthrough": the host's goldfish RTC at another guest
# address, its PLIC source forwarded to the VM's PLIC, twice (the host's
# source is unmasked after the guest completes the first); hello beside it.
qemu_scenario riscv64/passthrough-rtc 60 \
  "ARCH=$R SMP=2 VM_CONFIGS=configs/vms/ptdev-riscv64.toml:$RHELLO" \
  "passthrough rtc: host 0x101000+0x1000 at guest 0x20000000, its interrupts forwarded" \
  "[vm7] ptdev: alarm 2 taken as PLIC source 11" "[vm7] ptdev: PASS" \
  "[vm1] Hello, world!" "all VMs have shut down" "!FAIL"
# An alarm left pending at the host across a reboot (ptdev's "reset",
# tests/config/runtime/ptdev-reset-riscv64.toml): vCPU 1 reboots the VM
# with one fired and not yet enabled in the guest's PLIC, vCPU 0 off; the
# rebooted guest takes it once it enables source 11, then two more.
qemu_scenario riscv64/passthrough-reset 60 \
  "ARCH=$R SMP=2 VM_CONFIGS=tests/config/runtime/ptdev-reset-riscv64.toml" \
  "ptdev: an alarm left pending, vCPU 1 reboots the VM" \
  "VM 30 (ptdev-reset) is rebooting" \
  "ptdev: the alarm pending across the reboot taken" \
  "ptdev: alarm 2 taken as PLIC source 11" "ptdev: PASS" \
  "memory: all that the VMs took is back" "!FAIL"

# A guest image read from the FAT32 disk (make disk_img) through the
# host's virtio-blk on virtio-mmio.
if make -s ARCH=$R disk_img DISK_IMG=build/test-disk/riscv64.img >"$LOGDIR/riscv64-disk.log" 2>&1; then
  qemu_scenario riscv64/hello-from-disk 60 \
    "ARCH=$R SMP=1 DISK=build/test-disk/riscv64.img VM_CONFIGS=configs/vms/hello-fs-riscv64.toml" \
    "disk: FAT32" "Hello, world!" "VM 4 (hello-fs) powered off" "all VMs have shut down"
else
  fail riscv64/hello-from-disk "make disk_img failed, see $LOGDIR/riscv64-disk.log"
fi

# VMs that cannot be created are refused, each named with the reason, and
# the others run: a pCPU this machine lacks, AxVisor's UEFI boot flow and
# I/O ports (x86's), and an x86 bzImage (a format riscv64 does not boot).
mkdir -p build/test-images
python3 -c 'import struct,sys; b=bytearray(4096); b[0x1f1]=1; struct.pack_into("<I",b,0x1f4,192); struct.pack_into("<H",b,0x1fe,0xaa55); b[0x202:0x206]=b"HdrS"; struct.pack_into("<H",b,0x206,0x20f); b[0x211]=1; struct.pack_into("<I",b,0x214,0x100000); struct.pack_into("<IBxH",b,0x230,0x200000,1,3); struct.pack_into("<QI",b,0x258,0x1000000,0x10000); sys.stdout.buffer.write(b)' \
  >build/test-images/bzImage
RT=tests/config/runtime
qemu_scenario riscv64/refused-vms 60 \
  "ARCH=$R SMP=1 VM_CONFIGS=$RT/absent-cpu-riscv64.toml:$RT/uefi-riscv64.toml:$RT/ports-riscv64.toml:$RT/bzimage-riscv64.toml:$RHELLO" \
  "VM absent-cpu: vCPU 0 names a physical CPU this machine does not have" \
  'VM uefi: kernel.enable_bios = true (boot_protocol "uefi"): riscv64 boots only "direct", with no firmware; VM refused' \
  "VM ports: devices.passthrough_ports: riscv64 has no I/O ports; VM refused" \
  "VM bzimage: kernel build/test-images/bzImage is an x86 bzImage (boot protocol 2.15); riscv64 boots a riscv64 Image or a raw binary" \
  "Hello, world!" "all VMs have shut down"

# A hart without the H extension: cvisor says so, refuses the VM by name
# and powers off cleanly instead of faulting on a hypervisor CSR.
qemu_scenario riscv64/no-h-extension 60 \
  "ARCH=$R SMP=1 QEMU_CPU=rv64,h=false VM_CONFIGS=$RHELLO" \
  "riscv64 VMM: this hart has no H extension; no VM can run" \
  "VM hello: the harts have no H extension; VM refused" \
  "no VM to run; powering off" "!unexpected exception" "!Hello, world!"

# Two VMs on hart 0 keep their own scounteren and senvcfg (S-mode CSRs a
# guest in VS-mode reaches undoubled) while the other runs.
qemu_scenario riscv64/csr-isolation 60 \
  "ARCH=$R SMP=1 VM_CONFIGS=configs/vms/csrleak-a-riscv64.toml:configs/vms/csrleak-b-riscv64.toml" \
  "[vm13] csrleak: a: scounteren and senvcfg kept across 20 of 20 sleeps: PASS" \
  "[vm14] csrleak: b: scounteren and senvcfg kept across 20 of 20 sleeps: PASS" \
  "all VMs have shut down" "!FAIL"

# make debug: QEMU halted with its gdb stub, gdb-multiarch attached with
# cvisor's symbols and a guest's; a breakpoint in each (the guest's in
# VS-mode) is hit.
rv_debug_session() {
  timeout --kill-after=5 120 make -s ARCH=$R SMP=1 VM_CONFIGS=$RHELLO \
    GUEST_ELF=build/guests/$R/hello.elf \
    GDB_ARGS="-batch -ex 'break vmm_main' -ex continue -ex 'hbreak main' -ex continue -ex kill" \
    debug </dev/null >"$LOGDIR/riscv64-debug.log" 2>&1
  grep -q 'Breakpoint 1, vmm_main () at vmm/main.c' "$LOGDIR/riscv64-debug.log" &&
    grep -q 'Breakpoint 2, main () at guests/common/hello/main.c' "$LOGDIR/riscv64-debug.log"
}
expect riscv64/make-debug rv_debug_session

# A reboot (SRST) asked while the other vCPU floods remote fences at it:
# the VM comes back for its second boot. There vCPU 1 asks for another
# while vCPU 0 waits in WFI in place (vcpu.c, wfi_in_place) with nothing
# enabled: the wait must see its vCPU turned off, or the reboot waits
# forever (the scenario times out).
qemu_scenario riscv64/rfence-meets-reset 60 \
  "ARCH=$R SMP=2 VM_CONFIGS=configs/vms/rfreset-riscv64.toml" \
  "rfreset: vCPU 1 asks for a reboot" "VM 16 (rfreset) is rebooting" \
  "rfreset: second boot" "rfreset: vCPU 1 asks for a reboot while vCPU 0 waits in WFI" \
  "rfreset: third boot: PASS" "all VMs have shut down" "!FAIL"

# The G stage is Sv48x4 where the hart has it (QEMU's does): RAM at
# 2 TiB and just below 512 TiB, out of Sv39x4's reach, written and read
# back by the guest.
qemu_scenario riscv64/gstage-sv48x4 60 "ARCH=$R SMP=1 VM_CONFIGS=configs/vms/highmem-riscv64.toml" \
  "G stage Sv48x4 (1024 TiB of guest-physical addresses)" \
  "highmem: RAM at 2 TiB and below 512 TiB written and read back: PASS" \
  "VM 17 (highmem) powered off" "all VMs have shut down" "!highmem: FAIL"
