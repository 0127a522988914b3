#!/usr/bin/env bash
# Builds the FAT32 images the host unit tests read (tests/host/test_fat32.c)
# with mkfs.fat and mtools, as `make disk_img` does: no root, no mount.
#   fat32-images.sh OUTDIR
# OUTDIR/test.img      512-byte sectors and clusters, 34 MiB, sparse
# OUTDIR/big4k.img     4096-byte sectors, 8 KiB clusters
# OUTDIR/pattern.bin   the contents of the multi-cluster test files
# OUTDIR/threads.img   /t/f0.bin../t/f3.bin, read by threads at once;
#                      their contents also in OUTDIR/f0.bin..f3.bin
set -euo pipefail
out=$1
mkdir -p "$out"
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 100000 bytes no two clusters of which are alike.
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + i // 251) & 0xff for i in range(100000)))' \
  >"$out/pattern.bin"
printf 'hello\n' >"$tmp/hello"
printf 'x' >"$tmp/one"

img=$out/test.img
rm -f "$img"
truncate -s 34M "$img"
mkfs.fat -F 32 -s 1 -S 512 -n CVTEST "$img" >/dev/null
mmd -i "$img" ::/guests ::/guests/sub ::/guests/sub/deep
mcopy -i "$img" "$tmp/hello" ::/SHORT.TXT
mcopy -i "$img" "$tmp/hello" "::/guests/A Long File Name.txt"
mcopy -i "$img" "$tmp/hello" "::/guests/Grüße €.txt"
mcopy -i "$img" "$tmp/hello" ::/guests/MixedCase.Bin
mcopy -i "$img" "$out/pattern.bin" ::/guests/sub/deep/file.bin
: >"$tmp/empty"
mcopy -i "$img" "$tmp/empty" ::/empty.txt

img=$out/big4k.img
rm -f "$img"
truncate -s 600M "$img"
mkfs.fat -F 32 -S 4096 -s 2 -n CVBIG "$img" >/dev/null
mmd -i "$img" ::/dir
mcopy -i "$img" "$out/pattern.bin" "::/dir/Pattern File.bin"

# Four files unlike each other and unlike pattern.bin.
img=$out/threads.img
rm -f "$img"
truncate -s 34M "$img"
mkfs.fat -F 32 -s 1 -S 512 -n CVTHREADS "$img" >/dev/null
mmd -i "$img" ::/t
python3 - "$out" <<'PY'
import sys
for k in range(4):
    with open(f"{sys.argv[1]}/f{k}.bin", "wb") as f:
        f.write(bytes((i * 7 + i // 251 + 61 * k + 1) & 0xff for i in range(40000)))
PY
for k in 0 1 2 3; do mcopy -i "$img" "$out/f$k.bin" "::/t/f$k.bin"; done

# Images tests/host/test_fat32_write.c writes to, each test on its own
# copy. w512.img: 512-byte clusters, two FATs, large enough (65525
# clusters) that mtools reads it back. w4k.img: 4096-byte sectors and one
# FAT. wcut.img: small and empty, for the power-cut runs (fsck.fat reads
# FAT32 volumes of any size; mtools does not).
img=$out/w512.img
rm -f "$img"
truncate -s 34M "$img"
mkfs.fat -F 32 -s 1 -S 512 -n CVWRITE "$img" >/dev/null
mmd -i "$img" ::/dir ::/dir/sub
mcopy -i "$img" "$tmp/hello" ::/hello.txt
mcopy -i "$img" "$tmp/hello" "::/dir/A Long Name.txt"
mcopy -i "$img" "$out/pattern.bin" ::/dir/pattern.bin

img=$out/w4k.img
rm -f "$img"
truncate -s 8M "$img"
mkfs.fat -F 32 -S 4096 -s 1 -f 1 -n CVW4K "$img" >/dev/null 2>&1

img=$out/wcut.img
rm -f "$img"
truncate -s 4M "$img"
mkfs.fat -F 32 -s 1 -S 512 -n CVCUT "$img" >/dev/null 2>&1
