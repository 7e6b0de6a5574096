#include "compat.h"
#include "verify.h"
#include "branch.h"
#include "escape.h"
#include "evtag.h"
#include "fs.h"
#include "hash.h"
#include "json.h"
#include "maintainers.h"
#include "provenance.h"
#include "release.h"
#include "run-command.h"
#include "tag.h"
#include "tarball.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa.h"

#include <ctype.h>

/*
 * What verify found, printed as it goes (text) or gathered and printed at
 * the end as one JSON object (--json).
 */
struct vcheck {
	char *name;
	int ok;
	int info;		/* a fact, neither passed nor failed */
	char *detail;
	struct strvec notes;
};

struct tally {
	int failed;
	char *first;		/* the first thing that failed */
	int json;
	struct vcheck *v;
	size_t nr, alloc;
	struct strvec xsas;	/* "N\tstate\tcommits\tosv\ttitle" ("" unknown) */
	char *xsa_note;		/* why XSAs are not listed, or NULL */
	char fpr[GPG_FPR_LEN + 1];
};

static void result(struct tally *t, int ok, const char *what, const char *fmt, ...)
	XS_PRINTF(4, 5);

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

static void result(struct tally *t, int ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(t, ok, 0, what, fmt, ap);
	va_end(ap);
}

/* Something a distro should know that is not a failure ("--" in text). */
static void info(struct tally *t, const char *what, const char *fmt, ...) XS_PRINTF(3, 4);

static void info(struct tally *t, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(t, 1, 1, what, fmt, ap);
	va_end(ap);
}

/* A detail under the last result. */
static void note(struct tally *t, const char *fmt, ...) XS_PRINTF(2, 3);

static void note(struct tally *t, const char *fmt, ...)
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
		result(ty, 0, "signature", "gpg could not check the tag (the error is above)");
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
		result(ty, 1, "signature", "good signature by %s", t->sig.uid ? t->sig.uid : "?");
		/* The signed text says which tag this is; the ref's name is a claim. */
		if (!t->self || strcmp(t->self, t->name))
			result(ty, 0, "name", "the signed tag calls itself '%s', not %s: this ref "
			       "holds another tag's signature", t->self ? t->self : "", t->name);
		note(ty, "Primary key fingerprint: %s", f.buf);
		snprintf(ty->fpr, sizeof(ty->fpr), "%s", t->sig.primary_fpr);
		result(ty, pinned, "pinned", pinned ?
		       "that fingerprint is pinned %s" :
		       "that fingerprint is NOT pinned %s; compare it with the project's",
		       o->keyring_fprs ? "by --keyring" : "in MAINTAINERS for this branch");
		break;
	}
	case GPG_NO_SIGNATURE:
		result(ty, 0, "signature", "%s is not signed", t->name);
		break;
	case GPG_BAD:
		result(ty, 0, "signature", "BAD signature on %s: the tag was altered", t->name);
		break;
	case GPG_NO_KEY:
		result(ty, 0, "signature", "signed by key %s, which is not in the keyring "
		       "(import it, or pass --keyring FILE)", t->sig.keyid);
		break;
	case GPG_EXPIRED_KEY:
		result(ty, 0, "signature", "signed by key %s, which has expired", t->sig.keyid);
		break;
	case GPG_REVOKED_KEY:
		result(ty, 0, "signature", "signed by key %s, which is revoked", t->sig.keyid);
		break;
	default:
		result(ty, 0, "signature", "the signature could not be verified");
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
		note(ty, "only in the tarball: %s", v->only_in_file.v[i]);
	for (i = 0; i < v->only_in_ref.nr && shown < 20; i++, shown++)
		note(ty, "only in the tag:     %s", v->only_in_ref.v[i]);
	for (i = 0; i < v->differ.nr && shown < 20; i++, shown++)
		note(ty, "differs:             %s", v->differ.v[i]);
	if (v->mtime_differs)
		note(ty, "%zu entries have another modification time", v->mtime_differs);
	if (v->entries_equal)
		note(ty, "same files and contents; only tar headers differ");
	if (v->only_in_file.nr + v->only_in_ref.nr + v->differ.nr > shown)
		note(ty, "... and %zu more",
		       v->only_in_file.nr + v->only_in_ref.nr + v->differ.nr - shown);
}

