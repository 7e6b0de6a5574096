/* Unit tests for what advisory intake reads from untrusted input: times
 * with their zones (advisory text, mail Date), strict JSON, and the
 * escaping of control characters on their way to a terminal. */
#include "unit.h"
#include "strbuf.h"
#include "date.h"
#include "escape.h"
#include "json.h"
#include "usage.h"
#include "xsa.h"

/* date_parse_zoned() on s: the time, or -1 (why is set). */
static int64_t zoned(const char *s, size_t *used)
{
	const char *why = NULL;
	size_t u = 0;
	int64_t t = 0;

	if (date_parse_zoned(s, &t, &u, &why))
		t = -1;
	if (used)
		*used = u;
	return t;
}

TEST(zoned_times)
{
	int64_t noon;
	size_t used;

	CHECK(!date_parse_time("2026-12-15 12:00", &noon));
	CHECK_INT(zoned("2026-12-15 12:00 UTC ***", &used), noon);
	CHECK_INT(used, 20);
	CHECK_INT(zoned("2026-12-15 12:00 GMT", NULL), noon);
	CHECK_INT(zoned("2026-12-15 12:00 UT,", NULL), noon);
	CHECK_INT(zoned("2026-12-15 12:00 utc.", NULL), noon);
	CHECK_INT(zoned("2026-12-15 12:00Z", &used), noon);
	CHECK_INT(used, 17);
	CHECK_INT(zoned("2026-12-15T12:00:00Z", NULL), noon);
	CHECK_INT(zoned("2026-12-15 12:00 +0000", NULL), noon);
	CHECK_INT(zoned("2026-12-15 07:00 -0500", NULL), noon);
	CHECK_INT(zoned("2026-12-15 07:00-05:00", NULL), noon);
	CHECK_INT(zoned("2026-12-15 13:00 +01", NULL), noon);
	CHECK_INT(zoned("2026-12-16 01:45 +13:45", NULL), noon);
	CHECK_INT(zoned("2026-12-15 12:00 -0500", NULL), noon + 5 * 3600);
	/* Abbreviations that mean different offsets in different places. */
	CHECK_INT(zoned("2026-12-15 12:00 EST", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 EDT", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 BST", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 IST", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 CET", NULL), -1);
	/* UTC+1 vs Etc/GMT+1 read opposite ways: refused. */
	CHECK_INT(zoned("2026-12-15 12:00 UTC+1", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 GMT-05:00", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 UTCX", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 Z0", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 +25", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 +0575", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 -5", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 +05.5", NULL), -1);
	/* No zone, no time, no valid time. */
	CHECK_INT(zoned("2026-12-15 12:00", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 ***", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:00 (UTC)", NULL), -1);
	CHECK_INT(zoned("2026-12-15 ***", NULL), -1);
	CHECK_INT(zoned("2026-12-15", NULL), -1);
	CHECK_INT(zoned("2026-12-15 24:00 UTC", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:60 UTC", NULL), -1);
	CHECK_INT(zoned("2026-02-30 12:00 UTC", NULL), -1);
	CHECK_INT(zoned("2026-12-15 12:000 UTC", NULL), -1);
	CHECK_INT(zoned("2026-12-", NULL), -1);
	CHECK_INT(zoned("", NULL), -1);
}

static int64_t mail_date(const char *s)
{
	const char *why = NULL;
	int64_t t = 0;

	return date_parse_rfc5322(s, &t, &why) ? -1 : t;
}

TEST(mail_dates)
{
	int64_t t;

	CHECK(!date_parse_time("2026-04-17 17:02:12", &t));
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 +0000"), t);
	CHECK_INT(mail_date("17 Apr 2026 17:02:12 +0000"), t);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 19:02:12 +0200 (CEST)"), t);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 13:02:12 -0400"), t);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 13:02:12 EDT"), t);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 12:02:12 EST"), t);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 GMT"), t);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 UT"), t);
	CHECK_INT(mail_date("  Fri,  17 Apr 2026 17:02:12 +0000  "), t);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02 +0000"), t - 12);
	/* Unknown or military zones, wrong weekday, junk. */
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 CEST"), -1);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 Z"), -1);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 A"), -1);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12"), -1);
	CHECK_INT(mail_date("Mon, 17 Apr 2026 17:02:12 +0000"), -1);
	CHECK_INT(mail_date("Fri, 17 Apr 26 17:02:12 +0000"), -1);
	CHECK_INT(mail_date("Fri, 31 Apr 2026 17:02:12 +0000"), -1);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 +0000 junk"), -1);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 +00"), -1);
	CHECK_INT(mail_date("2026-04-17 17:02:12"), -1);
	CHECK_INT(mail_date(""), -1);
	CHECK_INT(mail_date("Fri, 17 Apr 2026 17:02:12 +0000 (unclosed"), -1);
}

