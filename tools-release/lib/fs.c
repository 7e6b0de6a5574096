#include "compat.h"
#include "fs.h"
#include "strvec.h"
#include "usage.h"
#include "xalloc.h"

#include <dirent.h>
#include <ftw.h>

#define DEFAULT_MAX_FILE (64u << 20)
#define ATOMIC_WRITEBACK ((off_t)1 << 20)

int atomic_open(struct atomic_file *af, const char *path, mode_t mode)
{
	char *dir = path_dirname(path);
	int tries;

	af->path = xstrdup(path);
	af->tmp = NULL;
	af->fd = -1;
	af->written = af->queued = 0;
	for (tries = 0; tries < 100; tries++) {
		char rnd[16];
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(rnd, sizeof(rnd), "%06lx",
			 (unsigned long)((ts.tv_nsec ^ (long)getpid() * 7919 ^ tries * 104729) & 0xffffff));
		free(af->tmp);
		af->tmp = xstrfmt("%s/.%s.tmp-%s", dir, path_basename(path), rnd);
		af->fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (af->fd >= 0 || errno != EEXIST)
			break;
	}
	free(dir);
	if (af->fd < 0) {
		int rc = error_errno("cannot create a temporary file for '%s'", path);

		free(af->tmp);
		free(af->path);
		af->tmp = af->path = NULL;
		return rc;
	}
	/* The umask must not decide what others may read: set it exactly. */
	if (fchmod(af->fd, mode)) {
		int rc = error_errno("cannot set mode of '%s'", af->tmp);

		atomic_abort(af);
		return rc;
	}
	return 0;
}

int atomic_write(struct atomic_file *af, const void *data, size_t len)
{
	if (af->fd < 0)
		BUG("atomic_write on a closed file");
	if (write_all(af->fd, data, len))
		return error_errno("cannot write '%s'", af->tmp);
	af->written += (off_t)len;
#ifdef SYNC_FILE_RANGE_WRITE
	/* Advisory: errors, if any, come back from fsync at commit. */
	if (af->written - af->queued >= ATOMIC_WRITEBACK) {
		(void)sync_file_range(af->fd, af->queued, af->written - af->queued,
				      SYNC_FILE_RANGE_WRITE);
		af->queued = af->written;
	}
#endif
	return 0;
}

int atomic_commit(struct atomic_file *af)
{
	char *dir;
	int rc = 0;

	if (af->fd < 0)
		BUG("atomic_commit on a closed file");
	if (fsync(af->fd)) {
		rc = error_errno("cannot sync '%s'", af->tmp);
		atomic_abort(af);
		return rc;
	}
	if (close(af->fd)) {
		af->fd = -1;
		rc = error_errno("cannot close '%s'", af->tmp);
		atomic_abort(af);
		return rc;
	}
	af->fd = -1;
	crash_point("atomic-rename");
	if (rename(af->tmp, af->path)) {
		rc = error_errno("cannot rename '%s' to '%s'", af->tmp, af->path);
		atomic_abort(af);
		return rc;
	}
	dir = path_dirname(af->path);
	rc = fsync_dir(dir);
	free(dir);
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
	return rc;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	struct atomic_file af;
	int rc = atomic_open(&af, path, mode);

	if (rc)
		return rc;
	rc = atomic_write(&af, data, len);
	if (rc) {
		atomic_abort(&af);
		return rc;
	}
	return atomic_commit(&af);
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_file_gently(struct strbuf *sb, const char *path, size_t max,
			    int missing_ok)
{
	struct stat st;
	int fd;

	if (!max)
		max = DEFAULT_MAX_FILE;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return 1;
		if (errno == ELOOP)
			return error_input("%s: is a symbolic link; refusing to follow it", path);
		if (errno == ENOENT)
			return error_input("%s: no such file", path);
		return error_errno("cannot open '%s'", path);
	}
	if (fstat(fd, &st)) {
		close(fd);
		return error_errno("cannot stat '%s'", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return error_input("%s: not a regular file", path);
	}
	if ((uintmax_t)st.st_size > max) {
		close(fd);
		return error_input("%s: file is too large (%jd bytes, limit %zu)",
				   path, (intmax_t)st.st_size, max);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (strbuf_read_fd(sb, fd, max)) {
		int rc = errno == EFBIG ?
			error_input("%s: file is too large (limit %zu)", path, max) :
			error_errno("cannot read '%s'", path);
		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

int read_file(struct strbuf *sb, const char *path, size_t max)
{
	return read_file_gently(sb, path, max, 0);
}

int read_file_if_exists(struct strbuf *sb, const char *path, size_t max)
{
	return read_file_gently(sb, path, max, 1);
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) && errno != EEXIST) {
				rc = error_errno("cannot create directory '%s'", p);
				break;
			}
			if (!c)
				break;
			*s = c;
		}
	}
	if (!rc && !is_dir(path))
		rc = error_env("'%s' exists and is not a directory", path);
	free(p);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	int r;

	(void)st;
	(void)ftw;
	r = flag == FTW_DP ? rmdir(path) : unlink(path);
	/* An entry that vanished meanwhile (a gpg-agent socket) is gone: fine. */
	return r && errno != ENOENT ? -1 : 0;
}

int remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : error_errno("cannot stat '%s'", path);
	if (!S_ISDIR(st.st_mode))
		return unlink(path) ? error_errno("cannot remove '%s'", path) : 0;
	/* Make every directory writable first so removal cannot stall. */
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS))
		return error_errno("cannot remove '%s'", path);
	return 0;
}

int path_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int is_regular_file(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISREG(st.st_mode);
}

char *make_temp_dir(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	tmpl = xstrfmt("%s/xenstable-%s-XXXXXX", tmp, tag);
	if (!mkdtemp(tmpl)) {
		error_errno("cannot create a temporary directory in '%s'", tmp);
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return error_errno("cannot open directory '%s'", dir);
	/* Some filesystems refuse fsync on directories; that is not fatal. */
	if (fsync(fd) && errno != EINVAL && errno != EROFS) {
		int rc = error_errno("cannot sync directory '%s'", dir);

		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

int path_is_safe(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	p = name;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return 0;
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/') {
			p++;
			if (!*p)
				return 0;
		}
	}
	return 1;
}

char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (!n)
		return xstrdup(name);
	return xstrfmt("%.*s/%s", (int)n, dir, name);
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *path_realpath(const char *path)
{
	char *r = realpath(path, NULL);

	if (!r)
		die("cannot resolve '%s': %s", path, strerror(errno));
	return r;
}

int list_dir(const char *dir, struct strvec *names)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return error_errno("cannot read directory '%s'", dir);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strvec_push(names, de->d_name);
	}
	closedir(d);
	strvec_sort(names);
	return 0;
}

int copy_file(const char *from, const char *to, mode_t mode)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = read_file(&sb, from, 1u << 30);

	if (!rc)
		rc = write_file_atomic(to, sb.buf, sb.len, mode);
	strbuf_release(&sb);
	return rc;
}
