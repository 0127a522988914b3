/* hostile: the interrupt controller. Every register of the distributor
 * and of every redistributor frame, existing or not, read and written
 * with junk at every width; SGI floods to ourselves, to the other vCPU
 * and to vCPUs that do not exist; then the vGIC, put back in order, must
 * still deliver an SGI, a rerouted SPI and a timer interrupt. */
#include "hostile.h"

#define GICD        0x08000000ull
#define GICR        0x080a0000ull
#define GICC        0x08010000ull
#define FRAME       0x10000ull
#define GICR_STRIDE 0x20000ull
#define NR_VCPUS    2 /* hostile-aarch64.toml */

#define SGI_FLOOD  1
#define SGI_CHECK  2
#define SPI_ROUTED 40
#define VTIMER     27

static unsigned version;
static volatile unsigned irqs_seen[64];

static void on_irq(unsigned intid)
{
	if (intid < 64)
		irqs_seen[intid]++;
	if (intid == VTIMER)
		__asm__ volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory");
}

/* ---- accesses of each width, each one instruction with plain base
 * addressing (as a driver's readl/writel): an access with writeback
 * gives the hypervisor no syndrome to emulate it from. */

static uint64_t rd(uint64_t a, unsigned w)
{
	uint64_t v;

	switch (w) {
	case 1:
		__asm__ volatile("ldrb %w0, [%1]"
				 : "=r"(v)
				 : "r"(a)
				 : "memory");
		break;
	case 2:
		__asm__ volatile("ldrh %w0, [%1]"
				 : "=r"(v)
				 : "r"(a)
				 : "memory");
		break;
	case 4:
		__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
		break;
	default:
		__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
		break;
	}
	return v;
}

static void wr(uint64_t a, unsigned w, uint64_t v)
{
	switch (w) {
	case 1:
		__asm__ volatile("strb %w0, [%1]"
				 :
				 : "r"(v), "r"(a)
				 : "memory");
		break;
	case 2:
		__asm__ volatile("strh %w0, [%1]"
				 :
				 : "r"(v), "r"(a)
				 : "memory");
		break;
	case 4:
		__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
		break;
	default:
		__asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
		break;
	}
}

static inline uint32_t r32(uint64_t a)
{
	return (uint32_t)rd(a, 4);
}
static inline uint64_t r64(uint64_t a)
{
	return rd(a, 8);
}
static inline void w32(uint64_t a, uint32_t v)
{
	wr(a, 4, v);
}
static inline void w64(uint64_t a, uint64_t v)
{
	wr(a, 8, v);
}

/* Junk at every offset of a 64 KiB frame: each word read, written with
 * all ones and with a changing pattern, read again; each byte and
 * halfword of it read and written; each doubleword too. Returns how
 * many accesses took an exception (none may: reserved registers are
 * RAZ/WI, and the vGIC answers every width). */
static uint64_t junk_frame(uint64_t base, uint64_t skip_lo, uint64_t skip_hi)
{
	uint64_t traps = 0, lfsr = 0x9e3779b97f4a7c15ull;

	for (uint64_t off = 0; off < FRAME; off += 4) {
		uint64_t a = base + off;
		if (off >= skip_lo && off < skip_hi)
			continue;
		uint64_t before = guest_trap.count;
		(void)rd(a, 4);
		wr(a, 4, ~0ull);
		lfsr = lfsr >> 1 ^ (-(lfsr & 1) & 0xd800000000000000ull);
		wr(a, 4, lfsr);
		(void)rd(a, 4);
		for (unsigned b = 0; b < 4; b++) {
			(void)rd(a + b, 1);
			wr(a + b, 1, lfsr >> (8 * b));
		}
		for (unsigned h = 0; h < 4; h += 2) {
			(void)rd(a + h, 2);
			wr(a + h, 2, ~0ull);
		}
		if (!(off & 7)) {
			(void)rd(a, 8);
			wr(a, 8, lfsr);
		}
		traps += guest_trap.count - before;
	}
	return traps;
}

/* A frame nothing backs: every access, sampled every 4 KiB, aborts. */
static uint64_t absent_frame_answers(uint64_t base)
{
	uint64_t answered = 0;

	for (uint64_t off = 0; off < FRAME; off += 0x1000) {
		trap_arm();
		(void)rd(base + off, 4);
		answered += !is_sea(trapped(), 0);
		trap_arm();
		wr(base + off + 8, 8, ~0ull);
		answered += !is_sea(trapped(), 1);
	}
	return answered;
}

