# Static checks: cppcheck over the C sources of every layer, each arch's
# (the host arch, sim, among them)
# files with that arch's headers. Any finding fails; a finding is
# suppressed only inline, with a one-line reason (cppcheck-suppress ID ; why).
# (-Wall -Wextra -Werror is in every compile line of the Makefile: cvisor,
# guests, host tools, unit tests and fuzz targets, so the builds check that.)
CPPCHECK_INC="-Ilibc/include -Ikernel/include -Ihal/include -Ilib/include -Ivmm/include -I."

# unusedStructMember is off: our structs mirror layouts that assembly or
# hardware fill in (trap frames, descriptors), where unread members hold places.
cppcheck_clean() {
  cppcheck --enable=warning,style,performance,portability \
    --suppress=unusedStructMember --inline-suppr --error-exitcode=1 \
    --quiet --std=c11 -D__GNUC__ \
    --template='{file}:{line}: {severity}: {id}: {message}' "$@"
}

if ! command -v cppcheck >/dev/null; then
  fail static/cppcheck "cppcheck not installed (scripts/deps.sh)"
else
  for arch in aarch64 riscv64 x86_64 sim; do
    # shellcheck disable=SC2086
    expect "static/cppcheck-$arch" cppcheck_clean $CPPCHECK_INC \
      -Ihal/$arch/include -Ivmm/arch/$arch/include -Ivmm/arch/$arch \
      $(ls hal/$arch/*.c vmm/arch/$arch/*.c 2>/dev/null)
  done
  # shellcheck disable=SC2086
  expect static/cppcheck-generic cppcheck_clean $CPPCHECK_INC \
    -Ihal/aarch64/include -Ivmm/arch/aarch64/include \
    libc/*.c lib/*.c kernel/*.c kernel/*/*.c config/*.c vmm/*.c \
    tools/*.c tests/host/*.c tests/host/vmm/*.c fuzz/*.c
  # The test guests, each arch's runtime with the shared code.
  for lib in guests/*/lib; do
    arch=${lib#guests/}; arch=${arch%/lib}
    [ "$arch" = common ] && continue
    # shellcheck disable=SC2086
    expect "static/cppcheck-guests-$arch" cppcheck_clean -Iguests/include \
      -I$lib $(ls guests/common/*/*.c guests/$arch/*/*.c)
  done
fi

# The tree follows .clang-format (the kernel's style); any file that
# clang-format would change fails, naming the file.
formatted() {
  local bad=0 f
  for f in $(git ls-files '*.c' '*.h' | grep -v '^fuzz/seeds/\|^tests/config/'); do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || { echo "$f: not formatted (clang-format -i $f)"; bad=1; }
  done
  return $bad
}
if ! command -v clang-format >/dev/null; then
  fail static/clang-format "clang-format not installed (scripts/deps.sh)"
else
  expect static/clang-format formatted
fi
