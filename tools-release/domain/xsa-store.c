/*
 * xsa-store.c: reading and writing the XSA store (layout in xsa-store.h,
 * schema in xsa/README.md).
 */
#include "compat.h"
#include "xsa-store.h"
#include "date.h"
#include "fs.h"
#include "hash.h"
#include "json.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

void xsa_version_release(struct xsa_version *v)
{
	size_t i;

	free(v->dir);
	free(v->advisory);
	free(v->title);
	free(v->signer_uid);
	free(v->public_source);
	free(v->xsameta);
	strvec_clear(&v->cves);
	for (i = 0; i < v->nr_files; i++) {
		free(v->files[i].name);
		free(v->files[i].project);
		free(v->files[i].range_text);
		free(v->files[i].pattern);
		free(v->files[i].ranges);
	}
	free(v->files);
	memset(v, 0, sizeof(*v));
}

static void mark_release(struct xsa_mark *m)
{
	free(m->branch);
	free(m->state);
	free(m->reason);
	free(m->commit);
}

static void record_release(struct xsa_record *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		xsa_version_release(&r->v[i]);
	free(r->v);
	for (i = 0; i < r->nr_marks; i++)
		mark_release(&r->marks[i]);
	free(r->marks);
	memset(r, 0, sizeof(*r));
}

static void index_entry_release(struct xsa_index_entry *e)
{
	free(e->title);
	strvec_clear(&e->cves);
}

void xsa_store_release(struct xsa_store *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		record_release(&s->x[i]);
	free(s->x);
	for (i = 0; i < s->nr_idx; i++)
		index_entry_release(&s->idx[i]);
	free(s->idx);
	free(s->root);
	memset(s, 0, sizeof(*s));
}

struct xsa_record *xsa_store_find(const struct xsa_store *s, int number)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (s->x[i].number == number)
			return &s->x[i];
	return NULL;
}

const struct xsa_index_entry *xsa_index_find(const struct xsa_store *s, int number)
{
	size_t i;

	for (i = 0; i < s->nr_idx; i++)
		if (s->idx[i].number == number)
			return &s->idx[i];
	return NULL;
}

char *xsa_store_path(const struct xsa_store *s, const struct xsa_version *v,
		     const char *name)
{
	char *rel = xstrfmt("%s/%s", v->dir, name);
	char *p = path_join(s->root, rel);

	free(rel);
	return p;
}

/* --- dates --------------------------------------------------------------- */

int64_t xsa_public_time(const struct xsa_store *s, const struct xsa_record *r)
{
	const struct xsa_index_entry *e = xsa_index_find(s, r->number);
	int64_t t = 0, floor = 0;
	size_t i;

	for (i = r->nr; i--; ) {
		if (!t && r->v[i].public_time)
			t = r->v[i].public_time;
		if (!floor && r->v[i].embargo_until)
			floor = r->v[i].embargo_until;
	}
	if (!t && e && e->public_time)
		t = e->public_time;
	return t > floor ? t : floor;
}

int64_t xsa_advisory_date(const struct xsa_store *s, const struct xsa_record *r)
{
	int64_t t = xsa_public_time(s, r);
	size_t i;

	if (t)
		return t;
	for (i = 0; i < r->nr; i++)
		if (r->v[i].signed_at)
			return r->v[i].signed_at;
	return r->nr ? r->v[0].imported_at : 0;
}

int xsa_embargoed_at(const struct xsa_store *s, const struct xsa_record *r, int64_t t)
{
	int64_t pub = xsa_public_time(s, r);

	return pub && t < pub;
}

/* --- meta.json ------------------------------------------------------------ */

static void write_ranges(struct json_writer *w, const struct xsa_file *f)
{
	size_t k;

	jw_key(w, "ranges");
	jw_arr_begin(w);
	for (k = 0; k < f->nr_ranges; k++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

		xsa_endpoint_str(&f->ranges[k].a, &a);
		xsa_endpoint_str(&f->ranges[k].b, &b);
		jw_arr_begin(w);
		jw_str(w, a.buf);
		if (strcmp(a.buf, b.buf))
			jw_str(w, b.buf);
		jw_arr_end(w);
		strbuf_release(&a);
		strbuf_release(&b);
	}
	jw_arr_end(w);
}

