/* x86_64 CPU set-up: the IDT, per-CPU pointer, interrupt masking, task
 * contexts, fault reports, and the C entry points of head.S. */
#include <hal/hal.h>
#include <kernel/irq.h>
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/percpu.h>
#include "x86.h"

_Static_assert(offsetof(struct hal_context, rbx) == CTX_RBX, "ctx layout");
_Static_assert(offsetof(struct hal_context, r15) == CTX_R15, "ctx layout");
_Static_assert(offsetof(struct hal_context, rsp) == CTX_RSP, "ctx layout");
_Static_assert(offsetof(struct hal_context, rip) == CTX_RIP, "ctx layout");
_Static_assert(offsetof(struct percpu_arch, self) == 0, "gs:0 is self");

#define IDT_VECTORS     256
#define IDT_INTR_GATE   0x8e /* present, DPL 0, 64-bit interrupt gate */
#define TRAP_STUB_SIZE  16
#define SPURIOUS_VECTOR 0xff

struct idt_gate {
	uint16_t off_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __attribute__((packed));

struct trap_frame {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(offsetof(struct trap_frame, vector) == TRAP_FRAME_GPRS * 8,
	       "trap frame layout");

extern char x86_trap_stubs[];
void x86_task_start(void);

/* Vectors that must not trust the current stack get IST 1. */
#define IST_STACK_SIZE 4096
#define TSS_TYPE_AVAIL 0x9

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

_Static_assert(MAX_CPUS <= GDT_TSS_SLOTS, "a GDT TSS slot per CPU");
extern uint64_t boot_gdt_tss[2 * GDT_TSS_SLOTS];
static struct tss tss[MAX_CPUS];
static uint8_t ist_stacks[MAX_CPUS][IST_STACK_SIZE]
	__attribute__((aligned(16)));
static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static uint32_t boot_magic;
static uint32_t boot_mbi;

/* GS base points at this CPU's percpu->arch, whose first word is the
 * struct percpu itself: one 'mov %gs:0' finds it, and nothing needs a
 * table indexed by APIC id. */
void hal_set_percpu(void *p)
{
	struct percpu *pc = p;

	pc->arch.self = p;
	wrmsr(MSR_GS_BASE, (uint64_t)&pc->arch);
}

void hal_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

void hal_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* 'hlt' with interrupts masked would never wake up; sti's one-instruction
 * shadow makes "unmask and halt" atomic, so a wake-up that is already
 * pending is taken at once and none is lost. The interrupt is handled
 * here, in the caller's context, and we return with interrupts masked.
 *
 * One that is already pending (in the LAPIC's IRR) is taken without the
 * halt: QEMU 7.2 runs the HLT in sti's shadow without looking at it, so
 * its CPU halts with the interrupt pending, and under -icount's round
 * robin it is looked at again only once the other CPUs' turn ends, which
 * can be tens of milliseconds later (docs/bench.md, "x86_64"). On
 * hardware the halt would end at once. */
void hal_wait_for_interrupt(void)
{
	if (x86_lapic_irr_pending()) {
		__asm__ volatile("sti; nop; cli" ::: "memory");
		return;
	}
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void hal_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

void hal_context_init(struct hal_context *ctx, void *stack_top,
		      void (*entry)(void *), void *arg)
{
	*ctx = (struct hal_context){
		.rbx = (uint64_t)entry,
		.r12 = (uint64_t)arg,
		.rsp = ALIGN_DOWN((uint64_t)stack_top, 16),
		.rip = (uint64_t)x86_task_start,
	};
}

/* NMI, double fault and machine check run on their own stack (IST 1): a
 * wild stack pointer is then reported instead of ending in a triple
 * fault. */
static bool vector_uses_ist(unsigned v)
{
	return v == 2 || v == 8 || v == 18;
}

void x86_idt_init(void)
{
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		uint64_t h = (uint64_t)(x86_trap_stubs + v * TRAP_STUB_SIZE);
		idt[v] = (struct idt_gate){
			.off_lo = (uint16_t)h,
			.selector = GDT_CODE64,
			.ist = vector_uses_ist(v) ? 1 : 0,
			.type = IDT_INTR_GATE,
			.off_mid = (uint16_t)(h >> 16),
			.off_hi = (uint32_t)(h >> 32),
		};
	}
}

/* This CPU's TSS (only its IST 1 is used) in GDT slot GDT_TSS + 16 * cpu. */
static void tss_load(unsigned cpu)
{
	struct tss *t = &tss[cpu];
	uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;

	t->ist[0] = (uint64_t)(ist_stacks[cpu] + IST_STACK_SIZE);
	t->iomap_base = sizeof(*t); /* no I/O bitmap */
	boot_gdt_tss[2 * cpu] = (limit & 0xffff) | (base & 0xffffff) << 16 |
				(uint64_t)TSS_TYPE_AVAIL << 40 | 1ull << 47 |
				(limit >> 16 & 0xf) << 48 |
				(base >> 24 & 0xff) << 56;
	boot_gdt_tss[2 * cpu + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS + 16 * cpu) : "memory");
}

void x86_idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void hal_cpu_init(unsigned cpu)
{
	BUG_ON(cpu >= MAX_CPUS);
	x86_idt_load();
	tss_load(cpu);
}

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 FP error",
	"alignment check",
	"machine check",
	"SIMD FP error",
	"virtualization",
	"control protection",
	[28] = "hypervisor injection",
	[29] = "VMM communication",
	[30] = "security",
};

/* In pieces: console_printf() formats at most 256 characters. */
static void trap_report(const struct trap_frame *f)
{
	const char *name = exception_names[f->vector];

	console_printf("\n[cvisor] exception %llu (%s) in cvisor\n"
		       "  error %#llx  RIP %016llx  CR2 %016llx\n",
		       (unsigned long long)f->vector, name ? name : "reserved",
		       (unsigned long long)f->error, (unsigned long long)f->rip,
		       (unsigned long long)read_cr2());
	console_printf("  RSP %016llx  RFLAGS %#llx  CS %#llx\n",
		       (unsigned long long)f->rsp,
		       (unsigned long long)f->rflags,
		       (unsigned long long)f->cs);
	console_printf("  RAX %016llx  RBX %016llx  RCX %016llx\n"
		       "  RDX %016llx  RSI %016llx  RDI %016llx\n",
		       (unsigned long long)f->rax, (unsigned long long)f->rbx,
		       (unsigned long long)f->rcx, (unsigned long long)f->rdx,
		       (unsigned long long)f->rsi, (unsigned long long)f->rdi);
	console_printf("  RBP %016llx  R8 %016llx  R9 %016llx\n",
		       (unsigned long long)f->rbp, (unsigned long long)f->r8,
		       (unsigned long long)f->r9);
}

/* Every vector ends here (vectors.S). Exceptions are bugs of cvisor;
 * everything from 32 up is an interrupt, except the LAPIC's spurious
 * vector, which must not be acknowledged. The vector is the interrupt's
 * number: it is handled (and EOIed) at once, without reading the ISR
 * to find it and again to find none left (irq_dispatch(), 100
 * instructions): another one pending comes through the IDT once this
 * one is EOIed and interrupts are on. */
void x86_trap(struct trap_frame *f)
{
	if (f->vector < 32) {
		trap_report(f);
		panic("stopping after exception %llu",
		      (unsigned long long)f->vector);
	}
	if (f->vector == SPURIOUS_VECTOR)
		return;
	irq_handle((unsigned)f->vector);
}

/* head.S, boot CPU, long mode, on boot stack 0, .bss cleared. */
void x86_boot_primary(uint32_t magic, uint32_t mbi)
{
	boot_magic = magic;
	boot_mbi = mbi;
	x86_idt_init();
	x86_idt_load();
	kernel_main();
}

/* What the loader passed in eax and ebx. */
uint32_t x86_boot_mbi(uint32_t *magic)
{
	*magic = boot_magic;
	return boot_mbi;
}

/* head.S, secondary CPU, long mode, on its own boot stack. */
volatile uint32_t x86_ap_started;

void x86_boot_secondary(uint32_t cpu)
{
	x86_idt_load();
	__atomic_store_n(&x86_ap_started, 1, __ATOMIC_RELEASE);
	kernel_secondary_main(cpu);
}
