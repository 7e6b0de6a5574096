/*
 * release-state.c: what lets a killed release be completed (release.h):
 * the state file .xenstable/release/<branch>.json (the commits, the time,
 * the key and the checks as release.json records them) and the refs that
 * hold the release's commits until the run is done.
 */
#include "compat.h"
#include "release.h"
#include "release-internal.h"
#include "branch.h"
#include "fs.h"
#include "json.h"
#include "usage.h"
#include "xalloc.h"

#define RELEASE_STATE_SCHEMA 1

/* ---- state of an interrupted run ------------------------------------------ */

static char *state_path(const struct release_opts *o)
{
	char *rel = xstrfmt(".xenstable/release/%s.json", o->branch->name);
	char *p = path_join(o->maint_root, rel);

	free(rel);
	return p;
}

int release_state_load(const struct release_opts *o, struct release_state *st)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = state_path(o);
	yajl_val v = NULL;
	const char *s;
	long long t = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	strvec_init(&st->recorded);
	rc = read_file_if_exists(&sb, path, 1 << 20);
	if (rc)
		goto out;
	rc = json_parse(sb.buf, sb.len, path, &v);
	if (rc)
		goto out;
#define COPY(field, key) do {							\
	s = json_get_string(v, key);						\
	if (!s || strlen(s) >= sizeof(st->field)) {				\
		rc = error_input("%s: missing or bad '%s'", path, key);		\
		goto out;							\
	}									\
	memcpy(st->field, s, strlen(s) + 1);					\
} while (0)
	COPY(base, "base");
	COPY(release_commit, "release_commit");
	COPY(pre_commit, "pre_commit");
	COPY(key, "key");
#undef COPY
	s = json_get_string(v, "version");
	if (!s || !json_get_int(v, "time", &t)) {
		rc = error_input("%s: missing version or time", path);
		goto out;
	}
	st->version = xstrdup(s);
	st->time = t;
	{
		yajl_val checks = json_get(v, "checks");
		size_t i;

		for (i = 0; i < json_array_len(checks); i++) {
			yajl_val c = json_array_at(checks, i);
			const char *n = json_get_string(c, "check"), *stt = json_get_string(c, "status"),
				   *r = json_get_string(c, "reason");

			if (!n || !stt || !r || strchr(n, '\t') || strchr(stt, '\t')) {
				rc = error_input("%s: malformed checks", path);
				goto out;
			}
			strvec_pushf(&st->recorded, "%s\t%s\t%s", n, stt, r);
		}
		json_get_int(v, "tree_checked", &t);
		st->tree_checked = (int)t;
	}
out:
	json_free(v);
	strbuf_release(&sb);
	free(path);
	return rc;
}

/* "checks": [{"check", "status", "reason"}] from "name\tstatus\treason". */
void release_write_recorded(struct json_writer *w, const struct strvec *rec)
{
	size_t i;

	jw_key(w, "checks");
	jw_arr_begin(w);
	for (i = 0; i < rec->nr; i++) {
		const char *a = rec->v[i], *b = strchr(a, '\t'), *c = b ? strchr(b + 1, '\t') : NULL;

		if (!c)
			continue;
		jw_obj_begin(w);
		jw_key(w, "check");
		jw_strn(w, a, (size_t)(b - a));
		jw_key(w, "status");
		jw_strn(w, b + 1, (size_t)(c - b - 1));
		jw_kv_str(w, "reason", c + 1);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Add checks [from, nr_checks) to what release.json will record. */
void release_record_checks(struct release_plan *p, size_t from)
{
	size_t i;

	for (i = from; i < p->nr_checks; i++)
		strvec_pushf(&p->recorded, "%s\t%s\t%s", p->checks[i].name,
			     check_status_name(p->checks[i].status),
			     p->checks[i].reason ? p->checks[i].reason : "");
}

int release_state_save(const struct release_opts *o, const struct release_plan *p, int64_t t)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	char *path = state_path(o), *dir = path_dirname(path);
	int rc = mkdir_p(dir, 0755);

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_int(&w, "schema", RELEASE_STATE_SCHEMA);
	jw_kv_str(&w, "branch", o->branch->name);
	jw_kv_str(&w, "version", p->version);
	jw_kv_str(&w, "base", p->base);
	jw_kv_str(&w, "release_commit", p->release_commit);
	jw_kv_str(&w, "pre_commit", p->pre_commit);
	jw_kv_int(&w, "time", t);
	jw_kv_str(&w, "key", p->key);
	jw_kv_int(&w, "tree_checked", p->tree_checked);
	release_write_recorded(&w, &p->recorded);
	jw_obj_end(&w);
	jw_finish(&w, &out);
	jw_release(&w);
	if (!rc)
		rc = write_file_atomic(path, out.buf, out.len, 0644);
	strbuf_release(&out);
	free(path);
	free(dir);
	return rc;
}

void release_state_remove(const struct release_opts *o)
{
	char *path = state_path(o);

	unlink(path);
	free(path);
}

/* Refs that keep the commits of an unfinished release from git gc. */
int release_hold_refs(const struct release_opts *o, const struct release_plan *p, int drop)
{
	char *r1 = xstrfmt("refs/xenstable/release/%s/release", p->version);
	char *r2 = xstrfmt("refs/xenstable/release/%s/pre", p->version);
	int rc;

	if (drop) {
		rc = git_cmd(o->src, NULL, "update-ref", "-d", r1, NULL);
		if (!rc)
			rc = git_cmd(o->src, NULL, "update-ref", "-d", r2, NULL);
	} else {
		rc = git_cmd(o->src, NULL, "update-ref", r1, p->release_commit, NULL);
		if (!rc)
			rc = git_cmd(o->src, NULL, "update-ref", r2, p->pre_commit, NULL);
	}
	free(r1);
	free(r2);
	return rc;
}
