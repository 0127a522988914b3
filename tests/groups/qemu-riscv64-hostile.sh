# The riscv64 hostile guest (guests/riscv64/hostile) misbehaves on purpose
# beside the well-behaved victim VM (guests/common/victim): all three
# vCPUs on hart 0, then the hostile VM's vCPU 1 on hart 1.
# Each class of probe must get the answer the privileged and SBI specs
# give (checked by the guest, one verdict line per class); the victim's
# memory pattern and its timer must stay intact; cvisor must not panic,
# and each VM must end (the hostile one by stopping its last hart)
# before cvisor powers off. ICOUNT=2: the
# victim's timer latency bound then holds however busy the host is (on
# two harts too: docs/riscv64.md, "A second hart under -icount").
HOSTILE=configs/vms/hostile-riscv64.toml
VICTIM=configs/vms/victim-riscv64.toml

hostile_verdicts=(
  "hostile: fresh RAM reads zero: PASS"
  "hostile: second vCPU started: PASS"
  "hostile: loads (signed, unsigned) and stores of every width in holes: access faults: PASS"
  "hostile: every MiB of the low 4 GiB that is not ours: load and store access faults: PASS"
  "hostile: every GiB from 4 GiB to 2 TiB: load access faults: PASS"
  "hostile: beyond the guest-physical address space: access faults: PASS"
  "hostile: fetches from holes, devices, the read-only page and beyond RAM: instruction access faults: PASS"
  "hostile: read-only page: loads read it: PASS"
  "hostile: read-only page: stores of every width fault, and change nothing: PASS"
  "hostile: unknown extensions (named, 2000 random, unused legacy): NOT_SUPPORTED: PASS"
  "hostile: unknown functions of every extension: NOT_SUPPORTED: PASS"
  "hostile: IPI and RFENCE to harts that do not exist: INVALID_PARAM: PASS"
  "hostile: HSM: start a started hart, start and status of harts that do not exist: PASS"
  "hostile: HSM: hart_start and non-retentive suspend at addresses outside executable RAM: INVALID_ADDRESS: PASS"
  "hostile: HSM: suspend types: reserved INVALID_PARAM, platform NOT_SUPPORTED: PASS"
  "hostile: HSM: the stopped hart started again: PASS"
  "hostile: SRST: reserved types and reasons refused: PASS"
  "hostile: DBCN: buffers outside writable RAM refused: PASS"
  "hostile: legacy calls: bad mask pointers INVALID_ADDRESS, absent harts INVALID_PARAM: PASS"
  "hostile: hypercalls: undefined numbers, disable and bad IVC arguments: -1: PASS"
  "hostile: IPI and RFENCE flood (every hart, and bogus masks): each answered: PASS"
  "hostile: after the flood: the other vCPU took IPIs, and a ping: PASS"
  "hostile: vPLIC: junk read and written at every register word, no exception: PASS"
  "hostile: vPLIC: past its 6 MiB, every 64 KiB: access faults: PASS"
  "hostile: vPLIC: byte, halfword, doubleword and misaligned accesses: access faults: PASS"
  "hostile: vPLIC: after the junk, registers read as the spec says: PASS"
  "hostile: vPLIC: after the junk, the UART's interrupt comes through it: PASS"
  "hostile: every CSR number read from VS-mode: hypervisor, VS and machine CSRs illegal: PASS"
  "hostile: every hypervisor, VS and machine CSR written with junk from VS-mode: illegal: PASS"
  "hostile: HLV, HLVX, HSV, HFENCE from VS-mode: illegal, the instruction in stval: PASS"
  "hostile: virtual- and illegal-instruction storm: every one an illegal instruction: PASS"
  "hostile: no word of the victim VM in our RAM: PASS"
  "hostile: done, 0 failed"
)

qemu_scenario riscv64/hostile 120 \
  "ARCH=riscv64 SMP=1 LOG=info ICOUNT=2 VM_CONFIGS=$HOSTILE:$VICTIM" \
  "${hostile_verdicts[@]}" \
  "victim: timer PASS" \
  "victim: PASS, 0 words changed, 0 words of the hostile VM seen" \
  "VM 4 vCPU 0: read of 1 bytes at 0x20000001 (pc" \
  "VM 4 (hostile) stopped its last vCPU" "VM 5 (victim) powered off" \
  "all VMs have shut down; powering off" \
  "!: FAIL" "!VM 5 vCPU"

# The same with the hostile VM's vCPU 1 on a hart of its own: IPIs,
# remote fences and HSM calls cross harts, to a vCPU running there, and
# the victim's timer keeps its latency bound with a hostile neighbour on
# its hart and another on the next. The hostile VM's end flushes its
# VMID on both harts with cvisor's IPIs (with SBI RFENCE it hung here).
qemu_scenario riscv64/hostile-2harts 120 \
  "ARCH=riscv64 SMP=2 LOG=info ICOUNT=2 VM_CONFIGS=tests/config/runtime/hostile-2harts-riscv64.toml:$VICTIM" \
  "${hostile_verdicts[@]}" \
  "victim: timer PASS" \
  "victim: PASS, 0 words changed, 0 words of the hostile VM seen" \
  "VM 4 (hostile) stopped its last vCPU" "VM 5 (victim) powered off" \
  "all VMs have shut down; powering off" \
  "!: FAIL" "!VM 5 vCPU"

# The virtio-blk disk attacked by its own VM (tests/lib/vdisk.sh).
. tests/lib/vdisk.sh
vdisk_scenario riscv64
