/*
 * tarball.h: release tarballs that are exactly the tag, and the proof.
 *
 * tools-release/TARBALL.md is the specification.  The tar stream is what
 * "git archive --format=tar --prefix=xen-V/ COMMIT" writes (with git's
 * configuration pinned to its defaults, see tarball_stream()); its SHA-256
 * is the tarball's tar_sha256.  The compressed file is that stream through
 * lib/compress.h, so its sha256 depends only on the tag and on the
 * compression library's version.
 *
 * Used by:  xenstable tarball (cmd/tarball.c); the release command writes
 * both formats with tarball_release(); bundles compress their own small
 * tar with tarball_write_buffer(); verification of an upstream tarball is
 * tarball_verify().
 */
#ifndef XS_TARBALL_H
#define XS_TARBALL_H

#include "compat.h"
#include "compress.h"
#include "git.h"
#include "hash.h"
#include "strvec.h"

/* What goes into a tarball: a commit and the top directory. */
struct tarball_source {
	char commit[GIT_MAX_HEXSZ + 1];
	char *prefix;		/* "xen-4.19.4/" (always ends in '/') */
	char *version;		/* "4.19.4", or NULL when the prefix was given */
	char *name;		/* "xen-4.19.4": the prefix without its '/' */
};

/*
 * Resolve ref in r and choose the prefix: prefix when given (a '/' is
 * added when missing), else "xen-V/" with V from a RELEASE-X.Y.Z tag name
 * or from the version lines of the tree's Makefile (domain/version.h).
 */
int tarball_resolve(const struct git_repo *r, const char *ref, const char *prefix,
		    struct tarball_source *src);
void tarball_source_release(struct tarball_source *src);

/* Hashes of one artifact and of the tar stream inside it. */
struct tarball_hashes {
	char tar_sha256[SHA256_HEX_LEN + 1];
	uint64_t tar_size;
	char sha256[SHA256_HEX_LEN + 1];	/* the compressed file */
	uint64_t size;
};

/* Receives the tar stream in order; 0 or a negative exit class. */
typedef int (*tarball_sink_fn)(void *data, const void *buf, size_t len);

/*
 * Run git archive for src and hand its stdout to fn as it arrives (never
 * all of it in memory), hashing it into h->tar_sha256 / h->tar_size.
 * progress_title names the meter shown on a terminal (NULL: none).
 */
int tarball_stream(const struct git_repo *r, const struct tarball_source *src,
		   tarball_sink_fn fn, void *data, const char *progress_title,
		   struct tarball_hashes *h);

/*
 * Write src as a compressed tarball to path (atomically), or only compute
 * its hashes when path is NULL.  jobs: compression threads.
 */
int tarball_write(const struct git_repo *r, const struct tarball_source *src,
		  enum compress_format f, int jobs, const char *path,
		  struct tarball_hashes *h);

/* A release: <dir>/<src->name>.tar.gz and .tar.xz from one git archive. */
struct tarball_release_files {
	char *gz_path, *xz_path;
	struct tarball_hashes gz, xz;	/* tar_sha256 is the same in both */
};
int tarball_release(const struct git_repo *r, const struct tarball_source *src,
		    const char *dir, int jobs, struct tarball_release_files *out);
void tarball_release_files_release(struct tarball_release_files *out);

/*
 * Compress a tar held in memory with the same rules and write it to path
 * atomically (bundles).  h gets both hashes.
 */
int tarball_write_buffer(const void *tar, size_t len, enum compress_format f, int jobs,
			 const char *path, struct tarball_hashes *h);

/* The answer of tarball_verify(). */
struct tarball_verdict {
	enum compress_format format;		/* sniffed from the file */
	struct tarball_hashes file;		/* the file's own hashes */
	int readable;				/* it decompressed without error */
	struct tarball_hashes expected;		/* from the tag (sha256: recompressed) */
	int tar_match;
	int compressed_checked, compressed_match;
	/* When the tar streams differ (and the file is readable): */
	struct strvec only_in_file;		/* paths */
	struct strvec only_in_ref;
	struct strvec differ;			/* "path\ttype,mode,content,link" */
	size_t mtime_differs;			/* entries with another mtime */
	int64_t file_mtime, ref_mtime;		/* the first such pair */
	int entries_equal;			/* same entries: the headers differ */
	char *file_top;				/* first path component in the file */
};
void tarball_verdict_init(struct tarball_verdict *v);
void tarball_verdict_release(struct tarball_verdict *v);

/*
 * Decompress file (gz, xz, lzip or plain tar) and compare its tar stream
 * with src's; when recompress is set and the format is one xenstable
 * writes, also recompute the compressed file and compare its sha256.
 * Returns 0 when the comparison ran (the verdict is in v), <0 when it
 * could not (git failed, the file cannot be opened).
 */
int tarball_verify(const struct git_repo *r, const struct tarball_source *src,
		   const char *file, int jobs, int recompress, struct tarball_verdict *v);

#endif
