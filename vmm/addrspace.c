/* Guest memory: back each region, then map it in stage 2, RAM as it is
 * first used (vmm/addrspace.h). */
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <string.h>
#include <vmm/addrspace.h>

static unsigned region_perms(uint32_t flags)
{
	unsigned p = 0;

	if (flags & VMCFG_MEM_READ)
		p |= S2_READ;
	if (flags & VMCFG_MEM_WRITE)
		p |= S2_WRITE;
	if (flags & VMCFG_MEM_EXEC)
		p |= S2_EXEC;
	if (flags & VMCFG_MEM_DEVICE)
		p |= S2_DEVICE;
	return p;
}

/* Finds host memory for one region; false (logged) when there is none. */
static bool region_back(struct addrspace *as, struct as_region *r,
			const char *vm_name)
{
	struct hostres other;

	size_t pages = r->size >> PAGE_SHIFT;
	size_t align = r->size >= AS_CHUNK ? AS_CHUNK : PAGE_SIZE;

	switch (r->map_type) {
	case VMCFG_MAP_ALLOC:
		/* RAM zeroed as it is used is zeroed then. */
		r->hpa = r->unzeroed ? page_alloc_unzeroed(pages, align) :
				       page_alloc(pages, align);
		r->owned = r->hpa != 0;
		if (!r->hpa)
			pr_error("VM %s: no %llu KiB of host memory for region %#llx",
				 vm_name, (unsigned long long)(r->size >> 10),
				 (unsigned long long)r->gpa);
		return r->owned;
	case VMCFG_MAP_IDENTICAL:
		r->hpa = r->gpa;
		r->owned = page_alloc_claim(r->hpa, r->size);
		if (!r->owned && !page_alloc_in_ram(r->hpa, r->size))
			pr_error("VM %s: identity region %#llx+%#llx: the host "
				 "has no RAM there (its RAM ends at %#llx); VM "
				 "refused",
				 vm_name, (unsigned long long)r->gpa,
				 (unsigned long long)r->size,
				 (unsigned long long)page_alloc_ram_end());
		else if (!r->owned)
			pr_error("VM %s: identity region %#llx+%#llx is not free host RAM",
				 vm_name, (unsigned long long)r->gpa,
				 (unsigned long long)r->size);
		return r->owned;
	case VMCFG_MAP_RESERVED:
		/* Memory outside cvisor's allocator; nobody else may have it. */
		r->hpa = r->gpa;
		r->owned = false;
		if (!hostres_claim(r->hpa, r->size, as, vm_name, &other))
			return true;
		pr_error("VM %s: reserved region %#llx+%#llx %s%s", vm_name,
			 (unsigned long long)r->gpa,
			 (unsigned long long)r->size,
			 !other.what ?
				 "is one too many host ranges given away" :
			 other.owner == HOSTRES_CVISOR ? "is " :
							 "is given to VM ",
			 other.what ? other.what : "");
		return false;
	}
	return false;
}

/* Whether region 'c' of 'cfg' is zeroed as it is used: RAM in whole
 * chunks, in a VM no device can write to by DMA. */
static bool zeroed_on_use(const struct vm_config *cfg,
			  const struct vmcfg_region *c)
{
	return c->map_type == VMCFG_MAP_ALLOC &&
	       !(c->flags & VMCFG_MEM_DEVICE) &&
	       IS_ALIGNED(c->gpa | c->size, AS_CHUNK) &&
	       !cfg->pt_device_count && !cfg->pt_address_count &&
	       !cfg->pt_port_count;
}

int addrspace_init(struct addrspace *as, const struct vm_config *cfg,
		   const char *vm_name)
{
	as->zero_lock = (spinlock_t)SPINLOCK_INIT;
	if (stage2_init(&as->s2)) {
		pr_error("VM %s: no memory for stage-2 tables", vm_name);
		return -1;
	}
	for (unsigned i = 0; i < cfg->region_count; i++) {
		const struct vmcfg_region *c = &cfg->regions[i];
		struct as_region *r = &as->regions[as->count];
		if (!IS_ALIGNED(c->gpa | c->size, PAGE_SIZE) ||
		    c->gpa + c->size > stage2_limit()) {
			pr_error("VM %s: region %#llx+%#llx is not page-aligned or "
				 "beyond the %llu GiB guest address space",
				 vm_name, (unsigned long long)c->gpa,
				 (unsigned long long)c->size,
				 (unsigned long long)(stage2_limit() >> 30));
			goto fail;
		}
		*r = (struct as_region){ .gpa = c->gpa,
					 .size = c->size,
					 .flags = c->flags,
					 .map_type = c->map_type };
		uint64_t chunks = c->size / AS_CHUNK;
		if (zeroed_on_use(cfg, c)) {
			r->unzeroed = kzalloc((chunks + 63) / 64 * 8);
			if (!r->unzeroed) {
				pr_error("VM %s: out of memory", vm_name);
				goto fail;
			}
		}
		as->count++;
		if (!region_back(as, r, vm_name))
			goto fail;
		/* Mapped whole, then the chunks to zero taken out again: the
		 * tables stay, so that a chunk's mapping at its first use
		 * needs no memory. */
		if (stage2_map(&as->s2, r->gpa, r->hpa, r->size,
			       region_perms(r->flags)) ||
		    (r->unzeroed && stage2_unmap(&as->s2, r->gpa, r->size))) {
			pr_error("VM %s: cannot map region %#llx", vm_name,
				 (unsigned long long)r->gpa);
			goto fail;
		}
		for (uint64_t k = 0; r->unzeroed && k < chunks; k++)
			r->unzeroed[k / 64] |= 1ull << (k % 64);
	}
	return 0;
fail:
	addrspace_destroy(as);
	return -1;
}

