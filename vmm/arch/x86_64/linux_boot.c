/* The Linux x86 64-bit boot protocol (Documentation/arch/x86/boot.rst)
 * for a bzImage that vmm/kernel_image.c placed: cvisor is the boot
 * loader. Its setup header is kept as the kernel is loaded; once every
 * image is in, boot_params (the "zero page": the header, the e820 map
 * from memory_regions, the command line, the initrd, the RSDP's address)
 * and the ACPI tables are written into guest memory, with a GDT and
 * identity-mapped page tables, and vCPU 0 starts in 64-bit mode at the
 * kernel's 64-bit entry with rsi = boot_params.
 *
 * Guest-physical layout, all in the VM's RAM below 1 MiB:
 *   0x1000 GDT (__BOOT_CS 0x10, __BOOT_DS 0x18)
 *   0x2000 boot_params, 0x3000 the command line
 *   0x4000 PML4, 0x5000 PDPT, 0x6000-0x9fff four PDs: 0-4 GiB in 2 MiB pages
 *   0xe0000 the ACPI tables, RSDP first (where a BIOS leaves them too);
 *           0xa0000-0xfffff is reserved in the e820 map, as on a PC. */
#include <hal/hal.h>
#include <kernel/log.h>
#include <stdio.h>
#include <string.h>
#include <vmm/kernel_image.h>
#include "acpi_tables.h"
#include "svm.h"

#define LX_GDT       0x1000ull
#define LX_PARAMS    0x2000ull
#define LX_CMDLINE   0x3000ull
#define LX_PML4      0x4000ull
#define LX_PDPT      0x5000ull
#define LX_PD        0x6000ull /* four pages */
#define LX_LOW_END   0xa000ull
#define LX_ACPI      0xe0000ull
#define LEGACY_START 0xa0000ull /* VGA, option ROMs, BIOS: not RAM */
#define LEGACY_END   0x100000ull
#define BOOT_CS      0x10
#define BOOT_DS      0x18
#define SEG_CODE64   0xa9bu /* G, L, P, S, execute/read, accessed */
#define SEG_DATA     0xc93u /* G, D/B, P, S, read/write, accessed */
#define PTE_P_RW     0x3ull
#define PTE_PS       0x80ull
#define CR0_NE       (1ull << 5)

/* boot_params (zero-page.rst) and its setup header (boot.rst). */
#define BP_ACPI_RSDP    0x070
#define BP_EXT_RD_IMAGE 0x0c0
#define BP_EXT_RD_SIZE  0x0c4
#define BP_EXT_CMDLINE  0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_HDR          0x1f1
#define BP_HDR_MAX_END  0x290
#define BP_JUMP_LEN     0x201 /* the header ends at 0x202 + this byte */
#define BP_LOADER_TYPE  0x210
#define BP_RD_IMAGE     0x218
#define BP_RD_SIZE      0x21c
#define BP_CMDLINE_PTR  0x228
#define BP_INITRD_MAX   0x22c
#define BP_CMDLINE_SIZE 0x238
#define BP_E820_TABLE   0x2d0
#define E820_MAX        128
#define E820_RAM        1
#define E820_RESERVED   2
#define LOADER_UNKNOWN  0xff

