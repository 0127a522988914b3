/* The aarch64 runtime of the test guests: console (the VM's PL011 at
 * 0x0900_0000), hypercalls, PSCI, traps. */
#include <guest.h>

#define UART_DR ((volatile uint32_t *)0x09000000ul)
#define UART_FR ((volatile uint32_t *)0x09000018ul)

void guest_putc(char c)
{
	while (*UART_FR & (1u << 5))
		;
	*UART_DR = (uint8_t)c;
}

volatile struct guest_trap guest_trap;
extern char guest_vectors[];

void guest_trap_install(void)
{
	__asm__ volatile("msr vbar_el1, %0; isb" : : "r"(guest_vectors));
}

/* EC 0x25 (data abort, same EL), DFSC 0x10 (synchronous external abort),
 * WnR as the access. */
bool guest_trap_is_access_fault(uint64_t addr, bool write)
{
	uint64_t esr = guest_trap.esr;

	(void)addr;
	return (esr >> 26) == 0x25 && (esr & 0x3f) == 0x10 &&
	       !!(esr & (1u << 6)) == write;
}

static uint64_t hvc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	register uint64_t r0 __asm__("x0") = x0;
	register uint64_t r1 __asm__("x1") = x1;
	register uint64_t r2 __asm__("x2") = x2;
	register uint64_t r3 __asm__("x3") = x3;

	__asm__ volatile("hvc #0"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
			 :
			 : "memory");
	return r0;
}

uint64_t guest_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return hvc(nr, a0, a1, a2);
}

uint64_t guest_psci(uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return hvc(fn, a0, a1, a2);
}

void guest_firmware_report(void)
{
	guest_puts("PSCI version ");
	guest_put_hex(guest_psci(PSCI_VERSION, 0, 0, 0));
	guest_puts("\n");
}

void guest_power_off(void)
{
	guest_psci(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void guest_system_reset(void)
{
	guest_psci(PSCI_SYSTEM_RESET, 0, 0, 0);
}

bool guest_cpu_is_off(uint64_t hwid)
{
	return guest_psci(PSCI_AFFINITY_INFO, hwid, 0, 0) == 1;
}

extern char _secondary_start[];
static void (*volatile secondary_fn[GUEST_MAX_CPUS])(unsigned);

uint64_t guest_cpu_on(unsigned index, uint64_t hwid, void (*fn)(unsigned))
{
	if (index >= GUEST_MAX_CPUS)
		return (uint64_t)-2;
	secondary_fn[index] = fn;
	__asm__ volatile("dmb sy" ::: "memory");
	return guest_psci(PSCI_CPU_ON, hwid, (uint64_t)_secondary_start, index);
}

void guest_cpu_off(void)
{
	guest_psci(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

unsigned guest_cpu_index(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned)(mpidr & 0xf);
}

void guest_secondary_main(unsigned index);
void guest_secondary_main(unsigned index)
{
	if (index < GUEST_MAX_CPUS && secondary_fn[index])
		secondary_fn[index](index);
	guest_cpu_off();
}

uint64_t guest_hypercall4(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			  uint64_t a3)
{
	register uint64_t r0 __asm__("x0") = nr;
	register uint64_t r1 __asm__("x1") = a0;
	register uint64_t r2 __asm__("x2") = a1;
	register uint64_t r3 __asm__("x3") = a2;
	register uint64_t r4 __asm__("x4") = a3;

	__asm__ volatile("hvc #0"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4)
			 :
			 : "memory");
	return r0;
}

/* The power button: line 3 of the PL061 at 0x0903_0000 (QEMU virt's),
 * interrupting on its rising edge through SPI 7. */
#define GPIO_REG(off) (*(volatile uint32_t *)(0x09030000ul + (off)))
#define GPIO_IS       0x404
#define GPIO_IBE      0x408
#define GPIO_IEV      0x40c
#define GPIO_IE       0x410
#define GPIO_IC       0x41c
#define BUTTON_BIT    (1u << 3)

unsigned guest_power_button_init(unsigned cpu)
{
	GPIO_REG(GPIO_IS) &= ~BUTTON_BIT;
	GPIO_REG(GPIO_IBE) &= ~BUTTON_BIT;
	GPIO_REG(GPIO_IEV) |= BUTTON_BIT;
	GPIO_REG(GPIO_IC) = BUTTON_BIT;
	GPIO_REG(GPIO_IE) |= BUTTON_BIT;
	return guest_irq_enable_line(32 + 7, cpu);
}

void guest_power_button_ack(void)
{
	GPIO_REG(GPIO_IC) = BUTTON_BIT;
}
