/*
 * xenstable xsa import: verify advisories and their files, then store
 * them under xsa/.  Every input is judged on its own; a rejected one
 * changes nothing, and the command exits 3 if any was rejected.
 */
#include "xsa.h"
#include "../domain/branch.h"
#include "../domain/maintainers.h"
#include "../domain/xsa-intake.h"
#include "../domain/xsa-status.h"
#include "../domain/xsa-store.h"
#include "../lib/date.h"
#include "../lib/escape.h"
#include "../lib/fs.h"
#include "../lib/gpg.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

#include <fnmatch.h>

static const char *const import_usage[] = {
	"xenstable xsa import PATH... [--keyring FILE] [--allow-unsigned]",
	NULL
};

/* xenbits' xsa.json: check it, then keep it as xsa/xenbits.json. */
static int import_index(struct xs_ctx *ctx, struct xsa_store *store, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	char *dest = ctx_path(ctx, "xsa/xenbits.json");
	char *dir = ctx_path(ctx, "xsa");
	int rc = read_file(&text, path, 64 << 20);

	if (!rc)
		rc = xsa_index_parse(store, path, text.buf, text.len);
	if (!rc)
		rc = mkdir_p(dir, 0755);
	if (!rc)
		rc = write_file_atomic(dest, text.buf, text.len, 0644);
	if (!rc)
		printf("%s: xenbits index of %zu advisories stored as xsa/xenbits.json\n",
		       text_safe(path), store->nr_idx);
	strbuf_release(&text);
	free(dest);
	free(dir);
	return rc;
}

/* The line of the advisory's RESOLUTION entry for f (its pattern and range). */
static int resolution_line(const char *path, const struct xsa_file *f)
{
	struct strbuf text = STRBUF_INIT, text_line = STRBUF_INIT;
	size_t pos = 0, n;
	const char *l;
	int lineno = 0, found = 0;

	if (!f->range_text || read_file(&text, path, 4 << 20))
		goto out;
	/* "NAME-OR-GLOB   RANGE": the first word names the file, the rest is its range. */
	while (!found && next_line(text.buf, text.len, &pos, &l, &n)) {
		char *line = xmemdupz(l, n), *p = line, *rest;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		rest = p + strcspn(p, " \t");
		if (*rest) {
			*rest++ = '\0';
			while (*rest == ' ' || *rest == '\t')
				rest++;
			strbuf_reset(&text_line);
			strbuf_addstr(&text_line, rest);
			strbuf_rtrim(&text_line);
			if (!strcmp(text_line.buf, f->range_text) &&
			    (!strcmp(p, f->name) || !fnmatch(p, f->name, FNM_PATHNAME)))
				found = lineno;
		}
		free(line);
	}
out:
	strbuf_release(&text);
	strbuf_release(&text_line);
	return found;
}

/*
 * A signed advisory that maps a Xen patch to a version that is no
 * maintained branch is kept (refusing it would lose the security team's
 * word), but said loudly: status shows it unmapped until a maintainer
 * marks the branches (TRUST.md).
 */
static void warn_unmapped(struct xs_ctx *ctx, const struct xsa_store *store, int number)
{
	const struct xsa_record *r = xsa_store_find(store, number);
	const struct xsa_version *v = r ? xsa_latest(r) : NULL;
	struct branch_set bs;
	size_t i;

	if (!v || branches_load(&bs, ctx->repo))
		return;
	for (i = 0; i < v->nr_files; i++) {
		struct strbuf what = STRBUF_INIT;

		if (xsa_file_unmapped(&bs, &v->files[i], &what)) {
			char *rel = xstrfmt("%s/%s", v->dir, v->advisory);
			char *path = ctx_path(ctx, rel);

			warning("%s:%d: %s; XSA-%d is stored, and xsa status shows it unmapped "
				"(and --check fails) on every branch no other patch maps to, until "
				"xenstable xsa mark %d BRANCH ... says what holds", rel,
				resolution_line(path, &v->files[i]), what.buf, number, number);
			free(rel);
			free(path);
		}
		strbuf_release(&what);
	}
	branches_release(&bs);
}

