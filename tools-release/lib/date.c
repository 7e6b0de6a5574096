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

/* Is c part of a word (a zone name or number runs on)? */
static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* "+HHMM", "+HH:MM", "+HH" (or '-') at s; seconds east of UTC. */
static int numeric_zone(const char *s, int *off, size_t *used, const char **why)
{
	long hh, mm = 0;
	size_t n = 3;

	*why = "the time zone offset is not +HHMM, +HH:MM or +HH";
	if (digits(s + 1, 2, &hh))
		return -1;
	if (s[3] == ':') {
		if (digits(s + 4, 2, &mm))
			return -1;
		n = 6;
	} else if (isdigit((unsigned char)s[3])) {
		if (digits(s + 3, 2, &mm))
			return -1;
		n = 5;
	}
	*used = n;
	if (word_char(s[n]) || s[n] == ':' || (s[n] == '.' && isdigit((unsigned char)s[n + 1])))
		return -1;
	if (hh > 14 || mm > 59) {
		*why = "the time zone offset is out of range";
		return -1;
	}
	*off = (int)((hh * 60 + mm) * 60) * (s[0] == '-' ? -1 : 1);
	return 0;
}

int date_parse_zoned(const char *s, int64_t *t, size_t *used, const char **why)
{
	long day, hh, mm, ss = 0;
	const char *p = s, *z;
	size_t n = 0;
	int off = 0;

	*used = 0;
	if (parse_ymd(s, &day)) {
		*why = "not a valid date (YYYY-MM-DD)";
		return -1;
	}
	p = s + 10;
	*used = 10;
	if (!((*p == ' ' || *p == 'T') && isdigit((unsigned char)p[1]))) {
		*why = "the date has no time of day (HH:MM and a zone, e.g. 12:00 UTC)";
		return -1;
	}
	if (digits(p + 1, 2, &hh) || p[3] != ':' || digits(p + 4, 2, &mm)) {
		*why = "the time of day is not HH:MM";
		return -1;
	}
	p += 6;
	if (*p == ':') {
		if (digits(p + 1, 2, &ss)) {
			*why = "the time of day is not HH:MM:SS";
			return -1;
		}
		p += 3;
	}
	*used = (size_t)(p - s);
	if (hh > 23 || mm > 59 || ss > 59 || isdigit((unsigned char)*p)) {
		*why = "not a valid time of day";
		return -1;
	}
	z = *p == ' ' ? p + 1 : p;
	if (*z == '+' || *z == '-') {
		if (numeric_zone(z, &off, &n, why)) {
			*used = (size_t)(z - s) + n;
			return -1;
		}
	} else if (isalpha((unsigned char)*z)) {
		/* A zone name runs to the next character that cannot continue it. */
		while (word_char(z[n]) || ((z[n] == '+' || z[n] == '-') &&
					   isdigit((unsigned char)z[n + 1])) ||
		       (z[n] == ':' && isdigit((unsigned char)z[n + 1])))
			n++;
		if (!((n == 1 && (*z == 'Z' || *z == 'z')) ||
		      (n == 2 && !strncasecmp(z, "UT", 2)) ||
		      (n == 3 && (!strncasecmp(z, "UTC", 3) || !strncasecmp(z, "GMT", 3))))) {
			*used = (size_t)(z - s) + n;
			*why = "the time zone cannot be mapped exactly (it is ambiguous or unknown); "
			       "write UTC or a numeric offset such as -0500";
			return -1;
		}
	} else {
		*why = "the time has no time zone (write e.g. 12:00 UTC)";
		return -1;
	}
	*used = (size_t)(z - s) + n;
	*t = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - off;
	return 0;
}

/* Skip blanks and RFC 5322 comments "( ... )", which may nest. */
static const char *skip_cfws(const char *s)
{
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s != '(')
			return s;
		{
			const char *open = s;
			int depth = 0;

			do {
				if (*s == '\\' && s[1])
					s++;
				else if (*s == '(')
					depth++;
				else if (*s == ')')
					depth--;
				s++;
			} while (*s && depth > 0);
			if (depth > 0)
				return open;	/* unclosed: not a comment */
		}
	}
}

