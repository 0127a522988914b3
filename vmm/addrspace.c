/* Guest memory: back each region, then map it in stage 2. */
#include <kernel/hostres.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <vmm/addrspace.h>

#define BLOCK_2M (2ul << 20)

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

	switch (r->map_type) {
	case VMCFG_MAP_ALLOC:
		r->hpa = page_alloc(pages,
				    r->size >= BLOCK_2M ? BLOCK_2M : PAGE_SIZE);
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

int addrspace_init(struct addrspace *as, const struct vm_config *cfg,
		   const char *vm_name)
{
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
		if (!region_back(as, r, vm_name))
			goto fail;
		as->count++;
		if (stage2_map(&as->s2, r->gpa, r->hpa, r->size,
			       region_perms(r->flags))) {
			pr_error("VM %s: cannot map region %#llx", vm_name,
				 (unsigned long long)r->gpa);
			goto fail;
		}
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
	}
	as->count = 0;
	hostres_release(as);
	stage2_destroy(&as->s2);
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
		if (gpa - r->gpa < r->size && size <= r->size - (gpa - r->gpa))
			return pa_to_ptr(r->hpa + (gpa - r->gpa));
	}
	return NULL;
}
