#include "compat.h"
#include "report.h"
#include "branch.h"
#include "bundle-store.h"
#include "date.h"
#include "escape.h"
#include "fs.h"
#include "json.h"
#include "maintainers.h"
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
	"*{box-sizing:border-box}\n"
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d232a;"
	"background:#f6f7f9;overflow-wrap:anywhere}\n"
	"header{background:#1f3a5f;color:#fff;padding:18px 32px}\n"
	"header h1{margin:0;font-size:24px}header p{margin:4px 0 0;opacity:.85}\n"
	"main{padding:8px 32px 32px;max-width:1400px}\n"
	"section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px 20px;"
	"margin:18px 0;min-width:0}\n"
	"h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:14px 0 8px}\n"
	"table{border-collapse:separate;border-spacing:0;font-size:13px}\n"
	"th,td{border:1px solid #dde1e6;border-width:0 1px 1px 0;padding:5px 8px;text-align:left;"
	"vertical-align:top}\n"
	"tr>:first-child{border-left-width:1px}thead th{border-top-width:1px}\n"
	"thead th{background:#eef1f5}\n"
	".scroll{overflow-x:auto;max-width:100%;margin:6px 0}\n"
	".matrix th.xsa{position:sticky;left:0;z-index:1;background:#fff;white-space:nowrap}\n"
	".matrix thead th.xsa{background:#eef1f5;z-index:2}\n"
	".matrix td.title{min-width:200px;max-width:420px;overflow-wrap:normal}\n"
	"td.cell{text-align:center;min-width:92px;white-space:nowrap}\n"
	"td.cell a{color:inherit;text-decoration:none;display:block}\n"
	"td.cell.partial{box-shadow:inset 0 -4px 0 #b45309}\n"
	"a.txt{font-size:11px;font-weight:400}\n"
	"code{font-size:11px}code.sum,code.cmd{overflow-wrap:anywhere;word-break:break-all}\n"
	".st-applied{background:#d7f2dc;color:#14532d}\n"
	".st-pending{background:#fcd9d9;color:#7f1d1d;font-weight:600}\n"
	".st-embargoed{background:#e8ddfb;color:#4c1d95}\n"
	".st-not-affected{background:#f1f3f5;color:#6b7280}\n"
	".st-unknown{background:#fff;color:#6b7280;font-style:italic}\n"
	".st-needs-backport{background:#ffe8cc;color:#7c2d12;font-weight:600}\n"
	".st-backport-available{background:#d6e8fb;color:#1e3a8a}\n"
	".st-claimed{background:#fff3b0;color:#713f12;font-weight:600;"
	"outline:2px dashed #b45309;outline-offset:-3px}\n"
	".st-unmapped{background:#fde2f3;color:#831843;font-weight:600}\n"
	".legend span,.filter label{display:inline-block;padding:2px 8px;margin:2px 6px 2px 0;"
	"border-radius:4px;font-size:12px}\n"
	".legend span.partial{box-shadow:inset 0 -4px 0 #b45309}\n"
	".filter input[type=search]{font:inherit;padding:3px 6px;width:16em;max-width:100%}\n"
	".summary{padding-left:20px;margin:0 0 10px}.summary .open{color:#7f1d1d;font-weight:600}"
	".summary .none{color:#14532d}\n"
	"details.year{margin:6px 0}details.year summary{cursor:pointer;font-weight:600;padding:4px 0}\n"
	".release{border-top:1px solid #dde1e6;padding:4px 0}.release p{margin:6px 0}\n"
	".artifact{display:inline-block;margin:0 18px 6px 0;max-width:100%}\n"
	"a.file{margin-right:8px}\n"
	".muted{color:#6b7280}\n"
	"#timeline{width:100%;height:auto;display:block}\n"
	"svg text{font-family:inherit}\n"
	"@media (max-width:600px){header{padding:14px 12px}main{padding:4px 8px 16px}"
	"section{padding:12px 10px}.matrix td.title{min-width:130px}}\n"
	"@media print{body{background:#fff}header{background:#fff;color:#000;padding:0 0 8px;"
	"border-bottom:2px solid #000}main{padding:0;max-width:none}section{border:0;padding:0;"
	"margin:12px 0;break-inside:auto}.scroll{overflow:visible}.filter,a.txt{display:none}"
	"details.year>summary{list-style:none}details.year:not([open])>*:not(summary){display:block}"
	"tr{break-inside:avoid}.matrix th.xsa{position:static}"
	"a{color:inherit;text-decoration:none}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Legend order; "claimed" (a commit says so, no evidence) is not "applied". */
