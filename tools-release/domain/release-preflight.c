/*
 * release-preflight.c: the preflight of a release (release.h, step 1):
 * the checks of the branch, its XSAs and embargo, the key, the remote,
 * the worktree and the output directory, and release_prepare(), which
 * runs them all before anything changes.  (domain/preflight.h is the
 * result of one check; the build, ABI and boot checks run in release.c.)
 */
#include "compat.h"
#include "release.h"
#include "release-internal.h"
#include "branch.h"
#include "date.h"
#include "embargo.h"
#include "fs.h"
#include "json.h"
#include "maintainers.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-status.h"
#include "xsa-store.h"
#include "quote.h"
#include "release-history.h"

/* ---- preflight ------------------------------------------------------------ */

static void check_supported(const struct release_opts *o, struct release_plan *p)
{
	struct check_result *r = release_add_check(p, "supported");
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
	struct check_result *r = release_add_check(p, "remote");
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
	struct check_result *x = release_add_check(p, "xsa"), *e = release_add_check(p, "embargo");
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
	struct check_result *r = release_add_check(p, "key");
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
	struct check_result *r = release_add_check(p, "worktree");
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
char *release_dist_commit(const char *dist)
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
	struct check_result *r = release_add_check(p, "output");
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
	} else if ((c = release_dist_commit(dist)) && p->resumed && !strcmp(c, p->release_commit)) {
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
	rc = release_state_load(o, &st);
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
	rc = release_collect_changes(o, p, &embargo_trailers);
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
		struct check_result *r = release_add_check(p, "changes");

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
		struct check_result *r = release_add_check(p, "version");
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
		struct check_result *r = release_add_check(p, "key");
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
		struct check_result *r = release_add_check(p, "tag");
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
	rc = release_checks_failed(p) ? XS_FAIL : 0;
out:
	strvec_clear(&embargo_trailers);
	free(ref);
	return rc;
}
