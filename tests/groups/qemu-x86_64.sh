# QEMU scenarios on x86_64: the unikernel base boots through Multiboot into
# long mode on q35 with 1, 2 and 4 CPUs (from the ACPI MADT, started with
# INIT-SIPI-SIPI), and powers off through the ACPI PM1a control port (no
# VMM on x86_64 yet, so no VMs are embedded).
X=x86_64

if make -s ARCH=$X cvisor >"$LOGDIR/x86_64-build.log" 2>&1; then
  pass x86_64/build
else
  fail x86_64/build "see $LOGDIR/x86_64-build.log"
fi

for n in 1 2 4; do
  qemu_scenario x86_64/smp$n 60 "ARCH=$X SMP=$n VM_CONFIGS=" \
    "cvisor: a type-1 hypervisor, on x86_64 (Multiboot, long mode), $n CPUs" \
    "] $n CPUs online" "powering off" "!did not start" "!exception"
done
