/*
 * json-strict.c: a line-numbered JSON tree with duplicate keys refused
 * (see json-strict.h).
 */
#include "compat.h"
#include "json-strict.h"
#include "json.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

#include <yajl_parse.h>

struct jctx {
	const char *origin;
	int line;
	struct jnode *root;
	struct jnode **stack;		/* open arrays and objects */
	size_t depth, alloc;
	char *key;			/* the key waiting for its value */
	int key_line;
	int rc;				/* set when a callback refused */
};

const char *jnode_type_name(enum jn_type t)
{
	switch (t) {
	case JN_NULL: return "null";
	case JN_BOOL: return "true or false";
	case JN_INT: return "a whole number";
	case JN_DOUBLE: return "a fractional number";
	case JN_STRING: return "a string";
	case JN_ARRAY: return "a list";
	case JN_OBJECT: return "an object";
	}
	return "something else";
}

void jnode_free(struct jnode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nr; i++) {
		jnode_free(n->v[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->v);
	free(n->keys);
	free(n->key_lines);
	free(n->s);
	free(n);
}

long jnode_index(const struct jnode *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JN_OBJECT)
		return -1;
	for (i = 0; i < obj->nr; i++)
		if (!strcmp(obj->keys[i], key))
			return (long)i;
	return -1;
}

struct jnode *jnode_get(const struct jnode *obj, const char *key)
{
	long i = jnode_index(obj, key);

	return i < 0 ? NULL : obj->v[i];
}

/* A key for messages: control characters escaped, long ones cut. */
static void add_key(struct strbuf *sb, const char *k)
{
	size_t i;

	for (i = 0; k[i] && i < 60; i++) {
		unsigned char c = (unsigned char)k[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, (char)c);
	}
	if (k[i])
		strbuf_addstr(sb, "...");
}

static int fail(struct jctx *c, const char *fmt, ...) XS_PRINTF(2, 3);
static int fail(struct jctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	c->rc = error_input("%s:%d: %s", c->origin, c->line, sb.buf);
	strbuf_release(&sb);
	return 0;	/* yajl: cancel */
}

static struct jnode *new_node(struct jctx *c, enum jn_type t)
{
	struct jnode *n = xcalloc(1, sizeof(*n));

	n->type = t;
	n->line = c->line;
	return n;
}

/* Hang n where it belongs: the root, the open list or the open object. */
static int add(struct jctx *c, struct jnode *n)
{
	struct jnode *top;

	if (!c->depth) {
		if (c->root) {
			jnode_free(n);
			return fail(c, "more than one JSON value");
		}
		c->root = n;
		return 1;
	}
	top = c->stack[c->depth - 1];
	ALLOC_GROW(top->v, top->nr + 1, top->alloc);
	if (top->type == JN_OBJECT) {
		if (!c->key) {
			jnode_free(n);
			return fail(c, "a value without a key");
		}
		top->keys = xreallocarray(top->keys, top->alloc, sizeof(*top->keys));
		top->key_lines = xreallocarray(top->key_lines, top->alloc,
					       sizeof(*top->key_lines));
		top->keys[top->nr] = c->key;
		top->key_lines[top->nr] = c->key_line;
		c->key = NULL;
	}
	top->v[top->nr++] = n;
	return 1;
}

static int on_null(void *ctx)
{
	struct jctx *c = ctx;

	return add(c, new_node(c, JN_NULL));
}

static int on_bool(void *ctx, int b)
{
	struct jctx *c = ctx;
	struct jnode *n = new_node(c, JN_BOOL);

	n->b = !!b;
	return add(c, n);
}

static int on_int(void *ctx, long long i)
{
	struct jctx *c = ctx;
	struct jnode *n = new_node(c, JN_INT);

	n->i = i;
	return add(c, n);
}

static int on_double(void *ctx, double d)
{
	struct jctx *c = ctx;
	struct jnode *n = new_node(c, JN_DOUBLE);

	n->d = d;
	return add(c, n);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct jctx *c = ctx;
	struct jnode *n = new_node(c, JN_STRING);

	n->s = xmemdupz(s, len);
	n->len = len;
	return add(c, n);
}

static int open_container(struct jctx *c, enum jn_type t)
{
	struct jnode *n;

	if (c->depth >= JSON_MAX_DEPTH)
		return fail(c, "JSON nested deeper than %d levels", JSON_MAX_DEPTH);
	n = new_node(c, t);
	if (!add(c, n))
		return 0;
	ALLOC_GROW(c->stack, c->depth + 1, c->alloc);
	c->stack[c->depth++] = n;
	return 1;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, JN_OBJECT);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, JN_ARRAY);
}

