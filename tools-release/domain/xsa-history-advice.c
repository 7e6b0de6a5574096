/*
 * xsa-history-advice.c: patch-ids and stored advisories (see
 * xsa-history.h): backports made without -x linked to master fixes by
 * patch-id, and what each stored advisory says about each line (its
 * patches mapped there, VULNERABLE SYSTEMS).
 */
#include "compat.h"
#include "xsa-history.h"
#include "xsa-history-internal.h"
#include "branch.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-commits.h"
#include "xsa-store.h"
#include "xsa.h"

#include <signal.h>

/* Marker-less branch commits get a patch-id only when there are at most
 * this many (with the master fixes they could match); beyond that only
 * those whose subject is a missing fix's subject do. */
#define PID_BUDGET 200

/* --- patch-ids ------------------------------------------------------------- */

static int compute_pids(struct xsa_history *h, const uint32_t *list, size_t n)
{
	struct child_process log, pid;
	struct strbuf in = STRBUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, pos = 0, ln;
	const char *line;
	int rc, rc2;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		xh_oid_hex(h, list[i], hex);
		strbuf_addf(&in, "%s\n", hex);
	}
	git_child_init(&log, h->repo);
	strvec_pushl(&log.args, "log", "--no-walk=unsorted", "--stdin", "-p", "--format=commit %H",
		     "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/",
		     "--dst-prefix=b/", NULL);
	log.in = CHILD_IN_PIPE;
	log.out = CHILD_OUT_PIPE;
	rc = start_child(&log);
	if (rc) {
		child_release(&log);
		strbuf_release(&in);
		return rc;
	}
	/* Small enough for the pipe buffer in practice; write it all, then close. */
	{
		struct sigaction ign, old;

		memset(&ign, 0, sizeof(ign));
		ign.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &ign, &old);
		rc = write_all(log.in_pipe, in.buf, in.len);
		sigaction(SIGPIPE, &old, NULL);
		close(log.in_pipe);
		log.in_pipe = -1;
	}
	git_child_init(&pid, h->repo);
	strvec_pushl(&pid.args, "patch-id", "--stable", NULL);
	pid.in = CHILD_IN_FD;
	pid.in_fd = log.out_pipe;
	rc2 = run_child(&pid);
	close(log.out_pipe);
	log.out_pipe = -1;
	rc = finish_child(&log);
	if (!rc && rc2)
		rc = rc2 < 0 ? rc2 : error_env("git patch-id failed: %s", child_err_summary(&pid));
	else if (rc > 0)
		rc = error_env("git log -p in %s failed: %s", h->repo->git_dir,
			       child_err_summary(&log));
	for (i = 0; !rc && i < n; i++) {
		struct xh_fact *f = xh_fact_new(h, list[i]);

		if (!f->pid[0])
			snprintf(f->pid, sizeof(f->pid), "-");	/* no diff */
	}
	while (!rc && next_line(pid.out_buf.buf, pid.out_buf.len, &pos, &line, &ln)) {
		const char *sp = memchr(line, ' ', ln);
		char *id;
		uint32_t c;

		if (!sp || (size_t)(sp - line) > GIT_MAX_HEXSZ)
			continue;
		id = xmemdupz(sp + 1, (size_t)(line + ln - sp - 1));
		c = xh_find(h, id);
		free(id);
		if (c != XH_NONE) {
			struct xh_fact *f = xh_fact_new(h, c);

			memcpy(f->pid, line, (size_t)(sp - line));
			f->pid[sp - line] = '\0';
		}
	}
	h->dirty = 1;
	child_release(&pid);
	child_release(&log);
	strbuf_release(&in);
	return rc;
}

static int has_pid(const struct xsa_history *h, uint32_t i)
{
	const struct xh_fact *f = xh_fact_of(h, i);

	return f && f->pid[0];
}

const char *xh_pid_of(const struct xsa_history *h, uint32_t i)
{
	const struct xh_fact *f = xh_fact_of(h, i);

	return f && f->pid[0] && strcmp(f->pid, "-") ? f->pid : NULL;
}

int xh_subject_eq(const struct xsa_history *h, uint32_t a, uint32_t b)
{
	const struct xh_fact *fa = xh_fact_of(h, a), *fb = xh_fact_of(h, b);

	return fa && fb && fa->subject && fb->subject && *fa->subject &&
	       !strcmp(fa->subject, fb->subject);
}

