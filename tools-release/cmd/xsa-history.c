/*
 * xenstable xsa history [BRANCH...] [--all] [--json] [--keyring FILE]:
 * every XSA's fixing commits on master and on each maintained branch, as
 * the source repository's history says (domain/xsa-history.h), with the
 * release that fixed it and the releases it affected.  Also the session
 * the other history commands share (cmd/xsa-hist.h).
 */
#include "xsa-hist.h"
#include "../lib/date.h"
#include "../lib/escape.h"
#include "../lib/fs.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

#include <pthread.h>

static const char *const history_usage[] = {
	"xenstable xsa history [BRANCH...] [--all] [--json] [--keyring FILE]",
	NULL
};

/* --- the session -------------------------------------------------------- */

/* The RELEASE tags are verified (gpg, a process per tag) in a thread while
 * the main one reads the history (git log): the two take about as long. */
struct verify_job {
	struct xh_session *s;
	pthread_t thread;
	int started, joined, rc;
};

static void *verify_thread(void *data)
{
	struct verify_job *j = data;
	struct xh_session *s = j->s;

	j->rc = upstream_tags_verify(&s->tags, &s->src, &s->g, &s->m,
				     s->keyring ? &s->pinned : NULL, 1);
	return NULL;
}

static int verify_join(void *data)
{
	struct verify_job *j = data;

	if (j->started && !j->joined) {
		pthread_join(j->thread, NULL);
		j->joined = 1;
	}
	return j->started ? j->rc : 0;
}

int xh_session_open(struct xs_ctx *ctx, struct xh_session *s, const char *keyring)
{
	struct strbuf why = STRBUF_INIT;
	struct verify_job job;
	int rc;

	memset(s, 0, sizeof(*s));
	strvec_init(&s->pinned);
	upstream_tags_init(&s->tags);
	if (keyring) {
		rc = gpg_init_temporary(&s->g);
		if (!rc)
			rc = gpg_import_file(&s->g, keyring);
		if (!rc)
			rc = upstream_keyring_fprs(&s->g, &s->pinned);
		if (!rc && !s->pinned.nr)
			rc = error_input("%s: no keys", keyring);
		s->keyring = 1;
	} else {
		gpg_init(&s->g, NULL);
		rc = 0;
	}
	s->open_parts = 1;
	if (!rc)
		rc = branches_load(&s->bs, ctx->repo);
	if (!rc)
		rc = maintainers_load_repo(&s->m, ctx->repo);
	if (!rc)
		rc = xsa_store_load(&s->store, ctx->repo);
	if (!rc)
		rc = ctx_open_source(ctx, &s->src);
	if (rc)
		return rc;
	s->open_parts = 2;
	s->source = ctx_source_path(ctx);
	rc = upstream_tags_list(&s->tags, &s->src, &s->bs);
	if (rc)
		return rc;
	memset(&job, 0, sizeof(job));
	job.s = s;
	if (pthread_create(&job.thread, NULL, verify_thread, &job)) {
		/* no thread: verify first, then read */
		job.rc = upstream_tags_verify(&s->tags, &s->src, &s->g, &s->m,
					      s->keyring ? &s->pinned : NULL, 1);
		if (job.rc)
			return job.rc;
	} else {
		job.started = 1;
	}
	s->opts.src = &s->src;
	s->opts.branches = &s->bs;
	s->opts.store = &s->store;
	s->opts.tags = &s->tags;
	s->opts.tags_ready = verify_join;
	s->opts.tags_ready_data = &job;
	rc = xsa_history_load(&s->h, &s->opts);
	s->open_parts = 3;
	if (verify_join(&job) < 0 && !rc)
		rc = job.rc;
	if (!rc) {
		upstream_tags_explain(&s->tags, &s->m, s->keyring ? &s->pinned : NULL, &why);
		if (why.len)
			warning("%s.", why.buf);
	}
	strbuf_release(&why);
	return rc;
}

void xh_session_close(struct xh_session *s)
{
	if (s->open_parts >= 3) {
		xsa_history_keep(&s->h);
		xsa_history_release(&s->h);
	}
	if (s->open_parts >= 2)
		git_close(&s->src);
	if (s->open_parts >= 1) {
		branches_release(&s->bs);
		maintainers_release(&s->m);
		xsa_store_release(&s->store);
	}
	upstream_tags_release(&s->tags);
	gpg_release(&s->g);
	strvec_clear(&s->pinned);
	free(s->source);
	memset(s, 0, sizeof(*s));
}