/* ---- GICv3 */

struct v3_ro {
	uint32_t typer, iidr, pidr2;
	uint64_t rtyper[NR_VCPUS];
	uint32_t riidr, rpidr2;
};

static void v3_read_ro(struct v3_ro *r)
{
	r->typer = r32(GICD + 0x4);
	r->iidr = r32(GICD + 0x8);
	r->pidr2 = r32(GICD + 0xffe8);
	for (unsigned c = 0; c < NR_VCPUS; c++)
		r->rtyper[c] = r64(GICR + c * GICR_STRIDE + 0x8);
	r->riidr = r32(GICR + 0x4);
	r->rpidr2 = r32(GICR + 0xffe8);
}

static unsigned nr_irqs(void)
{
	return 32 * ((r32(GICD + 0x4) & 0x1f) + 1);
}

/* Offsets that are reserved (or RAZ/WI in this GIC: no LPIs, no
 * security, no extended ranges), in the distributor, an RD frame and an
 * SGI frame: after the junk they must still read as zero. */
static const uint32_t gicd_reserved[] = {
	0x0020, 0x003c, 0x0d00, 0x0e00, 0x0f00, 0x0f10, 0x0f20, 0x1000, 0x3000,
	0x5ffc, 0x6000, 0x60f8, 0x7fe0, 0x8000, 0xa000, 0xc000, 0xf000, 0xffcc,
};
static const uint32_t rd_reserved[] = {
	0x0000, 0x0010, 0x0040, 0x0070, 0x0078, 0x00a0, 0x1000, 0xfffc - 0x30,
};
static const uint32_t sgi_reserved[] = {
	0x0000, 0x0004, 0x007c, 0x0084, 0x0104, 0x0420,
	0x0800, 0x0c08, 0x0d00, 0x0e00, 0x1000, 0xf000,
};

static uint64_t nonzero(uint64_t base, const uint32_t *offs, unsigned n)
{
	uint64_t bad = 0;

	for (unsigned i = 0; i < n; i++)
		bad += r32(base + offs[i]) != 0;
	return bad;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Puts the GIC back as a driver would leave it. */
static void v3_restore(void)
{
	unsigned n = nr_irqs();

	w32(GICD, 0);
	for (unsigned i = 32; i < n; i += 32) {
		w32(GICD + 0x180 + i / 32 * 4, ~0u); /* ICENABLER */
		w32(GICD + 0x280 + i / 32 * 4, ~0u); /* ICPENDR */
		w32(GICD + 0x080 + i / 32 * 4, ~0u); /* group 1 */
	}
	for (unsigned i = 32; i < n; i += 4)
		w32(GICD + 0x400 + i, 0xa0a0a0a0u);
	for (unsigned i = 32; i < n; i++)
		w64(GICD + 0x6000 + 8 * i, 0); /* to vCPU 0 */
	w32(GICD, 0x12);                       /* ARE, EnableGrp1 */
	for (unsigned c = 0; c < NR_VCPUS; c++) {
		uint64_t sgi = GICR + c * GICR_STRIDE + FRAME;
		w32(sgi + 0x180, ~0u);
		w32(sgi + 0x280, ~0u);
		w32(sgi + 0x080, ~0u);
		for (unsigned i = 0; i < 32; i += 4)
			w32(sgi + 0x400 + i, 0xa0a0a0a0u);
	}
	gic_cpu_init(0);
}

static bool wait_for(unsigned intid, unsigned seen_before)
{
	uint64_t end = guest_counter() + guest_counter_freq() / 2;

	while (irqs_seen[intid] == seen_before && guest_counter() < end) {
		irq_enable();
		__asm__ volatile("isb; nop; nop; isb" ::: "memory");
		irq_disable();
	}
	return irqs_seen[intid] != seen_before;
}

/* The virtual timer, armed 1 ms ahead, still interrupts us. */
static void check_vtimer_arrives(void)
{
	unsigned before = irqs_seen[VTIMER];

	gic_enable_private(0, VTIMER);
	__asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 :
			 : "r"(guest_counter_freq() / 1000), "r"(1ull)
			 : "memory");
	check("after the junk: the virtual timer interrupts us",
	      wait_for(VTIMER, before), "seen", irqs_seen[VTIMER]);
}

