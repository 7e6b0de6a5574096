#include "compat.h"
#include "parse-options.h"
#include "usage.h"

#include <ctype.h>

static const struct option *find_long(const struct option *opts, const char *name,
				      size_t len)
{
	for (; opts->type != OPT_END; opts++)
		if (opts->long_name && strlen(opts->long_name) == len &&
		    !strncmp(opts->long_name, name, len))
			return opts;
	return NULL;
}

static const struct option *find_short(const struct option *opts, char c)
{
	for (; opts->type != OPT_END; opts++)
		if (opts->type != OPT_GROUP && opts->short_name == c)
			return opts;
	return NULL;
}

static int set_value(const struct option *o, const char *arg, const char *spelled)
{
	switch (o->type) {
	case OPT_BOOL:
		*(int *)o->value = 1;
		return 0;
	case OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPT_LIST:
		strvec_push((struct strvec *)o->value, arg);
		return 0;
	case OPT_INT: {
		char *end;
		long v;

		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || !*arg || v < 0 || v > INT_MAX)
			return error_usage("%s expects a non-negative number, not '%s'",
					   spelled, arg);
		*(int *)o->value = (int)v;
		return 0;
	}
	default:
		BUG("bad option type");
	}
}

static int parse_options_1(int argc, const char **argv, const struct option *opts,
			   const char *const *usage);

/* "xenstable xsa import" from "xenstable xsa import PATH... [--keyring FILE]". */
static int command_words(const char *const *usage)
{
	const char *u = usage && usage[0] ? usage[0] : "";
	int n = 0;

	for (;;) {
		size_t w = strcspn(u + n, " ");

		if (!w || !islower((unsigned char)u[n]))
			break;
		n += (int)w;
		if (u[n] != ' ' || !islower((unsigned char)u[n + 1]))
			break;
		n++;
	}
	return n;
}

/* --json, here or before the command, where there is no JSON output. */
static int no_json(const char *const *usage)
{
	int n = command_words(usage);

	return error_usage("%.*s has no JSON output; run it without --json",
			   n, usage && usage[0] ? usage[0] : "this command");
}

int parse_options(int argc, const char **argv, const struct option *opts,
		  const char *const *usage)
{
	int rc = parse_options_1(argc, argv, opts, usage);

	/* A command with JSON output has a "json" option; any other refuses a
	 * global --json instead of printing text where JSON was asked for. */
	if (rc >= 0 && xs_json && !find_long(opts, "json", 4))
		return no_json(usage);
	return rc;
}

static int parse_options_1(int argc, const char **argv, const struct option *opts,
			   const char *const *usage)
{
	int i, nout = 0, only_operands = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct option *o;

		if (only_operands || a[0] != '-' || !a[1]) {
			argv[nout++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_operands = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage_with_options(stdout, usage, opts);
			return PARSE_OPT_HELP;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const char *arg = NULL;

			o = find_long(opts, name, len);
			if (!o && len == 4 && !memcmp(name, "json", 4))
				return no_json(usage);
			if (!o)
				return error_usage("unknown option '--%.*s' (see --help)",
						   (int)len, name);
			if (o->type == OPT_BOOL) {
				if (eq)
					return error_usage("--%s takes no value", o->long_name);
			} else if (eq) {
				arg = eq + 1;
			} else if (i + 1 < argc) {
				arg = argv[++i];
			} else {
				return error_usage("--%s needs a value (%s)", o->long_name,
						   o->argh ? o->argh : "value");
			}
			if (set_value(o, arg, a))
				return -XS_USAGE;
			continue;
		}
		/* Short options: "-q", "-o FILE", "-oFILE". */
		o = find_short(opts, a[1]);
		if (!o)
			return error_usage("unknown option '%s' (see --help)", a);
		if (o->type == OPT_BOOL) {
			if (a[2])
				return error_usage("unknown option '%s' (see --help)", a);
			set_value(o, NULL, a);
		} else if (a[2]) {
			if (set_value(o, a + 2, a))
				return -XS_USAGE;
		} else if (i + 1 < argc) {
			if (set_value(o, argv[++i], a))
				return -XS_USAGE;
		} else {
			return error_usage("%s needs a value", a);
		}
	}
	argv[nout] = NULL;
	return nout;
}

void usage_with_options(FILE *f, const char *const *usage, const struct option *opts)
{
	const char *const *u;

	for (u = usage; *u; u++)
		fprintf(f, "%s %s\n", u == usage ? "usage:" : "   or:", *u);
	if (opts->type == OPT_END)
		return;
	fputc('\n', f);
	for (; opts->type != OPT_END; opts++) {
		char spec[96];
		int n;

		if (opts->type == OPT_GROUP) {
			fprintf(f, "\n%s\n", opts->help);
			continue;
		}
		if (opts->short_name && opts->long_name)
			n = snprintf(spec, sizeof(spec), "-%c, --%s", opts->short_name,
				     opts->long_name);
		else if (opts->short_name)
			n = snprintf(spec, sizeof(spec), "-%c", opts->short_name);
		else
			n = snprintf(spec, sizeof(spec), "--%s", opts->long_name);
		if (n > 0 && (size_t)n < sizeof(spec) && opts->type != OPT_BOOL && opts->argh)
			snprintf(spec + n, sizeof(spec) - (size_t)n, " %s", opts->argh);
		fprintf(f, "    %-28s %s\n", spec, opts->help);
	}
}
