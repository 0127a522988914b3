/* A tiny host unit-test harness.
 *
 * Each test is a function registered with UNIT_TEST(name). Checks record a
 * failure and continue, so one run reports every broken expectation. The
 * binary prints "PASS name" or "FAIL name" per test, then the totals; the
 * runner (tests/run.sh) counts the PASS/FAIL lines. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

extern int unit_failed_checks;
void unit_register(struct unit_test *t);

#define UNIT_TEST(name)                                                \
	static void name(void);                                        \
	static struct unit_test unit_##name = { #name, name, NULL };   \
	__attribute__((constructor)) static void unit_reg_##name(void) \
	{                                                              \
		unit_register(&unit_##name);                           \
	}                                                              \
	static void name(void)

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			printf("  %s:%d: check failed: %s\n", __FILE__, \
			       __LINE__, #cond);                        \
			unit_failed_checks++;                           \
		}                                                       \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                    \
	do {                                                                  \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b); \
		if (unit_a_ != unit_b_) {                                     \
			printf("  %s:%d: %s == %lld, expected %lld\n",        \
			       __FILE__, __LINE__, #a, unit_a_, unit_b_);     \
			unit_failed_checks++;                                 \
		}                                                             \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                 \
	do {                                                               \
		const char *unit_a_ = (a), *unit_b_ = (b);                 \
		if (!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_)) {    \
			printf("  %s:%d: %s == \"%s\", expected \"%s\"\n", \
			       __FILE__, __LINE__, #a,                     \
			       unit_a_ ? unit_a_ : "(null)",               \
			       unit_b_ ? unit_b_ : "(null)");              \
			unit_failed_checks++;                              \
		}                                                          \
	} while (0)

#endif
