/*
 * bundle.c: reading a bundle file and verifying it against the
 * predisclosure members' pinned keys.
 *
 * Order of the checks (each refuses with -XS_INPUT and a message naming
 * the file): the file itself (size, O_NOFOLLOW), decryption (only when it
 * is an OpenPGP message, output bounded), the tar (bundle-tar.c), the
 * signature over manifest.json, only then the manifest's text, the
 * producer it names against the key that signed, and every file's hash.
 * Nothing attacker-controlled is parsed as JSON before its signature is
 * known to be a member's.
 */
#include "compat.h"
#include "apply.h"
#include "bundle.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

/* ---- members ------------------------------------------------------------ */

static int member_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64 || *s == '.' || *s == '-')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

int bundle_members_load(struct bundle_members *bm, const char *maint_root)
{
	size_t i;
	int rc;

	memset(bm, 0, sizeof(*bm));
	strvec_init(&bm->fprs);
	strvec_init(&bm->names);
	rc = maintainers_load_repo(&bm->maint, maint_root);
	if (!rc)
		rc = gpg_init_temporary(&bm->gpg);
	for (i = 0; !rc && i < bm->maint.nr; i++) {
		const struct signer *s = &bm->maint.v[i];
		char *rel, *path;
		struct gpg_key_info info;

		if (s->role != ROLE_BACKPORT)
			continue;
		if (s->scope.nr != 1 || !member_name_ok(s->scope.v[0])) {
			rc = error_input("%s: a backport key's scope is the member's name, one word "
					 "of letters, digits, '.', '_' and '-'", s->origin);
			break;
		}
		if (strvec_contains(&bm->fprs, s->fpr))
			continue;
		rel = xstrfmt("backports/members/%s.asc", s->scope.v[0]);
		path = path_join(maint_root, rel);
		if (!is_regular_file(path))
			rc = error_input("%s pins member '%s', but %s is missing", s->origin,
					 s->scope.v[0], rel);
		else
			rc = gpg_import_file(&bm->gpg, path);
		if (!rc)
			rc = gpg_key_lookup(&bm->gpg, s->fpr, &info);
		if (!rc) {
			if (!info.found)
				rc = error_input("%s does not hold the key %s that %s pins for member "
						 "'%s'", rel, s->fpr, s->origin, s->scope.v[0]);
			gpg_key_info_release(&info);
		}
		if (!rc) {
			strvec_push(&bm->fprs, s->fpr);
			strvec_push(&bm->names, s->scope.v[0]);
		}
		free(rel);
		free(path);
	}
	if (!rc && !bm->fprs.nr)
		rc = error_input("no predisclosure members: MAINTAINERS (or "
				 ".xenstable/MAINTAINERS.local) has no G: line with role backport");
	return rc;
}

void bundle_members_release(struct bundle_members *bm)
{
	maintainers_release(&bm->maint);
	gpg_release(&bm->gpg);
	strvec_clear(&bm->fprs);
	strvec_clear(&bm->names);
}

const char *bundle_member_name(const struct bundle_members *bm, const char *fpr)
{
	char norm[GPG_FPR_LEN + 1];
	size_t i;

	if (gpg_normalize_fpr(fpr, norm))
		return NULL;
	for (i = 0; i < bm->fprs.nr; i++)
		if (!strcmp(bm->fprs.v[i], norm))
			return bm->names.v[i];
	return NULL;
}

/* ---- reading --------------------------------------------------------------- */

void bundle_init(struct bundle *b)
{
	memset(b, 0, sizeof(*b));
	strbuf_init(&b->raw, 0);
	bundle_tar_init(&b->tar);
	bundle_manifest_init(&b->m);
}

void bundle_release(struct bundle *b)
{
	free(b->origin);
	free(b->signer_uid);
	strbuf_release(&b->raw);
	bundle_tar_release(&b->tar);
	bundle_manifest_release(&b->m);
	bundle_init(b);
}

/* An OpenPGP message: armored, or a binary packet (tag bit set). */
static int looks_openpgp(const unsigned char *p, size_t len)
{
	static const char armor[] = "-----BEGIN PGP MESSAGE-----";

	if (len >= sizeof(armor) - 1 && !memcmp(p, armor, sizeof(armor) - 1))
		return 1;
	return len > 0 && (p[0] & 0x80);
}

