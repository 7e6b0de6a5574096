/*
 * bundle-store.c: backports/seen.json, the bundles kept beside it, the
 * replay guard and the embargo's agreement with the XSA store.
 */
#include "compat.h"
#include "bundle-store.h"
#include "date.h"
#include "fs.h"
#include "json.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-store.h"

#define SEEN_PATH "backports/seen.json"

static void record_release(struct bundle_record *r)
{
	free(r->branch);
	free(r->xsas);
	free(r->producer);
	free(r->file);
	memset(r, 0, sizeof(*r));
}

void bundle_store_release(struct bundle_store *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		record_release(&s->v[i]);
	free(s->v);
	free(s->root);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

static int cmp_record(const void *a, const void *b)
{
	const struct bundle_record *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->revision < y->revision ? -1 : x->revision > y->revision;
}

static int hex_len_ok(const char *s, size_t n)
{
	return s && strlen(s) == n && is_hex_string(s, n);
}

static int get_time_field(yajl_val o, const char *key, int64_t *t)
{
	yajl_val v = json_get(o, key);

	*t = 0;
	if (json_is_null(v))
		return 0;
	if (!v || !YAJL_IS_STRING(v) || date_parse_time(v->u.string, t))
		return -1;
	return 0;
}

static int parse_record(struct bundle_record *r, yajl_val o)
{
	const char *id = json_get_string(o, "id"), *sha = json_get_string(o, "manifest_sha256"),
		   *branch = json_get_string(o, "branch"), *prod = json_get_string(o, "producer"),
		   *fpr = json_get_string(o, "fingerprint"), *base = json_get_string(o, "base_commit"),
		   *fsha = json_get_string(o, "file_sha256");
	yajl_val file = json_get(o, "file"), xsas = json_get(o, "xsas"), enc = json_get(o, "encrypted");
	long long rev;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (!id || !bundle_id_ok(id) || !json_get_int(o, "revision", &rev) || rev < 1 ||
	    rev > INT32_MAX || !hex_len_ok(sha, 64) || !branch || !prod ||
	    !hex_len_ok(fpr, GPG_FPR_LEN) || !base || strlen(base) > 64 ||
	    !hex_len_ok(fsha, 64) || !xsas || !YAJL_IS_ARRAY(xsas) ||
	    !(json_is_null(file) || (file && YAJL_IS_STRING(file) && path_is_safe(file->u.string))) ||
	    !enc || !(YAJL_IS_TRUE(enc) || YAJL_IS_FALSE(enc)) ||
	    get_time_field(o, "embargo_until", &r->embargo_until) ||
	    get_time_field(o, "seen_at", &r->seen_at))
		return -1;
	memcpy(r->id, id, 37);
	r->revision = (long)rev;
	memcpy(r->manifest_sha256, sha, 65);
	r->branch = xstrdup(branch);
	r->producer = xstrdup(prod);
	memcpy(r->fingerprint, fpr, GPG_FPR_LEN + 1);
	memcpy(r->base_commit, base, strlen(base) + 1);
	memcpy(r->file_sha256, fsha, 65);
	r->file = json_is_null(file) ? NULL : xstrdup(file->u.string);
	r->encrypted = YAJL_IS_TRUE(enc);
	r->xsas = xcalloc(json_array_len(xsas) + 1, sizeof(int));
	for (i = 0; i < json_array_len(xsas); i++) {
		yajl_val x = json_array_at(xsas, i);

		if (!YAJL_IS_INTEGER(x))
			return -1;
		r->xsas[r->nr_xsas++] = (int)YAJL_GET_INTEGER(x);
	}
	return 0;
}

int bundle_store_load(struct bundle_store *s, const char *maint_root)
{
	struct strbuf text = STRBUF_INIT;
	yajl_val root = NULL, arr;
	long long schema;
	size_t i;
	int rc;

	memset(s, 0, sizeof(*s));
	s->root = xstrdup(maint_root);
	s->path = path_join(maint_root, SEEN_PATH);
	rc = read_file_if_exists(&text, s->path, 16 << 20);
	if (rc == 1) {
		strbuf_release(&text);
		return 0;
	}
	if (!rc)
		rc = json_parse(text.buf, text.len, SEEN_PATH, &root);
	if (rc)
		goto out;
	arr = json_get(root, "bundles");
	if (!json_get_int(root, "schema", &schema) || schema != BUNDLE_SEEN_SCHEMA ||
	    !arr || !YAJL_IS_ARRAY(arr)) {
		rc = error_input("%s: not a seen.json of schema %d", SEEN_PATH, BUNDLE_SEEN_SCHEMA);
		goto out;
	}
	for (i = 0; i < json_array_len(arr); i++) {
		ALLOC_GROW(s->v, s->nr + 1, s->alloc);
		if (parse_record(&s->v[s->nr], json_array_at(arr, i))) {
			record_release(&s->v[s->nr]);
			rc = error_input("%s: entry %zu is malformed", SEEN_PATH, i + 1);
			goto out;
		}
		s->nr++;
	}
	qsort(s->v, s->nr, sizeof(*s->v), cmp_record);
out:
	json_free(root);
	strbuf_release(&text);
	return rc;
}

int bundle_store_save(const struct bundle_store *s)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	char *dir = path_dirname(s->path);
	size_t i;
	int rc;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_int(&w, "schema", BUNDLE_SEEN_SCHEMA);
	jw_key(&w, "bundles");
	jw_arr_begin(&w);
	for (i = 0; i < s->nr; i++) {
		const struct bundle_record *r = &s->v[i];

		jw_obj_begin(&w);
		jw_kv_str(&w, "id", r->id);
		jw_kv_int(&w, "revision", r->revision);
		jw_kv_str(&w, "manifest_sha256", r->manifest_sha256);
		jw_kv_str(&w, "branch", r->branch);
		jw_kv_ints(&w, "xsas", r->xsas, r->nr_xsas);
		jw_kv_time(&w, "embargo_until", r->embargo_until);
		jw_kv_str(&w, "producer", r->producer);
		jw_kv_str(&w, "fingerprint", r->fingerprint);
		jw_kv_str(&w, "base_commit", r->base_commit);
		jw_kv_str(&w, "file", r->file);
		jw_kv_str(&w, "file_sha256", r->file_sha256);
		jw_kv_bool(&w, "encrypted", r->encrypted);
		jw_kv_time(&w, "seen_at", r->seen_at);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_finish(&w, &out);
	jw_release(&w);
	rc = mkdir_p(dir, 0755);
	if (!rc)
		rc = write_file_atomic(s->path, out.buf, out.len, 0644);
	strbuf_release(&out);
	free(dir);
	return rc;
}

const struct bundle_record *bundle_store_highest(const struct bundle_store *s, const char *id)
{
	const struct bundle_record *best = NULL;
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->v[i].id, id) && (!best || s->v[i].revision > best->revision))
			best = &s->v[i];
	return best;
}

