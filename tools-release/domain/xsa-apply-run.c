/*
 * xsa-apply-run.c: run a plan (xsa-apply.h): the items of the apply run,
 * its results settled into the plan, the worktree left for a person, the
 * embargo guard, runs in parallel, and --continue / --abort.
 */
#include "compat.h"
#include "xsa-apply.h"
#include "xsa-apply-internal.h"
#include "apply.h"
#include "branch.h"
#include "date.h"
#include "embargo.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-meta.h"
#include "xsa-store.h"
#include "xsa.h"
#include "quote.h"

#include <pthread.h>

/* ---- running ------------------------------------------------------------- */

static void add_trailers(struct apply_item *it, const struct xa_entry *e,
			 const struct xa_patch *pt)
{
	size_t i;

	strvec_pushf(&it->trailers, "XSA: %d", e->xsa);
	for (i = 0; i < e->cves.nr; i++)
		strvec_pushf(&it->trailers, "CVE: %s", e->cves.v[i]);
	strvec_pushf(&it->trailers, "XSA-Patch: %s %s", pt->name, pt->sha256);
}

/* Which entry and patch each item of the run came from. */
struct item_map {
	size_t *ent, *pat;
	size_t nr;
};

static void map_add(struct item_map *im, size_t e, size_t p)
{
	im->ent = xreallocarray(im->ent, im->nr + 1, sizeof(*im->ent));
	im->pat = xreallocarray(im->pat, im->nr + 1, sizeof(*im->pat));
	im->ent[im->nr] = e;
	im->pat[im->nr++] = p;
}

static void map_release(struct item_map *im)
{
	free(im->ent);
	free(im->pat);
	memset(im, 0, sizeof(*im));
}

static void set_committer_date(struct apply_run *run)
{
	char d[32];

	/* Commits made the same day by the same person from the same patches
	 * come out the same; $XENSTABLE_NOW fixes the time for tests. */
	date_format_iso(date_now(), d);
	strvec_pushf(&run->env, "GIT_COMMITTER_DATE=%s", d);
}

static void msg_key(const struct apply_item *it, struct strbuf *key)
{
	size_t i;

	strbuf_addstr(key, it->path);
	for (i = 0; i < it->trailers.nr; i++)
		strbuf_addf(key, "\n%s", it->trailers.v[i]);
}

static const struct xa_msg *msgs_find(const struct xa_msgs *m, const char *key)
{
	size_t i;

	for (i = 0; m && i < m->nr; i++)
		if (!strcmp(m->v[i].key, key))
			return &m->v[i];
	return NULL;
}

void xa_msgs_release(struct xa_msgs *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		free(m->v[i].key);
		free(m->v[i].msg);
		free(m->v[i].author);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* Add the plan's pending patches from entry e0, patch p0 on. */
static void add_items(struct xa_plan *plan, struct apply_run *run, struct item_map *im,
		      size_t e0, size_t p0, const struct xa_msgs *msgs)
{
	size_t i, k;

	for (i = e0; i < plan->nr; i++) {
		struct xa_entry *e = &plan->e[i];

		if (e->outcome != XA_PENDING)
			continue;
		for (k = i == e0 ? p0 : 0; k < e->nr; k++) {
			struct xa_patch *pt = &e->p[k];
			char group[32];
			struct apply_item *it;

			snprintf(group, sizeof(group), "XSA-%d", e->xsa);
			it = apply_add(run, pt->path, pt->name, group);
			add_trailers(it, e, pt);
			if (pt->known[0]) {
				it->known_applied = 1;
				it->known_commit = xstrdup(pt->known);
			}
			if (msgs) {
				struct strbuf key = STRBUF_INIT;
				const struct xa_msg *m;

				msg_key(it, &key);
				m = msgs_find(msgs, key.buf);
				if (m) {
					it->message = xstrdup(m->msg);
					it->author = xstrdup(m->author);
				}
				strbuf_release(&key);
			}
			map_add(im, i, k);
		}
	}
}

/* Refuse unsafe patches before anything is applied. */
static int check_all(const struct xa_plan *plan, struct xa_entry **bad)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < plan->nr && !rc; i++) {
		struct xa_entry *e = &plan->e[i];

		if (e->outcome != XA_PENDING)
			continue;
		for (k = 0; k < e->nr && !rc; k++) {
			struct strbuf text = STRBUF_INIT;

			if (e->p[k].known[0])
				continue;
			rc = read_file(&text, e->p[k].path, 64 << 20);
			if (!rc)
				rc = apply_check_patch(e->p[k].path, text.buf, text.len);
			strbuf_release(&text);
			if (rc == -XS_INPUT) {
				*bad = e;
				e->failed = k;
				e->p[k].outcome = APPLY_REJECTED;
			}
		}
	}
	return rc;
}

