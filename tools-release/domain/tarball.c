/*
 * tarball.c: git archive, streamed through the deterministic compressors.
 */
#include "compat.h"
#include "tarball.h"
#include "version.h"
#include "fs.h"
#include "progress.h"
#include "strbuf.h"
#include "unpack.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

#define TAR_CHUNK (256 * 1024)

/* ---- choosing what goes in ------------------------------------------------ */

/* "RELEASE-4.19.4" or "refs/tags/RELEASE-4.19.4" -> "4.19.4". */
static char *version_from_tag(const char *ref)
{
	const char *v, *p;
	int dots = 0;

	skip_prefix(ref, "refs/tags/", &ref);
	if (!skip_prefix(ref, "RELEASE-", &v) || !isdigit((unsigned char)*v))
		return NULL;
	for (p = v; *p; p++) {
		if (*p == '.' && isdigit((unsigned char)p[1]))
			dots++;
		else if (!isdigit((unsigned char)*p))
			return NULL;
	}
	return dots == 2 ? xstrdup(v) : NULL;
}

/* The tree's own version, or NULL (quietly) when it is not a Xen tree. */
static int tree_version(const struct git_repo *r, const char *commit, char **out)
{
	static const char *const makefiles[] = { "xen/Makefile", "hypervisor/Makefile" };
	struct strbuf sb = STRBUF_INIT;
	struct xen_version v;
	size_t i;
	int rc = 1;

	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(makefiles) && rc == 1; i++) {
		strbuf_reset(&sb);
		rc = git_read_blob(r, commit, makefiles[i], &sb);
	}
	if (!rc) {
		char *origin = xstrfmt("%s:%s", commit, makefiles[i - 1]);

		memset(&v, 0, sizeof(v));
		rc = version_parse_makefile(sb.buf, sb.len, origin, &v);
		if (!rc)
			*out = xen_version_string(&v);
		xen_version_release(&v);
		free(origin);
	}
	strbuf_release(&sb);
	return rc < 0 ? rc : 0;
}

int tarball_resolve(const struct git_repo *r, const char *ref, const char *prefix,
		    struct tarball_source *src)
{
	char *tagv = NULL, *treev = NULL;
	int rc;

	memset(src, 0, sizeof(*src));
	rc = git_resolve_commit(r, ref, src->commit);
	if (rc == 1)
		return error_input("%s: no such commit or tag in %s", ref,
				   r->worktree ? r->worktree : r->git_dir);
	if (rc)
		return rc;
	if (prefix) {
		struct strbuf p = STRBUF_INIT;

		strbuf_addstr(&p, prefix);
		while (p.len && p.buf[p.len - 1] == '/')
			strbuf_setlen(&p, p.len - 1);
		if (!path_is_safe(p.buf)) {
			strbuf_release(&p);
			return error_usage("--prefix '%s' is not a safe relative directory name",
					   prefix);
		}
		src->name = xstrdup(p.buf);
		strbuf_addch(&p, '/');
		src->prefix = strbuf_detach(&p, NULL);
		return 0;
	}
	tagv = version_from_tag(ref);
	rc = tree_version(r, src->commit, &treev);
	if (rc)
		goto out;
	if (tagv && treev && strcmp(tagv, treev))
		warning("%s: the tag says %s but the tree's Makefile says %s; using %s",
			ref, tagv, treev, tagv);
	if (tagv) {
		src->version = tagv;
		tagv = NULL;
	} else if (treev) {
		src->version = treev;
		treev = NULL;
	} else {
		rc = error_input("%s: neither a RELEASE-X.Y.Z tag nor a tree with xen/Makefile "
				 "or hypervisor/Makefile; pass --prefix", ref);
		goto out;
	}
	src->name = xstrfmt("xen-%s", src->version);
	src->prefix = xstrfmt("%s/", src->name);
	if (!path_is_safe(src->name))
		rc = error_input("%s: version '%s' does not make a safe directory name",
				 ref, src->version);
out:
	free(tagv);
	free(treev);
	if (rc)
		tarball_source_release(src);
	return rc;
}

