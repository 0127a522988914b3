/* VM config schema on top of the TOML parser: see vm_config.h.
 *
 * Validation never stops at the first problem: each field is checked on
 * its own and reported, so one run of `cvisor-config check` shows them
 * all. Only a TOML syntax error ends the parse early (there is no tree). */
#include "vm_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The largest address (exclusive end) a region or device may reach: TOML
 * integers are signed, so nothing past 2^63 can even be written. */
#define VC_ADDR_LIMIT ((uint64_t)1 << 63)

struct vc {
	const char *file;
	vmcfg_report_fn report;
	void *ctx;
	int first_err;
	struct vm_config *cfg;
};

/* A table of the file and its name, for messages and missing keys. */
struct vc_sec {
	const char *name;
	const struct toml_node *t;
};

static const char *const vc_messages[VMCFG_ERR_END - VMCFG_ERR_BASE] = {
	[VMCFG_ERR_TYPE - VMCFG_ERR_BASE] = "wrong type",
	[VMCFG_ERR_MISSING - VMCFG_ERR_BASE] = "missing required key",
	[VMCFG_ERR_RANGE - VMCFG_ERR_BASE] = "value out of range",
	[VMCFG_ERR_STRING - VMCFG_ERR_BASE] =
		"string too long, empty or holding NUL",
	[VMCFG_ERR_TOO_MANY - VMCFG_ERR_BASE] = "too many entries",
	[VMCFG_ERR_CPU_COUNT - VMCFG_ERR_BASE] =
		"number of physical CPUs differs from cpu_num",
	[VMCFG_ERR_EMPTY_CPU_SET - VMCFG_ERR_BASE] = "empty physical CPU set",
	[VMCFG_ERR_IMAGE_LOCATION - VMCFG_ERR_BASE] = "unknown image_location",
	[VMCFG_ERR_INTERRUPT_MODE - VMCFG_ERR_BASE] = "unknown interrupt_mode",
	[VMCFG_ERR_MAP_TYPE - VMCFG_ERR_BASE] = "unknown map_type",
	[VMCFG_ERR_REGION_FLAGS - VMCFG_ERR_BASE] = "unknown memory flag bits",
	[VMCFG_ERR_REGION_EMPTY - VMCFG_ERR_BASE] = "zero-sized memory region",
	[VMCFG_ERR_REGION_WRAP - VMCFG_ERR_BASE] =
		"memory region wraps the address space",
	[VMCFG_ERR_REGION_OVERLAP - VMCFG_ERR_BASE] =
		"overlapping memory regions",
	[VMCFG_ERR_ADDR_OUTSIDE - VMCFG_ERR_BASE] =
		"load address outside guest memory",
	[VMCFG_ERR_DEVICE - VMCFG_ERR_BASE] = "malformed device entry",
	[VMCFG_ERR_BOOT_PROTOCOL - VMCFG_ERR_BASE] = "unknown boot_protocol",
	[VMCFG_ERR_BOOT_CONFLICT - VMCFG_ERR_BASE] =
		"boot_protocol contradicts enable_bios",
	[VMCFG_ERR_EMU_TYPE - VMCFG_ERR_BASE] = "emulated device refused",
	[VMCFG_WARN_UNKNOWN_KEY - VMCFG_ERR_BASE] = "unknown key",
	[VMCFG_WARN_UNKNOWN_TABLE - VMCFG_ERR_BASE] = "unknown table",
	[VMCFG_WARN_REGION_REDUNDANT - VMCFG_ERR_BASE] =
		"memory region inside an earlier one of the same kind",
};

const char *vmcfg_strerror(int code)
{
	if (code == VMCFG_OK)
		return "success";
	if (code > 0 && code < VMCFG_ERR_BASE)
		return toml_strerror((enum toml_err)code);
	if (code < VMCFG_ERR_BASE || code >= VMCFG_ERR_END)
		return "unknown error";
	return vc_messages[code - VMCFG_ERR_BASE];
}

const char *vmcfg_image_location_name(enum vmcfg_image_location loc)
{
	return loc == VMCFG_IMAGE_FS ? "fs" : "memory";
}

const char *vmcfg_map_type_name(enum vmcfg_map_type type)
{
	return type == VMCFG_MAP_ALLOC     ? "alloc" :
	       type == VMCFG_MAP_IDENTICAL ? "identical" :
					     "reserved";
}

const char *vmcfg_boot_protocol_name(enum vmcfg_boot_protocol proto)
{
	switch (proto) {
	case VMCFG_BOOT_UNSET:
		return "unset";
	case VMCFG_BOOT_DIRECT:
		return "direct";
	case VMCFG_BOOT_MULTIBOOT:
		return "multiboot";
	case VMCFG_BOOT_UEFI:
		return "uefi";
	}
	return "unknown";
}

static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

bool vmcfg_range_unclaimed(const struct vm_config *cfg, uint64_t base,
			   uint64_t size)
{
	if (cfg->pt_device_count)
		return false;
	for (uint32_t i = 0; i < cfg->region_count; i++)
		if (ranges_meet(cfg->regions[i].gpa, cfg->regions[i].size, base,
				size))
			return false;
	for (uint32_t i = 0; i < cfg->pt_address_count; i++)
		if (ranges_meet(cfg->pt_addresses[i].gpa,
				cfg->pt_addresses[i].length, base, size))
			return false;
	return true;
}

bool vmcfg_pt_is_whole(const struct vmcfg_pt_device *d)
{
	return d->is_dt_path && !strcmp(d->name, "/");
}

bool vmcfg_whole_platform(const struct vm_config *cfg)
{
	for (uint32_t i = 0; i < cfg->pt_device_count; i++)
		if (vmcfg_pt_is_whole(&cfg->pt_devices[i]))
			return true;
	return false;
}

enum vmcfg_boot_protocol vmcfg_boot_protocol(const struct vm_config *cfg)
{
	if (cfg->boot_protocol != VMCFG_BOOT_UNSET)
		return cfg->boot_protocol;
	return cfg->enable_bios ? VMCFG_BOOT_MULTIBOOT : VMCFG_BOOT_DIRECT;
}

const char *vmcfg_irq_mode_name(enum vmcfg_irq_mode mode)
{
	switch (mode) {
	case VMCFG_IRQ_NO_IRQ:
		return "no_irq";
	case VMCFG_IRQ_EMULATED:
		return "emulated";
	case VMCFG_IRQ_PASSTHROUGH:
		return "passthrough";
	}
	return "unknown";
}

/* ------------------------------------------------------------ reporting */

