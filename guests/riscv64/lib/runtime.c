/* The riscv64 runtime of the test guests: console (the VM's 16550 at
 * 0x1000_0000), SBI calls (hypercalls, HSM, IPI, SRST), traps, the
 * counter's frequency from the DTB, and the power button. */
#include <guest.h>
#include <stddef.h>

#define UART_THR ((volatile uint8_t *)0x10000000ul)
#define UART_LSR ((volatile uint8_t *)0x10000005ul)
#define LSR_THRE 0x20u

#define SBI_EXT_HYPERCALL 0x485643ul

void guest_putc(char c)
{
	while (!(*UART_LSR & LSR_THRE))
		;
	*UART_THR = (uint8_t)c;
}

struct sbiret guest_sbi(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r6), "r"(r7)
			 : "memory");
	return (struct sbiret){ .error = (long)r0, .value = (long)r1 };
}

/* AxVisor's ABI: a7 = "HVC", a6 = the number, the result in a0. */
uint64_t guest_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return (uint64_t)guest_sbi(SBI_EXT_HYPERCALL, nr, a0, a1, a2).error;
}

void guest_firmware_report(void)
{
	struct sbiret v = guest_sbi(SBI_EXT_BASE, 0, 0, 0, 0);
	struct sbiret id = guest_sbi(SBI_EXT_BASE, 1, 0, 0, 0);

	guest_puts("SBI version ");
	guest_put_hex((uint64_t)v.value);
	guest_puts(", implementation ");
	guest_put_hex((uint64_t)id.value);
	guest_puts("\n");
}

void guest_power_off(void)
{
	guest_sbi(SBI_EXT_SRST, 0, 0, 0, 0); /* shutdown, no reason */
	for (;;)
		__asm__ volatile("wfi");
}

void guest_system_reset(void)
{
	guest_sbi(SBI_EXT_SRST, 0, 1, 0, 0); /* cold reboot */
}

bool guest_cpu_is_off(uint64_t hwid)
{
	return guest_sbi(SBI_EXT_HSM, 2, hwid, 0, 0).value == 1; /* STOPPED */
}

volatile struct guest_trap guest_trap;
extern char guest_trap_entry[];

void guest_trap_install(void)
{
	csr_write(stvec, (uint64_t)guest_trap_entry);
}

bool guest_trap_is_access_fault(uint64_t addr, bool write)
{
	return guest_trap.scause == (write ? 7u : 5u) &&
	       guest_trap.stval == addr;
}

/* Where an ecall from U-mode returns to, in S-mode (guest_user_run). */
static volatile uint64_t user_return;

