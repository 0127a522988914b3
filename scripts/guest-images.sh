#!/usr/bin/env bash
# Prepares real guest images from Debian's packages into build/images/.
#
#   scripts/guest-images.sh linux-aarch64 | linux-riscv64 | linux-x86_64
#
# linux-aarch64: Debian's stock arm64 kernel, decompressed to the raw
# `Image` the arm64 boot protocol wants, and a busybox initramfs whose /init
# prints "cvisor-linux: N CPUs up", does a little work and powers off.
# linux-x86_64: Debian's stock amd64 kernel (vmlinuz is a bzImage, booted
# as it is) and the same initramfs with amd64's busybox.
# Nothing is built or patched. Idempotent: returns at once when the images
# are there and newer than this script.
#
# linux-riscv64: Debian has no riscv64 kernel or busybox (bookworm has no
# riscv64 architecture), so the kernel is built from Debian's
# linux-source-6.1 with gcc-riscv64-linux-gnu and the small config
# guests/linux-riscv64/kernel.config, and /init is a static C program of
# ours (guests/linux-riscv64/init.c) with the same messages. Rebuilt when
# the config, init.c or this script change; the build tree stays in
# build/images/linux-riscv64/ so a rebuild is incremental.
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/.."

# apt knows Debian's arm64 packages (adding the architecture needs root,
# once).
ensure_arm64_apt() {
  dpkg --print-foreign-architectures | grep -qx arm64 && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "guest-images.sh: needs 'dpkg --add-architecture arm64' (run as root once)" >&2
    exit 1
  fi
  dpkg --add-architecture arm64
  apt-get update -q
}

# Downloads the .deb of PKG (arm64) into DIR unless it is there.
fetch_arm64_deb() {
  local dir=$1 pkg=$2
  ls "$dir/${pkg}"_*_arm64.deb >/dev/null 2>&1 && return 0
  mkdir -p "$dir"
  (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$pkg:arm64")
}

# The versioned kernel package that Debian's linux-image-arm64 depends on.
arm64_kernel_package() {
  apt-cache depends linux-image-arm64:arm64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-arm64\).*/\1/p' | head -n1
}

# The same for amd64, the native architecture: no dpkg setup needed.
fetch_amd64_deb() {
  local dir=$1 pkg=$2
  ls "$dir/${pkg}"_*_amd64.deb >/dev/null 2>&1 && return 0
  mkdir -p "$dir"
  (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$pkg:amd64")
}

amd64_kernel_package() {
  apt-cache depends linux-image-amd64:amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-amd64\).*/\1/p' | head -n1
}

# Writes the initramfs /init (busybox sh) to FILE.
write_init() {
  cat >"$1" <<'EOF'
#!/bin/busybox sh
# cvisor test initramfs: count the CPUs, do a little work, power off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
# The VM's power button (docs/shell.md), where the kernel's modules for
# it came along: a press powers off, as a desktop's logind would. It is
# gpio-keys on aarch64, ACPI's "Power Button" on x86_64.
for m in /lib/modules/*.ko; do [ -e "$m" ] && insmod "$m"; done
for ev in /sys/class/input/event*; do
  grep -qx -e gpio-keys -e "Power Button" "$ev/device/name" 2>/dev/null ||
    continue
  (dd if=/dev/input/${ev##*/} bs=24 count=1 >/dev/null 2>&1
   echo "cvisor-linux: power button pressed, powering off"
   poweroff -f) &
  echo "cvisor-linux: power button watched"
done
n=$(grep -c '^processor' /proc/cpuinfo)
echo "cvisor-linux: $n CPUs up (online $(cat /sys/devices/system/cpu/online))"
# With cvisor.shell on the command line, commands typed on the console
# run first, until "exit" (a test types them: the PL011 driver's receive
# path under cvisor). Read a line at a time by the tty itself, so what is
# typed early waits in its buffer (an interactive sh's line editing
# would swallow it while it queries the terminal).
case " $(cat /proc/cmdline) " in
  *" cvisor.shell "*)
    echo "cvisor-linux: commands on the console, until exit"
    while read -r line && [ "$line" != exit ]; do eval "$line"; done
    echo "cvisor-linux: commands done" ;;
esac
# A little work on every CPU: four processes checksum 4 MiB each. Their
# own pids are waited for: the power button's watcher is a child too.
workers=
for i in 1 2 3 4; do
  (dd if=/dev/zero bs=64k count=64 2>/dev/null | sha256sum >/tmp/sum$i) &
  workers="$workers $!"
done
wait $workers
if [ "$(cat /tmp/sum* | sort -u)" = "bb9f8df61474d25e71fa00722318cd387396ca1736605e1248821cc0de3d3af8  -" ]; then
  echo "cvisor-linux: work done, checksums agree"
else
  echo "cvisor-linux: work FAILED: $(cat /tmp/sum*)"
