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
	if (s->nr)
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
	s->dirty = 1;
}

/* ---- keeping --------------------------------------------------------------- */

/*
 * The SHA-256 of a kept file: 0, or 1 when there is no regular file
 * there (absent, a link, a directory), <0 on a read error (reported).
 */
static int kept_sha256(const char *path, char hex[SHA256_HEX_LEN + 1])
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int rc;

	if (lstat(path, &st))
		return errno == ENOENT ? 1 : error_errno("cannot stat '%s'", path);
	if (!S_ISREG(st.st_mode))
		return 1;
	rc = read_file_if_exists(&sb, path, BUNDLE_MAX_FILE + 1);
	if (!rc)
		sha256_hex(sb.buf, sb.len, hex);
	strbuf_release(&sb);
	return rc;
}

static int is_kept_name(const char *name)
{
	return name[0] != '.' && (ends_with(name, ".tar.gz") || ends_with(name, ".tar.gz.gpg"));
}

/* Is rel the kept file of a record other than (id, revision)? */
static int path_recorded_for_other(const struct bundle_store *s, const char *rel, const char *id,
				   long revision)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (s->v[i].file && !strcmp(s->v[i].file, rel) &&
		    (strcmp(s->v[i].id, id) || s->v[i].revision != revision))
			return 1;
	return 0;
}

int bundle_store_place(const struct bundle_store *s, const struct bundle *b, char **rel,
		       int *present)
{
	const char *ext = b->encrypted ? ".tar.gz.gpg" : ".tar.gz";
	struct strbuf xsas = STRBUF_INIT;
	char *name = bundle_file_name(&b->m, b->encrypted), *cand[3];
	size_t i, k;
	int rc = 1;

	*rel = NULL;
	*present = 0;
	for (i = 0; i < b->m.nr_xsas; i++)
		strbuf_addf(&xsas, "%s%d", i ? "+" : "", b->m.xsas[i]);
	/* The short name people know; the full id; the full id and the content. */
	cand[0] = xstrfmt("backports/%s/%s", b->m.branch, name);
	cand[1] = xstrfmt("backports/%s/xsa%s-%s-%s-r%ld%s", b->m.branch, xsas.buf, b->m.branch,
			  b->m.id, b->m.revision, ext);
	cand[2] = xstrfmt("backports/%s/xsa%s-%s-%s-r%ld-%.16s%s", b->m.branch, xsas.buf,
			  b->m.branch, b->m.id, b->m.revision, b->file_sha256, ext);
	for (k = 0; k < ARRAY_SIZE(cand) && rc == 1; k++) {
		char *path = path_join(s->root, cand[k]);
		char hex[SHA256_HEX_LEN + 1];
		int have = kept_sha256(path, hex);

		free(path);
		if (have < 0) {
			rc = have;
			break;
		}
		if (path_recorded_for_other(s, cand[k], b->m.id, b->m.revision))
			continue;	/* another bundle's name, even while its file is gone */
		if (have == 1) {
			rc = 0;
		} else if (!strcmp(hex, b->file_sha256)) {
			*present = 1;
			rc = 0;
		} else {
			continue;	/* other bytes: never overwritten */
		}
		*rel = cand[k];
		cand[k] = NULL;
	}
	if (rc == 1)
		rc = error_env("backports/%s: no free name to keep bundle %s revision %ld under "
			       "(%s and two longer names are taken by other files)", b->m.branch,
			       b->m.id, b->m.revision, name);
	for (k = 0; k < ARRAY_SIZE(cand); k++)
		free(cand[k]);
	free(name);
	strbuf_release(&xsas);
	return rc;
}

/* Does the record's kept file still hold the bytes it recorded? */
static int record_file_intact(const struct bundle_store *s, const struct bundle_record *r)
{
	char hex[SHA256_HEX_LEN + 1], *path;
	int rc;

	if (!r->file)
		return 0;
	path = path_join(s->root, r->file);
	rc = kept_sha256(path, hex);
	free(path);
	if (rc < 0)
		return rc;
	return !rc && !strcmp(hex, r->file_sha256);
}

int bundle_keep(struct bundle_store *s, const struct bundle *b, int64_t now, char **kept)
{
	const struct bundle_record *r = bundle_store_find(s, b->m.id, b->m.revision);
	char *rel = NULL, *path = NULL, *dir = NULL;
	int rc, present = 0, wrote = 0;

	*kept = NULL;
	/* Seen and kept already: nothing is written over it. */
	if (r && (rc = record_file_intact(s, r)) != 0) {
		if (rc < 0)
			return rc;
		rc = s->dirty ? bundle_store_save(s) : 0;
		if (!rc)
			*kept = xstrdup(r->file);
		return rc;
	}
	rc = bundle_store_place(s, b, &rel, &present);
	if (rc)
		return rc;
	path = path_join(s->root, rel);
	dir = path_dirname(path);
	if (!present) {
		rc = mkdir_p(dir, 0755);
		if (!rc)
			rc = write_file_atomic(path, b->raw.buf, b->raw.len, 0644);
		if (rc)
			goto out;
		wrote = 1;
	}
	crash_point("bundle-keep");
	bundle_store_add(s, b, rel, now);
	rc = bundle_store_save(s);
	if (rc && wrote) {
		/* Kept and recorded together, or neither. */
		if (unlink(path) && errno != ENOENT)
			error_errno("cannot remove '%s' (kept, but not recorded in %s)", path,
				    SEEN_PATH);
		else
			fsync_dir(dir);
	}
	if (!rc) {
		*kept = rel;
		rel = NULL;
	}
out:
	free(rel);
	free(path);
	free(dir);
	return rc;
}

