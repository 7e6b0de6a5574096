/*
 * Unit tests for domain/apply*.c: patch safety checks, and applying to a
 * scratch repository through a private index.
 */
#define UNIT_WITH_SHELL
#include "unit.h"
#include "apply.h"
#include "fs.h"
#include "git.h"
#include "run-command.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static char *dir;

static int sh(const char *script)
{
	return unit_sh(dir, script);
}

static int strvec_grep(const struct strvec *sv, const char *needle)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		if (strstr(sv->v[i], needle))
			return 1;
	return 0;
}

static const char good_patch[] =
	"From: Alice <alice@example.org>\n"
	"Subject: [PATCH] fix bounds check\n"
	"\n"
	"This is XSA-900.\n"
	"\n"
	"Signed-off-by: Alice <alice@example.org>\n"
	"---\n"
	" a.c | 2 +-\n"
	"\n"
	"diff --git a/a.c b/a.c\n"
	"--- a/a.c\n"
	"+++ b/a.c\n"
	"@@ -1,3 +1,3 @@\n"
	" int f(int i)\n"
	"-{ return t[i]; }\n"
	"+{ return i < 4 ? t[i] : 0; }\n"
	" /* end */\n";

static int check(const char *text)
{
	return apply_check_patch("p.patch", text, strlen(text));
}

TEST(safety)
{
	CHECK(check(good_patch) == 0);
	CHECK(check("just some text\n") == -XS_INPUT);
	CHECK(check("--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n") == -XS_INPUT);
	CHECK(check("--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n") == -XS_INPUT);
	CHECK(check("diff --git a/x b/x\nGIT binary patch\nliteral 3\n") == -XS_INPUT);
	CHECK(check("diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n"
		    "@@ -0,0 +1 @@\n+../../../etc\n") == -XS_INPUT);
	CHECK(check("diff --git a/x b/y\nrename from x\nrename to ../y\n") == -XS_INPUT);
	CHECK(check("diff --git a/x b/x\n--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-a\n+b\n") == -XS_INPUT);
	{
		/* .git at any depth, in any case, as filesystems would normalise it,
		 * on every line git takes a name from. */
		static const char *const gitdirs[] = {
			".GIT/config", "hypervisor/.git/config", ".git./config", ".git /config",
			"foo/.Git/hooks/x", "GIT~1/config", ".git::$INDEX_ALLOCATION/config",
			"a/.../b", "x/. ./y", "caf\xc3\xa9.c", "ctl\x01.c", ".git",
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(gitdirs); i++) {
			struct strbuf p = STRBUF_INIT;

			strbuf_addf(&p, "diff --git a/x b/x\n--- a/x\n+++ b/%s\n@@ -1 +1 @@\n-a\n+b\n",
				    gitdirs[i]);
			CHECK_INT(check(p.buf), -XS_INPUT);
			strbuf_reset(&p);
			strbuf_addf(&p, "diff --git a/x b/x\n--- a/%s\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
				    gitdirs[i]);
			CHECK_INT(check(p.buf), -XS_INPUT);
			strbuf_reset(&p);
			strbuf_addf(&p, "diff --git a/x b/%s\nnew file mode 100644\n", gitdirs[i]);
			CHECK_INT(check(p.buf), -XS_INPUT);
			strbuf_reset(&p);
			strbuf_addf(&p, "diff --git a/x b/y\nsimilarity index 100%%\nrename from x\n"
				    "rename to %s\n", gitdirs[i]);
			CHECK_INT(check(p.buf), -XS_INPUT);
			strbuf_reset(&p);
			strbuf_addf(&p, "diff --git a/x b/y\nsimilarity index 100%%\ncopy from %s\n"
				    "copy to y\n", gitdirs[i]);
			CHECK_INT(check(p.buf), -XS_INPUT);
			strbuf_release(&p);
		}
		/* Only on the diff line: git uses it when there is no ---/+++. */
		CHECK_INT(check("diff --git a/../outside b/../outside\nnew file mode 100644\n"
				"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"), -XS_INPUT);
		CHECK_INT(check("diff --git a/x b/y\nrename from x\nrename to \"y\"\n"), -XS_INPUT);
		/* Names that only look alike are fine. */
		CHECK_INT(check("diff --git a/.github/x b/.github/x\n--- a/.github/x\n"
				"+++ b/.github/x\n@@ -1 +1 @@\n-a\n+b\n"), 0);
		CHECK_INT(check("diff --git a/a.git/x b/a.git/x\n--- a/a.git/x\n"
				"+++ b/a.git/x\n@@ -1 +1 @@\n-a\n+b\n"), 0);
		CHECK_INT(check("diff --git a/.gitignore b/.gitignore\n--- a/.gitignore\n"
				"+++ b/.gitignore\n@@ -1 +1 @@\n-a\n+b\n"), 0);
	}
	/* A hunk claiming more lines than it has is truncated. */
	CHECK(check("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n") == -XS_INPUT);
	/* A "--- " line in the message is not a file header. */
	CHECK(check("Subject: x\n\n--- not a header\n\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n") == 0);
	/* Hunk content that looks like a header is content. */
	CHECK(check("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n--- a/../evil\n-+++ b/../evil\n+ok\n+ok\n") == 0);
}

