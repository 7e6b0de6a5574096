#include "compat.h"
#include "report.h"
#include "branch.h"
#include "bundle-store.h"
#include "date.h"
#include "escape.h"
#include "fs.h"
#include "json.h"
#include "release.h"
#include "tag.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-status.h"
#include "xsa-store.h"

void html_escape(struct strbuf *out, const char *s)
{
	struct strbuf vis = STRBUF_INIT;

	/* Control characters shown as \x1b etc. (escape.h), then HTML. */
	if (s)
		text_escape(&vis, s, strlen(s), 0);
	for (s = vis.buf; *s; s++) {
		switch (*s) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		default: strbuf_addch(out, *s);
		}
	}
	strbuf_release(&vis);
}

static const char style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d232a;"
	"background:#f6f7f9}\n"
	"header{background:#1f3a5f;color:#fff;padding:18px 32px}\n"
	"header h1{margin:0;font-size:24px}header p{margin:4px 0 0;opacity:.85}\n"
	"main{padding:8px 32px 32px;max-width:1400px}\n"
	"section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px 20px;"
	"margin:18px 0}\n"
	"h2{font-size:18px;margin:0 0 12px}\n"
	"table{border-collapse:collapse;font-size:13px}\n"
	"th,td{border:1px solid #dde1e6;padding:5px 8px;text-align:left;vertical-align:top}\n"
	"thead th{background:#eef1f5}\ntbody th{white-space:nowrap}\n"
	"td.cell{text-align:center;min-width:92px}\n"
	"td.cell a{color:inherit;text-decoration:none;display:block}\n"
	"code{font-size:11px}\n"
	".st-applied{background:#d7f2dc;color:#14532d}\n"
	".st-pending{background:#fcd9d9;color:#7f1d1d;font-weight:600}\n"
	".st-embargoed{background:#e8ddfb;color:#4c1d95}\n"
	".st-not-affected{background:#f1f3f5;color:#6b7280}\n"
	".st-needs-backport{background:#ffe8cc;color:#7c2d12;font-weight:600}\n"
	".st-backport-available{background:#d6e8fb;color:#1e3a8a}\n"
	".st-claimed{background:#fff3b0;color:#713f12;font-weight:600;"
	"outline:2px dashed #b45309;outline-offset:-3px}\n"
	".st-unmapped{background:#fde2f3;color:#831843;font-weight:600}\n"
	".legend span{display:inline-block;padding:2px 8px;margin:2px 6px 2px 0;border-radius:4px;"
	"font-size:12px}\n"
	".muted{color:#6b7280}\n"
	"svg text{font-family:inherit}\n";

/* Legend order; "claimed" (a commit says so, no evidence) is not "applied". */
static const char *const states[] = {
	"applied", "claimed", "pending", "unmapped", "embargoed", "not-affected",
	"needs-backport", "backport-available"
};

/* ---- timeline ------------------------------------------------------------ */

