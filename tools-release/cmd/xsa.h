/*
 * cmd/xsa.h: the sub-commands of "xenstable xsa", one file each.
 * argv[0] is the sub-command's name.
 */
#ifndef XS_CMD_XSA_H
#define XS_CMD_XSA_H

#include "../builtin.h"

int cmd_xsa_import(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_list(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_show(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_status(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_mark(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_index(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_apply(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_export(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_history(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_fixed(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_open(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_xsa_vulns(int argc, const char **argv, struct xs_ctx *ctx);

/*
 * --date: a day means its end (an XSA public at 12:00 that day is public
 * on that day), a time means that time.  Reports usage errors.
 */
int xsa_date_option(const char *s, int64_t *t);

/* "484", "XSA-484", "xsa484" -> 484; -1 if it is none of those. */
int xsa_arg_number(const char *s);

#endif
