/*
 * upstream-tags.c: RELEASE tags of the source repository and their
 * signatures (see upstream-tags.h).
 */
#include "compat.h"
#include "upstream-tags.h"
#include "branch.h"
#include "fs.h"
#include "maintainers.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

#define TAGS_CACHE "upstream-tags.v1"
#define TAGS_HEADER "# xenstable upstream-tags v1\n"
/* gpg runs at once: they only read the keyring (--lock-never), so they do
 * not wait for each other. */
#define GPG_JOBS 16

void upstream_tags_init(struct upstream_tags *t)
{
	memset(t, 0, sizeof(*t));
}

void upstream_tags_release(struct upstream_tags *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		free(t->v[i].name);
	for (i = 0; i < t->nr_old; i++)
		free(t->old[i].name);
	for (i = 0; i < t->nr_old_b; i++)
		branch_release(&t->old_b[i]);
	for (i = 0; i < t->nr_heads; i++)
		free(t->heads[i].ref);
	free(t->v);
	free(t->old);
	free(t->old_b);
	free(t->heads);
	free(t->cache_path);
	memset(t, 0, sizeof(*t));
}

static int cmp_tag(const void *a, const void *b)
{
	const struct upstream_tag *x = a, *y = b;

	if (x->b->major != y->b->major)
		return x->b->major < y->b->major ? -1 : 1;
	if (x->b->minor != y->b->minor)
		return x->b->minor < y->b->minor ? -1 : 1;
	return x->point < y->point ? -1 : x->point > y->point;
}

static int cmp_head(const void *a, const void *b)
{
	const struct upstream_head *x = a, *y = b;

	return strcmp(x->ref, y->ref);
}

static int oid_ok(const char *s)
{
	size_t n = strlen(s);

	return (n == 40 || n == 64) && is_hex_string(s, n);
}

/*
 * "RELEASE-4.7.2" under fmt "RELEASE-%v": *major, *minor, *point.  Only a
 * format with one %v and no other escape takes part.
 */
static int old_tag_version(const char *fmt, const char *name, int *major, int *minor, int *point)
{
	const char *v = strstr(fmt, "%v"), *p;
	size_t plen, slen, nlen = strlen(name);
	long n[3];
	int k;
	char *end;

	if (!v || strchr(v + 2, '%') || memchr(fmt, '%', (size_t)(v - fmt)))
		return 0;
	plen = (size_t)(v - fmt);
	slen = strlen(v + 2);
	if (nlen <= plen + slen || strncmp(name, fmt, plen) || strcmp(name + nlen - slen, v + 2))
		return 0;
	p = name + plen;
	for (k = 0; k < 3; k++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		n[k] = strtol(p, &end, 10);
		if (n[k] < 0 || n[k] > 999 || (end - p > 1 && *p == '0'))
			return 0;
		p = end;
		if (k < 2 && *p++ != '.')
			return 0;
	}
	if ((size_t)(p - name) != nlen - slen)
		return 0;
	*major = (int)n[0];
	*minor = (int)n[1];
	*point = (int)n[2];
	return 1;
}

static int cmp_old_b(const void *a, const void *b)
{
	const struct branch *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	return x->minor < y->minor ? -1 : x->minor > y->minor;
}

/* The older lines' branch entry with this version, or NULL. */
static struct branch *old_branch_of(struct upstream_tags *t, int major, int minor)
{
	size_t k;

	for (k = 0; k < t->nr_old_b; k++)
		if (t->old_b[k].major == major && t->old_b[k].minor == minor)
			return &t->old_b[k];
	return NULL;
}

/*
 * The branch entries of the older lines the tags name (listed by
 * upstream_tags_list() with old_tag_version()), then the tags' b.
 */
