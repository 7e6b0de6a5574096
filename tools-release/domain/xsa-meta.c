/*
 * xsa-meta.c: the security team's xsaNNN.meta: reading it strictly, and
 * what intake, xsa apply and xsa show take from it (see xsa-meta.h).
 */
#include "compat.h"
#include "xsa-meta.h"
#include "date.h"
#include "fs.h"
#include "hash.h"
#include "json-strict.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-apply.h"
#include "xsa-intake.h"
#include "xsa-status.h"
#include "xsa-store.h"
#include "xsa.h"

#include <ctype.h>
#include <fnmatch.h>

/* A .meta is a few kilobytes; anything far larger is not one. */
#define XSAMETA_MAX (1 << 20)

void xsameta_init(struct xsameta *m)
{
	memset(m, 0, sizeof(*m));
	strvec_init(&m->versions);
	strvec_init(&m->trees);
}

static void recipe_release(struct xsameta_recipe *r)
{
	free(r->version);
	free(r->tree);
	free(r->prereqs);
	strvec_clear(&r->patches);
	strvec_clear(&r->files);
}

void xsameta_release(struct xsameta *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		recipe_release(&m->r[i]);
	free(m->r);
	free(m->origin);
	free(m->file);
	strvec_clear(&m->versions);
	strvec_clear(&m->trees);
	xsameta_init(m);
}

const struct xsameta_recipe *xsameta_recipe(const struct xsameta *m, const char *version,
					    const char *tree)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->r[i].version, version) && !strcmp(m->r[i].tree, tree))
			return &m->r[i];
	return NULL;
}

void xsameta_prereqs_str(const struct xsameta_recipe *r, struct strbuf *out)
{
	size_t i;

	if (!r->nr_prereqs) {
		strbuf_addstr(out, "no prerequisites");
		return;
	}
	strbuf_addstr(out, r->nr_prereqs == 1 ? "prerequisite" : "prerequisites");
	for (i = 0; i < r->nr_prereqs; i++)
		strbuf_addf(out, "%s XSA-%d", i ? "," : "", r->prereqs[i]);
}

/* ---- reading ------------------------------------------------------------- */

struct mp {
	struct xsameta *m;
	const char *origin;
	int number;
	const char *const *names;
	size_t nr_names;
};

static int bad(const struct mp *p, int line, const char *fmt, ...) XS_PRINTF(3, 4);
static int bad(const struct mp *p, int line, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	rc = error_input("%s:%d: %s", p->origin, line, sb.buf);
	strbuf_release(&sb);
	return rc;
}

/* Untrusted text for a message: control characters escaped, long text cut. */
static void add_shown(struct strbuf *sb, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, (char)c);
	}
	if (i < len)
		strbuf_addstr(sb, "...");
}

static char *shown(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	add_shown(&sb, s, strlen(s));
	return strbuf_detach(&sb, NULL);
}

/* where + "[\"key\"]" */
static char *member(const char *where, const char *key)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s[\"", where);
	add_shown(&sb, key, strlen(key));
	strbuf_addstr(&sb, "\"]");
	return strbuf_detach(&sb, NULL);
}

/* Refuse keys of o other than the allowed ones. */
static int only_keys(const struct mp *p, const struct jnode *o, const char *where,
		     const char *const *allowed)
{
	size_t i, k;

	for (i = 0; i < o->nr; i++) {
		struct strbuf list = STRBUF_INIT;
		char *key;
		int rc;

		for (k = 0; allowed[k] && strcmp(allowed[k], o->keys[i]); k++)
			;
		if (allowed[k])
			continue;
		for (k = 0; allowed[k]; k++)
			strbuf_addf(&list, "%s%s", k ? ", " : "", allowed[k]);
		key = shown(o->keys[i]);
		rc = bad(p, o->key_lines[i], "%s: unknown key \"%s\" (expected %s)", where, key,
			 list.buf);
		free(key);
		strbuf_release(&list);
		return rc;
	}
	return 0;
}

/* How messages name the whole file. */
static const char top[] = "the .meta";

