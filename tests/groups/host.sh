# Host-side tests: unit tests under sanitizers, the config tool on every
# upstream config, and a short run of each fuzz target.
if make -s host-tests host-tools >"$LOGDIR/host-build.log" 2>&1; then
  pass host/build
  unit_binary unit build/host/unit-tests
  # The core on the host arch (hal/sim, vmm/arch/sim). ASan warns once
  # that it does not fully know ucontext fibers; the tests stand.
  ASAN_OPTIONS=detect_leaks=0 unit_binary vmm build/host/vmm-tests
else
  fail host/build "see $LOGDIR/host-build.log"
fi

# ---- config layer: cvisor-config on upstream, template, bad and project files
CVCFG=build/host/cvisor-config

# config_rejects NAME FILE TEXT: check must exit 1 and print TEXT (file:line...).
config_rejects() {
  local name=$1 file=$2 want=$3 log="$LOGDIR/${1//\//_}.log"
  "$CVCFG" check "$file" >"$log" 2>&1
  local rc=$?
  if [ "$rc" -ne 1 ]; then fail "$name" "exit $rc, see $log"
  elif ! grep -qF -- "$want" "$log"; then fail "$name" "no '$want' in $log"
  else pass "$name"; fi
}

# config_template_ok ARCH: the template passes check, and show's output too.
config_template_ok() {
  local t="$LOGDIR/template-$1.toml"
  "$CVCFG" template --arch "$1" >"$t" && "$CVCFG" check "$t" &&
    "$CVCFG" show "$t" >"$t.shown" && "$CVCFG" check "$t.shown"
}

# config_paths_are FILE EXPECTED...: `paths FILE` prints exactly EXPECTED.
config_paths_are() {
  local file=$1; shift
  [ "$("$CVCFG" paths "$file")" = "$(printf '%s\n' "$@")" ]
}

expect config/axvisor-configs "$CVCFG" check tests/config/axvisor/*.toml

# AxVisor's current configs (rcore-os/tgoskits): each passes check, or is
# refused with the message below; docs/config.md ("AxVisor's configs")
# says why for each. Warnings are matched where the file earns one.
TGOS=tests/config/axvisor/tgoskits
declare -A tgos_refused=(
  [qemu-loongarch64-linux-rootfs-smp1.toml]="$TGOS/qemu-loongarch64-linux-rootfs-smp1.toml:67:3: error: devices.emu_devices[0] \"fw_cfg\": emu_type 0x3 (fw_cfg): cvisor does not emulate fw_cfg; delete the entry (a guest that needs it cannot run here)"
  [qemu-x86_64-linux-smp1.toml]="$TGOS/qemu-x86_64-linux-smp1.toml:44:3: error: kernel.memory_regions[1] [0x0, 0x100000) (alloc) overlaps memory_regions[0] [0x0, 0x8000000) (identical): a guest address has one backing; split memory_regions[0] around this entry, or delete this entry"
)
declare -A tgos_warned=(
  [rdk-s100-linux-smp1.toml]="$TGOS/rdk-s100-linux-smp1.toml:36:3: warning: kernel.memory_regions[2] [0x2040000000, 0x20c0000000) lies inside memory_regions[0] [0x2040000000, 0x2140000000) with the same flags and map_type: ignored; delete it"
)

# config_accepts NAME FILE [TEXT]: check exits 0, prints TEXT if given and
# warns of no unknown key (every key AxVisor writes is known).
config_accepts() {
  local name=$1 file=$2 want=${3:-} log="$LOGDIR/${1//\//_}.log"
  "$CVCFG" check "$file" >"$log" 2>&1
  local rc=$?
  if [ "$rc" -ne 0 ]; then fail "$name" "exit $rc, see $log"
  elif [ -n "$want" ] && ! grep -qF -- "$want" "$log"; then
    fail "$name" "no '$want' in $log"
  elif grep -q "unknown key\|unknown table" "$log"; then
    fail "$name" "unknown key, see $log"
  else pass "$name"; fi
}

tgos_count=0
for f in "$TGOS"/*.toml; do
  b=${f##*/}
  tgos_count=$((tgos_count + 1))
  if [ -n "${tgos_refused[$b]:-}" ]; then
    config_rejects "config/tgoskits/${b%.toml}" "$f" "${tgos_refused[$b]}"
  else
    config_accepts "config/tgoskits/${b%.toml}" "$f" "${tgos_warned[$b]:-}"
  fi
done
[ "$tgos_count" -eq 41 ] && pass config/tgoskits-count ||
  fail config/tgoskits-count "$tgos_count files in $TGOS, expected 41"
for arch in aarch64 riscv64 x86_64; do
  expect "config/template-$arch" config_template_ok "$arch"
done
config_rejects config/bad-syntax tests/config/bad/syntax.toml \
  "tests/config/bad/syntax.toml:3:8: error: unterminated string"
