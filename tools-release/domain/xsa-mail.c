/*
 * xsa-mail.c: find advisories in what the user hands over: advisory
 * files (patches beside them), announcement mails, mboxes, directories.
 */
#include "compat.h"
#include "xsa-intake.h"
#include "fs.h"
#include "mime.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

void xsa_inputs_init(struct xsa_inputs *in)
{
	memset(in, 0, sizeof(*in));
	strvec_init(&in->index_paths);
}

static void intake_release(struct xsa_intake *t)
{
	size_t i;

	free(t->origin);
	free(t->label);
	free(t->dir);
	free(t->mail_date);
	strbuf_release(&t->text);
	for (i = 0; i < t->nr_att; i++) {
		free(t->att[i].name);
		strbuf_release(&t->att[i].data);
	}
	free(t->att);
}

void xsa_inputs_release(struct xsa_inputs *in)
{
	size_t i;

	for (i = 0; i < in->nr; i++)
		intake_release(&in->v[i]);
	free(in->v);
	strvec_clear(&in->index_paths);
	memset(in, 0, sizeof(*in));
}

static struct xsa_intake *new_intake(struct xsa_inputs *in, const char *origin)
{
	struct xsa_intake *t;

	ALLOC_GROW(in->v, in->nr + 1, in->alloc);
	t = &in->v[in->nr++];
	memset(t, 0, sizeof(*t));
	t->origin = xstrdup(origin);
	strbuf_init(&t->text, 0);
	t->text_line = 1;
	return t;
}

/* "advisory-484.txt" promises XSA-484. */
static int number_from_name(const char *path)
{
	const char *b = path_basename(path), *p;
	int n = 0;

	if (!skip_prefix(b, "advisory-", &p) || !isdigit((unsigned char)*p))
		return 0;
	for (; isdigit((unsigned char)*p) && n < 100000; p++)
		n = n * 10 + (*p - '0');
	return strcmp(p, ".txt") ? 0 : n;
}

/* One mail (or mbox message) into an intake. */
static void intake_from_mail(struct xsa_inputs *in, const char *origin, const char *label,
			     const char *text, size_t len, int first_line)
{
	struct xsa_intake *t = new_intake(in, origin);
	struct mime_message m;
	const struct mime_part *adv = NULL;
	size_t i;

	t->is_mail = 1;
	t->label = label ? xstrdup(label) : NULL;
	t->rc = mime_parse(&m, text, len, origin, first_line);
	for (i = 0; !t->rc && i < m.hdr_nr; i++) {
		if (strcasecmp(m.hdr[i].name, "Date"))
			continue;
		if (!t->mail_dates++) {
			t->mail_date = xstrdup(m.hdr[i].value ? m.hdr[i].value : "");
			t->mail_date_line = m.hdr[i].line;
		}
	}
	for (i = 0; !t->rc && i < m.nr; i++) {
		const struct mime_part *p = &m.parts[i];
		int attached = p->filename || (p->disposition && !strcmp(p->disposition, "attachment"));

		if (attached) {
			struct xsa_attachment *a;

			if (!p->filename || !*p->filename) {
				t->rc = error_input("%s:%d: an attachment without a file name",
						    origin, p->line);
				break;
			}
			ALLOC_GROW(t->att, t->nr_att + 1, t->alloc_att);
			a = &t->att[t->nr_att++];
			a->name = xstrdup(p->filename);
			strbuf_init(&a->data, 0);
			strbuf_addbuf(&a->data, &p->body);
			a->line = p->line;
			a->used = 0;
			continue;
		}
		if (!starts_with(p->content_type, "text/") ||
		    !memmem(p->body.buf, p->body.len, "-----BEGIN PGP SIGNED MESSAGE-----", 34))
			continue;	/* a list footer, an HTML copy without signature ... */
		if (adv) {
			t->rc = error_input("%s:%d: a second signed advisory in one mail (the "
					    "first starts on line %d)", origin, p->body_line,
					    adv->body_line);
			break;
		}
		adv = p;
	}
	if (!t->rc && !adv)
		t->rc = error_input("%s:%d: the mail holds no clear-signed advisory", origin,
				    first_line);
	if (!t->rc) {
		strbuf_addbuf(&t->text, &adv->body);
		t->text_line = adv->body_line;
	}
	mime_release(&m);
}