int bundle_parse(struct bundle *b, struct gpg_ctx *user_gpg)
{
	const unsigned char *p = (const unsigned char *)b->raw.buf;
	struct strbuf plain = STRBUF_INIT;
	const void *gz = b->raw.buf;
	size_t gzlen = b->raw.len;
	int rc;

	if (!b->origin)
		b->origin = xstrdup("bundle");
	sha256_hex(b->raw.buf, b->raw.len, b->file_sha256);
	if (b->raw.len > BUNDLE_MAX_FILE)
		return error_input("%s: larger than %zu MiB; not a bundle", b->origin,
				   BUNDLE_MAX_FILE >> 20);
	if (!(b->raw.len >= 2 && p[0] == 0x1f && p[1] == 0x8b)) {
		if (!looks_openpgp(p, b->raw.len))
			return error_input("%s: not a bundle (neither gzip nor an OpenPGP message)",
					   b->origin);
		if (!user_gpg)
			return error_input("%s: the bundle is encrypted", b->origin);
		b->encrypted = 1;
		rc = gpg_decrypt_limited(user_gpg, b->raw.buf, b->raw.len, &plain, b->origin,
					 BUNDLE_MAX_FILE);
		if (rc) {
			strbuf_release(&plain);
			return rc;
		}
		gz = plain.buf;
		gzlen = plain.len;
	}
	rc = bundle_tgz_parse(&b->tar, gz, gzlen, b->origin);
	strbuf_release(&plain);
	if (rc)
		return rc;
	b->manifest = bundle_tar_find(&b->tar, "manifest.json");
	b->signature = bundle_tar_find(&b->tar, "manifest.json.asc");
	if (b->manifest->data.len > BUNDLE_MAX_MANIFEST)
		return error_input("%s: manifest.json is larger than %zu bytes", b->origin,
				   BUNDLE_MAX_MANIFEST);
	if (b->signature->data.len > BUNDLE_MAX_SIGNATURE)
		return error_input("%s: manifest.json.asc is larger than %zu bytes", b->origin,
				   BUNDLE_MAX_SIGNATURE);
	sha256_hex(b->manifest->data.buf, b->manifest->data.len, b->manifest_sha256);
	return 0;
}

int bundle_read(struct bundle *b, const char *path, struct gpg_ctx *user_gpg)
{
	int rc;

	free(b->origin);
	b->origin = xstrdup(path);
	strbuf_reset(&b->raw);
	rc = read_file(&b->raw, path, BUNDLE_MAX_FILE + 1);
	if (rc)
		return rc;
	return bundle_parse(b, user_gpg);
}

/* ---- verifying ----------------------------------------------------------- */

/* The mail headers bundle apply takes each commit's author and message from. */
static int patch_headers_ok(const char *origin, const char *text, size_t len)
{
	size_t pos = 0, n;
	const char *line;
	int from = 0, subject = 0, lineno = 0;

	while (next_line(text, len, &pos, &line, &n)) {
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (!n)
			break;
		if (n > 6 && !strncasecmp(line, "From: ", 6) && memchr(line, '@', n))
			from = 1;
		else if (n > 9 && !strncasecmp(line, "Subject: ", 9))
			subject = 1;
	}
	if (!from || !subject)
		return error_input("%s:%d: no From: (with an address) and Subject: header before "
				   "the first blank line; a bundle's patches are git format-patch "
				   "mails", origin, lineno ? lineno : 1);
	return 0;
}

int bundle_check_patches(const struct bundle *b)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < b->m.nr_files; i++) {
		const struct bundle_entry *e = bundle_tar_find(&b->tar, b->m.files[i].name);
		char *origin = xstrfmt("%s: %s", b->origin, b->m.files[i].name);

		if (!e)
			rc = error_input("%s: not in the bundle", origin);
		if (!rc)
			rc = apply_check_patch(origin, e->data.buf, e->data.len);
		if (!rc)
			rc = patch_headers_ok(origin, e->data.buf, e->data.len);
		free(origin);
	}
	return rc;
}

int bundle_verify(struct bundle *b, struct bundle_members *bm)
{
	static const char armor[] = "-----BEGIN PGP SIGNATURE-----";
	const struct strbuf *sig = &b->signature->data, *man = &b->manifest->data;
	char *what = xstrfmt("%s: manifest.json.asc", b->origin);
	char *morigin = xstrfmt("%s: manifest.json", b->origin);
	struct gpg_sig s;
	const char *member;
	int rc;

	gpg_sig_init(&s);
	if (sig->len < sizeof(armor) - 1 || memcmp(sig->buf, armor, sizeof(armor) - 1)) {
		rc = error_input("%s: not an armored detached signature", what);
		goto out;
	}
	rc = gpg_verify_detached(&bm->gpg, man->buf, man->len, sig->buf,
				 sig->len, &s);
	if (rc)
		goto out;
	if (s.verdict == GPG_NO_KEY) {
		rc = error_input("%s: signed by key %s, which is not a predisclosure member's "
				 "(members: MAINTAINERS G: lines with role backport, keys in "
				 "backports/members/)", what, s.keyid[0] ? s.keyid : "unknown");
		goto out;
	}
	rc = gpg_sig_require(&s, &bm->fprs, what);
	if (rc)
		goto out;
	member = bundle_member_name(bm, s.primary_fpr);
	/* Signed by a member: now the text may be parsed. */
	rc = bundle_manifest_parse(&b->m, man->buf, man->len, morigin);
	if (rc)
		goto out;
	if (strcmp(b->m.fingerprint, s.primary_fpr)) {
		rc = error_input("%s: names producer key %s, but member '%s' signed it with %s",
				 morigin, b->m.fingerprint, member, s.primary_fpr);
		goto out;
	}
	if (strcmp(b->m.producer, member)) {
		rc = error_input("%s: names producer '%s', but the key that signed it is member "
				 "'%s''s", morigin, b->m.producer, member);
		goto out;
	}
	rc = bundle_check_files(&b->m, &b->tar, b->origin);
	if (rc)
		goto out;
	/* What bundle apply would refuse, verify refuses: the same check. */
	rc = bundle_check_patches(b);
	if (rc)
		goto out;
	memcpy(b->signer, s.primary_fpr, sizeof(b->signer));
	free(b->signer_uid);
	b->signer_uid = s.uid ? xstrdup(s.uid) : NULL;
out:
	gpg_sig_release(&s);
	free(what);
	free(morigin);
	return rc;
}
