/*
 * test-verdict.c: the pieces verdicts rest on (TRUST.md): what an
 * advisory's VULNERABLE SYSTEMS section says, exact branch refs, the XSA
 * states and which of them fail --check.
 */
#include "compat.h"
#include "unit.h"
#include "usage.h"
#include "branch.h"
#include "xsa-status.h"
#include "xsa-vuln.h"

static enum xsa_vuln_answer ask(const char *text, int major, int minor, const char **why)
{
	static struct xsa_vuln x;
	const struct xsa_vuln_stmt *s;
	enum xsa_vuln_answer a;

	xsa_vuln_release(&x);
	xsa_vuln_parse(&x, text, strlen(text), 10);
	a = xsa_vuln_branch(&x, major, minor, &s);
	if (why)
		*why = s ? s->text : x.why;
	return a;
}

TEST(vuln_phrasings)
{
	const char *why = NULL;
	/* As real advisories write it (XSA-480 says the first). */
	static const char a480[] =
		"Xen 4.17 and onwards are vulnerable.  Xen 4.16 and older are not vulnerable.\n"
		"\n"
		"Only x86 Intel systems with EPT support are vulnerable.\n";
	static const char later[] =
		"Xen versions 4.17 and later are vulnerable.\n\nOnly x86 systems are vulnerable.\n";
	static const char all[] = "All versions of Xen are vulnerable.\n\n"
		"Only x86 systems are vulnerable.  ARM systems are not vulnerable.\n";
	static const char all2[] = "All Xen versions are affected.\n\nx86 systems are vulnerable.\n";
	static const char least[] = "All Xen versions from at least 3.2 onwards are vulnerable.  "
		"Earlier\nversions have not been inspected.\n";
	static const char from[] = "All Xen versions from 4.0 onwards are vulnerable.  Xen versions "
		"3.4 and\nearlier are not vulnerable.\n";
	static const char through[] = "Xen versions 4.11 through 4.16 are vulnerable.  Xen versions "
		"4.10 and\nearlier are not vulnerable.\n";
	static const char only[] = "Only Xen version 4.17 is vulnerable.\n\n"
		"Only x86 AMD systems are vulnerable.\n";
	static const char one[] = "Xen version 4.15 is vulnerable.  Xen versions 4.14 and earlier "
		"are not\nvulnerable.\n";

	CHECK_INT(ask(a480, 4, 16, &why), XSA_VULN_NO);
	CHECK_STR(why, "Xen 4.16 and older are not vulnerable.");
	CHECK_INT(ask(a480, 4, 17, NULL), XSA_VULN_YES);
	CHECK_INT(ask(a480, 4, 22, NULL), XSA_VULN_YES);
	CHECK_INT(ask(later, 4, 16, &why), XSA_VULN_NO);
	CHECK_STR(why, "Xen versions 4.17 and later are vulnerable.");
	CHECK_INT(ask(later, 4, 19, NULL), XSA_VULN_YES);
	CHECK_INT(ask(all, 4, 16, NULL), XSA_VULN_YES);
	CHECK_INT(ask(all2, 4, 16, NULL), XSA_VULN_YES);
	CHECK_INT(ask(least, 4, 16, NULL), XSA_VULN_YES);
	CHECK_INT(ask(from, 4, 16, NULL), XSA_VULN_YES);
	CHECK_INT(ask(from, 3, 4, NULL), XSA_VULN_NO);
	CHECK_INT(ask(through, 4, 16, NULL), XSA_VULN_YES);
	CHECK_INT(ask(through, 4, 17, &why), XSA_VULN_NO);
	CHECK_STR(why, "Xen versions 4.11 through 4.16 are vulnerable.");
	CHECK_INT(ask(through, 4, 10, NULL), XSA_VULN_NO);
	CHECK_INT(ask(only, 4, 17, NULL), XSA_VULN_YES);
	CHECK_INT(ask(only, 4, 16, NULL), XSA_VULN_NO);
	CHECK_INT(ask(only, 4, 18, NULL), XSA_VULN_NO);
	/* Not "only": newer versions are not said to be safe. */
	CHECK_INT(ask(one, 4, 16, NULL), XSA_VULN_UNKNOWN);
	CHECK_INT(ask(one, 4, 14, NULL), XSA_VULN_NO);
}