/*
 * Branch commits with neither a claim nor a link to a known commit may be
 * backports made without -x: compare their patch-ids with the master
 * fixes their branch lacks.
 */
int xh_link_by_patch_id(struct xsa_history *h)
{
	uint32_t *cand = NULL, *miss = NULL, *need = NULL;
	size_t nc = 0, nm = 0, nn = 0, i, k, li, added = 0;
	uint32_t **cand_line = NULL;
	int rc = 0;

	/* Missing master fixes per line, and the line's candidates. */
	for (li = 1; li < h->nr_lines; li++) {
		const struct xh_line *l = &h->lines[li];
		size_t line_missing = 0;

		if (l->tip == XH_NONE)
			continue;
		for (k = 0; k < h->nr_xsas; k++) {
			uint32_t *m = NULL;
			size_t n = xh_master_fixes(h, h->xsas[k], &m), j;

			for (j = 0; j < n; j++) {
				size_t f2;
				int covered = xh_has(l->reach, m[j]);

				for (f2 = 0; !covered && f2 < h->nr_fixers[k]; f2++) {
					const struct xh_fact *g = xh_fact_of(h, h->fixers[k][f2]);
					size_t q;

					if (!xh_has(l->reach, h->fixers[k][f2]))
						continue;
					for (q = 0; g && q < g->nr_ident; q++)
						if (g->ident[q] == m[j])
							covered = 1;
				}
				if (!covered) {
					xh_push_u32(&miss, &nm, m[j]);
					line_missing++;
				}
			}
			free(m);
		}
		if (!line_missing)
			continue;
		/* own commits without claims or known links */
		for (i = 0; i < h->nr; i++) {
			const struct xh_fact *f;
			size_t q;
			int known_link = 0;

			if (!xh_has(l->reach, (uint32_t)i) || xh_has(h->lines[0].reach, (uint32_t)i))
				continue;
			if (h->c[i].npar != 1)
				continue;	/* merges and roots carry no patch */
			f = xh_fact_of(h, (uint32_t)i);
			if (f && f->nr_eff)
				continue;
			for (q = 0; f && q < f->nr_ident; q++)
				if (f->ident[q] != i)
					known_link = 1;
			if (known_link || (f && f->nr_targets))
				continue;
			xh_push_u32(&cand, &nc, (uint32_t)i);
		}
	}
	if (!nc || !nm)
		goto out;
	if (nc + nm > PID_BUDGET) {
		/* Too many to diff them all: only subject matches. */
		uint32_t *c2 = NULL, *m2 = NULL;
		size_t n2 = 0, m2n = 0;

		for (i = 0; i < nc; i++)
			for (k = 0; k < nm; k++)
				if (xh_subject_eq(h, cand[i], miss[k])) {
					xh_push_u32(&c2, &n2, cand[i]);
					xh_push_u32(&m2, &m2n, miss[k]);
				}
		free(cand);
		free(miss);
		cand = c2;
		nc = n2;
		miss = m2;
		nm = m2n;
	}
	for (i = 0; i < nc; i++)
		if (!has_pid(h, cand[i]))
			xh_push_u32(&need, &nn, cand[i]);
	for (i = 0; i < nm; i++)
		if (!has_pid(h, miss[i]))
			xh_push_u32(&need, &nn, miss[i]);
	rc = compute_pids(h, need, nn);
	if (rc)
		goto out;
	for (i = 0; i < nc; i++) {
		const char *p = xh_pid_of(h, cand[i]);
		struct xh_fact *f;

		if (!p)
			continue;
		for (k = 0; k < nm; k++) {
			const char *q = xh_pid_of(h, miss[k]);

			if (!q || strcmp(p, q))
				continue;
			f = xh_fact_new(h, cand[i]);
			/* a link found by patch-id (found again each time, not cached) */
			xh_push_u32(&f->pid_links, &f->nr_pid_links, miss[k]);
			added++;
		}
	}
out:
	free(cand);
	free(miss);
	free(need);
	free(cand_line);
	if (!rc && added) {
		xh_resolve_facts(h);
		xh_build_index(h);
		xh_compute_master_fixes(h);
	}
	return rc;
}

/* --- stored advisories ---------------------------------------------------- */

