/*
 * embargo.c: embargo decided by content (see embargo.h): the set of
 * embargoed hunks (windows, patch-ids, what public advisories publish
 * dropped) and embargo_set_load(), from the XSA store and kept bundles.
 * The rest of the family: embargo-diff.c (reading diffs), embargo-bundles.c
 * (kept bundles and their private copies), embargo-check.c (the check and
 * the apply guard).
 */
#include "compat.h"
#include "embargo.h"
#include "embargo-internal.h"
#include "date.h"
#include "fs.h"
#include "gpg.h"
#include "hash.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-commits.h"
#include "xsa-store.h"

/* ---- the set ----------------------------------------------------------------- */

static void hunk_release(struct embargo_hunk *h)
{
	size_t i;

	for (i = 0; i < h->nr_win; i++)
		hunk_release(&h->win[i]);
	free(h->win);
	free(h->path);
	free(h->text);
	free(h->pid_text);
	free(h->lines);
	free(h->core);
}

void embargo_set_init(struct embargo_set *es, int64_t date)
{
	memset(es, 0, sizeof(*es));
	strvec_init(&es->paths);
	es->date = date;
}

void embargo_set_release(struct embargo_set *es)
{
	size_t i, k;

	for (i = 0; i < es->nr; i++) {
		for (k = 0; k < es->v[i].nr; k++)
			hunk_release(&es->v[i].h[k]);
		free(es->v[i].h);
		free(es->v[i].source);
		free(es->v[i].about);
	}
	free(es->v);
	free(es->byid);
	strvec_clear(&es->paths);
	embargo_set_init(es, 0);
}

/* Windows: blocks of this many added lines are looked for on their own. */
#define WINDOW_LINES 5
#define WINDOW_MIN_CHARS 40
#define WINDOWS_MAX 200

static void fill_windows(struct embargo_hunk *h, const struct embargo_diff_hunk *dh);

/* A hunk's change: its path and its +/- lines without whitespace, in order. */
static uint64_t change_key(const struct embargo_diff_hunk *dh)
{
	const char *p = dh->new_path ? dh->new_path : dh->old_path;
	uint64_t h = 1469598103934665603ULL;
	size_t pos = 0, n, i;
	const char *line;
	int first = 1;

#define MIX(c) do { h ^= (unsigned char)(c); h *= 1099511628211ULL; } while (0)
	for (i = 0; p[i]; i++)
		MIX(p[i]);
	MIX('\0');
	while (next_line(dh->hunk, dh->hunk_len, &pos, &line, &n)) {
		if (first) {
			first = 0;
			continue;
		}
		if (!n || (line[0] != '+' && line[0] != '-'))
			continue;
		MIX(line[0]);
		for (i = 1; i < n; i++)
			if (!embargo_is_space(line[i]))
				MIX(line[i]);
		MIX('\n');
	}
#undef MIX
	return h;
}

/* An embargo_hunk from a hunk of a diff (windows: not for a window itself). */
static void fill_hunk(struct embargo_hunk *h, const struct embargo_diff_hunk *dh, int windows)
{
	size_t pos = 0, n, alloc = 0, first_add = 0, last_add = 0;
	size_t nr_post = 0, alloc_post = 0;
	uint64_t *post = NULL;
	const char *line;
	int first = 1;

	memset(h, 0, sizeof(*h));
	h->path = xstrdup(dh->new_path ? dh->new_path : dh->old_path);
	{
		struct strbuf t = STRBUF_INIT;

		strbuf_add(&t, dh->header, dh->header_len);
		embargo_normalize_hunk(dh->hunk, dh->hunk_len, &t);
		h->text = strbuf_detach(&t, NULL);
	}
	h->removes_file = !dh->new_path;
	h->change = change_key(dh);
	if (windows) {
		/* What git patch-id will see; embargo_set_index() runs them all at once. */
		struct strbuf t = STRBUF_INIT;

		embargo_pid_text(dh, &t);
		h->pid_text = strbuf_detach(&t, NULL);
	}
	/* The post-image in order (blank lines as 0), and which lines it adds. */
	while (next_line(dh->hunk, dh->hunk_len, &pos, &line, &n)) {
		uint64_t v;

		if (first) {
			first = 0;	/* the "@@" line */
			continue;
		}
		if (n && (line[0] == '-' || line[0] == '\\'))
			continue;
		v = n ? embargo_line_hash(line + 1, n - 1) : 0;
		ALLOC_GROW(post, nr_post + 1, alloc_post);
		post[nr_post] = v;
		if (v && line[0] == '+') {
			if (!h->adds)
				first_add = nr_post;
			last_add = nr_post;
			h->adds = 1;
		}
		if (v) {
			ALLOC_GROW(h->lines, h->nr_lines + 1, alloc);
			h->lines[h->nr_lines++] = v;
		}
		nr_post++;
	}
	/*
	 * What must be in the file as one block for git apply to find it,
	 * even with one line of context: from its first added line to its
	 * last, with the line next to each end unless that one is blank.
	 * Blank lines are left out (the file's are too).
	 */
	if (h->adds) {
		size_t from = first_add, to = last_add, i;

		if (from && post[from - 1])
			from--;
		if (to + 1 < nr_post && post[to + 1])
			to++;
		h->core = xcalloc(to - from + 1, sizeof(*h->core));
		for (i = from; i <= to; i++)
			if (post[i])
				h->core[h->nr_core++] = post[i];
	} else if (h->nr_lines) {
		/* Nothing added: its whole context, which is checked in full. */
		h->core = xcalloc(h->nr_lines, sizeof(*h->core));
		memcpy(h->core, h->lines, h->nr_lines * sizeof(*h->core));
		h->nr_core = h->nr_lines;
	}
	free(post);
	if (h->nr_lines)
		qsort(h->lines, h->nr_lines, sizeof(*h->lines), embargo_cmp_u64);
	if (windows && h->adds && !h->removes_file)
		fill_windows(h, dh);
}

