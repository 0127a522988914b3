/* vdisk: drives the VM's virtio-blk disk (kernel.disk_path, seen at
 * GUEST_VIRTIO_BASE) as a driver would, and as a hostile one would. The
 * disk's test pattern: each 64-bit word of sector s holds s << 32 | its
 * index in the sector (tests/groups/qemu-*-linux.sh write it).
 *
 * Every abuse must fail that request (VIRTIO_BLK_S_IOERR or no status at
 * all) or mark the device broken (DEVICE_NEEDS_RESET), never write where
 * the VM itself could not, and a reset must bring the device back. Each
 * check prints a line; the last says how many passed. */
#include <guest.h>

#ifdef GUEST_VIRTIO_BASE
#define R(off) (*(volatile uint32_t *)(GUEST_VIRTIO_BASE + (off)))

#define QN          8u
#define ST_ACK      1u
#define ST_DRIVER   2u
#define ST_DRV_OK   4u
#define ST_FEAT_OK  8u
#define ST_NEEDSRST 0x40u
#define F_WRITE     2u
#define F_NEXT      1u
#define F_INDIRECT  4u
#define T_IN        0u
#define T_OUT       1u
#define T_GET_ID    8u
#define S_OK        0u
#define S_IOERR     1u
#define NO_STATUS   0xeeu /* what the status byte holds until answered */

/* Beside the VM's 16 MiB of RAM, in the configs: a read-only region and
 * a hole. */
#define RO_ADDR   (GUEST_RAM_BASE + 0x2000000ul)
#define HOLE_ADDR (GUEST_RAM_BASE + 0x3000000ul)

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct desc tbl[QN] __attribute__((aligned(16)));
static volatile uint16_t avail[2 + QN] __attribute__((aligned(4)));
static volatile uint32_t used[1 + 2 * QN] __attribute__((aligned(4)));
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} hdr __attribute__((aligned(16)));
static uint64_t buf[2 * 512 / 8] __attribute__((aligned(512)));
static volatile uint8_t status;
static uint16_t next_avail;
static unsigned passed, failed;

static void check(bool ok, const char *what)
{
	guest_puts(ok ? "vdisk: ok: " : "vdisk: FAILED: ");
	guest_puts(what);
	guest_putc('\n');
	if (ok)
		passed++;
	else
		failed++;
}

static uint16_t used_idx(void)
{
	return (uint16_t)(used[0] >> 16);
}

/* Status 0, then the handshake and queue 0 at tbl/avail/used (or the
 * addresses given); returns the status it ends with. */
static uint32_t setup(uint64_t d, uint64_t a, uint64_t u, uint32_t num)
{
	R(0x070) = 0;
	R(0x070) = ST_ACK | ST_DRIVER;
	R(0x024) = 1;
	R(0x020) = 1; /* VIRTIO_F_VERSION_1 */
	R(0x024) = 0;
	R(0x020) = 0;
	R(0x070) = ST_ACK | ST_DRIVER | ST_FEAT_OK;
	R(0x030) = 0;
	R(0x038) = num;
	R(0x080) = (uint32_t)d;
	R(0x084) = (uint32_t)(d >> 32);
	R(0x090) = (uint32_t)a;
	R(0x094) = (uint32_t)(a >> 32);
	R(0x0a0) = (uint32_t)u;
	R(0x0a4) = (uint32_t)(u >> 32);
	for (unsigned i = 0; i < 2 + QN; i++)
		avail[i] = 0;
	for (unsigned i = 0; i < 1 + 2 * QN; i++)
		used[i] = 0;
	next_avail = 0;
	R(0x044) = 1;
	R(0x070) = ST_ACK | ST_DRIVER | ST_FEAT_OK | ST_DRV_OK;
	return R(0x070);
}

static bool setup_ok(void)
{
	return setup((uint64_t)(uintptr_t)tbl, (uint64_t)(uintptr_t)avail,
		     (uint64_t)(uintptr_t)used, QN) == 0xf;
}

/* Makes the chain at descriptor 'head' available and notifies; the
 * device answers within the notify. True if the used ring moved. */
