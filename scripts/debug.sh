#!/usr/bin/env bash
# Starts cvisor in QEMU halted at its first instruction, with QEMU's gdb
# stub on a Unix socket, and attaches gdb-multiarch with cvisor's symbols
# (and a guest's, GUEST_ELF=file, at the addresses it was linked for).
#   debug.sh ARCH ELF SMP MEM "EXTRA QEMU ARGS" [GDB ARGS...]
# QEMU is killed when gdb exits. docs/debugging.md has a short session.
set -uo pipefail
arch=$1 elf=$2 smp=$3 mem=$4 extra=${5:-}
shift 5
sock=$(mktemp -u "${TMPDIR:-/tmp}/cvisor-gdb.XXXXXX")
QEMU_ARGS_DEBUG="-chardev socket,path=$sock,server=on,wait=off,id=gdb0 -gdb chardev:gdb0 -S"
bash scripts/run-qemu.sh "$arch" "$elf" "$smp" "$mem" "$extra $QEMU_ARGS_DEBUG" \
  </dev/null >"build/$arch/debug-console.log" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null; wait $qemu 2>/dev/null; rm -f "$sock"' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
echo "debug: QEMU halted; its console goes to build/$arch/debug-console.log"
syms=()
[ -n "${GUEST_ELF:-}" ] && syms=(-ex "add-symbol-file $GUEST_ELF")
gdb-multiarch -q "$elf" -ex "set confirm off" -ex "target remote $sock" \
  "${syms[@]}" "$@"
