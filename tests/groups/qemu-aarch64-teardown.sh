# A VM going away must take everything of it along: a VM powers off with
# both EL1 timers armed on each vCPU (one of them CPU_OFF'd before) while
# a bystander VM runs on the same two pCPUs past the deadlines. Without
# its timer events cancelled, they fired into the freed VM and crashed
# cvisor (issue 11). Every scenario also checks, at power-off, that the
# memory the VMs took is back (tests/lib.sh).
BYSTANDER=configs/vms/bystander-aarch64.toml
TIMEBOMB=configs/vms/timebomb-aarch64.toml

for gic in 3 2; do
  qemu_scenario aarch64/teardown-armed-timers-gicv$gic 120 \
    "ARCH=aarch64 SMP=2 GIC=$gic VM_CONFIGS=$BYSTANDER:$TIMEBOMB" \
    "timebomb: vCPU 1 off, both timers armed on each vCPU; powering off" \
    "VM 9 (timebomb) powered off" \
    "bystander: vCPU 0: " "bystander: vCPU 1: " "bystander: done" \
    "VM 8 (bystander) powered off" \
    "memory: all that the VMs took is back" \
    "all VMs have shut down; powering off" "!FAIL"
done
