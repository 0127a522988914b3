#!/usr/bin/env bash
# Writes the seeds of fuzz/fuzz_kernel_image.c into fuzz/seeds/kernel_image/:
# one small file per format, headers like the real ones (Linux 6.x's arm64
# and riscv64 Image, a bzImage of protocol 2.15, a Multiboot a.out-kludge
# kernel and an ELF one), and a raw binary.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/seeds/kernel_image
mkdir -p "$out"
python3 - "$out" <<'PY'
import struct, sys
out = sys.argv[1]

def write(name, data):
    open(f"{out}/{name}", "wb").write(bytes(data))

def image(magic, text_offset, image_size, flags, version):
    b = bytearray(256)
    struct.pack_into("<QQQI", b, 8, text_offset, image_size, flags, version)
    b[0x38:0x3c] = magic
    return b

write("arm64.bin", image(b"ARM\x64", 0, 0x2010000, 0xa, 0))
write("riscv64.bin", image(b"RSC\x05", 0x200000, 0x1400000, 0, 2))

bz = bytearray(2048)
bz[0x1f1] = 1
struct.pack_into("<I", bz, 0x1f4, (len(bz) - 1024) // 16)
struct.pack_into("<H", bz, 0x1fe, 0xaa55)
bz[0x202:0x206] = b"HdrS"
struct.pack_into("<HxxxxxxxxxB", bz, 0x206, 0x020f, 0x01)
struct.pack_into("<I", bz, 0x214, 0x100000)
struct.pack_into("<IBBH", bz, 0x230, 0x200000, 1, 21, 0x3)
struct.pack_into("<QI", bz, 0x258, 0x1000000, 0x10000)
write("bzimage.bin", bz)

def multiboot(flags, fields):
    b = bytearray(1024)
    struct.pack_into("<III", b, 0x40, 0x1badb002, flags,
                     (-(0x1badb002 + flags)) & 0xffffffff)
    struct.pack_into("<5I", b, 0x4c, *fields)
    return b

write("multiboot-aout.bin", multiboot(0x10002, (0x200040, 0x200000, 0x200400,
                                                0x202000, 0x200100)))
write("multiboot-elf.bin", multiboot(0x3, (0, 0, 0, 0, 0)))
write("raw.bin", b"\x00\x00\x00\x14cvisor raw guest\n")
PY
