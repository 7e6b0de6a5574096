/* Unit tests for the advisory parser, branch ranges, xen-unstable and
 * commit-message mentions (domain/xsa*.c).  The advisories are written
 * for these tests in the published format; none is a real one. */
#include "unit.h"
#include "xsa.h"
#include "xsa-commits.h"
#include "branch.h"
#include "date.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static const char sample[] =
	"            Xen Security Advisory CVE-2026-90001,CVE-2026-90002 / XSA-901\n"
	"                               version 3\n"
	"\n"
	"          A made-up flaw in a made-up\n"
	"                 hypercall\n"
	"\n"
	"UPDATES IN VERSION 3\n"
	"====================\n"
	"\n"
	"Public release.\n"
	"\n"
	"ISSUE DESCRIPTION\n"
	"=================\n"
	"\n"
	"Text.\n"
	"\n"
	"RESOLUTION\n"
	"==========\n"
	"\n"
	"Applying the appropriate attached patch resolves this issue.\n"
	"\n"
	"xsa901.patch           xen-unstable - Xen 4.21.x\n"
	"xsa901-4.20/*.patch    Xen 4.20.x - Xen 4.19.x\n"
	"xsa901-4.18.patch      Xen 4.18.x\n"
	"xsa901-linux.patch     Linux 6.7-rc - 6.5\n"
	"\n"
	"$ sha256sum xsa901*\n"
	"0000000000000000000000000000000000000000000000000000000000000001  xsa901.patch\n"
	"0000000000000000000000000000000000000000000000000000000000000002  xsa901-4.20/0001-a.patch\n"
	"0000000000000000000000000000000000000000000000000000000000000003  xsa901-4.20/0002-b.patch\n"
	"0000000000000000000000000000000000000000000000000000000000000004  xsa901-4.18.patch\n"
	"0000000000000000000000000000000000000000000000000000000000000005  xsa901-linux.patch\n"
	"00000000000000000000000000000000000000000000000000000000000000AA  xsa901.meta\n"
	"$\n"
	"\n"
	"MITIGATION\n"
	"==========\n"
	"\n"
	"None.\n";

TEST(parse_sample)
{
	struct xsa_advisory a;
	const struct xsa_file *f;

	xsa_advisory_init(&a);
	CHECK_INT(xsa_parse_advisory(&a, sample, strlen(sample), "advisory-901.txt", 3), 0);
	CHECK_INT(a.number, 901);
	CHECK_INT(a.version, 3);
	CHECK_INT(a.cves.nr, 2);
	CHECK_STR(a.cves.v[1], "CVE-2026-90002");
	CHECK_STR(a.title, "A made-up flaw in a made-up hypercall");
	CHECK(a.public_release);
	CHECK_INT(a.nr_files, 6);
	CHECK(xsa_find_section(&a, "MITIGATION") != NULL);
	f = &a.files[1];
	CHECK_STR(f->name, "xsa901-4.20/0001-a.patch");
	CHECK_STR(f->pattern, "xsa901-4.20/*.patch");
	CHECK_STR(f->project, "xen");
	CHECK_INT(f->nr_ranges, 1);
	CHECK_INT(f->line, 3 + 29);
	CHECK_STR(a.files[4].project, "linux");
	CHECK_STR(a.files[5].project, "meta");
	CHECK_STR(a.files[5].sha256,
		  "00000000000000000000000000000000000000000000000000000000000000aa");
	xsa_advisory_release(&a);
}

/* Replace the first occurrence of from with to in the sample and parse. */
static int parse_variant(const char *from, const char *to)
{
	struct strbuf t = STRBUF_INIT;
	struct xsa_advisory a;
	const char *p = strstr(sample, from);
	int rc;

	if (!p)
		BUG("variant '%s' not in sample", from);
	strbuf_add(&t, sample, (size_t)(p - sample));
	strbuf_addstr(&t, to);
	strbuf_addstr(&t, p + strlen(from));
	xsa_advisory_init(&a);
	rc = xsa_parse_advisory(&a, t.buf, t.len, "x.txt", 0);
	xsa_advisory_release(&a);
	strbuf_release(&t);
	return rc;
}

