/*
 * xenstable bundle verify FILE [--date D]: decrypt when needed, check the
 * signature against the predisclosure members' pinned keys, every file's
 * hash, the format version, the replay guard and the embargo against the
 * XSA store; print the manifest.  A bundle that passes is kept in
 * backports/<branch>/ and recorded in backports/seen.json; one that does
 * not changes nothing (exit 3).
 */
#include "bundle.h"
#include "../domain/embargo.h"
#include "../lib/date.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"

static const char *const verify_usage[] = {
	"xenstable bundle verify FILE [--date D] [--json]",
	NULL
};

int cmd_bundle_verify(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *date_arg = NULL;
	int json = xs_json;
	struct option opts[] = {
		OPT_STRING_("date", 0, &date_arg, "D", "judge the embargo on this day (00:00) or time, UTC (default: now)"),
		OPT_BOOL_("json", 0, &json, "print manifest.json exactly as signed"),
		OPT_END_(),
	};
	struct bundle_session s;
	int64_t date;
	char *kept = NULL;
	int rc;

	argc = parse_options(argc, argv, opts, verify_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1) {
		usage_with_options(stderr, verify_usage, opts);
		return -XS_USAGE;
	}
	date = date_now();
	if (date_arg && (rc = date_option(date_arg, &date)))
		return rc;
	rc = bundle_session_open(&s, ctx, argv[0], date, "bundle verify");
	if (!rc)
		rc = bundle_keep(&s.store, &s.b, date_now(), &kept);
	/* Its patches, for the embargo checks of users without the member's key. */
	if (!rc && s.embargoed && bundle_is_kept_copy(&s.store, &s.b))
		rc = embargo_keep_copy(ctx->repo, &s.b);
	if (!rc) {
		if (json) {
			fwrite(s.b.manifest->data.buf, 1, s.b.manifest->data.len, stdout);
		} else {
			bundle_print(&s);
			printf("verified  signature by member '%s', %zu file hash%s, format %d\n",
			       s.b.m.producer, s.b.m.nr_files, s.b.m.nr_files == 1 ? "" : "es",
			       s.b.m.format_version);
			printf("kept      %s (recorded in backports/seen.json)\n", kept);
		}
		if (s.embargoed && !s.b.encrypted)
			warning("%s is embargoed and not encrypted: do not push it anywhere public "
				"before the embargo ends", kept);
	}
	free(kept);
	bundle_session_release(&s);
	return rc;
}
