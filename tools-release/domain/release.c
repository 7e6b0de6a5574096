#include "compat.h"
#include "release.h"
#include "abi.h"
#include "boot.h"
#include "branch.h"
#include "build.h"
#include "cfgfile.h"
#include "changelog.h"
#include "date.h"
#include "embargo.h"
#include "evtag.h"
#include "fs.h"
#include "hash.h"
#include "json.h"
#include "maintainers.h"
#include "provenance.h"
#include "run-command.h"
#include "tag.h"
#include "tarball.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa.h"
#include "xsa-status.h"
#include "xsa-store.h"
#include "quote.h"
#include "release-history.h"

#include <ctype.h>

#define RELEASE_STATE_SCHEMA 1
#define RELEASE_JSON_SCHEMA 1

void release_plan_init(struct release_plan *p)
{
	memset(p, 0, sizeof(*p));
	strvec_init(&p->commits);
	strvec_init(&p->recorded);
	strvec_init(&p->remotes);
}

void release_plan_release(struct release_plan *p)
{
	size_t i;

	free(p->version);
	free(p->tag);
	free(p->last_tag);
	xen_version_release(&p->cur);
	strvec_clear(&p->commits);
	for (i = 0; i < p->nr_xsas; i++) {
		free(p->xsas[i].cves);
		free(p->xsas[i].title);
		free(p->xsas[i].state);
		free(p->xsas[i].osv);
		strvec_clear(&p->xsas[i].commits);
	}
	free(p->xsas);
	free(p->applied);
	for (i = 0; i < p->nr_checks; i++)
		check_result_release(&p->checks[i]);
	free(p->checks);
	free(p->remote_push);
	free(p->push_url);
	strvec_clear(&p->remotes);
	free(p->dist);
	strvec_clear(&p->recorded);
	release_plan_init(p);
}

static struct check_result *add_check(struct release_plan *p, const char *name)
{
	struct check_result *r;

	ALLOC_GROW(p->checks, p->nr_checks + 1, p->alloc_checks);
	r = &p->checks[p->nr_checks++];
	check_result_init(r, name);
	return r;
}

static int checks_failed(const struct release_plan *p)
{
	size_t i;

	for (i = 0; i < p->nr_checks; i++)
		if (p->checks[i].status == CHECK_FAILED || p->checks[i].status == CHECK_ERROR)
			return 1;
	return 0;
}

/* ---- history of the branch --------------------------------------------- */