void xsa_meta_write(const struct xsa_verified *v, struct strbuf *out)
{
	const struct xsa_advisory *a = v->adv;
	struct json_writer w;
	int64_t until = a->embargo_until, pub = v->public_time ? v->public_time : until;
	size_t i;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_int(&w, "schema", XSA_META_SCHEMA);
	jw_kv_int(&w, "xsa", a->number);
	jw_kv_int(&w, "version", a->version);
	jw_kv_str(&w, "title", a->title);
	jw_kv_strvec(&w, "cves", &a->cves);
	jw_key(&w, "advisory");
	jw_obj_begin(&w);
	jw_kv_str(&w, "file", v->advisory_name);
	jw_kv_str(&w, "sha256", v->advisory_sha256);
	jw_obj_end(&w);
	jw_key(&w, "signature");
	if (v->signer) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "fingerprint", v->signer);
		jw_kv_str(&w, "uid", v->signer_uid);
		jw_kv_time(&w, "signed_at", v->signed_at);
		jw_obj_end(&w);
	} else {
		jw_null(&w);
	}
	jw_kv_bool(&w, "unsigned", !v->signer);
	jw_kv_bool(&w, "public_release", a->public_release);
	jw_kv_time(&w, "embargo_until", until);
	jw_kv_time(&w, "public_time", pub);
	jw_kv_str(&w, "public_time_source", !pub ? NULL : v->public_source ? v->public_source :
		  "embargo");
	jw_kv_str(&w, "embargo", pub && v->imported_at < pub ? "embargoed" :
		  pub || a->public_release ? "public" : "unknown");
	jw_kv_time(&w, "imported_at", v->imported_at);
	jw_key(&w, "files");
	jw_arr_begin(&w);
	for (i = 0; i < a->nr_files; i++) {
		const struct xsa_file *f = &a->files[i];

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", f->name);
		jw_kv_str(&w, "sha256", f->sha256);
		jw_kv_str(&w, "project", f->project);
		jw_kv_str(&w, "range", f->range_text);
		if (!strcmp(f->project, "xen"))
			write_ranges(&w, f);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (v->xsameta) {
		jw_key(&w, "xsa_meta");
		jw_obj_begin(&w);
		jw_kv_str(&w, "file", v->xsameta);
		jw_kv_str(&w, "sha256", v->xsameta_sha256);
		jw_kv_bool(&w, "in_sha256_block", v->xsameta_listed);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_finish(&w, out);
	jw_release(&w);
}

static int get_time(yajl_val o, const char *key, int64_t *t, const char *path)
{
	yajl_val v = json_get(o, key);

	*t = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!YAJL_IS_STRING(v) || date_parse_time(YAJL_GET_STRING(v), t))
		return error_input("%s: '%s' is not a time", path, key);
	return 0;
}

static int get_str(yajl_val o, const char *key, char **out, const char *path, int required)
{
	const char *s = json_get_string(o, key);

	*out = NULL;
	if (!s) {
		yajl_val v = json_get(o, key);

		if (!required && (!v || json_is_null(v)))
			return 0;
		return error_input("%s: '%s' is missing or not a string", path, key);
	}
	*out = xstrdup(s);
	return 0;
}

static int parse_meta_file(struct xsa_file *f, yajl_val o, const char *path)
{
	const char *sha;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = get_str(o, "name", &f->name, path, 1)) ||
	    (rc = get_str(o, "project", &f->project, path, 1)) ||
	    (rc = get_str(o, "range", &f->range_text, path, 0)))
		return rc;
	if (!xsa_name_is_safe(f->name))
		return error_input("%s: unsafe file name '%s'", path, f->name);
	sha = json_get_string(o, "sha256");
	if (!sha || !is_sha256_hex(sha))
		return error_input("%s: %s has no valid sha256", path, f->name);
	memcpy(f->sha256, sha, 65);
	if (f->range_text && !strcmp(f->project, "xen")) {
		struct strbuf why = STRBUF_INIT;
		char *proj = NULL;

		if (xsa_parse_range(f->range_text, f->name, &proj, &f->ranges, &f->nr_ranges,
				    &why) || strcmp(proj, "xen"))
			rc = error_input("%s: range '%s' of %s does not parse: %s", path,
					 f->range_text, f->name, why.len ? why.buf : "not a Xen range");
		free(proj);
		strbuf_release(&why);
	}
	return rc;
}

