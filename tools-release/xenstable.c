/*
 * xenstable: stable-branch maintenance for the Xen hypervisor.
 *
 * main() reads the global options, finds the command in the dispatch
 * table and runs it.  Everything a command prints on stdout is flushed
 * and checked before the process exits.
 */
#include "builtin.h"
#include "lib/fs.h"
#include "lib/parse-options.h"
#include "lib/strbuf.h"
#include "lib/usage.h"
#include "lib/xalloc.h"

#include <signal.h>
#include <sys/resource.h>

const struct cmd_struct xs_commands[] = {
	{ "abi", cmd_abi, CMD_NEEDS_REPO, "toolstack library ABI: dump a release's baseline, check a branch" },
	{ "boot-check", cmd_boot_check, CMD_NEEDS_REPO, "boot the built hypervisor; check the version it reports" },
	{ "build", cmd_build, CMD_NEEDS_REPO, "build the tree at a revision; keep its log and products" },
	{ "bundle", cmd_bundle, CMD_NEEDS_REPO, "predisclosure backport bundles: create, verify, apply, list" },
	{ "help", cmd_help, 0, "show help for a command" },
	{ "release", cmd_release, CMD_NEEDS_REPO, "cut a signed stable release; list the branches due" },
	{ "report", cmd_report, CMD_NEEDS_REPO, "write the status page (support timeline, XSA matrix, releases)" },
	{ "support", cmd_support, CMD_NEEDS_REPO, "branch support matrix; import dates from SUPPORT.md" },
	{ "tarball", cmd_tarball, 0, "reproducible release tarball of a tag; --check a tarball" },
	{ "upstream", cmd_upstream, CMD_NEEDS_REPO, "create the reference upstream repository" },
	{ "verify", cmd_verify, CMD_NEEDS_REPO, "check a release tag, its artifacts or an upstream tarball" },
	{ "version", cmd_version, 0, "print xenstable's version" },
	{ "xsa", cmd_xsa, CMD_NEEDS_REPO, "Xen Security Advisories: import, status, marks" },
	{ NULL, NULL, 0, NULL },
};

const struct cmd_struct *find_command(const char *name)
{
	const struct cmd_struct *c;

	for (c = xs_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static const char main_usage[] =
	"usage: xenstable [-C DIR] [--source DIR] [--json] [--quiet] COMMAND [ARGS]\n"
	"       xenstable --version | help [COMMAND]\n";

static void print_main_help(FILE *f)
{
	const struct cmd_struct *c;

	fputs(main_usage, f);
	fputs("\ncommands:\n", f);
	for (c = xs_commands; c->name; c++)
		fprintf(f, "    %-12s %s\n", c->name, c->summary);
	fputs("\nglobal options:\n"
	      "    -C DIR          the maintenance repository (default: current directory)\n"
	      "    --source DIR    the git repository with the stable branches\n"
	      "                    (default: $XENSTABLE_SOURCE, else DIR/.xenstable/upstream)\n"
	      "    --json          machine-readable output (read-only commands)\n"
	      "    --quiet, -q     no progress messages\n"
	      "\nSee xenstable(1) for files and exit codes.\n", f);
}

int cmd_help(int argc, const char **argv, struct xs_ctx *ctx)
{
	const struct cmd_struct *c;
	const char *sub[] = { NULL, "--help", NULL };

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_main_help(stdout);
		return 0;
	}
	c = find_command(argv[1]);
	if (!c)
		return error_usage("no command '%s' (see 'xenstable help')", argv[1]);
	sub[0] = c->name;
	return c->fn(2, sub, ctx);
}

static const char *const version_usage[] = {
	"xenstable version",
	NULL
};

int cmd_version(int argc, const char **argv, struct xs_ctx *ctx)
{
	struct option opts[] = { OPT_END_() };

	(void)ctx;
	argc = parse_options(argc, argv, opts, version_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc)
		return error_usage("unexpected argument '%s'", argv[0]);
	printf("xenstable %s\n", XENSTABLE_VERSION);
	return 0;
}

/* Bench hook: $XENSTABLE_RUSAGE set prints our peak memory, children apart. */
static void report_rusage(void)
{
	struct rusage self, kids;

	if (!getenv("XENSTABLE_RUSAGE"))
		return;
	if (getrusage(RUSAGE_SELF, &self) || getrusage(RUSAGE_CHILDREN, &kids))
		return;
	fprintf(stderr, "xenstable: rusage: maxrss_kib=%ld children_maxrss_kib=%ld\n",
		self.ru_maxrss, kids.ru_maxrss);
}

/* Make sure fds 0-2 are open so no file we open lands on them. */
static void sanitize_stdfds(void)
{
	int fd = open("/dev/null", O_RDWR);

	while (fd >= 0 && fd <= 2)
		fd = dup(fd);
	if (fd > 2)
		close(fd);
}

int main(int argc, const char **argv)
{
	struct xs_ctx ctx = { NULL, NULL, REPO_LOCK_INIT, REPO_LOCK_INIT };
	const char *dir = NULL;
	const struct cmd_struct *c;
	int i, rc;

	sanitize_stdfds();
	/* Writes to a closed pipe give EPIPE, handled by finish_stdout(). */
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit (ulimit -f) gives EFBIG, reported like a full disk,
	 * instead of killing the process mid-write; children inherit it. */
	signal(SIGXFSZ, SIG_IGN);
	ctx.source = getenv("XENSTABLE_SOURCE");

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-')
			break;
		if (!strcmp(a, "-C") || !strcmp(a, "--source")) {
			if (i + 1 >= argc)
				return exit_code(error_usage("%s needs a directory", a));
			if (a[1] == 'C')
				dir = argv[++i];
			else
				ctx.source = argv[++i];
		} else if (starts_with(a, "--source=")) {
			ctx.source = a + 9;
		} else if (!strcmp(a, "--json")) {
			xs_json = 1;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			xs_quiet = 1;
		} else if (!strcmp(a, "--version")) {
			printf("xenstable %s\n", XENSTABLE_VERSION);
			return exit_code(finish_stdout(0));
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_main_help(stdout);
			return exit_code(finish_stdout(0));
		} else {
			fputs(main_usage, stderr);
			return exit_code(error_usage("unknown global option '%s'", a));
		}
	}
	if (i >= argc) {
		fputs(main_usage, stderr);
		return XS_USAGE;
	}
	c = find_command(argv[i]);
	if (!c) {
		fputs(main_usage, stderr);
		return exit_code(error_usage("'%s' is not a xenstable command (see 'xenstable help')",
					     argv[i]));
	}
	if (dir && !is_dir(dir))
		return exit_code(error_env("-C %s: no such directory", dir));
	ctx.repo = path_realpath(dir ? dir : ".");
	if (c->flags & CMD_NEEDS_REPO) {
		char *b = ctx_path(&ctx, "branches");
		int ok = is_dir(b);
		int help = 0, k;

		/* --help anywhere (after a sub-command too) needs no repository. */
		for (k = i + 1; k < argc && strcmp(argv[k], "--"); k++)
			if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h"))
				help = 1;

		free(b);
		if (!ok && !help) {
			rc = error_env("%s is not a xenstable maintenance repository "
				       "(no branches/ directory); use -C DIR", ctx.repo);
			free(ctx.repo);
			return exit_code(rc);
		}
	}
	rc = c->fn(argc - i, argv + i, &ctx);
	report_rusage();
	lock_release(&ctx.lock);
	lock_release(&ctx.source_lock);
	free(ctx.repo);
	return exit_code(finish_stdout(rc));
}
