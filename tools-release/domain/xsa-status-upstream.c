/*
 * xsa-status-upstream.c: the signed upstream history for the XSA x branch
 * matrix (see xsa-status.h): the RELEASE tags whose signature verifies with
 * a key MAINTAINERS pins for advisories and for that branch's releases, and
 * which of them holds a commit.
 */
#include "compat.h"
#include "xsa-status.h"
#include "xsa-status-internal.h"
#include "branch.h"
#include "hash.h"
#include "maintainers.h"
#include "xalloc.h"
#include "xsa-commits.h"
#include "xsa-store.h"

/* "-----BEGIN PGP SIGNATURE-----" line of a tag object, or len. */
static size_t tag_signature_at(const char *buf, size_t len)
{
	static const char begin[] = "-----BEGIN PGP SIGNATURE-----";
	size_t pos = 0, start, n;
	const char *line;

	while (start = pos, next_line(buf, len, &pos, &line, &n))
		if (n >= sizeof(begin) - 1 && !memcmp(line, begin, sizeof(begin) - 1))
			return start;
	return len;
}

/*
 * The primary fingerprint of the good signature on tag object oid named
 * name, "" if none; remembered by object id (a tag object never changes).
 */
static int tag_signer(struct eval *ev, struct gpg_ctx *g, int *gpg_ok, const char *oid,
		      const char *name, char fpr[GPG_FPR_LEN + 1])
{
	struct strbuf key = STRBUF_INIT, body = STRBUF_INIT, want = STRBUF_INIT;
	const char *hit;
	int rc = 0;

	fpr[0] = '\0';
	strbuf_addf(&key, "sig %s", oid);
	hit = xsa_commits_get(ev->c, key.buf);
	if (hit) {
		if (strcmp(hit, "-"))
			snprintf(fpr, GPG_FPR_LEN + 1, "%s", hit);
		goto out;
	}
	if (!*gpg_ok)
		goto out;
	rc = git_cmd(ev->o->src, &body, "cat-file", "tag", oid, NULL);
	if (!rc) {
		size_t sig = tag_signature_at(body.buf, body.len);
		struct gpg_sig s;

		/* The signed object names itself: a signed tag copied elsewhere is not it. */
		strbuf_addf(&want, "\ntag %s\n", name);
		gpg_sig_init(&s);
		s.sha1_until = GPG_SHA1_TRUSTED_UNTIL;	/* a RELEASE tag (TRUST.md) */
		if (sig < body.len && memmem(body.buf, sig, want.buf, want.len)) {
			rc = gpg_verify_detached(g, body.buf, sig, body.buf + sig, body.len - sig, &s);
			if (rc < 0) {
				/* gpg cannot run: no signed evidence this time, nothing cached. */
				*gpg_ok = 0;
				rc = 0;
				gpg_sig_release(&s);
				goto out;
			}
		}
		if (s.verdict == GPG_GOOD && s.primary_fpr[0])
			snprintf(fpr, GPG_FPR_LEN + 1, "%s", s.primary_fpr);
		/* A missing key may be imported later: only answers from gpg are kept. */
		if (s.verdict == GPG_GOOD || s.verdict == GPG_BAD || s.verdict == GPG_NO_SIGNATURE ||
		    sig == body.len)
			xsa_commits_set(ev->c, key.buf, fpr[0] ? fpr : "-");
		gpg_sig_release(&s);
	}
out:
	strbuf_release(&key);
	strbuf_release(&body);
	strbuf_release(&want);
	return rc;
}