static const uint64_t boot_gdt[] = {
	0,
	0,
	0x00af9b000000ffffull /* 0x10: 64-bit code */,
	0x00cf93000000ffffull /* 0x18: flat data */,
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

int linux_kernel_loaded(struct vm *vm, const char *path, const struct kimage *k,
			const uint8_t *file, uint64_t size)
{
	struct vm_arch *a = &vm->arch;

	(void)path;
	a->bzimage = k->format == KIMAGE_BZIMAGE;
	if (!a->bzimage)
		return 0;
	/* The parser checked that the file holds the header through
	 * init_size; it may say it is longer, up to boot_params' room. */
	unsigned end = BP_HDR_MAX_END;
	if (size > BP_JUMP_LEN && 0x202u + file[BP_JUMP_LEN] < end)
		end = 0x202u + file[BP_JUMP_LEN];
	if (end > size)
		end = (unsigned)size;
	a->linux_hdr_len = end - BP_HDR;
	memcpy(a->linux_hdr, file + BP_HDR, a->linux_hdr_len);
	return 0;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* What the boot protocol needs of the VM's memory besides the kernel;
 * NULL when all is well. */
static const char *layout_problem(struct vm *vm)
{
	const struct vm_boot *b = &vm->boot;

	if (!addrspace_gpa_to_host(&vm->as, LX_GDT, LX_LOW_END - LX_GDT))
		return "needs RAM at 0x1000-0x9fff for its GDT, boot_params, "
		       "command line and page tables";
	if (!addrspace_gpa_to_host(&vm->as, LX_ACPI, ACPI_TABLES_SIZE))
		return "needs RAM at 0xe0000 for the ACPI tables";
	if (overlaps(LX_GDT, LX_LOW_END - LX_GDT, b->kernel, b->kernel_size) ||
	    overlaps(LX_ACPI, ACPI_TABLES_SIZE, b->kernel, b->kernel_size))
		return "is loaded over 0x1000-0x9fff or 0xe0000, where its "
		       "boot_params and ACPI tables go";
	if (overlaps(LX_GDT, LX_LOW_END - LX_GDT, b->initrd, b->initrd_size) ||
	    overlaps(LX_ACPI, ACPI_TABLES_SIZE, b->initrd, b->initrd_size))
		return "has its ramdisk over 0x1000-0x9fff or 0xe0000, where "
		       "its boot_params and ACPI tables go";
	return NULL;
}

static uint64_t clamp(uint64_t x, uint64_t lo, uint64_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* Adds [from, to) of 'type' to the map, split around the legacy hole
 * (0xa0000-0xfffff is reserved whatever backs it). */
static unsigned e820_add(uint8_t *table, unsigned n, uint64_t from, uint64_t to,
			 uint32_t type)
{
	const uint64_t at[4] = { from, clamp(LEGACY_START, from, to),
				 clamp(LEGACY_END, from, to), to };

	for (unsigned i = 0; i < 3 && n < E820_MAX; i++) {
		if (at[i] >= at[i + 1])
			continue;
		uint8_t *e = table + n++ * 20;
		uint64_t len = at[i + 1] - at[i];
		memcpy(e, &at[i], 8);
		memcpy(e + 8, &len, 8);
		wr32(e + 16, i == 1 ? E820_RESERVED : type);
	}
	return n;
}

static unsigned e820_build(const struct vm_config *c, uint8_t *table)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < c->region_count; i++) {
		const struct vmcfg_region *r = &c->regions[i];
		n = e820_add(table, n, r->gpa, r->gpa + r->size,
			     (r->flags & VMCFG_MEM_DEVICE) ? E820_RESERVED :
							     E820_RAM);
	}
	return n;
}

/* Whether the command line has a parameter starting with 'key'. */
static bool cmdline_has(const char *cmd, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = cmd; *p; p++)
		if ((p == cmd || p[-1] == ' ') && !strncmp(p, key, n))
			return true;
	return false;
}

/* The command line as the kernel gets it: the config's, and, unless it
 * sets it (or the header's cmdline_size, 'max', has no room for it),
 * tsc_early_khz= with the rate of the TSC the VM reads (the host's).
 * Linux cannot measure it under cvisor on QEMU: its PIT and PM timer
 * loops want a port read every few microseconds, and each is an exit of
 * tens (docs/guests/linux-x86_64.md); without it Linux marks the TSC
 * unstable and reads its clock from the PM timer, an exit each time.
 * Returns its length. */
static size_t cmdline_write(const struct vm_config *c, char *out, size_t n,
			    size_t max)
{
	size_t len = strnlen(c->cmdline, VMCFG_MAX_CMDLINE - 1);
	char tsc[48];

	memset(out, 0, n);
	memcpy(out, c->cmdline, len);
	if (cmdline_has(out, "tsc_early_khz="))
		return len;
	int w = snprintf(tsc, sizeof(tsc), "%stsc_early_khz=%llu",
			 len ? " " : "",
			 (unsigned long long)(hal_timer_freq() / 1000));
	if (w > 0 && len + (size_t)w <= max && len + (size_t)w < n) {
		memcpy(out + len, tsc, (size_t)w);
		len += (size_t)w;
	}
	return len;
}

/* The header's limits on what cvisor hands the kernel; NULL when met. */
static const char *hdr_problem(struct vm *vm, const uint8_t *bp, size_t cmdlen)
{
	uint64_t rd_end = vm->boot.initrd + vm->boot.initrd_size;

	if (cmdlen > rd32(bp + BP_CMDLINE_SIZE))
		return "its command line is longer than the header's "
		       "cmdline_size";
	if (vm->boot.initrd_size && rd_end - 1 > rd32(bp + BP_INITRD_MAX))
		return "its ramdisk ends above the header's initrd_addr_max";
	return NULL;
}

