/*
 * xenstable tarball: a release tarball that is exactly the tag, and the
 * check that a tarball is.  tools-release/TARBALL.md is the specification.
 *
 * Exit codes: 0 written / everything matches; 2 usage; 3 input rejected
 * (unknown REF, a FILE whose tar stream or compressed bytes differ from
 * what REF gives, or that does not decompress); 4 environment.
 */
#include "../builtin.h"
#include "../domain/tarball.h"
#include "../lib/date.h"
#include "../lib/fs.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/strbuf.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const tarball_usage[] = {
	"xenstable tarball REF [-o FILE] [--prefix P] [--format gz|xz] [--jobs N] [--json]",
	"xenstable tarball --check FILE REF [--prefix P] [--tar-only] [--jobs N] [--json]",
	NULL
};

/* How many paths of each kind the text report lists. */
#define LIST_MAX 20

/* Print a path from a tarball with control characters made visible. */
static void print_path(const char *p)
{
	for (; *p; p++)
		putchar((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
}

static void print_json(struct json_writer *w)
{
	struct strbuf out = STRBUF_INIT;

	jw_finish(w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	jw_release(w);
}

static void json_source(struct json_writer *w, const char *ref,
			const struct tarball_source *src)
{
	jw_kv_str(w, "ref", ref);
	jw_kv_str(w, "commit", src->commit);
	jw_kv_str(w, "prefix", src->prefix);
}

static int make_tarball(const struct git_repo *r, const char *ref,
			const struct tarball_source *src, enum compress_format f,
			int jobs, const char *output)
{
	struct tarball_hashes h;
	struct strbuf desc = STRBUF_INIT;
	char *path;
	int rc;

	if (!output)
		path = xstrfmt("%s%s", src->name, compress_format_suffix(f));
	else if (is_dir(output))
		path = xstrfmt("%s/%s%s", output, src->name, compress_format_suffix(f));
	else
		path = xstrdup(output);
	rc = tarball_write(r, src, f, jobs, path, &h);
	if (rc)
		goto out;
	compress_describe(f, &desc);
	if (xs_json) {
		struct json_writer w;

		jw_init(&w, 1);
		jw_obj_begin(&w);
		jw_kv_str(&w, "file", path);
		jw_kv_str(&w, "format", compress_format_name(f));
		json_source(&w, ref, src);
		jw_kv_int(&w, "size", (long long)h.size);
		jw_kv_str(&w, "sha256", h.sha256);
		jw_kv_int(&w, "tar_size", (long long)h.tar_size);
		jw_kv_str(&w, "tar_sha256", h.tar_sha256);
		jw_kv_str(&w, "compressor", desc.buf);
		jw_obj_end(&w);
		print_json(&w);
	} else {
		printf("file        %s\n", path);
		printf("commit      %s\n", src->commit);
		printf("prefix      %s\n", src->prefix);
		printf("size        %llu\n", (unsigned long long)h.size);
		printf("sha256      %s\n", h.sha256);
		printf("tar_size    %llu\n", (unsigned long long)h.tar_size);
		printf("tar_sha256  %s\n", h.tar_sha256);
	}
out:
	strbuf_release(&desc);
	free(path);
	return rc;
}

static void list_paths(const char *what, const struct strvec *paths)
{
	size_t i;

	for (i = 0; i < paths->nr && i < LIST_MAX; i++) {
		const char *tab = strchr(paths->v[i], '\t');

		printf("    %-13s ", what);
		if (tab) {
			char *p = xstrndup(paths->v[i], (size_t)(tab - paths->v[i]));

			print_path(p);
			printf(" (%s)", tab + 1);
			free(p);
		} else {
			print_path(paths->v[i]);
		}
		putchar('\n');
	}
	if (paths->nr > LIST_MAX)
		printf("    ... and %zu more %s (--json lists all)\n", paths->nr - LIST_MAX, what);
}

static void json_differ(struct json_writer *w, const struct strvec *d)
{
	size_t i;

	jw_key(w, "differ");
	jw_arr_begin(w);
	for (i = 0; i < d->nr; i++) {
		const char *tab = strchr(d->v[i], '\t');
		struct strvec what = STRVEC_INIT;

		jw_obj_begin(w);
		jw_key(w, "path");
		jw_strn(w, d->v[i], tab ? (size_t)(tab - d->v[i]) : strlen(d->v[i]));
		strvec_split(&what, tab ? tab + 1 : "", ",");
		jw_kv_strvec(w, "what", &what);
		jw_obj_end(w);
		strvec_clear(&what);
	}
	jw_arr_end(w);
}

static const char *compressed_note(const struct tarball_verdict *v, int tar_only)
{
	if (tar_only)
		return "not checked (--tar-only)";
	if (v->format == COMPRESS_LZ)
		return "not checked (xenstable does not write lzip)";
	if (v->format == COMPRESS_NONE)
		return "not checked (the file is not compressed)";
	return NULL;
}

static void report_check_text(const char *file, const struct tarball_source *src,
			      const struct tarball_verdict *v, int tar_only)
{
	const char *note = compressed_note(v, tar_only);

	printf("file        %s (%s)\n", file, compress_format_name(v->format));
	printf("commit      %s\n", src->commit);
	printf("prefix      %s\n", src->prefix);
	if (!v->readable)
		printf("tar_sha256  UNREADABLE  expected %s\n", v->expected.tar_sha256);
	else if (v->tar_match)
		printf("tar_sha256  ok        %s\n", v->file.tar_sha256);
	else
		printf("tar_sha256  DIFFERS   file %s, expected %s\n", v->file.tar_sha256,
		       v->expected.tar_sha256);
	if (v->readable && !v->tar_match) {
		list_paths("only in file:", &v->only_in_file);
		list_paths("only in tag:", &v->only_in_ref);
		list_paths("differs:", &v->differ);
		if (v->mtime_differs) {
			char a[32], b[32];

			date_format_iso(v->file_mtime, a);
			date_format_iso(v->ref_mtime, b);
			printf("    %-13s %zu entries (file %s, tag %s)\n", "mtime:",
			       v->mtime_differs, a, b);
		}
		if (v->entries_equal)
			printf("    same paths, types, modes, contents and times: the tar "
			       "headers or their order differ\n");
		if (v->file_top && strcmp(v->file_top, src->name) &&
		    v->only_in_file.nr && v->only_in_ref.nr)
			printf("    hint: the file's top directory is '%s/', not '%s'; "
			       "try --prefix %s\n", v->file_top, src->prefix, v->file_top);
	}
	if (note)
		printf("sha256      %s\n", note);
	else if (v->compressed_match)
		printf("sha256      ok        %s\n", v->file.sha256);
	else
		printf("sha256      DIFFERS   file %s, expected %s\n", v->file.sha256,
		       v->expected.sha256);
}

static void report_check_json(const char *file, const char *ref,
			      const struct tarball_source *src,
			      const struct tarball_verdict *v, int ok, int tar_only)
{
	struct json_writer w;
	const char *note = compressed_note(v, tar_only);

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "file", file);
	jw_kv_str(&w, "format", compress_format_name(v->format));
	json_source(&w, ref, src);
	jw_kv_bool(&w, "match", ok);
	jw_key(&w, "tar");
	jw_obj_begin(&w);
	jw_kv_bool(&w, "readable", v->readable);
	jw_kv_bool(&w, "match", v->tar_match);
	if (v->readable) {
		jw_kv_str(&w, "file_sha256", v->file.tar_sha256);
		jw_kv_int(&w, "file_size", (long long)v->file.tar_size);
	} else {
		jw_kv_null(&w, "file_sha256");
		jw_kv_null(&w, "file_size");
	}
	jw_kv_str(&w, "expected_sha256", v->expected.tar_sha256);
	jw_kv_int(&w, "expected_size", (long long)v->expected.tar_size);
	jw_obj_end(&w);
	jw_key(&w, "compressed");
	jw_obj_begin(&w);
	jw_kv_bool(&w, "checked", v->compressed_checked);
	if (v->compressed_checked)
		jw_kv_bool(&w, "match", v->compressed_match);
	else
		jw_kv_null(&w, "match");
	jw_kv_str(&w, "file_sha256", v->file.sha256);
	jw_kv_int(&w, "file_size", (long long)v->file.size);
	if (v->compressed_checked) {
		jw_kv_str(&w, "expected_sha256", v->expected.sha256);
		jw_kv_int(&w, "expected_size", (long long)v->expected.size);
	}
	if (note)
		jw_kv_str(&w, "note", note);
	jw_obj_end(&w);
	jw_kv_strvec(&w, "only_in_file", &v->only_in_file);
	jw_kv_strvec(&w, "only_in_tag", &v->only_in_ref);
	json_differ(&w, &v->differ);
	jw_kv_int(&w, "mtime_differs", (long long)v->mtime_differs);
	jw_kv_bool(&w, "entries_equal", v->entries_equal);
	jw_obj_end(&w);
	print_json(&w);
}

static int check_tarball(const struct git_repo *r, const char *ref,
			 const struct tarball_source *src, const char *file, int jobs,
			 int tar_only)
{
	struct tarball_verdict v;
	int rc, ok;

	tarball_verdict_init(&v);
	rc = tarball_verify(r, src, file, jobs, !tar_only, &v);
	if (rc)
		goto out;
	ok = v.tar_match && (!v.compressed_checked || v.compressed_match);
	if (xs_json)
		report_check_json(file, ref, src, &v, ok, tar_only);
	else
		report_check_text(file, src, &v, tar_only);
	if (!v.readable)
		rc = error_input("%s: does not decompress; it cannot be %s", file, ref);
	else if (!v.tar_match)
		rc = error_input("%s: its tar stream is not %s's (tar_sha256 differs)", file, ref);
	else if (!ok)
		rc = error_input("%s: holds exactly %s, but its compressed bytes are not "
				 "xenstable's (sha256 differs)", file, ref);
out:
	tarball_verdict_release(&v);
	return rc;
}

int cmd_tarball(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *output = NULL, *prefix = NULL, *format = NULL, *check = NULL;
	int jobs = 0, json = 0, tar_only = 0;
	struct option opts[] = {
		OPT_STRING_("output", 'o', &output, "FILE", "write here (default: ./xen-V.tar.gz); a directory takes the default name"),
		OPT_STRING_("prefix", 0, &prefix, "P", "top directory in the tarball (default: xen-V/ from the tag or the tree)"),
		OPT_STRING_("format", 0, &format, "gz|xz", "compression (default: gz, or what -o ends with)"),
		OPT_INT_("jobs", 'j', &jobs, "N", "compression threads (default: all CPUs); never changes the bytes"),
		OPT_BOOL_("json", 0, &json, "machine-readable output"),
		OPT_GROUP_("checking"),
		OPT_STRING_("check", 0, &check, "FILE", "compare FILE (.tar.gz, .tar.xz or .tar.lz) with REF; exit 3 if it differs"),
		OPT_BOOL_("tar-only", 0, &tar_only, "with --check: compare only the tar stream (for tarballs not made by xenstable)"),
		OPT_END_(),
	};
	enum compress_format f = COMPRESS_GZ;
	struct tarball_source src;
	struct git_repo r;
	int rc;

	argc = parse_options(argc, argv, opts, tarball_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1) {
		usage_with_options(stderr, tarball_usage, opts);
		return error_usage(argc ? "one REF, please" : "which REF? (e.g. RELEASE-4.19.4)");
	}
	if (json)
		xs_json = 1;
	if (jobs > COMPRESS_MAX_JOBS)
		return error_usage("--jobs %d: at most %d", jobs, COMPRESS_MAX_JOBS);
	if (!jobs)
		jobs = compress_default_jobs();
	if (check && (output || format))
		return error_usage("--check compares a file; it takes no -o or --format");
	if (tar_only && !check)
		return error_usage("--tar-only goes with --check");
	if (format && compress_format_parse(format, &f))
		return error_usage("--format '%s': gz or xz", format);
	if (!format && output && ends_with(output, ".xz"))
		f = COMPRESS_XZ;
	if (format && output && !is_dir(output) &&
	    (ends_with(output, ".gz") || ends_with(output, ".xz")) &&
	    !ends_with(output, f == COMPRESS_GZ ? ".gz" : ".xz"))
		return error_usage("-o %s does not end like --format %s", output, format);

	if ((rc = ctx_open_source_shallow_ok(ctx, &r)))
		return rc;
	rc = tarball_resolve(&r, argv[0], prefix, &src);
	if (!rc) {
		if (check)
			rc = check_tarball(&r, argv[0], &src, check, jobs, tar_only);
		else
			rc = make_tarball(&r, argv[0], &src, f, jobs, output);
		tarball_source_release(&src);
	}
	git_close(&r);
	return rc;
}