static const char *const states[] = {
	"applied", "claimed", "pending", "unmapped", "embargoed", "not-affected",
	"needs-backport", "backport-available", "unknown"
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
		    "viewBox=\"0 0 %d %d\" preserveAspectRatio=\"xMinYMin meet\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">\n", left + width + 110, height);
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

#define ADVISORY_URL "https://xenbits.xen.org/xsa/advisory-%d.html"
#define DEFAULT_COMMIT_URL "https://xenbits.xen.org/gitweb/?p=xen.git;a=commit;h=%H"

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

	strbuf_addstr(&t, o->commit_url ? o->commit_url : DEFAULT_COMMIT_URL);
	strbuf_replace_all(&t, "%H", oid);
	html_escape(out, t.buf);
	strbuf_release(&t);
}

/* Work somebody still has to do on this cell. */
static int cell_open(const struct xsa_cell *c)
{
	switch (c->state) {
	case XSA_PENDING:
	case XSA_EMBARGOED:
	case XSA_NEEDS_BACKPORT:
	case XSA_CLAIMED:
	case XSA_UNMAPPED:
		return 1;
	default:
		return 0;
	}
}

/* Some but not all of the mapped patches are in the branch. */
static int cell_partial(const struct xsa_cell *c)
{
	return c->state != XSA_APPLIED && c->found && c->found < c->total;
}

static int state_index(const char *st)
{
	size_t s;

	for (s = 0; s < ARRAY_SIZE(states); s++)
		if (!strcmp(states[s], st))
			return (int)s;
	return -1;
}

/* A title attribute: long details cut, so 500 x 7 cells stay small. */
static void cell_title(struct strbuf *h, const struct xsa_cell *c, const char *st)
{
	struct strbuf t = STRBUF_INIT;
	size_t k;

	strbuf_addstr(&t, c->detail ? c->detail : st);
	if (t.len > 240) {
		strbuf_setlen(&t, 240);
		while (t.len && (t.buf[t.len - 1] & 0xc0) == 0x80)
			strbuf_setlen(&t, t.len - 1);	/* no half UTF-8 character */
		if (t.len)
			strbuf_setlen(&t, t.len - 1);
		strbuf_addstr(&t, "...");
	}
	for (k = 0; k < c->found_in.nr && k < 8; k++)
		if (c->found_in.v[k][0])
			strbuf_addf(&t, "\n%s: %.12s", k < c->names.nr ? c->names.v[k] : "patch",
				    c->found_in.v[k]);
	html_escape(h, t.buf);
	strbuf_release(&t);
}

static void matrix_head(const struct xsa_matrix *m, struct strbuf *h, const char *id)
{
	size_t k;

	strbuf_addf(h, "<div class=\"scroll\"><table class=\"matrix\"%s%s%s>\n<thead><tr>"
		    "<th class=\"xsa\">XSA</th><th class=\"title\">title</th>",
		    id ? " id=\"" : "", id ? id : "", id ? "\"" : "");
	for (k = 0; k < m->nr_br; k++)
		strbuf_addf(h, "<th data-branch=\"%s\">%s</th>", m->br[k].b->name,
			    m->br[k].b->name);
	strbuf_addstr(h, "</tr></thead>\n<tbody>\n");
}

