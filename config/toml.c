/* Freestanding TOML v1.0 parser: see toml.h.
 *
 * A single pass over the input with one byte of lookahead (a few more for
 * quotes and date-times). Everything is bounded: recursion by
 * TOML_MAX_DEPTH, allocations by the arena, strings and keys by their
 * limits. A first pass rejects NUL bytes, lone CRs and invalid UTF-8, so
 * the grammar code below only ever sees well-formed text. */
#include "toml.h"
#include <lib/utf8.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct tp {
	const char *p, *end;
	const char *line_start;
	uint32_t line;
	uint8_t *mem;
	size_t size, used;
	struct toml_node *cur; /* table that key = value lines go into */
	struct toml_error *err;
};

struct tp_key {
	const char *s;
	uint32_t len, line, col;
};

/* String being decoded straight into the free end of the arena. */
struct tp_buf {
	char *s;
	uint32_t len, limit;
	enum toml_err too_long;
};

static const char *const toml_messages[TOML_ERR_COUNT] = {
	[TOML_OK] = "success",
	[TOML_ERR_NOMEM] = "out of memory (config arena too small)",
	[TOML_ERR_NUL] = "NUL byte in input",
	[TOML_ERR_CONTROL] = "control character not allowed here",
	[TOML_ERR_UTF8] = "invalid UTF-8",
	[TOML_ERR_EXPECTED_KEY] = "expected a key",
	[TOML_ERR_EXPECTED_EQUALS] = "expected '=' after key",
	[TOML_ERR_EXPECTED_VALUE] = "expected a value",
	[TOML_ERR_EXPECTED_NEWLINE] = "expected end of line",
	[TOML_ERR_UNTERMINATED_STRING] = "unterminated string",
	[TOML_ERR_BAD_ESCAPE] = "invalid escape sequence",
	[TOML_ERR_BAD_UNICODE] = "invalid Unicode scalar value in escape",
	[TOML_ERR_BAD_NUMBER] = "malformed number",
	[TOML_ERR_INT_OVERFLOW] = "integer does not fit in 64 bits",
	[TOML_ERR_BAD_DATETIME] = "malformed date or time",
	[TOML_ERR_BAD_ARRAY] = "expected ',' or ']' in array",
	[TOML_ERR_BAD_INLINE_TABLE] = "expected ',' or '}' in inline table",
	[TOML_ERR_BAD_HEADER] = "malformed table header",
	[TOML_ERR_DUPLICATE_KEY] = "duplicate key",
	[TOML_ERR_TABLE_REDEFINED] = "table defined twice",
	[TOML_ERR_NOT_A_TABLE] = "key is not a table that can be extended",
	[TOML_ERR_TOO_DEEP] = "nesting too deep",
	[TOML_ERR_KEY_TOO_LONG] = "key too long",
	[TOML_ERR_STRING_TOO_LONG] = "string too long",
};

const char *toml_strerror(enum toml_err code)
{
	if ((unsigned)code >= TOML_ERR_COUNT)
		return "unknown error";
	return toml_messages[code];
}

