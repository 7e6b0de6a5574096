#include "compat.h"
#include "build.h"
#include "branch.h"
#include "date.h"
#include "fs.h"
#include "json.h"
#include "lock.h"
#include "run-command.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

#include <dirent.h>

static const char *const component_names[BUILD_NR_COMPONENTS] = {
	"hypervisor", "toolstack",
};

const char *build_component_name(int index)
{
	return index >= 0 && index < BUILD_NR_COMPONENTS ? component_names[index] : "?";
}

int build_parse_components(const char *list, unsigned *mask)
{
	struct strvec words = STRVEC_INIT;
	size_t i;
	int k, rc = 0;

	*mask = 0;
	strvec_split(&words, list, ", ");
	for (i = 0; i < words.nr; i++) {
		for (k = 0; k < BUILD_NR_COMPONENTS; k++)
			if (!strcmp(words.v[i], component_names[k]))
				break;
		if (k == BUILD_NR_COMPONENTS) {
			rc = error_usage("unknown component '%s' (known: hypervisor, toolstack)",
					 words.v[i]);
			break;
		}
		*mask |= 1u << k;
	}
	if (!rc && !*mask)
		rc = error_usage("no component named in '%s'", list);
	strvec_clear(&words);
	return rc;
}

void build_config_init(struct build_config *bc)
{
	strvec_init(&bc->configure);
}

void build_config_release(struct build_config *bc)
{
	strvec_clear(&bc->configure);
}

int build_config_load(struct build_config *bc, const struct branch *b)
{
	size_t i;

	for (i = 0; i < b->cfg.nr; i++) {
		const struct cfg_entry *e = &b->cfg.e[i];

		if (strcmp(e->section, "build"))
			continue;
		if (e->subsection)
			return error_input("%s:%d: [build \"%s\"] takes no subsection",
					   b->path, e->line, e->subsection);
		if (strcmp(e->key, "configure"))
			return error_input("%s:%d: unknown key 'build.%s' (known: configure)",
					   b->path, e->line, e->key);
		if (!e->value)
			return error_input("%s:%d: build.configure needs a value", b->path,
					   e->line);
		/* The last line wins, as for every other key. */
		strvec_clear(&bc->configure);
		strvec_split(&bc->configure, e->value, " \t");
	}
	for (i = 0; i < bc->configure.nr; i++) {
		if (bc->configure.v[i][0] != '-') {
			const struct cfg_entry *e = cfg_find(&b->cfg, "build", NULL, "configure");

			return error_input("%s:%d: build.configure: '%s' is not an option",
					   b->path, e ? e->line : 0, bc->configure.v[i]);
		}
	}
	return 0;
}

void build_result_init(struct build_result *res)
{
	int k;

	memset(res, 0, sizeof(*res));
	for (k = 0; k < BUILD_NR_COMPONENTS; k++)
		check_result_init(&res->part[k], component_names[k]);
	check_result_init(&res->check, "build");
	strvec_init(&res->libraries);
}

void build_result_release(struct build_result *res)
{
	int k;

	xen_version_release(&res->version);
	free(res->version_string);
	free(res->dir);
	free(res->tree);
	for (k = 0; k < BUILD_NR_COMPONENTS; k++)
		check_result_release(&res->part[k]);
	check_result_release(&res->check);
	free(res->hypervisor_image);
	free(res->headers_dir);
	strvec_clear(&res->libraries);
	build_result_init(res);
}

/* --- the one-line reason ------------------------------------------- */

static const char *const error_marks[] = {
	": fatal error:", ": error:", "configure: error:", "undefined reference to",
	": not found", "command not found", "No such file or directory",
	"No rule to make target", "Permission denied", NULL
};

static int line_has(const char *line, size_t n, const char *mark)
{
	size_t m = strlen(mark), i;

	for (i = 0; i + m <= n; i++)
		if (!memcmp(line + i, mark, m))
			return 1;
	return 0;
}

/* "make[1]: Entering directory '/x/y'" -> "/x/y" */
static int entering_dir(const char *line, size_t n, const char **dir, size_t *dlen)
{
	static const char mark[] = "Entering directory '";
	size_t m = sizeof(mark) - 1, i;

	if (n < 5 || memcmp(line, "make", 4))
		return 0;
	for (i = 0; i + m < n; i++) {
		if (memcmp(line + i, mark, m))
			continue;
		*dir = line + i + m;
		*dlen = n - i - m;
		if (*dlen && (*dir)[*dlen - 1] == '\'')
			(*dlen)--;
		return 1;
	}
	return 0;
}

