# QEMU scenarios on aarch64: cvisor's shell (docs/shell.md), typed into
# as a user would, with STAY=1 so that cvisor stays up when no VM runs.
A=aarch64
HELLO=configs/vms/hello-aarch64.toml
TICKER=configs/vms/ticker-aarch64.toml
SDIR=build/test-shell
mkdir -p "$SDIR"
export MTOOLS_SKIP_CHECK=1

# The editor and the commands that look: hello runs and stops, the focus
# comes back to cvisor and its prompt. Tab completes, Up recalls, Ctrl-U
# erases the line, Ctrl-C drops it; bad commands and arguments get one
# line each; shutdown powers off with all the memory back.
qemu_console aarch64/shell-basics 90 "ARCH=$A STAY=1 VM_CONFIGS=$HELLO" "
wait cvisor stays up
wait cvisor> 
type help\r
wait FILE.toml ...
type uname\r
wait cvisor on aarch64
type log\r
wait log level: info
type log debug\r
wait log level: debug
type log loud\r
wait log: the level is one of
type bogus\r
wait bogus: unknown command
type vm\r
wait vm: which subcommand?
type vm frob\r
wait vm frob: unknown subcommand
type vm show\r
wait vm show: which VM?
type vm show x\r
wait 'x' is not a VM's id or name
type vm show 9\r
wait vm show: no VM 9
type vm show 1 -x\r
wait vm show: unexpected '-x'
type vm list\r
wait RAM(MiB)
type vm list --format json\r
wait \"state\": \"stopped\", \"vcpus\": 1, \"memory_bytes\": 16777216}]
type vm show 1 -c\r
wait kernel_path = \"build/guests/aarch64/hello.bin\"
type vm sh\t1 -s\r
wait vCPUs: none now (stopped)
type \033[A\r
waitn 2 vCPUs: none now (stopped)
type garbage\025uname\r
waitn 2 cvisor on aarch64
type junk\003
wait ^C
type vm st\t
wait start  stop
type \025shutdown\r
" "Hello, world!" "memory: all that the VMs took is back" \
  "all VMs have shut down; powering off" "!garbageuname" "!junk: unknown" \
  "!PANIC"

# RAM a VM has not written reads zero after another boot filled the
# same host memory (tests/lib/shell_scenarios.sh).
. tests/lib/shell_scenarios.sh
shell_fresh_ram aarch64

# A VM's whole life from the shell, beside one that has ended: ticker
# prints every 100 ms. Suspended, it is held (the first line after the
# resume says for how long) and goes on counting; reset and restart boot
# it again; stop, start, delete (refused while it runs, unless --force).
qemu_console aarch64/shell-lifecycle 120 \
  "ARCH=$A STAY=1 VM_CONFIGS=$TICKER:$HELLO" "
wait [vm5] ticker: 3
wait VM 1 (hello) powered off
type \001\001\001
wait console input now goes to cvisor
type vm resume 5\r
wait vm resume 5: it is not suspended
type vm suspend 1\r
wait vm suspend 1: it is not running
type vm suspend tick\t\r
wait VM 5 suspended
type vm list\r
wait ticker           suspended
type vm show 5 -s\r
wait (hw id 0x1), paused
wait  mmio 
wait  irq 
sleep 1
type vm resume 5\r
wait ms)
type vm reset 5\r
waitn 2 ticker: start
type vm restart 5\r
waitn 3 ticker: start
type vm stop 5 --force\r
wait VM 5 stopping (--force)
type vm stop 5\r
wait vm stop 5: it is stopped already
type vm start 5\r
waitn 4 ticker: start
type vm delete 5\r
wait vm delete 5: it is running
type vm delete 5 --force\r
wait VM 5 deleted
type vm show 5\r
wait vm show: no VM 5
type shutdown\r
" "VM 5 suspended" "VM 5 resumed" "(held for " "VM 5 reset" \
  "VM 5 restarted" "VM 5 started" "memory: all that the VMs took is back" \
  "all VMs have shut down; powering off" "!PANIC"

# A passthrough device's interrupt that fires while its VM is suspended:
# ptdev (the host's PL031 given to it, an alarm every second, waiting in
# its own WFI on pCPU 1) suspended for 2.5 s, so that an alarm fires
# meanwhile. Once resumed, the alarms go on: the held one is taken, and
# the host's line is unmasked at its end (vgic_hw_spi() used to drop it
# for a suspended VM, leaving the line masked for good: no alarm after).
qemu_console aarch64/shell-suspend-passthrough 60 \
  "ARCH=$A SMP=2 STAY=1 VM_CONFIGS=tests/config/runtime/ptdev-pause-aarch64.toml" "
wait ptdev: alarm 3
type \001\001\001
wait console input now goes to cvisor
type vm suspend 7\r
wait VM 7 suspended
sleep 2.5
type vm resume 7\r
wait VM 7 resumed
mark
waitmark ptdev: alarm
mark
waitmark ptdev: alarm
type vm stop 7 --force\r
wait VM 7 (ptdev) stopped from the shell
type shutdown\r
" "ptdev: PASS" "all VMs have shut down; powering off" "!FAIL" "!PANIC"

# vm stop asks first: it presses the VM's power button (a PL061 GPIO line
# and a gpio-keys node in the guest DTB, as on QEMU's virt machine) and
# stops the VM at once only if it has not powered off within 10 s; ticker
# powers off when pressed, echo ignores it. --force stops at once.
qemu_console aarch64/shell-stop 120 \
  "ARCH=$A STAY=1 VM_CONFIGS=$TICKER:configs/vms/echo-a-aarch64.toml" "
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

# Debian's Linux obeys the button too: its gpio_keys driver (a module in
# the initramfs) reports KEY_POWER, which the test /init's watcher turns
# into a power-off, as logind would.
if make -s images >"$LOGDIR/shell-images.log" 2>&1; then
  qemu_console aarch64/shell-stop-linux 180 \
    "ARCH=$A STAY=1 VM_CONFIGS=tests/config/runtime/linux-shell-aarch64.toml" "
wait cvisor-linux: power button watched
wait cvisor-linux: commands on the console
type \001\001\001
wait console input now goes to cvisor
type vm stop 10\r
wait cvisor-linux: power button pressed, powering off
wait VM 10 powered off when asked
type shutdown\r
" "input: gpio-keys as" "VM 10 (linux) powered off" \
    "memory: all that the VMs took is back" \
    "all VMs have shut down; powering off" "!PANIC"
else
  fail aarch64/shell-stop-linux "see $LOGDIR/shell-images.log"
fi

# Configs from the disk: at boot every /guest/vm_default/*.toml (a bad one
# refused with its file and line, the others run); vm create reads any
# path, and prints a config's errors as cvisor-config check does. A VM
# created, run and deleted gives back all the memory it took.
shell_disk() {
  make -s ARCH=$A cvisor disk_img DISK_IMG=$SDIR/disk.img >/dev/null || return 1
  sed -e 's/^id = 4/id = 7/' -e 's/"hello-fs"/"hello7"/' \
    configs/vms/hello-fs-aarch64.toml >$SDIR/h7.toml
  printf '[base]\nid = 8\nname = "bad"\ncpu_num = "two"\n' >$SDIR/bad.toml
  mmd -i $SDIR/disk.img ::/guest ::/guest/vm_default ::/guest/extra &&
    mcopy -i $SDIR/disk.img configs/vms/hello-fs-aarch64.toml \
      ::/guest/vm_default/hello-fs.toml &&
    mcopy -i $SDIR/disk.img $SDIR/bad.toml ::/guest/vm_default/bad.toml &&
    mcopy -i $SDIR/disk.img $SDIR/h7.toml $SDIR/bad.toml ::/guest/extra/
}
if shell_disk >"$LOGDIR/shell-disk-build.log" 2>&1; then
  qemu_console aarch64/shell-disk 90 \
    "ARCH=$A STAY=1 VM_CONFIGS=$HELLO DISK=$SDIR/disk.img" "
wait cvisor stays up
wait cvisor> 
type vm create /guest/extra/bad.toml\r
wait /guest/extra/bad.toml:4:11: error:
type vm create /guest/extra/none.toml\r
wait vm create: /guest/extra/none.toml:
type vm create /guest/extra/h7.toml\r
wait VM 7 created from /guest/extra/h7.toml
type vm create /guest/extra/h7.toml\r
wait a VM with this id exists already
type vm start 7\r
wait VM 7 (hello7) powered off
type vm delete 7\r
wait VM 7 deleted; memory in use is as before it was created
type shutdown\r
" "/guest/vm_default/bad.toml:4:11: error:" "[vm4] Hello, world!" \
    "[vm1] Hello, world!" "[vm7] Hello, world!" \
    "memory: all that the VMs took is back" "!PANIC"
else
  fail aarch64/shell-disk "see $LOGDIR/shell-disk-build.log"
fi

# The file commands on a writable disk (DISK_RO=off): each command, its
# errors, paths with . and ..; then the image passes fsck.fat -n with
# nothing to say, and mtools reads what the shell wrote.
FILES_IMG=$SDIR/files.img
files_disk() {
  make -s ARCH=$A cvisor disk_img DISK_IMG=$FILES_IMG >/dev/null &&
    head -c 16777216 /dev/urandom >$SDIR/big.bin &&
    mcopy -i $FILES_IMG $SDIR/big.bin ::/big.bin
}
if files_disk >"$LOGDIR/shell-files-build.log" 2>&1; then
  cp $FILES_IMG $SDIR/edit.img
  qemu_console aarch64/shell-files 90 \
    "ARCH=$A STAY=1 VM_CONFIGS=$HELLO DISK=$SDIR/edit.img DISK_RO=off" "
wait cvisor stays up
wait cvisor> 
type ls /\r
wait 16777216  big.bin
type cd /configs\r
type pwd\r
wait /configs
type cat hello-aarch64.toml\r
wait kernel_path = \"build/guests/aarch64/hello.bin\"
type echo hello from the shell > ../notes.txt\r
type cat /notes.txt\r
wait hello from the shell
type mkdir /d /d/e\r
type touch /d/e/empty\r
type cp /notes.txt /d\r
type mv /d/notes.txt /d/kept.txt\r
type ls /d\r
wait 21  kept.txt
type rm /d/e\r
wait rm: disk: /d/e: the directory is not empty
type rm /d/e/empty /d/e /nothing\r
wait no \"nothing\" in its directory
type cd /guests/../d/./\r
type pwd\r
waitn 2 /d
type cd /notes.txt\r
wait cd: /notes.txt: not a directory
type mv /d /d/e2\r
wait mv: disk:
type shutdown\r
" "memory: all that the VMs took is back" "!PANIC"
  if ! python3 tests/lib/fsck_after_cut.py $SDIR/edit.img --strict \
      >"$LOGDIR/shell-files-fsck.log" 2>&1; then
    fail aarch64/shell-files-fsck "see $LOGDIR/shell-files-fsck.log"
  elif [ "$(mtype -i $SDIR/edit.img ::/d/kept.txt)" != "hello from the shell" ] ||
       mdir -i $SDIR/edit.img ::/d/e >/dev/null 2>&1; then
    fail aarch64/shell-files-fsck "the image does not hold what the shell wrote"
  else
    pass aarch64/shell-files-fsck
  fi
else
  fail aarch64/shell-files "see $LOGDIR/shell-files-build.log"
fi

# A power cut in the middle of a 16 MiB copy: QEMU is killed (-9) while
# cp writes. The disk may have lost clusters, nothing worse, and the copy
# is absent or a prefix of the original.
shell_power_cut() {
  local img=$SDIR/cut.img log=$LOGDIR/aarch64_shell-power-cut.log fifo pid tty i
  cp $FILES_IMG $img
  fifo=$(mktemp -u "${TMPDIR:-/tmp}/cvisor-console.XXXXXX")
  mkfifo "$fifo" || return 1
  timeout --kill-after=5 90 make -s ARCH=$A STAY=1 VM_CONFIGS=$HELLO \
    DISK=$img DISK_RO=off run <"$fifo" >"$log" 2>&1 &
  pid=$!
  exec {tty}>"$fifo"
  rm -f "$fifo"
  for i in $(seq 600); do grep -qF 'cvisor> ' "$log" && break; sleep 0.1; done
  (printf 'cp /big.bin /copy.bin\r' >&"$tty") 2>/dev/null || { exec {tty}>&-; return 1; }
  for i in $(seq 600); do grep -qF 'cp /big.bin /copy.bin' "$log" && break; sleep 0.1; done
  sleep 0.5
  pkill -KILL -f "qemu-system-aarch64.*$img"
  wait "$pid"
  exec {tty}>&-
  python3 tests/lib/fsck_after_cut.py "$img" >>"$log" 2>&1 || return 1
  MTOOLS_SKIP_CHECK=1 mcopy -n -i "$img" ::/copy.bin $SDIR/copy.bin 2>/dev/null || return 0
  local n
  n=$(stat -c %s $SDIR/copy.bin)
  echo "the copy holds $n bytes" >>"$log"
  cmp -s -n "$n" $SDIR/copy.bin $SDIR/big.bin
}
if [ -e "$FILES_IMG" ] && shell_power_cut; then
  pass aarch64/shell-power-cut
else
  fail aarch64/shell-power-cut "see $LOGDIR/aarch64_shell-power-cut.log"
fi

# Lifecycle under stress (tests/lib/stress.sh): VMs created from the
# disk, started, suspended, reset, restarted, stopped and deleted in a
# loop, with Debian's Linux (two vCPUs) stopped, restarted and reset at
# whatever point of its boot it has reached, beside the metronome VM,
# which must not notice: its timer keeps ticking, its RAM unchanged.
. tests/lib/stress.sh
if [ -e $SDIR/disk.img ] && [ -e build/images/linux-aarch64/Image ]; then
  # The disk of the scenarios above, less the configs they boot by
  # default: the survivor is then the only VM left at the end.
  cp $SDIR/disk.img $SDIR/stress.img
  mdeltree -i $SDIR/stress.img ::/guest/vm_default
  sed -e 's/^id = 5/id = 7/' -e 's/"ticker"/"spinner"/' -e 's/\[0x1\]/[0x0]/' \
    -e 's/"memory"/"fs"/' -e 's#build/guests/aarch64/#/guests/aarch64/#' \
    $TICKER >$SDIR/spinner.toml
  mcopy -o -i $SDIR/stress.img $SDIR/spinner.toml ::/guest/extra/spinner.toml
  shell_stress $A "STAY=1 DISK=$SDIR/stress.img \
VM_CONFIGS=configs/vms/metronome-$A.toml:tests/config/runtime/linux-stress-$A.toml" \
    /configs/churn-$A.toml /guest/extra/spinner.toml 300
else
  fail aarch64/shell-lifecycle-stress "no disk image or no Linux image"
fi