TEST(parse_strict)
{
	/* Spacing and order do not matter. */
	CHECK_INT(parse_variant("xsa901-4.18.patch      Xen 4.18.x",
				"  xsa901-4.18.patch\tXen   4.18.x  "), 0);
	CHECK_INT(parse_variant("Public release.\n", "Public release.\n\nMITIGATION2\n===========\n\nx\n"), 0);
	/* Content errors. */
	CHECK_INT(parse_variant("RESOLUTION\n==========", "RESOLUTIONS\n==========="), -XS_INPUT);
	CHECK_INT(parse_variant("Xen 4.18.x\n", "Xen 4.x\n"), -XS_INPUT);
	CHECK_INT(parse_variant("Xen 4.18.x\n", "\n"), -XS_INPUT);
	CHECK_INT(parse_variant("  xsa901-4.18.patch\n", "  ../xsa901-4.18.patch\n"), -XS_INPUT);
	CHECK_INT(parse_variant("  xsa901-4.18.patch\n", "  xsa901-4.17.patch\n"), -XS_INPUT);
	CHECK_INT(parse_variant("0004  xsa901-4.18.patch\n",
				"0004  xsa901-4.18.patch\n"
				"0000000000000000000000000000000000000000000000000000000000000009  xsa901.patch\n"),
		  -XS_INPUT);
	CHECK_INT(parse_variant("0005  xsa901-linux.patch\n", "0005  /etc/passwd\n"), -XS_INPUT);
	CHECK_INT(parse_variant("00AA  xsa901.meta\n$\n", "00AA  xsa901.meta\n"), -XS_INPUT);
	CHECK_INT(parse_variant("version 3", "version 2"), -XS_INPUT);
	CHECK_INT(parse_variant("CVE-2026-90002", "CVE-26-1"), -XS_INPUT);
	CHECK_INT(parse_variant("XSA-901\n", "XSA-9x1\n"), -XS_INPUT);
	CHECK_INT(parse_variant("ISSUE DESCRIPTION", "MITIGATION"), -XS_INPUT);
	CHECK_INT(parse_variant("Xen 4.20.x - Xen 4.19.x", "Xen 4.20.x - Linux 6.1"), -XS_INPUT);
}

TEST(no_cve_and_embargo)
{
	static const char t[] =
		"Xen Security Advisory XSA-902\n"
		"\n"
		"Embargoed flaw\n"
		"\n"
		"        *** EMBARGOED UNTIL 2026-12-01 12:00 UTC ***\n"
		"\n"
		"RESOLUTION\n"
		"==========\n"
		"xsa902.patch xen-unstable\n"
		"$ sha256sum xsa902*\n"
		"1111111111111111111111111111111111111111111111111111111111111111 xsa902.patch\n"
		"$\n"
		"NOTE CONCERNING EARLY DISCLOSURE\n"
		"================================\n"
		"The embargo was intended to be\n"
		"2026-12-01 12:00 UTC.\n";
	struct xsa_advisory a;
	int64_t want;

	xsa_advisory_init(&a);
	CHECK_INT(xsa_parse_advisory(&a, t, strlen(t), "a.txt", 0), 0);
	CHECK_INT(a.number, 902);
	CHECK_INT(a.version, 1);
	CHECK_INT(a.cves.nr, 0);
	CHECK(!a.public_release);
	date_parse_time("2026-12-01 12:00", &want);
	CHECK(a.embargo_until == want);
	CHECK_INT(a.embargo_line, 5);
	xsa_advisory_release(&a);
}

static int covers(const char *range, const char *branch, int u_maj, int u_min, int *inh)
{
	struct xsa_range *r;
	struct strbuf why = STRBUF_INIT;
	char *proj;
	size_t nr;
	int maj, min, c;

	if (xsa_parse_range(range, "xsa1.patch", &proj, &r, &nr, &why))
		BUG("range '%s': %s", range, why.buf);
	parse_major_minor(branch, &maj, &min);
	c = xsa_file_covers(r, nr, maj, min, u_maj, u_min, inh);
	free(r);
	free(proj);
	strbuf_release(&why);
	return c;
}

TEST(ranges)
{
	int inh;

	CHECK(covers("xen-unstable - Xen 4.18.x", "4.18", 4, 22, &inh) && !inh);
	CHECK(covers("xen-unstable - Xen 4.18.x", "4.22", 4, 22, &inh) && !inh);
	CHECK(covers("xen-unstable - Xen 4.18.x", "4.23", 4, 22, &inh) && inh);
	CHECK(!covers("xen-unstable - Xen 4.18.x", "4.17", 4, 22, &inh));
	CHECK(covers("Xen 4.20.x - Xen 4.19.x", "4.19", 4, 22, &inh));
	CHECK(!covers("Xen 4.20.x - Xen 4.19.x", "4.21", 4, 22, &inh));
	CHECK(covers("xen-unstable, Xen 4.16.x - 4.13.x", "4.17", 4, 17, &inh) && !inh);
	CHECK(!covers("xen-unstable, Xen 4.16.x - 4.13.x", "4.17", 4, 18, &inh));
	CHECK(covers("xen-unstable", "4.19", 4, 18, &inh) && inh);
	CHECK(!covers("xen-unstable", "4.19", -1, 0, &inh));
	{
		struct xsa_range *r;
		struct strbuf why = STRBUF_INIT;
		char *proj;
		size_t nr;

		CHECK_INT(xsa_parse_range("Linux 6.7-rc - 6.5", "xsa1-linux.patch", &proj, &r,
					  &nr, &why), 0);
		CHECK_STR(proj, "linux");
		free(proj);
		free(r);
		CHECK_INT(xsa_parse_range("XAPI master", "xsa1.patch", &proj, &r, &nr, &why), 0);
		CHECK_STR(proj, "xapi");
		free(proj);
		free(r);
		CHECK_INT(xsa_parse_range("Xen 4.21.x - 4.20.x - 4.19.x", "x", &proj, &r, &nr, &why), -1);
		strbuf_release(&why);
	}
}