/*
 * A compiler names files relative to the directory make ran it in; name
 * them from the top of the tree instead.  With parallel sub-makes the
 * directories interleave, so take the latest one that has the file.
 */
static void add_tree_relative(struct strbuf *sb, const char *line, size_t n,
			      const char *tree, const struct strvec *dirs)
{
	size_t tl = tree ? strlen(tree) : 0, f = 0, i;
	struct strbuf path = STRBUF_INIT;

	while (f < n && line[f] != ':' && line[f] != ' ')
		f++;
	for (i = dirs->nr; tl && f && f < n && line[f] == ':' && line[0] != '/' && i--; ) {
		const char *cur = dirs->v[i];

		if (strncmp(cur, tree, tl) || cur[tl] != '/')
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%.*s", cur, (int)f, line);
		if (is_regular_file(path.buf)) {
			strbuf_addf(sb, "%s/", cur + tl + 1);
			break;
		}
	}
	strbuf_add(sb, line, n);
	strbuf_release(&path);
}

char *build_failure_reason(const char *log, size_t len, const char *tree)
{
	const char *line, *best = NULL, *make_line = NULL, *last = NULL, *d;
	size_t pos = 0, n, best_n = 0, make_n = 0, last_n = 0, dl;
	struct strvec dirs = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;

	while (next_line(log, len, &pos, &line, &n)) {
		const char *const *m;

		/* Our own "$ command" lines and blank lines explain nothing. */
		if ((n >= 2 && line[0] == '$' && line[1] == ' ') || !n)
			continue;
		if (entering_dir(line, n, &d, &dl)) {
			char *dir = xmemdupz(d, dl);

			if (!strvec_contains(&dirs, dir))
				strvec_push(&dirs, dir);
			free(dir);
			continue;
		}
		for (m = error_marks; *m && !best; m++)
			if (line_has(line, n, *m)) {
				best = line;
				best_n = n;
			}
		if (best)
			break;
		if (!make_line && line_has(line, n, "***")) {
			make_line = line;
			make_n = n;
		}
		last = line;
		last_n = n;
	}
	if (!best) {
		best = make_line ? make_line : last;
		best_n = make_line ? make_n : last_n;
	}
	if (!best) {
		strbuf_addstr(&sb, "the build failed and its log is empty");
	} else {
		if (best_n > 300)
			best_n = 300;
		add_tree_relative(&sb, best, best_n, tree, &dirs);
		if (tree && *tree) {
			char *prefix = xstrfmt("%s/", tree);

			strbuf_replace_all(&sb, prefix, "");
			free(prefix);
		}
		strbuf_trim(&sb);
	}
	strvec_clear(&dirs);
	return strbuf_detach(&sb, NULL);
}

/* --- exporting the tree -------------------------------------------- */

static int export_tree(const struct git_repo *src, const char *commit, const char *dest)
{
	struct child_process ar, tar;
	int rc, arc;

	git_child_init(&ar, src);
	strvec_pushl(&ar.args, "archive", "--format=tar", commit, NULL);
	ar.out = CHILD_OUT_PIPE;
	ar.err = CHILD_OUT_CAPTURE;
	rc = start_child(&ar);
	if (rc) {
		child_release(&ar);
		return rc;
	}
	child_init(&tar);
	strvec_pushl(&tar.args, "tar", "-x", "-f", "-", "--no-same-owner", "-C", dest, NULL);
	tar.in = CHILD_IN_FD;
	tar.in_fd = ar.out_pipe;
	rc = run_child(&tar);
	arc = finish_child(&ar);
	if (rc > 0)
		rc = error_env("cannot unpack the tree of %s into %s: %s", commit, dest,
			       child_err_summary(&tar));
	else if (!rc && arc)
		rc = error_env("git archive %s failed: %s", commit,
			       arc > 0 ? child_err_summary(&ar) : "could not run");
	child_release(&tar);
	child_release(&ar);
	return rc;
}

/* --- running the build ---------------------------------------------- */