const struct bundle_record *bundle_store_find(const struct bundle_store *s, const char *id,
					      long revision)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->v[i].id, id) && s->v[i].revision == revision)
			return &s->v[i];
	return NULL;
}

int bundle_store_check(const struct bundle_store *s, const struct bundle *b)
{
	const struct bundle_record *hi = bundle_store_highest(s, b->m.id), *same;
	char d[32];

	if (!hi)
		return 0;
	date_format_short(hi->seen_at, d);
	if (strcmp(hi->fingerprint, b->m.fingerprint))
		return error_input("%s: bundle %s was produced by member '%s' (key %s); revision "
				   "%ld is signed by '%s': only the producer may revise a bundle",
				   b->origin, b->m.id, hi->producer, hi->fingerprint,
				   b->m.revision, b->m.producer);
	if (b->m.revision < hi->revision)
		return error_input("%s: revision %ld of bundle %s is older than revision %ld, "
				   "seen here on %s UTC (%s): refusing a replay of a superseded "
				   "bundle", b->origin, b->m.revision, b->m.id, hi->revision, d,
				   SEEN_PATH);
	same = bundle_store_find(s, b->m.id, b->m.revision);
	if (same && strcmp(same->manifest_sha256, b->manifest_sha256))
		return error_input("%s: revision %ld of bundle %s differs from the revision %ld "
				   "seen here before (%s): a published revision never changes",
				   b->origin, b->m.revision, b->m.id, same->revision, SEEN_PATH);
	if (strcmp(hi->branch, b->m.branch))
		return error_input("%s: bundle %s was for branch %s; revision %ld says %s",
				   b->origin, b->m.id, hi->branch, b->m.revision, b->m.branch);
	return 0;
}