static void vc_vdiag(struct vc *c, enum vmcfg_severity sev, int code,
		     uint32_t line, uint32_t col, const char *fmt, va_list ap)
{
	char msg[256];
	struct vmcfg_diag d = {
		.severity = sev,
		.code = code,
		.file = c->file,
		.line = line ? line : 1,
		.col = col ? col : 1,
		.msg = msg,
	};

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (sev == VMCFG_SEV_ERROR && c->first_err == VMCFG_OK)
		c->first_err = code;
	if (c->report)
		c->report(c->ctx, &d);
}

/* An error at node n (the file's start if n is NULL). Returns false so
 * callers can `return vc_err(...)`. */
static bool vc_err(struct vc *c, int code, const struct toml_node *n,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vc_vdiag(c, VMCFG_SEV_ERROR, code, n ? n->line : 1, n ? n->col : 1, fmt,
		 ap);
	va_end(ap);
	return false;
}

/* A warning at n's key, or at n itself if it has none (array entries). */
static void vc_warn(struct vc *c, int code, const struct toml_node *n,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vc_vdiag(c, VMCFG_SEV_WARNING, code, n->key ? n->key_line : n->line,
		 n->key ? n->key_col : n->col, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ scalars */

static bool vc_type(struct vc *c, const struct toml_node *n,
		    enum toml_type want, const char *where)
{
	if (n->type == want)
		return true;
	return vc_err(c, VMCFG_ERR_TYPE, n, "%s: expected %s, found %s", where,
		      toml_type_name(want), toml_type_name(n->type));
}

/* A non-negative integer no larger than max. */
static bool vc_uint(struct vc *c, const struct toml_node *n, const char *where,
		    uint64_t max, uint64_t *out)
{
	if (!vc_type(c, n, TOML_INT, where))
		return false;
	if (n->v.i < 0)
		return vc_err(c, VMCFG_ERR_RANGE, n,
			      "%s: must not be negative (%lld)", where,
			      (long long)n->v.i);
	if ((uint64_t)n->v.i > max && max < 0x10000)
		return vc_err(c, VMCFG_ERR_RANGE, n,
			      "%s: %lld is above the maximum %u", where,
			      (long long)n->v.i, (unsigned)max);
	if ((uint64_t)n->v.i > max)
		return vc_err(c, VMCFG_ERR_RANGE, n,
			      "%s: 0x%llx is above the maximum 0x%llx", where,
			      (unsigned long long)n->v.i,
			      (unsigned long long)max);
	*out = (uint64_t)n->v.i;
	return true;
}

/* Copies a string into buf[size]; empty strings only if allow_empty. */
static bool vc_string(struct vc *c, const struct toml_node *n,
		      const char *where, char *buf, size_t size,
		      bool allow_empty)
{
	if (!vc_type(c, n, TOML_STRING, where))
		return false;
	if (n->v.str.len >= size)
		return vc_err(c, VMCFG_ERR_STRING, n,
			      "%s: string too long (%u bytes, at most %u)",
			      where, (unsigned)n->v.str.len,
			      (unsigned)(size - 1));
	if (strlen(n->v.str.s) != n->v.str.len)
		return vc_err(c, VMCFG_ERR_STRING, n,
			      "%s: string contains a NUL character", where);
	if (!allow_empty && n->v.str.len == 0)
		return vc_err(c, VMCFG_ERR_STRING, n, "%s: must not be empty",
			      where);
	memcpy(buf, n->v.str.s, n->v.str.len + 1);
	return true;
}

/* Member key of section s; reports it missing if required. */
static const struct toml_node *vc_key(struct vc *c, const struct vc_sec *s,
				      const char *key, bool required)
{
	const struct toml_node *n = toml_get(s->t, key);

	if (!n && required)
		vc_err(c, VMCFG_ERR_MISSING, s->t, "missing required key %s.%s",
		       s->name, key);
	return n;
}

static const char *vc_where(char *buf, size_t n, const struct vc_sec *s,
			    const char *key)
{
	snprintf(buf, n, "%s.%s", s->name, key);
	return buf;
}

/* Integer field: true if present and valid. */
static bool vc_field_uint(struct vc *c, const struct vc_sec *s, const char *key,
			  bool required, uint64_t max, uint64_t *out)
{
	const struct toml_node *n = vc_key(c, s, key, required);
	char where[64];

	return n &&
	       vc_uint(c, n, vc_where(where, sizeof(where), s, key), max, out);
}

static bool vc_field_string(struct vc *c, const struct vc_sec *s,
			    const char *key, bool required, char *buf,
			    size_t size)
{
	const struct toml_node *n = vc_key(c, s, key, required);
	char where[64];

	return n && vc_string(c, n, vc_where(where, sizeof(where), s, key), buf,
			      size, !required);
}

/* A file path: also no control characters, which no file system here
 * allows and which would break the build's line-based `paths` output. */
static bool vc_field_path(struct vc *c, const struct vc_sec *s, const char *key,
			  bool required, char *buf, size_t size)
{
	if (!vc_field_string(c, s, key, required, buf, size))
		return false;
	for (const char *p = buf; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			buf[0] = '\0';
			return vc_err(c, VMCFG_ERR_STRING, toml_get(s->t, key),
				      "%s.%s: path contains a control character",
				      s->name, key);
		}
	}
	return true;
}

static void vc_field_bool(struct vc *c, const struct vc_sec *s, const char *key,
			  bool *out)
{
	const struct toml_node *n = vc_key(c, s, key, false);
	char where[64];

	if (n &&
	    vc_type(c, n, TOML_BOOL, vc_where(where, sizeof(where), s, key)))
		*out = n->v.b;
}

/* A string value's meaning, for keys that take one of a few words. */
struct vc_word {
	const char *name;
	int value;
};

/* The value of the word string node n holds, or -1 if it is none. */
static int vc_lookup(const struct toml_node *n, const struct vc_word *words,
		     size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(words[i].name) == n->v.str.len &&
		    !memcmp(words[i].name, n->v.str.s, n->v.str.len))
			return words[i].value;
	return -1;
}

/* Array field with at most max entries: the array, or NULL. */
static const struct toml_node *vc_field_array(struct vc *c,
					      const struct vc_sec *s,
					      const char *key, bool required,
					      uint32_t max)
{
	const struct toml_node *n = vc_key(c, s, key, required);
	char where[64];

	if (!n ||
	    !vc_type(c, n, TOML_ARRAY, vc_where(where, sizeof(where), s, key)))
		return NULL;
	if (toml_count(n) > max) {
		vc_err(c, VMCFG_ERR_TOO_MANY, n, "%s: %u entries, at most %u",
		       where, (unsigned)toml_count(n), (unsigned)max);
		return NULL;
	}
	return n;
}