static int on_key(void *ctx, const unsigned char *k, size_t len)
{
	struct jctx *c = ctx;

	if (memchr(k, '\0', len))
		return fail(c, "an object key holds a NUL character");
	free(c->key);
	c->key = xmemdupz(k, len);
	c->key_line = c->line;
	return 1;
}

static int cmp_key(const void *a, const void *b, void *obj)
{
	const struct jnode *o = obj;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int d = strcmp(o->keys[x], o->keys[y]);

	if (d)
		return d;
	return x < y ? -1 : x > y;
}

/* Does o name a key twice?  Reports the second on its line. */
static int check_keys(struct jctx *c, struct jnode *o)
{
	size_t *ix, i, bad = 0, first = 0;
	int dup = 0;

	if (o->nr < 2)
		return 1;
	ix = xcalloc(o->nr, sizeof(*ix));
	for (i = 0; i < o->nr; i++)
		ix[i] = i;
	qsort_r(ix, o->nr, sizeof(*ix), cmp_key, o);
	for (i = 1; i < o->nr; i++) {
		if (strcmp(o->keys[ix[i - 1]], o->keys[ix[i]]))
			continue;
		/* The earliest second occurrence in the text. */
		if (!dup || ix[i] < bad) {
			bad = ix[i];
			first = ix[i - 1];
		}
		dup = 1;
	}
	free(ix);
	if (dup) {
		struct strbuf k = STRBUF_INIT;

		add_key(&k, o->keys[bad]);
		c->line = o->key_lines[bad];
		fail(c, "key \"%s\" appears twice in one object (first on line %d)", k.buf,
		     o->key_lines[first]);
		strbuf_release(&k);
		return 0;
	}
	return 1;
}

static int on_end_map(void *ctx)
{
	struct jctx *c = ctx;

	if (!c->depth)
		return fail(c, "'}' without '{'");
	if (!check_keys(c, c->stack[c->depth - 1]))
		return 0;
	c->depth--;
	return 1;
}

static int on_end_array(void *ctx)
{
	struct jctx *c = ctx;

	if (!c->depth)
		return fail(c, "']' without '['");
	c->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	on_null, on_bool, on_int, on_double, NULL, on_string,
	on_start_map, on_key, on_end_map, on_start_array, on_end_array,
};

/* yajl's own message, on one line. */
static void syntax_error(struct jctx *c, yajl_handle h, const unsigned char *chunk, size_t n)
{
	unsigned char *e = yajl_get_error(h, 0, chunk, n);
	struct strbuf m = STRBUF_INIT;

	strbuf_addstr(&m, e ? (const char *)e : "not valid JSON");
	strbuf_trim(&m);
	if (e)
		yajl_free_error(h, e);
	c->rc = error_input("%s:%d: not valid JSON: %s", c->origin, c->line, m.buf);
	strbuf_release(&m);
}

int jnode_parse(const char *text, size_t len, const char *origin, struct jnode **out)
{
	struct jctx c;
	yajl_handle h;
	size_t pos = 0;
	const char *nul;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.origin = origin;
	c.line = 1;
	nul = memchr(text, '\0', len);
	if (nul) {
		size_t i;

		for (i = 0; text + i < nul; i++)
			c.line += text[i] == '\n';
		return error_input("%s:%d: JSON contains a NUL byte", origin, c.line);
	}
	h = yajl_alloc(&callbacks, NULL, &c);
	if (!h)
		die("out of memory");
	while (pos < len && !c.rc) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) + 1 : len - pos;
		yajl_status st = yajl_parse(h, (const unsigned char *)text + pos, n);

		if (st != yajl_status_ok && !c.rc)
			syntax_error(&c, h, (const unsigned char *)text + pos, n);
		pos += n;
		if (nl && !c.rc)
			c.line++;
	}
	if (!c.rc) {
		/* A last line ending in a newline is complete; errors belong to it. */
		if (len && text[len - 1] == '\n' && c.line > 1)
			c.line--;
		if (yajl_complete_parse(h) != yajl_status_ok && !c.rc)
			syntax_error(&c, h, (const unsigned char *)"", 0);
	}
	if (!c.rc && !c.root)
		c.rc = error_input("%s:%d: no JSON value", origin, c.line);
	yajl_free(h);
	free(c.stack);
	free(c.key);
	if (c.rc) {
		jnode_free(c.root);
		return c.rc;
	}
	*out = c.root;
	return 0;
}
