# QEMU scenarios on riscv64: cvisor's shell (docs/shell.md), the generic
# one that tests/groups/qemu-aarch64-shell.sh covers in full, through the
# scenarios every arch shares (tests/lib/shell_scenarios.sh).
. tests/lib/shell_scenarios.sh

shell_basics riscv64
shell_lifecycle riscv64 mmio
shell_fresh_ram riscv64
# The power button: line 0 of a SiFive GPIO on PLIC source 12, and a
# gpio-keys node in the guest DTB.
shell_stop riscv64
# gpio-sifive and gpio-keys are built into the test kernel. With
# cvisor.stay its /init stays up after its work: only the button powers
# it off.
shell_stop_linux riscv64 20 "cvisor-linux: staying up, until the power button" \
  "input: gpio-keys as /devices/platform/gpio-keys"

# ptdev alone on CPU 1 (the shell runs on CPU 0), waiting in WFI in
# place (vcpu.c, wfi_in_place) between alarms of the host's RTC passed
# through: suspended for a second, twice, the alarm that fires meanwhile
# must come once it is resumed (one that cvisor dropped left the host's
# source masked for good); then stopped at once while it waits: the wait
# must see its vCPU turned off (ignored, the VM does not stop within
# 10 s). (Whether the guest was woken while suspended is not asserted:
# an alarm just before the suspension lets it run up to its claim's exit,
# which it cannot tell from a wake while suspended.)
qemu_console riscv64/shell-suspend-stop-wfi 60 \
  "ARCH=riscv64 SMP=2 STAY=1 VM_CONFIGS=tests/config/runtime/ptdev-pause-riscv64.toml" "
wait ptdev: an alarm every 20 ms
type \001\001\001
wait console input now goes to cvisor
type vm suspend 7\r
wait VM 7 suspended
sleep 1
mark
type vm resume 7\r
waitmark ptdev: an alarm held back while suspended
type vm suspend 7\r
waitn 2 VM 7 suspended
sleep 1
mark
type vm resume 7\r
waitmark ptdev: an alarm held back while suspended
sleep 0.5
type vm stop 7 --force\r
wait VM 7 (ptdev) stopped from the shell
type shutdown\r
" "ptdev: PASS" "VM 7 resumed" "all VMs have shut down; powering off" \
  "!did not stop" "!FAIL" "!PANIC"