/* What the dist check learnt about the tag's own tarballs. */
struct rebuilt {
	char tar_sha256[SHA256_HEX_LEN + 1];	/* of the tag's archive, once computed */
};

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
		note(ty, "diffoscope is not installed; to see which bytes of which file differ, "
		     "install it (apt-get install diffoscope) and run this again");
		return;
	}
	if (v->format != COMPRESS_GZ && v->format != COMPRESS_XZ) {
		note(ty, "no diffoscope report: xenstable rebuilds only .tar.gz and .tar.xz");
		return;
	}
	tmp = make_temp_dir("verify-rebuild");
	if (!tmp) {
		note(ty, "no diffoscope report: no temporary directory");
		return;
	}
	rebuilt = path_join(tmp, name);
	if (tarball_write(o->src, ts, v->format, o->jobs, rebuilt, &h)) {
		note(ty, "no diffoscope report: the tarball could not be rebuilt");
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
			note(ty, "diffoscope report (the file against its rebuild from %s): %s",
			     o->tag, report);
		else
			note(ty, "diffoscope found differences, but its report could not be saved");
	} else if (rc == 0) {
		note(ty, "diffoscope finds no difference in content (only the bytes differ)");
	} else {
		note(ty, "diffoscope failed%s: %s", c.timed_out ? " (timed out)" : "",
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
static void check_tarball(const struct verify_opts *o, const struct tarball_source *ts,
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
		result(ty, 0, name, "could not be checked");
	} else if (!v.readable) {
		result(ty, 0, name, "is damaged: it does not decompress");
	} else if (!v.tar_match) {
		result(ty, 0, name, "its tar stream is NOT the tag's git archive stream");
		list_differences(ty, &v);
		differs = 1;
	} else if (want_tar && strcmp(want_tar, v.file.tar_sha256)) {
		result(ty, 0, name, "tar_sha256 %s differs from the release's %s",
		       v.file.tar_sha256, want_tar);
	} else if (recompress && v.compressed_checked && !v.compressed_match) {
		result(ty, 0, name, "same tar stream, but recompressing gives other bytes");
		differs = 1;
	} else if (want_sha && strcmp(want_sha, v.file.sha256)) {
		result(ty, 0, name, "sha256 %s differs from SHA256SUMS", v.file.sha256);
	} else {
		result(ty, 1, name, "%s%s", "rebuilt from the tag: identical tar stream",
		       recompress && v.compressed_checked ? " and identical compressed bytes" : "");
	}
	if (differs && recompress)
		run_diffoscope(o, ts, file, &v, ty);
	else if (differs && !recompress)
		note(ty, "(with --rebuild, diffoscope shows how the file differs from its rebuild)");
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
		result(ty, 0, "evtag", "the Git-EVTag checksum of %.12s could not be computed",
		       t->object);
		goto out;
	}
	switch (found) {
	case EVTAG_NONE:
		info(ty, "evtag", "the tag has no Git-EVTag-v0-SHA512 line (upstream Xen tags have "
		     "none): its signature covers the commit id, a SHA-1, and no more");
		break;
	case EVTAG_MALFORMED:
		result(ty, 0, "evtag", "the tag message's line %d is a malformed "
		       "Git-EVTag-v0-SHA512 line (not 128 lowercase hex digits)", line);
		break;
	case EVTAG_CONFLICT:
		result(ty, 0, "evtag", "the tag message has Git-EVTag-v0-SHA512 lines with "
		       "different values");
		break;
	case EVTAG_FOUND:
		if (rc == 1)
			result(ty, 0, "evtag", "the tag claims a Git-EVTag checksum, but the tree has "
			       "a submodule (%s) whose objects are not here: it cannot be checked",
			       st.submodule);
		else if (strcmp(claimed, computed))
			result(ty, 0, "evtag", "Git-EVTag-v0-SHA512 in the tag is %.16s..., the "
			       "tree gives %.16s...: objects under the signed ids were changed",
			       claimed, computed);
		else
			result(ty, 1, "evtag", "Git-EVTag-v0-SHA512 matches: SHA-512 over the commit, "
			       "%zu trees and %zu blobs", st.trees, st.blobs);
		break;
	}
out:
	if (rc)
		computed[0] = '\0';
	evtag_stats_release(&st);
}

/* "name\tvalue" in v, or NULL. */
static const char *tab_lookup(const struct strvec *v, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < v->nr; i++)
		if (!strncmp(v->v[i], name, n) && v->v[i][n] == '\t')
			return v->v[i] + n + 1;
	return NULL;
}

