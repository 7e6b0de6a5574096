#include "compat.h"
#include "json.h"
#include "date.h"
#include "escape.h"
#include "usage.h"
#include "xalloc.h"

#include <yajl_parse.h>

/* Deepest nesting of arrays and objects, ignoring brackets in strings. */
static size_t json_depth(const char *s, size_t len)
{
	size_t i, depth = 0, max = 0;
	int in_str = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if ((c == ']' || c == '}') && depth)
			depth--;
	}
	return max;
}

static void offset_to_line_col(const char *s, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* --- the strict pass ------------------------------------------------------- */

struct strict_key {
	char *key;
	size_t off;		/* where the key ends in the text */
};

struct strict_level {
	int is_map;
	struct strict_key *keys;
	size_t nr, alloc;
};

struct strict_ctx {
	yajl_handle h;
	unsigned flags;
	struct strict_level *lv;
	size_t depth, alloc;
	struct strbuf why;	/* what is wrong, empty if nothing */
	size_t why_off;
};

static int strict_fail(struct strict_ctx *c, size_t off, const char *fmt, ...) XS_PRINTF(3, 4);
static int strict_fail(struct strict_ctx *c, size_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&c->why, fmt, ap);
	va_end(ap);
	c->why_off = off;
	return 0;	/* cancels the parse */
}

static int strict_text(struct strict_ctx *c, const unsigned char *s, size_t len,
		       const char *what)
{
	size_t at;
	unsigned code;
	char name[16];

	if (!(c->flags & JSON_NO_CONTROL) ||
	    !text_find_ctrl((const char *)s, len, 0, &at, &code))
		return 1;
	text_ctrl_name(code, name);
	return strict_fail(c, yajl_get_bytes_consumed(c->h),
			   "a control character (%s) in a %s", name, what);
}

static int strict_open(struct strict_ctx *c, int is_map)
{
	ALLOC_GROW(c->lv, c->depth + 1, c->alloc);
	memset(&c->lv[c->depth], 0, sizeof(c->lv[c->depth]));
	c->lv[c->depth++].is_map = is_map;
	return 1;
}

static int cmp_strict_key(const void *a, const void *b)
{
	const struct strict_key *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	return r ? r : x->off < y->off ? -1 : x->off > y->off;
}

static void strict_level_release(struct strict_level *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->keys[i].key);
	free(l->keys);
	memset(l, 0, sizeof(*l));
}

static int strict_close(struct strict_ctx *c)
{
	struct strict_level *l;
	size_t i;
	int ok = 1;

	if (!c->depth)
		return 1;
	l = &c->lv[--c->depth];
	if (l->nr > 1)
		qsort(l->keys, l->nr, sizeof(*l->keys), cmp_strict_key);
	for (i = 1; i < l->nr && ok; i++)
		if (!strcmp(l->keys[i - 1].key, l->keys[i].key))
			ok = strict_fail(c, l->keys[i].off, "key \"%.60s\" appears twice in one "
					 "object; refusing ambiguous JSON", l->keys[i].key);
	strict_level_release(l);
	return ok;
}

static int cb_start_map(void *ctx) { return strict_open(ctx, 1); }
static int cb_start_array(void *ctx) { return strict_open(ctx, 0); }
static int cb_end(void *ctx) { return strict_close(ctx); }

static int cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct strict_ctx *c = ctx;
	struct strict_level *l;

	if (!strict_text(c, key, len, "key"))
		return 0;
	if (memchr(key, '\0', len))
		return strict_fail(c, yajl_get_bytes_consumed(c->h), "a key holds a NUL character (\\u0000)");
	if (!c->depth || !c->lv[c->depth - 1].is_map)
		return 1;
	l = &c->lv[c->depth - 1];
	ALLOC_GROW(l->keys, l->nr + 1, l->alloc);
	l->keys[l->nr].key = xmemdupz(key, len);
	l->keys[l->nr].off = yajl_get_bytes_consumed(c->h);
	l->nr++;
	return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct strict_ctx *c = ctx;

	if (!strict_text(c, s, len, "string"))
		return 0;
	/* \u0000 would cut the string we see short of what other readers see. */
	if (memchr(s, '\0', len))
		return strict_fail(c, yajl_get_bytes_consumed(c->h),
				   "a string holds a NUL character (\\u0000)");
	return 1;
}

