# The virtio-blk disk attacked from inside (guests/common/vdisk), shared
# by the hostile groups of the arches whose VMs have it.

# vdisk_pattern FILE: 128 sectors, each 64-bit word of sector s holding
# s << 32 | its index in the sector (little-endian).
vdisk_pattern() {
  mkdir -p "$(dirname "$1")"
  python3 - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], 'wb') as f:
    for s in range(128):
        f.write(b''.join(struct.pack('<Q', s << 32 | i) for i in range(64)))
PY
}

# vdisk_scenario ARCH: the guest's 31 checks all pass, hello beside it
# runs, and cvisor logs nothing worse than what the guest earned.
vdisk_scenario() {
  local a=$1
  if vdisk_pattern build/test-disk/vdisk-pattern.img; then
    qemu_scenario "$a/vdisk" 60 \
      "ARCH=$a SMP=1 VM_CONFIGS=tests/config/runtime/vdisk-$a.toml:configs/vms/hello-$a.toml" \
      "disk build/test-disk/vdisk-pattern.img (128 sectors, read-only)" \
      "vdisk: ok: sectors 0-1 read right" "vdisk: 31 passed, 0 failed" \
      "Hello, world!" "VM 26 (vdisk) powered off" "all VMs have shut down" \
      "!vdisk: FAILED" "!PANIC"
  else
    fail "$a/vdisk" "could not write build/test-disk/vdisk-pattern.img"
  fi
}