static int load_upstream(struct eval *ev)
{
	const struct xsa_status_opts *o = ev->o;
	struct upstream *up = &ev->up;
	struct maintainers m;
	struct strvec advisory = STRVEC_INIT;
	struct strbuf out = STRBUF_INIT;
	struct gpg_ctx g;
	size_t pos = 0, n, i;
	const char *line;
	int rc, gpg_ok = 1;

	up->loaded = 1;
	memset(&m, 0, sizeof(m));
	rc = maintainers_load_repo(&m, o->store->root);
	if (rc)
		return rc;
	maintainers_trusted(&m, ROLE_ADVISORY, NULL, &advisory);
	if (!advisory.nr) {
		up->why = xstrdup("MAINTAINERS pins no key for advisories, so no signed "
				  "upstream release vouches for it");
		goto out;
	}
	gpg_init(&g, NULL);
	rc = git_cmd(o->src, &out, "for-each-ref",
		     "--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)",
		     "refs/tags/", NULL);
	while (!rc && next_line(out.buf, out.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *f[5], *save = l;
		const char *name;
		const struct branch *b = NULL;
		char fpr[GPG_FPR_LEN + 1];
		int k, point;

		for (k = 0; k < 5; k++) {
			f[k] = save;
			save = k < 4 ? strchr(save, ' ') : NULL;
			if (k < 4 && !save)
				break;
			if (save)
				*save++ = '\0';
		}
		if (k < 5 || strcmp(f[1], "tag") || strcmp(f[3], "commit") ||
		    !skip_prefix(f[4], "refs/tags/", &name) || strlen(name) >= sizeof(up->v[0].name)) {
			free(l);
			continue;
		}
		for (i = 0; i < o->branches->nr && !b; i++)
			if (branch_tag_point(&o->branches->v[i], name, &point))
				b = &o->branches->v[i];
		if (b)
			rc = tag_signer(ev, &g, &gpg_ok, f[0], name, fpr);
		if (!rc && b && fpr[0] && strvec_contains(&advisory, fpr) &&
		    maintainers_find(&m, fpr, ROLE_RELEASE, b->name)) {
			struct trusted_tag *t;

			ALLOC_GROW(up->v, up->nr + 1, up->alloc);
			t = &up->v[up->nr++];
			snprintf(t->name, sizeof(t->name), "%s", name);
			snprintf(t->oid, sizeof(t->oid), "%s", f[0]);
			snprintf(t->commit, sizeof(t->commit), "%s", f[2]);
			snprintf(t->fpr, sizeof(t->fpr), "%s", fpr);
		}
		free(l);
	}
	gpg_release(&g);
	{
		struct strbuf all = STRBUF_INIT;

		for (i = 0; i < up->nr; i++)
			strbuf_addf(&all, "%s\n", up->v[i].oid);
		sha256_hex(all.buf, all.len, up->set);
		strbuf_release(&all);
	}
	if (!rc && !up->nr)
		up->why = xstrdup(gpg_ok ? "no RELEASE tag here is signed by a key MAINTAINERS pins "
				  "for advisories and releases" :
				  "gpg could not check the RELEASE tags' signatures");
out:
	strvec_clear(&advisory);
	strbuf_release(&out);
	maintainers_release(&m);
	return rc;
}

void xsa_status_upstream_release(struct upstream *up)
{
	free(up->v);
	free(up->why);
	memset(up, 0, sizeof(*up));
}

/* The trusted tag whose history holds commit, or NULL. */
int xsa_status_signed_upstream(struct eval *ev, const char *commit,
			       const struct trusted_tag **tag)
{
	struct strbuf key = STRBUF_INIT, out = STRBUF_INIT;
	const char *hit;
	size_t i;
	int rc = 0;

	*tag = NULL;
	if (!ev->up.loaded && (rc = load_upstream(ev)))
		return rc;
	if (!ev->up.nr)
		return 0;
	/* One walk for all tags; the answer holds while the trusted tags do. */
	strbuf_addf(&key, "up %s %s", commit, ev->up.set);
	hit = xsa_commits_get(ev->c, key.buf);
	if (!hit) {
		size_t pos = 0, n;
		const char *line;
		char contains[GIT_MAX_HEXSZ + 1] = "-";

		rc = git_cmd(ev->o->src, &out, "for-each-ref", "--format=%(objectname)",
			     "--contains", commit, "refs/tags/", NULL);
		while (!rc && contains[0] == '-' && next_line(out.buf, out.len, &pos, &line, &n))
			for (i = 0; i < ev->up.nr; i++)
				if (strlen(ev->up.v[i].oid) == n && !memcmp(ev->up.v[i].oid, line, n))
					snprintf(contains, sizeof(contains), "%s", ev->up.v[i].oid);
		if (!rc)
			xsa_commits_set(ev->c, key.buf, contains);
		hit = xsa_commits_get(ev->c, key.buf);
	}
	for (i = 0; !rc && hit && i < ev->up.nr && !*tag; i++)
		if (!strcmp(ev->up.v[i].oid, hit))
			*tag = &ev->up.v[i];
	strbuf_release(&key);
	strbuf_release(&out);
	return rc;
}
