/*
 * xsa-history.h: what the source repository's history says about XSAs.
 *
 * One pass over the history of master and every maintained branch
 * (refs/heads/stable-X.Y, exactly those full refs) reads every commit
 * message once (git log -z, streamed) and keeps, per commit, its parents
 * and, for the few that matter, what the message states:
 *
 *	claims    the XSAs a paragraph opens by stating ("This is XSA-N.",
 *	          "This is part of XSA-N.", "This is CVE-... / XSA-N.",
 *	          "Part of XSA-N.", "Everything together is XSA-N.") and
 *	          xenstable's own "XSA: N" trailers.  A mention in prose
 *	          ("XSA-443 addressed ...", "This is a followup to XSA-N",
 *	          "This documents, but does not fix, XSA-N") is not a claim.
 *	links     the commit a backport names: "master commit: <id>" and
 *	          "(cherry picked from commit <id>)"
 *	reverts   "This reverts commit <id>."
 *
 * Complete on a line: every master fix found (or as many patches as a
 * stored advisory maps to the branch; for an XSA no master commit fixes,
 * as many as the line that has most), nothing the line's tip adds later
 * missing.  Otherwise partial.
 *
 * A commit without a claim fixes XSA-N when it links (transitively) to a
 * commit claiming it, or has the patch-id of a master commit claiming it
 * (patch-ids are computed only for branch commits that have neither a
 * claim nor a known link, and only against the master fixes their branch
 * lacks).  A fix reverted in the same history (a revert of it, or of the
 * master commit it backports, that is not itself reverted) does not count.
 *
 * The graph and the facts are cached in <common-dir>/xenstable/
 * xsa-history.v1, keyed by commit ids (so they never go stale): a warm run
 * lists the refs and reads the cache; when tips moved, only the new
 * commits are read.
 *
 * Evidence (TRUST.md): a fixing commit is evidence when a verified
 * upstream RELEASE tag (upstream-tags.h) contains it, or when its patch-id
 * is that of a patch of a verified stored advisory; otherwise it is only
 * claimed.
 *
 * Lines no branch file names (older Xen versions) are added on demand for
 * a revision on one (xsa_history_add_old_line()): their tags are evidence
 * like the others, their commits are read when asked for and not cached.
 */
#ifndef XS_XSA_HISTORY_H
#define XS_XSA_HISTORY_H

#include "compat.h"
#include "git.h"
#include "strbuf.h"
#include "strvec.h"

struct branch;
struct branch_set;
struct xsa_store;
struct upstream_tags;

/* --- commit messages (xsa-history-msg.c) ------------------------------ */

#define XH_MAX_CLAIMS 16
#define XH_MAX_LINKS 8

struct xh_msg_facts {
	int claims[XH_MAX_CLAIMS];	/* sorted, unique */
	size_t nr_claims;
	char links[XH_MAX_LINKS][GIT_MAX_HEXSZ + 1];
	size_t nr_links;
	char reverts[XH_MAX_LINKS][GIT_MAX_HEXSZ + 1];
	size_t nr_reverts;
	char cves[XH_MAX_LINKS][24];	/* "CVE-2024-45819" named by a statement */
	size_t nr_cves;
};

/*
 * Read a whole commit message (subject line first).  Only full-length
 * object ids count as links and reverts.
 */
void xh_msg_scan(const char *msg, size_t len, struct xh_msg_facts *f);

/*
 * The statement grammar on one paragraph (its lines joined by blanks):
 * the XSA numbers it states, up to max, sorted; 0 when it is no statement.
 * When cves is not NULL, the CVE ids the statement names are added to it.
 */
size_t xh_statement_parse(const char *para, size_t len, int *out, size_t max,
			  struct xh_msg_facts *cves);

/*
 * An advisory's VULNERABLE SYSTEMS text: the lowest and highest Xen X.Y
 * it calls vulnerable.  *lo / *hi are major*100+minor, 0 when unbounded.
 * Returns 1 when the text says which versions are vulnerable ("All
 * versions of Xen", "Xen 4.17 and later", "4.13 through 4.17"), 0 when
 * it does not say (then nothing is known).
 */
int xh_vulnerable_parse(const char *text, size_t len, int *lo, int *hi);

/*
 * A revision as people write it: a tag, a commit id, "X.Y.Z" (a release),
 * or a git-describe-like name "4.17.2+55-g0b56bed864",
 * "RELEASE-4.17.2-55-g0b56bed864" (then *hex gets the id after -g, *base
 * the part before "+N-g" / "-N-g" and *ahead N).  Returns 1 for a
 * describe-like name, 0 otherwise (rev is used as it is).
 */
int xh_rev_describe_parse(const char *rev, struct strbuf *base, long *ahead, struct strbuf *hex);

/* --- the history ------------------------------------------------------ */

#define XH_NONE UINT32_MAX

struct xh_commit {
	unsigned char oid[32];
	uint32_t par;		/* first parent in xsa_history.parents */
	uint16_t npar;
	uint32_t fact;		/* index + 1 into facts, 0 if none */
};