static void make_old_branches(struct upstream_tags *t, const char *fmt)
{
	int major, minor, point;
	size_t i;

	t->old_b = xcalloc(t->nr_old + 1, sizeof(*t->old_b));
	for (i = 0; i < t->nr_old; i++) {
		struct branch *b;

		old_tag_version(fmt, t->old[i].name, &major, &minor, &point);
		if (old_branch_of(t, major, minor))
			continue;
		b = &t->old_b[t->nr_old_b++];
		b->major = major;
		b->minor = minor;
		b->name = xstrfmt("%d.%d", major, minor);
		b->ref = xstrfmt("stable-%d.%d", major, minor);
		b->full_ref = xstrfmt("refs/heads/stable-%d.%d", major, minor);
		b->tag_format = xstrdup(fmt);
		b->tarball_name = xstrdup("xen-%v");
	}
	if (t->nr_old_b)
		qsort(t->old_b, t->nr_old_b, sizeof(*t->old_b), cmp_old_b);
	for (i = 0; i < t->nr_old; i++) {
		old_tag_version(fmt, t->old[i].name, &major, &minor, &point);
		t->old[i].b = old_branch_of(t, major, minor);
	}
	if (t->nr_old)
		qsort(t->old, t->nr_old, sizeof(*t->old), cmp_tag);
}

/* Fill tg from a for-each-ref line's fields (upstream_tags_list()); 0
 * when it names no commit. */
static int tag_from_ref(struct upstream_tag *tg, char **f)
{
	tg->verdict = GPG_NO_SIGNATURE;
	/* a tag of a tag (RELEASE-4.5.0) or of a tree names no commit here */
	if (!strcmp(f[1], "tag") && oid_ok(f[2]) && !strcmp(f[4], "commit")) {
		snprintf(tg->object, sizeof(tg->object), "%s", f[0]);
		snprintf(tg->commit, sizeof(tg->commit), "%s", f[2]);
		tg->date = strtoll(f[3], NULL, 10);
		/* The signed text names the tag; a ref name is only a claim:
		 * RELEASE-4.19.5's object under the name RELEASE-4.19.1 is no
		 * release 4.19.1. */
		tg->renamed = strcmp(f[6], f[5] + strlen("refs/tags/")) != 0;
		if (tg->renamed)
			snprintf(tg->self, sizeof(tg->self), "%s", f[6]);
		return 1;
	}
	if (!strcmp(f[1], "commit")) {
		snprintf(tg->commit, sizeof(tg->commit), "%s", f[0]);
		return 1;
	}
	return 0;	/* a tag of a tree or blob */
}

int upstream_tags_list(struct upstream_tags *t, const struct git_repo *r,
		       const struct branch_set *bs)
{
	const char *fmt = bs->nr ? bs->v[0].tag_format : "RELEASE-%v";
	size_t alloc_old = 0;
	struct strbuf out = STRBUF_INIT;
	size_t pos = 0, n, i;
	const char *line;
	int rc;

	/* objectname, objecttype, peeled object, tagger date, peeled type,
	 * refname, and last (it may hold blanks) the name the tag object gives
	 * itself */
	rc = git_cmd(r, &out, "for-each-ref",
		     "--format=%(objectname) %(objecttype) %(*objectname) %(taggerdate:unix) "
		     "%(*objecttype) %(refname) %(tag)",
		     "refs/heads/", "refs/tags/", NULL);
	if (rc)
		goto out;
	while (next_line(out.buf, out.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *f[7], *p = l;
		int k;

		for (k = 0; k < 7; k++) {
			f[k] = p;
			if (k < 6) {
				p = strchr(p, ' ');
				if (!p)
					break;
				*p++ = '\0';
			}
		}
		if (k < 7 || !oid_ok(f[0])) {
			free(l);
			continue;
		}
		if (starts_with(f[5], "refs/heads/")) {
			struct upstream_head *h;

			if (strcmp(f[1], "commit")) {
				free(l);
				continue;
			}
			ALLOC_GROW(t->heads, t->nr_heads + 1, t->alloc_heads);
			h = &t->heads[t->nr_heads++];
			h->ref = xstrdup(f[5]);
			snprintf(h->oid, sizeof(h->oid), "%s", f[0]);
		} else {
			const char *name = f[5] + strlen("refs/tags/");
			int major, minor, point, mine = 0;

			for (i = 0; i < bs->nr && !mine; i++) {
				struct upstream_tag *tg;

				if (!branch_tag_point(&bs->v[i], name, &point))
					continue;
				mine = 1;
				ALLOC_GROW(t->v, t->nr + 1, t->alloc);
				tg = &t->v[t->nr];
				memset(tg, 0, sizeof(*tg));
				tg->b = &bs->v[i];
				tg->point = point;
				if (tag_from_ref(tg, f)) {
					tg->name = xstrdup(name);
					t->nr++;
				}
			}
			if (!mine && fmt && old_tag_version(fmt, name, &major, &minor, &point)) {
				char *vname = xstrfmt("%d.%d", major, minor);

				if (!branch_find(bs, vname)) {
					struct upstream_tag *tg;

					ALLOC_GROW(t->old, t->nr_old + 1, alloc_old);
					tg = &t->old[t->nr_old];
					memset(tg, 0, sizeof(*tg));
					tg->point = point;	/* b: make_old_branches() */
					if (tag_from_ref(tg, f)) {
						tg->name = xstrdup(name);
						t->nr_old++;
					}
				}
				free(vname);
			}
		}
		free(l);
	}
	if (t->nr)
		qsort(t->v, t->nr, sizeof(*t->v), cmp_tag);
	make_old_branches(t, fmt ? fmt : "RELEASE-%v");
	if (t->nr_heads)
		qsort(t->heads, t->nr_heads, sizeof(*t->heads), cmp_head);
out:
	strbuf_release(&out);
	return rc;
}

const struct upstream_head *upstream_head(const struct upstream_tags *t, const char *ref)
{
	struct upstream_head key;

	if (!t->nr_heads)
		return NULL;
	key.ref = (char *)ref;
	return bsearch(&key, t->heads, t->nr_heads, sizeof(*t->heads), cmp_head);
}

const struct upstream_tag *upstream_tag_find(const struct upstream_tags *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->v[i].name, name))
			return &t->v[i];
	for (i = 0; i < t->nr_old; i++)
		if (!strcmp(t->old[i].name, name))
			return &t->old[i];
	return NULL;
}

