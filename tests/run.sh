#!/usr/bin/env bash
# Runs every test of cvisor and prints, last, "N passed, N failed".
# Exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

run_group tests/groups/host.sh
run_group tests/groups/static.sh
for g in tests/groups/qemu-*.sh; do
  [ -e "$g" ] && run_group "$g"
done

finish