const char *toml_type_name(enum toml_type type)
{
	static const char *const names[] = {
		"table",   "array", "string",    "integer",
		"boolean", "float", "date-time",
	};

	if ((unsigned)type >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[type];
}

/* ------------------------------------------------------------ errors */

static bool tp_fail_at(struct tp *t, enum toml_err code, uint32_t line,
		       uint32_t col, const char *fmt, ...)
{
	va_list ap;

	if (t->err->code != TOML_OK)
		return false;
	t->err->code = code;
	t->err->line = line;
	t->err->col = col;
	if (!fmt) {
		snprintf(t->err->msg, sizeof(t->err->msg), "%s",
			 toml_strerror(code));
		return false;
	}
	va_start(ap, fmt);
	vsnprintf(t->err->msg, sizeof(t->err->msg), fmt, ap);
	va_end(ap);
	return false;
}

static uint32_t tp_col(const struct tp *t)
{
	return (uint32_t)(t->p - t->line_start) + 1;
}

static bool tp_fail(struct tp *t, enum toml_err code)
{
	return tp_fail_at(t, code, t->line, tp_col(t), NULL);
}

/* Copies a key into dst for a message, with unprintable bytes as '?'. */
static const char *tp_show(char *dst, size_t n, const char *s, uint32_t len)
{
	size_t i;

	for (i = 0; i < len && i + 4 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = (c < 0x20 || c == 0x7f || c == '\'') ? '?' : (char)c;
	}
	if (i < len)
		memcpy(dst + i, "...", 3), i += 3;
	dst[i] = '\0';
	return dst;
}

static bool tp_fail_key(struct tp *t, enum toml_err code,
			const struct tp_key *k, const char *what)
{
	char buf[48];

	tp_show(buf, sizeof(buf), k->s, k->len);
	return tp_fail_at(t, code, k->line, k->col, "%s '%s'", what, buf);
}

/* ------------------------------------------------------------ input */

static int tp_peek(const struct tp *t, size_t off)
{
	if ((size_t)(t->end - t->p) <= off)
		return -1;
	return (unsigned char)t->p[off];
}

static bool tp_at_newline(const struct tp *t)
{
	int c = tp_peek(t, 0);

	return c == '\n' || (c == '\r' && tp_peek(t, 1) == '\n');
}

/* Consumes one newline (LF or CRLF) at p. */
static void tp_newline(struct tp *t)
{
	if (*t->p == '\r')
		t->p++;
	t->p++;
	t->line++;
	t->line_start = t->p;
}

static void tp_ws(struct tp *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
		t->p++;
}

static bool tp_is_control(int c)
{
	return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

static bool tp_comment(struct tp *t)
{
	if (tp_peek(t, 0) != '#')
		return true;
	for (t->p++; t->p < t->end && !tp_at_newline(t); t->p++)
		if (tp_is_control((unsigned char)*t->p))
			return tp_fail(t, TOML_ERR_CONTROL);
	return true;
}

/* Whitespace, an optional comment, then a newline or the end. */
static bool tp_eol(struct tp *t)
{
	tp_ws(t);
	if (!tp_comment(t))
		return false;
	if (t->p == t->end)
		return true;
	if (!tp_at_newline(t))
		return tp_fail(t, TOML_ERR_EXPECTED_NEWLINE);
	tp_newline(t);
	return true;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static bool tp_ws_nl(struct tp *t)
{
	for (;;) {
		tp_ws(t);
		if (!tp_comment(t))
			return false;
		if (!tp_at_newline(t))
			return true;
		tp_newline(t);
	}
}

static size_t tp_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	uint32_t cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
		return 0;
	if (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
		return 0;
	return n;
}

/* Rejects NUL bytes, lone CRs and bad UTF-8 anywhere, before parsing. */
static bool tp_prescan(struct tp *t)
{
	while (t->p < t->end) {
		const unsigned char *s = (const unsigned char *)t->p;
		size_t n = tp_utf8_len(s, (size_t)(t->end - t->p));

		if (*s == 0)
			return tp_fail(t, TOML_ERR_NUL);
		if (*s == '\r' && tp_peek(t, 1) != '\n')
			return tp_fail(t, TOML_ERR_CONTROL);
		if (n == 0)
			return tp_fail(t, TOML_ERR_UTF8);
		if (*s == '\n') {
			tp_newline(t);
			continue;
		}
		t->p += n;
	}
	return true;
}

/* ------------------------------------------------------------ arena */

static void *tp_alloc(struct tp *t, size_t n)
{
	uintptr_t base = (uintptr_t)t->mem;
	size_t pad = (size_t)(-(base + t->used) & 7);

	if (pad > t->size - t->used || n > t->size - t->used - pad) {
		tp_fail(t, TOML_ERR_NOMEM);
		return NULL;
	}
	t->used += pad;
	void *r = t->mem + t->used;
	t->used += n;
	memset(r, 0, n);
	return r;
}

static void tp_buf_start(struct tp *t, struct tp_buf *b, uint32_t limit,
			 enum toml_err too_long)
{
	b->s = (char *)t->mem + t->used;
	b->len = 0;
	b->limit = limit;
	b->too_long = too_long;
}

static bool tp_buf_put(struct tp *t, struct tp_buf *b, const char *s, size_t n)
{
	if (n > b->limit - b->len)
		return tp_fail(t, b->too_long);
	/* +1 keeps room for the terminating NUL. */
	if (b->len + n + 1 > t->size - t->used)
		return tp_fail(t, TOML_ERR_NOMEM);
	memcpy(b->s + b->len, s, n);
	b->len += (uint32_t)n;
	return true;
}

static void tp_buf_end(struct tp *t, struct tp_buf *b)
{
	b->s[b->len] = '\0';
	t->used += b->len + 1;
}

/* ------------------------------------------------------------ strings */

static int tp_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX or \UXXXXXXXX with p on the 'u' or 'U'. */
static bool tp_unicode_escape(struct tp *t, struct tp_buf *b)
{
	int digits = *t->p == 'u' ? 4 : 8;
	uint32_t cp = 0;
	char out[4];

	for (int i = 1; i <= digits; i++) {
		int h = tp_hex(tp_peek(t, (size_t)i));
		if (h < 0)
			return tp_fail(t, TOML_ERR_BAD_ESCAPE);
		cp = cp << 4 | (uint32_t)h;
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return tp_fail(t, TOML_ERR_BAD_UNICODE);
	t->p += digits + 1;
	return tp_buf_put(t, b, out, utf8_encode(cp, out));
}

/* Multi-line "line ending backslash": skips whitespace and newlines.
 * p is just past the backslash. */
static bool tp_line_continuation(struct tp *t)
{
	const char *save = t->p;

	tp_ws(t);
	if (!tp_at_newline(t)) {
		t->p = save - 1;
		return tp_fail(t, TOML_ERR_BAD_ESCAPE);
	}
	for (;;) {
		tp_ws(t);
		if (!tp_at_newline(t))
			return true;
		tp_newline(t);
	}
}

/* An escape in a basic string; p is on the backslash. */
static bool tp_escape(struct tp *t, struct tp_buf *b, bool multiline)
{
	static const char from[] = "btnfr\"\\";
	static const char to[] = "\b\t\n\f\r\"\\";
	int c = tp_peek(t, 1);
	const char *hit;

	if (c == 'u' || c == 'U') {
		t->p++;
		return tp_unicode_escape(t, b);
	}
	if (multiline && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
		t->p++;
		return tp_line_continuation(t);
	}
	hit = c > 0 ? strchr(from, c) : NULL;
	if (!hit)
		return tp_fail(t, TOML_ERR_BAD_ESCAPE);
	t->p += 2;
	return tp_buf_put(t, b, &to[hit - from], 1);
}

/* Counts a run of quote characters q at p (at most 6 are looked at). */
static int tp_quote_run(const struct tp *t, int q)
{
	int n = 0;

	while (n < 6 && tp_peek(t, (size_t)n) == q)
		n++;
	return n;
}

/* Handles quotes inside a multi-line string: returns 1 at the closing
 * delimiter, 0 if the quotes were content, -1 on error. */
static int tp_ml_quotes(struct tp *t, struct tp_buf *b, int q)
{
	int n = tp_quote_run(t, q);

	if (n < 3) {
		t->p += n;
		return tp_buf_put(t, b, t->p - n, (size_t)n) ? 0 : -1;
	}
	if (n > 5)
		return tp_fail(t, TOML_ERR_UNTERMINATED_STRING), -1;
	/* Up to two quotes right before the delimiter belong to the string. */
	if (!tp_buf_put(t, b, t->p, (size_t)(n - 3)))
		return -1;
	t->p += n;
	return 1;
}

/* One content character of a string, after quotes and escapes are
 * handled by the caller. */
static bool tp_string_char(struct tp *t, struct tp_buf *b, bool multiline)
{
	int c = (unsigned char)*t->p;
	size_t n;

	if (tp_at_newline(t)) {
		if (!multiline)
			return tp_fail(t, TOML_ERR_UNTERMINATED_STRING);
		tp_newline(t);
		return tp_buf_put(t, b, "\n", 1);
	}
	if (tp_is_control(c))
		return tp_fail(t, TOML_ERR_CONTROL);
	n = tp_utf8_len((const unsigned char *)t->p, (size_t)(t->end - t->p));
	if (!tp_buf_put(t, b, t->p, n))
		return false;
	t->p += n;
	return true;
}

/* A string of any of the four kinds, p on the opening quote. */
static bool tp_string_body(struct tp *t, struct tp_buf *b, int q,
			   bool multiline)
{
	uint32_t line = t->line, col = tp_col(t);

	t->p += multiline ? 3 : 1;
	if (multiline && tp_at_newline(t))
		tp_newline(t); /* a newline right after """ is trimmed */
	for (;;) {
		bool ok;

		if (t->p >= t->end)
			return tp_fail_at(t, TOML_ERR_UNTERMINATED_STRING, line,
					  col, NULL);
		if (*t->p == q && !multiline) {
			t->p++;
			return true;
		}
		if (*t->p == q) {
			int r = tp_ml_quotes(t, b, q);
			if (r != 0)
				return r > 0;
			continue;
		}
		if (*t->p == '\\' && q == '"')
			ok = tp_escape(t, b, multiline);
		else
			ok = tp_string_char(t, b, multiline);
		if (!ok) {
			if (t->err->code == TOML_ERR_UNTERMINATED_STRING)
				t->err->line = line, t->err->col = col;
			return false;
		}
	}
}

static bool tp_string(struct tp *t, uint32_t limit, enum toml_err too_long,
		      bool allow_multiline, const char **s, uint32_t *len)
{
	int q = *t->p;
	bool ml = tp_quote_run(t, q) >= 3;
	struct tp_buf b;

	if (ml && !allow_multiline)
		return tp_fail(t, TOML_ERR_EXPECTED_KEY);
	tp_buf_start(t, &b, limit, too_long);
	if (!tp_string_body(t, &b, q, ml))
		return false;
	tp_buf_end(t, &b);
	*s = b.s;
	*len = b.len;
	return true;
}

/* ------------------------------------------------------------ keys */

static bool tp_is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool tp_key_part(struct tp *t, struct tp_key *k)
{
	int c = tp_peek(t, 0);
	struct tp_buf b;

	k->line = t->line;
	k->col = tp_col(t);
	if (c == '"' || c == '\'')
		return tp_string(t, TOML_MAX_KEY, TOML_ERR_KEY_TOO_LONG, false,
				 &k->s, &k->len);
	if (!tp_is_bare(c))
		return tp_fail(t, TOML_ERR_EXPECTED_KEY);
	tp_buf_start(t, &b, TOML_MAX_KEY, TOML_ERR_KEY_TOO_LONG);
	while (tp_is_bare(tp_peek(t, 0))) {
		if (!tp_buf_put(t, &b, t->p, 1))
			return false;
		t->p++;
	}
	tp_buf_end(t, &b);
	k->s = b.s;
	k->len = b.len;
	return true;
}

/* ------------------------------------------------------------ tree */

static struct toml_node *tp_find(const struct toml_node *table,
				 const struct tp_key *k)
{
	struct toml_node *n;

	for (n = table->v.kids.first; n; n = n->next)
		if (n->key_len == k->len && !memcmp(n->key, k->s, k->len))
			return n;
	return NULL;
}

static void tp_append(struct toml_node *parent, struct toml_node *n)
{
	if (parent->v.kids.last)
		parent->v.kids.last->next = n;
	else
		parent->v.kids.first = n;
	parent->v.kids.last = n;
	parent->v.kids.count++;
}

/* A new child of parent (keyed if k is given), positioned at k or p. */
static struct toml_node *tp_new(struct tp *t, struct toml_node *parent,
				const struct tp_key *k, enum toml_type type,
				enum toml_origin origin)
{
	struct toml_node *n;

	if (parent->depth >= TOML_MAX_DEPTH) {
		if (k)
			tp_fail_at(t, TOML_ERR_TOO_DEEP, k->line, k->col, NULL);
		else
			tp_fail(t, TOML_ERR_TOO_DEEP);
		return NULL;
	}
	n = tp_alloc(t, sizeof(*n));
	if (!n)
		return NULL;
	n->type = type;
	n->origin = origin;
	n->depth = parent->depth + 1;
	n->line = k ? k->line : t->line;
	n->col = k ? k->col : tp_col(t);
	if (k) {
		n->key = k->s;
		n->key_len = k->len;
		n->key_line = k->line;
		n->key_col = k->col;
	}
	tp_append(parent, n);
	return n;
}

/* ------------------------------------------------------------ numbers */

static bool tp_isdigit_base(int c, unsigned base)
{
	int v = tp_hex(c);

	return v >= 0 && (unsigned)v < base;
}

/* Skips digits of base with '_' only between digits. Returns the index
 * after the group, or -1 if it is empty or an underscore is misplaced. */
static long tp_digit_group(const char *s, size_t i, size_t len, unsigned base)
{
	size_t start = i;

	while (i < len) {
		if (tp_isdigit_base((unsigned char)s[i], base)) {
			i++;
			continue;
		}
		if (s[i] != '_')
			break;
		if (i == start || i + 1 >= len ||
		    !tp_isdigit_base((unsigned char)s[i + 1], base))
			return -1;
		i++;
	}
	return i == start ? -1 : (long)i;
}

/* Value of a validated digit group, failing instead of wrapping. */
static enum toml_err tp_accumulate(const char *s, size_t len, unsigned base,
				   uint64_t limit, uint64_t *out)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '_')
			continue;
		uint64_t d = (uint64_t)tp_hex((unsigned char)s[i]);
		if (v > (limit - d) / base)
			return TOML_ERR_INT_OVERFLOW;
		v = v * base + d;
	}
	*out = v;
	return TOML_OK;
}

static enum toml_err tp_int_prefixed(const char *s, size_t len, int64_t *out)
{
	unsigned base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
	uint64_t v = 0;
	enum toml_err e;

	if (tp_digit_group(s, 2, len, base) != (long)len)
		return TOML_ERR_BAD_NUMBER;
	e = tp_accumulate(s + 2, len - 2, base, (uint64_t)INT64_MAX, &v);
	*out = (int64_t)v;
	return e;
}

static enum toml_err tp_int_decimal(const char *s, size_t len, int64_t *out)
{
	size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
	bool neg = s[0] == '-';
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v;
	enum toml_err e;

	if (tp_digit_group(s, i, len, 10) != (long)len)
		return TOML_ERR_BAD_NUMBER;
	if (s[i] == '0' && len - i > 1)
		return TOML_ERR_BAD_NUMBER; /* no leading zeros */
	e = tp_accumulate(s + i, len - i, 10, limit, &v);
	if (e != TOML_OK)
		return e;
	if (!neg)
		*out = (int64_t)v;
	else
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	return TOML_OK;
}

/* [+-]? int ('.' digits)? ([eE] [+-]? digits)?, at least one of the two. */
static bool tp_float_ok(const char *s, size_t len)
{
	size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
	long j;
	bool frac_or_exp = false;

	j = tp_digit_group(s, i, len, 10);
	if (j < 0 || (s[i] == '0' && (size_t)j - i > 1))
		return false;
	i = (size_t)j;
	if (i < len && s[i] == '.') {
		j = tp_digit_group(s, i + 1, len, 10);
		if (j < 0)
			return false;
		i = (size_t)j;
		frac_or_exp = true;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		j = tp_digit_group(s, i, len, 10);
		if (j < 0)
			return false;
		i = (size_t)j;
		frac_or_exp = true;
	}
	return frac_or_exp && i == len;
}

static bool tp_is_special_float(const char *s, size_t len)
{
	if (len == 4 && (s[0] == '+' || s[0] == '-'))
		s++, len--;
	return len == 3 && (!memcmp(s, "inf", 3) || !memcmp(s, "nan", 3));
}

/* ------------------------------------------------------------ date-time */

/* n decimal digits at s[*i], in [lo, hi]. */
static bool tp_dt_field(const char *s, size_t len, size_t *i, int n, int lo,
			int hi, int *out)
{
	int v = 0;

	if (*i + (size_t)n > len)
		return false;
	for (int k = 0; k < n; k++) {
		char c = s[*i + (size_t)k];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)n;
	*out = v;
	return v >= lo && v <= hi;
}

static bool tp_dt_sep(const char *s, size_t len, size_t *i, char sep)
{
	if (*i >= len || s[*i] != sep)
		return false;
	(*i)++;
	return true;
}

static int tp_days_in_month(int y, int m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30,
						31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

static bool tp_date(const char *s, size_t len, size_t *i)
{
	int y, m, d;

	return tp_dt_field(s, len, i, 4, 0, 9999, &y) &&
	       tp_dt_sep(s, len, i, '-') &&
	       tp_dt_field(s, len, i, 2, 1, 12, &m) &&
	       tp_dt_sep(s, len, i, '-') &&
	       tp_dt_field(s, len, i, 2, 1, tp_days_in_month(y, m), &d);
}

static bool tp_time(const char *s, size_t len, size_t *i)
{
	int v;

	if (!(tp_dt_field(s, len, i, 2, 0, 23, &v) &&
	      tp_dt_sep(s, len, i, ':') &&
	      tp_dt_field(s, len, i, 2, 0, 59, &v) &&
	      tp_dt_sep(s, len, i, ':') &&
	      tp_dt_field(s, len, i, 2, 0, 60, &v)))
		return false;
	if (*i < len && s[*i] == '.') {
		size_t start = ++*i;
		while (*i < len && s[*i] >= '0' && s[*i] <= '9')
			++*i;
		if (*i == start)
			return false;
	}
	return true;
}

static bool tp_offset(const char *s, size_t len, size_t *i)
{
	int v;

	if (*i == len)
		return true;
	if (s[*i] == 'Z' || s[*i] == 'z') {
		++*i;
		return true;
	}
	if (s[*i] != '+' && s[*i] != '-')
		return false;
	++*i;
	return tp_dt_field(s, len, i, 2, 0, 23, &v) &&
	       tp_dt_sep(s, len, i, ':') &&
	       tp_dt_field(s, len, i, 2, 0, 59, &v);
}

/* Offset or local date-time, local date, or local time. */
static bool tp_datetime_ok(const char *s, size_t len)
{
	size_t i = 0;

	if (len > 2 && s[2] == ':')
		return tp_time(s, len, &i) && i == len;
	if (!tp_date(s, len, &i))
		return false;
	if (i == len)
		return true;
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return false;
	i++;
	return tp_time(s, len, &i) && tp_offset(s, len, &i) && i == len;
}

/* ------------------------------------------------------------ values */

static bool tp_is_token(int c)
{
	return tp_is_bare(c) || c == '+' || c == '.' || c == ':';
}

/* Extent of a bare value: number, bool, float, date-time. A date may be
 * followed by a space and a time. */
static size_t tp_token_len(const struct tp *t)
{
	size_t n = 0;

	while (tp_is_token(tp_peek(t, n)))
		n++;
	if (n == 10 && t->p[4] == '-' && tp_peek(t, n) == ' ' &&
	    tp_hex(tp_peek(t, n + 1)) >= 0 && tp_hex(tp_peek(t, n + 1)) < 10 &&
	    tp_peek(t, n + 3) == ':') {
		n++;
		while (tp_is_token(tp_peek(t, n)))
			n++;
	}
	return n;
}

static bool tp_has(const char *s, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == c)
			return true;
	return false;
}

static bool tp_is_datetime_like(const char *s, size_t len)
{
	if (tp_has(s, len, ':'))
		return true;
	return len >= 10 && s[4] == '-' && tp_hex((unsigned char)s[0]) >= 0 &&
	       s[0] <= '9';
}

static enum toml_err tp_classify(struct toml_node *n, const char *s, size_t len)
{
	if (len == 4 && !memcmp(s, "true", 4))
		return n->type = TOML_BOOL, n->v.b = true, TOML_OK;
	if (len == 5 && !memcmp(s, "false", 5))
		return n->type = TOML_BOOL, n->v.b = false, TOML_OK;
	if (tp_is_special_float(s, len))
		return n->type = TOML_FLOAT, TOML_OK;
	if (tp_is_datetime_like(s, len)) {
		n->type = TOML_DATETIME;
		return tp_datetime_ok(s, len) ? TOML_OK : TOML_ERR_BAD_DATETIME;
	}
	if ((s[0] < '0' || s[0] > '9') && s[0] != '+' && s[0] != '-')
		return TOML_ERR_EXPECTED_VALUE;
	n->type = TOML_INT;
	if (len > 2 && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'o' || s[1] == 'b'))
		return tp_int_prefixed(s, len, &n->v.i);
	if (tp_has(s, len, '.') || tp_has(s, len, 'e') || tp_has(s, len, 'E')) {
		n->type = TOML_FLOAT;
		return tp_float_ok(s, len) ? TOML_OK : TOML_ERR_BAD_NUMBER;
	}
	return tp_int_decimal(s, len, &n->v.i);
}