const struct branch *upstream_old_branch(const struct upstream_tags *t, const char *version)
{
	size_t i;

	for (i = 0; i < t->nr_old_b; i++)
		if (!strcmp(t->old_b[i].name, version))
			return &t->old_b[i];
	return NULL;
}

/* --- the cache --------------------------------------------------------- */

static const struct {
	const char *name;
	enum gpg_verdict v;
} verdicts[] = {
	{ "good", GPG_GOOD }, { "bad", GPG_BAD }, { "no-key", GPG_NO_KEY },
	{ "expired-key", GPG_EXPIRED_KEY }, { "revoked-key", GPG_REVOKED_KEY },
	{ "expired-sig", GPG_EXPIRED_SIG }, { "unsigned", GPG_NO_SIGNATURE },
};

static const char *verdict_name(enum gpg_verdict v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(verdicts); i++)
		if (verdicts[i].v == v)
			return verdicts[i].name;
	return NULL;
}

/* "<tag object> <verdict> <primary fpr|-> <keyid|->" */
static void load_cache(struct upstream_tags *t, const struct git_repo *r, struct strbuf *sb)
{
	char *dir = path_join(r->common_dir, "xenstable");

	free(t->cache_path);	/* read again for an older line's tags */
	t->cache_path = path_join(dir, TAGS_CACHE);
	free(dir);
	if (read_file_if_exists(sb, t->cache_path, 16 << 20) ||
	    !strbuf_starts_with(sb, TAGS_HEADER))
		strbuf_reset(sb);
}

static int cache_lookup(const struct strbuf *sb, struct upstream_tag *tg)
{
	size_t pos = strlen(TAGS_HEADER), n, k;
	const char *line;

	if (!sb->len)
		return 0;
	while (next_line(sb->buf, sb->len, &pos, &line, &n)) {
		char buf[256], *f[4], *p;
		int nf = 0;

		if (n >= sizeof(buf))
			continue;
		memcpy(buf, line, n);
		buf[n] = '\0';
		for (p = buf; p && nf < 4; ) {
			f[nf++] = p;
			p = strchr(p, ' ');
			if (p)
				*p++ = '\0';
		}
		if (p)
			continue;	/* more than four fields */
		if (nf != 4 || strcmp(f[0], tg->object))
			continue;
		for (k = 0; k < ARRAY_SIZE(verdicts); k++) {
			if (strcmp(verdicts[k].name, f[1]))
				continue;
			if ((strcmp(f[2], "-") && (strlen(f[2]) != GPG_FPR_LEN ||
						   !is_hex_string(f[2], GPG_FPR_LEN))) ||
			    (strcmp(f[3], "-") && strlen(f[3]) > 16))
				return 0;	/* damaged: verify again */
			if (verdicts[k].v == GPG_GOOD && !strcmp(f[2], "-"))
				return 0;
			tg->verdict = verdicts[k].v;
			snprintf(tg->fpr, sizeof(tg->fpr), "%s", strcmp(f[2], "-") ? f[2] : "");
			snprintf(tg->keyid, sizeof(tg->keyid), "%s", strcmp(f[3], "-") ? f[3] : "");
			return 1;
		}
		return 0;
	}
	return 0;
}

