#include "compat.h"
#include "abi.h"
#include "branch.h"
#include "build.h"
#include "cfgfile.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "version.h"
#include "xalloc.h"
#include "quote.h"

#include <ctype.h>

/* --- configuration and the baseline file ------------------------------ */

int abi_config_load(struct abi_config *ac, const struct branch *b)
{
	size_t i;

	memset(ac, 0, sizeof(*ac));
	for (i = 0; i < b->cfg.nr; i++) {
		const struct cfg_entry *e = &b->cfg.e[i];
		int v;

		if (strcmp(e->section, "abi"))
			continue;
		if (e->subsection)
			return error_input("%s:%d: [abi \"%s\"] takes no subsection", b->path,
					   e->line, e->subsection);
		if (strcmp(e->key, "allow-soname-change"))
			return error_input("%s:%d: unknown key 'abi.%s' (known: allow-soname-change)",
					   b->path, e->line, e->key);
		v = cfg_bool(e);
		if (v < 0)
			return error_input("%s:%d: abi.allow-soname-change '%s' is not a boolean",
					   b->path, e->line, e->value);
		ac->allow_soname_change = v;
		ac->allow_line = e->line;
	}
	return 0;
}

void abi_baseline_init(struct abi_baseline *b)
{
	memset(b, 0, sizeof(*b));
}

void abi_baseline_release(struct abi_baseline *b)
{
	size_t i;

	for (i = 0; i < b->nr; i++) {
		free(b->libs[i].name);
		free(b->libs[i].soname);
		free(b->libs[i].file);
	}
	free(b->libs);
	free(b->dir);
	free(b->version);
	free(b->tag);
	free(b->commit);
	abi_baseline_init(b);
}

static int valid_library_name(const char *s)
{
	const char *p;

	if (!starts_with(s, "lib") || !s[3])
		return 0;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-", *p))
			return 0;
	return 1;
}

static struct abi_library *baseline_lib(struct abi_baseline *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nr; i++)
		if (!strcmp(b->libs[i].name, name))
			return &b->libs[i];
	ALLOC_GROW(b->libs, b->nr + 1, b->alloc);
	memset(&b->libs[b->nr], 0, sizeof(b->libs[0]));
	b->libs[b->nr].name = xstrdup(name);
	return &b->libs[b->nr++];
}