/* ------------------------------------------------------------ unknown keys */

static bool vc_known(const char *const *known, const char *key)
{
	for (; *known; known++)
		if (!strcmp(*known, key))
			return true;
	return false;
}

static void vc_unknown_keys(struct vc *c, const struct vc_sec *s,
			    const char *const *known)
{
	const struct toml_node *n;

	for (n = toml_first(s->t); n; n = toml_next(n))
		if (!vc_known(known, n->key))
			vc_warn(c, VMCFG_WARN_UNKNOWN_KEY, n,
				"unknown key '%s.%s' ignored", s->name, n->key);
}

/* ------------------------------------------------------------ [base] */

/* phys_cpu_ids or phys_cpu_sets into vals; returns the count. */
static uint32_t vc_cpu_list(struct vc *c, const struct vc_sec *s,
			    const char *key, bool is_set, uint64_t *vals)
{
	const struct toml_node *arr, *e;
	uint32_t i = 0;
	char where[64];

	arr = vc_field_array(c, s, key, false, VMCFG_MAX_CPUS);
	if (!arr)
		return 0;
	for (e = toml_first(arr); e; e = toml_next(e), i++) {
		snprintf(where, sizeof(where), "%s.%s[%u]", s->name, key, i);
		if (!vc_uint(c, e, where, (uint64_t)INT64_MAX, &vals[i]))
			continue;
		if (is_set && vals[i] == 0)
			vc_err(c, VMCFG_ERR_EMPTY_CPU_SET, e,
			       "%s: CPU set mask is empty", where);
	}
	return i;
}

static void vc_cpu_count(struct vc *c, const struct vc_sec *s, const char *key,
			 uint32_t count)
{
	const struct toml_node *n = toml_get(s->t, key);

	/* Lists rejected as a whole were reported already. */
	if (!n || n->type != TOML_ARRAY || toml_count(n) > VMCFG_MAX_CPUS)
		return;
	if (c->cfg->cpu_num && count != c->cfg->cpu_num)
		vc_err(c, VMCFG_ERR_CPU_COUNT, n,
		       "%s.%s has %u entries but cpu_num is %u", s->name, key,
		       (unsigned)count, (unsigned)c->cfg->cpu_num);
}

static void vc_base(struct vc *c, const struct vc_sec *s)
{
	static const char *const known[] = {
		"id",           "name",          "vm_type", "cpu_num",
		"phys_cpu_ids", "phys_cpu_sets", NULL,
	};
	struct vm_config *cfg = c->cfg;
	uint64_t v;

	vc_field_uint(c, s, "id", true, (uint64_t)INT64_MAX, &cfg->id);
	vc_field_string(c, s, "name", true, cfg->name, sizeof(cfg->name));
	if (vc_field_uint(c, s, "vm_type", false, 2, &v))
		cfg->vm_type = (uint32_t)v;
	if (vc_field_uint(c, s, "cpu_num", true, VMCFG_MAX_CPUS, &v)) {
		if (v == 0)
			vc_err(c, VMCFG_ERR_RANGE, toml_get(s->t, "cpu_num"),
			       "base.cpu_num: must be at least 1");
		cfg->cpu_num = (uint32_t)v;
	}
	cfg->phys_cpu_ids_count =
		vc_cpu_list(c, s, "phys_cpu_ids", false, cfg->phys_cpu_ids);
	cfg->phys_cpu_sets_count =
		vc_cpu_list(c, s, "phys_cpu_sets", true, cfg->phys_cpu_sets);
	vc_cpu_count(c, s, "phys_cpu_ids", cfg->phys_cpu_ids_count);
	vc_cpu_count(c, s, "phys_cpu_sets", cfg->phys_cpu_sets_count);
	vc_unknown_keys(c, s, known);
}

/* ------------------------------------------------------------ [kernel] */

static void vc_image_location(struct vc *c, const struct vc_sec *s)
{
	const struct toml_node *n = vc_key(c, s, "image_location", true);
	char buf[16];

	if (!n || !vc_type(c, n, TOML_STRING, "kernel.image_location"))
		return;
	if (n->v.str.len < sizeof(buf))
		memcpy(buf, n->v.str.s, n->v.str.len + 1);
	else
		buf[0] = '\0';
	if (!strcmp(buf, "memory"))
		c->cfg->image_location = VMCFG_IMAGE_MEMORY;
	else if (!strcmp(buf, "fs"))
		c->cfg->image_location = VMCFG_IMAGE_FS;
	else
		vc_err(c, VMCFG_ERR_IMAGE_LOCATION, n,
		       "kernel.image_location: expected \"memory\" or \"fs\"");
}

/* Flags, map type, size and wrap of region i (already stored in r). */
static bool vc_region_check(struct vc *c, const struct toml_node *e, uint32_t i,
			    const struct vmcfg_region *r, uint64_t flags,
			    uint64_t map_type)
{
	const struct toml_node *f = toml_first(e);
	bool ok = true;

	if (flags & ~(uint64_t)VMCFG_MEM_ALL_FLAGS)
		ok = vc_err(c, VMCFG_ERR_REGION_FLAGS, toml_at(e, 2),
			    "kernel.memory_regions[%u]: unknown flag bits 0x%llx "
			    "(known: R=1 W=2 X=4 USER=8 DEVICE=16)",
			    (unsigned)i,
			    (unsigned long long)(flags &
						 ~(uint64_t)
							 VMCFG_MEM_ALL_FLAGS));
	if (map_type > VMCFG_MAP_RESERVED)
		ok = vc_err(c, VMCFG_ERR_MAP_TYPE, toml_at(e, 3),
			    "kernel.memory_regions[%u]: map_type %llu is not 0 "
			    "(alloc), 1 (identical) or 2 (reserved)",
			    (unsigned)i, (unsigned long long)map_type);
	if (r->size == 0)
		ok = vc_err(c, VMCFG_ERR_REGION_EMPTY, toml_at(e, 1),
			    "kernel.memory_regions[%u]: size is 0",
			    (unsigned)i);
	else if (r->size > VC_ADDR_LIMIT - r->gpa)
		ok = vc_err(c, VMCFG_ERR_REGION_WRAP, f,
			    "kernel.memory_regions[%u]: 0x%llx + 0x%llx wraps "
			    "past 2^63",
			    (unsigned)i, (unsigned long long)r->gpa,
			    (unsigned long long)r->size);
	return ok;
}

