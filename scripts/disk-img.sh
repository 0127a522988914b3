#!/usr/bin/env bash
# Builds the FAT32 disk image cvisor reads images from (docs/disk.md),
# with mkfs.fat and mtools: no root, no mount.
#   disk-img.sh ARCH OUT.img
# Layout:
#   /guests/ARCH/NAME.bin    build/guests/ARCH/NAME.bin (the in-tree guests)
#   /images/linux-ARCH/...   build/images/linux-ARCH/* (when prepared)
#   /configs/NAME.toml       configs/vms/*.toml
set -euo pipefail
arch=$1 out=$2
export MTOOLS_SKIP_CHECK=1

files=(build/guests/"$arch"/*.bin)
[ -e "${files[0]}" ] || { echo "disk-img.sh: no guests in build/guests/$arch" >&2; exit 1; }
linux=()
if [ -d "build/images/linux-$arch" ]; then
  for f in build/images/linux-"$arch"/*; do [ -f "$f" ] && linux+=("$f"); done
fi
configs=(configs/vms/*.toml)

# Room for the files and as much again, at least 40 MiB: FAT32 needs
# 65525 clusters, 32 MiB of 512-byte ones.
bytes=$(cat "${files[@]}" "${linux[@]}" "${configs[@]}" | wc -c)
mib=$(( (bytes * 2) / 1048576 + 8 ))
[ "$mib" -ge 40 ] || mib=40
spc=1
[ "$mib" -lt 256 ] || spc=8

mkdir -p "$(dirname "$out")"
tmp=$out.tmp
rm -f "$tmp"
truncate -s "${mib}M" "$tmp"
mkfs.fat -F 32 -s "$spc" -n CVISOR "$tmp" >/dev/null
mmd -i "$tmp" ::/guests "::/guests/$arch" ::/configs
mcopy -i "$tmp" "${files[@]}" "::/guests/$arch/"
mcopy -i "$tmp" "${configs[@]}" ::/configs/
if [ ${#linux[@]} -gt 0 ]; then
  mmd -i "$tmp" ::/images "::/images/linux-$arch"
  mcopy -i "$tmp" "${linux[@]}" "::/images/linux-$arch/"
fi
mv "$tmp" "$out"
echo "$out: ${mib} MiB FAT32 with ${#files[@]} guests, ${#linux[@]} Linux files, ${#configs[@]} configs"
