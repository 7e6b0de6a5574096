/*
 * progress.h: a one-line progress meter for long runs.
 *
 * It shows only when stderr is a terminal, --quiet is off and the run
 * has lasted PROGRESS_DELAY_MS (test hook: $XENSTABLE_PROGRESS_DELAY_MS),
 * and then redraws at most five times a second:
 *
 *	xen-4.19.4.tar.gz: 21.4 MiB, 38.2 MiB/s
 *
 * Nothing is ever printed when stderr is a file or a pipe.
 */
#ifndef XS_PROGRESS_H
#define XS_PROGRESS_H

#include "compat.h"

#define PROGRESS_DELAY_MS 1000

struct progress;

/* title is copied; returns NULL (a valid, silent meter) when not shown. */
struct progress *progress_start(const char *title);
void progress_update(struct progress *p, uint64_t bytes);
/* Print the final figures (if the meter was shown) and free it. */
void progress_stop(struct progress *p);

#endif