static void send_sgi1r(uint64_t v)
{
	__asm__ volatile("msr S3_0_C12_C11_5, %0; isb" : : "r"(v) : "memory");
}

/* SGIs raised while our interrupts are masked (cvisor has them in list
 * registers by then): one whose pending state we clear must never come,
 * one we disable must wait until it is enabled again. */
static void v3_unpend_disable(void)
{
	uint64_t sgi_frame = GICR + FRAME;
	unsigned b3 = irqs_seen[3], b4 = irqs_seen[4];

	gic_enable_private(0, 3);
	gic_enable_private(0, 4);
	send_sgi1r(3ull << 24 | 1);
	send_sgi1r(4ull << 24 | 1);
	w32(sgi_frame + 0x280, 1u << 3); /* ICPENDR0: SGI 3 */
	w32(sgi_frame + 0x180, 1u << 4); /* ICENABLER0: SGI 4 */
	bool came3 = wait_for(3, b3), came4 = wait_for(4, b4);
	w32(sgi_frame + 0x100, 1u << 4); /* ISENABLER0 */
	bool later4 = wait_for(4, b4);
	check("pending SGI cleared before we took it: never comes", !came3,
	      "seen", irqs_seen[3] - b3);
	check("pending SGI disabled: held until enabled again",
	      !came4 && later4, "came, later", (uint64_t)came4 << 4 | later4);
}

static void v3_after_junk(void)
{
	unsigned n = nr_irqs(), before;

	v3_restore();
	gic_enable_private(0, SGI_CHECK);
	before = irqs_seen[SGI_CHECK];
	send_sgi1r((uint64_t)SGI_CHECK << 24 | 1);
	check("after the junk: an SGI to ourselves arrives",
	      wait_for(SGI_CHECK, before), "seen", irqs_seen[SGI_CHECK]);

	/* An SPI routed to a vCPU that does not exist stays pending,
	 * delivered nowhere; routed to us, it arrives. */
	w64(GICD + 0x6000 + 8 * SPI_ROUTED,
	    0x0000000500000005ull); /* Aff2 5, Aff0 5 */
	uint64_t route = r64(GICD + 0x6000 + 8 * SPI_ROUTED);
	w32(GICD + 0x100 + SPI_ROUTED / 32 * 4, 1u << (SPI_ROUTED % 32));
	w32(GICD + 0x200 + SPI_ROUTED / 32 * 4, 1u << (SPI_ROUTED % 32));
	before = irqs_seen[SPI_ROUTED];
	bool nowhere = !wait_for(SPI_ROUTED, before);
	w64(GICD + 0x6000 + 8 * SPI_ROUTED, 0);
	bool arrived = wait_for(SPI_ROUTED, before);
	check("SPI routed to an absent vCPU: kept, then delivered when routed to us",
	      route == 0x0000000500000005ull && nowhere && arrived,
	      "nowhere, arrived", (uint64_t)nowhere << 4 | arrived);
	if (n <= SPI_ROUTED)
		guest_puts("hostile: (too few SPIs for the routing check)\n");

	check_vtimer_arrives();
	v3_unpend_disable();
}

