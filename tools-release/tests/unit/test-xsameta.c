/*
 * test-xsameta.c: the strict JSON reader (lib/json-strict.h) and the
 * security team's xsaNNN.meta (domain/xsa-meta.h): what is read, what is
 * refused and where, and the prerequisite order of xsa apply.
 */
#include "unit.h"
#include "json-strict.h"
#include "strbuf.h"
#include "usage.h"
#include "xsa-meta.h"

/* Messages go to stderr: catch them to check file, line and words. */
static int err_fd = -1;
static FILE *err_file;

static void catch_begin(void)
{
	fflush(stderr);
	err_file = tmpfile();
	err_fd = dup(2);
	dup2(fileno(err_file), 2);
}

static void catch_end(struct strbuf *out)
{
	char buf[4096];
	size_t n;

	fflush(stderr);
	dup2(err_fd, 2);
	close(err_fd);
	rewind(err_file);
	while ((n = fread(buf, 1, sizeof(buf), err_file)) > 0)
		strbuf_add(out, buf, n);
	fclose(err_file);
}

#define CHECK_HAS(hay, needle) do {						\
	const char *h_ = (hay), *n_ = (needle);					\
	int ok_ = h_ && strstr(h_, n_) != NULL;					\
	unit_report(ok_, "message has: " #needle, __FILE__, __LINE__);		\
	if (!ok_)								\
		printf("#   got: '%s'\n#   want in it: '%s'\n", h_, n_);	\
} while (0)

static int jparse(const char *text, struct jnode **out, struct strbuf *err)
{
	int rc;

	catch_begin();
	rc = jnode_parse(text, strlen(text), "t.json", out);
	catch_end(err);
	return rc;
}

TEST(json_lines_and_types)
{
	struct strbuf err = STRBUF_INIT;
	struct jnode *n = NULL;
	const struct jnode *a;

	CHECK_INT(jparse("{\n  \"a\": [1,\n 2.5, \"x\"],\n  \"b\": {\"c\": null,\n\"d\": true}\n}\n",
			 &n, &err), 0);
	CHECK(n && n->type == JN_OBJECT && n->nr == 2);
	if (!n)
		return;
	CHECK_INT(n->line, 1);
	CHECK_INT(n->key_lines[1], 4);
	a = jnode_get(n, "a");
	CHECK(a && a->type == JN_ARRAY && a->nr == 3 && a->line == 2);
	CHECK(a && a->v[0]->type == JN_INT && a->v[0]->i == 1 && a->v[0]->line == 2);
	CHECK(a && a->v[1]->type == JN_DOUBLE && a->v[1]->line == 3);
	CHECK(a && a->v[2]->type == JN_STRING && !strcmp(a->v[2]->s, "x"));
	CHECK(jnode_get(jnode_get(n, "b"), "d")->line == 5);
	CHECK(jnode_get(n, "zz") == NULL);
	jnode_free(n);
	strbuf_release(&err);
}

TEST(json_refused)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "{\"a\": 1,\n \"a\": 2}\n", "t.json:2: key \"a\" appears twice in one object (first on line 1)" },
		{ "{\"x\": {\"k\": 1,\n\"j\": 2,\n\"k\": 3}}", "t.json:3: key \"k\" appears twice" },
		{ "[{}, {\"q\":1, \"q\":1}]", "appears twice" },
		{ "{\"a\": 1}\n{\"b\": 2}\n", "t.json:2:" },
		{ "{\"a\": 1} x", "not valid JSON" },
		{ "", "t.json:1: not valid JSON" },
		{ "\n\n", "t.json:2: not valid JSON" },
		{ "{\"a\": // c\n 1}", "not valid JSON" },
		{ "{\"a\": 1,}", "not valid JSON" },
		{ "[99999999999999999999999]", "not valid JSON" },
		{ "{\"a\\u0000b\": 1}", "NUL character" },
		{ "[\"\xff\"]", "not valid JSON" },
		{ "[1,\n\n\n 2,,]", "t.json:4:" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf err = STRBUF_INIT;
		struct jnode *n = (struct jnode *)1;

		CHECK_INT(jparse(bad[i].text, &n, &err), -XS_INPUT);
		CHECK(n == NULL);
		CHECK_HAS(err.buf, bad[i].msg);
		strbuf_release(&err);
	}
	{
		/* NUL bytes and nesting beyond the limit, by length. */
		struct strbuf err = STRBUF_INIT, deep = STRBUF_INIT;
		struct jnode *n;
		int rc;

		catch_begin();
		rc = jnode_parse("{\n\"a\":\0}", 8, "t.json", &n);
		catch_end(&err);
		CHECK_INT(rc, -XS_INPUT);
		CHECK_HAS(err.buf, "t.json:2: JSON contains a NUL byte");
		strbuf_reset(&err);
		strbuf_addchars(&deep, '[', 100);
		strbuf_addchars(&deep, ']', 100);
		CHECK_INT(jparse(deep.buf, &n, &err), -XS_INPUT);
		CHECK_HAS(err.buf, "deeper than");
		strbuf_release(&deep);
		strbuf_release(&err);
	}
}