int abi_baseline_parse(struct abi_baseline *b, const char *origin, const char *text,
		       size_t len)
{
	struct cfg_file cf;
	size_t i;
	int rc, major, minor, point, pre, version_line = 0, commit_line = 0;

	cfg_init(&cf);
	rc = cfg_parse(&cf, origin, text, len);
	for (i = 0; !rc && i < cf.nr; i++) {
		const struct cfg_entry *e = &cf.e[i];
		const char *v = e->value ? e->value : "";
		char **slot = NULL;

		if (!strcmp(e->section, "baseline") && !e->subsection) {
			if (!strcmp(e->key, "version")) {
				slot = &b->version;
				version_line = e->line;
			} else if (!strcmp(e->key, "tag")) {
				slot = &b->tag;
			} else if (!strcmp(e->key, "commit")) {
				slot = &b->commit;
				commit_line = e->line;
			}
			else
				rc = error_input("%s:%d: unknown key 'baseline.%s'", origin, e->line,
						 e->key);
			if (slot) {
				free(*slot);
				*slot = xstrdup(v);
			}
		} else if (!strcmp(e->section, "library") && e->subsection) {
			struct abi_library *l;

			if (!valid_library_name(e->subsection)) {
				rc = error_input("%s:%d: '%s' is not a library name", origin,
						 e->line, e->subsection);
				break;
			}
			l = baseline_lib(b, e->subsection);
			if (!strcmp(e->key, "soname")) {
				free(l->soname);
				l->soname = xstrdup(v);
			} else if (!strcmp(e->key, "file")) {
				if (!path_is_safe(v) || strchr(v, '/') || !ends_with(v, ".xml"))
					rc = error_input("%s:%d: file '%s' must be a plain NAME.xml",
							 origin, e->line, v);
				free(l->file);
				l->file = xstrdup(v);
			} else if (!strcmp(e->key, "sha256")) {
				if (!is_sha256_hex(v))
					rc = error_input("%s:%d: sha256 '%s' is not 64 hex digits",
							 origin, e->line, v);
				else
					memcpy(l->sha256, v, SHA256_HEX_LEN + 1);
			} else {
				rc = error_input("%s:%d: unknown key 'library.%s'", origin, e->line,
						 e->key);
			}
		} else {
			rc = error_input("%s:%d: unknown section [%s%s%s%s]", origin, e->line,
					 e->section, e->subsection ? " \"" : "",
					 e->subsection ? e->subsection : "",
					 e->subsection ? "\"" : "");
		}
	}
	cfg_release(&cf);
	if (rc)
		return rc;
	if (!b->version || !b->tag || !b->commit)
		return error_input("%s: [baseline] needs version, tag and commit", origin);
	if (sscanf(b->version, "%d.%d.%d", &major, &minor, &point) != 3) {
		return error_input("%s:%d: version '%s' is not X.Y.Z", origin, version_line,
				   b->version);
	} else {
		char *dot = strchr(strchr(b->version, '.') + 1, '.');

		if (version_parse_extra(dot, &point, &pre) || pre)
			return error_input("%s:%d: version '%s' is not a release", origin,
					   version_line, b->version);
	}
	if (!is_oid_hex(b->commit))
		return error_input("%s:%d: commit '%s' is not an object id", origin, commit_line,
				   b->commit);
	if (!b->nr)
		return error_input("%s: no [library] section", origin);
	for (i = 0; i < b->nr; i++) {
		struct abi_library *l = &b->libs[i];

		if (!l->soname || !*l->soname || !l->file || !l->sha256[0])
			return error_input("%s: [library \"%s\"] needs soname, file and sha256",
					   origin, l->name);
	}
	return 0;
}

int abi_baseline_load(struct abi_baseline *b, const char *dir)
{
	struct strbuf text = STRBUF_INIT;
	char *path = path_join(dir, ABI_BASELINE_FILE);
	size_t i;
	int rc;

	abi_baseline_init(b);
	rc = read_file_if_exists(&text, path, 1 << 20);
	if (!rc)
		rc = abi_baseline_parse(b, path, text.buf, text.len);
	for (i = 0; !rc && i < b->nr; i++) {
		char *f = path_join(dir, b->libs[i].file);
		char hex[SHA256_HEX_LEN + 1];

		rc = sha256_file_hex(f, hex);
		if (!rc && strcmp(hex, b->libs[i].sha256)) {
			char *fix = self_cmd_str("abi", "dump", b->tag, NULL);

			rc = error_input("%s: does not match the sha256 in %s; the baseline is "
					 "inconsistent; make it again: %s", f, path, fix);
			free(fix);
		}
		free(f);
	}
	if (!rc)
		b->dir = xstrdup(dir);
	else if (rc < 0)
		abi_baseline_release(b);
	strbuf_release(&text);
	free(path);
	return rc;
}

char *abi_library_name(const char *file)
{
	const char *base = path_basename(file);
	const char *so = strstr(base, ".so");

	return so ? xstrndup(base, (size_t)(so - base)) : xstrdup(base);
}

char *abi_xml_soname(const char *xml, size_t len)
{
	const char *start = memmem(xml, len, "<abi-corpus", 11);
	const char *end, *p;
	char q;

	if (!start)
		return NULL;
	end = memchr(start, '>', len - (size_t)(start - xml));
	if (!end)
		return NULL;
	for (p = start; p + 8 < end; p++) {
		if (memcmp(p, " soname=", 8))
			continue;
		q = p[8];
		if (q != '\'' && q != '"')
			return NULL;
		p += 9;
		start = p;
		while (p < end && *p != q)
			p++;
		return p < end ? xstrndup(start, (size_t)(p - start)) : NULL;
	}
	return NULL;
}