void tarball_source_release(struct tarball_source *src)
{
	free(src->prefix);
	free(src->version);
	free(src->name);
	src->prefix = src->version = src->name = NULL;
}

/* ---- the tar stream ------------------------------------------------------- */

/* Attribute words that change what git archive writes. */
static const char *const archive_attrs[] = {
	"export-ignore", "export-subst", "text", "eol", "crlf", "filter", "ident",
	"working-tree-encoding", NULL
};

/*
 * $GIT_DIR/info/attributes applies to git archive and cannot be switched
 * off from the command line: refuse a repository whose local attributes
 * would make its tarball differ from a fresh clone's.
 */
static int check_local_attributes(const struct git_repo *r)
{
	char *path = path_join(r->common_dir, "info/attributes");
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	int rc = read_file_if_exists(&sb, path, 1 << 20), lineno = 0;

	if (rc == 1)
		rc = 0;
	while (!rc && next_line(sb.buf, sb.len, &pos, &line, &n)) {
		const char *const *a;
		char *l = xmemdupz(line, n);

		lineno++;
		for (a = archive_attrs; *a && !rc; a++) {
			const char *hit = strstr(l, *a);

			if (hit && l[strspn(l, " \t")] != '#')
				rc = error_env("%s:%d: local attribute '%s' would change what git "
					       "archive writes; remove it to make a tarball",
					       path, lineno, *a);
		}
		free(l);
	}
	strbuf_release(&sb);
	free(path);
	return rc;
}

/*
 * git archive with its configuration pinned: no system or global config
 * files, no global attributes, and the few settings that change a tar
 * stream set to git's own defaults.
 */
static void archive_child_init(struct child_process *c, const struct git_repo *r,
			       const struct tarball_source *src)
{
	static const char *const unset[] = {
		"GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_ATTR_SOURCE",
		"TZ", NULL
	};
	const char *const *u;

	git_child_init(c, r);
	for (u = unset; *u; u++)
		strvec_push(&c->env, *u);
	strvec_pushl(&c->env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		     "GIT_ATTR_NOSYSTEM=1", NULL);
	strvec_pushl(&c->args, "-c", "core.attributesFile=/dev/null", "-c", "core.autocrlf=false",
		     "-c", "core.eol=lf", "-c", "tar.umask=0002", NULL);
	strvec_pushl(&c->args, "archive", "--format=tar", NULL);
	strvec_pushf(&c->args, "--prefix=%s", src->prefix);
	strvec_push(&c->args, src->commit);
	c->out = CHILD_OUT_PIPE;
	c->err = CHILD_OUT_CAPTURE;
}

int tarball_stream(const struct git_repo *r, const struct tarball_source *src,
		   tarball_sink_fn fn, void *data, const char *progress_title,
		   struct tarball_hashes *h)
{
	struct child_process c;
	struct sha256_ctx sha;
	struct progress *meter = NULL;
	unsigned char *buf;
	int rc, status;

	if ((rc = check_local_attributes(r)))
		return rc;
	archive_child_init(&c, r, src);
	if ((rc = start_child(&c))) {
		child_release(&c);
		return rc;
	}
	/* A deeper pipe lets git run ahead while a block is handed over. */
	(void)fcntl(c.out_pipe, F_SETPIPE_SZ, 1 << 20);
	buf = xmalloc(TAR_CHUNK);
	sha256_init(&sha);
	h->tar_size = 0;
	if (progress_title)
		meter = progress_start(progress_title);
	for (;;) {
		ssize_t n = read(c.out_pipe, buf, TAR_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = error_errno("cannot read from git archive");
			break;
		}
		if (!n)
			break;
		sha256_update(&sha, buf, (size_t)n);
		h->tar_size += (uint64_t)n;
		if ((rc = fn(data, buf, (size_t)n)))
			break;
		progress_update(meter, h->tar_size);
	}
	if (rc) {
		/* Stop git at once instead of draining the rest of the stream. */
		close(c.out_pipe);
		c.out_pipe = -1;
	}
	status = finish_child(&c);
	if (!rc && status)
		rc = status < 0 ? status :
			error_env("git archive %s failed (exit %d): %s", src->commit, status,
				  child_err_summary(&c));
	sha256_final_hex(&sha, h->tar_sha256);
	progress_stop(meter);
	free(buf);
	child_release(&c);
	return rc;
}