static void take_conflict(struct xa_entry *e, struct apply_result *res)
{
	xa_conflict_clear(&e->conflict);
	e->conflict = res->conflict;
	memset(&res->conflict, 0, sizeof(res->conflict));
	strvec_init(&res->conflict.blame);
}

/* Copy the run's results into the plan.  Returns the entry that failed. */
static struct xa_entry *take_results(struct xa_plan *plan, struct apply_run *run,
				     const struct item_map *im, size_t *failed_item,
				     char from[GIT_MAX_HEXSZ + 1])
{
	struct xa_entry *bad = NULL;
	char tip[GIT_MAX_HEXSZ + 1];
	size_t k, last_entry = (size_t)-1;

	/* The commit each item went onto: where the run started, then each new one. */
	snprintf(tip, sizeof(tip), "%s", run->start);
	for (k = 0; k < im->nr; k++) {
		struct xa_entry *e = &plan->e[im->ent[k]];
		struct xa_patch *pt = &e->p[im->pat[k]];
		struct apply_result *res = &run->res[k];

		if (im->ent[k] != last_entry) {
			last_entry = im->ent[k];
			if (!bad)
				snprintf(from, GIT_MAX_HEXSZ + 1, "%s", tip);
		}
		pt->outcome = res->outcome;
		snprintf(pt->commit, sizeof(pt->commit), "%s", res->commit);
		if (res->outcome == APPLY_APPLIED)
			snprintf(tip, sizeof(tip), "%s", res->commit);
		if (!bad && (res->outcome == APPLY_CONFLICT || res->outcome == APPLY_REJECTED)) {
			bad = e;
			e->failed = im->pat[k];
			*failed_item = k;
			take_conflict(e, res);
			free(e->detail);
			e->detail = res->detail ? xstrdup(res->detail) : NULL;
		}
	}
	return bad;
}

/* Outcome of each pending entry from its patches'. */
static void settle(struct xa_plan *plan, const struct xa_entry *bad, int kept)
{
	size_t i, k;
	int after = 0;

	for (i = 0; i < plan->nr; i++) {
		struct xa_entry *e = &plan->e[i];
		int applied = 0, already = 0, adapted = 0;

		if (e == bad) {
			e->outcome = e->p[e->failed].outcome == APPLY_REJECTED ? XA_REJECTED :
				XA_CONFLICT;
			after = 1;
			continue;
		}
		if (e->outcome != XA_PENDING)
			continue;
		if (after) {
			/* A kept worktree goes on with them; otherwise they were never tried. */
			if (!kept)
				e->outcome = XA_NOT_TRIED;
			continue;
		}
		for (k = 0; k < e->nr; k++) {
			applied += e->p[k].outcome == APPLY_APPLIED;
			already += e->p[k].outcome == APPLY_ALREADY;
			adapted += e->p[k].adapted;
			if (e->p[k].outcome == APPLY_APPLIED)
				memcpy(e->commit, e->p[k].commit, sizeof(e->commit));
			else if (e->p[k].outcome == APPLY_ALREADY && !e->commit[0])
				memcpy(e->commit, e->p[k].commit, sizeof(e->commit));
		}
		if (!applied && already == (int)e->nr) {
			e->outcome = XA_ALREADY;
			xa_set_str(&e->detail, "its changes are on %s already; left alone",
				   plan->branch);
		} else if (bad && !kept) {
			e->outcome = XA_HELD;
			xa_set_str(&e->detail, "applies cleanly, but nothing was kept because XSA-%d "
				   "failed", bad->xsa);
		} else {
			e->outcome = adapted ? XA_ADAPTED : XA_APPLIED;
			if (already)
				xa_set_str(&e->detail, "%d of %zu patches were in already", already,
					   e->nr);
		}
	}
}

