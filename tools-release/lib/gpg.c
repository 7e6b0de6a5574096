#include "compat.h"
#include "gpg.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <signal.h>

static const char *gpg_program(void)
{
	const char *p = getenv("XENSTABLE_GPG");

	return p && *p ? p : "gpg";
}

void gpg_init(struct gpg_ctx *g, const char *homedir)
{
	g->homedir = homedir ? xstrdup(homedir) : NULL;
	g->temporary = 0;
	g->sig_time = 0;
}

/* The file in a temporary homedir naming the process that made it. */
#define OWNER_FILE "xenstable.pid"

/* Stop the agent of a homedir (it is started by gpg as needed). */
static void kill_agent(const char *homedir)
{
	struct child_process c;

	child_init(&c);
	strvec_pushl(&c.args, "gpgconf", "--homedir", homedir, "--kill", "all", NULL);
	c.err = CHILD_OUT_NULL;
	c.out = CHILD_OUT_NULL;
	run_child(&c);
	child_release(&c);
}

/*
 * Temporary homedirs whose xenstable is gone (killed: SIGKILL, a power
 * cut, ^C) keep their keys and a running gpg-agent.  Each run that makes
 * one first stops and removes those of processes that no longer exist:
 * ours (same owner), named xenstable-gnupg-*, whose owner file names a
 * dead pid, or without one after an hour (made by an older xenstable).
 */
static void sweep_stale_homes(const char *tmp)
{
	DIR *d = opendir(tmp);
	struct dirent *de;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		char *home, *owner;
		int stale = 0;

		if (strncmp(de->d_name, "xenstable-gnupg-", 16))
			continue;
		home = path_join(tmp, de->d_name);
		owner = path_join(home, OWNER_FILE);
		if (!lstat(home, &st) && S_ISDIR(st.st_mode) && st.st_uid == geteuid()) {
			int fd = open(owner, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

			if (fd >= 0) {
				char buf[32];
				ssize_t n = read(fd, buf, sizeof(buf) - 1);
				long v;

				close(fd);
				buf[n > 0 ? n : 0] = '\0';
				v = strtol(buf, NULL, 10);
				stale = v > 0 && kill((pid_t)v, 0) && errno == ESRCH;
			} else {
				stale = errno == ENOENT && now - st.st_mtime > 3600;
			}
		}
		if (stale) {
			kill_agent(home);
			remove_tree(home);
		}
		free(owner);
		free(home);
	}
	closedir(d);
}

int gpg_init_temporary(struct gpg_ctx *g)
{
	const char *tmp = getenv("TMPDIR");
	char *owner, pid[32];
	int rc;

	sweep_stale_homes(tmp && *tmp ? tmp : "/tmp");
	g->homedir = make_temp_dir("gnupg");
	g->temporary = 1;
	g->sig_time = 0;
	if (!g->homedir)
		return -XS_ENV;
	if (chmod(g->homedir, 0700))
		return error_errno("cannot protect '%s'", g->homedir);
	owner = path_join(g->homedir, OWNER_FILE);
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	rc = write_file_atomic(owner, pid, strlen(pid), 0600);
	free(owner);
	return rc;
}

void gpg_release(struct gpg_ctx *g)
{
	if (g->temporary && g->homedir) {
		/* Stop any agent started for this homedir before removing it. */
		kill_agent(g->homedir);
		remove_tree(g->homedir);
	}
	free(g->homedir);
	g->homedir = NULL;
	g->temporary = 0;
}

/* One gpg invocation with its private status file. */
struct gpg_run {
	char *tmp;
	char *status_path;
	struct child_process c;
	struct strbuf status;
};