void xh_free_advice(struct xsa_history *h)
{
	size_t i, k;

	for (i = 0; i < h->nr_adv; i++) {
		struct xh_advice *a = &h->adv[i];

		free(a->projects);
		free(a->mapped);
		for (k = 0; a->mapped_pids && k < a->nr_mapped; k++)
			free(a->mapped_pids[k]);
		free(a->mapped_pids);
		free(a->title);
		strvec_clear(&a->cves);
	}
	free(h->adv);
	h->adv = NULL;
	h->nr_adv = 0;
}

const struct xh_advice *xh_advice_of(const struct xsa_history *h, int xsa)
{
	size_t lo = 0, hi = h->nr_adv;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (h->adv[mid].xsa == xsa)
			return &h->adv[mid];
		if (h->adv[mid].xsa < xsa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The signed text of a stored clear-signed advisory (dash-escaping undone). */
static int advisory_text(const char *path, struct strbuf *out)
{
	struct strbuf raw = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	int state = 0, rc = read_file(&raw, path, 4 << 20);

	while (!rc && next_line(raw.buf, raw.len, &pos, &line, &n)) {
		if (state == 0) {
			if (n >= 34 && !memcmp(line, "-----BEGIN PGP SIGNED MESSAGE-----", 34))
				state = 1;
		} else if (state == 1) {
			if (!n)
				state = 2;	/* end of the armor headers */
		} else {
			if (n >= 29 && !memcmp(line, "-----BEGIN PGP SIGNATURE-----", 29))
				break;
			if (n >= 2 && line[0] == '-' && line[1] == ' ') {
				line += 2;
				n -= 2;
			}
			strbuf_add(out, line, n);
			strbuf_addch(out, '\n');
		}
	}
	if (!rc && state < 2) {
		/* not clear-signed (imported with --allow-unsigned): the text as is */
		strbuf_reset(out);
		strbuf_addbuf(out, &raw);
	}
	strbuf_release(&raw);
	return rc;
}

int xh_load_advice(struct xsa_history *h, const struct xh_opts *o)
{
	const struct xsa_store *s = o->store;
	struct xsa_patch_ids p;
	struct strvec paths = STRVEC_INIT, shas = STRVEC_INIT;
	size_t i, k, li;
	int rc = 0;

	if (!s || !s->nr)
		return 0;
	xsa_patch_ids_init(&p);
	if (!o->no_cache)
		xsa_patch_ids_load(&p, h->repo);
	for (i = 0; i < s->nr; i++) {
		const struct xsa_version *v = xsa_latest(&s->x[i]);

		for (k = 0; v && k < v->nr_files; k++) {
			char *path;

			if (strcmp(v->files[k].project, "xen") || !v->files[k].nr_ranges)
				continue;
			path = xsa_store_path(s, v, v->files[k].name);
			strvec_push(&paths, path);
			strvec_push(&shas, v->files[k].sha256);
			free(path);
		}
	}
	rc = xsa_patch_ids_fill(&p, h->repo, &paths, &shas);
	if (rc)
		goto out;
	if (!o->no_cache)
		xsa_patch_ids_save(&p);
	h->adv = xcalloc(s->nr + 1, sizeof(*h->adv));
	for (i = 0; i < s->nr; i++) {
		const struct xsa_record *r = &s->x[i];
		const struct xsa_version *v = xsa_latest(r);
		struct xh_advice *a = &h->adv[h->nr_adv++];
		struct xsa_advisory tmp;
		struct strbuf text = STRBUF_INIT, projects = STRBUF_INIT;
		int hmaj = -1, hmin = 0, umaj = -1, umin = 0;
		char *apath;

		a->xsa = r->number;
		strvec_init(&a->cves);
		a->mapped = xcalloc(h->nr_lines + 1, sizeof(int));
		a->mapped_pids = xcalloc(h->nr_lines + 1, sizeof(char *));
		a->nr_mapped = h->nr_lines;
		if (!v)
			continue;
		a->title = v->title ? xstrdup(v->title) : NULL;
		strvec_pushv(&a->cves, v->cves.v);
		a->signed_ = v->signer[0] && !v->unsigned_input;
		a->public_time = xsa_public_time(s, r);
		for (k = 0; k < v->nr_files; k++) {
			const char *pr = v->files[k].project;

			if (!strcmp(pr, "xen"))
				a->xen = 1;
			else if (strcmp(pr, "meta") && !strstr(projects.buf, pr))
				strbuf_addf(&projects, "%s%s", projects.len ? ", " : "", pr);
		}
		a->projects = strbuf_detach(&projects, NULL);
		/* VULNERABLE SYSTEMS */
		apath = xsa_store_path(s, v, v->advisory);
		if (!advisory_text(apath, &text)) {
			struct xsa_advisory adv;

			xsa_advisory_init(&adv);
			if (!xsa_parse_advisory(&adv, text.buf, text.len, apath, 0)) {
				const struct xsa_section *sec = xsa_find_section(&adv, "VULNERABLE SYSTEMS");

				if (sec)
					a->vuln_known = xh_vulnerable_parse(text.buf + sec->start,
									    sec->end - sec->start,
									    &a->vuln_lo, &a->vuln_hi);
			}
			xsa_advisory_release(&adv);
		}
		free(apath);
		strbuf_release(&text);
		/* patches mapped to each line */
		xsa_advisory_init(&tmp);
		tmp.files = v->files;
		tmp.nr_files = v->nr_files;
		if (!xsa_newest_named(&tmp, &hmaj, &hmin))
			hmaj = -1;
		if (xsa_unstable_branch(o->branches, xsa_advisory_date(s, r), hmaj, hmin, &umaj,
					&umin))
			umaj = -1;
		for (li = 1; li < h->nr_lines; li++) {
			const struct branch *b = h->lines[li].b;
			struct strbuf pids = STRBUF_INIT;

			for (k = 0; k < v->nr_files; k++) {
				const struct xsa_file *f = &v->files[k];
				size_t first, n, j;
				int inh;

				if (strcmp(f->project, "xen") || !f->nr_ranges ||
				    !xsa_file_covers(f->ranges, f->nr_ranges, b->major, b->minor, umaj,
						     umin, &inh))
					continue;
				n = xsa_patch_ids_of(&p, f->sha256, &first);
				for (j = first; j < first + n; j++) {
					if (!p.v[j].pid[0])
						continue;
					a->mapped[li]++;
					strbuf_addf(&pids, "%s%s", pids.len ? " " : "", p.v[j].pid);
				}
				if (!n)
					a->mapped[li]++;
			}
			a->mapped_pids[li] = strbuf_detach(&pids, NULL);
		}
	}
out:
	strvec_clear(&paths);
	strvec_clear(&shas);
	xsa_patch_ids_release(&p);
	return rc;
}

int xh_xsa_is_xen(const struct xsa_history *h, int x)
{
	const struct xh_advice *a = xh_advice_of(h, x);

	return !a || a->xen || !a->projects || !*a->projects;
}

/* Is c's patch-id one of a signed advisory's patches of x (any line)? */
int xh_matches_advisory(const struct xsa_history *h, int x, uint32_t c)
{
	const struct xh_advice *a = xh_advice_of(h, x);
	const char *p = xh_pid_of(h, c);
	size_t li;

	if (!a || !a->signed_ || !p)
		return 0;
	for (li = 1; li < a->nr_mapped; li++) {
		const char *s = a->mapped_pids ? a->mapped_pids[li] : NULL;
		size_t n = strlen(p);

		while (s && *s) {
			if (!strncmp(s, p, n) && (s[n] == ' ' || !s[n]))
				return 1;
			s = strchr(s, ' ');
			if (s)
				s++;
		}
	}
	return 0;
}

/* Patch-ids of claimed-only fixes of XSAs with a signed stored advisory. */
int xh_pids_for_evidence(struct xsa_history *h)
{
	uint32_t *need = NULL;
	size_t nn = 0, i, k;
	int rc;

	for (i = 0; i < h->nr_xsas; i++) {
		const struct xh_advice *a = xh_advice_of(h, h->xsas[i]);

		if (!a || !a->signed_)
			continue;
		for (k = 0; k < h->nr_fixers[i]; k++) {
			uint32_t c = h->fixers[i][k];

			if (!xh_has(h->evidence, c) && !has_pid(h, c))
				xh_push_u32(&need, &nn, c);
		}
	}
	rc = compute_pids(h, need, nn);
	free(need);
	return rc;
}