config_rejects config/bad-int-overflow tests/config/bad/int-overflow.toml \
  "tests/config/bad/int-overflow.toml:2:6: error: integer does not fit"
config_rejects config/bad-overlap tests/config/bad/overlap.toml \
  "tests/config/bad/overlap.toml:13:5: error: kernel.memory_regions[1]"
config_rejects config/bad-outside tests/config/bad/outside.toml \
  "tests/config/bad/outside.toml:10:20: error: kernel.kernel_load_addr"
config_rejects config/bad-cpu-count tests/config/bad/cpu-count.toml \
  "tests/config/bad/cpu-count.toml:5:16: error: base.phys_cpu_ids has 1"
config_rejects config/bad-map-type tests/config/bad/map-type.toml \
  "tests/config/bad/map-type.toml:11:51: error: kernel.memory_regions[0]: map_type 7"
config_rejects config/bad-missing tests/config/bad/missing.toml \
  "tests/config/bad/missing.toml:6:2: error: missing required key kernel.kernel_path"
config_rejects config/bad-image-location tests/config/bad/image-location.toml \
  "tests/config/bad/image-location.toml:8:18: error: kernel.image_location"
expect_fail config/bad-all-at-once "$CVCFG" check tests/config/axvisor/nimbos-riscv64-qemu-smp1.toml tests/config/bad/syntax.toml
expect config/paths-memory config_paths_are tests/config/axvisor/nimbos-x86_64-qemu-smp1.toml \
  /tmp/.axvisor-images/qemu_x86_64_nimbos/qemu-x86_64 \
  /tmp/.axvisor-images/qemu_x86_64_nimbos/axvm-bios.bin
expect config/paths-fs config_paths_are tests/config/axvisor/nimbos-riscv64-qemu-smp1.toml
expect config/paths-uefi config_paths_are tests/config/boot/uefi-x86_64.toml \
  build/images/x86_64/kernel.bin build/images/x86_64/initramfs.cpio.gz \
  build/images/x86_64/OVMF_CODE.fd
