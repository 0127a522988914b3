/* Unit tests of the TOML parser (config/toml.c): every feature the VM
 * configs may use, and one test per error code with its position. */
#include <stdint.h>
#include <stdlib.h>

#include "config/toml.h"
#include "unit.h"

static char arena[256 * 1024];

static struct toml_node *parse_len(const char *s, size_t len)
{
	struct toml_node *root;
	struct toml_error e;
	enum toml_err rc = toml_parse(s, len, arena, sizeof(arena), &root, &e);

	if (rc != TOML_OK)
		printf("  unexpected error %u:%u: %s\n", e.line, e.col, e.msg);
	CHECK_EQ_INT(rc, TOML_OK);
	return rc == TOML_OK ? root : NULL;
}

static struct toml_node *parse(const char *s)
{
	return parse_len(s, strlen(s));
}

/* Parsing s must fail with code at line:col. */
static void fails_len(const char *s, size_t len, enum toml_err code,
		      uint32_t line, uint32_t col)
{
	struct toml_node *root;
	struct toml_error e;
	enum toml_err rc = toml_parse(s, len, arena, sizeof(arena), &root, &e);

	if (rc != code || e.line != line || e.col != col)
		printf("  for input \"%.60s\": got %d at %u:%u (%s)\n", s, rc,
		       e.line, e.col, e.msg);
	CHECK_EQ_INT(rc, code);
	CHECK_EQ_INT(e.code, code);
	CHECK_EQ_INT(e.line, line);
	CHECK_EQ_INT(e.col, col);
	CHECK(e.msg[0] != '\0');
}

static void fails(const char *s, enum toml_err code, uint32_t line,
		  uint32_t col)
{
	fails_len(s, strlen(s), code, line, col);
}

/* Member by a path of keys separated by '/', digits index arrays. */
static const struct toml_node *at(const struct toml_node *n, const char *path)
{
	char key[64];

	while (n && *path) {
		size_t len = strcspn(path, "/");
		memcpy(key, path, len);
		key[len] = '\0';
		if (n->type == TOML_ARRAY)
			n = toml_at(n, (uint32_t)atoi(key));
		else
			n = toml_get(n, key);
		path += len + (path[len] == '/');
	}
	if (!n)
		printf("  no node at %s\n", path);
	return n;
}

static int64_t int_at(const struct toml_node *root, const char *path)
{
	const struct toml_node *n = at(root, path);

	CHECK(n && n->type == TOML_INT);
	return n && n->type == TOML_INT ? n->v.i : -12345;
}

static const char *str_at(const struct toml_node *root, const char *path,
			  enum toml_type type)
{
	const struct toml_node *n = at(root, path);

	CHECK(n && n->type == type);
	return n && n->type == type ? n->v.str.s : "";
}

/* ------------------------------------------------------------ positive */

UNIT_TEST(toml_integers)
{
	struct toml_node *r = parse(
		"a = 0\nb = +17\nc = -42\nd = 1_000_000\ne = 0xDEAD_beef\n"
		"f = 0o755\ng = 0b1101_0101\nh = 0x0\ni = -0\nj = 0o0\n");

	if (!r)
		return;
	CHECK_EQ_INT(int_at(r, "a"), 0);
	CHECK_EQ_INT(int_at(r, "b"), 17);
	CHECK_EQ_INT(int_at(r, "c"), -42);
	CHECK_EQ_INT(int_at(r, "d"), 1000000);
	CHECK_EQ_INT(int_at(r, "e"), 0xdeadbeef);
	CHECK_EQ_INT(int_at(r, "f"), 0755);
	CHECK_EQ_INT(int_at(r, "g"), 0xd5);
	CHECK_EQ_INT(int_at(r, "h"), 0);
	CHECK_EQ_INT(int_at(r, "i"), 0);
	CHECK_EQ_INT(int_at(r, "j"), 0);
}

UNIT_TEST(toml_int64_limits)
{
	struct toml_node *r = parse(
		"max = 9223372036854775807\nmin = -9223372036854775808\n"
		"hex = 0x7fff_ffff_ffff_ffff\noct = 0o777777777777777777777\n"
		"bin = 0b111111111111111111111111111111111111111111111111111111"
		"111111111\n");

	if (!r)
		return;
	CHECK(int_at(r, "max") == INT64_MAX);
	CHECK(int_at(r, "min") == INT64_MIN);
	CHECK(int_at(r, "hex") == INT64_MAX);
	CHECK(int_at(r, "oct") == INT64_MAX);
	CHECK(int_at(r, "bin") == INT64_MAX);
}

