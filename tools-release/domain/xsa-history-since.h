/*
 * xsa-history-since.h: which XSAs a revision fixes, and which of them are
 * new since another one (a release's list, "xsa fixed REV --since REV2").
 *
 * Every XSA the history knows is judged at commit c with xh_evaluate()
 * (c's own line as the reference).  Rows are kept when the XSA is fixed,
 * claimed (complete, not every commit evidence) or partial there; reverted
 * fixes and XSAs with nothing at c are left out.
 *
 * New since c2: a complete row (fixed or claimed) whose XSA was not
 * complete at c2; a partial row with a fixing commit c2 does not reach.
 */
#ifndef XS_XSA_HISTORY_SINCE_H
#define XS_XSA_HISTORY_SINCE_H

#include "compat.h"
#include "xsa-history.h"

struct xh_fixed_row {
	int xsa;
	struct xh_eval e;	/* at c */
};

struct xh_fixed_set {
	struct xh_fixed_row *v;	/* by XSA number */
	size_t nr, alloc;
};

void xh_fixed_set_release(struct xh_fixed_set *s);
const struct xh_fixed_row *xh_fixed_find(const struct xh_fixed_set *s, int x);

/* Every XSA fixed, claimed or partial at commit c. */
void xsa_history_fixed_at(const struct xsa_history *h, uint32_t c, struct xh_fixed_set *out);

/*
 * The rows of xsa_history_fixed_at(c) that are new since c2.  c2 XH_NONE:
 * since the fork of c's line from master (every row when c is on no line
 * with a fork).
 */
void xsa_history_fixed_since(const struct xsa_history *h, uint32_t c, uint32_t c2,
			     struct xh_fixed_set *out);

/* Is the state one of the complete ones (fixed or claimed)? */
static inline int xh_state_complete(enum xh_state s)
{
	return s == XH_FIXED || s == XH_CLAIMED;
}

#endif