/* ---- writing ---------------------------------------------------------------- */

/* A compressed output: hashed always, written to a temporary when path is set. */
struct out_file {
	struct atomic_file af;
	int open;
	struct sha256_ctx sha;
	uint64_t size;
};

static int out_open(struct out_file *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	o->af.fd = -1;
	sha256_init(&o->sha);
	if (!path)
		return 0;
	if (atomic_open(&o->af, path, 0644)) {
		char junk[SHA256_HEX_LEN + 1];

		sha256_final_hex(&o->sha, junk);
		return -XS_ENV;
	}
	o->open = 1;
	return 0;
}

static int out_sink(void *data, const void *buf, size_t len)
{
	struct out_file *o = data;

	sha256_update(&o->sha, buf, len);
	o->size += len;
	return o->open ? atomic_write(&o->af, buf, len) : 0;
}

/* Take the hashes; the file stays a temporary until out_commit(). */
static void out_hashes(struct out_file *o, struct tarball_hashes *h)
{
	sha256_final_hex(&o->sha, h->sha256);
	h->size = o->size;
}

static int out_commit(struct out_file *o)
{
	if (!o->open)
		return 0;
	o->open = 0;
	return atomic_commit(&o->af);
}

static void out_abort(struct out_file *o)
{
	if (o->open)
		atomic_abort(&o->af);
	o->open = 0;
}

static int to_compressor(void *data, const void *buf, size_t len)
{
	return compressor_write(data, buf, len);
}

int tarball_write(const struct git_repo *r, const struct tarball_source *src,
		  enum compress_format f, int jobs, const char *path,
		  struct tarball_hashes *h)
{
	struct compressor *c = NULL;
	struct out_file o;
	char *title = NULL;
	int rc;

	memset(h, 0, sizeof(*h));
	if ((rc = out_open(&o, path)))
		return rc;
	rc = compressor_new(&c, f, jobs, out_sink, &o);
	if (!rc) {
		title = xstrfmt("%s%s", src->name, compress_format_suffix(f));
		rc = tarball_stream(r, src, to_compressor, c, title, h);
	}
	if (!rc)
		rc = compressor_finish(c);
	compressor_free(c);
	out_hashes(&o, h);
	if (!rc)
		rc = out_commit(&o);
	else
		out_abort(&o);
	free(title);
	return rc;
}

struct tee {
	struct compressor *gz, *xz;
};

static int tee_sink(void *data, const void *buf, size_t len)
{
	struct tee *t = data;
	int rc = compressor_write(t->gz, buf, len);

	return rc ? rc : compressor_write(t->xz, buf, len);
}

int tarball_release(const struct git_repo *r, const struct tarball_source *src,
		    const char *dir, int jobs, struct tarball_release_files *out)
{
	struct out_file ogz, oxz;
	struct tee t = { NULL, NULL };
	struct tarball_hashes th;
	int rc;

	memset(out, 0, sizeof(*out));
	out->gz_path = xstrfmt("%s/%s%s", dir, src->name, compress_format_suffix(COMPRESS_GZ));
	out->xz_path = xstrfmt("%s/%s%s", dir, src->name, compress_format_suffix(COMPRESS_XZ));
	if ((rc = out_open(&ogz, out->gz_path)))
		return rc;
	if ((rc = out_open(&oxz, out->xz_path))) {
		out_abort(&ogz);
		return rc;
	}
	rc = compressor_new(&t.gz, COMPRESS_GZ, jobs, out_sink, &ogz);
	if (!rc)
		rc = compressor_new(&t.xz, COMPRESS_XZ, jobs, out_sink, &oxz);
	if (!rc)
		rc = tarball_stream(r, src, tee_sink, &t, src->name, &th);
	if (!rc)
		rc = compressor_finish(t.gz);
	if (!rc)
		rc = compressor_finish(t.xz);
	compressor_free(t.gz);
	compressor_free(t.xz);
	out_hashes(&ogz, &out->gz);
	out_hashes(&oxz, &out->xz);
	memcpy(out->gz.tar_sha256, th.tar_sha256, sizeof(th.tar_sha256));
	memcpy(out->xz.tar_sha256, th.tar_sha256, sizeof(th.tar_sha256));
	out->gz.tar_size = out->xz.tar_size = th.tar_size;
	/* Both or neither: nothing is renamed until both are complete. */
	if (!rc)
		rc = out_commit(&ogz);
	if (!rc)
		rc = out_commit(&oxz);
	out_abort(&ogz);
	out_abort(&oxz);
	return rc;
}