static const yajl_callbacks strict_callbacks = {
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end,
};

/*
 * What yajl's tree reader lets through and other readers do not agree
 * on: comments (yajl_tree_parse() allows them) and duplicate keys.
 */
static int json_check_strict(const char *text, size_t len, const char *origin,
			     unsigned flags)
{
	struct strict_ctx c;
	yajl_status st;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	strbuf_init(&c.why, 0);
	c.flags = flags;
	c.h = yajl_alloc(&strict_callbacks, NULL, &c);
	if (!c.h)
		die("out of memory (yajl)");
	st = yajl_parse(c.h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(c.h);
	if (st != yajl_status_ok) {
		size_t off = c.why.len ? c.why_off : yajl_get_bytes_consumed(c.h);
		int line, col;

		if (!c.why.len) {
			unsigned char *e = yajl_get_error(c.h, 0, NULL, 0);

			strbuf_addstr(&c.why, "invalid JSON: ");
			strbuf_addstr(&c.why, e ? (const char *)e : "parse error");
			strbuf_rtrim(&c.why);
			if (e)
				yajl_free_error(c.h, e);
		}
		if (off > len)
			off = len;
		offset_to_line_col(text, off, &line, &col);
		rc = error_input("%s:%d:%d: %s", origin, line, col, c.why.buf);
	}
	while (c.depth)
		strict_level_release(&c.lv[--c.depth]);
	free(c.lv);
	strbuf_release(&c.why);
	yajl_free(c.h);
	return rc;
}

int json_parse(const char *text, size_t len, const char *origin, yajl_val *out)
{
	return json_parse_flags(text, len, origin, 0, out);
}

int json_parse_flags(const char *text, size_t len, const char *origin, unsigned flags,
		     yajl_val *out)
{
	char errbuf[512];
	char *copy;
	yajl_val v;

	*out = NULL;
	if (memchr(text, '\0', len))
		return error_input("%s: JSON contains a NUL byte", origin);
	if (json_depth(text, len) > JSON_MAX_DEPTH)
		return error_input("%s: JSON nested deeper than %d levels", origin,
				   JSON_MAX_DEPTH);
	copy = xmemdupz(text, len);
	errbuf[0] = '\0';
	v = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	if (!v) {
		/* Parse again without a tree only to learn where it failed. */
		yajl_handle h = yajl_alloc(NULL, NULL, NULL);
		size_t off = len;
		int line, col;
		char *nl;

		if (h) {
			yajl_status st = yajl_parse(h, (const unsigned char *)copy, len);

			if (st != yajl_status_ok)
				off = yajl_get_bytes_consumed(h);
			else if (yajl_complete_parse(h) != yajl_status_ok)
				off = len;
			yajl_free(h);
		}
		if (off > len)
			off = len;
		offset_to_line_col(copy, off, &line, &col);
		if ((nl = strchr(errbuf, '\n')))
			*nl = '\0';
		free(copy);
		return error_input("%s:%d:%d: invalid JSON: %s", origin, line, col,
				   errbuf[0] ? errbuf : "parse error");
	}
	free(copy);
	if (json_check_strict(text, len, origin, flags)) {
		yajl_tree_free(v);
		return -XS_INPUT;
	}
	*out = v;
	return 0;
}

void json_free(yajl_val v)
{
	if (v)
		yajl_tree_free(v);
}

yajl_val json_get(yajl_val obj, const char *key)
{
	size_t i;

	if (!obj || !YAJL_IS_OBJECT(obj))
		return NULL;
	for (i = 0; i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], key))
			return obj->u.object.values[i];
	return NULL;
}

const char *json_get_string(yajl_val obj, const char *key)
{
	yajl_val v = json_get(obj, key);

	return v && YAJL_IS_STRING(v) ? v->u.string : NULL;
}

int json_get_int(yajl_val obj, const char *key, long long *out)
{
	yajl_val v = json_get(obj, key);

	if (!v || !YAJL_IS_INTEGER(v))
		return 0;
	*out = YAJL_GET_INTEGER(v);
	return 1;
}

int json_is_null(yajl_val v)
{
	return v && YAJL_IS_NULL(v);
}

size_t json_array_len(yajl_val arr)
{
	return arr && YAJL_IS_ARRAY(arr) ? arr->u.array.len : 0;
}

