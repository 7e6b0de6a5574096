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

static int entry_number(yajl_val e, int *n)
{
	yajl_val v = json_get(e, "xsa");
	const char *s;
	char *end;
	long x;

	if (v && YAJL_IS_INTEGER(v)) {
		x = (long)YAJL_GET_INTEGER(v);
	} else if (v && YAJL_IS_STRING(v)) {
		s = YAJL_GET_STRING(v);
		if (!isdigit((unsigned char)*s))
			return -1;
		x = strtol(s, &end, 10);
		if (*end)
			return -1;
	} else {
		return -1;
	}
	if (x < 1 || x > 99999)
		return -1;
	*n = (int)x;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct xsa_index_entry *x = a, *y = b;

	return x->number - y->number;
}

int xsa_index_parse(struct xsa_store *s, const char *origin, const char *text, size_t len)
{
	yajl_val root, xsas;
	size_t i, k;
	int rc = json_parse(text, len, origin, &root);

	if (rc)
		return rc;
	if (!YAJL_IS_ARRAY(root) || json_array_len(root) < 1 ||
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
		yajl_val e = json_array_at(xsas, i), c;
		struct xsa_index_entry ent;
		const char *t;
		long long ver;

		memset(&ent, 0, sizeof(ent));
		strvec_init(&ent.cves);
		if (!YAJL_IS_OBJECT(e) || entry_number(e, &ent.number)) {
			rc = error_input("%s: xsas[%zu]: 'xsa' is not an XSA number", origin, i);
			break;
		}
		if (xsa_index_find(s, ent.number)) {
			rc = error_input("%s: XSA-%d is listed twice", origin, ent.number);
			break;
		}
		t = json_get_string(e, "title");
		ent.title = t ? xstrdup(t) : NULL;
		c = json_get(e, "cve");
		for (k = 0; c && YAJL_IS_ARRAY(c) && k < json_array_len(c); k++)
			if (YAJL_IS_STRING(json_array_at(c, k)))
				strvec_push(&ent.cves, YAJL_GET_STRING(json_array_at(c, k)));
		t = json_get_string(e, "public_time");
		if (t && *t && date_parse_time(t, &ent.public_time)) {
			rc = error_input("%s: XSA-%d: public_time '%s' is not a time", origin,
					 ent.number, t);
			free(ent.title);
			strvec_clear(&ent.cves);
			break;
		}
		ent.version = json_get_int(e, "version", &ver) && ver > 0 && ver < 1000 ? (int)ver : 0;
		ALLOC_GROW(s->idx, s->nr_idx + 1, s->alloc_idx);
		s->idx[s->nr_idx++] = ent;
	}
	if (!rc && s->nr_idx > 1)
		qsort(s->idx, s->nr_idx, sizeof(*s->idx), cmp_entry);
out:
	json_free(root);
	return rc;
}