static size_t visible_chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += !embargo_is_space(s[i]);
	return k;
}

/*
 * A change edited inside (a line changed, one inserted) no longer applies
 * as a hunk; its untouched blocks still show.  Every run of WINDOW_LINES
 * added lines that starts and ends with a line of text and holds at least
 * WINDOW_MIN_CHARS characters becomes a window: a hunk of its own whose
 * first and last lines are context, checked like the others.
 */
static void fill_windows(struct embargo_hunk *h, const struct embargo_diff_hunk *dh)
{
	const char **lv = NULL;
	size_t *ln = NULL, nr = 0, alloc_v = 0, alloc_n = 0, pos = 0, n, alloc_w = 0;
	const char *line;
	int first = 1;
	struct strbuf header = STRBUF_INIT;
	size_t i;

	/* The added lines, and where a run of them ends (NULL). */
	while (next_line(dh->hunk, dh->hunk_len, &pos, &line, &n)) {
		if (first) {
			first = 0;
			continue;
		}
		if (n && (line[0] == '-' || line[0] == '\\'))
			continue;
		ALLOC_GROW(lv, nr + 1, alloc_v);
		ALLOC_GROW(ln, nr + 1, alloc_n);
		lv[nr] = n && line[0] == '+' ? line + 1 : NULL;
		ln[nr] = n ? n - 1 : 0;
		nr++;
	}
	strbuf_addf(&header, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", h->path, h->path, h->path,
		    h->path);
	for (i = 0; i < nr && h->nr_win < WINDOWS_MAX; i++) {
		size_t run = 0, k, chars = 0, step;

		while (i + run < nr && lv[i + run])
			run++;
		if (run < WINDOW_LINES) {
			i += run;
			continue;
		}
		step = (run - WINDOW_LINES) / WINDOWS_MAX + 1;
		for (k = i; k + WINDOW_LINES <= i + run && h->nr_win < WINDOWS_MAX; k += step) {
			struct strbuf hunk = STRBUF_INIT;
			struct embargo_diff_hunk w;
			size_t j;

			chars = 0;
			for (j = k; j < k + WINDOW_LINES; j++)
				chars += visible_chars(lv[j], ln[j]);
			if (!visible_chars(lv[k], ln[k]) || !visible_chars(lv[k + WINDOW_LINES - 1],
									  ln[k + WINDOW_LINES - 1]) ||
			    chars < WINDOW_MIN_CHARS)
				continue;
			/* Not at line 1: git apply would pin it to the start of the file. */
			strbuf_addf(&hunk, "@@ -2,2 +2,%d @@\n", WINDOW_LINES);
			for (j = k; j < k + WINDOW_LINES; j++) {
				strbuf_addch(&hunk, j == k || j == k + WINDOW_LINES - 1 ? ' ' : '+');
				strbuf_add(&hunk, lv[j], ln[j]);
				strbuf_addch(&hunk, '\n');
			}
			memset(&w, 0, sizeof(w));
			w.old_path = w.new_path = h->path;
			w.header = header.buf;
			w.header_len = header.len;
			w.hunk = hunk.buf;
			w.hunk_len = hunk.len;
			ALLOC_GROW(h->win, h->nr_win + 1, alloc_w);
			fill_hunk(&h->win[h->nr_win++], &w, 0);
			strbuf_release(&hunk);
		}
		i += run;
	}
	strbuf_release(&header);
	free(lv);
	free(ln);
}