UNIT_TEST(toml_booleans_floats_datetimes)
{
	struct toml_node *r = parse(
		"t = true\nf = false\nx = 3.25\ny = -1e-3\nz = 6.626E+34\n"
		"w = 1_000.5\ni = -inf\nn = nan\np = +inf\n"
		"odt = 1979-05-27T07:32:00.999-07:00\nodt2 = 1979-05-27 07:32:00Z\n"
		"ldt = 1979-05-27t07:32:00\nld = 2024-02-29\nlt = 23:59:60.5\n");

	if (!r)
		return;
	CHECK(at(r, "t")->type == TOML_BOOL && at(r, "t")->v.b);
	CHECK(at(r, "f")->type == TOML_BOOL && !at(r, "f")->v.b);
	CHECK_EQ_STR(str_at(r, "x", TOML_FLOAT), "3.25");
	CHECK_EQ_STR(str_at(r, "y", TOML_FLOAT), "-1e-3");
	CHECK_EQ_STR(str_at(r, "z", TOML_FLOAT), "6.626E+34");
	CHECK_EQ_STR(str_at(r, "w", TOML_FLOAT), "1_000.5");
	CHECK_EQ_STR(str_at(r, "i", TOML_FLOAT), "-inf");
	CHECK_EQ_STR(str_at(r, "n", TOML_FLOAT), "nan");
	CHECK_EQ_STR(str_at(r, "p", TOML_FLOAT), "+inf");
	CHECK_EQ_STR(str_at(r, "odt", TOML_DATETIME),
		     "1979-05-27T07:32:00.999-07:00");
	CHECK_EQ_STR(str_at(r, "odt2", TOML_DATETIME), "1979-05-27 07:32:00Z");
	CHECK_EQ_STR(str_at(r, "ldt", TOML_DATETIME), "1979-05-27t07:32:00");
	CHECK_EQ_STR(str_at(r, "ld", TOML_DATETIME), "2024-02-29");
	CHECK_EQ_STR(str_at(r, "lt", TOML_DATETIME), "23:59:60.5");
}

UNIT_TEST(toml_basic_string_escapes)
{
	struct toml_node *r = parse("s = \"a\\b\\t\\n\\f\\r\\\"\\\\z\"\n"
				    "u = \"\\u00e9\\u20AC\\U0001F600\\u0041\"\n"
				    "z = \"x\\u0000y\"\n");

	if (!r)
		return;
	CHECK_EQ_STR(str_at(r, "s", TOML_STRING), "a\b\t\n\f\r\"\\z");
	CHECK_EQ_STR(str_at(r, "u", TOML_STRING),
		     "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
		     "A");
	/* \u0000 is a legal character: the length says so. */
	CHECK_EQ_INT(at(r, "z")->v.str.len, 3);
	CHECK(!memcmp(at(r, "z")->v.str.s, "x\0y", 3));
}

UNIT_TEST(toml_literal_and_multiline_strings)
{
	struct toml_node *r = parse(
		"lit = 'C:\\path\\n \"x\"'\n"
		"ml = \"\"\"\nline1\nline2 \\\n    joined\\\n\n  end\"\"\"\n"
		"mlq = \"\"\"two quotes \"\" and end\"\"\"\"\"\n"
		"mll = '''\nraw \\n 'q' ''\n'''\n"
		"crlf = \"\"\"\r\na\r\nb\"\"\"\n"
		"empty = \"\"\nempty_lit = ''\nempty_ml = \"\"\"\"\"\"\n");

	if (!r)
		return;
	CHECK_EQ_STR(str_at(r, "lit", TOML_STRING), "C:\\path\\n \"x\"");
	CHECK_EQ_STR(str_at(r, "ml", TOML_STRING), "line1\nline2 joinedend");
	CHECK_EQ_STR(str_at(r, "mlq", TOML_STRING),
		     "two quotes \"\" and end\"\"");
	CHECK_EQ_STR(str_at(r, "mll", TOML_STRING), "raw \\n 'q' ''\n");
	CHECK_EQ_STR(str_at(r, "crlf", TOML_STRING), "a\nb");
	CHECK_EQ_STR(str_at(r, "empty", TOML_STRING), "");
	CHECK_EQ_STR(str_at(r, "empty_lit", TOML_STRING), "");
	CHECK_EQ_STR(str_at(r, "empty_ml", TOML_STRING), "");
}

