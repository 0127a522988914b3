#include <kernel/hostres.h>
#include <kernel/spinlock.h>

static struct hostres claims[HOSTRES_MAX];
static unsigned claim_count;
static spinlock_t hostres_lock = SPINLOCK_INIT;

static bool meets(const struct hostres *c, paddr_t base, uint64_t size,
		  bool port)
{
	return c->port == port && base < c->base + c->size &&
	       c->base < base + size;
}

static int claim(paddr_t base, uint64_t size, const void *owner,
		 const char *what, bool port, struct hostres *conflict)
{
	int ret = 0;

	if (!size || base + size < base) {
		if (conflict)
			*conflict = (struct hostres){ .base = base,
						      .size = size,
						      .port = port };
		return -1;
	}
	spin_lock(&hostres_lock);
	for (unsigned i = 0; i < claim_count && !ret; i++) {
		const struct hostres *c = &claims[i];
		if (meets(c, base, size, port)) {
			if (conflict)
				*conflict = *c;
			ret = -1;
		}
	}
	if (!ret && claim_count == HOSTRES_MAX) {
		if (conflict)
			*conflict = (struct hostres){ .base = base,
						      .size = size,
						      .port = port };
		ret = -1;
	}
	if (!ret)
		claims[claim_count++] =
			(struct hostres){ base, size, owner, what, port };
	spin_unlock(&hostres_lock);
	return ret;
}

int hostres_claim(paddr_t base, uint64_t size, const void *owner,
		  const char *what, struct hostres *conflict)
{
	return claim(base, size, owner, what, false, conflict);
}

int hostres_claim_ports(uint32_t base, uint32_t count, const void *owner,
			const char *what, struct hostres *conflict)
{
	return claim(base, count, owner, what, true, conflict);
}

bool hostres_find(paddr_t base, uint64_t size, struct hostres *out)
{
	bool found = false;

	spin_lock(&hostres_lock);
	for (unsigned i = 0; i < claim_count && !found; i++) {
		const struct hostres *c = &claims[i];
		if (meets(c, base, size, false)) {
			*out = *c;
			found = true;
		}
	}
	spin_unlock(&hostres_lock);
	return found;
}

void hostres_release(const void *owner)
{
	spin_lock(&hostres_lock);
	for (unsigned i = 0; i < claim_count;) {
		if (claims[i].owner == owner)
			claims[i] = claims[--claim_count];
		else
			i++;
	}
	spin_unlock(&hostres_lock);
}
