/*
 * date.h: calendar dates and UTC times, without the process time zone.
 *
 * A day is a count of days since 1970-01-01; a time is seconds since the
 * epoch (UTC).  Parsing is strict: "2026-02-30" is an error.
 */
#ifndef XS_DATE_H
#define XS_DATE_H

#include "compat.h"

long days_from_civil(long y, unsigned m, unsigned d);
void civil_from_days(long days, long *y, unsigned *m, unsigned *d);

/* "YYYY-MM-DD" -> day.  0 ok, -1 malformed. */
int date_parse_day(const char *s, long *day);
/*
 * "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS",
 * "YYYY-MM-DDTHH:MM:SSZ", optionally followed by " UTC" or "Z" -> seconds.
 */
int date_parse_time(const char *s, int64_t *t);
/*
 * A date and time with its zone, as advisories write them, at s:
 * "YYYY-MM-DD HH:MM[:SS]" (or a "T" between) followed by a zone: "UTC",
 * "GMT", "UT" or "Z" (any case), or a numeric offset "+HHMM", "+HH:MM",
 * "+HH" (or "-"), with or without one space before it.  Abbreviations
 * such as EST are refused: they name different offsets in different
 * places, and xenstable maps only what it can map exactly.  Returns 0
 * with *t (UTC) and *used (bytes of s read), or -1 with *why saying what
 * is wrong (and *used covering what was read).
 */
int date_parse_zoned(const char *s, int64_t *t, size_t *used, const char **why);
/*
 * An RFC 5322 date-time (a mail's Date field): "[Day, ]DD Mon YYYY
 * HH:MM[:SS] ZONE" with comments; ZONE is a numeric offset or one of the
 * names RFC 5322 defines exactly (UT, GMT, EST, EDT, CST, CDT, MST, MDT,
 * PST, PDT).  Military letters and other names mean "unknown" there and
 * are refused, as is a day of the week that does not match the date.
 * Returns 0 with *t, or -1 with *why.
 */
int date_parse_rfc5322(const char *s, int64_t *t, const char **why);
void date_format_day(long day, char out[11]);
/* "YYYY-MM-DDTHH:MM:SSZ" */
void date_format_iso(int64_t t, char out[32]);
/* "YYYY-MM-DD HH:MM" (xsa.json style) */
void date_format_short(int64_t t, char out[32]);
/* RFC 2822 "Sat, 21 Nov 2026 12:00:00 +0000" */
void date_format_rfc2822(int64_t t, char out[32]);

/* Now, or $XENSTABLE_NOW (a date or time as above) when set, for tests. */
int64_t date_now(void);
long date_today(void);
/* Parse a --date option value (day or time).  Reports errors. */
int date_option(const char *s, int64_t *t);

#endif
