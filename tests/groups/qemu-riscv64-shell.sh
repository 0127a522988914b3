# QEMU scenarios on riscv64: cvisor's shell (docs/shell.md), the generic
# one that tests/groups/qemu-aarch64-shell.sh covers in full, typed into
# as a user would, with STAY=1 so that cvisor stays up when no VM runs.
R=riscv64
RHELLO=configs/vms/hello-riscv64.toml
RTICKER=configs/vms/ticker-riscv64.toml

# The generic shell on this arch: help, the commands that look, bad
# commands and arguments answered with one line; hello runs and stops,
# shutdown powers off with all the memory back.
qemu_console riscv64/shell-basics 90 "ARCH=$R STAY=1 VM_CONFIGS=$RHELLO" "
wait cvisor stays up
wait cvisor> 
type help\r
wait FILE.toml ...
type uname\r
wait cvisor on riscv64
type bogus\r
wait bogus: unknown command
type vm show 9\r
wait vm show: no VM 9
type vm list\r
wait RAM(MiB)
type vm list --format json\r
wait \"state\": \"stopped\", \"vcpus\": 1, \"memory_bytes\": 16777216}]
type vm show 1 -c\r
wait kernel_path = \"build/guests/riscv64/hello.bin\"
type vm sh\t1 -s\r
wait vCPUs: none now (stopped)
type shutdown\r
" "Hello, world!" "memory: all that the VMs took is back" \
  "all VMs have shut down; powering off" "!PANIC"

# A VM's whole life from the shell, beside one that has ended: ticker
# prints every 100 ms. Suspended, it is held (the first line after the
# resume says for how long) and goes on counting; reset and restart boot
# it again; stop, start, delete (refused while it runs, unless --force).
# ticker is created first: once hello is deleted too, the memory in use
# is as before ticker was created.
qemu_console riscv64/shell-lifecycle 120 \
  "ARCH=$R STAY=1 VM_CONFIGS=$RTICKER:$RHELLO" "
wait [vm5] ticker: 3
wait VM 1 (hello) powered off
type \001\001\001
wait console input now goes to cvisor
type vm resume 5\r
wait vm resume 5: it is not suspended
type vm suspend tick\t\r
wait VM 5 suspended
type vm list\r
wait ticker           suspended
type vm show 5 -s\r
wait vCPU 0: pCPU 1, paused
wait  mmio 
sleep 1
type vm resume 5\r
wait ms)
type vm reset 5\r
waitn 2 ticker: start
type vm restart 5\r
waitn 3 ticker: start
type vm stop 5 --force\r
wait VM 5 stopping (--force)
type vm start 5\r
waitn 4 ticker: start
type vm delete 5\r
wait vm delete 5: it is running
type vm delete 1\r
wait VM 1 deleted
type vm delete 5 --force\r
wait VM 5 deleted; memory in use is as before it was created
type vm list --format json\r
wait []
type shutdown\r
" "VM 5 suspended" "VM 5 resumed" "(held for " "VM 5 reset" \
  "VM 5 restarted" "VM 5 started" "memory: all that the VMs took is back" \
  "all VMs have shut down; powering off" "!PANIC"

# vm stop asks first: it presses the VM's power button (line 0 of a
# SiFive GPIO on PLIC source 12, and a gpio-keys node in the guest DTB)
# and stops the VM at once only if it has not powered off within 10 s;
# ticker powers off when pressed, echo ignores it. --force stops at once.
qemu_console riscv64/shell-stop 120 \
  "ARCH=$R STAY=1 VM_CONFIGS=$RTICKER:configs/vms/echo-a-riscv64.toml" "
wait [vm5] ticker: 3
type \001\001\001
wait console input now goes to vm11
type \001\001\001
wait console input now goes to cvisor
type vm stop 11\r
wait VM 11: power button pressed; it has 10 s to power off
wait VM 11 stopping (it did not power off in time)
type vm stop 5\r
wait ticker: power button pressed: powering off
wait VM 5 powered off when asked
type vm start 5\r
waitn 2 ticker: start
type vm stop 5 --force\r
wait VM 5 stopping (--force)
type vm stop 5\r
wait vm stop 5: it is stopped already
type shutdown\r
" "VM 11 (echo-a) stopped from the shell" "VM 5 (ticker) powered off" \
  "VM 5 (ticker) stopped from the shell" \
  "memory: all that the VMs took is back" \
  "all VMs have shut down; powering off" "!PANIC"

# Linux obeys the button too: gpio-sifive and gpio-keys (built in)
# report KEY_POWER, which the test /init's watcher turns into a
# power-off, as logind would. With cvisor.stay the /init stays up after
# its work: only the button powers it off.
if make -s ARCH=$R images >"$LOGDIR/riscv64-shell-images.log" 2>&1; then
  qemu_console riscv64/shell-stop-linux 180 \
    "ARCH=$R SMP=1 STAY=1 VM_CONFIGS=tests/config/runtime/linux-shell-riscv64.toml" "
wait cvisor-linux: power button watched
wait cvisor-linux: staying up, until the power button
type \001\001\001
wait console input now goes to cvisor
type vm stop 20\r
wait cvisor-linux: power button pressed, powering off
wait VM 20 powered off when asked
type shutdown\r
" "input: gpio-keys as /devices/platform/gpio-keys" \
    "VM 20 (linux-shell) powered off" \
    "memory: all that the VMs took is back" \
    "all VMs have shut down; powering off" "!PANIC"
else
  fail riscv64/shell-stop-linux "see $LOGDIR/riscv64-shell-images.log"
fi
