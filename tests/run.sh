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

run_group tests/groups/host.sh
run_group tests/groups/static.sh
for g in tests/groups/qemu-*.sh; do
  [ -e "$g" ] && run_group "$g"
done

wait "$early_images"
finish
