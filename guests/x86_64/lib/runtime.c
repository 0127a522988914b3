/* The x86_64 runtime of the test guests: console (COM1's 16550 at port
 * 0x3f8), hypercalls (VMMCALL), power off (QEMU's isa-debug-exit at port
 * 0xf4), the IDT and exceptions, per-vCPU data (GS base), secondary
 * vCPUs started with INIT and SIPI through the LAPIC, and the counter's
 * rate from cvisor's CPUID timing leaf. */
#include <guest.h>

#define COM1          0x3f8
#define LSR_THRE      0x20u
#define DEBUG_EXIT    0xf4
#define RESET_PORT    0xcf9
#define MSR_GS_BASE   0xc0000101u
#define TRAMPOLINE    0x8000ul
#define ICR_LO        0x300
#define ICR_HI        0x310
#define ICR_INIT      0x4500u
#define ICR_SIPI      0x4600u
#define START_WAIT_MS 500

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

struct trap_frame {
	uint64_t rbx, r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

/* Each vCPU's GS base points at its entry: its index, and whether its
 * LAPIC is in x2APIC mode (guest_x2apic()). */
struct guest_cpu {
	uint64_t index;
	uint64_t x2apic;
};
/* The command line asked for x2APIC mode on every vCPU. */
static bool want_x2apic;

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct guest_cpu cpus[GUEST_MAX_CPUS];
static void (*volatile secondary_fn[GUEST_MAX_CPUS])(unsigned);
volatile uint32_t ap_index;
static volatile uint32_t ap_started;
static uint64_t tsc_hz, lapic_hz;
volatile struct guest_trap guest_trap;
void (*volatile guest_nmi_hook)(void);
volatile unsigned guest_nmi_depth_max;
static volatile unsigned nmi_depth;
void (*guest_irq_handler)(unsigned irq);

extern char guest_idt_stubs[], trampoline_start[], trampoline_end[];

void guest_putc(char c)
{
	while (!(inb(COM1 + 5) & LSR_THRE))
		;
	outb(COM1, (uint8_t)c);
}

/* AxVisor's ABI: rax = number, rdi, rsi, rdx, ... the arguments, the
 * result in rax. */
uint64_t guest_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t ret;

	__asm__ volatile("vmmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "memory");
	return ret;
}

/* The same through Intel's VMCALL, which an AMD CPU does not have:
 * cvisor takes its #UD as the hypercall (guests written for VMX). */
uint64_t guest_hypercall_vmcall(uint64_t nr, uint64_t a0, uint64_t a1,
				uint64_t a2)
{
	uint64_t ret;

	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "memory");
	return ret;
}

void guest_firmware_report(void)
{
	uint32_t r[4];
	char sig[13];

	cpuid(0x40000000u, 0, r);
	for (int i = 0; i < 4; i++) {
		sig[i] = (char)(r[1] >> (8 * i));
		sig[4 + i] = (char)(r[2] >> (8 * i));
		sig[8 + i] = (char)(r[3] >> (8 * i));
	}
	sig[12] = 0;
	guest_puts("CPUID hypervisor leaf: \"");
	guest_puts(sig);
	guest_puts("\", TSC ");
	guest_put_dec(tsc_hz / 1000);
	guest_puts(" kHz, LAPIC timer ");
	guest_put_dec(lapic_hz / 1000);
	guest_puts(" kHz\n");
}

void guest_power_off(void)
{
	outb(DEBUG_EXIT, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void guest_system_reset(void)
{
	outb(RESET_PORT, 0x6); /* hard reset, if the VM has the port */
}

/* x86 has no call that says: a vCPU that is off waits for a SIPI, so
 * one that starts on INIT/SIPI was off (it halts once it has said so). */
bool guest_cpu_is_off(uint64_t hwid)
{
	return hwid < GUEST_MAX_CPUS &&
	       guest_cpu_on((unsigned)hwid, hwid, 0) == 0;
}

uint64_t guest_counter_freq(void)
{
	return tsc_hz;
}

uint64_t guest_lapic_freq(void)
{
	return lapic_hz;
}

void guest_trap_install(void)
{
	/* The IDT is always installed (guest_runtime_init). */
}

bool guest_trap_is_access_fault(uint64_t addr, bool write)
{
	/* A PC's bus answers every address: no fault exists to match. */
	(void)addr, (void)write;
	return false;
}

static void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

#define MSR_APIC_BASE   0x1bu
#define APIC_BASE_EXTD  (1u << 10)
#define APIC_BASE_EN    (1u << 11)
#define CPUID1_X2APIC   (1u << 21)
#define MB_INFO_CMDLINE 0x4u

int guest_x2apic_enable(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[2] & CPUID1_X2APIC))
		return 0;
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EXTD);
	cpus[guest_cpu_index()].x2apic = 1;
	/* Its 32-bit ID is the APIC id CPUID gives (a test's "!FAIL"). */
	if (rdmsr(X2APIC_MSR(0x20)) != r[1] >> 24)
		guest_puts("runtime: FAIL: x2APIC ID is not CPUID's APIC id\n");
	return 1;
}

void guest_x2apic_leave(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) & ~(APIC_BASE_EN | APIC_BASE_EXTD);

	wrmsr(MSR_APIC_BASE, base); /* disabled */
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
	cpus[guest_cpu_index()].x2apic = 0;
}

