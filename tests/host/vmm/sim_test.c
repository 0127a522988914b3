/* Shared by the unit tests of the core (sim_test.h). */
#include "sim_test.h"

static const uint8_t sim_image[16];

const struct embedded_file sim_test_images[] = {
	{ "sim.bin", sim_image, sizeof(sim_image) },
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
