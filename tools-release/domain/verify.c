/*
 * verify.c: verify a release (verify.h): what verify found and its report,
 * the tag's signature and Git-EVTag line, a tarball proven against the tag,
 * the XSAs since the last release, and verify_release().  A release
 * directory (release.json, SHA256SUMS, provenance) is checked in
 * verify-dist.c.
 */
#include "compat.h"
#include "verify.h"
#include "verify-internal.h"
#include "branch.h"
#include "escape.h"
#include "evtag.h"
#include "fs.h"
#include "json.h"
#include "maintainers.h"
#include "release.h"
#include "run-command.h"
#include "tag.h"
#include "tarball.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa.h"

static void vresult(struct tally *t, int ok, int info, const char *what, const char *fmt,
		    va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (t->json) {
		struct vcheck *c;

		ALLOC_GROW(t->v, t->nr + 1, t->alloc);
		c = &t->v[t->nr++];
		c->name = xstrdup(what);
		c->ok = ok;
		c->info = info;
		c->detail = xstrdup(msg);
		strvec_init(&c->notes);
	} else {
		/* msg holds text from the tag and from gpg: escaped for the terminal */
		printf("  %s %-10s ", info ? "--  " : ok ? "ok  " : "FAIL", what);
		text_fput(stdout, msg, strlen(msg), 0);
		putchar('\n');
	}
	if (!ok) {
		t->failed++;
		if (!t->first)
			t->first = xstrfmt("%s: %s", what, msg);
	}
}

void verify_result(struct tally *t, int ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(t, ok, 0, what, fmt, ap);
	va_end(ap);
}

/* Something a distro should know that is not a failure ("--" in text). */
void verify_info(struct tally *t, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(t, 1, 1, what, fmt, ap);
	va_end(ap);
}

/* A detail under the last result. */
void verify_note(struct tally *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!t->json)
		printf("             %s\n", msg);
	else if (t->nr)
		strvec_push(&t->v[t->nr - 1].notes, msg);
}

static void tally_release(struct tally *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		free(t->v[i].name);
		free(t->v[i].detail);
		strvec_clear(&t->v[i].notes);
	}
	free(t->v);
	free(t->first);
	free(t->xsa_note);
	strvec_clear(&t->xsas);
}

static void tally_json(const struct tally *t, const char *tag, const char *commit)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	size_t i, k;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "tag", tag);
	jw_kv_str(&w, "commit", commit);
	jw_kv_str(&w, "fingerprint", t->fpr[0] ? t->fpr : NULL);
	jw_kv_bool(&w, "passed", !t->failed);
	jw_key(&w, "checks");
	jw_arr_begin(&w);
	for (i = 0; i < t->nr; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "check", t->v[i].name);
		jw_kv_bool(&w, "ok", t->v[i].ok);
		if (t->v[i].info)
			jw_kv_bool(&w, "info", 1);
		jw_kv_str(&w, "detail", t->v[i].detail);
		if (t->v[i].notes.nr) {
			jw_key(&w, "notes");
			jw_arr_begin(&w);
			for (k = 0; k < t->v[i].notes.nr; k++)
				jw_str(&w, t->v[i].notes.v[k]);
			jw_arr_end(&w);
		}
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (t->xsa_note) {
		jw_kv_null(&w, "xsas");
		jw_kv_str(&w, "xsas_note", t->xsa_note);
	} else {
		jw_key(&w, "xsas");
		jw_arr_begin(&w);
		for (i = 0; i < t->xsas.nr; i++) {
			struct strvec f = STRVEC_INIT, c = STRVEC_INIT;
			const char *q = t->xsas.v[i];

			/* five fields, empty ones too */
			while (f.nr < 5) {
				size_t n = f.nr < 4 ? strcspn(q, "\t") : strlen(q);

				strvec_pushf(&f, "%.*s", (int)n, q);
				q += n;
				if (*q)
					q++;
			}
			strvec_split(&c, f.v[2], " ");
			jw_obj_begin(&w);
			jw_kv_int(&w, "xsa", atoll(f.v[0]));
			jw_kv_str(&w, "title", *f.v[4] ? f.v[4] : NULL);
			jw_kv_str(&w, "state", *f.v[1] ? f.v[1] : NULL);
			jw_kv_strvec(&w, "commits", &c);
			jw_kv_str(&w, "osv", *f.v[3] ? f.v[3] : NULL);
			jw_obj_end(&w);
			strvec_clear(&f);
			strvec_clear(&c);
		}
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	jw_release(&w);
	strbuf_release(&out);
}