static void save_cache(struct upstream_tags *t, const struct strbuf *old)
{
	struct strbuf sb = STRBUF_INIT;
	struct strvec seen = STRVEC_INIT;
	size_t i, pos, n;
	const char *line;
	char *dir, *parent;

	if (!t->cache_path || !t->dirty)
		return;
	strbuf_addstr(&sb, TAGS_HEADER);
	for (i = 0; i < t->nr + t->nr_old; i++) {
		const struct upstream_tag *tg = i < t->nr ? &t->v[i] : &t->old[i - t->nr];
		const char *vn = verdict_name(tg->verdict);

		if (!tg->checked)
			continue;	/* an older line's tag nobody asked about */

		if (!tg->object[0] || !vn || strvec_contains(&seen, tg->object))
			continue;
		strvec_push(&seen, tg->object);
		strbuf_addf(&sb, "%s %s %s %s\n", tg->object, vn, tg->fpr[0] ? tg->fpr : "-",
			    tg->keyid[0] ? tg->keyid : "-");
	}
	/* keep entries of tags not listed this time (other branch sets) */
	pos = strlen(TAGS_HEADER);
	while (old->len && next_line(old->buf, old->len, &pos, &line, &n)) {
		const char *sp = memchr(line, ' ', n);
		char *id;

		if (!sp || !oid_ok(id = xmemdupz(line, (size_t)(sp - line)))) {
			if (sp)
				free(id);
			continue;
		}
		if (!strvec_contains(&seen, id)) {
			strbuf_add(&sb, line, n);
			strbuf_addch(&sb, '\n');
		}
		free(id);
	}
	dir = path_dirname(t->cache_path);
	parent = path_dirname(dir);
	if (!access(parent, W_OK) && !(path_exists(dir) && access(dir, W_OK)) &&
	    !mkdir_p(dir, 0755))
		write_file_atomic(t->cache_path, sb.buf, sb.len, 0644);
	free(dir);
	free(parent);
	strvec_clear(&seen);
	strbuf_release(&sb);
	t->dirty = 0;
}

/* --- verification ------------------------------------------------------ */

static const char *gpg_program(void)
{
	const char *p = getenv("XENSTABLE_GPG");

	return p && *p ? p : "gpg";
}

/* Offset of "-----BEGIN PGP SIGNATURE-----" at a line start, or len. */
static size_t signature_offset(const char *buf, size_t len)
{
	static const char begin[] = "-----BEGIN PGP SIGNATURE-----";
	size_t pos = 0, n, start;
	const char *line;

	while (start = pos, next_line(buf, len, &pos, &line, &n))
		if (n >= sizeof(begin) - 1 && !memcmp(line, begin, sizeof(begin) - 1))
			return start;
	return len;
}

static int write_private(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0)
		return error_errno("cannot create '%s'", path);
	rc = write_all(fd, data, len);
	if (rc)
		error_errno("cannot write '%s'", path);
	if (close(fd) && !rc)
		rc = error_errno("cannot write '%s'", path);
	return rc ? -XS_ENV : 0;
}

struct job {
	struct child_process c;
	size_t tag;
	int running;
};

