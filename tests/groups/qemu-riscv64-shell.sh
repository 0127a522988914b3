# QEMU scenarios on riscv64: cvisor's shell (docs/shell.md), the generic
# one that tests/groups/qemu-aarch64-shell.sh covers in full, through the
# scenarios every arch shares (tests/lib/shell_scenarios.sh).
. tests/lib/shell_scenarios.sh

shell_basics riscv64
shell_lifecycle riscv64 mmio
# The power button: line 0 of a SiFive GPIO on PLIC source 12, and a
# gpio-keys node in the guest DTB.
shell_stop riscv64
# gpio-sifive and gpio-keys are built into the test kernel. With
# cvisor.stay its /init stays up after its work: only the button powers
# it off.
shell_stop_linux riscv64 20 "cvisor-linux: staying up, until the power button" \
  "input: gpio-keys as /devices/platform/gpio-keys"
