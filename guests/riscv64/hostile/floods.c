/* IPI and RFENCE floods with every-hart and bogus masks, from vCPU 0 at
 * both vCPUs while vCPU 1 takes IPIs: each call answered, vCPU 1 still
 * answering a ping after them. */
#include "hostile.h"

#define FLOOD    20000
#define PING_IPI 1

volatile unsigned second_ipis;
volatile bool second_stop;
static volatile unsigned pongs;

static void second_irq(unsigned irq)
{
	if (irq == PING_IPI)
		pongs++;
	second_ipis++;
}

/* vCPU 1: SBI IPIs arrive as its SSIP; it waits in WFI for them. */
void second_main(unsigned cpu)
{
	guest_irq_init(second_irq);
	csr_set(sie, SIE_SSIE);
	irq_disable();
	while (!second_stop)
		wait_irq_masked();
	(void)cpu;
}

void second_halt(void)
{
	second_stop = true;
	while (!guest_cpu_is_off(1))
		guest_ipi_send(1, 0);
}

void hostile_floods(void)
{
	unsigned ok_ipi = 0, ok_fence = 0, refused = 0;

	guest_irq_init(second_irq);
	for (unsigned i = 0; i < FLOOD; i++) {
		/* Every hart (ourselves too: only pending, SIE is off). */
		ok_ipi += guest_sbi(SBI_EXT_IPI, 0, 0, ~0ul, 0).error == 0;
		ok_fence += guest_sbi(SBI_EXT_RFENCE, i % 3, 3, 0, 0).error ==
			    0;
		refused += guest_sbi(SBI_EXT_IPI, 0, junk() | 4, 0, 0).error ==
			   SBI_ERR_INVALID_PARAM;
		refused +=
			guest_sbi(SBI_EXT_RFENCE, i % 3, junk(), junk() | 2, 0)
				.error == SBI_ERR_INVALID_PARAM;
		if (i % 100 == 0)
			guest_ipi_send(1, 0);
	}
	csr_clear(sip, SIE_SSIE);
	verdict("IPI and RFENCE flood (every hart, and bogus masks): each "
		"answered",
		ok_ipi == FLOOD && ok_fence == FLOOD && refused == 2 * FLOOD);
	uint64_t end = guest_counter() + PATIENCE_S * guest_counter_freq();
	unsigned before = pongs;
	guest_ipi_send(1, PING_IPI);
	while (pongs == before && guest_counter() < end)
		cpu_relax();
	verdict("after the flood: the other vCPU took IPIs, and a ping",
		second_ipis > 0 && pongs > before);
}