static int start_job(struct job *j, struct gpg_ctx *g, const char *tmp, size_t i)
{
	char *sig = xstrfmt("%s/%zu.sig", tmp, i), *pay = xstrfmt("%s/%zu.txt", tmp, i),
	     *st = xstrfmt("%s/%zu.status", tmp, i);
	int rc;

	child_init(&j->c);
	strvec_push(&j->c.env, "LC_ALL=C");
	strvec_push(&j->c.env, "LANGUAGE=C");
	strvec_push(&j->c.args, gpg_program());
	strvec_pushl(&j->c.args, "--batch", "--no-tty", "--no-greeting", "--no-auto-key-retrieve",
		     "--no-auto-key-locate", "--display-charset", "utf-8", "--lock-never",
		     "--no-auto-check-trustdb", NULL);
	if (g->homedir)
		strvec_pushl(&j->c.args, "--homedir", g->homedir, NULL);
	strvec_pushl(&j->c.args, "--status-file", st, "--trust-model", "always", "--verify",
		     sig, pay, NULL);
	j->c.out = CHILD_OUT_NULL;
	j->c.err = CHILD_OUT_NULL;
	j->tag = i;
	rc = start_child(&j->c);
	j->running = !rc;
	if (rc) {
		if (j->c.exec_errno == ENOENT)
			rc = error_env("gpg is not installed: not found in PATH (Debian package: gnupg)");
		child_release(&j->c);
	}
	free(sig);
	free(pay);
	free(st);
	return rc;
}

static int finish_job(struct job *j, struct upstream_tags *t, struct upstream_tag *v,
		      const char *tmp)
{
	struct strbuf status = STRBUF_INIT;
	char *st = xstrfmt("%s/%zu.status", tmp, j->tag);
	struct upstream_tag *tg = &v[j->tag];
	struct gpg_sig s;
	int rc = finish_child(&j->c);

	j->running = 0;
	child_release(&j->c);
	gpg_sig_init(&s);
	if (rc >= 0)
		rc = read_file_if_exists(&status, st, 1 << 20) < 0 ? -XS_ENV : 0;
	if (!rc) {
		gpg_parse_verify_status_sha1_until(status.buf, status.len, &s, GPG_SHA1_TRUSTED_UNTIL);
		tg->verdict = s.verdict;
		snprintf(tg->fpr, sizeof(tg->fpr), "%s",
			 s.verdict == GPG_GOOD ? s.primary_fpr : "");
		snprintf(tg->keyid, sizeof(tg->keyid), "%s", s.keyid);
		t->dirty = 1;
	}
	gpg_sig_release(&s);
	strbuf_release(&status);
	free(st);
	return rc;
}

/*
 * Is the key with this id (long key id or fingerprint) in g's keyring,
 * and (when usable is set) neither revoked nor expired?  One gpg run.
 */
static int key_known(struct gpg_ctx *g, const char *id, int usable)
{
	struct child_process c;
	size_t pos = 0, n;
	const char *line;
	int rc, found = 0;

	child_init(&c);
	strvec_push(&c.env, "LC_ALL=C");
	strvec_push(&c.args, gpg_program());
	strvec_pushl(&c.args, "--batch", "--no-tty", "--lock-never", "--no-auto-check-trustdb",
		     NULL);
	if (g->homedir)
		strvec_pushl(&c.args, "--homedir", g->homedir, NULL);
	strvec_pushl(&c.args, "--with-colons", "--fixed-list-mode", "--list-keys", id, NULL);
	c.err = CHILD_OUT_NULL;
	rc = run_child(&c);
	while (!rc && next_line(c.out_buf.buf, c.out_buf.len, &pos, &line, &n)) {
		/* "pub:<validity>:...": r revoked, e expired */
		if (n > 5 && !memcmp(line, "pub:", 4)) {
			found = 1;
			if (usable && (line[4] == 'r' || line[4] == 'e'))
				found = 0;
			break;
		}
	}
	child_release(&c);
	return found;
}

/*
 * The keys whose signature on tg makes it evidence (TRUST.md): those of
 * --keyring, else those MAINTAINERS pins both for advisories and for the
 * releases of tg's version, that is the Xen project's own key.  A key
 * pinned for releases only (a local release manager's) does not turn the
 * statements in the history it signs into facts.
 */
