/* Inter-VM channels (vmm/ivc.h). One lock over the table; the stage-2
 * work is done outside it, the GPA range it concerns reserved meanwhile
 * (a flush of a VM's TLBs may need other CPUs). Channels name VMs by id,
 * never by pointer: a VM that goes away leaves nothing dangling. */
#include <kernel/log.h>
#include <kernel/mm.h>
#include <string.h>
#include <vmm/ivc.h>
#include <vmm/vm.h>
#include <vmm/vms.h>

#define IVC_EMU_TYPE 0xa /* AxVisor's emu_devices type of an IVC region */

enum ivc_state {
	IVC_FREE,
	IVC_PENDING,      /* being published: not yet visible */
	IVC_PUBLISHED,    /* mapped in its publisher, open to subscribers */
	IVC_UNPUBLISHING, /* being unmapped from its publisher */
	IVC_ORPHANED,     /* unpublished; its subscribers keep their views */
};

struct ivc_sub {
	bool used;
	bool active; /* mapped, and the guest told where */
	uint64_t vm;
	gpaddr_t gpa;
};

struct ivc_channel {
	enum ivc_state state;
	uint64_t key;
	uint64_t publisher;
	gpaddr_t pub_gpa;
	paddr_t hpa;
	uint64_t size;
	struct ivc_sub subs[IVC_MAX_SUBS];
};

static struct ivc_channel channels[IVC_MAX_CHANNELS];
static spinlock_t ivc_lock = SPINLOCK_INIT;

/* ---- a VM's window ---- */

int ivc_vm_init(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	gpaddr_t top = 0;

	vm->ivc.irq = vm_arch_ivc_irq(vm);
	for (uint32_t i = 0; i < c->region_count; i++)
		top = MAX(top, c->regions[i].gpa + c->regions[i].size);
	vm->ivc.base = MAX(ALIGN_UP(top, 1ull << 30), 1ull << 32);
	vm->ivc.size = IVC_WINDOW_SIZE;
	for (uint32_t i = 0; i < c->emu_device_count; i++) {
		const struct vmcfg_emu_device *d = &c->emu_devices[i];
		if (d->emu_type != IVC_EMU_TYPE)
			continue;
		for (uint32_t r = 0; r < c->region_count; r++) {
			const struct vmcfg_region *m = &c->regions[r];
			if (d->base_gpa < m->gpa + m->size &&
			    m->gpa < d->base_gpa + d->length) {
				pr_error("VM %s: IVC region %s at %#llx overlaps "
					 "its memory at %#llx",
					 vm->name, d->name,
					 (unsigned long long)d->base_gpa,
					 (unsigned long long)m->gpa);
				return -1;
			}
		}
		vm->ivc.base = d->base_gpa;
		vm->ivc.size = d->length;
		if (d->irq)
			vm->ivc.irq = d->irq;
	}
	return 0;
}