static void matrix_row(const struct report_opts *o, const struct xsa_matrix *m, size_t i,
		       const char *href, struct strbuf *h, size_t *count, int *partial)
{
	const struct xsa_record *r = m->xsa[i];
	const struct xsa_version *v = &r->v[r->nr - 1];
	size_t k;

	strbuf_addf(h, "<tr id=\"xsa-%d\" data-xsa=\"%d\"><th class=\"xsa\"><a href=\""
		    ADVISORY_URL "\">XSA-%d</a>", r->number, r->number, r->number, r->number);
	if (v->version > 1)
		strbuf_addf(h, " <span class=\"muted\">v%d</span>", v->version);
	if (xsa_matrix_row_from_history(m, i))
		strbuf_addstr(h, "</th><td class=\"title muted\">no advisory stored: from the "
			      "source history");
	else
		strbuf_addf(h, " <a class=\"txt\" href=\"%s\" title=\"the signed text, as "
			    "stored\">txt</a></th><td class=\"title\">", href);
	html_escape(h, v->title);
	for (k = 0; k < v->cves.nr; k++) {
		strbuf_addstr(h, k ? ", " : "<br><span class=\"muted\">");
		html_escape(h, v->cves.v[k]);
	}
	if (v->cves.nr)
		strbuf_addstr(h, "</span>");
	strbuf_addstr(h, "</td>");
	for (k = 0; k < m->nr_br; k++) {
		const struct xsa_cell *c = xsa_matrix_cell(m, i, k);
		const char *st = xsa_state_name(c->state);
		int s = state_index(st), part = cell_partial(c);

		if (s >= 0)
			count[s]++;
		if (part)
			(*partial)++;
		strbuf_addf(h, "<td class=\"cell st-%s%s\" data-state=\"%s\" data-branch=\"%s\" "
			    "data-xsa=\"%d\" title=\"", st, part ? " partial" : "", st,
			    m->br[k].b->name, r->number);
		cell_title(h, c, st);
		strbuf_addstr(h, "\">");
		if ((c->state == XSA_APPLIED || c->state == XSA_CLAIMED ||
		     (c->state == XSA_PENDING && c->stale)) && c->commit[0]) {
			strbuf_addstr(h, "<a href=\"");
			commit_link(o, c->commit, h);
			strbuf_addf(h, "\">%s%s<br><code>%.10s</code></a>", st,
				    c->marked ? "*" : "", c->commit);
		} else {
			strbuf_addf(h, "%s%s", st, c->marked ? "*" : "");
		}
		if (part)
			strbuf_addf(h, "<br><small>%zu of %zu patches</small>", c->found, c->total);
		strbuf_addstr(h, "</td>");
	}
	strbuf_addstr(h, "</tr>\n");
}

/* The filter: shown only when the inline script runs (the page needs none). */
static const char filter_script[] =
	"(function(){\n"
	"var f=document.getElementById('filter');if(!f)return;f.hidden=false;\n"
	"var q=document.getElementById('q'),boxes=f.querySelectorAll('input[type=checkbox]');\n"
	"var rows=document.querySelectorAll('#xsas tbody tr[data-xsa]');\n"
	"var texts=[];for(var i=0;i<rows.length;i++)texts.push(rows[i].textContent.toLowerCase());\n"
	"function run(){var t=q.value.trim().toLowerCase(),on={},all=true,n=0;\n"
	" for(var j=0;j<boxes.length;j++){on[boxes[j].value]=boxes[j].checked;"
	"if(!boxes[j].checked)all=false;}\n"
	" for(var i=0;i<rows.length;i++){var r=rows[i],ok=!t||texts[i].indexOf(t)>=0||"
	"('xsa-'+r.dataset.xsa)===t;\n"
	"  if(ok&&!all){ok=false;var c=r.querySelectorAll('td.cell');"
	"for(var k=0;k<c.length;k++)if(on[c[k].dataset.state]){ok=true;break;}}\n"
	"  r.hidden=!ok;if(ok)n++;}\n"
	" var d=document.querySelectorAll('#xsas details.year');\n"
	" for(var k=0;k<d.length;k++){var v=d[k].querySelectorAll('tbody tr[data-xsa]:not([hidden])').length;\n"
	"  d[k].hidden=v===0;if(t||!all)d[k].open=v>0;}\n"
	" document.getElementById('shown').textContent=n+' of '+rows.length+' shown';}\n"
	"q.addEventListener('input',run);for(var j=0;j<boxes.length;j++)boxes[j].addEventListener('change',run);\n"
	"f.addEventListener('submit',function(e){e.preventDefault();run();});run();})();\n";