int xsa_meta_parse(struct xsa_version *v, const char *path, const char *text, size_t len)
{
	yajl_val root, a, files, sig;
	long long n;
	size_t i;
	int rc;

	memset(v, 0, sizeof(*v));
	strvec_init(&v->cves);
	rc = json_parse_flags(text, len, path, JSON_NO_CONTROL, &root);
	if (rc)
		return rc;
	if (!YAJL_IS_OBJECT(root)) {
		rc = error_input("%s: not a JSON object", path);
		goto out;
	}
	if (!json_get_int(root, "schema", &n) || n != XSA_META_SCHEMA) {
		rc = error_input("%s: unknown schema (expected %d)", path, XSA_META_SCHEMA);
		goto out;
	}
	if (!json_get_int(root, "xsa", &n) || n < 1 || n > 99999) {
		rc = error_input("%s: 'xsa' is missing or not a number", path);
		goto out;
	}
	v->number = (int)n;
	if (!json_get_int(root, "version", &n) || n < 1 || n > 999) {
		rc = error_input("%s: 'version' is missing or not a number", path);
		goto out;
	}
	v->version = (int)n;
	if ((rc = get_str(root, "title", &v->title, path, 1)))
		goto out;
	a = json_get(root, "cves");
	if (!a || !YAJL_IS_ARRAY(a)) {
		rc = error_input("%s: 'cves' is missing or not a list", path);
		goto out;
	}
	for (i = 0; i < json_array_len(a); i++) {
		yajl_val c = json_array_at(a, i);

		if (!YAJL_IS_STRING(c) || !starts_with(YAJL_GET_STRING(c), "CVE-")) {
			rc = error_input("%s: cves[%zu] is not a CVE id", path, i);
			goto out;
		}
		strvec_push(&v->cves, YAJL_GET_STRING(c));
	}
	a = json_get(root, "advisory");
	if (!a || !json_get_string(a, "file") || !json_get_string(a, "sha256") ||
	    !xsa_name_is_safe(json_get_string(a, "file")) ||
	    !is_sha256_hex(json_get_string(a, "sha256"))) {
		rc = error_input("%s: 'advisory' must name the file and its sha256", path);
		goto out;
	}
	v->advisory = xstrdup(json_get_string(a, "file"));
	memcpy(v->advisory_sha256, json_get_string(a, "sha256"), 65);
	sig = json_get(root, "signature");
	{
		yajl_val u = json_get(root, "unsigned");

		/* Signed or not is said twice; both must be there and agree. */
		if (!sig || !(YAJL_IS_OBJECT(sig) || json_is_null(sig)) || !u ||
		    !(YAJL_IS_TRUE(u) || YAJL_IS_FALSE(u)) ||
		    (!YAJL_IS_TRUE(u)) != YAJL_IS_OBJECT(sig)) {
			rc = error_input("%s: 'signature' and 'unsigned' are missing or disagree",
					 path);
			goto out;
		}
	}
	if (YAJL_IS_OBJECT(sig)) {
		const char *f = json_get_string(sig, "fingerprint");

		if (!f || strlen(f) != 40 || !is_hex_string(f, 40)) {
			rc = error_input("%s: bad signature fingerprint", path);
			goto out;
		}
		memcpy(v->signer, f, 41);
		if ((rc = get_str(sig, "uid", &v->signer_uid, path, 0)) ||
		    (rc = get_time(sig, "signed_at", &v->signed_at, path)))
			goto out;
	} else {
		v->unsigned_input = 1;
	}
	{
		yajl_val b = json_get(root, "public_release");

		if (b && !YAJL_IS_TRUE(b) && !YAJL_IS_FALSE(b)) {
			rc = error_input("%s: 'public_release' is not true or false", path);
			goto out;
		}
		v->public_release = b && YAJL_IS_TRUE(b);
	}
	if ((rc = get_time(root, "embargo_until", &v->embargo_until, path)) ||
	    (rc = get_time(root, "public_time", &v->public_time, path)) ||
	    (rc = get_str(root, "public_time_source", &v->public_source, path, 0)) ||
	    (rc = get_time(root, "imported_at", &v->imported_at, path)))
		goto out;
	files = json_get(root, "files");
	if (!files || !YAJL_IS_ARRAY(files)) {
		rc = error_input("%s: 'files' is missing", path);
		goto out;
	}
	v->files = xcalloc(json_array_len(files) + 1, sizeof(*v->files));
	for (i = 0; i < json_array_len(files) && !rc; i++) {
		yajl_val f = json_array_at(files, i);

		if (!YAJL_IS_OBJECT(f)) {
			rc = error_input("%s: files[%zu] is not an object", path, i);
			break;
		}
		rc = parse_meta_file(&v->files[i], f, path);
		v->nr_files = i + 1;
	}
	a = json_get(root, "xsa_meta");
	if (!rc && a && !json_is_null(a)) {
		const char *f = json_get_string(a, "file"), *sha = json_get_string(a, "sha256");
		yajl_val l = json_get(a, "in_sha256_block");

		if (!f || !xsa_name_is_safe(f) || !ends_with(f, ".meta") || !sha ||
		    !is_sha256_hex(sha) || !l || !(YAJL_IS_TRUE(l) || YAJL_IS_FALSE(l))) {
			rc = error_input("%s: 'xsa_meta' must name the file, its sha256 and "
					 "whether the sha256sum block lists it", path);
			goto out;
		}
		v->xsameta = xstrdup(f);
		memcpy(v->xsameta_sha256, sha, 65);
		v->xsameta_listed = YAJL_IS_TRUE(l);
	}
out:
	json_free(root);
	return rc;
}