/* One [gpa, size, flags, map_type] entry. */
static bool vc_region(struct vc *c, const struct toml_node *e, uint32_t i,
		      struct vmcfg_region *r)
{
	const struct toml_node *f;
	uint64_t v[4];
	char where[64];
	bool ok = true;
	int k = 0;

	if (e->type != TOML_ARRAY || toml_count(e) != 4)
		return vc_err(c, VMCFG_ERR_TYPE, e,
			      "kernel.memory_regions[%u]: expected "
			      "[gpa, size, flags, map_type]",
			      (unsigned)i);
	for (f = toml_first(e); f; f = toml_next(f), k++) {
		snprintf(where, sizeof(where), "kernel.memory_regions[%u][%d]",
			 (unsigned)i, k);
		ok = vc_uint(c, f, where, (uint64_t)INT64_MAX, &v[k]) && ok;
	}
	if (!ok)
		return false;
	r->gpa = v[0];
	r->size = v[1];
	r->flags = (uint32_t)(v[2] & VMCFG_MEM_ALL_FLAGS);
	r->map_type = (enum vmcfg_map_type)v[3];
	return vc_region_check(c, e, i, r, v[2], v[3]);
}

static bool vc_overlap(const struct vmcfg_region *a,
		       const struct vmcfg_region *b)
{
	return a->gpa < b->gpa + b->size && b->gpa < a->gpa + a->size;
}

/* Whether a lies wholly inside b. */
static bool vc_inside(const struct vmcfg_region *a,
		      const struct vmcfg_region *b)
{
	return a->gpa >= b->gpa && a->gpa + a->size <= b->gpa + b->size;
}

static bool vc_same_kind(const struct vmcfg_region *a,
			 const struct vmcfg_region *b)
{
	return a->flags == b->flags && a->map_type == b->map_type;
}

/* What to change so that r no longer overlaps o (entry j), into buf. */
static const char *vc_overlap_advice(char *buf, size_t n,
				     const struct vmcfg_region *r, uint32_t j,
				     const struct vmcfg_region *o)
{
	if (vc_same_kind(r, o))
		snprintf(buf, n, "merge them into one entry");
	else if (vc_inside(r, o))
		snprintf(buf, n,
			 "split memory_regions[%u] around this entry, or "
			 "delete this entry",
			 (unsigned)j);
	else
		snprintf(buf, n, "shrink or move one of them");
	return buf;
}

static void vc_overlap_err(struct vc *c, const struct toml_node *e, uint32_t i,
			   const struct vmcfg_region *r, uint32_t j,
			   const struct vmcfg_region *o)
{
	char advice[80];

	vc_err(c, VMCFG_ERR_REGION_OVERLAP, e,
	       "kernel.memory_regions[%u] [0x%llx, 0x%llx) (%s) overlaps "
	       "memory_regions[%u] [0x%llx, 0x%llx) (%s): a guest address has "
	       "one backing; %s",
	       (unsigned)i, (unsigned long long)r->gpa,
	       (unsigned long long)(r->gpa + r->size),
	       vmcfg_map_type_name(r->map_type), (unsigned)j,
	       (unsigned long long)o->gpa,
	       (unsigned long long)(o->gpa + o->size),
	       vmcfg_map_type_name(o->map_type),
	       vc_overlap_advice(advice, sizeof(advice), r, j, o));
}

/* An entry inside an earlier one of the same flags and map_type describes
 * memory the VM has already, backed the same way (MAP_IDENTICAL and
 * MAP_RESERVED: HPA = GPA; MAP_ALLOC: fresh memory either way), so it is
 * dropped with a warning (AxVisor's rdk-s100 Linux config repeats its RAM).
 * True if r (entry i) is such an entry. */
static bool vc_redundant(struct vc *c, const struct toml_node *e, uint32_t i,
			 const struct vmcfg_region *r, const uint32_t *index)
{
	const struct vm_config *cfg = c->cfg;
	char what[64];

	for (uint32_t j = 0; j < cfg->region_count; j++) {
		const struct vmcfg_region *o = &cfg->regions[j];

		if (!vc_same_kind(r, o) || !vc_inside(r, o))
			continue;
		if (r->gpa == o->gpa && r->size == o->size)
			snprintf(what, sizeof(what), "repeats");
		else
			snprintf(what, sizeof(what),
				 "[0x%llx, 0x%llx) lies inside",
				 (unsigned long long)r->gpa,
				 (unsigned long long)(r->gpa + r->size));
		vc_warn(c, VMCFG_WARN_REGION_REDUNDANT, e,
			"kernel.memory_regions[%u] %s memory_regions[%u] "
			"[0x%llx, 0x%llx) with the same flags and map_type: "
			"ignored; delete it",
			(unsigned)i, what, (unsigned)index[j],
			(unsigned long long)o->gpa,
			(unsigned long long)(o->gpa + o->size));
		return true;
	}
	return false;
}

static void vc_regions(struct vc *c, const struct vc_sec *s)
{
	const struct toml_node *arr, *e;
	struct vm_config *cfg = c->cfg;
	uint32_t index[VMCFG_MAX_REGIONS]; /* entry of each kept region */
	uint32_t i = 0;

	arr = vc_field_array(c, s, "memory_regions", true, VMCFG_MAX_REGIONS);
	if (!arr)
		return;
	for (e = toml_first(arr); e; e = toml_next(e), i++) {
		struct vmcfg_region *r = &cfg->regions[cfg->region_count];

		if (!vc_region(c, e, i, r) || vc_redundant(c, e, i, r, index)) {
			memset(r, 0, sizeof(*r));
			continue;
		}
		for (uint32_t j = 0; j < cfg->region_count; j++)
			if (vc_overlap(&cfg->regions[j], r))
				vc_overlap_err(c, e, i, r, index[j],
					       &cfg->regions[j]);
		index[cfg->region_count++] = i;
	}
}

static bool vc_in_memory(const struct vm_config *cfg, uint64_t addr)
{
	for (uint32_t i = 0; i < cfg->region_count; i++)
		if (addr >= cfg->regions[i].gpa &&
		    addr - cfg->regions[i].gpa < cfg->regions[i].size)
			return true;
	return false;
}

/* key's address must lie in guest memory, if the key is present. */
static void vc_check_addr(struct vc *c, const struct vc_sec *s, const char *key,
			  uint64_t addr)
{
	const struct toml_node *n = toml_get(s->t, key);

	if (n && n->type == TOML_INT && n->v.i >= 0 &&
	    !vc_in_memory(c->cfg, addr))
		vc_err(c, VMCFG_ERR_ADDR_OUTSIDE, n,
		       "kernel.%s 0x%llx is outside every memory region", key,
		       (unsigned long long)addr);
}