UNIT_TEST(toml_arrays)
{
	struct toml_node *r = parse(
		"a = []\nb = [1, 2, 3,]\n"
		"c = [ [1, [2]], \"s\", true, {x = 1}, 1.5 ]\n"
		"d = [  # comment\n  1,\n\n  # another\n  2 # end\n  ,\n]\n");
	const struct toml_node *c;

	if (!r)
		return;
	CHECK_EQ_INT(toml_count(at(r, "a")), 0);
	CHECK_EQ_INT(toml_count(at(r, "b")), 3);
	CHECK_EQ_INT(int_at(r, "b/2"), 3);
	c = at(r, "c");
	CHECK_EQ_INT(toml_count(c), 5);
	CHECK_EQ_INT(int_at(r, "c/0/1/0"), 2);
	CHECK_EQ_STR(str_at(r, "c/1", TOML_STRING), "s");
	CHECK(at(r, "c/2")->type == TOML_BOOL);
	CHECK_EQ_INT(int_at(r, "c/3/x"), 1);
	CHECK(at(r, "c/4")->type == TOML_FLOAT);
	CHECK_EQ_INT(toml_count(at(r, "d")), 2);
	CHECK_EQ_INT(int_at(r, "d/1"), 2);
	CHECK(toml_at(at(r, "d"), 2) == NULL);
}

UNIT_TEST(toml_tables_and_keys)
{
	struct toml_node *r =
		parse("top = 1\n"
		      "[a.b]\nx = 1\n"
		      "[a]\ny = 2\n"
		      "[ \"quoted key\" . 'lit.key' ]\nv = 3\n"
		      "[dotted]\np.q.r = 4\np.q.s = 5\n\"k e y\".z = 6\n"
		      "[dotted.p.t]\nu = 7\n"
		      "[inline]\nt = { a = 1, b.c = \"x\", d = { e = [] } }\n"
		      "[num]\n1234 = 8\n-_- = 9\n\"\" = 10\n");

	if (!r)
		return;
	CHECK_EQ_INT(int_at(r, "top"), 1);
	CHECK_EQ_INT(int_at(r, "a/b/x"), 1);
	CHECK_EQ_INT(int_at(r, "a/y"), 2);
	CHECK_EQ_INT(int_at(r, "quoted key/lit.key/v"), 3);
	CHECK_EQ_INT(int_at(r, "dotted/p/q/r"), 4);
	CHECK_EQ_INT(int_at(r, "dotted/p/q/s"), 5);
	CHECK_EQ_INT(int_at(r, "dotted/k e y/z"), 6);
	CHECK_EQ_INT(int_at(r, "dotted/p/t/u"), 7);
	CHECK_EQ_INT(int_at(r, "inline/t/a"), 1);
	CHECK_EQ_STR(str_at(r, "inline/t/b/c", TOML_STRING), "x");
	CHECK_EQ_INT(toml_count(at(r, "inline/t/d/e")), 0);
	CHECK_EQ_INT(int_at(r, "num/1234"), 8);
	CHECK_EQ_INT(int_at(r, "num/-_-"), 9);
	CHECK(toml_get(at(r, "num"), "") != NULL);
	/* Order of definition is kept. */
	CHECK_EQ_STR(toml_first(r)->key, "top");
}

UNIT_TEST(toml_array_of_tables)
{
	struct toml_node *r = parse(
		"[[vm]]\nid = 1\n[vm.sub]\nx = 1\n"
		"[[vm]]\nid = 2\n[[vm.dev]]\nn = 'a'\n[[vm.dev]]\nn = 'b'\n");

	if (!r)
		return;
	CHECK_EQ_INT(toml_count(at(r, "vm")), 2);
	CHECK_EQ_INT(int_at(r, "vm/0/id"), 1);
	CHECK_EQ_INT(int_at(r, "vm/0/sub/x"), 1);
	CHECK_EQ_INT(int_at(r, "vm/1/id"), 2);
	CHECK_EQ_STR(str_at(r, "vm/1/dev/1/n", TOML_STRING), "b");
}