/* --- abidw and abidiff -------------------------------------------------- */

static int tool_missing(const char *tool)
{
	return error_env("%s not found: install abigail-tools (tools-release/deps.sh check)",
			 tool);
}

int abi_describe(const char *lib, const char *headers_dir, struct strbuf *out)
{
	struct child_process c;
	int st, rc = 0;

	if (!program_exists("abidw"))
		return tool_missing("abidw");
	child_init(&c);
	/* Nothing of the build directory, so two builds give the same text. */
	strvec_pushl(&c.args, "abidw", "--no-corpus-path", "--no-comp-dir-path",
		     "--short-locs", "--drop-undefined-syms", NULL);
	if (headers_dir && is_dir(headers_dir))
		strvec_pushl(&c.args, "--headers-dir", headers_dir, "--drop-private-types", NULL);
	strvec_push(&c.args, lib);
	strvec_push(&c.env, "LC_ALL=C");
	st = run_child(&c);
	if (st < 0)
		rc = st;
	else if (st)
		rc = error_env("abidw %s failed (exit %d): %s", lib, st, child_err_summary(&c));
	else if (!c.out_buf.len)
		rc = error_env("abidw %s wrote nothing", lib);
	else
		strbuf_addbuf(out, &c.out_buf);
	child_release(&c);
	return rc;
}

static int run_abidiff(const char *old_xml, const char *new_xml, int no_added,
		       struct strbuf *report)
{
	struct child_process c;
	int st;

	child_init(&c);
	strvec_push(&c.args, "abidiff");
	if (no_added)
		strvec_push(&c.args, "--no-added-syms");
	strvec_pushl(&c.args, old_xml, new_xml, NULL);
	strvec_push(&c.env, "LC_ALL=C");
	st = run_child(&c);
	if (st >= 0 && (st & (ABIDIFF_ERROR | ABIDIFF_USAGE_ERROR)))
		st = error_env("abidiff %s %s failed (exit %d): %s", old_xml, new_xml, st,
			       child_err_summary(&c));
	if (st >= 0 && report)
		strbuf_addbuf(report, &c.out_buf);
	child_release(&c);
	return st;
}

/* abidiff's two summary lines, joined, for a one-line reason. */
static char *summary_of(const char *report)
{
	struct strbuf sb = STRBUF_INIT;
	const char *line;
	size_t pos = 0, n;

	while (next_line(report, strlen(report), &pos, &line, &n)) {
		while (n && (*line == ' ' || *line == '\t')) {
			line++;
			n--;
		}
		if ((n > 24 && !memcmp(line, "Functions changes summary", 25)) ||
		    (n > 24 && !memcmp(line, "Variables changes summary", 25))) {
			if (sb.len)
				strbuf_addstr(&sb, "; ");
			strbuf_add(&sb, line, n);
		}
	}
	return strbuf_detach(&sb, NULL);
}

