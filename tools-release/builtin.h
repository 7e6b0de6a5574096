/*
 * builtin.h: the commands, one file each under cmd/, and what they share.
 *
 * Every command has the signature
 *	int cmd_NAME(int argc, const char **argv, struct xs_ctx *ctx);
 * argv[0] is the command name.  It returns an exit code (0..4) or a
 * negative exit class from the layers below; main() turns that into the
 * process exit status after flushing stdout.
 */
#ifndef XS_BUILTIN_H
#define XS_BUILTIN_H

#include "lib/compat.h"
#include "lib/git.h"
#include "lib/lock.h"
#include "domain/branch.h"

#ifndef XENSTABLE_VERSION
#define XENSTABLE_VERSION "0.0-dev"
#endif

struct xs_ctx {
	char *repo;		/* the maintenance repository (-C), absolute */
	const char *source;	/* --source, $XENSTABLE_SOURCE, or NULL */
	struct repo_lock lock;
	struct repo_lock source_lock;	/* the source repository, when taken */
};

/* Path of the source repository: --source, $XENSTABLE_SOURCE, or the
 * reference upstream in <repo>/.xenstable/upstream.  malloc()ed. */
char *ctx_source_path(const struct xs_ctx *ctx);
/* Open the source repository with a helpful error when it is missing. */
int ctx_open_source(const struct xs_ctx *ctx, struct git_repo *r);
/* The same, accepting a shallow clone (tarball needs only the tree). */
int ctx_open_source_shallow_ok(const struct xs_ctx *ctx, struct git_repo *r);
/* Serialise writers: lock the maintenance repository for what. */
int ctx_lock(struct xs_ctx *ctx, const char *what);
/* The same, also for a source repository (its git dir). */
int ctx_lock_source(const struct git_repo *src, struct repo_lock *lk, const char *what);
/* Join a path below the maintenance repository.  malloc()ed. */
char *ctx_path(const struct xs_ctx *ctx, const char *rel);

/* What a command that builds from the source repository holds: the
 * maintained branches and the opened source repository. */
struct ctx_source {
	struct branch_set branches;
	struct branch *branch;	/* the one named to ctx_source_open(), or NULL */
	struct git_repo src;
};
/* Load the branches, find branch (when not NULL; a usage error if it names
 * none), open the source repository, then take the repository lock for
 * lock_what (when not NULL).  On failure nothing is left held.  The lock
 * stays until the command returns, as with ctx_lock(). */
int ctx_source_open(struct xs_ctx *ctx, struct ctx_source *cs, const char *branch,
		    const char *lock_what);
/* Release what a successful ctx_source_open() took, except the lock
 * (main() drops it after the command returns). */
void ctx_source_close(struct ctx_source *cs);

typedef int (*cmd_fn)(int argc, const char **argv, struct xs_ctx *ctx);

int cmd_help(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_version(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_support(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_tarball(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_upstream(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_build(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_bundle(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_abi(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_abi_dump(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_abi_check(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_boot_check(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_release(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_report(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_verify(int argc, const char **argv, struct xs_ctx *ctx);

/* The dispatch table (xenstable.c). */
enum cmd_flags {
	CMD_NEEDS_REPO = 1 << 0,	/* -C must be a maintenance repository */
};

struct cmd_struct {
	const char *name;
	cmd_fn fn;
	unsigned flags;
	const char *summary;
};

extern const struct cmd_struct xs_commands[];
const struct cmd_struct *find_command(const char *name);

#endif
