/* IPIs: a flood from vCPU 0 to itself, to vCPU 1, to everyone and to APIC
 * ids that do not exist, in every destination mode; NMIs to itself; INIT
 * and SIPI where they do not belong (to ids nobody has, a SIPI to a
 * running vCPU, INIT to vCPU 1 while it runs and from vCPU 1 to itself).
 * After it all, vCPU 1 is started again and answers a ping. */
#include "hostile.h"

#define REG_ICR_LO  0x300
#define REG_ICR_HI  0x310
#define ICR_FIXED   0x0000u
#define ICR_LOWEST  0x0100u
#define ICR_NMI     0x0400u
#define ICR_INIT    0x4500u
#define ICR_SIPI    0x4600u
#define ICR_LOGICAL 0x0800u
#define ICR_SELF    0x40000u
#define ICR_ALL     0x80000u
#define ICR_OTHERS  0xc0000u
#define FLOOD       20000
#define PING        3
#define NMI_FLOOD   1000

volatile unsigned second_ipis;
static volatile unsigned pongs, self_ipis;
static volatile bool init_self;

static void icr(uint32_t dest, uint32_t lo)
{
	LAPIC_REG(REG_ICR_HI) = dest << 24;
	LAPIC_REG(REG_ICR_LO) = lo;
}

static void on_irq(unsigned irq)
{
	if (guest_cpu_index() == 0) {
		self_ipis++;
		return;
	}
	second_ipis++;
	if (irq == PING)
		pongs++;
}

/* vCPU 1: waits for IPIs; asked to, it sends itself an INIT. */
void second_main(unsigned cpu)
{
	guest_irq_cpu_init(cpu);
	for (;;) {
		wait_irq_masked();
		if (init_self) {
			init_self = false;
			icr(cpu, ICR_INIT);
		}
	}
}

static bool ping(void)
{
	uint64_t end = guest_counter() + guest_counter_freq() / 2;
	unsigned before = pongs;

	guest_ipi_send(1, PING);
	while (pongs == before && guest_counter() < end)
		cpu_relax();
	return pongs > before;
}

static void flood(void)
{
	static const uint32_t modes[] = {
		ICR_FIXED | 0x41,
		ICR_FIXED | ICR_ALL | 0x42,
		ICR_FIXED | ICR_OTHERS | 0x43,
		ICR_FIXED | ICR_SELF | 0x44,
		ICR_LOWEST | 0x45,
		ICR_LOGICAL | ICR_FIXED | 0x46,
	};
	uint64_t nmis = guest_trap.nmis;

	guest_irq_init(on_irq);
	irq_disable();
	for (unsigned i = 0; i < FLOOD; i++) {
		uint32_t dest = (uint32_t)junk() & 0xff;
		uint32_t lo = modes[i % 6];
		if (i % 3 == 0)
			dest = i % 2; /* vCPU 0 or 1 */
		icr(dest, lo);
	}
	for (unsigned i = 0; i < NMI_FLOOD; i++)
		icr(0, ICR_NMI);
	uint64_t end = guest_counter() + guest_counter_freq() / 10;
	while (!self_ipis && guest_counter() < end) /* take them */
		irq_window();
	/* vCPU 1 takes its own on its pCPU, in its own time: waited for
	 * (half a second, as a ping), not assumed done with ours. */
	end = guest_counter() + guest_counter_freq() / 2;
	while (!second_ipis && guest_counter() < end)
		cpu_relax();
	verdict("IPI flood (fixed, lowest priority, logical, shorthands, "
		"absent ids) and an NMI flood to ourselves: taken",
		self_ipis > 0 && guest_trap.nmis > nmis &&
			guest_nmi_depth_max <= 1);
	verdict("after the flood: vCPU 1 took IPIs and answers a ping",
		second_ipis > 0 && ping());
}

static void init_sipi(void)
{
	bool ok = true;

	/* Nobody has these ids; SIPI to ourselves, running: ignored. */
	icr(5, ICR_INIT), icr(5, ICR_SIPI | 0x08);
	icr(0xfe, ICR_INIT), icr(0xfe, ICR_SIPI | 0x08);
	icr(0, ICR_SIPI | 0x08);
	ok &= ping();
	verdict("INIT and SIPI to absent APIC ids, a SIPI to ourselves: "
		"ignored",
		ok);
	/* INIT to vCPU 1 as it runs: it waits for a SIPI, pings go
	 * nowhere; started again, it answers. */
	icr(1, ICR_INIT);
	ok = !ping();
	ok &= guest_cpu_on(1, 1, second_main) == 0 && ping();
	verdict("INIT to a running vCPU: it waits for SIPI, then starts again",
		ok);
	init_self = true;
	guest_ipi_send(1, 0);
	uint64_t end = guest_counter() + guest_counter_freq() / 2;
	while (init_self && guest_counter() < end)
		cpu_relax();
	ok = !ping();
	ok &= guest_cpu_on(1, 1, second_main) == 0 && ping();
	verdict("INIT from a vCPU to itself: it waits for SIPI, then starts "
		"again",
		ok);
}

void hostile_ipis(void)
{
	flood();
	init_sipi();
}
