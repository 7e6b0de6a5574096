/*
 * xenstable xsa index: regenerate xsa/xsa.json, in xenbits' schema, from
 * the advisories in the store (--check: exit 1 if it is out of date).
 */
#include "xsa.h"
#include "../domain/xsa-store.h"
#include "../lib/fs.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/quote.h"

static const char *const index_usage[] = {
	"xenstable xsa index [--check]",
	NULL
};

int cmd_xsa_index(int argc, const char **argv, struct xs_ctx *ctx)
{
	int check = 0;
	struct option opts[] = {
		OPT_BOOL_("check", 0, &check, "exit 1 if xsa/xsa.json is out of date"),
		OPT_END_(),
	};
	struct strbuf want = STRBUF_INIT, have = STRBUF_INIT;
	struct xsa_store s;
	char *path = ctx_path(ctx, "xsa/xsa.json"), *dir = ctx_path(ctx, "xsa");
	int rc;

	argc = parse_options(argc, argv, opts, index_usage);
	if (argc < 0) {
		rc = PARSE_OPT_EXIT(argc);
		goto out_nos;
	}
	if (argc) {
		rc = error_usage("unexpected argument '%s'", argv[0]);
		goto out_nos;
	}
	if (!check && (rc = ctx_lock(ctx, "xsa index")))
		goto out_nos;
	rc = xsa_store_load(&s, ctx->repo);
	if (rc)
		goto out_nos;
	xsa_index_write(&s, &want);
	rc = read_file_if_exists(&have, path, 64 << 20);
	if (rc < 0)
		goto out;
	if (!rc && have.len == want.len && !memcmp(have.buf, want.buf, want.len)) {
		say("xsa/xsa.json: up to date (%zu advisories)", s.nr);
		rc = 0;
	} else if (check) {
		char *fix = self_cmd_str("xsa", "index", NULL);

		rc = error_fail("xsa/xsa.json is out of date with the store; run: %s", fix);
		free(fix);
	} else {
		rc = mkdir_p(dir, 0755);
		if (!rc)
			rc = write_file_atomic(path, want.buf, want.len, 0644);
		if (!rc)
			printf("xsa/xsa.json: %zu advisories\n", s.nr);
	}
out:
	xsa_store_release(&s);
out_nos:
	strbuf_release(&want);
	strbuf_release(&have);
	free(path);
	free(dir);
	return rc;
}