/* Variables that would let the caller's environment change the result. */
static const char *const build_env_unset[] = {
	"MAKEFLAGS", "MFLAGS", "GNUMAKEFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
	"XEN_VERSION", "XEN_SUBVERSION", "XEN_EXTRAVERSION", "XEN_VENDORVERSION",
	"XEN_FULLVERSION", "CFLAGS", "CPPFLAGS", "LDFLAGS",
	"EXTRA_CFLAGS_XEN_CORE", "EXTRA_CFLAGS_XEN_TOOLS",
	"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", NULL
};

struct build_ctx {
	const struct build_opts *o;
	struct build_result *res;
	char *src_tree;		/* the exported tree */
	char *export_dir;	/* its temporary parent */
	int jobs;
	struct build_config config;
	char *config_key;	/* what else decides the toolstack result */
};

static int log_printf(int fd, const char *fmt, ...) XS_PRINTF(2, 3);
static int log_printf(int fd, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int rc = 0;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (write_all(fd, sb.buf, sb.len))
		rc = error_errno("cannot write the build log");
	strbuf_release(&sb);
	return rc;
}

/* Run argv in the exported tree with output into the log. */
static int run_step(struct build_ctx *bc, int log_fd, const char *const *argv)
{
	struct child_process c;
	const char *const *u;
	size_t i;
	int rc;

	child_init(&c);
	strvec_pushv(&c.args, argv);
	for (u = build_env_unset; *u; u++)
		strvec_push(&c.env, *u);
	strvec_push(&c.env, "LC_ALL=C");
	strvec_push(&c.env, "LANG=C");
	c.dir = bc->src_tree;
	c.in = CHILD_IN_NULL;
	c.out = CHILD_OUT_FD;
	c.out_fd = log_fd;
	c.err = CHILD_OUT_TO_STDOUT;
	rc = log_printf(log_fd, "$");
	for (i = 0; !rc && i < c.args.nr; i++)
		rc = log_printf(log_fd, " %s", c.args.v[i]);
	if (!rc)
		rc = log_printf(log_fd, "\n");
	if (!rc)
		rc = run_child(&c);
	child_release(&c);
	return rc;
}

static int run_make(struct build_ctx *bc, int log_fd, const char *dir)
{
	char jobs[32];
	const char *argv[] = { "make", "-C", dir, jobs, NULL };

	snprintf(jobs, sizeof(jobs), "-j%d", bc->jobs);
	return run_step(bc, log_fd, argv);
}

/* Copy a file of our own build tree (symlinks followed) atomically. */
static int copy_product(const char *from, const char *to, mode_t mode)
{
	struct strbuf sb = STRBUF_INIT;
	int fd = open(from, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return error_errno("cannot open '%s'", from);
	rc = strbuf_read_fd(&sb, fd, 1u << 30);
	close(fd);
	if (rc)
		rc = error_errno("cannot read '%s'", from);
	else
		rc = write_file_atomic(to, sb.buf, sb.len, mode);
	strbuf_release(&sb);
	return rc;
}

/* Is path a shared object: ELF, type ET_DYN? */
static int is_elf_shared(const char *path)
{
	unsigned char h[18];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, "\177ELF", 4))
		return 0;
	/* e_type is little-endian here (x86); 3 is ET_DYN. */
	return h[5] == 1 ? (h[16] | h[17] << 8) == 3 : (h[17] | h[16] << 8) == 3;
}

