/*
 * Unit tests for lib/git.c and lib/lock.c on a scratch repository.
 */
#define UNIT_WITH_SHELL
#include "unit.h"
#include "git.h"
#include "fs.h"
#include "lock.h"
#include "run-command.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

#include <sys/wait.h>

static char *dir;

static int sh(const char *script)
{
	return unit_sh(dir, script);
}

static int count_entries(const struct git_tree_entry *e, void *data)
{
	(*(int *)data)++;
	if (!strcmp(e->path, "dir/b.txt") && strcmp(e->type, "blob"))
		return -1;
	return 0;
}

TEST(repo)
{
	struct git_repo r;
	char oid[GIT_MAX_HEXSZ + 1], head[GIT_MAX_HEXSZ + 1];
	struct strbuf sb = STRBUF_INIT, type = STRBUF_INIT;
	struct git_batch b;
	struct git_commit c;
	int n = 0;

	CHECK(!sh("git init -q -b master . && echo a >a.txt && mkdir dir && echo b >dir/b.txt && "
		  "git add . && git commit -q -m 'first commit' && git tag -a -m 'Xen 1' T1 && "
		  "echo c >>a.txt && git commit -q -am second"));
	CHECK(!git_open(&r, dir));
	CHECK(r.worktree != NULL && !r.shallow);
	CHECK(!git_resolve_commit(&r, "master", head));
	CHECK(!git_resolve_commit(&r, "T1", oid));	/* peeled */
	CHECK(strcmp(oid, head) != 0);
	CHECK(git_resolve_commit(&r, "no-such-ref", oid) == 1);
	CHECK(git_resolve_commit(&r, "--output=/tmp/x", oid) == 1);	/* not an option */
	CHECK(git_ref_exists(&r, "refs/tags/T1") == 1);
	CHECK(git_ref_exists(&r, "refs/tags/T2") == 0);
	CHECK(git_is_ancestor(&r, "T1", "master") == 1);
	CHECK(git_is_ancestor(&r, "master", "T1") == 0);

	CHECK(!git_read_blob(&r, "master", "a.txt", &sb));
	CHECK_STR(sb.buf, "a\nc\n");
	strbuf_reset(&sb);
	CHECK(git_read_blob(&r, "master", "missing.txt", &sb) == 1);

	CHECK(!git_ls_tree(&r, "master", 1, count_entries, &n));
	CHECK_INT(n, 2);

	CHECK(!git_batch_start(&b, &r));
	CHECK(!git_batch_get(&b, "master", &type, &sb));
	CHECK_STR(type.buf, "commit");
	git_commit_init(&c);
	CHECK(!git_commit_parse(&c, sb.buf, sb.len));
	CHECK(c.parents.nr == 1 && !strcmp(c.message, "second\n"));
	CHECK(starts_with(c.author, "A <a@example.org> 1767225600 +0000"));
	git_commit_release(&c);
	CHECK(git_batch_get(&b, "0123456789012345678901234567890123456789", &type, &sb) == 1);
	CHECK(!git_batch_get(&b, "master:a.txt", &type, &sb));
	CHECK_STR(sb.buf, "a\nc\n");
	git_batch_stop(&b);

	/* Compare-and-swap: the ref moves only from the value we expect. */
	CHECK(!git_update_ref(&r, "refs/heads/side", oid, NULL, "test"));
	CHECK(git_update_ref(&r, "refs/heads/side", head, head, "test") == -XS_ENV);
	CHECK(!git_update_ref(&r, "refs/heads/side", head, oid, "test"));
	CHECK(git_update_ref(&r, "refs/heads/side", oid, NULL, "test") == -XS_ENV);

	CHECK(git_worktree_clean(&r, r.worktree) == 1);
	CHECK(!sh("echo dirty >>a.txt"));
	CHECK(git_worktree_clean(&r, r.worktree) == 0);
	{
		struct strvec wt = STRVEC_INIT;

		CHECK(!git_worktrees_with_branch(&r, "refs/heads/master", &wt));
		CHECK(wt.nr == 1);
		strvec_clear(&wt);
	}
	git_close(&r);
	CHECK(git_open(&r, "/") == -XS_ENV);
	strbuf_release(&sb);
	strbuf_release(&type);
}

TEST(lock)
{
	struct repo_lock a = REPO_LOCK_INIT;
	char *path = path_join(dir, "sub/lock");
	pid_t pid;
	int st;

	CHECK(!lock_acquire(&a, path, "test holder"));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct repo_lock b = REPO_LOCK_INIT;
		int rc = lock_acquire(&b, path, "second");

		free(path);	/* the child's copy: valgrind checks it too */
		_exit(rc == -XS_ENV ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	lock_release(&a);
	pid = fork();
	if (pid == 0) {
		struct repo_lock b = REPO_LOCK_INIT;
		int rc = lock_acquire(&b, path, "second");

		lock_release(&b);
		free(path);
		_exit(rc == 0 ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	free(path);
}

int main(void)
{
	dir = make_temp_dir("unit-git");
	if (!dir)
		return 1;
	RUN(repo);
	RUN(lock);
	remove_tree(dir);
	free(dir);
	return unit_done();
}
