/* Unit tests for lib/mime.c: headers, multipart, transfer encodings,
 * truncation and mbox splitting. */
#include "unit.h"
#include "mime.h"
#include "strbuf.h"
#include "usage.h"

static const char mail[] =
	"Received: by example.org; Sat, 21 Nov 2026 12:00:00 +0000\n"
	"Subject: Xen Security Advisory 901 v1 - a long subject that\n"
	" goes on\n"
	"Content-Type: multipart/mixed; boundary=\"=sep\"\r\n"
	"MIME-Version: 1.0\n"
	"\n"
	"preamble\n"
	"--=sep\n"
	"Content-Type: text/plain; charset=\"UTF-8\"\n"
	"Content-Transfer-Encoding: 7bit\n"
	"\n"
	"line one\r\n"
	"line two\n"
	"--=sep\n"
	"Content-Type: application/octet-stream; name=\"ignored.patch\"\n"
	"Content-Disposition: attachment; filename=\"xsa901.patch\"\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"aGVsbG8g\n"
	"d29ybGQK\n"
	"--=sep\n"
	"Content-Type: multipart/alternative; boundary=inner\n"
	"\n"
	"--inner\n"
	"Content-Type: text/plain\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"Content-Disposition: attachment; filename*=utf-8''a%20b.txt\n"
	"\n"
	"caf=C3=A9 soft=\n"
	"break\n"
	"--inner--\n"
	"--=sep--\n"
	"epilogue\n";

TEST(multipart)
{
	struct mime_message m;

	CHECK_INT(mime_parse(&m, mail, strlen(mail), "m.eml", 1), 0);
	CHECK_INT(m.nr, 3);
	CHECK_STR(mime_get_header(&m, "subject"),
		  "Xen Security Advisory 901 v1 - a long subject that goes on");
	CHECK_STR(m.parts[0].content_type, "text/plain");
	CHECK_STR(m.parts[0].charset, "utf-8");
	CHECK_STR(m.parts[0].body.buf, "line one\nline two");
	CHECK_INT(m.parts[0].body_line, 12);
	CHECK_STR(m.parts[1].filename, "xsa901.patch");
	CHECK_STR(m.parts[1].disposition, "attachment");
	CHECK_STR(m.parts[1].body.buf, "hello world\n");
	CHECK_INT(m.parts[1].line, 15);
	CHECK_STR(m.parts[2].filename, "a b.txt");
	CHECK_STR(m.parts[2].body.buf, "caf\xc3\xa9 softbreak");
	mime_release(&m);
}

static int parse_variant(const char *from, const char *to)
{
	struct strbuf t = STRBUF_INIT;
	struct mime_message m;
	const char *p = strstr(mail, from);
	int rc;

	if (!p)
		BUG("'%s' not in the mail", from);
	strbuf_add(&t, mail, (size_t)(p - mail));
	strbuf_addstr(&t, to);
	strbuf_addstr(&t, p + strlen(from));
	rc = mime_parse(&m, t.buf, t.len, "m.eml", 1);
	mime_release(&m);
	strbuf_release(&t);
	return rc;
}

TEST(strict)
{
	CHECK_INT(parse_variant("d29ybGQK\n", "d29y#GQK\n"), -XS_INPUT);
	CHECK_INT(parse_variant("d29ybGQK\n", "d29ybGQ\n"), -XS_INPUT);
	CHECK_INT(parse_variant("aGVsbG8g\n", "aGVsbG8=\n"), -XS_INPUT);	/* data after padding */
	CHECK_INT(parse_variant("--=sep--\nepilogue\n", ""), -XS_INPUT);	/* truncated */
	CHECK_INT(parse_variant("--inner--\n", ""), -XS_INPUT);
	CHECK_INT(parse_variant("Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: x-uu"),
		  -XS_INPUT);
	CHECK_INT(parse_variant("MIME-Version: 1.0\n", "MIME-Version: 1.0\nnot a header\n"), -XS_INPUT);
	CHECK_INT(parse_variant("boundary=\"=sep\"", "charset=x"), -XS_INPUT);
	CHECK_INT(parse_variant("caf=C3=A9", "caf=C3=Z9"), -XS_INPUT);
	/* Blanks after a delimiter line are tolerated. */
	CHECK_INT(parse_variant("--=sep--\n", "--=sep--  \n"), 0);
}

TEST(base64)
{
	struct strbuf sb = STRBUF_INIT, back = STRBUF_INIT;
	size_t bad = 0;
	const char data[] = "\x00\x01\xff binary \n data";

	base64_encode(&sb, data, sizeof(data) - 1, 8);
	CHECK_INT(base64_decode(&back, sb.buf, sb.len, &bad), 0);
	CHECK_INT(back.len, sizeof(data) - 1);
	CHECK(!memcmp(back.buf, data, back.len));
	strbuf_reset(&back);
	CHECK_INT(base64_decode(&back, "QQ==", 4, &bad), 0);
	CHECK_STR(back.buf, "A");
	CHECK_INT(base64_decode(&back, "Q===", 4, &bad), -1);
	CHECK_INT(base64_decode(&back, "QQ=a", 4, &bad), -1);
	CHECK_INT(bad, 3);
	strbuf_release(&sb);
	strbuf_release(&back);
}

TEST(mbox)
{
	static const char box[] =
		"From a@b Sat Nov 21 12:00:00 2026\n"
		"Subject: one\n"
		"\n"
		">From the start\n"
		"body\n"
		"\n"
		"From c@d Sat Nov 21 12:00:01 2026\n"
		"Subject: two\n"
		"\n"
		"x\n";
	struct mbox_msg *v;
	struct strbuf sb = STRBUF_INIT;
	size_t n = mbox_split(box, strlen(box), &v);

	CHECK_INT(n, 2);
	CHECK_INT(v[0].line, 2);
	CHECK_INT(v[1].line, 8);
	mbox_unquote(&sb, box + v[0].off, v[0].len);
	CHECK_STR(sb.buf, "Subject: one\n\nFrom the start\nbody\n\n");
	free(v);
	strbuf_release(&sb);
	CHECK_INT(mbox_split("Subject: x\n\nFrom y\n", 19, &v), 0);
	free(v);
}

int main(void)
{
	xs_quiet = 1;
	RUN(multipart);
	RUN(strict);
	RUN(base64);
	RUN(mbox);
	return unit_done();
}
