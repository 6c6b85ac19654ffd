/*
 * group.c - group the failures of a recset by reason, codes and domain.
 *
 * Input: the records.  Output: struct group_tree (group.h).
 *
 * The failures are sorted once by (reason, codes, domain, record index);
 * then every node of the tree is a run of that order, so a node's records
 * are one slice of group_tree.order and each level is built by cutting
 * its parent's slice into runs.  Children are then sorted for display
 * (count descending, key ascending), which leaves the slices alone.
 * Everything that decides the output (keys, counts, ties) depends on the
 * records only, never on addresses or the clock.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "group.h"
#include "kb.h"
#include "record.h"
#include "xalloc.h"

/* One failure, with the keys it is grouped by. */
struct item {
	size_t			 idx;		/* in the recset */
	const char		*reason;
	char			 codes[20];	/* "550 5.1.1" */
	char			*domain;	/* owned */
	const struct kb_article	*article;
	int			 temporary;
	int			 timed;		/* tkey is valid */
	long long		 tkey;
};

/* What group_build() passes down while cutting slices. */
struct build {
	const struct recset	*rs;
	struct item		*items;
};

static const char *const level_names[] = {
	"all", "reason", "codes", "domain",
};

const char *
group_level_name(enum group_level level)
{
	return level_names[level];
}

int
group_is_failure(const struct record *r)
{
	static const char *const ok[] = { "delivered", "relayed",
	    "expanded" };
	size_t	i;

	if (r->action == NULL)
		return 1;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(r->action, ok[i]) == 0)
			return 0;
	return 1;
}

/* ------------------------------------------------------------ time */

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

/* ------------------------------------------------------------ keys */

/* The domain of a recipient, lower-cased: "Bob@AOL.example>" gives
 * "aol.example"; no '@' gives "". */
