/*
 * xsa-intake.c: verify an advisory and its files, then store it.
 */
#include "compat.h"
#include "xsa-intake.h"
#include "xsa-meta.h"
#include "xsa-store.h"
#include "xsa.h"
#include "date.h"
#include "escape.h"
#include "fs.h"
#include "gpg.h"
#include "hash.h"
#include "usage.h"
#include "xalloc.h"

static const char begin_msg[] = "-----BEGIN PGP SIGNED MESSAGE-----";
static const char begin_sig[] = "-----BEGIN PGP SIGNATURE-----";
static const char end_sig[] = "-----END PGP SIGNATURE-----";

static int line_is(const char *line, size_t n, const char *what)
{
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	return n == strlen(what) && !memcmp(line, what, n);
}

static int blank(const char *line, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	return 1;
}

int xsa_clearsign_frame(const char *text, size_t len, const char *origin, int first_line,
			struct strbuf *framed, int *content_line)
{
	size_t pos = 0, n;
	const char *line;
	int lineno = first_line - 1, state = 0, begin_line = 0;
	/* state: 0 before, 1 armor headers, 2 content, 3 signature, 4 after */

	while (next_line(text, len, &pos, &line, &n)) {
		lineno++;
		switch (state) {
		case 0:
			if (blank(line, n))
				continue;
			if (!line_is(line, n, begin_msg))
				return error_input("%s:%d: text before the signed part of the "
						   "advisory (only what is signed may be there)",
						   origin, lineno);
			begin_line = lineno;
			state = 1;
			break;
		case 1:
			if (blank(line, n)) {
				state = 2;
				*content_line = lineno + 1;
			} else if (!memchr(line, ':', n)) {
				return error_input("%s:%d: malformed armor header in the signed "
						   "message", origin, lineno);
			}
			break;
		case 2:
			if (line_is(line, n, begin_msg))
				return error_input("%s:%d: a second signed message inside the first",
						   origin, lineno);
			if (line_is(line, n, begin_sig))
				state = 3;
			break;
		case 3:
			if (line_is(line, n, end_sig))
				state = 4;
			break;
		case 4:
			if (!blank(line, n))
				return error_input("%s:%d: text after the signature (only what is "
						   "signed may be there)", origin, lineno);
			continue;
		}
		n -= n && line[n - 1] == '\r';
		strbuf_add(framed, line, n);
		strbuf_addch(framed, '\n');
	}
	if (state == 0)
		return error_input("%s: not a clear-signed advisory (no '%s' line)", origin,
				   begin_msg);
	if (state < 4)
		return error_input("%s:%d: the signed message starting on line %d is truncated "
				   "(no complete signature)", origin, lineno, begin_line);
	return 0;
}

/* --- the files ----------------------------------------------------------- */

/*
 * Read dir/name where name has passed xsa_name_is_safe(): no component
 * may be a symbolic link, so nothing outside dir can be reached.
 * Returns 1 when it does not exist.
 */
static int read_below(const char *dir, const char *name, struct strbuf *sb)
{
	struct strbuf p = STRBUF_INIT;
	const char *s = name;
	struct stat st;
	int rc = 0;

	strbuf_addstr(&p, dir);
	while (*s) {
		size_t k = strcspn(s, "/");

		strbuf_addch(&p, '/');
		strbuf_add(&p, s, k);
		s += k;
		if (*s == '/')
			s++;
		if (lstat(p.buf, &st)) {
			rc = errno == ENOENT || errno == ENOTDIR ? 1 :
				error_errno("cannot stat '%s'", p.buf);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			rc = error_input("%s: is a symbolic link; refusing to follow it", p.buf);
			goto out;
		}
		if (*s && !S_ISDIR(st.st_mode)) {
			rc = 1;
			goto out;
		}
	}
	rc = read_file(sb, p.buf, 64 << 20);
out:
	strbuf_release(&p);
	return rc;
}

static struct xsa_attachment *find_attachment(struct xsa_intake *in, const char *name,
					      const struct xsa_advisory *a, int *ambiguous)
{
	const char *base = path_basename(name);
	struct xsa_attachment *hit = NULL;
	size_t i, j;

	*ambiguous = 0;
	for (i = 0; i < in->nr_att; i++)
		if (!strcmp(in->att[i].name, name))
			return &in->att[i];
	/* A mail may carry "xsa452-4.17/0001-x.patch" under its base name. */
	for (j = 0; j < a->nr_files; j++)
		if (strcmp(a->files[j].name, name) &&
		    !strcmp(path_basename(a->files[j].name), base)) {
			*ambiguous = 1;
			return NULL;
		}
	for (i = 0; i < in->nr_att; i++) {
		if (strchr(in->att[i].name, '/') || strcmp(in->att[i].name, base))
			continue;
		if (hit) {
			*ambiguous = 1;
			return NULL;
		}
		hit = &in->att[i];
	}
	return hit;
}