/* Floats and date-times keep their text; copy it into the arena. */
static bool tp_keep_text(struct tp *t, struct toml_node *n, const char *s,
			 size_t len)
{
	char *copy = tp_alloc(t, len + 1);

	if (!copy)
		return false;
	memcpy(copy, s, len);
	n->v.str.s = copy;
	n->v.str.len = (uint32_t)len;
	return true;
}

static bool tp_scalar(struct tp *t, struct toml_node *n)
{
	size_t len = tp_token_len(t);
	const char *s = t->p;
	enum toml_err e;

	if (len == 0)
		return tp_fail(t, TOML_ERR_EXPECTED_VALUE);
	e = tp_classify(n, s, len);
	if (e != TOML_OK)
		return tp_fail(t, e);
	t->p += len;
	if (n->type == TOML_FLOAT || n->type == TOML_DATETIME)
		return tp_keep_text(t, n, s, len);
	return true;
}

static bool tp_value(struct tp *t, struct toml_node *n);
static bool tp_keyval(struct tp *t, struct toml_node *table);

static bool tp_array(struct tp *t, struct toml_node *arr)
{
	t->p++;
	for (;;) {
		struct toml_node *elem;

		if (!tp_ws_nl(t))
			return false;
		if (tp_peek(t, 0) == ']')
			break;
		elem = tp_new(t, arr, NULL, TOML_INT, TOML_ORIGIN_VALUE);
		if (!elem || !tp_value(t, elem) || !tp_ws_nl(t))
			return false;
		if (tp_peek(t, 0) == ',') {
			t->p++;
			continue;
		}
		if (tp_peek(t, 0) != ']')
			return tp_fail(t, TOML_ERR_BAD_ARRAY);
		break;
	}
	t->p++;
	return true;
}