/* Only addresses that will be used: a load address for an image that is
 * given, or a non-zero one (0 is AxVisor's "unset"). */
static void vc_kernel_addrs(struct vc *c, const struct vc_sec *s)
{
	const struct vm_config *cfg = c->cfg;

	if (c->first_err != VMCFG_OK && cfg->region_count == 0)
		return; /* regions broken: every address would be "outside" */
	vc_check_addr(c, s, "entry_point", cfg->entry_point);
	vc_check_addr(c, s, "kernel_load_addr", cfg->kernel_load_addr);
	if (cfg->dtb_path[0] || cfg->dtb_load_addr)
		vc_check_addr(c, s, "dtb_load_addr", cfg->dtb_load_addr);
	if (cfg->ramdisk_path[0] || cfg->ramdisk_load_addr)
		vc_check_addr(c, s, "ramdisk_load_addr",
			      cfg->ramdisk_load_addr);
	if (cfg->bios_path[0] || cfg->uefi_firmware_path[0] ||
	    cfg->bios_load_addr)
		vc_check_addr(c, s, "bios_load_addr", cfg->bios_load_addr);
}

/* AxVisor's names, aliases included (axvmconfig's VMBootProtocol). */
static void vc_boot_protocol(struct vc *c, const struct vc_sec *s)
{
	static const struct vc_word words[] = {
		{ "direct", VMCFG_BOOT_DIRECT },
		{ "kernel", VMCFG_BOOT_DIRECT },
		{ "multiboot", VMCFG_BOOT_MULTIBOOT },
		{ "bios", VMCFG_BOOT_MULTIBOOT },
		{ "axvm-bios", VMCFG_BOOT_MULTIBOOT },
		{ "uefi", VMCFG_BOOT_UEFI },
		{ "efi", VMCFG_BOOT_UEFI },
	};
	const struct toml_node *n = vc_key(c, s, "boot_protocol", false);
	int v;

	if (!n || !vc_type(c, n, TOML_STRING, "kernel.boot_protocol"))
		return;
	v = vc_lookup(n, words, sizeof(words) / sizeof(words[0]));
	if (v >= 0)
		c->cfg->boot_protocol = (enum vmcfg_boot_protocol)v;
	else
		vc_err(c, VMCFG_ERR_BOOT_PROTOCOL, n,
		       "kernel.boot_protocol: expected \"direct\" (\"kernel\"), "
		       "\"multiboot\" (\"bios\", \"axvm-bios\") or \"uefi\" "
		       "(\"efi\")");
}

/* "kernel.boot_protocol \"uefi\"", or how enable_bios implies one. */
static const char *vc_boot_what(char *buf, size_t n,
				const struct vm_config *cfg)
{
	const char *name = vmcfg_boot_protocol_name(vmcfg_boot_protocol(cfg));

	if (cfg->boot_protocol != VMCFG_BOOT_UNSET)
		snprintf(buf, n, "kernel.boot_protocol \"%s\"", name);
	else
		snprintf(buf, n,
			 "kernel.enable_bios = true (boot_protocol "
			 "\"%s\")",
			 name);
	return buf;
}

/* AxVisor's rules (axvmconfig, validate_boot_config), all but the arch's
 * (the VMM checks that): enable_bios and the protocol agree, and a
 * firmware flow names the firmware and where it goes. Errors sit at
 * boot_protocol, or at the enable_bios that implies it. */
static void vc_boot_check(struct vc *c, const struct vc_sec *s)
{
	const struct vm_config *cfg = c->cfg;
	const struct toml_node *n = toml_get(s->t, "boot_protocol");
	enum vmcfg_boot_protocol p = vmcfg_boot_protocol(cfg);
	char what[80];

	if (!n)
		n = toml_get(s->t, "enable_bios");
	if ((p == VMCFG_BOOT_DIRECT) == cfg->enable_bios) {
		vc_err(c, VMCFG_ERR_BOOT_CONFLICT, n,
		       "kernel.boot_protocol \"%s\" needs kernel.enable_bios = "
		       "%s",
		       vmcfg_boot_protocol_name(p),
		       cfg->enable_bios ? "false" : "true");
		return;
	}
	if (p == VMCFG_BOOT_UEFI && !cfg->uefi_firmware_path[0] &&
	    !cfg->bios_path[0])
		vc_err(c, VMCFG_ERR_MISSING, n,
		       "%s needs the firmware image: "
		       "kernel.uefi_firmware_path (or bios_path)",
		       vc_boot_what(what, sizeof(what), cfg));
	if ((p == VMCFG_BOOT_UEFI ||
	     (p == VMCFG_BOOT_MULTIBOOT && cfg->bios_path[0])) &&
	    !cfg->has_bios_load_addr)
		vc_err(c, VMCFG_ERR_MISSING, n,
		       "%s needs kernel.bios_load_addr, "
		       "where the firmware goes",
		       vc_boot_what(what, sizeof(what), cfg));
}

static void vc_kernel(struct vc *c, const struct vc_sec *s)
{
	static const char *const known[] = {
		"entry_point",
		"image_location",
		"kernel_path",
		"kernel_load_addr",
		"dtb_path",
		"dtb_load_addr",
		"ramdisk_path",
		"ramdisk_load_addr",
		"bios_path",
		"bios_load_addr",
		"cmdline",
		"disk_path",
		"memory_regions",
		"enable_bios",
		"boot_protocol",
		"uefi_firmware_path",
		NULL,
	};
	struct vm_config *cfg = c->cfg;
	const uint64_t max = (uint64_t)INT64_MAX;

	vc_field_uint(c, s, "entry_point", true, max, &cfg->entry_point);
	vc_image_location(c, s);
	vc_field_path(c, s, "kernel_path", true, cfg->kernel_path,
		      sizeof(cfg->kernel_path));
	vc_field_uint(c, s, "kernel_load_addr", true, max,
		      &cfg->kernel_load_addr);
	vc_field_path(c, s, "dtb_path", false, cfg->dtb_path,
		      sizeof(cfg->dtb_path));
	cfg->has_dtb_load_addr = vc_field_uint(c, s, "dtb_load_addr", false,
					       max, &cfg->dtb_load_addr);
	vc_field_path(c, s, "ramdisk_path", false, cfg->ramdisk_path,
		      sizeof(cfg->ramdisk_path));
	cfg->has_ramdisk_load_addr = vc_field_uint(c, s, "ramdisk_load_addr",
						   false, max,
						   &cfg->ramdisk_load_addr);
	vc_field_path(c, s, "bios_path", false, cfg->bios_path,
		      sizeof(cfg->bios_path));
	cfg->has_bios_load_addr = vc_field_uint(c, s, "bios_load_addr", false,
						max, &cfg->bios_load_addr);
	vc_field_bool(c, s, "enable_bios", &cfg->enable_bios);
	vc_boot_protocol(c, s);
	cfg->bios_legacy = cfg->bios_path[0] &&
			   !toml_get(s->t, "enable_bios") &&
			   cfg->boot_protocol == VMCFG_BOOT_UNSET;
	vc_field_path(c, s, "uefi_firmware_path", false,
		      cfg->uefi_firmware_path, sizeof(cfg->uefi_firmware_path));
	vc_boot_check(c, s);
	vc_field_string(c, s, "cmdline", false, cfg->cmdline,
			sizeof(cfg->cmdline));
	vc_field_path(c, s, "disk_path", false, cfg->disk_path,
		      sizeof(cfg->disk_path));
	vc_regions(c, s);
	vc_kernel_addrs(c, s);
	vc_unknown_keys(c, s, known);
}

