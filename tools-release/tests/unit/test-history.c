/* Unit tests: what commit messages state about XSAs (domain/xsa-history-msg.c),
 * VULNERABLE SYSTEMS bounds, and describe-like revisions. */
#include "unit.h"
#include "xsa-history.h"

static size_t claims_of(const char *msg, int *out)
{
	struct xh_msg_facts f;
	size_t k;

	xh_msg_scan(msg, strlen(msg), &f);
	for (k = 0; k < f.nr_claims; k++)
		out[k] = f.claims[k];
	return f.nr_claims;
}

static int para(const char *s)
{
	int v[8];
	size_t n = xh_statement_parse(s, strlen(s), v, 8, NULL);

	return n ? v[0] : 0;
}

/* Upstream's statements, as xen.git writes them, are claims. */
TEST(statements)
{
	CHECK_INT(para("This is XSA-449."), 449);
	CHECK_INT(para("This is XSA-449"), 449);
	CHECK_INT(para("This is part of XSA-456."), 456);
	CHECK_INT(para("This is CVE-2024-45819 / XSA-464."), 464);
	CHECK_INT(para("This is part of XSA-463 / CVE-2024-45818"), 463);
	CHECK_INT(para("This is CVE-2022-42334 / part of XSA-428."), 428);
	CHECK_INT(para("This is CVE-2022-23034, part of XSA-394."), 394);
	CHECK_INT(para("This is part of XSA-410, CVE-2022-33747, CVE-2022-33748."), 410);
	CHECK_INT(para("This is XSA-429/CVE-2022-42331"), 429);
	CHECK_INT(para("This is CVE-2016-3158 and CVE-2016-3159 / XSA-172."), 172);
	CHECK_INT(para("This is CVE-2016-1 + CVE-2016-1234 / XSA-1."), 0);	/* not a CVE id */
	CHECK_INT(para("This is CVE-2016-3158 + CVE-2016-3159 / XSA-172."), 172);
	CHECK_INT(para("This is a security problem, XSA-102 / CVE-2014-5146."), 102);
	CHECK_INT(para("This is a security issue, part of XSA-150 / CVE-2015-7970."), 150);
	CHECK_INT(para("This is part of the fix to a security issue, XSA-180."), 180);
	CHECK_INT(para("This is XSA-142, discovered by Lin Liu (https://bugzilla.example)."), 142);
	CHECK_INT(para("Part of XSA-299."), 299);
	CHECK_INT(para("Everything together is XSA-501."), 501);
	CHECK_INT(para("This patch is part of XSA-270."), 270);
	CHECK_INT(para("This is XSA-155 / CVE-2015-xxxx."), 155);
	CHECK_INT(para("this is xsa-12."), 12);
	/* upstream's words with "is" missing, and a verb */
	CHECK_INT(para("This CVE-2023-34323 / XSA-440."), 440);
	CHECK_INT(para("This patch solves XSA-60 security hole:"), 60);
	CHECK_INT(para("This patch fixes XSA-61."), 61);
	{
		int v[8];

		/* a parenthesis after the statement names no other fix */
		const char *s = "This is part of XSA-351 (or XSA-93 re-born).";

		CHECK_INT(xh_statement_parse(s, strlen(s), v, 8, NULL), 1);
		CHECK_INT(v[0], 351);
	}
}

/* Prose that names an XSA claims nothing. */
TEST(prose)
{
	CHECK_INT(para("XSA-443 and XSA-497 addressed specific issues."), 0);
	CHECK_INT(para("This is a followup to XSA-273."), 0);
	CHECK_INT(para("This is a follow-up to XSA-273."), 0);
	CHECK_INT(para("This is an update to the fix for XSA-97."), 0);
	CHECK_INT(para("This is (not really) XSA-345 (but necessary to simplify the logic)."), 0);
	CHECK_INT(para("This documents, but does not fix, XSA-300."), 0);
	CHECK_INT(para("This is not XSA-300."), 0);
	CHECK_INT(para("This is a preparing patch for fixing XSA-60. Later patch will fix it"), 0);
	CHECK_INT(para("Part of XSA-295 (c/s 863e74eb2cffb) inadvertently re-positioned the "
		       "brackets, changing the logic."), 0);
	CHECK_INT(para("This patch was originally released as part of XSA-226."), 0);
	CHECK_INT(para("This is XSA-1234x."), 0);
	CHECK_INT(para("This is XSA-12, but not quite."), 0);
	CHECK_INT(para("This isn't XSA-12."), 0);
	CHECK_INT(para("Partly XSA-12."), 0);
	CHECK_INT(para("This XSA-440 fix was incomplete."), 0);
	CHECK_INT(para("This fixes XSA-440 only partly, see below."), 0);
	CHECK_INT(para("XSA-60 security hole comes from the problematic vmx_set_uc_mode."), 0);
}

/* A statement must open its paragraph; the subject line is none. */
TEST(paragraphs)
{
	int v[8];

	CHECK_INT(claims_of("x86: fix it\n\nSome text.\nThis is XSA-12.\n", v), 0);
	CHECK_INT(claims_of("This is XSA-12.\n\nbody\n", v), 0);
	CHECK_INT(claims_of("x86: fix\n\nThis is part of\nXSA-13.\n\nSigned-off-by: a\n", v), 1);
	CHECK_INT(v[0], 13);
	CHECK_INT(claims_of("s\n\n  This is XSA-14.\n", v), 1);
	CHECK_INT(claims_of("s\n\nThis is CVE-2026-62435.\n\nEverything together is XSA-501.\n", v),
		  1);
	CHECK_INT(v[0], 501);
	CHECK_INT(claims_of("s\n\nThis is XSA-20.\n\nThis is XSA-21.\n", v), 2);
	CHECK_INT(v[1], 21);
	/* xenstable's trailer */
	CHECK_INT(claims_of("s\n\nbody\n\nXSA: 488\nSigned-off-by: a\n", v), 1);
	CHECK_INT(v[0], 488);
	CHECK_INT(claims_of("s\n\nXSA: XSA-489, 490\n", v), 2);
	CHECK_INT(claims_of("s\n\nXSA: see the advisory\n", v), 0);
}