/* "RELEASE-4.19.3" -> the branch it belongs to, and "4.19.3". */
static const struct branch *tag_branch(const struct verify_opts *o, char **version)
{
	size_t i;

	*version = NULL;
	for (i = 0; i < o->branches->nr; i++) {
		const struct branch *b = &o->branches->v[i];
		int point;

		if (branch_tag_point(b, o->tag, &point)) {
			*version = xstrfmt("%d.%d.%d", b->major, b->minor, point);
			return b;
		}
	}
	return NULL;
}

/* Returns <0 when gpg could not run at all (an environment error). */
static int check_signature(const struct verify_opts *o, const struct branch *b,
			   struct tag_info *t, struct tally *ty)
{
	struct strvec trusted = STRVEC_INIT;
	struct strbuf f = STRBUF_INIT;
	int rc = tag_verify_signature(o->src, o->gpg, t);

	if (rc) {
		verify_result(ty, 0, "signature", "gpg could not check the tag (the error is above)");
		return rc < 0 ? rc : -XS_ENV;
	}
	if (o->keyring_fprs)
		strvec_pushv(&trusted, o->keyring_fprs->v);
	else
		maintainers_trusted(o->maint, ROLE_RELEASE, b ? b->name : NULL, &trusted);
	if (t->sig.primary_fpr[0])
		gpg_format_fpr(t->sig.primary_fpr, &f);
	switch (t->sig.verdict) {
	case GPG_GOOD: {
		size_t i;
		int pinned = 0;

		for (i = 0; i < trusted.nr; i++) {
			char norm[GPG_FPR_LEN + 1];

			if (!gpg_normalize_fpr(trusted.v[i], norm) &&
			    !strcmp(norm, t->sig.primary_fpr))
				pinned = 1;
		}
		verify_result(ty, 1, "signature", "good signature by %s", t->sig.uid ? t->sig.uid : "?");
		/* The signed text says which tag this is; the ref's name is a claim. */
		if (!t->self || strcmp(t->self, t->name))
			verify_result(ty, 0, "name", "the signed tag calls itself '%s', not %s: this "
				      "ref holds another tag's signature", t->self ? t->self : "",
				      t->name);
		verify_note(ty, "Primary key fingerprint: %s", f.buf);
		snprintf(ty->fpr, sizeof(ty->fpr), "%s", t->sig.primary_fpr);
		verify_result(ty, pinned, "pinned", pinned ?
			      "that fingerprint is pinned %s" :
			      "that fingerprint is NOT pinned %s; compare it with the project's",
			      o->keyring_fprs ? "by --keyring" : "in MAINTAINERS for this branch");
		break;
	}
	case GPG_NO_SIGNATURE:
		verify_result(ty, 0, "signature", "%s is not signed", t->name);
		break;
	case GPG_BAD:
		verify_result(ty, 0, "signature", "BAD signature on %s: the tag was altered", t->name);
		break;
	case GPG_NO_KEY:
		verify_result(ty, 0, "signature", "signed by key %s, which is not in the keyring "
			      "(import it, or pass --keyring FILE)", t->sig.keyid);
		break;
	case GPG_EXPIRED_KEY:
		verify_result(ty, 0, "signature", "signed by key %s, which has expired", t->sig.keyid);
		break;
	case GPG_REVOKED_KEY:
		verify_result(ty, 0, "signature", "signed by key %s, which is revoked", t->sig.keyid);
		break;
	default:
		verify_result(ty, 0, "signature", "the signature could not be verified");
		break;
	}
	strvec_clear(&trusted);
	strbuf_release(&f);
	return 0;
}

static void list_differences(struct tally *ty, const struct tarball_verdict *v)
{
	size_t i, shown = 0;

	for (i = 0; i < v->only_in_file.nr && shown < 20; i++, shown++)
		verify_note(ty, "only in the tarball: %s", v->only_in_file.v[i]);
	for (i = 0; i < v->only_in_ref.nr && shown < 20; i++, shown++)
		verify_note(ty, "only in the tag:     %s", v->only_in_ref.v[i]);
	for (i = 0; i < v->differ.nr && shown < 20; i++, shown++)
		verify_note(ty, "differs:             %s", v->differ.v[i]);
	if (v->mtime_differs)
		verify_note(ty, "%zu entries have another modification time", v->mtime_differs);
	if (v->entries_equal)
		verify_note(ty, "same files and contents; only tar headers differ");
	if (v->only_in_file.nr + v->only_in_ref.nr + v->differ.nr > shown)
		verify_note(ty, "... and %zu more",
		       v->only_in_file.nr + v->only_in_ref.nr + v->differ.nr - shown);
}

