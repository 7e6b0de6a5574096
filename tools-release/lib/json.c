#include "compat.h"
#include "json.h"
#include "date.h"
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

/*
 * The strict pass: yajl's own parser with comments off (yajl_tree_parse
 * turns them on), every object's keys checked for duplicates and every
 * string and key for NUL characters.  A duplicate key would let two
 * readers see two documents in one text (yajl keeps the first, others
 * the last); a NUL would cut the string we see short of what they see.
 */
struct jkey {
	char *copy;
	size_t len, off;
};

struct jlevel {
	struct jkey *v;
	size_t nr, alloc;
};

struct jstrict {
	yajl_handle h;
	struct jlevel *lv;
	size_t depth, alloc;
	const char *why;		/* the refusal, when a callback cancelled */
	char *dup;			/* the duplicate key */
	size_t off;			/* where */
};

static size_t jstrict_off(struct jstrict *j)
{
	return yajl_get_bytes_consumed(j->h);
}

static int jstrict_push(void *ctx)
{
	struct jstrict *j = ctx;

	if (j->depth >= JSON_MAX_DEPTH) {
		j->why = "nested too deep";
		j->off = jstrict_off(j);
		return 0;
	}
	ALLOC_GROW(j->lv, j->depth + 1, j->alloc);
	memset(&j->lv[j->depth], 0, sizeof(j->lv[j->depth]));
	j->depth++;
	return 1;
}

static void jlevel_clear(struct jlevel *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->v[i].copy);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_jkey(const void *a, const void *b)
{
	const struct jkey *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->copy, y->copy, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int jstrict_pop(void *ctx)
{
	struct jstrict *j = ctx;
	struct jlevel *l;
	size_t i;
	int ok = 1;

	if (!j->depth)
		return 1;
	l = &j->lv[--j->depth];
	if (l->nr > 1) {
		qsort(l->v, l->nr, sizeof(*l->v), cmp_jkey);
		for (i = 1; i < l->nr && ok; i++) {
			if (l->v[i].len == l->v[i - 1].len &&
			    !memcmp(l->v[i].copy, l->v[i - 1].copy, l->v[i].len)) {
				j->why = "a key appears twice in one object";
				j->dup = xmemdupz(l->v[i].copy, l->v[i].len);
				j->off = l->v[i].off;
				ok = 0;
			}
		}
	}
	jlevel_clear(l);
	return ok;
}

static int jstrict_nul(struct jstrict *j, const unsigned char *s, size_t len)
{
	if (!memchr(s, '\0', len))
		return 1;
	j->why = "a string holds a NUL character (\\u0000)";
	j->off = jstrict_off(j);
	return 0;
}

static int jstrict_key(void *ctx, const unsigned char *s, size_t len)
{
	struct jstrict *j = ctx;
	struct jlevel *l;

	if (!jstrict_nul(j, s, len))
		return 0;
	if (!j->depth)
		return 1;
	l = &j->lv[j->depth - 1];
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr].copy = xmemdupz(s, len);
	l->v[l->nr].len = len;
	l->v[l->nr].off = jstrict_off(j);
	l->nr++;
	return 1;
}

static int jstrict_string(void *ctx, const unsigned char *s, size_t len)
{
	return jstrict_nul(ctx, s, len);
}

static int jstrict_null(void *ctx) { (void)ctx; return 1; }
static int jstrict_bool(void *ctx, int b) { (void)ctx; (void)b; return 1; }
static int jstrict_number(void *ctx, const char *s, size_t len)
{
	(void)ctx; (void)s; (void)len;
	return 1;
}

static const yajl_callbacks jstrict_callbacks = {
	.yajl_null = jstrict_null,
	.yajl_boolean = jstrict_bool,
	.yajl_number = jstrict_number,
	.yajl_string = jstrict_string,
	.yajl_start_map = jstrict_push,
	.yajl_map_key = jstrict_key,
	.yajl_end_map = jstrict_pop,
	.yajl_start_array = jstrict_push,
	.yajl_end_array = jstrict_pop,
};

static int json_strict(const char *text, size_t len, const char *origin)
{
	struct jstrict j;
	yajl_status st;
	int line, col, rc = 0;
	size_t i;

	memset(&j, 0, sizeof(j));
	j.h = yajl_alloc(&jstrict_callbacks, NULL, &j);
	if (!j.h)
		die("out of memory (yajl)");
	/* yajl_alloc's defaults: no comments, UTF-8 validated, one value, nothing after it. */
	st = yajl_parse(j.h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(j.h);
	if (st == yajl_status_client_canceled) {
		offset_to_line_col(text, j.off > len ? len : j.off, &line, &col);
		if (j.dup) {
			struct strbuf k = STRBUF_INIT;

			utf8_sanitize(&k, j.dup, strlen(j.dup));
			for (i = 0; i < k.len; i++)
				if ((unsigned char)k.buf[i] < 0x20 || k.buf[i] == 0x7f)
					k.buf[i] = '?';
			rc = error_input("%s:%d:%d: key \"%s\" appears twice in one object; "
					 "refusing ambiguous JSON", origin, line, col, k.buf);
			strbuf_release(&k);
		} else {
			rc = error_input("%s:%d:%d: %s; refusing it", origin, line, col, j.why);
		}
	} else if (st != yajl_status_ok) {
		unsigned char *msg = yajl_get_error(j.h, 0, NULL, 0);
		size_t off = yajl_get_bytes_consumed(j.h);
		char *nl;

		if (off > len)
			off = len;
		offset_to_line_col(text, off, &line, &col);
		nl = msg ? strchr((char *)msg, '\n') : NULL;
		if (nl)
			*nl = '\0';
		rc = error_input("%s:%d:%d: invalid JSON: %s", origin, line, col,
				 msg && *msg ? (char *)msg : "parse error");
		if (msg)
			yajl_free_error(j.h, msg);
	}
	while (j.depth)
		jlevel_clear(&j.lv[--j.depth]);
	free(j.lv);
	free(j.dup);
	yajl_free(j.h);
	return rc;
}

int json_parse(const char *text, size_t len, const char *origin, yajl_val *out)
{
	char errbuf[512];
	char *copy, *nl;
	yajl_val v;
	int rc;

	*out = NULL;
	if (memchr(text, '\0', len))
		return error_input("%s: JSON contains a NUL byte", origin);
	if (json_depth(text, len) > JSON_MAX_DEPTH)
		return error_input("%s: JSON nested deeper than %d levels", origin,
				   JSON_MAX_DEPTH);
	rc = json_strict(text, len, origin);
	if (rc)
		return rc;
	copy = xmemdupz(text, len);
	errbuf[0] = '\0';
	v = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	free(copy);
	if (!v) {
		/* The strict pass took it; only the tree's own limits are left. */
		if ((nl = strchr(errbuf, '\n')))
			*nl = '\0';
		return error_input("%s: invalid JSON: %s", origin,
				   errbuf[0] ? errbuf : "parse error");
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
