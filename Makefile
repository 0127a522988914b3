# cvisor — one Makefile for the hypervisor, its guests, host tools and tests.
#
#   make run                      build and boot the default demo (aarch64)
#   make ARCH=a VM_CONFIGS=x.toml[:y.toml] LOG=info SMP=2 run
#   make test                     host unit tests, fuzz smoke, QEMU scenarios
#   make bench                    instructions per operation (docs/bench.md)
#   make host-tools               build/host/cvisor-config
#   make fuzz | fuzz-<target>     libFuzzer targets: config, fdt, fat32, kernel_image... (FUZZ_SECONDS=N)
#   make disk_img                 disk.img: FAT32 with guests and configs
#   make DISK=disk.img run        boot with that disk attached (virtio-blk)
#   make debug                    QEMU halted, gdb-multiarch attached
#   make STAY=1 run               cvisor stays up with its shell when no VM runs
#   make SERIAL2=file run         a second serial port (x86_64: COM2) written to file
# Every build of cvisor also writes compile_commands.json (for editors).

ARCH       ?= aarch64
SMP        ?= 2
MEM        ?= 1G
LOG        ?= info
QEMU_ARGS  ?=
GIC        ?= 3
DISK       ?=
ICOUNT     ?=
STAY       ?=
DISK_RO    ?= on
SERIAL2    ?=
DISK_IMG   ?= disk.img
BUILD      := build
HOST_BUILD := $(BUILD)/host

.PHONY: all run debug test bench host-tools host-tests fuzz clean deps guests cvisor disk_img images
all: host-tools cvisor

deps:
	@bash scripts/deps.sh

# Real guests from Debian's packages into build/images/linux-$(ARCH)/ (fast when built).
images:
	@bash scripts/guest-images.sh linux-$(ARCH)

# ---------------------------------------------------------------- host side
# Everything that can run on the host does, under ASan and UBSan.
# hal/host/include comes first: the host's stand-ins for kernel headers
# (<kernel/spinlock.h> over a pthread mutex).
HOST_CC     ?= clang
HOST_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wvla \
               -fno-omit-frame-pointer -fsanitize=address,undefined -pthread \
               -fno-sanitize-recover=all -D_DEFAULT_SOURCE -I. -Ihal/host/include \
               -Ikernel/include -Ilib/include -Ivmm/include
# The pure parts of the hypervisor (no hardware, no kernel services) that the
# host tools, unit tests and fuzzers share with it.
HOST_LIB_SRCS := $(wildcard config/*.c) lib/fdt.c lib/fdt_write.c lib/utf8.c vmm/linux_image.c \
                 vmm/kernel_image.c \
                 vmm/guest_dtb.c vmm/guest_dtb_passthrough.c vmm/ptdev.c vmm/ptdev_dma.c \
                 vmm/arch/aarch64/guest_dtb.c vmm/arch/x86_64/acpi_tables.c
HOST_FS_SRCS := $(wildcard fs/*.c)
HOST_TEST_SRCS := $(wildcard tests/host/*.c)
# FAT32 images the unit tests read (mkfs.fat + mtools, sparse files).
FAT32_TEST_IMAGES := $(HOST_BUILD)/fat32/test.img

host-tools: $(HOST_BUILD)/cvisor-config
host-tests: $(HOST_BUILD)/unit-tests $(FAT32_TEST_IMAGES)

HOST_LIB_HDRS := $(wildcard config/*.h lib/include/lib/*.h fs/*.h hal/host/include/*/*.h) \
                 vmm/include/vmm/linux_image.h vmm/include/vmm/kernel_image.h \
                 vmm/include/vmm/guest_dtb.h vmm/include/vmm/ptdev.h vmm/arch/aarch64/virt_platform.h

$(FAT32_TEST_IMAGES): tests/host/fat32-images.sh
	@bash $< $(@D)

