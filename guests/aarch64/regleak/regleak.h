/* What the files of the regleak guest share: the register table (regs.c)
 * and the helpers in asm.S. */
#ifndef REGLEAK_H
#define REGLEAK_H

#include <guest.h>

/* Groups, in the order they are reported. */
enum group {
	G_THREAD,
	G_MMU,
	G_EXCEPTION,
	G_CONTROL,
	G_TIMER,
	G_DEBUG,
	G_PMU,
	G_GIC,
	G_PAUTH,
	G_FP,
	G_PSTATE,
	G_SVE_SME,
	G_MTE,
	G_RAS,
	G_LOR,
	G_IMPDEF,
	G_NEWER,
	G_COUNT
};

/* The feature whose ID register field says the register exists, as the
 * guest's own ID registers tell (main.c reads them). */
enum feat {
	F_BASE,       /* every Armv8.0 CPU with a GICv3 interface */
	F_UNLISTED,   /* no ID field checked: IMPDEF or newer than QEMU 7.2 */
	F_QEMU_LACKS, /* Armv8.0 debug, but undefined in QEMU 7.2 (no trap
			  * to EL2 either): checked as F_UNLISTED */
	F_PAUTH,
	F_PAN,
	F_UAO,
	F_DIT,
	F_SSBS,
	F_MTE,
	F_MTE2,
	F_SVE,
	F_SME,
	F_RAS,
	F_LOR,
	F_SCXT,
	F_PMU,
	F_COUNT
};

enum state { S_ABSENT, S_READ_ONLY, S_FIXED, S_CHECKED };

struct reg {
	const char *name;
	uint8_t group, feat;
	uint64_t (*read)(void);
	void (*write)(uint64_t);
	uint64_t mask; /* the bits the test writes its pattern to */
	uint64_t set;  /* bits kept set while it does */
	bool vbar;     /* VBAR_EL1: the patterns are vector tables */
	/* Found at run time. */
	uint8_t state;
	uint64_t first;        /* the value before we wrote anything */
	uint64_t sticky;       /* bits of 'mask' that keep what is written */
	uint64_t mine, theirs; /* the two VMs' values */
	bool failed;
};

extern struct reg regleak_regs[];
extern const unsigned regleak_nr_regs;
extern const char *const regleak_group_names[G_COUNT];

/* asm.S */
extern char regleak_vectors[];             /* two tables, 2 KiB apart */
void regleak_fp_fill(const uint64_t *src); /* q0-q31 <- 64 words */
void regleak_fp_dump(uint64_t *dst);       /* q0-q31 -> 64 words */
void regleak_call_on_stack(void (*fn)(void), void *stack_top);

#endif
