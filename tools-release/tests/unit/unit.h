/*
 * unit.h: a small TAP-producing harness for the C unit tests.
 *
 *	TEST(name) { CHECK(x == 1); CHECK_STR(s, "a"); }
 *	int main(void) { RUN(name); return unit_done(); }
 *
 * Each check prints "ok N - ..." or "not ok N - ..."; unit_done() prints
 * "# passed P failed F" for the test runner and returns the exit code.
 */
#ifndef XS_UNIT_H
#define XS_UNIT_H

#include "compat.h"

static int unit_n, unit_failed;
static const char *unit_current = "";

static void unit_report(int ok, const char *what, const char *file, int line)
{
	unit_n++;
	if (ok) {
		printf("ok %d - %s: %s\n", unit_n, unit_current, what);
	} else {
		unit_failed++;
		printf("not ok %d - %s: %s (%s:%d)\n", unit_n, unit_current, what, file, line);
	}
}

#define TEST(name) static void test_##name(void)
#define RUN(name) do { unit_current = #name; test_##name(); } while (0)
#define CHECK(cond) unit_report(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(a, b) do {							\
	const char *a_ = (a), *b_ = (b);					\
	int ok_ = a_ && b_ && !strcmp(a_, b_);					\
	unit_report(ok_, #a " == " #b, __FILE__, __LINE__);			\
	if (!ok_)								\
		printf("#   got:      '%s'\n#   expected: '%s'\n",		\
		       a_ ? a_ : "(null)", b_ ? b_ : "(null)");			\
} while (0)
#define CHECK_INT(a, b) do {							\
	long long a_ = (long long)(a), b_ = (long long)(b);			\
	unit_report(a_ == b_, #a " == " #b, __FILE__, __LINE__);		\
	if (a_ != b_)								\
		printf("#   got: %lld, expected: %lld\n", a_, b_);		\
} while (0)

#ifdef UNIT_WITH_SHELL
#include "run-command.h"

/*
 * Run a shell script in dir with a fixed git identity and dates (for
 * tests that set up scratch repositories).  Returns its exit status.
 */
static int unit_sh(const char *dir, const char *script)
{
	struct child_process c;
	int rc;

	child_init(&c);
	strvec_pushl(&c.args, "sh", "-c", script, NULL);
	c.dir = dir;
	strvec_pushl(&c.env, "GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.org",
		     "GIT_COMMITTER_NAME=C", "GIT_COMMITTER_EMAIL=c@example.org",
		     "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
		     "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z", "GIT_CONFIG_NOSYSTEM=1",
		     "HOME=/nonexistent", NULL);
	rc = run_child(&c);
	if (rc)
		printf("# script failed (%d): %s\n", rc, c.err_buf.buf);
	child_release(&c);
	return rc;
}
#endif

static int unit_done(void)
{
	printf("# passed %d failed %d\n", unit_n - unit_failed, unit_failed);
	fflush(stdout);
	return unit_failed ? 1 : 0;
}

#endif
