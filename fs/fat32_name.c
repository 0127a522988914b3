/* New names for fs/fat32_write.c: checking them, their 8.3 form and case
 * bits, their long-name (VFAT) entries, and the "~N" alias that keeps the
 * 8.3 names of a directory unique. */
#include <fs/fat32_internal.h>
#include <string.h>

#define FAT_DATE_1980 0x0021u /* 1980-01-01: cvisor keeps no calendar */
#define ALIAS_MAX     8192u   /* "~1".."~8191" */

/* One code point of the UTF-8 in s[*i..len); false on invalid UTF-8
 * (overlong forms, surrogates and values past 0x10FFFF included). */
static bool fat_utf8_next(const char *s, size_t len, size_t *i, uint32_t *cp)
{
	static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
	uint8_t c = (uint8_t)s[(*i)++];
	unsigned more = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;

	if (c >= 0x80 && (c < 0xc2 || c > 0xf4))
		return false;
	*cp = more ? c & (0x3fu >> more) : c;
	for (unsigned k = 0; k < more; k++) {
		if (*i >= len || ((uint8_t)s[*i] & 0xc0) != 0x80)
			return false;
		*cp = *cp << 6 | ((uint8_t)s[(*i)++] & 0x3f);
	}
	return *cp >= min[more] && *cp <= 0x10ffff &&
	       !(*cp >= 0xd800 && *cp < 0xe000);
}

/* The name as UTF-16 into units[]; its length, or a negative error. */
static int fat_name_units(struct fat_fs *fs, const char *name, size_t len,
			  uint16_t *units, const char *where)
{
	size_t i = 0, n = 0;
	uint32_t cp = 0;

	if (!len || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return fat_fail(fs, where, FAT_ERR_NAME,
				"\"%.*s\" is not a name", (int)len, name);
	if (name[len - 1] == '.' || name[len - 1] == ' ')
		return fat_fail(fs, where, FAT_ERR_NAME,
				"a name cannot end with a dot or a space");
	while (i < len) {
		if (!fat_utf8_next(name, len, &i, &cp))
			return fat_fail(fs, where, FAT_ERR_NAME,
					"the name is not valid UTF-8");
		if (cp < 0x20 || cp == 0x7f ||
		    (cp < 0x80 && strchr("\"*/:<>?\\|", (int)cp)))
			return fat_fail(fs, where, FAT_ERR_NAME,
					"character %#x is not allowed in a "
					"name",
					cp);
		if (n + (cp >= 0x10000) >= FAT_MAX_NAME)
			return fat_fail(fs, where, FAT_ERR_NAME,
					"the name is longer than %u UTF-16 "
					"units",
					FAT_MAX_NAME);
		if (cp >= 0x10000) {
			units[n++] =
				(uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
			cp = 0xdc00 + (cp & 0x3ff);
		}
		units[n++] = (uint16_t)cp;
	}
	return (int)n;
}

static bool fat_short_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("$%'-_@~`!(){}^#&", c));
}

static char fat_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Case bit for one part of an 8.3 name: SHORT_LOWER_* when all its
 * letters are lower case, 0 when all are upper case, -1 when mixed. */
static int fat_part_case(const char *p, size_t n, int lower_bit)
{
	bool lower = false, upper = false;

	for (size_t i = 0; i < n; i++) {
		lower |= p[i] >= 'a' && p[i] <= 'z';
		upper |= p[i] >= 'A' && p[i] <= 'Z';
	}
	return lower && upper ? -1 : lower ? lower_bit : 0;
}

/* Whether the name is 8.3 as it stands ("readme.txt", "BOOT"); then
 * sets 'e' (name and case bits). */
static bool fat_fits_short(const char *name, size_t len, uint8_t *e)
{
	const char *dot = memchr(name, '.', len);
	size_t base = dot ? (size_t)(dot - name) : len;
	size_t ext = dot ? len - base - 1 : 0;

	if (!base || base > 8 || ext > 3 || (dot && !ext))
		return false;
	for (size_t i = 0; i < len; i++)
		if (name + i != dot && !fat_short_char(fat_upper(name[i])))
			return false;
	int cb = fat_part_case(name, base, SHORT_LOWER_BASE);
	int ce = fat_part_case(name + base + 1, ext, SHORT_LOWER_EXT);
	if (cb < 0 || (dot && ce < 0))
		return false;
	memset(e, ' ', 11);
	for (size_t i = 0; i < base; i++)
		e[i] = (uint8_t)fat_upper(name[i]);
	for (size_t i = 0; i < ext; i++)
		e[8 + i] = (uint8_t)fat_upper(name[base + 1 + i]);
	e[12] = (uint8_t)(cb | (dot ? ce : 0));
	return true;
}

/* The alias basis (Microsoft's: upper case, spaces and dots dropped but
 * the last dot's extension, other characters as '_'), in short11. */
static void fat_alias_basis(const char *name, size_t len, uint8_t *short11)
{
	const char *dot = NULL;
	size_t b = 0, x = 0;

	for (size_t i = 0; i < len; i++)
		if (name[i] == '.' && i)
			dot = name + i;
	memset(short11, ' ', 11);
	for (const char *p = name; p < name + len; p++) {
		char c = fat_upper(*p);
		if (c == ' ' || c == '.')
			continue;
		if (((uint8_t)c & 0xc0) == 0x80)
			continue; /* a UTF-8 continuation: one '_' per character */
		if (!fat_short_char(c))
			c = '_';
		if (dot && p > dot && x < 3)
			short11[8 + x++] = (uint8_t)c;
		else if (b < 6)
			short11[b++] = (uint8_t)c;
	}
	if (short11[0] == ' ')
		short11[0] = '_';
}