static int matrix(const struct report_opts *o, struct strbuf *h)
{
	struct xsa_status_opts so;
	struct xsa_matrix m;
	size_t count[ARRAY_SIZE(states)] = { 0 };
	char **href;
	long *year;
	int *open_row, partial = 0, nr_open = 0;
	size_t i, k;
	int rc = 0;

	if (!o->src || !o->store) {
		strbuf_addstr(h, "<p class=\"muted\">No source repository or XSA store.</p>\n");
		return 0;
	}
	memset(&so, 0, sizeof(so));
	so.store = o->store;
	so.branches = o->branches;
	so.src = o->src;
	so.date = o->date;
	so.history = 1;
	memset(&m, 0, sizeof(m));
	rc = xsa_status_compute(&so, &m);
	if (rc)
		return rc;
	href = xcalloc(m.nr_xsa + 1, sizeof(*href));
	year = xcalloc(m.nr_xsa + 1, sizeof(*year));
	open_row = xcalloc(m.nr_xsa + 1, sizeof(*open_row));
	for (i = 0; i < m.nr_xsa && !rc; i++) {
		int64_t t = xsa_advisory_date(o->store, m.xsa[i]);
		unsigned mo, d;

		civil_from_days((long)(t / 86400), &year[i], &mo, &d);
		for (k = 0; k < m.nr_br; k++)
			if (cell_open(xsa_matrix_cell(&m, i, k)) ||
			    cell_partial(xsa_matrix_cell(&m, i, k)))
				open_row[i] = 1;
		nr_open += open_row[i];
		if (xsa_matrix_row_from_history(&m, i))
			href[i] = xstrdup("");	/* no advisory text to copy */
		else
			rc = copy_advisory(o, m.xsa[i], &href[i]);
	}
	if (rc)
		goto out;

	/* One line per branch: what is fixed, what is open. */
	strbuf_addstr(h, "<ul class=\"summary\">\n");
	for (k = m.nr_br; k--; ) {
		const struct branch *b = m.br[k].b;
		size_t fixed = 0, open = 0;

		for (i = 0; i < m.nr_xsa; i++) {
			const struct xsa_cell *c = xsa_matrix_cell(&m, i, k);

			if (c->state == XSA_APPLIED &&
			    xsa_advisory_date(o->store, m.xsa[i]) / 86400 >= b->initial_release)
				fixed++;
			if (cell_open(c) || cell_partial(c))
				open++;
		}
		strbuf_addf(h, "<li data-branch=\"%s\"><b>%s</b>: %zu XSA%s fixed since %d.%d.0, "
			    "<span class=\"%s\">%zu open</span></li>\n", b->name, b->name, fixed,
			    fixed == 1 ? "" : "s", b->major, b->minor, open ? "open" : "none",
			    open);
	}
	strbuf_addstr(h, "</ul>\n");

	/* Counts first: the toggles and the legend show only states present. */
	for (i = 0; i < m.nr_xsa; i++)
		for (k = 0; k < m.nr_br; k++) {
			int s = state_index(xsa_state_name(xsa_matrix_cell(&m, i, k)->state));

			if (s >= 0)
				count[s]++;
		}
	strbuf_addstr(h, "<form id=\"filter\" class=\"filter\" hidden role=\"search\">"
		      "<label>Filter <input id=\"q\" type=\"search\" placeholder=\"XSA number, "
		      "title or CVE\" autocomplete=\"off\"></label> ");
	for (i = 0; i < ARRAY_SIZE(states); i++)
		if (count[i])
			strbuf_addf(h, "<label class=\"st-%s\"><input type=\"checkbox\" value=\"%s\" "
				    "checked> %s</label> ", states[i], states[i], states[i]);
	strbuf_addstr(h, "<span id=\"shown\" class=\"muted\"></span></form>\n");
	memset(count, 0, sizeof(count));

	strbuf_addf(h, "<h3 id=\"open-work\">Open work: %d advisor%s</h3>\n", nr_open,
		    nr_open == 1 ? "y" : "ies");
	if (nr_open) {
		matrix_head(&m, h, "matrix");
		for (i = m.nr_xsa; i--; )
			if (open_row[i])
				matrix_row(o, &m, i, href[i], h, count, &partial);
		strbuf_addstr(h, "</tbody></table></div>\n");
	} else {
		strbuf_addstr(h, "<p class=\"muted\">Nothing open.</p>\n");
	}
	/* The rest, per year of the advisory, newest first, collapsed. */
	for (i = m.nr_xsa; i--; ) {
		long y;
		size_t j, n = 0;

		if (open_row[i] || href[i] == NULL)
			continue;
		y = year[i];
		for (j = i + 1; j--; )
			if (!open_row[j] && href[j] && year[j] == y)
				n++;
		strbuf_addf(h, "<details class=\"year\" data-year=\"%ld\"><summary>%ld: %zu "
			    "settled advisor%s</summary>\n", y, y, n, n == 1 ? "y" : "ies");
		matrix_head(&m, h, NULL);
		for (j = i + 1; j--; ) {
			if (open_row[j] || !href[j] || year[j] != y)
				continue;
			matrix_row(o, &m, j, href[j], h, count, &partial);
			free(href[j]);
			href[j] = NULL;
		}
		strbuf_addstr(h, "</tbody></table></div></details>\n");
	}

	/* Legend: only marks some cell carries. */
	strbuf_addstr(h, "<p class=\"legend\">");
	for (i = 0; i < ARRAY_SIZE(states); i++)
		if (count[i])
			strbuf_addf(h, "<span class=\"st-%s\">%s: %zu</span>", states[i], states[i],
				    count[i]);
	if (partial)
		strbuf_addf(h, "<span class=\"partial\">partial (some patches in): %d</span>",
			    partial);
	for (i = 0; i < m.nr_xsa * m.nr_br; i++)
		if (m.cells[i].marked)
			break;
	if (i < m.nr_xsa * m.nr_br)
		strbuf_addstr(h, "<span class=\"muted\">* a maintainer's judgement</span>");
	strbuf_addstr(h, "</p>\n");
	if (m.nr_xsa)
		strbuf_addf(h, "<script>\n%s</script>\n", filter_script);
out:
	for (i = 0; i < m.nr_xsa; i++)
		free(href[i]);
	free(href);
	free(year);
	free(open_row);
	xsa_matrix_release(&m);
	return rc;
}