struct xh_fact {
	uint32_t commit;
	int64_t time;		/* committer date */
	int *claims;
	size_t nr_claims;
	char **links;		/* hex ids as written */
	size_t nr_links;
	char **reverts;
	size_t nr_reverts;
	char **cves;
	size_t nr_cves;
	char **files;		/* paths it changes, when asked for (NULL: not read) */
	size_t nr_files;
	int files_known;
	char *subject;
	char pid[GIT_MAX_HEXSZ + 1];	/* patch-id; "" not computed, "-" none */
	/* computed */
	int *eff;		/* XSAs it fixes: own claims + links + patch-id */
	size_t nr_eff;
	uint32_t *ident;	/* itself and the commits it links to (resolved) */
	size_t nr_ident;
	uint32_t *targets;	/* resolved reverted commits (own and via links) */
	size_t nr_targets;
	uint32_t *pid_links;	/* master fixes with its patch-id (not cached) */
	size_t nr_pid_links;
};

/* One line of history: master or a maintained branch. */
struct xh_line {
	const struct branch *b;		/* NULL for master */
	char name[32];			/* "4.19", "master" */
	char ref[128];			/* "refs/heads/stable-4.19" */
	uint32_t tip;			/* XH_NONE when the ref is missing */
	uint32_t fork;			/* merge-base with master, XH_NONE if none */
	uint64_t *reach;
	uint64_t *fork_reach;		/* what the fork reaches (NULL: no fork) */
	uint32_t *fp_dist;		/* per commit: first-parent steps from the tip */
	int old;			/* a line no branch file names (add_old_line) */
	struct xh_rtag *tags;		/* its RELEASE tags by point */
	size_t nr_tags;
};

struct xh_rtag {
	const char *name;		/* owned by the upstream_tags */
	int point;
	uint32_t commit;
	int verified;
	uint64_t *reach;
};

/* Per stored advisory: what it says about branches. */
struct xh_advice {
	int xsa;
	int xen;		/* has Xen files */
	char *projects;		/* "xapi", "linux, qemu" when not Xen */
	int vuln_known, vuln_lo, vuln_hi;	/* VULNERABLE SYSTEMS */
	int *mapped;		/* patches mapped per line (index as lines) */
	char **mapped_pids;	/* per line: "pid pid ..." of the mapped patches */
	size_t nr_mapped;	/* the lines there were when it was read */
	char *title;
	struct strvec cves;
	int64_t public_time;	/* 0 unknown */
	int signed_;		/* verified signature (evidence for patch-ids) */
};

struct xsa_history {
	const struct git_repo *repo;
	unsigned hexsz;
	struct xh_commit *c;
	size_t nr, alloc;
	uint32_t *parents;
	size_t nr_parents, alloc_parents;
	struct xh_fact *facts;
	size_t nr_facts, alloc_facts;
	uint32_t *map;		/* open addressing: index + 1 */
	size_t map_cap;
	size_t words;		/* bitset words for nr commits */

	struct xh_line *lines;	/* [0] is master, the branches, then older lines */
	size_t nr_lines;
	const struct branch **old_lines;	/* older lines added, in order */
	size_t nr_old_lines;

	/* XSA -> commits fixing it (effective), sorted by XSA */
	int *xsas;
	uint32_t **fixers;
	size_t *nr_fixers;
	size_t nr_xsas;

	uint32_t **mfix;	/* per XSA slot: its fixes on master, not reverted */
	size_t *nr_mfix;
	uint32_t *revert_commits;	/* commits that revert something */
	size_t nr_revert_commits;
	uint64_t *targeted;	/* commits some commit reverts */

	struct xh_advice *adv;	/* stored advisories, by number */
	size_t nr_adv;
	struct strvec notes;	/* said once each */

	uint64_t *evidence;	/* commits under a verified RELEASE tag */
	size_t tags_verified, tags_total;

	size_t scanned, cached;	/* commits read this time / from the cache */
	char *cache_path;
	int dirty;
	struct strvec tips;	/* what the graph covers (for the cache) */
	const struct xh_opts *opts;
};

struct xh_opts {
	const struct git_repo *src;
	const struct branch_set *branches;
	const struct xsa_store *store;		/* may be NULL */
	struct upstream_tags *tags;		/* listed; verified by tags_ready, may be NULL */
	int no_cache;
	/* Called once the history is read and before tags are used: the tags'
	 * verification may run meanwhile (returns <0 when it failed). */
	int (*tags_ready)(void *data);
	void *tags_ready_data;
};

int xsa_history_load(struct xsa_history *h, const struct xh_opts *o);
void xsa_history_release(struct xsa_history *h);
/* Add the history of a commit outside the lines (o as given to load). */
int xsa_history_extend(struct xsa_history *h, const char *oid);
/*
 * Add an older line (a Xen version no branch file names: b from
 * upstream_old_branch(), its tags verified or not) after the others: its
 * head and RELEASE tags are read in, its verified tags count as evidence,
 * and a commit on it is judged against its tip.  Returns its line index,
 * or <0 on error.  Only the revision commands add one; the commands that
 * list lines show the maintained ones.
 */
