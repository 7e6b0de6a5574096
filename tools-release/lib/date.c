#include "compat.h"
#include "date.h"
#include "usage.h"

#include <ctype.h>

/* Howard Hinnant's civil-day algorithms, proleptic Gregorian. */
long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static int digits(const char *s, int n, long *out)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(long y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

static int parse_ymd(const char *s, long *day)
{
	long y, m, d;

	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, (unsigned)m))
		return -1;
	*day = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int date_parse_day(const char *s, long *day)
{
	if (strlen(s) != 10)
		return -1;
	return parse_ymd(s, day);
}

int date_parse_time(const char *s, int64_t *t)
{
	long day, hh = 0, mm = 0, ss = 0;
	const char *p;

	if (strlen(s) < 10 || parse_ymd(s, &day))
		return -1;
	p = s + 10;
	if (*p == ' ' || *p == 'T') {
		if (digits(p + 1, 2, &hh) || p[3] != ':' || digits(p + 4, 2, &mm))
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &ss))
				return -1;
			p += 3;
		}
		if (hh > 23 || mm > 59 || ss > 60)
			return -1;
	}
	if (!strcmp(p, "Z") || !strcmp(p, " UTC") || !strcmp(p, " Z") || !*p) {
		*t = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss;
		return 0;
	}
	return -1;
}

void date_format_day(long day, char out[11])
{
	long y;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(((y % 10000) + 10000) % 10000), m % 100, d % 100);
}

static void split_time(int64_t t, long *day, long *secs)
{
	*day = (long)(t / 86400);
	*secs = (long)(t % 86400);
	if (*secs < 0) {
		*secs += 86400;
		(*day)--;
	}
}

void date_format_iso(int64_t t, char out[32])
{
	long day, secs;
	char d[11];

	split_time(t, &day, &secs);
	date_format_day(day, d);
	snprintf(out, 32, "%.10sT%02d:%02d:%02dZ", d, (int)(secs / 3600) % 24,
		 (int)(secs / 60) % 60, (int)secs % 60);
}

void date_format_short(int64_t t, char out[32])
{
	long day, secs;
	char d[11];

	split_time(t, &day, &secs);
	date_format_day(day, d);
	snprintf(out, 32, "%.10s %02d:%02d", d, (int)(secs / 3600) % 24, (int)(secs / 60) % 60);
}

void date_format_rfc2822(int64_t t, char out[32])
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	long day, secs, y;
	unsigned m, d;

	split_time(t, &day, &secs);
	civil_from_days(day, &y, &m, &d);
	snprintf(out, 32, "%s, %02u %s %04d %02d:%02d:%02d +0000",
		 wd[((day % 7) + 7) % 7], d % 100, mon[(m - 1) % 12], (int)(y % 10000),
		 (int)(secs / 3600) % 24, (int)(secs / 60) % 60, (int)secs % 60);
}

int64_t date_now(void)
{
	const char *fake = getenv("XENSTABLE_NOW");
	int64_t t;

	if (fake && *fake && !date_parse_time(fake, &t))
		return t;
	return (int64_t)time(NULL);
}

long date_today(void)
{
	int64_t t = date_now();

	return (long)(t / 86400);
}

int date_option(const char *s, int64_t *t)
{
	if (date_parse_time(s, t))
		return error_usage("--date '%s': expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (UTC)", s);
	return 0;
}