/* ---- releases ---------------------------------------------------------------- */

/* The relative path from directory from_dir to path to (both existing). */
static char *relative_path(const char *from_dir, const char *to)
{
	char *a = path_realpath(from_dir), *b = path_realpath(to);
	struct strbuf r = STRBUF_INIT;
	const char *p, *q;
	size_t common = 0, i;

	if (!a || !b) {
		free(a);
		free(b);
		return NULL;
	}
	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			common = i;
	if (!a[i] && (b[i] == '/' || !b[i]))
		common = i;
	for (p = a + common; *p; p++)
		if (*p == '/')
			strbuf_addstr(&r, "../");
	q = b + common;
	if (*q == '/')
		q++;
	strbuf_addstr(&r, *q ? q : ".");
	free(a);
	free(b);
	return strbuf_detach(&r, NULL);
}

/* A link to dist file name of release dir rel, if it is there. */
static void dist_link(const struct report_opts *o, const char *dir, const char *name,
		      struct strbuf *h)
{
	char *path = path_join(dir, name), *rel;

	if (!path_exists(path) || !(rel = relative_path(o->out_dir, path))) {
		free(path);
		return;
	}
	strbuf_addstr(h, "<a class=\"file\" href=\"");
	html_escape(h, rel);
	strbuf_addstr(h, "\">");
	html_escape(h, name);
	strbuf_addstr(h, "</a>");
	free(rel);
	free(path);
}

static void fingerprint(struct strbuf *h, const char *fpr)
{
	size_t i, n = strlen(fpr);

	strbuf_addstr(h, "<code class=\"fpr\">");
	for (i = 0; i < n; i += 4) {
		if (i)
			strbuf_addstr(h, i == 20 ? "&nbsp; " : " ");
		for (size_t j = i; j < i + 4 && j < n; j++) {
			char one[2] = { fpr[j], 0 };

			html_escape(h, one);
		}
	}
	strbuf_addstr(h, "</code>");
}

