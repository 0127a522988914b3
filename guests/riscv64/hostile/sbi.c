/* Bad SBI calls: unknown extensions and functions, bad arguments to every
 * extension cvisor answers, HSM abuse, bad hypercalls; each gets the SBI
 * spec's (v2.0) error, the hypercalls AxVisor's -1. */
#include "hostile.h"

#define HSM_START   0
#define HSM_STATUS  2
#define HSM_SUSPEND 3

static long err(unsigned long ext, unsigned long fid, unsigned long a0,
		unsigned long a1, unsigned long a2)
{
	return guest_sbi(ext, fid, a0, a1, a2).error;
}

static bool known(unsigned long ext)
{
	return ext <= 0x10 || ext == SBI_EXT_TIME || ext == SBI_EXT_IPI ||
	       ext == SBI_EXT_HSM || ext == SBI_EXT_SRST ||
	       ext == SBI_EXT_DBCN || ext == SBI_EXT_RFENCE ||
	       ext == 0x485643ul;
}

static void unknown_extensions(void)
{
	static const unsigned long named[] = {
		0x11,
		0x100,
		0x504d55 /* PMU */,
		0x43505043 /* CPPC */,
		0x535553 /* SUSP */,
		0x4e41434c /* NACL */,
		0x535345 /* SSE */,
		0x08000000,
		0x08ffffff,
		0x09000000,
		0x0a000000,
		0x0affffff,
		0xffffffff,
		~0ul,
	};
	bool ok = true;

	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		ok &= expect_eq("unknown extension", err(named[i], 0, 1, 2, 3),
				SBI_ERR_NOT_SUPPORTED);
		ok &= expect_eq("probe of an unknown extension",
				guest_sbi(SBI_EXT_BASE, 3, named[i], 0, 0).value,
				0);
	}
	for (unsigned i = 0; i < 2000; i++) {
		unsigned long ext = junk();
		if (i & 1)
			ext &= 0xffffffff;
		if (!known(ext))
			ok &= expect_eq("random extension",
					err(ext, junk(), 0, 0, 0),
					SBI_ERR_NOT_SUPPORTED);
	}
	/* The legacy numbers cvisor has no call for: the error in a0. */
	for (unsigned long ext = 9; ext <= 0xf; ext++)
		ok &= expect_eq("unused legacy call", err(ext, 0, 0, 0, 0),
				SBI_ERR_NOT_SUPPORTED);
	verdict("unknown extensions (named, 2000 random, unused legacy): "
		"NOT_SUPPORTED",
		ok);
}

static void unknown_functions(void)
{
	static const struct {
		unsigned long ext, first;
	} exts[] = {
		{ SBI_EXT_BASE, 7 },   { SBI_EXT_TIME, 1 }, { SBI_EXT_IPI, 1 },
		{ SBI_EXT_HSM, 4 },    { SBI_EXT_SRST, 1 }, { SBI_EXT_DBCN, 3 },
		{ SBI_EXT_RFENCE, 7 },
	};
	bool ok = true;

	for (unsigned i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		for (unsigned long f = exts[i].first; f < exts[i].first + 64;
		     f++)
			ok &= expect_eq("unknown function",
					err(exts[i].ext, f, 0, 0, 0),
					SBI_ERR_NOT_SUPPORTED);
		ok &= expect_eq("function ~0", err(exts[i].ext, ~0ul, 0, 0, 0),
				SBI_ERR_NOT_SUPPORTED);
	}
	/* The hfence calls are for harts with H, which a VM's have not. */
	for (unsigned long f = 3; f <= 6; f++)
		ok &= expect_eq("RFENCE hfence",
				err(SBI_EXT_RFENCE, f, 1, 0, 0),
				SBI_ERR_NOT_SUPPORTED);
	verdict("unknown functions of every extension: NOT_SUPPORTED", ok);
}

/* Hart masks naming harts that do not exist (the VM has harts 0 and 1):
 * INVALID_PARAM, whatever the call. */
static const struct {
	unsigned long mask, base;
} bad_masks[] = {
	{ 1ul << 2, 0 },     { ~0ul, 0 },         { 1, 2 },
	{ 1, 1000 },         { 3, ~0ul - 1 },     { 1ul << 63, 0 },
	{ 0x10, ~0ul >> 1 }, { ~0ul, ~0ul - 64 },
};