/* A .meta in the published format (numbers and ids made up). */
static const char good[] =
	"{\n"
	"  \"XSA\": 490,\n"
	"  \"SupportedVersions\": [\n"
	"    \"master\",\n"
	"    \"4.19\",\n"
	"    \"4.17\"\n"
	"  ],\n"
	"  \"Trees\": [\n"
	"    \"xen\"\n"
	"  ],\n"
	"  \"Recipes\": {\n"
	"    \"master\": {\n"
	"      \"XenVersion\": \"master\",\n"
	"      \"Recipes\": {\n"
	"        \"xen\": {\n"
	"          \"StableRef\": \"0123456789ABCDEF0123456789abcdef01234567\",\n"
	"          \"Prereqs\": [],\n"
	"          \"Patches\": [\n"
	"            \"xsa490.patch\"\n"
	"          ]\n"
	"        }\n"
	"      }\n"
	"    },\n"
	"    \"4.19\": {\n"
	"      \"XenVersion\": \"4.19\",\n"
	"      \"Recipes\": {\n"
	"        \"xen\": {\n"
	"          \"StableRef\": \"89abcdef0123456789abcdef0123456789abcdef\",\n"
	"          \"Prereqs\": null,\n"
	"          \"Patches\": [\n"
	"            \"xsa490-4.19/*\"\n"
	"          ]\n"
	"        }\n"
	"      }\n"
	"    },\n"
	"    \"4.17\": {\n"
	"      \"XenVersion\": \"4.17\",\n"
	"      \"Recipes\": {\n"
	"        \"xen\": {\n"
	"          \"StableRef\": \"fedcba9876543210fedcba9876543210fedcba98\",\n"
	"          \"Prereqs\": [\n"
	"            489,\n"
	"            488\n"
	"          ],\n"
	"          \"Patches\": [\n"
	"            \"xsa490-4.17-pre.patch\",\n"
	"            \"xsa490-4.17/*.patch\"\n"
	"          ]\n"
	"        }\n"
	"      }\n"
	"    }\n"
	"  }\n"
	"}\n";

static const char *const names[] = {
	"xsa490.meta", "xsa490.patch", "xsa490-4.19/0002-b.patch", "xsa490-4.19/0001-a.patch",
	"xsa490-4.17-pre.patch", "xsa490-4.17/0001-a.patch", "xsa490-4.17/0002-b.patch",
};

static int mparse(const char *text, struct xsameta *m, struct strbuf *err)
{
	int rc;

	catch_begin();
	rc = xsameta_parse(m, text, strlen(text), "a/xsa490.meta", 490, names,
			   ARRAY_SIZE(names));
	catch_end(err);
	return rc;
}

TEST(meta_good)
{
	struct strbuf err = STRBUF_INIT, pre = STRBUF_INIT;
	struct xsameta m;
	const struct xsameta_recipe *r;

	xsameta_init(&m);
	CHECK_INT(mparse(good, &m, &err), 0);
	CHECK_STR(err.buf, "");
	CHECK_INT(m.xsa, 490);
	CHECK_STR(m.file, "xsa490.meta");
	CHECK_INT(m.versions.nr, 3);
	CHECK_INT(m.nr, 3);
	r = xsameta_recipe(&m, "master", "xen");
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(r->stable_ref, "0123456789abcdef0123456789abcdef01234567");
		CHECK_INT(r->nr_prereqs, 0);
		CHECK_INT(r->files.nr, 1);
	}
	r = xsameta_recipe(&m, "4.19", "xen");
	CHECK(r && r->nr_prereqs == 0 && r->files.nr == 2);
	if (r) {
		/* A glob expands in name order. */
		CHECK_STR(r->files.v[0], "xsa490-4.19/0001-a.patch");
		CHECK_STR(r->files.v[1], "xsa490-4.19/0002-b.patch");
	}
	r = xsameta_recipe(&m, "4.17", "xen");
	CHECK(r && r->nr_prereqs == 2 && r->files.nr == 3);
	if (r) {
		CHECK_INT(r->prereqs[0], 489);
		CHECK_INT(r->prereqs[1], 488);
		CHECK_INT(r->prereqs_line, 41);
		CHECK_STR(r->files.v[0], "xsa490-4.17-pre.patch");
		CHECK_STR(r->files.v[2], "xsa490-4.17/0002-b.patch");
		xsameta_prereqs_str(r, &pre);
		CHECK_STR(pre.buf, "prerequisites XSA-489, XSA-488");
	}
	CHECK(xsameta_recipe(&m, "4.18", "xen") == NULL);
	CHECK(xsameta_recipe(&m, "4.19", "qemu-xen") == NULL);
	xsameta_release(&m);
	strbuf_release(&err);
	strbuf_release(&pre);
}