void tarball_release_files_release(struct tarball_release_files *out)
{
	free(out->gz_path);
	free(out->xz_path);
	out->gz_path = out->xz_path = NULL;
}

int tarball_write_buffer(const void *tar, size_t len, enum compress_format f, int jobs,
			 const char *path, struct tarball_hashes *h)
{
	struct compressor *c = NULL;
	struct out_file o;
	int rc;

	memset(h, 0, sizeof(*h));
	sha256_hex(tar, len, h->tar_sha256);
	h->tar_size = len;
	if ((rc = out_open(&o, path)))
		return rc;
	rc = compressor_new(&c, f, jobs, out_sink, &o);
	if (!rc)
		rc = compressor_write(c, tar, len);
	if (!rc)
		rc = compressor_finish(c);
	compressor_free(c);
	out_hashes(&o, h);
	if (!rc)
		rc = out_commit(&o);
	else
		out_abort(&o);
	return rc;
}

/* ---- verifying ------------------------------------------------------------- */

struct entry_rec {
	char *path;
	char type;
	unsigned mode;
	char sha256[SHA256_HEX_LEN + 1];
	char *link;
	int64_t mtime;
};

struct entry_list {
	struct entry_rec *v;
	size_t nr, alloc;
};

static int collect_entry(const struct tar_entry *e, void *data)
{
	struct entry_list *l = data;
	struct entry_rec *x;

	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	x = &l->v[l->nr++];
	x->path = xstrdup(e->path);
	x->type = e->type;
	x->mode = e->mode;
	memcpy(x->sha256, e->sha256, sizeof(x->sha256));
	x->link = xstrdup(e->link);
	x->mtime = e->mtime;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry_rec *)a)->path, ((const struct entry_rec *)b)->path);
}

static void entry_list_release(struct entry_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].path);
		free(l->v[i].link);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The entries of the tag's tar stream, read from git archive's pipe. */
static int ref_entries(const struct git_repo *r, const struct tarball_source *src,
		       struct entry_list *l)
{
	struct child_process c;
	char *origin = xstrfmt("git archive %s", src->commit);
	int rc, status;

	archive_child_init(&c, r, src);
	rc = start_child(&c);
	if (!rc) {
		rc = tar_walk_fd(c.out_pipe, origin, collect_entry, l);
		status = finish_child(&c);
		if (!rc && status)
			rc = status < 0 ? status :
				error_env("%s failed (exit %d): %s", origin, status,
					  child_err_summary(&c));
	}
	child_release(&c);
	free(origin);
	return rc;
}

static void compare_entries(struct entry_list *fl, struct entry_list *rl,
			    struct tarball_verdict *v)
{
	size_t i = 0, j = 0;

	qsort(fl->v, fl->nr, sizeof(*fl->v), cmp_entry);
	qsort(rl->v, rl->nr, sizeof(*rl->v), cmp_entry);
	while (i < fl->nr || j < rl->nr) {
		int c = i >= fl->nr ? 1 : j >= rl->nr ? -1 : strcmp(fl->v[i].path, rl->v[j].path);

		if (c < 0) {
			strvec_push(&v->only_in_file, fl->v[i++].path);
		} else if (c > 0) {
			strvec_push(&v->only_in_ref, rl->v[j++].path);
		} else {
			const struct entry_rec *a = &fl->v[i++], *b = &rl->v[j++];
			struct strbuf why = STRBUF_INIT;

			if (a->type != b->type)
				strbuf_addstr(&why, ",type");
			if (a->mode != b->mode)
				strbuf_addstr(&why, ",mode");
			if (a->type == 'f' && b->type == 'f' && strcmp(a->sha256, b->sha256))
				strbuf_addstr(&why, ",content");
			if (strcmp(a->link, b->link))
				strbuf_addstr(&why, ",link");
			/* Counted apart: another commit time changes every entry. */
			if (a->mtime != b->mtime && !v->mtime_differs++) {
				v->file_mtime = a->mtime;
				v->ref_mtime = b->mtime;
			}
			if (why.len)
				strvec_pushf(&v->differ, "%s\t%s", a->path, why.buf + 1);
			strbuf_release(&why);
		}
	}
	v->entries_equal = !v->only_in_file.nr && !v->only_in_ref.nr && !v->differ.nr &&
		!v->mtime_differs;
}