static void cpu_setup(unsigned index)
{
	cpus[index].index = index;
	wrmsr(MSR_GS_BASE, (uint64_t)&cpus[index]);
	idt_load();
	if (want_x2apic)
		guest_x2apic_enable();
}

const char *guest_cmdline(size_t *len)
{
	/* Its flags, then the command line's address, 16 bytes on. */
	const uint32_t *info = (const uint32_t *)(uint64_t)guest_mbi;

	if (!info || !(info[0] & MB_INFO_CMDLINE) || !info[4])
		return 0;
	const char *s = (const char *)(uint64_t)info[4];
	for (*len = 0; s[*len]; (*len)++)
		;
	return s;
}

unsigned guest_cpu_index(void)
{
	uint64_t i;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(i));
	return (unsigned)i;
}

void guest_trap_entry(struct trap_frame *f);
void guest_trap_entry(struct trap_frame *f)
{
	if (f->vector == 2) { /* NMI: counted, the hook called */
		unsigned d = ++nmi_depth;
		if (d > guest_nmi_depth_max)
			guest_nmi_depth_max = d;
		guest_trap.nmis++;
		if (guest_nmi_hook)
			guest_nmi_hook();
		nmi_depth--;
		return;
	}
	if (f->vector >= 32) {
		unsigned v = (unsigned)f->vector;
		if (v == GUEST_SPURIOUS)
			return;
		if (guest_irq_handler)
			guest_irq_handler(v - GUEST_IPI_VECTOR < GUEST_IPIS ?
						  v - GUEST_IPI_VECTOR :
						  v);
		lapic_write(0xb0, 0); /* EOI */
		return;
	}
	guest_trap.vector = f->vector;
	guest_trap.error = f->error;
	guest_trap.rip = f->rip;
	guest_trap.count++;
	if (guest_trap.resume) {
		f->rip = guest_trap.resume;
		guest_trap.resume = 0;
		return;
	}
	guest_puts("guest: unexpected exception ");
	guest_put_dec(f->vector);
	guest_puts(" error ");
	guest_put_hex(f->error);
	guest_puts(" at rip ");
	guest_put_hex(f->rip);
	guest_puts("\n");
	guest_power_off();
}

static unsigned cpu_count(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	return r[1] >> 16 & 0xff;
}

/* The ICR's command 'lo' to APIC id 'hwid', in either mode. */
static void icr_send(uint64_t hwid, uint32_t lo)
{
	if (guest_x2apic()) {
		wrmsr(X2APIC_ICR, hwid << 32 | lo);
		return;
	}
	LAPIC_REG(ICR_HI) = (uint32_t)hwid << 24;
	LAPIC_REG(ICR_LO) = lo;
}

/* INIT, then a SIPI to the trampoline's page; the vCPU says it runs. */
uint64_t guest_cpu_on(unsigned index, uint64_t hwid, void (*fn)(unsigned))
{
	if (index >= GUEST_MAX_CPUS || index >= cpu_count())
		return (uint64_t)-1;
	for (char *s = trampoline_start, *d = (char *)TRAMPOLINE;
	     s < trampoline_end;)
		*d++ = *s++;
	secondary_fn[index] = fn;
	ap_index = index;
	ap_started = 0;
	full_barrier();
	icr_send(hwid, ICR_INIT);
	icr_send(hwid, ICR_SIPI | (uint32_t)(TRAMPOLINE >> 12));
	uint64_t until = guest_counter() + tsc_hz / 1000 * START_WAIT_MS;
	while (!ap_started && guest_counter() < until)
		cpu_relax();
	return ap_started ? 0 : (uint64_t)-2;
}

void guest_cpu_off(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void guest_secondary_main(unsigned index);
void guest_secondary_main(unsigned index)
{
	cpu_setup(index);
	ap_started = 1;
	if (index < GUEST_MAX_CPUS && secondary_fn[index])
		secondary_fn[index](index);
	guest_cpu_off();
}

uint32_t guest_mbi;

void guest_runtime_init(uint32_t mbi);
void guest_runtime_init(uint32_t mbi)
{
	uint32_t r[4];
	size_t n;

	guest_mbi = mbi;
	const char *cmdline = guest_cmdline(&n);
	want_x2apic = cmdline && guest_bytes_find(cmdline, n, "x2apic");
	for (unsigned v = 0; v < 256; v++) {
		uint64_t h = (uint64_t)(guest_idt_stubs + 16 * v);
		idt[v] = (struct idt_gate){
			.off_lo = (uint16_t)h,
			.sel = 0x08,
			.type = 0x8e,
			.off_mid = (uint16_t)(h >> 16),
			.off_hi = (uint32_t)(h >> 32),
		};
	}
	cpu_setup(0);
	cpuid(0x40000010u, 0, r);
	tsc_hz = (uint64_t)r[0] * 1000;
	lapic_hz = (uint64_t)r[1] * 1000;
}

uint64_t guest_hypercall4(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			  uint64_t a3)
{
	register uint64_t r3 __asm__("rcx") = a3;
	uint64_t ret;

	__asm__ volatile("vmmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r3)
			 : "memory");
	return ret;
}