/* "libxenlight.so.4.19.0": lib<name>.so.<digits and dots>. */
static int is_versioned_lib_name(const char *name)
{
	const char *so = strstr(name, ".so.");
	const char *p;

	if (!starts_with(name, "lib") || !so || so == name + 3)
		return 0;
	for (p = so + 4; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return 0;
	return p > so + 4;
}

/* Find the shared libraries below dir (build products only). */
static int find_libraries(const char *dir, struct strvec *libs, struct strvec *links, int depth)
{
	struct strvec names = STRVEC_INIT;
	size_t i;
	int rc;

	if (depth > 12)
		return 0;
	rc = list_dir(dir, &names);
	for (i = 0; !rc && i < names.nr; i++) {
		char *p = path_join(dir, names.v[i]);
		struct stat st;

		if (!lstat(p, &st)) {
			if (S_ISDIR(st.st_mode) && names.v[i][0] != '.')
				rc = find_libraries(p, libs, links, depth + 1);
			else if (S_ISREG(st.st_mode) && is_versioned_lib_name(names.v[i]) &&
				 is_elf_shared(p))
				strvec_push(libs, p);
			else if (S_ISLNK(st.st_mode) && starts_with(names.v[i], "lib") &&
				 strstr(names.v[i], ".so"))
				strvec_push(links, p);
		}
		free(p);
	}
	strvec_clear(&names);
	return rc;
}

/* --- per-component results ------------------------------------------ */

static void strvec_push_path(struct strvec *v, const char *dir, const char *rel)
{
	char *p = path_join(dir, rel);

	strvec_push(v, p);
	free(p);
}

static int write_component_result(const char *stage, const char *commit,
				  const struct build_result *res, const struct check_result *part,
				  const char *config_key, const struct strvec *rel_artifacts)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	char when[32];
	char *path = path_join(stage, "result.json");
	size_t i;
	int rc;

	date_format_iso(date_now(), when);
	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "component", part->name);
	jw_kv_str(&w, "commit", commit);
	jw_kv_str(&w, "version", res->version_string);
	jw_kv_str(&w, "tree", res->layout.kind == TREE_XEN ? "xen" : "reference");
	jw_kv_str(&w, "status", check_status_name(part->status));
	jw_kv_str(&w, "reason", part->reason ? part->reason : "");
	jw_kv_int(&w, "duration_ms", part->duration_ms);
	jw_kv_str(&w, "built", when);
	jw_kv_str(&w, "config", config_key);
	jw_kv_str(&w, "log", "build.log");
	jw_key(&w, "artifacts");
	jw_arr_begin(&w);
	for (i = 0; i < rel_artifacts->nr; i++)
		jw_str(&w, rel_artifacts->v[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_finish(&w, &out);
	jw_release(&w);
	rc = write_file_atomic(path, out.buf, out.len, 0644);
	strbuf_release(&out);
	free(path);
	return rc;
}

/* Point the result at a component's log and products (rel below comp_dir). */
static void record_products(struct build_result *res, int k, const char *comp_dir,
			    const struct strvec *rel)
{
	struct check_result *part = &res->part[k];
	size_t i;

	strvec_push_path(&part->logs, comp_dir, "build.log");
	for (i = 0; i < rel->nr; i++) {
		const char *r = rel->v[i];
		char *p = path_join(comp_dir, r);

		strvec_push(&part->artifacts, p);
		if (k == 0 && !strcmp(r, "xen")) {
			free(res->hypervisor_image);
			res->hypervisor_image = xstrdup(p);
		} else if (k == 1 && !strcmp(r, "include")) {
			free(res->headers_dir);
			res->headers_dir = xstrdup(p);
		} else if (k == 1 && starts_with(r, "lib/")) {
			strvec_push(&res->libraries, p);
		}
		free(p);
	}
}

/*
 * Reuse what an earlier run left in comp_dir when it passed with the same
 * settings and its products are still there.  1 reused, 0 not.
 */
static int try_reuse(struct build_ctx *bc, int k, const char *comp_dir)
{
	struct check_result *part = &bc->res->part[k];
	struct strbuf text = STRBUF_INIT;
	char *path = path_join(comp_dir, "result.json");
	const char *status, *config, *reason;
	yajl_val doc = NULL, arts;
	long long ms = 0;
	size_t i, n;
	int ok = 0;

	if (read_file_if_exists(&text, path, 1 << 20) != 0)
		goto out;
	if (json_parse(text.buf, text.len, path, &doc))
		goto out;
	status = json_get_string(doc, "status");
	config = json_get_string(doc, "config");
	reason = json_get_string(doc, "reason");
	arts = json_get(doc, "artifacts");
	if (!status || strcmp(status, "passed") || !config ||
	    strcmp(config, k == 1 ? bc->config_key : "") || !arts ||
	    !YAJL_IS_ARRAY(arts))
		goto out;
	n = json_array_len(arts);
	for (i = 0; i < n; i++) {
		yajl_val a = json_array_at(arts, i);
		char *p;
		int there;

		if (!YAJL_IS_STRING(a) || !path_is_safe(YAJL_GET_STRING(a)))
			goto out;
		p = path_join(comp_dir, YAJL_GET_STRING(a));
		there = path_exists(p);
		free(p);
		if (!there)
			goto out;
	}
	json_get_int(doc, "duration_ms", &ms);
	{
		struct strvec rel = STRVEC_INIT;

		for (i = 0; i < n; i++)
			strvec_push(&rel, YAJL_GET_STRING(json_array_at(arts, i)));
		record_products(bc->res, k, comp_dir, &rel);
		strvec_clear(&rel);
	}
	check_set(part, CHECK_PASSED, "%s", reason && *reason ? reason : "built");
	part->duration_ms = ms;
	part->reused = 1;
	ok = 1;
out:
	json_free(doc);
	strbuf_release(&text);
	free(path);
	return ok;
}

/* --- building one component ------------------------------------------ */

/* The one-line reason from the log written so far. */
static char *reason_from_log(struct build_ctx *bc, const char *log)
{
	struct strbuf text = STRBUF_INIT;
	char *r;

	if (read_file(&text, log, 256u << 20))
		return xstrdup("the build failed (its log could not be read)");
	r = build_failure_reason(text.buf, text.len, bc->src_tree);
	strbuf_release(&text);
	return r;
}

static int build_hypervisor(struct build_ctx *bc, int fd, const char *log,
			    const char *stage, struct strvec *rel)
{
	struct build_result *res = bc->res;
	struct check_result *part = &res->part[0];
	const char *hv = res->layout.hypervisor;
	char *image = xstrfmt("%s/%s/xen", bc->src_tree, hv);
	char *gz = xstrfmt("%s/%s/xen.gz", bc->src_tree, hv);
	char *config = xstrfmt("%s/%s/.config", bc->src_tree, hv);
	char *to;
	int st, rc = 0;

	st = run_make(bc, fd, hv);
	if (st < 0) {
		rc = check_errored(part, st, "cannot run make");
		goto out;
	}
	if (st) {
		char *why = reason_from_log(bc, log);

		check_set(part, CHECK_FAILED, "%s", why);
		free(why);
		goto out;
	}
	if (!is_regular_file(image)) {
		check_set(part, CHECK_FAILED, "make succeeded but did not make %s/xen", hv);
		goto out;
	}
	to = path_join(stage, "xen");
	rc = copy_product(image, to, 0644);
	free(to);
	strvec_push(rel, "xen");
	if (!rc && is_regular_file(gz)) {
		to = path_join(stage, "xen.gz");
		rc = copy_product(gz, to, 0644);
		free(to);
		strvec_push(rel, "xen.gz");
	}
	/* xen.git: the Kconfig the image was built with. */
	if (!rc && res->layout.kind == TREE_XEN && is_regular_file(config)) {
		to = path_join(stage, "config");
		rc = copy_product(config, to, 0644);
		free(to);
		strvec_push(rel, "config");
	}
	if (rc)
		check_errored(part, rc, "cannot keep the hypervisor image");
	else
		check_set(part, CHECK_PASSED, "built %s/xen (Xen %s)", hv, res->version_string);
out:
	free(image);
	free(gz);
	free(config);
	return rc;
}

/* Copy the public headers (top level of <toolstack>/include). */
static int keep_headers(const char *from, const char *to_dir)
{
	struct strvec names = STRVEC_INIT;
	size_t i;
	int rc;

	rc = mkdir_p(to_dir, 0755);
	if (!rc && is_dir(from))
		rc = list_dir(from, &names);
	for (i = 0; !rc && i < names.nr; i++) {
		char *src, *dst;

		if (!ends_with(names.v[i], ".h"))
			continue;
		src = path_join(from, names.v[i]);
		dst = path_join(to_dir, names.v[i]);
		if (is_regular_file(src))	/* follows links, as a compiler does */
			rc = copy_product(src, dst, 0644);
		free(src);
		free(dst);
	}
	strvec_clear(&names);
	return rc;
}

/* Copy the libraries, and the links that name them, into stage/lib. */
static int keep_libraries(const struct strvec *libs, const struct strvec *links,
			  const char *stage, struct strvec *rel, struct strbuf *names)
{
	char *lib_dir = path_join(stage, "lib");
	struct strvec kept = STRVEC_INIT;
	size_t i;
	int rc = mkdir_p(lib_dir, 0755);

	for (i = 0; !rc && i < libs->nr; i++) {
		const char *base = path_basename(libs->v[i]);
		char *dst;

		if (strvec_contains(&kept, base))
			continue;	/* the same library made twice (e.g. a dist copy) */
		dst = path_join(lib_dir, base);
		rc = copy_product(libs->v[i], dst, 0755);
		free(dst);
		strvec_push(&kept, base);
		strvec_pushf(rel, "lib/%s", base);
		if (names->len)
			strbuf_addstr(names, ", ");
		strbuf_addstr(names, base);
	}
	for (i = 0; !rc && i < links->nr; i++) {
		const char *base = path_basename(links->v[i]);
		char target[PATH_MAX];
		ssize_t n = readlink(links->v[i], target, sizeof(target) - 1);
		char *dst;

		if (n <= 0 || strvec_contains(&kept, base))
			continue;
		target[n] = '\0';
		/* Only links to a kept library in the same directory. */
		if (strchr(target, '/') || !strvec_contains(&kept, target))
			continue;
		dst = path_join(lib_dir, base);
		if (symlink(target, dst) && errno != EEXIST)
			rc = error_errno("cannot create the link '%s'", dst);
		free(dst);
	}
	strvec_clear(&kept);
	free(lib_dir);
	return rc;
}

static int build_toolstack(struct build_ctx *bc, int fd, const char *log,
			   const char *stage, struct strvec *rel)
{
	struct build_result *res = bc->res;
	struct check_result *part = &res->part[1];
	const char *ts = res->layout.toolstack;
	struct strvec libs = STRVEC_INIT, links = STRVEC_INIT;
	struct strbuf names = STRBUF_INIT;
	char *top = path_join(bc->src_tree, ts);
	char *xl = xstrfmt("%s/xl/xl", top);
	char *inc = path_join(top, "include");
	char *to;
	int st, rc = 0;

	if (res->layout.kind == TREE_XEN) {
		struct strvec argv = STRVEC_INIT;

		strvec_push(&argv, "./configure");
		strvec_pushv(&argv, bc->config.configure.v);
		st = run_step(bc, fd, argv.v);
		strvec_clear(&argv);
		if (st < 0) {
			rc = check_errored(part, st, "cannot run ./configure");
			goto out;
		}
		if (st) {
			char *why = reason_from_log(bc, log);

			/* configure fails on what the machine lacks, not on the tree. */
			check_set(part, CHECK_SKIPPED,
				  "toolstack build dependencies absent (%s)", why);
			free(why);
			goto out;
		}
	}
	st = run_make(bc, fd, ts);
	if (st < 0) {
		rc = check_errored(part, st, "cannot run make");
		goto out;
	}
	if (st) {
		char *why = reason_from_log(bc, log);

		check_set(part, CHECK_FAILED, "%s", why);
		free(why);
		goto out;
	}
	rc = find_libraries(top, &libs, &links, 0);
	if (!rc && !libs.nr) {
		check_set(part, CHECK_FAILED, "make succeeded but built no shared library in %s/", ts);
		goto out;
	}
	if (!rc)
		rc = keep_libraries(&libs, &links, stage, rel, &names);
	if (!rc) {
		to = path_join(stage, "include");
		rc = keep_headers(inc, to);
		free(to);
		strvec_push(rel, "include");
	}
	if (!rc && is_regular_file(xl)) {
		char *bin = path_join(stage, "bin");

		rc = mkdir_p(bin, 0755);
		to = path_join(bin, "xl");
		if (!rc)
			rc = copy_product(xl, to, 0755);
		free(to);
		free(bin);
		strvec_push(rel, "bin/xl");
	}
	if (rc)
		check_errored(part, rc, "cannot keep the toolstack's products");
	else
		check_set(part, CHECK_PASSED, "built %s%s", names.buf,
			  is_regular_file(xl) ? " and xl" : "");
out:
	strvec_clear(&libs);
	strvec_clear(&links);
	strbuf_release(&names);
	free(top);
	free(xl);
	free(inc);
	return rc;
}

static int build_component(struct build_ctx *bc, int k)
{
	struct build_result *res = bc->res;
	struct check_result *part = &res->part[k];
	const char *name = component_names[k];
	char *final = path_join(res->dir, name);
	char *stage = xstrfmt("%s/.%s.new", res->dir, name);
	char *log = path_join(stage, "build.log");
	struct strvec rel = STRVEC_INIT;
	long long t0 = preflight_clock_ms();
	int fd = -1, rc;

	rc = remove_tree(stage);
	if (!rc)
		rc = mkdir_p(stage, 0755);
	if (!rc) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
			  0644);
		if (fd < 0)
			rc = error_errno("cannot create '%s'", log);
	}
	if (rc) {
		check_errored(part, rc, "cannot prepare %s", stage);
		goto out;
	}
	say("building the %s of %s (%.12s, Xen %s) with make -j%d", name, bc->o->rev,
	    res->commit, res->version_string, bc->jobs);
	rc = log_printf(fd, "# xenstable build: %s of %s (commit %s, Xen %s)\n", name,
			bc->o->rev, res->commit, res->version_string);
	if (!rc)
		rc = k == 0 ? build_hypervisor(bc, fd, log, stage, &rel)
			    : build_toolstack(bc, fd, log, stage, &rel);
	else
		check_errored(part, rc, "cannot write %s", log);
	part->duration_ms = preflight_clock_ms() - t0;
	if (fsync(fd) && errno != EINVAL)
		rc = check_errored(part, error_errno("cannot sync '%s'", log), "cannot write %s", log);
	close(fd);
	/* Failed builds are kept too: their log is what people read. */
	if (write_component_result(stage, res->commit, res, part,
				   k == 1 ? bc->config_key : "", &rel) ||
	    remove_tree(final)) {
		rc = check_errored(part, -XS_ENV, "cannot record the %s build in %s", name, stage);
		goto out;
	}
	if (rename(stage, final)) {
		rc = check_errored(part, error_errno("cannot rename '%s' to '%s'", stage, final),
				   "cannot record the %s build", name);
		goto out;
	}
	fsync_dir(res->dir);
	record_products(res, k, final, &rel);