/* Leave the conflict of item k in a worktree and save the plan. */
static int keep_for_person(const struct git_repo *src, struct xa_plan *plan,
			   struct apply_run *run, size_t k)
{
	struct apply_kept kept;
	char *base = xa_worktree_path(src, plan->branch), *parent = path_dirname(base);
	char *dir = xstrdup(base), *state = xa_state_path(src);
	size_t i;
	int rc = mkdir_p(parent, 0755);

	/*
	 * Without a saved state nobody works in one of our worktrees: what is
	 * there was left by a run killed before it saved its state.
	 */
	for (i = 1; !rc && !path_exists(state) && i < 100; i++) {
		char *old = i == 1 ? xstrdup(base) : xstrfmt("%s-%zu", base, i);

		if (path_exists(old))
			apply_remove_worktree(src, old);
		free(old);
	}
	free(state);
	/* A worktree of an earlier conflict may still be there (--continue). */
	for (i = 2; path_exists(dir) && i < 100; i++) {
		free(dir);
		dir = xstrfmt("%s-%zu", base, i);
	}
	free(parent);
	free(base);
	if (!rc)
		rc = apply_keep_worktree(run, k, dir, &kept);
	free(dir);
	if (rc)
		return rc;
	free(plan->worktree);
	free(plan->method);
	plan->worktree = xstrdup(kept.worktree);
	plan->method = xstrdup(kept.method);
	strvec_clear(&plan->kept_files);
	for (i = 0; i < kept.files.nr; i++)
		strvec_push(&plan->kept_files, kept.files.v[i]);
	plan->kept_clean = kept.clean;
	memcpy(plan->tip, run->tip, sizeof(plan->tip));
	apply_kept_release(&kept);
	crash_point("xa-kept");
	rc = xa_state_save(src, plan);
	if (rc)
		apply_remove_worktree(src, plan->worktree);
	return rc;
}

/* The content check before a public target moves (embargo.h). */
static void set_guard(const struct xa_opts *o, const struct xa_plan *plan, struct apply_run *run,
		      struct embargo_guard *g)
{
	memset(g, 0, sizeof(*g));
	g->es = o->embargo;
	g->branch = o->branches ? branch_find(o->branches, plan->branch) : NULL;
	if (!embargo_ref_is_private(plan->target)) {
		run->guard = embargo_apply_guard;
		run->guard_data = g;
	}
}

/* The guard said no: nothing moves, and the report says why. */
static void embargo_refused(struct xa_plan *plan)
{
	size_t i;

	plan->embargo_refused = 1;
	plan->moved = 0;
	memcpy(plan->tip, plan->base, sizeof(plan->tip));
	for (i = 0; i < plan->nr; i++) {
		struct xa_entry *e = &plan->e[i];

		if (e->outcome != XA_APPLIED && e->outcome != XA_ADAPTED)
			continue;
		e->outcome = XA_HELD;
		xa_set_str(&e->detail, "not kept: the result would carry embargoed content (see the "
			   "error)");
	}
}

/* Apply the items of run (already added) and settle the plan.  The
 * target moves only when every item applied or was in already. */