UNIT_TEST(toml_whitespace_comments_crlf)
{
	struct toml_node *r = parse(
		"# c\r\n\t a\t=\t1  # trailing\r\n\r\n[t] # c\r\nb=\"#not\"#c\r\n");

	if (!r)
		return;
	CHECK_EQ_INT(int_at(r, "a"), 1);
	CHECK_EQ_STR(str_at(r, "t/b", TOML_STRING), "#not");
	CHECK(parse("") != NULL);
	CHECK(parse("# only a comment") != NULL);
	CHECK(parse("a = 1") != NULL); /* no final newline */
	r = parse("\xef\xbb\xbf"
		  "b = 2\n"); /* byte order mark */
	if (r)
		CHECK_EQ_INT(at(r, "b")->key_col, 1);
	fails("\xef\xbb\xbf"
	      "= 2",
	      TOML_ERR_EXPECTED_KEY, 1, 1);
}

UNIT_TEST(toml_positions)
{
	struct toml_node *r =
		parse("\n# x\n  key = [1,\n    22]\n[t]\n k = 'v'\n");

	if (!r)
		return;
	CHECK_EQ_INT(at(r, "key")->key_line, 3);
	CHECK_EQ_INT(at(r, "key")->key_col, 3);
	CHECK_EQ_INT(at(r, "key")->line, 3);
	CHECK_EQ_INT(at(r, "key")->col, 9);
	CHECK_EQ_INT(at(r, "key/1")->line, 4);
	CHECK_EQ_INT(at(r, "key/1")->col, 5);
	CHECK_EQ_INT(at(r, "t")->line, 5);
	CHECK_EQ_INT(at(r, "t/k")->key_col, 2);
}

UNIT_TEST(toml_input_not_nul_terminated)
{
	/* Only the first len bytes count; what follows is never read. */
	char buf[8];

	memcpy(buf, "a = 12XY", 8);
	struct toml_node *r = parse_len(buf, 6);
	if (r)
		CHECK_EQ_INT(int_at(r, "a"), 12);
}

UNIT_TEST(toml_strerror_all)
{
	for (int i = 0; i < TOML_ERR_COUNT; i++)
		CHECK(strcmp(toml_strerror((enum toml_err)i), "unknown error"));
	CHECK_EQ_STR(toml_strerror(TOML_ERR_COUNT), "unknown error");
	CHECK_EQ_STR(toml_type_name(TOML_DATETIME), "date-time");
}

/* ------------------------------------------------------------ errors */

UNIT_TEST(toml_err_nomem)
{
	struct toml_node *root;
	struct toml_error e;
	static const char s[] = "a = 1\nb = 2\nc = \"a long enough string\"\n";

	/* Every arena size up to the needed one fails cleanly. */
	for (size_t n = 0; n < 200; n++) {
		enum toml_err rc =
			toml_parse(s, sizeof(s) - 1, arena, n, &root, &e);
		CHECK(rc == TOML_OK || rc == TOML_ERR_NOMEM);
		CHECK(rc == TOML_OK || root == NULL);
	}
	CHECK_EQ_INT(toml_parse(s, sizeof(s) - 1, arena, 16, &root, &e),
		     TOML_ERR_NOMEM);
}

UNIT_TEST(toml_err_nul)
{
	fails_len("a = 1\nb = \"x\0\"\n", 14, TOML_ERR_NUL, 2, 7);
	fails_len("\0", 1, TOML_ERR_NUL, 1, 1);
}

UNIT_TEST(toml_err_control)
{
	fails("a = \"x\x01\"", TOML_ERR_CONTROL, 1, 7);
	fails("a = 'x\x7f'", TOML_ERR_CONTROL, 1, 7);
	fails("# bell \x07\n", TOML_ERR_CONTROL, 1, 8);
	fails("a = 1\rb = 2", TOML_ERR_CONTROL, 1, 6); /* lone CR */
	fails("a = \"\"\"x\x1b\"\"\"", TOML_ERR_CONTROL, 1, 9);
}