/* ------------------------------------------------------------ [devices] */

static void vc_interrupt_mode(struct vc *c, const struct vc_sec *s)
{
	static const struct vc_word modes[] = {
		{ "no_irq", VMCFG_IRQ_NO_IRQ },
		{ "emulated", VMCFG_IRQ_EMULATED },
		{ "emu", VMCFG_IRQ_EMULATED },
		{ "passthrough", VMCFG_IRQ_PASSTHROUGH },
		{ "pt", VMCFG_IRQ_PASSTHROUGH },
	};
	const struct toml_node *n = vc_key(c, s, "interrupt_mode", false);
	int v;

	if (!n || !vc_type(c, n, TOML_STRING, "devices.interrupt_mode"))
		return;
	v = vc_lookup(n, modes, sizeof(modes) / sizeof(modes[0]));
	if (v >= 0) {
		c->cfg->interrupt_mode = (enum vmcfg_irq_mode)v;
		return;
	}
	vc_err(c, VMCFG_ERR_INTERRUPT_MODE, n,
	       "devices.interrupt_mode: expected \"no_irq\", \"emulated\" "
	       "(\"emu\") or \"passthrough\" (\"pt\")");
}

/* Checks that entry e is an array of n1..n2 elements. */
static bool vc_entry_shape(struct vc *c, const struct toml_node *e,
			   const char *where, uint32_t n1, uint32_t n2,
			   const char *shape)
{
	uint32_t n = toml_count(e);

	if (e->type == TOML_ARRAY && n >= n1 && n <= n2)
		return true;
	return vc_err(c, VMCFG_ERR_DEVICE, e, "%s: expected %s", where, shape);
}

/* A device field: a wrong type or range is a malformed device entry. */
static bool vc_dev_uint(struct vc *c, const struct toml_node *f,
			const char *where, const char *field, uint64_t max,
			uint64_t *out)
{
	if (f->type != TOML_INT || f->v.i < 0 || (uint64_t)f->v.i > max)
		return vc_err(c, VMCFG_ERR_DEVICE, f,
			      "%s: %s must be an integer in [0, 0x%llx]", where,
			      field, (unsigned long long)max);
	*out = (uint64_t)f->v.i;
	return true;
}

static bool vc_dev_name(struct vc *c, const struct toml_node *f,
			const char *where, char *buf)
{
	if (f->type != TOML_STRING)
		return vc_err(c, VMCFG_ERR_DEVICE, f,
			      "%s: the first field must be a string", where);
	return vc_string(c, f, where, buf, VMCFG_MAX_DEV_NAME, false);
}

/* An entry's name and the four numbers after it (fields[k] at most
 * max[k]); *last is the node of the fourth. */
static bool vc_dev_head(struct vc *c, const struct toml_node *e,
			const char *where, char *name,
			const char *const fields[4], const uint64_t max[4],
			uint64_t v[4], const struct toml_node **last)
{
	const struct toml_node *f = toml_first(e);

	if (!vc_dev_name(c, f, where, name))
		return false;
	for (int k = 0; k < 4; k++) {
		f = toml_next(f);
		if (!vc_dev_uint(c, f, where, fields[k], max[k], &v[k]))
			return false;
	}
	*last = f;
	return true;
}

/* base + length must be a non-empty range that does not wrap. */
static bool vc_dev_range(struct vc *c, const struct toml_node *e,
			 const char *where, uint64_t base, uint64_t len)
{
	if (len == 0)
		return vc_err(c, VMCFG_ERR_DEVICE, e, "%s: length is 0", where);
	if (len > VC_ADDR_LIMIT - base)
		return vc_err(c, VMCFG_ERR_DEVICE, e,
			      "%s: 0x%llx + 0x%llx wraps past 2^63", where,
			      (unsigned long long)base,
			      (unsigned long long)len);
	return true;
}

static bool vc_emu_cfg(struct vc *c, const struct toml_node *arr,
		       const char *where, struct vmcfg_emu_device *d)
{
	const struct toml_node *f;

	if (arr->type != TOML_ARRAY)
		return vc_err(c, VMCFG_ERR_DEVICE, arr,
			      "%s: config must be an array of integers", where);
	if (toml_count(arr) > VMCFG_MAX_EMU_CFG)
		return vc_err(c, VMCFG_ERR_DEVICE, arr,
			      "%s: more than %d config values", where,
			      VMCFG_MAX_EMU_CFG);
	for (f = toml_first(arr); f; f = toml_next(f))
		if (!vc_dev_uint(c, f, where, "config value",
				 (uint64_t)INT64_MAX, &d->cfg[d->cfg_count++]))
			return false;
	return true;
}

/* Each type is honoured or refused by name, never ignored: what no
 * architecture has is refused here; the arch's VMM checks the rest when
 * the VM is created (docs/config.md, "Emulated devices"). */