static void write_page_tables(struct vm *vm)
{
	uint64_t *pml4 = addrspace_gpa_to_host(&vm->as, LX_PML4, PAGE_SIZE);
	uint64_t *pdpt = addrspace_gpa_to_host(&vm->as, LX_PDPT, PAGE_SIZE);
	uint64_t *pd = addrspace_gpa_to_host(&vm->as, LX_PD, 4 * PAGE_SIZE);

	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	pml4[0] = LX_PDPT | PTE_P_RW;
	for (uint64_t i = 0; i < 4; i++)
		pdpt[i] = (LX_PD + i * PAGE_SIZE) | PTE_P_RW;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | PTE_P_RW | PTE_PS;
}

int linux_boot_info(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	const char *why = NULL;

	if (!vm->arch.bzimage)
		return 0;
	why = layout_problem(vm);
	if (why) {
		pr_error("VM %s: kernel %s %s; VM refused", vm->name,
			 c->kernel_path, why);
		return -1;
	}
	uint8_t *bp = addrspace_gpa_to_host(&vm->as, LX_PARAMS, PAGE_SIZE);
	char *cmd = addrspace_gpa_to_host(&vm->as, LX_CMDLINE, PAGE_SIZE);
	memset(bp, 0, PAGE_SIZE);
	memcpy(bp + BP_HDR, vm->arch.linux_hdr, vm->arch.linux_hdr_len);
	why = hdr_problem(vm, bp, strnlen(c->cmdline, VMCFG_MAX_CMDLINE - 1));
	cmdline_write(c, cmd, PAGE_SIZE, rd32(bp + BP_CMDLINE_SIZE));
	if (why) {
		pr_error("VM %s: kernel %s: %s; VM refused", vm->name,
			 c->kernel_path, why);
		return -1;
	}
	bp[BP_LOADER_TYPE] = LOADER_UNKNOWN;
	wr32(bp + BP_CMDLINE_PTR, (uint32_t)LX_CMDLINE);
	wr32(bp + BP_RD_IMAGE, (uint32_t)vm->boot.initrd);
	wr32(bp + BP_EXT_RD_IMAGE, (uint32_t)(vm->boot.initrd >> 32));
	wr32(bp + BP_RD_SIZE, (uint32_t)vm->boot.initrd_size);
	wr32(bp + BP_EXT_RD_SIZE, (uint32_t)(vm->boot.initrd_size >> 32));
	uint64_t rsdp = LX_ACPI;
	memcpy(bp + BP_ACPI_RSDP, &rsdp, 8);
	bp[BP_E820_ENTRIES] = (uint8_t)e820_build(c, bp + BP_E820_TABLE);

	vm_write_guest(vm, LX_GDT, boot_gdt, sizeof(boot_gdt));
	write_page_tables(vm);
	const struct acpi_machine pc = {
		.cpus = c->cpu_num,
		.lapic = VLAPIC_BASE,
		.ioapic = VIOAPIC_BASE,
		.pm_base = X86_PM_BASE,
		.reset_port = X86_RESET_PORT,
		.pit_gsi = VPIT_IOAPIC_PIN,
	};
	acpi_tables_write(addrspace_gpa_to_host(&vm->as, LX_ACPI,
						ACPI_TABLES_SIZE),
			  LX_ACPI, &pc);
	pr_info("VM %s: Linux boot_params at %#llx, %u e820 entries, ACPI "
		"tables at %#llx",
		vm->name, (unsigned long long)LX_PARAMS, bp[BP_E820_ENTRIES],
		(unsigned long long)LX_ACPI);
	return 0;
}

static void seg64(struct vmcb_seg *s, uint16_t sel, uint16_t attr)
{
	*s = (struct vmcb_seg){ .sel = sel, .attr = attr, .limit = 0xffffffff };
}

/* As boot.rst's 64-bit protocol wants the CPU: long mode with paging on
 * (identity), the GDT loaded, CS __BOOT_CS, the data segments __BOOT_DS,
 * interrupts off, rsi boot_params. */
void linux_reset_vcpu(struct vcpu *v, struct vmcb_save *s, gpaddr_t entry)
{
	seg64(&s->cs, BOOT_CS, SEG_CODE64);
	seg64(&s->ds, BOOT_DS, SEG_DATA);
	s->es = s->ss = s->fs = s->gs = s->ds;
	s->gdtr = (struct vmcb_seg){ .base = LX_GDT,
				     .limit = sizeof(boot_gdt) - 1 };
	s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	s->cr3 = LX_PML4;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA | EFER_SVME;
	s->rip = entry;
	v->arch.gprs.r[GPR_RSI] = LX_PARAMS;
}
