/* release-internal.h: private to domain/release*.c; nothing else includes it. */
#ifndef XS_RELEASE_INTERNAL_H
#define XS_RELEASE_INTERNAL_H

#include "release.h"

struct json_writer;

/* release.c */
struct check_result *release_add_check(struct release_plan *p, const char *name);
int release_checks_failed(const struct release_plan *p);
/* Commits since the last tag (pre opener left out) and the XSAs they claim. */
int release_collect_changes(const struct release_opts *o, struct release_plan *p,
		    struct strvec *embargo_trailers);

/* release-preflight.c */
/* The commit a release directory's release.json names; NULL if none. */
char *release_dist_commit(const char *dist);

/* release-state.c: the state of an interrupted run */
struct release_state {
	struct strvec recorded;
	int tree_checked;
	char *version;
	char base[GIT_MAX_HEXSZ + 1];
	char release_commit[GIT_MAX_HEXSZ + 1];
	char pre_commit[GIT_MAX_HEXSZ + 1];
	int64_t time;
	char key[GPG_FPR_LEN + 1];
};

int release_state_load(const struct release_opts *o, struct release_state *st);
int release_state_save(const struct release_opts *o, const struct release_plan *p, int64_t t);
void release_state_remove(const struct release_opts *o);
/* "checks": [{"check", "status", "reason"}] from "name\tstatus\treason". */
void release_write_recorded(struct json_writer *w, const struct strvec *rec);
/* Add checks [from, nr_checks) to what release.json will record. */
void release_record_checks(struct release_plan *p, size_t from);
/* Refs that keep the commits of an unfinished release from git gc. */
int release_hold_refs(const struct release_opts *o, const struct release_plan *p, int drop);

/* release-commits.c */
int release_make_commits(const struct release_opts *o, struct release_plan *p,
		 const char *ident);
int release_make_tag(const struct release_opts *o, const struct release_plan *p,
	     const char *ident);
int release_move_branch(const struct release_opts *o, const struct release_plan *p);
/* Before the tag: is the branch still where the release began? */
int release_check_unmoved(const struct release_opts *o, struct release_plan *p);

/* release-artifacts.c */
int release_write_artifacts(const struct release_opts *o, struct release_plan *p);

#endif
