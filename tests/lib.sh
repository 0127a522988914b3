# Shared helpers for tests/run.sh and the test groups.
# A group records results with pass/fail; the runner prints the totals.

PASSED=0
FAILED=0
FAILED_NAMES=()
LOGDIR=build/test-logs
mkdir -p "$LOGDIR"

# Each result line ends with the seconds since the one before it in its
# group (the test's own time, builds included), each group with its
# total: the suite must stay under 30 minutes on 2 cores, and these say
# where the time goes.
LAST_RESULT=$SECONDS
pass() {
  PASSED=$((PASSED + 1))
  printf 'PASS %s (%d s)\n' "$1" $((SECONDS - LAST_RESULT))
  LAST_RESULT=$SECONDS
}
fail() {
  FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1")
  printf 'FAIL %s%s (%d s)\n' "$1" "${2:+: $2}" $((SECONDS - LAST_RESULT))
  LAST_RESULT=$SECONDS
}

run_group() {
  local group_start=$SECONDS
  echo "== $1"
  LAST_RESULT=$SECONDS
  . "$1"
  echo "== $1 took $((SECONDS - group_start)) s"
}

# unit_binary NAME BINARY: runs a unit-test binary and records each test.
unit_binary() {
  local name=$1 bin=$2 log="$LOGDIR/$1.log"
  timeout --kill-after=5 600 "$bin" >"$log" 2>&1
  local rc=$?
  local n=0
  while read -r word test _; do
    case $word in
      PASS) pass "$name/$test"; n=$((n + 1)) ;;
      FAIL) fail "$name/$test" "see $log"; n=$((n + 1)) ;;
    esac
  done <"$log"
  if [ "$n" -eq 0 ] || { [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$log"; }; then
    fail "$name" "exit $rc, see $log"
  fi
}

# expect NAME COMMAND...: the command must exit 0.
expect() {
  local name=$1; shift
  local log="$LOGDIR/${name//\//_}.log"
  if "$@" >"$log" 2>&1; then pass "$name"; else fail "$name" "see $log"; fi
}

# expect_fail NAME COMMAND...: the command must exit non-zero.
expect_fail() {
  local name=$1; shift
  local log="$LOGDIR/${name//\//_}.log"
  if "$@" >"$log" 2>&1; then fail "$name" "exited 0, see $log"; else pass "$name"; fi
}

finish() {
  if [ "$FAILED" -gt 0 ]; then
    echo "failed: ${FAILED_NAMES[*]}"
  fi
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# fat_disk IMG MIB FILE:PATH...: a FAT32 disk (mtools, no root) holding
# each FILE at PATH (AxVisor's configs' images, tests/groups/*-axvisor.sh).
fat_disk() {
  local img=$1 mib=$2 f; shift 2
  rm -f "$img" && truncate -s "${mib}M" "$img" &&
    mkfs.fat -F 32 -s 1 -n AXVISOR "$img" >/dev/null || return 1
  for f in "$@"; do
    local dir=${f#*:} sub=""
    dir=${dir%/*}
    for part in ${dir//\// }; do
      sub+=/$part
      mmd -i "$img" "::$sub" 2>/dev/null
    done
    mcopy -o -i "$img" "${f%%:*}" "::${f#*:}" || return 1
  done
}

# qemu_scenario NAME SECONDS "MAKE VARIABLES" MARKER...: boots cvisor with
# `make VARIABLES run` under a timeout (QEMU is always killed at the end)
# and passes when it exits 0, prints every marker (fixed strings, in any
# order) and no PANIC. A marker starting with '!' must NOT appear.
qemu_scenario() {
  local name=$1 secs=$2 vars=$3 rc; shift 3
  local log="$LOGDIR/${name//\//_}.log"
  # shellcheck disable=SC2086
  timeout --kill-after=5 "$secs" make -s $vars run </dev/null >"$log" 2>&1
  rc=$?
  scenario_verdict "$name" $rc "$log" "" "$@"
}

# qemu_console NAME SECONDS "MAKE VARIABLES" STEPS MARKER...: as
# qemu_scenario, with the console typed into. STEPS holds one step a line:
# "wait TEXT" waits until the console has shown TEXT (a fixed string),
# "waitn N TEXT" until it has shown it on N lines, "type TEXT" types TEXT
# (printf %b: \n, \001 for Ctrl-A), "sleep S" lets at least S seconds
# pass (for a state that must last: only ever a lower bound). "mark"
# notes how far the console has got; "waitmark TEXT" waits until it has
# shown TEXT since the last mark. A wait that ends with QEMU or the
# timeout fails the scenario.
qemu_console() {
  local name=$1 secs=$2 vars=$3 steps=$4; shift 4
  local log="$LOGDIR/${name//\//_}.log" fifo tty pid step arg missing="" mark=0
  fifo=$(mktemp -u "${TMPDIR:-/tmp}/cvisor-console.XXXXXX")
  mkfifo "$fifo" || { fail "$name" "mkfifo $fifo"; return; }
  : >"$log"
  # shellcheck disable=SC2086
  timeout --kill-after=5 "$secs" make -s $vars run <"$fifo" >"$log" 2>&1 &
  pid=$!
  exec {tty}>"$fifo"
  rm -f "$fifo"
  while IFS= read -r step; do
    arg=${step#* }
    case $step in
      wait\ *)
        until grep -qF -- "$arg" "$log"; do
          if ! kill -0 "$pid" 2>/dev/null; then
            missing+=" never:'$arg'"; break 2
          fi
          sleep 0.1
        done ;;
      waitn\ *)
        local n=${arg%% *}; arg=${arg#* }
        until [ "$(grep -cF -- "$arg" "$log")" -ge "$n" ]; do
          if ! kill -0 "$pid" 2>/dev/null; then
            missing+=" never:${n}x'$arg'"; break 2
          fi
          sleep 0.1
        done ;;
      mark) mark=$(stat -c %s "$log") ;;
      waitmark\ *)
        until tail -c +$((mark + 1)) "$log" | grep -qF -- "$arg"; do
          if ! kill -0 "$pid" 2>/dev/null; then
            missing+=" never:'$arg'"; break 2
          fi
          sleep 0.1
        done ;;
      # Typed from a subshell: if QEMU has gone, the write's SIGPIPE
      # ends the subshell, not the test run.
      type\ *)
        if ! (printf '%b' "$arg" >&"$tty") 2>/dev/null; then
          missing+=" gone-before-typing:'$arg'"; break
        fi ;;
      sleep\ *) sleep "$arg" ;;
      "") ;;
      *) missing+=" bad-step:'$step'"; break ;;
    esac
  done <<<"$steps"
  wait "$pid"
  local rc=$?
  exec {tty}>&-
  scenario_verdict "$name" "$rc" "$log" "$missing" "$@"
}

# scenario_verdict NAME RC LOG PROBLEMS MARKER...: records a QEMU
# scenario's result from its exit status and log (markers as above).
scenario_verdict() {
  local name=$1 rc=$2 log=$3 missing=$4; shift 4
  for m in "$@"; do
    if [ "${m:0:1}" = "!" ]; then
      grep -qF -- "${m:1}" "$log" && missing+=" unexpected:'${m:1}'"
    else
      grep -qF -- "$m" "$log" || missing+=" missing:'$m'"
    fi
  done
  grep -q 'PANIC' "$log" && missing+=" PANIC"
  # Every scenario checks that the VMs' memory came back (vmm/main.c),
  # and that QEMU itself did not abort (a failure is ours until proven
  # otherwise: the last such abort was cvisor's use-after-free).
  grep -q 'that the VMs took are not back' "$log" && missing+=" memory-leak"
  grep -q '^qemu-system-[a-z0-9_]*: .*Assertion' "$log" && missing+=" QEMU-abort"
  if [ "$rc" -ne 0 ] || [ -n "$missing" ]; then
    fail "$name" "exit $rc$missing, see $log"
    log_tail "$log"
  else
    pass "$name"
  fi
}

# log_tail LOG: a failed scenario's last lines, printed under its FAIL
# line: CI keeps the run's output, not build/test-logs.
log_tail() {
  tail -n 12 "$1" | tr -d '\r' | cat -v | sed 's/^/  | /'
}