yajl_val json_array_at(yajl_val arr, size_t i)
{
	return i < json_array_len(arr) ? arr->u.array.values[i] : NULL;
}

size_t json_object_len(yajl_val obj)
{
	return obj && YAJL_IS_OBJECT(obj) ? obj->u.object.len : 0;
}

const char *json_object_key(yajl_val obj, size_t i)
{
	return i < json_object_len(obj) ? obj->u.object.keys[i] : NULL;
}

yajl_val json_object_value(yajl_val obj, size_t i)
{
	return i < json_object_len(obj) ? obj->u.object.values[i] : NULL;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

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
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void utf8_sanitize(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);

		if (!n) {
			strbuf_addstr(out, "\xef\xbf\xbd");
			i++;
		} else {
			strbuf_add(out, s + i, n);
			i += n;
		}
	}
}

void jw_init(struct json_writer *w, int pretty)
{
	w->g = yajl_gen_alloc(NULL);
	if (!w->g)
		die("out of memory (yajl)");
	w->pretty = pretty;
	if (pretty) {
		yajl_gen_config(w->g, yajl_gen_beautify, 1);
		yajl_gen_config(w->g, yajl_gen_indent_string, "  ");
	}
	yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
	strbuf_init(&w->scratch, 0);
}

void jw_release(struct json_writer *w)
{
	if (w->g)
		yajl_gen_free(w->g);
	w->g = NULL;
	strbuf_release(&w->scratch);
}

static void check(yajl_gen_status st, const char *what)
{
	if (st != yajl_gen_status_ok)
		BUG("JSON writer: %s failed (status %d)", what, (int)st);
}

void jw_obj_begin(struct json_writer *w) { check(yajl_gen_map_open(w->g), "map open"); }
void jw_obj_end(struct json_writer *w) { check(yajl_gen_map_close(w->g), "map close"); }
void jw_arr_begin(struct json_writer *w) { check(yajl_gen_array_open(w->g), "array open"); }
void jw_arr_end(struct json_writer *w) { check(yajl_gen_array_close(w->g), "array close"); }

void jw_strn(struct json_writer *w, const char *s, size_t len)
{
	strbuf_reset(&w->scratch);
	utf8_sanitize(&w->scratch, s, len);
	check(yajl_gen_string(w->g, (const unsigned char *)w->scratch.buf,
			      w->scratch.len), "string");
}

void jw_str(struct json_writer *w, const char *s)
{
	if (!s)
		jw_null(w);
	else
		jw_strn(w, s, strlen(s));
}

void jw_key(struct json_writer *w, const char *key)
{
	jw_strn(w, key, strlen(key));
}

void jw_int(struct json_writer *w, long long v) { check(yajl_gen_integer(w->g, v), "integer"); }
void jw_bool(struct json_writer *w, int v) { check(yajl_gen_bool(w->g, !!v), "bool"); }
void jw_null(struct json_writer *w) { check(yajl_gen_null(w->g), "null"); }

void jw_kv_str(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_kv_int(struct json_writer *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_kv_bool(struct json_writer *w, const char *key, int v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

void jw_kv_null(struct json_writer *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}

void jw_kv_ints(struct json_writer *w, const char *key, const int *v, size_t n)
{
	size_t i;

	jw_key(w, key);
	jw_arr_begin(w);
	for (i = 0; i < n; i++)
		jw_int(w, v[i]);
	jw_arr_end(w);
}

void jw_kv_strvec(struct json_writer *w, const char *key, const struct strvec *sv)
{
	size_t i;

	jw_key(w, key);
	jw_arr_begin(w);
	for (i = 0; i < sv->nr; i++)
		jw_str(w, sv->v[i]);
	jw_arr_end(w);
}

void jw_kv_time(struct json_writer *w, const char *key, int64_t t)
{
	char d[32];

	if (!t) {
		jw_kv_null(w, key);
		return;
	}
	date_format_iso(t, d);
	jw_kv_str(w, key, d);
}

void jw_finish(struct json_writer *w, struct strbuf *out)
{
	const unsigned char *buf;
	size_t len;

	check(yajl_gen_get_buf(w->g, &buf, &len), "get buffer");
	strbuf_add(out, buf, len);
	if (w->pretty && (!len || buf[len - 1] != '\n'))
		strbuf_addch(out, '\n');
	yajl_gen_clear(w->g);
	yajl_gen_reset(w->g, NULL);
}
