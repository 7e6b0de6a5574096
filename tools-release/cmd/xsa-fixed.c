/*
 * xenstable xsa fixed REV [--since REV2] [--json] [--keyring FILE]: the
 * XSAs wholly fixed in REV's history, and those only partly fixed; with
 * --since only what is new since REV2 (a changelog entry's list).
 *
 * An XSA is listed as fixed only when its fix is complete in REV's
 * history (domain/xsa-history.h: every master fix found, or as many as
 * the stored advisory maps to the branch, and nothing the branch later
 * adds is missing) and every fixing commit is evidence (under a verified
 * RELEASE tag, or a verified advisory patch).  Complete but only claimed
 * fixes are listed apart, as "claimed".
 */
#include "xsa-hist.h"
#include "../domain/xsa-history-since.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const fixed_usage[] = {
	"xenstable xsa fixed REV [--since REV2] [--json] [--keyring FILE]",
	NULL
};

static void row_ids(struct json_writer *w, const struct xsa_history *h, const struct xh_eval *e)
{
	char hex[GIT_MAX_HEXSZ + 1];
	size_t k;

	jw_key(w, "commits");
	jw_arr_begin(w);
	for (k = 0; k < e->nr_commits; k++) {
		xh_oid_hex(h, e->commits[k], hex);
		jw_str(w, hex);
	}
	jw_arr_end(w);
}

static void print_rows(const struct xsa_history *h, const struct xh_fixed_set *s, enum xh_state st,
		       struct json_writer *w, const char *title)
{
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, k, n = 0;

	for (i = 0; i < s->nr; i++)
		n += s->v[i].e.state == st;
	if (w) {
		jw_key(w, title);
		jw_arr_begin(w);
	} else {
		printf("%s (%zu):%s\n", title, n, n ? "" : " none");
	}
	for (i = 0; i < s->nr; i++) {
		const struct xh_fixed_row *r = &s->v[i];

		if (r->e.state != st)
			continue;
		if (w) {
			jw_obj_begin(w);
			jw_kv_int(w, "xsa", r->xsa);
			row_ids(w, h, &r->e);
			if (st == XH_PARTIAL)
				jw_kv_str(w, "missing", r->e.why.buf);
			jw_obj_end(w);
			continue;
		}
		printf("  XSA-%-4d", r->xsa);
		for (k = 0; k < r->e.nr_commits; k++) {
			xh_oid_hex(h, r->e.commits[k], hex);
			printf(" %.12s", hex);
		}
		if (st == XH_PARTIAL)
			printf("\n           partial: %s", r->e.why.buf);
		printf("\n");
	}
	if (w)
		jw_arr_end(w);
}

int cmd_xsa_fixed(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *since = NULL, *keyring = NULL;
	int json = 0, rc;
	struct option opts[] = {
		OPT_STRING_("since", 0, &since, "REV2", "only the XSAs not already fixed at REV2"),
		OPT_STRING_("keyring", 0, &keyring, "FILE",
			    "trust exactly the keys in FILE for RELEASE tags (instead of MAINTAINERS)"),
		OPT_BOOL_("json", 0, &json, "one JSON object"),
		OPT_END_(),
	};
	struct xh_session s;
	struct xh_fixed_set now;
	char oid[GIT_MAX_HEXSZ + 1], oid2[GIT_MAX_HEXSZ + 1];
	uint32_t c = XH_NONE, c2 = XH_NONE;

	argc = parse_options(argc, argv, opts, fixed_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1)
		return error_usage("name one revision (see --help)");
	if (json)
		xs_json = 1;
	memset(&now, 0, sizeof(now));
	rc = xh_session_open(ctx, &s, keyring);
	if (!rc)
		rc = xh_resolve_rev(&s, argv[0], &c, oid);
	if (!rc && since)
		rc = xh_resolve_rev(&s, since, &c2, oid2);
	if (rc)
		goto out;
	/* extending the history for REV2 may have renumbered nothing, but
	 * look REV up again in case it was read in first */
	c = xh_find(&s.h, oid);
	if (since)
		xsa_history_fixed_since(&s.h, c, xh_find(&s.h, oid2), &now);
	else
		xsa_history_fixed_at(&s.h, c, &now);
	if (json) {
		struct json_writer w;
		struct strbuf out = STRBUF_INIT;

		jw_init(&w, 1);
		jw_obj_begin(&w);
		jw_kv_str(&w, "rev", argv[0]);
		jw_kv_str(&w, "commit", oid);
		if (since) {
			jw_key(&w, "since");
			jw_obj_begin(&w);
			jw_kv_str(&w, "rev", since);
			jw_kv_str(&w, "commit", oid2);
			jw_obj_end(&w);
		}
		print_rows(&s.h, &now, XH_FIXED, &w, "fixed");
		print_rows(&s.h, &now, XH_PARTIAL, &w, "partial");
		print_rows(&s.h, &now, XH_CLAIMED, &w, "claimed");
		jw_obj_end(&w);
		jw_finish(&w, &out);
		fwrite(out.buf, 1, out.len, stdout);
		jw_release(&w);
		strbuf_release(&out);
	} else {
		int li = xh_line_of(&s.h, c);

		printf("%s is commit %s", argv[0], oid);
		if (li >= 0)
			printf(" (%s)", s.h.lines[li].name);
		printf("\n");
		if (since)
			printf("new since %s (commit %s)\n", since, oid2);
		print_rows(&s.h, &now, XH_FIXED, NULL, "fixed");
		print_rows(&s.h, &now, XH_PARTIAL, NULL, "partial");
		print_rows(&s.h, &now, XH_CLAIMED, NULL,
			   "claimed (complete, but not yet in a verified release)");
	}
out:
	xh_fixed_set_release(&now);
	xh_session_close(&s);
	return rc;
}
