/*
 * Unit tests for domain/embargo.c: reading hunks out of any diff text, and
 * the check by content (patch-id of new commits, post-image in the tree)
 * on a scratch repository.
 */
#define UNIT_WITH_SHELL
#include "unit.h"
#include "embargo.h"
#include "fs.h"
#include "git.h"
#include "strbuf.h"
#include "xalloc.h"

static int cmp_u64_test(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct seen {
	struct strvec paths;	/* "old -> new" */
	struct strvec commits;
	struct strbuf hunks;
	size_t nr;
};

static int collect(const struct embargo_diff_hunk *h, void *data)
{
	struct seen *s = data;

	strvec_pushf(&s->paths, "%s -> %s", h->old_path ? h->old_path : "/dev/null",
		     h->new_path ? h->new_path : "/dev/null");
	strvec_push(&s->commits, h->commit ? h->commit : "-");
	strbuf_add(&s->hunks, h->hunk, h->hunk_len);
	if (h->header_len < 11 || memcmp(h->header, "diff --git ", 11))
		strbuf_addstr(&s->hunks, "BAD HEADER\n");
	s->nr++;
	return 0;
}

static void seen_init(struct seen *s)
{
	strvec_init(&s->paths);
	strvec_init(&s->commits);
	strbuf_init(&s->hunks, 0);
	s->nr = 0;
}

static void seen_release(struct seen *s)
{
	strvec_clear(&s->paths);
	strvec_clear(&s->commits);
	strbuf_release(&s->hunks);
}

TEST(parse_mail_and_plain)
{
	static const char mail[] =
		"From: A <a@example.org>\n"
		"Subject: [PATCH] x\n"
		"\n"
		"diff --git a/b.c is mentioned in the message only\n"
		"---\n"
		" a.c | 2 +-\n"
		"\n"
		"diff --git a/a.c b/a.c\n"
		"index 1111111..2222222 100644\n"
		"--- a/a.c\n"
		"+++ b/a.c\n"
		"@@ -1,3 +1,3 @@ int f(void)\n"
		" one\n"
		"-two\n"
		"+TWO\n"
		" three\n"
		"@@ -10,2 +10,3 @@\n"
		" ten\n"
		"+ten and a half\n"
		"\n"
		"--- xen-4.19.orig/c.c\t2024-01-01\n"
		"+++ xen-4.19/c.c\t2024-01-01\n"
		"@@ -1 +1 @@\n"
		"-old\n"
		"\\ No newline at end of file\n"
		"+new\n"
		"\\ No newline at end of file\n"
		"-- \n"
		"2.39.5\n";
	struct seen s;

	seen_init(&s);
	CHECK_INT(embargo_parse_diff(mail, strlen(mail), collect, &s), 0);
	CHECK_INT(s.nr, 3);
	CHECK_STR(s.paths.v[0], "a.c -> a.c");
	CHECK_STR(s.paths.v[1], "a.c -> a.c");
	/* A plain diff keeps its own names here; the set normalizes first. */
	CHECK_STR(s.paths.v[2], "xen-4.19.orig/c.c -> xen-4.19/c.c");
	CHECK_STR(s.commits.v[0], "-");
	CHECK(strstr(s.hunks.buf, "+ten and a half\n\n@@ -1 +1 @@") != NULL);
	CHECK(strstr(s.hunks.buf, "+new\n\\ No newline at end of file\n") != NULL);
	CHECK(!strstr(s.hunks.buf, "BAD HEADER"));
	CHECK(!strstr(s.hunks.buf, "2.39.5"));
	seen_release(&s);
}

TEST(parse_log_and_broken)
{
	static const char log[] =
		"commit 1111111111111111111111111111111111111111\n"
		"\n"
		"diff --git a/new.c b/new.c\n"
		"new file mode 100644\n"
		"index 0000000..3333333\n"
		"--- /dev/null\n"
		"+++ b/new.c\n"
		"@@ -0,0 +1,2 @@\n"
		"+a\n"
		"+b\n"
		"diff --git a/bin b/bin\n"
		"index 1111111..2222222 100644\n"
		"Binary files a/bin and b/bin differ\n"
		"commit 2222222222222222222222222222222222222222\n"
		"\n"
		"diff --git a/gone.c b/gone.c\n"
		"deleted file mode 100644\n"
		"--- a/gone.c\n"
		"+++ /dev/null\n"
		"@@ -1 +0,0 @@\n"
		"-x\n"
		"diff --git a/short.c b/short.c\n"
		"--- a/short.c\n"
		"+++ b/short.c\n"
		"@@ -1,3 +1,3 @@\n"
		" a\n"
		"-b\n"
		"+c\n"
		"diff --git a/after.c b/after.c\n"
		"--- a/after.c\n"
		"+++ b/after.c\n"
		"@@ -1 +1 @@\n"
		"-p\n"
		"+q\n";
	struct seen s;

	seen_init(&s);
	CHECK_INT(embargo_parse_diff(log, strlen(log), collect, &s), 0);
	/* The hunk of short.c says 3 lines and has 2: dropped; the rest stays. */
	CHECK_INT(s.nr, 3);
	CHECK_STR(s.paths.v[0], "/dev/null -> new.c");
	CHECK_STR(s.commits.v[0], "1111111111111111111111111111111111111111");
	CHECK_STR(s.paths.v[1], "gone.c -> /dev/null");
	CHECK_STR(s.commits.v[1], "2222222222222222222222222222222222222222");
	CHECK_STR(s.paths.v[2], "after.c -> after.c");
	seen_release(&s);
	seen_init(&s);
	/* A NUL byte in a name or a line (found by fuzz-embargo): not a text hunk. */
	CHECK_INT(embargo_parse_diff("--- a/x\0y\n+++ b/x\0y\n@@ -1 +1 @@\n-a\n+b\n", 38, collect, &s), 0);
	CHECK_INT(embargo_parse_diff("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\0\n", 35, collect, &s), 0);
	CHECK_INT(s.nr, 0);
	CHECK_INT(embargo_parse_diff("", 0, collect, &s), 0);
	CHECK_INT(embargo_parse_diff("@@ -1 +1 @@\n-a\n+b\n", 18, collect, &s), 0);
	CHECK_INT(s.nr, 0);
	seen_release(&s);
}

TEST(line_hash)
{
	CHECK(embargo_line_hash("  if ( x )", 10) == embargo_line_hash("\tif (x)   ", 10));
	CHECK(embargo_line_hash("if (x)", 6) != embargo_line_hash("if (y)", 6));
	CHECK(embargo_line_hash(" \t \r", 4) == 0);
	CHECK(embargo_line_hash("", 0) == 0);
}

TEST(set_add)
{
	static const char two[] =
		"--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,3 @@\n one\n+  two  \n three\n"
		"@@ -9 +10 @@\n-x\n+y\n";
	struct embargo_set es;

	embargo_set_init(&es, 0);
	CHECK_INT(embargo_set_add(&es, "XSA-1", NULL, 1, 1, 1, two, strlen(two)), 2);
	CHECK_INT(embargo_set_add(&es, "XSA-1", NULL, 1, 1, 1, "no diff here\n", 13), 0);
	CHECK_INT(es.nr, 1);
	CHECK_STR(es.v[0].h[0].path, "a.c");
	/* The text the tree check applies: each line without its blanks. */
	CHECK(strstr(es.v[0].h[0].text, "@@ -1,2 +1,3 @@\n one\n+two\n three\n") != NULL);
	CHECK(es.v[0].h[0].adds);
	CHECK_INT(es.v[0].h[0].nr_lines, 3);
	CHECK(embargo_ref_is_private("refs/embargo/4.19/xsa-1"));
	CHECK(!embargo_ref_is_private("refs/heads/stable-4.19"));
	CHECK(!embargo_ref_is_private("refs/heads/embargo/x"));
	embargo_set_release(&es);
}

TEST(drop_public)
{
	static const char emb[] =
		"--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n"
		"@@ -20,3 +20,4 @@\n x\n y\n+    secret();\n z\n";
	/* The same first change with other context, in a public advisory's patch. */
	static const char pub[] =
		"--- a/a.c\n+++ b/a.c\n@@ -5,3 +5,3 @@\n uno\n-two\n+  TWO\n tres\n";
	struct embargo_set es;
	uint64_t *v = NULL;
	size_t nr = 0, alloc = 0;

	embargo_set_init(&es, 0);
	CHECK_INT(embargo_set_add(&es, "XSA-5", NULL, 1, 1, 1, emb, strlen(emb)), 2);
	embargo_changes(pub, strlen(pub), &v, &nr, &alloc);
	CHECK_INT(nr, 1);
	embargo_set_drop(&es, v, nr);
	CHECK_INT(es.nr, 1);
	CHECK_INT(es.v[0].nr, 1);
	CHECK(strstr(es.v[0].h[0].text, "+secret();") != NULL);
	/* Every hunk public: the patch goes. */
	free(v);
	v = NULL;
	nr = alloc = 0;
	embargo_changes(emb, strlen(emb), &v, &nr, &alloc);
	qsort(v, nr, sizeof(*v), cmp_u64_test);
	embargo_set_drop(&es, v, nr);
	CHECK_INT(es.nr, 0);
	free(v);
	embargo_set_release(&es);
}

static char *dir;

static int sh(const char *script)
{
	return unit_sh(dir, script);
}

static char *rev(struct git_repo *r, const char *name)
{
	char oid[GIT_MAX_HEXSZ + 1];

	if (git_resolve_commit(r, name, oid))
		return xstrdup("");
	return xstrdup(oid);
}

/* Check reference..tip with the set; returns found, fills what. */
static int check(const struct embargo_set *es, struct git_repo *r, const char *ref,
		 const char *tip, struct strbuf *what)
{
	struct embargo_check_opts o;
	struct embargo_report rep;
	char *a = rev(r, ref), *b = rev(r, tip);
	int rc;

	memset(&o, 0, sizeof(o));
	o.src = r;
	o.reference = a;
	o.tip = b;
	rc = embargo_check(es, &o, &rep);
	strbuf_reset(what);
	if (rc > 0)
		embargo_report_describe(&rep, what);
	embargo_report_release(&rep);
	free(a);
	free(b);
	return rc;
}

TEST(check_repository)
{
	struct embargo_set es;
	struct git_repo r;
	struct strbuf patch = STRBUF_INIT, what = STRBUF_INIT;
	char *path;

	dir = make_temp_dir("unit-embargo");
	CHECK(dir != NULL);
	if (!dir)
		return;
	CHECK_INT(sh("git init -q -b main r && cd r && "
		     "printf 'int f(int i)\\n{\\n    return t[i];\\n}\\n\\n/* 1 */\\n/* 2 */\\n"
		     "/* 3 */\\n/* 4 */\\n/* 5 */\\n/* 6 */\\n/* 7 */\\n/* 8 */\\n\\nint g(void)\\n{\\n"
		     "    return 0;\\n}\\n' >a.c && git add a.c && git commit -q -m base && "
		     "git tag RELEASE-1 && git checkout -q -b fix && "
		     "sed -i 's/^    return t\\[i\\];/    if ( i >= 4 )\\n        return 0;\\n&/; "
		     "s/^    return 0;$/    return 1;/' a.c && "
		     "git commit -q -am 'the embargoed fix' && git format-patch -q -1 --stdout >../fix.patch && "
		     "git checkout -q main && echo other >b.c && git add b.c && git commit -q -m other && "
		     "git branch clean && "
		     /* a squash with other changes and re-indented lines */
		     "git checkout -q -b leak && git merge -q --squash fix && "
		     "sed -i 's/^        return 0;/\\t\\treturn 0;  /' a.c && echo more >>b.c && "
		     "git commit -q -am 'assorted' && "
		     /* the first hunk only, by hand */
		     "git checkout -q -b partial main && "
		     "sed -i 's/^    return t\\[i\\];/    if ( i >= 4 )\\n        return 0;\\n&/' a.c && "
		     "git commit -q -am 'bounds' && "
		     /* a release that has the fix already: public, not a leak */
		     "git checkout -q -b old fix && git tag RELEASE-2 && echo x >c.c && git add c.c && "
		     "git commit -q -m later"), 0);
	path = path_join(dir, "r");
	CHECK_INT(git_open(&r, path), 0);
	free(path);
	path = path_join(dir, "fix.patch");
	CHECK_INT(read_file(&patch, path, 0), 0);
	free(path);
	embargo_set_init(&es, 0);
	CHECK_INT(embargo_set_add(&es, "XSA-7", NULL, 2000000000, 1, 1, patch.buf, patch.len), 2);
	CHECK_INT(embargo_set_index(&es, &r), 0);
	CHECK(es.v[0].h[0].pid[0] != '\0');

	CHECK_INT(check(&es, &r, "RELEASE-1", "clean", &what), 0);
	/* The fix itself: by patch-id and in the tree. */
	CHECK_INT(check(&es, &r, "RELEASE-1", "fix", &what), 1);
	CHECK(strstr(what.buf, "XSA-7 (embargoed until 2033-05-18 03:33 UTC) patch 1/1") != NULL);
	CHECK(strstr(what.buf, "2 of its 2 hunk(s) in the tree") != NULL);
	CHECK(strstr(what.buf, "carries its changes") != NULL);
	CHECK(!strstr(what.buf, "return"));
	/* Squashed with more, re-indented: the tree shows it. */
	CHECK_INT(check(&es, &r, "RELEASE-1", "leak", &what), 1);
	CHECK(strstr(what.buf, "2 of its 2 hunk(s) in the tree") != NULL);
	/* One hunk of two is enough. */
	CHECK_INT(check(&es, &r, "RELEASE-1", "partial", &what), 1);
	CHECK(strstr(what.buf, "1 of its 2 hunk(s) in the tree") != NULL);
	/* In the reference already: public, nothing new. */
	CHECK_INT(check(&es, &r, "RELEASE-2", "old", &what), 0);

	embargo_set_release(&es);
	git_close(&r);
	strbuf_release(&patch);
	strbuf_release(&what);
	remove_tree(dir);
	free(dir);
}

TEST(check_edited_inside)
{
	struct embargo_set es;
	struct git_repo r;
	struct strbuf patch = STRBUF_INIT, what = STRBUF_INIT;
	char *path;

	dir = make_temp_dir("unit-embargo");
	CHECK(dir != NULL);
	if (!dir)
		return;
	/* The fix adds a block of ten lines; the leak changes one in its middle. */
	CHECK_INT(sh("git init -q -b main r && cd r && "
		     "printf 'int h(struct d *d)\\n{\\n    return 0;\\n}\\n' >h.c && "
		     "git add h.c && git commit -q -m base && git tag RELEASE-1 && "
		     "git checkout -q -b fix && "
		     "sed -i 's/^    return 0;/    if ( d->count > d->max_count )\\n        return -ERANGE;\\n"
		     "    if ( d->ring_index >= RING_SIZE )\\n        return -EINVAL;\\n"
		     "    d->ring_index = array_index_nospec(d->ring_index, RING_SIZE);\\n"
		     "    spin_lock(\\&d->ring_lock);\\n    d->ring[d->ring_index].state = 0;\\n"
		     "    spin_unlock(\\&d->ring_lock);\\n    smp_wmb();\\n    d->generation++;\\n&/' h.c && "
		     "git commit -q -am fix && git format-patch -q -1 --stdout >../fix.patch && "
		     "git checkout -q -b leak main && git merge -q --squash fix && "
		     "sed -i 's/^    spin_lock(\\&d->ring_lock);/    spin_lock_irq(\\&d->ring_lock); \\/\\* tidy \\*\\//' h.c && "
		     "git commit -q -am tidy && "
		     "git checkout -q -b other main && "
		     "sed -i 's/^    return 0;/    d->generation++;\\n&/' h.c && git commit -q -am other"), 0);
	path = path_join(dir, "r");
	CHECK_INT(git_open(&r, path), 0);
	free(path);
	path = path_join(dir, "fix.patch");
	CHECK_INT(read_file(&patch, path, 0), 0);
	free(path);
	embargo_set_init(&es, 0);
	CHECK_INT(embargo_set_add(&es, "XSA-8", NULL, 2000000000, 1, 1, patch.buf, patch.len), 1);
	CHECK(es.v[0].h[0].nr_win > 0);
	CHECK_INT(embargo_set_index(&es, &r), 0);
	CHECK_INT(check(&es, &r, "RELEASE-1", "leak", &what), 1);
	CHECK(strstr(what.buf, "1 of its 1 hunk(s) in the tree (1 of them in part)") != NULL);
	/* One line of it alone is not a block. */
	CHECK_INT(check(&es, &r, "RELEASE-1", "other", &what), 0);
	embargo_set_release(&es);
	git_close(&r);
	strbuf_release(&patch);
	strbuf_release(&what);
	remove_tree(dir);
	free(dir);
}

TEST(check_sha256_repository)
{
	struct embargo_set es;
	struct git_repo r;
	struct strbuf patch = STRBUF_INIT, what = STRBUF_INIT;
	char *path;

	dir = make_temp_dir("unit-embargo");
	CHECK(dir != NULL);
	if (!dir)
		return;
	/* Patch-ids in a SHA-256 repository: the headers git patch-id reads are 64 digits. */
	CHECK_INT(sh("git init -q -b main --object-format=sha256 r && cd r && "
		     "printf 'a\\nb\\nc\\nd\\ne\\n' >f && git add f && git commit -q -m base && "
		     "git tag RELEASE-1 && git checkout -q -b fix && sed -i 's/^c$/c\\nchecked/' f && "
		     "git commit -q -am fix && git format-patch -q -1 --stdout >../fix.patch && "
		     "git checkout -q -b later fix && sed -i 's/^d$/d, changed/' f && "
		     "git commit -q -am later"), 0);
	path = path_join(dir, "r");
	CHECK_INT(git_open(&r, path), 0);
	free(path);
	path = path_join(dir, "fix.patch");
	CHECK_INT(read_file(&patch, path, 0), 0);
	free(path);
	embargo_set_init(&es, 0);
	CHECK_INT(embargo_set_add(&es, "XSA-9", NULL, 2000000000, 1, 1, patch.buf, patch.len), 1);
	CHECK_INT(embargo_set_index(&es, &r), 0);
	CHECK_INT(strlen(es.v[0].h[0].pid), 64);
	/* Its context changed later: not in the tree any more, but the commit is there. */
	CHECK_INT(check(&es, &r, "RELEASE-1", "later", &what), 1);
	CHECK(strstr(what.buf, "carries its changes") != NULL);
	CHECK(!strstr(what.buf, "in the tree"));
	embargo_set_release(&es);
	git_close(&r);
	strbuf_release(&patch);
	strbuf_release(&what);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	RUN(parse_mail_and_plain);
	RUN(parse_log_and_broken);
	RUN(line_hash);
	RUN(set_add);
	RUN(drop_public);
	RUN(check_repository);
	RUN(check_edited_inside);
	RUN(check_sha256_repository);
	return unit_done();
}