const char *xh_tag_name(const struct xsa_history *h, size_t li, int k)
{
	if (li >= h->nr_lines || k < 0 || (size_t)k >= h->lines[li].nr_tags)
		return NULL;
	return h->lines[li].tags[k].name;
}

static int resolve_tag(struct xh_session *s, const char *name, uint32_t *c,
		       char oid[GIT_MAX_HEXSZ + 1])
{
	const struct upstream_tag *t = upstream_tag_find(&s->tags, name);
	size_t i;

	if (!t) {
		/* "4.19.5": the release of that version */
		for (i = 0; i < s->bs.nr + s->tags.nr_old_b && !t; i++) {
			const struct branch *b = i < s->bs.nr ? &s->bs.v[i] : &s->tags.old_b[i - s->bs.nr];
			char *n = branch_tag_name(b, name);
			int point;

			if (branch_tag_point(b, n, &point))
				t = upstream_tag_find(&s->tags, n);
			free(n);
		}
	}
	if (!t)
		return 1;
	if (t->renamed) {
		struct strbuf self = STRBUF_INIT;

		text_escape(&self, t->self, strlen(t->self), 0);
		error_input("%s: the tag object behind this name is signed as '%s': a ref name is "
			    "no evidence of which release it is", name, self.buf);
		strbuf_release(&self);
		return -XS_INPUT;
	}
	*c = xh_find(&s->h, t->commit);
	if (*c == XH_NONE) {
		int rc = xsa_history_extend(&s->h, t->commit);

		if (rc)
			return rc;
		*c = xh_find(&s->h, t->commit);
	}
	snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", t->commit);
	return *c == XH_NONE ? error_env("%s: its commit %s is not in the history", name, t->commit)
			     : 0;
}

static int resolve_hex(struct xh_session *s, const char *rev, const char *hex, uint32_t *c,
		       char oid[GIT_MAX_HEXSZ + 1])
{
	uint32_t i = xh_find_prefix(&s->h, hex);

	if (i == XH_NONE - 1)
		return error_input("%s: the abbreviated id %s is ambiguous; give more digits", rev, hex);
	if (i == XH_NONE) {
		char full[GIT_MAX_HEXSZ + 1];
		char *spec = xstrfmt("%s^{commit}", hex);
		int rc = git_resolve_commit(&s->src, spec, full);

		free(spec);
		if (rc)
			return rc < 0 ? rc : error_input("%s: no commit %s in %s", rev, hex, s->source);
		rc = xsa_history_extend(&s->h, full);
		if (rc)
			return rc;
		i = xh_find(&s->h, full);
		if (i == XH_NONE)
			return error_env("%s: commit %s could not be read", rev, full);
	}
	*c = i;
	xh_oid_hex(&s->h, i, oid);
	return 0;
}

static int resolve_rev(struct xh_session *s, const char *rev, uint32_t *c,
		       char oid[GIT_MAX_HEXSZ + 1])
{
	struct strbuf base = STRBUF_INIT, hex = STRBUF_INIT;
	long ahead = 0;
	int rc;

	if (!*rev || strchr(rev, '\n') || rev[0] == '-')
		return error_usage("'%s' is not a revision", rev);
	rc = resolve_tag(s, rev, c, oid);
	if (rc <= 0)
		goto out;
	if (xh_rev_describe_parse(rev, &base, &ahead, &hex)) {
		uint32_t t;
		char toid[GIT_MAX_HEXSZ + 1];

		rc = resolve_hex(s, rev, hex.buf, c, oid);
		if (rc)
			goto out;
		/* The name says "N commits after a release": check it. */
		rc = resolve_tag(s, base.buf, &t, toid);
		if (rc < 0)
			goto out;
		if (!rc) {
			uint64_t *at = xh_reach(&s->h, *c), *bt = xh_reach(&s->h, t);
			size_t w, n = 0;

			if (!xh_has(at, t)) {
				rc = error_input("%s: %.12s is not a descendant of %s", rev, oid, base.buf);
			} else {
				for (w = 0; w < s->h.words; w++)
					n += (size_t)__builtin_popcountll(at[w] & ~bt[w]);
				if ((long)n != ahead)
					warning("%s: %.12s is %zu commits after %s, not %ld", rev, oid, n,
						base.buf, ahead);
			}
			free(at);
			free(bt);
			if (rc)
				goto out;
		}
		rc = 0;
		goto out;
	}
	if (strlen(rev) >= 7 && is_hex_string(rev, strlen(rev))) {
		rc = resolve_hex(s, rev, rev, c, oid);
		goto out;
	}
	{
		char full[GIT_MAX_HEXSZ + 1];
		char *spec = xstrfmt("%s^{commit}", rev);

		rc = git_resolve_commit(&s->src, spec, full);
		free(spec);
		if (rc) {
			rc = rc < 0 ? rc : error_input("'%s' is no tag, release or commit of %s", rev,
						       s->source);
			goto out;
		}
		rc = resolve_hex(s, rev, full, c, oid);
	}
out:
	strbuf_release(&base);
	strbuf_release(&hex);
	return rc;
}