/* { k = v, a.b = w }: one line, no trailing comma. Dotted keys inside
 * create tables that are sealed along with the inline table itself. */
static bool tp_inline_table(struct tp *t, struct toml_node *tab)
{
	t->p++;
	tp_ws(t);
	if (tp_peek(t, 0) == '}') {
		t->p++;
		return true;
	}
	for (;;) {
		if (!tp_keyval(t, tab))
			return false;
		tp_ws(t);
		if (tp_peek(t, 0) == '}')
			break;
		if (tp_peek(t, 0) != ',')
			return tp_fail(t, TOML_ERR_BAD_INLINE_TABLE);
		t->p++;
		tp_ws(t);
		if (tp_peek(t, 0) == '}' || tp_at_newline(t))
			return tp_fail(t, TOML_ERR_BAD_INLINE_TABLE);
	}
	t->p++;
	return true;
}

/* Parses the value at p into n, a node already linked into its parent. */
static bool tp_value(struct tp *t, struct toml_node *n)
{
	int c = tp_peek(t, 0);

	n->line = t->line;
	n->col = tp_col(t);
	if (c == '"' || c == '\'') {
		n->type = TOML_STRING;
		return tp_string(t, TOML_MAX_STRING, TOML_ERR_STRING_TOO_LONG,
				 true, &n->v.str.s, &n->v.str.len);
	}
	if (c == '[') {
		n->type = TOML_ARRAY;
		return tp_array(t, n);
	}
	if (c == '{') {
		n->type = TOML_TABLE;
		n->origin = TOML_ORIGIN_DOTTED; /* open while being filled */
		if (!tp_inline_table(t, n))
			return false;
		n->origin = TOML_ORIGIN_VALUE;
		return true;
	}
	return tp_scalar(t, n);
}