static void trusted_for(const struct upstream_tag *tg, const struct maintainers *m,
			const struct strvec *pinned_override, struct strvec *out)
{
	struct strvec release = STRVEC_INIT, advisory = STRVEC_INIT;
	size_t i;

	if (pinned_override) {
		strvec_pushv(out, pinned_override->v);
		return;
	}
	maintainers_trusted(m, ROLE_RELEASE, tg->b->name, &release);
	maintainers_trusted(m, ROLE_ADVISORY, NULL, &advisory);
	for (i = 0; i < release.nr; i++)
		if (strvec_contains(&advisory, release.v[i]))
			strvec_push(out, release.v[i]);
	strvec_clear(&release);
	strvec_clear(&advisory);
}

/*
 * Verify the nr tags of v (t's own list or part of its older lines'):
 * from the cache where it holds, else gpg.  count: keep t's counts of
 * verdicts (for upstream_tags_explain()).
 */
static int verify_tags(struct upstream_tags *t, struct upstream_tag *v, size_t nr,
		       const struct git_repo *r, struct gpg_ctx *g, const struct maintainers *m,
		       const struct strvec *pinned_override, int use_cache, int count)
{
	struct strbuf cache = STRBUF_INIT;
	struct git_batch batch;
	struct job jobs[GPG_JOBS];
	size_t i, todo = 0, next = 0, running = 0;
	char *tmp = NULL, *pending = xcalloc(nr + 1, 1);
	struct strvec key_ok = STRVEC_INIT, key_bad = STRVEC_INIT;
	int rc = 0, batch_on = 0, recheck = -1;

	memset(jobs, 0, sizeof(jobs));
	if (use_cache)
		load_cache(t, r, &cache);
	for (i = 0; i < nr; i++) {
		struct upstream_tag *tg = &v[i];

		if (!tg->object[0] || !use_cache || !cache_lookup(&cache, tg)) {
			pending[i] = 1;
			todo++;
			continue;
		}
		if (tg->verdict == GPG_GOOD) {
			/* A cached good signature holds while its key is in this
			 * keyring, neither expired nor revoked (checked once). */
			if (!strvec_contains(&key_ok, tg->fpr) && !strvec_contains(&key_bad, tg->fpr))
				strvec_push(key_known(g, tg->fpr, 1) ? &key_ok : &key_bad, tg->fpr);
			if (strvec_contains(&key_bad, tg->fpr)) {
				pending[i] = 1;
				todo++;
			}
			continue;
		}
		if (tg->verdict == GPG_NO_KEY) {
			/* Known now?  Then check this tag again. */
			if (recheck < 0)
				recheck = tg->keyid[0] && key_known(g, tg->keyid, 0);
			if (recheck) {
				pending[i] = 1;
				todo++;
			}
		}
	}
	if (todo) {
		tmp = make_temp_dir("tags");
		if (!tmp) {
			rc = -XS_ENV;
			goto out;
		}
		rc = git_batch_start(&batch, r);
		if (rc)
			goto out;
		batch_on = 1;
		/* Write every payload and signature, then run gpg on them. */
		for (i = 0; i < nr && !rc; i++) {
			struct upstream_tag *tg = &v[i];
			struct strbuf type = STRBUF_INIT, body = STRBUF_INIT;
			size_t sig;

			if (!pending[i])
				continue;
			if (!tg->object[0]) {
				tg->verdict = GPG_NO_SIGNATURE;
				pending[i] = 0;
				continue;
			}
			rc = git_batch_get(&batch, tg->object, &type, &body);
			if (rc > 0 || (!rc && strcmp(type.buf, "tag"))) {
				tg->verdict = GPG_NO_SIGNATURE;
				pending[i] = 0;
				rc = 0;
			} else if (!rc) {
				sig = signature_offset(body.buf, body.len);
				if (sig == body.len) {
					tg->verdict = GPG_NO_SIGNATURE;
					pending[i] = 0;
					t->dirty = 1;
				} else {
					char *a = xstrfmt("%s/%zu.txt", tmp, i),
					     *b = xstrfmt("%s/%zu.sig", tmp, i);

					rc = write_private(a, body.buf, sig);
					if (!rc)
						rc = write_private(b, body.buf + sig, body.len - sig);
					free(a);
					free(b);
				}
			}
			strbuf_release(&type);
			strbuf_release(&body);
		}
		git_batch_stop(&batch);
		batch_on = 0;
		while (!rc && (next < nr || running)) {
			while (!rc && running < GPG_JOBS && next < nr) {
				size_t k;

				if (!pending[next]) {
					next++;
					continue;
				}
				for (k = 0; k < GPG_JOBS && jobs[k].running; k++)
					;
				rc = start_job(&jobs[k], g, tmp, next++);
				if (!rc)
					running++;
			}
			/* finish the oldest running job */
			if (running) {
				size_t k, best = GPG_JOBS;

				for (k = 0; k < GPG_JOBS; k++)
					if (jobs[k].running && (best == GPG_JOBS ||
								jobs[k].tag < jobs[best].tag))
						best = k;
				if (finish_job(&jobs[best], t, v, tmp) && !rc)
					rc = -XS_ENV;
				running--;
			}
		}
		for (i = 0; i < GPG_JOBS; i++)
			if (jobs[i].running)
				finish_job(&jobs[i], t, v, tmp);
	}
	if (rc)
		goto out;
	for (i = 0; i < nr; i++) {
		struct upstream_tag *tg = &v[i];
		struct strvec trusted = STRVEC_INIT;
		size_t k;

		tg->checked = 1;
		tg->verified = 0;
		tg->pinned_fpr_mismatch = 0;
		if (tg->verdict == GPG_GOOD && !tg->renamed) {
			trusted_for(tg, m, pinned_override, &trusted);
			for (k = 0; k < trusted.nr; k++) {
				char norm[GPG_FPR_LEN + 1];

				if (!gpg_normalize_fpr(trusted.v[k], norm) && !strcmp(norm, tg->fpr))
					tg->verified = 1;
			}
			tg->pinned_fpr_mismatch = !tg->verified;
		}
		strvec_clear(&trusted);
	}
	if (count) {
		t->verified = t->no_key = t->bad = t->not_signed = t->other_key = t->renamed = 0;
		for (i = 0; i < nr; i++) {
			const struct upstream_tag *tg = &v[i];

			if (tg->verdict == GPG_GOOD && tg->renamed) {
				t->renamed++;
				continue;
			}
			switch (tg->verdict) {
			case GPG_GOOD:
				if (tg->verified)
					t->verified++;
				else
					t->other_key++;
				break;
			case GPG_NO_KEY:
				t->no_key++;
				if (tg->keyid[0])
					snprintf(t->missing_keyid, sizeof(t->missing_keyid), "%s",
						 tg->keyid);
				break;
			case GPG_NO_SIGNATURE:
				t->not_signed++;
				break;
			default:
				t->bad++;
				break;
			}
		}
	}
	if (use_cache)
		save_cache(t, &cache);
out:
	if (batch_on)
		git_batch_stop(&batch);
	if (tmp) {
		remove_tree(tmp);
		free(tmp);
	}
	strbuf_release(&cache);
	strvec_clear(&key_ok);
	strvec_clear(&key_bad);
	free(pending);
	return rc;
}

