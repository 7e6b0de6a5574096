/*
 * parse-options.h: one option parser for every command.
 *
 * A command declares its options in a table; parse_options() fills the
 * variables, leaves the operands in argv (returning their count) and
 * answers --help by printing the usage lines and the option list built
 * from the same table, so --help cannot drift from what is parsed.
 *
 * Long options take "--name value" or "--name=value"; "--" ends options.
 * An unknown option or a missing value is a usage error (exit 2).
 */
#ifndef XS_PARSE_OPTIONS_H
#define XS_PARSE_OPTIONS_H

#include "compat.h"
#include "strvec.h"

enum opt_type {
	OPT_END = 0,
	OPT_BOOL,	/* int *: set to 1 */
	OPT_STRING,	/* const char **: last one wins */
	OPT_INT,	/* int *: decimal, >= 0 */
	OPT_LIST,	/* struct strvec *: every occurrence appended */
	OPT_GROUP,	/* heading in --help */
};

struct option {
	enum opt_type type;
	const char *long_name;
	char short_name;
	void *value;
	const char *argh;	/* name of the argument in help, e.g. "DATE" */
	const char *help;
};

#define OPT_BOOL_(l, s, v, h)		{ OPT_BOOL, (l), (s), (v), NULL, (h) }
#define OPT_STRING_(l, s, v, a, h)	{ OPT_STRING, (l), (s), (v), (a), (h) }
#define OPT_INT_(l, s, v, a, h)		{ OPT_INT, (l), (s), (v), (a), (h) }
#define OPT_LIST_(l, s, v, a, h)	{ OPT_LIST, (l), (s), (v), (a), (h) }
#define OPT_GROUP_(h)			{ OPT_GROUP, NULL, 0, NULL, NULL, (h) }
#define OPT_END_()			{ OPT_END, NULL, 0, NULL, NULL, NULL }

/*
 * Parse argv[1..argc) (argv[0] is the command name).  Returns the number
 * of operands now in argv[0..n), or -XS_USAGE after an error, or
 * PARSE_OPT_HELP when --help was shown.
 */
#define PARSE_OPT_HELP (-1000)
/* What a command returns when parse_options() gave n < 0. */
#define PARSE_OPT_EXIT(n) ((n) == PARSE_OPT_HELP ? 0 : (n))
int parse_options(int argc, const char **argv, const struct option *opts,
		  const char *const *usage);
void usage_with_options(FILE *f, const char *const *usage, const struct option *opts);

#endif