int xsa_history_add_old_line(struct xsa_history *h, const struct branch *b);
/*
 * Count commit c as evidence from now on: its caller checked the content
 * (the XSA status found a verified advisory patch in the tree for it).
 */
void xsa_history_mark_evidence(struct xsa_history *h, uint32_t c);
/*
 * A RELEASE tag not in the repository yet (the release being cut) on line
 * li at commit c: verified (it will be signed with the artifacts by a key
 * pinned for the branch's releases) but adding no evidence.  Taken back by
 * xsa_history_pop_tag() before anything else changes the history.
 */
void xsa_history_push_tag(struct xsa_history *h, size_t li, const char *name, int point,
			  uint32_t c);
void xsa_history_pop_tag(struct xsa_history *h, size_t li);
/*
 * Cache what was read after loading (xsa_history_extend(), an older line)
 * with the rest: keyed by commit ids, it never goes stale, and the next
 * run on the same revision reads nothing.  Once, before the release.
 */
void xsa_history_keep(struct xsa_history *h);
/* Read the paths the commits change (once; cached with the history). */
int xsa_history_files(struct xsa_history *h, const uint32_t *list, size_t n);

/* Lookups. */
uint32_t xh_find(const struct xsa_history *h, const char *hex);
/* Unique commit whose id starts with prefix: index, XH_NONE if none,
 * XH_NONE - 1 if ambiguous. */
uint32_t xh_find_prefix(const struct xsa_history *h, const char *prefix);
void xh_oid_hex(const struct xsa_history *h, uint32_t i, char out[GIT_MAX_HEXSZ + 1]);
const struct xh_fact *xh_fact_of(const struct xsa_history *h, uint32_t i);
/* Everything reachable from commit i (a new bitset the caller frees). */
uint64_t *xh_reach(const struct xsa_history *h, uint32_t i);
/* The same, starting from a copy of seed (which start must reach). */
uint64_t *xh_reach_from(const struct xsa_history *h, uint32_t start, const uint64_t *seed);
static inline int xh_has(const uint64_t *set, uint32_t i)
{
	return (int)((set[i / 64] >> (i % 64)) & 1);
}
const struct xh_advice *xh_advice_of(const struct xsa_history *h, int xsa);
/* How many of a's patches map to line li (0 for a line added later). */
static inline int xh_mapped(const struct xh_advice *a, size_t li)
{
	return a && a->mapped && li < a->nr_mapped ? a->mapped[li] : 0;
}
/* Which line a commit belongs to: the branch whose own commits (after
 * its fork from master) hold it, 0 (master) when master holds it, or -1. */
int xh_line_of(const struct xsa_history *h, uint32_t i);

/* --- evaluation ------------------------------------------------------- */

enum xh_state {
	XH_FIXED,		/* complete, every commit evidence */
	XH_CLAIMED,		/* complete, some commit only claimed */
	XH_PARTIAL,		/* some of the fix */
	XH_REVERTED,		/* was there, reverted */
	XH_NONE_HERE,		/* nothing */
};
const char *xh_state_name(enum xh_state s);

struct xh_eval {
	int xsa;
	enum xh_state state;
	uint32_t *commits;	/* the fixing commits in the history, oldest first */
	size_t nr_commits;
	size_t units;		/* distinct fixes among them */
	size_t need;		/* how many a complete fix has */
	const char *need_from;	/* "master", "advisory", "branch" */
	uint32_t *missing;	/* master fixes not found */
	size_t nr_missing;
	uint32_t *reverted;	/* fixes present but reverted */
	size_t nr_reverted;
	size_t unevidenced;	/* commits only claimed */
	struct strbuf why;	/* for people: why partial */
};

void xh_eval_init(struct xh_eval *e);
void xh_eval_release(struct xh_eval *e);

/*
 * XSA x in the history reach (a bitset), judged for line li (the line
 * whose tip is the reference: its later fixes count as needed; -1 for
 * none).
 */
void xh_evaluate(const struct xsa_history *h, int x, const uint64_t *reach, int li,
		 struct xh_eval *e);

/* Per line: what history says about one XSA. */
struct xh_branch_xsa {
	struct xh_eval at_tip;
	int fixed_in;		/* tag index of the line, -1 none */
	int inherited;		/* fixed on master before the fork */
	int *affected;		/* tag indexes before fixed_in (bounded) */
	size_t nr_affected;
	int not_affected;	/* the advisory's VULNERABLE SYSTEMS exclude it */
};

void xh_branch_xsa_init(struct xh_branch_xsa *bx);
void xh_branch_xsa_release(struct xh_branch_xsa *bx);
void xh_branch_evaluate(const struct xsa_history *h, int x, size_t li, struct xh_branch_xsa *bx);

/* Is XSA x known to concern Xen (no stored advisory says otherwise)? */
int xh_xsa_is_xen(const struct xsa_history *h, int x);
/* Does line li carry any commit fixing x (at its tip, reverted or not)? */
int xh_line_touches(const struct xsa_history *h, int x, size_t li);
/* Version of a line as major*100+minor (master: 9999). */
int xh_line_version(const struct xh_line *l);

#endif