out:
	strvec_clear(&rel);
	free(final);
	free(stage);
	free(log);
	return rc;
}

/* --- the whole build --------------------------------------------------- */

static void overall_verdict(struct build_result *res, unsigned want)
{
	struct check_result *c = &res->check;
	struct strbuf sb = STRBUF_INIT;
	int k, failed = -1, errored = -1, passed = 0, reused = 1;

	for (k = 0; k < BUILD_NR_COMPONENTS; k++) {
		struct check_result *p = &res->part[k];

		if (!(want & (1u << k)))
			continue;
		if (p->status == CHECK_FAILED && failed < 0)
			failed = k;
		if (p->status == CHECK_ERROR && errored < 0)
			errored = k;
		if (p->status == CHECK_PASSED) {
			passed++;
			reused &= p->reused;
		}
		strvec_pushv(&c->logs, p->logs.v);
		strvec_pushv(&c->artifacts, p->artifacts.v);
	}
	if (errored >= 0) {
		c->status = CHECK_ERROR;
		c->error_class = res->part[errored].error_class;
		strbuf_addf(&sb, "%s: %s", component_names[errored], res->part[errored].reason);
	} else if (failed >= 0) {
		c->status = CHECK_FAILED;
		strbuf_addf(&sb, "%s failed: %s", component_names[failed], res->part[failed].reason);
	} else {
		c->status = passed ? CHECK_PASSED : CHECK_SKIPPED;
		c->reused = passed && reused;
		for (k = 0; k < BUILD_NR_COMPONENTS; k++) {
			struct check_result *p = &res->part[k];

			if (!(want & (1u << k)))
				continue;
			if (sb.len)
				strbuf_addstr(&sb, "; ");
			/* The verdict says what was built, never whether an
			 * earlier build was reused (that is c->reused): a
			 * release records it, and must not depend on a cache. */
			strbuf_addf(&sb, "%s %s", component_names[k],
				    p->status == CHECK_PASSED ? "built" : "skipped");
			if (p->status == CHECK_SKIPPED)
				strbuf_addf(&sb, ": %s", p->reason ? p->reason : "");
		}
	}
	check_set(c, c->status, "%s", sb.buf);
	strbuf_release(&sb);
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 && n < 1024 ? (int)n : 1;
}

