/*
 * bundle-create.c: make a backport bundle from commits or patch files.
 *
 * Everything is checked before anything is written: the patches apply to
 * the base in a private index (domain/apply.h; only a private ref,
 * refs/xenstable/bundle-check-PID, holds the result while it builds), the result
 * builds (and boots) when asked and possible, the XSA store agrees with
 * the embargo, and the finished bundle passes the receiving side's own
 * checks (bundle_parse + bundle_verify against the members' keyring).
 */
#include "compat.h"
#include "boot.h"
#include "branch.h"
#include "bundle-apply.h"
#include "bundle-store.h"
#include "compress.h"
#include "date.h"
#include "embargo.h"
#include "fs.h"
#include "tarball.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-store.h"
#include "xsa.h"

#include <ctype.h>

struct cpatch {
	struct strbuf text;		/* the patch, git format-patch form */
	char *origin;			/* commit id or file path, for messages */
	char *subject;
	char *msg;			/* subject, blank line, body */
	char *upstream;			/* or NULL */
	int claims[16];
	size_t nclaims;
	int xsa;
	enum bundle_role role;
};

struct cpatches {
	struct cpatch *v;
	size_t nr, alloc;
};

static void cpatches_release(struct cpatches *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		strbuf_release(&c->v[i].text);
		free(c->v[i].origin);
		free(c->v[i].subject);
		free(c->v[i].msg);
		free(c->v[i].upstream);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static struct cpatch *cpatch_new(struct cpatches *c)
{
	struct cpatch *p;

	ALLOC_GROW(c->v, c->nr + 1, c->alloc);
	p = &c->v[c->nr++];
	memset(p, 0, sizeof(*p));
	strbuf_init(&p->text, 0);
	return p;
}

void bundle_created_init(struct bundle_created *c)
{
	memset(c, 0, sizeof(*c));
	bundle_manifest_init(&c->m);
	build_result_init(&c->build);
	strvec_init(&c->notes);
}

void bundle_created_release(struct bundle_created *c)
{
	free(c->path);
	free(c->kept);
	bundle_manifest_release(&c->m);
	apply_run_release(&c->run);
	build_result_release(&c->build);
	strvec_clear(&c->notes);
	memset(c, 0, sizeof(*c));
}

/* ---- reading the patches' messages ------------------------------------- */

/* The first 40 or 64 hex digit word of line, or NULL. */
static char *hex_word(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && isxdigit((unsigned char)line[j]))
			j++;
		if ((j - i == 40 || j - i == 64) && (i == 0 || !isalnum((unsigned char)line[i - 1])) &&
		    (j == n || !isalnum((unsigned char)line[j]))) {
			char *s = xmemdupz(line + i, j - i);
			char *p;

			for (p = s; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			return s;
		}
		i = j + 1;
	}
	return NULL;
}

/*
 * The upstream commit a backport names: "(cherry picked from commit X)"
 * (git cherry-pick -x), "commit X upstream.", "upstream commit X" or an
 * "Upstream-Commit: X" trailer.
 */