static void test_gic_v3(void)
{
	struct v3_ro ro0, ro1;
	unsigned n = nr_irqs();
	uint64_t traps;

	v3_read_ro(&ro0);
	traps = junk_frame(GICD, 0, 0);
	check("GICD: junk at every offset and width, no exception", traps == 0,
	      "exceptions", traps);
	for (unsigned c = 0; c < NR_VCPUS; c++) {
		uint64_t rd_base = GICR + c * GICR_STRIDE;
		traps = junk_frame(rd_base, 0, 0);
		traps += junk_frame(rd_base + FRAME, 0, 0);
		check(c ? "GICR of the other vCPU (off): junk, no exception" :
			  "GICR (RD and SGI frames): junk, no exception",
		      traps == 0, "exceptions", traps);
	}
	v3_read_ro(&ro1);
	bool same = ro0.typer == ro1.typer && ro0.iidr == ro1.iidr &&
		    ro0.pidr2 == ro1.pidr2 && ro0.riidr == ro1.riidr &&
		    ro0.rpidr2 == ro1.rpidr2;
	for (unsigned c = 0; c < NR_VCPUS; c++)
		same = same && ro0.rtyper[c] == ro1.rtyper[c];
	check("read-only TYPER, IIDR, PIDR2 unchanged by the junk", same,
	      "GICD_TYPER", ro1.typer);
	check("GICR_TYPER: processor numbers, Last on the last",
	      (ro1.rtyper[0] >> 8 & 0xffff) == 0 && !(ro1.rtyper[0] & 0x10) &&
		      (ro1.rtyper[1] >> 8 & 0xffff) == 1 &&
		      (ro1.rtyper[1] & 0x10) && ro1.rtyper[1] >> 32 == 1,
	      "typer[1]", ro1.rtyper[1]);

	uint64_t bad = nonzero(GICD, gicd_reserved, COUNT(gicd_reserved));
	check("GICD reserved offsets read as zero after the junk", bad == 0,
	      "nonzero", bad);
	bad = 0;
	for (unsigned c = 0; c < NR_VCPUS; c++) {
		bad += nonzero(GICR + c * GICR_STRIDE, rd_reserved,
			       COUNT(rd_reserved));
		bad += nonzero(GICR + c * GICR_STRIDE + FRAME, sgi_reserved,
			       COUNT(sgi_reserved));
	}
	check("GICR reserved offsets read as zero after the junk", bad == 0,
	      "nonzero", bad);

	/* INTIDs past the GIC's last one: RAZ/WI. */
	bad = 0;
	if (n < 1020) {
		w32(GICD + 0x100 + n / 32 * 4, ~0u);
		w32(GICD + 0x400 + n, ~0u);
		w64(GICD + 0x6000 + 8 * n, 1);
		bad += r32(GICD + 0x100 + n / 32 * 4) != 0;
		bad += r32(GICD + 0x400 + n) != 0;
		bad += r64(GICD + 0x6000 + 8 * n) != 0;
	}
	w64(GICD + 0x6000 + 8 * 5, 1); /* IROUTER5: reserved */
	bad += r64(GICD + 0x6000 + 8 * 5) != 0;
	check("INTIDs past the last and IROUTER<32: read as zero", bad == 0,
	      "nonzero", bad);

	/* The frames of vCPUs this VM does not have (2 and 3), RD and SGI. */
	uint64_t answered = 0;
	for (unsigned c = NR_VCPUS; c < NR_VCPUS + 2; c++) {
		answered += absent_frame_answers(GICR + c * GICR_STRIDE);
		answered +=
			absent_frame_answers(GICR + c * GICR_STRIDE + FRAME);
	}
	check("GICR frames of absent vCPUs: every access aborts", answered == 0,
	      "answered", answered);

	v3_after_junk();
}

/* ---- GICv2: the distributor; and the CPU interface when cvisor emulates
 * it (a GICv2 VM on a GICv3 host), not when it is the host's GICV frame */

#define GICC_SIZE      0x2000ull
#define GICC_IIDR_SOFT 0x0202143bu /* cvisor's GICC answers as a GIC-400 */

/* Puts the CPU interface back in order after junk: no active priority,
 * every interrupt (an SGI from each source) deactivated, binary points
 * at their least. */
static void gicc_restore(unsigned n)
{
	w32(GICC + 0xd0, 0); /* APR0 */
	w32(GICC + 0x8, 0);  /* BPR */
	w32(GICC + 0x1c, 0); /* ABPR */
	for (unsigned i = 0; i < n; i++)
		for (unsigned src = 0; src < (i < 16 ? 8u : 1u); src++)
			w32(GICC + 0x1000, src << 10 | i); /* DIR */
}

/* The emulated GICC: junk at every offset and width of its 8 KiB (the
 * rest of the 64 KiB frame is unbacked), then order restored. */
static void test_gicc_junk(unsigned n)
{
	uint64_t traps;

	if (r32(GICC + 0xfc) != GICC_IIDR_SOFT)
		return;
	traps = junk_frame(GICC, GICC_SIZE, FRAME);
	check("GICC (emulated): junk at every offset and width, no "
	      "exception",
	      traps == 0, "exceptions", traps);
	gicc_restore(n);
}