int build_run(const struct build_opts *o, struct build_result *res)
{
	struct build_ctx bc;
	struct repo_lock lk = REPO_LOCK_INIT;
	unsigned want = o->components ? o->components : BUILD_ALL;
	unsigned todo = 0;
	long long t0 = preflight_clock_ms();
	char *lock_path = NULL;
	int rc, k;

	memset(&bc, 0, sizeof(bc));
	bc.o = o;
	bc.res = res;
	bc.jobs = o->jobs > 0 ? o->jobs : online_cpus();
	build_config_init(&bc.config);

	rc = git_resolve_commit(o->src, o->rev, res->commit);
	if (rc == 1)
		rc = check_error(&res->check, XS_INPUT, "%s: no such revision in %s", o->rev,
				 o->src->worktree ? o->src->worktree : o->src->git_dir);
	if (rc < 0) {
		check_errored(&res->check, rc, "cannot resolve %s", o->rev);
		goto out;
	}
	rc = tree_layout_detect(o->src, res->commit, &res->layout);
	if (!rc)
		rc = tree_read_version(o->src, res->commit, &res->layout, &res->version);
	if (rc) {
		check_errored(&res->check, rc, "%s: not a Xen tree with a readable version", o->rev);
		goto out;
	}
	res->version_string = xen_version_string(&res->version);
	if (o->branches) {
		char *name = xstrfmt("%d.%d", res->version.major, res->version.minor);
		const struct branch *b = branch_find(o->branches, name);

		free(name);
		if (b && (rc = build_config_load(&bc.config, b))) {
			check_errored(&res->check, rc, "bad [build] section in %s", b->path);
			goto out;
		}
	}
	if (res->layout.kind == TREE_XEN) {
		struct strbuf key = STRBUF_INIT;
		size_t i;

		strbuf_addstr(&key, "configure");
		for (i = 0; i < bc.config.configure.nr; i++)
			strbuf_addf(&key, " %s", bc.config.configure.v[i]);
		bc.config_key = strbuf_detach(&key, NULL);
	} else {
		bc.config_key = xstrdup("");
	}

	res->dir = xstrfmt("%s/.xenstable/build/%s", o->maint_root, res->commit);
	rc = mkdir_p(res->dir, 0755);
	if (!rc) {
		lock_path = path_join(res->dir, "lock");
		rc = lock_acquire(&lk, lock_path, "xenstable build");
	}
	if (rc) {
		check_errored(&res->check, rc, "cannot prepare %s", res->dir);
		goto out;
	}
	for (k = 0; k < BUILD_NR_COMPONENTS; k++) {
		char *comp_dir;

		if (!(want & (1u << k)))
			continue;
		comp_dir = path_join(res->dir, component_names[k]);
		if (!o->force && try_reuse(&bc, k, comp_dir))
			say("the %s of %s (%.12s) was built and passed before; reusing it "
			    "(--force rebuilds)", component_names[k], o->rev, res->commit);
		else
			todo |= 1u << k;
		free(comp_dir);
	}
	if (todo) {
		bc.export_dir = make_temp_dir("build");
		if (!bc.export_dir) {
			rc = check_errored(&res->check, -XS_ENV, "cannot create a build directory");
			goto out;
		}
		bc.src_tree = xstrdup(bc.export_dir);
		rc = export_tree(o->src, res->commit, bc.src_tree);
		if (rc) {
			check_errored(&res->check, rc, "cannot export %s", o->rev);
			goto out;
		}
		for (k = 0; k < BUILD_NR_COMPONENTS && !rc; k++)
			if (todo & (1u << k))
				rc = build_component(&bc, k);
	}
	overall_verdict(res, want);
	if (rc < 0 && res->check.status != CHECK_ERROR)
		check_errored(&res->check, rc, "the build could not run");
out:
	res->check.duration_ms = preflight_clock_ms() - t0;
	if (bc.export_dir) {
		if (o->keep) {
			res->tree = xstrdup(bc.src_tree);
		} else if (remove_tree(bc.export_dir)) {
			warning("could not remove the build tree %s", bc.export_dir);
		}
	}
	lock_release(&lk);
	free(lock_path);
	free(bc.export_dir);
	free(bc.src_tree);
	free(bc.config_key);
	build_config_release(&bc.config);
	if (rc > 0)
		rc = 0;
	return rc < 0 ? rc : 0;
}
