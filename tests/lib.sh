# Shared helpers for tests/run.sh and the test groups.
# A group records results with pass/fail; the runner prints the totals.

PASSED=0
FAILED=0
FAILED_NAMES=()
LOGDIR=build/test-logs
mkdir -p "$LOGDIR"

pass() { PASSED=$((PASSED + 1)); printf 'PASS %s\n' "$1"; }
fail() {
  FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1")
  printf 'FAIL %s%s\n' "$1" "${2:+: $2}"
}

run_group() { echo "== $1"; . "$1"; }

# unit_binary NAME BINARY: runs a unit-test binary and records each test.
unit_binary() {
  local name=$1 bin=$2 log="$LOGDIR/$1.log"
  "$bin" >"$log" 2>&1
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
