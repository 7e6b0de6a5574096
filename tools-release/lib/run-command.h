/*
 * run-command.h: the only way xenstable starts another program.
 *
 * A child gets an argv vector (never a shell string), an optional list of
 * environment changes and a working directory.  The synchronous form,
 * run_child(), feeds stdin from memory while it collects stdout and stderr,
 * so neither side can block the other.  The streaming form, start_child()
 * and finish_child(), hands the caller pipe ends for long outputs (a tar
 * stream) or conversations (git cat-file --batch).
 *
 * Exit status: 0..255 as the program exited, or 128+N when it died from
 * signal N (as a shell reports it).  A program that could not be started
 * at all gives a negative result (-XS_ENV) after an error naming it.
 * SIGPIPE is ignored while xenstable writes to a child.
 */
#ifndef XS_RUN_COMMAND_H
#define XS_RUN_COMMAND_H

#include "compat.h"
#include "strbuf.h"
#include "strvec.h"

enum child_in {
	CHILD_IN_NULL = 0,	/* /dev/null */
	CHILD_IN_BUF,		/* in_buf/in_len fed by run_child() */
	CHILD_IN_FD,		/* in_fd */
	CHILD_IN_INHERIT,	/* our own stdin */
	CHILD_IN_PIPE,		/* start_child(): write to c->in_pipe */
};

enum child_out {
	CHILD_OUT_CAPTURE = 0,	/* into c->out / c->err */
	CHILD_OUT_INHERIT,	/* our own stdout / stderr */
	CHILD_OUT_FD,		/* out_fd / err_fd */
	CHILD_OUT_NULL,		/* /dev/null */
	CHILD_OUT_PIPE,		/* stdout only, start_child(): read c->out_pipe */
	CHILD_OUT_TO_STDOUT,	/* stderr only: same place as stdout */
};

struct child_process {
	struct strvec args;	/* args.v[0] is looked up in PATH */
	struct strvec env;	/* "NAME=value" sets, "NAME" unsets */
	const char *dir;	/* chdir() here first, when set */

	enum child_in in;
	const char *in_buf;
	size_t in_len;
	int in_fd;

	enum child_out out;
	int out_fd;
	enum child_out err;
	int err_fd;

	/* Kill the child (and its process group) after this long; 0: never. */
	long timeout_ms;
	unsigned new_pgroup:1;	/* put the child in its own process group */
	/*
	 * At most this many bytes of stdout (0: no limit).  When the child
	 * writes more, run_child() stops reading and kills it (its process
	 * group with new_pgroup) at once: a decompression bomb costs no more
	 * than the limit.  stderr is cut at the same size, without a kill.
	 */
	size_t max_output;

	/* Results. */
	struct strbuf out_buf;	/* captured stdout */
	struct strbuf err_buf;	/* captured stderr */
	int timed_out;
	int output_limited;	/* killed at max_output */
	int exec_errno;		/* non-zero when the program could not be run */
	pid_t pid;
	int in_pipe;		/* CHILD_IN_PIPE: our write end, or -1 */
	int out_pipe;		/* CHILD_OUT_PIPE: our read end, or -1 */
	int err_tmp;		/* stderr held in a temporary file while streaming */
};

void child_init(struct child_process *c);
void child_release(struct child_process *c);

/* Run to completion.  Returns the exit status or -XS_ENV. */
int run_child(struct child_process *c);

/* Start; then use in_pipe/out_pipe; then finish_child() for the status. */
int start_child(struct child_process *c);
int finish_child(struct child_process *c);

/* Convenience: run argv (NULL-terminated) capturing stdout into out
 * (appended; may be NULL) with stderr shown to the user on failure only. */
int run_capture(struct strbuf *out, const char *dir, const char *const *argv);

/* First line of a child's stderr, for one-line error reasons. */
const char *child_err_summary(struct child_process *c);

/* Is this program on PATH? */
int program_exists(const char *name);

#endif