/* Steps into key k of table for a dotted key = value line. */
static struct toml_node *tp_dotted_step(struct tp *t, struct toml_node *table,
					const struct tp_key *k)
{
	struct toml_node *n = tp_find(table, k);

	if (!n)
		return tp_new(t, table, k, TOML_TABLE, TOML_ORIGIN_DOTTED);
	if (n->type == TOML_TABLE && n->origin == TOML_ORIGIN_DOTTED)
		return n;
	tp_fail_key(t,
		    n->type == TOML_TABLE ? TOML_ERR_TABLE_REDEFINED :
					    TOML_ERR_NOT_A_TABLE,
		    k,
		    n->type == TOML_TABLE ? "cannot add keys to table" :
					    "not a table:");
	return NULL;
}

typedef struct toml_node *(*tp_step_fn)(struct tp *t, struct toml_node *table,
					const struct tp_key *k);

/* Parses a (dotted) key, stepping through every part but the last with
 * step. The last part goes to *last; returns the table it belongs in.
 * Stepping before the whole line is seen is fine: any error aborts the
 * parse. Depth limits in tp_new bound the number of parts. */
static struct toml_node *tp_walk_key(struct tp *t, struct toml_node *table,
				     tp_step_fn step, struct tp_key *last)
{
	for (;;) {
		if (!tp_key_part(t, last))
			return NULL;
		tp_ws(t);
		if (tp_peek(t, 0) != '.')
			return table;
		table = step(t, table, last);
		if (!table)
			return NULL;
		t->p++;
		tp_ws(t);
	}
}

