# The hostile guest (guests/aarch64/hostile) misbehaves on purpose beside a
# well-behaved victim VM that shares pCPU 0 with it. Each act must be
# answered as the architecture says (checked by the guest, which prints
# PASS/FAIL per act) and logged at debug level; the victim's memory pattern
# must stay intact and neither VM may see the other's; cvisor must not
# panic and must power off when both are done. Built at LOG=debug to see
# the debug lines. Run under ICOUNT=2: the victim's timer latency bound
# then holds however busy the host is (virtual time follows instructions).
HOSTILE=configs/vms/hostile-aarch64.toml
VICTIM=configs/vms/victim-aarch64.toml

qemu_scenario aarch64/hostile 120 \
  "ARCH=aarch64 SMP=2 LOG=debug ICOUNT=2 VM_CONFIGS=$HOSTILE:$VICTIM" \
  "hostile: host RAM beyond ours: every MiB aborts: PASS" \
  "hostile: fetch from the UART page: instruction abort: PASS" \
  "hostile: undefined hypercalls return -1: PASS" \
  "hostile: HVCs in place and to the vCPU loop keep x1-x30: PASS" \
  "hostile: CPU_ON with entry outside RAM: INVALID_ADDRESS: PASS" \
  "hostile: second vCPU: on again after CPU_OFF: PASS" \
  "hostile: load pair from the UART (ISV=0): abort: PASS" \
  "hostile: unaligned UART write reaching cvisor: abort: PASS" \
  "hostile: write to read-only UARTFR: ignored: PASS" \
  "hostile: sign-extending UART loads (LDRSB X, LDRSB W, LDRSH): PASS" \
  "hostile: MMIO load into x20: the loaded value reaches the guest: PASS" \
  "hostile: MMIO loads and stores through x5, x7, x21, x23, x30, XZR keep x0-x30: PASS" \
  "hostile: LORC_EL1 (trapped): undefined: PASS" \
  "hostile: AArch32 EL0: T16 load from the UART, then the next instruction: PASS" \
  "hostile: AArch32 EL0: after a T16 WFI, an abort, an undefined MRC: the next instruction: PASS" \
  "hostile: AArch32 EL0: T16 load in an IT block: ITSTATE moves on: PASS" \
  "hostile: AArch32 EL0: load from where nothing is: abort at VBAR_EL1 + 0x600: PASS" \
  "hostile: AArch32 EL0: MRC p14 that cvisor traps: undefined at VBAR_EL1 + 0x600: PASS" \
  "VM 4 vCPU 0: AArch32 p14 access (EC 0x5" \
  "hostile: read-only RAM: write through a VA that is not the IPA: abort at that VA: PASS" \
  "VM 4 vCPU 0: write of IPA 0x3f800010 (VA 0xbf800010" \
  "hostile: no word of the victim VM in our RAM: PASS" \
  "hostile: done, 0 failed" \
  "victim: PASS, 0 words changed, 0 words of the hostile VM seen" \
  "victim: timer PASS" \
  "hostile: pending SGI cleared before we took it: never comes: PASS" \
  "hostile: pending SGI disabled: held until enabled again: PASS" \
  "VM 4 vCPU 0: hypercall 7 refused" \
  "VM 4 vCPU 0: instruction fetch from 0x9000000" \
  "VM 4 vCPU 0: undecodable access to 0x9000000" \
  "VM 4 vCPU 0: CPU_ON entry 0x1000 is not in its RAM" \
  "VM 4 (hostile) vCPU 0: read of unhandled system register" \
  "hostile: flood: every SGI to ourselves taken: PASS" \
  "hostile: flood: the other vCPU took broadcasts, and stopped: PASS" \
  "hostile: ICC_SGI0R, ICC_ASGI1R junk: accepted: PASS" \
  "hostile: GICD: junk at every offset and width, no exception: PASS" \
  "hostile: GICR (RD and SGI frames): junk, no exception: PASS" \
  "hostile: GICR reserved offsets read as zero after the junk: PASS" \
  "hostile: GICR frames of absent vCPUs: every access aborts: PASS" \
  "hostile: SPI routed to an absent vCPU: kept, then delivered when routed to us: PASS" \
  "hostile: after the junk: the virtual timer interrupts us: PASS" \
  "hostile: PMU registers: undefined (no PMU): PASS" \
  "hostile: ID_AA64PFR0: no EL2: PASS" \
  "hostile: breakpoint and watchpoint registers: read as zero, ignore writes: PASS" \
  "hostile: OS lock: OSLAR sets, OSLSR shows: PASS" \
  "VM 4 (hostile) vCPU 0: SGI 0 to 14 absent vCPU(s) (ICC_SGI1R 0xfffc) ignored" \
  "VM 4 (hostile): more vGIC mistakes; no longer logged" \
  "VM 4 (hostile) powered off" "VM 5 (victim) powered off" \
  "all VMs have shut down; powering off" \
  "!: FAIL" "!VM 5 vCPU"

