/* xl: parse the command line and run one subcommand. */
#include <stdio.h>
#include <string.h>

#include "xl.h"

libxl_ctx *ctx;

static const struct cmd_spec {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const char *args;
} cmd_table[] = {
    { "create", main_create, "Create a domain from a config file",
      "<ConfigFile>" },
    { "info",   main_info,   "Show the version of a hypervisor image",
      "[-j|--json] [--image PATH]" },
    { "list",   main_list,   "List domains", "" },
};

static const struct cmd_spec *find_command(const char *name)
{
    size_t i;

    for ( i = 0; i < ARRAY_SIZE(cmd_table); i++ )
        if ( !strcmp(cmd_table[i].name, name) )
            return &cmd_table[i];

    return NULL;
}

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "Usage: xl [--version] <subcommand> [args]\n\n");
    for ( i = 0; i < ARRAY_SIZE(cmd_table); i++ )
        fprintf(out, " %-10s %s\n", cmd_table[i].name, cmd_table[i].summary);
}

int help(const char *command)
{
    const struct cmd_spec *cmd = find_command(command);

    fprintf(stderr, "Usage: xl %s %s\n", command, cmd ? cmd->args : "");
    return 2;
}

int main(int argc, char **argv)
{
    const struct cmd_spec *cmd;
    int rc;

    if ( argc < 2 )
    {
        usage(stderr);
        return 2;
    }
    if ( !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") )
    {
        usage(stdout);
        return 0;
    }

    cmd = find_command(argv[1]);
    if ( cmd == NULL && strcmp(argv[1], "--version") )
    {
        fprintf(stderr, "xl: unknown subcommand '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }

    if ( libxl_ctx_alloc(&ctx) )
    {
        fprintf(stderr, "xl: cannot allocate a libxl context\n");
        return 1;
    }

    if ( cmd == NULL )
    {
        printf("xl %s\n", libxl_get_version_info(ctx)->xen_version);
        rc = 0;
    }
    else
        rc = cmd->fn(argc - 1, argv + 1);

    libxl_ctx_free(ctx);
    return rc;
}