TEST(apply)
{
	struct git_repo r;
	struct apply_run run;
	char *p1 = path_join(dir, "fix.patch"), *p2 = path_join(dir, "other.patch");
	char base[GIT_MAX_HEXSZ + 1], now[GIT_MAX_HEXSZ + 1];
	struct strbuf msg = STRBUF_INIT;
	static const char other_patch[] =
		"From: Bob <bob@example.org>\nSubject: [PATCH] change the end\n\n---\n"
		"--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n int f(int i)\n-{ return t[i]; }\n"
		"+{ return t[i & 3]; }\n /* end */\n";

	CHECK(!sh("git init -q -b master repo && cd repo && "
		  "printf 'int f(int i)\\n{ return t[i]; }\\n/* end */\\n' >a.c && "
		  "git add a.c && git commit -q -m base && git branch stable-4.19"));
	CHECK(!write_file_atomic(p1, good_patch, strlen(good_patch), 0644));
	CHECK(!write_file_atomic(p2, other_patch, strlen(other_patch), 0644));
	{
		char *repo = path_join(dir, "repo");

		CHECK(!git_open(&r, repo));
		free(repo);
	}
	CHECK(!git_resolve_commit(&r, "stable-4.19", base));

	/* It applies; the branch moves only at apply_finish(). */
	CHECK(!apply_run_init(&run, &r, "refs/heads/stable-4.19", NULL));
	strvec_push(&apply_add(&run, p1, "xsa900.patch", "XSA-900")->trailers, "XSA: 900");
	CHECK(apply_all(&run) == 0);
	CHECK(run.res[0].outcome == APPLY_APPLIED);
	CHECK(!git_resolve_commit(&r, "stable-4.19", now) && !strcmp(now, base));
	CHECK(!apply_finish(&run));
	CHECK(!git_resolve_commit(&r, "stable-4.19", now) && !strcmp(now, run.res[0].commit));
	apply_run_release(&run);
	CHECK(!git_cmd(&r, &msg, "log", "-1", "--format=%an|%s|%b", "stable-4.19", NULL));
	CHECK(strstr(msg.buf, "Alice|fix bounds check|This is XSA-900.") != NULL);
	CHECK(strstr(msg.buf, "Signed-off-by: Alice <alice@example.org>\nXSA: 900") != NULL);

	/* Applied again: recognised by reverse-apply, never reverted. */
	CHECK(!apply_run_init(&run, &r, "refs/heads/stable-4.19", NULL));
	apply_add(&run, p1, "xsa900.patch", "XSA-900");
	CHECK(apply_all(&run) == 0);
	CHECK(run.res[0].outcome == APPLY_ALREADY);
	CHECK(!apply_finish(&run));
	CHECK(!git_resolve_commit(&r, "stable-4.19", base) && !strcmp(now, base));
	apply_run_release(&run);

	/* A conflict names file and hunk and leaves the branch alone. */
	CHECK(!apply_run_init(&run, &r, "refs/heads/stable-4.19", NULL));
	apply_add(&run, p2, "xsa901.patch", "XSA-901");
	CHECK(apply_all(&run) == XS_FAIL);
	CHECK(run.res[0].outcome == APPLY_CONFLICT);
	CHECK_STR(run.res[0].conflict.file, "a.c");
	CHECK_STR(run.res[0].conflict.hunk, "@@ -1,3 +1,3 @@");
	CHECK(run.res[0].conflict.blame.nr == 2);
	CHECK(strvec_grep(&run.res[0].conflict.blame, "fix bounds check"));
	CHECK(strvec_grep(&run.res[0].conflict.blame, " base"));
	CHECK(!git_resolve_commit(&r, "stable-4.19", now) && !strcmp(now, base));
	apply_run_release(&run);

	/* All or nothing: a good patch before a conflicting one moves nothing. */
	CHECK(!sh("cd repo && git branch stable-4.18 stable-4.19~1"));
	CHECK(!git_resolve_commit(&r, "stable-4.18", base));
	CHECK(!apply_run_init(&run, &r, "refs/heads/stable-4.18", NULL));
	apply_add(&run, p1, "xsa900.patch", "XSA-900");
	apply_add(&run, p2, "xsa901.patch", "XSA-901");
	apply_add(&run, p1, "xsa902.patch", "XSA-902");
	CHECK(apply_all(&run) == XS_FAIL);
	CHECK(run.res[0].outcome == APPLY_APPLIED && run.res[1].outcome == APPLY_CONFLICT &&
	      run.res[2].outcome == APPLY_SKIPPED);
	CHECK(!git_resolve_commit(&r, "stable-4.18", now) && !strcmp(now, base));
	apply_run_release(&run);

	/* Compare-and-swap: someone else moved the branch meanwhile. */
	CHECK(!apply_run_init(&run, &r, "refs/heads/stable-4.18", NULL));
	apply_add(&run, p1, "xsa900.patch", "XSA-900");
	CHECK(apply_all(&run) == 0);
	CHECK(!sh("cd repo && git update-ref refs/heads/stable-4.18 stable-4.19"));
	CHECK(apply_finish(&run) == -XS_ENV);
	CHECK(!git_resolve_commit(&r, "stable-4.18", now));
	CHECK(!git_resolve_commit(&r, "stable-4.19", base) && !strcmp(now, base));
	apply_run_release(&run);

	/* A checked-out branch: refused when dirty, updated when clean. */
	CHECK(!sh("cd repo && git checkout -q stable-4.18 && git reset -q --hard stable-4.19~1"));
	CHECK(!git_resolve_commit(&r, "stable-4.18", base));
	CHECK(!sh("cd repo && echo local >>a.c"));
	CHECK(!apply_run_init(&run, &r, "refs/heads/stable-4.18", NULL));
	apply_add(&run, p1, "xsa900.patch", "XSA-900");
	CHECK(apply_all(&run) == 0);
	CHECK(apply_finish(&run) == -XS_ENV);
	CHECK(!git_resolve_commit(&r, "stable-4.18", now) && !strcmp(now, base));
	CHECK(!sh("cd repo && git checkout -q -- a.c"));
	CHECK(!apply_finish(&run));
	apply_run_release(&run);
	CHECK(!sh("cd repo && grep -q 'i < 4' a.c && test -z \"$(git status --porcelain)\""));

	git_close(&r);
	strbuf_release(&msg);
	free(p1);
	free(p2);
}

