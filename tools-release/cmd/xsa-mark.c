/*
 * xenstable xsa mark NNN BRANCH not-affected|needs-backport --reason TEXT:
 * record a maintainer's judgement about one branch; the status matrix
 * shows it (a detected commit still wins: it is a fact).
 */
#include "xsa.h"
#include "../domain/branch.h"
#include "../domain/xsa-store.h"
#include "../lib/date.h"
#include "../lib/escape.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"

static const char *const mark_usage[] = {
	"xenstable xsa mark NNN BRANCH not-affected|needs-backport --reason TEXT",
	NULL
};

int cmd_xsa_mark(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *reason = NULL, *state;
	struct option opts[] = {
		OPT_STRING_("reason", 0, &reason, "TEXT", "why (required; shown in status and show)"),
		OPT_END_(),
	};
	struct branch_set bs;
	struct xsa_store s;
	struct xsa_record *r;
	const struct branch *b;
	int number, rc;

	argc = parse_options(argc, argv, opts, mark_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 3) {
		usage_with_options(stderr, mark_usage, opts);
		return -XS_USAGE;
	}
	number = xsa_arg_number(argv[0]);
	if (number < 0)
		return error_usage("'%s' is not an XSA number", argv[0]);
	state = argv[2];
	if (strcmp(state, "not-affected") && strcmp(state, "needs-backport"))
		return error_usage("state must be not-affected or needs-backport, not '%s'", state);
	if (!reason || !*reason)
		return error_usage("--reason TEXT is required: say why");
	{
		size_t at;
		unsigned code;

		if (text_find_ctrl(reason, strlen(reason), 0, &at, &code))
			return error_usage("--reason must be one line of text, without control "
					   "characters");
	}
	rc = branches_load(&bs, ctx->repo);
	if (rc)
		return rc;
	b = branch_find(&bs, argv[1]);
	if (!b) {
		rc = branch_error_unknown(&bs, argv[1], XS_INPUT);
		goto out_bs;
	}
	rc = ctx_lock(ctx, "xsa mark");
	if (rc)
		goto out_bs;
	rc = xsa_store_load(&s, ctx->repo);
	if (rc)
		goto out_bs;
	r = xsa_store_find(&s, number);
	if (!r)
		rc = error_input("XSA-%d is not in the store (xenstable xsa import)", number);
	else
		rc = xsa_store_set_mark(ctx->repo, r, b->name, state, reason, date_now());
	if (!rc)
		printf("XSA-%d on %s: %s (%s)\n", number, b->name, state, reason);
	xsa_store_release(&s);
out_bs:
	branches_release(&bs);
	return rc;
}
