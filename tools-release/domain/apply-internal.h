/* apply-internal.h: private to domain/apply*.c; nothing else includes it. */
#ifndef XS_APPLY_INTERNAL_H
#define XS_APPLY_INTERNAL_H

#include "apply.h"

/* apply-patch.c */
/* "@@ -a,b +c,d @@" -> old/new line counts; -1 if malformed. */
int apply_parse_hunk_header(const char *line, size_t n, long *ostart, long *olen,
			    long *nstart, long *nlen);
/* The paths a patch creates ("--- /dev/null" then "+++ b/PATH"). */
void apply_patch_new_files(const char *text, size_t len, struct strvec *out);

/* apply.c: the run */
/* Bring the run's objects into the repository (before a ref points at them). */
int apply_migrate_objects(struct apply_run *r);
/* git with the run's private index and environment. */
int apply_run_git(struct apply_run *r, const char *in, size_t in_len,
		  struct strbuf *out, struct strbuf *err, const struct strvec *env,
		  const char *const *argv);
/* rc of a git that must succeed: git's first line of complaint as error_env(). */
int apply_must(const char *what, int rc, const struct strbuf *err);
/* Index files of the run: unique per run (runs may go on in parallel threads). */
char *apply_new_index_path(const struct apply_run *r, const char *tag);
/* Write the commits made so far (before anything reads them). */
int apply_flush_commits(struct apply_run *r);
/* Commit tree (a tree id) on the run's tip with the item's author and message. */
int apply_commit_tree(struct apply_run *r, const struct apply_item *it, const char *tree,
		      char *oid);
/* "git apply --cached ..." of path ("-": stdin) with flags (enum apply_check_flags). */
void apply_argv(struct strvec *argv, int check, unsigned flags, const char *path);

/* apply-check.c */
/* Why git apply refused it: the file, the hunk, and who last touched its lines. */
void apply_analyse_conflict(struct apply_run *r, const struct apply_item *it,
			    const struct strbuf *err, struct apply_conflict *c);
/* Do patches reverse-apply in index, last one first?  0 yes, 1 no, <0 error. */
int apply_reverse_series(const struct git_repo *repo, const struct strvec *env,
			 const char *const *paths, size_t nr, int check_only,
			 struct strbuf *why);

#endif
