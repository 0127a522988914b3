# QEMU scenarios on aarch64: console input (kernel/console_input.c) and the
# virtual PL011's receive side and interrupts (vmm/vuart_pl011.c).
A=aarch64
ECHO2=configs/vms/echo-a-aarch64.toml:configs/vms/echo-b-aarch64.toml

# Two echo VMs (vm11 on pCPU 0, vm12 on pCPU 1). Input reaches the VM
# with the focus only; Ctrl-A three times moves the focus vm11 -> vm12 ->
# cvisor -> vm11; a single Ctrl-A is ordinary input. vm12 stops reading
# while 300 characters are typed: 16 fill its FIFO, 256 wait in cvisor's
# queue, the rest is lost with an overrun error. When vm11 powers off, the focus moves to
# vm12 by itself (its "quit" is typed with no hot key). Typed lines bring
# receive-timeout interrupts (whether 8 characters ever wait together, for
# the receive level's, depends on how fast the host passes them on: not
# asserted); the full FIFO of the overrun check brings a receive
# interrupt at the level, every time. The replies go out through transmit
# interrupts.
TYPED_300=$(printf '%0300d' 0)
CONSOLE_STEPS='wait [vm11] echo: GICv
wait [vm12] echo: GICv
type apple crumble\n
wait [vm11] echo: apple crumble
type \001\001\001
wait console input now goes to vm12 (echo-b)
type banana split!\n
wait [vm12] echo: banana split!
type overrun\n
wait [vm12] echo: overrun: type 300 characters
type '$TYPED_300'
wait [vm12] echo: overrun: kept
type \001\001\001
wait console input now goes to cvisor
type cherry\n
wait cherry: unknown command
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
    "[vm12] echo: overrun: kept 272, DR.OE on character 16, RSR.OE 1, RIS.OE 1, cleared; receive interrupts at the level: 1" \
    "!echo: cherry" "![vm12] echo: a^Ab" "!echo: ^A" \
    "[vm11] echo: PASS" "[vm12] echo: PASS" \
    "all VMs have shut down" "!FAIL"
done

# Debian's Linux: lines typed on the console reach its /init on ttyAMA0
# (the amba-pl011 driver reads only from its interrupt), which runs them
# as commands; "exit" lets it go on to power off. Each command computes
# its marker, so that the tty's echo of the typed line cannot match; the
# second checks that Linux counted interrupts of its PL011.
if make -s images >"$LOGDIR/images-console.log" 2>&1; then
  qemu_console aarch64/console-linux-shell 120 \
    "ARCH=$A SMP=1 VM_CONFIGS=tests/config/runtime/linux-shell-aarch64.toml" \
    'wait cvisor-linux: commands on the console
type echo typed-$((6*7))\n
wait typed-42
type echo uart-irqs-$((1+1))-$(grep -q "^ *[0-9]*: *[1-9][0-9]* .*pl011" /proc/interrupts && echo taken || echo none)\n
wait uart-irqs-2-
type exit\n' \
    "typed-42" "uart-irqs-2-taken" "cvisor-linux: commands done" "VM 10 (linux) powered off" \
    "all VMs have shut down"
else
  fail aarch64/console-linux-shell "see $LOGDIR/images-console.log"
fi