static char *find_upstream(const char *msg)
{
	size_t pos = 0, n, len = strlen(msg);
	const char *line;

	while (next_line(msg, len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *p;
		int hit;

		for (p = l; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		hit = strstr(l, "cherry picked from commit ") || strstr(l, "upstream commit ") ||
		      starts_with(l, "upstream-commit:") ||
		      (starts_with(l, "commit ") && strstr(l, " upstream"));
		free(l);
		if (hit) {
			char *h = hex_word(line, n);

			if (h)
				return h;
		}
	}
	return NULL;
}

/* Subject (without "[PATCH ...]" prefixes) and message of a mail patch. */
static int mail_message(struct cpatch *p)
{
	const char *t = p->text.buf;
	size_t pos = 0, n, len = p->text.len;
	const char *line;
	struct strbuf subj = STRBUF_INIT, body = STRBUF_INIT;
	int in_subject = 0, headers = 1;

	while (next_line(t, len, &pos, &line, &n)) {
		if (headers) {
			if (!n) {
				headers = 0;
				continue;
			}
			if (in_subject && (line[0] == ' ' || line[0] == '\t')) {
				strbuf_addch(&subj, ' ');
				strbuf_add(&subj, line + 1, n - 1);
				continue;
			}
			in_subject = n > 8 && !strncasecmp(line, "Subject:", 8);
			if (in_subject)
				strbuf_add(&subj, line + 8, n - 8);
			continue;
		}
		if ((n == 3 && !memcmp(line, "---", 3)) || (n > 11 && !memcmp(line, "diff --git ", 11)))
			break;
		strbuf_add(&body, line, n);
		strbuf_addch(&body, '\n');
	}
	strbuf_trim(&subj);
	while (subj.buf[0] == '[' && strchr(subj.buf, ']')) {
		const char *end = strchr(subj.buf, ']') + 1;
		char *rest = xstrdup(end);

		strbuf_reset(&subj);
		strbuf_addstr(&subj, rest);
		strbuf_trim(&subj);
		free(rest);
	}
	strbuf_trim(&body);
	if (!subj.len) {
		strbuf_release(&subj);
		strbuf_release(&body);
		return error_input("%s: no Subject: header; a bundle takes patches in git "
				   "format-patch form", p->origin);
	}
	p->subject = xstrdup(subj.buf);
	p->msg = body.len ? xstrfmt("%s\n\n%s\n", subj.buf, body.buf) : xstrfmt("%s\n", subj.buf);
	strbuf_release(&subj);
	strbuf_release(&body);
	return 0;
}

/* ---- collecting -------------------------------------------------------------- */

static int from_commits(const struct bundle_create_opts *o, struct cpatches *out,
			char **base_ref)
{
	const char *dots = strstr(o->commits, "..");
	char *left, *right;
	struct strbuf list = STRBUF_INIT;
	char master[GIT_MAX_HEXSZ + 1];
	int have_master, rc;
	size_t pos = 0, n;
	const char *line;

	if (!dots || dots == o->commits || !dots[2] || dots[2] == '.')
		return error_usage("--commits '%s': expected A..B", o->commits);
	left = xstrndup(o->commits, (size_t)(dots - o->commits));
	right = xstrdup(dots + 2);
	have_master = git_resolve_commit(o->src, "refs/heads/master", master) == 0;
	rc = git_cmd(o->src, &list, "rev-list", "--reverse", "--parents", o->commits, "--", NULL);
	while (!rc && next_line(list.buf, list.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n);
		struct strvec f = STRVEC_INIT;
		struct cpatch *p;

		strvec_split(&f, l, " ");
		free(l);
		if (f.nr != 2) {
			rc = error_input("--commits %s: %.12s is a merge; a bundle is a linear series",
					 o->commits, f.v[0]);
			strvec_clear(&f);
			break;
		}
		p = cpatch_new(out);
		p->origin = xstrdup(f.v[0]);
		strvec_clear(&f);
		rc = git_cmd(o->src, &p->text, "format-patch", "-1", "--stdout", "--no-signature",
			     "--no-numbered", p->origin, NULL);
		if (!rc)
			rc = mail_message(p);
		if (!rc) {
			p->upstream = find_upstream(p->msg);
			if (!p->upstream && have_master &&
			    git_is_ancestor(o->src, p->origin, master) == 1)
				p->upstream = xstrdup(p->origin);
		}
	}
	if (!rc && !out->nr)
		rc = error_input("--commits %s: no commits in that range", o->commits);
	if (!rc)
		*base_ref = xstrdup(o->base ? o->base : left);
	strbuf_release(&list);
	free(left);
	free(right);
	return rc;
}

static int from_dir(const struct bundle_create_opts *o, struct cpatches *out, char **base_ref)
{
	struct strvec names = STRVEC_INIT;
	size_t i;
	int rc = list_dir(o->patches_dir, &names);

	for (i = 0; !rc && i < names.nr; i++) {
		struct cpatch *p;
		char *path;

		if (!ends_with(names.v[i], ".patch"))
			continue;
		path = path_join(o->patches_dir, names.v[i]);
		p = cpatch_new(out);
		p->origin = path;
		rc = read_file(&p->text, path, (size_t)BUNDLE_MAX_ENTRY);
		if (!rc)
			rc = mail_message(p);
		if (!rc)
			p->upstream = find_upstream(p->msg);
	}
	if (!rc && !out->nr)
		rc = error_input("%s: no *.patch files", o->patches_dir);
	if (!rc)
		*base_ref = xstrdup(o->base ? o->base : o->branch->ref);
	strvec_clear(&names);
	return rc;
}

static int wanted(const struct bundle_create_opts *o, int x)
{
	size_t i;

	for (i = 0; i < o->nr_xsas; i++)
		if (o->xsas[i] == x)
			return 1;
	return 0;
}

/* Fixes claim an XSA of the bundle; the rest are prerequisites of the next fix. */
static int assign_roles(const struct bundle_create_opts *o, struct cpatches *c)
{
	size_t i, k;
	int next = 0;

	for (i = 0; i < c->nr; i++) {
		struct cpatch *p = &c->v[i];

		p->nclaims = xsa_mentions(p->msg, strlen(p->msg), p->claims, ARRAY_SIZE(p->claims));
		p->role = BUNDLE_PREREQUISITE;
		for (k = 0; k < p->nclaims; k++)
			if (wanted(o, p->claims[k])) {
				p->role = BUNDLE_FIX;
				p->xsa = p->claims[k];
				break;
			}
	}
	for (i = c->nr; i--; ) {
		if (c->v[i].role == BUNDLE_FIX)
			next = c->v[i].xsa;
		else if (!next)
			return error_input("%s ('%s') comes after the last fix: a prerequisite goes "
					   "before the fix it is for (a fix says \"This is XSA-N\" "
					   "or has an \"XSA: N\" trailer)", c->v[i].origin,
					   c->v[i].subject);
		else
			c->v[i].xsa = next;
	}
	for (k = 0; k < o->nr_xsas; k++) {
		int has = 0;

		for (i = 0; i < c->nr; i++)
			if (c->v[i].role == BUNDLE_FIX && c->v[i].xsa == o->xsas[k])
				has = 1;
		if (!has)
			return error_input("no patch says it is XSA-%d (\"This is XSA-%d\" or an "
					   "\"XSA: %d\" trailer)", o->xsas[k], o->xsas[k], o->xsas[k]);
	}
	return 0;
}

/* "0002-hypervisor-evtchn-check-the-port.patch" */
static char *patch_file_name(size_t index, const char *subject)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	int dash = 0;

	strbuf_addf(&sb, "patches/%04zu-", index);
	for (s = subject; *s && sb.len < 8 + 5 + 52; s++) {
		if (isalnum((unsigned char)*s) || *s == '_' || *s == '.') {
			if (dash && sb.buf[sb.len - 1] != '-')
				strbuf_addch(&sb, '-');
			dash = 0;
			strbuf_addch(&sb, *s);
		} else {
			dash = 1;
		}
	}
	while (sb.buf[sb.len - 1] == '.' || sb.buf[sb.len - 1] == '-')
		strbuf_setlen(&sb, sb.len - 1);
	if (sb.len == 8 + 4)
		strbuf_addstr(&sb, "-patch");
	strbuf_addstr(&sb, ".patch");
	return strbuf_detach(&sb, NULL);
}

static void add_cve(struct strvec *cves, const char *s, size_t n)
{
	char *c = xmemdupz(s, n);

	if (!strvec_contains(cves, c))
		strvec_push(cves, c);
	free(c);
}

static void collect_cves(const struct bundle_create_opts *o, const struct cpatches *c,
			 struct strvec *cves)
{
	size_t i, k;

	for (k = 0; k < o->nr_xsas && o->xsa_store; k++) {
		const struct xsa_record *r = xsa_store_find(o->xsa_store, o->xsas[k]);
		const struct xsa_version *v = r ? xsa_latest(r) : NULL;

		for (i = 0; v && i < v->cves.nr; i++)
			add_cve(cves, v->cves.v[i], strlen(v->cves.v[i]));
	}
	for (i = 0; i < c->nr; i++) {
		const char *m = c->v[i].msg, *p = m;

		if (c->v[i].role != BUNDLE_FIX)
			continue;
		while ((p = strstr(p, "CVE-"))) {
			size_t n = 4, d = 0;

			while (isdigit((unsigned char)p[n]) && d < 4)
				n++, d++;
			if (d == 4 && p[n] == '-') {
				size_t e = n + 1;

				while (isdigit((unsigned char)p[e]) && e - n - 1 < 7)
					e++;
				if (e - n - 1 >= 4 && (p == m || !isalnum((unsigned char)p[-1])))
					add_cve(cves, p, e);
			}
			p += 4;
		}
	}
	strvec_sort(cves);
}

/* The XSA store must not know of a later publication than the embargo. */
static int check_embargo(const struct bundle_create_opts *o)
{
	size_t k;

	for (k = 0; k < o->nr_xsas && o->xsa_store; k++) {
		const struct xsa_record *r = xsa_store_find(o->xsa_store, o->xsas[k]);
		const struct xsa_index_entry *e = xsa_index_find(o->xsa_store, o->xsas[k]);
		int64_t pub = r ? xsa_public_time(o->xsa_store, r) : e ? e->public_time : 0;
		char d[32];

		if (!pub || pub <= o->now)
			continue;
		date_format_short(pub, d);
		if (!o->embargo_until)
			return error_input("XSA-%d is embargoed until %s UTC (XSA store): a bundle for "
					   "it needs --embargo '%s'", o->xsas[k], d, d);
		if (o->embargo_until < pub)
			return error_input("--embargo ends before XSA-%d's public time %s UTC (XSA "
					   "store); that would publish it early", o->xsas[k], d);
	}
	return 0;
}

/* ---- the trial ------------------------------------------------------------- */

static int trial_apply(const struct bundle_create_opts *o, const struct cpatches *c,
		       const char *base_commit, struct bundle_created *res, const char *tmp)
{
	char *ref = xstrfmt("refs/xenstable/bundle-check-%ld", (long)getpid());
	size_t i;
	int rc;

	rc = apply_run_init(&res->run, o->src, ref, base_commit);
	free(ref);
	if (rc)
		return rc;
	if (res->run.base[0])
		return error_env("%s exists already; remove it", res->run.ref);
	for (i = 0; !rc && i < c->nr; i++) {
		char *path = xstrfmt("%s/%04zu.patch", tmp, i + 1);

		rc = write_file_atomic(path, c->v[i].text.buf, c->v[i].text.len, 0600);
		if (!rc)
			apply_add(&res->run, path, c->v[i].origin, NULL);
		free(path);
	}
	if (!rc)
		rc = apply_all(&res->run);
	for (i = 0; rc >= 0 && i < res->run.nr; i++) {
		if (res->run.res[i].outcome == APPLY_ALREADY) {
			rc = error_input("%s ('%s') is in the base %s already; leave it out of the "
					 "bundle", c->v[i].origin, c->v[i].subject, base_commit);
			break;
		}
	}
	/*
	 * The result goes on a private ref for the build to see (apply.h
	 * makes a run's objects part of the repository when it finishes);
	 * bundle_create() deletes the ref again.
	 */
	if (!rc)
		rc = apply_finish(&res->run);
	return rc;
}

/* Remove the trial's private ref, if it was made. */
static void trial_cleanup(const struct bundle_create_opts *o, struct bundle_created *res)
{
	char oid[GIT_MAX_HEXSZ + 1];

	if (res->run.ref && !git_resolve(o->src, res->run.ref, oid))
		git_cmd(o->src, NULL, "update-ref", "-d", res->run.ref, oid, NULL);
}

static int trial_build(const struct bundle_create_opts *o, struct bundle_created *res,
		       int *built, int *booted)
{
	struct build_opts bo;
	int rc;

	*built = *booted = 0;
	if (!o->build) {
		strvec_push(&res->notes, "not built (--no-build)");
		return 0;
	}
	memset(&bo, 0, sizeof(bo));
	bo.src = o->src;
	bo.rev = res->run.tip;
	bo.maint_root = o->maint_root;
	res->built_ran = 1;
	say("building the patched tree (%.12s)...", res->run.tip);
	rc = build_run(&bo, &res->build);
	if (rc < 0 || res->build.check.status == CHECK_ERROR) {
		strvec_pushf(&res->notes, "not built: %s", res->build.check.reason ?
			     res->build.check.reason : "the build could not run");
		return 0;
	}
	if (res->build.check.status != CHECK_PASSED)
		return error_fail("the patches apply to the base but the result does not build: "
				  "%s (logs in %s)", res->build.check.reason ? res->build.check.reason :
				  "build failed", res->build.dir ? res->build.dir : "?");
	*built = 1;
	if (o->boot) {
		struct boot_check_opts bc;
		struct check_result cr;

		memset(&bc, 0, sizeof(bc));
		bc.src = o->src;
		bc.rev = res->run.tip;
		bc.maint_root = o->maint_root;
		check_result_init(&cr, "boot");
		rc = boot_check_run(&bc, &cr);
		if (rc < 0 || cr.status == CHECK_ERROR) {
			strvec_pushf(&res->notes, "not booted: %s", cr.reason ? cr.reason : "?");
			rc = 0;
		} else if (cr.status != CHECK_PASSED) {
			rc = error_fail("the patched hypervisor does not boot: %s",
					cr.reason ? cr.reason : "boot failed");
		} else {
			*booted = 1;
		}
		check_result_release(&cr);
		return rc;
	}
	return 0;
}

/* ---- putting it together ----------------------------------------------------- */

static int relative_to(const char *root, const char *path, char **rel)
{
	char *dir = path_dirname(path), *real = path_realpath(dir);
	size_t n = strlen(root);

	*rel = NULL;
	if (real && !strncmp(real, root, n) && real[n] == '/')
		*rel = xstrfmt("%s/%s", real + n + 1, path_basename(path));
	else if (real && !strcmp(real, root))
		*rel = xstrdup(path_basename(path));
	free(dir);
	free(real);
	return 0;
}

int bundle_create(const struct bundle_create_opts *o, struct bundle_created *res)
{
	struct cpatches c = { NULL, 0, 0 };
	struct bundle_manifest *m = &res->m;
	struct bundle_blob *blobs = NULL;
	struct strbuf man = STRBUF_INIT, sig = STRBUF_INIT, tar = STRBUF_INIT,
		      gz = STRBUF_INIT, enc = STRBUF_INIT;
	struct strvec recipients = STRVEC_INIT;
	struct bundle chk;
	char fpr[GPG_FPR_LEN + 1], base_commit[GIT_MAX_HEXSZ + 1];
	char *base_ref = NULL, *tmp = NULL, *path = NULL;
	const char *member;
	int built = 0, booted = 0, rc;
	size_t i;

	bundle_init(&chk);
	/* Who signs, and for whom. */
	if (gpg_normalize_fpr(o->key, fpr))
		return error_usage("--key '%s' is not a 40-digit fingerprint", o->key);
	member = bundle_member_name(o->members, fpr);
	if (!member)
		return error_input("--key %s is not a predisclosure member's key: MAINTAINERS needs "
				   "'G: %s backport NAME' and backports/members/NAME.asc", fpr, fpr);
	if (o->producer && strcmp(o->producer, member))
		return error_input("--producer %s: key %s is pinned for member '%s'", o->producer,
				   fpr, member);
	for (i = 0; o->encrypt_to && i < o->encrypt_to->nr; i++) {
		char r[GPG_FPR_LEN + 1];

		if (gpg_normalize_fpr(o->encrypt_to->v[i], r))
			return error_usage("--encrypt-to '%s' is not a 40-digit fingerprint",
					   o->encrypt_to->v[i]);
		if (!bundle_member_name(o->members, r))
			return error_input("--encrypt-to %s is not a predisclosure member's key; "
					   "bundles go to members only", r);
		strvec_push(&recipients, r);
	}
	rc = check_embargo(o);
	if (rc)
		goto out;

	/* The patches, and what each is. */
	rc = o->commits ? from_commits(o, &c, &base_ref) : from_dir(o, &c, &base_ref);
	if (rc)
		goto out;
	if (c.nr > BUNDLE_MAX_PATCHES) {
		rc = error_input("%zu patches; a bundle holds %d at most", c.nr, BUNDLE_MAX_PATCHES);
		goto out;
	}
	for (i = 0; i < c.nr; i++)
		if ((rc = apply_check_patch(c.v[i].origin, c.v[i].text.buf, c.v[i].text.len)))
			goto out;
	rc = assign_roles(o, &c);
	if (rc)
		goto out;
	/* The branch by default: refs/heads/, never a tag of the same short name. */
	rc = git_resolve_commit(o->src, !o->base && !o->commits ? o->branch->full_ref : base_ref,
				base_commit);
	if (rc == 1)
		rc = error_input("--base %s: no such revision in the source repository", base_ref);
	if (rc)
		goto out;

	/* They apply, and the result builds. */
	tmp = make_temp_dir("bundle-create");
	if (!tmp) {
		rc = -XS_ENV;
		goto out;
	}
	rc = trial_apply(o, &c, base_commit, res, tmp);
	if (rc) {
		trial_cleanup(o, res);
		goto out;
	}
	say("the %zu patches apply to %s (%.12s) without fuzz", c.nr, base_ref, base_commit);
	rc = trial_build(o, res, &built, &booted);
	trial_cleanup(o, res);
	if (rc)
		goto out;

	/* The manifest. */
	m->format_version = BUNDLE_FORMAT_VERSION;
	if (o->revise) {
		const struct bundle_record *hi = bundle_store_highest(o->store, o->revise);

		if (!hi) {
			rc = error_input("--revise %s: no such bundle in backports/seen.json",
					 o->revise);
			goto out;
		}
		memcpy(m->id, hi->id, sizeof(m->id));
		m->revision = hi->revision + 1;
	} else {
		bundle_new_id(m->id);
		m->revision = 1;
	}
	m->producer = xstrdup(member);
	memcpy(m->fingerprint, fpr, sizeof(fpr));
	m->created = o->now;
	m->branch = xstrdup(o->branch->name);
	m->base_ref = xstrdup(base_ref);
	snprintf(m->base_commit, sizeof(m->base_commit), "%s", base_commit);
	m->embargo_until = o->embargo_until;
	m->xsas = xcalloc(o->nr_xsas, sizeof(int));
	for (i = 0; i < o->nr_xsas; i++)
		m->xsas[m->nr_xsas++] = o->xsas[i];
	collect_cves(o, &c, &m->cves);
	m->files = xcalloc(c.nr, sizeof(*m->files));
	blobs = xcalloc(c.nr + 2, sizeof(*blobs));
	for (i = 0; i < c.nr; i++) {
		struct bundle_file *f = &m->files[m->nr_files++];

		f->name = patch_file_name(i + 1, c.v[i].subject);
		f->role = c.v[i].role;
		f->xsa = c.v[i].xsa;
		sha256_hex(c.v[i].text.buf, c.v[i].text.len, f->sha256);
		f->size = c.v[i].text.len;
		f->upstream = c.v[i].upstream ? xstrdup(c.v[i].upstream) : NULL;
		f->subject = xstrdup(c.v[i].subject);
		blobs[i + 2].name = f->name;
		blobs[i + 2].data = c.v[i].text.buf;
		blobs[i + 2].len = c.v[i].text.len;
	}
	m->tested_applied = 1;
	m->tested_built = built;
	m->tested_booted = booted;
	bundle_manifest_write(m, &man);

	/* Signed, packed, and accepted by the receiving side's checks. */
	rc = gpg_sign_detached(o->gpg, fpr, man.buf, man.len, 1, &sig);
	if (rc)
		goto out;
	blobs[0].name = "manifest.json";
	blobs[0].data = man.buf;
	blobs[0].len = man.len;
	blobs[1].name = "manifest.json.asc";
	blobs[1].data = sig.buf;
	blobs[1].len = sig.len;
	bundle_tar_write(blobs, c.nr + 2, m->created, &tar);
	rc = compress_buffer(COMPRESS_GZ, 1, tar.buf, tar.len, &gz);
	if (rc)
		goto out;
	chk.origin = xstrdup("the new bundle");
	strbuf_addbuf(&chk.raw, &gz);
	rc = bundle_parse(&chk, NULL);
	if (!rc)
		rc = bundle_verify(&chk, o->members);
	if (!rc)
		rc = bundle_store_check(o->store, &chk);
	if (rc) {
		error_env("the bundle made here does not pass its own checks; nothing written");
		goto out;
	}
	if (recipients.nr) {
		rc = gpg_encrypt(&o->members->gpg, &recipients, gz.buf, gz.len, &enc);
		if (rc)
			goto out;
	}

	/* What is written and remembered: the next revision, the status matrix, list. */
	strbuf_reset(&chk.raw);
	strbuf_addbuf(&chk.raw, recipients.nr ? &enc : &gz);
	sha256_hex(chk.raw.buf, chk.raw.len, chk.file_sha256);
	chk.encrypted = recipients.nr > 0;
	if (!o->out) {
		/* Kept in backports/<branch>/ and recorded: both or neither, never over
		 * another file. */
		rc = bundle_keep(o->store, &chk, o->now, &res->kept);
		if (!rc)
			res->path = path_join(o->maint_root, res->kept);
		/* Encrypted to others, it is unreadable here: the embargo checks keep its patches. */
		if (!rc && m->embargo_until > o->now)
			rc = embargo_keep_copy(o->maint_root, &chk);
		goto out;
	}
	/* Written, atomically, where it does not overwrite anything. */
	path = xstrdup(o->out);
	if (path_exists(path)) {
		rc = error_input("%s exists already; not overwriting it", path);
		goto out;
	}
	{
		char *dir = path_dirname(path);

		rc = mkdir_p(dir, 0755);
		free(dir);
	}
	if (rc)
		goto out;
	if (recipients.nr) {
		rc = write_file_atomic(path, enc.buf, enc.len, 0644);
	} else {
		struct tarball_hashes h;
		char want[SHA256_HEX_LEN + 1];

		rc = tarball_write_buffer(tar.buf, tar.len, COMPRESS_GZ, 1, path, &h);
		sha256_hex(gz.buf, gz.len, want);
		if (!rc && strcmp(h.sha256, want)) {
			unlink(path);
			rc = error_env("%s: the compressor gave other bytes than the bundle checked "
				       "(%s, not %s); removed", path, h.sha256, want);
		}
	}
	if (rc)
		goto out;
	res->path = path;
	path = NULL;
	relative_to(o->maint_root, res->path, &res->kept);
	bundle_store_add(o->store, &chk, res->kept, o->now);
	rc = bundle_store_save(o->store);
	if (rc) {
		/* Written and recorded, or neither. */
		unlink(res->path);
		free(res->path);
		res->path = NULL;
	}
	/* Encrypted to others, it is unreadable here: the embargo checks keep its patches. */
	if (!rc && m->embargo_until > o->now)
		rc = embargo_keep_copy(o->maint_root, &chk);
out:
	if (tmp) {
		remove_tree(tmp);
		free(tmp);
	}
	cpatches_release(&c);
	bundle_release(&chk);
	free(blobs);
	free(base_ref);
	free(path);
	strbuf_release(&man);
	strbuf_release(&sig);
	strbuf_release(&tar);
	strbuf_release(&gz);
	strbuf_release(&enc);
	strvec_clear(&recipients);
	return rc;
}