static int discard(void *data, const void *buf, size_t len)
{
	(void)data;
	(void)buf;
	(void)len;
	return 0;
}

void tarball_verdict_init(struct tarball_verdict *v)
{
	memset(v, 0, sizeof(*v));
	strvec_init(&v->only_in_file);
	strvec_init(&v->only_in_ref);
	strvec_init(&v->differ);
}

void tarball_verdict_release(struct tarball_verdict *v)
{
	strvec_clear(&v->only_in_file);
	strvec_clear(&v->only_in_ref);
	strvec_clear(&v->differ);
	free(v->file_top);
	v->file_top = NULL;
}

/* Hash the decompressed stream and the raw bytes of file in one read. */
static int hash_file(const char *file, struct tarball_verdict *v)
{
	struct unpack_stream *u;
	struct sha256_ctx t;
	unsigned char *buf;
	ssize_t n;
	int rc = unpack_open(&u, file);

	if (rc)
		return rc;
	v->format = unpack_format(u);
	buf = xmalloc(TAR_CHUNK);
	sha256_init(&t);
	while ((n = unpack_read(u, buf, TAR_CHUNK)) > 0) {
		sha256_update(&t, buf, (size_t)n);
		v->file.tar_size += (uint64_t)n;
	}
	sha256_final_hex(&t, v->file.tar_sha256);
	if (n == -XS_ENV) {
		/* The disk failed us; that says nothing about the file. */
		unpack_close(u);
		free(buf);
		return (int)n;
	}
	v->readable = n == 0;
	if (!v->readable) {
		v->file.tar_size = 0;
		v->file.tar_sha256[0] = '\0';
	}
	rc = unpack_file_sha256(u, v->file.sha256, &v->file.size);
	unpack_close(u);
	free(buf);
	return rc;
}

int tarball_verify(const struct git_repo *r, const struct tarball_source *src,
		   const char *file, int jobs, int recompress, struct tarball_verdict *v)
{
	struct entry_list fl = { NULL, 0, 0 }, rl = { NULL, 0, 0 };
	int rc;

	if ((rc = hash_file(file, v)))
		return rc;
	if (recompress && (v->format == COMPRESS_GZ || v->format == COMPRESS_XZ)) {
		rc = tarball_write(r, src, v->format, jobs, NULL, &v->expected);
		v->compressed_checked = !rc;
		v->compressed_match = !rc && !strcmp(v->file.sha256, v->expected.sha256);
	} else {
		rc = tarball_stream(r, src, discard, NULL, NULL, &v->expected);
	}
	if (rc)
		return rc;
	v->tar_match = v->readable && v->file.tar_size == v->expected.tar_size &&
		!strcmp(v->file.tar_sha256, v->expected.tar_sha256);
	if (v->tar_match || !v->readable)
		return 0;

	/* Say which paths differ. */
	rc = tar_walk_file(file, collect_entry, &fl);
	if (rc == -XS_INPUT) {
		/* Not a tar inside: nothing to list, the hashes said it all. */
		rc = 0;
		goto out;
	}
	if (!rc)
		rc = ref_entries(r, src, &rl);
	if (!rc) {
		if (fl.nr)
			v->file_top = xstrndup(fl.v[0].path, strcspn(fl.v[0].path, "/"));
		compare_entries(&fl, &rl, v);
	}
out:
	entry_list_release(&fl);
	entry_list_release(&rl);
	return rc;
}
