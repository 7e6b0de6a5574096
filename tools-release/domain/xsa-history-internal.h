/*
 * xsa-history-internal.h: private to the xsa-history-*.c files (and
 * xsa-history.c), which share these helpers; nothing else includes it.
 * The public interface is xsa-history.h.
 */
#ifndef XS_XSA_HISTORY_INTERNAL_H
#define XS_XSA_HISTORY_INTERNAL_H

#include "xsa-history.h"

#define HISTORY_CACHE "xsa-history.v1"
#define MAX_DEPTH 4

/* --- the graph and its cache (xsa-history-graph.c) --------------------- */

struct xh_fact *xh_fact_new(struct xsa_history *h, uint32_t i);
char *xh_clean_subject(const char *s, size_t n);
/* git log -z over include ^exclude, streamed and parsed record by record. */
int xh_scan_log(struct xsa_history *h, const struct strvec *include, const struct strvec *exclude);
int xh_save_cache(struct xsa_history *h, const struct strvec *tips);
void xh_load_cache(struct xsa_history *h, struct strvec *tips);
void xh_clear_graph(struct xsa_history *h);
/* Walk first parents from i until a commit of set: that commit, or XH_NONE. */
uint32_t xh_first_in(const struct xsa_history *h, uint32_t i, const uint64_t *set);
/* Is a on the first-parent chain of b? */
int xh_on_first_parents(const struct xsa_history *h, uint32_t a, uint32_t b);

/* --- resolved facts and their index (xsa-history.c) -------------------- */

void xh_push_u32(uint32_t **v, size_t *nr, uint32_t x);
void xh_resolve_facts(struct xsa_history *h);
void xh_build_index(struct xsa_history *h);
long xh_xsa_slot(const struct xsa_history *h, int x);

/* --- patch-ids and stored advisories (xsa-history-advice.c) ------------ */

const char *xh_pid_of(const struct xsa_history *h, uint32_t i);
int xh_subject_eq(const struct xsa_history *h, uint32_t a, uint32_t b);
int xh_link_by_patch_id(struct xsa_history *h);
void xh_free_advice(struct xsa_history *h);
int xh_load_advice(struct xsa_history *h, const struct xh_opts *o);
/* Is c's patch-id one of a signed advisory's patches of x (any line)? */
int xh_matches_advisory(const struct xsa_history *h, int x, uint32_t c);
/* Patch-ids of claimed-only fixes of XSAs with a signed stored advisory. */
int xh_pids_for_evidence(struct xsa_history *h);

/* --- evaluation (xsa-history-eval.c) ----------------------------------- */

/* Effective fixes of x on master (not reverted there). */
size_t xh_master_fixes(const struct xsa_history *h, int x, uint32_t **out);
void xh_compute_master_fixes(struct xsa_history *h);

#endif
