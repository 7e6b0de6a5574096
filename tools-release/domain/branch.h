/*
 * branch.h: the maintained branches, one branches/X.Y.conf each.
 *
 *	[branch]
 *		version = 4.19
 *		ref = stable-4.19
 *		initial-release = 2024-07-29
 *		supported-until = 2026-01-29
 *		security-support-until = 2029-07-29
 *		tag-format = RELEASE-%v
 *		tarball-name = xen-%v
 *		cadence = monthly
 *
 * Other sections ([build], [abi], [companion "name"], [release]) belong to
 * the modules that use them; any other section or key is an error, so a
 * typo cannot silently change what a release does.
 */
#ifndef XS_BRANCH_H
#define XS_BRANCH_H

#include "compat.h"
#include "cfgfile.h"

enum branch_state {
	BRANCH_UNRELEASED,
	BRANCH_SUPPORTED,
	BRANCH_SECURITY_ONLY,
	BRANCH_EOL,
};

struct branch {
	char *name;		/* "4.19" */
	char *path;		/* the conf file */
	int major, minor;
	char *ref;		/* "stable-4.19" (the conf's ref, without refs/heads/) */
	char *full_ref;		/* "refs/heads/stable-4.19": what is resolved, always */
	long initial_release;	/* days since the epoch */
	long supported_until;
	long security_until;
	char *tag_format;	/* "RELEASE-%v" */
	char *tarball_name;	/* "xen-%v" */
	char *cadence;		/* "monthly" or "on-xsa" */
	struct cfg_file cfg;	/* the whole file */
};

struct branch_set {
	struct branch *v;
	size_t nr, alloc;
};

/* Parse one conf file's text (path names it in errors). */
int branch_parse(struct branch *b, const char *path, const char *text, size_t len);
void branch_release(struct branch *b);
/* Load every branches/X.Y.conf below repo_root, sorted by version. */
int branches_load(struct branch_set *bs, const char *repo_root);
void branches_release(struct branch_set *bs);
/* Find by "4.19", "stable-4.19" or the ref; NULL if none. */
struct branch *branch_find(const struct branch_set *bs, const char *name);
/* Report that name is no maintained branch, listing those there are (and
 * the likely one meant); returns -cls (XS_USAGE or XS_INPUT). */
int branch_error_unknown(const struct branch_set *bs, const char *name, int cls);

enum branch_state branch_state_on(const struct branch *b, long day);
const char *branch_state_name(enum branch_state s);
int branch_security_supported(const struct branch *b, long day);

/* Expand %v (version) and %% in fmt; malloc()ed. */
char *branch_expand(const char *fmt, const char *version);
char *branch_tag_name(const struct branch *b, const char *version);
char *branch_tarball_base(const struct branch *b, const char *version);
/* "4.19" -> major/minor; 0 ok. */
int parse_major_minor(const char *s, int *major, int *minor);
/* Is tag a release tag of b ("RELEASE-4.19.3")?  Sets *point. */
int branch_tag_point(const struct branch *b, const char *tag, int *point);

#endif
