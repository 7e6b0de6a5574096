/*
 * quote.h: command lines printed for a person to paste into a shell.
 *
 * Every command xenstable prints for someone to run (a push line, "run:
 * xenstable ...", a hint in an error) is built here, one argument at a
 * time, so that pasting it runs exactly those arguments and nothing else:
 *
 *	plain words (only [A-Za-z0-9_./:@%+=,-], never empty) are printed
 *	as they are;
 *	anything else is put in single quotes, a ' inside written '\'';
 *	a newline stays inside the quotes (the shell reads on to the closing
 *	quote, so a pasted newline never ends the command early);
 *	other control characters are written $'\ooo' (bash, zsh, ksh and
 *	POSIX.1-2024 sh), so no terminal escape reaches the screen raw.
 *
 * The program itself is named as "xenstable" when that name on $PATH is
 * this very program, else by its absolute path; the -C and --source the
 * person gave are repeated (absolute) so the line works from where they are.
 */
#ifndef XS_QUOTE_H
#define XS_QUOTE_H

#include "compat.h"
#include "strbuf.h"

/* Append arg, quoted when it needs to be. */
void sq_quote_buf(struct strbuf *dst, const char *arg);
/* Append the arguments of a NULL-terminated vector, space separated. */
void sq_quote_argv(struct strbuf *dst, const char *const *argv);
/* The same for a NULL-terminated list of arguments. */
void sq_quote_argl(struct strbuf *dst, const char *first, ...);

/*
 * Remember how this process was started: argv0 as main() saw it, and the
 * -C directory and --source given on the command line (NULL if none).
 */
void self_cmd_init(const char *argv0, const char *dir, const char *source);
void self_cmd_release(void);
/* Append "xenstable [-C DIR] [--source DIR] ARGS..." (quoted), the
 * arguments a NULL-terminated list. */
void self_cmd(struct strbuf *dst, const char *first, ...);
/* The same, returned malloc()ed (for messages). */
char *self_cmd_str(const char *first, ...);

#endif