/*
 * The provenance: signed by a pinned key that is its builder, and every
 * field verify can know agrees (the tag, its commit, tree and Git-EVTag,
 * the prefix, the tar stream's sha256, the subjects against SHA256SUMS).
 */
static void check_provenance(const struct verify_opts *o, const char *dir,
			     const struct tag_info *t, const char *branch, const char *version,
			     const struct tarball_source *ts, const char *evtag,
			     const struct strvec *trusted, const struct strvec *sums,
			     const struct provenance *p, const char *tag_tar, struct tally *ty)
{
	struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT, tree = STRBUF_INIT,
		      gz = STRBUF_INIT, xz = STRBUF_INIT;
	struct strvec bad = STRVEC_INIT;
	char *path = path_join(dir, PROVENANCE_FILE), *sigpath = xstrfmt("%s.sig", path);
	char *want_builder = NULL;
	struct gpg_sig s;
	size_t i;

	gpg_sig_init(&s);
	if (read_file(&data, path, 4 << 20) || read_file(&sig, sigpath, 1 << 20) ||
	    gpg_verify_detached(o->gpg, data.buf, data.len, sig.buf, sig.len, &s) ||
	    gpg_sig_require(&s, trusted, sigpath)) {
		result(ty, 0, "provenance", "its .sig does not verify with a pinned key");
		goto out;
	}
	want_builder = xstrfmt("%s%s", PROVENANCE_BUILDER_PREFIX, s.primary_fpr);
	if (!p->statement_type || strcmp(p->statement_type, PROVENANCE_STATEMENT_TYPE))
		strvec_pushf(&bad, "_type is not %s", PROVENANCE_STATEMENT_TYPE);
	if (!p->predicate_type || strcmp(p->predicate_type, PROVENANCE_PREDICATE_TYPE))
		strvec_pushf(&bad, "predicateType is not %s", PROVENANCE_PREDICATE_TYPE);
	if (!p->build_type || strcmp(p->build_type, PROVENANCE_BUILD_TYPE))
		strvec_pushf(&bad, "buildType is not %s", PROVENANCE_BUILD_TYPE);
	if (!p->tag || strcmp(p->tag, o->tag))
		strvec_pushf(&bad, "it is for another tag, not %s", o->tag);
	if (!p->version || !version || strcmp(p->version, version))
		strvec_pushf(&bad, "its version is not %s", version ? version : "the tag's");
	if (!p->branch || !branch || strcmp(p->branch, branch))
		strvec_pushf(&bad, "its branch is not %s", branch ? branch : "the tag's");
	if (p->unknown_params.nr)
		strvec_pushf(&bad, "unexpected externalParameters (%zu), e.g. one named with %zu "
			     "characters", p->unknown_params.nr, strlen(p->unknown_params.v[0]));
	if (!p->commit || strcmp(p->commit, t->object))
		strvec_pushf(&bad, "its commit is not the tag's %.12s", t->object);
	{
		char *spec = xstrfmt("%s^{tree}", t->object);

		if (git_cmd(o->src, &tree, "rev-parse", "--verify", spec, NULL))
			strbuf_reset(&tree);
		strbuf_trim(&tree);
		free(spec);
	}
	if (!p->tree || strcmp(p->tree, tree.buf))
		strvec_pushf(&bad, "its tree is not the commit's");
	if (!evtag || !*evtag)
		strvec_push(&bad, "the commit's Git-EVTag checksum could not be computed");
	else if (!p->evtag || strcmp(p->evtag, evtag))
		strvec_push(&bad, "its Git-EVTag checksum is not the tree's");
	if (!p->prefix || strcmp(p->prefix, ts->prefix))
		strvec_pushf(&bad, "its tar prefix is not %s", ts->prefix);
	if (!p->tar_sha256)
		strvec_push(&bad, "it has no tar sha256");
	else if (tag_tar && *tag_tar && strcmp(p->tar_sha256, tag_tar))
		strvec_pushf(&bad, "its tar sha256 is not the tag's git archive (%.16s...)", tag_tar);
	if (!p->builder_id || strcmp(p->builder_id, want_builder))
		strvec_pushf(&bad, "its builder is not %s, the key that signed it", want_builder);
	for (i = 0; i < p->subjects.nr; i++) {
		const char *tab = strchr(p->subjects.v[i], '\t');
		char *name = xmemdupz(p->subjects.v[i], (size_t)(tab - p->subjects.v[i]));
		const char *sum = tab_lookup(sums, name);

		if (!sum || strcmp(sum, tab + 1))
			strvec_pushf(&bad, "subject %s is not in SHA256SUMS with that sha256", name);
		free(name);
	}
	for (i = 0; i < sums->nr; i++) {
		const char *tab = strchr(sums->v[i], '\t');
		char *name = xmemdupz(sums->v[i], (size_t)(tab - sums->v[i]));

		if (!ends_with(name, ".json") && !tab_lookup(&p->subjects, name))
			strvec_pushf(&bad, "%s is in SHA256SUMS but not a subject", name);
		free(name);
	}
	if (bad.nr) {
		result(ty, 0, "provenance", "%s: %s", PROVENANCE_FILE, bad.v[0]);
		for (i = 1; i < bad.nr; i++)
			note(ty, "also: %s", bad.v[i]);
		goto out;
	}
	result(ty, 1, "provenance", "in-toto Statement v1, SLSA Provenance v1, built and signed "
	       "by %s: tag, commit, tree, Git-EVTag, tar sha256 and %zu subjects agree",
	       want_builder, p->subjects.nr);
	provenance_compression(&gz, &xz);
	if (!p->gzip || strcmp(p->gzip, gz.buf) || !p->xz || strcmp(p->xz, xz.buf))
		note(ty, "compressed with other parameters or library versions than this "
		     "xenstable's (%s; %s): a rebuild may give other compressed bytes", gz.buf,
		     xz.buf);
	if (!p->xenstable_version || strcmp(p->xenstable_version, XENSTABLE_VERSION))
		note(ty, "made by another xenstable version than this one (%s)", XENSTABLE_VERSION);
out:
	gpg_sig_release(&s);
	strvec_clear(&bad);
	strbuf_release(&data);
	strbuf_release(&sig);
	strbuf_release(&tree);
	strbuf_release(&gz);
	strbuf_release(&xz);
	free(path);
	free(sigpath);
	free(want_builder);
}