static int looks_like_mail(const char *text, size_t len)
{
	static const char *const fields[] = {
		"Return-Path", "Received", "From", "To", "Subject", "Date", "Message-ID",
		"MIME-Version", "Content-Type", "Delivered-To", "Reply-To", "Cc",
		"Mailing-List", "Precedence", "DKIM-Signature", "Sender", "Authentication-Results",
		"List-", "X-", "ARC-",
	};
	size_t i, n = 0;

	while (n < len && n < 80 && text[n] != ':' && text[n] != '\n')
		n++;
	if (n >= len || text[n] != ':' || !n)
		return 0;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		size_t k = strlen(fields[i]);

		if (fields[i][k - 1] == '-' ? n > k && !strncasecmp(text, fields[i], k) :
		    n == k && !strncasecmp(text, fields[i], k))
			return 1;
	}
	return 0;
}

static int collect_file(struct xsa_inputs *in, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct mbox_msg *msgs = NULL;
	const char *s;
	size_t nr, i;
	int rc = read_file(&sb, path, 256 << 20);

	if (rc)
		goto out;
	for (s = sb.buf; *s == '\n' || *s == '\r' || *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[' || *s == '{') {
		strvec_push(&in->index_paths, path);
		goto out;
	}
	nr = mbox_split(sb.buf, sb.len, &msgs);
	if (nr) {
		for (i = 0; i < nr; i++) {
			struct strbuf msg = STRBUF_INIT;
			char *label = xstrfmt("%s, message %zu", path, i + 1);

			mbox_unquote(&msg, sb.buf + msgs[i].off, msgs[i].len);
			intake_from_mail(in, path, label, msg.buf, msg.len, msgs[i].line);
			strbuf_release(&msg);
			free(label);
		}
		goto out;
	}
	if (looks_like_mail(s, sb.len - (size_t)(s - sb.buf))) {
		intake_from_mail(in, path, NULL, sb.buf, sb.len, 1);
		goto out;
	}
	if (!starts_with(s, "-----BEGIN PGP SIGNED MESSAGE-----") &&
	    !strstr(sb.buf, "Xen Security Advisory")) {
		rc = error_input("%s: not an advisory, a mail, an mbox or xenbits' xsa.json", path);
		goto out;
	}
	{
		struct xsa_intake *t = new_intake(in, path);

		strbuf_addbuf(&t->text, &sb);
		t->dir = path_dirname(path);
		t->expect_number = number_from_name(path);
	}
out:
	free(msgs);
	strbuf_release(&sb);
	return rc;
}

int xsa_collect_inputs(struct xsa_inputs *in, const char *path)
{
	struct strvec names = STRVEC_INIT;
	struct stat st;
	size_t i;
	int rc, found = 0;

	if (lstat(path, &st))
		return errno == ENOENT ? error_input("%s: no such file or directory", path) :
			error_errno("cannot stat '%s'", path);
	if (!S_ISDIR(st.st_mode))
		return collect_file(in, path);
	/* A xenbits-like directory: advisories, mails, and xsa.json. */
	rc = list_dir(path, &names);
	for (i = 0; !rc && i < names.nr; i++) {
		const char *n = names.v[i];
		char *p;

		if (!(number_from_name(n) || ends_with(n, ".eml") || ends_with(n, ".mbox") ||
		      !strcmp(n, "xsa.json")))
			continue;
		p = path_join(path, n);
		if (is_regular_file(p)) {
			rc = collect_file(in, p);
			found++;
		}
		free(p);
	}
	if (!rc && !found)
		rc = error_input("%s: no advisory-NNN.txt, *.eml, *.mbox or xsa.json in this "
				 "directory", path);
	strvec_clear(&names);
	return rc;
}