static void fat_lfn_entry(uint8_t *e, unsigned ord, bool last,
			  const uint16_t *units, size_t n)
{
	static const uint8_t at[LFN_UNITS] = { 1,  3,  5,  7,  9,  14, 16,
					       18, 20, 22, 24, 28, 30 };

	memset(e, 0, FAT_DIR_ENTRY);
	e[0] = (uint8_t)(ord | (last ? LFN_LAST : 0));
	e[11] = ATTR_LFN;
	for (unsigned i = 0; i < LFN_UNITS; i++) {
		size_t u = (ord - 1) * LFN_UNITS + i;
		/* The name, a 0 after it if there is room, then 0xFFFF. */
		put16(e + at[i], u < n ? units[u] : u == n ? 0 : 0xffff);
	}
}

int fat_name_entries(struct fat_fs *fs, const char *name, size_t len,
		     uint32_t max_entries, struct fat_name *n,
		     const char *where)
{
	uint16_t units[FAT_MAX_NAME + 1];
	int count = fat_name_units(fs, name, len, units, where);

	if (count < 0)
		return count;
	memset(n, 0, sizeof(*n));
	uint8_t *e = n->entries;
	if (!fat_fits_short(name, len, e)) {
		uint32_t lfn = ((uint32_t)count + LFN_UNITS - 1) / LFN_UNITS;
		if (lfn + 1 > max_entries)
			return fat_fail(fs, where, FAT_ERR_NAME,
					"a name of %d UTF-16 units takes %u "
					"directory entries, more than a "
					"sector holds (%u): it could not be "
					"written at once",
					count, lfn + 1, max_entries);
		for (uint32_t k = 0; k < lfn; k++)
			fat_lfn_entry(e + k * FAT_DIR_ENTRY, lfn - k, k == 0,
				      units, (size_t)count);
		e += lfn * FAT_DIR_ENTRY;
		n->count = lfn;
		fat_alias_basis(name, len, e);
		n->needs_alias = true;
	}
	n->count++;
	put16(e + 16, FAT_DATE_1980); /* created */
	put16(e + 18, FAT_DATE_1980); /* accessed */
	put16(e + 24, FAT_DATE_1980); /* written */
	memcpy(n->short11, e, 11);
	return FAT_OK;
}

/* ---- the "~N" alias ---- */

struct fat_alias_scan {
	char base[9], ext[4]; /* the basis, trimmed */
	uint8_t used[ALIAS_MAX / 8];
};

static size_t fat_digits(uint32_t v)
{
	size_t d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

static bool fat_eq_fold(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fat_upper(a[i]) != fat_upper(b[i]))
			return false;
	return true;
}

/* Marks N used when the entry's 8.3 name is the alias "~N" would give. */
static bool fat_alias_fn(void *ctx, const struct fat_dirent *e)
{
	struct fat_alias_scan *s = ctx;
	const char *sn = e->short_name, *dot = strchr(sn, '.');
	size_t blen = dot ? (size_t)(dot - sn) : strlen(sn);
	const char *ext = dot ? dot + 1 : "";
	size_t tilde = blen;

	if (strlen(ext) != strlen(s->ext) ||
	    !fat_eq_fold(ext, s->ext, strlen(ext)))
		return true;
	while (tilde && sn[tilde - 1] != '~')
		tilde--;
	if (!tilde || tilde == blen || sn[tilde] == '0' || blen - tilde > 4)
		return true;
	uint32_t num = 0;
	for (size_t i = tilde; i < blen; i++) {
		if (sn[i] < '0' || sn[i] > '9')
			return true;
		num = num * 10 + (uint32_t)(sn[i] - '0');
	}
	size_t keep = FAT_MIN(strlen(s->base), 7 - fat_digits(num));
	if (num < ALIAS_MAX && tilde - 1 == keep &&
	    fat_eq_fold(sn, s->base, keep))
		s->used[num / 8] |= (uint8_t)(1u << (num % 8));
	return true;
}

int fat_name_alias(struct fat_fs *fs, const struct fat_file *dir,
		   struct fat_name *n, const char *where)
{
	struct fat_alias_scan s;
	uint8_t *e = n->entries + (n->count - 1) * FAT_DIR_ENTRY;
	size_t bl = 0, el = 0;
	uint32_t num = 1;
	int err;

	if (!n->needs_alias)
		return FAT_OK;
	memset(&s, 0, sizeof(s));
	while (bl < 8 && n->short11[bl] != ' ')
		s.base[bl] = (char)n->short11[bl], bl++;
	while (el < 3 && n->short11[8 + el] != ' ')
		s.ext[el] = (char)n->short11[8 + el], el++;
	if ((err = fat_dir_walk(fs, dir, where, fat_alias_fn, &s)))
		return err;
	while (num < ALIAS_MAX && s.used[num / 8] & (1u << (num % 8)))
		num++;
	if (num == ALIAS_MAX)
		return fat_fail(fs, where, FAT_ERR_EXISTS,
				"every 8.3 alias %s~1..~%u is taken", s.base,
				ALIAS_MAX - 1);
	size_t keep = FAT_MIN(bl, 7 - fat_digits(num));
	char tail[8];
	size_t t = sizeof(tail);
	for (uint32_t v = num; v; v /= 10)
		tail[--t] = (char)('0' + v % 10);
	tail[--t] = '~';
	memset(e, ' ', 8);
	memcpy(e, s.base, keep);
	memcpy(e + keep, tail + t, sizeof(tail) - t);
	memcpy(n->short11, e, 11);
	uint8_t sum = fat_short_checksum(e);
	for (uint32_t k = 0; k + 1 < n->count; k++)
		n->entries[k * FAT_DIR_ENTRY + 13] = sum;
	return FAT_OK;
}