static bool tp_keyval(struct tp *t, struct toml_node *table)
{
	struct tp_key k;
	struct toml_node *n;

	table = tp_walk_key(t, table, tp_dotted_step, &k);
	if (!table)
		return false;
	if (tp_peek(t, 0) != '=')
		return tp_fail(t, TOML_ERR_EXPECTED_EQUALS);
	if (tp_find(table, &k))
		return tp_fail_key(t, TOML_ERR_DUPLICATE_KEY, &k,
				   "duplicate key");
	t->p++;
	tp_ws(t);
	n = tp_new(t, table, &k, TOML_INT, TOML_ORIGIN_VALUE);
	return n && tp_value(t, n);
}

/* ------------------------------------------------------------ headers */

static struct toml_node *tp_header_step(struct tp *t, struct toml_node *table,
					const struct tp_key *k)
{
	struct toml_node *n = tp_find(table, k);

	if (!n)
		return tp_new(t, table, k, TOML_TABLE, TOML_ORIGIN_IMPLICIT);
	if (n->type == TOML_TABLE && n->origin != TOML_ORIGIN_VALUE)
		return n;
	if (n->type == TOML_ARRAY && n->origin == TOML_ORIGIN_AOT)
		return n->v.kids.last;
	tp_fail_key(t, TOML_ERR_NOT_A_TABLE, k, "not a table:");
	return NULL;
}

