/* sbi: the SBI cvisor gives a VM, call by call, with the errors the
 * spec (v2.0) gives for bad arguments: BASE (version, probes, unknown
 * extensions and functions), DBCN and the legacy console, IPI to a hart
 * that does not exist, HSM (start with a bad hart or address, twice,
 * get_status through started, suspended and stopped, retentive and
 * non-retentive suspend woken by an IPI, bad suspend types), RFENCE
 * (bad harts, hfence, a flood from both vCPUs at once, one to a vCPU
 * waiting in WFI), SRST's bad types and reasons, and an unknown
 * hypercall; WFI with an interrupt pending that it has not enabled.
 * 2 vCPUs. */
#include <guest.h>

#define SBI_ERR_FAILED            (-1)
#define SBI_ERR_NOT_SUPPORTED     (-2)
#define SBI_ERR_INVALID_PARAM     (-3)
#define SBI_ERR_INVALID_ADDRESS   (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

#define SBI_EXT_RFENCE 0x52464e43ul
#define HSM_STARTED    0
#define HSM_STOPPED    1
#define HSM_SUSPENDED  4

static int failures;
static volatile unsigned phase, entries;
static volatile long suspend_ret = 99;
static volatile unsigned flood_ok[2];

/* Both vCPUs report: one line at a time, or their characters mix on
 * the UART (CI saw "hart_start agains:b io: ksu..."). */
static bool line_lock;

static void check(const char *what, long got, long want)
{
	while (__atomic_test_and_set(&line_lock, __ATOMIC_ACQUIRE))
		cpu_relax();
	guest_puts("sbi: ");
	guest_puts(what);
	if (got == want) {
		guest_puts(": ok\n");
	} else {
		failures++;
		guest_puts(": FAIL: got ");
		guest_put_hex((uint64_t)got);
		guest_puts(", want ");
		guest_put_hex((uint64_t)want);
		guest_puts("\n");
	}
	__atomic_clear(&line_lock, __ATOMIC_RELEASE);
}

static long sbi_err(unsigned long ext, unsigned long fid, unsigned long a0,
		    unsigned long a1, unsigned long a2)
{
	return guest_sbi(ext, fid, a0, a1, a2).error;
}

#define FLOOD 500

/* Remote fences to both vCPUs from both at once: each must wait for the
 * other's while the other waits for its own. */
static void rfence_flood(unsigned me)
{
	for (unsigned i = 0; i < FLOOD; i++) {
		unsigned long fid = i % 3; /* fence.i, sfence.vma (asid) */
		if (sbi_err(SBI_EXT_RFENCE, fid, 0, (unsigned long)-1, 0) == 0)
			flood_ok[me]++;
	}
}