/* spare: an attachment that may stay unlisted (an xsaNNN.meta, --allow-unsigned). */
static int gather_files(struct xsa_intake *in, const struct xsa_advisory *a,
			struct strbuf *data, const char *spare)
{
	const char *origin = in->origin;
	size_t i;
	int rc = 0;

	for (i = 0; i < in->nr_att; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(in->att[i].name, in->att[j].name))
				return error_input("%s:%d: attachment %s appears twice (also on "
						   "line %d)", origin, in->att[i].line,
						   in->att[i].name, in->att[j].line);
	}
	for (i = 0; i < a->nr_files && !rc; i++) {
		const struct xsa_file *f = &a->files[i];
		char hex[SHA256_HEX_LEN + 1];

		if (in->dir) {
			rc = read_below(in->dir, f->name, &data[i]);
			if (rc == 1)
				rc = error_input("%s:%d: %s is missing (not found in %s)", origin,
						 f->line, f->name, in->dir);
		} else {
			int amb;
			struct xsa_attachment *att = find_attachment(in, f->name, a, &amb);

			if (amb)
				rc = error_input("%s:%d: cannot tell which attachment is %s",
						 origin, f->line, f->name);
			else if (!att)
				rc = error_input("%s:%d: %s is missing (the mail has no such "
						 "attachment)", origin, f->line, f->name);
			else {
				att->used = 1;
				strbuf_addbuf(&data[i], &att->data);
			}
		}
		if (rc)
			break;
		sha256_hex(data[i].buf, data[i].len, hex);
		if (strcmp(hex, f->sha256))
			rc = error_input("%s:%d: sha256 mismatch for %s: the advisory says %s, "
					 "the file has %s", origin, f->line, f->name, f->sha256, hex);
	}
	for (i = 0; i < in->nr_att && !rc; i++)
		if (!in->att[i].used && !(spare && !strcmp(in->att[i].name, spare)))
			rc = error_input("%s:%d: attachment %s is not listed in the advisory's "
					 "sha256sum block", origin, in->att[i].line, in->att[i].name);
	return rc;
}

/* --- verification -------------------------------------------------------- */

static int verify(const struct xsa_import_opts *o, struct xsa_intake *in,
		  struct strbuf *framed, struct strbuf *plain, int *offset, struct gpg_sig *sig,
		  int *is_signed)
{
	int content_line = 0, rc;

	*is_signed = strstr(in->text.buf, begin_msg) != NULL;
	if (!*is_signed) {
		if (!o->allow_unsigned)
			return error_input("%s: the advisory is not signed (no PGP clear "
					   "signature); import it with --allow-unsigned only if you "
					   "have checked it another way", in->origin);
		/* Unsigned: the whole text, LF line ends, is the advisory. */
		{
			size_t pos = 0, n;
			const char *line;

			while (next_line(in->text.buf, in->text.len, &pos, &line, &n)) {
				n -= n && line[n - 1] == '\r';
				strbuf_add(framed, line, n);
				strbuf_addch(framed, '\n');
			}
		}
		strbuf_addbuf(plain, framed);
		*offset = in->text_line - 1;
		return 0;
	}
	rc = xsa_clearsign_frame(in->text.buf, in->text.len, in->origin, in->text_line,
				 framed, &content_line);
	if (rc)
		return rc;
	rc = gpg_verify_clearsigned(o->gpg, framed->buf, framed->len, plain, sig);
	if (rc)
		return rc;
	rc = gpg_sig_require(sig, o->trusted, in->origin);
	if (rc) {
		if (sig->verdict == GPG_NO_KEY)
			say("hint: the signing key is not in the gpg keyring; give the security "
			    "team's public key with --keyring FILE");
		return rc;
	}
	*offset = content_line - 1;
	return 0;
}

/* --- the public time ------------------------------------------------------ */

/*
 * The mail's Date field, if it can say when the advisory went out: one
 * field, RFC 5322 with a zone that means one offset.  0 otherwise (with a
 * warning: the advisory itself is fine, its time stays unknown).
 */
