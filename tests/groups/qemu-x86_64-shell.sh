# QEMU scenarios on x86_64: cvisor's shell (docs/shell.md), the generic
# one that tests/groups/qemu-aarch64-shell.sh covers in full, through the
# scenarios every arch shares (tests/lib/shell_scenarios.sh).
. tests/lib/shell_scenarios.sh

shell_basics x86_64
shell_lifecycle x86_64 pio
shell_fresh_ram x86_64
# The power button: ACPI's fixed one (PM1 PWRBTN_STS and the SCI on
# IOAPIC pin 9); ticker enables it.
shell_stop x86_64
# Debian's ACPI button driver (button.ko in the initramfs, with evdev.ko)
# takes the SCI and reports KEY_POWER from the "Power Button" device; the
# /init waits for typed commands meanwhile (cvisor.shell).
shell_stop_linux x86_64 34 "cvisor-linux: commands on the console" \
  "input: Power Button as /devices/LNXSYSTM:00/LNXPWRBN:00" \
  "!ACPI Error" "!ACPI BIOS Error"
