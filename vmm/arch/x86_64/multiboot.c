/* The Multiboot v1 information structure for the boot vCPU (Multiboot
 * Specification 0.6.96, section 3.3): the memory sizes and map from the
 * VM's RAM regions, the command line, and the ramdisk as the one module.
 * It goes in one page: 0x9f000, the top of conventional memory, when that
 * is RAM clear of the kernel, ramdisk and first stage (bios_path), else
 * the last page of the first RAM region that is. */
#include <string.h>
#include "svm.h"

#define MBI_MEM       (1u << 0)
#define MBI_CMDLINE   (1u << 2)
#define MBI_MODS      (1u << 3)
#define MBI_MMAP      (1u << 6)
#define MBI_LOW_PAGE  0x9f000ull
#define OFF_MMAP      0x100
#define OFF_MODS      0x300
#define OFF_CMDLINE   0x400
#define MMAP_RAM      1
#define MMAP_RESERVED 2

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

struct mb_mod {
	uint32_t start, end, string, reserved;
};

_Static_assert(OFF_CMDLINE + VMCFG_MAX_CMDLINE + 64 <= PAGE_SIZE, "MBI page");
_Static_assert(OFF_MMAP + VMCFG_MAX_REGIONS * sizeof(struct mb_mmap) <=
		       OFF_MODS,
	       "MBI page");

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static bool page_free_for_mbi(struct vm *vm, uint64_t at)
{
	return at < (1ull << 32) - PAGE_SIZE &&
	       addrspace_gpa_to_host(&vm->as, at, PAGE_SIZE) &&
	       !overlaps(at, PAGE_SIZE, vm->boot.kernel,
			 vm->boot.kernel_size) &&
	       !overlaps(at, PAGE_SIZE, vm->boot.initrd,
			 vm->boot.initrd_size) &&
	       !overlaps(at, PAGE_SIZE, vm->boot.bios, vm->boot.bios_size);
}

static uint64_t mbi_page(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;

	if (page_free_for_mbi(vm, MBI_LOW_PAGE))
		return MBI_LOW_PAGE;
	for (uint32_t i = 0; i < c->region_count; i++) {
		const struct vmcfg_region *r = &c->regions[i];
		uint64_t at = (r->gpa + r->size - PAGE_SIZE) & ~(PAGE_SIZE - 1);
		if (!(r->flags & VMCFG_MEM_DEVICE) && r->size >= PAGE_SIZE &&
		    page_free_for_mbi(vm, at))
			return at;
	}
	return 0;
}

/* KiB of RAM contiguous from 'from' (mem_lower from 0, mem_upper from
 * 1 MiB), capped at 'cap'. */
static uint32_t ram_kib_from(struct vm *vm, uint64_t from, uint64_t cap)
{
	uint64_t end = from;

	while (end - from < cap &&
	       addrspace_gpa_to_host(&vm->as, end, PAGE_SIZE))
		end += PAGE_SIZE;
	return (uint32_t)((end - from) >> 10);
}

uint32_t multiboot_write_info(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	uint64_t at = mbi_page(vm);

	if (!at)
		return 0;
	uint8_t *p = addrspace_gpa_to_host(&vm->as, at, PAGE_SIZE);
	struct mb_info *mbi = (struct mb_info *)p;
	struct mb_mmap *mm = (struct mb_mmap *)(p + OFF_MMAP);
	unsigned n = 0;

	memset(p, 0, PAGE_SIZE);
	for (uint32_t i = 0; i < c->region_count; i++) {
		const struct vmcfg_region *r = &c->regions[i];
		mm[n++] = (struct mb_mmap){
			.size = sizeof(struct mb_mmap) - 4,
			.addr = r->gpa,
			.len = r->size,
			.type = (r->flags & VMCFG_MEM_DEVICE) ? MMAP_RESERVED :
								MMAP_RAM,
		};
	}
	mbi->flags = MBI_MEM | MBI_MMAP | MBI_CMDLINE;
	mbi->mem_lower = ram_kib_from(vm, 0, 640 << 10);
	mbi->mem_upper = ram_kib_from(vm, 1 << 20, 4ull << 30);
	mbi->mmap_addr = (uint32_t)at + OFF_MMAP;
	mbi->mmap_length = n * (uint32_t)sizeof(struct mb_mmap);
	mbi->cmdline = (uint32_t)at + OFF_CMDLINE;
	memcpy(p + OFF_CMDLINE, c->cmdline,
	       strnlen(c->cmdline, VMCFG_MAX_CMDLINE - 1));
	if (vm->boot.initrd_size) {
		struct mb_mod *mod = (struct mb_mod *)(p + OFF_MODS);
		mod->start = (uint32_t)vm->boot.initrd;
		mod->end = (uint32_t)(vm->boot.initrd + vm->boot.initrd_size);
		mod->string = mbi->cmdline + VMCFG_MAX_CMDLINE; /* "" */
		mbi->mods_count = 1;
		mbi->mods_addr = (uint32_t)at + OFF_MODS;
		mbi->flags |= MBI_MODS;
	}
	return (uint32_t)at;
}