void bundle_store_add(struct bundle_store *s, const struct bundle *b, const char *file,
		      int64_t now)
{
	struct bundle_record *r = (struct bundle_record *)bundle_store_find(s, b->m.id,
									     b->m.revision);
	size_t i;

	if (r) {
		record_release(r);
	} else {
		ALLOC_GROW(s->v, s->nr + 1, s->alloc);
		r = &s->v[s->nr++];
	}
	memset(r, 0, sizeof(*r));
	memcpy(r->id, b->m.id, sizeof(r->id));
	r->revision = b->m.revision;
	memcpy(r->manifest_sha256, b->manifest_sha256, sizeof(r->manifest_sha256));
	r->branch = xstrdup(b->m.branch);
	r->xsas = xcalloc(b->m.nr_xsas + 1, sizeof(int));
	for (i = 0; i < b->m.nr_xsas; i++)
		r->xsas[r->nr_xsas++] = b->m.xsas[i];
	r->embargo_until = b->m.embargo_until;
	r->producer = xstrdup(b->m.producer);
	memcpy(r->fingerprint, b->m.fingerprint, sizeof(r->fingerprint));
	memcpy(r->base_commit, b->m.base_commit, sizeof(r->base_commit));
	r->file = file ? xstrdup(file) : NULL;
	memcpy(r->file_sha256, b->file_sha256, sizeof(r->file_sha256));
	r->encrypted = b->encrypted;
	r->seen_at = now;
	qsort(s->v, s->nr, sizeof(*s->v), cmp_record);
}

int bundle_keep(struct bundle_store *s, const struct bundle *b, int64_t now, char **kept)
{
	char *name = bundle_file_name(&b->m, b->encrypted);
	char *rel = xstrfmt("backports/%s/%s", b->m.branch, name);
	char *path = path_join(s->root, rel), *dir = path_dirname(path);
	struct strbuf old = STRBUF_INIT;
	int rc;

	*kept = NULL;
	rc = read_file_if_exists(&old, path, BUNDLE_MAX_FILE + 1);
	if (rc < 0)
		goto out;
	if (rc == 1 || old.len != b->raw.len || memcmp(old.buf, b->raw.buf, old.len)) {
		rc = mkdir_p(dir, 0755);
		if (!rc)
			rc = write_file_atomic(path, b->raw.buf, b->raw.len, 0644);
		if (rc)
			goto out;
	}
	crash_point("bundle-keep");
	bundle_store_add(s, b, rel, now);
	rc = bundle_store_save(s);
	if (!rc) {
		*kept = rel;
		rel = NULL;
	}
out:
	strbuf_release(&old);
	free(name);
	free(rel);
	free(path);
	free(dir);
	return rc;
}

/* ---- embargo ----------------------------------------------------------------- */

int bundle_embargo_state(const struct bundle *b, const struct xsa_store *xs, int64_t date,
			 struct strvec *unknown)
{
	int64_t until = b->m.embargo_until, latest = 0;
	int latest_xsa = 0;
	size_t i;