static int add_hunk(const struct embargo_diff_hunk *dh, void *data)
{
	struct embargo_patch *p = data;

	ALLOC_GROW(p->h, p->nr + 1, p->alloc);
	fill_hunk(&p->h[p->nr++], dh, 1);
	return 0;
}

size_t embargo_set_add(struct embargo_set *es, const char *source, const char *about,
		       int64_t until, unsigned index, unsigned count, const char *text, size_t len)
{
	struct strbuf norm = STRBUF_INIT;
	struct embargo_patch *p;

	ALLOC_GROW(es->v, es->nr + 1, es->alloc);
	p = &es->v[es->nr];
	memset(p, 0, sizeof(*p));
	sha256_hex(text, len, p->sha256);
	xsa_normalize_patch(text, len, &norm);
	embargo_parse_diff(norm.buf, norm.len, add_hunk, p);
	strbuf_release(&norm);
	if (!p->nr) {
		free(p->h);
		return 0;
	}
	p->source = xstrdup(source);
	p->about = about ? xstrdup(about) : NULL;
	p->until = until;
	p->index = index;
	p->count = count;
	es->nr++;
	return p->nr;
}

int embargo_cmp_byid(const void *a, const void *b)
{
	return strcmp(((const struct embargo_pid *)a)->pid, ((const struct embargo_pid *)b)->pid);
}

int embargo_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t total_hunks(const struct embargo_set *es)
{
	size_t i, total = 0;

	for (i = 0; i < es->nr; i++)
		total += es->v[i].nr;
	return total;
}

int embargo_set_index(struct embargo_set *es, const struct git_repo *src)
{
	struct strbuf stream = STRBUF_INIT, fmt = STRBUF_INIT;
	char (*pids)[GIT_MAX_HEXSZ + 1];
	size_t i, k, n = 0, total;
	int rc, hexsz = 40;

	/* git patch-id reads "commit <id>" headers as ids of the repository's hash. */
	if (total_hunks(es) && !git_cmd(src, &fmt, "rev-parse", "--show-object-format", NULL)) {
		strbuf_trim(&fmt);
		if (!strcmp(fmt.buf, "sha256"))
			hexsz = 64;
	}
	strbuf_release(&fmt);
	total = total_hunks(es);
	pids = xcalloc(total + 1, sizeof(*pids));
	for (i = 0; i < es->nr; i++) {
		for (k = 0; k < es->v[i].nr; k++) {
			struct embargo_hunk *h = &es->v[i].h[k];

			embargo_stream_head(&stream, ++n, hexsz);
			strbuf_addstr(&stream, h->pid_text);
			free(h->pid_text);
			h->pid_text = NULL;
			strvec_push(&es->paths, h->path);
		}
	}
	rc = embargo_patch_ids(src, NULL, &stream, pids, total);
	n = 0;
	es->byid = xcalloc(total + 1, sizeof(*es->byid));
	for (i = 0; !rc && i < es->nr; i++) {
		for (k = 0; k < es->v[i].nr; k++, n++) {
			struct embargo_hunk *h = &es->v[i].h[k];

			memcpy(h->pid, pids[n], sizeof(h->pid));
			if (!h->pid[0])
				continue;
			es->byid[es->nr_byid].pid = h->pid;
			es->byid[es->nr_byid].patch = i;
			es->byid[es->nr_byid].hunk = k;
			es->nr_byid++;
		}
	}
	qsort(es->byid, es->nr_byid, sizeof(*es->byid), embargo_cmp_byid);
	strvec_sort(&es->paths);
	for (i = 1, k = 1; i < es->paths.nr; i++) {
		if (!strcmp(es->paths.v[i], es->paths.v[k - 1])) {
			free((char *)es->paths.v[i]);
			continue;
		}
		es->paths.v[k++] = es->paths.v[i];
	}
	if (es->paths.nr) {
		es->paths.nr = k;
		es->paths.v[k] = NULL;
	}
	free(pids);
	strbuf_release(&stream);
	return rc;
}

void embargo_until_str(int64_t t, char d[32])
{
	if (t)
		date_format_short(t, d);
	else
		snprintf(d, 32, "%s", "a date not known");
}