static void test_gic_v2(void)
{
	uint32_t typer = r32(GICD + 0x4), iidr = r32(GICD + 0x8);
	unsigned n = nr_irqs(), before;
	uint64_t traps = junk_frame(GICD, 0, 0);

	check("GICD: junk at every offset and width, no exception", traps == 0,
	      "exceptions", traps);
	check("read-only TYPER, IIDR unchanged by the junk",
	      r32(GICD + 0x4) == typer && r32(GICD + 0x8) == iidr, "typer",
	      typer);
	/* ITARGETSR: SGIs and PPIs read as ourselves; SPI targets keep
	 * only vCPUs that exist. */
	uint32_t t0 = r32(GICD + 0x800);
	w32(GICD + 0x800 + SPI_ROUTED, ~0u);
	uint32_t t = r32(GICD + 0x800 + SPI_ROUTED);
	check("ITARGETSR junk: own mask for SGIs, existing vCPUs for SPIs",
	      t0 == 0x01010101u && t == 0x03030303u, "targets",
	      (uint64_t)t0 << 32 | t);
	uint64_t bad =
		nonzero(GICD, gicd_reserved + 7, COUNT(gicd_reserved) - 7);
	if (n < 1020) {
		w32(GICD + 0x400 + n, ~0u);
		bad += r32(GICD + 0x400 + n) != 0;
	}
	check("GICD reserved offsets and INTIDs past the last read as zero",
	      bad == 0, "nonzero", bad);
	test_gicc_junk(n);

	w32(GICD, 0);
	for (unsigned i = 0; i < n; i += 32) {
		w32(GICD + 0x180 + i / 32 * 4, ~0u);
		w32(GICD + 0x280 + i / 32 * 4, ~0u);
		w32(GICD + 0x080 + i / 32 * 4, 0); /* group 0: our GICC's */
	}
	for (unsigned i = 0; i < 16; i += 4)
		w32(GICD + 0xf10 + i, ~0u); /* CPENDSGIR */
	for (unsigned i = 0; i < n; i += 4)
		w32(GICD + 0x400 + i, 0xa0a0a0a0u);
	w32(GICD, 1);
	gic_cpu_init(0);
	gic_enable_private(0, SGI_CHECK);
	before = irqs_seen[SGI_CHECK];
	gic_send_sgi(0, SGI_CHECK);
	check("after the junk: an SGI to ourselves arrives",
	      wait_for(SGI_CHECK, before), "seen", irqs_seen[SGI_CHECK]);
	check_vtimer_arrives();
}

void test_gic(void)
{
	irq_disable();
	if (version == 3)
		test_gic_v3();
	else
		test_gic_v2();
	w32(GICD, 0);
}

/* ---- SGI floods */

#define FLOOD_MIN_WRITES 4000

static volatile unsigned flood_peer_ready, flood_peer_stop;

/* The other vCPU, on the other pCPU: takes the broadcast SGIs with
 * interrupts on until told to stop. */
static void flood_peer(unsigned index)
{
	gic_cpu_init(index);
	gic_enable_private(index, SGI_FLOOD);
	flood_peer_ready = 1;
	irq_enable();
	while (!flood_peer_stop)
		__asm__ volatile("wfi" ::: "memory");
	irq_disable();
}

static unsigned peer_seen;
static void on_peer_irq(unsigned intid)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	if ((mpidr & 0xff) == 1)
		peer_seen += intid == SGI_FLOOD;
	else
		on_irq(intid);
}

/* For about a second of counter time (and at least FLOOD_MIN_WRITES
 * of each kind): SGIs to ourselves with interrupts on, to target lists
 * naming vCPUs that do not exist (other Aff0 values, other clusters,
 * range selectors), and broadcasts (IRM) to the other vCPU. */