TEST(vuln_no_guessing)
{
	const char *why = NULL;
	static const char cond[] = "All versions of Xen containing the XSA-407 fixes are "
		"vulnerable.\n\nSee XSAs 407 and 434 for details.\n";
	static const char principle[] = "All Xen versions from at least 3.2 onwards are vulnerable "
		"in principle,\nif they have the XSA-380 fixes applied.\n";
	static const char releases[] = "For stable Xen releases: 4.13.4, 4.14.3 and 4.15.1 are "
		"vulnerable.\nOther versions of Xen released by the Xen Project are not affected.\n";
	static const char linux_only[] = "All versions of Linux from 5.5 are potentially "
		"vulnerable.\n\nOnly x86 guests are vulnerable.\n";
	static const char contra[] = "Xen versions 4.16 and later are vulnerable.  Xen 4.16 is "
		"not vulnerable.\n";
	static const char half[] = "Xen 4.17 and onwards are vulnerable.  The HEADs of 4.13 and "
		"later (including xen-unstable) were vulnerable.\n";

	CHECK_INT(ask(cond, 4, 16, &why), XSA_VULN_UNKNOWN);
	CHECK(why && strstr(why, "XSA-407"));
	CHECK_INT(ask(principle, 4, 16, NULL), XSA_VULN_UNKNOWN);
	CHECK_INT(ask(releases, 4, 16, NULL), XSA_VULN_UNKNOWN);
	CHECK_INT(ask(linux_only, 4, 16, &why), XSA_VULN_UNKNOWN);
	CHECK_STR(why, "no sentence names the vulnerable Xen versions");
	CHECK_INT(ask(contra, 4, 16, NULL), XSA_VULN_UNKNOWN);
	/* One sentence not understood: none is used. */
	CHECK_INT(ask(half, 4, 16, NULL), XSA_VULN_UNKNOWN);
	CHECK_INT(ask("", 4, 16, NULL), XSA_VULN_UNKNOWN);
	CHECK_INT(ask("Xen 4.17 and onwards are\x1b vulnerable.", 4, 17, &why), XSA_VULN_YES);
	CHECK(why && !strchr(why, '\x1b'));
}

TEST(vuln_section)
{
	static const char signed_adv[] =
		"-----BEGIN PGP SIGNED MESSAGE-----\n"
		"Hash: SHA256\n"
		"\n"
		"            Xen Security Advisory XSA-480\n"
		"\n"
		"IMPACT\n"
		"======\n"
		"\n"
		"Bad.\n"
		"\n"
		"VULNERABLE SYSTEMS\n"
		"==================\n"
		"\n"
		"Xen 4.17 and onwards are vulnerable.  Xen 4.16 and older are not vulnerable.\n"
		"- - dash-escaped line.\n"
		"\n"
		"MITIGATION\n"
		"==========\n"
		"\n"
		"None.\n"
		"-----BEGIN PGP SIGNATURE-----\n"
		"\n"
		"xyz\n"
		"-----END PGP SIGNATURE-----\n";
	struct strbuf body = STRBUF_INIT;
	struct xsa_vuln x;
	int line = 0;

	CHECK_INT(xsa_vuln_section(signed_adv, strlen(signed_adv), &body, &line), 0);
	CHECK_INT(line, 13);
	CHECK(strstr(body.buf, "Xen 4.16 and older") != NULL);
	CHECK(strstr(body.buf, "\n- dash-escaped line.\n") != NULL);
	CHECK(strstr(body.buf, "MITIGATION") == NULL);
	xsa_vuln_parse(&x, body.buf, body.len, line);
	CHECK_INT(x.nr, 2);
	CHECK_INT(x.nr ? x.v[1].line : 0, 14);
	xsa_vuln_release(&x);
	strbuf_reset(&body);
	CHECK_INT(xsa_vuln_section("no sections\n", 12, &body, &line), 1);
	strbuf_release(&body);
}

TEST(branch_refs_are_exact)
{
	static const char conf[] =
		"[branch]\n\tversion = 4.19\n\tref = %s\n\tinitial-release = 2024-07-29\n"
		"\tsupported-until = 2026-01-29\n\tsecurity-support-until = 2029-07-29\n"
		"\ttag-format = RELEASE-%%v\n\ttarball-name = xen-%%v\n";
	const char *refs[] = { "stable-4.19", "refs/heads/stable-4.19" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(refs); i++) {
		struct branch b;
		char text[512];

		snprintf(text, sizeof(text), conf, refs[i]);
		memset(&b, 0, sizeof(b));
		CHECK_INT(branch_parse(&b, "branches/4.19.conf", text, strlen(text)), 0);
		CHECK_STR(b.ref, "stable-4.19");
		CHECK_STR(b.full_ref, "refs/heads/stable-4.19");
		branch_release(&b);
	}
	{
		struct branch b;
		char text[512];

		snprintf(text, sizeof(text), conf, "refs/tags/stable-4.19");
		memset(&b, 0, sizeof(b));
		CHECK(branch_parse(&b, "branches/4.19.conf", text, strlen(text)) == -XS_INPUT);
		branch_release(&b);
	}
}

TEST(states)
{
	CHECK_STR(xsa_state_name(XSA_CLAIMED), "claimed");
	CHECK_STR(xsa_state_name(XSA_UNMAPPED), "unmapped");
	CHECK(xsa_state_fails_check(XSA_PENDING));
	CHECK(xsa_state_fails_check(XSA_CLAIMED));
	CHECK(xsa_state_fails_check(XSA_UNMAPPED));
	CHECK(!xsa_state_fails_check(XSA_APPLIED));
	CHECK(!xsa_state_fails_check(XSA_EMBARGOED));
	CHECK(!xsa_state_fails_check(XSA_NOT_AFFECTED));
	CHECK(xsa_state_from_name("claimed") == (int)XSA_CLAIMED);
	CHECK(xsa_state_from_name("nonsense") < 0);
}

int main(void)
{
	xs_quiet = 1;
	RUN(vuln_phrasings);
	RUN(vuln_no_guessing);
	RUN(vuln_section);
	RUN(branch_refs_are_exact);
	RUN(states);
	return unit_done();
}