void abi_findings_release(struct abi_findings *f)
{
	size_t i;

	for (i = 0; i < f->nr; i++) {
		free(f->v[i].library);
		free(f->v[i].summary);
		free(f->v[i].report);
		free(f->v[i].report_path);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

int abi_compare(const char *old_xml, const char *new_xml, int allow_soname,
		const char *work_dir, struct abi_finding *f)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, report = STRBUF_INIT;
	struct strbuf note = STRBUF_INIT;
	char *old_so = NULL, *new_so = NULL, *adjusted = NULL, *sum = NULL;
	const char *compare_with = new_xml;
	int rc, st, st2, soname_changed;

	if (!program_exists("abidiff"))
		return tool_missing("abidiff");
	rc = read_file(&a, old_xml, 256u << 20);
	if (!rc)
		rc = read_file(&b, new_xml, 256u << 20);
	if (rc)
		goto out;
	old_so = abi_xml_soname(a.buf, a.len);
	new_so = abi_xml_soname(b.buf, b.len);
	soname_changed = strcmp(old_so ? old_so : "", new_so ? new_so : "") != 0;
	if (soname_changed) {
		strbuf_addf(&note, "SONAME changed from %s to %s", old_so ? old_so : "(none)",
			    new_so ? new_so : "(none)");
		if (allow_soname && old_so && new_so) {
			/* Allowed: judge the rest as if the name had stayed. */
			char *from = xstrfmt(" soname='%s'", new_so);
			char *to = xstrfmt(" soname='%s'", old_so);

			strbuf_replace_all(&b, from, to);
			free(from);
			free(to);
			adjusted = xstrfmt("%s/%s.same-soname.xml", work_dir, f->library);
			rc = write_file_atomic(adjusted, b.buf, b.len, 0644);
			if (rc)
				goto out;
			compare_with = adjusted;
			strbuf_addstr(&note, " (allowed by the branch)");
		}
	}
	st = run_abidiff(old_xml, new_xml, 0, &report);
	if (st < 0) {
		rc = st;
		goto out;
	}
	if (compare_with != new_xml) {
		st = run_abidiff(old_xml, compare_with, 0, NULL);
		if (st < 0) {
			rc = st;
			goto out;
		}
	}
	if (soname_changed && !(allow_soname && old_so && new_so)) {
		f->verdict = ABI_INCOMPATIBLE;
	} else if (st & ABIDIFF_ABI_INCOMPATIBLE_CHANGE) {
		f->verdict = ABI_INCOMPATIBLE;
	} else if (st & ABIDIFF_ABI_CHANGE) {
		/* A change that stays when additions are left out is not an addition. */
		st2 = run_abidiff(old_xml, compare_with, 1, NULL);
		if (st2 < 0) {
			rc = st2;
			goto out;
		}
		f->verdict = st2 & (ABIDIFF_ABI_CHANGE | ABIDIFF_ABI_INCOMPATIBLE_CHANGE)
			     ? ABI_INCOMPATIBLE : ABI_ADDITIONS;
	} else {
		f->verdict = soname_changed ? ABI_ALLOWED : ABI_SAME;
	}
	sum = summary_of(report.buf);
	if (note.len && *sum)
		strbuf_addstr(&note, "; ");
	strbuf_addstr(&note, f->verdict == ABI_SAME ? "no ABI change" : sum);
	f->summary = strbuf_detach(&note, NULL);
	f->report = strbuf_detach(&report, NULL);
	if (work_dir) {
		f->report_path = xstrfmt("%s/%s.abidiff", work_dir, f->library);
		rc = write_file_atomic(f->report_path, f->report, strlen(f->report), 0644);
	}
out:
	if (adjusted)
		unlink(adjusted);
	free(adjusted);
	free(old_so);
	free(new_so);
	free(sum);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&report);
	strbuf_release(&note);
	return rc;
}

/* --- releases and the toolstack build ---------------------------------- */

int abi_last_release(const struct git_repo *src, const struct branch *b,
		     struct strbuf *tag, int *point)
{
	struct strvec refs = STRVEC_INIT;
	size_t i;
	int rc, best = -1;

	rc = git_list_refs(src, "refs/tags", &refs);
	for (i = 0; !rc && i < refs.nr; i++) {
		const char *name;
		int p;

		if (!skip_prefix(refs.v[i], "refs/tags/", &name))
			continue;
		if (branch_tag_point(b, name, &p) && p > best) {
			best = p;
			strbuf_reset(tag);
			strbuf_addstr(tag, name);
		}
	}
	strvec_clear(&refs);
	if (rc)
		return rc;
	*point = best;
	return best < 0 ? 1 : 0;
}