static void timeline(const struct report_opts *o, struct strbuf *h)
{
	const struct branch_set *bs = o->branches;
	long start = 0, end = 0, today = (long)(o->date / 86400);
	long y0, y1, y;
	unsigned m, d;
	const int left = 70, width = 900, row = 30, top = 28;
	int height = top + (int)bs->nr * row + 30;
	size_t i;

	if (!bs->nr)
		return;
	for (i = 0; i < bs->nr; i++) {
		if (!start || bs->v[i].initial_release < start)
			start = bs->v[i].initial_release;
		if (bs->v[i].security_until > end)
			end = bs->v[i].security_until;
	}
	if (today < start)
		start = today;
	if (today > end)
		end = today;
	civil_from_days(start, &y0, &m, &d);
	civil_from_days(end, &y1, &m, &d);
	start = days_from_civil(y0, 1, 1);
	end = days_from_civil(y1 + 1, 1, 1);
#define X(day) (left + (int)((double)((day) - start) * width / (double)(end - start)))
	strbuf_addf(h, "<svg id=\"timeline\" role=\"img\" aria-label=\"Support windows\" "
		    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">\n", left + width + 110, height,
		    left + width + 110, height);
	for (y = y0; y <= y1 + 1; y++) {
		int x = X(days_from_civil(y, 1, 1));

		strbuf_addf(h, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dde1e6\"/>",
			    x, top - 6, x, height - 22);
		if (y <= y1)
			strbuf_addf(h, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#6b7280\">%ld</text>\n",
				    x + 3, top - 10, y);
	}
	for (i = bs->nr; i--; ) {
		const struct branch *b = &bs->v[i];
		int r = (int)(bs->nr - 1 - i), yy = top + r * row;
		enum branch_state s = branch_state_on(b, today);
		char d1[11], d2[11], d3[11];

		date_format_day(b->initial_release, d1);
		date_format_day(b->supported_until, d2);
		date_format_day(b->security_until, d3);
		strbuf_addf(h, "<g class=\"branch\" data-branch=\"%s\" data-status=\"%s\">", b->name,
			    branch_state_name(s));
		strbuf_addf(h, "<text x=\"4\" y=\"%d\" font-size=\"13\" font-weight=\"600\">%s</text>",
			    yy + 17, b->name);
		strbuf_addf(h, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"3\" "
			    "fill=\"#2f7d4a\"><title>%s: general support %s to %s</title></rect>",
			    X(b->initial_release), yy + 4,
			    X(b->supported_until) - X(b->initial_release), b->name, d1, d2);
		strbuf_addf(h, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"3\" "
			    "fill=\"#e0a526\"><title>%s: security support %s to %s</title></rect>",
			    X(b->supported_until), yy + 4,
			    X(b->security_until) - X(b->supported_until), b->name, d2, d3);
		strbuf_addf(h, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#1d232a\">%s</text>",
			    X(b->security_until) + 4, yy + 17, branch_state_name(s));
		strbuf_addstr(h, "</g>\n");
	}
	{
		char td[11];

		date_format_day(today, td);
		strbuf_addf(h, "<line id=\"today\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			    "stroke=\"#c81e1e\" stroke-width=\"2\"/>"
			    "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#c81e1e\">%s</text>\n",
			    X(today), top - 6, X(today), height - 18, X(today) - 30, height - 4, td);
	}
	strbuf_addstr(h, "</svg>\n<p class=\"legend\"><span style=\"background:#2f7d4a;color:#fff\">"
		      "general support</span><span style=\"background:#e0a526\">security support "
		      "only</span><span style=\"color:#c81e1e\">| the day of this report</span></p>\n");
#undef X
}

/* ---- XSA matrix ------------------------------------------------------------ */

static int copy_advisory(const struct report_opts *o, const struct xsa_record *r,
			 char **href)
{
	const struct xsa_version *v = &r->v[r->nr - 1];
	char *from, *rel = xstrfmt("%s/%s", v->dir, v->advisory), *dir, *to;
	int rc;

	from = path_join(o->maint_root, rel);
	dir = path_join(o->out_dir, "xsa");
	*href = xstrfmt("xsa/advisory-%d.txt", r->number);
	to = path_join(o->out_dir, *href);
	rc = mkdir_p(dir, 0755);
	if (!rc)
		rc = copy_file(from, to, 0644);
	free(from);
	free(rel);
	free(dir);
	free(to);
	return rc;
}

static void commit_link(const struct report_opts *o, const char *oid, struct strbuf *out)
{
	struct strbuf t = STRBUF_INIT;

	strbuf_addstr(&t, o->commit_url);
	strbuf_replace_all(&t, "%H", oid);
	html_escape(out, t.buf);
	strbuf_release(&t);
}