static void base_and_console(void)
{
	static const char msg[] =
		"sbi: DBCN console_write reaches the console\n";

	check("probe TIME",
	      guest_sbi(SBI_EXT_BASE, 3, SBI_EXT_TIME, 0, 0).value, 1);
	check("probe HSM", guest_sbi(SBI_EXT_BASE, 3, SBI_EXT_HSM, 0, 0).value,
	      1);
	check("probe DBCN",
	      guest_sbi(SBI_EXT_BASE, 3, SBI_EXT_DBCN, 0, 0).value, 1);
	check("probe RFENCE",
	      guest_sbi(SBI_EXT_BASE, 3, SBI_EXT_RFENCE, 0, 0).value, 1);
	check("probe an unknown extension",
	      guest_sbi(SBI_EXT_BASE, 3, 0x0abcdef0, 0, 0).value, 0);
	check("unknown extension", sbi_err(0x0abcdef0, 0, 0, 0, 0),
	      SBI_ERR_NOT_SUPPORTED);
	check("unknown BASE function", sbi_err(SBI_EXT_BASE, 99, 0, 0, 0),
	      SBI_ERR_NOT_SUPPORTED);
	struct sbiret w = guest_sbi(SBI_EXT_DBCN, 0, sizeof(msg) - 1,
				    (unsigned long)msg, 0);
	check("DBCN console_write's count", w.value, (long)sizeof(msg) - 1);
	check("DBCN console_write outside RAM",
	      sbi_err(SBI_EXT_DBCN, 0, 4, 0x1000, 0), SBI_ERR_INVALID_PARAM);
	check("DBCN console_write above 4 GiB (base_hi)",
	      sbi_err(SBI_EXT_DBCN, 0, 4, (unsigned long)msg, 1),
	      SBI_ERR_INVALID_PARAM);
	sbi_err(SBI_EXT_DBCN, 2, '!', 0, 0);
	guest_sbi(1, 0, '\n', 0, 0); /* legacy console_putchar */
	check("IPI to a hart that does not exist",
	      sbi_err(SBI_EXT_IPI, 0, 1, 5, 0), SBI_ERR_INVALID_PARAM);
	check("SRST reserved type", sbi_err(SBI_EXT_SRST, 0, 5, 0, 0),
	      SBI_ERR_INVALID_PARAM);
	check("SRST reserved reason", sbi_err(SBI_EXT_SRST, 0, 0, 7, 0),
	      SBI_ERR_INVALID_PARAM);
	check("unknown hypercall", (long)guest_hypercall(99, 0, 0, 0), -1);
	check("RFENCE to a hart that does not exist",
	      sbi_err(SBI_EXT_RFENCE, 1, 1, 5, 0), SBI_ERR_INVALID_PARAM);
	check("RFENCE hfence (no H in a VM)",
	      sbi_err(SBI_EXT_RFENCE, 3, 1, 0, 0), SBI_ERR_NOT_SUPPORTED);
	check("legacy remote_fence_i to every hart", sbi_err(5, 0, 0, 0, 0), 0);
}

/* U-mode: WFI (the guest kernel has not allowed it: illegal), then
 * back to S-mode. */
static void __attribute__((naked)) user_wfi(void)
{
	__asm__ volatile("wfi\n\tecall");
}

static void user_mode(void)
{
	uint64_t n = guest_trap.count;

	guest_user_run(user_wfi);
	check("WFI in VU-mode: an illegal instruction",
	      guest_trap.count == n + 2 && guest_trap.scause == 8, 1);
}

#define UART_IER     ((volatile uint8_t *)0x10000001ul)
#define UART_LINE    10u                                 /* its PLIC source */
#define PLIC_ENABLE0 ((volatile uint32_t *)0x0c002080ul) /* context 1 */
#define PLIC_ENABLE1 ((volatile uint32_t *)0x0c002180ul) /* context 3 */
#define SIP_SSIP     (1ul << 1)
#define PLIC_PENDING ((volatile uint32_t *)0x0c001000ul)

static volatile unsigned wfi_waiting, wfi_wakeups = ~0u;

/* vCPU 1: WFI with the 16550's THR-empty interrupt pending at its PLIC
 * context but not enabled (sie.SEIE off), IPIs enabled, no deadline
 * set: with its hart to itself, cvisor waits for it in place, the vCPU
 * loaded (vcpu.c, wfi_in_place), and only vCPU 0's IPI may end that
 * wait; meanwhile vCPU 0's remote fence must be done by it. */
static void wfi_disabled_pending(unsigned me)
{
	unsigned n = 0;

	csr_clear(sie, SIE_SEIE);
	guest_irq_enable_line(UART_LINE, me);
	*UART_IER = 2; /* ETBEI, with the THR empty: raised at once */
	/* (QEMU 7.2 shows a VS-mode guest no SEIP in sip: the PLIC says.) */
	check("a disabled external interrupt pending",
	      *PLIC_PENDING >> UART_LINE & 1, 1);
	wfi_waiting = 1;
	while (!(csr_read(sip) & SIP_SSIP)) {
		__asm__ volatile("wfi" ::: "memory");
		n++;
	}
	csr_clear(sip, SIP_SSIP);
	*UART_IER = 0;
	*PLIC_ENABLE1 &= ~(1u << UART_LINE);
	csr_set(sie, SIE_SEIE);
	wfi_wakeups = n;
}