int release_last_tag(const struct git_repo *src, const struct branch *b, const char *rev,
		     char **tag, int *point, char commit[GIT_MAX_HEXSZ + 1],
		     int64_t *when)
{
	struct strbuf out = STRBUF_INIT;
	char *xy = xstrfmt("%d.%d.*", b->major, b->minor);
	char *pat = branch_expand(b->tag_format, xy);
	char *refpat = xstrfmt("refs/tags/%s", pat);
	char *merged = xstrfmt("--merged=%s", rev);
	size_t pos = 0, n;
	const char *line;
	int best = -1, rc;

	*tag = NULL;
	rc = git_cmd(src, &out, "for-each-ref", merged,
		     "--format=%(refname:strip=2)%09%(creatordate:unix)", refpat, NULL);
	while (!rc && next_line(out.buf, out.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *tab = strchr(l, '\t');
		int pt;

		if (tab) {
			*tab = '\0';
			if (branch_tag_point(b, l, &pt) && pt > best) {
				best = pt;
				free(*tag);
				*tag = xstrdup(l);
				*when = strtoll(tab + 1, NULL, 10);
			}
		}
		free(l);
	}
	if (!rc && *tag) {
		*point = best;
		rc = git_resolve_commit(src, *tag, commit);
	} else if (!rc) {
		rc = 1;
	}
	free(xy);
	free(pat);
	free(refpat);
	free(merged);
	strbuf_release(&out);
	return rc;
}

/* A commit that only opens the next "-pre" version. */
static int is_pre_opener(const struct git_repo *src, const char *oid, const char *subject,
			 const struct tree_layout *l)
{
	struct strbuf out = STRBUF_INIT;
	const char *v;
	int rc;

	if (!skip_prefix(subject, "update Xen version to ", &v) || !ends_with(v, "-pre"))
		return 0;
	rc = git_cmd(src, &out, "diff-tree", "--no-commit-id", "--name-only", "-r", oid, NULL);
	strbuf_trim(&out);
	rc = !rc && !strcmp(out.buf, l->makefile);
	strbuf_release(&out);
	return rc;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Commits since the last tag (pre opener left out) and the XSAs they claim. */
static int collect_changes(const struct release_opts *o, struct release_plan *p,
			   struct strvec *embargo_trailers)
{
	struct strbuf out = STRBUF_INIT;
	char *range = p->last_tag ? xstrfmt("%s..%s", p->last_tag, p->base) : xstrdup(p->base);
	int nums[1024];
	size_t nnums = 0, pos = 0, i;
	int rc;

	rc = git_cmd(o->src, &out, "log", "--reverse", "--no-merges",
		     "--format=%H%x00%s%x00%B%x01", range, NULL);
	while (!rc && pos < out.len) {
		char *rec = out.buf + pos, *end = memchr(rec, '\x01', out.len - pos);
		char *s1, *s2;

		if (!end)
			break;
		*end = '\0';
		pos = (size_t)(end - out.buf) + 1;
		while (*rec == '\n')
			rec++;
		s1 = strchr(rec, '\0');
		if (s1 >= end)
			break;
		s2 = s1 + 1 + strlen(s1 + 1);
		if (s2 >= end)
			break;
		if (is_pre_opener(o->src, rec, s1 + 1, &p->layout))
			continue;
		strvec_pushf(&p->commits, "%s %s", rec, s1 + 1);
		{
			int found[32];
			size_t k, nf = xsa_mentions(s2 + 1, strlen(s2 + 1), found, ARRAY_SIZE(found));

			for (k = 0; k < nf && nnums < ARRAY_SIZE(nums); k++)
				nums[nnums++] = found[k];
		}
		{
			/* Commits from an embargoed backport bundle say until when. */
			const char *msg = s2 + 1, *t = msg;

			while ((t = strstr(t, "Embargo-Until: "))) {
				if (t == msg || t[-1] == '\n') {
					size_t len = strcspn(t + 15, "\n");

					strvec_pushf(embargo_trailers, "%.12s %.*s", rec, (int)len, t + 15);
				}
				t += 15;
			}
		}
	}
	free(range);
	strbuf_release(&out);
	if (rc)
		return rc;
	qsort(nums, nnums, sizeof(int), cmp_int);
	for (i = 0; i < nnums; i++) {
		struct release_xsa *x;
		const struct xsa_record *rec;

		if (i && nums[i] == nums[i - 1])
			continue;
		p->xsas = xreallocarray(p->xsas, p->nr_xsas + 1, sizeof(*p->xsas));
		x = &p->xsas[p->nr_xsas++];
		memset(x, 0, sizeof(*x));
		strvec_init(&x->commits);
		x->number = nums[i];
		rec = o->store ? xsa_store_find(o->store, nums[i]) : NULL;
		if (rec && rec->nr) {
			const struct xsa_version *v = &rec->v[rec->nr - 1];
			struct strbuf c = STRBUF_INIT;
			size_t k;

			for (k = 0; k < v->cves.nr; k++)
				strbuf_addf(&c, "%s%s", k ? ", " : "", v->cves.v[k]);
			x->cves = strbuf_detach(&c, NULL);
			x->title = xstrdup(v->title ? v->title : "");
		} else {
			x->cves = xstrdup("");
			x->title = xstrdup("");
		}
	}
	return 0;
}

/* ---- preflight ------------------------------------------------------------ */

static void check_supported(const struct release_opts *o, struct release_plan *p)
{
	struct check_result *r = add_check(p, "supported");
	long day = (long)(o->date / 86400);
	enum branch_state s = branch_state_on(o->branch, day);
	char d[11];

	date_format_day(day, d);
	if (branch_security_supported(o->branch, day))
		check_set(r, CHECK_PASSED, "%s is %s on %s", o->branch->name,
			  branch_state_name(s), d);
	else
		check_set(r, CHECK_FAILED, "%s is %s on %s: no releases are made for it",
			  o->branch->name, branch_state_name(s), d);
}

/* The URL of a remote (its push URL first), or NULL. */
static char *remote_url(const struct git_repo *src, const char *name)
{
	struct strbuf out = STRBUF_INIT;
	const char *keys[] = { "pushurl", "url" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char *key = xstrfmt("remote.%s.%s", name, keys[i]);
		int rc = git_try(src, &out, NULL, "config", "--get", key, NULL);

		free(key);
		strbuf_trim(&out);
		if (!rc && out.len)
			return strbuf_detach(&out, NULL);
		strbuf_reset(&out);
	}
	strbuf_release(&out);
	return NULL;
}

/*
 * Where the release is to be pushed: the remote the branch tracks, the
 * remote whose URL is [release] push-url, "origin", or the only remote;
 * a push-url no remote has is to be added.  Only remotes that exist in
 * the source repository are ever named.
 */
static int choose_remote(const struct release_opts *o, struct release_plan *p,
			 const char *tracked)
{
	const struct cfg_entry *pu = cfg_find(&o->branch->cfg, "release", NULL, "push-url");
	struct strbuf out = STRBUF_INIT;
	size_t pos = 0, n, i;
	const char *line;
	int rc;

	rc = git_try(o->src, &out, NULL, "remote", NULL);
	if (rc < 0)
		goto out;
	while (next_line(out.buf, out.len, &pos, &line, &n))
		if (n)
			strvec_pushf(&p->remotes, "%.*s", (int)n, line);
	rc = 0;
	if (pu) {
		const char *c;

		if (!pu->value || !*pu->value) {
			rc = error_input("%s:%d: push-url needs a value", o->branch->cfg.path,
					 pu->line);
			goto out;
		}
		for (c = pu->value; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				rc = error_input("%s:%d: push-url has a control character",
						 o->branch->cfg.path, pu->line);
				goto out;
			}
	}
	if (tracked && strvec_contains(&p->remotes, tracked)) {
		p->remote_push = xstrdup(tracked);
		goto out;
	}
	for (i = 0; pu && i < p->remotes.nr; i++) {
		char *url = remote_url(o->src, p->remotes.v[i]);
		int same = url && !strcmp(url, pu->value);

		free(url);
		if (same) {
			p->remote_push = xstrdup(p->remotes.v[i]);
			goto out;
		}
	}
	if (pu) {
		/* A name for it that no remote has yet. */
		const char *name = strvec_contains(&p->remotes, "origin") ? "publish" : "origin";
		int k = 2;

		p->remote_push = xstrdup(name);
		while (strvec_contains(&p->remotes, p->remote_push)) {
			free(p->remote_push);
			p->remote_push = xstrfmt("%s%d", name, k++);
		}
		p->push_url = xstrdup(pu->value);
	} else if (strvec_contains(&p->remotes, "origin")) {
		p->remote_push = xstrdup("origin");
	} else if (p->remotes.nr == 1) {
		p->remote_push = xstrdup(p->remotes.v[0]);
	}
out:
	strbuf_release(&out);
	return rc;
}

static int check_remote(const struct release_opts *o, struct release_plan *p)
{
	struct check_result *r = add_check(p, "remote");
	struct strbuf up = STRBUF_INIT, name = STRBUF_INIT;
	struct strvec remotes = STRVEC_INIT;
	char *local = xstrfmt("refs/heads/%s", o->branch->ref);
	char *pat = xstrfmt("refs/remotes/*/%s", o->branch->ref);
	char oid[GIT_MAX_HEXSZ + 1];
	const char *remote = NULL;
	int rc;

	if (git_try(o->src, &up, NULL, "for-each-ref",
		    "--format=%(upstream)%00%(upstream:remotename)", local, NULL) == 0) {
		const char *z;

		strbuf_trim(&up);
		z = memchr(up.buf, '\0', up.len);
		if (z) {
			strbuf_addstr(&name, z + 1);
			strbuf_setlen(&up, (size_t)(z - up.buf));
		}
		if (up.len)
			strvec_push(&remotes, up.buf);
	}
	if (!remotes.nr)
		git_list_refs(o->src, pat, &remotes);
	if (remotes.nr == 1 && !name.len) {
		const char *rest;

		/* refs/remotes/NAME/<ref>: NAME may hold slashes too. */
		if (skip_prefix(remotes.v[0], "refs/remotes/", &rest) &&
		    ends_with(rest, o->branch->ref) &&
		    strlen(rest) > strlen(o->branch->ref) + 1)
			strbuf_add(&name, rest, strlen(rest) - strlen(o->branch->ref) - 1);
	}
	rc = choose_remote(o, p, name.len ? name.buf : NULL);
	if (rc) {
		check_errored(r, rc, "cannot tell where %s is published", o->branch->ref);
		goto out;
	}
	if (!remotes.nr) {
		check_set(r, CHECK_PASSED, "local only: no remote branch tracks %s", o->branch->ref);
		goto out;
	}
	if (remotes.nr > 1) {
		check_set(r, CHECK_FAILED, "%zu remotes carry %s; set its upstream (git branch -u) "
			  "so it is clear which one to compare with", remotes.nr, o->branch->ref);
		goto out;
	}
	remote = remotes.v[0];
	if (git_resolve_commit(o->src, remote, oid)) {
		check_set(r, CHECK_FAILED, "cannot read %s", remote);
		goto out;
	}
	if (!strcmp(oid, p->base))
		check_set(r, CHECK_PASSED, "%s is where %s has it", o->branch->ref, remote + 13);
	else if (git_is_ancestor(o->src, oid, p->base) == 1)
		check_set(r, CHECK_PASSED, "%s is ahead of %s (not pushed yet)", o->branch->ref,
			  remote + 13);
	else
		check_set(r, CHECK_FAILED, "%s has commits that %s lacks: fetch and merge them first",
			  remote + 13, o->branch->ref);
out:
	strbuf_release(&up);
	strbuf_release(&name);
	strvec_clear(&remotes);
	free(local);
	free(pat);
	return rc;
}

/*
 * The release lists an XSA as fixed only on the XSA status's evidence (m,
 * or none without a store): a commit since the last tag that says "This is
 * XSA-N" is a claim (TRUST.md).
 */
static void keep_fixed_xsas(const struct release_opts *o, struct release_plan *p,
			    const struct xsa_matrix *m)
{
	size_t i, j, kept = 0;

	for (j = 0; j < p->nr_xsas; j++) {
		struct release_xsa *rx = &p->xsas[j];
		int applied = 0;

		for (i = 0; m && i < m->nr_xsa && m->nr_br; i++)
			if (m->xsa[i]->number == rx->number)
				applied = xsa_matrix_cell(m, i, 0)->state == XSA_APPLIED;
		if (applied) {
			p->xsas[kept++] = *rx;
			continue;
		}
		say("%s: a commit claims XSA-%d, but the XSA status has no evidence it is in the "
		    "tree: it is not listed as fixed", o->branch->name, rx->number);
		free(rx->cves);
		free(rx->title);
		strvec_clear(&rx->commits);
	}
	p->nr_xsas = kept;
}

/*
 * Embargo by content (embargo.h): the commits since the last release and
 * the tree to be tagged, against every embargoed patch known on the date.
 * 1 found (found says what), 0 not, <0 could not check (reported).
 */
static int embargo_content(const struct release_opts *o, const struct release_plan *p,
			   struct strbuf *found)
{
	struct embargo_load_opts eo;
	struct embargo_check_opts co;
	struct embargo_set es;
	struct embargo_report rep;
	char last[GIT_MAX_HEXSZ + 1];
	int rc;

	memset(&eo, 0, sizeof(eo));
	eo.maint_root = o->maint_root;
	eo.store = o->store;
	eo.src = o->src;
	eo.gpg = o->gpg;
	eo.date = o->date;
	rc = embargo_set_load(&es, &eo);
	if (rc)
		return rc;
	rc = p->last_tag ? git_resolve_commit(o->src, p->last_tag, last) : 1;
	if (rc == 1)
		memcpy(last, p->base, sizeof(last));
	if (rc >= 0) {
		memset(&co, 0, sizeof(co));
		co.src = o->src;
		co.reference = last;
		co.tip = p->base;
		rc = embargo_check(&es, &co, &rep);
		if (rc > 0)
			embargo_report_describe(&rep, found);
		embargo_report_release(&rep);
	}
	embargo_set_release(&es);
	return rc;
}

static void check_xsas(const struct release_opts *o, struct release_plan *p,
		       const struct strvec *embargo_trailers)
{
	struct check_result *x = add_check(p, "xsa"), *e = add_check(p, "embargo");
	struct strbuf pending = STRBUF_INIT, embargoed = STRBUF_INIT;
	struct strvec only = STRVEC_INIT;
	struct xsa_status_opts so;
	struct xsa_matrix m;
	size_t i, npending = 0;
	int rc;

	if (!o->store) {
		check_set(x, CHECK_PASSED, "no XSA store is loaded");
		memset(&m, 0, sizeof(m));
		keep_fixed_xsas(o, p, NULL);
		goto trailers;
	}
	strvec_push(&only, o->branch->name);
	memset(&so, 0, sizeof(so));
	so.store = o->store;
	so.branches = o->branches;
	so.only = &only;
	so.src = o->src;
	so.date = o->date;
	memset(&m, 0, sizeof(m));
	rc = xsa_status_compute(&so, &m);
	if (rc) {
		check_errored(x, rc, "cannot compute the XSA status of %s", o->branch->name);
		check_set(e, CHECK_SKIPPED, "needs the XSA status");
		strvec_clear(&only);
		return;
	}
	for (i = 0; i < m.nr_xsa && m.nr_br; i++) {
		const struct xsa_cell *c = xsa_matrix_cell(&m, i, 0);

		if (xsa_state_fails_check(c->state)) {
			strbuf_addf(&pending, "%sXSA-%d", npending ? ", " : "", m.xsa[i]->number);
			if (c->state != XSA_PENDING)
				strbuf_addf(&pending, " (%s%s%.12s)", xsa_state_name(c->state),
					    c->commit[0] ? " by " : "", c->commit);
			npending++;
		} else if (c->state == XSA_APPLIED &&
			   xsa_embargoed_at(o->store, m.xsa[i], o->date)) {
			strbuf_addf(&embargoed, "%sXSA-%d (in %.12s)", embargoed.len ? ", " : "",
				    m.xsa[i]->number, c->commit);
		}
	}
	for (i = 0; i < m.nr_xsa && m.nr_br; i++)
		if (xsa_matrix_cell(&m, i, 0)->state == XSA_APPLIED) {
			p->applied = xrealloc(p->applied, (p->nr_applied + 1) * sizeof(int));
			p->applied[p->nr_applied++] = m.xsa[i]->number;
		}
	keep_fixed_xsas(o, p, &m);
	if (npending) {
		char *fix = self_cmd_str("xsa", "apply", o->branch->name, NULL);

		check_set(x, CHECK_FAILED, "public XSAs not applied to %s: %s; run: %s",
			  o->branch->name, pending.buf, fix);
		free(fix);
	} else {
		check_set(x, CHECK_PASSED, "every public XSA for %s is applied (%zu advisories known)",
			  o->branch->name, m.nr_xsa);
	}
trailers:
	/* Commits from embargoed backport bundles say until when, store or not. */
	for (i = 0; i < embargo_trailers->nr; i++) {
		const char *t = embargo_trailers->v[i], *when = strchr(t, ' ');
		int64_t until;

		if (when && !date_parse_time(when + 1, &until) && until > o->date)
			strbuf_addf(&embargoed, "%scommit %.12s (embargoed until %s)",
				    embargoed.len ? ", " : "", t, when + 1);
		else if (when && date_parse_time(when + 1, &until))
			strbuf_addf(&embargoed, "%scommit %.12s (unreadable Embargo-Until '%s')",
				    embargoed.len ? ", " : "", t, when + 1);
	}
	{
		struct strbuf content = STRBUF_INIT;
		int crc = embargo_content(o, p, &content);

		if (crc < 0)
			check_errored(e, crc, "cannot check %s for embargoed content", o->branch->ref);
		else if (crc > 0)
			check_set(e, CHECK_FAILED, "embargoed content is on %s: %s%s%s", o->branch->ref,
				  content.buf, embargoed.len ? "; and by the messages: " : "",
				  embargoed.buf);
		else if (embargoed.len)
			check_set(e, CHECK_FAILED, "embargoed fixes are on the branch: %s",
				  embargoed.buf);
		else
			check_set(e, CHECK_PASSED, "no embargoed fix is on the branch (by content)");
		strbuf_release(&content);
	}
	xsa_matrix_release(&m);
	strvec_clear(&only);
	strbuf_release(&pending);
	strbuf_release(&embargoed);
}

static void check_key(const struct release_opts *o, struct release_plan *p)
{
	struct check_result *r = add_check(p, "key");
	struct strvec trusted = STRVEC_INIT, usable = STRVEC_INIT;
	struct gpg_key_info info;
	size_t i;
	int lrc;

	maintainers_trusted(o->maint, ROLE_RELEASE, o->branch->name, &trusted);
	if (o->key) {
		if (!strvec_contains(&trusted, o->key)) {
			check_set(r, CHECK_FAILED, "key %s is not a release manager's key for %s "
				  "in MAINTAINERS", o->key, o->branch->name);
			goto out;
		}
		strvec_push(&usable, o->key);
	} else {
		for (i = 0; i < trusted.nr; i++) {
			memset(&info, 0, sizeof(info));
			lrc = gpg_key_lookup(o->gpg, trusted.v[i], &info);
			if (!lrc && info.has_secret)
				strvec_push(&usable, trusted.v[i]);
			gpg_key_info_release(&info);
			if (lrc < 0) {
				/* Not "no key": gpg itself could not run. */
				check_errored(r, lrc, "gpg could not be asked about key %s",
					      trusted.v[i]);
				goto out;
			}
		}
		if (!usable.nr) {
			check_set(r, CHECK_FAILED, "no secret key here for any of the %zu release "
				  "key(s) MAINTAINERS lists for %s; pass --key", trusted.nr,
				  o->branch->name);
			goto out;
		}
		if (usable.nr > 1) {
			check_set(r, CHECK_FAILED, "%zu release keys for %s have secret keys here; "
				  "choose one with --key", usable.nr, o->branch->name);
			goto out;
		}
	}
	memset(&info, 0, sizeof(info));
	lrc = gpg_key_lookup(o->gpg, usable.v[0], &info);
	if (lrc < 0)
		check_errored(r, lrc, "gpg could not be asked about key %s", usable.v[0]);
	else if (!info.found || !info.has_secret)
		check_set(r, CHECK_FAILED, "gpg has no secret key %s", usable.v[0]);
	else if (info.revoked)
		check_set(r, CHECK_FAILED, "key %s is revoked", usable.v[0]);
	else if (info.expired)
		check_set(r, CHECK_FAILED, "key %s has expired", usable.v[0]);
	else if (!info.can_sign)
		check_set(r, CHECK_FAILED, "key %s cannot sign", usable.v[0]);
	else {
		snprintf(p->key, sizeof(p->key), "%s", usable.v[0]);
		check_set(r, CHECK_PASSED, "signing with %s (%s)", p->key,
			  info.uid ? info.uid : "no user id");
	}
	gpg_key_info_release(&info);
out:
	strvec_clear(&trusted);
	strvec_clear(&usable);
}

static void check_worktree(const struct release_opts *o, struct release_plan *p)
{
	struct check_result *r = add_check(p, "worktree");
	struct strvec wts = STRVEC_INIT;
	char *ref = xstrfmt("refs/heads/%s", o->branch->ref);
	size_t i;
	int dirty = 0;

	if (git_worktrees_with_branch(o->src, ref, &wts)) {
		check_set(r, CHECK_ERROR, "cannot list the worktrees of the source repository");
		goto out;
	}
	for (i = 0; i < wts.nr && !dirty; i++)
		if (git_worktree_clean(o->src, wts.v[i]) == 0) {
			check_set(r, CHECK_FAILED, "%s is checked out in %s with uncommitted "
				  "changes", o->branch->ref, wts.v[i]);
			dirty = 1;
		}
	if (!dirty)
		check_set(r, CHECK_PASSED, wts.nr ? "the checkout of %s is clean" :
			  "%s is not checked out", o->branch->ref);
out:
	strvec_clear(&wts);
	free(ref);
}

/* The commit a release directory's release.json names; NULL if none. */
static char *dist_commit(const char *dist)
{
	struct strbuf sb = STRBUF_INIT;
	char *jp = path_join(dist, "release.json"), *c = NULL;
	yajl_val v = NULL;
	int fd = open(jp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		if (!read_file(&sb, jp, 4 << 20) && !json_parse(sb.buf, sb.len, jp, &v) &&
		    json_get_string(v, "commit"))
			c = xstrdup(json_get_string(v, "commit"));
	}
	json_free(v);
	strbuf_release(&sb);
	free(jp);
	return c;
}

/*
 * Can the artifacts go to OUT/X.Y.Z?  Checked before anything is built or
 * committed, so an occupied directory stops the release while nothing has
 * changed.  An empty directory (left by a person or a tool) is used; one
 * holding this very release (an interrupted run) is verified and kept.
 * The reasons name no absolute path: release.json records them.
 */
static void check_output(const struct release_opts *o, struct release_plan *p)
{
	struct check_result *r = add_check(p, "output");
	char *dist = path_join(o->out_dir, p->version);
	struct strvec names = STRVEC_INIT;
	struct stat st;
	char *c = NULL;

	if (!stat(o->out_dir, &st) && !S_ISDIR(st.st_mode)) {
		check_set(r, CHECK_FAILED, "%s is not a directory: the artifacts cannot go there",
			  o->out_dir);
	} else if (lstat(dist, &st)) {
		if (errno == ENOENT)
			check_set(r, CHECK_PASSED, "%s/ is free in the output directory", p->version);
		else
			check_set(r, CHECK_ERROR, "cannot look at %s: %s", dist, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		check_set(r, CHECK_FAILED, "%s exists and is not a directory: move it away",
			  dist);
	} else if (list_dir(dist, &names)) {
		check_set(r, CHECK_ERROR, "cannot read %s", dist);
	} else if (!names.nr) {
		check_set(r, CHECK_PASSED, "%s/ is empty in the output directory: the artifacts "
			  "go there", p->version);
	} else if ((c = dist_commit(dist)) && p->resumed && !strcmp(c, p->release_commit)) {
		check_set(r, CHECK_PASSED, "%s/ holds the artifacts of the interrupted run",
			  p->version);
	} else if (c) {
		check_set(r, CHECK_FAILED, "%s holds another release (commit %.12s): move it away "
			  "or release to another --out", dist, c);
	} else {
		check_set(r, CHECK_FAILED, "%s exists and holds %zu file(s) that are not this "
			  "release (no release.json of it): move them away or release to another "
			  "--out", dist, names.nr);
	}
	free(c);
	strvec_clear(&names);
	free(dist);
}

/* ---- state of an interrupted run ------------------------------------------ */

struct release_state {
	struct strvec recorded;
	int tree_checked;
	char *version;
	char base[GIT_MAX_HEXSZ + 1];
	char release_commit[GIT_MAX_HEXSZ + 1];
	char pre_commit[GIT_MAX_HEXSZ + 1];
	int64_t time;
	char key[GPG_FPR_LEN + 1];
};

static char *state_path(const struct release_opts *o)
{
	char *rel = xstrfmt(".xenstable/release/%s.json", o->branch->name);
	char *p = path_join(o->maint_root, rel);

	free(rel);
	return p;
}

static int state_load(const struct release_opts *o, struct release_state *st)
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
static void write_recorded(struct json_writer *w, const struct strvec *rec)
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
static void record_checks(struct release_plan *p, size_t from)
{
	size_t i;

	for (i = from; i < p->nr_checks; i++)
		strvec_pushf(&p->recorded, "%s\t%s\t%s", p->checks[i].name,
			     check_status_name(p->checks[i].status),
			     p->checks[i].reason ? p->checks[i].reason : "");
}

static int state_save(const struct release_opts *o, const struct release_plan *p, int64_t t)
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
	write_recorded(&w, &p->recorded);
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

static void state_remove(const struct release_opts *o)
{
	char *path = state_path(o);

	unlink(path);
	free(path);
}

/* ---- prepare ---------------------------------------------------------------- */

static int release_exists(const struct release_opts *o, const struct release_plan *p,
			  const char *last_commit)
{
	struct strbuf sb = STRBUF_INIT;
	char *version = xstrfmt("%d.%d.%d", o->branch->major, o->branch->minor, p->point);
	char *dist = path_join(o->out_dir, version);
	char *json = path_join(dist, "release.json");
	yajl_val v = NULL;
	int found = 0;

	if (!read_file_if_exists(&sb, json, 4 << 20) &&
	    !json_parse(sb.buf, sb.len, json, &v)) {
		const char *c = json_get_string(v, "commit");

		found = c && !strcmp(c, last_commit);
	}
	json_free(v);
	strbuf_release(&sb);
	free(version);
	free(dist);
	free(json);
	return found;
}

int release_prepare(const struct release_opts *o, struct release_plan *p)
{
	const struct branch *b = o->branch;
	struct strvec embargo_trailers = STRVEC_INIT;
	struct release_state st;
	char last_commit[GIT_MAX_HEXSZ + 1] = "";
	char *ref = xstrfmt("refs/heads/%s", b->ref);
	int rc, have_last;

	release_plan_init(p);
	rc = git_resolve_commit(o->src, ref, p->base);
	if (rc == 1)
		rc = error_input("no branch %s in the source repository", b->ref);
	if (rc)
		goto out;
	rc = state_load(o, &st);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		/* An interrupted run: complete it if nothing moved meanwhile. */
		if (strcmp(st.base, p->base) && strcmp(st.pre_commit, p->base)) {
			rc = error_env("an interrupted release of %s started from %.12s, but %s is "
				       "now at %.12s; check, then remove .xenstable/release/%s.json",
				       st.version, st.base, b->ref, p->base, b->name);
			free(st.version);
			strvec_clear(&st.recorded);
			goto out;
		}
		p->resumed = 1;
		memcpy(p->base, st.base, sizeof(p->base));
		memcpy(p->release_commit, st.release_commit, sizeof(p->release_commit));
		memcpy(p->pre_commit, st.pre_commit, sizeof(p->pre_commit));
		snprintf(p->key, sizeof(p->key), "%s", st.key);
		p->version = st.version;
		p->time = st.time;
		strvec_pushv(&p->recorded, st.recorded.v);
		p->tree_checked = st.tree_checked;
	} else {
		p->time = o->now;
	}
	strvec_clear(&st.recorded);
	rc = tree_layout_detect(o->src, p->base, &p->layout);
	if (!rc)
		rc = tree_read_version(o->src, p->base, &p->layout, &p->cur);
	if (rc)
		goto out;
	have_last = release_last_tag(o->src, b, p->base, &p->last_tag, &p->point, last_commit,
				     &p->last_time);
	if (have_last < 0) {
		rc = have_last;
		goto out;
	}
	if (have_last == 1) {
		rc = error_input("%s has no %s tag: xenstable makes point releases of branches "
				 "that upstream has released", b->ref, b->tag_format);
		goto out;
	}
	rc = collect_changes(o, p, &embargo_trailers);
	if (rc)
		goto out;
	if (!p->resumed && !p->commits.nr && release_exists(o, p, last_commit)) {
		p->existed = 1;
		p->version = xstrfmt("%d.%d.%d", b->major, b->minor, p->point);
		p->tag = xstrdup(p->last_tag);
		goto out;
	}
	if (!p->resumed) {
		p->point++;
		p->version = xstrfmt("%d.%d.%d", b->major, b->minor, p->point);
	}
	p->tag = branch_tag_name(b, p->version);

	check_supported(o, p);
	rc = check_remote(o, p);
	if (rc < 0)
		goto out;
	check_xsas(o, p, &embargo_trailers);
	rc = release_history_xsas(o, p, p->applied, p->nr_applied);
	if (rc)
		goto out;
	{
		struct check_result *r = add_check(p, "changes");

		if (p->resumed)
			check_set(r, CHECK_PASSED, "completing the interrupted release of %s",
				  p->version);
		else if (p->commits.nr)
			check_set(r, CHECK_PASSED, "%zu commit(s) since %s, %zu XSA(s)",
				  p->commits.nr, p->last_tag, p->nr_xsas);
		else
			check_set(r, CHECK_FAILED, "nothing to release: no commits since %s "
				  "(besides the one opening the -pre version)", p->last_tag);
	}
	{
		struct check_result *r = add_check(p, "version");
		char *want_pre = xstrfmt(".%d-pre", p->point), *want = xstrfmt(".%d", p->point);

		if (p->cur.major != b->major || p->cur.minor != b->minor)
			check_set(r, CHECK_FAILED, "%s says version %d.%d, not %s", p->layout.makefile,
				  p->cur.major, p->cur.minor, b->name);
		else if (p->resumed || !strcmp(p->cur.extra, want_pre) || !strcmp(p->cur.extra, want))
			check_set(r, CHECK_PASSED, "%s: %d.%d%s -> %s", p->layout.makefile,
				  p->cur.major, p->cur.minor, p->cur.extra, p->version);
		else
			check_set(r, CHECK_FAILED, "%s says %d.%d%s, but after %s the next version is "
				  "%s", p->layout.makefile, p->cur.major, p->cur.minor, p->cur.extra,
				  p->last_tag, p->version);
		free(want_pre);
		free(want);
	}
	if (p->resumed) {
		struct check_result *r = add_check(p, "key");
		struct gpg_key_info info;

		memset(&info, 0, sizeof(info));
		if (!gpg_key_lookup(o->gpg, p->key, &info) && info.has_secret && info.can_sign &&
		    !info.expired && !info.revoked)
			check_set(r, CHECK_PASSED, "signing with %s, as the interrupted run did", p->key);
		else
			check_set(r, CHECK_FAILED, "the interrupted run signed with %s, which cannot "
				  "sign here now", p->key);
		gpg_key_info_release(&info);
	} else {
		check_key(o, p);
	}
	{
		struct check_result *r = add_check(p, "tag");
		char *tref = xstrfmt("refs/tags/%s", p->tag);
		char oid[GIT_MAX_HEXSZ + 1];
		int exists = git_ref_exists(o->src, tref);

		if (exists && p->resumed && !git_resolve_commit(o->src, tref, oid) &&
		    !strcmp(oid, p->release_commit))
			check_set(r, CHECK_PASSED, "%s exists from the interrupted run", p->tag);
		else if (exists)
			check_set(r, CHECK_FAILED, "tag %s exists already", p->tag);
		else
			check_set(r, CHECK_PASSED, "%s is free", p->tag);
		free(tref);
	}
	check_worktree(o, p);
	check_output(o, p);
	rc = checks_failed(p) ? XS_FAIL : 0;
out:
	strvec_clear(&embargo_trailers);
	free(ref);
	return rc;
}

/* ---- the two commits ---------------------------------------------------------- */

struct index_ctx {
	const struct git_repo *src;
	struct strvec env;		/* GIT_INDEX_FILE and identity */
	char *index;
};

static int ix_git(struct index_ctx *ix, const char *in, size_t len, struct strbuf *out,
		  const char *what, const char *const *argv)
{
	struct strbuf err = STRBUF_INIT;
	int rc = git_run(ix->src, &ix->env, in, len, out, &err, argv);

	if (rc > 0)
		rc = error_env("git %s failed: %.*s", what, (int)strcspn(err.buf, "\n"), err.buf);
	strbuf_release(&err);
	return rc;
}

static int ix_put(struct index_ctx *ix, const char *path, const struct strbuf *content)
{
	struct strbuf oid = STRBUF_INIT;
	const char *const ho[] = { "hash-object", "-w", "--no-filters", "--stdin", NULL };
	int rc = ix_git(ix, content->buf, content->len, &oid, "hash-object", ho);
	char *info;

	if (rc)
		goto out;
	strbuf_trim(&oid);
	info = xstrfmt("100644,%s,%s", oid.buf, path);
	{
		const char *const ui[] = { "update-index", "--cacheinfo", info, NULL };

		rc = ix_git(ix, NULL, 0, NULL, "update-index", ui);
	}
	free(info);
out:
	strbuf_release(&oid);
	return rc;
}

static int ix_commit(struct index_ctx *ix, const char *parent, const char *msg,
		     char oid[GIT_MAX_HEXSZ + 1])
{
	struct strbuf tree = STRBUF_INIT, out = STRBUF_INIT;
	const char *const wt[] = { "write-tree", NULL };
	int rc = ix_git(ix, NULL, 0, &tree, "write-tree", wt);

	if (!rc) {
		const char *ct[] = { "commit-tree", NULL, "-p", parent, NULL };

		strbuf_trim(&tree);
		ct[1] = tree.buf;
		rc = ix_git(ix, msg, strlen(msg), &out, "commit-tree", ct);
	}
	if (!rc) {
		strbuf_trim(&out);
		snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", out.buf);
	}
	strbuf_release(&tree);
	strbuf_release(&out);
	return rc;
}

static int set_version(struct index_ctx *ix, const struct release_plan *p, const char *rev,
		       const char *extra)
{
	struct strbuf mk = STRBUF_INIT;
	int rc = git_read_blob(ix->src, rev, p->layout.makefile, &mk);

	if (rc == 1)
		rc = error_input("%s:%s: no such file", rev, p->layout.makefile);
	if (!rc)
		rc = version_set_makefile(&mk, p->layout.makefile, p->cur.major, p->cur.minor, extra);
	if (!rc)
		rc = ix_put(ix, p->layout.makefile, &mk);
	strbuf_release(&mk);
	return rc;
}

/*
 * An XSA as the CHANGELOG entry and the tag message list it:
 * "XSA-950 (CVE-2026-95001): title (commit 0123456789ab)", with the state
 * first in the parenthesis when the fix is only claimed or partial.
 */
static void xsa_line(const struct release_xsa *x, struct strbuf *out)
{
	size_t k;
	int plain = !x->state || !strcmp(x->state, "fixed");

	strbuf_addf(out, "XSA-%d", x->number);
	if (*x->cves)
		strbuf_addf(out, " (%s)", x->cves);
	if (*x->title)
		strbuf_addf(out, ": %s", x->title);
	if (!x->commits.nr && plain)
		return;
	strbuf_addstr(out, " (");
	if (!plain)
		strbuf_addf(out, "%s%s", x->state, x->commits.nr ? ", " : "");
	if (x->commits.nr)
		strbuf_addstr(out, x->commits.nr == 1 ? "commit " : "commits ");
	for (k = 0; k < x->commits.nr; k++)
		strbuf_addf(out, "%s%.12s", k ? ", " : "", x->commits.v[k]);
	strbuf_addch(out, ')');
}

static void changelog_entry_for(const struct release_plan *p, int64_t now,
				struct changelog_entry *e)
{
	static char day[11];
	size_t i, k;

	changelog_entry_init(e);
	date_format_day((long)(now / 86400), day);
	e->version = p->version;
	e->tag = p->tag;
	e->date = day;
	for (i = 0; i < p->nr_xsas; i++) {
		const struct release_xsa *x = &p->xsas[i];

		struct strbuf line = STRBUF_INIT;

		xsa_line(x, &line);
		strvec_push(&e->security, line.buf);
		strbuf_release(&line);
	}
	for (i = 0; i < p->commits.nr; i++) {
		const char *subject = strchr(p->commits.v[i], ' ');
		int is_xsa = 0;

		/* XSA commits are listed above by advisory, not again here. */
		for (k = 0; subject && k < p->nr_xsas && !is_xsa; k++) {
			char *needle = xstrfmt("XSA-%d", p->xsas[k].number);

			is_xsa = strstr(subject, needle) != NULL;
			free(needle);
		}
		if (subject && !is_xsa)
			strvec_push(&e->fixed, subject + 1);
	}
}

static int make_commits(const struct release_opts *o, struct release_plan *p,
			const char *ident)
{
	struct index_ctx ix;
	struct strbuf doc = STRBUF_INIT, msg = STRBUF_INIT;
	char iso[32];
	char *extra, *pre_extra, *pre_version;
	const char *lt = strchr(ident, '<');
	int rc;

	memset(&ix, 0, sizeof(ix));
	ix.src = o->src;
	strvec_init(&ix.env);
	ix.index = xstrfmt("%s/xenstable-release-%ld.index", o->src->git_dir, (long)getpid());
	strvec_pushf(&ix.env, "GIT_INDEX_FILE=%s", ix.index);
	date_format_iso(p->time, iso);
	strvec_pushf(&ix.env, "GIT_AUTHOR_DATE=%s", iso);
	strvec_pushf(&ix.env, "GIT_COMMITTER_DATE=%s", iso);
	if (lt) {
		size_t nl = (size_t)(lt - ident);

		while (nl && ident[nl - 1] == ' ')
			nl--;
		strvec_pushf(&ix.env, "GIT_AUTHOR_NAME=%.*s", (int)nl, ident);
		strvec_pushf(&ix.env, "GIT_COMMITTER_NAME=%.*s", (int)nl, ident);
		strvec_pushf(&ix.env, "GIT_AUTHOR_EMAIL=%.*s", (int)strcspn(lt + 1, ">"), lt + 1);
		strvec_pushf(&ix.env, "GIT_COMMITTER_EMAIL=%.*s", (int)strcspn(lt + 1, ">"), lt + 1);
	}
	extra = xstrfmt(".%d", p->point);
	pre_extra = xstrfmt(".%d-pre", p->point + 1);
	pre_version = xstrfmt("%d.%d.%d-pre", p->cur.major, p->cur.minor, p->point + 1);
	{
		const char *const rt[] = { "read-tree", p->base, NULL };

		rc = ix_git(&ix, NULL, 0, NULL, "read-tree", rt);
	}
	if (!rc)
		rc = set_version(&ix, p, p->base, extra);
	if (!rc) {
		int have = git_read_blob(o->src, p->base, "CHANGELOG.md", &doc);

		if (have < 0) {
			rc = have;
		} else if (have == 0) {
			struct changelog_entry e;

			changelog_entry_for(p, p->time, &e);
			rc = changelog_insert(&doc, "CHANGELOG.md", &e);
			if (rc == 1)
				rc = 0;
			if (!rc)
				rc = ix_put(&ix, "CHANGELOG.md", &doc);
			changelog_entry_release(&e);
		}
	}
	if (!rc) {
		strbuf_addf(&msg, "update Xen version to %s\n", p->version);
		rc = ix_commit(&ix, p->base, msg.buf, p->release_commit);
	}
	if (!rc)
		rc = set_version(&ix, p, p->release_commit, pre_extra);
	if (!rc) {
		strbuf_reset(&msg);
		strbuf_addf(&msg, "update Xen version to %s\n", pre_version);
		rc = ix_commit(&ix, p->release_commit, msg.buf, p->pre_commit);
	}
	unlink(ix.index);
	free(ix.index);
	strvec_clear(&ix.env);
	free(extra);
	free(pre_extra);
	free(pre_version);
	strbuf_release(&doc);
	strbuf_release(&msg);
	return rc;
}

/* Refs that keep the commits of an unfinished release from git gc. */
static int hold_refs(const struct release_opts *o, const struct release_plan *p, int drop)
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

/* ---- build, ABI and boot on the release commit ------------------------------ */

static int skipped(const struct release_opts *o, struct check_result *r)
{
	if (!o->skip || !strvec_contains(o->skip, r->name))
		return 0;
	check_set(r, CHECK_SKIPPED, "SKIPPED by --skip %s: this release is not proven by it",
		  r->name);
	warning("the %s check is SKIPPED (--skip %s); release.json records it", r->name, r->name);
	return 1;
}

static int tree_checks(const struct release_opts *o, struct release_plan *p)
{
	struct check_result *rb = add_check(p, "build");
	struct check_result *ra, *rboot;
	int rc = 0;

	if (!skipped(o, rb)) {
		struct build_opts bo;
		struct build_result res;

		memset(&bo, 0, sizeof(bo));
		bo.src = o->src;
		bo.rev = p->release_commit;
		bo.maint_root = o->maint_root;
		bo.branches = o->branches;
		bo.jobs = o->jobs;
		build_result_init(&res);
		say("preflight: building %s at %.12s", p->version, p->release_commit);
		rc = build_run(&bo, &res);
		if (rc) {
			check_errored(rb, rc, "the build could not be attempted");
		} else {
			check_set(rb, res.check.status, "%s", res.check.reason ? res.check.reason : "");
			rb->duration_ms = res.check.duration_ms;
			rb->reused = res.check.reused;
			strvec_pushv(&rb->logs, res.check.logs.v);
		}
		build_result_release(&res);
		crash_point("release-built");
	}
	ra = add_check(p, "abi");
	if (!skipped(o, ra)) {
		struct abi_check_opts ao;
		struct abi_findings f;

		memset(&ao, 0, sizeof(ao));
		memset(&f, 0, sizeof(f));
		ao.src = o->src;
		ao.branch = o->branch;
		ao.rev = p->release_commit;
		ao.maint_root = o->maint_root;
		ao.branches = o->branches;
		ao.jobs = o->jobs;
		say("preflight: checking the library ABI of %s against %s", p->version, p->last_tag);
		rc = abi_check_run(&ao, ra, &f);
		if (ra->status == CHECK_FAILED) {
			size_t i;

			/* abidiff's own explanation, for the person who must decide. */
			for (i = 0; i < f.nr; i++)
				if (f.v[i].report && *f.v[i].report)
					say("abidiff on %s:\n%s", f.v[i].library, f.v[i].report);
		}
		abi_findings_release(&f);
		if (rc && ra->status != CHECK_ERROR)
			check_errored(ra, rc, "the ABI check could not run");
	}
	rboot = add_check(p, "boot");
	if (!skipped(o, rboot)) {
		struct boot_check_opts bo;

		memset(&bo, 0, sizeof(bo));
		bo.src = o->src;
		bo.rev = p->release_commit;
		bo.maint_root = o->maint_root;
		bo.branches = o->branches;
		bo.expect = p->version;
		bo.jobs = o->jobs;
		say("preflight: booting %s in qemu", p->version);
		rc = boot_check_run(&bo, rboot);
		if (rc && rboot->status != CHECK_ERROR)
			check_errored(rboot, rc, "the boot check could not run");
	}
	return checks_failed(p) ? XS_FAIL : 0;
}

/* ---- artifacts ------------------------------------------------------------------ */

struct artifact {
	char *name;			/* file name in the release directory */
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
	char tar_sha256[SHA256_HEX_LEN + 1];
	const char *format;		/* "gzip", "xz", "json" */
	char *companion;		/* companion name, NULL for Xen itself */
	char *revision;			/* companion revision */
};

struct artifact_list {
	struct artifact *v;
	size_t nr, alloc;
};

static struct artifact *artifact_add(struct artifact_list *l, const char *name)
{
	struct artifact *a;

	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	a = &l->v[l->nr++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	return a;
}

static void artifacts_release(struct artifact_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].name);
		free(l->v[i].companion);
		free(l->v[i].revision);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The value of "VAR ?= value" or "VAR = value" in Config.mk text. */
static char *config_mk_value(const char *text, size_t len, const char *var)
{
	size_t pos = 0, n, vl = strlen(var);
	const char *line;

	while (next_line(text, len, &pos, &line, &n)) {
		size_t i = 0;

		if (n <= vl || memcmp(line, var, vl))
			continue;
		i = vl;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i + 1 < n && line[i] == '?' && line[i + 1] == '=')
			i += 2;
		else if (i < n && line[i] == '=')
			i++;
		else
			continue;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		{
			size_t e = n;

			while (e > i && isspace((unsigned char)line[e - 1]))
				e--;
			return xmemdupz(line + i, e - i);
		}
	}
	return NULL;
}

/* Tarballs of the companion sources the tree pins ([companion "NAME"]). */
static int write_companions(const struct release_opts *o, const struct release_plan *p,
			    const char *dir, struct artifact_list *l)
{
	const struct cfg_file *cf = &o->branch->cfg;
	struct strbuf cmk = STRBUF_INIT;
	int have_cmk = -1, rc = 0;
	size_t i;

	for (i = 0; i < cf->nr && !rc; i++) {
		const struct cfg_entry *e = &cf->e[i], *m, *v;
		struct git_repo mirror;
		struct tarball_source ts;
		struct tarball_hashes h;
		char *mirror_path, *rev, *prefix, *file, *path;
		char oid[GIT_MAX_HEXSZ + 1];
		size_t j;
		int dup = 0;

		if (strcmp(e->section, "companion") || !e->subsection)
			continue;
		for (j = 0; j < i; j++)
			if (!strcmp(cf->e[j].section, "companion") && cf->e[j].subsection &&
			    !strcmp(cf->e[j].subsection, e->subsection))
				dup = 1;
		if (dup)
			continue;
		for (j = 0; j < cf->nr; j++) {
			const struct cfg_entry *k = &cf->e[j];

			if (!strcmp(k->section, "companion") && k->subsection &&
			    !strcmp(k->subsection, e->subsection) && strcmp(k->key, "mirror") &&
			    strcmp(k->key, "variable"))
				return error_input("%s:%d: unknown key '%s' for companion %s "
						   "(mirror, variable)", cf->path, k->line, k->key,
						   e->subsection);
		}
		m = cfg_find(cf, "companion", e->subsection, "mirror");
		v = cfg_find(cf, "companion", e->subsection, "variable");
		if (!m || !m->value || !v || !v->value)
			return error_input("%s:%d: companion %s needs 'mirror' and 'variable'",
					   cf->path, e->line, e->subsection);
		if (!path_is_safe(e->subsection) || strchr(e->subsection, '/'))
			return error_input("%s:%d: companion name '%s' is not a plain name",
					   cf->path, e->line, e->subsection);
		if (have_cmk < 0)
			have_cmk = git_read_blob(o->src, p->release_commit, "Config.mk", &cmk);
		if (have_cmk)
			return have_cmk < 0 ? have_cmk :
				error_input("%s: companion %s is configured but the tree has no "
					    "Config.mk", cf->path, e->subsection);
		rev = config_mk_value(cmk.buf, cmk.len, v->value);
		if (!rev || !*rev || strpbrk(rev, "$( ")) {
			free(rev);
			strbuf_release(&cmk);
			return error_input("Config.mk at %.12s: no plain revision in %s (for %s)",
					   p->release_commit, v->value, e->subsection);
		}
		mirror_path = m->value[0] == '/' ? xstrdup(m->value) : path_join(o->maint_root, m->value);
		rc = git_open(&mirror, mirror_path);
		free(mirror_path);
		if (rc) {
			free(rev);
			return rc;
		}
		rc = git_resolve_commit(&mirror, rev, oid);
		if (rc == 1)
			rc = error_input("companion %s: revision %s (%s in Config.mk) is not in %s",
					 e->subsection, rev, v->value, m->value);
		prefix = xstrfmt("%s-%.12s/", e->subsection, oid);
		file = xstrfmt("%s-%.12s.tar.gz", e->subsection, oid);
		path = path_join(dir, file);
		memset(&ts, 0, sizeof(ts));
		if (!rc)
			rc = tarball_resolve(&mirror, oid, prefix, &ts);
		if (!rc) {
			say("writing %s (%s at %s)", file, e->subsection, rev);
			rc = tarball_write(&mirror, &ts, COMPRESS_GZ, o->jobs, path, &h);
		}
		if (!rc) {
			struct artifact *a = artifact_add(l, file);

			memcpy(a->sha256, h.sha256, sizeof(a->sha256));
			memcpy(a->tar_sha256, h.tar_sha256, sizeof(a->tar_sha256));
			a->size = h.size;
			a->format = "gzip";
			a->companion = xstrdup(e->subsection);
			a->revision = xstrdup(oid);
		}
		tarball_source_release(&ts);
		git_close(&mirror);
		free(rev);
		free(prefix);
		free(file);
		free(path);
		crash_point("release-artifact");
	}
	strbuf_release(&cmk);
	return rc;
}

static void write_release_json(const struct release_opts *o, const struct release_plan *p,
			       const struct artifact_list *l, const char *tree,
			       const char *tar_sha256, struct strbuf *out)
{
	struct json_writer w;
	char iso[32];
	size_t i;

	date_format_iso(p->time, iso);
	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_int(&w, "schema", RELEASE_JSON_SCHEMA);
	jw_kv_str(&w, "product", "xen");
	jw_kv_str(&w, "branch", o->branch->name);
	jw_kv_str(&w, "version", p->version);
	jw_kv_str(&w, "tag", p->tag);
	jw_kv_str(&w, "previous", p->last_tag);
	jw_kv_str(&w, "commit", p->release_commit);
	jw_kv_str(&w, "tree", tree);
	jw_kv_str(&w, "date", iso);
	jw_kv_str(&w, "tar_sha256", tar_sha256);
	jw_key(&w, "files");
	jw_arr_begin(&w);
	for (i = 0; i < l->nr; i++) {
		const struct artifact *a = &l->v[i];

		if (a->companion || !strcmp(a->format, "json"))
			continue;	/* the OSV records are listed by XSA */
		jw_obj_begin(&w);
		jw_kv_str(&w, "name", a->name);
		jw_kv_str(&w, "format", a->format);
		jw_kv_int(&w, "size", (long long)a->size);
		jw_kv_str(&w, "sha256", a->sha256);
		jw_kv_str(&w, "tar_sha256", a->tar_sha256);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "companions");
	jw_arr_begin(&w);
	for (i = 0; i < l->nr; i++) {
		const struct artifact *a = &l->v[i];

		if (!a->companion)
			continue;
		jw_obj_begin(&w);
		jw_kv_str(&w, "name", a->companion);
		jw_kv_str(&w, "revision", a->revision);
		jw_kv_str(&w, "file", a->name);
		jw_kv_int(&w, "size", (long long)a->size);
		jw_kv_str(&w, "sha256", a->sha256);
		jw_kv_str(&w, "tar_sha256", a->tar_sha256);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "xsas");
	jw_arr_begin(&w);
	for (i = 0; i < p->nr_xsas; i++) {
		const struct release_xsa *x = &p->xsas[i];
		struct strvec cves = STRVEC_INIT;

		strvec_split(&cves, x->cves, ", ");
		jw_obj_begin(&w);
		jw_kv_int(&w, "xsa", x->number);
		jw_kv_strvec(&w, "cves", &cves);
		jw_kv_str(&w, "title", x->title);
		jw_kv_str(&w, "state", x->state ? x->state : "fixed");
		jw_kv_strvec(&w, "commits", &x->commits);
		if (x->osv) {
			char *name = xstrfmt(RELEASE_OSV_FMT, x->number);

			jw_kv_str(&w, "osv", name);
			free(name);
		} else {
			jw_kv_null(&w, "osv");
		}
		jw_obj_end(&w);
		strvec_clear(&cves);
	}
	jw_arr_end(&w);
	jw_kv_int(&w, "commits", (long long)p->commits.nr);
	jw_kv_str(&w, "signer", p->key);
	jw_kv_str(&w, "xenstable_version", XENSTABLE_VERSION);
	write_recorded(&w, &p->recorded);
	jw_obj_end(&w);
	jw_finish(&w, out);
	jw_release(&w);
}

static int sign_file(const struct release_opts *o, const struct release_plan *p,
		     const char *dir, const char *name)
{
	struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT;
	char *path = path_join(dir, name), *sigpath = xstrfmt("%s.sig", path);
	int rc = read_file(&data, path, 1u << 30);

	if (!rc)
		rc = gpg_sign_detached(o->gpg, p->key, data.buf, data.len, 0, &sig);
	if (!rc)
		rc = write_file_atomic(sigpath, sig.buf, sig.len, 0644);
	crash_point("release-artifact");
	strbuf_release(&data);
	strbuf_release(&sig);
	free(path);
	free(sigpath);
	return rc;
}

/* Check the files of a release directory against SHA256SUMS and signatures. */
static int verify_dir(const struct release_opts *o, const struct release_plan *p,
		      const char *dir, int quiet)
{
	struct strbuf sums = STRBUF_INIT, asc = STRBUF_INIT, plain = STRBUF_INIT;
	struct strvec trusted = STRVEC_INIT;
	struct gpg_sig s;
	char *sums_path = path_join(dir, "SHA256SUMS");
	char *asc_path = path_join(dir, "SHA256SUMS.asc");
	size_t pos = 0, n;
	const char *line;
	int rc;

	strvec_push(&trusted, p->key);
	gpg_sig_init(&s);
	rc = read_file(&sums, sums_path, 1 << 20);
	if (!rc)
		rc = read_file(&asc, asc_path, 1 << 20);
	if (!rc)
		rc = gpg_verify_clearsigned(o->gpg, asc.buf, asc.len, &plain, &s);
	if (!rc)
		rc = gpg_sig_require(&s, &trusted, asc_path);
	if (!rc && (plain.len != sums.len || memcmp(plain.buf, sums.buf, sums.len)))
		rc = error_input("%s does not sign the content of %s", asc_path, sums_path);
	while (!rc && next_line(sums.buf, sums.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *name, *path;
		char hex[SHA256_HEX_LEN + 1];

		if (n < 67 || l[64] != ' ' || l[65] != ' ' || !path_is_safe(l + 66) ||
		    strchr(l + 66, '/')) {
			rc = error_input("%s: malformed line '%s'", sums_path, l);
			free(l);
			break;
		}
		l[64] = '\0';
		name = l + 66;
		path = path_join(dir, name);
		rc = sha256_file_hex(path, hex);
		if (!rc && strcmp(hex, l))
			rc = error_input("%s: sha256 %s, but SHA256SUMS says %s", path, hex, l);
		if (!rc && !ends_with(name, ".json")) {
			struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT;
			char *sigpath = xstrfmt("%s.sig", path);
			struct gpg_sig fs;

			gpg_sig_init(&fs);
			rc = read_file(&data, path, 1u << 30);
			if (!rc)
				rc = read_file(&sig, sigpath, 1 << 20);
			if (!rc)
				rc = gpg_verify_detached(o->gpg, data.buf, data.len, sig.buf, sig.len, &fs);
			if (!rc)
				rc = gpg_sig_require(&fs, &trusted, sigpath);
			gpg_sig_release(&fs);
			strbuf_release(&data);
			strbuf_release(&sig);
			free(sigpath);
		}
		if (!rc && !quiet)
			say("  verified %s", name);
		free(path);
		free(l);
	}
	gpg_sig_release(&s);
	strvec_clear(&trusted);
	strbuf_release(&sums);
	strbuf_release(&asc);
	strbuf_release(&plain);
	free(sums_path);
	free(asc_path);
	return rc;
}

static int cmp_artifact(const void *a, const void *b)
{
	return strcmp(((const struct artifact *)a)->name, ((const struct artifact *)b)->name);
}

static int write_artifacts(const struct release_opts *o, struct release_plan *p)
{
	struct artifact_list l;
	struct tarball_source ts;
	struct tarball_release_files files;
	struct strbuf json = STRBUF_INIT, sums = STRBUF_INIT, asc = STRBUF_INIT,
		      tree = STRBUF_INIT;
	char *partial_rel = xstrfmt(".%s.partial", p->version);
	char *partial = path_join(o->out_dir, partial_rel);
	char *base = branch_tarball_base(o->branch, p->version);
	char *prefix = xstrfmt("%s/", base);
	char *path;
	size_t i;
	int rc, made_partial = 0;

	memset(&l, 0, sizeof(l));
	memset(&ts, 0, sizeof(ts));
	memset(&files, 0, sizeof(files));
	p->dist = path_join(o->out_dir, p->version);
	if (is_dir(p->dist)) {
		/* Empty (a leftover): used.  A finished directory from an
		 * interrupted run: kept if it is ours.  Anything else: not ours
		 * to touch (the preflight said so; this is someone racing us). */
		struct strvec names = STRVEC_INIT;
		char *c = NULL;

		rc = list_dir(p->dist, &names);
		if (!rc && !names.nr) {
			strvec_clear(&names);
			if (rmdir(p->dist) && errno != ENOENT) {
				rc = error_errno("cannot remove the empty %s", p->dist);
				goto out;
			}
		} else {
			strvec_clear(&names);
			if (!rc)
				c = dist_commit(p->dist);
			if (!rc && (!c || strcmp(c, p->release_commit)))
				rc = error_env("%s exists and holds %s; move it away, then run the "
					       "release again", p->dist, c ? "another release" :
					       "files that are not this release");
			if (!rc)
				rc = verify_dir(o, p, p->dist, 1);
			if (!rc)
				say("the artifacts in %s are from the interrupted run and verify",
				    p->dist);
			free(c);
			goto out;
		}
	}
	rc = mkdir_p(o->out_dir, 0755);
	if (!rc)
		rc = remove_tree(partial);
	if (!rc)
		rc = mkdir_p(partial, 0755);
	if (rc)
		goto out;
	made_partial = 1;
	{
		char *spec = xstrfmt("%s^{tree}", p->release_commit);

		rc = git_cmd(o->src, &tree, "rev-parse", "--verify", spec, NULL);
		free(spec);
		strbuf_trim(&tree);
	}
	if (!rc)
		rc = tarball_resolve(o->src, p->release_commit, prefix, &ts);
	if (!rc) {
		say("writing %s.tar.gz and %s.tar.xz", base, base);
		rc = tarball_release(o->src, &ts, partial, o->jobs, &files);
	}
	if (rc)
		goto out;
	crash_point("release-artifact");
	{
		struct artifact *a = artifact_add(&l, path_basename(files.gz_path));

		memcpy(a->sha256, files.gz.sha256, sizeof(a->sha256));
		memcpy(a->tar_sha256, files.gz.tar_sha256, sizeof(a->tar_sha256));
		a->size = files.gz.size;
		a->format = "gzip";
		a = artifact_add(&l, path_basename(files.xz_path));
		memcpy(a->sha256, files.xz.sha256, sizeof(a->sha256));
		memcpy(a->tar_sha256, files.xz.tar_sha256, sizeof(a->tar_sha256));
		a->size = files.xz.size;
		a->format = "xz";
	}
	rc = write_companions(o, p, partial, &l);
	for (i = 0; !rc && i < l.nr; i++)
		rc = sign_file(o, p, partial, l.v[i].name);
	if (rc)
		goto out;
	/* The OSV record of each XSA (release-history.h), in SHA256SUMS. */
	for (i = 0; !rc && i < p->nr_xsas; i++) {
		const struct release_xsa *x = &p->xsas[i];
		char *name;

		if (!x->osv)
			continue;
		name = xstrfmt(RELEASE_OSV_FMT, x->number);
		path = path_join(partial, name);
		rc = write_file_atomic(path, x->osv, strlen(x->osv), 0644);
		if (!rc) {
			struct artifact *a = artifact_add(&l, name);

			sha256_hex(x->osv, strlen(x->osv), a->sha256);
			a->format = "json";
		}
		free(path);
		free(name);
	}
	if (rc)
		goto out;
	write_release_json(o, p, &l, tree.buf, files.gz.tar_sha256, &json);
	path = path_join(partial, "release.json");
	rc = write_file_atomic(path, json.buf, json.len, 0644);
	free(path);
	if (rc)
		goto out;
	{
		struct artifact *a = artifact_add(&l, "release.json");

		sha256_hex(json.buf, json.len, a->sha256);
		a->format = "json";
	}
	{
		/* The signed SLSA provenance (domain/provenance.h), in SHA256SUMS. */
		struct artifact *a = artifact_add(&l, PROVENANCE_FILE);

		a->format = "json";
		rc = provenance_write(o->src, o->gpg, o->maint, p->key, partial, json.buf,
				      json.len, a->sha256);
		if (rc)
			goto out;
	}
	qsort(l.v, l.nr, sizeof(*l.v), cmp_artifact);
	for (i = 0; i < l.nr; i++)
		strbuf_addf(&sums, "%s  %s\n", l.v[i].sha256, l.v[i].name);
	path = path_join(partial, "SHA256SUMS");
	rc = write_file_atomic(path, sums.buf, sums.len, 0644);
	free(path);
	if (!rc)
		rc = gpg_clearsign(o->gpg, p->key, sums.buf, sums.len, &asc);
	if (!rc) {
		path = path_join(partial, "SHA256SUMS.asc");
		rc = write_file_atomic(path, asc.buf, asc.len, 0644);
		free(path);
	}
	if (!rc)
		rc = verify_dir(o, p, partial, 0);
	if (rc)
		goto out;
	crash_point("release-artifacts-done");
	if (rename(partial, p->dist)) {
		rc = error_errno("cannot rename %s to %s", partial, p->dist);
		goto out;
	}
	made_partial = 0;
	rc = fsync_dir(o->out_dir);
out:
	/* A failed write (a full disk) leaves no half set behind; the next
	 * run makes it again from the held commits. */
	if (rc && made_partial)
		remove_tree(partial);
	tarball_source_release(&ts);
	tarball_release_files_release(&files);
	artifacts_release(&l);
	strbuf_release(&json);
	strbuf_release(&sums);
	strbuf_release(&asc);
	strbuf_release(&tree);
	free(partial_rel);
	free(partial);
	free(base);
	free(prefix);
	return rc;
}

/* ---- tag and branch ------------------------------------------------------------ */

static int make_tag(const struct release_opts *o, const struct release_plan *p,
		    const char *ident)
{
	struct strbuf msg = STRBUF_INIT;
	char *ref = xstrfmt("refs/tags/%s", p->tag);
	char oid[GIT_MAX_HEXSZ + 1];
	size_t i;
	int rc;

	if (git_ref_exists(o->src, ref) == 1) {
		rc = git_resolve_commit(o->src, ref, oid);
		if (!rc && strcmp(oid, p->release_commit))
			rc = error_env("tag %s exists and points to %.12s, not to the release "
				       "commit %.12s", p->tag, oid, p->release_commit);
		free(ref);
		return rc;
	}
	free(ref);
	strbuf_addf(&msg, "Xen %s\n", p->version);
	if (p->nr_xsas) {
		strbuf_addstr(&msg, "\nSecurity fixes:\n");
		for (i = 0; i < p->nr_xsas; i++) {
			const struct release_xsa *x = &p->xsas[i];

			strbuf_addstr(&msg, "  ");
			xsa_line(x, &msg);
			strbuf_addch(&msg, '\n');
		}
	}
	/* git-evtag's SHA-512 over the whole tree (domain/evtag.h). */
	rc = evtag_tag_line(o->src, p->release_commit, &msg);
	if (rc) {
		strbuf_release(&msg);
		return rc;
	}
	say("tagging %s (signed by %s)", p->tag, p->key);
	rc = tag_create(o->src, o->gpg, p->tag, p->release_commit, ident, p->time, msg.buf,
			p->key, oid);
	strbuf_release(&msg);
	return rc;
}

static int move_branch(const struct release_opts *o, const struct release_plan *p)
{
	char *ref = xstrfmt("refs/heads/%s", o->branch->ref);
	char oid[GIT_MAX_HEXSZ + 1];
	struct strvec wts = STRVEC_INIT;
	size_t i;
	int rc = git_resolve_commit(o->src, ref, oid);

	if (!rc && !strcmp(oid, p->pre_commit))
		goto out;	/* done by the interrupted run */
	if (!rc && strcmp(oid, p->base))
		rc = error_env("%s moved to %.12s during the release; it was %.12s", o->branch->ref,
			       oid, p->base);
	if (!rc)
		rc = git_worktrees_with_branch(o->src, ref, &wts);
	if (!rc)
		rc = git_update_ref(o->src, ref, p->pre_commit, p->base, "xenstable: release");
	for (i = 0; !rc && i < wts.nr; i++) {
		struct child_process c;

		git_child_init(&c, NULL);
		strvec_pushl(&c.args, "read-tree", "-m", "-u", p->base, p->pre_commit, NULL);
		c.dir = wts.v[i];
		rc = run_child(&c);
		if (rc > 0)
			rc = error_env("%s moved, but its checkout in %s could not follow: %s",
				       o->branch->ref, wts.v[i], child_err_summary(&c));
		child_release(&c);
	}
out:
	strvec_clear(&wts);
	free(ref);
	return rc;
}

/*
 * Before the tag: is the branch still where the release began?  Someone
 * else's commit there means the release would tag a commit the branch
 * will never hold.  Nothing is published yet, so the run is undone
 * (artifacts, held commits, state) and the next run starts from the new
 * tip; their commit is left alone.  Once the tag exists (a resumed run),
 * move_branch()'s compare-and-swap is the guard.
 */
static int check_unmoved(const struct release_opts *o, struct release_plan *p)
{
	char *ref = xstrfmt("refs/heads/%s", o->branch->ref);
	char *tref = xstrfmt("refs/tags/%s", p->tag);
	char oid[GIT_MAX_HEXSZ + 1];
	int rc = git_resolve_commit(o->src, ref, oid);

	if (rc < 0 || git_ref_exists(o->src, tref) == 1 ||
	    (!rc && (!strcmp(oid, p->base) || !strcmp(oid, p->pre_commit)))) {
		rc = rc < 0 ? rc : 0;
		goto out;
	}
	if (rc)
		rc = error_env("%s was deleted during the release; nothing was published",
			       o->branch->ref);
	else
		rc = error_env("%s moved to %.12s during the release (it was %.12s); nothing "
			       "was published: run the release again from the new tip",
			       o->branch->ref, oid, p->base);
	if (p->dist)
		remove_tree(p->dist);
	hold_refs(o, p, 1);
	state_remove(o);
out:
	free(ref);
	free(tref);
	return rc;
}

/*
 * The time every signature of the release carries: the release's own time
 * (that of its commits, tag and release.json), or the signing key's
 * creation when the key is younger than that, so the signatures of a
 * release are the same bytes whenever and however often they are made
 * (an interrupted run completed later included).  A release dated in the
 * future is signed now: a signature from the future does not verify.
 */
static long long signature_time(const struct release_opts *o, const struct release_plan *p)
{
	struct gpg_key_info info;
	long long t = p->time;

	memset(&info, 0, sizeof(info));
	if (!gpg_key_lookup(o->gpg, p->key, &info) && info.created > t)
		t = info.created;
	gpg_key_info_release(&info);
	return t > (long long)time(NULL) ? 0 : t;
}

int release_execute(const struct release_opts *o, struct release_plan *p)
{
	struct strbuf ident = STRBUF_INIT;
	int rc;

	if (o->dry_run || p->existed)
		return 0;
	rc = git_ident(o->src, &ident);
	if (rc)
		goto out;
	o->gpg->sig_time = signature_time(o, p);
	if (!p->resumed) {
		say("making the release commits of %s", p->version);
		record_checks(p, 0);
		rc = make_commits(o, p, ident.buf);
		if (!rc)
			rc = hold_refs(o, p, 0);
		if (!rc) {
			crash_point("release-held");
			rc = state_save(o, p, p->time);
		}
		if (rc)
			goto out;
		crash_point("release-commits");
	} else {
		say("completing the interrupted release of %s (commit %.12s)", p->version,
		    p->release_commit);
	}
	if (!p->tree_checked) {
		size_t first = p->nr_checks;

		rc = tree_checks(o, p);
		if (rc) {
			/* Nothing was published: forget the commits. */
			hold_refs(o, p, 1);
			state_remove(o);
			goto out;
		}
		record_checks(p, first);
		p->tree_checked = 1;
		rc = state_save(o, p, p->time);
		if (rc)
			goto out;
		crash_point("release-checks");
	}
	rc = write_artifacts(o, p);
	if (rc)
		goto out;
	rc = check_unmoved(o, p);
	if (rc)
		goto out;
	rc = make_tag(o, p, ident.buf);
	if (rc)
		goto out;
	crash_point("release-tag");
	rc = move_branch(o, p);
	if (rc)
		goto out;
	crash_point("release-branch");
	hold_refs(o, p, 1);
	crash_point("release-unheld");
	state_remove(o);
out:
	o->gpg->sig_time = 0;
	strbuf_release(&ident);
	return rc;
}

/* ---- cadence ------------------------------------------------------------------- */

/* The same day one month later (clamped to the month's end). */
static int64_t plus_one_month(int64_t t)
{
	long y, day = (long)(t / 86400);
	unsigned m, d;
	static const unsigned dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned last;

	civil_from_days(day, &y, &m, &d);
	m++;
	if (m > 12) {
		m = 1;
		y++;
	}
	last = dim[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
	if (d > last)
		d = last;
	return (int64_t)days_from_civil(y, m, d) * 86400 + t % 86400;
}

void release_due_release(struct release_due *d)
{
	free(d->reason);
	free(d->last_tag);
	memset(d, 0, sizeof(*d));
}

int release_due(const struct release_opts *o, struct release_due *d)
{
	struct release_plan p;
	struct strvec trailers = STRVEC_INIT;
	char *ref = xstrfmt("refs/heads/%s", o->branch->ref);
	char last_commit[GIT_MAX_HEXSZ + 1];
	long day = (long)(o->date / 86400);
	char when[11];
	int rc;

	memset(d, 0, sizeof(*d));
	d->b = o->branch;
	release_plan_init(&p);
	if (!branch_security_supported(o->branch, day)) {
		d->reason = xstrfmt("%s on that day", branch_state_name(branch_state_on(o->branch, day)));
		rc = 0;
		goto out;
	}
	rc = git_resolve_commit(o->src, ref, p.base);
	if (rc == 1) {
		d->reason = xstrfmt("no branch %s in the source", o->branch->ref);
		rc = 0;
		goto out;
	}
	if (!rc)
		rc = tree_layout_detect(o->src, p.base, &p.layout);
	if (rc)
		goto out;
	rc = release_last_tag(o->src, o->branch, p.base, &p.last_tag, &p.point, last_commit,
			      &p.last_time);
	if (rc == 1) {
		d->reason = xstrdup("no release tag yet (the .0 release is upstream's)");
		rc = 0;
		goto out;
	}
	if (!rc)
		rc = collect_changes(o, &p, &trailers);
	if (rc)
		goto out;
	d->last_tag = xstrdup(p.last_tag);
	d->last_time = p.last_time;
	d->commits = p.commits.nr;
	d->xsas = p.nr_xsas;
	date_format_day((long)(plus_one_month(p.last_time) / 86400), when);
	if (!p.commits.nr)
		d->reason = xstrfmt("nothing since %s", p.last_tag);
	else if (!strcmp(o->branch->cadence, "on-xsa") && p.nr_xsas) {
		d->due = 1;
		d->reason = xstrfmt("%zu XSA(s) since %s (cadence on-xsa)", p.nr_xsas, p.last_tag);
	} else if (plus_one_month(p.last_time) <= o->date) {
		d->due = 1;
		d->reason = xstrfmt("%zu commit(s) since %s, which is a month old or more",
				    p.commits.nr, p.last_tag);
	} else {
		d->reason = xstrfmt("%zu commit(s) since %s; next monthly release from %s",
				    p.commits.nr, p.last_tag, when);
	}
out:
	release_plan_release(&p);
	strvec_clear(&trailers);
	free(ref);
	return rc;
}