TEST(escape)
{
	struct strbuf sb = STRBUF_INIT;
	size_t at = 0;
	unsigned code = 0;
	char name[16];

	{
		static const char t1[] = "a\x1b[31mb\tc\nd\re\x7f";

		text_escape(&sb, t1, strlen(t1), 0);
	}
	CHECK_STR(sb.buf, "a\\x1b[31mb\\tc\\nd\\re\\x7f");
	strbuf_reset(&sb);
	/* C1 CSI as UTF-8, a lone 0x9b byte, RLO, an isolate, fine UTF-8. */
	{
		static const char t2[] = "x\xc2\x9by\x9bz\xe2\x80\xae" "w\xe2\x81\xa6v\xc3\xa9";

		text_escape(&sb, t2, strlen(t2), 0);
	}
	CHECK_STR(sb.buf, "x\\u009by\xef\xbf\xbdz\\u202ew\\u2066v\xc3\xa9");
	strbuf_reset(&sb);
	text_escape(&sb, "l1\r\nl2\tx\r", 9, TEXT_ALLOW_NEWLINE | TEXT_ALLOW_TAB);
	CHECK_STR(sb.buf, "l1\r\nl2\tx\\r");
	strbuf_release(&sb);
	CHECK_STR(text_safe("plain title"), "plain title");
	CHECK_STR(text_safe("\x1b]0;owned\x07"), "\\x1b]0;owned\\x07");
	CHECK_STR(text_safe(NULL), "");

	CHECK(!text_find_ctrl("fine\ttext", 9, TEXT_ALLOW_TAB, &at, &code));
	CHECK(text_find_ctrl("fine\ttext", 9, 0, &at, &code) && at == 4 && code == '\t');
	CHECK(!text_find_ctrl("a\r\nb\n", 5, TEXT_ALLOW_NEWLINE, &at, &code));
	CHECK(text_find_ctrl("a\rb\n", 4, TEXT_ALLOW_NEWLINE, &at, &code) && at == 1);
	CHECK(text_find_ctrl("ok \xc2\x85", 5, 0, &at, &code) && at == 3 && code == 0x85);
	CHECK(text_find_ctrl("ok \xe2\x80\xad", 6, 0, &at, &code) && code == 0x202d);
	CHECK(!text_find_ctrl("caf\xc3\xa9 \xff", 7, 0, &at, &code));
	text_ctrl_name(0x1b, name);
	CHECK_STR(name, "0x1b");
	text_ctrl_name(0x202e, name);
	CHECK_STR(name, "U+202E");
}

static int parses(const char *doc, unsigned flags)
{
	yajl_val v = NULL;
	int rc = json_parse_flags(doc, strlen(doc), "t.json", flags, &v);

	json_free(v);
	return rc;
}

TEST(json_strict)
{
	CHECK_INT(parses("{\"a\":1,\"b\":{\"a\":2}}", 0), 0);
	CHECK_INT(parses("[{\"a\":1},{\"a\":2}]", 0), 0);
	CHECK_INT(parses("{\"a\":1,\"a\":2}", 0), -XS_INPUT);
	CHECK_INT(parses("{\"x\":[{\"t\":\"a\",\"u\":1,\"t\":\"b\"}]}", 0), -XS_INPUT);
	/* The same key after an escape: still the same key. */
	CHECK_INT(parses("{\"title\":1,\"ti\\u0074le\":2}", 0), -XS_INPUT);
	CHECK_INT(parses("{\"a\":1 /* note */}", 0), -XS_INPUT);
	CHECK_INT(parses("// note\n{\"a\":1}", 0), -XS_INPUT);
	CHECK_INT(parses("{\"t\":\"a\\u001b[2Jb\"}", 0), 0);
	CHECK_INT(parses("{\"t\":\"a\\u001b[2Jb\"}", JSON_NO_CONTROL), -XS_INPUT);
	CHECK_INT(parses("{\"t\":\"a\\nb\"}", JSON_NO_CONTROL), -XS_INPUT);
	CHECK_INT(parses("{\"t\":\"a\\u0000b\"}", JSON_NO_CONTROL), -XS_INPUT);
	CHECK_INT(parses("{\"t\":\"a\\u009bb\"}", JSON_NO_CONTROL), -XS_INPUT);
	CHECK_INT(parses("{\"t\":\"a\\u202eb\"}", JSON_NO_CONTROL), -XS_INPUT);
	CHECK_INT(parses("{\"t\\u001b\":\"x\"}", JSON_NO_CONTROL), -XS_INPUT);
	CHECK_INT(parses("{\"t\":\"caf\\u00e9\"}", JSON_NO_CONTROL), 0);
}

/* Parse an advisory from lines; returns the parser's result. */
static int advisory(struct xsa_advisory *a, const char *text)
{
	return xsa_parse_advisory(a, text, strlen(text), "adv.txt", 0);
}