int upstream_tags_verify(struct upstream_tags *t, const struct git_repo *r, struct gpg_ctx *g,
			 const struct maintainers *m, const struct strvec *pinned_override,
			 int use_cache)
{
	return verify_tags(t, t->v, t->nr, r, g, m, pinned_override, use_cache, 1);
}

int upstream_tags_verify_old(struct upstream_tags *t, const struct git_repo *r, struct gpg_ctx *g,
			     const struct maintainers *m, const struct strvec *pinned_override,
			     int use_cache, const struct branch *b)
{
	size_t i, n = 0;

	/* the line's tags are next to each other (sorted by version) */
	for (i = 0; i < t->nr_old && t->old[i].b != b; i++)
		;
	while (i + n < t->nr_old && t->old[i + n].b == b)
		n++;
	if (!n)
		return 0;
	return verify_tags(t, t->old + i, n, r, g, m, pinned_override, use_cache, 0);
}

void upstream_tags_explain(const struct upstream_tags *t, const struct maintainers *m,
			   const struct strvec *pinned_override, struct strbuf *out)
{
	struct strvec pinned = STRVEC_INIT;
	char fix[GPG_FPR_LEN + 1] = "";
	size_t i;

	if (pinned_override)
		strvec_pushv(&pinned, pinned_override->v);
	else if (t->nr)
		maintainers_trusted(m, ROLE_RELEASE, t->v[0].b->name, &pinned);
	/* The pinned key that made the signatures (its id ends the fingerprint). */
	for (i = 0; i < pinned.nr && !fix[0]; i++) {
		char norm[GPG_FPR_LEN + 1];

		if (!gpg_normalize_fpr(pinned.v[i], norm) && t->missing_keyid[0] &&
		    !strcasecmp(norm + GPG_FPR_LEN - 16, t->missing_keyid))
			memcpy(fix, norm, sizeof(fix));
	}
	if (t->no_key) {
		strbuf_addf(out, "%zu of %zu RELEASE tags cannot be verified: they are signed by key "
			    "%s, which is not in your GnuPG keyring", t->no_key, t->nr,
			    t->missing_keyid[0] ? t->missing_keyid : "?");
		if (fix[0]) {
			struct strbuf f = STRBUF_INIT;

			gpg_format_fpr(fix, &f);
			strbuf_addf(out, " (pinned %s as %s); import it with 'gpg --recv-keys %s' "
				    "(or 'gpg --import KEYFILE')",
				    pinned_override ? "by --keyring" : "in MAINTAINERS", f.buf, fix);
			strbuf_release(&f);
		} else {
			strbuf_addf(out, ", and no key pinned %s has that id; import the pinned key "
				    "with 'gpg --import KEYFILE'",
				    pinned_override ? "by --keyring" : "in MAINTAINERS");
		}
		strbuf_addstr(out, ", or pass --keyring KEYFILE; until then their fixes count as "
			      "claimed");
	}
	if (t->other_key) {
		if (out->len)
			strbuf_addstr(out, ". ");
		strbuf_addf(out, "%zu RELEASE tags have a good signature by a key %s; their fixes "
			    "count as claimed", t->other_key,
			    pinned_override ? "that --keyring does not hold" :
			    "MAINTAINERS does not pin for both advisories and releases");
	}
	if (t->renamed) {
		if (out->len)
			strbuf_addstr(out, ". ");
		strbuf_addf(out, "%zu RELEASE tags are signed under another name (the tag's signed "
			    "text names a different tag than its ref); their fixes count as claimed",
			    t->renamed);
	}
	if (t->bad) {
		if (out->len)
			strbuf_addstr(out, ". ");
		strbuf_addf(out, "%zu RELEASE tags have a BAD, expired or revoked signature; "
			    "their fixes count as claimed", t->bad);
	}
	if (t->not_signed) {
		if (out->len)
			strbuf_addstr(out, ". ");
		strbuf_addf(out, "%zu RELEASE tags are not signed; their fixes count as claimed",
			    t->not_signed);
	}
	strvec_clear(&pinned);
}