void addrspace_destroy(struct addrspace *as)
{
	for (unsigned i = 0; i < as->count; i++) {
		struct as_region *r = &as->regions[i];
		if (r->owned)
			page_free(r->hpa, r->size >> PAGE_SHIFT);
		r->owned = false;
		kfree(r->unzeroed);
		r->unzeroed = NULL;
	}
	as->count = 0;
	hostres_release(as);
	stage2_destroy(&as->s2);
}

static bool chunk_unzeroed(const struct as_region *r, uint64_t i)
{
	/* Acquire: a chunk seen zeroed was zeroed before its bit went. */
	uint64_t w = __atomic_load_n(&r->unzeroed[i / 64], __ATOMIC_ACQUIRE);

	return w >> (i % 64) & 1;
}

/* Zeroes chunk 'i' of 'r' and maps it, unless that is done already;
 * false when it cannot be mapped. The tables were made at creation, so
 * that needs no memory; only a mapping made since in the chunk's range
 * would refuse it (none is: cvisor's own go to device windows, and a VM
 * whose RAM covers one is refused at creation, vm.c), and then the
 * access is answered as one where no RAM is. */
static bool chunk_zero(struct addrspace *as, struct as_region *r, uint64_t i)
{
	bool ok = true;

	spin_lock(&as->zero_lock);
	if (chunk_unzeroed(r, i)) {
		memset(pa_to_ptr(r->hpa + i * AS_CHUNK), 0, AS_CHUNK);
		/* The zeroes before the entry that lets a vCPU see them. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		ok = !stage2_map(&as->s2, r->gpa + i * AS_CHUNK,
				 r->hpa + i * AS_CHUNK, AS_CHUNK,
				 region_perms(r->flags));
		if (ok)
			__atomic_fetch_and(&r->unzeroed[i / 64],
					   ~(1ull << (i % 64)),
					   __ATOMIC_RELEASE);
	}
	spin_unlock(&as->zero_lock);
	if (!ok)
		pr_error("RAM at %#llx: cannot map it (something else is "
			 "mapped there)",
			 (unsigned long long)(r->gpa + i * AS_CHUNK));
	return ok;
}

bool addrspace_fault_in(struct addrspace *as, gpaddr_t gpa, uint32_t need)
{
	for (unsigned n = 0; n < as->count; n++) {
		struct as_region *r = &as->regions[n];
		if (!r->unzeroed || gpa - r->gpa >= r->size)
			continue;
		if ((r->flags & need) != need)
			return false;
		uint64_t i = (gpa - r->gpa) / AS_CHUNK;
		return !chunk_unzeroed(r, i) || chunk_zero(as, r, i);
	}
	return false;
}

void *addrspace_gpa_to_host(struct addrspace *as, gpaddr_t gpa, uint64_t size)
{
	return addrspace_gpa_to_host_perm(as, gpa, size, 0);
}

void *addrspace_gpa_to_host_perm(struct addrspace *as, gpaddr_t gpa,
				 uint64_t size, uint32_t need)
{
	for (unsigned i = 0; i < as->count; i++) {
		struct as_region *r = &as->regions[i];
		if (r->map_type == VMCFG_MAP_RESERVED ||
		    (r->flags & VMCFG_MEM_DEVICE) || (r->flags & need) != need)
			continue;
		uint64_t off = gpa - r->gpa;
		if (off >= r->size || size > r->size - off)
			continue;
		for (uint64_t c = off / AS_CHUNK;
		     r->unzeroed && c * AS_CHUNK < off + size; c++)
			if (chunk_unzeroed(r, c) && !chunk_zero(as, r, c))
				return NULL;
		return pa_to_ptr(r->hpa + off);
	}
	return NULL;
}
