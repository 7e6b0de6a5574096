#include "compat.h"
#include "tag.h"
#include "usage.h"
#include "xalloc.h"

static const char sig_begin[] = "-----BEGIN PGP SIGNATURE-----";

void tag_info_release(struct tag_info *t)
{
	free(t->tagger);
	free(t->self);
	free(t->message);
	gpg_sig_release(&t->sig);
	memset(t, 0, sizeof(*t));
}

/* Offset of the signature block in a tag body, or len if unsigned. */
static size_t find_signature(const char *buf, size_t len)
{
	size_t pos = 0, n, start;
	const char *line;

	while (start = pos, next_line(buf, len, &pos, &line, &n)) {
		if (n >= sizeof(sig_begin) - 1 && !memcmp(line, sig_begin, sizeof(sig_begin) - 1))
			return start;
	}
	return len;
}

int tag_read(const struct git_repo *r, const char *name, struct tag_info *t)
{
	struct strbuf body = STRBUF_INIT, type = STRBUF_INIT;
	char *ref = xstrfmt("refs/tags/%s", name);
	size_t pos = 0, n, sig;
	const char *line;
	int rc;

	memset(t, 0, sizeof(*t));
	gpg_sig_init(&t->sig);
	snprintf(t->name, sizeof(t->name), "%s", name);
	rc = git_ref_exists(r, ref);
	if (rc <= 0) {
		free(ref);
		return rc < 0 ? rc : 1;
	}
	rc = git_cmd(r, &type, "cat-file", "-t", ref, NULL);
	strbuf_trim(&type);
	if (!rc && strcmp(type.buf, "tag"))
		rc = error_input("%s is a lightweight tag, not a signed annotated tag", name);
	if (!rc)
		rc = git_cmd(r, &body, "cat-file", "tag", ref, NULL);
	if (rc)
		goto out;
	while (next_line(body.buf, body.len, &pos, &line, &n) && n) {
		char *l = xmemdupz(line, n);
		const char *v;

		if (skip_prefix(l, "object ", &v))
			snprintf(t->object, sizeof(t->object), "%s", v);
		else if (skip_prefix(l, "type ", &v))
			snprintf(t->type, sizeof(t->type), "%s", v);
		else if (skip_prefix(l, "tagger ", &v))
			t->tagger = xstrdup(v);
		else if (skip_prefix(l, "tag ", &v) && !t->self)
			t->self = xstrdup(v);
		free(l);
	}
	sig = find_signature(body.buf, body.len);
	t->signed_ = sig < body.len;
	t->message = xmemdupz(body.buf + pos, sig > pos ? sig - pos : 0);
out:
	free(ref);
	strbuf_release(&body);
	strbuf_release(&type);
	return rc;
}

int tag_verify_signature(const struct git_repo *r, struct gpg_ctx *g, struct tag_info *t)
{
	struct strbuf body = STRBUF_INIT;
	char *ref = xstrfmt("refs/tags/%s", t->name);
	size_t sig;
	int rc = git_cmd(r, &body, "cat-file", "tag", ref, NULL);

	free(ref);
	if (rc)
		goto out;
	sig = find_signature(body.buf, body.len);
	if (sig == body.len) {
		t->sig.verdict = GPG_NO_SIGNATURE;
		goto out;
	}
	t->sig.sha1_until = GPG_SHA1_TRUSTED_UNTIL;	/* a tag (TRUST.md) */
	rc = gpg_verify_detached(g, body.buf, sig, body.buf + sig, body.len - sig, &t->sig);
out:
	strbuf_release(&body);
	return rc;
}

int git_ident(const struct git_repo *r, struct strbuf *ident)
{
	struct strbuf out = STRBUF_INIT;
	int rc = git_try(r, &out, NULL, "var", "GIT_COMMITTER_IDENT", NULL);
	char *gt;

	if (rc) {
		strbuf_release(&out);
		return rc < 0 ? rc :
			error_env("git does not know who you are: set user.name and "
				  "user.email (git config) in the source repository");
	}
	gt = strrchr(out.buf, '>');
	if (gt)
		strbuf_add(ident, out.buf, (size_t)(gt - out.buf) + 1);
	strbuf_release(&out);
	return gt ? 0 : error_env("unexpected answer from git var GIT_COMMITTER_IDENT");
}

int tag_create(const struct git_repo *r, struct gpg_ctx *g, const char *name,
	       const char *commit, const char *tagger, int64_t when,
	       const char *message, const char *key, char oid[GIT_MAX_HEXSZ + 1])
{
	struct strbuf obj = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct child_process c;
	char *ref = xstrfmt("refs/tags/%s", name);
	int rc;

	rc = git_ref_exists(r, ref);
	if (rc) {
		if (rc > 0)
			rc = error_env("tag %s exists already", name);
		goto out;
	}
	strbuf_addf(&obj, "object %s\ntype commit\ntag %s\ntagger %s %lld +0000\n\n%s",
		    commit, name, tagger, (long long)when, message);
	if (!obj.len || obj.buf[obj.len - 1] != '\n')
		strbuf_addch(&obj, '\n');
	if (key) {
		struct strbuf sig = STRBUF_INIT;

		rc = gpg_sign_detached(g, key, obj.buf, obj.len, 1, &sig);
		if (!rc)
			strbuf_addbuf(&obj, &sig);
		strbuf_release(&sig);
		if (rc)
			goto out;
	}
	git_child_init(&c, r);
	strvec_push(&c.args, "mktag");
	c.in = CHILD_IN_BUF;
	c.in_buf = obj.buf;
	c.in_len = obj.len;
	rc = run_child(&c);
	if (rc > 0)
		rc = error_env("git mktag refused the tag %s: %s", name, child_err_summary(&c));
	if (!rc) {
		strbuf_addbuf(&out, &c.out_buf);
		strbuf_trim(&out);
		snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", out.buf);
	}
	child_release(&c);
	if (!rc)
		rc = git_update_ref(r, ref, oid, NULL, "xenstable: tag");
out:
	free(ref);
	strbuf_release(&obj);
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}
