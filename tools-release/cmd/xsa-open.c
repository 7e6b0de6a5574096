/*
 * xenstable xsa open REV [--json] [--keyring FILE]: the known XSAs not
 * (wholly) fixed at REV that affect its branch.
 *
 * Known: every XSA the source's history has a fix for, on any branch or
 * master, and every stored Xen advisory.  Whether REV's branch is
 * affected comes only from what says so: a partial or reverted fix in
 * REV's history, a fix the branch gained after REV, or a stored advisory
 * (a patch mapped to the branch, or VULNERABLE SYSTEMS).  Where nothing
 * says, the XSA is listed as "affectedness unknown"; nothing is guessed
 * from the versions of sibling branches.
 */
#include "xsa-hist.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const open_usage[] = {
	"xenstable xsa open REV [--json] [--keyring FILE]",
	NULL
};

struct open_row {
	int xsa;
	int known;		/* 1 affected, 0 unknown */
	char *why;
	struct xh_eval e;
};

static void where_fixed(const struct xsa_history *h, int x, struct strbuf *out)
{
	size_t li, n = 0;

	for (li = 1; li <= h->nr_lines; li++) {
		size_t l = li % h->nr_lines;

		if (xh_line_touches(h, x, l))
			strbuf_addf(out, "%s%s", n++ ? ", " : "", h->lines[l].name);
	}
}

/* Decide for XSA x at the history reach of line li; 0 = not open. */
static int judge(const struct xsa_history *h, int x, const uint64_t *reach, int li,
		 struct open_row *r)
{
	const struct xh_advice *a = xh_advice_of(h, x);
	const struct xh_line *l = li >= 0 ? &h->lines[li] : NULL;
	struct strbuf why = STRBUF_INIT;

	r->xsa = x;
	r->known = 0;
	xh_eval_init(&r->e);
	if (!xh_xsa_is_xen(h, x))
		return 0;
	xh_evaluate(h, x, reach, li, &r->e);
	switch (r->e.state) {
	case XH_FIXED:
	case XH_CLAIMED:
		return 0;
	case XH_PARTIAL:
		r->known = 1;
		strbuf_addf(&why, "partly fixed: %s", r->e.why.buf);
		break;
	case XH_REVERTED:
		r->known = 1;
		strbuf_addstr(&why, "its fix was reverted");
		break;
	case XH_NONE_HERE:
		if (a && a->xen && a->vuln_known && l && li > 0) {
			int v = xh_line_version(l);

			if ((a->vuln_lo && v < a->vuln_lo) || (a->vuln_hi && v > a->vuln_hi))
				return 0;	/* the advisory says it is not */
		}
		if (l && xh_line_touches(h, x, (size_t)li)) {
			r->known = 1;
			strbuf_addf(&why, "fixed later on %s", l->name);
		} else if (a && a->xen && l && li > 0 && xh_mapped(a, (size_t)li) > 0) {
			r->known = 1;
			strbuf_addf(&why, "the stored advisory has a patch for %s", l->name);
		} else if (a && a->xen && a->vuln_known && l && li > 0) {
			r->known = 1;
			strbuf_addf(&why, "the stored advisory's VULNERABLE SYSTEMS include %s",
				    l->name);
		} else {
			struct strbuf w = STRBUF_INIT;

			where_fixed(h, x, &w);
			if (a && a->xen)
				strbuf_addf(&why, "affectedness unknown: the stored advisory says "
					    "nothing about %s", l ? l->name : "this history");
			else
				strbuf_addf(&why, "affectedness unknown: fixed on %s; no stored "
					    "advisory says whether %s is affected",
					    w.len ? w.buf : "no branch", l ? l->name : "this history");
			strbuf_release(&w);
		}
		break;
	}
	r->why = strbuf_detach(&why, NULL);
	return 1;
}