int gpg_check_home(const struct gpg_ctx *g)
{
	const char *env = getenv("GNUPGHOME"), *from;
	char *dir;
	struct stat st;
	int rc = 0;

	if (g->homedir)
		return 0;
	if (env && *env) {
		dir = xstrdup(env);
		from = "$GNUPGHOME";
	} else {
		const char *home = getenv("HOME");

		if (!home || !*home)
			return error_env("no gpg keyring: neither GNUPGHOME nor HOME is set");
		dir = path_join(home, ".gnupg");
		from = "~/.gnupg, as GNUPGHOME is not set";
	}
	if (stat(dir, &st))
		rc = error_env("gpg home '%s' (%s): %s; set GNUPGHOME to the directory that "
			       "holds your keys", dir, from,
			       errno == ENOENT ? "no such directory" : strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		rc = error_env("gpg home '%s' (%s) is not a directory; set GNUPGHOME to the "
			       "directory that holds your keys", dir, from);
	else if (access(dir, R_OK | X_OK))
		rc = error_env("gpg home '%s' (%s) cannot be read: %s", dir, from, strerror(errno));
	free(dir);
	return rc;
}

static int run_start(struct gpg_run *r, struct gpg_ctx *g)
{
	int rc;

	memset(r, 0, sizeof(*r));
	strbuf_init(&r->status, 0);
	/* gpg takes a missing keyring for an empty one, and every signature
	 * then looks made by an unknown key: say what is really wrong. */
	rc = gpg_check_home(g);
	if (rc)
		return rc;
	r->tmp = make_temp_dir("gpg");
	if (!r->tmp)
		return -XS_ENV;
	r->status_path = path_join(r->tmp, "status");
	child_init(&r->c);
	strvec_push(&r->c.env, "LC_ALL=C");
	strvec_push(&r->c.env, "LANGUAGE=C");
	strvec_push(&r->c.args, gpg_program());
	strvec_pushl(&r->c.args, "--batch", "--no-tty", "--no-greeting",
		     "--no-auto-key-retrieve", "--no-auto-key-locate",
		     "--display-charset", "utf-8", NULL);
	if (g->homedir)
		strvec_pushl(&r->c.args, "--homedir", g->homedir, NULL);
	strvec_pushl(&r->c.args, "--status-file", r->status_path, NULL);
	return 0;
}

static int run_finish(struct gpg_run *r)
{
	int rc = run_child(&r->c);

	if (rc < 0) {
		const char *p = getenv("XENSTABLE_GPG");

		if (r->c.exec_errno == ENOENT && p && *p)
			return error_env("cannot run '%s' (XENSTABLE_GPG): no such program", p);
		if (r->c.exec_errno == ENOENT)
			return error_env("gpg is not installed: not found in PATH "
					 "(Debian package: gnupg)");
		return rc;
	}
	if (read_file_if_exists(&r->status, r->status_path, 16 << 20) < 0)
		return -XS_ENV;
	return rc;
}

static void run_release(struct gpg_run *r)
{
	child_release(&r->c);
	strbuf_release(&r->status);
	if (r->tmp)
		remove_tree(r->tmp);
	free(r->tmp);
	free(r->status_path);
}

/* Does the status text have a line with this keyword?  Returns its args. */
static const char *status_find(const struct strbuf *st, const char *kw,
			       struct strbuf *args)
{
	size_t pos = 0, n;
	const char *line;

	while (next_line(st->buf, st->len, &pos, &line, &n)) {
		const char *p;
		size_t kl = strlen(kw);

		if (n < 9 || memcmp(line, "[GNUPG:] ", 9))
			continue;
		p = line + 9;
		if ((size_t)(line + n - p) >= kl && !memcmp(p, kw, kl) &&
		    (p + kl == line + n || p[kl] == ' ')) {
			if (args) {
				strbuf_reset(args);
				if (p + kl < line + n)
					strbuf_add(args, p + kl + 1, (size_t)(line + n - p - kl - 1));
			}
			return line;
		}
	}
	return NULL;
}

static void gpg_stderr_hint(struct strbuf *sb, struct child_process *c)
{
	size_t pos = 0, n;
	const char *line;
	int lines = 0;

	while (next_line(c->err_buf.buf, c->err_buf.len, &pos, &line, &n) && lines < 3) {
		if (!n)
			continue;
		strbuf_addstr(sb, lines ? "; " : "");
		strbuf_add(sb, line, n > 200 ? 200 : n);
		lines++;
	}
}

int gpg_import(struct gpg_ctx *g, const void *keys, size_t len, const char *origin)
{
	struct gpg_run r;
	int rc = run_start(&r, g);

	if (rc)
		return rc;
	strvec_pushl(&r.c.args, "--import", "--import-options", "import-minimal", NULL);
	r.c.in = CHILD_IN_BUF;
	r.c.in_buf = keys;
	r.c.in_len = len;
	rc = run_finish(&r);
	if (rc >= 0) {
		if (!status_find(&r.status, "IMPORT_OK", NULL)) {
			struct strbuf why = STRBUF_INIT;

			gpg_stderr_hint(&why, &r.c);
			rc = error_input("%s: no OpenPGP key could be imported%s%s",
					 origin, why.len ? ": " : "", why.buf);
			strbuf_release(&why);
		} else {
			rc = 0;
		}
	}
	run_release(&r);
	return rc;
}

int gpg_import_file(struct gpg_ctx *g, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = read_file(&sb, path, 8 << 20);

	if (!rc)
		rc = gpg_import(g, sb.buf, sb.len, path);
	strbuf_release(&sb);
	return rc;
}

int gpg_export(struct gpg_ctx *g, const char *fpr, struct strbuf *out)
{
	struct gpg_run r;
	int rc = run_start(&r, g);

	if (rc)
		return rc;
	strvec_pushl(&r.c.args, "--armor", "--export-options", "export-minimal",
		     "--export", fpr, NULL);
	rc = run_finish(&r);
	if (rc >= 0) {
		if (!r.c.out_buf.len)
			rc = error_env("gpg: no public key %s to export", fpr);
		else {
			strbuf_addbuf(out, &r.c.out_buf);
			rc = 0;
		}
	}
	run_release(&r);
	return rc;
}

void gpg_sig_init(struct gpg_sig *s)
{
	memset(s, 0, sizeof(*s));
	strbuf_init(&s->status, 0);
}

void gpg_sig_release(struct gpg_sig *s)
{
	free(s->uid);
	strbuf_release(&s->status);
	gpg_sig_init(s);
}

/* Copy the n-th blank-separated field of args (0-based) into out. */
static int field(const char *args, int n, char *out, size_t outsz)
{
	const char *p = args;
	size_t len;

	while (n--) {
		p += strcspn(p, " ");
		if (!*p)
			return 0;
		p += strspn(p, " ");
	}
	len = strcspn(p, " ");
	if (!len || len >= outsz)
		return 0;
	memcpy(out, p, len);
	out[len] = '\0';
	return 1;
}

void gpg_parse_verify_status(const char *text, size_t len, struct gpg_sig *s)
{
	gpg_parse_verify_status_sha1_until(text, len, s, 0);
}

void gpg_parse_verify_status_sha1_until(const char *text, size_t len, struct gpg_sig *s,
					long long sha1_until)
{
	size_t pos = 0, n;
	const char *line;
	int bad = 0, err = 0, expkey = 0, revkey = 0, expsig = 0, valid = 0,
	    good = 0, weak = 0, sha1 = 0;

	strbuf_add(&s->status, text, len);
	while (next_line(text, len, &pos, &line, &n)) {
		char *l, *kw, *args;

		if (n < 9 || memcmp(line, "[GNUPG:] ", 9))
			continue;
		l = xmemdupz(line + 9, n - 9);
		kw = l;
		args = l + strcspn(l, " ");
		if (*args)
			*args++ = '\0';
		if (!strcmp(kw, "NEWSIG")) {
			s->nsigs++;
		} else if (!strcmp(kw, "GOODSIG")) {
			good++;
			field(args, 0, s->keyid, sizeof(s->keyid));
			free(s->uid);
			s->uid = xstrdup(args + strcspn(args, " ") + (args[strcspn(args, " ")] ? 1 : 0));
		} else if (!strcmp(kw, "BADSIG")) {
			bad++;
			field(args, 0, s->keyid, sizeof(s->keyid));
		} else if (!strcmp(kw, "EXPKEYSIG")) {
			expkey++;
			field(args, 0, s->keyid, sizeof(s->keyid));
		} else if (!strcmp(kw, "REVKEYSIG")) {
			revkey++;
			field(args, 0, s->keyid, sizeof(s->keyid));
		} else if (!strcmp(kw, "EXPSIG")) {
			expsig++;
		} else if (!strcmp(kw, "ERRSIG")) {
			err++;
			field(args, 0, s->keyid, sizeof(s->keyid));
		} else if (!strcmp(kw, "VALIDSIG")) {
			char hashalgo[8] = "", ts[24] = "";

			valid++;
			if (!field(args, 0, s->fpr, sizeof(s->fpr)))
				s->fpr[0] = '\0';
			if (field(args, 2, ts, sizeof(ts)))
				s->sig_time = strtoll(ts, NULL, 10);
			if (field(args, 7, hashalgo, sizeof(hashalgo))) {
				int h = atoi(hashalgo);

				/* MD5 (1) and SHA-1 (2) are not acceptable. */
				if (h == 1 || h == 2)
					weak++;
				sha1 += h == 2;
			}
			if (!field(args, 9, s->primary_fpr, sizeof(s->primary_fpr)))
				snprintf(s->primary_fpr, sizeof(s->primary_fpr), "%s", s->fpr);
		}
		free(l);
	}
	if (!s->nsigs && !valid && !bad && !err && !good)
		s->verdict = GPG_NO_SIGNATURE;
	else if (s->nsigs > 1 || valid > 1)
		s->verdict = GPG_ERROR;
	else if (bad)
		s->verdict = GPG_BAD;
	else if (revkey)
		s->verdict = GPG_REVOKED_KEY;
	else if (expkey)
		s->verdict = GPG_EXPIRED_KEY;
	else if (expsig)
		s->verdict = GPG_EXPIRED_SIG;
	else if (err)
		s->verdict = GPG_NO_KEY;
	else if (weak && !(weak == 1 && sha1 == 1 && s->sig_time > 0 &&
			   s->sig_time < sha1_until))
		s->verdict = GPG_ERROR;
	else if (valid == 1 && good == 1 && strlen(s->primary_fpr) == GPG_FPR_LEN &&
		 is_hex_string(s->primary_fpr, GPG_FPR_LEN))
		s->verdict = GPG_GOOD;
	else
		s->verdict = GPG_ERROR;
}

int gpg_verify_detached(struct gpg_ctx *g, const void *data, size_t len,
			const void *sig, size_t siglen, struct gpg_sig *s)
{
	struct gpg_run r;
	char *sigpath;
	int rc = run_start(&r, g);

	if (rc)
		return rc;
	sigpath = path_join(r.tmp, "sig");
	rc = write_file_atomic(sigpath, sig, siglen, 0600);
	if (!rc) {
		strvec_pushl(&r.c.args, "--trust-model", "always", "--verify",
			     sigpath, "-", NULL);
		r.c.in = CHILD_IN_BUF;
		r.c.in_buf = data;
		r.c.in_len = len;
		rc = run_finish(&r);
		if (rc >= 0) {
			gpg_parse_verify_status_sha1_until(r.status.buf, r.status.len, s,
							   s->sha1_until);
			rc = 0;
		}
	}
	free(sigpath);
	run_release(&r);
	return rc;
}

/* Find "-----BEGIN PGP SIGNED MESSAGE-----" ... "-----END PGP SIGNATURE-----"
 * and insist that nothing but blank lines surrounds them. */
static int check_clearsign_frame(const char *text, size_t len, const char **why,
				 size_t *bad_line)
{
	static const char begin[] = "-----BEGIN PGP SIGNED MESSAGE-----";
	static const char end[] = "-----END PGP SIGNATURE-----";
	size_t pos = 0, n, lineno = 0;
	const char *line;
	int state = 0;	/* 0 before, 1 inside, 2 after */
	int begins = 0;

	while (next_line(text, len, &pos, &line, &n)) {
		size_t m = n;

		lineno++;
		while (m && (line[m - 1] == '\r' || line[m - 1] == ' ' || line[m - 1] == '\t'))
			m--;
		if (m == sizeof(begin) - 1 && !memcmp(line, begin, m)) {
			begins++;
			if (state != 0) {
				*why = "a second signed message";
				*bad_line = lineno;
				return -1;
			}
			state = 1;
			continue;
		}
		if (state == 1 && m == sizeof(end) - 1 && !memcmp(line, end, m)) {
			state = 2;
			continue;
		}
		if (state != 1 && m) {
			*why = state == 0 ? "text before the signed part" :
					    "text after the signature";
			*bad_line = lineno;
			return -1;
		}
	}
	if (!begins) {
		*why = "not a clear-signed message";
		*bad_line = 0;
		return -1;
	}
	if (state != 2) {
		*why = "the signature is missing or truncated";
		*bad_line = lineno;
		return -1;
	}
	return 0;
}

int gpg_verify_clearsigned(struct gpg_ctx *g, const void *text, size_t len,
			   struct strbuf *plain, struct gpg_sig *s)
{
	struct gpg_run r;
	const char *why;
	size_t bad_line;
	int rc;

	if (check_clearsign_frame(text, len, &why, &bad_line)) {
		if (bad_line)
			return error_input("line %zu: %s", bad_line, why);
		return error_input("%s", why);
	}
	rc = run_start(&r, g);
	if (rc)
		return rc;
	strvec_pushl(&r.c.args, "--trust-model", "always", "--output", "-",
		     "--verify", NULL);
	r.c.in = CHILD_IN_BUF;
	r.c.in_buf = text;
	r.c.in_len = len;
	rc = run_finish(&r);
	if (rc >= 0) {
		gpg_parse_verify_status(r.status.buf, r.status.len, s);
		strbuf_addbuf(plain, &r.c.out_buf);
		rc = 0;
	}
	run_release(&r);
	return rc;
}

int gpg_normalize_fpr(const char *in, char out[GPG_FPR_LEN + 1])
{
	size_t n = 0;

	for (; *in; in++) {
		if (*in == ' ' || *in == '\t')
			continue;
		if (!isxdigit((unsigned char)*in) || n == GPG_FPR_LEN)
			return -1;
		out[n++] = (char)toupper((unsigned char)*in);
	}
	out[n] = '\0';
	return n == GPG_FPR_LEN ? 0 : -1;
}

void gpg_format_fpr(const char *fpr, struct strbuf *out)
{
	size_t i, n = strlen(fpr);

	for (i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			strbuf_addstr(out, i == 20 ? "  " : " ");
		strbuf_addch(out, fpr[i]);
	}
}

int gpg_sig_require(const struct gpg_sig *s, const struct strvec *trusted,
		    const char *what)
{
	struct strbuf f = STRBUF_INIT;
	size_t i;
	int rc;

	switch (s->verdict) {
	case GPG_NO_SIGNATURE:
		return error_input("%s: no OpenPGP signature found", what);
	case GPG_BAD:
		return error_input("%s: BAD signature (key %s): the signed content was altered",
				   what, s->keyid[0] ? s->keyid : "unknown");
	case GPG_NO_KEY:
		return error_input("%s: signed by key %s, which is not among the trusted keys",
				   what, s->keyid[0] ? s->keyid : "unknown");
	case GPG_EXPIRED_KEY:
		return error_input("%s: signed by key %s, which has expired", what, s->keyid);
	case GPG_REVOKED_KEY:
		return error_input("%s: signed by key %s, which has been revoked", what, s->keyid);
	case GPG_EXPIRED_SIG:
		return error_input("%s: the signature has expired", what);
	case GPG_ERROR:
		if (s->nsigs > 1)
			return error_input("%s: carries %d signatures; exactly one is expected",
					   what, s->nsigs);
		return error_input("%s: the signature could not be verified "
				   "(unusual gpg status or weak digest)", what);
	case GPG_GOOD:
		break;
	}
	for (i = 0; i < trusted->nr; i++) {
		char norm[GPG_FPR_LEN + 1];

		if (!gpg_normalize_fpr(trusted->v[i], norm) &&
		    !strcmp(norm, s->primary_fpr))
			return 0;
	}
	gpg_format_fpr(s->primary_fpr, &f);
	rc = error_input("%s: good signature by %s (%s), but that key is not trusted here",
			 what, f.buf, s->uid ? s->uid : "no user id");
	strbuf_release(&f);
	return rc;
}

static int key_fprs(struct gpg_ctx *g, const char *key, struct strvec *fprs);

static int check_sig_created(struct gpg_run *r, struct gpg_ctx *g, const char *key,
			     const char *what)
{
	struct strbuf args = STRBUF_INIT, why = STRBUF_INIT;
	struct strvec fprs = STRVEC_INIT;
	char fpr[GPG_FPR_LEN + 8];
	int rc = 0;

	if (!status_find(&r->status, "SIG_CREATED", &args)) {
		gpg_stderr_hint(&why, &r->c);
		rc = error_env("gpg did not sign %s with key %s%s%s", what, key,
			       why.len ? ": " : "", why.buf);
		goto out;
	}
	if (!field(args.buf, 5, fpr, sizeof(fpr)))
		fpr[0] = '\0';
	rc = key_fprs(g, key, &fprs);
	if (rc)
		goto out;
	if (!strvec_contains(&fprs, fpr))
		rc = error_env("gpg signed %s with key %s, not with %s", what,
			       fpr[0] ? fpr : "unknown", key);
out:
	strbuf_release(&args);
	strbuf_release(&why);
	strvec_clear(&fprs);
	return rc;
}

static int sign_common(struct gpg_ctx *g, const char *key, const void *data,
		       size_t len, const char *mode, int armor, struct strbuf *out)
{
	struct gpg_run r;
	char *user = xstrfmt("%s!", key);
	int rc = run_start(&r, g);

	if (rc) {
		free(user);
		return rc;
	}
	strvec_pushl(&r.c.args, "--local-user", user, "--digest-algo", "SHA256", NULL);
	if (g->sig_time > 0)
		strvec_pushf(&r.c.args, "--faked-system-time=%lld!", g->sig_time);
	if (armor)
		strvec_push(&r.c.args, "--armor");
	strvec_pushl(&r.c.args, "--output", "-", mode, NULL);
	r.c.in = CHILD_IN_BUF;
	r.c.in_buf = data;
	r.c.in_len = len;
	rc = run_finish(&r);
	if (rc >= 0) {
		rc = check_sig_created(&r, g, key, !strcmp(mode, "--clearsign") ?
				       "the text" : "the data");
		if (!rc)
			strbuf_addbuf(out, &r.c.out_buf);
	}
	run_release(&r);
	free(user);
	return rc;
}

int gpg_sign_detached(struct gpg_ctx *g, const char *key, const void *data,
		      size_t len, int armor, struct strbuf *sig)
{
	return sign_common(g, key, data, len, "--detach-sign", armor, sig);
}

int gpg_clearsign(struct gpg_ctx *g, const char *key, const void *text,
		  size_t len, struct strbuf *out)
{
	return sign_common(g, key, text, len, "--clearsign", 1, out);
}

int gpg_encrypt(struct gpg_ctx *g, const struct strvec *recipients,
		const void *data, size_t len, struct strbuf *out)
{
	struct gpg_run r;
	size_t i;
	int rc = run_start(&r, g);

	if (rc)
		return rc;
	strvec_pushl(&r.c.args, "--trust-model", "always", "--compress-algo", "none",
		     "--output", "-", "--encrypt", NULL);
	for (i = 0; i < recipients->nr; i++)
		strvec_pushf(&r.c.args, "--recipient=%s", recipients->v[i]);
	r.c.in = CHILD_IN_BUF;
	r.c.in_buf = data;
	r.c.in_len = len;
	rc = run_finish(&r);
	if (rc >= 0) {
		struct strbuf args = STRBUF_INIT;

		if (status_find(&r.status, "INV_RECP", &args))
			rc = error_env("gpg cannot encrypt to recipient: %s", args.buf);
		else if (!status_find(&r.status, "END_ENCRYPTION", NULL))
			rc = error_env("gpg did not encrypt: %s", child_err_summary(&r.c));
		else {
			strbuf_addbuf(out, &r.c.out_buf);
			rc = 0;
		}
		strbuf_release(&args);
	}
	run_release(&r);
	return rc;
}

int gpg_decrypt(struct gpg_ctx *g, const void *data, size_t len,
		struct strbuf *out, const char *origin)
{
	return gpg_decrypt_limited(g, data, len, out, origin, 0);
}

int gpg_decrypt_limited(struct gpg_ctx *g, const void *data, size_t len,
			struct strbuf *out, const char *origin, size_t max)
{
	struct gpg_run r;
	int rc = run_start(&r, g);

	if (rc)
		return rc;
	strvec_pushl(&r.c.args, "--output", "-", "--decrypt", NULL);
	r.c.in = CHILD_IN_BUF;
	r.c.in_buf = data;
	r.c.in_len = len;
	if (max) {
		/* Past max, run_child() stops reading and kills gpg (and a
		 * wrapper's whole group): a bomb costs the limit, not its size. */
		r.c.max_output = max + 1;
		r.c.new_pgroup = 1;
	}
	rc = run_finish(&r);
	if (rc >= 0 && max && (r.c.output_limited || r.c.out_buf.len > max)) {
		rc = error_input("%s: decrypts to more than %zu bytes; refusing it", origin, max);
	} else if (rc >= 0) {
		struct strbuf args = STRBUF_INIT, keys = STRBUF_INIT;
		size_t pos = 0, n;
		const char *line;

		while (next_line(r.status.buf, r.status.len, &pos, &line, &n)) {
			const char *p;

			if (n > 9 && skip_prefix(line, "[GNUPG:] ENC_TO ", &p)) {
				size_t k = strcspn(p, " \n");

				strbuf_addstr(&keys, keys.len ? ", " : "");
				strbuf_add(&keys, p, k);
			}
		}
		if (status_find(&r.status, "DECRYPTION_OKAY", NULL) &&
		    status_find(&r.status, "END_DECRYPTION", NULL) &&
		    !status_find(&r.status, "DECRYPTION_FAILED", NULL)) {
			strbuf_addbuf(out, &r.c.out_buf);
			rc = 0;
		} else if (status_find(&r.status, "NO_SECKEY", NULL)) {
			rc = error_input("%s: encrypted to key(s) %s; no matching secret key here",
					 origin, keys.len ? keys.buf : "unknown");
		} else if (!status_find(&r.status, "BEGIN_DECRYPTION", NULL) &&
			   !keys.len) {
			rc = error_input("%s: not an OpenPGP encrypted message", origin);
		} else {
			rc = error_input("%s: decryption failed (%s)", origin,
					 child_err_summary(&r.c));
		}
		strbuf_release(&args);
		strbuf_release(&keys);
	}
	run_release(&r);
	return rc;
}

/* Fingerprints (primary and subkeys) of a key. */
static int key_fprs(struct gpg_ctx *g, const char *key, struct strvec *fprs)
{
	struct gpg_run r;
	int rc = run_start(&r, g);

	if (rc)
		return rc;
	strvec_pushl(&r.c.args, "--with-colons", "--fixed-list-mode",
		     "--with-fingerprint", "--with-fingerprint", "--list-keys", key, NULL);
	rc = run_finish(&r);
	if (rc >= 0) {
		size_t pos = 0, n;
		const char *line;

		while (next_line(r.c.out_buf.buf, r.c.out_buf.len, &pos, &line, &n)) {
			if (n > 13 && !memcmp(line, "fpr:", 4)) {
				char *l = xmemdupz(line, n);
				char f[GPG_FPR_LEN + 8];
				const char *p = l;
				int col;

				/* field 10 (1-based) holds the fingerprint */
				for (col = 1; col < 10 && *p; col++)
					p = strchr(p, ':') ? strchr(p, ':') + 1 : p + strlen(p);
				snprintf(f, sizeof(f), "%.*s", (int)strcspn(p, ":"), p);
				strvec_push(fprs, f);
				free(l);
			}
		}
		rc = 0;
	}
	run_release(&r);
	return rc;
}

void gpg_key_info_release(struct gpg_key_info *info)
{
	free(info->uid);
	memset(info, 0, sizeof(*info));
}

/* The n-th (1-based) colon-separated field of a --with-colons line. */
static void colon_field(const char *line, size_t len, int n, char *out, size_t outsz)
{
	size_t i = 0, start = 0;
	int col = 1;

	out[0] = '\0';
	for (i = 0; i <= len; i++) {
		if (i == len || line[i] == ':') {
			if (col == n) {
				size_t m = i - start;

				if (m >= outsz)
					m = outsz - 1;
				memcpy(out, line + start, m);
				out[m] = '\0';
				return;
			}
			col++;
			start = i + 1;
		}
	}
}

int gpg_key_lookup(struct gpg_ctx *g, const char *fpr, struct gpg_key_info *info)
{
	struct gpg_run r;
	int pass, rc = 0;

	memset(info, 0, sizeof(*info));
	snprintf(info->fpr, sizeof(info->fpr), "%s", fpr);
	for (pass = 0; pass < 2 && !rc; pass++) {
		size_t pos = 0, n;
		const char *line;
		int in_primary = 0;

		rc = run_start(&r, g);
		if (rc)
			return rc;
		strvec_pushl(&r.c.args, "--with-colons", "--fixed-list-mode",
			     "--with-fingerprint", pass ? "--list-secret-keys" : "--list-keys",
			     fpr, NULL);
		rc = run_finish(&r);
		if (rc < 0) {
			run_release(&r);
			return rc;
		}
		rc = 0;
		{
			/* "No secret key" (17) and "no public key" (9) are answers;
			 * any other key listing error (no agent) means gpg could not
			 * look, and saying "no key" then would mislead. */
			struct strbuf args = STRBUF_INIT, why = STRBUF_INIT;
			unsigned long code = 0;

			if (status_find(&r.status, "ERROR", &args) &&
			    starts_with(args.buf, "keylist.")) {
				const char *sp = strchr(args.buf, ' ');

				code = sp ? strtoul(sp + 1, NULL, 10) & 0xffff : 0;
			}
			if (code && code != 17 && code != 9) {
				gpg_stderr_hint(&why, &r.c);
				rc = error_env("gpg could not list the %s key %s%s%s",
					       pass ? "secret" : "public", fpr,
					       why.len ? ": " : "", why.buf);
			}
			strbuf_release(&args);
			strbuf_release(&why);
			if (rc) {
				run_release(&r);
				return rc;
			}
		}
		while (next_line(r.c.out_buf.buf, r.c.out_buf.len, &pos, &line, &n)) {
			char f1[8], f2[8], f6[32], f12[32], f10[512];

			colon_field(line, n, 1, f1, sizeof(f1));
			if (!pass && (!strcmp(f1, "pub") || !strcmp(f1, "sub"))) {
				long long t;

				colon_field(line, n, 6, f6, sizeof(f6));
				t = strtoll(f6, NULL, 10);
				if (t > info->created)
					info->created = t;
			}
			if (!strcmp(f1, "pub") || !strcmp(f1, "sec")) {
				in_primary = 1;
				if (pass) {
					info->has_secret = 1;
					continue;
				}
				info->found = 1;
				colon_field(line, n, 2, f2, sizeof(f2));
				colon_field(line, n, 12, f12, sizeof(f12));
				info->expired = strchr(f2, 'e') != NULL;
				info->revoked = strchr(f2, 'r') != NULL;
				info->can_sign = strchr(f12, 'S') != NULL;
			} else if (!pass && !strcmp(f1, "uid") && !info->uid && in_primary) {
				colon_field(line, n, 10, f10, sizeof(f10));
				info->uid = xstrdup(f10);
			} else if (!strcmp(f1, "sub") || !strcmp(f1, "ssb")) {
				in_primary = 0;
			}
		}
		run_release(&r);
	}
	return rc;
}