static void delay_ms(unsigned ms)
{
	for (uint64_t until =
		     guest_counter() + guest_counter_freq() / 1000 * ms;
	     guest_counter() < until;)
		cpu_relax();
}

/* vCPU 0's side: a remote fence to vCPU 1 while it waits (returns only
 * once vCPU 1 has done it, in its wait: nothing else ends the wait),
 * then the IPI that ends it; the WFI may have returned for the IPI
 * only. */
static void wfi_wake(void)
{
	while (!wfi_waiting)
		cpu_relax();
	delay_ms(2);
	check("RFENCE to a vCPU waiting in WFI",
	      sbi_err(SBI_EXT_RFENCE, 0, 1, guest_cpu_hwid(1), 0), 0);
	delay_ms(2);
	guest_sbi(SBI_EXT_IPI, 0, 1, guest_cpu_hwid(1), 0);
	while (wfi_wakeups == ~0u)
		cpu_relax();
	check("WFI with a disabled interrupt pending sleeps until an "
	      "enabled one",
	      wfi_wakeups <= 2, 1);
}

static char dbcn_big[300];

static void dbcn_capped(void)
{
	for (unsigned i = 0; i < sizeof(dbcn_big); i++)
		dbcn_big[i] = i % 64 == 63 ? '\n' : '.';
	check("DBCN console_write takes at most 256 bytes a call",
	      guest_sbi(SBI_EXT_DBCN, 0, sizeof(dbcn_big),
			(unsigned long)dbcn_big, 0)
		      .value,
	      256);
}

static volatile unsigned timer_irqs;

/* The legacy IPI calls, seen in sip with interrupts masked, and the
 * legacy timer, by its interrupt (QEMU 7.2 shows a VS-mode guest no STIP
 * in sip: docs/riscv64.md). */
static void legacy_calls(void)
{
	uint64_t self = 1ul << guest_cpu_index();

	guest_sbi(4, 0, (unsigned long)&self, 0, 0); /* send_ipi(&mask) */
	check("legacy send_ipi to itself: SSIP pending", csr_read(sip) >> 1 & 1,
	      1);
	guest_sbi(3, 0, 0, 0, 0); /* clear_ipi */
	check("legacy clear_ipi: SSIP clear", csr_read(sip) >> 1 & 1, 0);
	csr_set(sie, SIE_STIE);
	guest_sbi(0, 0, guest_counter() + guest_counter_freq() / 1000, 0, 0);
	while (!timer_irqs)
		wait_irq_masked();
	check("legacy set_timer: its interrupt taken", timer_irqs, 1);
	csr_clear(sie, SIE_STIE);
}

static volatile unsigned uart_irqs;

/* vCPU 0: the 16550's THR-empty interrupt raised by its own store to
 * IER, with interrupts enabled and no WFI after it: the store's exit is
 * answered in place, and the vPLIC's output changed by it must reach
 * hvip before the guest is entered again (exit_resume(): the inject
 * word's INJECT_EIP); nothing else would bring it (no WFI, no other
 * task on the hart), so without it this waits forever. */
static void eip_from_own_store(void)
{
	guest_irq_enable_line(UART_LINE, 0);
	irq_enable();
	*UART_IER = 2; /* ETBEI, with the THR empty: raised at once */
	while (!uart_irqs)
		cpu_relax();
	irq_disable();
	*PLIC_ENABLE0 &= ~(1u << UART_LINE);
	check("an external interrupt raised by the vCPU's own store, taken "
	      "without a WFI",
	      uart_irqs, 1);
}

static void on_irq(unsigned irq)
{
	/* The IPIs only wake; the timer is stopped (legacy set_timer); the
	 * 16550's line dropped (eip_from_own_store). */
	if (irq == GUEST_IRQ_STIMER) {
		timer_irqs++;
		guest_sbi(0, 0, UINT64_MAX, 0, 0);
	} else if (irq == GUEST_IRQ_PLIC(UART_LINE)) {
		*UART_IER = 0;
		uart_irqs++;
	}
}

