/*
 * xenstable abi: the toolstack libraries' ABI baselines (abi dump) and the
 * check of a branch against the baseline of its last release (abi check).
 * Each sub-command has its own file.
 */
#include "../builtin.h"
#include "../lib/usage.h"
#include "../lib/suggest.h"

static const char abi_usage[] =
	"usage: xenstable abi dump REF [--jobs N] [--force]\n"
	"       xenstable abi check BRANCH [REF] [--jobs N]\n";

int cmd_abi(int argc, const char **argv, struct xs_ctx *ctx)
{
	if (argc >= 2 && !strcmp(argv[1], "dump"))
		return cmd_abi_dump(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_abi_check(argc - 1, argv + 1, ctx);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(abi_usage, stdout);
		return 0;
	}
	fputs(abi_usage, stderr);
	if (argc < 2)
		return error_usage("abi needs a sub-command: dump or check");
	{
		static const char *const names[] = { "dump", "check", NULL };
		const char *near = suggest_closest(argv[1], names);

		if (near)
			return error_usage("abi: unknown sub-command '%s'; did you mean '%s'?",
					   argv[1], near);
	}
	return error_usage("abi: unknown sub-command '%s'", argv[1]);
}
