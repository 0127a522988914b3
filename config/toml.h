/* A freestanding TOML v1.0 parser.
 *
 * The input is a byte buffer with a length (not NUL-terminated). The parse
 * tree lives in a caller-supplied arena, so there is no malloc and no global
 * state: running out of arena is an ordinary error. Floats and date-times
 * are recognised but kept as their literal text, never converted (the
 * hypervisor has no floating point). Every error carries a code, a line and
 * a column. */
#ifndef CONFIG_TOML_H
#define CONFIG_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOML_MAX_DEPTH  32   /* nesting of tables and arrays */
#define TOML_MAX_KEY    128  /* bytes in one key, after unescaping */
#define TOML_MAX_STRING 4096 /* bytes in one string value */

enum toml_err {
	TOML_OK = 0,
	TOML_ERR_NOMEM,   /* arena exhausted */
	TOML_ERR_NUL,     /* NUL byte in the input */
	TOML_ERR_CONTROL, /* control character (or lone CR) */
	TOML_ERR_UTF8,    /* invalid UTF-8 */
	TOML_ERR_EXPECTED_KEY,
	TOML_ERR_EXPECTED_EQUALS,
	TOML_ERR_EXPECTED_VALUE,
	TOML_ERR_EXPECTED_NEWLINE, /* junk after a value or header */
	TOML_ERR_UNTERMINATED_STRING,
	TOML_ERR_BAD_ESCAPE,
	TOML_ERR_BAD_UNICODE, /* \u escape to a surrogate or past U+10FFFF */
	TOML_ERR_BAD_NUMBER,
	TOML_ERR_INT_OVERFLOW, /* does not fit in a signed 64-bit integer */
	TOML_ERR_BAD_DATETIME,
	TOML_ERR_BAD_ARRAY,        /* expected ',' or ']' */
	TOML_ERR_BAD_INLINE_TABLE, /* expected ',' or '}' */
	TOML_ERR_BAD_HEADER,       /* malformed [table] or [[array]] header */
	TOML_ERR_DUPLICATE_KEY,
	TOML_ERR_TABLE_REDEFINED,
	TOML_ERR_NOT_A_TABLE, /* extending a value, inline table or array */
	TOML_ERR_TOO_DEEP,
	TOML_ERR_KEY_TOO_LONG,
	TOML_ERR_STRING_TOO_LONG,
	TOML_ERR_COUNT
};

enum toml_type {
	TOML_TABLE,
	TOML_ARRAY,
	TOML_STRING,
	TOML_INT,
	TOML_BOOL,
	TOML_FLOAT,    /* literal text in str */
	TOML_DATETIME, /* literal text in str (date, time or both) */
};

/* How a table or array came to be; decides what may extend it later. */
enum toml_origin {
	TOML_ORIGIN_VALUE,    /* key = value, also inline tables and arrays */
	TOML_ORIGIN_HEADER,   /* [a.b] */
	TOML_ORIGIN_IMPLICIT, /* 'a' in [a.b], before [a] appears */
	TOML_ORIGIN_DOTTED,   /* 'a' in a.b = 1 */
	TOML_ORIGIN_AOT,      /* [[a]] array, or one of its tables */
};

struct toml_node {
	enum toml_type type;
	enum toml_origin origin;
	uint32_t line, col;         /* where the value (or header) starts */
	uint32_t key_line, key_col; /* where its key starts, 0 if none */
	uint32_t depth;
	const char *key; /* NUL-terminated, NULL for array elements */
	uint32_t key_len;
	struct toml_node *next; /* next member of the parent */
	union {
		int64_t i;
		bool b;
		struct {
			const char
				*s; /* NUL-terminated; may hold \0 via \u0000 */
			uint32_t len;
		} str;
		struct {
			struct toml_node *first, *last;
			uint32_t count;
		} kids;
	} v;
};

struct toml_error {
	enum toml_err code;
	uint32_t line, col;
	char msg[160]; /* full message, without the position */
};

/* Parses text[0..len) into a tree allocated in arena. On success returns
 * TOML_OK and sets *root to the top-level table; otherwise fills *err. */
enum toml_err toml_parse(const char *text, size_t len, void *arena,
			 size_t arena_size, struct toml_node **root,
			 struct toml_error *err);

const char *toml_strerror(enum toml_err code);
const char *toml_type_name(enum toml_type type);

/* Member of a table by key, or NULL. */
const struct toml_node *toml_get(const struct toml_node *table,
				 const char *key);
/* Children of a table or array, in order of definition. */
const struct toml_node *toml_first(const struct toml_node *node);
const struct toml_node *toml_next(const struct toml_node *node);
uint32_t toml_count(const struct toml_node *node);
const struct toml_node *toml_at(const struct toml_node *array, uint32_t i);

#endif