/* Build the toolstack at rev; 1 when r got a verdict other than passed. */
static int build_toolstack_for(const struct git_repo *src, const char *rev,
			       const char *maint_root, const struct branch_set *branches,
			       int jobs, struct build_result *res, struct check_result *r)
{
	struct build_opts bo;
	int rc;

	memset(&bo, 0, sizeof(bo));
	bo.src = src;
	bo.rev = rev;
	bo.maint_root = maint_root;
	bo.branches = branches;
	bo.components = BUILD_TOOLSTACK;
	bo.jobs = jobs;
	rc = build_run(&bo, res);
	strvec_pushv(&r->logs, res->part[1].logs.v);
	if (rc < 0)
		return check_errored(r, rc, "cannot build the toolstack of %s: %s", rev,
				     res->check.reason ? res->check.reason : "");
	if (res->check.status == CHECK_FAILED) {
		check_set(r, CHECK_FAILED, "the toolstack of %s did not build: %s", rev,
			  res->part[1].reason);
		return 1;
	}
	if (res->check.status != CHECK_PASSED) {
		check_set(r, CHECK_SKIPPED, "the toolstack of %s was not built: %s", rev,
			  res->part[1].reason ? res->part[1].reason : "");
		return 1;
	}
	return 0;
}

/* One description per library of a build, in memory. */
struct described {
	char *name, *soname, *lib;
	struct strbuf xml;
};

static void described_release(struct described *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(d[i].name);
		free(d[i].soname);
		free(d[i].lib);
		strbuf_release(&d[i].xml);
	}
	free(d);
}

static int describe_all(const struct build_result *res, struct described **out, size_t *nr)
{
	struct described *d = xcalloc(res->libraries.nr ? res->libraries.nr : 1, sizeof(*d));
	size_t i, n = 0, j;
	int rc = 0;

	for (i = 0; !rc && i < res->libraries.nr; i++) {
		char *name = abi_library_name(res->libraries.v[i]);

		for (j = 0; j < n; j++)
			if (!strcmp(d[j].name, name))
				break;
		if (j < n || !valid_library_name(name)) {
			free(name);
			continue;
		}
		d[n].name = name;
		d[n].lib = xstrdup(res->libraries.v[i]);
		strbuf_init(&d[n].xml, 0);
		n++;
		rc = abi_describe(res->libraries.v[i], res->headers_dir, &d[n - 1].xml);
		if (!rc) {
			d[n - 1].soname = abi_xml_soname(d[n - 1].xml.buf, d[n - 1].xml.len);
			if (!d[n - 1].soname)
				rc = error_env("%s: abidw found no SONAME", res->libraries.v[i]);
		}
	}
	*out = d;
	*nr = n;
	return rc;
}

/* --- abi dump ------------------------------------------------------------ */

static int write_baseline(const char *dir, const struct build_result *res, const char *tag,
			  struct described *d, size_t n, struct check_result *r)
{
	struct strbuf text = STRBUF_INIT;
	struct strvec names = STRVEC_INIT;
	size_t i;
	int rc = mkdir_p(dir, 0755);

	strbuf_addf(&text, "# ABI baseline of Xen %s, written by 'xenstable abi dump'.\n"
		    "# 'xenstable abi check %d.%d' compares later revisions with it.\n"
		    "[baseline]\n\tversion = %s\n\ttag = %s\n\tcommit = %s\n",
		    res->version_string, res->version.major, res->version.minor,
		    res->version_string, tag, res->commit);
	for (i = 0; !rc && i < n; i++) {
		char *file = xstrfmt("%s.xml", d[i].name);
		char *path = path_join(dir, file);
		char hex[SHA256_HEX_LEN + 1];

		sha256_hex(d[i].xml.buf, d[i].xml.len, hex);
		rc = write_file_atomic(path, d[i].xml.buf, d[i].xml.len, 0644);
		strbuf_addf(&text, "[library \"%s\"]\n\tsoname = %s\n\tfile = %s\n\tsha256 = %s\n",
			    d[i].name, d[i].soname, file, hex);
		strvec_push(&names, file);
		strvec_push(&r->artifacts, path);
		free(file);
		free(path);
	}
	/* The baseline file last: until it is in place, the old one stands. */
	if (!rc) {
		char *path = path_join(dir, ABI_BASELINE_FILE);

		rc = write_file_atomic(path, text.buf, text.len, 0644);
		strvec_push(&r->artifacts, path);
		free(path);
	}
	/* Descriptions of libraries the release no longer has go. */
	if (!rc) {
		struct strvec present = STRVEC_INIT;

		rc = list_dir(dir, &present);
		for (i = 0; !rc && i < present.nr; i++) {
			char *p;

			if (!ends_with(present.v[i], ".xml") || strvec_contains(&names, present.v[i]))
				continue;
			p = path_join(dir, present.v[i]);
			if (unlink(p))
				rc = error_errno("cannot remove '%s'", p);
			free(p);
		}
		strvec_clear(&present);
	}
	strvec_clear(&names);
	strbuf_release(&text);
	return rc;
}

