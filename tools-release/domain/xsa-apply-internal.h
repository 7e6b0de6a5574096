/* xsa-apply-internal.h: private to domain/xsa-apply*.c; nothing else includes it. */
#ifndef XS_XSA_APPLY_INTERNAL_H
#define XS_XSA_APPLY_INTERNAL_H

#include "xsa-apply.h"

/* xsa-apply.c: the plan */
void xa_conflict_clear(struct apply_conflict *c);
struct xa_entry *xa_new_entry(struct xa_plan *p, int xsa);
struct xa_patch *xa_new_patch(struct xa_entry *e);
void xa_set_str(char **dst, const char *fmt, ...) XS_PRINTF(2, 3);
/* Which other variants of e's advisory apply cleanly on from? */
int xa_try_other_variants(const struct xa_opts *o, struct apply_run *run,
			  struct xa_entry *e, const char *from);

/* xsa-apply-state.c: the state file of a run waiting for --continue */
int xa_state_save(const struct git_repo *src, const struct xa_plan *plan);
void xa_state_remove(const struct git_repo *src);

#endif