UNIT_TEST(toml_err_utf8)
{
	fails("a = \"\xff\"", TOML_ERR_UTF8, 1, 6);
	fails("a = 1\n# \xc3\n", TOML_ERR_UTF8, 2, 3);    /* truncated */
	fails("a = '\xed\xa0\x80'", TOML_ERR_UTF8, 1, 6); /* surrogate */
	fails("a = '\xc0\xaf'", TOML_ERR_UTF8, 1, 6);     /* overlong */
}

UNIT_TEST(toml_err_expected_key)
{
	fails("= 1", TOML_ERR_EXPECTED_KEY, 1, 1);
	fails("a. = 1", TOML_ERR_EXPECTED_KEY, 1, 4);
	fails("[]", TOML_ERR_EXPECTED_KEY, 1, 2);
	fails("\"\"\"k\"\"\" = 1", TOML_ERR_EXPECTED_KEY, 1, 1);
}

UNIT_TEST(toml_err_expected_equals)
{
	fails("a 1", TOML_ERR_EXPECTED_EQUALS, 1, 3);
	fails("\n\nkey\n= 1", TOML_ERR_EXPECTED_EQUALS, 3, 4);
}

UNIT_TEST(toml_err_expected_value)
{
	fails("a =", TOML_ERR_EXPECTED_VALUE, 1, 4);
	fails("a = tru", TOML_ERR_EXPECTED_VALUE, 1, 5);
	fails("a = [,]", TOML_ERR_EXPECTED_VALUE, 1, 6);
	fails("a = .5", TOML_ERR_EXPECTED_VALUE, 1, 5);
}

UNIT_TEST(toml_err_expected_newline)
{
	fails("a = 1 b = 2", TOML_ERR_EXPECTED_NEWLINE, 1, 7);
	fails("[t] x", TOML_ERR_EXPECTED_NEWLINE, 1, 5);
	fails("a = \"s\"x", TOML_ERR_EXPECTED_NEWLINE, 1, 8);
}

UNIT_TEST(toml_err_unterminated_string)
{
	fails("a = \"abc", TOML_ERR_UNTERMINATED_STRING, 1, 5);
	fails("a = \"abc\nb = 1", TOML_ERR_UNTERMINATED_STRING, 1, 5);
	fails("\na = '''x\ny", TOML_ERR_UNTERMINATED_STRING, 2, 5);
	fails("a = \"\"\"x\"\"\"\"\"\"", TOML_ERR_UNTERMINATED_STRING, 1, 9);
}

UNIT_TEST(toml_err_bad_escape)
{
	fails("a = \"\\x41\"", TOML_ERR_BAD_ESCAPE, 1, 6);
	fails("a = \"\\u12\"", TOML_ERR_BAD_ESCAPE, 1, 7);
	fails("a = \"\\ \"", TOML_ERR_BAD_ESCAPE, 1, 6);
	fails("a = \"\"\"\\ x\"\"\"", TOML_ERR_BAD_ESCAPE, 1, 8);
}

UNIT_TEST(toml_err_bad_unicode)
{
	fails("a = \"\\uD800\"", TOML_ERR_BAD_UNICODE, 1, 7);
	fails("a = \"\\U00110000\"", TOML_ERR_BAD_UNICODE, 1, 7);
}

UNIT_TEST(toml_err_bad_number)
{
	static const char *const bad[] = {
		"01",   "-01",  "1__0", "1_", "0x",   "0xg",   "+0x1",
		"0X10", "0b2",  "0o8",  "1.", "1e",   "1.e5",  "1e_5",
		"00.5", "1_.5", "+",    "-",  "0x_1", "1.5.5",
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "a = %s", bad[i]);
		fails(buf, TOML_ERR_BAD_NUMBER, 1, 5);
	}
}

UNIT_TEST(toml_err_int_overflow)
{
	fails("a = 9223372036854775808", TOML_ERR_INT_OVERFLOW, 1, 5);
	fails("a = -9223372036854775809", TOML_ERR_INT_OVERFLOW, 1, 5);
	fails("a = 0x8000_0000_0000_0000", TOML_ERR_INT_OVERFLOW, 1, 5);
	fails("a = 0xffff_ffff_ffff_ffff_f", TOML_ERR_INT_OVERFLOW, 1, 5);
	fails("a = 0o1000000000000000000000", TOML_ERR_INT_OVERFLOW, 1, 5);
	fails("a = 99999999999999999999999", TOML_ERR_INT_OVERFLOW, 1, 5);
}