int cmd_xsa_import(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *keyring = NULL;
	int allow_unsigned = 0;
	struct option opts[] = {
		OPT_STRING_("keyring", 0, &keyring, "FILE", "verify with the keys in FILE only (not your keyring)"),
		OPT_BOOL_("allow-unsigned", 0, &allow_unsigned, "accept advisories with no signature; they are marked unsigned"),
		OPT_END_(),
	};
	struct maintainers m;
	struct strvec trusted = STRVEC_INIT;
	struct xsa_inputs in;
	struct xsa_store store;
	struct xsa_import_opts o;
	struct gpg_ctx gpg;
	int i, rc, result = 0, stored = 0, same = 0, rejected = 0;
	size_t k;

	argc = parse_options(argc, argv, opts, import_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (!argc) {
		usage_with_options(stderr, import_usage, opts);
		return -XS_USAGE;
	}
	memset(&store, 0, sizeof(store));
	memset(&m, 0, sizeof(m));
	xsa_inputs_init(&in);
	gpg_init(&gpg, NULL);
	rc = maintainers_load_repo(&m, ctx->repo);
	if (rc)
		goto out;
	maintainers_trusted(&m, ROLE_ADVISORY, NULL, &trusted);
	if (keyring) {
		gpg_release(&gpg);
		rc = gpg_init_temporary(&gpg);
		if (!rc)
			rc = gpg_import_file(&gpg, keyring);
		if (rc)
			goto out;
	}
	rc = ctx_lock(ctx, "xsa import");
	if (rc)
		goto out;
	rc = xsa_store_load(&store, ctx->repo);
	if (rc)
		goto out;
	for (i = 0; i < argc; i++) {
		int r = xsa_collect_inputs(&in, argv[i]);

		if (r) {
			result = worst_result(result, r);
			rejected++;
		}
	}
	for (k = 0; k < in.index_paths.nr; k++) {
		int r = import_index(ctx, &store, in.index_paths.v[k]);

		if (r) {
			result = worst_result(result, r);
			rejected++;
			/* Keep what was stored before. */
			xsa_store_release(&store);
			if ((rc = xsa_store_load(&store, ctx->repo)))
				goto out;
		}
	}
	memset(&o, 0, sizeof(o));
	o.repo = ctx->repo;
	o.gpg = &gpg;
	o.trusted = &trusted;
	o.allow_unsigned = allow_unsigned;
	o.store = &store;
	o.now = date_now();
	for (k = 0; k < in.nr; k++) {
		struct xsa_intake *t = &in.v[k];
		const char *what = t->label ? t->label : t->origin;
		enum xsa_import_result res = XSA_IMPORT_UNCHANGED;
		int number, version, r;

		r = xsa_intake_import(&o, t, &res, &number, &version);
		if (r == -XS_ENV) {
			/* The environment fails every input alike: stop here. */
			result = worst_result(result, r);
			rejected += (int)(in.nr - k);
			break;
		}
		if (r) {
			result = worst_result(result, r);
			rejected++;
			continue;
		}
		if (res == XSA_IMPORT_UNCHANGED) {
			same++;
			printf("%s: XSA-%d version %d is already in the store (unchanged)\n",
			       text_safe(what), number, version);
			continue;
		}
		stored++;
		printf("%s: XSA-%d version %d stored in xsa/%d/v%d\n", text_safe(what), number,
		       version, number, version);
		/* Later inputs must see this one (an mbox may hold it twice). */
		if ((rc = xsa_store_refresh(&store, number)))
			goto out;
		warn_unmapped(ctx, &store, number);
	}
	if (stored + same + rejected > 1 || rejected)
		say("xsa import: %d stored, %d unchanged, %d rejected", stored, same, rejected);
	rc = result;
out:
	xsa_store_release(&store);
	maintainers_release(&m);
	xsa_inputs_release(&in);
	strvec_clear(&trusted);
	gpg_release(&gpg);
	return rc;
}