static struct toml_node *tp_header_table(struct tp *t, struct toml_node *parent,
					 const struct tp_key *k)
{
	struct toml_node *n = tp_find(parent, k);

	if (!n)
		return tp_new(t, parent, k, TOML_TABLE, TOML_ORIGIN_HEADER);
	if (n->type == TOML_TABLE && n->origin == TOML_ORIGIN_IMPLICIT) {
		n->origin = TOML_ORIGIN_HEADER;
		n->line = k->line;
		n->col = k->col;
		return n;
	}
	if (n->type == TOML_TABLE ||
	    (n->type == TOML_ARRAY && n->origin == TOML_ORIGIN_AOT))
		tp_fail_key(t, TOML_ERR_TABLE_REDEFINED, k,
			    "table defined twice:");
	else
		tp_fail_key(t, TOML_ERR_DUPLICATE_KEY, k, "duplicate key");
	return NULL;
}

static struct toml_node *tp_header_aot(struct tp *t, struct toml_node *parent,
				       const struct tp_key *k)
{
	struct toml_node *arr = tp_find(parent, k);

	if (!arr) {
		arr = tp_new(t, parent, k, TOML_ARRAY, TOML_ORIGIN_AOT);
		if (!arr)
			return NULL;
	} else if (arr->type != TOML_ARRAY || arr->origin != TOML_ORIGIN_AOT) {
		tp_fail_key(t, TOML_ERR_TABLE_REDEFINED, k,
			    "cannot append a table to");
		return NULL;
	}
	struct toml_node *tab =
		tp_new(t, arr, NULL, TOML_TABLE, TOML_ORIGIN_AOT);
	if (tab)
		tab->line = k->line, tab->col = k->col;
	return tab;
}