UNIT_TEST(toml_err_bad_datetime)
{
	fails("a = 2023-02-29", TOML_ERR_BAD_DATETIME, 1, 5);
	fails("a = 1979-13-01", TOML_ERR_BAD_DATETIME, 1, 5);
	fails("a = 07:60:00", TOML_ERR_BAD_DATETIME, 1, 5);
	fails("a = 07:32", TOML_ERR_BAD_DATETIME, 1, 5);
	fails("a = 1979-05-27T25:00:00", TOML_ERR_BAD_DATETIME, 1, 5);
	fails("a = 1979-05-27T07:32:00+7:00", TOML_ERR_BAD_DATETIME, 1, 5);
	fails("a = 1979-05-27X", TOML_ERR_BAD_DATETIME, 1, 5);
}

UNIT_TEST(toml_err_bad_array)
{
	fails("a = [1 2]", TOML_ERR_BAD_ARRAY, 1, 8);
	fails("a = [1", TOML_ERR_BAD_ARRAY, 1, 7);
	fails("a = [1,\n2\n3]", TOML_ERR_BAD_ARRAY, 3, 1);
}

UNIT_TEST(toml_err_bad_inline_table)
{
	fails("a = {x = 1,}", TOML_ERR_BAD_INLINE_TABLE, 1, 12);
	fails("a = {x = 1 y = 2}", TOML_ERR_BAD_INLINE_TABLE, 1, 12);
	fails("a = {x = 1\n}", TOML_ERR_BAD_INLINE_TABLE, 1, 11);
	fails("a = {x = 1,\ny = 2}", TOML_ERR_BAD_INLINE_TABLE, 1, 12);
}

UNIT_TEST(toml_err_bad_header)
{
	fails("[a", TOML_ERR_BAD_HEADER, 1, 3);
	fails("[[a]", TOML_ERR_BAD_HEADER, 1, 4);
	fails("[[a] ]", TOML_ERR_BAD_HEADER, 1, 4);
	fails("[a b]", TOML_ERR_BAD_HEADER, 1, 4);
}

UNIT_TEST(toml_err_duplicate_key)
{
	fails("a = 1\na = 2", TOML_ERR_DUPLICATE_KEY, 2, 1);
	fails("a = {x = 1, x = 2}", TOML_ERR_DUPLICATE_KEY, 1, 13);
	fails("[t]\nb = 1\n[t.b]", TOML_ERR_DUPLICATE_KEY, 3, 4);
	fails("a.b = 1\na.b = 2", TOML_ERR_DUPLICATE_KEY, 2, 3);
	fails("'a' = 1\n\"a\" = 2", TOML_ERR_DUPLICATE_KEY, 2, 1);
}

UNIT_TEST(toml_err_table_redefined)
{
	fails("[a]\n[a]", TOML_ERR_TABLE_REDEFINED, 2, 2);
	fails("[a.b]\n[a]\n[a]", TOML_ERR_TABLE_REDEFINED, 3, 2);
	fails("a.b = 1\n[a]", TOML_ERR_TABLE_REDEFINED, 2, 2);
	fails("[x]\na.b = 1\n[x.a]", TOML_ERR_TABLE_REDEFINED, 3, 4);
	fails("[[a]]\n[a]", TOML_ERR_TABLE_REDEFINED, 2, 2);
	fails("a = [1]\n[[a]]", TOML_ERR_TABLE_REDEFINED, 2, 3);
	fails("[a]\n[[a]]", TOML_ERR_TABLE_REDEFINED, 2, 3);
	/* A table made by a header cannot grow through dotted keys. */
	fails("[a.b]\n[a]\nb.c = 1", TOML_ERR_TABLE_REDEFINED, 3, 1);
	fails("a = {}\na.b = 1", TOML_ERR_TABLE_REDEFINED, 2, 1);
}

