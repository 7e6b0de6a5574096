#include "compat.h"
#include "run-command.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

extern char **environ;

void child_init(struct child_process *c)
{
	memset(c, 0, sizeof(*c));
	strvec_init(&c->args);
	strvec_init(&c->env);
	strbuf_init(&c->out_buf, 0);
	strbuf_init(&c->err_buf, 0);
	c->in_fd = c->out_fd = c->err_fd = -1;
	c->in_pipe = c->out_pipe = c->err_tmp = -1;
	c->pid = -1;
}

void child_release(struct child_process *c)
{
	strvec_clear(&c->args);
	strvec_clear(&c->env);
	strbuf_release(&c->out_buf);
	strbuf_release(&c->err_buf);
	if (c->in_pipe >= 0)
		close(c->in_pipe);
	if (c->out_pipe >= 0)
		close(c->out_pipe);
	if (c->err_tmp >= 0)
		close(c->err_tmp);
	c->in_pipe = c->out_pipe = c->err_tmp = -1;
}

/* The environment for the child: ours with c->env applied. */
static char **build_env(const struct child_process *c)
{
	struct strvec e = STRVEC_INIT;
	char **env;
	size_t i, j;

	for (i = 0; environ && environ[i]; i++) {
		const char *cur = environ[i];
		const char *eq = strchr(cur, '=');
		size_t klen = eq ? (size_t)(eq - cur) : strlen(cur);
		int overridden = 0;

		for (j = 0; j < c->env.nr; j++) {
			const char *m = c->env.v[j];
			size_t mlen = strcspn(m, "=");

			if (mlen == klen && !strncmp(m, cur, klen)) {
				overridden = 1;
				break;
			}
		}
		if (!overridden)
			strvec_push(&e, cur);
	}
	for (j = 0; j < c->env.nr; j++)
		if (strchr(c->env.v[j], '='))
			strvec_push(&e, c->env.v[j]);
	/* Hand the array over; the strings stay owned by it. */
	env = (char **)e.v;
	if (e.v == strvec_empty)
		env = xcalloc(1, sizeof(char *));
	return env;
}

