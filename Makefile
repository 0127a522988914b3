# cvisor — one Makefile for the hypervisor, its guests, host tools and tests.
#
#   make run                      build and boot the default demo (aarch64)
#   make ARCH=a VM_CONFIGS=x.toml[:y.toml] LOG=info SMP=2 run
#   make test                     host unit tests, fuzz smoke, QEMU scenarios
#   make host-tools               build/host/cvisor-config
#   make fuzz | fuzz-config       libFuzzer targets (FUZZ_SECONDS=N)

ARCH       ?= aarch64
SMP        ?= 2
MEM        ?= 1G
LOG        ?= info
QEMU_ARGS  ?=
BUILD      := build
HOST_BUILD := $(BUILD)/host

.PHONY: all run test host-tools host-tests fuzz fuzz-config clean deps
all: host-tools

deps:
	@bash scripts/deps.sh

# ---------------------------------------------------------------- host side
# Everything that can run on the host does, under ASan and UBSan.
HOST_CC     ?= clang
HOST_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wvla \
               -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all -I. -Iinclude
HOST_LIB_SRCS := $(wildcard config/*.c)
HOST_TEST_SRCS := $(wildcard tests/host/*.c)

host-tools: $(HOST_BUILD)/cvisor-config
host-tests: $(HOST_BUILD)/unit-tests

$(HOST_BUILD)/cvisor-config: tools/cvisor-config.c $(HOST_LIB_SRCS) $(wildcard config/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ tools/cvisor-config.c $(HOST_LIB_SRCS)

$(HOST_BUILD)/unit-tests: $(HOST_TEST_SRCS) $(HOST_LIB_SRCS) $(wildcard config/*.h tests/host/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Itests/host -o $@ $(HOST_TEST_SRCS) $(HOST_LIB_SRCS)

# libFuzzer targets: fuzz/fuzz_<name>.c, one per parser of outside input.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_CFLAGS  := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -I. -Iinclude

$(BUILD)/fuzz/%: fuzz/fuzz_%.c $(HOST_LIB_SRCS) $(wildcard config/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(HOST_LIB_SRCS)

fuzz-%: $(BUILD)/fuzz/%
	@mkdir -p $(BUILD)/fuzz/corpus-$*
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=5 \
	   $(BUILD)/fuzz/corpus-$* fuzz/seeds/$*

fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS))

# ---------------------------------------------------------------- tests
test: deps
	@bash tests/run.sh

clean:
	rm -rf $(BUILD)