static void hart_masks(void)
{
	bool ok = true;

	for (unsigned i = 0; i < sizeof(bad_masks) / sizeof(bad_masks[0]);
	     i++) {
		unsigned long m = bad_masks[i].mask, b = bad_masks[i].base;
		ok &= expect_eq("IPI bad mask", err(SBI_EXT_IPI, 0, m, b, 0),
				SBI_ERR_INVALID_PARAM);
		for (unsigned long f = 0; f <= 2; f++)
			ok &= expect_eq("RFENCE bad mask",
					err(SBI_EXT_RFENCE, f, m, b, 0),
					SBI_ERR_INVALID_PARAM);
	}
	/* No hart named: nothing to do. Every hart (base -1): done. */
	ok &= expect_eq("IPI to no hart", err(SBI_EXT_IPI, 0, 0, 5, 0), 0);
	ok &= expect_eq("RFENCE sfence.vma of all memory, every hart",
			err(SBI_EXT_RFENCE, 1, 0, ~0ul, 0), 0);
	ok &= expect_eq("RFENCE sfence.vma with a huge range",
			guest_sbi(SBI_EXT_RFENCE, 1, 3, 0, 0).error, 0);
	verdict("IPI and RFENCE to harts that do not exist: INVALID_PARAM", ok);
}

static void hsm(void)
{
	static const unsigned long bad_entries[] = {
		0,
		0x1000,
		HOLE,
		PLIC_BASE,
		UART_BASE,
		RO_PAGE,
		RAM_START + 0x200001,
		RAM_END,
		RAM_END - 1,
		1ull << 41,
		~0ul,
	};
	static const unsigned long no_harts[] = { 2, 3, 64, 1000, ~0ul };
	bool ok = true;

	ok &= expect_eq("hart_start of a started hart",
			err(SBI_EXT_HSM, HSM_START, 0, RAM_START + 0x200000, 0),
			SBI_ERR_ALREADY_AVAILABLE);
	for (unsigned i = 0; i < sizeof(no_harts) / sizeof(no_harts[0]); i++) {
		ok &= expect_eq("hart_start of a hart that does not exist",
				err(SBI_EXT_HSM, HSM_START, no_harts[i],
				    RAM_START + 0x200000, 0),
				SBI_ERR_INVALID_PARAM);
		ok &= expect_eq("hart_get_status of a hart that does not exist",
				err(SBI_EXT_HSM, HSM_STATUS, no_harts[i], 0, 0),
				SBI_ERR_INVALID_PARAM);
	}
	verdict("HSM: start a started hart, start and status of harts that "
		"do not exist",
		ok);

	/* vCPU 1 is running: stop it first, then start it at addresses
	 * where no code can run. */
	second_halt();
	ok = true;
	for (unsigned i = 0; i < sizeof(bad_entries) / sizeof(bad_entries[0]);
	     i++) {
		ok &= expect_eq("hart_start at a bad address",
				err(SBI_EXT_HSM, HSM_START, 1, bad_entries[i],
				    0),
				SBI_ERR_INVALID_ADDRESS);
		ok &= expect_eq("non-retentive suspend resuming at a bad "
				"address",
				err(SBI_EXT_HSM, HSM_SUSPEND, 0x80000000ul,
				    bad_entries[i], 0),
				SBI_ERR_INVALID_ADDRESS);
	}
	ok &= expect_eq("still stopped", guest_cpu_is_off(1), 1);
	verdict("HSM: hart_start and non-retentive suspend at addresses "
		"outside executable RAM: INVALID_ADDRESS",
		ok);
	ok = expect_eq("suspend, reserved type",
		       err(SBI_EXT_HSM, HSM_SUSPEND, 1, 0, 0),
		       SBI_ERR_INVALID_PARAM);
	ok &= expect_eq("suspend, reserved type 0x80000001",
			err(SBI_EXT_HSM, HSM_SUSPEND, 0x80000001ul, 0, 0),
			SBI_ERR_INVALID_PARAM);
	ok &= expect_eq("suspend, platform type",
			err(SBI_EXT_HSM, HSM_SUSPEND, 0x10000000ul, 0, 0),
			SBI_ERR_NOT_SUPPORTED);
	verdict("HSM: suspend types: reserved INVALID_PARAM, platform "
		"NOT_SUPPORTED",
		ok);
	second_stop = false;
	ok = guest_cpu_on(1, 1, second_main) == SBI_SUCCESS;
	while (guest_cpu_is_off(1))
		cpu_relax();
	verdict("HSM: the stopped hart started again", ok);
}

