/* Wild accesses: loads and stores of every width where nothing is (the
 * low 4 GiB MiB by MiB, beyond it GiB by GiB to the top of Sv39x4's
 * 2 TiB, and past it), fetches from holes and devices, and the
 * read-only page: each an access fault at the address used (load 5,
 * store 7, fetch 1), as the privileged spec gives for memory that is not
 * there; a load from the read-only page reads, a store faults. */
#include "hostile.h"

#define CAUSE_FETCH 1
#define CAUSE_LOAD  5
#define CAUSE_STORE 7

static bool ours(uint64_t a)
{
	return (a >= RAM_START && a < RAM_END) ||
	       (a >= PLIC_BASE && a < PLIC_BASE + PLIC_SIZE) ||
	       a == UART_BASE || a == RO_PAGE;
}

static bool load_faults(uint64_t a, unsigned width, bool sign)
{
	uint64_t n = guest_trap.count;

	switch (width) {
	case 1:
		if (sign)
			(void)*(volatile int8_t *)a;
		else
			(void)*(volatile uint8_t *)a;
		break;
	case 2:
		if (sign)
			(void)*(volatile int16_t *)a;
		else
			(void)*(volatile uint16_t *)a;
		break;
	case 4:
		if (sign)
			(void)*(volatile int32_t *)a;
		else
			(void)*(volatile uint32_t *)a;
		break;
	default:
		(void)*(volatile uint64_t *)a;
	}
	return trapped(n, CAUSE_LOAD, a);
}

static bool store_faults(uint64_t a, unsigned width)
{
	uint64_t n = guest_trap.count, v = junk();

	switch (width) {
	case 1:
		*(volatile uint8_t *)a = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)a = (uint16_t)v;
		break;
	case 4:
		*(volatile uint32_t *)a = (uint32_t)v;
		break;
	default:
		*(volatile uint64_t *)a = v;
	}
	return trapped(n, CAUSE_STORE, a);
}

/* A call to 'a': the fetch faults and the trap handler returns to us. */
static bool __attribute__((noinline)) fetch_faults(uint64_t a)
{
	uint64_t n = guest_trap.count;

	((void (*)(void))a)();
	return trapped(n, CAUSE_FETCH, a);
}

static void low_space(void)
{
	unsigned bad = 0;

	for (uint64_t a = 0; a < 1ull << 32; a += 1ull << 20) {
		if (ours(a))
			continue;
		bad += !load_faults(a, 8, false);
		bad += !store_faults(a + 8, 8);
	}
	verdict("every MiB of the low 4 GiB that is not ours: load and "
		"store access faults",
		bad == 0);
}

static void high_space(void)
{
	static const uint64_t beyond[] = {
		1ull << 41,
		1ull << 42,
		1ull << 47,
		1ull << 55,
		1ull << 63,
		0xfffffffffffff000ull,
		0xfffffffffffffff8ull,
	};
	unsigned bad = 0;

	for (uint64_t a = 1ull << 32; a < 1ull << 41; a += 1ull << 30)
		bad += !load_faults(a + 0x1238, 8, false);
	verdict("every GiB from 4 GiB to 2 TiB: load access faults", bad == 0);
	bad = 0;
	for (unsigned i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++) {
		bad += !load_faults(beyond[i], 8, false);
		bad += !store_faults(beyond[i], 4);
	}
	verdict("beyond the guest-physical address space: access faults",
		bad == 0);
}

static void every_width(void)
{
	static const unsigned widths[] = { 1, 2, 4, 8 };
	unsigned bad = 0;

	/* Aligned and not: the hole and the gap after the UART's
	 * registers in its page. */
	for (unsigned i = 0; i < 4; i++) {
		unsigned w = widths[i];
		for (uint64_t base = HOLE; base <= HOLE + 8; base += 7) {
			bad += !load_faults(base + w, w, false);
			bad += !load_faults(base + w, w, true);
			bad += !store_faults(base + w, w);
		}
		bad += !load_faults(UART_BASE + 0x800 + w, w, false);
		bad += !store_faults(UART_BASE + 0x800 + w, w);
	}
	verdict("loads (signed, unsigned) and stores of every width in holes: "
		"access faults",
		bad == 0);
}

static void fetches(void)
{
	static const uint64_t where[] = {
		0,         0x1000,  HOLE,    PLIC_BASE,  PLIC_BASE + 0x200004,
		UART_BASE, RO_PAGE, RAM_END, 1ull << 40, 1ull << 41,
	};
	unsigned bad = 0;

	for (unsigned i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		bad += !fetch_faults(where[i]);
	verdict("fetches from holes, devices, the read-only page and beyond "
		"RAM: instruction access faults",
		bad == 0);
}

static void read_only(void)
{
	uint64_t n = guest_trap.count;
	uint64_t v = *(volatile uint64_t *)(RO_PAGE + 0x10);

	verdict("read-only page: loads read it",
		guest_trap.count == n && v == 0);
	verdict("read-only page: stores of every width fault, and change "
		"nothing",
		store_faults(RO_PAGE + 0x10, 8) &&
			store_faults(RO_PAGE + 0x22, 2) &&
			store_faults(RO_PAGE + 0xfff, 1) &&
			*(volatile uint64_t *)(RO_PAGE + 0x10) == 0);
}

void hostile_memory(void)
{
	every_width();
	low_space();
	high_space();
	fetches();
	read_only();
}