static int matrix(const struct report_opts *o, struct strbuf *h)
{
	struct xsa_status_opts so;
	struct xsa_matrix m;
	size_t count[ARRAY_SIZE(states)] = { 0 };
	size_t i, k;
	int rc;

	if (!o->src || !o->store) {
		strbuf_addstr(h, "<p class=\"muted\">No source repository or XSA store.</p>\n");
		return 0;
	}
	memset(&so, 0, sizeof(so));
	so.store = o->store;
	so.branches = o->branches;
	so.src = o->src;
	so.date = o->date;
	memset(&m, 0, sizeof(m));
	rc = xsa_status_compute(&so, &m);
	if (rc)
		return rc;
	strbuf_addstr(h, "<table id=\"matrix\" class=\"matrix\">\n<thead><tr><th>XSA</th><th>title</th>");
	for (k = 0; k < m.nr_br; k++)
		strbuf_addf(h, "<th data-branch=\"%s\">%s</th>", m.br[k].b->name, m.br[k].b->name);
	strbuf_addstr(h, "</tr></thead>\n<tbody>\n");
	for (i = m.nr_xsa; i--; ) {
		const struct xsa_record *r = m.xsa[i];
		const struct xsa_version *v = &r->v[r->nr - 1];
		char *href = NULL;

		rc = copy_advisory(o, r, &href);
		if (rc)
			break;
		strbuf_addf(h, "<tr id=\"xsa-%d\"><th><a href=\"%s\">XSA-%d</a>", r->number, href,
			    r->number);
		if (v->version > 1)
			strbuf_addf(h, " <span class=\"muted\">v%d</span>", v->version);
		strbuf_addstr(h, "</th><td>");
		html_escape(h, v->title);
		for (k = 0; k < v->cves.nr; k++) {
			strbuf_addstr(h, k ? ", " : "<br><span class=\"muted\">");
			html_escape(h, v->cves.v[k]);
		}
		if (v->cves.nr)
			strbuf_addstr(h, "</span>");
		strbuf_addstr(h, "</td>");
		for (k = 0; k < m.nr_br; k++) {
			const struct xsa_cell *c = xsa_matrix_cell(&m, i, k);
			const char *st = xsa_state_name(c->state);
			size_t s;

			for (s = 0; s < ARRAY_SIZE(states); s++)
				if (!strcmp(states[s], st))
					count[s]++;
			strbuf_addf(h, "<td class=\"cell st-%s\" data-state=\"%s\" data-branch=\"%s\" "
				    "data-xsa=\"%d\" title=\"", st, st, m.br[k].b->name, r->number);
			html_escape(h, c->detail ? c->detail : st);
			strbuf_addstr(h, "\"><a href=\"");
			if (c->state == XSA_APPLIED && c->commit[0] && o->commit_url)
				commit_link(o, c->commit, h);
			else
				strbuf_addstr(h, href);
			strbuf_addf(h, "\">%s%s", st, c->marked ? "*" : "");
			if ((c->state == XSA_APPLIED || c->state == XSA_CLAIMED) && c->commit[0])
				strbuf_addf(h, "<br><code>%.10s</code>", c->commit);
			strbuf_addstr(h, "</a></td>");
		}
		strbuf_addstr(h, "</tr>\n");
		free(href);
	}
	strbuf_addstr(h, "</tbody></table>\n<p class=\"legend\">");
	for (i = 0; i < ARRAY_SIZE(states); i++)
		strbuf_addf(h, "<span class=\"st-%s\">%s: %zu</span>", states[i], states[i], count[i]);
	strbuf_addstr(h, "<span class=\"muted\">* a maintainer's judgement</span></p>\n");
	xsa_matrix_release(&m);
	return rc;
}

/* ---- releases ---------------------------------------------------------------- */

static void releases(const struct report_opts *o, struct strbuf *h)
{
	size_t i;

	strbuf_addstr(h, "<table id=\"releases\">\n<thead><tr><th>branch</th><th>latest release"
		      "</th><th>date</th><th>signed by</th><th>checksums (sha256)</th></tr>"
		      "</thead>\n<tbody>\n");
	for (i = o->branches->nr; i--; ) {
		const struct branch *b = &o->branches->v[i];
		char *tag = NULL, commit[GIT_MAX_HEXSZ + 1];
		int64_t when = 0;
		int point = -1;
		struct strbuf sb = STRBUF_INIT;
		yajl_val v = NULL;
		char day[11] = "";

		if (!o->src ||
		    release_last_tag(o->src, b, b->full_ref, &tag, &point, commit, &when) != 0) {
			strbuf_addf(h, "<tr data-branch=\"%s\"><th>%s</th><td colspan=\"4\" "
				    "class=\"muted\">no release tag</td></tr>\n", b->name, b->name);
			free(tag);
			continue;
		}
		date_format_day((long)(when / 86400), day);
		strbuf_addf(h, "<tr data-branch=\"%s\"><th>%s</th><td>", b->name, b->name);
		html_escape(h, tag);
		strbuf_addf(h, "</td><td>%s</td><td>", day);
		if (o->dist) {
			char *rel = xstrfmt("%d.%d.%d/release.json", b->major, b->minor, point);
			char *path = path_join(o->dist, rel);

			if (!read_file_if_exists(&sb, path, 4 << 20) &&
			    !json_parse(sb.buf, sb.len, path, &v)) {
				const char *signer = json_get_string(v, "signer");
				yajl_val files = json_get(v, "files");
				size_t k;

				strbuf_addstr(h, "<code>");
				html_escape(h, signer ? signer : "?");
				strbuf_addstr(h, "</code></td><td>");
				for (k = 0; k < json_array_len(files); k++) {
					yajl_val f = json_array_at(files, k);

					html_escape(h, json_get_string(f, "name"));
					strbuf_addstr(h, " <code>");
					html_escape(h, json_get_string(f, "sha256"));
					strbuf_addstr(h, "</code><br>");
				}
				strbuf_addstr(h, "tar stream <code>");
				html_escape(h, json_get_string(v, "tar_sha256"));
				strbuf_addstr(h, "</code></td>");
			}
			free(rel);
			free(path);
		}
		if (!v) {
			struct tag_info t;
			const char *signer = "";

			if (!tag_read(o->src, tag, &t)) {
				signer = t.signed_ ? "signed (run xenstable verify)" : "not signed";
				tag_info_release(&t);
			}
			strbuf_addf(h, "<span class=\"muted\">%s</span></td><td class=\"muted\">"
				    "not made by xenstable here</td>", signer);
		}
		strbuf_addstr(h, "</tr>\n");
		json_free(v);
		strbuf_release(&sb);
		free(tag);
	}
	strbuf_addstr(h, "</tbody></table>\n");
}