static void srst_dbcn_legacy(void)
{
	static uint64_t mask_of_absent = 1ul << 5;
	bool ok = true;

	ok &= expect_eq("SRST reserved type", err(SBI_EXT_SRST, 0, 3, 0, 0),
			SBI_ERR_INVALID_PARAM);
	ok &= expect_eq("SRST vendor type",
			err(SBI_EXT_SRST, 0, 0xf0000000ul, 0, 0),
			SBI_ERR_NOT_SUPPORTED);
	ok &= expect_eq("SRST reserved reason", err(SBI_EXT_SRST, 0, 0, 2, 0),
			SBI_ERR_INVALID_PARAM);
	verdict("SRST: reserved types and reasons refused", ok);

	ok = expect_eq("DBCN write outside RAM",
		       err(SBI_EXT_DBCN, 0, 8, HOLE, 0), SBI_ERR_INVALID_PARAM);
	ok &= expect_eq("DBCN write from a device",
			err(SBI_EXT_DBCN, 0, 8, UART_BASE, 0),
			SBI_ERR_INVALID_PARAM);
	ok &= expect_eq("DBCN write across RAM's end",
			err(SBI_EXT_DBCN, 0, 16, RAM_END - 8, 0),
			SBI_ERR_INVALID_PARAM);
	ok &= expect_eq("DBCN write above 4 GiB",
			err(SBI_EXT_DBCN, 0, 8, RAM_START, ~0ul),
			SBI_ERR_INVALID_PARAM);
	ok &= expect_eq("DBCN read into the read-only page",
			err(SBI_EXT_DBCN, 1, 16, RO_PAGE, 0),
			SBI_ERR_INVALID_PARAM);
	ok &= expect_eq("DBCN read into a hole",
			err(SBI_EXT_DBCN, 1, 16, HOLE, 0),
			SBI_ERR_INVALID_PARAM);
	verdict("DBCN: buffers outside writable RAM refused", ok);

	/* The legacy calls take a pointer to the hart mask. */
	ok = expect_eq("legacy send_ipi, mask in a hole", err(4, 0, HOLE, 0, 0),
		       SBI_ERR_INVALID_ADDRESS);
	ok &= expect_eq("legacy send_ipi, mask in a device",
			err(4, 0, UART_BASE, 0, 0), SBI_ERR_INVALID_ADDRESS);
	ok &= expect_eq("legacy send_ipi, mask beyond 2 TiB",
			err(4, 0, 1ul << 45, 0, 0), SBI_ERR_INVALID_ADDRESS);
	ok &= expect_eq("legacy send_ipi, an absent hart",
			err(4, 0, (unsigned long)&mask_of_absent, 0, 0),
			SBI_ERR_INVALID_PARAM);
	for (unsigned long ext = 5; ext <= 7; ext++)
		ok &= expect_eq("legacy remote fence, mask in a hole",
				err(ext, 0, HOLE, 0, 0),
				SBI_ERR_INVALID_ADDRESS);
	ok &= expect_eq("legacy console_getchar with nothing typed",
			err(2, 0, 0, 0, 0), -1);
	verdict("legacy calls: bad mask pointers INVALID_ADDRESS, absent "
		"harts INVALID_PARAM",
		ok);
}

static void hypercalls(void)
{
	static const uint64_t nrs[] = { 0,  1,  7,   8,         11,
					15, 17, 255, 1ul << 32, ~0ul };
	bool ok = true;

	for (unsigned i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		ok &= expect_eq("undefined or refused hypercall",
				(long)guest_hypercall(nrs[i], junk(), junk(),
						      junk()),
				-1);
	/* IVC with pointers where nothing is, and peers that do not exist. */
	ok &= expect_eq("IVC publish, pointers in a hole",
			(long)guest_hypercall(HC_IVC_PUBLISH, 1, HOLE, HOLE),
			-1);
	ok &= expect_eq("IVC subscribe to an absent VM",
			(long)guest_hypercall4(HC_IVC_SUBSCRIBE, 999, 1,
					       RAM_START + 0x300000,
					       RAM_START + 0x300008),
			-1);
	ok &= expect_eq("IVC unpublish of nothing",
			(long)guest_hypercall(HC_IVC_UNPUBLISH, 12345, 0, 0),
			-1);
	ok &= expect_eq("IVC unsubscribe of nothing",
			(long)guest_hypercall(HC_IVC_UNSUBSCRIBE, 5, 1, 0), -1);
	ok &= expect_eq("IVC notify of nothing",
			(long)guest_hypercall(HC_IVC_NOTIFY, 12345, 0, 0), -1);
	verdict("hypercalls: undefined numbers, disable and bad IVC "
		"arguments: -1",
		ok);
}

void hostile_sbi(void)
{
	unknown_extensions();
	unknown_functions();
	hart_masks();
	hsm();
	srst_dbcn_legacy();
	hypercalls();
}
