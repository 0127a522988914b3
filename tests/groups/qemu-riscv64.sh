# QEMU scenarios on riscv64: the unikernel base boots under OpenSBI in
# HS-mode on 1, 2 and 4 harts, brings every hart online and powers off
# through SBI SRST (no VMM on riscv64 yet, so no VMs are embedded).
R=riscv64

if make -s ARCH=$R cvisor >"$LOGDIR/riscv64-build.log" 2>&1; then
  pass riscv64/build
else
  fail riscv64/build "see $LOGDIR/riscv64-build.log"
fi

for n in 1 2 4; do
  qemu_scenario riscv64/smp$n 60 "ARCH=$R SMP=$n VM_CONFIGS=" \
    "cvisor: a type-1 hypervisor, on riscv64 (HS-mode), $n CPUs" \
    "] $n CPUs online" "powering off" "!did not start" \
    "!unexpected exception"
done