fi
# A passthrough RTC (configs/vms/linux-pt-aarch64.toml): its driver bound
# from the guest DTB, and its alarm interrupt taken. (x86's emulated CMOS
# RTC has no alarm interrupt.)
if grep -qs pl031 /sys/class/rtc/rtc0/name; then
  echo "cvisor-linux: rtc0 is $(cat /sys/class/rtc/rtc0/name), $(cat /sys/class/rtc/rtc0/since_epoch) s since 1970"
  echo +1 >/sys/class/rtc/rtc0/wakealarm
  sleep 2
  echo "cvisor-linux: rtc alarm interrupts taken: $(grep pl031 /proc/interrupts | awk '{print $2}')"
fi
echo "cvisor-linux: powering off"
poweroff -f
EOF
  chmod 755 "$1"
}

# Builds initramfs.cpio.gz in OUT from the busybox-static .deb of ARCH
# (arm64, amd64) in DEBS, with the kernel modules in MODDIR (if any) in
# /lib/modules.
build_initramfs() {
  local debs=$1 out=$2 arch=$3 moddir=${4:-} root
  root=$(mktemp -d)
  dpkg-deb -x "$debs"/busybox-static_*_"$arch".deb "$root/pkg"
  mkdir -p "$root/fs"/{bin,dev,proc,sys,tmp,lib/modules}
  cp "$root/pkg/bin/busybox" "$root/fs/bin/busybox"
  [ -n "$moddir" ] && cp "$moddir"/*.ko "$root/fs/lib/modules/"
  write_init "$root/fs/init"
  # newc with every file owned by root; no device nodes are needed
  # (devtmpfs provides /dev).
  (cd "$root/fs" && find . -mindepth 1 | LC_ALL=C sort |
     cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$out.tmp"
  mv "$out.tmp" "$out"
  rm -rf "$root"
}

linux_aarch64() {
  local out=build/images/linux-aarch64 debs=build/images/debs/arm64
  if [ -s "$out/Image" ] && [ -s "$out/initramfs.cpio.gz" ] &&
     [ "$out/Image" -nt "$self" ] && [ "$out/initramfs.cpio.gz" -nt "$self" ]; then
    return 0
  fi
  mkdir -p "$out"
  ensure_arm64_apt
  local kpkg
  kpkg=$(arm64_kernel_package)
  [ -n "$kpkg" ] || { echo "guest-images.sh: no linux-image-*-arm64 in apt" >&2; exit 1; }
  fetch_arm64_deb "$debs" "$kpkg"
  fetch_arm64_deb "$debs" busybox-static

  local kroot
  kroot=$(mktemp -d)
  dpkg-deb -x "$(ls "$debs"/"$kpkg"_*_arm64.deb | head -n1)" "$kroot"
  # Debian names the arm64 kernel vmlinuz: a raw Image in bookworm, gzip'd
  # in older releases. The boot protocol wants the raw Image.
  local vmlinuz=("$kroot"/boot/vmlinuz-*)
  if gzip -t "${vmlinuz[0]}" 2>/dev/null; then
    gzip -dc "${vmlinuz[0]}" >"$out/Image.tmp"
  else
    cp "${vmlinuz[0]}" "$out/Image.tmp"
  fi
  mv "$out/Image.tmp" "$out/Image"
  cp "$kroot"/boot/config-* "$out/config"
  # The power button's driver and the input events it sends, modules in
  # Debian's kernel (neither depends on another).
  mkdir -p "$kroot/mods"
  cp "$kroot"/lib/modules/*/kernel/drivers/input/evdev.ko \
     "$kroot"/lib/modules/*/kernel/drivers/input/keyboard/gpio_keys.ko "$kroot/mods/"
  build_initramfs "$debs" "$out/initramfs.cpio.gz" arm64 "$kroot/mods"
  rm -rf "$kroot"
  echo "guest-images.sh: $out/Image ($kpkg) and initramfs.cpio.gz ready"
}

linux_x86_64() {
  local out=build/images/linux-x86_64 debs=build/images/debs/amd64
  if [ -s "$out/bzImage" ] && [ -s "$out/initramfs.cpio.gz" ] &&
     [ "$out/bzImage" -nt "$self" ] && [ "$out/initramfs.cpio.gz" -nt "$self" ]; then
    return 0
  fi
  mkdir -p "$out"
  local kpkg
  kpkg=$(amd64_kernel_package)
  [ -n "$kpkg" ] || { echo "guest-images.sh: no linux-image-*-amd64 in apt" >&2; exit 1; }
  fetch_amd64_deb "$debs" "$kpkg"
  fetch_amd64_deb "$debs" busybox-static

  local kroot
  kroot=$(mktemp -d)
  dpkg-deb -x "$(ls "$debs"/"$kpkg"_*_amd64.deb | head -n1)" "$kroot"
  local vmlinuz=("$kroot"/boot/vmlinuz-*)
  cp "${vmlinuz[0]}" "$out/bzImage.tmp"
  mv "$out/bzImage.tmp" "$out/bzImage"
  cp "$kroot"/boot/config-* "$out/config"
  # The ACPI power button's driver and the input events it sends, modules
  # in Debian's kernel (neither depends on another).
  mkdir -p "$kroot/mods"
  cp "$kroot"/lib/modules/*/kernel/drivers/acpi/button.ko \
     "$kroot"/lib/modules/*/kernel/drivers/input/evdev.ko "$kroot/mods/"
  build_initramfs "$debs" "$out/initramfs.cpio.gz" amd64 "$kroot/mods"
  rm -rf "$kroot"
  echo "guest-images.sh: $out/bzImage ($kpkg) and initramfs.cpio.gz ready"
}

# /usr/src/linux-source-6.1.tar.xz, from Debian's package (as root).
RV_SOURCE_PKG=linux-source-6.1
RV_SOURCE_TAR=/usr/src/$RV_SOURCE_PKG.tar.xz
ensure_linux_source() {
  [ -s "$RV_SOURCE_TAR" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "guest-images.sh: needs $RV_SOURCE_TAR: apt-get install $RV_SOURCE_PKG (as root)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$RV_SOURCE_PKG"
}

# Whether FILE exists and is newer than every other argument.
newer_than_all() {
  local f=$1; shift
  [ -s "$f" ] || return 1
  for dep in "$@"; do [ "$f" -nt "$dep" ] || return 1; done
}

# The kernel's config: allnoconfig with the fragment's choices.
rv_kernel_config() {
  local src=$1 obj=$2 frag=$3
  make -s -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- \
    KCONFIG_ALLCONFIG="$(realpath "$frag")" allnoconfig
  # Every line of the fragment must have survived (a typo or a
  # dependency not met would silently drop it).
  local line sym
  while IFS= read -r line; do
    case $line in CONFIG_*=n) sym=${line%=n}
      grep -qx "# $sym is not set" "$obj/.config" || { echo "guest-images.sh: $frag: $line did not take" >&2; exit 1; } ;;
    CONFIG_*) grep -qx "$line" "$obj/.config" || { echo "guest-images.sh: $frag: $line did not take" >&2; exit 1; } ;;
    esac
  done <"$frag"
}

# Builds initramfs.cpio.gz in OUT around the static /init built from
# INIT_C.
rv_initramfs() {
  local init_c=$1 out=$2 root
  root=$(mktemp -d)
  mkdir -p "$root"/{dev,proc,sys,tmp}
  riscv64-linux-gnu-gcc -static -O2 -s -Wall -Wextra -Werror -o "$root/init" "$init_c"
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
     cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$out.tmp"
  mv "$out.tmp" "$out"
  rm -rf "$root"
}

linux_riscv64() {
  local out=build/images/linux-riscv64 dir=guests/linux-riscv64
  local frag=$dir/kernel.config init_c=$dir/init.c
  if newer_than_all "$out/Image" "$self" "$frag" &&
     newer_than_all "$out/initramfs.cpio.gz" "$self" "$init_c"; then
    return 0
  fi
  mkdir -p "$out"
  if ! newer_than_all "$out/initramfs.cpio.gz" "$self" "$init_c"; then
    rv_initramfs "$init_c" "$out/initramfs.cpio.gz"
  fi
  if ! newer_than_all "$out/Image" "$self" "$frag"; then
    ensure_linux_source
    local src=$out/linux-source-6.1 obj
    obj=$(realpath -m "$out/obj")
    if [ ! -f "$src/Makefile" ] || [ "$src/Makefile" -ot "$RV_SOURCE_TAR" ]; then
      rm -rf "$src"
      tar -xJf "$RV_SOURCE_TAR" -C "$out"
      touch "$src/Makefile"
    fi
    mkdir -p "$obj"
    rv_kernel_config "$src" "$obj" "$frag"
    local start=$SECONDS
    make -s -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -j2 Image
    cp "$obj/arch/riscv/boot/Image" "$out/Image.tmp"
    mv "$out/Image.tmp" "$out/Image"
    cp "$obj/.config" "$out/config"
    echo "guest-images.sh: $out/Image built in $((SECONDS - start)) s"
  fi
  echo "guest-images.sh: $out/Image and initramfs.cpio.gz ready"
}

# One build of a target at a time: a second caller (make test's early
# start of the riscv64 kernel, then its group) waits for the first and
# then finds the images ready.
if [ -n "${1:-}" ]; then
  mkdir -p build/images
  exec 9>"build/images/.${1//\//_}.lock"
  flock 9
fi

case ${1:-} in
  linux-aarch64) linux_aarch64 ;;
  linux-x86_64) linux_x86_64 ;;
  linux-riscv64) linux_riscv64 ;;
  *) echo "usage: $0 linux-aarch64|linux-riscv64|linux-x86_64" >&2; exit 2 ;;
esac
