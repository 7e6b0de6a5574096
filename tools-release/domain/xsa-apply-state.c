/*
 * xsa-apply-state.c: the plan as JSON (xsa-apply.h): the report of
 * --json, and the state file of a run waiting for --continue (written,
 * read back strictly, removed).
 */
#include "compat.h"
#include "xsa-apply.h"
#include "xsa-apply-internal.h"
#include "apply.h"
#include "date.h"
#include "fs.h"
#include "json.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa.h"

#define XA_STATE_SCHEMA 1

static int xa_outcome_parse(const char *s, enum xa_outcome *o)
{
	int i;

	for (i = XA_PENDING; i <= XA_HELD; i++)
		if (!strcmp(s, xa_outcome_name((enum xa_outcome)i))) {
			*o = (enum xa_outcome)i;
			return 0;
		}
	return -1;
}

static int apply_outcome_parse(const char *s, enum apply_outcome *o)
{
	int i;

	for (i = APPLY_PENDING; i <= APPLY_SKIPPED; i++)
		if (!strcmp(s, apply_outcome_name((enum apply_outcome)i))) {
			*o = (enum apply_outcome)i;
			return 0;
		}
	return -1;
}

char *xa_state_path(const struct git_repo *src)
{
	return path_join(src->common_dir, "xenstable/apply-state.json");
}

char *xa_worktree_path(const struct git_repo *src, const char *branch)
{
	return xstrfmt("%s/xenstable/apply-%s", src->common_dir, branch);
}

int xa_state_save(const struct git_repo *src, const struct xa_plan *plan)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	char *path = xa_state_path(src), *dir = path_dirname(path);
	int rc = mkdir_p(dir, 0755);

	jw_init(&w, 1);
	xa_plan_json(plan, &w);
	jw_finish(&w, &out);
	if (!rc)
		rc = write_file_atomic(path, out.buf, out.len, 0644);
	jw_release(&w);
	strbuf_release(&out);
	free(path);
	free(dir);
	return rc;
}

void xa_state_remove(const struct git_repo *src)
{
	char *path = xa_state_path(src), *dir = path_dirname(path);

	if (unlink(path) == 0)
		fsync_dir(dir);
	free(path);
	free(dir);
}

/* ---- the plan as JSON ------------------------------------------------------ */

static void kv_oid(struct json_writer *w, const char *key, const char *oid)
{
	if (oid && *oid)
		jw_kv_str(w, key, oid);
	else
		jw_kv_null(w, key);
}