expect_fail config/paths-invalid "$CVCFG" paths tests/config/bad/overlap.toml
config_usage_is_2() { "$CVCFG" "$@"; [ $? -eq 2 ]; }
expect config/usage-error config_usage_is_2 template --arch sparc
# The project's own VM configs (configs/vms/*.toml), once there are any.
config_project_ok() {
  local files=(configs/vms/*.toml)
  [ -e "${files[0]}" ] || return 0
  "$CVCFG" check "${files[@]}"
}
expect config/project-configs config_project_ok
# Every fuzz target (fuzz/fuzz_*.c), built first, then run two at a
# time: each is one single-threaded process and the machine has two cores.
fuzz_targets=$(ls fuzz/fuzz_*.c | sed 's#fuzz/fuzz_\(.*\)\.c#\1#')
if make -s -j2 $(printf 'build/fuzz/%s ' $fuzz_targets) \
  >"$LOGDIR/fuzz-build.log" 2>&1; then
  printf '%s\n' $fuzz_targets | LOGDIR=$LOGDIR xargs -P2 -I{} sh -c \
    'make -s fuzz-{} FUZZ_SECONDS=20 >"$LOGDIR/fuzz_{}.log" 2>&1; echo $? >"$LOGDIR/fuzz_{}.rc"'
  for t in $fuzz_targets; do
    if [ "$(cat "$LOGDIR/fuzz_$t.rc")" = 0 ]; then pass "fuzz/$t"
    else fail "fuzz/$t" "see $LOGDIR/fuzz_$t.log"; fi
  done
else
  fail fuzz/build "see $LOGDIR/fuzz-build.log"
fi

# ---- guest DTBs: `cvisor-config dtb` runs the hypervisor's generator;
# dtc must read the result without a warning, and the nodes must be there.
mkdir -p build/test-dtb
dtc -I dts -O dtb -o build/test-dtb/user.dtb tests/config/dtb/user.dts 2>"$LOGDIR/dtc-user.log"

# dtb_has NAME CONFIG "CVISOR-CONFIG OPTIONS" TEXT...: the DTS of CONFIG's
# guest DTB decompiles cleanly and holds every TEXT ('!TEXT': must not).
dtb_has() {
  local name=$1 cfg=$2 opts=$3; shift 3
  local out="build/test-dtb/${name//\//_}" log="$LOGDIR/${name//\//_}.log"
  # shellcheck disable=SC2086
  if ! "$CVCFG" dtb "$cfg" "$out.dtb" $opts >"$log" 2>&1; then
    fail "$name" "cvisor-config dtb failed, see $log"; return
  fi
  if ! dtc -I dtb -O dts -o "$out.dts" "$out.dtb" >>"$log" 2>&1 || [ -s "$log" ]; then
    fail "$name" "dtc complains, see $log"; return
  fi
  local t
  for t in "$@"; do
    if [ "${t:0:1}" = "!" ]; then
      grep -qF -- "${t:1}" "$out.dts" && { fail "$name" "unexpected '${t:1}' in $out.dts"; return; }
    else
      grep -qF -- "$t" "$out.dts" || { fail "$name" "no '$t' in $out.dts"; return; }
    fi
  done
  pass "$name"
}

dtb_has dtb/generated-gicv3 configs/vms/hello-aarch64.toml "" \
  'compatible = "linux,dummy-virt"' 'memory@40000000 {' \
  'reg = <0x00 0x40000000 0x00 0x1000000>;' 'cpu@0 {' 'enable-method = "psci"' \
  'method = "hvc"' 'compatible = "arm,gic-v3"' \
  'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0x20000>;' \
  'interrupts = <0x01 0x0d 0x04 0x01 0x0e 0x04 0x01 0x0b 0x04 0x01 0x0a 0x04>;' \
  'pl011@9000000 {' 'interrupts = <0x00 0x01 0x04>;' \
  'stdout-path = "/pl011@9000000";' '!bootargs' '!linux,initrd'
dtb_has dtb/generated-gicv2 configs/vms/hello-aarch64.toml "--gic 2" \
  'compatible = "arm,cortex-a15-gic"' \
  'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x8010000 0x00 0x2000>;' \
  'interrupts = <0x01 0x0d 0x104 0x01 0x0e 0x104' '!arm,gic-v3'
# A VM whose emu_devices choose a GICv2 gets one on the GICv3 host.
dtb_has dtb/chosen-gicv2 tests/config/runtime/gicv2-smp-aarch64.toml "--gic 3" \
  'compatible = "arm,cortex-a15-gic"' \
  'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x8010000 0x00 0x2000>;' \
  'interrupts = <0x01 0x0d 0x304 0x01 0x0e 0x304' '!arm,gic-v3'
dtb_has dtb/generated-smp4 tests/config/dtb/smp4-aarch64.toml "" \
  'bootargs = "console=ttyAMA0 quiet";' \
  'linux,initrd-start = <0x00 0x44000000>;' \
  "linux,initrd-end = <0x00 $(printf '%#x' $((0x44000000 + $(stat -c %s tests/config/dtb/user.dts))))>;" \
  'memory@40000000 {' 'memory@100000000 {' 'reg = <0x01 0x00 0x00 0x4000000>;' \
  'cpu@3 {' 'reg = <0x03>;' '!cpu@4' '!memory@a000000' \
  'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0x80000>;'
dtb_has dtb/user-rewritten tests/config/dtb/user-dtb-aarch64.toml "" \
  'model = "user board";' 'user-device@a000000 {' 'user,kept = "yes";' \
  'bootargs = "from the config";' 'memory@40000000 {' 'phandle = <0x01>;' \
  'user,cpu = <0x01>;' '!from the user' '!memory@80000000' '!cpu@1' '!cortex-a53'
# Passthrough devices get their host nodes: moved to the guest address,
# interrupts forwarded, the fixed clock copied under a new phandle, and
# nothing that points at host nodes the guest lacks (pins, the host GIC).
dtc -I dts -O dtb -o build/test-dtb/host.dtb tests/config/dtb/host.dts 2>"$LOGDIR/dtc-host.log"
dtb_has dtb/passthrough-nodes tests/config/dtb/pt-aarch64.toml \
  "--host-dtb build/test-dtb/host.dtb" \
  'pl031@c000000 {' 'compatible = "arm,pl031\0arm,primecell";' \
  'reg = <0x00 0xc000000 0x00 0x1000>;' 'interrupts = <0x00 0x02 0x04>;' \
  'gpio@9030000 {' 'reg = <0x00 0x9030000 0x00 0x1000>;' \
  'interrupts = <0x00 0x07 0x01>;' 'gpio-controller;' \
  'pt-clock-0 {' 'phandle = <0x100>;' 'clocks = <0x100>;' \
  'clock-names = "apb_pclk";' '!pinctrl-0' '!pt-clock-1' '!pl031@9010000'
# Without the host's tree there is nothing to describe them with.
dtb_has dtb/passthrough-no-host tests/config/dtb/pt-aarch64.toml "" \
  'pl011@9000000 {' '!pl031' '!gpio@'
# A dtb_path that is not a device tree: exit 1, naming the config and file.
dtb_rejected() {
  "$CVCFG" dtb tests/config/dtb/bad-dtb-aarch64.toml build/test-dtb/bad.dtb
  [ $? -eq 1 ]
}
expect dtb/user-not-a-dtb dtb_rejected
grep -qF "tests/config/dtb/bad-dtb-aarch64.toml: error: device tree tests/config/dtb/user.dts: not a device tree (bad magic)" \
  "$LOGDIR/dtb_user-not-a-dtb.log" && pass dtb/user-not-a-dtb-message ||
  fail dtb/user-not-a-dtb-message "see $LOGDIR/dtb_user-not-a-dtb.log"