static void release_card(const struct report_opts *o, const struct maintainers *mt,
			 const struct branch *b, const char *dir, yajl_val v, struct strbuf *h)
{
	const char *signer = json_get_string(v, "signer");
	const char *version = json_get_string(v, "version");
	const char *tag = json_get_string(v, "tag");
	yajl_val files = json_get(v, "files"), xsas = json_get(v, "xsas");
	const struct signer *who = signer ? maintainers_find(mt, signer, ROLE_RELEASE, b->name) : NULL;
	size_t k;

	strbuf_addstr(h, "<p class=\"files\">");
	for (k = 0; k < json_array_len(files); k++) {
		yajl_val f = json_array_at(files, k);
		const char *name = json_get_string(f, "name");
		char *sig;

		if (!name || strchr(name, '/'))
			continue;
		sig = xstrfmt("%s.sig", name);
		strbuf_addstr(h, "<span class=\"artifact\">");
		dist_link(o, dir, name, h);
		strbuf_addstr(h, " ");
		dist_link(o, dir, sig, h);
		strbuf_addstr(h, "<br><span class=\"muted\">sha256</span> <code class=\"sum\">");
		html_escape(h, json_get_string(f, "sha256"));
		strbuf_addstr(h, "</code></span>");
		free(sig);
	}
	strbuf_addstr(h, "<span class=\"artifact\">");
	dist_link(o, dir, "SHA256SUMS", h);
	strbuf_addstr(h, " ");
	dist_link(o, dir, "SHA256SUMS.asc", h);
	strbuf_addstr(h, " ");
	dist_link(o, dir, "release.json", h);
	strbuf_addstr(h, "</span></p>\n<p>Signed by ");
	if (who) {
		html_escape(h, who->person);
		strbuf_addstr(h, ", key ");
	} else {
		strbuf_addstr(h, "<span class=\"muted\">a key MAINTAINERS does not pin for this "
			      "branch</span>, ");
	}
	fingerprint(h, signer ? signer : "?");
	strbuf_addstr(h, "</p>\n<p>Tar stream <code class=\"sum\">");
	html_escape(h, json_get_string(v, "tar_sha256"));
	strbuf_addstr(h, "</code>: the sha256 of the uncompressed tar inside every tarball, the "
		      "same for .gz and .xz.  Stock git rebuilds it from the signed tag:<br>"
		      "<code class=\"cmd\">git archive --format=tar --prefix=xen-");
	html_escape(h, version);
	strbuf_addstr(h, "/ ");
	html_escape(h, tag);
	strbuf_addstr(h, " | sha256sum</code></p>\n<p>Fixes ");
	if (!json_array_len(xsas))
		strbuf_addstr(h, "no XSA.");
	for (k = 0; k < json_array_len(xsas); k++) {
		yajl_val x = json_array_at(xsas, k);
		long long n = 0;

		json_get_int(x, "xsa", &n);
		strbuf_addf(h, "%s<a href=\"" ADVISORY_URL "\">XSA-%lld</a> ", k ? ", " : "",
			    (int)n, n);
		html_escape(h, json_get_string(x, "title"));
	}
	strbuf_addstr(h, "</p>\n");
}

static void releases(const struct report_opts *o, struct strbuf *h)
{
	struct maintainers mt;
	size_t i;

	memset(&mt, 0, sizeof(mt));
	if (maintainers_load_repo(&mt, o->maint_root)) {
		maintainers_release(&mt);
		memset(&mt, 0, sizeof(mt));
	}
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
			strbuf_addf(h, "<div class=\"release\" data-branch=\"%s\"><h3>%s</h3><p "
				    "class=\"muted\">no release tag</p></div>\n", b->name, b->name);
			free(tag);
			continue;
		}
		date_format_day((long)(when / 86400), day);
		strbuf_addf(h, "<div class=\"release\" data-branch=\"%s\"><h3>%s: ", b->name,
			    b->name);
		html_escape(h, tag);
		strbuf_addf(h, " <span class=\"muted\">%s</span></h3>\n", day);
		if (o->dist) {
			char *rel = xstrfmt("%d.%d.%d", b->major, b->minor, point);
			char *dir = path_join(o->dist, rel), *path = path_join(dir, "release.json");

			if (!read_file_if_exists(&sb, path, 4 << 20) && sb.len &&
			    !json_parse(sb.buf, sb.len, path, &v))
				release_card(o, &mt, b, dir, v, h);
			free(rel);
			free(dir);
			free(path);
		}
		if (!v) {
			struct tag_info t;
			const char *signer = "";

			if (!tag_read(o->src, tag, &t)) {
				signer = t.signed_ ? "signed (run xenstable verify)" : "not signed";
				tag_info_release(&t);
			}
			strbuf_addf(h, "<p class=\"muted\">Tag %s; not made by xenstable here.</p>",
				    signer);
		}
		strbuf_addstr(h, "</div>\n");
		json_free(v);
		strbuf_release(&sb);
		free(tag);
	}
	maintainers_release(&mt);
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
	strbuf_addstr(h, "<table id=\"bundles\" class=\"wide\">\n<thead><tr><th>branch</th><th>XSAs</th>"
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
