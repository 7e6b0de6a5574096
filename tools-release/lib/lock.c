#include "compat.h"
#include "lock.h"
#include "fs.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

#include <sys/file.h>

static long lock_wait_seconds(void)
{
	const char *s = getenv("XENSTABLE_LOCK_WAIT");
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	v = strtol(s, &end, 10);
	return (*end || v < 0) ? 0 : v;
}

int lock_acquire(struct repo_lock *lk, const char *path, const char *what)
{
	long waited_ms = 0, limit_ms = lock_wait_seconds() * 1000;
	struct strbuf info = STRBUF_INIT;
	char *dir = path_dirname(path);
	char stamp[32];
	struct tm tm;
	time_t now;
	int fd, rc;

	rc = mkdir_p(dir, 0755);
	free(dir);
	if (rc)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return error_errno("cannot open lock file '%s'", path);
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = error_errno("cannot lock '%s'", path);
			close(fd);
			return rc;
		}
		if (waited_ms >= limit_ms) {
			struct strbuf holder = STRBUF_INIT;

			if (lseek(fd, 0, SEEK_SET) == 0)
				strbuf_read_fd(&holder, fd, 4096);
			strbuf_trim(&holder);
			rc = error_env("repository is locked by another xenstable: %s (lock file %s)",
				       holder.len ? holder.buf : "holder unknown", path);
			strbuf_release(&holder);
			close(fd);
			return rc;
		}
		usleep(100 * 1000);
		waited_ms += 100;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strbuf_addf(&info, "pid %ld since %s: %s\n", (long)getpid(), stamp, what);
	if (ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0)
		(void)!write_all(fd, info.buf, info.len);
	strbuf_release(&info);
	lk->fd = fd;
	lk->path = xstrdup(path);
	return 0;
}

void lock_release(struct repo_lock *lk)
{
	if (lk->fd >= 0) {
		/* The content is informational only; failing to clear it is harmless. */
		(void)!ftruncate(lk->fd, 0);
		flock(lk->fd, LOCK_UN);
		close(lk->fd);
	}
	lk->fd = -1;
	free(lk->path);
	lk->path = NULL;
}
