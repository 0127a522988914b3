/* csrleak: two VMs on one hart, each with its own value in the S-mode
 * CSRs that VS-mode reaches undoubled (scounteren, senvcfg), sleep in
 * WFI through timer ticks while the other runs, and check that they
 * find their own values each time: cvisor must switch them. Which value
 * is this VM's comes from its command line ("csrleak=a" or "=b"). */
#include <guest.h>

#define SLEEPS       20
#define CSR_SENVCFG  0x10a
#define SENVCFG_FIOM 1u

static volatile unsigned ticks;

static void on_irq(unsigned irq)
{
	if (irq == GUEST_IRQ_STIMER) {
		ticks++;
		guest_sbi(SBI_EXT_TIME, 0, UINT64_MAX, 0, 0);
	}
}

static bool is_b(void)
{
	const char *s = guest_bootargs();

	while (*s && *s != '=')
		s++;
	return *s == '=' && s[1] == 'b';
}

int main(void)
{
	bool b = is_b();
	uint64_t counteren = b ? 0x2 : 0x5, envcfg = b ? 0 : SENVCFG_FIOM;
	uint64_t period = guest_counter_freq() / 1000; /* 1 ms */
	unsigned kept = 0;

	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	csr_set(sie, SIE_STIE);
	irq_disable();
	csr_write(scounteren, counteren);
	csr_write(0x10a, envcfg);
	for (unsigned i = 1; i <= SLEEPS; i++) {
		guest_sbi(SBI_EXT_TIME, 0, guest_counter() + period, 0, 0);
		while (ticks < i)
			wait_irq_masked();
		kept += csr_read(scounteren) == counteren &&
			(csr_read(0x10a) & SENVCFG_FIOM) == envcfg;
	}
	guest_puts("csrleak: ");
	guest_puts(b ? "b" : "a");
	guest_puts(": scounteren and senvcfg kept across ");
	guest_put_dec(kept);
	guest_puts(" of ");
	guest_put_dec(SLEEPS);
	guest_puts(kept == SLEEPS ? " sleeps: PASS\n" : " sleeps: FAIL\n");
	return 0;
}