static int64_t mail_date(const struct xsa_intake *in)
{
	const char *why;
	int64_t t;

	if (!in->mail_dates)
		return 0;
	if (in->mail_dates > 1) {
		warning("%s:%d: the mail has %d Date fields; none is used as the public time",
			in->origin, in->mail_date_line, in->mail_dates);
		return 0;
	}
	if (date_parse_rfc5322(in->mail_date, &t, &why)) {
		warning("%s:%d: Date '%.60s' is not used as the public time: %s", in->origin,
			in->mail_date_line, in->mail_date, why);
		return 0;
	}
	return t;
}

/*
 * When the advisory became public, and who says so (*source).  An embargo
 * the signed text states decides alone: nothing unsigned may move it.  A
 * text that states none is public: xenbits' index or else the mail's Date
 * field tell when.  Neither is signed (a relay writes Date as it likes),
 * so the time is never earlier than the embargo end a signed earlier
 * version states, the Date never earlier than the signature (the text
 * cannot have gone out before it was signed) and never later than now.
 */
static int64_t public_time(const struct xsa_import_opts *o, const struct xsa_intake *in,
			   const struct xsa_advisory *a, int64_t signed_at, const char **source)
{
	const struct xsa_record *rec = xsa_store_find(o->store, a->number);
	const struct xsa_index_entry *e = xsa_index_find(o->store, a->number);
	int64_t t = 0, floor = 0;
	char d[32], f[32];
	int floor_version = 0;
	size_t i;

	*source = NULL;
	if (a->embargo_until) {
		*source = "embargo";
		return a->embargo_until;
	}
	for (i = 0; rec && i < rec->nr; i++) {
		if (rec->v[i].version < a->version && rec->v[i].embargo_until &&
		    rec->v[i].version > floor_version) {
			floor = rec->v[i].embargo_until;
			floor_version = rec->v[i].version;
		}
	}
	if (e && e->public_time) {
		t = e->public_time;
		*source = "xenbits";
	} else if ((t = mail_date(in))) {
		*source = "mail-date";
		date_format_short(t, d);
		if (signed_at && t < signed_at) {
			date_format_short(signed_at, f);
			warning("%s:%d: the mail's Date (%s UTC) is before the advisory was signed "
				"(%s UTC); its public time is the signature's", in->origin,
				in->mail_date_line, d, f);
			t = signed_at;
		}
		if (t > o->now) {
			date_format_short(t, f);
			warning("%s:%d: the public time the mail gives (%s UTC, %s) is in the "
				"future; it is not used", in->origin, in->mail_date_line, f,
				t == signed_at ? "the signature's" : "its Date");
			t = 0;
			*source = NULL;
		}
	}
	if (t && t < floor) {
		date_format_short(t, d);
		date_format_short(floor, f);
		warning("%s: public time %s UTC (%s) is before the embargo end of version %d "
			"(%s UTC); the embargo end counts", in->origin, d, *source, floor_version, f);
		t = floor;
		*source = "embargo";
	}
	return t;
}

int xsa_intake_import(const struct xsa_import_opts *o, struct xsa_intake *in,
		      enum xsa_import_result *result, int *number, int *version)
{
	struct strbuf framed = STRBUF_INIT, plain = STRBUF_INIT, meta = STRBUF_INIT;
	struct strbuf uid = STRBUF_INIT;
	struct strbuf *data = NULL;
	struct xsa_advisory a;
	struct gpg_sig sig;
	struct xsa_blob *blobs = NULL;
	const struct xsa_record *rec;
	char adv_sha[SHA256_HEX_LEN + 1];
	char *adv_name = NULL, *spare = NULL;
	struct xsameta_found mf;
	struct strbuf beside = STRBUF_INIT;
	int offset = 0, is_signed = 0, has_beside = 0, rc;
	size_t i, nr_blobs;