/* The member key of object o, of type t (or null when null_ok; *out NULL then). */
static int need(const struct mp *p, const struct jnode *o, const char *where, const char *key,
		enum jn_type t, int null_ok, const struct jnode **out)
{
	const struct jnode *n = jnode_get(o, key);

	*out = NULL;
	if (!n)
		return bad(p, o->line, "%s has no %s", where, key);
	if (n->type == JN_NULL && null_ok)
		return 0;
	if (n->type != t)
		return bad(p, n->line, "%s%s%s must be %s, not %s", where == top ? "" : where,
			   where == top ? "" : ".", key, jnode_type_name(t),
			   jnode_type_name(n->type));
	*out = n;
	return 0;
}

static int valid_version(const char *s)
{
	size_t a = 0, b = 0;

	if (!strcmp(s, "master"))
		return 1;
	while (isdigit((unsigned char)s[a]))
		a++;
	if (!a || a > 3 || s[a] != '.')
		return 0;
	while (isdigit((unsigned char)s[a + 1 + b]))
		b++;
	return b && b <= 3 && !s[a + 1 + b];
}

static int valid_tree(const char *s)
{
	size_t i;

	if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
		return 0;
	for (i = 0; s[i]; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    !strchr("-._", s[i]))
			return 0;
	return i <= 64;
}

/* A list of distinct strings, each passing ok(). */
static int string_list(const struct mp *p, const struct jnode *a, const char *where,
		       int (*ok)(const char *), const char *what, struct strvec *out)
{
	size_t i;

	if (!a->nr)
		return bad(p, a->line, "%s is empty", where);
	for (i = 0; i < a->nr; i++) {
		const struct jnode *n = a->v[i];
		char *s;
		int rc;

		if (n->type != JN_STRING)
			return bad(p, n->line, "%s holds %s, not a string", where,
				   jnode_type_name(n->type));
		if (strlen(n->s) == n->len && ok(n->s) && !strvec_contains(out, n->s)) {
			strvec_push(out, n->s);
			continue;
		}
		s = shown(n->s);
		if (strlen(n->s) == n->len && ok(n->s))
			rc = bad(p, n->line, "%s lists \"%s\" twice", where, s);
		else
			rc = bad(p, n->line, "%s: \"%s\" is not %s", where, s, what);
		free(s);
		return rc;
	}
	return 0;
}

/* A glob of a Patches list: a safe name where * ? [ ] may appear. */
static int glob_is_safe(const char *g)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	int ok;

	for (s = g; *s; s++)
		strbuf_addch(&sb, strchr("*?[]", *s) ? 'x' : *s);
	ok = *g && xsa_name_is_safe(sb.buf);
	strbuf_release(&sb);
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Expand the Patches globs over the advisory's files, in order. */
static int expand_patches(const struct mp *p, const struct jnode *a, const char *where,
			  struct xsameta_recipe *r)
{
	size_t i, k;

