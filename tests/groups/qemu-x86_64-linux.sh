# QEMU scenarios on x86_64 with Linux: Debian's stock amd64 kernel (a
# bzImage, scripts/guest-images.sh linux-x86_64) booted by cvisor with
# Linux's 64-bit boot protocol, boot_params, e820 and ACPI tables
# (docs/guests/linux-x86_64.md). Each boot takes 15-25 s on an idle host;
# the timeouts leave room for a host busy with other work.
X=x86_64
XLNX=configs/vms/linux-x86_64.toml
XHELLO=configs/vms/hello-x86_64.toml

# bzImage headers cvisor must refuse (boot protocol 2.15, one setup
# sector, 3 KiB of protected-mode code, relocatable): one without the
# 64-bit entry, one whose cmdline_size is 16 bytes; and a VM with no RAM
# below 1 MiB for boot_params and the ACPI tables.
mkdir -p build/test-images
bzimage() {
  python3 -c 'import struct,sys; xlf,cmdsize=int(sys.argv[1]),int(sys.argv[2]); b=bytearray(4096); b[0x1f1]=1; struct.pack_into("<I",b,0x1f4,192); struct.pack_into("<H",b,0x1fe,0xaa55); b[0x201]=0x6a; b[0x202:0x206]=b"HdrS"; struct.pack_into("<H",b,0x206,0x20f); b[0x211]=1; struct.pack_into("<I",b,0x214,0x100000); struct.pack_into("<I",b,0x22c,0x7fffffff); struct.pack_into("<IBxH",b,0x230,0x200000,1,xlf); struct.pack_into("<I",b,0x238,cmdsize); struct.pack_into("<QI",b,0x258,0x1000000,0x10000); sys.stdout.buffer.write(b)' "$@"
}
bzimage 2 2047 >build/test-images/bzImage32
bzimage 3 16 >build/test-images/bzImage-short-cmdline
qemu_scenario x86_64/bzimage-refused 60 \
  "ARCH=$X SMP=1 VM_CONFIGS=tests/config/runtime/bzimage32-x86_64.toml:tests/config/runtime/bzimage-cmdline-x86_64.toml:tests/config/runtime/bzimage-no-low-ram-x86_64.toml:$XHELLO" \
  "VM bzimage32: kernel build/test-images/bzImage32: bad x86 bzImage header: xloadflags lack XLF_KERNEL_64: a 32-bit kernel" \
  "VM bzimage-cmdline: kernel build/test-images/bzImage-short-cmdline: its command line is longer than the header's cmdline_size; VM refused" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down" \
  "VM bzimage-no-low-ram: kernel build/test-images/bzImage-short-cmdline needs RAM at 0x1000-0x9fff for its GDT, boot_params, command line and page tables; VM refused" \
  "!VM 32 (" "!VM 33 (" "!VM 36 ("

if make -s ARCH=$X images >"$LOGDIR/x86_64-images.log" 2>&1; then
  pass x86_64/linux-images
  # One vCPU: the kernel placed by its header and entered in 64-bit mode;
  # it finds its memory in the e820 map and its CPU, IOAPIC and PM block
  # in the ACPI tables, knows the TSC's rate (tsc_early_khz, added by
  # cvisor), reaches the initramfs marker and powers off through PM1a
  # control (the DSDT's \_S5).
  qemu_scenario x86_64/linux 180 "ARCH=$X SMP=1 VM_CONFIGS=$XLNX" \
    "VM linux: Linux bzImage build/images/linux-x86_64/bzImage at 0x1000000" \
    "Linux version 6." \
    "BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable" \
    "ACPI: RSDP 0x00000000000E0000 000024 (v02 CVISOR)" \
    "IOAPIC[0]: apic_id 0, version 32, address 0xfec00000, GSI 0-23" \
    "tsc: Detected " "clocksource: Switched to clocksource tsc" \
    "serial8250: ttyS0 at I/O 0x3f8 (irq = 4" \
    "cvisor-linux: 1 CPUs up (online 0)" "cvisor-linux: work done, checksums agree" \
    "ACPI: PM: Preparing to enter system sleep state S5" \
    "VM 30 vCPU 0: ACPI sleep (S5): powering the VM off" \
    "VM 30 (linux) powered off" "all VMs have shut down" \
    "!unchecked MSR access" "!Marking TSC unstable" "!Call Trace" "!work FAILED" \
    "!Incorrect checksum" "!ACPI BIOS Error" "!ACPI Error"
  # Two vCPUs on two CPUs: Linux starts the second by INIT and SIPIs
  # through its LAPIC (the MADT names both); with the invariant TSC in
  # CPUID it takes the boot CPU's delay-loop rate rather than measuring.
  # On -cpu max: Linux's XSAVE with AVX and PKRU (the other scenarios
  # run on qemu64, with FXSAVE).
  qemu_scenario x86_64/linux-smp2-cpu-max 180 \
    "ARCH=$X SMP=2 QEMU_CPU=max VM_CONFIGS=configs/vms/linux-smp2-x86_64.toml" \
    "x86/fpu: Supporting XSAVE feature 0x004: 'AVX registers'" \
    "smpboot: Allowing 2 CPUs, 0 hotplug CPUs" "smp: Brought up 1 node, 2 CPUs" \
    "cvisor-linux: 2 CPUs up (online 0-1)" "cvisor-linux: work done, checksums agree" \
    "VM 31 (linux-smp2) powered off" "all VMs have shut down" \
    "!calibrate_delay_direct() failed" \
    "!unchecked MSR access" "!Marking TSC unstable" "!Call Trace" "!work FAILED"
  # Linux's two vCPUs and hello, all three on CPU 0 (time-sliced): the
  # SIPI's sender gives way to its target, IPIs wake vCPUs that wait.
  qemu_scenario x86_64/linux-shared-and-hello 180 \
    "ARCH=$X SMP=1 VM_CONFIGS=tests/config/runtime/linux-shared-x86_64.toml:$XHELLO" \
    "[vm35] cvisor-linux: 2 CPUs up (online 0-1)" \
    "[vm35] cvisor-linux: work done, checksums agree" \
    "[vm1] Hello, world!" "VM 1 (hello) powered off" "VM 35 (linux-shared) powered off" \
    "all VMs have shut down" "!Call Trace"
  # Commands typed on the console reach Linux's ttyS0 (COM1's receive
  # interrupt on IOAPIC pin 4); "reboot -f" writes the FADT's reset
  # register (6 to port 0xcf9): the VM reboots alone, boot_params and the
  # ACPI tables written again, and Linux comes up a second time.
  qemu_console x86_64/linux-console-reboot 240 \
    "ARCH=$X SMP=1 VM_CONFIGS=tests/config/runtime/linux-shell-x86_64.toml" \
    'wait cvisor-linux: commands on the console
type echo typed-$((6*7)) irq-$(grep -q "^ *4: *[1-9][0-9]* .*IO-APIC.*ttyS0" /proc/interrupts && echo taken || echo none)\n
wait typed-42
type reboot -f\n
wait VM 34 (linux-shell) is rebooting
waitn 2 cvisor-linux: commands on the console
type exit\n' \
    "typed-42 irq-taken" "reboot: Restarting system" "cvisor-linux: commands done" \
    "VM 34 (linux-shell) powered off" "all VMs have shut down" "!Call Trace"
else
  fail x86_64/linux-images "see $LOGDIR/x86_64-images.log"
fi