static int run_plan(const struct xa_opts *o, struct xa_plan *plan, struct apply_run *run,
		    struct item_map *im, int keep)
{
	struct xa_entry *bad = NULL;
	char from[GIT_MAX_HEXSZ + 1] = "";
	size_t failed_item = 0;
	int rc;

	rc = check_all(plan, &bad);
	if (rc == -XS_INPUT) {
		xa_set_str(&bad->detail, "%s is not a safe patch", bad->p[bad->failed].name);
		settle(plan, bad, 0);
		memcpy(plan->tip, plan->base, sizeof(plan->tip));
		return rc;
	}
	if (rc)
		return rc;
	rc = run->nr ? apply_all(run) : 0;
	if (rc < 0 && rc != -XS_INPUT)
		return rc;
	if (run->nr)
		bad = take_results(plan, run, im, &failed_item, from);
	if (bad && bad->p[bad->failed].outcome == APPLY_CONFLICT) {
		int trc = xa_try_other_variants(o, run, bad, from);

		if (trc)
			return trc;
		xsameta_explain(o->src, plan, bad);
	}
	if (bad && keep && bad->p[bad->failed].outcome == APPLY_CONFLICT && !plan->dry_run) {
		settle(plan, bad, 1);
		{
			int krc = keep_for_person(o->src, plan, run, failed_item);

			if (krc)
				return krc;
		}
		return rc;
	}
	settle(plan, bad, 0);
	if (bad) {
		memcpy(plan->tip, plan->base, sizeof(plan->tip));
		return rc;
	}
	memcpy(plan->tip, run->tip, sizeof(plan->tip));
	/* A dry run only asks the run's guard. */
	rc = apply_finish(run);
	if (!rc && !plan->dry_run)
		plan->moved = strcmp(run->base, run->tip) != 0;
	return rc;
}

int xa_run(const struct xa_opts *o, struct xa_plan *plan)
{
	struct apply_run run;
	struct item_map im = { NULL, NULL, 0 };
	struct embargo_guard guard;
	int rc;

	rc = apply_run_init(&run, o->src, plan->target,
			    plan->private_target ? plan->branch_ref : NULL);
	if (!rc) {
		memcpy(plan->base, run.base, sizeof(plan->base));
		memcpy(plan->tip, run.tip, sizeof(plan->tip));
		if (!run.base[0])
			memcpy(plan->base, "", 1);
		set_committer_date(&run);
		if (o->dry_run)
			rc = apply_set_dry_run(&run);
	}
	/* Refuse a checkout in the way before any work is done. */
	if (!rc)
		rc = apply_check_worktrees(&run, &plan->checkouts);
	if (!rc) {
		if (plan->checkouts.nr && !o->dry_run)
			say("%s is checked out in %s (clean): it will be updated with the branch",
			    plan->target + 11, plan->checkouts.v[0]);
		add_items(plan, &run, &im, 0, 0, o->msgs);
		set_guard(o, plan, &run, &guard);
		rc = run_plan(o, plan, &run, &im, o->keep_worktree);
		if (rc && guard.refused)
			embargo_refused(plan);
	}
	map_release(&im);
	apply_run_release(&run);
	return rc;
}

