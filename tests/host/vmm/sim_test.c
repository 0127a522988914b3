/* Shared by the unit tests of the core (sim_test.h). */
#include <signal.h>
#include "sim_test.h"

static const uint8_t sim_image[16];

/* A kernel of each format, its header and zeroes (test_images.c): an
 * arm64 Image (text_offset 0x8_0000, image_size 0x2000), a riscv64 Image
 * (text_offset 0x20_0000, image_size 0x2000, header 0.2), a bzImage of
 * protocol 2.15 (one setup sector, syssize 192, relocatable at 2 MiB
 * multiples from 16 MiB, init_size 64 KiB, 64-bit entry), and a Multiboot
 * kernel with the a.out kludge, linked at 0x4008_0000 and entered 0x20 in. */
const uint8_t sim_arm64_image[4096] = {
	[0x0a] = 0x08, [0x11] = 0x20, [0x38] = 'A', 'R', 'M', 0x64,
};
static const uint8_t sim_riscv64_image[4096] = {
	[0x0a] = 0x20, [0x11] = 0x20, [0x20] = 2, [0x38] = 'R', 'S', 'C', 0x05,
};
static const uint8_t sim_bzimage[4096] = {
	[0x1f1] = 1,
	[0x1f4] = 0xc0,
	[0x1fe] = 0x55,
	0xaa,
	[0x202] = 'H',
	'd',
	'r',
	'S',
	0x0f,
	0x02,
	[0x211] = 0x01,
	[0x216] = 0x10,
	[0x232] = 0x20,
	[0x234] = 1,
	[0x236] = 0x03,
	[0x25b] = 0x01,
	[0x262] = 0x01,
};
static const uint8_t sim_multiboot[1024] = {
	0x02, 0xb0, 0xad, 0x1b,             /* magic */
	0x00, 0x00, 0x01, 0x00,             /* flags: the a.out kludge */
	0xfe, 0x4f, 0x51, 0xe4,             /* checksum */
	0x00, 0x00, 0x08, 0x40,             /* header_addr */
	0x00, 0x00, 0x08, 0x40,             /* load_addr */
	0,    0,    0,    0,    0, 0, 0, 0, /* load_end_addr, bss_end_addr: 0 */
	0x20, 0x00, 0x08, 0x40,             /* entry_addr */
};

const struct embedded_file sim_test_images[] = {
	{ "sim.bin", sim_image, sizeof(sim_image) },
	{ "sim.Image", sim_arm64_image, sizeof(sim_arm64_image) },
	{ "sim-riscv64.Image", sim_riscv64_image, sizeof(sim_riscv64_image) },
	{ "sim.bzImage", sim_bzimage, sizeof(sim_bzimage) },
	{ "sim.multiboot", sim_multiboot, sizeof(sim_multiboot) },
	{ NULL, NULL, 0 },
};

bool sim_test_run(unsigned cpus, const struct embedded_file *configs,
		  struct sim_guest *guests, uint64_t turns)
{
	sim_guests_set(guests);
	sim_boot(cpus, 64, configs, sim_test_images);
	bool off = sim_run(turns, 10000);
	if (getenv("SIM_CONSOLE"))
		printf("%s", sim_console());
	if (!off)
		printf("  sim: still running after %llu turns; console:\n%s\n",
		       (unsigned long long)turns, sim_console());
	return off;
}

bool sim_console_has(const char *text)
{
	bool has = strstr(sim_console(), text) != NULL;

	if (!has)
		printf("  sim: the console lacks \"%s\"; it shows:\n%s\n", text,
		       sim_console());
	return has;
}

bool sim_in_child(void (*fn)(void *), void *arg)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* Its own checks only: the parent's failures so far would
		 * fail every child after the first failing test. */
		unit_failed_checks = 0;
		alarm(SIM_CHILD_SECONDS);
		fn(arg);
		fflush(stdout);
		_exit(unit_failed_checks ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("  sim: the child ended by signal %d%s\n",
		       WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (it hung)" : "");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
