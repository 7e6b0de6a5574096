/* Regression tests for what the fuzz targets (fuzz/) found: each input is
 * the smallest form of a crash, leak or broken promise, and the check is
 * the behaviour the fix gives. */
#include "unit.h"
#include "strbuf.h"
#include "cfgfile.h"
#include "git.h"
#include "gpg.h"
#include "xsa.h"
#include "xalloc.h"

/* A copy in a buffer of exactly len bytes: no NUL after it, so ASan
 * catches a read past the end. */
static char *exact(const char *s, size_t *len)
{
	char *p;

	*len = strlen(s);
	p = xmalloc(*len ? *len : 1);
	memcpy(p, s, *len);
	return p;
}

/* fuzz-patch: xsa_mentions() compared "This is " (8 bytes) against a
 * final line of 5..7 bytes and read past the buffer. */
TEST(mentions_short_last_line)
{
	int nums[4];
	size_t len;
	char *m = exact("x\nThis ", &len);

	CHECK_INT(xsa_mentions(m, len, nums, 4), 0);
	free(m);
	m = exact("This is XSA-42\nXSA: 7", &len);
	CHECK_INT(xsa_mentions(m, len, nums, 4), 2);
	CHECK_INT(nums[0], 7);
	CHECK_INT(nums[1], 42);
	free(m);
}

/* fuzz-commit: a second author or committer line leaked the first; git
 * fsck calls such an object broken, and so do we now. */
TEST(commit_two_authors)
{
	static const char obj[] =
		"tree 0123456789abcdef0123456789abcdef01234567\n"
		"author A <a@example.org> 1700000000 +0000\n"
		"author B <b@example.org> 1700000000 +0000\n"
		"committer C <c@example.org> 1700000000 +0000\n\nmsg\n";
	static const char ok[] =
		"tree 0123456789abcdef0123456789abcdef01234567\n"
		"author A <a@example.org> 1700000000 +0000\n"
		"committer C <c@example.org> 1700000000 +0000\n\nmsg\n";
	struct git_commit c;

	git_commit_init(&c);
	CHECK(git_commit_parse(&c, obj, strlen(obj)) < 0);
	git_commit_release(&c);
	git_commit_init(&c);
	CHECK_INT(git_commit_parse(&c, ok, strlen(ok)), 0);
	CHECK_STR(c.author, "A <a@example.org> 1700000000 +0000");
	CHECK_STR(c.message, "msg\n");
	git_commit_release(&c);
}

static void set_and_read(const char *in, const char *want_text)
{
	struct strbuf t = STRBUF_INIT;
	struct cfg_file cf;
	const struct cfg_entry *e;

	strbuf_addstr(&t, in);
	cfg_text_set(&t, "branch", "version", "4.19");
	CHECK_STR(t.buf, want_text);
	cfg_init(&cf);
	CHECK_INT(cfg_parse(&cf, "t.conf", t.buf, t.len), 0);
	e = cfg_find(&cf, "branch", NULL, "version");
	CHECK(e && e->value && !strcmp(e->value, "4.19"));
	cfg_release(&cf);
	strbuf_release(&t);
}

/* fuzz-cfg: cfg_text_set() missed a bare key followed by a comment (the
 * reader's last value won), and inserted its line inside a value that a
 * final backslash continues, which broke the file. */
TEST(cfg_set_bare_key_and_continuation)
{
	set_and_read("[branch]\n\tversion ; bare\n",
		     "[branch]\n\tversion = 4.19\n");
	set_and_read("[branch]\n\tref = a\\\n  b\n[other]\n",
		     "[branch]\n\tref = a\\\n  b\n\tversion = 4.19\n[other]\n");
	set_and_read("[branch]\n\tversion = 4.\\\n18\n\tref = x\n",
		     "[branch]\n\tversion = 4.19\n\tref = x\n");
	/* A backslash in a comment continues nothing. */
	set_and_read("[branch]\n\tref = x # \\\n",
		     "[branch]\n\tref = x # \\\n\tversion = 4.19\n");
	set_and_read("[branch]\n\tref = \"a;\\\n b\"\n",
		     "[branch]\n\tref = \"a;\\\n b\"\n\tversion = 4.19\n");
	set_and_read("# no section\n", "# no section\n[branch]\n\tversion = 4.19\n");
	/* Carriage returns before a section header, as cfg_parse() allows. */
	set_and_read("[branch]\n\tref = x\n\r\r[other]\n",
		     "[branch]\n\tref = x\n\tversion = 4.19\n\r\r[other]\n");
	/* A value continued at the end of the file. */
	set_and_read("[x]\n\tm = a\\\n", "[x]\n\tm = a\\\n\n[branch]\n\tversion = 4.19\n");
}

/* fuzz-gpg-status: VALIDSIG whose primary fingerprint field is 40 bytes
 * but not hex was judged good. */
TEST(gpg_status_fpr_not_hex)
{
	static const char st[] =
		"[GNUPG:] GOODSIG 89ABCDEF01234567 a\n"
		"[GNUPG:] VALIDSIG 0123456789ABCDEF0123456789ABCDEF01234567 2026-10-06 "
		"1791371100 0 4 0 1 10 01 0123456789ABCDEF0123456789ABCDEF0123456Z\n";
	struct gpg_sig s;

	gpg_sig_init(&s);
	gpg_parse_verify_status(st, strlen(st), &s);
	CHECK(s.verdict != GPG_GOOD);
	gpg_sig_release(&s);
}

/* fuzz-cfg: "key\r[section]" on one line read as a bare key and a section
 * header; a carriage return is a line end only before the newline. */
TEST(cfg_lone_carriage_return)
{
	static const char bad[] = "[branch]\n\tref\r[other]\n";
	static const char crlf[] = "[branch]\r\n\tref\r\n\tversion = 4.19\r\n";
	struct cfg_file cf;

	cfg_init(&cf);
	CHECK(cfg_parse(&cf, "t.conf", bad, strlen(bad)) < 0);
	cfg_release(&cf);
	cfg_init(&cf);
	CHECK_INT(cfg_parse(&cf, "t.conf", crlf, strlen(crlf)), 0);
	CHECK_INT(cf.nr, 2);
	cfg_release(&cf);
}

int main(void)
{
	RUN(mentions_short_last_line);
	RUN(commit_two_authors);
	RUN(cfg_set_bare_key_and_continuation);
	RUN(gpg_status_fpr_not_hex);
	RUN(cfg_lone_carriage_return);
	return unit_done();
}