/*
 * Rebuild file from the tag and save diffoscope's text report beside it
 * (FILE.diffoscope.txt), so a distro sees which file differs and how.
 */
static void run_diffoscope(const struct verify_opts *o, const struct tarball_source *ts,
			   const char *file, const struct tarball_verdict *v, struct tally *ty)
{
	struct tarball_hashes h;
	struct child_process c;
	char *tmp, *rebuilt = NULL, *report = NULL, *dir;
	const char *name = path_basename(file);
	int rc;

	if (!program_exists("diffoscope")) {
		verify_note(ty, "diffoscope is not installed; to see which bytes of which file differ, "
			    "install it (apt-get install diffoscope) and run this again");
		return;
	}
	if (v->format != COMPRESS_GZ && v->format != COMPRESS_XZ) {
		verify_note(ty, "no diffoscope report: xenstable rebuilds only .tar.gz and .tar.xz");
		return;
	}
	tmp = make_temp_dir("verify-rebuild");
	if (!tmp) {
		verify_note(ty, "no diffoscope report: no temporary directory");
		return;
	}
	rebuilt = path_join(tmp, name);
	if (tarball_write(o->src, ts, v->format, o->jobs, rebuilt, &h)) {
		verify_note(ty, "no diffoscope report: the tarball could not be rebuilt");
		goto out;
	}
	child_init(&c);
	strvec_pushl(&c.args, "diffoscope", "--no-progress", "--text", "-", file, rebuilt, NULL);
	c.timeout_ms = 30L * 60 * 1000;
	c.max_output = (size_t)256 << 20;
	rc = run_child(&c);
	if (rc == 1 && c.out_buf.len) {
		dir = path_dirname(file);
		report = xstrfmt("%s/%s.diffoscope.txt", dir, name);
		free(dir);
		if (write_file_atomic(report, c.out_buf.buf, c.out_buf.len, 0644)) {
			free(report);
			report = xstrfmt("%s.diffoscope.txt", name);
			if (write_file_atomic(report, c.out_buf.buf, c.out_buf.len, 0644)) {
				free(report);
				report = NULL;
			}
		}
		if (report)
			verify_note(ty, "diffoscope report (the file against its rebuild from %s): %s",
				    o->tag, report);
		else
			verify_note(ty, "diffoscope found differences, but its report could not be saved");
	} else if (rc == 0) {
		verify_note(ty, "diffoscope finds no difference in content (only the bytes differ)");
	} else {
		verify_note(ty, "diffoscope failed%s: %s", c.timed_out ? " (timed out)" : "",
			    child_err_summary(&c));
	}
	child_release(&c);
out:
	remove_tree(tmp);
	free(tmp);
	free(rebuilt);
	free(report);
}

/*
 * Prove one tarball against the tag.  recompress: also rebuild the
 * compressed bytes (and run diffoscope when they differ).  The tag's tar
 * sha256 goes to rb when it was computed.
 */
void verify_check_tarball(const struct verify_opts *o, const struct tarball_source *ts,
			  const char *file, int recompress, const char *want_sha,
			  const char *want_tar, struct rebuilt *rb, struct tally *ty)
{
	struct tarball_verdict v;
	const char *name = path_basename(file);
	int rc, differs = 0;

	tarball_verdict_init(&v);
	rc = tarball_verify(o->src, ts, file, o->jobs, recompress, &v);
	if (!rc && rb && v.expected.tar_sha256[0])
		memcpy(rb->tar_sha256, v.expected.tar_sha256, sizeof(rb->tar_sha256));
	if (rc) {
		verify_result(ty, 0, name, "could not be checked");
	} else if (!v.readable) {
		verify_result(ty, 0, name, "is damaged: it does not decompress");
	} else if (!v.tar_match) {
		verify_result(ty, 0, name, "its tar stream is NOT the tag's git archive stream");
		list_differences(ty, &v);
		differs = 1;
	} else if (want_tar && strcmp(want_tar, v.file.tar_sha256)) {
		verify_result(ty, 0, name, "tar_sha256 %s differs from the release's %s",
			      v.file.tar_sha256, want_tar);
	} else if (recompress && v.compressed_checked && !v.compressed_match) {
		verify_result(ty, 0, name, "same tar stream, but recompressing gives other bytes");
		differs = 1;
	} else if (want_sha && strcmp(want_sha, v.file.sha256)) {
		verify_result(ty, 0, name, "sha256 %s differs from SHA256SUMS", v.file.sha256);
	} else {
		verify_result(ty, 1, name, "%s%s", "rebuilt from the tag: identical tar stream",
			      recompress && v.compressed_checked ? " and identical compressed bytes" : "");
	}
	if (differs && recompress)
		run_diffoscope(o, ts, file, &v, ty);
	else if (differs && !recompress)
		verify_note(ty, "(with --rebuild, diffoscope shows how the file differs from its rebuild)");
	tarball_verdict_release(&v);
}