UNIT_TEST(toml_err_not_a_table)
{
	fails("a = 1\n[a.b]", TOML_ERR_NOT_A_TABLE, 2, 2);
	fails("a = 1\na.b = 2", TOML_ERR_NOT_A_TABLE, 2, 1);
	fails("a = {x = {}}\n[a.x]", TOML_ERR_NOT_A_TABLE, 2, 2);
	fails("a = [{}]\n[a.x]", TOML_ERR_NOT_A_TABLE, 2, 2);
}

UNIT_TEST(toml_err_too_deep)
{
	char buf[256];
	int n = 0;

	n += snprintf(buf, sizeof(buf), "a = ");
	for (int i = 0; i < 40; i++)
		buf[n++] = '[';
	buf[n] = '\0';
	fails(buf, TOML_ERR_TOO_DEEP, 1, 5 + TOML_MAX_DEPTH);
	CHECK(parse("a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]"
		    "]]]]]]") != NULL); /* 30 levels */
	n = 0;
	for (int i = 0; i < 40; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "k.");
	snprintf(buf + n, sizeof(buf) - (size_t)n, "k = 1");
	fails(buf, TOML_ERR_TOO_DEEP, 1, 2 * TOML_MAX_DEPTH + 1);
}

UNIT_TEST(toml_err_key_too_long)
{
	char buf[TOML_MAX_KEY + 16];

	memset(buf, 'k', TOML_MAX_KEY);
	strcpy(buf + TOML_MAX_KEY, " = 1");
	CHECK(parse(buf) != NULL);
	memset(buf, 'k', TOML_MAX_KEY + 1);
	strcpy(buf + TOML_MAX_KEY + 1, " = 1");
	fails(buf, TOML_ERR_KEY_TOO_LONG, 1, TOML_MAX_KEY + 1);
}

UNIT_TEST(toml_err_string_too_long)
{
	static char buf[TOML_MAX_STRING + 16];

	strcpy(buf, "a = '");
	memset(buf + 5, 's', TOML_MAX_STRING);
	strcpy(buf + 5 + TOML_MAX_STRING, "'");
	CHECK(parse(buf) != NULL);
	strcpy(buf + 5 + TOML_MAX_STRING, "s'");
	fails(buf, TOML_ERR_STRING_TOO_LONG, 1, 5 + TOML_MAX_STRING + 1);
}

/* Assorted corner cases of the spec, each a whole document. */
UNIT_TEST(toml_corner_cases_valid)
{
	static const char *const ok[] = {
		"[ a . b ]\n[a]\n",
		"a = 3e2_0\nb = -0.0\nc = +1.5\nd = 1E-0_1\n",
		"a = [1,\n# c\n]\n",
		"a = {}\nb = { }\n",
		"a = { x = [1,\n2] }\n",
		"[a.b.c]\n[a.b]\n[a]\n",
		"[[a]]\n[a.b]\n[[a]]\n[a.b]\n",
		"[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n",
		"\"a\\tb\" = 1\n",
		"inf = 1\nnan = 2\ntrue = 3\n",
		"a = \"\"\"\\\r\n  x\"\"\"\n",
		"a = 1979-05-27T00:32:00.999999-07:00\n",
		"a = 0b0\nb = 0o0\nc = 0x0\n",
		"# \t tab in comment\n",
		"a = '''\n'''\n",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!parse(ok[i]))
			printf("  document %zu rejected\n", i);
}

UNIT_TEST(toml_corner_cases_invalid)
{
	static const char *const bad[] = {
		"a = truex\n",
		"a = 1979-05\n",
		"a = [1,,2]\n",
		"a = {,}\n",
		"[a]b = 1\n",
		"a = 'x' 'y'\n",
		"[[]]\n",
		"a = \"\\e\"\n",
		"a.b = 1\na = 2\n",
		"a = 0b\n",
		"a = -0x1\n",
		"a = nan1\n",
		"key with space = 1\n",
		"a = \"\"\"\n\\ x\n\"\"\"\n",
		"[a]\n[a.b]\n[a.b]\n",
		"a = 1\n[a]\n",
	};
	struct toml_node *root;
	struct toml_error e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum toml_err rc = toml_parse(bad[i], strlen(bad[i]), arena,
					      sizeof(arena), &root, &e);
		if (rc == TOML_OK)
			printf("  document %zu accepted: %s", i, bad[i]);
		CHECK(rc != TOML_OK);
		CHECK(e.line >= 1 && e.col >= 1);
	}
}