int xa_msgs_prepare(struct xa_msgs *m, const struct git_repo *src, const struct xa_plan *plans,
		    size_t nr)
{
	size_t b, i, k;
	int rc = 0;

	for (b = 0; b < nr && !rc; b++) {
		for (i = 0; i < plans[b].nr && !rc; i++) {
			const struct xa_entry *e = &plans[b].e[i];

			if (e->outcome != XA_PENDING)
				continue;
			for (k = 0; k < e->nr && !rc; k++) {
				struct apply_item it;
				struct strbuf key = STRBUF_INIT, msg = STRBUF_INIT,
					      author = STRBUF_INIT;

				memset(&it, 0, sizeof(it));
				it.path = e->p[k].path;
				it.name = e->p[k].name;
				strvec_init(&it.trailers);
				add_trailers(&it, e, &e->p[k]);
				msg_key(&it, &key);
				/* A patch that cannot give its author is left to the run to report. */
				if (!msgs_find(m, key.buf) && !e->p[k].known[0] &&
				    !apply_item_message(src, &it, &msg, &author)) {
					ALLOC_GROW(m->v, m->nr + 1, m->alloc);
					m->v[m->nr].key = strbuf_detach(&key, NULL);
					m->v[m->nr].msg = strbuf_detach(&msg, NULL);
					m->v[m->nr].author = strbuf_detach(&author, NULL);
					m->nr++;
				}
				strbuf_release(&author);
				strvec_clear(&it.trailers);
				strbuf_release(&key);
				strbuf_release(&msg);
			}
		}
	}
	return rc;
}

struct xa_job {
	const struct xa_opts *o;
	struct xa_plan *plan;
	int rc;
};

static void *xa_job_run(void *arg)
{
	struct xa_job *j = arg;

	j->rc = xa_run(j->o, j->plan);
	return NULL;
}

void xa_run_parallel(const struct xa_opts *o, struct xa_plan *plans, size_t nr, int *rcs)
{
	struct xa_job *jobs = xcalloc(nr + 1, sizeof(*jobs));
	pthread_t *th = xcalloc(nr + 1, sizeof(*th));
	int *started = xcalloc(nr + 1, sizeof(*started));
	size_t i;

	for (i = 0; i < nr; i++) {
		jobs[i].o = o;
		jobs[i].plan = &plans[i];
		/* Without a thread, the run goes on in this one. */
		started[i] = !pthread_create(&th[i], NULL, xa_job_run, &jobs[i]);
		if (!started[i])
			xa_job_run(&jobs[i]);
	}
	for (i = 0; i < nr; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		rcs[i] = jobs[i].rc;
	}
	free(jobs);
	free(th);
	free(started);
}

/* ---- a person's worktree: continue and abort ------------------------------ */

static int moved_error(const struct xa_plan *plan, const char *now)
{
	char *fix = self_cmd_str("xsa", "apply", "--abort", NULL);
	int rc = error_env("%s moved since the apply began (it was %.12s, it is %.12s); "
			   "apply again after: %s", plan->target,
			   plan->base[0] ? plan->base : "absent", now ? now : "absent", fix);

	free(fix);
	return rc;
}

/*
 * A fix made by hand is no patch's content: its commit is recorded in the
 * store as the release manager's judgement (an "adapted" mark), which is
 * what makes the XSA applied on the branch (TRUST.md).
 */
static int record_adapted(const struct xa_opts *o, const struct xa_plan *plan)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < plan->nr && !rc; i++) {
		const struct xa_entry *e = &plan->e[i];
		struct xsa_record *r = xsa_store_find(o->store, e->xsa);

		for (k = 0; r && k < e->nr && !rc; k++) {
			char *why;

			if (!e->p[k].adapted || !e->p[k].commit[0])
				continue;
			why = xstrfmt("adapted by hand with xsa apply --continue (%s did not apply "
				      "cleanly)", e->p[k].name);
			rc = xsa_store_set_adapted(o->store->root, r, plan->branch, e->p[k].commit,
						   why, date_now());
			free(why);
		}
	}
	return rc;
}