int date_parse_rfc5322(const char *s, int64_t *t, const char **why)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const struct { const char *name; int hours; } zones[] = {
		{ "UT", 0 }, { "GMT", 0 }, { "EST", -5 }, { "EDT", -4 }, { "CST", -6 },
		{ "CDT", -5 }, { "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
	};
	long d = 0, m = 0, y, hh, mm, ss = 0, day;
	int dow = -1, off = 0;
	size_t i, n;

	*why = "not an RFC 5322 date (e.g. 'Tue, 16 Jan 2024 12:00:00 +0000')";
	s = skip_cfws(s);
	if (isalpha((unsigned char)*s)) {
		for (i = 0; i < ARRAY_SIZE(wd); i++)
			if (!strncasecmp(s, wd[i], 3) && !isalpha((unsigned char)s[3]))
				dow = (int)i;
		if (dow < 0)
			return -1;
		s = skip_cfws(s + 3);
		if (*s != ',')
			return -1;
		s = skip_cfws(s + 1);
	}
	for (n = 0; isdigit((unsigned char)s[n]) && n < 3; n++)
		d = d * 10 + (s[n] - '0');
	if (n < 1 || n > 2)
		return -1;
	s = skip_cfws(s + n);
	for (i = 0; i < ARRAY_SIZE(mon); i++)
		if (!strncasecmp(s, mon[i], 3) && !isalpha((unsigned char)s[3]))
			m = (long)i + 1;
	if (!m)
		return -1;
	s = skip_cfws(s + 3);
	if (digits(s, 4, &y) || isdigit((unsigned char)s[4]))
		return -1;
	s = skip_cfws(s + 4);
	if (digits(s, 2, &hh))
		return -1;
	s = skip_cfws(s + 2);
	if (*s != ':')
		return -1;
	s = skip_cfws(s + 1);
	if (digits(s, 2, &mm))
		return -1;
	s = skip_cfws(s + 2);
	if (*s == ':') {
		s = skip_cfws(s + 1);
		if (digits(s, 2, &ss))
			return -1;
		s = skip_cfws(s + 2);
	}
	if (y < 1970 || y > 9999 || d < 1 || d > days_in_month(y, (unsigned)m) ||
	    hh > 23 || mm > 59 || ss > 60) {
		*why = "not a valid date and time";
		return -1;
	}
	if (*s == '+' || *s == '-') {
		long zh, zm;

		if (digits(s + 1, 2, &zh) || digits(s + 3, 2, &zm) || isdigit((unsigned char)s[5]) ||
		    zm > 59) {
			*why = "the time zone is not +HHMM or -HHMM";
			return -1;
		}
		off = (int)((zh * 60 + zm) * 60) * (*s == '-' ? -1 : 1);
		s += 5;
	} else {
		for (n = 0; isalpha((unsigned char)s[n]); n++)
			;
		for (i = 0; i < ARRAY_SIZE(zones); i++)
			if (n == strlen(zones[i].name) && !strncasecmp(s, zones[i].name, n))
				break;
		if (i == ARRAY_SIZE(zones)) {
			*why = n ? "the time zone is not one RFC 5322 defines exactly" :
				"the date has no time zone";
			return -1;
		}
		off = zones[i].hours * 3600;
		s += n;
	}
	s = skip_cfws(s);
	if (*s) {
		*why = "unexpected text after the date";
		return -1;
	}
	day = days_from_civil(y, (unsigned)m, (unsigned)d);
	if (dow >= 0 && ((day % 7) + 7) % 7 != dow) {
		*why = "the day of the week does not match the date";
		return -1;
	}
	if (ss == 60)
		ss = 59;
	*t = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - off;
	return 0;
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