/* --- marks.json -------------------------------------------------------- */

/* 40 or 64 lower-case hex digits. */
static int is_hex_oid(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return !s[n] && (n == 40 || n == 64);
}

static int parse_marks(struct xsa_record *r, const char *path, const char *text, size_t len)
{
	yajl_val root, arr;
	size_t i;
	int rc = json_parse_flags(text, len, path, JSON_NO_CONTROL, &root);

	if (rc)
		return rc;
	arr = json_get(root, "marks");
	if (!arr || !YAJL_IS_ARRAY(arr)) {
		rc = error_input("%s: 'marks' is missing", path);
		goto out;
	}
	for (i = 0; i < json_array_len(arr) && !rc; i++) {
		yajl_val o = json_array_at(arr, i);
		struct xsa_mark m;

		memset(&m, 0, sizeof(m));
		if ((rc = get_str(o, "branch", &m.branch, path, 1)) ||
		    (rc = get_str(o, "state", &m.state, path, 1)) ||
		    (rc = get_str(o, "reason", &m.reason, path, 1)) ||
		    (rc = get_time(o, "time", &m.time, path))) {
			mark_release(&m);
			break;
		}
		if (strcmp(m.state, "not-affected") && strcmp(m.state, "needs-backport") &&
		    strcmp(m.state, "adapted")) {
			rc = error_input("%s: unknown state '%s' for %s", path, m.state, m.branch);
			mark_release(&m);
			break;
		}
		/* "adapted" names the commit made by hand; nothing else does. */
		rc = get_str(o, "commit", &m.commit, path, !strcmp(m.state, "adapted"));
		if (!rc && m.commit && (strcmp(m.state, "adapted") || !is_hex_oid(m.commit)))
			rc = error_input("%s: 'commit' of the %s mark for %s is not an adapted "
					 "commit id", path, m.state, m.branch);
		if (rc) {
			mark_release(&m);
			break;
		}
		ALLOC_GROW(r->marks, r->nr_marks + 1, r->alloc_marks);
		r->marks[r->nr_marks++] = m;
	}
out:
	json_free(root);
	return rc;
}