$(HOST_BUILD)/cvisor-config: tools/cvisor-config.c $(HOST_LIB_SRCS) $(HOST_LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ tools/cvisor-config.c $(HOST_LIB_SRCS)

$(HOST_BUILD)/unit-tests: $(HOST_TEST_SRCS) $(HOST_LIB_SRCS) $(HOST_FS_SRCS) \
		$(HOST_LIB_HDRS) $(wildcard tests/host/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Itests/host -o $@ $(HOST_TEST_SRCS) \
	    $(HOST_LIB_SRCS) $(HOST_FS_SRCS)

# The core on the host arch: cvisor's kernel and generic VMM, unchanged, on
# the simulated machine of hal/sim (CPUs as fibers taking turns) with the
# VMM arch of vmm/arch/sim (vCPUs playing scripts), tested by
# tests/host/vmm/. aarch64's stage-2 tables and guest DTB platform are
# pure C and run here too.
SIM_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wvla \
              -Wno-unused-parameter -fno-omit-frame-pointer \
              -fsanitize=address,undefined -fno-sanitize-recover=all \
              -D_DEFAULT_SOURCE -DCVISOR_LOG_LEVEL=LOG_INFO -I. \
              -Ihal/sim/include -Ihal/include -Ikernel/include -Ilib/include \
              -Ivmm/include -Ivmm/arch/sim/include
SIM_SRCS := $(filter-out kernel/no_vmm/%,$(wildcard kernel/*.c)) $(wildcard lib/*.c) \
            $(wildcard config/*.c) $(wildcard fs/*.c) $(wildcard vmm/*.c) \
            $(wildcard vmm/arch/sim/*.c) vmm/arch/aarch64/stage2.c \
            vmm/arch/aarch64/guest_dtb.c hal/sim/sim.c
SIM_TEST_SRCS := $(wildcard tests/host/vmm/*.c) tests/host/unit_main.c

host-tests: $(HOST_BUILD)/vmm-tests
$(HOST_BUILD)/vmm-tests: $(SIM_SRCS) $(SIM_TEST_SRCS) $(wildcard hal/sim/*.h \
		hal/sim/include/arch/*.h vmm/arch/sim/*.h vmm/arch/sim/include/arch/*.h \
		tests/host/vmm/*.h kernel/include/kernel/*.h vmm/include/vmm/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(SIM_CFLAGS) -Wl,--wrap=page_alloc,--wrap=page_alloc_unzeroed,--wrap=kzalloc -o $@ $(SIM_SRCS) $(SIM_TEST_SRCS)

# libFuzzer targets: fuzz/fuzz_<name>.c, one per parser of outside input.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_CFLAGS  := -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
                -pthread -fno-sanitize-recover=all -D_DEFAULT_SOURCE -I. -Ihal/host/include \
                -Ikernel/include -Ilib/include -Ivmm/include
FUZZ_MAX_LEN ?= 8192
FUZZ_MAX_LEN_fat32 := 16384
# Room for a Multiboot header at the end of its 8 KiB and bytes after it.
FUZZ_MAX_LEN_kernel_image := 12288

$(BUILD)/fuzz/%: fuzz/fuzz_%.c $(HOST_LIB_SRCS) $(HOST_FS_SRCS) $(HOST_LIB_HDRS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(HOST_LIB_SRCS) $(HOST_FS_SRCS)

$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: $(BUILD)/fuzz/%
	@mkdir -p $(BUILD)/fuzz/corpus-$*
	$< -max_total_time=$(FUZZ_SECONDS) \
	   -max_len=$(or $(FUZZ_MAX_LEN_$*),$(FUZZ_MAX_LEN)) -timeout=5 \
	   $(BUILD)/fuzz/corpus-$* fuzz/seeds/$*

fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS))


# ---------------------------------------------------------------- cvisor
# The hypervisor for ARCH, with the VMs of VM_CONFIGS embedded.
CROSS_aarch64 := aarch64-linux-gnu-
CROSS_riscv64 := riscv64-linux-gnu-
CROSS_x86_64  := x86_64-linux-gnu-
CROSS   ?= $(CROSS_$(ARCH))
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
ARCH_BUILD := $(BUILD)/$(ARCH)

LOG_LEVEL_error := LOG_ERROR
LOG_LEVEL_warn  := LOG_WARN
LOG_LEVEL_info  := LOG_INFO
LOG_LEVEL_debug := LOG_DEBUG
LOG_LEVEL_trace := LOG_TRACE

ARCH_CFLAGS_aarch64 := -mgeneral-regs-only -mstrict-align -march=armv8-a -mno-outline-atomics
ARCH_CFLAGS_riscv64 := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
ARCH_CFLAGS_x86_64  := -mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mgeneral-regs-only \
                       -mcmodel=small -fno-pic -Wa,--noexecstack
# Asked of the compiler when first used, not when the Makefile is read: on
# a fresh machine `make run` installs the compiler (deps) before that.
GCC_INCLUDE = $(eval GCC_INCLUDE := $$(shell $(CC) -print-file-name=include))$(GCC_INCLUDE)

# No frame pointer: an instruction or two less per call on the exit paths
# (gdb unwinds from the DWARF call frames).
CFLAGS = -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc \
          -isystem $(GCC_INCLUDE) -fno-stack-protector -fno-pie -fno-common \
          -fomit-frame-pointer \
          -Wall -Wextra -Werror -Wshadow -Wvla -Wno-unused-parameter \
          -Ilibc/include -Ikernel/include -Ihal/include -Ihal/$(ARCH)/include \
          -Ilib/include -Ivmm/include -Ivmm/arch/$(ARCH)/include -I. \
          $(ARCH_CFLAGS_$(ARCH)) \
          -DCVISOR_LOG_LEVEL=$(LOG_LEVEL_$(LOG)) $(if $(STAY),-DCVISOR_STAY=1) -MMD -MP
ASFLAGS = $(CFLAGS) -D__ASSEMBLY__

# Architectures whose VMM is in place link vmm/; the others link
# kernel/no_vmm.c, which says so and powers off.
VMM_ARCHES := aarch64 riscv64 x86_64
ifneq ($(filter $(ARCH),$(VMM_ARCHES)),)
VMM_SRCS := $(wildcard vmm/*.c vmm/arch/$(ARCH)/*.c vmm/arch/$(ARCH)/*.S)
else
VMM_SRCS := kernel/no_vmm/no_vmm.c
endif

SRCS := $(wildcard libc/*.c lib/*.c kernel/*.c config/*.c fs/*.c drivers/*.c) \
        $(wildcard hal/$(ARCH)/*.c hal/$(ARCH)/*.S) $(VMM_SRCS)
OBJS := $(patsubst %,$(ARCH_BUILD)/obj/%.o,$(SRCS))
ELF  := $(ARCH_BUILD)/cvisor.elf

# Objects depend on the flags they were built with (LOG, ARCH flags...):
# the stamp changes only when the flags or the source list do.
FLAGS_STAMP := $(ARCH_BUILD)/flags.stamp
$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(CFLAGS) $(SRCS)' | cmp -s - $@ || echo '$(CFLAGS) $(SRCS)' > $@

$(ARCH_BUILD)/obj/%.c.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(ARCH_BUILD)/obj/%.S.o: %.S $(FLAGS_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(CC) $(ASFLAGS) -c -o $@ $<

-include $(OBJS:.o=.d)

# ---- guests -> build/guests/<ARCH>/<name>.bin (docs/guests/test-guests.md)
# A guest <name> is built from guests/common/<name>/ (its arch-neutral
# part, on every arch with a runtime) and guests/<ARCH>/<name>/ (its arch
# part, or all of it), with guests/common/lib/ and the arch's runtime
# guests/<ARCH>/lib/.
# A folder with its own image.ld (x86_64's bios16, a real-mode first
# stage) is a standalone image: its .S files linked alone, no runtime.
GUEST_ALONE := $(patsubst guests/$(ARCH)/%/image.ld,%,$(wildcard guests/$(ARCH)/*/image.ld))
GUEST_NAMES := $(if $(wildcard guests/$(ARCH)/lib/),$(sort $(filter-out lib $(GUEST_ALONE),$(notdir \
                 $(patsubst %/,%,$(wildcard guests/common/*/ guests/$(ARCH)/*/))))))
GUESTS := $(patsubst %,$(BUILD)/guests/$(ARCH)/%.bin,$(GUEST_NAMES) $(GUEST_ALONE))
GUEST_CFLAGS = -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
                -fno-stack-protector -fno-pie -Wall -Wextra -Werror \
                -Wl,--no-warn-rwx-segments -Wl,--build-id=none $(ARCH_CFLAGS_$(ARCH)) \
                -Iguests/$(ARCH)/lib -Iguests/include $(GUEST_LDFLAGS_$(ARCH))
# riscv64's and x86_64's gcc link position-independent by default: their pointer tables
# would wait for a dynamic loader that a guest does not have.
GUEST_LDFLAGS_riscv64 := -static -no-pie
GUEST_LDFLAGS_x86_64  := -static -no-pie
# A guest's own link base, where an arch's guest.ld takes one (GUEST_BASE):
# x86_64's axstand goes where AxVisor's x86_64 configs load their kernels.
GUEST_BASE_x86_64_axstand := 0x200000
comma := ,
GUEST_LIB_SRCS = $(wildcard guests/common/lib/*.[cS] guests/$(ARCH)/lib/*.[cS])
guest_srcs = $(wildcard guests/common/$(1)/*.[cS] guests/$(ARCH)/$(1)/*.[cS])

guests: $(GUESTS)
# The ELFs stay beside the binaries: their symbols are for gdb (make debug).
.SECONDARY: $(GUESTS:.bin=.elf)
$(BUILD)/guests/$(ARCH)/%.bin: $(BUILD)/guests/$(ARCH)/%.elf
	$(OBJCOPY) -O binary $< $@
.SECONDEXPANSION:
$(BUILD)/guests/$(ARCH)/%.elf: $$(call guest_srcs,$$*) $$(wildcard guests/common/$$*/*.h \
		guests/$(ARCH)/$$*/*.h) $(wildcard guests/include/*.h guests/common/lib/* \
		guests/$(ARCH)/lib/*) guests/$(ARCH)/guest.ld
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -Iguests/common/$* -T guests/$(ARCH)/guest.ld -o $@ \
	    $(if $(GUEST_BASE_$(ARCH)_$*),-Wl$(comma)--defsym=GUEST_BASE=$(GUEST_BASE_$(ARCH)_$*)) \
	    $(GUEST_LIB_SRCS) $(call guest_srcs,$*)

# Their C (aarch64's axstand) is position-independent by the code model:
# addresses taken PC-relative, no pointer tables.
GUEST_ALONE_CFLAGS = -std=gnu11 -O2 -ffreestanding -fno-builtin -fno-stack-protector \
                -fno-pie -Wall -Wextra -Werror $(ARCH_CFLAGS_$(ARCH))
$(patsubst %,$(BUILD)/guests/$(ARCH)/%.elf,$(GUEST_ALONE)): $(BUILD)/guests/$(ARCH)/%.elf: \
		$$(wildcard guests/$(ARCH)/$$*/*.[cS]) guests/$(ARCH)/%/image.ld
	@mkdir -p $(@D)
	$(CC) $(GUEST_ALONE_CFLAGS) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
	    -T guests/$(ARCH)/$*/image.ld -o $@ $(wildcard guests/$(ARCH)/$*/*.[cS])

# ---- the VMs to embed: VM_CONFIGS (':'-separated); the default demo
DEFAULT_VMS_aarch64 := configs/vms/hello-aarch64.toml:configs/vms/hello2-aarch64.toml
DEFAULT_VMS_riscv64 := configs/vms/hello-riscv64.toml:configs/vms/hello2-riscv64.toml
DEFAULT_VMS_x86_64  := configs/vms/hello-x86_64.toml:configs/vms/hello2-x86_64.toml
VM_CONFIGS ?= $(DEFAULT_VMS_$(ARCH))
EMBED_S := $(ARCH_BUILD)/embed.S

# Regenerated whenever the list or any file it names changes.
.PHONY: FORCE
$(EMBED_S): FORCE $(HOST_BUILD)/cvisor-config guests
	@mkdir -p $(@D)
	@bash scripts/embed.sh $(HOST_BUILD)/cvisor-config "$(VM_CONFIGS)" $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm $@.tmp || mv $@.tmp $@

$(ARCH_BUILD)/embed.o: $(EMBED_S)
	@$(CC) $(ASFLAGS) -c -o $@ $<

$(ELF): $(OBJS) $(ARCH_BUILD)/embed.o hal/$(ARCH)/linker.ld
	@echo "  LD      $@"
	@$(LD) -nostdlib --no-warn-rwx-segments -T hal/$(ARCH)/linker.ld -o $@ $(OBJS) $(ARCH_BUILD)/embed.o
	@python3 scripts/compile-commands.py compile_commands.json "$(CC) $(CFLAGS)" $(SRCS) \
	    --host "$(HOST_CC) $(SIM_CFLAGS)" $(SIM_SRCS) $(SIM_TEST_SRCS) \
	    --host "$(HOST_CC) $(HOST_CFLAGS) -Itests/host" $(HOST_TEST_SRCS) tools/cvisor-config.c

cvisor: $(ELF)

# The disk for image_location = "fs" VMs (docs/disk.md).
disk_img: deps guests
	@bash scripts/disk-img.sh $(ARCH) $(DISK_IMG)

run: deps $(ELF)
	@GIC=$(GIC) DISK=$(DISK) DISK_RO=$(DISK_RO) ICOUNT=$(ICOUNT) SERIAL2=$(SERIAL2) bash scripts/run-qemu.sh $(ARCH) $(ELF) $(SMP) $(MEM) "$(QEMU_ARGS)"

# QEMU halted with its gdb stub, gdb-multiarch attached (docs/debugging.md).
# GUEST_ELF=file adds a guest's symbols; GDB_ARGS are passed to gdb.
GDB_ARGS ?=
debug: deps $(ELF) $(GUEST_ELF)
	@GIC=$(GIC) DISK=$(DISK) ICOUNT=$(ICOUNT) GUEST_ELF=$(GUEST_ELF) bash scripts/debug.sh \
	    $(ARCH) $(ELF) $(SMP) $(MEM) "$(QEMU_ARGS)" $(GDB_ARGS)

# ---------------------------------------------------------------- tests
test: deps
	@bash tests/run.sh

bench: deps
	@bash scripts/bench.sh $(ARCH)

clean:
	rm -rf $(BUILD)
