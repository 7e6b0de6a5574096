/*
 * xenstable xsa: Xen Security Advisories, from intake to the status of
 * every maintained branch.  This file only dispatches.
 */
#include "xsa.h"
#include "../lib/date.h"
#include "../lib/usage.h"
#include "../lib/suggest.h"

#include <ctype.h>

static const struct {
	const char *name;
	cmd_fn fn;
	const char *summary;
} xsa_cmds[] = {
	{ "import", cmd_xsa_import, "verify advisories (files, mails, mboxes) and store them" },
	{ "list", cmd_xsa_list, "the advisories in the store" },
	{ "show", cmd_xsa_show, "one advisory: versions, files, branch ranges, signer" },
	{ "status", cmd_xsa_status, "the XSA x branch matrix: applied, pending, ..." },
	{ "apply", cmd_xsa_apply, "apply pending XSA fixes to a branch (or --all branches)" },
	{ "export", cmd_xsa_export, "the XSA commits since a release as a quilt series" },
	{ "mark", cmd_xsa_mark, "record a judgement: not-affected or needs-backport" },
	{ "index", cmd_xsa_index, "regenerate xsa/xsa.json from the store" },
	{ "history", cmd_xsa_history, "every XSA's fixes on every branch, from the source's history" },
	{ "fixed", cmd_xsa_fixed, "the XSAs fixed (wholly, or in part) at a release or commit" },
	{ "open", cmd_xsa_open, "the known XSAs not fixed at a release or commit" },
	{ "vulns", cmd_xsa_vulns, "OSV, CVE JSON 5 or dyad records of XSAs, from the history" },
};

int xsa_arg_number(const char *s)
{
	long n = 0;

	if (!strncasecmp(s, "XSA-", 4))
		s += 4;
	else if (!strncasecmp(s, "xsa", 3))
		s += 3;
	if (!isdigit((unsigned char)*s) || *s == '0')
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || n > 9999)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return (int)n;
}

int xsa_date_option(const char *s, int64_t *t)
{
	int rc = date_option(s, t);

	if (!rc && strlen(s) == 10)
		*t += 86399;
	return rc;
}

static void xsa_usage(FILE *f)
{
	size_t i;

	fputs("usage: xenstable xsa SUBCOMMAND [ARGS]\n\nsubcommands:\n", f);
	for (i = 0; i < ARRAY_SIZE(xsa_cmds); i++)
		fprintf(f, "    %-8s %s\n", xsa_cmds[i].name, xsa_cmds[i].summary);
	fputs("\nRun 'xenstable xsa SUBCOMMAND --help' for its options.\n", f);
}

int cmd_xsa(int argc, const char **argv, struct xs_ctx *ctx)
{
	size_t i;

	if (argc < 2) {
		xsa_usage(stderr);
		return -XS_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		xsa_usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(xsa_cmds); i++)
		if (!strcmp(argv[1], xsa_cmds[i].name))
			return xsa_cmds[i].fn(argc - 1, argv + 1, ctx);
	xsa_usage(stderr);
	{
		const char *names[ARRAY_SIZE(xsa_cmds) + 1];
		const char *near;

		for (i = 0; i < ARRAY_SIZE(xsa_cmds); i++)
			names[i] = xsa_cmds[i].name;
		names[i] = NULL;
		near = suggest_closest(argv[1], names);
		if (near)
			return error_usage("'%s' is not an xsa subcommand; did you mean '%s'?",
					   argv[1], near);
	}
	return error_usage("'%s' is not an xsa subcommand", argv[1]);
}
