/* Runs every registered unit test, or those named on the command line. */
#include "unit.h"

int unit_failed_checks;
static struct unit_test *unit_head, **unit_tail = &unit_head;

void unit_register(struct unit_test *t)
{
	*unit_tail = t;
	unit_tail = &t->next;
}

static int unit_selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (struct unit_test *t = unit_head; t; t = t->next) {
		if (!unit_selected(t->name, argc, argv))
			continue;
		int before = unit_failed_checks;
		t->fn();
		if (unit_failed_checks == before) {
			printf("PASS %s\n", t->name);
			passed++;
		} else {
			printf("FAIL %s\n", t->name);
			failed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
