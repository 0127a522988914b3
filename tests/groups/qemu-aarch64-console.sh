# QEMU scenarios on aarch64: console input (kernel/console_input.c) and the
# virtual PL011's receive side and interrupts (vmm/vuart_pl011.c).
A=aarch64
ECHO2=configs/vms/echo-a-aarch64.toml:configs/vms/echo-b-aarch64.toml

# Two echo VMs (vm11 on pCPU 0, vm12 on pCPU 1). Input reaches the VM
# with the focus only; Ctrl-A three times moves the focus vm11 -> vm12 ->
# cvisor -> vm11; a single Ctrl-A is ordinary input. vm12 checks its FIFO
# depth and the overrun error. When vm11 powers off, the focus moves to
# vm12 by itself (its "quit" is typed with no hot key). Lines of 14
# characters cross the receive level (8): receive and receive-timeout
# interrupts; the replies go out through transmit interrupts.
CONSOLE_STEPS='wait [vm11] echo: GICv
wait [vm12] echo: GICv
type apple crumble\n
wait [vm11] echo: apple crumble
type \001\001\001
wait console input now goes to vm12 (echo-b)
type banana split!\n
wait [vm12] echo: banana split!
type overrun\n
wait [vm12] echo: overrun: type 20 characters
type 0123456789abcdefghij
wait [vm12] echo: overrun: kept
type \001\001\001
wait console input now goes to cvisor
type cherry\n
wait cvisor has no shell yet
type \001\001\001
wait [cvisor] console input now goes to vm11 (echo-a); Ctrl-A three times switches
type a\001b\n
wait [vm11] echo: a^Ab
type quit\n
wait VM 11 (echo-a) powered off
type quit\n'
for gic in 3 2; do
  qemu_console aarch64/console-focus-gicv$gic 60 \
    "ARCH=$A SMP=2 GIC=$gic VM_CONFIGS=$ECHO2" "$CONSOLE_STEPS" \
    "[cvisor] console input now goes to vm11 (echo-a); Ctrl-A three times switches" \
    "[vm11] echo: apple crumble" "![vm12] echo: apple" \
    "[vm12] echo: banana split!" "![vm11] echo: banana" \
    "[vm12] echo: overrun: kept 16, DR.OE on character 16, RSR.OE 1, RIS.OE 1, cleared" \
    "!echo: cherry" "![vm12] echo: a^Ab" "!echo: ^A" \
    "[vm11] echo: PASS" "[vm12] echo: PASS" "!interrupts: receive 0," \
    "all VMs have shut down" "!FAIL"
done