/* [a.b] or [[a.b]], p on the first '['. */
static bool tp_header(struct tp *t, struct toml_node *root)
{
	bool aot = tp_peek(t, 1) == '[';
	struct tp_key k;
	struct toml_node *tab;

	t->p += aot ? 2 : 1;
	tp_ws(t);
	tab = tp_walk_key(t, root, tp_header_step, &k);
	if (!tab)
		return false;
	if (tp_peek(t, 0) != ']' || (aot && tp_peek(t, 1) != ']'))
		return tp_fail(t, TOML_ERR_BAD_HEADER);
	t->p += aot ? 2 : 1;
	tab = aot ? tp_header_aot(t, tab, &k) : tp_header_table(t, tab, &k);
	if (!tab)
		return false;
	t->cur = tab;
	return true;
}

/* ------------------------------------------------------------ document */

static bool tp_document(struct tp *t, struct toml_node *root)
{
	while (t->p < t->end) {
		int c;

		tp_ws(t);
		c = tp_peek(t, 0);
		if (c == '[') {
			if (!tp_header(t, root))
				return false;
		} else if (c != '#' && c != -1 && !tp_at_newline(t)) {
			if (!tp_keyval(t, t->cur))
				return false;
		}
		if (!tp_eol(t))
			return false;
	}
	return true;
}

enum toml_err toml_parse(const char *text, size_t len, void *arena,
			 size_t arena_size, struct toml_node **root,
			 struct toml_error *err)
{
	struct tp t = {
		.p = text,
		.end = text + len,
		.line_start = text,
		.line = 1,
		.mem = arena,
		.size = arena_size,
		.err = err,
	};
	struct toml_node *top;

	memset(err, 0, sizeof(*err));
	*root = NULL;
	if (!tp_prescan(&t))
		return err->code;
	/* Editors may start a UTF-8 file with a byte order mark: skip it. */
	t.p = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? text + 3 : text;
	t.line_start = t.p;
	t.line = 1;
	top = tp_alloc(&t, sizeof(*top));
	if (!top)
		return err->code;
	top->type = TOML_TABLE;
	top->origin = TOML_ORIGIN_HEADER;
	top->line = 1;
	top->col = 1;
	t.cur = top;
	if (!tp_document(&t, top))
		return err->code;
	*root = top;
	return TOML_OK;
}

/* ------------------------------------------------------------ access */

const struct toml_node *toml_get(const struct toml_node *table, const char *key)
{
	struct tp_key k = { key, 0, 0, 0 };

	if (!table || table->type != TOML_TABLE)
		return NULL;
	k.len = (uint32_t)strlen(key);
	return tp_find(table, &k);
}

const struct toml_node *toml_first(const struct toml_node *node)
{
	if (!node || (node->type != TOML_TABLE && node->type != TOML_ARRAY))
		return NULL;
	return node->v.kids.first;
}

const struct toml_node *toml_next(const struct toml_node *node)
{
	return node ? node->next : NULL;
}

uint32_t toml_count(const struct toml_node *node)
{
	if (!node || (node->type != TOML_TABLE && node->type != TOML_ARRAY))
		return 0;
	return node->v.kids.count;
}

const struct toml_node *toml_at(const struct toml_node *array, uint32_t i)
{
	const struct toml_node *n = toml_first(array);

	while (n && i--)
		n = n->next;
	return n;
}