# A guest probing in a loop gets a few warnings, then debug lines only.
few_warnings() {
  local n
  n=$(grep -c 'cvisor W.*VM 4 .*abort injected' "$LOGDIR/aarch64_hostile.log")
  [ "$n" -ge 1 ] && [ "$n" -le 8 ]
}
expect aarch64/hostile-warnings-rate-limited few_warnings

# The same beside the victim on a GICv2 host: the distributor's v2
# layout (ITARGETSR, SGIR, SPENDSGIR/CPENDSGIR) gets the junk.
qemu_scenario aarch64/hostile-gicv2 120 \
  "ARCH=aarch64 SMP=2 GIC=2 LOG=debug ICOUNT=2 VM_CONFIGS=$HOSTILE:$VICTIM" \
  "hostile: GICD: junk at every offset and width, no exception: PASS" \
  "hostile: ITARGETSR junk: own mask for SGIs, existing vCPUs for SPIs: PASS" \
  "hostile: after the junk: an SGI to ourselves arrives: PASS" \
  "hostile: after the junk: the virtual timer interrupts us: PASS" \
  "hostile: done, 0 failed" \
  "victim: timer PASS" \
  "victim: PASS, 0 words changed, 0 words of the hostile VM seen" \
  "all VMs have shut down; powering off" \
  "!: FAIL" "!VM 5 vCPU"

# Two instances of the register-probe guest (guests/aarch64/regleak) share
# pCPU 0 and look for each other's values in every EL0/EL1 register the
# CPU model lets a guest write; each prints a line per register group.
# The registers only some CPUs have (TPIDR2_EL0 with SME, DISR_EL1 with
# RAS) must be switched too, and the ID registers must not promise what
# cvisor makes undefined (SCXTNUM with CSV2 2, the LORegion registers).
# Built at LOG=info: the check loop traps on MDSCR_EL1 and OSLSR_EL1.
REGLEAK_A=configs/vms/regleak-a-aarch64.toml
REGLEAK_B=configs/vms/regleak-b-aarch64.toml
regleak_markers=()
for vm in A B; do
  for group in "thread ids" translation exception control timers debug PMU \
               "GIC CPU interface" "pointer auth keys" FP/SIMD "PSTATE fields" \
               SVE/SME MTE RAS LOR "IMPLEMENTATION DEFINED" "newer features"; do
    regleak_markers+=("regleak $vm: $group: PASS")
  done
  regleak_markers+=("regleak $vm: done, 0 failed")
done
qemu_scenario aarch64/regleak 120 \
  "ARCH=aarch64 SMP=2 LOG=info ICOUNT=2 VM_CONFIGS=$REGLEAK_A:$REGLEAK_B" \
  "${regleak_markers[@]}" \
  "regleak A:   kept: TPIDR_EL0 TPIDRRO_EL0 TPIDR_EL1 TPIDR2_EL0" \
  "regleak B:   kept: DISR_EL1" \
  "VM 21 (regleak-a) powered off" "VM 22 (regleak-b) powered off" \
  "all VMs have shut down; powering off" \
  "!: FAIL"

# The same two beside a VM that reboots itself every few ms, its
# rebooting vCPU on their pCPU (churn, its vCPUs' pCPUs swapped): while
# it waits for its other vCPU to park, the pCPU's other tasks run, and
# they must find their own registers, not the rebooting VM's (a vCPU that
# reset its VM once left its EL1 state in the CPU for them).
sed -e 's/"fs"/"memory"/' -e 's#"/guests/aarch64/#"build/guests/aarch64/#' \
  -e 's/phys_cpu_ids = \[0x0, 0x1\]/phys_cpu_ids = [0x1, 0x0]/' \
  configs/vms/churn-aarch64.toml >build/churn-swapped-aarch64.toml
qemu_console aarch64/regleak-beside-reboots 200 \
  "ARCH=aarch64 SMP=2 LOG=info ICOUNT=2 VM_CONFIGS=$REGLEAK_A:$REGLEAK_B:build/churn-swapped-aarch64.toml" "
wait regleak A: done
wait regleak B: done
type \001\001\001
wait input now goes to cvisor
type shutdown\r
" "regleak A: done, 0 failed" "regleak B: done, 0 failed" \
  "VM 6 (churn) is rebooting" "all VMs have shut down; powering off" \
  "!: FAIL" "!PANIC"

# The virtio-blk disk attacked by its own VM (tests/lib/vdisk.sh).
. tests/lib/vdisk.sh
vdisk_scenario aarch64
