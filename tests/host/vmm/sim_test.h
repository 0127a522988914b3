/* The unit tests of the core on the host arch: each boots the simulated
 * machine (hal/sim) with its own VM configs and vCPU scripts, in a child
 * process of its own, so that every test starts from a fresh kernel. */
#ifndef SIM_TEST_H
#define SIM_TEST_H

#include <hal/sim/sim.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vmm/images.h>
#include <vmm/vm.h>
#include "../unit.h"
#include "../../../vmm/arch/sim/sim_guest.h"
#include "../../../vmm/arch/sim/sim_vmm.h"

/* Runs fn(arg) in a child process of its own, which ends after
 * SIM_CHILD_SECONDS at the most (a hang fails, it does not stall the
 * suite). True when the child ended normally with none of its checks
 * failed. */
#define SIM_CHILD_SECONDS 30
bool sim_in_child(void (*fn)(void *), void *arg);

/* A test whose body runs in a child (sim_in_child). */
#define SIM_TEST(name)                                 \
	static void name##_body(void);                 \
	static void name##_run(void *arg)              \
	{                                              \
		(void)arg;                             \
		name##_body();                         \
	}                                              \
	UNIT_TEST(name)                                \
	{                                              \
		CHECK(sim_in_child(name##_run, NULL)); \
	}                                              \
	static void name##_body(void)

/* A config as the build would embed it. */
#define SIM_CONFIG(path, text)                                  \
	{                                                       \
		path, (const uint8_t *)(text), sizeof(text) - 1 \
	}

/* A VM of one or more vCPUs named 'name', id 'id', its image "sim.bin"
 * (a few bytes: scripts stand for the guest) at 0x4008_0000 in 2 MiB of
 * RAM; 'cpus' and 'pcpus' are the TOML of cpu_num and phys_cpu_ids. */
#define SIM_VM_TOML(id, name, cpus, pcpus) \
	SIM_VM_TOML_KERNEL(id, name, cpus, pcpus, "sim.bin")
/* The same with another of sim_test_images[] as its kernel. */
#define SIM_VM_TOML_KERNEL(id, name, cpus, pcpus, kernel)                    \
	"[base]\nid = " #id "\nname = \"" name "\"\nvm_type = 1\n"           \
	"cpu_num = " #cpus "\nphys_cpu_ids = " pcpus "\n"                    \
	"[kernel]\nentry_point = 0x4008_0000\nimage_location = \"memory\"\n" \
	"kernel_path = \"" kernel "\"\nkernel_load_addr = 0x4008_0000\n"     \
	"memory_regions = [[0x4000_0000, 0x20_0000, 0x7, 0]]\n"              \
	"[devices]\ninterrupt_mode = \"emulated\"\n"

/* "sim.bin" (16 zero bytes), "sim.Image" (sim_arm64_image),
 * "sim-riscv64.Image", "sim.bzImage", "sim.multiboot": one kernel of each
 * format (sim_test.c). */
extern const struct embedded_file sim_test_images[];
extern const uint8_t sim_arm64_image[4096];

/* Boots 'cpus' CPUs with these configs (ended by a NULL name) and vCPU
 * scripts, and runs until the machine powers off (true) or 'turns' turns
 * of 10 us have passed. */
bool sim_test_run(unsigned cpus, const struct embedded_file *configs,
		  struct sim_guest *guests, uint64_t turns);
/* Whether the console shows 'text'. */
bool sim_console_has(const char *text);

#define STEP(op_, ...)                 \
	{                              \
		.op = op_, __VA_ARGS__ \
	}
#define EXPECT(v) .check = true, .expect = (v)

#endif
