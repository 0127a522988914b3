# QEMU scenarios on aarch64 with a disk: VMs whose images come from the
# FAT32 of a virtio-blk disk (image_location = "fs"), and disks that are
# missing, corrupt or truncated. A bad disk refuses the fs VMs only; the
# memory VM beside them runs and the machine powers off cleanly.
A=aarch64
HELLO=configs/vms/hello-aarch64.toml
HELLO_FS=configs/vms/hello-fs-aarch64.toml
DDIR=build/test-disk
mkdir -p "$DDIR"
export MTOOLS_SKIP_CHECK=1

# fat_set IMG CLUSTER VALUE: sets the cluster's entry in every FAT.
fat_set() {
  python3 - "$@" <<'PY'
import struct, sys
path, cluster, value = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, 'r+b') as f:
    bpb = f.read(512)
    bps, rsvd, nfats = struct.unpack_from('<HH', bpb, 11)[0], struct.unpack_from('<H', bpb, 14)[0], bpb[16]
    fatsz = struct.unpack_from('<I', bpb, 36)[0]
    for i in range(nfats):
        f.seek((rsvd + i * fatsz) * bps + cluster * 4)
        f.write(struct.pack('<I', value))
PY
}

# first_cluster IMG PATH: the first cluster of a file (mshowfat "<a-b>").
first_cluster() {
  mshowfat -i "$1" "::$2" | sed -n 's/.*<\([0-9]*\).*/\1/p'
}

make_disks() {
  make -s ARCH=$A cvisor disk_img DISK_IMG=$DDIR/disk.img || return 1
  # The boot sector zeroed.
  cp $DDIR/disk.img $DDIR/zero-bpb.img
  dd if=/dev/zero of=$DDIR/zero-bpb.img bs=512 count=1 conv=notrunc status=none
  # hello.bin's chain loops: its last cluster points back at its first.
  cp $DDIR/disk.img $DDIR/loop.img
  local c n
  c=$(first_cluster $DDIR/loop.img /guests/aarch64/hello.bin)
  n=$(( ($(stat -c %s build/guests/$A/hello.bin) + 511) / 512 ))
  [ -n "$c" ] && fat_set $DDIR/loop.img $((c + n - 1)) "$c"
  # Half the image.
  cp $DDIR/disk.img $DDIR/truncated.img
  truncate -s 20M $DDIR/truncated.img
  # hello.bin after 448 KiB of filler, under a long name.
  python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 13 + 5) & 0xff for i in range(0x70000)))' \
    >$DDIR/tail.bin
  cat build/guests/$A/hello.bin >>$DDIR/tail.bin
  mcopy -i $DDIR/disk.img $DDIR/tail.bin "::/Hello Tail.bin"
  # The reset guest after 448 KiB of filler, twice, the fillers unlike.
  local v
  for v in A B; do
    python3 -c 'import sys; k = ord(sys.argv[1]); sys.stdout.buffer.write(bytes((i * k + 7) & 0xff for i in range(0x70000)))' \
      $v >"$DDIR/reset-$v.bin"
    cat build/guests/$A/reset.bin >>"$DDIR/reset-$v.bin"
    mcopy -i $DDIR/disk.img "$DDIR/reset-$v.bin" "::/Reset Tail $v.bin"
  done
  # A file larger than the RAM of the VM that loads it.
  cp $DDIR/disk.img $DDIR/big.img
  head -c 2097152 /dev/zero >$DDIR/big.bin
  mcopy -i $DDIR/big.img $DDIR/big.bin ::/big.bin
}

if make_disks >"$LOGDIR/aarch64-disk-build.log" 2>&1; then
  pass aarch64-disk/build
else
  fail aarch64-disk/build "see $LOGDIR/aarch64-disk-build.log"
fi

# hello loaded from the disk, on QEMU's default legacy virtio-mmio and on
# version 2, beside a VM from memory.
qemu_scenario aarch64-disk/hello-fs 60 \
  "ARCH=$A SMP=1 DISK=$DDIR/disk.img VM_CONFIGS=$HELLO_FS" \
  "disk: virtio-blk at 0xa003e00 (virtio-mmio v1)" "KiB, read-only" \
  "!write path checked" "disk: FAT32" \
  "Hello, world!" "VM 4 (hello-fs) powered off" \
  "all VMs have shut down; powering off"