TEST(links_and_reverts)
{
	struct xh_msg_facts f;
	const char *m = "s\n\nbody\n\nSigned-off-by: a\n"
			"master commit: 0bfe567b58f1182889dea9207103fc9d00baf414\n"
			"master date: 2024-11-12 13:32:45 +0100\n";
	const char *c = "s\n\nThis is CVE-2024-45819 / XSA-464.\n\n"
			"(cherry picked from commit 53B7246BDFB3C280ADCDF714918E4DECB7E108F4)\n";
	const char *r = "Revert \"x\"\n\nThis reverts commit 16f4360325c2acd7db1cc9195baa3c2b6a5484e2.\n";
	const char *shortid = "s\n\nmaster commit: 0bfe567b58\n";

	xh_msg_scan(m, strlen(m), &f);
	CHECK_INT(f.nr_links, 1);
	CHECK_STR(f.links[0], "0bfe567b58f1182889dea9207103fc9d00baf414");
	CHECK_INT(f.nr_claims, 0);
	xh_msg_scan(c, strlen(c), &f);
	CHECK_INT(f.nr_links, 1);
	CHECK_STR(f.links[0], "53b7246bdfb3c280adcdf714918e4decb7e108f4");
	CHECK_INT(f.nr_claims, 1);
	CHECK_INT(f.nr_cves, 1);
	CHECK_STR(f.cves[0], "CVE-2024-45819");
	xh_msg_scan(r, strlen(r), &f);
	CHECK_INT(f.nr_reverts, 1);
	CHECK_STR(f.reverts[0], "16f4360325c2acd7db1cc9195baa3c2b6a5484e2");
	/* only full ids: an abbreviation could name anything */
	xh_msg_scan(shortid, strlen(shortid), &f);
	CHECK_INT(f.nr_links, 0);
}

static int vuln(const char *s, int *lo, int *hi)
{
	return xh_vulnerable_parse(s, strlen(s), lo, hi);
}

TEST(vulnerable_systems)
{
	int lo, hi;

	CHECK_INT(vuln("All versions of Xen are vulnerable.\n", &lo, &hi), 1);
	CHECK_INT(lo, 0);
	CHECK_INT(hi, 0);
	CHECK_INT(vuln("Xen versions 4.17 and later are vulnerable.  Xen 4.16 and older are "
		       "not vulnerable.\n", &lo, &hi), 1);
	CHECK_INT(lo, 417);
	CHECK_INT(hi, 0);
	CHECK_INT(vuln("Xen 4.13.x through 4.17.x are vulnerable.\n", &lo, &hi), 1);
	CHECK_INT(lo, 413);
	CHECK_INT(hi, 417);
	CHECK_INT(vuln("Xen versions from at least 3.2 onwards are vulnerable.\n", &lo, &hi), 1);
	CHECK_INT(lo, 302);
	CHECK_INT(vuln("The vulnerability was introduced in Xen 4.19.\n", &lo, &hi), 1);
	CHECK_INT(lo, 419);
	CHECK_INT(vuln("Only x86 systems are vulnerable.  Arm systems are not vulnerable.\n",
		       &lo, &hi), 0);
	CHECK_INT(vuln("Test systems only.\n", &lo, &hi), 0);
	CHECK_INT(vuln("Xen 4.18 and earlier are vulnerable.\n", &lo, &hi), 1);
	CHECK_INT(lo, 0);
	CHECK_INT(hi, 418);
}

TEST(describe)
{
	struct strbuf base = STRBUF_INIT, hex = STRBUF_INIT;
	long ahead = 0;

	CHECK_INT(xh_rev_describe_parse("4.17.2+55-g0b56bed864", &base, &ahead, &hex), 1);
	CHECK_STR(base.buf, "4.17.2");
	CHECK_INT(ahead, 55);
	CHECK_STR(hex.buf, "0b56bed864");
	CHECK_INT(xh_rev_describe_parse("RELEASE-4.19.1-3-gABCDEF1", &base, &ahead, &hex), 1);
	CHECK_STR(base.buf, "RELEASE-4.19.1");
	CHECK_INT(ahead, 3);
	CHECK_STR(hex.buf, "abcdef1");
	CHECK_INT(xh_rev_describe_parse("4.17.2+55-g0b56bed864-1", &base, &ahead, &hex), 1);
	CHECK_STR(hex.buf, "0b56bed864");
	CHECK_INT(xh_rev_describe_parse("RELEASE-4.19.1", &base, &ahead, &hex), 0);
	CHECK_INT(xh_rev_describe_parse("0b56bed864", &base, &ahead, &hex), 0);
	CHECK_INT(xh_rev_describe_parse("x-gabc", &base, &ahead, &hex), 0);
	CHECK_INT(xh_rev_describe_parse("-55-g0b56bed864", &base, &ahead, &hex), 0);
	strbuf_release(&base);
	strbuf_release(&hex);
}

int main(void)
{
	RUN(statements);
	RUN(prose);
	RUN(paragraphs);
	RUN(links_and_reverts);
	RUN(vulnerable_systems);
	RUN(describe);
	return unit_done();
}