static bool overlaps(gpaddr_t a, uint64_t as, gpaddr_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* Whether [gpa, gpa+size) of VM 'id' is used by a channel. Lock held. */
static bool window_used(uint64_t id, gpaddr_t gpa, uint64_t size, gpaddr_t *end)
{
	for (unsigned i = 0; i < IVC_MAX_CHANNELS; i++) {
		const struct ivc_channel *ch = &channels[i];
		if (ch->state == IVC_FREE)
			continue;
		if (ch->publisher == id && ch->state != IVC_ORPHANED &&
		    overlaps(gpa, size, ch->pub_gpa, ch->size)) {
			*end = ch->pub_gpa + ch->size;
			return true;
		}
		for (unsigned s = 0; s < IVC_MAX_SUBS; s++) {
			const struct ivc_sub *sub = &ch->subs[s];
			if (sub->used && sub->vm == id &&
			    overlaps(gpa, size, sub->gpa, ch->size)) {
				*end = sub->gpa + ch->size;
				return true;
			}
		}
	}
	return false;
}

/* The lowest free 'size' bytes of the VM's window, or 0. Lock held. */
static gpaddr_t window_alloc(const struct vm *vm, uint64_t size)
{
	gpaddr_t gpa = vm->ivc.base, end;

	while (gpa + size <= vm->ivc.base + vm->ivc.size) {
		if (!window_used(vm->id, gpa, size, &end))
			return gpa;
		gpa = end;
	}
	return 0;
}

/* ---- the table ---- */

static struct ivc_channel *find_published(uint64_t publisher, uint64_t key)
{
	for (unsigned i = 0; i < IVC_MAX_CHANNELS; i++) {
		struct ivc_channel *ch = &channels[i];
		if ((ch->state == IVC_PENDING || ch->state == IVC_PUBLISHED ||
		     ch->state == IVC_UNPUBLISHING) &&
		    ch->publisher == publisher && ch->key == key)
			return ch;
	}
	return NULL;
}

static struct ivc_sub *sub_of(struct ivc_channel *ch, uint64_t vm)
{
	for (unsigned s = 0; s < IVC_MAX_SUBS; s++)
		if (ch->subs[s].used && ch->subs[s].vm == vm)
			return &ch->subs[s];
	return NULL;
}

static bool has_subs(const struct ivc_channel *ch)
{
	for (unsigned s = 0; s < IVC_MAX_SUBS; s++)
		if (ch->subs[s].used)
			return true;
	return false;
}

/* Ends channel 'ch' if no VM uses it any more: its pages, after the
 * lock is dropped, go back (*pages). Lock held. */
static void maybe_free(struct ivc_channel *ch, paddr_t *hpa, uint64_t *size)
{
	if (ch->state != IVC_ORPHANED || has_subs(ch))
		return;
	*hpa = ch->hpa;
	*size = ch->size;
	memset(ch, 0, sizeof(*ch));
}

static void pages_free(paddr_t hpa, uint64_t size)
{
	if (hpa)
		page_free(hpa, size / PAGE_SIZE);
}

/* ---- the guest's pointers ---- */

/* The calls write their answers there: writable to the guest. */
static bool guest_u64_ok(struct vm *vm, gpaddr_t gpa)
{
	void *p = addrspace_gpa_to_host_perm(&vm->as, gpa, 8,
					     VMCFG_MEM_READ | VMCFG_MEM_WRITE);

	return p != NULL;
}

static uint64_t guest_u64_read(struct vm *vm, gpaddr_t gpa)
{
	uint64_t v;

	memcpy(&v, addrspace_gpa_to_host(&vm->as, gpa, 8), 8);
	return v;
}

static void guest_u64_write(struct vm *vm, gpaddr_t gpa, uint64_t v)
{
	memcpy(addrspace_gpa_to_host(&vm->as, gpa, 8), &v, 8);
}

static uint64_t refuse(struct vm *vm, const char *call, const char *why)
{
	pr_debug("VM %llu: IVC %s refused: %s", (unsigned long long)vm->id,
		 call, why);
	return IVC_ERROR;
}

/* ---- the calls ---- */

uint64_t ivc_publish(struct vm *vm, uint64_t key, gpaddr_t base_ptr,
		     gpaddr_t size_ptr)
{
	struct ivc_channel *ch = NULL;
	const char *why = NULL;

	if (!guest_u64_ok(vm, base_ptr) || !guest_u64_ok(vm, size_ptr))
		return refuse(vm, "publish", "a pointer outside its RAM");
	uint64_t size = guest_u64_read(vm, size_ptr);
	if (!size || size % PAGE_SIZE || size > IVC_MAX_SIZE)
		return refuse(vm, "publish",
			      "size not a multiple of 4 KiB "
			      "up to 64 MiB");

	spin_lock(&ivc_lock);
	gpaddr_t gpa = 0;
	if (find_published(vm->id, key))
		why = "key published already";
	for (unsigned i = 0; i < IVC_MAX_CHANNELS && !why && !ch; i++)
		if (channels[i].state == IVC_FREE)
			ch = &channels[i];
	if (!ch && !why)
		why = "too many channels";
	if (ch && !(gpa = window_alloc(vm, size))) {
		why = "no room left in its IVC window";
		ch = NULL;
	}
	if (ch) {
		ch->state = IVC_PENDING;
		ch->key = key;
		ch->publisher = vm->id;
		ch->pub_gpa = gpa;
		ch->size = size;
	}
	spin_unlock(&ivc_lock);
	if (!ch)
		return refuse(vm, "publish", why);

	paddr_t hpa = page_alloc(size / PAGE_SIZE, PAGE_SIZE);
	if (!hpa ||
	    stage2_map(&vm->as.s2, gpa, hpa, size, S2_READ | S2_WRITE)) {
		pages_free(hpa, size);
		spin_lock(&ivc_lock);
		memset(ch, 0, sizeof(*ch));
		spin_unlock(&ivc_lock);
		return refuse(vm, "publish", "no memory");
	}
	guest_u64_write(vm, base_ptr, gpa);
	guest_u64_write(vm, size_ptr, size);
	spin_lock(&ivc_lock);
	ch->hpa = hpa;
	ch->state = IVC_PUBLISHED;
	spin_unlock(&ivc_lock);
	pr_info("VM %llu: IVC channel %#llx published, %llu KiB at %#llx",
		(unsigned long long)vm->id, (unsigned long long)key,
		(unsigned long long)(size >> 10), (unsigned long long)gpa);
	return 0;
}

uint64_t ivc_subscribe(struct vm *vm, uint64_t publisher, uint64_t key,
		       gpaddr_t base_ptr, gpaddr_t size_ptr)
{
	struct ivc_channel *ch;
	struct ivc_sub *sub = NULL;
	const char *why = NULL;
	gpaddr_t gpa = 0;

	if (!guest_u64_ok(vm, base_ptr) || !guest_u64_ok(vm, size_ptr))
		return refuse(vm, "subscribe", "a pointer outside its RAM");
	if (publisher == vm->id)
		return refuse(vm, "subscribe", "to its own channel");

	spin_lock(&ivc_lock);
	ch = find_published(publisher, key);
	if (!ch || ch->state != IVC_PUBLISHED)
		why = "no such channel";
	else if (sub_of(ch, vm->id))
		why = "subscribed already";
	for (unsigned s = 0; s < IVC_MAX_SUBS && !why && !sub; s++)
		if (!ch->subs[s].used)
			sub = &ch->subs[s];
	if (!sub && !why)
		why = "too many subscribers";
	if (sub && !(gpa = window_alloc(vm, ch->size))) {
		why = "no room left in its IVC window";
		sub = NULL;
	}
	paddr_t hpa = 0;
	uint64_t size = 0;
	if (sub) {
		sub->used = true;
		sub->vm = vm->id;
		sub->gpa = gpa;
		hpa = ch->hpa;
		size = ch->size;
	}
	spin_unlock(&ivc_lock);
	if (!sub)
		return refuse(vm, "subscribe", why);

	/* The pages stay: the subscription, reserved, holds the channel. */
	if (stage2_map(&vm->as.s2, gpa, hpa, size, S2_READ | S2_WRITE)) {
		paddr_t free_hpa = 0;
		uint64_t free_size = 0;
		spin_lock(&ivc_lock);
		memset(sub, 0, sizeof(*sub));
		maybe_free(ch, &free_hpa, &free_size);
		spin_unlock(&ivc_lock);
		pages_free(free_hpa, free_size);
		return refuse(vm, "subscribe", "no memory");
	}
	guest_u64_write(vm, base_ptr, gpa);
	guest_u64_write(vm, size_ptr, size);
	spin_lock(&ivc_lock);
	sub->active = true;
	spin_unlock(&ivc_lock);
	pr_info("VM %llu: subscribed to IVC channel %#llx of VM %llu, at %#llx",
		(unsigned long long)vm->id, (unsigned long long)key,
		(unsigned long long)publisher, (unsigned long long)gpa);
	return 0;
}

uint64_t ivc_unpublish(struct vm *vm, uint64_t key)
{
	spin_lock(&ivc_lock);
	struct ivc_channel *ch = find_published(vm->id, key);
	bool ok = ch && ch->state == IVC_PUBLISHED;
	if (ok)
		ch->state = IVC_UNPUBLISHING;
	spin_unlock(&ivc_lock);
	if (!ok)
		return refuse(vm, "unpublish", "no such channel of its own");

	int err = vm_unmap(vm, ch->pub_gpa, ch->size);
	paddr_t hpa = 0;
	uint64_t size = 0;
	spin_lock(&ivc_lock);
	ch->state = IVC_ORPHANED;
	maybe_free(ch, &hpa, &size);
	spin_unlock(&ivc_lock);
	pages_free(hpa, size);
	if (err)
		pr_error("VM %llu: IVC channel %#llx: unmapping failed",
			 (unsigned long long)vm->id, (unsigned long long)key);
	return 0;
}

/* The channel (publisher, key) VM 'vm' has an active subscription to,
 * and that subscription. Lock held. */
static struct ivc_channel *find_sub(uint64_t vm, uint64_t publisher,
				    uint64_t key, struct ivc_sub **sub)
{
	for (unsigned i = 0; i < IVC_MAX_CHANNELS; i++) {
		struct ivc_channel *ch = &channels[i];
		if (ch->state == IVC_FREE || ch->publisher != publisher ||
		    ch->key != key)
			continue;
		*sub = sub_of(ch, vm);
		if (*sub && (*sub)->active)
			return ch;
	}
	return NULL;
}

uint64_t ivc_unsubscribe(struct vm *vm, uint64_t publisher, uint64_t key)
{
	struct ivc_sub *sub = NULL;

	spin_lock(&ivc_lock);
	struct ivc_channel *ch = find_sub(vm->id, publisher, key, &sub);
	if (ch)
		sub->active = false; /* reserved until unmapped */
	spin_unlock(&ivc_lock);
	if (!ch)
		return refuse(vm, "unsubscribe", "not subscribed");

	int err = vm_unmap(vm, sub->gpa, ch->size);
	paddr_t hpa = 0;
	uint64_t size = 0;
	spin_lock(&ivc_lock);
	memset(sub, 0, sizeof(*sub));
	maybe_free(ch, &hpa, &size);
	spin_unlock(&ivc_lock);
	pages_free(hpa, size);
	if (err)
		pr_error("VM %llu: IVC channel %#llx: unmapping failed",
			 (unsigned long long)vm->id, (unsigned long long)key);
	return 0;
}

uint64_t ivc_notify(struct vm *vm, uint64_t publisher, uint64_t key)
{
	uint64_t peers[IVC_MAX_SUBS + 1];
	unsigned n = 0;
	struct ivc_sub *sub = NULL;

	spin_lock(&ivc_lock);
	struct ivc_channel *ch = NULL;
	if (publisher == vm->id) {
		ch = find_published(publisher, key);
		if (ch && ch->state != IVC_PUBLISHED)
			ch = NULL;
	} else {
		ch = find_sub(vm->id, publisher, key, &sub);
	}
	if (ch) {
		if (ch->state == IVC_PUBLISHED && ch->publisher != vm->id)
			peers[n++] = ch->publisher;
		for (unsigned s = 0; s < IVC_MAX_SUBS; s++)
			if (ch->subs[s].active && ch->subs[s].vm != vm->id)
				peers[n++] = ch->subs[s].vm;
	}
	spin_unlock(&ivc_lock);
	if (!ch)
		return refuse(vm, "notify", "not a party to that channel");

	for (unsigned i = 0; i < n; i++) {
		struct vm *peer = vms_get(peers[i]);
		if (!peer)
			continue; /* stopped meanwhile */
		/* An edge: the guest configures the line edge-triggered. */
		vm_arch_set_irq_line(peer, peer->ivc.irq, true);
		vm_arch_set_irq_line(peer, peer->ivc.irq, false);
		vms_put(peer);
	}
	return 0;
}

void ivc_vm_destroyed(struct vm *vm)
{
	for (unsigned i = 0; i < IVC_MAX_CHANNELS; i++) {
		struct ivc_channel *ch = &channels[i];
		paddr_t hpa = 0;
		uint64_t size = 0;

		spin_lock(&ivc_lock);
		if (ch->state != IVC_FREE) {
			if (ch->publisher == vm->id &&
			    ch->state == IVC_PUBLISHED)
				ch->state = IVC_ORPHANED;
			struct ivc_sub *sub = sub_of(ch, vm->id);
			if (sub)
				memset(sub, 0, sizeof(*sub));
			maybe_free(ch, &hpa, &size);
		}
		spin_unlock(&ivc_lock);
		pages_free(hpa, size);
	}
}