struct changes {
	uint64_t **v;
	size_t *nr, *alloc;
};

static int add_change(const struct embargo_diff_hunk *dh, void *data)
{
	struct changes *c = data;

	ALLOC_GROW(*c->v, *c->nr + 1, *c->alloc);
	(*c->v)[(*c->nr)++] = change_key(dh);
	return 0;
}

void embargo_changes(const char *text, size_t len, uint64_t **v, size_t *nr, size_t *alloc)
{
	struct strbuf norm = STRBUF_INIT;
	struct changes c = { v, nr, alloc };

	xsa_normalize_patch(text, len, &norm);
	embargo_parse_diff(norm.buf, norm.len, add_change, &c);
	strbuf_release(&norm);
}

static int has_change(const uint64_t *changes, size_t nr, uint64_t key)
{
	return nr && bsearch(&key, changes, nr, sizeof(*changes), embargo_cmp_u64) != NULL;
}

void embargo_set_drop(struct embargo_set *es, const uint64_t *changes, size_t nr)
{
	size_t i, k, keep, kp = 0;

	for (i = 0; i < es->nr; i++) {
		struct embargo_patch *p = &es->v[i];

		for (k = 0, keep = 0; k < p->nr; k++) {
			if (has_change(changes, nr, p->h[k].change))
				hunk_release(&p->h[k]);
			else
				p->h[keep++] = p->h[k];
		}
		p->nr = keep;
		if (!p->nr) {
			free(p->h);
			free(p->source);
			free(p->about);
			continue;
		}
		es->v[kp++] = *p;
	}
	es->nr = kp;
}

/*
 * The changes every public advisory of the store makes, by file (keyed by
 * the file's sha256, so the list in <common-dir>/xenstable/embargo-public.v1
 * of the source repository never goes stale, as xsa-commits.h's caches):
 * a patch is read only the first time.
 */

struct pub_entry {
	char sha256[65];
	uint64_t *v;
	size_t nr;
};

static int cmp_pub(const void *a, const void *b)
{
	return strcmp(((const struct pub_entry *)a)->sha256, ((const struct pub_entry *)b)->sha256);
}

static int public_changes(const struct xsa_store *s, int64_t date, const struct git_repo *src,
			  uint64_t **out, size_t *nr_out)
{
	char *cache = xstrfmt("%s/xenstable/embargo-public.v1", src->common_dir);
	struct strbuf text = STRBUF_INIT;
	struct pub_entry *e = NULL, key;
	size_t nr = 0, alloc = 0, loaded, pos = 0, n, i, v, f, alloc_out = 0;
	const char *line;
	int rc = 0, dirty = 0;

	*out = NULL;
	*nr_out = 0;
	/* "<sha256> <change> <change>...", one line a file. */
	if (read_file_if_exists(&text, cache, 64 << 20) == 0) {
		while (next_line(text.buf, text.len, &pos, &line, &n)) {
			char *l = xmemdupz(line, n), *tok, *save = NULL;

			tok = strtok_r(l, " ", &save);
			if (tok && is_sha256_hex(tok)) {
				ALLOC_GROW(e, nr + 1, alloc);
				memset(&e[nr], 0, sizeof(e[nr]));
				memcpy(e[nr].sha256, tok, 65);
				while ((tok = strtok_r(NULL, " ", &save))) {
					size_t a = e[nr].nr;

					e[nr].v = xreallocarray(e[nr].v, a + 1, sizeof(*e[nr].v));
					e[nr].v[e[nr].nr++] = strtoull(tok, NULL, 16);
				}
				nr++;
			}
			free(l);
		}
	}
	strbuf_release(&text);
	loaded = nr;
	if (nr)
		qsort(e, nr, sizeof(*e), cmp_pub);
	for (i = 0; i < s->nr && !rc; i++) {
		const struct xsa_record *r = &s->x[i];

		if (xsa_embargoed_at(s, r, date))
			continue;
		for (v = 0; v < r->nr && !rc; v++) {
			const struct xsa_version *ver = &r->v[v];

			/* Only what the security team signed is evidence. */
			if (ver->unsigned_input || !ver->signer[0])
				continue;
			for (f = 0; f < ver->nr_files && !rc; f++) {
				const struct xsa_file *xf = &ver->files[f];
				const struct pub_entry *hit;
				char *path;
				size_t a = 0;

				if (!strcmp(xf->project, "meta") || !is_sha256_hex(xf->sha256))
					continue;
				memcpy(key.sha256, xf->sha256, 65);
				hit = loaded ? bsearch(&key, e, loaded, sizeof(*e), cmp_pub) : NULL;
				if (!hit) {
					/* Read once; a file is never re-read for the same hash. */
					struct strbuf t = STRBUF_INIT;

					path = xsa_store_path(s, ver, xf->name);
					rc = read_file(&t, path, EMBARGO_MAX_PATCH);
					free(path);
					if (rc) {
						strbuf_release(&t);
						break;
					}
					ALLOC_GROW(e, nr + 1, alloc);
					memset(&e[nr], 0, sizeof(e[nr]));
					memcpy(e[nr].sha256, xf->sha256, 65);
					embargo_changes(t.buf, t.len, &e[nr].v, &e[nr].nr, &a);
					hit = &e[nr++];
					dirty = 1;
					strbuf_release(&t);
				}
				for (a = 0; a < hit->nr; a++) {
					ALLOC_GROW(*out, *nr_out + 1, alloc_out);
					(*out)[(*nr_out)++] = hit->v[a];
				}
			}
		}
	}
	if (!rc && dirty) {
		struct strbuf sb = STRBUF_INIT;
		char *top = path_dirname(cache);

		for (i = 0; i < nr; i++) {
			strbuf_addstr(&sb, e[i].sha256);
			for (v = 0; v < e[i].nr; v++)
				strbuf_addf(&sb, " %016llx", (unsigned long long)e[i].v[v]);
			strbuf_addch(&sb, '\n');
		}
		/* Only a cache: a failure to write it costs time, not correctness. */
		if (!mkdir_p(top, 0755))
			write_file_atomic(cache, sb.buf, sb.len, 0644);
		strbuf_release(&sb);
		free(top);
	}
	for (i = 0; i < nr; i++)
		free(e[i].v);
	free(e);
	free(cache);
	if (*nr_out)
		qsort(*out, *nr_out, sizeof(**out), embargo_cmp_u64);
	return rc;
}