void guest_user_run(void (*fn)(void))
{
	__asm__ volatile("lla t0, 1f\n\t"
			 "sd t0, %0\n\t"
			 "csrw sepc, %1\n\t"
			 "li t0, 0x100\n\t"
			 "csrc sstatus, t0\n\t" /* SPP: U */
			 "sret\n"
			 "1:"
			 : "=m"(user_return)
			 : "r"(fn)
			 : "t0", "ra", "a0", "a1", "a2", "a3", "a4", "a5", "a6",
			   "a7", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
}

/* The frame of lib/trap.S: ra, t0-t2, a0-a7, t3-t6, then sepc. */
struct trap_frame {
	uint64_t ra, t[3], a[8], t2[4], sepc;
};

/* Recorded, and the guest goes on after the faulting instruction (2 or 4
 * bytes), or, for an instruction fetch from where nothing executes, back
 * at the caller (ra). */
void guest_exception(struct trap_frame *f);
void guest_exception(struct trap_frame *f)
{
	uint64_t cause = csr_read(scause);

	guest_trap.scause = cause;
	guest_trap.stval = csr_read(stval);
	guest_trap.sepc = f->sepc;
	guest_trap.count++;
	if (cause == 8 && user_return) { /* ecall from U: back to S */
		f->sepc = user_return;
		user_return = 0;
		csr_set(sstatus, 1ul << 8); /* SPP */
		return;
	}
	if (cause == 1 || cause == 12) {
		f->sepc = f->ra;
		return;
	}
	uint16_t low = *(volatile uint16_t *)f->sepc;
	f->sepc += (low & 3) == 3 ? 4 : 2;
}

extern char _secondary_start[];
static void (*volatile secondary_fn[GUEST_MAX_CPUS])(unsigned);

/* The hart id of each vCPU index: the boot hart's from start.S (under
 * OpenSBI alone its lottery may pick any), the others' as started;
 * before that, the index. */
uint64_t guest_hart_id[GUEST_MAX_CPUS] = { 0, 1, 2, 3, 4, 5, 6, 7 };

uint64_t guest_cpu_hwid(unsigned index)
{
	return index < GUEST_MAX_CPUS ? guest_hart_id[index] : index;
}

uint64_t guest_cpu_on(unsigned index, uint64_t hwid, void (*fn)(unsigned))
{
	if (index >= GUEST_MAX_CPUS)
		return (uint64_t)-3;
	secondary_fn[index] = fn;
	guest_hart_id[index] = hwid;
	full_barrier();
	return (uint64_t)guest_sbi(SBI_EXT_HSM, 0, hwid,
				   (unsigned long)_secondary_start, index)
		.error;
}

void guest_cpu_off(void)
{
	guest_sbi(SBI_EXT_HSM, 1, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

unsigned guest_cpu_index(void)
{
	uint64_t tp;

	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return (unsigned)tp;
}

void guest_secondary_main(unsigned index);
void guest_secondary_main(unsigned index)
{
	if (index < GUEST_MAX_CPUS && secondary_fn[index])
		secondary_fn[index](index);
	guest_cpu_off();
}

/* ---- from the DTB: the counter's frequency, the command line ---- */

static uint64_t timebase;

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The value of the first property 'want' anywhere in the tree (only
 * /cpus has timebase-frequency, only /chosen bootargs), and its length;
 * NULL if none. */
static const uint8_t *dtb_prop(const uint8_t *dtb, const char *want,
			       uint32_t *len)
{
	if (!dtb || be32(dtb) != 0xd00dfeed)
		return NULL;
	const uint8_t *st = dtb + be32(dtb + 8);
	const char *strs = (const char *)dtb + be32(dtb + 12);
	uint32_t size = be32(dtb + 36);

	for (uint32_t off = 0; off + 4 <= size;) {
		uint32_t tok = be32(st + off);
		off += 4;
		if (tok == 1) { /* BEGIN_NODE: a NUL-terminated name */
			while (st[off])
				off++;
			off = (off + 4) & ~3u;
		} else if (tok == 3) { /* PROP: len, nameoff, value */
			*len = be32(st + off);
			if (str_eq(strs + be32(st + off + 4), want))
				return st + off + 8;
			off = (off + 8 + *len + 3) & ~3u;
		} else if (tok == 9) {
			break;
		}
	}
	return NULL;
}

static const char *bootargs = "";

const char *guest_bootargs(void)
{
	return bootargs;
}

uint64_t guest_counter_freq(void)
{
	return timebase;
}

void guest_runtime_init(const void *dtb);
void guest_runtime_init(const void *dtb)
{
	uint32_t len = 0;
	const uint8_t *v = dtb_prop(dtb, "timebase-frequency", &len);

	timebase = v && len == 4 ? be32(v) : 0;
	v = dtb_prop(dtb, "bootargs", &len);
	if (v && len && v[len - 1] == 0)
		bootargs = (const char *)v;
}

uint64_t guest_hypercall4(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			  uint64_t a3)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r6 __asm__("a6") = nr;
	register unsigned long r7 __asm__("a7") = SBI_EXT_HYPERCALL;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r6), "r"(r7)
			 : "memory");
	return r0;
}

/* The VM's power button (docs/shell.md): line 0 of its SiFive GPIO at
 * 0x1006_0000, on PLIC source 12. A press is a rising edge of the line. */
#define GPIO_REG(off) (*(volatile uint32_t *)(0x10060000ul + (off)))
#define GPIO_INPUT_EN 0x04
#define GPIO_RISE_IE  0x18
#define GPIO_RISE_IP  0x1c
#define BUTTON_BIT    (1u << 0)
#define BUTTON_SOURCE 12u

unsigned guest_power_button_init(unsigned cpu)
{
	GPIO_REG(GPIO_INPUT_EN) |= BUTTON_BIT;
	GPIO_REG(GPIO_RISE_IP) = BUTTON_BIT; /* write 1 to clear */
	GPIO_REG(GPIO_RISE_IE) |= BUTTON_BIT;
	return guest_irq_enable_line(BUTTON_SOURCE, cpu);
}

/* Before the PLIC completion (guest_irq): the line is down by then, so
 * the source is not pending again. */
void guest_power_button_ack(void)
{
	GPIO_REG(GPIO_RISE_IP) = BUTTON_BIT;
}