/* Is name one of the tag's own tarballs (base.tar.gz / base.tar.xz)? */
static int tag_tarball_format(const struct tarball_source *ts, const char *name,
			      enum compress_format *f)
{
	size_t n = strlen(ts->name);

	if (strncmp(name, ts->name, n))
		return 0;
	if (!strcmp(name + n, ".tar.gz"))
		*f = COMPRESS_GZ;
	else if (!strcmp(name + n, ".tar.xz"))
		*f = COMPRESS_XZ;
	else
		return 0;
	return 1;
}

/*
 * A release directory as xenstable writes it, or as a distro fetched it
 * (SHA256SUMS.asc at least).  Everything is checked against the signed
 * content of SHA256SUMS.asc and the tag alone.
 */
static void check_dist(const struct verify_opts *o, const char *dir, const struct tag_info *t,
		       const struct branch *b, const char *version,
		       const struct tarball_source *ts, const char *evtag, struct tally *ty)
{
	struct strbuf json = STRBUF_INIT, sums = STRBUF_INIT, asc = STRBUF_INIT,
		      plain = STRBUF_INIT, ptext = STRBUF_INIT;
	struct strvec trusted = STRVEC_INIT, lines = STRVEC_INIT;
	char *jpath = path_join(dir, "release.json");
	char *spath = path_join(dir, "SHA256SUMS");
	char *apath = path_join(dir, "SHA256SUMS.asc");
	char *ppath = path_join(dir, PROVENANCE_FILE);
	struct provenance prov;
	struct rebuilt rb;
	struct gpg_sig s;
	yajl_val v = NULL, files = NULL, xsas;
	const char *c, *signer = NULL, *branch = b ? b->name : NULL;
	size_t pos = 0, n, i;
	const char *line;
	int have_json = 0, have_prov = 0, prov_listed = 0, rc;

	gpg_sig_init(&s);
	provenance_init(&prov);
	memset(&rb, 0, sizeof(rb));
	rc = read_file_if_exists(&json, jpath, 4 << 20);
	if (rc == 1) {
		info(ty, "release", "no release.json in %s: the files are checked against the tag "
		     "alone", dir);
	} else if (rc || json_parse(json.buf, json.len, jpath, &v)) {
		result(ty, 0, "release", "%s cannot be read", jpath);
	} else {
		have_json = 1;
		c = json_get_string(v, "commit");
		result(ty, c && !strcmp(c, t->object) ? 1 : 0, "release", "%s: commit %.12s%s",
		       jpath, c ? c : "?", c && !strcmp(c, t->object) ? " is the tag's" :
		       " is NOT the tag's");
		signer = json_get_string(v, "signer");
		files = json_get(v, "files");
		if (!branch)
			branch = json_get_string(v, "branch");
		else if (!json_get_string(v, "branch") ||
			 strcmp(json_get_string(v, "branch"), branch))
			result(ty, 0, "release", "release.json is for another branch than %s", branch);
	}
	if (o->keyring_fprs)
		strvec_pushv(&trusted, o->keyring_fprs->v);
	else
		maintainers_trusted(o->maint, ROLE_RELEASE, branch, &trusted);
	if (read_file(&asc, apath, 1 << 20) ||
	    gpg_verify_clearsigned(o->gpg, asc.buf, asc.len, &plain, &s)) {
		result(ty, 0, "SHA256SUMS", "SHA256SUMS.asc cannot be read or checked");
		goto out;
	}
	rc = read_file_if_exists(&sums, spath, 1 << 20);
	if (gpg_sig_require(&s, &trusted, apath)) {
		result(ty, 0, "SHA256SUMS", "SHA256SUMS.asc is not signed by a pinned key");
		goto out;
	} else if (rc == 1) {
		result(ty, 1, "SHA256SUMS", "signed by %s (the signed text is used: there is no "
		       "SHA256SUMS beside it)", s.primary_fpr);
	} else if (rc || plain.len != sums.len || memcmp(plain.buf, sums.buf, sums.len)) {
		result(ty, 0, "SHA256SUMS", "SHA256SUMS.asc signs other content than SHA256SUMS");
	} else {
		result(ty, 1, "SHA256SUMS", "signed by %s%s", s.primary_fpr,
		       signer && strcmp(signer, s.primary_fpr) ? " (release.json names another signer)" : "");
	}
	/* The provenance first: its tar sha256 is what the rebuild must give. */
	rc = read_file_if_exists(&ptext, ppath, 4 << 20);
	if (!rc && !provenance_parse(ptext.buf, ptext.len, ppath, &prov))
		have_prov = 1;
	else if (!rc)
		result(ty, 0, "provenance", "%s is malformed (the error is above)", ppath);
	/* Every line of the signed text, never of the unsigned copy. */
	while (next_line(plain.buf, plain.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *name, *path;
		char hex[SHA256_HEX_LEN + 1];
		const char *want_tar = NULL;
		enum compress_format f = COMPRESS_NONE;
		int ours;

		if (n >= 67)
			l[64] = '\0';
		if (n < 67 || line[64] != ' ' || l[65] != ' ' || !path_is_safe(l + 66) ||
		    strchr(l + 66, '/') || !is_sha256_hex(l) || tab_lookup(&lines, l + 66)) {
			result(ty, 0, "SHA256SUMS", "malformed or repeated line %zu", lines.nr + 1);
			free(l);
			continue;
		}
		name = l + 66;
		strvec_pushf(&lines, "%s\t%s", name, l);
		if (!strcmp(name, PROVENANCE_FILE))
			prov_listed = 1;
		path = path_join(dir, name);
		ours = tag_tarball_format(ts, name, &f);
		for (i = 0; i < json_array_len(files); i++) {
			yajl_val fj = json_array_at(files, i);
			const char *fn = json_get_string(fj, "name");

			if (fn && !strcmp(fn, name))
				want_tar = json_get_string(fj, "tar_sha256");
		}
		if (!want_tar && ours && have_prov)
			want_tar = prov.tar_sha256;
		if (!path_exists(path)) {
			if (ours) {
				struct tarball_hashes h;

				if (tarball_write(o->src, ts, f, o->jobs, NULL, &h))
					result(ty, 0, name, "not in %s, and it could not be rebuilt", dir);
				else if (strcmp(h.sha256, l))
					result(ty, 0, name, "not in %s; rebuilt from the tag it has sha256 "
					       "%s, but SHA256SUMS says %s", dir, h.sha256, l);
				else if (want_tar && strcmp(want_tar, h.tar_sha256))
					result(ty, 0, name, "not in %s; rebuilt from the tag its tar sha256 "
					       "is not the release's", dir);
				else
					result(ty, 1, name, "not in %s: rebuilt from the tag, its sha256 is "
					       "the SHA256SUMS line", dir);
				if (!rb.tar_sha256[0])
					memcpy(rb.tar_sha256, h.tar_sha256, sizeof(rb.tar_sha256));
			} else if (ends_with(name, ".json")) {
				info(ty, name, "not in %s (not checked)", dir);
			} else {
				result(ty, 0, name, "not in %s, and it is not built from the tag (a "
				       "companion): fetch it to check it", dir);
			}
			free(path);
			free(l);
			continue;
		}
		if (sha256_file_hex(path, hex) || strcmp(hex, l))
			result(ty, 0, name, "does not match its SHA256SUMS line");
		else if (ends_with(name, ".json"))
			result(ty, 1, name, "sum good");
		else {
			struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT;
			char *sigpath = xstrfmt("%s.sig", path);
			struct gpg_sig fs;

			gpg_sig_init(&fs);
			if (read_file(&data, path, 1u << 30) || read_file(&sig, sigpath, 1 << 20) ||
			    gpg_verify_detached(o->gpg, data.buf, data.len, sig.buf, sig.len, &fs) ||
			    gpg_sig_require(&fs, &trusted, sigpath))
				result(ty, 0, name, "its .sig does not verify with a pinned key");
			else
				result(ty, 1, name, "sum and .sig good");
			gpg_sig_release(&fs);
			strbuf_release(&data);
			strbuf_release(&sig);
			free(sigpath);
		}
		/* The tag's own tarballs are rebuilt, also when the sum is wrong:
		 * the rebuild names the file that differs. */
		if (ours)
			check_tarball(o, ts, path, 1, l, want_tar, &rb, ty);
		free(path);
		free(l);
	}
	if (have_prov && !prov_listed)
		result(ty, 0, "provenance", "%s is not listed in SHA256SUMS", PROVENANCE_FILE);
	else if (have_prov)
		check_provenance(o, dir, t, branch, version, ts, evtag, &trusted, &lines, &prov,
				 rb.tar_sha256, ty);
	else if (!prov_listed && !path_exists(ppath))
		info(ty, "provenance", "none in %s (a release made before xenstable wrote one)", dir);
	if (!have_json)
		goto out;
	xsas = json_get(v, "xsas");
	/* An OSV record release.json names must be a line of the signed
	 * SHA256SUMS (whose files were checked above). */
	for (i = 0; i < json_array_len(xsas); i++) {
		const char *osv = json_get_string(json_array_at(xsas, i), "osv");

		if (osv && (!path_is_safe(osv) || strchr(osv, '/') || !ends_with(osv, ".json")))
			result(ty, 0, "osv", "release.json names '%s' as an OSV record: not a plain "
			       ".json file name", osv);
		else if (osv && !tab_lookup(&lines, osv))
			result(ty, 0, "osv", "%s (named by release.json) is not in SHA256SUMS", osv);
	}
	if (!ty->json)
		printf("  XSAs in this release: %s\n", json_array_len(xsas) ? "" : "none");
	for (i = 0; i < json_array_len(xsas); i++) {
		yajl_val x = json_array_at(xsas, i), cs = json_get(x, "commits");
		long long num = 0;
		const char *title = json_get_string(x, "title");
		const char *state = json_get_string(x, "state");
		const char *osv = json_get_string(x, "osv");
		struct strbuf ids = STRBUF_INIT, shortids = STRBUF_INIT;
		size_t k;

		json_get_int(x, "xsa", &num);
		for (k = 0; k < json_array_len(cs); k++) {
			yajl_val cv = json_array_at(cs, k);
			const char *id = cv && YAJL_IS_STRING(cv) ? YAJL_GET_STRING(cv) : NULL;

			if (!id || !*id || !is_hex_string(id, strlen(id)))
				continue;
			strbuf_addf(&ids, "%s%s", ids.len ? " " : "", id);
			strbuf_addf(&shortids, "%s%.12s", shortids.len ? ", " : "", id);
		}
		if (state && (strchr(state, '\t') || !*state))
			state = NULL;
		if (osv && (strchr(osv, '\t') || !path_is_safe(osv) || strchr(osv, '/')))
			osv = NULL;
		strvec_pushf(&ty->xsas, "%lld\t%s\t%s\t%s\t%s", num, state ? state : "", ids.buf,
			     osv ? osv : "", title ? title : "");
		if (!ty->json) {
			printf("    XSA-%lld%s%s", num, title && *title ? ": " : "", text_safe(title));
			if (state)
				printf(" [%s%s%s]", text_safe(state), shortids.len ? ": " : "",
				       shortids.buf);
			if (osv) {
				char *op = path_join(dir, osv);

				printf(" OSV %s%s", osv, path_exists(op) ? "" : " (not in the directory)");
				free(op);
			}
			printf("\n");
		}
		strbuf_release(&ids);
		strbuf_release(&shortids);
	}
out:
	json_free(v);
	gpg_sig_release(&s);
	provenance_release(&prov);
	strvec_clear(&trusted);
	strvec_clear(&lines);
	strbuf_release(&json);
	strbuf_release(&sums);
	strbuf_release(&asc);
	strbuf_release(&plain);
	strbuf_release(&ptext);
	free(jpath);
	free(spath);
	free(apath);
	free(ppath);
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

/*
 * The release directory for version in o->dist: DIR/X.Y.Z, or DIR itself
 * when it holds SHA256SUMS.asc (the files as a distro fetched them) or
 * release.json.  NULL when there is none.
 */
static char *find_dist(const struct verify_opts *o, const char *version)
{
	char *cand, *found = NULL;

	if (!o->dist || !version)
		return NULL;
	cand = path_join(o->dist, version);
	if (is_dir(cand)) {
		found = cand;
		cand = NULL;
	} else {
		char *asc = path_join(o->dist, "SHA256SUMS.asc");
		char *rj = path_join(o->dist, "release.json");

		if (is_regular_file(asc) || is_regular_file(rj))
			found = xstrdup(o->dist);
		free(asc);
		free(rj);
	}
	free(cand);
	return found;
}

/*
 * With the release's own key file in dir and no --keyring: a private
 * keyring holding that file's keys, and the user's own copies of the
 * pinned keys when the user has them (their revocations win); trust stays
 * with the fingerprints MAINTAINERS pins.  1 when g was set up.
 */
static int dist_keyring(const struct verify_opts *o, const struct branch *b, const char *dir,
			struct gpg_ctx *g, struct tally *ty)
{
	char *kp = path_join(dir, PROVENANCE_KEY_FILE);
	struct strvec pinned = STRVEC_INIT;
	size_t i, mine = 0;

	if (o->keyring_fprs || !is_regular_file(kp)) {
		free(kp);
		return 0;
	}
	if (gpg_init_temporary(g) || gpg_import_file(g, kp)) {
		gpg_release(g);
		result(ty, 0, "keys", "%s cannot be read as OpenPGP keys", kp);
		free(kp);
		return -1;
	}
	maintainers_trusted(o->maint, ROLE_RELEASE, b ? b->name : NULL, &pinned);
	for (i = 0; i < pinned.nr; i++) {
		struct gpg_key_info ki;
		struct strbuf pub = STRBUF_INIT;

		if (!gpg_key_lookup(o->gpg, pinned.v[i], &ki) && ki.found &&
		    !gpg_export(o->gpg, pinned.v[i], &pub) &&
		    !gpg_import(g, pub.buf, pub.len, "your keyring"))
			mine++;
		gpg_key_info_release(&ki);
		strbuf_release(&pub);
	}
	info(ty, "keys", "from %s%s; trusted only through the fingerprints MAINTAINERS pins", kp,
	     mine ? " and your keyring" : "");
	strvec_clear(&pinned);
	free(kp);
	return 1;
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
		result(&ty, 0, "tag", "%s tags a %s, not a commit", o->tag, t.type);
	dir = find_dist(o, version);
	if (!dir && o->dist_explicit)
		result(&ty, 0, "dist", "%s holds no release %s (no %s/ and no SHA256SUMS.asc)",
		       o->dist, version ? version : o->tag, version ? version : "X.Y.Z");
	if (dir) {
		own_gpg = dist_keyring(o, b, dir, &own, &ty);
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
		result(&ty, 0, "tarball", "cannot prepare the tag's git archive");
		goto done;
	}
	if (dir)
		check_dist(&oo, dir, &t, b, version, &ts, evtag, &ty);
	else
		list_xsas_from_history(&oo, b, &t, &ty);
	if (o->tarball)
		check_tarball(&oo, &ts, o->tarball, o->rebuild, NULL, NULL, NULL, &ty);
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
