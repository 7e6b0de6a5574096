/*
 * fs.h: files written so that a crash never leaves half of one.
 *
 * Every file xenstable produces is written to a temporary name in the same
 * directory, fsync()ed, renamed over the final name and the directory is
 * fsync()ed.  A reader sees the old file or the new one, never a mix.
 *
 * Untrusted names (from patches, bundles, advisories) are checked with
 * path_is_safe() before they are joined to a directory, and opened with
 * O_NOFOLLOW.
 */
#ifndef XS_FS_H
#define XS_FS_H

#include "compat.h"
#include "strbuf.h"

struct atomic_file {
	char *path;		/* final name */
	char *tmp;		/* temporary name while open */
	int fd;
	off_t written;		/* bytes written so far */
	off_t queued;		/* of which handed to the disk already */
};

/* Open a temporary beside path; mode as for open(2). */
int atomic_open(struct atomic_file *af, const char *path, mode_t mode);
/*
 * Every ATOMIC_WRITEBACK bytes a large file is handed to the disk
 * without waiting (Linux), so that the fsync at commit has little left.
 */
int atomic_write(struct atomic_file *af, const void *data, size_t len);
/* fsync, rename over path, fsync the directory.  Frees af. */
int atomic_commit(struct atomic_file *af);
/* Remove the temporary.  Safe to call after commit or twice. */
void atomic_abort(struct atomic_file *af);

/* Whole-file helpers. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/*
 * Read a regular file (not following a final symlink) into sb.  max bounds
 * the size (0: 64 MiB).  Errors are reported: a missing file as XS_INPUT
 * when what says it is input, else XS_ENV.
 */
int read_file(struct strbuf *sb, const char *path, size_t max);
/* Same, but a missing file is not reported and gives 1. */
int read_file_if_exists(struct strbuf *sb, const char *path, size_t max);

int mkdir_p(const char *path, mode_t mode);
int remove_tree(const char *path);
int path_exists(const char *path);
int is_dir(const char *path);
int is_regular_file(const char *path);
/* Create a fresh private directory under $TMPDIR; returns malloc()ed path. */
char *make_temp_dir(const char *tag);
/* fsync a directory so a rename in it is durable. */
int fsync_dir(const char *dir);

/*
 * A relative path with no empty, "." or ".." component, no leading "/", no
 * backslash and no control characters: safe to join below a directory.
 */
int path_is_safe(const char *name);

/* Join dir and name with one "/"; returns malloc()ed string. */
char *path_join(const char *dir, const char *name);
/* Directory part of a path (malloc()ed); "." for a bare name. */
char *path_dirname(const char *path);
const char *path_basename(const char *path);
/* Absolute, symlink-resolved form of an existing path (malloc()ed). */
char *path_realpath(const char *path);

/* List regular files and directories in dir, sorted; names only. */
struct strvec;
int list_dir(const char *dir, struct strvec *names);

/* Write all of buf to fd, retrying on EINTR and short writes; -1 + errno on error. */
int write_all(int fd, const void *buf, size_t len);

/* Copy a regular file (atomically). */
int copy_file(const char *from, const char *to, mode_t mode);

#endif