static void free_env(char **env)
{
	size_t i;

	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

static void child_fail(int errfd, int err)
{
	ssize_t XS_UNUSED r = write(errfd, &err, sizeof(err));
	_exit(127);
}

static int open_null(int flags)
{
	return open("/dev/null", flags | O_CLOEXEC);
}

static int make_tmpfile(void)
{
	char tmpl[] = "/tmp/xenstable-err-XXXXXX";
	int fd = mkostemp(tmpl, O_CLOEXEC);

	if (fd >= 0)
		unlink(tmpl);
	return fd;
}

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/*
 * Fork and exec.  On return, *in_w / *out_r / *err_r are our ends of the
 * pipes that were asked for (or -1).
 */
static int spawn(struct child_process *c, int *in_w, int *out_r, int *err_r)
{
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int notify[2] = { -1, -1 };
	int child_in = -1, child_out = -1, child_err = -1;
	char **env;
	pid_t pid;
	int err = 0;
	ssize_t n;

	*in_w = *out_r = *err_r = -1;
	c->exec_errno = 0;
	if (!c->args.nr)
		BUG("spawn with no program");

	switch (c->in) {
	case CHILD_IN_NULL:
		child_in = open_null(O_RDONLY);
		break;
	case CHILD_IN_BUF:
	case CHILD_IN_PIPE:
		if (pipe2(inp, O_CLOEXEC))
			goto fail_errno;
		child_in = inp[0];
		break;
	case CHILD_IN_FD:
		child_in = c->in_fd;
		break;
	case CHILD_IN_INHERIT:
		child_in = 0;
		break;
	}

	switch (c->out) {
	case CHILD_OUT_CAPTURE:
	case CHILD_OUT_PIPE:
		if (pipe2(outp, O_CLOEXEC))
			goto fail_errno;
		child_out = outp[1];
		break;
	case CHILD_OUT_FD:
		child_out = c->out_fd;
		break;
	case CHILD_OUT_NULL:
		child_out = open_null(O_WRONLY);
		break;
	case CHILD_OUT_INHERIT:
	case CHILD_OUT_TO_STDOUT:
		child_out = 1;
		break;
	}

	switch (c->err) {
	case CHILD_OUT_CAPTURE:
		if (c->out == CHILD_OUT_PIPE) {
			/* Streaming: keep stderr in a file so it cannot block. */
			c->err_tmp = make_tmpfile();
			if (c->err_tmp < 0)
				goto fail_errno;
			child_err = c->err_tmp;
		} else {
			if (pipe2(errp, O_CLOEXEC))
				goto fail_errno;
			child_err = errp[1];
		}
		break;
	case CHILD_OUT_FD:
		child_err = c->err_fd;
		break;
	case CHILD_OUT_NULL:
		child_err = open_null(O_WRONLY);
		break;
	case CHILD_OUT_INHERIT:
	case CHILD_OUT_PIPE:
		child_err = 2;
		break;
	case CHILD_OUT_TO_STDOUT:
		child_err = child_out;
		break;
	}

	if (pipe2(notify, O_CLOEXEC))
		goto fail_errno;
	env = build_env(c);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		free_env(env);
		goto fail_errno;
	}
	if (!pid) {
		/* Child: only async-signal-safe calls from here on. */
		signal(SIGPIPE, SIG_DFL);
		if (c->new_pgroup)
			setpgid(0, 0);
		if (dup2(child_in, 0) < 0 || dup2(child_out, 1) < 0 ||
		    dup2(child_err, 2) < 0)
			child_fail(notify[1], errno);
		if (c->dir && chdir(c->dir))
			child_fail(notify[1], errno);
		execvpe(c->args.v[0], (char *const *)c->args.v, env);
		child_fail(notify[1], errno);
	}
	free_env(env);
	c->pid = pid;
	if (c->new_pgroup)
		setpgid(pid, pid);
	close(notify[1]);
	notify[1] = -1;
	do
		n = read(notify[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(notify[0]);

	if (inp[0] >= 0)
		close(inp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (c->in == CHILD_IN_NULL && child_in >= 0)
		close(child_in);
	if (c->out == CHILD_OUT_NULL && child_out >= 0)
		close(child_out);
	if (c->err == CHILD_OUT_NULL && child_err >= 0)
		close(child_err);

	if (n == (ssize_t)sizeof(err)) {
		int st;

		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		c->pid = -1;
		c->exec_errno = err;
		if (inp[1] >= 0)
			close(inp[1]);
		if (outp[0] >= 0)
			close(outp[0]);
		if (errp[0] >= 0)
			close(errp[0]);
		if (err == ENOENT)
			return error_env("cannot run '%s': not found in PATH",
					 c->args.v[0]);
		errno = err;
		return error_errno("cannot run '%s'", c->args.v[0]);
	}
	*in_w = inp[1];
	*out_r = outp[0];
	*err_r = errp[0];
	return 0;

fail_errno:
	err = errno;
	close_pair(inp);
	close_pair(outp);
	close_pair(errp);
	close_pair(notify);
	errno = err;
	return error_errno("cannot start '%s'", c->args.v[0]);
}

static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return error_errno("waitpid");
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kill_child(struct child_process *c)
{
	if (c->pid <= 0)
		return;
	if (c->new_pgroup)
		kill(-c->pid, SIGKILL);
	kill(c->pid, SIGKILL);
}

int run_child(struct child_process *c)
{
	int in_w, out_r, err_r, rc;
	struct sigaction ign, old;
	size_t fed = 0;
	long deadline = c->timeout_ms ? now_ms() + c->timeout_ms : 0;
	char buf[16384];

	if (c->out == CHILD_OUT_PIPE || c->in == CHILD_IN_PIPE)
		BUG("run_child() cannot stream; use start_child()");
	rc = spawn(c, &in_w, &out_r, &err_r);
	if (rc < 0)
		return rc;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);

	if (in_w >= 0 && !c->in_len) {
		close(in_w);
		in_w = -1;
	}
	if (in_w >= 0)
		fcntl(in_w, F_SETFL, fcntl(in_w, F_GETFL) | O_NONBLOCK);

	while (in_w >= 0 || out_r >= 0 || err_r >= 0) {
		struct pollfd pfd[3];
		int nfd = 0, i, wait_ms = -1;

		if (in_w >= 0)
			pfd[nfd++] = (struct pollfd){ in_w, POLLOUT, 0 };
		if (out_r >= 0)
			pfd[nfd++] = (struct pollfd){ out_r, POLLIN, 0 };
		if (err_r >= 0)
			pfd[nfd++] = (struct pollfd){ err_r, POLLIN, 0 };
		if (deadline) {
			long left = deadline - now_ms();

			if (left <= 0) {
				if (!c->timed_out) {
					c->timed_out = 1;
					kill_child(c);
				}
				left = 200;
			}
			wait_ms = (int)left;
		}
		if (poll(pfd, (nfds_t)nfd, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < nfd; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == in_w) {
				ssize_t n = write(in_w, c->in_buf + fed,
						  c->in_len - fed);

				if (n > 0)
					fed += (size_t)n;
				if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
				    fed == c->in_len) {
					close(in_w);
					in_w = -1;
				}
			} else {
				int fd = pfd[i].fd;
				struct strbuf *sb = fd == out_r ? &c->out_buf : &c->err_buf;
				ssize_t n = read(fd, buf, sizeof(buf));

				if (n < 0 && (errno == EINTR || errno == EAGAIN))
					continue;
				if (n <= 0) {
					close(fd);
					if (fd == out_r)
						out_r = -1;
					else
						err_r = -1;
					continue;
				}
				if (c->max_output && fd == out_r &&
				    sb->len + (size_t)n > c->max_output) {
					/* Past the limit: read nothing more, stop the child. */
					strbuf_add(sb, buf, c->max_output - sb->len);
					c->output_limited = 1;
					kill_child(c);
					break;
				}
				if (!c->max_output || sb->len < c->max_output)
					strbuf_add(sb, buf, (size_t)n);
			}
		}
		if (c->output_limited) {
			if (in_w >= 0)
				close(in_w);
			if (out_r >= 0)
				close(out_r);
			if (err_r >= 0)
				close(err_r);
			in_w = out_r = err_r = -1;
		}
	}
	sigaction(SIGPIPE, &old, NULL);

	if (deadline && !c->timed_out) {
		/* Output closed; the child may still linger. */
		int st;

		while (waitpid(c->pid, &st, WNOHANG) == 0) {
			if (now_ms() > deadline) {
				c->timed_out = 1;
				kill_child(c);
				break;
			}
			usleep(10000);
		}
		if (!c->timed_out) {
			c->pid = -1;
			if (WIFEXITED(st))
				return WEXITSTATUS(st);
			if (WIFSIGNALED(st))
				return 128 + WTERMSIG(st);
			return 255;
		}
	}
	rc = wait_status(c->pid);
	c->pid = -1;
	return rc;
}

int start_child(struct child_process *c)
{
	int in_w, out_r, err_r, rc;

	if (c->in == CHILD_IN_BUF)
		BUG("start_child() cannot feed a buffer; use CHILD_IN_PIPE");
	if (c->err == CHILD_OUT_CAPTURE && c->out != CHILD_OUT_PIPE)
		BUG("start_child() captures stderr only with a stdout pipe");
	rc = spawn(c, &in_w, &out_r, &err_r);
	if (rc < 0)
		return rc;
	c->in_pipe = in_w;
	c->out_pipe = out_r;
	if (err_r >= 0)
		close(err_r);
	return 0;
}

int finish_child(struct child_process *c)
{
	struct sigaction ign, old;
	int rc;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (c->in_pipe >= 0) {
		close(c->in_pipe);
		c->in_pipe = -1;
	}
	if (c->out_pipe >= 0) {
		/* Drain so the child is not stuck writing. */
		char buf[8192];

		while (read(c->out_pipe, buf, sizeof(buf)) > 0)
			;
		close(c->out_pipe);
		c->out_pipe = -1;
	}
	sigaction(SIGPIPE, &old, NULL);
	rc = c->pid > 0 ? wait_status(c->pid) : -XS_ENV;
	c->pid = -1;
	if (c->err_tmp >= 0) {
		if (lseek(c->err_tmp, 0, SEEK_SET) == 0)
			strbuf_read_fd(&c->err_buf, c->err_tmp, 1 << 20);
		close(c->err_tmp);
		c->err_tmp = -1;
	}
	return rc;
}

int run_capture(struct strbuf *out, const char *dir, const char *const *argv)
{
	struct child_process c;
	int rc;

	child_init(&c);
	strvec_pushv(&c.args, argv);
	c.dir = dir;
	rc = run_child(&c);
	if (rc > 0 && c.err_buf.len)
		fprintf(stderr, "%s", c.err_buf.buf);
	if (out)
		strbuf_addbuf(out, &c.out_buf);
	child_release(&c);
	return rc;
}

const char *child_err_summary(struct child_process *c)
{
	static __thread char line[512];	/* callers may be threads */
	const char *s = c->err_buf.buf;
	size_t n;

	while (*s == '\n')
		s++;
	n = strcspn(s, "\n");
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, s, n);
	line[n] = '\0';
	return line;
}

int program_exists(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		int w = snprintf(buf, sizeof(buf), "%.*s/%s", (int)n,
				 path, name);

		if (w > 0 && (size_t)w < sizeof(buf) && access(buf, X_OK) == 0)
			return 1;
		path += n;
		if (*path)
			path++;
	}
	return 0;
}