/* ---- rebuilding what was seen --------------------------------------------- */

/* Records that name rel but whose bytes are not there any more lose it. */
static void drop_stale_file(struct bundle_store *s, const char *rel, const char *sha)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		struct bundle_record *r = &s->v[i];

		if (r->file && !strcmp(r->file, rel) && strcmp(r->file_sha256, sha)) {
			warning("%s: no longer holds bundle %s revision %ld that %s recorded there",
				rel, r->id, r->revision, SEEN_PATH);
			free(r->file);
			r->file = NULL;
			s->dirty = 1;
		}
	}
}

static int reconcile_one(struct bundle_store *s, struct bundle_members *bm,
			 struct gpg_ctx *user_gpg, const char *rel)
{
	char *path = path_join(s->root, rel);
	char hex[SHA256_HEX_LEN + 1];
	struct bundle_record *r;
	struct bundle kb;
	size_t i;
	int rc;

	rc = kept_sha256(path, hex);
	if (rc) {
		free(path);
		return rc < 0 ? rc : 0;
	}
	for (i = 0; i < s->nr; i++)
		if (s->v[i].file && !strcmp(s->v[i].file, rel) && !strcmp(s->v[i].file_sha256, hex)) {
			free(path);
			return 0;	/* seen.json agrees */
		}
	/* Not recorded as it is: only its signature can say what it is. */
	bundle_init(&kb);
	rc = bundle_read(&kb, path, user_gpg);
	if (!rc)
		rc = bundle_verify(&kb, bm);
	if (rc) {
		warning("%s is kept here but %s does not record it, and it does not verify "
			"(above): it does not count as seen", rel, SEEN_PATH);
		drop_stale_file(s, rel, hex);
		bundle_release(&kb);
		free(path);
		return rc == -XS_ENV ? rc : 0;
	}
	drop_stale_file(s, rel, kb.file_sha256);
	r = (struct bundle_record *)bundle_store_find(s, kb.m.id, kb.m.revision);
	if (r && strcmp(r->manifest_sha256, kb.manifest_sha256)) {
		warning("%s: revision %ld of bundle %s was seen here with another manifest "
			"(%s); that record stands", rel, kb.m.revision, kb.m.id, SEEN_PATH);
	} else if (r) {
		if (record_file_intact(s, r) != 1) {
			free(r->file);
			r->file = xstrdup(rel);
			memcpy(r->file_sha256, kb.file_sha256, sizeof(r->file_sha256));
			r->encrypted = kb.encrypted;
			s->dirty = 1;
		}
	} else {
		say("%s: verified again and recorded in %s (it did not record bundle %s "
		    "revision %ld)", rel, SEEN_PATH, kb.m.id, kb.m.revision);
		bundle_store_add(s, &kb, rel, date_now());
	}
	bundle_release(&kb);
	free(path);
	return 0;
}

int bundle_store_reconcile(struct bundle_store *s, struct bundle_members *bm,
			   struct gpg_ctx *user_gpg)
{
	char *bdir = path_join(s->root, "backports");
	struct strvec dirs = STRVEC_INIT;
	size_t i, k;
	int rc = 0;

	if (!is_dir(bdir)) {
		free(bdir);
		return 0;
	}
	rc = list_dir(bdir, &dirs);
	for (i = 0; !rc && i < dirs.nr; i++) {
		struct strvec files = STRVEC_INIT;
		char *dir = path_join(bdir, dirs.v[i]);
		struct stat st;

		if (dirs.v[i][0] == '.' || !strcmp(dirs.v[i], "members") || lstat(dir, &st) ||
		    !S_ISDIR(st.st_mode)) {
			free(dir);
			continue;
		}
		rc = list_dir(dir, &files);
		for (k = 0; !rc && k < files.nr; k++) {
			char *rel;

			if (!is_kept_name(files.v[k]))
				continue;
			rel = xstrfmt("backports/%s/%s", dirs.v[i], files.v[k]);
			if (path_is_safe(rel))
				rc = reconcile_one(s, bm, user_gpg, rel);
			free(rel);
		}
		strvec_clear(&files);
		free(dir);
	}
	strvec_clear(&dirs);
	free(bdir);
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

int bundle_is_kept_copy(const struct bundle_store *s, const struct bundle *b)
{
	const struct bundle_record *r = bundle_store_find(s, b->m.id, b->m.revision);

	return r && r->file && !strcmp(r->file_sha256, b->file_sha256);
}