/* Count the objects of the scratch repository (loose and packed). */
static long count_objects(void)
{
	struct child_process c;
	long n = -1;

	child_init(&c);
	strvec_pushl(&c.args, "sh", "-c", "cd repo && git count-objects -v | "
		     "awk '/^count:|^in-pack:/ { n += $2 } END { print n }'", NULL);
	c.dir = dir;
	if (!run_child(&c))
		n = atol(c.out_buf.buf);
	child_release(&c);
	return n;
}

TEST(dry_run_and_variants)
{
	struct git_repo r;
	struct apply_run run;
	char *p1 = path_join(dir, "fix.patch"), *p2 = path_join(dir, "other.patch");
	char base[GIT_MAX_HEXSZ + 1], now[GIT_MAX_HEXSZ + 1];
	const char *series[2];
	struct strbuf why = STRBUF_INIT;
	long before;

	{
		char *repo = path_join(dir, "repo");

		CHECK(!git_open(&r, repo));
		free(repo);
	}
	CHECK(!sh("cd repo && git branch -f dry stable-4.19~1"));
	CHECK(!git_resolve_commit(&r, "dry", base));
	before = count_objects();
	CHECK(before > 0);

	/* A dry run writes its objects elsewhere and moves nothing. */
	CHECK(!apply_run_init(&run, &r, "refs/heads/dry", NULL));
	CHECK(!apply_set_dry_run(&run));
	apply_add(&run, p1, "xsa900.patch", "XSA-900");
	CHECK(apply_all(&run) == 0);
	CHECK(run.res[0].outcome == APPLY_APPLIED);
	CHECK(!apply_finish(&run));
	CHECK(!git_resolve_commit(&r, "dry", now) && !strcmp(now, base));
	apply_run_release(&run);
	CHECK_INT(count_objects(), before);

	/* Trying a series leaves the run alone and says which patch failed. */
	CHECK(!apply_run_init(&run, &r, "refs/heads/dry", NULL));
	series[0] = p1;
	series[1] = p2;
	CHECK(apply_try_series(&run, base, series, 1, NULL) == 0);
	CHECK(apply_try_series(&run, base, series, 2, &why) == 1);
	CHECK(strstr(why.buf, "other.patch") != NULL);
	CHECK(apply_try(&run, p2, NULL) == 0);
	apply_run_release(&run);

	git_close(&r);
	strbuf_release(&why);
	free(p1);
	free(p2);
}