int upstream_keyring_fprs(struct gpg_ctx *g, struct strvec *fprs)
{
	struct child_process c;
	size_t pos = 0, n;
	const char *line;
	int rc, want = 0;

	child_init(&c);
	strvec_push(&c.env, "LC_ALL=C");
	strvec_push(&c.args, gpg_program());
	strvec_pushl(&c.args, "--batch", "--no-tty", NULL);
	if (g->homedir)
		strvec_pushl(&c.args, "--homedir", g->homedir, NULL);
	strvec_pushl(&c.args, "--with-colons", "--fixed-list-mode", "--list-keys", NULL);
	c.err = CHILD_OUT_NULL;
	rc = run_child(&c);
	while (!rc && next_line(c.out_buf.buf, c.out_buf.len, &pos, &line, &n)) {
		if (n > 4 && !memcmp(line, "pub:", 4))
			want = 1;
		else if (n > 4 && !memcmp(line, "sub:", 4))
			want = 0;
		else if (want && n >= 12 + GPG_FPR_LEN && !memcmp(line, "fpr:", 4)) {
			strvec_pushf(fprs, "%.40s", line + 12);
			want = 0;
		}
	}
	if (rc > 0)
		rc = error_env("gpg cannot list the keyring");
	child_release(&c);
	return rc;
}
