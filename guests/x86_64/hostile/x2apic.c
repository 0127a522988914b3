/* x2APIC mode from a guest that tries what it must not: its MSRs before
 * the mode is on, EXTD without EN, the registers it must not read or
 * write, reserved bits, junk at every MSR of the range (the LVTs kept
 * masked, the ICR and SELF IPI left to the checks after), the xAPIC page
 * (nothing there in this mode), and back to xAPIC without going through
 * disabled. After it all: a self-IPI through SELF IPI, an IPI to vCPU 1
 * and a broadcast through the 64-bit ICR arrive; the mode is left
 * through disabled, and the page works again. */
#include "hostile.h"

#define MSR_APIC_BASE 0x1bu
#define BASE_EXTD     (1ull << 10)
#define BASE_EN       (1ull << 11)
#define X2_ID         0x802u
#define X2_VER        0x803u
#define X2_TPR        0x808u
#define X2_APR        0x809u
#define X2_EOI        0x80bu
#define X2_LDR        0x80du
#define X2_DFR        0x80eu
#define X2_SVR        0x80fu
#define X2_IRR        0x820u
#define X2_CMCI       0x82fu
#define X2_ICR        0x830u
#define X2_ICR_HI     0x831u
#define X2_LVT_FIRST  0x832u /* timer */
#define X2_LVT_LAST   0x837u /* error */
#define X2_TIMER_INIT 0x838u
#define X2_TIMER_CUR  0x839u
#define X2_SELF_IPI   0x83fu
#define LVT_MASKED    0x10000u
#define REG_VER       0x030
#define REG_TPR       0x080
#define REG_SVR       0x0f0
#define IPI_SELF      2
#define IPI_SECOND    3

static volatile unsigned firsts, seconds;

static void on_irq(unsigned irq)
{
	(void)irq;
	if (guest_cpu_index() == 0)
		firsts++;
	else
		seconds++;
}

/* Waits (0.1 s of counter time) for an interrupt on vCPU 0 if 'first'
 * and on vCPU 1 if 'second', after their counts 'f' and 's'. */
static bool arrived(unsigned f, unsigned s, bool first, bool second)
{
	uint64_t end = guest_counter() + guest_counter_freq() / 10;

	while ((first && firsts == f) || (second && seconds == s)) {
		if (guest_counter() >= end)
			return false;
		irq_window();
	}
	return true;
}

static unsigned faults_of(const uint32_t *msrs, unsigned n, bool write)
{
	unsigned faults = 0;
	uint64_t v;

	for (unsigned i = 0; i < n; i++)
		faults += write ? wrmsr_faults(msrs[i], 0) :
				  rdmsr_faults(msrs[i], &v);
	return faults;
}

static void junk_everywhere(void)
{
	uint64_t v;

	for (uint32_t msr = 0x800; msr < 0x900; msr++) {
		if (msr == X2_ICR || msr == X2_SELF_IPI)
			continue;
		(void)rdmsr_faults(msr, &v);
		uint64_t j = junk();
		if (msr >= X2_LVT_FIRST && msr <= X2_LVT_LAST)
			j = (uint32_t)j | LVT_MASKED;
		(void)wrmsr_faults(msr, j);
		(void)wrmsr_faults(msr, (uint32_t)j);
	}
	/* Calm again: masked LVTs, no timer, enabled, nothing in service. */
	for (uint32_t msr = X2_LVT_FIRST; msr <= X2_LVT_LAST; msr++)
		wrmsr(msr, LVT_MASKED);
	wrmsr(X2_TIMER_INIT, 0);
	wrmsr(X2_TPR, 0);
	wrmsr(X2_SVR, 0x100 | GUEST_SPURIOUS);
	for (unsigned i = 0; i < 256; i++)
		wrmsr(X2_EOI, 0);
}

void hostile_x2apic(void)
{
	static const uint32_t write_only[] = { X2_EOI, X2_SELF_IPI };
	static const uint32_t absent[] = { X2_APR,  X2_DFR, X2_ICR_HI,
					   X2_CMCI, 0x800,  0x8ff };
	static const uint32_t read_only[] = { X2_ID, X2_VER, X2_LDR, X2_IRR,
					      X2_TIMER_CUR };
	uint64_t base = rdmsr(MSR_APIC_BASE), v;
	uint32_t ver = LAPIC_REG(REG_VER);
	bool ok;

	irq_disable();
	guest_irq_init(on_irq);
	ok = rdmsr_faults(X2_VER, &v) && wrmsr_faults(X2_TPR, 0);
	ok &= wrmsr_faults(MSR_APIC_BASE, (base & ~BASE_EN) | BASE_EXTD);
	verdict("x2APIC: its MSRs #GP in xAPIC mode, and EXTD without EN", ok);

	ok = guest_x2apic_enable() && (rdmsr(MSR_APIC_BASE) & BASE_EXTD);
	ok &= expect_eq("x2APIC ID", rdmsr(X2_ID), 0);
	ok &= expect_eq("x2APIC LDR: cluster 0, bit 0", rdmsr(X2_LDR), 1);
	ok &= expect_eq("x2APIC version as xAPIC's", rdmsr(X2_VER), ver);
	verdict("x2APIC: on, its ID, LDR and version", ok);

	ok = faults_of(write_only, 2, false) == 2;
	ok &= faults_of(absent, 6, false) == 6;
	ok &= faults_of(absent, 6, true) == 6;
	ok &= faults_of(read_only, 5, true) == 5;
	ok &= wrmsr_faults(X2_EOI, 1) && wrmsr_faults(X2_TPR, 1ull << 32);
	ok &= wrmsr_faults(X2_ICR, 1ull << 13 | (GUEST_IPI_VECTOR + IPI_SELF));
	verdict("x2APIC: #GP reading write-only and absent registers, "
		"writing read-only ones, reserved bits",
		ok);

	ok = LAPIC_REG(REG_VER) == 0xffffffffu;
	LAPIC_REG(REG_TPR) = 0xf0;
	ok &= rdmsr(X2_TPR) == 0;
	verdict("x2APIC: the xAPIC page has nothing in it (reads all ones, "
		"writes dropped)",
		ok);

	junk_everywhere();
	unsigned f = firsts, s = seconds;
	wrmsr(X2_SELF_IPI, GUEST_IPI_VECTOR + IPI_SELF);
	ok = arrived(f, s, true, false);
	f = firsts;
	guest_ipi_send(1, IPI_SECOND); /* the 64-bit ICR: vCPU 1 is xAPIC */
	ok &= arrived(f, s, false, true);
	f = firsts, s = seconds;
	wrmsr(X2_ICR, 0xffffffffull << 32 | (GUEST_IPI_VECTOR + IPI_SELF));
	ok &= arrived(f, s, true, true);
	verdict("x2APIC: after junk at every MSR, SELF IPI, an IPI to vCPU 1 "
		"and a broadcast arrive",
		ok);

	ok = wrmsr_faults(MSR_APIC_BASE, (base & ~BASE_EXTD) | BASE_EN);
	guest_x2apic_leave();
	ok &= !(rdmsr(MSR_APIC_BASE) & BASE_EXTD) && rdmsr_faults(X2_VER, &v);
	ok &= LAPIC_REG(REG_VER) == ver && LAPIC_REG(REG_SVR) == 0xff;
	guest_irq_cpu_init(0);
	ok &= self_ipi_arrives();
	verdict("x2APIC: straight back to xAPIC #GP; through disabled, the "
		"page is the LAPIC again (reset) and a self-IPI arrives",
		ok);
}
