# The lifecycle stress scenario (docs/shell.md), for any arch:
# shell_stress ARCH "MAKE VARIABLES" CHURN.toml SPINNER.toml CYCLES
# The build's VMs are the metronome (id 3: guests/common/metronome) and
# Linux (id 12, two vCPUs, idle in WFI once up); CHURN.toml (id 6: the
# churn guest, two vCPUs rebooting every few ms) and SPINNER.toml (id 7:
# ticker, spinning in the guest) are paths on the disk. Each of CYCLES
# cycles is typed at once and waited for by its last line; every fourth
# one also stops, restarts, resets or suspends Linux wherever its boot
# has got to. Every delete must give back all the memory the VM took
# (deleted last in, first out: each compares with before its create;
# Linux, created at boot, is checked by the shutdown's count instead,
# what the shell and the disk keep since then being in its figure),
# every stop must end within 10 s; at the end only the metronome is
# left. Then the metronome's lines must have come in order, never a tick
# early nor a word of its RAM changed, and under ICOUNT none late by more
# than STRESS_LATE_US.
STRESS_LATE_US=50000

# The steps for qemu_console.
stress_steps() {
  local churn=$1 spinner=$2 cycles=$3 i d6=0 d7=0 l=0
  cat <<STEPS
wait metronome: line 1,
wait cvisor-linux: commands on the console
type \001\001\001
wait console input now goes to vm12
type \001\001\001
wait console input now goes to cvisor
type vm stop 12\r
wait VM 12 powered off when asked
type vm start 12\r
STEPS
  for i in $(seq "$cycles"); do
    case $((i % 4)) in
      0) echo "type vm create $churn\rvm start 6\rvm delete 6 --force\r"
         d6=$((d6 + 1)) ;;
      1) echo mark
         echo "type vm create $churn\rvm start 6\r"
         echo "waitmark VM 6 (churn) is rebooting"
         echo "type vm restart 6\rvm stop 6 --force\rvm start 6\rvm delete 6 --force\r"
         d6=$((d6 + 1)) ;;
      2) echo "type vm create $spinner\rvm start 7\rvm suspend 7\rvm resume 7\rvm reset 7\rvm stop 7 --force\rvm start 7\rvm delete 7 --force\r"
         d7=$((d7 + 1)) ;;
      3) echo mark
         echo "type vm create $spinner\rvm start 7\rvm create $churn\rvm start 6\r"
         echo "waitmark VM 6 (churn) is rebooting"
         echo "type vm restart 6\rvm delete 6 --force\rvm delete 7 --force\r"
         d6=$((d6 + 1)) d7=$((d7 + 1)) ;;
    esac
    [ $d6 -gt 0 ] && echo "waitn $d6 VM 6 deleted; memory in use is as before"
    [ $d7 -gt 0 ] && echo "waitn $d7 VM 7 deleted; memory in use is as before"
    # Linux, wherever it is: stopped and started, restarted, reset,
    # suspended and resumed.
    if [ $((i % 4)) = 0 ]; then
      l=$((l + 1))
      echo mark
      case $((l % 4)) in
        1) echo 'type vm stop 12 --force\rvm start 12\r'
           echo "waitmark VM 12 started" ;;
        2) echo 'type vm restart 12\r'
           echo "waitmark VM 12 restarted" ;;
        3) echo 'type vm reset 12\r'
           echo "waitmark VM 12 reset" ;;
        0) echo 'type vm suspend 12\rvm resume 12\r'
           echo "waitmark VM 12 resumed" ;;
      esac
    fi
    # Every 20th: the spinner asked to power off, by its button once it
    # watches it.
    if [ $((i % 20)) = 0 ]; then
      d7=$((d7 + 1))
      echo mark
      echo "type vm create $spinner\rvm start 7\r"
      echo "waitmark [vm7] ticker: start"
      echo "type vm stop 7\rvm delete 7\r"
      echo "waitn $d7 VM 7 deleted; memory in use is as before"
    fi
  done
  # Linux up and idle in WFI: suspended, resumed, stopped at once, then
  # deleted just after a start, in its first instructions.
  cat <<STEPS
mark
type vm restart 12\r
waitmark cvisor-linux: commands on the console
type vm suspend 12\rvm resume 12\rvm stop 12 --force\rvm start 12\rvm delete 12 --force\r
wait VM 12 deleted;
type vm list --format json\r
wait [{"id": 3, "name": "metronome", "state": "running", "vcpus": 1, "memory_bytes": 16777216}]
type shutdown\r
STEPS
}

# The metronome's lines in the log, each as the guest wrote it. While the
# user types to the metronome (the first VM has the input at boot), its
# line shows as it comes and is cut short by any other output; the
# console then writes it again whole (kernel/log.h). So a cut line that
# the next of its lines begins with is left out.
METRONOME_LINE='metronome: line [0-9]*, worst [0-9]* us late, [0-9]* early, [0-9]* words changed'
metronome_lines() {
  tr -d '\r' <"$1" | grep -o 'metronome: line.*' |
    awk -v whole="^$METRONOME_LINE\$" '
      cut != "" && index($0, cut) != 1 { print cut }
      { cut = "" }
      $0 ~ whole { print; next }
      { cut = $0 }
      END { if (cut != "") print cut }'
}

# The metronome's lines: numbered 1, 2, 3... with none missing or
# repeated, 0 early, 0 words changed, at least 'min' of them, and under
# ICOUNT none more than STRESS_LATE_US late.
stress_survivor_ok() {
  local log=$1 icount=$2 min=$3 all good
  # A line whose words are missing means its RAM (its strings) changed.
  all=$(metronome_lines "$log" | wc -l)
  good=$(metronome_lines "$log" | grep -c "^$METRONOME_LINE\$")
  if [ "$all" != "$good" ]; then
    echo "$((all - good)) of $all lines garbled:"
    metronome_lines "$log" | grep -v "^$METRONOME_LINE\$"
    return 1
  fi
  metronome_lines "$log" |
    awk -v icount="$icount" -v bound="$STRESS_LATE_US" -v min="$min" '
      { n = $3 + 0; late = $5 + 0 }
      n != NR { print "line " n " where " NR " was due"; bad = 1 }
      $8 != 0 || $10 != 0 { print "early or changed: " $0; bad = 1 }
      late > worst { worst = late }
      icount && late > bound { print "late beyond " bound " us: " $0; bad = 1 }
      END {
        print NR " lines, worst " worst " us late"
        if (NR < min) { print "fewer than " min " lines"; bad = 1 }
        exit bad
      }'
}

shell_stress() {
  local a=$1 vars=$2 churn=$3 spinner=$4 cycles=$5 name=$1/shell-lifecycle-stress
  local icount=0
  case " $vars " in *" ICOUNT="*) icount=1 ;; esac
  qemu_console "$name" ${STRESS_TIMEOUT:-900} "ARCH=$a $vars" \
    "$(stress_steps "$churn" "$spinner" "$cycles")" \
    "in the middle of a reboot" "VM 12 (linux) powered off" \
    "memory: all that the VMs took is back" \
    "all VMs have shut down; powering off" \
    "!did not stop within" "!not created" \
    "!could not be created again" "!it is not running" "!it is running already" \
    "!it is still stopping" "!it is not suspended" "!no VM with this id" \
    "!FAIL" "!PANIC"
  local log="$LOGDIR/${name//\//_}.log"
  if stress_survivor_ok "$log" $icount 20 >"$LOGDIR/${name//\//_}-survivor.log" 2>&1; then
    pass "$name-survivor"
  else
    fail "$name-survivor" "see $LOGDIR/${name//\//_}-survivor.log"
  fi
}