#define ADV_HEAD "        Xen Security Advisory CVE-2026-99902 / XSA-902\n" \
	"                        version 1\n\n" \
	"              hypervisor: a test advisory\n\n"
#define ADV_BODY "ISSUE DESCRIPTION\n=================\n\nA flaw.\n\n" \
	"RESOLUTION\n==========\n\nApplying the patch resolves it.\n\n" \
	"xsa902.patch           xen-unstable - Xen 4.17.x\n\n" \
	"$ sha256sum xsa902*\n" \
	"0000000000000000000000000000000000000000000000000000000000000000  xsa902.patch\n" \
	"$\n"

TEST(advisory_embargo)
{
	struct xsa_advisory a;
	int64_t t;

	xsa_advisory_init(&a);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY), 0);
	CHECK_INT(a.embargo_until, 0);
	CHECK(!date_parse_time("2026-12-15 17:00", &t));
	CHECK_INT(advisory(&a, ADV_HEAD "     *** EMBARGOED UNTIL 2026-12-15 12:00 -0500 ***\n\n"
			   ADV_BODY), 0);
	CHECK_INT(a.embargo_until, t);
	CHECK_INT(a.embargo_line, 6);
	/* The date wraps to the next line of the banner. */
	CHECK_INT(advisory(&a, ADV_HEAD "     *** EMBARGOED UNTIL 2026-12-15\n     17:00 UTC ***\n\n"
			   ADV_BODY), 0);
	CHECK_INT(a.embargo_until, t);
	CHECK_INT(advisory(&a, ADV_HEAD "     *** EMBARGOED UNTIL 2026-12-15 12:00 EST ***\n\n"
			   ADV_BODY), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD "     *** EMBARGOED UNTIL 2026-12-15 12:00 ***\n\n"
			   ADV_BODY), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD "     *** EMBARGOED UNTIL 2026-12-15 ***\n\n"
			   ADV_BODY), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD "     *** EMBARGOED ***\n\n" ADV_BODY), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD "     *** UNDER EMBARGO ***\n\n" ADV_BODY), -XS_INPUT);
	/* A later paragraph on the embargo: its times need a zone too. */
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nNOTE\n====\n\nThe embargo was intended "
			   "to be 2024-01-23 12:00 CET.\n"), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nNOTE\n====\n\nThe embargo was intended "
			   "to be 2024-01-23 12:00 UTC.\n"), 0);
	/* Two statements of the same instant agree; different ones do not. */
	CHECK_INT(advisory(&a, ADV_HEAD "     *** EMBARGOED UNTIL 2026-12-15 12:00 -0500 ***\n\n"
			   ADV_BODY "\nNOTE\n====\n\nThe embargo ends 2026-12-15 17:00 UTC.\n"), 0);
	CHECK_INT(advisory(&a, ADV_HEAD "     *** EMBARGOED UNTIL 2026-12-15 12:00 -0500 ***\n\n"
			   ADV_BODY "\nNOTE\n====\n\nThe embargo ends 2026-12-15 12:00 UTC.\n"),
		  -XS_INPUT);
	xsa_advisory_release(&a);
}

TEST(advisory_text)
{
	struct xsa_advisory a;

	xsa_advisory_init(&a);
	/* A second heading, for another number or the same one. */
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\n"
			   "        Xen Security Advisory CVE-2026-99903 / XSA-903\n"), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD "ISSUE DESCRIPTION\n=================\n\n"
			   "  Xen Security Advisory XSA-903\n\n" ADV_BODY), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nXEN SECURITY ADVISORY XSA-902\n"), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\n\tXen\tSecurity   Advisory XSA-903\n"), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nXen Security Advisory 903 v2 (CVE-2026-1)\n"),
		  -XS_INPUT);
	/* Prose naming another advisory is fine. */
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nThis follows Xen Security Advisory 903.\n"), 0);
	/* Control characters anywhere in the text. */
	CHECK_INT(advisory(&a, "        Xen Security Advisory CVE-2026-99902 / XSA-902\n"
			   "                        version 1\n\n"
			   "              hypervisor: a \x1b[2Jtest advisory\n\n" ADV_BODY),
		  -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nA note\x08\x08\x08.\n"), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nA note\rhidden.\n"), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nA note \xc2\x9b" "31m.\n"), -XS_INPUT);
	CHECK_INT(advisory(&a, ADV_HEAD ADV_BODY "\nTabs\tand CRLF are fine.\r\n"), 0);
	CHECK_STR(a.title, "hypervisor: a test advisory");
	xsa_advisory_release(&a);
}

int main(void)
{
	RUN(zoned_times);
	RUN(mail_dates);
	RUN(escape);
	RUN(json_strict);
	RUN(advisory_embargo);
	RUN(advisory_text);
	return unit_done();
}