static bool submit(uint16_t head)
{
	uint16_t before = used_idx();

	status = NO_STATUS;
	avail[2 + next_avail % QN] = head;
	full_barrier();
	avail[1] = ++next_avail;
	full_barrier();
	R(0x050) = 0;
	full_barrier();
	R(0x064) = R(0x060); /* the interrupt acknowledged */
	return used_idx() == (uint16_t)(before + 1);
}

static void chain3(uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
		   uint16_t data_flags)
{
	hdr.type = type;
	hdr.reserved = 0;
	hdr.sector = sector;
	tbl[0] = (struct desc){ (uint64_t)(uintptr_t)&hdr, 16, F_NEXT, 1 };
	tbl[1] = (struct desc){ data, len, (uint16_t)(data_flags | F_NEXT), 2 };
	tbl[2] = (struct desc){ (uint64_t)(uintptr_t)&status, 1, F_WRITE, 0 };
}

static bool same(const void *a, const char *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (((const char *)a)[i] != b[i])
			return false;
	return true;
}

static bool pattern_ok(const uint64_t *p, uint64_t sector, unsigned sectors)
{
	for (unsigned s = 0; s < sectors; s++)
		for (unsigned i = 0; i < 64; i++)
			if (p[s * 64 + i] != ((sector + s) << 32 | i))
				return false;
	return true;
}

/* A good two-sector read at 'sector': the data must be the pattern. */
static bool read_ok(uint64_t sector)
{
	for (unsigned i = 0; i < 128; i++)
		buf[i] = 0;
	chain3(T_IN, sector, (uint64_t)(uintptr_t)buf, 1024, F_WRITE);
	return submit(0) && status == S_OK && pattern_ok(buf, sector, 2);
}

static void probe_device(uint64_t *sectors)
{
	check(R(0x000) == 0x74726976u && R(0x004) == 2 && R(0x008) == 2,
	      "magic, version 2, block device");
	R(0x014) = 0;
	uint32_t lo = R(0x010);
	R(0x014) = 1;
	uint32_t hi = R(0x010);
	check((lo & (1u << 5)) && (hi & 1), "features: read-only, version 1");
	*sectors = (uint64_t)R(0x104) << 32 | R(0x100);
	check(*sectors >= 64, "capacity of at least 64 sectors");
	check(R(0x034) >= QN, "queue 0 holds 8 or more");
}

static void attack_rings(void)
{
	check(setup(HOLE_ADDR, (uint64_t)(uintptr_t)avail,
		    (uint64_t)(uintptr_t)used, QN) &
		      ST_NEEDSRST,
	      "descriptors in a hole: device needs a reset");
	check(setup((uint64_t)(uintptr_t)tbl, (uint64_t)(uintptr_t)avail,
		    RO_ADDR, QN) &
		      ST_NEEDSRST,
	      "used ring in read-only memory: device needs a reset");
	check(setup((uint64_t)(uintptr_t)tbl, (uint64_t)(uintptr_t)avail,
		    (uint64_t)(uintptr_t)used, 4096) &
		      ST_NEEDSRST,
	      "a queue of 4096: device needs a reset");
	check(setup((uint64_t)(uintptr_t)tbl, (uint64_t)(uintptr_t)avail,
		    (uint64_t)(uintptr_t)used, 3) &
		      ST_NEEDSRST,
	      "a queue of 3 (not a power of 2): device needs a reset");
	check(setup_ok() && read_ok(5),
	      "after a reset, sectors 5-6 read right");
	/* The available index jumps past what the ring holds. */
	avail[1] = (uint16_t)(next_avail + QN + 1);
	R(0x050) = 0;
	check(R(0x070) & ST_NEEDSRST,
	      "available index past the ring: device needs a reset");
	check(setup_ok() && read_ok(9),
	      "after a reset, sectors 9-10 read right");
}