/* The bundles this repository has verified (backports/seen.json). */
static void bundles(const struct report_opts *o, struct strbuf *h)
{
	struct bundle_store bs;
	size_t i;

	memset(&bs, 0, sizeof(bs));
	if (bundle_store_load(&bs, o->maint_root)) {
		strbuf_addstr(h, "<p class=\"muted\">backports/seen.json cannot be read.</p>\n");
		return;
	}
	strbuf_addstr(h, "<table id=\"bundles\">\n<thead><tr><th>branch</th><th>XSAs</th>"
		      "<th>bundle</th><th>producer</th><th>embargo (UTC)</th><th>file</th></tr>"
		      "</thead>\n<tbody>\n");
	for (i = 0; i < bs.nr; i++) {
		const struct bundle_record *r = &bs.v[i];
		const struct bundle_record *top = bundle_store_highest(&bs, r->id);
		size_t k;

		strbuf_addf(h, "<tr data-branch=\"%s\"><td>", r->branch ? r->branch : "");
		html_escape(h, r->branch);
		strbuf_addstr(h, "</td><td>");
		for (k = 0; k < r->nr_xsas; k++)
			strbuf_addf(h, "%sXSA-%d", k ? ", " : "", r->xsas[k]);
		strbuf_addf(h, "</td><td><code>%.8s</code> r%ld%s</td><td>", r->id, r->revision,
			    top && top->revision > r->revision ? " <span class=\"muted\">"
			    "(superseded)</span>" : "");
		html_escape(h, r->producer);
		strbuf_addstr(h, "</td><td>");
		if (r->embargo_until) {
			char d[32];

			date_format_short(r->embargo_until, d);
			strbuf_addf(h, "%s%s", d, r->embargo_until > o->date ?
				    " <span class=\"st-embargoed\">embargoed</span>" : "");
		} else {
			strbuf_addstr(h, "public");
		}
		strbuf_addstr(h, "</td><td>");
		if (r->file) {
			strbuf_addstr(h, "<code>");
			html_escape(h, r->file);
			strbuf_addstr(h, "</code>");
		}
		strbuf_addf(h, "%s</td></tr>\n", r->encrypted ? " (encrypted)" : "");
	}
	if (!bs.nr)
		strbuf_addstr(h, "<tr><td colspan=\"6\" class=\"muted\">none</td></tr>\n");
	strbuf_addstr(h, "</tbody></table>\n");
	bundle_store_release(&bs);
}

int report_write(const struct report_opts *o)
{
	struct strbuf h = STRBUF_INIT;
	char day[11], *path;
	int rc;

	rc = mkdir_p(o->out_dir, 0755);
	if (rc)
		return rc;
	date_format_day((long)(o->date / 86400), day);
	strbuf_addf(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>Xen stable branches: status on %s</title>\n<style>\n%s</style>\n"
		    "</head>\n<body>\n<header><h1>Xen stable branches</h1><p>Status on %s"
		    " &middot; generated by xenstable %s</p></header>\n<main>\n", day, style, day,
		    XENSTABLE_VERSION);
	strbuf_addstr(&h, "<section id=\"support\"><h2>Support windows</h2>\n");
	timeline(o, &h);
	strbuf_addstr(&h, "</section>\n<section id=\"xsas\"><h2>Security advisories and "
		      "branches</h2>\n");
	rc = matrix(o, &h);
	if (rc)
		goto out;
	strbuf_addstr(&h, "</section>\n<section id=\"latest\"><h2>Latest releases</h2>\n");
	releases(o, &h);
	strbuf_addstr(&h, "</section>\n<section id=\"backports\"><h2>Backport bundles</h2>\n");
	bundles(o, &h);
	strbuf_addstr(&h, "</section>\n</main>\n</body>\n</html>\n");
	path = path_join(o->out_dir, "index.html");
	rc = write_file_atomic(path, h.buf, h.len, 0644);
	free(path);
out:
	strbuf_release(&h);
	return rc;
}