	for (i = 0; a && i < a->nr; i++) {
		const struct jnode *n = a->v[i];
		const char **hit;
		size_t nr_hit = 0;
		char *g;
		int rc = 0;

		if (n->type != JN_STRING)
			return bad(p, n->line, "%s holds %s, not a file name or glob", where,
				   jnode_type_name(n->type));
		if (strlen(n->s) != n->len || !glob_is_safe(n->s)) {
			g = shown(n->s);
			rc = bad(p, n->line, "%s: unsafe name \"%s\" (it must stay inside the "
				 "advisory's directory)", where, g);
			free(g);
			return rc;
		}
		hit = xcalloc(p->nr_names + 1, sizeof(*hit));
		for (k = 0; k < p->nr_names; k++) {
			const char *f = p->names[k];

			if (ends_with(f, ".meta"))
				continue;
			if (!strcmp(n->s, f) || !fnmatch(n->s, f, FNM_PATHNAME))
				hit[nr_hit++] = f;
		}
		if (!nr_hit) {
			g = shown(n->s);
			rc = bad(p, n->line, "%s: \"%s\" matches no file of the advisory's "
				 "sha256sum block", where, g);
			free(g);
		}
		/* A glob expands in name order, as the shell does. */
		qsort(hit, nr_hit, sizeof(*hit), cmp_str);
		for (k = 0; k < nr_hit && !rc; k++) {
			if (strvec_contains(&r->files, hit[k]))
				rc = bad(p, n->line, "%s names %s twice", where, hit[k]);
			else
				strvec_push(&r->files, hit[k]);
		}
		free(hit);
		if (rc)
			return rc;
		strvec_push(&r->patches, n->s);
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static int parse_prereqs(const struct mp *p, const struct jnode *a, const char *where,
			 struct xsameta_recipe *r)
{
	size_t i;
	int *sorted;

	if (!a)
		return 0;
	r->prereqs_line = a->line;
	r->prereqs = xcalloc(a->nr + 1, sizeof(*r->prereqs));
	for (i = 0; i < a->nr; i++) {
		const struct jnode *n = a->v[i];

		if (n->type != JN_INT)
			return bad(p, n->line, "%s holds %s, not an XSA number", where,
				   jnode_type_name(n->type));
		if (n->i < 1 || n->i > 99999)
			return bad(p, n->line, "%s: %lld is not an XSA number", where, n->i);
		if (n->i == p->m->xsa)
			return bad(p, n->line, "%s: XSA-%d cannot be its own prerequisite", where,
				   p->m->xsa);
		r->prereqs[r->nr_prereqs++] = (int)n->i;
	}
	sorted = xcalloc(r->nr_prereqs + 1, sizeof(*sorted));
	memcpy(sorted, r->prereqs, r->nr_prereqs * sizeof(*sorted));
	qsort(sorted, r->nr_prereqs, sizeof(*sorted), cmp_int);
	for (i = 1; i < r->nr_prereqs; i++)
		if (sorted[i] == sorted[i - 1]) {
			int x = sorted[i];

			free(sorted);
			return bad(p, a->line, "%s lists XSA-%d twice", where, x);
		}
	free(sorted);
	return 0;
}

static int parse_tree_recipe(const struct mp *p, const char *version, const char *tree,
			     const struct jnode *o, const char *where)
{
	static const char *const keys[] = { "StableRef", "Prereqs", "Patches", NULL };
	struct xsameta *m = p->m;
	struct xsameta_recipe *r;
	const struct jnode *ref, *pre, *pat;
	char *w;
	size_t i;
	int rc;

	if (o->type != JN_OBJECT)
		return bad(p, o->line, "%s must be an object, not %s", where,
			   jnode_type_name(o->type));
	if ((rc = only_keys(p, o, where, keys)) ||
	    (rc = need(p, o, where, "StableRef", JN_STRING, 0, &ref)) ||
	    (rc = need(p, o, where, "Prereqs", JN_ARRAY, 1, &pre)) ||
	    (rc = need(p, o, where, "Patches", JN_ARRAY, 1, &pat)))
		return rc;
	if (strlen(ref->s) != ref->len || !is_oid_hex(ref->s)) {
		char *s = shown(ref->s);

		rc = bad(p, ref->line, "%s.StableRef \"%s\" is not a commit id (40 hex digits)",
			 where, s);
		free(s);
		return rc;
	}
	ALLOC_GROW(m->r, m->nr + 1, m->alloc);
	r = &m->r[m->nr++];
	memset(r, 0, sizeof(*r));
	strvec_init(&r->patches);
	strvec_init(&r->files);
	r->version = xstrdup(version);
	r->tree = xstrdup(tree);
	r->line = o->line;
	for (i = 0; ref->s[i]; i++)
		r->stable_ref[i] = (char)tolower((unsigned char)ref->s[i]);
	r->stable_ref[i] = '\0';
	w = xstrfmt("%s.Prereqs", where);
	rc = parse_prereqs(p, pre, w, r);
	free(w);
	if (rc)
		return rc;
	w = xstrfmt("%s.Patches", where);
	rc = expand_patches(p, pat, w, r);
	free(w);
	return rc;
}

static int parse_version(const struct mp *p, const char *version, int key_line,
			 const struct jnode *o, const char *where)
{
	static const char *const keys[] = { "XenVersion", "Recipes", NULL };
	const struct jnode *xv, *trees;
	size_t i;
	int rc;

	if (!strvec_contains(&p->m->versions, version)) {
		char *v = shown(version);

		rc = bad(p, key_line, "Recipes has a recipe for \"%s\", which SupportedVersions "
			 "does not list", v);
		free(v);
		return rc;
	}
	if (o->type != JN_OBJECT)
		return bad(p, o->line, "%s must be an object, not %s", where,
			   jnode_type_name(o->type));
	if ((rc = only_keys(p, o, where, keys)) ||
	    (rc = need(p, o, where, "XenVersion", JN_STRING, 0, &xv)) ||
	    (rc = need(p, o, where, "Recipes", JN_OBJECT, 0, &trees)))
		return rc;
	if (strcmp(xv->s, version) || strlen(xv->s) != xv->len) {
		char *v = shown(xv->s);

		rc = bad(p, xv->line, "%s.XenVersion is \"%s\", not \"%s\"", where, v, version);
		free(v);
		return rc;
	}
	if (!trees->nr)
		return bad(p, trees->line, "%s.Recipes is empty", where);
	for (i = 0; i < trees->nr; i++) {
		char *base = xstrfmt("%s.Recipes", where), *w = member(base, trees->keys[i]);

		if (!strvec_contains(&p->m->trees, trees->keys[i]))
			rc = bad(p, trees->key_lines[i], "%s: tree not listed in Trees", w);
		else
			rc = parse_tree_recipe(p, version, trees->keys[i], trees->v[i], w);
		free(base);
		free(w);
		if (rc)
			return rc;
	}
	return 0;
}

int xsameta_parse(struct xsameta *m, const char *text, size_t len, const char *origin,
		  int number, const char *const *names, size_t nr_names)
{
	static const char *const keys[] = { "XSA", "SupportedVersions", "Trees", "Recipes",
					    NULL };
	struct mp p = { m, origin, number, names, nr_names };
	const struct jnode *x, *sv, *tr, *rec;
	struct jnode *root = NULL;
	size_t i;
	int rc;

	xsameta_release(m);
	m->origin = xstrdup(origin);
	m->file = xstrdup(path_basename(origin));
	if (len > XSAMETA_MAX)
		return error_input("%s: %zu bytes is too large for an XSA .meta file", origin,
				   len);
	rc = jnode_parse(text, len, origin, &root);
	if (rc)
		return rc;
	if (root->type != JN_OBJECT) {
		rc = bad(&p, root->line, "expected an object {\"XSA\": ..., \"Recipes\": ...}, "
			 "found %s", jnode_type_name(root->type));
		goto out;
	}
	if ((rc = only_keys(&p, root, top, keys)) ||
	    (rc = need(&p, root, top, "XSA", JN_INT, 0, &x)) ||
	    (rc = need(&p, root, top, "SupportedVersions", JN_ARRAY, 0, &sv)) ||
	    (rc = need(&p, root, top, "Trees", JN_ARRAY, 0, &tr)) ||
	    (rc = need(&p, root, top, "Recipes", JN_OBJECT, 0, &rec)))
		goto out;
	if (x->i < 1 || x->i > 99999) {
		rc = bad(&p, x->line, "XSA %lld is not an XSA number", x->i);
		goto out;
	}
	m->xsa = (int)x->i;
	if (number && m->xsa != number) {
		rc = bad(&p, x->line, "XSA is %d, but the advisory is XSA-%d", m->xsa, number);
		goto out;
	}
	if ((rc = string_list(&p, sv, "SupportedVersions", valid_version,
			      "a Xen version (\"master\" or \"X.Y\")", &m->versions)) ||
	    (rc = string_list(&p, tr, "Trees", valid_tree, "a source tree name", &m->trees)))
		goto out;
	for (i = 0; i < rec->nr && !rc; i++) {
		char *w = member("Recipes", rec->keys[i]);

		rc = parse_version(&p, rec->keys[i], rec->key_lines[i], rec->v[i], w);
		free(w);
	}
	for (i = 0; i < m->versions.nr && !rc; i++)
		if (!jnode_get(rec, m->versions.v[i]))
			rc = bad(&p, rec->line, "Recipes has no recipe for %s (SupportedVersions, "
				 "line %d, lists it)", m->versions.v[i], sv->line);
out:
	jnode_free(root);
	return rc;
}

/* Check a .meta (text, called origin) against advisory a; say what it holds. */
static int intake_check(const struct xsa_advisory *a, const char *origin, const char *text,
			size_t len, int listed)
{
	const char **names = xcalloc(a->nr_files + 1, sizeof(*names));
	struct xsameta m;
	struct strbuf vs = STRBUF_INIT;
	size_t i;
	int rc;

	xsameta_init(&m);
	for (i = 0; i < a->nr_files; i++)
		names[i] = a->files[i].name;
	rc = xsameta_parse(&m, text, len, origin, a->number, names, a->nr_files);
	free(names);
	for (i = 0; !rc && i < m.nr; i++) {
		strbuf_addf(&vs, "%s%s %s (", i ? "; " : "", m.r[i].version, m.r[i].tree);
		xsameta_prereqs_str(&m.r[i], &vs);
		strbuf_addch(&vs, ')');
	}
	if (!rc)
		say("%s: %s: %s", origin, listed ? "recipes" :
		    "NOT in the sha256sum block, read because of --allow-unsigned: recipes",
		    vs.buf);
	strbuf_release(&vs);
	xsameta_release(&m);
	return rc;
}

void xsameta_found_init(struct xsameta_found *mf)
{
	memset(mf, 0, sizeof(*mf));
	strbuf_init(&mf->extra, 0);
}

void xsameta_found_release(struct xsameta_found *mf)
{
	free(mf->name);
	strbuf_release(&mf->extra);
	xsameta_found_init(mf);
}

static char *intake_origin(const struct xsa_intake *in, const char *name)
{
	return in->dir ? xstrfmt("%s/%s", in->dir, name) :
		xstrfmt("%s: attachment %s", in->origin, name);
}

int xsameta_take(const struct xsa_advisory *a, struct xsa_intake *in,
		 const struct strbuf *data, const struct strbuf *beside, int allow_unsigned,
		 struct xsameta_found *mf)
{
	char *want = xstrfmt("xsa%d.meta", a->number), *origin;
	const struct strbuf *unlisted = NULL;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < a->nr_files && !rc; i++) {
		if (!ends_with(a->files[i].name, ".meta"))
			continue;
		for (k = 0; k < i && !rc; k++)
			if (ends_with(a->files[k].name, ".meta"))
				rc = error_input("%s:%d: a second .meta file, %s (the first is %s)",
						 in->origin, a->files[i].line, a->files[i].name,
						 a->files[k].name);
		if (rc)
			break;
		origin = intake_origin(in, a->files[i].name);
		rc = intake_check(a, origin, data[i].buf, data[i].len, 1);
		free(origin);
		mf->name = xstrdup(a->files[i].name);
		memcpy(mf->sha256, a->files[i].sha256, sizeof(mf->sha256));
		mf->listed = 1;
	}
	/* A mail may carry an unlisted one only when it is the one read. */
	for (i = 0; !rc && in->nr_att && i < in->nr_att; i++) {
		if (in->att[i].used)
			continue;
		if (!mf->name && allow_unsigned && !strcmp(in->att[i].name, want))
			unlisted = &in->att[i].data;
		else
			rc = error_input("%s:%d: attachment %s is not listed in the advisory's "
					 "sha256sum block", in->origin, in->att[i].line,
					 in->att[i].name);
	}
	if (!rc && !mf->name && beside) {
		if (allow_unsigned)
			unlisted = beside;
		else
			say("note: %s/%s is not in the advisory's sha256sum block: not read "
			    "(--allow-unsigned reads it)", in->dir, want);
	}
	if (!rc && unlisted) {
		origin = intake_origin(in, want);
		rc = intake_check(a, origin, unlisted->buf, unlisted->len, 0);
		free(origin);
		strbuf_addbuf(&mf->extra, unlisted);
		mf->name = xstrdup(want);
		sha256_hex(mf->extra.buf, mf->extra.len, mf->sha256);
	}
	free(want);
	return rc;
}

/* ---- the stored file ------------------------------------------------------ */

int xsameta_load(const struct xsa_store *s, const struct xsa_version *v, struct xsameta *m)
{
	const char **names;
	const char *file = v->xsameta, *sha = v->xsameta_sha256;
	struct strbuf text = STRBUF_INIT;
	char *path, *origin, want[16];
	char hex[SHA256_HEX_LEN + 1];
	int listed = v->xsameta_listed, rc;
	size_t i;

	xsameta_init(m);
	/* Stores made before meta.json said which: the block's xsaNNN.meta. */
	snprintf(want, sizeof(want), "xsa%d.meta", v->number);
	for (i = 0; !file && i < v->nr_files; i++)
		if (!strcmp(v->files[i].name, want)) {
			file = v->files[i].name;
			sha = v->files[i].sha256;
			listed = 1;
		}
	if (!file)
		return 1;
	path = xsa_store_path(s, v, file);
	origin = xstrfmt("%s/%s", v->dir, file);
	rc = read_file(&text, path, XSAMETA_MAX + 1);
	if (!rc) {
		sha256_hex(text.buf, text.len, hex);
		if (strcmp(hex, sha))
			rc = error_input("%s: its sha256 is %s, but %s/meta.json records %s", origin,
					 hex, v->dir, sha);
	}
	if (!rc) {
		names = xcalloc(v->nr_files + 1, sizeof(*names));
		for (i = 0; i < v->nr_files; i++)
			names[i] = v->files[i].name;
		rc = xsameta_parse(m, text.buf, text.len, origin, v->number, names, v->nr_files);
		free(names);
		m->listed = listed;
		m->is_signed = listed && !v->unsigned_input;
	}
	strbuf_release(&text);
	free(path);
	free(origin);
	return rc;
}

/* ---- xsa apply ------------------------------------------------------------ */

static long find_xsa(const int *xsa, size_t n, int x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (xsa[i] == x)
			return (long)i;
	return -1;
}

int xsameta_order(const int *xsa, const int *const *pre, const size_t *nr_pre, size_t n,
		  size_t *order, struct strbuf *cycle)
{
	char *done = xcalloc(n + 1, 1);
	size_t placed = 0, i, k;

	/* Kahn's order, taking the earliest ready item each time. */
	while (placed < n) {
		for (i = 0; i < n; i++) {
			int ready = !done[i];

			for (k = 0; ready && k < nr_pre[i]; k++) {
				long j = find_xsa(xsa, n, pre[i][k]);

				ready = j < 0 || (size_t)j == i || done[j];
			}
			if (ready)
				break;
		}
		if (i == n)
			break;
		done[i] = 1;
		order[placed++] = i;
	}
	if (placed < n) {
		/* Every item left needs another one left: follow needs until one repeats. */
		size_t *seen = xcalloc(n + 1, sizeof(*seen)), len = 0, at = 0, start;

		for (i = 0; i < n && done[i]; i++)
			;
		at = i;
		for (;;) {
			long j = -1;

			for (k = 0; k < len && seen[k] != at; k++)
				;
			if (k < len) {
				start = k;
				break;
			}
			seen[len++] = at;
			for (k = 0; j < 0 && k < nr_pre[at]; k++) {
				long c = find_xsa(xsa, n, pre[at][k]);

				if (c >= 0 && !done[c] && (size_t)c != at)
					j = c;
			}
			if (j < 0)
				BUG("an item left unordered needs nothing left");
			at = (size_t)j;
		}
		for (k = start; k < len; k++)
			strbuf_addf(cycle, "XSA-%d needs ", xsa[seen[k]]);
		strbuf_addf(cycle, "XSA-%d", xsa[seen[start]]);
		free(seen);
		free(done);
		return -1;
	}
	free(done);
	return 0;
}

static long matrix_row(const struct xsa_matrix *m, int xsa)
{
	size_t i;

	for (i = 0; i < m->nr_xsa; i++)
		if (m->xsa[i]->number == xsa)
			return (long)i;
	return -1;
}

/* Take what the .meta of e's advisory says for the plan's branch. */
static int entry_meta(const struct xsa_store *s, const struct xsa_matrix *m, size_t bi,
		      const struct xa_plan *plan, struct xa_entry *e, int **pre, size_t *nr_pre,
		      char **where)
{
	const struct xsa_record *r = xsa_store_find(s, e->xsa);
	const struct xsa_version *v = NULL;
	const struct xsameta_recipe *rec;
	struct xsameta meta;
	long row;
	size_t k;
	int rc;

	for (k = 0; r && k < r->nr; k++)
		if (r->v[k].version == e->version)
			v = &r->v[k];
	if (!v)
		return 0;
	rc = xsameta_load(s, v, &meta);
	if (rc && !v->xsameta) {
		/* Stored before .meta files were read: not checked then, not trusted now. */
		if (rc < 0)
			warning("XSA-%d: its .meta is not used (see above)", e->xsa);
		xsameta_release(&meta);
		return 0;
	}
	if (rc) {
		xsameta_release(&meta);
		return rc < 0 ? rc : 0;
	}
	e->meta_file = xstrdup(meta.file);
	row = matrix_row(m, e->xsa);
	rec = xsameta_recipe(&meta, plan->branch, "xen");
	/* A branch that takes the fix from master: the recipe made for master. */
	if (!rec && row >= 0 && xsa_matrix_cell(m, (size_t)row, bi)->inherited)
		rec = xsameta_recipe(&meta, "master", "xen");
	if (rec) {
		snprintf(e->made_against, sizeof(e->made_against), "%s", rec->stable_ref);
		e->prereqs = xcalloc(rec->nr_prereqs + 1, sizeof(*e->prereqs));
		*pre = xcalloc(rec->nr_prereqs + 1, sizeof(**pre));
		for (k = 0; k < rec->nr_prereqs; k++) {
			struct xa_prereq *q = &e->prereqs[e->nr_prereqs++];
			long pr = matrix_row(m, rec->prereqs[k]);

			q->xsa = rec->prereqs[k];
			q->stored = pr >= 0;
			q->state = pr >= 0 ? xsa_matrix_cell(m, (size_t)pr, bi)->state : XSA_PENDING;
			(*pre)[k] = rec->prereqs[k];
		}
		*nr_pre = rec->nr_prereqs;
		*where = xstrfmt("%s:%d", meta.origin, rec->prereqs_line ? rec->prereqs_line :
				 rec->line);
	}
	xsameta_release(&meta);
	return 0;
}

int xsameta_plan(const struct xsa_store *s, const struct xsa_matrix *m, size_t bi,
		 struct xa_plan *plan)
{
	size_t n = plan->nr, i;
	int *xsa = xcalloc(n + 1, sizeof(*xsa));
	int **pre = xcalloc(n + 1, sizeof(*pre));
	size_t *nr_pre = xcalloc(n + 1, sizeof(*nr_pre)), *order = xcalloc(n + 1, sizeof(*order));
	char **where = xcalloc(n + 1, sizeof(*where));
	struct strbuf cycle = STRBUF_INIT;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		xsa[i] = plan->e[i].xsa;
		rc = entry_meta(s, m, bi, plan, &plan->e[i], &pre[i], &nr_pre[i], &where[i]);
	}
	if (!rc && n > 1 &&
	    xsameta_order(xsa, (const int *const *)pre, nr_pre, n, order, &cycle)) {
		struct strbuf files = STRBUF_INIT;

		for (i = 0; i < n; i++) {
			char word[32];

			snprintf(word, sizeof(word), "XSA-%d ", xsa[i]);
			if (where[i] && strstr(cycle.buf, word))
				strbuf_addf(&files, "%s%s", files.len ? ", " : "", where[i]);
		}
		rc = error_input("the Prereqs of the stored .meta files go round in a circle on %s: "
				 "%s (%s); no order can satisfy them", plan->branch, cycle.buf,
				 files.buf);
		strbuf_release(&files);
	} else if (!rc && n > 1) {
		struct xa_entry *e = xcalloc(plan->alloc + 1, sizeof(*e));

		for (i = 0; i < n; i++)
			e[i] = plan->e[order[i]];
		memcpy(plan->e, e, n * sizeof(*e));
		free(e);
	}
	for (i = 0; i < n; i++) {
		free(pre[i]);
		free(where[i]);
	}
	free(xsa);
	free(pre);
	free(nr_pre);
	free(order);
	free(where);
	strbuf_release(&cycle);
	return rc;
}

