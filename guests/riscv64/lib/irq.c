/* Interrupts of the riscv64 test guests: IPIs through SBI with a mailbox
 * per vCPU (the hart has one software interrupt; the mailbox says which
 * of IPIs 0-7 it carries), the timer, and the VM's PLIC (QEMU virt's
 * contexts: vCPU i's S-mode is context 2i + 1). */
#include <guest.h>

#define PLIC_BASE         0x0c000000ul
#define PLIC_S_CONTEXT(i) (2u * (i) + 1u) /* vCPU i's S-mode */
#define PLIC_THRESHOLD(c) (PLIC_BASE + 0x200000ul + 0x1000ul * (c))
#define PLIC_CLAIM(c)     (PLIC_THRESHOLD(c) + 4)
#define REG32(a)          (*(volatile uint32_t *)(a))

static void (*irq_handler)(unsigned irq);
static volatile uint32_t mailbox[GUEST_MAX_CPUS];

const char *guest_irq_init(void (*handler)(unsigned irq))
{
	irq_handler = handler;
	return "PLIC";
}

void guest_irq_cpu_init(unsigned cpu)
{
	guest_trap_install();
	REG32(PLIC_THRESHOLD(PLIC_S_CONTEXT(cpu))) = 0;
	csr_set(sie, SIE_SSIE | SIE_SEIE);
}

void guest_ipi_send(unsigned cpu, unsigned ipi)
{
	__atomic_fetch_or(&mailbox[cpu], 1u << ipi, __ATOMIC_SEQ_CST);
	guest_sbi(SBI_EXT_IPI, 0, 1, guest_cpu_hwid(cpu), 0);
}

static void dispatch(unsigned irq)
{
	if (irq_handler)
		irq_handler(irq);
}

/* Called by lib/trap.S for an interrupt, with scause. */
void guest_irq(uint64_t scause);
void guest_irq(uint64_t scause)
{
	unsigned code = (unsigned)(scause & 0xff), me = guest_cpu_index();

	switch (code) {
	case 1: { /* supervisor software: the IPIs in the mailbox */
		csr_clear(sip, SIE_SSIE);
		uint32_t m =
			__atomic_exchange_n(&mailbox[me], 0, __ATOMIC_SEQ_CST);
		for (unsigned i = 0; i < GUEST_IPIS; i++)
			if (m >> i & 1)
				dispatch(i);
		break;
	}
	case 9: /* supervisor external: every source the PLIC has for us */
		for (uint32_t s;
		     (s = REG32(PLIC_CLAIM(PLIC_S_CONTEXT(me)))) != 0;) {
			dispatch(GUEST_IRQ_PLIC(s));
			REG32(PLIC_CLAIM(PLIC_S_CONTEXT(me))) = s;
		}
		break;
	default:
		dispatch(GUEST_IRQ_LOCAL(code));
	}
}

unsigned guest_irq_enable_line(unsigned line, unsigned cpu)
{
	REG32(PLIC_BASE + 4ul * line) = 1; /* priority: above threshold 0 */
	REG32(PLIC_BASE + 0x2000ul + 0x80ul * PLIC_S_CONTEXT(cpu) +
	      line / 32 * 4) |= 1u << (line % 32);
	return GUEST_IRQ_PLIC(line);
}
