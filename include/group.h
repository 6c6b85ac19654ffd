/*
 * group.h - failures grouped by reason, codes and recipient domain.
 *
 * Input: a struct recset (the records the readers produced).
 * Output: a tree of three levels, each sorted by count (descending), then
 * by key (byte order), so the same records always give the same tree:
 *
 *	reason			"userunknown"
 *	  codes			"550 5.1.1" (reply code and enhanced status)
 *	    domain		"example.com" (of the recipient)
 *
 * Each node has its count (temporary and permanent), the first and last
 * time of its records, a representative record and the article most of
 * its records were diagnosed with.  The report, the summary (text and
 * JSON) and the TUI's summary screen all show this tree.
 *
 * Only failures are grouped (group_is_failure()); records of delivered
 * mail are left out.  The tree points into the recset and its knowledge
 * base: it is valid until the recset is released or changed.
 */
#ifndef BOUNCEDOC_GROUP_H
#define BOUNCEDOC_GROUP_H

#include <stddef.h>

#include "kb.h"
#include "record.h"

enum group_level {
	GROUP_ALL = 0,		/* the root: every failure */
	GROUP_REASON,
	GROUP_CODES,
	GROUP_DOMAIN,
};

struct group {
	enum group_level	 level;
	/* "userunknown"; "550 5.1.1", "550", "5.1.1" or "" (no code);
	 * "example.com" or "" (recipient unknown).  Owned; the domain is
	 * the recipient's, lower-cased, and may hold any byte: escape it. */
	char			*key;
	char			 reply[4];	/* GROUP_CODES: "550" or "" */
	char			 status[12];	/* GROUP_CODES: "5.1.1" or "" */
	size_t			 count;
	size_t			 temporary;	/* of count */
	size_t			 permanent;
	/* record times as found (into the recset), or NULL if no record of
	 * the group has a time that can be read */
	const char		*first;
	const char		*last;
	size_t			 rep;	/* index in the recset of the first
					   record with the article below */
	/* the first article of most records (ties: the earliest record);
	 * NULL if none of them matched an article */
	const struct kb_article	*article;
	/* its provider, or NULL */
	const char		*provider;
	struct group		*child;	/* owned array, sorted */
	size_t			 nchild;
	/* its records: group_tree.order[lo .. lo + count) */
	size_t			 lo;
};

struct group_tree {
	struct group	 root;		/* level GROUP_ALL, key "" */
	/* indexes into the recset of every failure, grouped: the records of
	 * each node are order[node->lo .. node->lo + node->count) */
	size_t		*order;
};

/* True if r is a failure (not a delivery, relay or expansion report). */
int	group_is_failure(const struct record *r);

/* Builds the tree of the failures in rs; release with group_release(). */
void	group_build(struct group_tree *t, const struct recset *rs);
void	group_release(struct group_tree *t);

/* "all", "reason", "codes", "domain".  Static. */
const char *group_level_name(enum group_level level);

/*
 * The time of a record, read.  Understood: ISO 8601 / RFC 3339
 * ("2026-11-28T09:14:02.5+01:00", "2026-11-28 09:14:02"), RFC 5322
 * ("Sat, 28 Nov 2026 09:14:02 +0000") and syslog ("Nov 28 09:14:02",
 * no year).  key orders times (seconds, the zone applied; times without a
 * year come before dated ones).  Returns 0, or -1 if s is not a time.
 */
struct group_time {
	int		year;		/* 0: not given */
	int		mon, day, hour, min, sec;
	long long	key;
};
int	group_time_parse(const char *s, struct group_time *t);

/*
 * Writes s as a short wall-clock time to the minute, "2026-11-28 09:14"
 * (as written, the zone left out) or "Nov 28 09:14", into buf (at least
 * GROUP_TIME_LEN + 1 bytes).  A time that cannot be read is copied made
 * safe and cut to GROUP_TIME_LEN; NULL gives "-".
 */
#define GROUP_TIME_LEN	16
void	group_time_format(const char *s, char *buf, size_t size);

#endif