int cmd_xsa_open(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *keyring = NULL;
	int json = 0, rc, li;
	struct option opts[] = {
		OPT_STRING_("keyring", 0, &keyring, "FILE",
			    "trust exactly the keys in FILE for RELEASE tags (instead of MAINTAINERS)"),
		OPT_BOOL_("json", 0, &json, "one JSON object"),
		OPT_END_(),
	};
	struct xh_session s;
	struct open_row *rows = NULL;
	size_t nr = 0, alloc = 0, i, affected = 0, unknown = 0;
	char oid[GIT_MAX_HEXSZ + 1];
	uint32_t c;
	uint64_t *reach = NULL;
	int *all = NULL;
	size_t nall = 0;

	argc = parse_options(argc, argv, opts, open_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1)
		return error_usage("name one revision (see --help)");
	if (json)
		xs_json = 1;
	rc = xh_session_open(ctx, &s, keyring);
	if (!rc)
		rc = xh_resolve_rev(&s, argv[0], &c, oid);
	if (rc)
		goto out;
	reach = xh_reach(&s.h, c);
	li = xh_line_of(&s.h, c);
	/* the XSAs the history knows, then the stored ones it does not */
	for (i = 0; i < s.h.nr_xsas; i++) {
		all = xrealloc(all, (nall + 1) * sizeof(*all));
		all[nall++] = s.h.xsas[i];
	}
	for (i = 0; i < s.h.nr_adv; i++) {
		size_t j;

		for (j = 0; j < s.h.nr_xsas && s.h.xsas[j] != s.h.adv[i].xsa; j++)
			;
		if (j == s.h.nr_xsas) {
			all = xrealloc(all, (nall + 1) * sizeof(*all));
			all[nall++] = s.h.adv[i].xsa;
		}
	}
	for (i = 0; i < nall; i++) {
		ALLOC_GROW(rows, nr + 1, alloc);
		if (judge(&s.h, all[i], reach, li, &rows[nr])) {
			if (rows[nr].known)
				affected++;
			else
				unknown++;
			nr++;
		} else {
			xh_eval_release(&rows[nr].e);
		}
	}
	if (json) {
		struct json_writer w;
		struct strbuf out = STRBUF_INIT;
		char hex[GIT_MAX_HEXSZ + 1];
		size_t k;

		jw_init(&w, 1);
		jw_obj_begin(&w);
		jw_kv_str(&w, "rev", argv[0]);
		jw_kv_str(&w, "commit", oid);
		jw_kv_str(&w, "branch", li >= 0 ? s.h.lines[li].name : NULL);
		jw_key(&w, "open");
		jw_arr_begin(&w);
		for (i = 0; i < nr; i++) {
			jw_obj_begin(&w);
			jw_kv_int(&w, "xsa", rows[i].xsa);
			jw_kv_str(&w, "affected", rows[i].known ? "yes" : "unknown");
			jw_kv_str(&w, "state", rows[i].e.state == XH_NONE_HERE ? "unfixed" :
					       xh_state_name(rows[i].e.state));
			jw_kv_str(&w, "why", rows[i].why);
			jw_key(&w, "commits");
			jw_arr_begin(&w);
			for (k = 0; k < rows[i].e.nr_commits; k++) {
				xh_oid_hex(&s.h, rows[i].e.commits[k], hex);
				jw_str(&w, hex);
			}
			jw_arr_end(&w);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
		jw_finish(&w, &out);
		fwrite(out.buf, 1, out.len, stdout);
		jw_release(&w);
		strbuf_release(&out);
	} else {
		printf("%s is commit %s", argv[0], oid);
		if (li >= 0)
			printf(" (%s)", s.h.lines[li].name);
		else
			printf(" (on no maintained branch)");
		printf("\nopen: %zu affected, %zu affectedness unknown\n", affected, unknown);
		for (i = 0; i < nr; i++)
			if (rows[i].known)
				printf("  XSA-%-4d affected: %s\n", rows[i].xsa, rows[i].why);
		for (i = 0; i < nr; i++)
			if (!rows[i].known)
				printf("  XSA-%-4d %s\n", rows[i].xsa, rows[i].why);
	}
out:
	for (i = 0; i < nr; i++) {
		free(rows[i].why);
		xh_eval_release(&rows[i].e);
	}
	free(rows);
	free(all);
	free(reach);
	xh_session_close(&s);
	return rc;
}
