#!/usr/bin/env bash
# Runs every test of cvisor and prints, last, "N passed, N failed".
# Exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

# The riscv64 kernel takes minutes to build from source: started now, at
# a lower priority, on the core the QEMU scenarios leave idle, it is
# ready by the time its group needs it (which waits for it otherwise:
# scripts/guest-images.sh builds a target once at a time).
mkdir -p "$LOGDIR"
nice -n 10 bash scripts/guest-images.sh linux-riscv64 \
  >"$LOGDIR/riscv64-images-early.log" 2>&1 &
early_images=$!

# The host-side groups (unit tests, fuzzing, static checks) build and
# write only under build/host and build/fuzz: they run beside the QEMU
# groups, and their results are counted in when they are done.
host_out=$LOGDIR/host-groups.out
bash -c '. tests/lib.sh; run_group tests/groups/host.sh
  run_group tests/groups/static.sh; finish' >"$host_out" 2>&1 &
host_groups=$!

for g in tests/groups/qemu-*.sh; do
  [ -e "$g" ] && run_group "$g"
done

# The two background jobs are waited for by polling their pids: bash
# keeps the status of only so many finished children, and the scenarios
# start hundreds ("wait: pid N is not a child of this shell" once it has
# dropped one). Their results are in their logs, not their statuses.
wait_gone() { while kill -0 "$1" 2>/dev/null; do sleep 1; done; }
wait_gone "$host_groups"
grep -v '^failed: \|^[0-9]* passed, [0-9]* failed$' "$host_out"
read -r hp _ hf _ < <(grep '^[0-9]* passed, [0-9]* failed$' "$host_out")
if [ -z "${hp:-}" ]; then
  fail host-groups "no result line, see $host_out"
else
  PASSED=$((PASSED + hp)) FAILED=$((FAILED + hf))
  # shellcheck disable=SC2207
  FAILED_NAMES+=($(sed -n 's/^failed: //p' "$host_out"))
fi

wait_gone "$early_images"
echo "make test took $SECONDS s (keep it under 1800 on 2 cores)"
finish
