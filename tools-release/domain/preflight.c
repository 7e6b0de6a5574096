#include "compat.h"
#include "preflight.h"
#include "json.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

void check_result_init(struct check_result *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->status = CHECK_SKIPPED;
	strvec_init(&r->logs);
	strvec_init(&r->artifacts);
}

void check_result_release(struct check_result *r)
{
	free(r->reason);
	strvec_clear(&r->logs);
	strvec_clear(&r->artifacts);
	check_result_init(r, r->name);
}

static void set_reason(struct check_result *r, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_vaddf(&sb, fmt, ap);
	/* One line: a reason is read in a table and in release.json. */
	for (i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\n' || sb.buf[i] == '\r' || sb.buf[i] == '\t')
			sb.buf[i] = ' ';
	strbuf_trim(&sb);
	free(r->reason);
	r->reason = strbuf_detach(&sb, NULL);
}

void check_set(struct check_result *r, enum check_status s, const char *fmt, ...)
{
	va_list ap;

	r->status = s;
	va_start(ap, fmt);
	set_reason(r, fmt, ap);
	va_end(ap);
}

int check_error(struct check_result *r, int cls, const char *fmt, ...)
{
	va_list ap;

	r->status = CHECK_ERROR;
	r->error_class = cls;
	va_start(ap, fmt);
	set_reason(r, fmt, ap);
	va_end(ap);
	return error_class(cls, "%s", r->reason);
}

int check_errored(struct check_result *r, int rc, const char *fmt, ...)
{
	va_list ap;

	if (rc >= 0)
		rc = -XS_ENV;
	r->status = CHECK_ERROR;
	r->error_class = -rc;
	va_start(ap, fmt);
	set_reason(r, fmt, ap);
	va_end(ap);
	return rc;
}

const char *check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_PASSED: return "passed";
	case CHECK_FAILED: return "failed";
	case CHECK_SKIPPED: return "skipped";
	case CHECK_ERROR: return "error";
	}
	return "unknown";
}

int check_exit_code(const struct check_result *r)
{
	switch (r->status) {
	case CHECK_PASSED:
	case CHECK_SKIPPED:
		return 0;
	case CHECK_FAILED:
		return XS_FAIL;
	case CHECK_ERROR:
		return r->error_class ? r->error_class : XS_ENV;
	}
	return XS_ENV;
}

void check_result_json(struct json_writer *w, const struct check_result *r)
{
	jw_obj_begin(w);
	jw_kv_str(w, "check", r->name);
	jw_kv_str(w, "status", check_status_name(r->status));
	jw_kv_str(w, "reason", r->reason ? r->reason : "");
	jw_kv_int(w, "duration_ms", r->duration_ms);
	jw_kv_bool(w, "reused", r->reused);
	jw_kv_strvec(w, "logs", &r->logs);
	jw_kv_strvec(w, "artifacts", &r->artifacts);
	jw_obj_end(w);
}

long long preflight_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void preflight_format_ms(long long ms, char out[32])
{
	int n;

	if (ms < 0)
		ms = 0;
	if (ms < 60000)
		n = snprintf(out, 32, "%lld.%lld s", ms / 1000, (ms % 1000) / 100);
	else
		n = snprintf(out, 32, "%lld min %02lld s", ms / 60000, (ms / 1000) % 60);
	if (n < 0 || n >= 32)
		out[0] = '\0';
}
