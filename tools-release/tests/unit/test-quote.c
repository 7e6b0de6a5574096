/* Unit tests for lib/quote.c: what a pasted command line runs. */
#include "compat.h"
#include "quote.h"
#include "run-command.h"
#include "strbuf.h"
#include "xalloc.h"
#include "unit.h"

static char *q(const char *arg)
{
	struct strbuf sb = STRBUF_INIT;

	sq_quote_buf(&sb, arg);
	return strbuf_detach(&sb, NULL);
}

/* What a shell makes of "printf %s\\0 QUOTED": the argument it sees. */
static int shell_reads(const char *shell, const char *arg, struct strbuf *out)
{
	struct child_process c;
	struct strbuf cmd = STRBUF_INIT;
	int rc;

	strbuf_addstr(&cmd, "printf '%s\\0' ");
	sq_quote_buf(&cmd, arg);
	child_init(&c);
	strvec_pushl(&c.args, shell, "-c", cmd.buf, NULL);
	c.out = CHILD_OUT_CAPTURE;
	c.err = CHILD_OUT_CAPTURE;
	rc = run_child(&c);
	strbuf_reset(out);
	if (!rc && c.out_buf.len)
		strbuf_add(out, c.out_buf.buf, c.out_buf.len - 1);	/* the \0 */
	child_release(&c);
	strbuf_release(&cmd);
	return rc;
}

TEST(plain_words)
{
	char *s;

	CHECK_STR((s = q("stable-4.19")), "stable-4.19");
	free(s);
	CHECK_STR((s = q("/tmp/x/RELEASE-4.19.3")), "/tmp/x/RELEASE-4.19.3");
	free(s);
	CHECK_STR((s = q("--date=2026-11-21")), "--date=2026-11-21");
	free(s);
	CHECK_STR((s = q("")), "''");
	free(s);
}

TEST(quoted)
{
	char *s;

	CHECK_STR((s = q("2026-11-21 12:00")), "'2026-11-21 12:00'");
	free(s);
	CHECK_STR((s = q("a'b")), "'a'\\''b'");
	free(s);
	CHECK_STR((s = q("$(touch x)")), "'$(touch x)'");
	free(s);
	CHECK_STR((s = q("a\nb")), "'a\nb'");
	free(s);
	CHECK_STR((s = q("a\033[31mb")), "'a'$'\\033''[31mb'");
	free(s);
	CHECK_STR((s = q("~root")), "'~root'");
	free(s);
	CHECK_STR((s = q("#x")), "'#x'");
	free(s);
}

TEST(argv)
{
	struct strbuf sb = STRBUF_INIT;
	const char *v[] = { "git", "-C", "/tmp/a b", "push", "origin", NULL };

	sq_quote_argv(&sb, v);
	CHECK_STR(sb.buf, "git -C '/tmp/a b' push origin");
	strbuf_reset(&sb);
	sq_quote_argl(&sb, "x", "it's", NULL);
	CHECK_STR(sb.buf, "x 'it'\\''s'");
	strbuf_release(&sb);
}

/* The round trip through real shells: every byte comes back, nothing runs. */
TEST(round_trip)
{
	static const char *const nasty[] = {
		"plain", "two words", "it's", "''", "\"", "$(touch /tmp/xs-quote-pwned)",
		"`touch /tmp/xs-quote-pwned`", "a\nb; touch /tmp/xs-quote-pwned", "\\", "*", "a;b|c&d",
		"!x", "~", "tab\there", "esc\033]0;title\007", "\x7f", "-n", "  ", "\n",
		"'$(x)'\n'", NULL
	};
	static const char *const shells[] = { "/bin/sh", "/bin/bash", NULL };
	struct strbuf out = STRBUF_INIT;
	size_t i, k;

	unlink("/tmp/xs-quote-pwned");
	for (k = 0; shells[k]; k++) {
		if (access(shells[k], X_OK))
			continue;
		for (i = 0; nasty[i]; i++) {
			int ctl = 0;
			const char *p;

			for (p = nasty[i]; *p; p++)
				if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
					ctl = 1;
			/* $'...' is bash's (and POSIX.1-2024's); older sh may lack it. */
			if (ctl && strcmp(shells[k], "/bin/bash"))
				continue;
			CHECK(shell_reads(shells[k], nasty[i], &out) == 0);
			CHECK(out.len == strlen(nasty[i]) && !memcmp(out.buf, nasty[i], out.len));
		}
	}
	CHECK(access("/tmp/xs-quote-pwned", F_OK) != 0);
	strbuf_release(&out);
}

TEST(self)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	self_cmd_init("/nonexistent/xenstable", "/tmp/m a", NULL);
	self_cmd(&sb, "xsa", "apply", "--continue", NULL);
	/* the unit test binary is not "xenstable" on PATH: its own path */
	CHECK(sb.buf[0] == '/');
	CHECK(strstr(sb.buf, " -C '/tmp/m a' xsa apply --continue") != NULL);
	s = self_cmd_str("release", "4.19", "--date", "2026-11-21 12:00", NULL);
	CHECK(strstr(s, " release 4.19 --date '2026-11-21 12:00'") != NULL);
	free(s);
	self_cmd_release();
	strbuf_release(&sb);
}

int main(void)
{
	RUN(plain_words);
	RUN(quoted);
	RUN(argv);
	RUN(round_trip);
	RUN(self);
	return unit_done();
}