static char *
domain_of(const char *rcpt)
{
	const char	*at;
	size_t		 n, i;
	char		*d;

	if (rcpt == NULL || (at = strrchr(rcpt, '@')) == NULL)
		return xstrdup("");
	at++;
	n = strcspn(at, "> \t;,)");
	while (n > 0 && at[n - 1] == '.')
		n--;
	d = xstrndup(at, n);
	for (i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static void
item_fill(struct item *it, const struct record *r, size_t idx)
{
	struct group_time	t;

	it->idx = idx;
	it->reason = r->diagnosis.reason ? r->diagnosis.reason : "undefined";
	if (r->reply[0] != '\0' && r->status[0] != '\0')
		snprintf(it->codes, sizeof it->codes, "%s %s", r->reply,
		    r->status);
	else
		snprintf(it->codes, sizeof it->codes, "%s%s", r->reply,
		    r->status);
	it->domain = domain_of(r->recipient);
	it->article = r->diagnosis.narticles > 0 ?
	    r->diagnosis.articles[0] : NULL;
	it->temporary = r->diagnosis.temporary;
	it->timed = group_time_parse(r->time, &t) == 0;
	it->tkey = t.key;
}

static int
item_cmp(const void *x, const void *y)
{
	const struct item	*a = x, *b = y;
	int			 c;

	if ((c = strcmp(a->reason, b->reason)) != 0)
		return c;
	if ((c = strcmp(a->codes, b->codes)) != 0)
		return c;
	if ((c = strcmp(a->domain, b->domain)) != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The key of it at a level; static or into it. */
static const char *
item_key(const struct item *it, enum group_level level)
{
	switch (level) {
	case GROUP_REASON:
		return it->reason;
	case GROUP_CODES:
		return it->codes;
	case GROUP_DOMAIN:
		return it->domain;
	default:
		return "";
	}
}

/* ------------------------------------------------------------ nodes */

struct vote {
	const struct kb_article	*a;
	size_t			 idx;
};

static int
vote_cmp(const void *x, const void *y)
{
	const struct vote	*a = x, *b = y;
	int			 c;

	if ((c = strcmp(a->a->id, b->a->id)) != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Sets g->article to the article of most records of the slice (ties: the
 * one seen first in the recset) and g->rep to its first record. */
static void
node_article(struct group *g, const struct item *it, size_t n)
{
	struct vote	*v = xreallocarray(NULL, n ? n : 1, sizeof *v);
	size_t		 nv = 0, i, j, best = 0, bestn = 0;

	g->rep = (size_t)-1;
	for (i = 0; i < n; i++) {
		if (it[i].idx < g->rep)
			g->rep = it[i].idx;
		if (it[i].article != NULL) {
			v[nv].a = it[i].article;
			v[nv++].idx = it[i].idx;
		}
	}
	qsort(v, nv, sizeof *v, vote_cmp);
	for (i = 0; i < nv; i = j) {
		for (j = i; j < nv && v[j].a == v[i].a; j++)
			;
		if (j - i > bestn ||
		    (j - i == bestn && v[i].idx < v[best].idx)) {
			best = i;
			bestn = j - i;
		}
	}
	if (bestn > 0) {
		g->article = v[best].a;
		g->rep = v[best].idx;
		g->provider = g->article->provider;
	}
	free(v);
}

/* Fills the counts, times and article of the node over items[lo, lo+n). */
static void
node_fill(struct group *g, const struct build *b, size_t lo, size_t n)
{
	const struct item	*it = b->items + lo;
	const struct item	*first = NULL, *last = NULL;
	size_t			 i;

	g->lo = lo;
	g->count = n;
	for (i = 0; i < n; i++) {
		if (it[i].temporary)
			g->temporary++;
		else
			g->permanent++;
		if (!it[i].timed)
			continue;
		if (first == NULL || it[i].tkey < first->tkey ||
		    (it[i].tkey == first->tkey && it[i].idx < first->idx))
			first = &it[i];
		if (last == NULL || it[i].tkey > last->tkey ||
		    (it[i].tkey == last->tkey && it[i].idx > last->idx))
			last = &it[i];
	}
	g->first = first ? b->rs->v[first->idx].time : NULL;
	g->last = last ? b->rs->v[last->idx].time : NULL;
	node_article(g, it, n);
}

static int
group_cmp(const void *x, const void *y)
{
	const struct group	*a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* Cuts the slice of g into runs of equal key at level, recursively. */
static void
node_split(struct group *g, const struct build *b, enum group_level level)
{
	const struct item	*it = b->items;
	size_t			 i, j, end = g->lo + g->count;
	struct group		*c;

	if (level > GROUP_DOMAIN)
		return;
	for (i = g->lo; i < end; i = j) {
		for (j = i + 1; j < end && strcmp(item_key(&it[j], level),
		    item_key(&it[i], level)) == 0; j++)
			;
		g->child = xreallocarray(g->child, g->nchild + 1,
		    sizeof *g->child);
		c = &g->child[g->nchild++];
		memset(c, 0, sizeof *c);
		c->level = level;
		c->key = xstrdup(item_key(&it[i], level));
		if (level == GROUP_CODES) {
			const struct record *r = &b->rs->v[it[i].idx];

			memcpy(c->reply, r->reply, sizeof c->reply);
			memcpy(c->status, r->status, sizeof c->status);
		}
		node_fill(c, b, i, j - i);
	}
	for (i = 0; i < g->nchild; i++)
		node_split(&g->child[i], b, level + 1);
	if (g->nchild > 1)
		qsort(g->child, g->nchild, sizeof *g->child, group_cmp);
}

void
group_build(struct group_tree *t, const struct recset *rs)
{
	struct build	b;
	size_t		i, n = 0;

	memset(t, 0, sizeof *t);
	b.rs = rs;
	b.items = xreallocarray(NULL, rs->n ? rs->n : 1, sizeof *b.items);
	for (i = 0; i < rs->n; i++)
		if (group_is_failure(&rs->v[i]))
			item_fill(&b.items[n++], &rs->v[i], i);
	qsort(b.items, n, sizeof *b.items, item_cmp);
	t->root.level = GROUP_ALL;
	t->root.key = xstrdup("");
	node_fill(&t->root, &b, 0, n);
	node_split(&t->root, &b, GROUP_REASON);
	t->order = xreallocarray(NULL, n ? n : 1, sizeof *t->order);
	for (i = 0; i < n; i++) {
		t->order[i] = b.items[i].idx;
		free(b.items[i].domain);
	}
	free(b.items);
}

static void
node_release(struct group *g)
{
	size_t	i;

	for (i = 0; i < g->nchild; i++)
		node_release(&g->child[i]);
	free(g->child);
	free(g->key);
}

void
group_release(struct group_tree *t)
{
	node_release(&t->root);
	free(t->order);
	memset(t, 0, sizeof *t);
}