int xa_continue(const struct xa_opts *o, struct xa_plan *plan)
{
	struct apply_run run;
	struct apply_item it;
	struct item_map im = { NULL, NULL, 0 };
	struct xa_entry *e = NULL;
	struct xa_patch *pt;
	struct embargo_guard guard;
	char now[GIT_MAX_HEXSZ + 1] = "", oid[GIT_MAX_HEXSZ + 1], group[32];
	char *old_wt;
	size_t i;
	int rc, at, moved;

	for (i = 0; i < plan->nr && !e; i++)
		if (plan->e[i].outcome == XA_CONFLICT)
			e = &plan->e[i];
	if (!e || e->failed >= e->nr)
		return error_input("the apply state names no conflicting patch");
	/*
	 * The target must still be where the work began, unless an earlier
	 * --continue moved it and was killed before it cleaned up: the work
	 * is then redone without moving anything (its commits are the same,
	 * dates come from the plan) and compared with where the target is.
	 */
	at = git_resolve_commit(o->src, plan->target, now);
	if (at < 0)
		return at;
	moved = strcmp(at ? "" : now, plan->base) != 0;
	if (moved && (at || !plan->base[0] || git_is_ancestor(o->src, plan->base, now) != 1))
		return moved_error(plan, at ? NULL : now);
	pt = &e->p[e->failed];
	rc = apply_run_resume(&run, o->src, plan->target, plan->base, plan->tip);
	if (rc) {
		apply_run_release(&run);
		return rc;
	}
	set_committer_date(&run);
	set_guard(o, plan, &run, &guard);
	if (moved)
		apply_set_dry_run(&run);
	/* The adapted commit: the patch's author and message, and a word on it. */
	memset(&it, 0, sizeof(it));
	it.path = pt->path;
	it.name = pt->name;
	snprintf(group, sizeof(group), "XSA-%d", e->xsa);
	it.group = group;
	strvec_init(&it.trailers);
	add_trailers(&it, e, pt);
	strvec_push(&it.trailers, "XSA-Adapted: by hand (the patch did not apply cleanly)");
	rc = apply_commit_worktree(&run, &it, plan->worktree, oid);
	strvec_clear(&it.trailers);
	if (rc) {
		apply_run_release(&run);
		return rc;
	}
	pt->outcome = APPLY_APPLIED;
	pt->adapted = 1;
	memcpy(pt->commit, oid, sizeof(pt->commit));
	/* The rest of the plan goes on from the adapted commit, in the same run. */
	e->outcome = XA_PENDING;
	xa_conflict_clear(&e->conflict);
	strvec_clear(&e->clean_variants);
	free(e->detail);
	e->detail = NULL;
	add_items(plan, &run, &im, (size_t)(e - plan->e), e->failed + 1, NULL);
	old_wt = plan->worktree;
	plan->worktree = NULL;
	rc = run_plan(o, plan, &run, &im, !moved);
	if (rc && guard.refused) {
		/* The person's work stays where it is, for them to see. */
		embargo_refused(plan);
		plan->worktree = old_wt;
		goto out;
	}
	if (moved) {
		if (!rc && !strcmp(run.tip, now)) {
			say("%s is already where this --continue takes it (an interrupted run moved "
			    "it); cleaning up", plan->target);
			plan->moved = 1;
		} else {
			/* Someone else's commits: nothing is touched. */
			rc = moved_error(plan, now);
			plan->worktree = old_wt;
			goto out;
		}
	}
	if (!rc && !plan->private_target && !plan->dry_run)
		rc = record_adapted(o, plan);
	if (!rc) {
		crash_point("xa-continue-done");
		/* Done: the person's worktree has served. */
		apply_remove_worktree(o->src, old_wt);
		xa_state_remove(o->src);
		free(old_wt);
	} else if (plan->worktree) {
		/* A later patch conflicts: its own worktree and state replace these. */
		apply_remove_worktree(o->src, old_wt);
		free(old_wt);
	} else {
		/* Nothing kept: the worktree and the state stay as they were. */
		plan->worktree = old_wt;
	}
out:
	map_release(&im);
	apply_run_release(&run);
	return rc;
}

int xa_abort(const struct git_repo *src, struct xa_plan *plan)
{
	int rc = 0;

	if (plan->worktree)
		rc = apply_remove_worktree(src, plan->worktree);
	if (!rc)
		xa_state_remove(src);
	return rc;
}
