#include "compat.h"
#include "boot.h"
#include "branch.h"
#include "git.h"
#include "build.h"
#include "fs.h"
#include "lock.h"
#include "run-command.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>
#include <zlib.h>

#define QEMU_DEFAULT "qemu-system-x86_64"

int boot_find_version(const char *console, size_t len, char **version)
{
	static const char mark[] = "Xen version ";
	const char *line;
	size_t pos = 0, n, m = sizeof(mark) - 1, i;

	*version = NULL;
	while (next_line(console, len, &pos, &line, &n)) {
		for (i = 0; i + m <= n; i++) {
			size_t s, e;

			if (memcmp(line + i, mark, m))
				continue;
			s = e = i + m;
			while (e < n && line[e] != ' ' && line[e] != '\t' && line[e] != '\r')
				e++;
			if (e == s)
				continue;
			*version = xmemdupz(line + s, e - s);
			return 1;
		}
	}
	return 0;
}

/* qemu's option parser splits at commas; a literal comma is doubled. */
static void add_qemu_path(struct strbuf *sb, const char *path)
{
	for (; *path; path++) {
		if (*path == ',')
			strbuf_addch(sb, ',');
		strbuf_addch(sb, *path);
	}
}

/* A gzip'ed image (xen.gz) is unpacked next to the logs: qemu wants ELF. */
static int gunzip_image(const char *from, const char *to)
{
	gzFile gz = gzopen(from, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	int n, rc = 0;

	if (!gz)
		return error_errno("cannot open '%s'", from);
	while ((n = gzread(gz, buf, sizeof(buf))) > 0) {
		strbuf_add(&sb, buf, (size_t)n);
		if (sb.len > (256u << 20)) {
			n = -1;
			break;
		}
	}
	if (n < 0)
		rc = error_input("%s: not a readable gzip image", from);
	gzclose(gz);
	if (!rc)
		rc = write_file_atomic(to, sb.buf, sb.len, 0644);
	strbuf_release(&sb);
	return rc;
}

static int is_gzip(const char *path)
{
	unsigned char m[2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, m, 2);
	close(fd);
	return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

int boot_image(const struct boot_opts *o, struct check_result *r, char **seen)
{
	const char *qemu = getenv("XENSTABLE_QEMU");
	long timeout = o->timeout_ms > 0 ? o->timeout_ms : BOOT_DEFAULT_TIMEOUT_S * 1000L;
	char *console = path_join(o->log_dir, "console.log");
	char *console_new = path_join(o->log_dir, ".console.log.new");
	char *qemu_log = path_join(o->log_dir, "qemu.log");
	char *unpacked = NULL, *version = NULL;
	const char *image = o->image;
	struct child_process c;
	struct strbuf arg = STRBUF_INIT, text = STRBUF_INIT;
	long long t0 = preflight_clock_ms();
	int st, rc, qfd;

	if (!qemu || !*qemu)
		qemu = QEMU_DEFAULT;
	if (seen)
		*seen = NULL;
	child_init(&c);
	rc = mkdir_p(o->log_dir, 0755);
	if (rc) {
		check_errored(r, rc, "cannot create %s", o->log_dir);
		goto out;
	}
	if (!is_regular_file(image)) {
		rc = check_error(r, XS_INPUT, "%s: no hypervisor image", image);
		goto out;
	}
	if (is_gzip(image)) {
		unpacked = path_join(o->log_dir, "xen.unpacked");
		rc = gunzip_image(image, unpacked);
		if (rc) {
			check_errored(r, rc, "cannot unpack %s", image);
			goto out;
		}
		image = unpacked;
	}
	if (!program_exists(qemu)) {
		rc = check_error(r, XS_ENV, "%s not found: install qemu-system-x86 "
				 "(tools-release/deps.sh check)", qemu);
		goto out;
	}
	qfd = open(qemu_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (qfd < 0) {
		rc = check_errored(r, error_errno("cannot create '%s'", qemu_log),
				   "cannot write %s", qemu_log);
		goto out;
	}
	unlink(console_new);
	strbuf_addstr(&arg, "file:");
	add_qemu_path(&arg, console_new);
	strvec_pushl(&c.args, qemu, "-accel", "tcg", "-kernel", image, "-nographic",
		     "-serial", arg.buf, "-monitor", "none", "-no-reboot", "-nic", "none",
		     NULL);
	if (o->kind == TREE_REFERENCE)
		strvec_pushl(&c.args, "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", NULL);
	else
		strvec_pushl(&c.args, "-append", "console=com1", "-m", "512", NULL);
	c.dir = o->log_dir;
	c.in = CHILD_IN_NULL;
	c.out = CHILD_OUT_FD;
	c.out_fd = qfd;
	c.err = CHILD_OUT_TO_STDOUT;
	c.timeout_ms = timeout;
	c.new_pgroup = 1;
	say("booting %s under qemu (TCG), at most %ld s", o->image, timeout / 1000);
	st = run_child(&c);
	close(qfd);
	r->duration_ms = preflight_clock_ms() - t0;
	if (st < 0) {
		rc = check_errored(r, st, "cannot run %s", qemu);
		goto out;
	}
	/* Keep what the console said, whatever happened. */
	if (path_exists(console_new)) {
		if (rename(console_new, console)) {
			rc = check_errored(r, error_errno("cannot rename '%s'", console_new),
					   "cannot keep the console log");
			goto out;
		}
	} else {
		write_file_atomic(console, "", 0, 0644);
	}
	strvec_push(&r->logs, console);
	strvec_push(&r->logs, qemu_log);
	rc = read_file(&text, console, 64u << 20);
	if (rc) {
		check_errored(r, rc, "cannot read %s", console);
		goto out;
	}
	boot_find_version(text.buf, text.len, &version);
	if (!version) {
		if (c.timed_out)
			check_set(r, CHECK_FAILED, "no 'Xen version' banner on the serial console "
				  "within %ld s (qemu stopped)", timeout / 1000);
		else
			check_set(r, CHECK_FAILED, "no 'Xen version' banner on the serial console "
				  "(qemu exited with status %d; see %s)", st, qemu_log);
	} else if (strcmp(version, o->expect)) {
		check_set(r, CHECK_FAILED, "the console says Xen version %s, expected %s",
			  version, o->expect);
	} else if (o->kind == TREE_REFERENCE && c.timed_out) {
		check_set(r, CHECK_FAILED, "Xen %s booted but did not finish its self-test "
			  "within %ld s (qemu stopped)", version, timeout / 1000);
	} else if (o->kind == TREE_REFERENCE && st == 3) {
		check_set(r, CHECK_FAILED, "Xen %s booted but its hypercall self-test failed",
			  version);
	} else if (o->kind == TREE_REFERENCE && st != 1) {
		check_set(r, CHECK_FAILED, "Xen %s booted but qemu exited with status %d, "
			  "not through isa-debug-exit", version, st);
	} else {
		check_set(r, CHECK_PASSED, "booted; the console says Xen version %s%s", version,
			  o->kind == TREE_REFERENCE ? " and the self-test passed" :
			  c.timed_out ? " (qemu stopped at the time limit)" : "");
	}
	if (seen) {
		*seen = version;
		version = NULL;
	}
out:
	if (r->duration_ms == 0)
		r->duration_ms = preflight_clock_ms() - t0;
	if (unpacked)
		unlink(unpacked);
	child_release(&c);
	strbuf_release(&arg);
	strbuf_release(&text);
	free(version);
	free(unpacked);
	free(console);
	free(console_new);
	free(qemu_log);
	return rc;
}

static void copy_verdict(struct check_result *to, const struct check_result *from)
{
	to->status = from->status;
	to->error_class = from->error_class;
	free(to->reason);
	to->reason = from->reason ? xstrdup(from->reason) : NULL;
	to->duration_ms = from->duration_ms;
	to->reused = from->reused;
	strvec_pushv(&to->logs, from->logs.v);
	strvec_pushv(&to->artifacts, from->artifacts.v);
}

int boot_check_run(const struct boot_check_opts *o, struct check_result *r)
{
	struct build_opts bo;
	struct build_result res;
	struct boot_opts b;
	struct repo_lock lk = REPO_LOCK_INIT;
	char *log_dir = NULL, *lock_path = NULL;
	int rc;

	memset(&bo, 0, sizeof(bo));
	bo.src = o->src;
	bo.rev = o->rev;
	bo.maint_root = o->maint_root;
	bo.branches = o->branches;
	bo.components = BUILD_HYPERVISOR;
	bo.jobs = o->jobs;
	bo.force = o->force_build;
	build_result_init(&res);
	rc = build_run(&bo, &res);
	if (o->build)
		copy_verdict(o->build, &res.check);
	if (res.check.status == CHECK_ERROR) {
		check_errored(r, rc, "cannot build %s: %s", o->rev,
			      res.check.reason ? res.check.reason : "");
		goto out;
	}
	if (res.check.status != CHECK_PASSED || !res.hypervisor_image) {
		check_set(r, CHECK_FAILED, "the hypervisor of %s did not build: %s", o->rev,
			  res.part[0].reason ? res.part[0].reason : "no image");
		strvec_pushv(&r->logs, res.check.logs.v);
		goto out;
	}
	if (o->tag_version && strcmp(res.version_string, o->tag_version)) {
		check_set(r, CHECK_FAILED, "%s names Xen %s, but %s at it says Xen %s",
			  o->rev, o->tag_version, res.layout.makefile, res.version_string);
		goto out;
	}
	/* One boot of a commit at a time: they share the console log. */
	lock_path = path_join(res.dir, "lock");
	rc = lock_acquire(&lk, lock_path, "xenstable boot-check");
	if (rc) {
		check_errored(r, rc, "cannot lock %s", res.dir);
		goto out;
	}
	log_dir = path_join(res.dir, "boot");
	memset(&b, 0, sizeof(b));
	b.image = res.hypervisor_image;
	b.kind = res.layout.kind;
	b.expect = o->expect ? o->expect : o->tag_version ? o->tag_version :
		   res.version_string;
	b.timeout_ms = o->timeout_ms;
	b.log_dir = log_dir;
	rc = boot_image(&b, r, NULL);
	strvec_push(&r->artifacts, res.hypervisor_image);
out:
	lock_release(&lk);
	free(lock_path);
	free(log_dir);
	build_result_release(&res);
	return rc;
}

/* "X.Y.Z" with digits only. */
static int is_point_version(const char *s)
{
	int dots = 0;

	if (!isdigit((unsigned char)*s))
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (!isdigit((unsigned char)s[1]))
				return 0;
			dots++;
		} else if (!isdigit((unsigned char)*s)) {
			return 0;
		}
	}
	return dots == 2;
}

char *boot_tag_version(const struct git_repo *src, const struct branch_set *bs,
		       const char *ref)
{
	const char *name = ref;
	char *tref, *version = NULL;
	size_t i;
	int pt;

	if (!skip_prefix(ref, "refs/tags/", &name))
		skip_prefix(ref, "tags/", &name);
	tref = xstrfmt("refs/tags/%s", name);
	if (git_ref_exists(src, tref) != 1 || !bs) {
		free(tref);
		return NULL;
	}
	free(tref);
	for (i = 0; i < bs->nr && !version; i++)
		if (branch_tag_point(&bs->v[i], name, &pt))
			version = xstrfmt("%d.%d.%d", bs->v[i].major, bs->v[i].minor, pt);
	/* A release of a branch not (or no longer) in branches/: the same
	 * tag format around any X.Y.Z. */
	for (i = 0; i < bs->nr && !version; i++) {
		const char *fmt = bs->v[i].tag_format, *v = strstr(fmt, "%v");
		size_t pre, post, n = strlen(name);

		if (!v || strstr(v + 2, "%"))
			continue;
		pre = (size_t)(v - fmt);
		post = strlen(v + 2);
		if (n > pre + post && !strncmp(name, fmt, pre) &&
		    !strcmp(name + n - post, v + 2) && !memchr(fmt, '%', pre)) {
			char *cand = xmemdupz(name + pre, n - pre - post);

			if (is_point_version(cand))
				version = cand;
			else
				free(cand);
		}
	}
	return version;
}