	xsameta_found_init(&mf);
	xsa_advisory_init(&a);
	gpg_sig_init(&sig);
	*number = *version = 0;
	if (in->rc)
		return in->rc;
	rc = verify(o, in, &framed, &plain, &offset, &sig, &is_signed);
	if (rc)
		goto out;
	rc = xsa_parse_advisory(&a, plain.buf, plain.len, in->origin, offset);
	if (rc)
		goto out;
	*number = a.number;
	*version = a.version;
	if (in->expect_number && in->expect_number != a.number) {
		rc = error_input("%s: the file name says XSA-%d but the advisory is XSA-%d",
				 in->origin, in->expect_number, a.number);
		goto out;
	}
	data = xcalloc(a.nr_files + 1, sizeof(*data));
	for (i = 0; i < a.nr_files; i++)
		strbuf_init(&data[i], 0);
	spare = o->allow_unsigned ? xstrfmt("xsa%d.meta", a.number) : NULL;
	rc = gather_files(in, &a, data, spare);
	if (!rc && in->dir) {
		/* An xsaNNN.meta beside the advisory, maybe not listed (xsa-meta.h). */
		char *name = xstrfmt("xsa%d.meta", a.number), *path = path_join(in->dir, name);

		if (o->allow_unsigned) {
			rc = read_below(in->dir, name, &beside);
			has_beside = !rc;
			rc = rc == 1 ? 0 : rc;
		} else {
			has_beside = path_exists(path);	/* only to say it is left */
		}
		free(path);
		free(name);
	}
	if (!rc)
		rc = xsameta_take(&a, in, data, has_beside ? &beside : NULL, o->allow_unsigned,
				  &mf);
	if (rc)
		goto out;

	sha256_hex(framed.buf, framed.len, adv_sha);
	rec = xsa_store_find(o->store, a.number);
	for (i = 0; rec && i < rec->nr; i++) {
		const struct xsa_version *v = &rec->v[i];

		if (v->version != a.version)
			continue;
		if (strcmp(v->advisory_sha256, adv_sha)) {
			rc = error_input("%s: XSA-%d version %d is already stored (%s) with a "
					 "different text; a changed advisory must carry a new "
					 "version number", in->origin, a.number, a.version, v->dir);
			goto out;
		}
		*result = XSA_IMPORT_UNCHANGED;
		goto out;
	}

	adv_name = xstrfmt("advisory-%d.txt", a.number);
	{
		struct xsa_verified ver;

		memset(&ver, 0, sizeof(ver));
		ver.adv = &a;
		ver.advisory_name = adv_name;
		ver.advisory_sha256 = adv_sha;
		ver.signer = is_signed ? sig.primary_fpr : NULL;
		/* A key's user id is whatever its owner wrote: stored escaped. */
		if (sig.uid)
			text_escape(&uid, sig.uid, strlen(sig.uid), 0);
		ver.signer_uid = sig.uid ? uid.buf : NULL;
		ver.signed_at = is_signed ? sig.sig_time : 0;
		ver.imported_at = o->now;
		ver.public_time = public_time(o, in, &a, ver.signed_at, &ver.public_source);
		ver.xsameta = mf.name;
		ver.xsameta_sha256 = mf.sha256;
		ver.xsameta_listed = mf.listed;
		xsa_meta_write(&ver, &meta);
	}
	blobs = xcalloc(a.nr_files + 2, sizeof(*blobs));
	blobs[0].name = adv_name;
	blobs[0].data = framed.buf;
	blobs[0].len = framed.len;
	for (i = 0; i < a.nr_files; i++) {
		if (!strcmp(a.files[i].name, adv_name) || !strcmp(a.files[i].name, "meta.json")) {
			rc = error_input("%s:%d: a file may not be called %s", in->origin,
					 a.files[i].line, a.files[i].name);
			goto out;
		}
		blobs[i + 1].name = a.files[i].name;
		blobs[i + 1].data = data[i].buf;
		blobs[i + 1].len = data[i].len;
	}
	nr_blobs = a.nr_files + 1;
	if (mf.name && !mf.listed) {
		/* The unlisted .meta read with --allow-unsigned; meta.json says so. */
		blobs[nr_blobs].name = mf.name;
		blobs[nr_blobs].data = mf.extra.buf;
		blobs[nr_blobs++].len = mf.extra.len;
	}
	rc = xsa_store_add_version(o->repo, a.number, a.version, blobs, nr_blobs, &meta);
	if (!rc)
		*result = XSA_IMPORT_STORED;
out:
	for (i = 0; data && i < a.nr_files; i++)
		strbuf_release(&data[i]);
	free(data);
	free(blobs);
	free(adv_name);
	free(spare);
	xsameta_found_release(&mf);
	strbuf_release(&beside);
	xsa_advisory_release(&a);
	gpg_sig_release(&sig);
	strbuf_release(&framed);
	strbuf_release(&plain);
	strbuf_release(&meta);
	strbuf_release(&uid);
	return rc;
}