static const char *short_ref(const char *ref)
{
	const char *v;

	return skip_prefix(ref, "refs/heads/", &v) ? v : ref;
}

int xsameta_describe_base(const struct git_repo *src, const char *oid, const char *ref,
			  struct strbuf *out)
{
	char c[GIT_MAX_HEXSZ + 1], tip[GIT_MAX_HEXSZ + 1], day[11];
	struct strbuf o = STRBUF_INIT;
	const char *name = short_ref(ref);
	long long t;
	int rc = git_resolve_commit(src, oid, c), anc;

	if (rc < 0)
		return rc;
	if (rc == 1) {
		strbuf_addf(out, "patches were made against %.12s, which the source repository "
			    "does not have", oid);
		return 0;
	}
	rc = git_cmd(src, &o, "show", "-s", "--format=%ct", c, NULL);
	if (rc) {
		strbuf_release(&o);
		return rc;
	}
	t = strtoll(o.buf, NULL, 10);
	strbuf_release(&o);
	date_format_day((long)(t / 86400), day);
	rc = git_resolve_commit(src, ref, tip);
	if (rc)
		anc = 0;
	else
		anc = git_is_ancestor(src, c, tip);
	if (rc < 0 || anc < 0)
		return rc < 0 ? rc : anc;
	if (anc != 1) {
		strbuf_addf(out, "patches were made against %.12s (committed %s), which is not in "
			    "%s's history", c, day, name);
		return 0;
	}
	{
		char *range = xstrfmt("%s..%s", c, tip);
		long ahead;

		rc = git_cmd(src, &o, "rev-list", "--count", range, NULL);
		free(range);
		if (rc) {
			strbuf_release(&o);
			return rc;
		}
		ahead = strtol(o.buf, NULL, 10);
		strbuf_release(&o);
		strbuf_addf(out, "patches were made against %.12s (%s tip as of %s); ", c, name,
			    day);
		if (ahead)
			strbuf_addf(out, "the branch is %ld commit%s ahead", ahead,
				    ahead == 1 ? "" : "s");
		else
			strbuf_addstr(out, "the branch has not moved since");
	}
	return 0;
}

