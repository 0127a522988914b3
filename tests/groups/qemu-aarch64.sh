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

# A VM that cannot be created (its pCPU does not exist) is refused with a
# message naming it; the other VM runs and the machine powers off cleanly.
qemu_scenario aarch64/refused-vm 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=tests/config/runtime/absent-cpu-aarch64.toml:$HELLO" \
  "VM absent-cpu: vCPU 0 names a physical CPU this machine does not have" \
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
