# Host-side tests: unit tests under sanitizers, the config tool on every
# upstream config, and a short run of each fuzz target.
if make -s host-tests host-tools >"$LOGDIR/host-build.log" 2>&1; then
  pass host/build
  unit_binary unit build/host/unit-tests
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
expect fuzz/config make -s fuzz-config FUZZ_SECONDS=20
expect fuzz/fat32 make -s fuzz-fat32 FUZZ_SECONDS=20
expect fuzz/fdt make -s fuzz-fdt FUZZ_SECONDS=20