TEST(keep_worktree)
{
	struct git_repo r;
	struct apply_run run;
	struct apply_kept kept;
	char *p2 = path_join(dir, "other.patch"), *wt = path_join(dir, "kept");
	char base[GIT_MAX_HEXSZ + 1], oid[GIT_MAX_HEXSZ + 1];
	struct strbuf msg = STRBUF_INIT;

	{
		char *repo = path_join(dir, "repo");

		CHECK(!git_open(&r, repo));
		free(repo);
	}
	/* other.patch conflicts with what stable-4.19 has. */
	CHECK(!sh("cd repo && git branch -f kept stable-4.19"));
	CHECK(!git_resolve_commit(&r, "kept", base));
	CHECK(!apply_run_init(&run, &r, "refs/heads/kept", NULL));
	strvec_push(&apply_add(&run, p2, "xsa901.patch", "XSA-901")->trailers, "XSA: 901");
	CHECK(apply_all(&run) == XS_FAIL);
	CHECK(!apply_keep_worktree(&run, 0, wt, &kept));
	CHECK(kept.worktree && is_dir(kept.worktree));
	CHECK(!kept.clean);
	/* The patch names no blobs, so git cannot merge: the hunk goes to a.c.rej. */
	CHECK_STR(kept.method, "reject");
	CHECK(kept.files.nr == 1 && !strcmp(kept.files.v[0], "a.c.rej"));
	/* Not before the person is done. */
	CHECK(apply_commit_worktree(&run, &run.items[0], kept.worktree, oid) == -XS_INPUT);
	CHECK(!sh("cd kept && printf 'int f(int i)\\n{ return i < 4 ? t[i & 3] : 0; }\\n"
		  "/* end */\\n' >a.c && touch a.c.rej"));
	CHECK(apply_commit_worktree(&run, &run.items[0], kept.worktree, oid) == -XS_INPUT);
	CHECK(!sh("rm kept/a.c.rej && echo object >kept/a.o"));
	CHECK(apply_commit_worktree(&run, &run.items[0], kept.worktree, oid) == 0);
	CHECK(!strcmp(run.tip, oid));
	CHECK(!apply_finish(&run));
	CHECK(!git_cmd(&r, &msg, "log", "-1", "--format=%an|%P|%B", "kept", NULL));
	CHECK(starts_with(msg.buf, "Bob|"));
	CHECK(strstr(msg.buf, base) != NULL);
	CHECK(strstr(msg.buf, "change the end") && strstr(msg.buf, "XSA: 901"));
	strbuf_reset(&msg);
	CHECK(!git_cmd(&r, &msg, "show", "kept:a.c", NULL));
	CHECK(strstr(msg.buf, "t[i & 3]") != NULL);
	/* What a build left there is not the patch's: it stays out. */
	CHECK(sh("cd repo && git cat-file -e kept:a.o 2>/dev/null") != 0);
	CHECK(!apply_remove_worktree(&r, kept.worktree));
	CHECK(!path_exists(kept.worktree));
	apply_kept_release(&kept);
	apply_run_release(&run);

	git_close(&r);
	strbuf_release(&msg);
	free(p2);
	free(wt);
}

