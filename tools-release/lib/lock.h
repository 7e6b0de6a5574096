/*
 * lock.h: one writer at a time per repository.
 *
 * The lock is an flock() on a file; the kernel drops it when the holder
 * exits, even by kill -9, so a crash never leaves a stale lock.  The file
 * says who holds it (pid, start time, command) so the second process can
 * name the holder in its error.
 */
#ifndef XS_LOCK_H
#define XS_LOCK_H

#include "compat.h"

struct repo_lock {
	int fd;
	char *path;
};
#define REPO_LOCK_INIT { -1, NULL }

/*
 * Take the lock at path (created if needed), recording what as the
 * holder's description.  Waits up to $XENSTABLE_LOCK_WAIT seconds
 * (default 0), then fails with XS_ENV naming the holder.
 */
int lock_acquire(struct repo_lock *lk, const char *path, const char *what);
void lock_release(struct repo_lock *lk);

#endif