void test_sgi_flood(void)
{
	guest_trap_install();
	version = gic_init(on_peer_irq);
	if (version != 3) {
		guest_puts(
			"hostile: SGI flood through ICC_SGI1R needs GICv3; skipped\n");
		return;
	}
	gic_cpu_init(0);
	gic_enable_private(0, SGI_FLOOD);
	uint64_t r = guest_cpu_on(1, 1, flood_peer);
	uint64_t end = guest_counter() + guest_counter_freq() / 2;
	while (!flood_peer_ready && guest_counter() < end)
		;
	check("flood: the other vCPU is up", r == 0 && flood_peer_ready,
	      "CPU_ON", r);

	uint64_t sent_self = 0, sent_absent = 0, sent_bcast = 0, traps;
	uint64_t start = guest_counter(), freq = guest_counter_freq();
	unsigned self_before = irqs_seen[SGI_FLOOD];
	uint64_t traps_before = guest_trap.count;
	while (guest_counter() - start < freq || sent_self < FLOOD_MIN_WRITES ||
	       sent_bcast < FLOOD_MIN_WRITES) {
		irq_enable();
		send_sgi1r((uint64_t)SGI_FLOOD << 24 | 1); /* ourselves */
		irq_disable();
		sent_self++;
		uint64_t junk = sent_absent * 0x9e3779b97f4a7c15ull;
		/* Aff0 2-15 in our cluster, then any cluster and range
		 * but ours, with junk in the RES0 bits. */
		send_sgi1r((uint64_t)(sent_absent & 15) << 24 | 0xfffc);
		send_sgi1r((junk & 0xff00f0ff00ff0000ull) |
			   0x00000000010000ull | (junk >> 32 & 0xffff) |
			   (uint64_t)SGI_FLOOD << 24);
		send_sgi1r(((junk | 1ull << 44) & 0xff00f000ff000000ull) |
			   0xffff);
		sent_absent += 3;
		send_sgi1r(1ull << 40 | (uint64_t)SGI_FLOOD << 24 |
			   (junk & 0xff00ff00ffffull));
		sent_bcast++;
	}
	traps = guest_trap.count - traps_before;
	uint64_t ms = (guest_counter() - start) * 1000 / freq;
	unsigned self_seen = irqs_seen[SGI_FLOOD] - self_before;
	flood_peer_stop = 1;
	__asm__ volatile("dsb sy" ::: "memory");
	send_sgi1r(1ull << 40 | (uint64_t)SGI_FLOOD << 24);
	end = guest_counter() + freq;
	while (guest_psci(PSCI_AFFINITY_INFO, 1, 0, 0) != 1 &&
	       guest_counter() < end)
		__asm__ volatile("yield");

	guest_puts("hostile: flood: ");
	guest_put_dec(sent_self + sent_absent + sent_bcast);
	guest_puts(" SGI writes in ");
	guest_put_dec(ms);
	guest_puts(" ms; ours taken ");
	guest_put_dec(self_seen);
	guest_puts(", the other vCPU took ");
	guest_put_dec(peer_seen);
	guest_puts("\n");
	check("flood: no exception from any SGI write", traps == 0, "esr",
	      guest_trap.esr);
	check("flood: every SGI to ourselves taken", self_seen == sent_self,
	      "taken", self_seen);
	check("flood: the other vCPU took broadcasts, and stopped",
	      peer_seen > 0 && peer_seen <= sent_bcast + 1 &&
		      guest_psci(PSCI_AFFINITY_INFO, 1, 0, 0) == 1,
	      "taken", peer_seen);

	/* Junk into the other ICC registers that trap (SGI0R, ASGI1R),
	 * and reads of the write-only ones. */
	uint64_t v = 0, esr = 0;
	trap_arm();
	__asm__ volatile("msr S3_0_C12_C11_7, %0; isb"
			 :
			 : "r"(~0ull)
			 : "memory"); /* SGI0R */
	__asm__ volatile("msr S3_0_C12_C11_6, %0; isb"
			 :
			 : "r"(~0ull)
			 : "memory"); /* ASGI1R */
	esr = trapped();
	check("ICC_SGI0R, ICC_ASGI1R junk: accepted", esr == 0, "esr", esr);
	trap_arm();
	__asm__ volatile("mrs %0, S3_0_C12_C11_5" : "+r"(v) : : "memory");
	esr = trapped();
	check("ICC_SGI1R read (write-only): undefined",
	      esr && EC(esr) == EC_UNKNOWN, "esr", esr);
	irq_disable();
	w32(GICR + FRAME + 0x180, ~0u); /* quiet again */
	w32(GICR + FRAME + 0x280, ~0u);
	gic_init(on_irq);
}
