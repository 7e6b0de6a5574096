/*
 * preflight.h: the result of one release preflight check.
 *
 * The checks that prove a tree before it is tagged (build.h, abi.h,
 * boot.h) each fill a struct check_result, which the release command
 * records in release.json through check_result_json():
 *
 *	{ "check": "boot", "status": "failed",
 *	  "reason": "the console says Xen version 4.19.3-pre, expected 4.19.3",
 *	  "duration_ms": 412, "reused": false,
 *	  "logs": ["/srv/xen-stable/.xenstable/build/<commit>/boot/console.log"],
 *	  "artifacts": [] }
 *
 * A check function returns 0 when it reached a verdict (passed, failed or
 * skipped, in r->status) and a negative exit class when it could not run
 * at all: then r->status is CHECK_ERROR, r->error_class says which class
 * and r->reason says why, so the caller can record it and stop.
 */
#ifndef XS_PREFLIGHT_H
#define XS_PREFLIGHT_H

#include "compat.h"
#include "strvec.h"

struct json_writer;

enum check_status {
	CHECK_PASSED,
	CHECK_FAILED,
	CHECK_SKIPPED,
	CHECK_ERROR,		/* could not run: tool missing, bad input */
};

struct check_result {
	const char *name;		/* "build", "abi", "boot", "hypervisor" ... */
	enum check_status status;
	int error_class;		/* CHECK_ERROR: XS_INPUT or XS_ENV */
	char *reason;			/* one line, never NULL after a verdict */
	long long duration_ms;
	int reused;			/* an earlier run's verdict was reused */
	struct strvec logs;		/* absolute paths of the logs kept */
	struct strvec artifacts;	/* absolute paths of what the check made */
};

void check_result_init(struct check_result *r, const char *name);
void check_result_release(struct check_result *r);
/* Set the verdict; the reason is cut to its first line. */
void check_set(struct check_result *r, enum check_status s, const char *fmt, ...)
	XS_PRINTF(3, 4);
/* The check could not run: report it (stderr) and record it; returns -cls. */
int check_error(struct check_result *r, int cls, const char *fmt, ...) XS_PRINTF(3, 4);
/* The same for an error a lower layer has reported already (rc < 0). */
int check_errored(struct check_result *r, int rc, const char *fmt, ...) XS_PRINTF(3, 4);
const char *check_status_name(enum check_status s);
/* Exit code for a command that ran one check: 0 passed or skipped, 1 failed,
 * the error class for CHECK_ERROR. */
int check_exit_code(const struct check_result *r);
/* Write r as one JSON object (keys as in the comment above). */
void check_result_json(struct json_writer *w, const struct check_result *r);

/* Milliseconds on the monotonic clock, for durations. */
long long preflight_clock_ms(void);
/* "1.4 s", "3 min 06 s": a duration for people. */
void preflight_format_ms(long long ms, char out[32]);

#endif