TEST(unstable)
{
	static const char *confs[][2] = {
		{ "4.17", "2022-12-12" }, { "4.18", "2023-11-16" }, { "4.19", "2024-07-29" },
	};
	struct branch_set bs;
	size_t i;
	int64_t t;
	int maj, min;

	memset(&bs, 0, sizeof(bs));
	for (i = 0; i < ARRAY_SIZE(confs); i++) {
		struct strbuf c = STRBUF_INIT;
		struct branch b;
		char *path = xstrfmt("branches/%s.conf", confs[i][0]);

		strbuf_addf(&c, "[branch]\n\tversion = %s\n\tref = stable-%s\n"
			    "\tinitial-release = %s\n\tsupported-until = 2030-01-01\n"
			    "\tsecurity-support-until = 2031-01-01\n", confs[i][0],
			    confs[i][0], confs[i][1]);
		memset(&b, 0, sizeof(b));
		if (branch_parse(&b, path, c.buf, c.len))
			BUG("conf");
		ALLOC_GROW(bs.v, bs.nr + 1, bs.alloc);
		bs.v[bs.nr++] = b;
		strbuf_release(&c);
		free(path);
	}
	date_parse_time("2024-01-10 12:00", &t);
	CHECK_INT(xsa_unstable_branch(&bs, t, 4, 18, &maj, &min), 0);
	CHECK_INT(min, 19);
	date_parse_time("2025-01-10 12:00", &t);
	CHECK_INT(xsa_unstable_branch(&bs, t, 4, 19, &maj, &min), 0);
	CHECK_INT(min, 20);
	date_parse_time("2022-11-01 12:00", &t);
	CHECK_INT(xsa_unstable_branch(&bs, t, 4, 16, &maj, &min), 0);
	CHECK_INT(min, 17);
	CHECK_INT(xsa_unstable_branch(&bs, t, 4, 13, &maj, &min), 1);
	CHECK_INT(xsa_unstable_branch(&bs, t, -1, 0, &maj, &min), 1);
	branches_release(&bs);
}

TEST(mentions)
{
	static const char msg[] =
		"x86/foo: fix the bar\n\n"
		"Fixes regression from XSA-100.\n"
		"This is XSA-484 / CVE-2026-23557.\n"
		"  This is CVE-2022-1 / part of XSA-395.\n"
		"XSA: 12, XSA-13\n"
		"XSA-14: not a trailer\n"
		"This is XSA-1x\n"
		"Signed-off-by: A <a@b>\n";
	int n[8];
	size_t nr = xsa_mentions(msg, strlen(msg), n, 8);

	CHECK_INT(nr, 4);
	CHECK_INT(n[0], 12);
	CHECK_INT(n[1], 13);
	CHECK_INT(n[2], 395);
	CHECK_INT(n[3], 484);
}

TEST(normalize)
{
	static const char plain[] =
		"From: A <a@b>\n"
		"Subject: [PATCH v2 1/2] x86: fix\n"
		"  the thing\n"
		"\n"
		"--- xen-4.17.orig/xen/a.c\t2026-01-01 00:00:00\n"
		"+++ xen-4.17/xen/a.c\n"
		"@@ -1,3 +1,3 @@\n"
		" a\n"
		"--- b removed line that looks like a header\n"
		"+++ b added\n"
		" c\n"
		"--- /dev/null\n"
		"+++ b/xen/new.c\n"
		"@@ -0,0 +1 @@\n"
		"+x\n";
	static const char git[] = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n";
	struct strbuf out = STRBUF_INIT;

	xsa_normalize_patch(plain, strlen(plain), &out);
	CHECK(strstr(out.buf, "diff --git a/xen/a.c b/xen/a.c\n--- a/xen/a.c\n+++ b/xen/a.c\n") != NULL);
	CHECK(strstr(out.buf, "--- b removed line that looks like a header\n+++ b added\n") != NULL);
	CHECK(strstr(out.buf, "diff --git a/xen/new.c b/xen/new.c\n--- /dev/null\n+++ b/xen/new.c\n") != NULL);
	strbuf_reset(&out);
	xsa_normalize_patch(git, strlen(git), &out);
	CHECK_STR(out.buf, git);
	strbuf_reset(&out);
	xsa_clean_subject(" [PATCH v2 1/2] [XEN]  x86: fix   the thing", 43, &out);
	CHECK_STR(out.buf, "x86: fix the thing");
	strbuf_release(&out);
}

int main(void)
{
	xs_quiet = 1;
	RUN(parse_sample);
	RUN(parse_strict);
	RUN(no_cve_and_embargo);
	RUN(ranges);
	RUN(unstable);
	RUN(mentions);
	RUN(normalize);
	return unit_done();
}
