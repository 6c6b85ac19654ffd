/*
 * group_time.c - read and write the times of records for the grouped
 * views (group.h): ISO 8601 / RFC 3339, RFC 5322 and syslog stamps,
 * turned into a key that orders them and a short form to the minute.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "group.h"

static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

/* Month from its English abbreviation at s, 1-12, or 0. */
static int
month_of(const char *s)
{
	char		 m[4];
	const char	*p;
	int		 i;

	for (i = 0; i < 3; i++) {
		if (!isalpha((unsigned char)s[i]))
			return 0;
		m[i] = (char)tolower((unsigned char)s[i]);
	}
	m[3] = '\0';
	if ((p = strstr(months, m)) == NULL || (p - months) % 3 != 0)
		return 0;
	return (int)(p - months) / 3 + 1;
}

/* Reads exactly n digits at *s; returns the number or -1. */
static int
digits(const char **s, int n)
{
	int	v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return v;
}

/* Reads "HH:MM[:SS[.frac]]" at *s into t. */
static int
clock_of(const char **s, struct group_time *t)
{
	if ((t->hour = digits(s, 2)) < 0 || **s != ':')
		return -1;
	(*s)++;
	if ((t->min = digits(s, 2)) < 0)
		return -1;
	t->sec = 0;
	if (**s == ':') {
		(*s)++;
		if ((t->sec = digits(s, 2)) < 0)
			return -1;
		if (**s == '.' || **s == ',')
			for ((*s)++; isdigit((unsigned char)**s); (*s)++)
				;
	}
	return t->hour < 24 && t->min < 60 && t->sec < 61 ? 0 : -1;
}

/* Reads a zone at *s ("Z", "+01:00", "-0500", "UT", "GMT"); returns the
 * offset east of UTC in seconds (0 when absent or unknown). */
static long
zone_of(const char *s)
{
	int	sign, h, m;

	while (*s == ' ')
		s++;
	if (*s != '+' && *s != '-')
		return 0;
	sign = *s++ == '-' ? -1 : 1;
	if ((h = digits(&s, 2)) < 0)
		return 0;
	if (*s == ':')
		s++;
	if ((m = digits(&s, 2)) < 0)
		m = 0;
	return sign * (h * 3600L + m * 60L);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(long long y, int m, int d)
{
	long long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "2026-11-28T09:14:02+01:00" */
static int
parse_iso(const char *s, struct group_time *t)
{
	if ((t->year = digits(&s, 4)) < 0 || *s++ != '-' ||
	    (t->mon = digits(&s, 2)) < 0 || *s++ != '-' ||
	    (t->day = digits(&s, 2)) < 0 || (*s != 'T' && *s != ' '))
		return -1;
	s++;
	if (clock_of(&s, t) == -1)
		return -1;
	t->key = -zone_of(*s == 'Z' ? "" : s);
	return 0;
}

/* "Sat, 28 Nov 2026 09:14:02 +0000" (RFC 5322 section 3.3) */
static int
parse_rfc5322(const char *s, struct group_time *t)
{
	if (isalpha((unsigned char)*s)) {
		while (isalpha((unsigned char)*s))
			s++;
		if (*s == ',')
			s++;
	}
	while (*s == ' ')
		s++;
	if ((t->day = digits(&s, 2)) < 0 && (t->day = digits(&s, 1)) < 0)
		return -1;
	if (*s++ != ' ' || (t->mon = month_of(s)) == 0)
		return -1;
	s += 3;
	if (*s++ != ' ' || (t->year = digits(&s, 4)) < 0 || *s++ != ' ' ||
	    clock_of(&s, t) == -1)
		return -1;
	t->key = -zone_of(s);
	return 0;
}

/* "Nov 28 09:14:02", "Nov  3 09:14:02" (syslog, no year) */
static int
parse_syslog(const char *s, struct group_time *t)
{
	if ((t->mon = month_of(s)) == 0 || s[3] != ' ')
		return -1;
	s += 4;
	if (*s == ' ')
		s++;
	if ((t->day = digits(&s, 2)) < 0 && (t->day = digits(&s, 1)) < 0)
		return -1;
	if (*s++ != ' ' || clock_of(&s, t) == -1)
		return -1;
	t->year = 0;
	t->key = 0;
	return 0;
}

int
group_time_parse(const char *s, struct group_time *t)
{
	memset(t, 0, sizeof *t);
	if (s == NULL)
		return -1;
	while (*s == ' ')
		s++;
	if (parse_iso(s, t) == -1 && parse_rfc5322(s, t) == -1 &&
	    parse_syslog(s, t) == -1) {
		memset(t, 0, sizeof *t);
		return -1;
	}
	if (t->mon < 1 || t->mon > 12 || t->day < 1 || t->day > 31)
		return -1;
	/* Times without a year sort before every dated one, among
	 * themselves by month, day and clock. */
	t->key += t->year > 0 ? days_from_civil(t->year, t->mon, t->day) *
	    86400 : ((t->mon * 32LL + t->day) * 86400) - (1LL << 45);
	t->key += t->hour * 3600L + t->min * 60L + t->sec;
	return 0;
}

void
group_time_format(const char *s, char *buf, size_t size)
{
	struct group_time	 t;
	char			*safe;

	if (s == NULL)
		snprintf(buf, size, "-");
	else if (group_time_parse(s, &t) == -1) {
		safe = esc_text(s, strlen(s), 0);
		snprintf(buf, size, "%.*s", GROUP_TIME_LEN, safe);
		free(safe);
	} else if (t.year > 0)
		snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", t.year, t.mon,
		    t.day, t.hour, t.min);
	else
		snprintf(buf, size, "%c%.2s %2d %02d:%02d",
		    toupper((unsigned char)months[(t.mon - 1) * 3]),
		    months + (t.mon - 1) * 3 + 1, t.day, t.hour, t.min);
}