QEMU_ARGS="-global virtio-mmio.force-legacy=false" \
qemu_scenario aarch64-disk/hello-fs-virtio-v2 60 \
  "ARCH=$A SMP=2 DISK=$DDIR/disk.img VM_CONFIGS=$HELLO_FS:$HELLO" \
  "(virtio-mmio v2)" "[vm4] Hello, world!" "[vm1] Hello, world!" \
  "VM 4 (hello-fs) powered off" "all VMs have shut down; powering off"

# A writable disk (readonly=off), legacy and modern transports: the
# driver takes VIRTIO_BLK_F_FLUSH and rewrites the disk's last sector
# with its own bytes through the bounce buffer (which then holds sector
# 0), flushes and reads it back. A write that went astray would change
# the image: it must equal the original byte for byte, and pass fsck.
# disk_unchanged IMG: the image equals disk.img and fsck.fat finds nothing.
disk_unchanged() {
  cmp "$1" $DDIR/disk.img && fsck.fat -n "$1"
}
for v in 1 2; do
  cp $DDIR/disk.img $DDIR/rw-v$v.img
  opts=""
  [ $v = 2 ] && opts="-global virtio-mmio.force-legacy=false"
  QEMU_ARGS="$opts" \
  qemu_scenario aarch64-disk/writable-v$v 60 \
    "ARCH=$A SMP=1 DISK=$DDIR/rw-v$v.img DISK_RO=off VM_CONFIGS=$HELLO_FS" \
    "(virtio-mmio v$v)" "KiB, writable, write cache flushed" \
    "disk: write path checked (sector" "Hello, world!" \
    "all VMs have shut down; powering off" "!rewriting sector"
  expect aarch64-disk/writable-v$v-image-unchanged disk_unchanged $DDIR/rw-v$v.img
done

# A larger file: many device requests, and the guest at its very end.
qemu_scenario aarch64-disk/large-file 60 \
  "ARCH=$A SMP=1 DISK=$DDIR/disk.img VM_CONFIGS=tests/config/runtime/hello-tail-fs-aarch64.toml" \
  "Hello, world!" "VM 5 (hello-tail) powered off" "all VMs have shut down"

# Two VMs from the disk reboot at about the same time, one on each pCPU,
# and reload their images from the one volume at once (fs/fat32.c locks
# it); each checks it restarted afresh. The race the lock closes is too
# narrow to show here without it: the unit test fat32_threads_share_a_volume
# is the one that catches it.
RT=tests/config/runtime
qemu_scenario aarch64-disk/reset-fs-both-pcpus 60 \
  "ARCH=$A SMP=2 DISK=$DDIR/disk.img VM_CONFIGS=$RT/reset-fs-a-aarch64.toml:$RT/reset-fs-b-aarch64.toml" \
  "VM 6 (reset-fs-a) is rebooting" "VM 7 (reset-fs-b) is rebooting" \
  "[vm6] reset: PASS" "[vm7] reset: PASS" "all VMs have shut down" "!FAIL"

# No disk: the fs VM is refused, saying why; the memory VM runs.
qemu_scenario aarch64-disk/no-disk 60 \
  "ARCH=$A SMP=1 VM_CONFIGS=$HELLO_FS:$HELLO" \
  "VM hello-fs: kernel /guests/aarch64/hello.bin is on the disk, which is not usable: no disk (virtio-blk device) is attached" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down" \
  "!VM 4 (hello-fs) powered off"

# Corrupt disks: the error names the disk, the place and the problem.
qemu_scenario aarch64-disk/zeroed-bpb 60 \
  "ARCH=$A SMP=1 DISK=$DDIR/zero-bpb.img VM_CONFIGS=$HELLO_FS:$HELLO" \
  "disk: boot sector: no jump instruction (byte 0 is 0x00): not a FAT file system" \
  "VM hello-fs: kernel /guests/aarch64/hello.bin is on the disk, which is not usable: disk: boot sector: no jump" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down" \
  "!VM 4 (hello-fs) powered off"
qemu_scenario aarch64-disk/looping-chain 60 \
  "ARCH=$A SMP=1 DISK=$DDIR/loop.img VM_CONFIGS=$HELLO_FS:$HELLO" \
  "VM hello-fs: kernel: disk: /guests/aarch64/hello.bin: cluster chain loops" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down" \
  "!VM 4 (hello-fs) powered off"
qemu_scenario aarch64-disk/truncated 60 \
  "ARCH=$A SMP=1 DISK=$DDIR/truncated.img VM_CONFIGS=$HELLO_FS:$HELLO" \
  "disk: boot sector: the file system has $(stat -c %s $DDIR/disk.img) bytes, the disk only 20971520 (truncated image?)" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down" \
  "!VM 4 (hello-fs) powered off"