/*
 * A commit on no maintained line (an older release, a distro's base on
 * stable-4.8): the older line whose RELEASE tags it reaches (the newest
 * version among them) is read in, its tags verified, so that the fixes
 * its signed releases hold count as evidence and the commit is judged
 * against that line's tip.  Nothing is added when no such tag is found.
 */
static int place_on_old_line(struct xh_session *s, uint32_t c)
{
	const struct branch *best = NULL;
	uint64_t *reach;
	size_t i;
	int li;

	if (xh_line_of(&s->h, c) >= 0 || !s->tags.nr_old)
		return 0;
	reach = xh_reach(&s->h, c);
	for (i = 0; i < s->tags.nr_old; i++) {
		const struct upstream_tag *tg = &s->tags.old[i];
		uint32_t tc = xh_find(&s->h, tg->commit);

		if (tc == XH_NONE || !xh_has(reach, tc))
			continue;
		if (!best || tg->b->major > best->major ||
		    (tg->b->major == best->major && tg->b->minor > best->minor))
			best = tg->b;
	}
	free(reach);
	if (!best)
		return 0;
	if (upstream_tags_verify_old(&s->tags, &s->src, &s->g, &s->m,
				     s->keyring ? &s->pinned : NULL, 1, best) < 0)
		return -XS_ENV;
	li = xsa_history_add_old_line(&s->h, best);
	return li < 0 ? li : 0;
}

int xh_resolve_rev(struct xh_session *s, const char *rev, uint32_t *c,
		   char oid[GIT_MAX_HEXSZ + 1])
{
	int rc = resolve_rev(s, rev, c, oid);

	if (!rc)
		rc = place_on_old_line(s, *c);
	if (!rc)
		*c = xh_find(&s->h, oid);
	return rc;
}

/* --- the command ----------------------------------------------------------- */

static void short_ids(const struct xsa_history *h, const uint32_t *v, size_t n, struct strbuf *out)
{
	char hex[GIT_MAX_HEXSZ + 1];
	size_t k;

	for (k = 0; k < n; k++) {
		xh_oid_hex(h, v[k], hex);
		strbuf_addf(out, "%s%.12s", k ? ", " : "", hex);
	}
}

static void affected_text(const struct xsa_history *h, size_t li, const struct xh_branch_xsa *bx,
			  struct strbuf *out)
{
	if (bx->not_affected) {
		strbuf_addstr(out, "not affected (advisory)");
		return;
	}
	if (!bx->nr_affected) {
		strbuf_addstr(out, "no release affected");
		return;
	}
	strbuf_addstr(out, "affected ");
	if (bx->nr_affected <= 3) {
		size_t k;

		for (k = 0; k < bx->nr_affected; k++)
			strbuf_addf(out, "%s%s", k ? ", " : "", xh_tag_name(h, li, bx->affected[k]));
	} else {
		strbuf_addf(out, "%s .. %s (%zu releases)", xh_tag_name(h, li, bx->affected[0]),
			    xh_tag_name(h, li, bx->affected[bx->nr_affected - 1]), bx->nr_affected);
	}
}

static void state_text(const struct xsa_history *h, size_t li, const struct xh_branch_xsa *bx,
		       struct strbuf *out)
{
	const struct xh_eval *e = &bx->at_tip;
	const char *tag = xh_tag_name(h, li, bx->fixed_in);