/* Does the baseline in dir say exactly what d would write? */
static int baseline_is(const struct abi_baseline *old, const struct build_result *res,
		       const struct described *d, size_t n)
{
	size_t i, j;

	if (strcmp(old->commit, res->commit) || strcmp(old->version, res->version_string) ||
	    old->nr != n)
		return 0;
	for (i = 0; i < n; i++) {
		char hex[SHA256_HEX_LEN + 1];

		sha256_hex(d[i].xml.buf, d[i].xml.len, hex);
		for (j = 0; j < old->nr; j++)
			if (!strcmp(old->libs[j].name, d[i].name))
				break;
		if (j == old->nr || strcmp(old->libs[j].sha256, hex) ||
		    strcmp(old->libs[j].soname, d[i].soname))
			return 0;
	}
	return 1;
}

int abi_dump_run(const struct abi_dump_opts *o, struct check_result *r, char **dir_out)
{
	struct build_result res;
	struct abi_baseline old;
	struct described *d = NULL;
	size_t n = 0, i;
	const struct branch *b = NULL;
	char *branch_name = NULL, *dir = NULL, *tag = NULL, *rel = NULL;
	long long t0 = preflight_clock_ms();
	int rc, have_old;

	*dir_out = NULL;
	build_result_init(&res);
	abi_baseline_init(&old);
	rc = build_toolstack_for(o->src, o->rev, o->maint_root, o->branches, o->jobs, &res, r);
	if (rc == 1 && r->status == CHECK_SKIPPED) {
		/* Asked for a baseline, made none: that is not a pass. */
		rc = check_error(r, XS_ENV, "%s", r->reason);
		goto out;
	}
	if (rc)
		goto out;
	if ((res.version.point < 0 || res.version.pre) && !o->force) {
		rc = check_error(r, XS_INPUT, "%s is Xen %s, not a release: a baseline is made "
				 "from a release (--force dumps it anyway)", o->rev,
				 res.version_string);
		goto out;
	}
	branch_name = xstrfmt("%d.%d", res.version.major, res.version.minor);
	if (o->branches)
		b = branch_find(o->branches, branch_name);
	tag = b ? branch_tag_name(b, res.version_string) : xstrfmt("RELEASE-%s",
								     res.version_string);
	rel = xstrfmt("%s/%s", ABI_DIR, branch_name);
	dir = path_join(o->maint_root, rel);
	have_old = abi_baseline_load(&old, dir);
	if (have_old < 0 && !o->force) {
		rc = check_errored(r, have_old, "%s holds a broken baseline (--force replaces it)",
				   rel);
		goto out;
	}
	if (have_old == 0 && !o->force) {
		int op, opre;
		const char *dot = strrchr(old.version, '.');

		if (dot && !version_parse_extra(dot, &op, &opre) && op > res.version.point) {
			rc = check_error(r, XS_INPUT, "%s holds the baseline of %s, newer than %s "
					 "(--force replaces it)", rel, old.version,
					 res.version_string);
			goto out;
		}
	}
	rc = describe_all(&res, &d, &n);
	if (rc) {
		check_errored(r, rc, "cannot describe the libraries of %s", o->rev);
		goto out;
	}
	if (!n) {
		rc = check_error(r, XS_INPUT, "the toolstack of %s has no shared library to describe",
				 o->rev);
		goto out;
	}
	if (have_old == 0 && baseline_is(&old, &res, d, n)) {
		for (i = 0; i < n; i++)
			strvec_pushf(&r->artifacts, "%s/%s.xml", dir, d[i].name);
		strvec_pushf(&r->artifacts, "%s/%s", dir, ABI_BASELINE_FILE);
		check_set(r, CHECK_PASSED, "%s is already the baseline of Xen %s (%s)", rel,
			  res.version_string, tag);
		r->reused = 1;
	} else {
		struct strbuf libs = STRBUF_INIT;

		rc = write_baseline(dir, &res, tag, d, n, r);
		if (rc) {
			check_errored(r, rc, "cannot write %s", rel);
			goto out;
		}
		for (i = 0; i < n; i++)
			strbuf_addf(&libs, "%s%s (%s)", i ? ", " : "", d[i].name, d[i].soname);
		check_set(r, CHECK_PASSED, "wrote the ABI baseline of Xen %s (%s) to %s: %s",
			  res.version_string, tag, rel, libs.buf);
		strbuf_release(&libs);
	}
	*dir_out = dir;
	dir = NULL;
out:
	r->duration_ms = preflight_clock_ms() - t0;
	described_release(d, n);
	abi_baseline_release(&old);
	build_result_release(&res);
	free(branch_name);
	free(dir);
	free(tag);
	free(rel);
	return rc < 0 ? rc : 0;
}