void xsameta_explain(const struct git_repo *src, const struct xa_plan *plan,
		     struct xa_entry *e)
{
	const char *name = short_ref(plan->branch_ref);
	size_t at = (size_t)(e - plan->e), i, j;

	strvec_clear(&e->meta_hints);
	for (i = 0; i < e->nr_prereqs; i++) {
		const struct xa_prereq *q = &e->prereqs[i];
		struct strbuf sb = STRBUF_INIT;

		if (q->stored && q->state == XSA_APPLIED)
			continue;
		for (j = 0; j < at && plan->e[j].xsa != q->xsa; j++)
			;
		/* Tried first in this run (or found in): not what is missing. */
		if (j < at && (plan->e[j].outcome == XA_PENDING || plan->e[j].outcome == XA_ALREADY))
			continue;
		strbuf_addf(&sb, "xsa%d needs XSA-%d first (%s Prereqs); XSA-%d ", e->xsa, q->xsa,
			    e->meta_file, q->xsa);
		if (!q->stored)
			strbuf_addstr(&sb, "is not in the store (import its advisory first)");
		else if (q->state == XSA_PENDING)
			strbuf_addf(&sb, "is pending on %s (xenstable xsa apply %s %d %d)", name,
				    plan->branch, q->xsa, e->xsa);
		else
			strbuf_addf(&sb, "is %s on %s", xsa_state_name(q->state), name);
		strvec_push(&e->meta_hints, sb.buf);
		strbuf_release(&sb);
	}
	if (e->made_against[0]) {
		struct strbuf sb = STRBUF_INIT;

		if (!xsameta_describe_base(src, e->made_against, plan->branch_ref, &sb)) {
			strbuf_addf(&sb, " (%s StableRef)", e->meta_file);
			strvec_push(&e->meta_hints, sb.buf);
		}
		strbuf_release(&sb);
	}
}
