#!/usr/bin/env bash
# Writes the seeds of fuzz/fuzz_fat32.c into fuzz/seeds/fat32/: small
# FAT32 volumes made with mkfs.fat and mtools, stored sparse (the target's
# input format: sector count, then [sector number, 512 bytes] for each
# sector that is not all zeros).
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/seeds/fat32
mkdir -p "$out"
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# sparse IMG SEED: the image in the target's format.
sparse() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
out = bytearray(struct.pack('<I', len(data) // 512))
for lba in range(len(data) // 512):
    sec = data[lba * 512:(lba + 1) * 512]
    if any(sec):
        out += struct.pack('<I', lba) + sec
open(sys.argv[2], 'wb').write(out)
PY
}

printf 'hello\n' >"$tmp/hello"
head -c 1500 /dev/zero | tr '\0' 'z' >"$tmp/three"

img=$tmp/a.img
truncate -s 33M "$img"
mkfs.fat -F 32 -s 1 -S 512 -f 1 -b 0 -n SEED "$img" >/dev/null
mmd -i "$img" ::/guests ::/guests/sub
mcopy -i "$img" "$tmp/hello" "::/guests/A Long File Name.txt"
mcopy -i "$img" "$tmp/three" ::/guests/sub/three.bin
mcopy -i "$img" "$tmp/hello" ::/HELLO.TXT
sparse "$img" "$out/small-512.bin"

img=$tmp/b.img
truncate -s 270M "$img"
mkfs.fat -F 32 -s 1 -S 4096 -f 1 -b 0 -n SEED "$img" >/dev/null
mcopy -i "$img" "$tmp/three" "::/One Cluster.bin"
sparse "$img" "$out/small-4096.bin"

# fuzz/fuzz_fat32_write.c reads the same disks; the bytes after the last
# whole record steer its operations (offsets, sizes, which call).
w=fuzz/seeds/fat32_write
mkdir -p "$w"
cp "$out/small-512.bin" "$out/small-4096.bin" "$w/"
{ cat "$out/small-512.bin"; printf '\005\020\200\001\003\007\040\000\021\002\060\004\001\001\003\003'; } \
  >"$w/small-512-steered.bin"