# A good disk, but a file that is not there, and one too large for the VM.
qemu_scenario aarch64-disk/missing-file 60 \
  "ARCH=$A SMP=1 DISK=$DDIR/disk.img VM_CONFIGS=tests/config/runtime/missing-fs-aarch64.toml:$HELLO" \
  "VM missing-fs: kernel: disk: /guests/aarch64/nope.bin: no \"nope.bin\" in its directory" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down"
qemu_scenario aarch64-disk/file-too-large 60 \
  "ARCH=$A SMP=1 DISK=$DDIR/big.img VM_CONFIGS=tests/config/runtime/big-fs-aarch64.toml:$HELLO" \
  "VM big-fs: kernel /big.bin (2097152 bytes) does not fit in guest RAM at 0x40000000" \
  "Hello, world!" "VM 1 (hello) powered off" "all VMs have shut down"

# Booting Linux from the disk (/images/linux-aarch64/) follows once Linux
# boots under cvisor from memory.

# U-Boot with a disk (docs/guests/u-boot.md): kernel.disk_path names a
# FAT32 image file on cvisor's disk, seen by the VM as a read-only
# virtio-blk. U-Boot lists it, loads Debian's kernel and the initramfs
# from it and boots them with booti, as a user types it.
uboot_disks() {
  local lnx=build/images/linux-aarch64
  [ -e $lnx/Image ] || bash scripts/guest-images.sh linux-aarch64 || return 1
  rm -f $DDIR/uboot-inner.img $DDIR/uboot.img $DDIR/uboot-nodisk.img
  truncate -s 40M $DDIR/uboot-inner.img && truncate -s 80M $DDIR/uboot.img &&
    mkfs.fat -F 32 -n LINUX $DDIR/uboot-inner.img >/dev/null &&
    mcopy -i $DDIR/uboot-inner.img $lnx/Image $lnx/initramfs.cpio.gz ::/ &&
    mkfs.fat -F 32 -n CVISOR $DDIR/uboot.img >/dev/null &&
    mmd -i $DDIR/uboot.img ::/u-boot &&
    mcopy -i $DDIR/uboot.img /usr/lib/u-boot/qemu_arm64/u-boot.bin ::/u-boot/qemu_arm64.bin &&
    cp $DDIR/uboot.img $DDIR/uboot-nodisk.img &&
    mcopy -i $DDIR/uboot.img $DDIR/uboot-inner.img ::/u-boot/linux-disk.img
}
UBOOT_LNX=configs/vms/uboot-linux-aarch64.toml
if uboot_disks >"$LOGDIR/uboot-disks.log" 2>&1; then
  qemu_console aarch64-disk/uboot-linux 180 \
    "ARCH=$A SMP=1 DISK=$DDIR/uboot.img VM_CONFIGS=$UBOOT_LNX" '
wait => 
type virtio info\r
wait Capacity: 40.0 MB
type ls virtio 0\r
wait initramfs.cpio.gz
type load virtio 0 ${kernel_addr_r} Image\r
wait bytes read
type load virtio 0 ${ramdisk_addr_r} initramfs.cpio.gz\r
waitn 2 bytes read
type booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}\r' \
    "disk /u-boot/linux-disk.img (81920 sectors, read-only) as virtio-blk at 0xa000000" \
    "Device 0: CVIS VirtIO Block Device" "32956352   Image" \
    "Starting kernel" "cvisor-linux: 1 CPUs up" \
    "cvisor-linux: work done, checksums agree" "VM 24 (uboot-linux) powered off" \
    "all VMs have shut down" "!PANIC"
  # The disk file is not there: that VM is refused, saying which file;
  # hello beside it runs.
  qemu_scenario aarch64-disk/uboot-missing-disk 60 \
    "ARCH=$A SMP=1 DISK=$DDIR/uboot-nodisk.img VM_CONFIGS=$UBOOT_LNX:$HELLO" \
    "VM uboot-linux: kernel.disk_path: disk: /u-boot/linux-disk.img: no \"linux-disk.img\" in its directory" \
    "VM uboot-linux: cannot create its disk at 0xa000000" \
    "Hello, world!" "all VMs have shut down" "!PANIC"
else
  fail aarch64-disk/uboot-linux "see $LOGDIR/uboot-disks.log"
fi
