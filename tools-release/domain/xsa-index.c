/*
 * xsa-index.c: xenbits' xsa.json, read (public times and titles of XSAs
 * we do not hold) and written for the store (xenstable xsa index):
 *
 *	[{"xsas":[{"xsa":"26","title":"...","cve":["CVE-2012-5510"],
 *	  "files":[{"name":"xsa26-4.1.patch","project":"xen","upstream":"Xen",
 *	            "versions":[["4.1.x"]]}],
 *	  "public_time":"2012-12-03 17:51","version":3,
 *	  "version_time":"2012-12-03 17:51"}]}]
 *
 * "versions" holds one list per range: [end] or [end, end], each end
 * "xen-unstable" or "X.Y.x"; other projects keep their range text.
 */
#include "compat.h"
#include "xsa-store.h"
#include "date.h"
#include "json.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

static const char *upstream_name(const char *project)
{
	static const struct { const char *p, *u; } names[] = {
		{ "xen", "Xen" }, { "linux", "Linux" }, { "xapi", "XAPI" },
		{ "qemu", "QEMU" }, { "libvirt", "libvirt" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(names[i].p, project))
			return names[i].u;
	return NULL;
}

static void kv_short_time(struct json_writer *w, const char *key, int64_t t)
{
	char buf[32];

	if (!t) {
		jw_kv_null(w, key);
		return;
	}
	date_format_short(t, buf);
	jw_kv_str(w, key, buf);
}

static void write_versions(struct json_writer *w, const struct xsa_file *f)
{
	size_t k;

	jw_key(w, "versions");
	jw_arr_begin(w);
	if (!strcmp(f->project, "xen")) {
		for (k = 0; k < f->nr_ranges; k++) {
			const struct xsa_endpoint *e[2] = { &f->ranges[k].a, &f->ranges[k].b };
			int j, n = memcmp(e[0], e[1], sizeof(*e[0])) ? 2 : 1;

			jw_arr_begin(w);
			for (j = 0; j < n; j++) {
				struct strbuf s = STRBUF_INIT;

				if (e[j]->kind == XSA_EP_UNSTABLE)
					strbuf_addstr(&s, "xen-unstable");
				else
					strbuf_addf(&s, "%d.%d.x", e[j]->major, e[j]->minor);
				jw_str(w, s.buf);
				strbuf_release(&s);
			}
			jw_arr_end(w);
		}
	} else if (f->range_text) {
		jw_arr_begin(w);
		jw_str(w, f->range_text);
		jw_arr_end(w);
	}
	jw_arr_end(w);
}

void xsa_index_write(const struct xsa_store *s, struct strbuf *out)
{
	struct json_writer w;
	size_t i, k;

	jw_init(&w, 1);
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_key(&w, "xsas");
	jw_arr_begin(&w);
	for (i = 0; i < s->nr; i++) {
		const struct xsa_record *r = &s->x[i];
		const struct xsa_version *v = xsa_latest(r);
		char num[16];

		snprintf(num, sizeof(num), "%d", r->number);
		jw_obj_begin(&w);
		jw_kv_str(&w, "xsa", num);
		jw_kv_str(&w, "title", v->title);
		jw_kv_strvec(&w, "cve", &v->cves);
		jw_key(&w, "files");
		jw_arr_begin(&w);
		for (k = 0; k < v->nr_files; k++) {
			const struct xsa_file *f = &v->files[k];

			jw_obj_begin(&w);
			jw_kv_str(&w, "name", f->name);
			jw_kv_str(&w, "project", f->project);
			jw_kv_str(&w, "upstream", upstream_name(f->project));
			write_versions(&w, f);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		kv_short_time(&w, "public_time", xsa_public_time(s, r));
		jw_kv_int(&w, "version", v->version);
		kv_short_time(&w, "version_time", v->signed_at ? v->signed_at : v->imported_at);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_finish(&w, out);
	jw_release(&w);
}

/* "xsa": a number, or a string of decimal digits with no leading zero. */
static int entry_number(yajl_val e, int *n)
{
	yajl_val v = json_get(e, "xsa");
	const char *s;
	long x = 0;

	if (v && YAJL_IS_INTEGER(v)) {
		long long ll = YAJL_GET_INTEGER(v);

		if (ll < 1 || ll > 99999)
			return -1;
		x = (long)ll;
	} else if (v && YAJL_IS_STRING(v)) {
		s = YAJL_GET_STRING(v);
		if (!*s || *s == '0' || strlen(s) > 5)
			return -1;
		for (; *s; s++) {
			if (!isdigit((unsigned char)*s))
				return -1;
			x = x * 10 + (*s - '0');
		}
	} else {
		return -1;
	}
	*n = (int)x;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct xsa_index_entry *x = a, *y = b;

	return x->number - y->number;
}

/* One entry of "xsas"; every member we read must have the type we expect. */
static int parse_entry(yajl_val e, size_t i, const char *origin, struct xsa_index_entry *ent)
{
	yajl_val v;
	size_t k;
	long long ver;

	if (!YAJL_IS_OBJECT(e) || entry_number(e, &ent->number))
		return error_input("%s: xsas[%zu]: 'xsa' is not an XSA number", origin, i);
	v = json_get(e, "title");
	if (v && !json_is_null(v)) {
		if (!YAJL_IS_STRING(v))
			return error_input("%s: XSA-%d: 'title' is not a string", origin, ent->number);
		ent->title = xstrdup(YAJL_GET_STRING(v));
	}
	v = json_get(e, "cve");
	if (v && !json_is_null(v) && !YAJL_IS_ARRAY(v))
		return error_input("%s: XSA-%d: 'cve' is not a list", origin, ent->number);
	for (k = 0; k < json_array_len(v); k++) {
		yajl_val c = json_array_at(v, k);

		if (!YAJL_IS_STRING(c))
			return error_input("%s: XSA-%d: cve[%zu] is not a string", origin,
					   ent->number, k);
		strvec_push(&ent->cves, YAJL_GET_STRING(c));
	}
	v = json_get(e, "public_time");
	if (v && !json_is_null(v)) {
		const char *t = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

		if (!t || (*t && date_parse_time(t, &ent->public_time)))
			return error_input("%s: XSA-%d: public_time '%s' is not a time "
					   "(YYYY-MM-DD HH:MM, UTC)", origin, ent->number,
					   t ? t : "(not a string)");
	}
	v = json_get(e, "version");
	if (v && !json_is_null(v)) {
		if (!json_get_int(e, "version", &ver) || ver < 1 || ver > 999)
			return error_input("%s: XSA-%d: 'version' is not a number from 1 to 999",
					   origin, ent->number);
		ent->version = (int)ver;
	}
	v = json_get(e, "files");
	if (v && !json_is_null(v) && !YAJL_IS_ARRAY(v))
		return error_input("%s: XSA-%d: 'files' is not a list", origin, ent->number);
	return 0;
}

/*
 * Read xenbits' xsa.json.  It comes unsigned, from a web site: strict
 * JSON (no duplicate keys, no comments), no control characters in any
 * string (titles are shown in terminals and pages), exactly the shape
 * xenbits writes.
 */
int xsa_index_parse(struct xsa_store *s, const char *origin, const char *text, size_t len)
{
	yajl_val root, xsas = NULL;
	size_t i;
	int rc = json_parse_flags(text, len, origin, JSON_NO_CONTROL, &root);

	if (rc)
		return rc;
	if (!YAJL_IS_ARRAY(root) || json_array_len(root) != 1 ||
	    !YAJL_IS_OBJECT(json_array_at(root, 0)) ||
	    !(xsas = json_get(json_array_at(root, 0), "xsas")) || !YAJL_IS_ARRAY(xsas)) {
		rc = error_input("%s: not xenbits' xsa.json (expected [{\"xsas\":[...]}])", origin);
		goto out;
	}
	for (i = 0; i < s->nr_idx; i++) {
		free(s->idx[i].title);
		strvec_clear(&s->idx[i].cves);
	}
	s->nr_idx = 0;
	for (i = 0; i < json_array_len(xsas) && !rc; i++) {
		struct xsa_index_entry ent;

		memset(&ent, 0, sizeof(ent));
		strvec_init(&ent.cves);
		rc = parse_entry(json_array_at(xsas, i), i, origin, &ent);
		if (!rc && xsa_index_find(s, ent.number))
			rc = error_input("%s: XSA-%d is listed twice", origin, ent.number);
		if (rc) {
			free(ent.title);
			strvec_clear(&ent.cves);
			break;
		}
		ALLOC_GROW(s->idx, s->nr_idx + 1, s->alloc_idx);
		s->idx[s->nr_idx++] = ent;
	}
	if (!rc && s->nr_idx > 1)
		qsort(s->idx, s->nr_idx, sizeof(*s->idx), cmp_entry);
out:
	json_free(root);
	return rc;
}
