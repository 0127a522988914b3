# QEMU scenarios on x86_64 with a disk: the FAT32 image on a
# virtio-blk-pci device on q35's PCI bus (drivers/virtio_pci.c), as
# tests/groups/qemu-aarch64-disk.sh and qemu-aarch64-shell.sh have it
# over virtio-mmio: images and configs from the disk, the shell's file
# commands on a writable one.
X=x86_64
XHELLO=configs/vms/hello-x86_64.toml
XDIR=build/test-x86_64-disk
mkdir -p "$XDIR"
export MTOOLS_SKIP_CHECK=1

x86_disks() {
  make -s ARCH=$X images >/dev/null &&
    make -s ARCH=$X cvisor disk_img DISK_IMG=$XDIR/disk.img >/dev/null || return 1
  sed -e 's/^id = 4/id = 7/' -e 's/"hello-fs"/"hello7"/' \
    configs/vms/hello-fs-x86_64.toml >$XDIR/h7.toml
  printf '[base]\nid = 8\nname = "bad"\ncpu_num = "two"\n' >$XDIR/bad.toml
  mmd -i $XDIR/disk.img ::/guest ::/guest/vm_default ::/guest/extra &&
    mcopy -i $XDIR/disk.img $XDIR/bad.toml ::/guest/vm_default/bad.toml &&
    mcopy -i $XDIR/disk.img $XDIR/h7.toml $XDIR/bad.toml ::/guest/extra/
}
if ! x86_disks >"$LOGDIR/x86_64-disk-build.log" 2>&1; then
  fail x86_64-disk/build "see $LOGDIR/x86_64-disk-build.log"
  return 0
fi
pass x86_64-disk/build

# Debian's kernel and initramfs read from the disk (image_location
# "fs"), beside hello from memory: the device found on PCI bus 0, its
# modern interface through its capabilities, read-only as QEMU says.
qemu_scenario x86_64-disk/linux-fs 180 \
  "ARCH=$X SMP=1 DISK=$XDIR/disk.img VM_CONFIGS=configs/vms/linux-fs-x86_64.toml:$XHELLO" \
  "disk: virtio-blk at " "(virtio-pci)" "KiB, read-only" "disk: FAT32" \
  "VM linux-fs: Linux bzImage /images/linux-x86_64/bzImage at 0x1000000" \
  "[vm37] cvisor-linux: work done, checksums agree" "VM 37 (linux-fs) powered off" \
  "[vm1] Hello, world!" "all VMs have shut down" "!Call Trace"

# Configs from the disk in the shell: /guest/vm_default/*.toml at boot
# (a bad one refused with its file and line), vm create from any path;
# a VM created, run and deleted gives back all the memory it took.
qemu_console x86_64-disk/shell-disk 90 \
  "ARCH=$X STAY=1 VM_CONFIGS=$XHELLO DISK=$XDIR/disk.img" "
wait cvisor stays up
wait cvisor> 
type vm create /guest/extra/bad.toml\r
wait /guest/extra/bad.toml:4:11: error:
type vm create /guest/extra/none.toml\r
wait vm create: /guest/extra/none.toml:
type vm create /guest/extra/h7.toml\r
wait VM 7 created from /guest/extra/h7.toml
type vm start 7\r
wait VM 7 (hello7) powered off
type vm delete 7\r
wait VM 7 deleted; memory in use is as before it was created
type shutdown\r
" "/guest/vm_default/bad.toml:4:11: error:" "Hello, world!" \
  "[vm7] Hello, world!" "memory: all that the VMs took is back" "!PANIC"

# The file commands on a writable disk (DISK_RO=off): the write path
# checked at boot, files and directories made, copied, moved and
# removed; then the image passes fsck.fat -n with nothing to say, and
# mtools reads what the shell wrote.
cp $XDIR/disk.img $XDIR/edit.img
qemu_console x86_64-disk/shell-files 90 \
  "ARCH=$X STAY=1 VM_CONFIGS=$XHELLO DISK=$XDIR/edit.img DISK_RO=off" "
wait cvisor stays up
wait cvisor> 
type cd /configs\r
type cat hello-x86_64.toml\r
wait kernel_path = \"build/guests/x86_64/hello.bin\"
type echo hello from the shell > ../notes.txt\r
type cat /notes.txt\r
wait hello from the shell
type mkdir /d /d/e\r
type touch /d/e/empty\r
type cp /notes.txt /d\r
type mv /d/notes.txt /d/kept.txt\r
type ls /d\r
wait 21  kept.txt
type rm /d/e\r
wait rm: disk: /d/e: the directory is not empty
type rm /d/e/empty /d/e\r
type ls /d\r
waitn 2 21  kept.txt
type shutdown\r
" "disk: write path checked" "KiB, writable" "memory: all that the VMs took is back" \
  "!PANIC"
if ! python3 tests/lib/fsck_after_cut.py $XDIR/edit.img --strict \
    >"$LOGDIR/x86_64-disk-files-fsck.log" 2>&1; then
  fail x86_64-disk/shell-files-fsck "see $LOGDIR/x86_64-disk-files-fsck.log"
elif [ "$(mtype -i $XDIR/edit.img ::/d/kept.txt)" != "hello from the shell" ] ||
     mdir -i $XDIR/edit.img ::/d/e >/dev/null 2>&1; then
  fail x86_64-disk/shell-files-fsck "the image does not hold what the shell wrote"
else
  pass x86_64-disk/shell-files-fsck
fi
