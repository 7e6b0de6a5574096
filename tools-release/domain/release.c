/*
 * release.c: cut a release (release.h): the plan, the branch's history
 * since its last release, the build/ABI/boot checks of the release commit,
 * release_execute() (steps 2-6) and the cadence (release --due).
 * The rest of the family: release-preflight.c (step 1), release-commits.c
 * (the commits, the tag, the branch), release-artifacts.c (the release
 * directory), release-state.c (an interrupted run), release-history.c.
 */
#include "compat.h"
#include "release.h"
#include "release-internal.h"
#include "abi.h"
#include "boot.h"
#include "branch.h"
#include "build.h"
#include "date.h"
#include "tag.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-store.h"

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

struct check_result *release_add_check(struct release_plan *p, const char *name)
{
	struct check_result *r;

	ALLOC_GROW(p->checks, p->nr_checks + 1, p->alloc_checks);
	r = &p->checks[p->nr_checks++];
	check_result_init(r, name);
	return r;
}

int release_checks_failed(const struct release_plan *p)
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
int release_collect_changes(const struct release_opts *o, struct release_plan *p,
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
	struct check_result *rb = release_add_check(p, "build");
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
	ra = release_add_check(p, "abi");
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
	rboot = release_add_check(p, "boot");
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
	return release_checks_failed(p) ? XS_FAIL : 0;
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
		release_record_checks(p, 0);
		rc = release_make_commits(o, p, ident.buf);
		if (!rc)
			rc = release_hold_refs(o, p, 0);
		if (!rc) {
			crash_point("release-held");
			rc = release_state_save(o, p, p->time);
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
			release_hold_refs(o, p, 1);
			release_state_remove(o);
			goto out;
		}
		release_record_checks(p, first);
		p->tree_checked = 1;
		rc = release_state_save(o, p, p->time);
		if (rc)
			goto out;
		crash_point("release-checks");
	}
	rc = release_write_artifacts(o, p);
	if (rc)
		goto out;
	rc = release_check_unmoved(o, p);
	if (rc)
		goto out;
	rc = release_make_tag(o, p, ident.buf);
	if (rc)
		goto out;
	crash_point("release-tag");
	rc = release_move_branch(o, p);
	if (rc)
		goto out;
	crash_point("release-branch");
	release_hold_refs(o, p, 1);
	crash_point("release-unheld");
	release_state_remove(o);
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
		rc = release_collect_changes(o, &p, &trailers);
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