static bool vc_emu_type(struct vc *c, const struct toml_node *e,
			const char *where, const struct vmcfg_emu_device *d)
{
	const char *name = vmcfg_emu_type_name(d->emu_type);
	const char *why = vmcfg_emu_type_refusal(d->emu_type);

	if (!name)
		return vc_err(c, VMCFG_ERR_EMU_TYPE, e,
			      "%s \"%s\": emu_type 0x%x is not one of "
			      "AxVisor's device types",
			      where, d->name, (unsigned)d->emu_type);
	if (why)
		return vc_err(c, VMCFG_ERR_EMU_TYPE, e,
			      "%s \"%s\": emu_type 0x%x (%s): %s", where,
			      d->name, (unsigned)d->emu_type, name, why);
	if (d->emu_type == VMCFG_EMU_INTC && d->cfg_count > 1 &&
	    d->cfg[1] != 2 && d->cfg[1] != 3)
		return vc_err(c, VMCFG_ERR_EMU_TYPE, e,
			      "%s \"%s\": config[1], the GIC version, is "
			      "%llu: expected 2 or 3",
			      where, d->name, (unsigned long long)d->cfg[1]);
	return true;
}

/* [name, base_gpa, length, irq, emu_type, [config...]]; config optional. */
static bool vc_emu_device(struct vc *c, const struct toml_node *e,
			  const char *where, struct vmcfg_emu_device *d)
{
	uint64_t v[4];
	const struct toml_node *f;
	static const char *const fields[] = {
		"base_gpa",
		"length",
		"irq",
		"emu_type",
	};
	const uint64_t max[] = {
		(uint64_t)INT64_MAX,
		(uint64_t)INT64_MAX,
		UINT32_MAX,
		UINT32_MAX,
	};

	if (!vc_entry_shape(c, e, where, 5, 6,
			    "[name, base_gpa, length, irq, emu_type, [config...]]"))
		return false;
	if (!vc_dev_head(c, e, where, d->name, fields, max, v, &f))
		return false;
	d->base_gpa = v[0];
	d->length = v[1];
	d->irq = (uint32_t)v[2];
	d->emu_type = (uint32_t)v[3];
	d->line = e->line;
	d->col = e->col;
	f = toml_next(f);
	if (f && !vc_emu_cfg(c, f, where, d))
		return false;
	if (!vc_dev_range(c, e, where, d->base_gpa, d->length))
		return false;
	return vc_emu_type(c, e, where, d);
}

/* ["/dt/path"] or [name, base_gpa, base_hpa, length, irq]. */
static bool vc_pt_device(struct vc *c, const struct toml_node *e,
			 const char *where, struct vmcfg_pt_device *d)
{
	static const char *const fields[] = {
		"base_gpa",
		"base_hpa",
		"length",
		"irq",
	};
	const uint64_t max[] = {
		(uint64_t)INT64_MAX,
		(uint64_t)INT64_MAX,
		(uint64_t)INT64_MAX,
		UINT32_MAX,
	};
	const struct toml_node *f;
	uint64_t v[4];

	if (e->type == TOML_ARRAY && toml_count(e) == 1) {
		d->is_dt_path = true;
		return vc_dev_name(c, toml_first(e), where, d->name);
	}
	if (!vc_entry_shape(
		    c, e, where, 5, 5,
		    "[\"/dt/path\"] or [name, base_gpa, base_hpa, length, irq]"))
		return false;
	if (!vc_dev_head(c, e, where, d->name, fields, max, v, &f))
		return false;
	d->base_gpa = v[0];
	d->base_hpa = v[1];
	d->length = v[2];
	d->irq = (uint32_t)v[3];
	return vc_dev_range(c, e, where, d->base_gpa, d->length) &&
	       vc_dev_range(c, e, where, d->base_hpa, d->length);
}

static bool vc_pt_address(struct vc *c, const struct toml_node *e,
			  const char *where, struct vmcfg_pt_address *a)
{
	const uint64_t max = (uint64_t)INT64_MAX;

	if (!vc_entry_shape(c, e, where, 2, 2, "[gpa, length]"))
		return false;
	return vc_dev_uint(c, toml_first(e), where, "gpa", max, &a->gpa) &&
	       vc_dev_uint(c, toml_at(e, 1), where, "length", max,
			   &a->length) &&
	       vc_dev_range(c, e, where, a->gpa, a->length);
}

/* [base_port, count]: AxVisor's PassThroughPortConfig, two u16 that may
 * not run past port 0xffff. */
static bool vc_pt_port(struct vc *c, const struct toml_node *e,
		       const char *where, struct vmcfg_pt_port *p)
{
	uint64_t base = 0, count = 0; /* gcc cannot see they are set */

	if (!vc_entry_shape(c, e, where, 2, 2, "[base_port, count]"))
		return false;
	if (!vc_dev_uint(c, toml_first(e), where, "base_port", 0xffff, &base) ||
	    !vc_dev_uint(c, toml_at(e, 1), where, "count", 0xffff, &count))
		return false;
	if (count == 0)
		return vc_err(c, VMCFG_ERR_DEVICE, e, "%s: count is 0", where);
	if (base + count > 0x10000)
		return vc_err(c, VMCFG_ERR_DEVICE, e,
			      "%s: ports 0x%llx + 0x%llx run past 0xffff",
			      where, (unsigned long long)base,
			      (unsigned long long)count);
	p->base = (uint32_t)base;
	p->count = (uint32_t)count;
	return true;
}

static bool vc_excluded(struct vc *c, const struct toml_node *e,
			const char *where, char (*path)[VMCFG_MAX_DEV_NAME])
{
	if (!vc_entry_shape(c, e, where, 1, 1, "[\"/dt/path\"]"))
		return false;
	return vc_dev_name(c, toml_first(e), where, *path);
}

/* Marks the passthrough devices called 'name'; false when there is none. */
static bool vc_allow_dma(struct vm_config *cfg, const char *name)
{
	bool found = false;

	for (uint32_t i = 0; i < cfg->pt_device_count; i++) {
		if (!strcmp(cfg->pt_devices[i].name, name)) {
			cfg->pt_devices[i].allow_dma = true;
			found = true;
		}
	}
	return found;
}

/* devices.dma_passthrough (cvisor's, not AxVisor's): the names or DT
 * paths of passthrough_devices entries to give the VM although they can
 * do DMA. A name that matches no entry is an error, so that a typo does
 * not pass for an opt-in that is not there. */
static void vc_dma_passthrough(struct vc *c, const struct vc_sec *s)
{
	const struct toml_node *arr, *e;
	char where[64], name[VMCFG_MAX_DEV_NAME];
	uint32_t i = 0;

	arr = vc_field_array(c, s, "dma_passthrough", false, VMCFG_MAX_DEVICES);
	for (e = toml_first(arr); e; e = toml_next(e), i++) {
		snprintf(where, sizeof(where), "devices.dma_passthrough[%u]",
			 (unsigned)i);
		if (!vc_string(c, e, where, name, sizeof(name), false))
			continue;
		if (!vc_allow_dma(c->cfg, name))
			vc_err(c, VMCFG_ERR_DEVICE, e,
			       "%s: \"%s\" names no entry "
			       "of devices.passthrough_devices",
			       where, name);
	}
}