static void attack_requests(uint64_t sectors)
{
	uint64_t ro = RO_ADDR;
	uint64_t before = *(volatile uint64_t *)ro;

	chain3(T_IN, 0, HOLE_ADDR, 512, F_WRITE);
	check(submit(0) && status == S_IOERR, "read into a hole: IOERR");
	chain3(T_IN, 0, ro, 512, F_WRITE);
	check(submit(0) && status == S_IOERR &&
		      *(volatile uint64_t *)ro == before,
	      "read into read-only memory: IOERR, memory unchanged");
	chain3(T_IN, sectors - 1, (uint64_t)(uintptr_t)buf, 1024, F_WRITE);
	check(submit(0) && status == S_IOERR, "read past the end: IOERR");
	chain3(T_IN, ~0ull >> 1, (uint64_t)(uintptr_t)buf, 512, F_WRITE);
	check(submit(0) && status == S_IOERR, "sector 2^63-1: IOERR");
	chain3(T_IN, 0, (uint64_t)(uintptr_t)buf, 100, F_WRITE);
	check(submit(0) && status == S_IOERR, "a 100-byte read: IOERR");
	chain3(T_IN, 0, (uint64_t)(uintptr_t)buf, 512, 0);
	check(submit(0) && status == S_IOERR,
	      "a read into a device-readable buffer: IOERR");
	chain3(T_OUT, 0, (uint64_t)(uintptr_t)buf, 512, 0);
	check(submit(0) && status == S_IOERR,
	      "a write (read-only disk): IOERR");
	chain3(T_GET_ID, 0, (uint64_t)(uintptr_t)buf, 20, F_WRITE);
	check(submit(0) && status == S_OK && same(buf, "cvisor-disk", 12),
	      "GET_ID: cvisor-disk");
	/* Chains the device must not follow. */
	chain3(T_IN, 0, (uint64_t)(uintptr_t)buf, 512, F_WRITE);
	tbl[1].next = 1;
	check(submit(0) && status == NO_STATUS,
	      "a looping chain: not answered");
	chain3(T_IN, 0, (uint64_t)(uintptr_t)buf, 512, F_WRITE);
	tbl[0].next = 200;
	check(submit(0) && status == NO_STATUS,
	      "a chain past the table: not answered");
	chain3(T_IN, 0, (uint64_t)(uintptr_t)buf, 512, F_WRITE);
	tbl[1].flags |= F_INDIRECT;
	check(submit(0) && status == NO_STATUS,
	      "an indirect descriptor (not offered): not answered");
	check(submit(77) && status == NO_STATUS,
	      "a head past the table: not answered");
	chain3(T_IN, 0, (uint64_t)(uintptr_t)buf, 512, F_WRITE);
	tbl[0].addr = HOLE_ADDR;
	check(submit(0) && status == S_IOERR, "a header in a hole: IOERR");
	chain3(T_IN, 0, (uint64_t)(uintptr_t)buf, 512, F_WRITE);
	tbl[2].addr = ro;
	check(submit(0) && *(volatile uint64_t *)ro == before,
	      "a status byte in read-only memory: not written");
	check(read_ok(sectors - 2), "the last two sectors read right");
}

static void attack_registers(void)
{
	uint64_t traps = guest_trap.count;
	volatile uint8_t *b = (volatile uint8_t *)GUEST_VIRTIO_BASE;

	(void)b[1];
	check(guest_trap.count == traps + 1 &&
		      guest_trap_is_access_fault(GUEST_VIRTIO_BASE + 1, false),
	      "a byte read of a register: access fault");
	traps = guest_trap.count;
	*(volatile uint16_t *)(GUEST_VIRTIO_BASE + 0x70) = 0;
	check(guest_trap.count == traps + 1 &&
		      guest_trap_is_access_fault(GUEST_VIRTIO_BASE + 0x70,
						 true),
	      "a halfword write of a register: access fault");
	for (uint32_t off = 0; off < 0x100; off += 4)
		if (off != 0x070 && off != 0x050 && off != 0x044)
			R(off) = 0xffffffffu;
	check(setup_ok() && read_ok(1), "junk in every register, then reset: "
					"sectors 1-2 read right");
}

int main(void)
{
	uint64_t sectors;

	guest_trap_install();
	probe_device(&sectors);
	check(setup_ok(), "handshake and queue ready");
	check(read_ok(0), "sectors 0-1 read right");
	attack_rings();
	attack_requests(sectors);
	attack_registers();
	guest_puts("vdisk: ");
	guest_put_dec(passed);
	guest_puts(" passed, ");
	guest_put_dec(failed);
	guest_puts(" failed\n");
	return 0;
}
#else
int main(void)
{
	guest_puts("vdisk: this arch's VMs have no virtio disk\n");
	return 0;
}
#endif
