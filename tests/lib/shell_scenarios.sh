# The shell's scenarios every arch runs the same way (docs/shell.md),
# typed into as a user would, with STAY=1 so that cvisor stays up when no
# VM runs. A group sources this file and calls each with its arch; the
# configs are configs/vms/{hello,ticker,echo-a}-ARCH.toml and
# tests/config/runtime/fresh-ARCH.toml. aarch64's
# group (tests/groups/qemu-aarch64-shell.sh) covers the shell in full.

# The generic shell: help, the commands that look, bad commands and
# arguments answered with one line; hello runs and stops, shutdown
# powers off with all the memory back.
shell_basics() {
  local a=$1
  qemu_console "$a/shell-basics" 90 \
    "ARCH=$a STAY=1 VM_CONFIGS=configs/vms/hello-$a.toml" "
wait cvisor stays up
wait cvisor> 
type help\r
wait FILE.toml ...
type uname\r
wait cvisor on $a
type bogus\r
wait bogus: unknown command
type vm show 9\r
wait vm show: no VM 9
type vm list\r
wait RAM(MiB)
type vm list --format json\r
wait \"state\": \"stopped\", \"vcpus\": 1, \"memory_bytes\": 16777216}]
type vm show 1 -c\r
wait kernel_path = \"build/guests/$a/hello.bin\"
type vm sh\t1 -s\r
wait vCPUs: none now (stopped)
type shutdown\r
" "Hello, world!" "memory: all that the VMs took is back" \
    "all VMs have shut down; powering off" "!PANIC"
}

# A VM's whole life, beside one that has ended: ticker prints every
# 100 ms. Suspended, it is held (the first line after the resume says for
# how long) and goes on counting; its exits show, EXITKIND (how it
# reaches its UART: mmio, pio) among them; reset and restart boot it
# again; stop, start, delete (refused while it runs, unless --force).
# ticker is created first: once hello is deleted too, the memory in use
# is as before ticker was created.
shell_lifecycle() {
  local a=$1 exitkind=$2
  qemu_console "$a/shell-lifecycle" 120 \
    "ARCH=$a STAY=1 VM_CONFIGS=configs/vms/ticker-$a.toml:configs/vms/hello-$a.toml" "
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
wait (hw id 0x1), paused
wait  $exitkind 
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
}

# A VM's RAM reads zero until it writes it, whoever had the host memory
# before: fresh first touches three chunks by accesses that are no plain
# load or store (an AMO, a store pair, a string store, ...), checks
# 8 MiB it has not written, then fills it; a restart, and a stop and
# start, give the next boot the memory the last one filled (cvisor
# zeroes RAM as a VM first uses it: vmm/addrspace.h).
shell_fresh_ram() {
  local a=$1
  qemu_console "$a/shell-fresh-ram" 90 \
    "ARCH=$a STAY=1 VM_CONFIGS=tests/config/runtime/fresh-$a.toml" "
wait fresh: RAM filled
type \001\001\001
wait console input now goes to cvisor
type vm restart 31\r
waitn 2 fresh: RAM filled
type vm stop 31 --force\r
wait VM 31 stopping (--force)
type vm start 31\r
waitn 3 fresh: RAM filled
type shutdown\r
" "fresh: RAM reads zero: PASS, 0 nonzero words" \
    "memory: all that the VMs took is back" "!FAIL" "!failed" "!PANIC"
}

# vm stop asks first: it presses the VM's power button and stops the VM
# at once only if it has not powered off within 10 s; ticker powers off
# when pressed, echo ignores it. --force stops at once.
shell_stop() {
  local a=$1
  qemu_console "$a/shell-stop" 120 \
    "ARCH=$a STAY=1 VM_CONFIGS=configs/vms/ticker-$a.toml:configs/vms/echo-a-$a.toml" "
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
}

# Linux obeys the button too: the test /init watches the input device
# the arch's button driver reports KEY_POWER on and powers off, as logind
# would. shell_stop_linux ARCH ID READY MARKER...: the VM of
# tests/config/runtime/linux-shell-ARCH.toml, config id ID, is stopped
# once its console has shown READY (the /init waiting with nothing else
# that would end it); MARKERs as qemu_console's, besides the common ones.
shell_stop_linux() {
  local a=$1 id=$2 ready=$3; shift 3
  if ! make -s ARCH=$a images >"$LOGDIR/$a-shell-images.log" 2>&1; then
    fail "$a/shell-stop-linux" "see $LOGDIR/$a-shell-images.log"
    return
  fi
  qemu_console "$a/shell-stop-linux" 180 \
    "ARCH=$a SMP=1 STAY=1 VM_CONFIGS=tests/config/runtime/linux-shell-$a.toml" "
wait cvisor-linux: power button watched
wait $ready
type \001\001\001
wait console input now goes to cvisor
type vm stop $id\r
wait cvisor-linux: power button pressed, powering off
wait VM $id powered off when asked
type shutdown\r
" "VM $id (linux-shell) powered off" "memory: all that the VMs took is back" \
    "all VMs have shut down; powering off" "!PANIC" "$@"
}
