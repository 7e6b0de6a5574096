/*
 * Unit tests for domain/xsa-history-since.c: the XSAs a revision fixes and
 * those new since another, on a scratch history (no verified tag: every
 * complete fix is claimed).
 */
#define UNIT_WITH_SHELL
#include "unit.h"
#include "branch.h"
#include "fs.h"
#include "git.h"
#include "upstream-tags.h"
#include "xsa-history.h"
#include "xsa-history-since.h"
#include "xalloc.h"

static char *dir;

static int sh(const char *script)
{
	return unit_sh(dir, script);
}

static uint32_t at(const struct xsa_history *h, const struct git_repo *r, const char *rev)
{
	char oid[GIT_MAX_HEXSZ + 1];

	if (git_resolve_commit(r, rev, oid))
		return XH_NONE;
	return xh_find(h, oid);
}

/* "100:claimed:2 101:partial:1" */
static void describe(const struct xh_fixed_set *s, struct strbuf *out)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < s->nr; i++)
		strbuf_addf(out, "%s%d:%s:%zu", i ? " " : "", s->v[i].xsa,
			    xh_state_name(s->v[i].e.state), s->v[i].e.nr_commits);
}

TEST(fixed_since)
{
	struct branch_set bs;
	struct git_repo src;
	struct upstream_tags tags;
	struct xh_opts o;
	struct xsa_history h;
	struct xh_fixed_set s;
	struct strbuf d = STRBUF_INIT;
	char *srcdir;

	CHECK(!sh("mkdir -p maint/branches src &&\n"
		  "printf '[branch]\\n\\tversion = 4.19\\n\\tref = stable-4.19\\n"
		  "\\tinitial-release = 2024-07-29\\n\\tsupported-until = 2026-01-29\\n"
		  "\\tsecurity-support-until = 2029-07-29\\n\\ttag-format = RELEASE-%%v\\n"
		  "\\ttarball-name = xen-%%v\\n' >maint/branches/4.19.conf &&\n"
		  "cd src && git init -q -b master . &&\n"
		  "c() { echo \"$1\" >>\"$2\" && git add \"$2\" && git commit -q -m \"$3\" ${4:+-m \"$4\"}; } &&\n"
		  "c init a 'init' && git branch stable-4.19 &&\n"
		  "c one a 'fix one' 'This is XSA-100.' &&\n"
		  "c two1 b 'fix two, first' 'This is part of XSA-101.' &&\n"
		  "c two2 c 'fix two, second' 'This is part of XSA-101.' &&\n"
		  "c three d 'fix three' 'This is XSA-102.' &&\n"
		  "M1=$(git rev-parse HEAD~3) M2=$(git rev-parse HEAD~2) &&\n"
		  "git checkout -q stable-4.19 &&\n"
		  "c s0 e 'an ordinary fix' && git tag RELEASE-4.19.0 &&\n"
		  "c one a 'fix one' \"master commit: $M1\" &&\n"
		  "git tag mid &&\n"
		  "c two1 b 'fix two, first' \"master commit: $M2\" &&\n"
		  "c own f 'a fix of the branch' 'This is XSA-103.' &&\n"
		  "c prose g 'a note' 'This is a followup to XSA-104.' &&\n"
		  "git checkout -q master\n"));
	memset(&bs, 0, sizeof(bs));
	srcdir = path_join(dir, "src");
	{
		char *m = path_join(dir, "maint");

		CHECK(!branches_load(&bs, m));
		free(m);
	}
	CHECK(!git_open(&src, srcdir));
	upstream_tags_init(&tags);
	CHECK(!upstream_tags_list(&tags, &src, &bs));
	memset(&o, 0, sizeof(o));
	o.src = &src;
	o.branches = &bs;
	o.tags = &tags;
	o.no_cache = 1;
	CHECK(!xsa_history_load(&h, &o));

	/* everything at the tip: XSA-100 complete (claimed: no verified tag),
	 * XSA-101 one of two master fixes, XSA-103 the branch's own */
	xsa_history_fixed_at(&h, at(&h, &src, "stable-4.19"), &s);
	describe(&s, &d);
	CHECK_STR(d.buf, "100:claimed:1 101:partial:1 103:claimed:1");
	CHECK(xh_fixed_find(&s, 101) && xh_fixed_find(&s, 101)->e.nr_missing == 1);
	CHECK(!xh_fixed_find(&s, 102) && !xh_fixed_find(&s, 104));
	xh_fixed_set_release(&s);

	/* new since the release: all three */
	xsa_history_fixed_since(&h, at(&h, &src, "stable-4.19"), at(&h, &src, "RELEASE-4.19.0"), &s);
	describe(&s, &d);
	CHECK_STR(d.buf, "100:claimed:1 101:partial:1 103:claimed:1");
	xh_fixed_set_release(&s);

	/* since "mid": XSA-100 was complete there already */
	xsa_history_fixed_since(&h, at(&h, &src, "stable-4.19"), at(&h, &src, "mid"), &s);
	describe(&s, &d);
	CHECK_STR(d.buf, "101:partial:1 103:claimed:1");
	xh_fixed_set_release(&s);

	/* nothing new since the tip itself; since the fork (XH_NONE) = all */
	xsa_history_fixed_since(&h, at(&h, &src, "stable-4.19"), at(&h, &src, "stable-4.19"), &s);
	CHECK_INT(s.nr, 0);
	xh_fixed_set_release(&s);
	xsa_history_fixed_since(&h, at(&h, &src, "stable-4.19"), XH_NONE, &s);
	describe(&s, &d);
	CHECK_STR(d.buf, "100:claimed:1 101:partial:1 103:claimed:1");
	xh_fixed_set_release(&s);

	/* master: both of XSA-101's fixes make it complete */
	xsa_history_fixed_at(&h, at(&h, &src, "master"), &s);
	describe(&s, &d);
	CHECK_STR(d.buf, "100:claimed:1 101:claimed:2 102:claimed:1");
	xh_fixed_set_release(&s);

	xsa_history_release(&h);
	upstream_tags_release(&tags);
	git_close(&src);
	branches_release(&bs);
	strbuf_release(&d);
	free(srcdir);
}

int main(void)
{
	dir = make_temp_dir("unit-fixed-since");
	if (!dir)
		return 1;
	RUN(fixed_since);
	remove_tree(dir);
	free(dir);
	return unit_done();
}
