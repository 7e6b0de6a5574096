#include "compat.h"
#include "progress.h"
#include "usage.h"
#include "xalloc.h"

struct progress {
	char *title;
	int64_t start_ms, last_ms, delay_ms;
	uint64_t bytes;
	int shown;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct progress *progress_start(const char *title)
{
	struct progress *p;
	const char *d = getenv("XENSTABLE_PROGRESS_DELAY_MS");

	if (xs_quiet || !isatty(2))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->title = xstrdup(title);
	p->start_ms = mono_ms();
	p->delay_ms = d && *d ? atol(d) : PROGRESS_DELAY_MS;
	return p;
}

static void draw(struct progress *p, int64_t now, const char *end)
{
	double secs = (double)(now - p->start_ms) / 1000.0;
	double mib = (double)p->bytes / (1024.0 * 1024.0);

	fprintf(stderr, "\r%s: %.1f MiB, %.1f MiB/s%s", p->title, mib,
		secs > 0 ? mib / secs : 0.0, end);
	fflush(stderr);
	p->shown = 1;
	p->last_ms = now;
}

void progress_update(struct progress *p, uint64_t bytes)
{
	int64_t now;

	if (!p)
		return;
	p->bytes = bytes;
	now = mono_ms();
	if (now - p->start_ms < p->delay_ms || now - p->last_ms < 200)
		return;
	draw(p, now, "   ");
}

void progress_stop(struct progress *p)
{
	if (!p)
		return;
	if (p->shown)
		draw(p, mono_ms(), "\n");
	free(p->title);
	free(p);
}