/* --- abi check ------------------------------------------------------------ */

static struct abi_finding *add_finding(struct abi_findings *f, const char *library)
{
	struct abi_finding *x;

	ALLOC_GROW(f->v, f->nr + 1, f->alloc);
	x = &f->v[f->nr++];
	memset(x, 0, sizeof(*x));
	x->library = xstrdup(library);
	return x;
}

int abi_check_run(const struct abi_check_opts *o, struct check_result *r,
		  struct abi_findings *f)
{
	const struct branch *b = o->branch;
	const char *rev = o->rev ? o->rev : b->full_ref;
	struct strbuf last = STRBUF_INIT, bad = STRBUF_INIT, added = STRBUF_INIT;
	struct abi_baseline base;
	struct abi_config ac;
	struct build_result res;
	struct described *d = NULL;
	size_t n = 0, i, j;
	char *rel = xstrfmt("%s/%s", ABI_DIR, b->name);
	char *dir = path_join(o->maint_root, rel);
	char *work = NULL, *want_version = NULL;
	long long t0 = preflight_clock_ms();
	int rc, point, allowed = 0;

	abi_baseline_init(&base);
	build_result_init(&res);
	rc = abi_config_load(&ac, b);
	if (rc) {
		check_errored(r, rc, "bad [abi] section in %s", b->path);
		goto out;
	}
	rc = abi_last_release(o->src, b, &last, &point);
	if (rc < 0) {
		check_errored(r, rc, "cannot list the release tags");
		goto out;
	}
	if (rc == 1) {
		rc = 0;
		check_set(r, CHECK_SKIPPED, "%s has no release yet: no ABI baseline to compare with",
			  b->name);
		goto out;
	}
	want_version = xstrfmt("%d.%d.%d", b->major, b->minor, point);
	rc = abi_baseline_load(&base, dir);
	if (rc == 1) {
		char *fix = self_cmd_str("abi", "dump", last.buf, NULL);

		rc = check_error(r, XS_INPUT, "no ABI baseline for %s in %s; first run: %s",
				 b->name, rel, fix);
		free(fix);
		goto out;
	}
	if (rc) {
		check_errored(r, rc, "cannot read the baseline in %s", rel);
		goto out;
	}
	if (strcmp(base.version, want_version)) {
		char *fix = self_cmd_str("abi", "dump", last.buf, NULL);

		rc = check_error(r, XS_INPUT, "%s is the baseline of %s, but the last release of "
				 "%s is %s; run: %s", rel, base.version, b->name, last.buf, fix);
		free(fix);
		goto out;
	}
	rc = build_toolstack_for(o->src, rev, o->maint_root, o->branches, o->jobs, &res, r);
	if (rc)
		goto out;
	work = path_join(res.dir, "abi");
	rc = mkdir_p(work, 0755);
	if (!rc)
		rc = describe_all(&res, &d, &n);
	for (i = 0; !rc && i < n; i++) {
		char *p = xstrfmt("%s/%s.xml", work, d[i].name);

		rc = write_file_atomic(p, d[i].xml.buf, d[i].xml.len, 0644);
		strvec_push(&r->artifacts, p);
		free(p);
	}
	if (rc) {
		check_errored(r, rc, "cannot describe the libraries of %s", rev);
		goto out;
	}
	say("comparing the ABI of %s with %s (%s)", rev, last.buf, rel);
	for (i = 0; !rc && i < base.nr; i++) {
		struct abi_library *l = &base.libs[i];
		struct abi_finding *x = add_finding(f, l->name);

		for (j = 0; j < n; j++)
			if (!strcmp(d[j].name, l->name))
				break;
		if (j == n) {
			x->verdict = ABI_INCOMPATIBLE;
			x->summary = xstrfmt("the library is gone (it was %s)", l->soname);
			x->report = xstrdup("");
		} else {
			char *old_xml = path_join(dir, l->file);
			char *new_xml = xstrfmt("%s/%s.xml", work, d[j].name);

			rc = abi_compare(old_xml, new_xml, ac.allow_soname_change, work, x);
			if (x->report_path)
				strvec_push(&r->logs, x->report_path);
			free(old_xml);
			free(new_xml);
		}
		if (!rc && x->verdict == ABI_INCOMPATIBLE)
			strbuf_addf(&bad, "%s%s: %s", bad.len ? "; " : "", x->library, x->summary);
		else if (!rc && x->verdict != ABI_SAME)
			strbuf_addf(&added, "%s%s: %s", added.len ? "; " : "", x->library,
				    x->summary);
		if (x->verdict == ABI_ALLOWED)
			allowed = 1;
	}
	for (j = 0; !rc && j < n; j++) {
		struct abi_finding *x;

		for (i = 0; i < base.nr; i++)
			if (!strcmp(d[j].name, base.libs[i].name))
				break;
		if (i < base.nr)
			continue;
		x = add_finding(f, d[j].name);
		x->verdict = ABI_ADDITIONS;
		x->summary = xstrfmt("a new library (%s)", d[j].soname);
		x->report = xstrdup("");
		strbuf_addf(&added, "%s%s: %s", added.len ? "; " : "", x->library, x->summary);
	}
	if (rc) {
		check_errored(r, rc, "cannot compare the ABI of %s", rev);
		goto out;
	}
	if (bad.len)
		check_set(r, CHECK_FAILED, "incompatible ABI change since %s: %s", last.buf, bad.buf);
	else if (added.len)
		check_set(r, CHECK_PASSED, "%s since %s: %s",
			  allowed ? "compatible or allowed changes" : "additions only", last.buf,
			  added.buf);
	else
		check_set(r, CHECK_PASSED, "no ABI change since %s in %zu librar%s", last.buf,
			  base.nr, base.nr == 1 ? "y" : "ies");
out:
	r->duration_ms = preflight_clock_ms() - t0;
	described_release(d, n);
	abi_baseline_release(&base);
	build_result_release(&res);
	strbuf_release(&last);
	strbuf_release(&bad);
	strbuf_release(&added);
	free(rel);
	free(dir);
	free(work);
	free(want_version);
	return rc < 0 ? rc : 0;
}