void xsa_marks_json(struct json_writer *w, const struct xsa_record *r)
{
	size_t i;

	jw_key(w, "marks");
	jw_arr_begin(w);
	for (i = 0; i < r->nr_marks; i++) {
		jw_obj_begin(w);
		jw_kv_str(w, "branch", r->marks[i].branch);
		jw_kv_str(w, "state", r->marks[i].state);
		jw_kv_str(w, "reason", r->marks[i].reason);
		if (r->marks[i].commit)
			jw_kv_str(w, "commit", r->marks[i].commit);
		jw_kv_time(w, "time", r->marks[i].time);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_marks(const struct xsa_record *r, struct strbuf *out)
{
	struct json_writer w;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_int(&w, "xsa", r->number);
	xsa_marks_json(&w, r);
	jw_obj_end(&w);
	jw_finish(&w, out);
	jw_release(&w);
}

static int set_mark(const char *repo_root, struct xsa_record *r, const char *branch,
		    const char *state, const char *reason, const char *commit, int64_t now);

int xsa_store_set_mark(const char *repo_root, struct xsa_record *r, const char *branch,
		       const char *state, const char *reason, int64_t now)
{
	return set_mark(repo_root, r, branch, state, reason, NULL, now);
}

int xsa_store_set_adapted(const char *repo_root, struct xsa_record *r, const char *branch,
			  const char *commit, const char *reason, int64_t now)
{
	return set_mark(repo_root, r, branch, "adapted", reason, commit, now);
}

static int set_mark(const char *repo_root, struct xsa_record *r, const char *branch,
		    const char *state, const char *reason, const char *commit, int64_t now)
{
	struct strbuf out = STRBUF_INIT;
	char *rel = xstrfmt("xsa/%d/marks.json", r->number);
	char *path = path_join(repo_root, rel);
	struct xsa_mark *m = NULL;
	size_t i;
	int rc;

	for (i = 0; i < r->nr_marks; i++)
		if (!strcmp(r->marks[i].branch, branch))
			m = &r->marks[i];
	if (!m) {
		ALLOC_GROW(r->marks, r->nr_marks + 1, r->alloc_marks);
		m = &r->marks[r->nr_marks++];
		memset(m, 0, sizeof(*m));
		m->branch = xstrdup(branch);
	}
	free(m->state);
	free(m->reason);
	free(m->commit);
	m->state = xstrdup(state);
	m->reason = xstrdup(reason);
	m->commit = commit ? xstrdup(commit) : NULL;
	m->time = now;
	write_marks(r, &out);
	rc = write_file_atomic(path, out.buf, out.len, 0644);
	strbuf_release(&out);
	free(rel);
	free(path);
	return rc;
}

/* --- loading ----------------------------------------------------------- */

static int all_digits(const char *s)
{
	if (!*s || *s == '0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int cmp_version(const void *a, const void *b)
{
	const struct xsa_version *x = a, *y = b;

	return x->version - y->version;
}

static int cmp_record(const void *a, const void *b)
{
	const struct xsa_record *x = a, *y = b;

	return x->number - y->number;
}

static int load_record(struct xsa_store *s, const char *xsadir, const char *name)
{
	struct strvec ents = STRVEC_INIT;
	struct xsa_record r;
	char *dir = path_join(xsadir, name);
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	r.number = atoi(name);
	rc = list_dir(dir, &ents);
	for (i = 0; !rc && i < ents.nr; i++) {
		const char *e = ents.v[i];
		struct strbuf text = STRBUF_INIT;
		char *rel = NULL, *path;

		if (e[0] == 'v' && all_digits(e + 1)) {
			struct xsa_version v;

			rel = xstrfmt("xsa/%s/%s/meta.json", name, e);
			path = path_join(s->root, rel);
			rc = read_file(&text, path, 4 << 20);
			if (!rc)
				rc = xsa_meta_parse(&v, rel, text.buf, text.len);
			if (!rc && (v.number != r.number || v.version != atoi(e + 1)))
				rc = error_input("%s: says XSA-%d version %d, but it is stored "
						 "as %s/%s", rel, v.number, v.version, name, e);
			if (!rc) {
				v.dir = xstrfmt("xsa/%s/%s", name, e);
				ALLOC_GROW(r.v, r.nr + 1, r.alloc);
				r.v[r.nr++] = v;
			} else {
				xsa_version_release(&v);
			}
			free(path);
		} else if (!strcmp(e, "marks.json")) {
			rel = xstrfmt("xsa/%s/marks.json", name);
			path = path_join(s->root, rel);
			rc = read_file(&text, path, 4 << 20);
			if (!rc)
				rc = parse_marks(&r, rel, text.buf, text.len);
			free(path);
		}
		free(rel);
		strbuf_release(&text);
	}
	strvec_clear(&ents);
	free(dir);
	if (!rc && r.nr) {
		qsort(r.v, r.nr, sizeof(*r.v), cmp_version);
		ALLOC_GROW(s->x, s->nr + 1, s->alloc);
		s->x[s->nr++] = r;
	} else {
		record_release(&r);
	}
	return rc;
}

int xsa_store_load(struct xsa_store *s, const char *repo_root)
{
	struct strvec names = STRVEC_INIT;
	char *dir;
	size_t i;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->root = xstrdup(repo_root);
	dir = path_join(repo_root, "xsa");
	if (is_dir(dir)) {
		rc = list_dir(dir, &names);
		for (i = 0; !rc && i < names.nr; i++)
			if (all_digits(names.v[i]))
				rc = load_record(s, dir, names.v[i]);
		if (!rc) {
			struct strbuf text = STRBUF_INIT;
			char *path = path_join(dir, "xenbits.json");

			rc = read_file_if_exists(&text, path, 64 << 20);
			if (rc == 1)
				rc = 0;
			else if (!rc)
				rc = xsa_index_parse(s, "xsa/xenbits.json", text.buf, text.len);
			strbuf_release(&text);
			free(path);
		}
	}
	strvec_clear(&names);
	free(dir);
	if (rc) {
		xsa_store_release(s);
		return rc;
	}
	if (s->nr > 1)
		qsort(s->x, s->nr, sizeof(*s->x), cmp_record);
	return 0;
}

int xsa_store_refresh(struct xsa_store *s, int number)
{
	char *dir = path_join(s->root, "xsa");
	char name[16];
	size_t i;
	int rc;

	for (i = 0; i < s->nr; i++) {
		if (s->x[i].number == number) {
			record_release(&s->x[i]);
			memmove(&s->x[i], &s->x[i + 1], (s->nr - i - 1) * sizeof(*s->x));
			s->nr--;
			break;
		}
	}
	snprintf(name, sizeof(name), "%d", number);
	rc = load_record(s, dir, name);
	free(dir);
	if (!rc && s->nr > 1)
		qsort(s->x, s->nr, sizeof(*s->x), cmp_record);
	return rc;
}

/* --- adding a version ---------------------------------------------------- */

static int write_blob(const char *top, const struct xsa_blob *b)
{
	char *path = path_join(top, b->name);
	char *d = path_dirname(path);
	int rc = mkdir_p(d, 0755);

	if (!rc)
		rc = write_file_atomic(path, b->data, b->len, 0644);
	free(d);
	free(path);
	return rc;
}

/* Remove half-built versions a crash may have left behind. */
static void clean_incoming(const char *xsadir)
{
	struct strvec names = STRVEC_INIT;
	size_t i;

	if (list_dir(xsadir, &names))
		return;
	for (i = 0; i < names.nr; i++) {
		if (starts_with(names.v[i], ".incoming-")) {
			char *p = path_join(xsadir, names.v[i]);

			remove_tree(p);
			free(p);
		}
	}
	strvec_clear(&names);
}

int xsa_store_add_version(const char *repo_root, int number, int version,
			  const struct xsa_blob *blobs, size_t nr, const struct strbuf *meta)
{
	char *xsadir = path_join(repo_root, "xsa");
	char *tmpl = NULL, *numdir = NULL, *vname = xstrfmt("v%d", version);
	char *stage = NULL, *final = NULL, *num = xstrfmt("%d", number);
	size_t i;
	int rc = mkdir_p(xsadir, 0755);

	if (rc)
		goto out;
	clean_incoming(xsadir);
	tmpl = path_join(xsadir, ".incoming-XXXXXX");
	if (!mkdtemp(tmpl)) {
		rc = error_errno("cannot create a directory in '%s'", xsadir);
		goto out;
	}
	chmod(tmpl, 0755);
	stage = xstrfmt("%s/%s/%s", tmpl, num, vname);
	rc = mkdir_p(stage, 0755);
	for (i = 0; !rc && i < nr; i++)
		rc = write_blob(stage, &blobs[i]);
	if (!rc) {
		struct xsa_blob m = { "meta.json", meta->buf, meta->len };

		rc = write_blob(stage, &m);
	}
	if (!rc)
		rc = fsync_dir(stage);
	crash_point("xsa-store-add");
	numdir = path_join(xsadir, num);
	if (!rc) {
		/* A new XSA appears with its first version in one rename. */
		if (!path_exists(numdir)) {
			char *from = path_join(tmpl, num);

			if (rename(from, numdir))
				rc = error_errno("cannot move %s into place", numdir);
			free(from);
			if (!rc)
				rc = fsync_dir(xsadir);
		} else {
			final = path_join(numdir, vname);
			if (path_exists(final))
				rc = error_env("%s appeared while importing", final);
			else if (rename(stage, final))
				rc = error_errno("cannot move %s into place", final);
			if (!rc)
				rc = fsync_dir(numdir);
		}
	}
out:
	if (tmpl && path_exists(tmpl))
		remove_tree(tmpl);
	free(tmpl);
	free(xsadir);
	free(numdir);
	free(vname);
	free(stage);
	free(final);
	free(num);
	return rc;
}