static int load_store(struct embargo_set *es, const struct xsa_store *s, int64_t date)
{
	size_t i, v, f;
	int rc = 0;

	for (i = 0; i < s->nr && !rc; i++) {
		const struct xsa_record *r = &s->x[i];
		char *source;
		unsigned count = 0, index = 0;

		if (!xsa_embargoed_at(s, r, date))
			continue;
		for (v = 0; v < r->nr; v++)
			for (f = 0; f < r->v[v].nr_files; f++)
				count += strcmp(r->v[v].files[f].project, "meta") != 0;
		source = xstrfmt("XSA-%d", r->number);
		for (v = 0; v < r->nr && !rc; v++) {
			const struct xsa_version *ver = &r->v[v];

			for (f = 0; f < ver->nr_files && !rc; f++) {
				char *path;
				struct strbuf text = STRBUF_INIT;

				if (!strcmp(ver->files[f].project, "meta"))
					continue;
				index++;
				path = xsa_store_path(s, ver, ver->files[f].name);
				rc = read_file(&text, path, EMBARGO_MAX_PATCH);
				if (!rc)
					embargo_set_add(es, source, NULL, xsa_public_time(s, r), index, count,
						  text.buf, text.len);
				strbuf_release(&text);
				free(path);
			}
		}
		free(source);
	}
	return rc;
}

int embargo_set_load(struct embargo_set *es, const struct embargo_load_opts *o)
{
	struct xsa_store own;
	const struct xsa_store *xs = o->store;
	struct gpg_ctx user;
	struct embargo_load_opts oo = *o;
	int rc = 0;

	embargo_set_init(es, o->date);
	if (!xs) {
		rc = xsa_store_load(&own, o->maint_root);
		if (rc)
			return rc;
		xs = &own;
	}
	if (!oo.gpg) {
		gpg_init(&user, NULL);
		oo.gpg = &user;
	}
	rc = load_store(es, xs, o->date);
	if (!rc)
		rc = embargo_load_bundles(es, &oo, xs);
	if (!rc && es->nr) {
		/* What the security team has published is public, whoever repeats it. */
		uint64_t *pub = NULL;
		size_t nr_pub = 0;

		rc = public_changes(xs, o->date, o->src, &pub, &nr_pub);
		if (!rc)
			embargo_set_drop(es, pub, nr_pub);
		free(pub);
	}
	if (!rc && es->nr)
		rc = embargo_set_index(es, o->src);
	if (!o->gpg)
		gpg_release(&user);
	if (!o->store)
		xsa_store_release(&own);
	if (rc)
		embargo_set_release(es);
	return rc;
}