extern char _secondary_start[];

/* vCPU 1: entered once by hart_start, once more by the resume of its
 * non-retentive suspend. */
static void secondary(unsigned me)
{
	guest_irq_cpu_init(me);
	irq_disable();
	if (++entries == 2) {
		phase = 3;
		return; /* hart_stop */
	}
	wfi_disabled_pending(me);
	check("suspend of a reserved type", sbi_err(SBI_EXT_HSM, 3, 5, 0, 0),
	      SBI_ERR_INVALID_PARAM);
	check("suspend of a platform type",
	      sbi_err(SBI_EXT_HSM, 3, 0x10000000, 0, 0), SBI_ERR_NOT_SUPPORTED);
	rfence_flood(me);
	phase = 1;
	suspend_ret = sbi_err(SBI_EXT_HSM, 3, 0, 0, 0); /* retentive */
	irq_enable(); /* take the IPI that woke us */
	irq_disable();
	phase = 2;
	sbi_err(SBI_EXT_HSM, 3, 0x80000000ul, (unsigned long)_secondary_start,
		me);
	phase = 99; /* a non-retentive suspend does not return */
}

static long status1(void)
{
	return guest_sbi(SBI_EXT_HSM, 2, 1, 0, 0).value;
}

static void wait_status1(long want)
{
	for (unsigned n = 0; n < 10000000 && status1() != want; n++)
		cpu_relax();
}

static void hsm(void)
{
	check("hart_get_status of a stopped vCPU", status1(), HSM_STOPPED);
	check("hart_get_status of no vCPU", sbi_err(SBI_EXT_HSM, 2, 9, 0, 0),
	      SBI_ERR_INVALID_PARAM);
	check("hart_start of no vCPU",
	      sbi_err(SBI_EXT_HSM, 0, 9, (unsigned long)_secondary_start, 1),
	      SBI_ERR_INVALID_PARAM);
	check("hart_start outside RAM", sbi_err(SBI_EXT_HSM, 0, 1, 0x1000, 1),
	      SBI_ERR_INVALID_ADDRESS);
	check("hart_start", (long)guest_cpu_on(1, 1, secondary), 0);
	check("hart_start again",
	      sbi_err(SBI_EXT_HSM, 0, 1, (unsigned long)_secondary_start, 1),
	      SBI_ERR_ALREADY_AVAILABLE);
	wfi_wake();
	rfence_flood(0);
	while (phase < 1)
		cpu_relax();
	check("RFENCE flood from both vCPUs at once",
	      flood_ok[0] == FLOOD && flood_ok[1] == FLOOD, 1);
	wait_status1(HSM_SUSPENDED);
	check("hart_get_status in a retentive suspend", status1(),
	      HSM_SUSPENDED);
	guest_ipi_send(1, 0);
	while (phase < 2)
		cpu_relax();
	check("retentive suspend returns 0 when woken", suspend_ret, 0);
	wait_status1(HSM_SUSPENDED);
	check("hart_get_status in a non-retentive suspend", status1(),
	      HSM_SUSPENDED);
	guest_ipi_send(1, 0);
	wait_status1(HSM_STOPPED);
	check("non-retentive suspend resumes at its address", phase, 3);
	check("hart_get_status after hart_stop", status1(), HSM_STOPPED);
}

int main(void)
{
	guest_trap_install();
	struct sbiret v = guest_sbi(SBI_EXT_BASE, 0, 0, 0, 0);
	check("spec version 2.0", v.value, 2l << 24);
	base_and_console();
	dbcn_capped();
	user_mode();
	guest_irq_init(on_irq);
	guest_irq_cpu_init(0);
	irq_disable();
	legacy_calls();
	eip_from_own_store();
	hsm();
	guest_puts(failures ? "sbi: FAIL\n" : "sbi: PASS\n");
	return 0;
}