/* One interrupt controller per VM: two entries for it, or a GICv2
 * beside GICv3 parts, cannot both be had. */
static void vc_emu_conflicts(struct vc *c)
{
	const struct vm_config *cfg = c->cfg;
	const struct vmcfg_emu_device *intc = NULL, *v3 = NULL;

	for (uint32_t i = 0; i < cfg->emu_device_count; i++) {
		const struct vmcfg_emu_device *d = &cfg->emu_devices[i];
		struct toml_node at = { .line = d->line, .col = d->col };
		bool is_v3 = d->emu_type >= VMCFG_EMU_GPPT_GICR &&
			     d->emu_type <= VMCFG_EMU_GPPT_ITS;

		if (d->emu_type == VMCFG_EMU_INTC && intc) {
			vc_err(c, VMCFG_ERR_EMU_TYPE, &at,
			       "devices.emu_devices: \"%s\" and \"%s\" are "
			       "both the VM's interrupt controller (0x1); "
			       "keep one",
			       intc->name, d->name);
			return;
		}
		if (d->emu_type == VMCFG_EMU_INTC)
			intc = d;
		if (is_v3 && !v3)
			v3 = d;
		if (intc && v3 && (intc->cfg_count < 2 || intc->cfg[1] == 2)) {
			vc_err(c, VMCFG_ERR_EMU_TYPE, &at,
			       "devices.emu_devices: \"%s\" asks for a GICv2 "
			       "and \"%s\" for GICv3 parts; a VM has one GIC",
			       intc->name, v3->name);
			return;
		}
	}
}

static void vc_devices(struct vc *c, const struct vc_sec *s)
{
	static const char *const known[] = {
		"interrupt_mode",      "emu_devices",
		"passthrough_devices", "passthrough_addresses",
		"excluded_devices",    "dma_passthrough",
		"passthrough_ports",   NULL,
	};
	struct vm_config *cfg = c->cfg;
	const struct toml_node *arr, *e;
	char where[64];
	uint32_t i;

	vc_interrupt_mode(c, s);

#define VC_LIST(key, count, parse, dst)                               \
	arr = vc_field_array(c, s, key, false, VMCFG_MAX_DEVICES);    \
	for (e = toml_first(arr), i = 0; e; e = toml_next(e), i++) {  \
		snprintf(where, sizeof(where), "devices.%s[%u]", key, \
			 (unsigned)i);                                \
		memset(dst, 0, sizeof(*dst));                         \
		if (parse(c, e, where, dst))                          \
			count++;                                      \
	}
	VC_LIST("emu_devices", cfg->emu_device_count, vc_emu_device,
		&cfg->emu_devices[cfg->emu_device_count]);
	VC_LIST("passthrough_devices", cfg->pt_device_count, vc_pt_device,
		&cfg->pt_devices[cfg->pt_device_count]);
	VC_LIST("passthrough_addresses", cfg->pt_address_count, vc_pt_address,
		&cfg->pt_addresses[cfg->pt_address_count]);
	VC_LIST("excluded_devices", cfg->excluded_count, vc_excluded,
		&cfg->excluded_devices[cfg->excluded_count]);
	VC_LIST("passthrough_ports", cfg->pt_port_count, vc_pt_port,
		&cfg->pt_ports[cfg->pt_port_count]);
#undef VC_LIST
	vc_emu_conflicts(c);
	vc_dma_passthrough(c, s);
	vc_unknown_keys(c, s, known);
}

/* ------------------------------------------------------------ document */

/* Section name of the root, or NULL (reported) if it is not a table. */
static bool vc_section(struct vc *c, const struct toml_node *root,
		       const char *name, struct vc_sec *s)
{
	const struct toml_node *t = toml_get(root, name);

	s->name = name;
	s->t = t;
	if (!t)
		return true; /* missing keys are reported one by one */
	if (t->type != TOML_TABLE) {
		s->t = NULL;
		return vc_err(c, VMCFG_ERR_TYPE, t,
			      "[%s] must be a table, found %s", name,
			      toml_type_name(t->type));
	}
	return true;
}

static void vc_unknown_sections(struct vc *c, const struct toml_node *root)
{
	static const char *const known[] = { "base", "kernel", "devices",
					     NULL };
	const struct toml_node *n;

	for (n = toml_first(root); n; n = toml_next(n)) {
		if (vc_known(known, n->key))
			continue;
		if (n->type == TOML_TABLE ||
		    (n->type == TOML_ARRAY && n->origin == TOML_ORIGIN_AOT))
			vc_warn(c, VMCFG_WARN_UNKNOWN_TABLE, n,
				"unknown table [%s] ignored", n->key);
		else
			vc_warn(c, VMCFG_WARN_UNKNOWN_KEY, n,
				"unknown key '%s' ignored", n->key);
	}
}

static void vc_defaults(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->vm_type = 1;
	cfg->interrupt_mode = VMCFG_IRQ_DEFAULT;
}

static void vc_document(struct vc *c, const struct toml_node *root)
{
	static const struct toml_node empty = { .type = TOML_TABLE };
	struct vc_sec base, kernel, devices;

	vc_section(c, root, "base", &base);
	vc_section(c, root, "kernel", &kernel);
	vc_section(c, root, "devices", &devices);
	/* A missing [base] or [kernel] shows up as its missing keys. */
	if (!base.t)
		base.t = &empty;
	if (!kernel.t)
		kernel.t = &empty;
	vc_base(c, &base);
	vc_kernel(c, &kernel);
	if (devices.t)
		vc_devices(c, &devices);
	vc_unknown_sections(c, root);
}

int vmcfg_parse(const char *file, const char *text, size_t len, void *arena,
		size_t arena_size, struct vm_config *out,
		vmcfg_report_fn report, void *ctx)
{
	struct vc c = {
		.file = file ? file : "<config>",
		.report = report,
		.ctx = ctx,
		.cfg = out,
	};
	struct toml_node *root;
	struct toml_error err;

	vc_defaults(out);
	if (toml_parse(text, len, arena, arena_size, &root, &err) != TOML_OK) {
		struct toml_node at = { .line = err.line, .col = err.col };
		vc_err(&c, err.code, &at, "%s", err.msg);
		return c.first_err;
	}
	vc_document(&c, root);
	return c.first_err;
}