/* The tag's Git-EVTag line, checked against the tree (domain/evtag.h). */
static void check_evtag(const struct verify_opts *o, const struct tag_info *t,
			struct tally *ty, char computed[EVTAG_HEX_LEN + 1])
{
	char claimed[EVTAG_HEX_LEN + 1];
	struct evtag_stats st;
	int line, rc;
	enum evtag_line found = evtag_find(t->message ? t->message : "",
					   t->message ? strlen(t->message) : 0, claimed, &line);

	computed[0] = '\0';
	memset(&st, 0, sizeof(st));
	if (strcmp(t->type, "commit"))
		return;
	rc = evtag_compute(o->src, t->object, computed, &st);
	if (rc < 0) {
		verify_result(ty, 0, "evtag", "the Git-EVTag checksum of %.12s could not be computed",
			      t->object);
		goto out;
	}
	switch (found) {
	case EVTAG_NONE:
		verify_info(ty, "evtag", "the tag has no Git-EVTag-v0-SHA512 line (upstream Xen tags have "
			    "none): its signature covers the commit id, a SHA-1, and no more");
		break;
	case EVTAG_MALFORMED:
		verify_result(ty, 0, "evtag", "the tag message's line %d is a malformed "
			      "Git-EVTag-v0-SHA512 line (not 128 lowercase hex digits)", line);
		break;
	case EVTAG_CONFLICT:
		verify_result(ty, 0, "evtag", "the tag message has Git-EVTag-v0-SHA512 lines with "
			      "different values");
		break;
	case EVTAG_FOUND:
		if (rc == 1)
			verify_result(ty, 0, "evtag", "the tag claims a Git-EVTag checksum, but the tree has "
				      "a submodule (%s) whose objects are not here: it cannot be checked",
				      st.submodule);
		else if (strcmp(claimed, computed))
			verify_result(ty, 0, "evtag", "Git-EVTag-v0-SHA512 in the tag is %.16s..., the "
				      "tree gives %.16s...: objects under the signed ids were changed",
				      claimed, computed);
		else
			verify_result(ty, 1, "evtag", "Git-EVTag-v0-SHA512 matches: SHA-512 over the commit, "
				      "%zu trees and %zu blobs", st.trees, st.blobs);
		break;
	}
out:
	if (rc)
		computed[0] = '\0';
	evtag_stats_release(&st);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* XSAs named by commits between the previous release and this one. */
static void list_xsas_from_history(const struct verify_opts *o, const struct branch *b,
				   const struct tag_info *t, struct tally *ty)
{
	struct strbuf out = STRBUF_INIT;
	char *prev = NULL, *parent = xstrfmt("%s^", t->object), *range;
	char pc[GIT_MAX_HEXSZ + 1];
	int64_t when;
	int point, nums[512];
	size_t nr = 0, i;

	if (!b || release_last_tag(o->src, b, parent, &prev, &point, pc, &when)) {
		ty->xsa_note = xstrdup("not listed (no earlier release on its branch)");
		if (!ty->json)
			printf("  XSAs in this release: %s\n", ty->xsa_note);
		free(parent);
		return;
	}
	range = xstrfmt("%s..%s", prev, t->object);
	if (!git_cmd(o->src, &out, "log", "--format=%B%x00", range, NULL)) {
		size_t pos = 0;

		while (pos < out.len) {
			const char *m = out.buf + pos;
			size_t len = strlen(m), k;
			int f[32];
			size_t nf = xsa_mentions(m, len, f, ARRAY_SIZE(f));

			for (k = 0; k < nf && nr < ARRAY_SIZE(nums); k++) {
				size_t j;
				int dup = 0;

				for (j = 0; j < nr; j++)
					dup |= nums[j] == f[k];
				if (!dup)
					nums[nr++] = f[k];
			}
			pos += len + 1;
		}
	}
	qsort(nums, nr, sizeof(nums[0]), cmp_int);
	for (i = 0; i < nr; i++)
		strvec_pushf(&ty->xsas, "%d\t\t\t\t", nums[i]);
	if (!ty->json) {
		printf("  XSAs in this release (from the commits since %s):%s", prev,
		       nr ? "" : " none");
		for (i = 0; i < nr; i++)
			printf(" XSA-%d", nums[i]);
		printf("\n");
	}
	strbuf_release(&out);
	free(range);
	free(prev);
	free(parent);
}

int verify_release(const struct verify_opts *o)
{
	struct verify_opts oo = *o;
	struct tag_info t;
	struct tally ty;
	struct tarball_source ts;
	struct gpg_ctx own;
	char *version = NULL, *prefix = NULL, *dir = NULL;
	char evtag[EVTAG_HEX_LEN + 1];
	const struct branch *b = tag_branch(o, &version);
	int rc, env_rc = 0, own_gpg = 0;

	memset(&ts, 0, sizeof(ts));
	memset(&ty, 0, sizeof(ty));
	memset(&own, 0, sizeof(own));
	evtag[0] = '\0';
	strvec_init(&ty.xsas);
	ty.json = o->json;
	rc = tag_read(o->src, o->tag, &t);
	if (rc) {
		free(version);
		tally_release(&ty);
		if (rc == 1)
			return error_input("no tag %s in the source repository", o->tag);
		return rc;
	}
	if (!ty.json)
		printf("Verifying %s (commit %.12s)\n", o->tag, t.object);
	if (strcmp(t.type, "commit"))
		verify_result(&ty, 0, "tag", "%s tags a %s, not a commit", o->tag, t.type);
	dir = verify_find_dist(o, version);
	if (!dir && o->dist_explicit)
		verify_result(&ty, 0, "dist", "%s holds no release %s (no %s/ and no SHA256SUMS.asc)",
			      o->dist, version ? version : o->tag, version ? version : "X.Y.Z");
	if (dir) {
		own_gpg = verify_dist_keyring(o, b, dir, &own, &ty);
		if (own_gpg > 0)
			oo.gpg = &own;
	}
	env_rc = check_signature(&oo, b, &t, &ty);
	if (env_rc)
		goto done;	/* without gpg nothing can be proven */
	check_evtag(&oo, &t, &ty, evtag);
	if (version) {
		char *base = b ? branch_tarball_base(b, version) : xstrfmt("xen-%s", version);

		prefix = xstrfmt("%s/", base);
		free(base);
	}
	if (tarball_resolve(o->src, o->tag, prefix, &ts)) {
		verify_result(&ty, 0, "tarball", "cannot prepare the tag's git archive");
		goto done;
	}
	if (dir)
		verify_check_dist(&oo, dir, &t, b, version, &ts, evtag, &ty);
	else
		list_xsas_from_history(&oo, b, &t, &ty);
	if (o->tarball)
		verify_check_tarball(&oo, &ts, o->tarball, o->rebuild, NULL, NULL, NULL, &ty);
	if (!dir && !o->tarball && !ty.json)
		printf("  (no release directory and no --tarball given: only the tag was checked)\n");
done:
	if (ty.json)
		tally_json(&ty, o->tag, t.object);
	if (env_rc) {
		if (!ty.json)
			printf("%s: NOT VERIFIED: gpg could not run\n", o->tag);
		rc = env_rc;
	} else if (ty.failed) {
		if (!ty.json)
			printf("%s: %d check(s) FAILED\n", o->tag, ty.failed);
		rc = error_input("%s does not verify: %s", o->tag, ty.first);
	} else {
		if (!ty.json)
			printf("%s: all checks passed\n", o->tag);
		rc = 0;
	}
	if (own_gpg > 0)
		gpg_release(&own);
	tally_release(&ty);
	free(version);
	free(prefix);
	free(dir);
	tarball_source_release(&ts);
	tag_info_release(&t);
	return rc;
}