/* good with one change: the first occurrence of from replaced by to. */
static char *mutate(const char *from, const char *to)
{
	const char *at = strstr(good, from);
	struct strbuf sb = STRBUF_INIT;

	if (!at)
		BUG("'%s' is not in the sample", from);
	strbuf_add(&sb, good, (size_t)(at - good));
	strbuf_addstr(&sb, to);
	strbuf_addstr(&sb, at + strlen(from));
	return strbuf_detach(&sb, NULL);
}

TEST(meta_refused)
{
	static const struct { const char *from, *to, *msg; } bad[] = {
		{ "\"XSA\": 490", "\"XSA\": 489", "a/xsa490.meta:2: XSA is 489, but the advisory is XSA-490" },
		{ "\"XSA\": 490", "\"XSA\": \"490\"", ":2: XSA must be a whole number, not a string" },
		{ "\"XSA\": 490,", "\"XSA\": 490, \"XSA\": 490,", ":2: key \"XSA\" appears twice" },
		{ "\"Trees\"", "\"Tree\"", ":8: the .meta: unknown key \"Tree\"" },
		{ "\"Prereqs\": [],", "\"Prereq\": [],", ":17: Recipes[\"master\"].Recipes[\"xen\"]: unknown key \"Prereq\"" },
		{ "\"Prereqs\": [],", "", ":15: Recipes[\"master\"].Recipes[\"xen\"] has no Prereqs" },
		{ "489,", "\"489\",", ":42: Recipes[\"4.17\"].Recipes[\"xen\"].Prereqs holds a string, not an XSA number" },
		{ "489,", "490,", ":42: Recipes[\"4.17\"].Recipes[\"xen\"].Prereqs: XSA-490 cannot be its own prerequisite" },
		{ "489,", "488,", "Prereqs lists XSA-488 twice" },
		{ "489,", "4.5,", "holds a fractional number, not an XSA number" },
		{ "489,", "0,", "0 is not an XSA number" },
		{ "\"Prereqs\": null", "\"Prereqs\": {}", ":29: Recipes[\"4.19\"].Recipes[\"xen\"].Prereqs must be a list, not an object" },
		{ "\"89abcdef0123456789abcdef0123456789abcdef\"", "\"stable-4.19\"", ":28: Recipes[\"4.19\"].Recipes[\"xen\"].StableRef \"stable-4.19\" is not a commit id" },
		{ "\"89abcdef0123456789abcdef0123456789abcdef\"", "\"89abcdef\"", "is not a commit id" },
		{ "\"xsa490-4.19/*\"", "\"../xsa490-4.19/*\"", ":31: Recipes[\"4.19\"].Recipes[\"xen\"].Patches: unsafe name \"../xsa490-4.19/*\"" },
		{ "\"xsa490-4.19/*\"", "\"/etc/*\"", "unsafe name" },
		{ "\"xsa490-4.19/*\"", "\"xsa490-4.18/*\"", ":31: Recipes[\"4.19\"].Recipes[\"xen\"].Patches: \"xsa490-4.18/*\" matches no file" },
		{ "\"xsa490-4.19/*\"", "\"xsa490*.meta\"", "matches no file" },
		{ "\"xsa490-4.17-pre.patch\",", "\"xsa490-4.17/0001-a.patch\",", "Patches names xsa490-4.17/0001-a.patch twice" },
		{ "\"XenVersion\": \"4.19\"", "\"XenVersion\": \"4.18\"", ":25: Recipes[\"4.19\"].XenVersion is \"4.18\", not \"4.19\"" },
		{ "    \"4.17\"\n  ],", "    \"4.17\",\n    \"4.16\"\n  ],", ":12: Recipes has no recipe for 4.16 (SupportedVersions, line 3, lists it)" },
		{ "    \"4.17\"\n  ],", "    \"4.17\",\n    \"4.17\"\n  ],", "SupportedVersions lists \"4.17\" twice" },
		{ "    \"master\",\n", "    \"unstable\",\n", ":4: SupportedVersions: \"unstable\" is not a Xen version" },
		{ "    \"master\",\n    \"4.19\",\n", "    \"master\",\n", ":23: Recipes has a recipe for \"4.19\", which SupportedVersions does not list" },
		{ "\"xen\"\n  ]", "\"Xen Project\"\n  ]", "Trees: \"Xen Project\" is not a source tree name" },
		{ "        \"xen\": {\n          \"StableRef\": \"89ab", "        \"qemu-xen\": {\n          \"StableRef\": \"89ab", ":27: Recipes[\"4.19\"].Recipes[\"qemu-xen\"]: tree not listed in Trees" },
		{ "\"Recipes\": {\n    \"master\"", "\"Recipes\": [\n    \"master\"", "not valid JSON" },
		{ "\"xsa490.patch\"", "\"xsa490.patch\u00e9\"", ":19: Recipes[\"master\"].Recipes[\"xen\"].Patches: unsafe name" },
		{ "\"xsa490.patch\"", "\"xsa490.patch?\"", "matches no file" },
		{ "\"XSA\": 490", "\"XSA\": 490, \"Note\": \"\\u001b[31m\"", "unknown key \"Note\"" },
		{ "\"Trees\": [\n    \"xen\"\n  ]", "\"Trees\": []", ":8: Trees is empty" },
		{ "\"Trees\": [\n    \"xen\"\n  ]", "\"Trees\": null", ":8: Trees must be a list, not null" },
		{ "  \"XSA\": 490,\n", "", ":1: the .meta has no XSA" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf err = STRBUF_INIT;
		struct xsameta m;
		char *text = mutate(bad[i].from, bad[i].to);

		xsameta_init(&m);
		CHECK_INT(mparse(text, &m, &err), -XS_INPUT);
		CHECK_HAS(err.buf, bad[i].msg);
		xsameta_release(&m);
		strbuf_release(&err);
		free(text);
	}
}

TEST(meta_escapes_what_it_quotes)
{
	struct strbuf err = STRBUF_INIT;
	struct xsameta m;
	char *text = mutate("\"Trees\"", "\"T\\u001b[2Jrees\"");

	xsameta_init(&m);
	CHECK_INT(mparse(text, &m, &err), -XS_INPUT);
	CHECK(!strchr(err.buf, '\033'));
	CHECK_HAS(err.buf, "unknown key \"T\\x1b[2Jrees\"");
	xsameta_release(&m);
	strbuf_release(&err);
	free(text);
}

TEST(order)
{
	/* 920 needs 921; 922 needs 920 and an XSA not in the run. */
	const int xsa[] = { 920, 921, 922, 923 };
	const int p920[] = { 921 }, p922[] = { 920, 777 };
	const int *pre[] = { p920, NULL, p922, NULL };
	const size_t nr[] = { 1, 0, 2, 0 };
	size_t order[4];
	struct strbuf cyc = STRBUF_INIT;

	CHECK_INT(xsameta_order(xsa, pre, nr, 4, order, &cyc), 0);
	CHECK(order[0] == 1 && order[1] == 0 && order[2] == 2 && order[3] == 3);
	{
		/* Nothing needed: the order stays. */
		const int *none[] = { NULL, NULL, NULL, NULL };
		const size_t zero[] = { 0, 0, 0, 0 };

		CHECK_INT(xsameta_order(xsa, none, zero, 4, order, &cyc), 0);
		CHECK(order[0] == 0 && order[1] == 1 && order[2] == 2 && order[3] == 3);
	}
	{
		/* 930 -> 931 -> 932 -> 930, and 933 after 932. */
		const int x[] = { 930, 931, 932, 933 };
		const int a[] = { 931 }, b[] = { 932 }, c[] = { 930 }, d[] = { 932 };
		const int *p[] = { a, b, c, d };
		const size_t n[] = { 1, 1, 1, 1 };

		CHECK_INT(xsameta_order(x, p, n, 4, order, &cyc), -1);
		CHECK_STR(cyc.buf, "XSA-930 needs XSA-931 needs XSA-932 needs XSA-930");
	}
	strbuf_release(&cyc);
}

int main(void)
{
	RUN(json_lines_and_types);
	RUN(json_refused);
	RUN(meta_good);
	RUN(meta_refused);
	RUN(meta_escapes_what_it_quotes);
	RUN(order);
	return unit_done();
}