TEST(worktree_checks)
{
	struct git_repo r;
	struct apply_run run;
	struct strvec wts = STRVEC_INIT;

	{
		char *repo = path_join(dir, "repo");

		CHECK(!git_open(&r, repo));
		free(repo);
	}
	CHECK(!sh("cd repo && git branch -f locked stable-4.19 && "
		  "git worktree add -q ../wt-locked locked && git worktree lock ../wt-locked"));
	CHECK(!apply_run_init(&run, &r, "refs/heads/locked", NULL));
	CHECK(apply_check_worktrees(&run, &wts) == -XS_ENV);
	CHECK(!sh("cd repo && git worktree unlock ../wt-locked"));
	CHECK(apply_check_worktrees(&run, &wts) == 0);
	CHECK(wts.nr == 1 && ends_with(wts.v[0], "/wt-locked"));
	strvec_clear(&wts);
	/* Another git command at work there. */
	CHECK(!sh("cd wt-locked && touch \"$(git rev-parse --git-path index.lock)\""));
	CHECK(apply_check_worktrees(&run, &wts) == -XS_ENV);
	CHECK(!sh("cd wt-locked && rm \"$(git rev-parse --git-path index.lock)\""));
	/* A branch being rebased elsewhere would be overwritten by the rebase. */
	CHECK(!sh("mkdir -p repo/.git/rebase-merge && "
		  "echo refs/heads/locked >repo/.git/rebase-merge/head-name"));
	CHECK(apply_check_worktrees(&run, &wts) == -XS_ENV);
	CHECK(!sh("rm -r repo/.git/rebase-merge"));
	CHECK(apply_check_worktrees(&run, NULL) == 0);
	apply_run_release(&run);
	strvec_clear(&wts);
	git_close(&r);
}

/* Ids made in-process agree with git's, for both object formats. */
TEST(object_ids)
{
	static const char commit[] = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
		"author A <a@example.org> 1700000000 +0000\n"
		"committer C <c@example.org> 1700000000 +0000\n\nempty\n";
	char hex[SHA256_HEX_LEN + 1];
	struct child_process c;
	char *f = path_join(dir, "commit.txt");

	CHECK(!git_object_hash_hex("sha1", "blob", "hello\n", 6, hex));
	CHECK_STR(hex, "ce013625030ba8dba906f756967f9e9ca394464a");
	CHECK(git_object_hash_hex("md5", "blob", "x", 1, hex) == -1);
	CHECK(!write_file_atomic(f, commit, strlen(commit), 0644));
	CHECK(!sh("git init -q --object-format=sha256 repo256"));
	CHECK(!git_object_hash_hex("sha1", "commit", commit, strlen(commit), hex));
	child_init(&c);
	strvec_pushl(&c.args, "git", "hash-object", "-t", "commit", "commit.txt", NULL);
	c.dir = dir;
	CHECK(!run_child(&c));
	strbuf_trim(&c.out_buf);
	CHECK_STR(hex, c.out_buf.buf);
	child_release(&c);
	CHECK(!git_object_hash_hex("sha256", "blob", commit, strlen(commit), hex));
	child_init(&c);
	strvec_pushl(&c.args, "git", "-C", "repo256", "hash-object", "../commit.txt", NULL);
	c.dir = dir;
	CHECK(!run_child(&c));
	strbuf_trim(&c.out_buf);
	CHECK_STR(hex, c.out_buf.buf);
	child_release(&c);
	free(f);
}

int main(void)
{
	dir = make_temp_dir("unit-apply");
	if (!dir)
		return 1;
	RUN(safety);
	RUN(apply);
	RUN(dry_run_and_variants);
	RUN(keep_worktree);
	RUN(worktree_checks);
	RUN(object_ids);
	remove_tree(dir);
	free(dir);
	return unit_done();
}