	switch (e->state) {
	case XH_FIXED:
		if (bx->inherited)
			strbuf_addf(out, "fixed before the fork%s%s", tag ? ", in " : "",
				    tag ? tag : "");
		else if (tag)
			strbuf_addf(out, "fixed in %s", tag);
		else
			strbuf_addstr(out, "fixed (by a verified advisory patch; not yet released)");
		break;
	case XH_CLAIMED:
		if (tag && !h->lines[li].tags[bx->fixed_in].verified)
			strbuf_addf(out, "claimed: in %s, whose tag is not verified", tag);
		else if (tag)
			strbuf_addf(out, "claimed: in %s, but some commit is not in a verified release",
				    tag);
		else
			strbuf_addstr(out, "claimed (not yet in a verified release)");
		break;
	case XH_PARTIAL:
		strbuf_addf(out, "partial: %s", e->why.buf);
		break;
	case XH_REVERTED:
		strbuf_addstr(out, "reverted: the fix was reverted");
		break;
	case XH_NONE_HERE:
		strbuf_addstr(out, "no fix");
		break;
	}
}

static int want_line(const struct xh_line *l, const struct strvec *only)
{
	size_t i;

	if (!only->nr)
		return 1;
	for (i = 0; i < only->nr; i++) {
		const char *n = only->v[i];

		if (!strcmp(n, l->name) || !strcmp(n, l->ref) ||
		    (starts_with(l->ref, "refs/heads/") && !strcmp(n, l->ref + 11)))
			return 1;
	}
	return 0;
}

static void commit_json(struct json_writer *w, const struct xsa_history *h, uint32_t c, int x)
{
	const struct xh_fact *f = xh_fact_of(h, c);
	char hex[GIT_MAX_HEXSZ + 1];
	const char *via = "statement";
	size_t k;

	xh_oid_hex(h, c, hex);
	jw_obj_begin(w);
	jw_kv_str(w, "commit", hex);
	jw_kv_str(w, "subject", f ? f->subject : NULL);
	if (f) {
		int own = 0;

		for (k = 0; k < f->nr_claims; k++)
			own |= f->claims[k] == x;
		if (!own)
			via = f->nr_pid_links && f->nr_ident > 1 && !f->nr_links ? "patch-id" : "link";
	}
	jw_kv_str(w, "via", via);
	if (f && f->nr_ident > 1) {
		jw_key(w, "links");
		jw_arr_begin(w);
		for (k = 1; k < f->nr_ident; k++) {
			xh_oid_hex(h, f->ident[k], hex);
			jw_str(w, hex);
		}
		jw_arr_end(w);
	}
	jw_kv_bool(w, "evidence", xh_has(h->evidence, c));
	jw_obj_end(w);
}

static void ids_json(struct json_writer *w, const char *key, const struct xsa_history *h,
		     const uint32_t *v, size_t n)
{
	char hex[GIT_MAX_HEXSZ + 1];
	size_t k;

	jw_key(w, key);
	jw_arr_begin(w);
	for (k = 0; k < n; k++) {
		xh_oid_hex(h, v[k], hex);
		jw_str(w, hex);
	}
	jw_arr_end(w);
}