void xa_plan_json(const struct xa_plan *p, struct json_writer *w)
{
	size_t i, k;
	char d[32];

	jw_obj_begin(w);
	jw_kv_int(w, "schema", XA_STATE_SCHEMA);
	jw_kv_str(w, "branch", p->branch);
	jw_kv_str(w, "ref", p->branch_ref);
	jw_kv_str(w, "target", p->target);
	jw_kv_bool(w, "private_target", p->private_target);
	jw_kv_bool(w, "dry_run", p->dry_run);
	date_format_iso(p->date, d);
	jw_kv_str(w, "date", d);
	kv_oid(w, "base", p->base);
	kv_oid(w, "tip", p->tip);
	jw_kv_bool(w, "moved", p->moved);
	jw_kv_int(w, "applied_before", (long long)p->applied_before);
	jw_kv_strvec(w, "checkouts", &p->checkouts);
	if (p->worktree) {
		jw_key(w, "worktree");
		jw_obj_begin(w);
		jw_kv_str(w, "path", p->worktree);
		jw_kv_str(w, "method", p->method);
		jw_kv_bool(w, "clean", p->kept_clean);
		jw_kv_strvec(w, "files", &p->kept_files);
		jw_obj_end(w);
	} else {
		jw_kv_null(w, "worktree");
	}
	jw_key(w, "xsas");
	jw_arr_begin(w);
	for (i = 0; i < p->nr; i++) {
		const struct xa_entry *e = &p->e[i];

		jw_obj_begin(w);
		jw_kv_int(w, "xsa", e->xsa);
		jw_kv_int(w, "version", e->version);
		jw_kv_str(w, "state", xsa_state_name(e->state));
		jw_kv_str(w, "state_detail", e->state_detail);
		jw_kv_strvec(w, "cves", &e->cves);
		jw_kv_str(w, "variant", e->variant);
		jw_kv_bool(w, "forced", e->forced);
		kv_oid(w, "stale", e->stale);
		jw_kv_int(w, "stale_version", e->stale_version);
		jw_kv_str(w, "outcome", xa_outcome_name(e->outcome));
		kv_oid(w, "commit", e->commit);
		jw_kv_str(w, "detail", e->detail);
		jw_key(w, "patches");
		jw_arr_begin(w);
		for (k = 0; k < e->nr; k++) {
			const struct xa_patch *pt = &e->p[k];

			jw_obj_begin(w);
			jw_kv_str(w, "name", pt->name);
			jw_kv_str(w, "path", pt->path);
			jw_kv_str(w, "sha256", pt->sha256);
			kv_oid(w, "known", pt->known);
			jw_kv_str(w, "outcome", apply_outcome_name(pt->outcome));
			kv_oid(w, "commit", pt->commit);
			jw_kv_bool(w, "adapted", pt->adapted);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_kv_str(w, "meta", e->meta_file);
		kv_oid(w, "made_against", e->made_against);
		jw_key(w, "prerequisites");
		jw_arr_begin(w);
		for (k = 0; k < e->nr_prereqs; k++) {
			jw_obj_begin(w);
			jw_kv_int(w, "xsa", e->prereqs[k].xsa);
			jw_kv_str(w, "state", e->prereqs[k].stored ?
				  xsa_state_name(e->prereqs[k].state) : "not-stored");
			jw_obj_end(w);
		}
		jw_arr_end(w);
		if (e->outcome == XA_CONFLICT || e->outcome == XA_REJECTED) {
			jw_key(w, "failure");
			jw_obj_begin(w);
			jw_kv_str(w, "patch", e->nr ? e->p[e->failed].name : NULL);
			jw_kv_int(w, "index", (long long)e->failed);
			jw_kv_str(w, "file", e->conflict.file);
			jw_kv_int(w, "line", e->conflict.line);
			jw_kv_str(w, "hunk", e->conflict.hunk);
			jw_kv_str(w, "reason", e->conflict.reason);
			jw_kv_strvec(w, "blame", &e->conflict.blame);
			jw_kv_strvec(w, "clean_variants", &e->clean_variants);
			jw_kv_strvec(w, "meta_hints", &e->meta_hints);
			jw_obj_end(w);
		} else {
			jw_kv_null(w, "failure");
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

struct pctx {
	const char *origin;
	int rc;
};

static const char *need_str(struct pctx *c, yajl_val obj, const char *key, int nullable)
{
	yajl_val v = json_get(obj, key);

	if (v && YAJL_IS_STRING(v))
		return YAJL_GET_STRING(v);
	if (nullable && (!v || YAJL_IS_NULL(v)))
		return NULL;
	if (!c->rc)
		c->rc = error_input("%s: \"%s\" is missing or not a string", c->origin, key);
	return NULL;
}

static long long need_int(struct pctx *c, yajl_val obj, const char *key)
{
	long long n = 0;

	if (!json_get_int(obj, key, &n) && !c->rc)
		c->rc = error_input("%s: \"%s\" is missing or not a number", c->origin, key);
	return n;
}

static int need_bool(struct pctx *c, yajl_val obj, const char *key)
{
	yajl_val v = json_get(obj, key);

	if (v && (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)))
		return YAJL_IS_TRUE(v);
	if (!c->rc)
		c->rc = error_input("%s: \"%s\" is missing or not true/false", c->origin, key);
	return 0;
}

static void need_oid(struct pctx *c, yajl_val obj, const char *key, char *out)
{
	const char *s = need_str(c, obj, key, 1);

	out[0] = '\0';
	if (!s)
		return;
	if (!is_oid_hex(s)) {
		if (!c->rc)
			c->rc = error_input("%s: \"%s\" is not a commit id", c->origin, key);
		return;
	}
	snprintf(out, GIT_MAX_HEXSZ + 1, "%s", s);
}

static void need_strvec(struct pctx *c, yajl_val obj, const char *key, struct strvec *out)
{
	yajl_val a = json_get(obj, key);
	size_t i;

	if (!a || !YAJL_IS_ARRAY(a)) {
		if (!c->rc)
			c->rc = error_input("%s: \"%s\" is missing or not a list", c->origin, key);
		return;
	}
	for (i = 0; i < json_array_len(a); i++) {
		yajl_val s = json_array_at(a, i);

		if (YAJL_IS_STRING(s))
			strvec_push(out, YAJL_GET_STRING(s));
		else if (!c->rc)
			c->rc = error_input("%s: \"%s\" holds something other than strings",
					    c->origin, key);
	}
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int xa_plan_parse(struct xa_plan *plan, const char *origin, const char *text, size_t len)
{
	struct pctx c = { origin, 0 };
	yajl_val root, xs, wt;
	size_t i, k;
	const char *s;
	int rc;

	xa_plan_init(plan);
	rc = json_parse(text, len, origin, &root);
	if (rc)
		return rc;
	if (!YAJL_IS_OBJECT(root) || need_int(&c, root, "schema") != XA_STATE_SCHEMA) {
		json_free(root);
		return c.rc ? c.rc : error_input("%s: not an apply state of schema %d", origin,
						 XA_STATE_SCHEMA);
	}
	plan->branch = dup_or_null(need_str(&c, root, "branch", 0));
	plan->branch_ref = dup_or_null(need_str(&c, root, "ref", 0));
	plan->target = dup_or_null(need_str(&c, root, "target", 0));
	plan->private_target = need_bool(&c, root, "private_target");
	plan->dry_run = need_bool(&c, root, "dry_run");
	s = need_str(&c, root, "date", 0);
	if (s && date_parse_time(s, &plan->date) && !c.rc)
		c.rc = error_input("%s: \"date\" is not a time", origin);
	need_oid(&c, root, "base", plan->base);
	need_oid(&c, root, "tip", plan->tip);
	plan->moved = need_bool(&c, root, "moved");
	plan->applied_before = (size_t)need_int(&c, root, "applied_before");
	need_strvec(&c, root, "checkouts", &plan->checkouts);
	wt = json_get(root, "worktree");
	if (wt && YAJL_IS_OBJECT(wt)) {
		plan->worktree = dup_or_null(need_str(&c, wt, "path", 0));
		plan->method = dup_or_null(need_str(&c, wt, "method", 0));
		plan->kept_clean = need_bool(&c, wt, "clean");
		need_strvec(&c, wt, "files", &plan->kept_files);
	}
	xs = json_get(root, "xsas");
	if (!xs || !YAJL_IS_ARRAY(xs)) {
		if (!c.rc)
			c.rc = error_input("%s: \"xsas\" is missing", origin);
		xs = NULL;
	}
	for (i = 0; xs && !c.rc && i < json_array_len(xs); i++) {
		yajl_val o = json_array_at(xs, i), ps, f;
		struct xa_entry *e = xa_new_entry(plan, (int)need_int(&c, o, "xsa"));

		e->version = (int)need_int(&c, o, "version");
		s = need_str(&c, o, "state", 0);
		if (s && xsa_state_from_name(s) >= 0)
			e->state = (enum xsa_state)xsa_state_from_name(s);
		e->state_detail = dup_or_null(need_str(&c, o, "state_detail", 1));
		need_strvec(&c, o, "cves", &e->cves);
		e->variant = dup_or_null(need_str(&c, o, "variant", 1));
		e->forced = need_bool(&c, o, "forced");
		need_oid(&c, o, "stale", e->stale);
		e->stale_version = (int)need_int(&c, o, "stale_version");
		s = need_str(&c, o, "outcome", 0);
		if (s && xa_outcome_parse(s, &e->outcome) && !c.rc)
			c.rc = error_input("%s: XSA-%d: unknown outcome '%s'", origin, e->xsa, s);
		need_oid(&c, o, "commit", e->commit);
		e->detail = dup_or_null(need_str(&c, o, "detail", 1));
		ps = json_get(o, "patches");
		for (k = 0; ps && YAJL_IS_ARRAY(ps) && !c.rc && k < json_array_len(ps); k++) {
			yajl_val po = json_array_at(ps, k);
			struct xa_patch *pt = xa_new_patch(e);

			pt->name = dup_or_null(need_str(&c, po, "name", 0));
			pt->path = dup_or_null(need_str(&c, po, "path", 0));
			s = need_str(&c, po, "sha256", 0);
			if (s && !is_sha256_hex(s) && !c.rc)
				c.rc = error_input("%s: XSA-%d: bad sha256", origin, e->xsa);
			snprintf(pt->sha256, sizeof(pt->sha256), "%s", s ? s : "");
			need_oid(&c, po, "known", pt->known);
			s = need_str(&c, po, "outcome", 0);
			if (s && apply_outcome_parse(s, &pt->outcome) && !c.rc)
				c.rc = error_input("%s: XSA-%d: unknown patch outcome '%s'", origin,
						   e->xsa, s);
			need_oid(&c, po, "commit", pt->commit);
			pt->adapted = need_bool(&c, po, "adapted");
		}
		f = json_get(o, "failure");
		if (f && YAJL_IS_OBJECT(f) && !c.rc) {
			long long idx = need_int(&c, f, "index");

			if (idx < 0 || (size_t)idx >= e->nr) {
				if (!c.rc)
					c.rc = error_input("%s: XSA-%d: failed patch %lld out of range",
							   origin, e->xsa, idx);
			} else {
				e->failed = (size_t)idx;
			}
			e->conflict.file = dup_or_null(need_str(&c, f, "file", 1));
			e->conflict.line = (int)need_int(&c, f, "line");
			e->conflict.hunk = dup_or_null(need_str(&c, f, "hunk", 1));
			e->conflict.reason = dup_or_null(need_str(&c, f, "reason", 1));
			need_strvec(&c, f, "blame", &e->conflict.blame);
			need_strvec(&c, f, "clean_variants", &e->clean_variants);
		}
	}
	json_free(root);
	if (c.rc)
		xa_plan_release(plan);
	return c.rc;
}

int xa_state_load(const struct git_repo *src, struct xa_plan *plan)
{
	struct strbuf text = STRBUF_INIT;
	char *path = xa_state_path(src);
	int rc = read_file_if_exists(&text, path, 16 << 20);

	if (rc == 1) {
		xa_plan_init(plan);
		rc = 0;
	} else if (!rc) {
		rc = xa_plan_parse(plan, path, text.buf, text.len);
		if (!rc && (!plan->worktree || !plan->target || !plan->branch))
			rc = error_input("%s: no worktree recorded", path);
		if (!rc)
			rc = 1;
	}
	strbuf_release(&text);
	free(path);
	return rc;
}