	/*
	 * A bundle's embargo is that of its most embargoed advisory: once it
	 * has ended, it must not be later than the last of their public times.
	 */
	for (i = 0; i < b->m.nr_xsas; i++) {
		int x = b->m.xsas[i];
		const struct xsa_record *r = xs ? xsa_store_find(xs, x) : NULL;
		const struct xsa_index_entry *e = xs ? xsa_index_find(xs, x) : NULL;
		int64_t pub = r ? xsa_public_time(xs, r) : e ? e->public_time : 0;
		char dp[32], du[32], dd[32];

		if (!pub) {
			if (unknown)
				strvec_pushf(unknown, "XSA-%d", x);
			continue;
		}
		date_format_short(pub, dp);
		date_format_short(date, dd);
		if (until)
			date_format_short(until, du);
		if ((!until || until <= date) && pub > date)
			return error_input("%s: manifest.json says %s, but the XSA store says XSA-%d "
					   "is embargoed until %s UTC (on %s UTC); refusing it",
					   b->origin, until ? "its embargo has ended" :
					   "it is public (embargo_until null)", x, dp, dd);
		if (pub > latest) {
			latest = pub;
			latest_xsa = x;
		}
	}
	if (until && until <= date && latest && until > latest) {
		char du[32], dp[32];

		date_format_short(until, du);
		date_format_short(latest, dp);
		return error_input("%s: manifest.json's embargo ended at %s UTC, later than "
				   "XSA-%d's public time %s UTC in the XSA store (the latest of its "
				   "advisories): the two disagree; refusing it", b->origin, du,
				   latest_xsa, dp);
	}
	return until && until > date;
}

/* ---- lookup for the status matrix ------------------------------------------ */

static struct {
	char *root;
	struct timespec mtime;
	off_t size;
	int loaded;
	struct bundle_store s;
} lookup_cache;

int bundle_backport_lookup(const char *maint_root, int xsa, const char *branch,
			   struct strbuf *what)
{
	char *seen = path_join(maint_root, SEEN_PATH);
	struct stat st;
	size_t i, k;
	int have = !stat(seen, &st);

	free(seen);
	if (!have)
		return 0;
	if (!lookup_cache.loaded || strcmp(lookup_cache.root, maint_root) ||
	    lookup_cache.size != st.st_size ||
	    lookup_cache.mtime.tv_sec != st.st_mtim.tv_sec ||
	    lookup_cache.mtime.tv_nsec != st.st_mtim.tv_nsec) {
		if (lookup_cache.loaded)
			bundle_store_release(&lookup_cache.s);
		free(lookup_cache.root);
		lookup_cache.root = xstrdup(maint_root);
		lookup_cache.mtime = st.st_mtim;
		lookup_cache.size = st.st_size;
		lookup_cache.loaded = 1;
		if (bundle_store_load(&lookup_cache.s, maint_root))
			return 0;	/* reported; the matrix goes on without bundles */
	}
	for (i = 0; i < lookup_cache.s.nr; i++) {
		const struct bundle_record *r = &lookup_cache.s.v[i];
		int covers = 0;
		char *path;

		for (k = 0; k < r->nr_xsas; k++)
			if (r->xsas[k] == xsa)
				covers = 1;
		if (!covers || strcmp(r->branch, branch) || !r->file ||
		    bundle_store_highest(&lookup_cache.s, r->id) != r)
			continue;
		path = path_join(maint_root, r->file);
		covers = is_regular_file(path);
		free(path);
		if (!covers)
			continue;
		strbuf_addf(what, "bundle %.8s r%ld by %s: %s", r->id, r->revision, r->producer,
			    r->file);
		if (r->embargo_until) {
			char d[32];

			date_format_short(r->embargo_until, d);
			strbuf_addf(what, " (embargo until %s UTC)", d);
		}
		return 1;
	}
	return 0;
}