static void line_json(struct json_writer *w, const struct xsa_history *h, size_t li, int all)
{
	const struct xh_line *l = &h->lines[li];
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, k;

	jw_obj_begin(w);
	jw_kv_str(w, "branch", l->name);
	jw_kv_str(w, "ref", l->ref);
	if (l->tip != XH_NONE) {
		xh_oid_hex(h, l->tip, hex);
		jw_kv_str(w, "tip", hex);
	} else {
		jw_kv_null(w, "tip");
	}
	if (l->fork != XH_NONE) {
		xh_oid_hex(h, l->fork, hex);
		jw_kv_str(w, "fork", hex);
	} else {
		jw_kv_null(w, "fork");
	}
	jw_key(w, "tags");
	jw_arr_begin(w);
	for (k = 0; k < l->nr_tags; k++) {
		jw_obj_begin(w);
		jw_kv_str(w, "tag", l->tags[k].name);
		xh_oid_hex(h, l->tags[k].commit, hex);
		jw_kv_str(w, "commit", hex);
		jw_kv_bool(w, "verified", l->tags[k].verified);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "xsas");
	jw_arr_begin(w);
	for (i = 0; i < h->nr_xsas; i++) {
		struct xh_branch_xsa bx;
		int x = h->xsas[i];

		if (!xh_xsa_is_xen(h, x) || !xh_line_touches(h, x, li))
			continue;
		xh_branch_evaluate(h, x, li, &bx);
		if (!all && bx.inherited) {
			xh_branch_xsa_release(&bx);
			continue;
		}
		jw_obj_begin(w);
		jw_kv_int(w, "xsa", x);
		jw_kv_str(w, "state", xh_state_name(bx.at_tip.state));
		jw_kv_bool(w, "complete", bx.at_tip.state == XH_FIXED ||
					  bx.at_tip.state == XH_CLAIMED);
		jw_kv_bool(w, "inherited", bx.inherited);
		jw_key(w, "commits");
		jw_arr_begin(w);
		for (k = 0; k < bx.at_tip.nr_commits; k++)
			commit_json(w, h, bx.at_tip.commits[k], x);
		jw_arr_end(w);
		ids_json(w, "reverted", h, bx.at_tip.reverted, bx.at_tip.nr_reverted);
		ids_json(w, "missing", h, bx.at_tip.missing, bx.at_tip.nr_missing);
		jw_kv_int(w, "fixes", (long long)bx.at_tip.units);
		jw_kv_int(w, "needed", (long long)bx.at_tip.need);
		jw_kv_str(w, "needed_from", bx.at_tip.need_from);
		jw_kv_str(w, "why", bx.at_tip.state == XH_PARTIAL ? bx.at_tip.why.buf : NULL);
		jw_kv_str(w, "fixed_in", xh_tag_name(h, li, bx.fixed_in));
		jw_key(w, "affected");
		jw_arr_begin(w);
		for (k = 0; k < bx.nr_affected; k++)
			jw_str(w, xh_tag_name(h, li, bx.affected[k]));
		jw_arr_end(w);
		jw_kv_bool(w, "not_affected", bx.not_affected);
		jw_obj_end(w);
		xh_branch_xsa_release(&bx);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void excluded_list(const struct xsa_history *h, struct strvec *out)
{
	size_t i;

	for (i = 0; i < h->nr_xsas; i++) {
		const struct xh_advice *a = xh_advice_of(h, h->xsas[i]);

		if (!xh_xsa_is_xen(h, h->xsas[i]))
			strvec_pushf(out, "%d\t%s", h->xsas[i], a && a->projects ? a->projects : "?");
	}
}

static void show_text(struct xh_session *s, const struct strvec *only, int all)
{
	const struct xsa_history *h = &s->h;
	struct strvec excl = STRVEC_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t li, i;

	printf("XSA history of %s", s->source);
	if (h->lines[0].tip != XH_NONE) {
		xh_oid_hex(h, h->lines[0].tip, hex);
		printf(" (master %.12s)", hex);
	}
	printf("\nRELEASE tags: %zu of %zu verified\n", h->tags_verified, h->tags_total);
	for (li = 0; li < h->nr_lines; li++) {
		const struct xh_line *l = &h->lines[li];
		size_t complete = 0, claimed = 0, partial = 0, reverted = 0, inherited = 0;
		int lo = 0, hi = 0;

		if (!want_line(l, only))
			continue;
		printf("\n%s  %s", l->name, l->ref);
		if (l->tip == XH_NONE) {
			printf("  (not in the source repository)\n");
			continue;
		}
		xh_oid_hex(h, l->tip, hex);
		printf("  tip %.12s", hex);
		if (l->fork != XH_NONE) {
			xh_oid_hex(h, l->fork, hex);
			printf("  forked from master at %.12s", hex);
		}
		printf("\n");
		for (i = 0; i < h->nr_xsas; i++) {
			struct xh_branch_xsa bx;
			struct strbuf st = STRBUF_INIT, aff = STRBUF_INIT, ids = STRBUF_INIT;
			int x = h->xsas[i];

			if (!xh_xsa_is_xen(h, x) || !xh_line_touches(h, x, li))
				continue;
			xh_branch_evaluate(h, x, li, &bx);
			switch (bx.at_tip.state) {
			case XH_FIXED:
				complete++;
				break;
			case XH_CLAIMED:
				complete++;
				claimed++;
				break;
			case XH_PARTIAL:
				partial++;
				break;
			case XH_REVERTED:
				reverted++;
				break;
			case XH_NONE_HERE:
				break;
			}
			if (bx.inherited) {
				inherited++;
				if (!lo || x < lo)
					lo = x;
				if (x > hi)
					hi = x;
				if (!all) {
					xh_branch_xsa_release(&bx);
					continue;
				}
			}
			state_text(h, li, &bx, &st);
			if (li)
				affected_text(h, li, &bx, &aff);
			short_ids(h, bx.at_tip.commits, bx.at_tip.nr_commits, &ids);
			printf("  XSA-%-4d %s%s%s\n", x, st.buf, aff.len ? "; " : "", aff.buf);
			if (ids.len)
				printf("           %zu commit%s: %s\n", bx.at_tip.nr_commits,
				       bx.at_tip.nr_commits == 1 ? "" : "s", ids.buf);
			if (bx.at_tip.nr_reverted) {
				strbuf_reset(&ids);
				short_ids(h, bx.at_tip.reverted, bx.at_tip.nr_reverted, &ids);
				printf("           reverted: %s\n", ids.buf);
			}
			strbuf_release(&st);
			strbuf_release(&aff);
			strbuf_release(&ids);
			xh_branch_xsa_release(&bx);
		}
		if (inherited && !all)
			printf("  and %zu XSAs (XSA-%d .. XSA-%d) fixed on master before the fork "
			       "(--all lists them)\n", inherited, lo, hi);
		printf("  %s: %zu XSAs: %zu fixed, %zu claimed, %zu partial, %zu reverted\n", l->name,
		       complete + partial + reverted, complete - claimed, claimed, partial, reverted);
	}
	excluded_list(h, &excl);
	for (i = 0; i < excl.nr; i++) {
		const char *tab = strchr(excl.v[i], '\t');

		if (!i)
			printf("\n");
		printf("XSA-%d is not counted on Xen branches: its stored advisory is for %s\n",
		       atoi(excl.v[i]), tab ? tab + 1 : "?");
	}
	strvec_clear(&excl);
}

static void show_json(struct xh_session *s, const struct strvec *only, int all)
{
	const struct xsa_history *h = &s->h;
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	struct strvec excl = STRVEC_INIT;
	size_t li, i;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "source", s->source);
	jw_kv_int(&w, "tags_verified", (long long)h->tags_verified);
	jw_kv_int(&w, "tags_total", (long long)h->tags_total);
	jw_key(&w, "branches");
	jw_arr_begin(&w);
	for (li = 0; li < h->nr_lines; li++)
		if (want_line(&h->lines[li], only))
			line_json(&w, h, li, all);
	jw_arr_end(&w);
	excluded_list(h, &excl);
	jw_key(&w, "excluded");
	jw_arr_begin(&w);
	for (i = 0; i < excl.nr; i++) {
		const char *tab = strchr(excl.v[i], '\t');

		jw_obj_begin(&w);
		jw_kv_int(&w, "xsa", atoi(excl.v[i]));
		jw_kv_str(&w, "projects", tab ? tab + 1 : NULL);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	jw_release(&w);
	strbuf_release(&out);
	strvec_clear(&excl);
}

int cmd_xsa_history(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *keyring = NULL;
	int json = 0, all = 0;
	struct option opts[] = {
		OPT_BOOL_("all", 0, &all, "also the XSAs fixed on master before a branch forked"),
		OPT_STRING_("keyring", 0, &keyring, "FILE",
			    "trust exactly the keys in FILE for RELEASE tags (instead of MAINTAINERS)"),
		OPT_BOOL_("json", 0, &json, "one JSON object"),
		OPT_END_(),
	};
	struct strvec only = STRVEC_INIT;
	struct xh_session s;
	int i, rc;

	argc = parse_options(argc, argv, opts, history_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	for (i = 0; i < argc; i++)
		strvec_push(&only, argv[i]);
	if (json)
		xs_json = 1;
	rc = xh_session_open(ctx, &s, keyring);
	if (!rc) {
		size_t li;

		for (i = 0; i < argc; i++) {
			int hit = 0;
			struct strvec one = STRVEC_INIT;

			strvec_push(&one, argv[i]);
			for (li = 0; li < s.h.nr_lines; li++)
				hit |= want_line(&s.h.lines[li], &one);
			strvec_clear(&one);
			if (!hit) {
				rc = error_usage("no branch '%s' (see 'xenstable support')", argv[i]);
				break;
			}
		}
	}
	if (!rc) {
		if (json)
			show_json(&s, &only, all);
		else
			show_text(&s, &only, all);
	}
	xh_session_close(&s);
	strvec_clear(&only);
	return rc;
}
