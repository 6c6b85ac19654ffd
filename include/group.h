/*
 * group.h - failures grouped by reason, codes and recipient domain.
 *
 * Input: records, folded in one at a time as they are read
 * (group_init(), group_add(), group_finish()) or all of a recset at once
 * (group_build()).  Output: a tree of three levels, each sorted by count
 * (descending), then by key (byte order), so the same records always
 * give the same tree:
 *
 *	reason			"userunknown"
 *	  codes			"550 5.1.1" (reply code and enhanced status)
 *	    domain		"example.com" (of the recipient)
 *
 * Each node has its count (temporary and permanent), the first and last
 * time of its records, a representative record and the article most of
 * its records were diagnosed with.  The report and the summary (text
 * and JSON) show this tree.
 *
 * Folding keeps per domain node a few numbers, two times and a count per
 * article, never the records: memory grows with the number of groups,
 * not of failures.  Records are named by a sequence number the caller
 * gives (their index in the recset for group_build()).
 *
 * Only failures are grouped (group_is_failure()); records of delivered
 * mail are left out.  The tree owns its strings and points into the
 * knowledge base the records were diagnosed with.
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
	/* the earliest and latest record times, as found (owned copies),
	 * or NULL if no record of the group has a time that can be read;
	 * ties go to the first read and the last read */
	char			*first;
	char			*last;
	/* the sequence number (recset index) of the first record with the
	 * article below, or of the first record if none has an article */
	size_t			 rep;
	/* the first article of most records (ties: the earliest record);
	 * NULL if none of them matched an article */
	const struct kb_article	*article;
	/* its provider, or NULL */
	const char		*provider;
	struct group		*child;	/* owned array, sorted */
	size_t			 nchild;
	/* group_build(): its records are group_tree.order[lo .. lo +
	 * count) */
	size_t			 lo;
};

struct group_fold;

struct group_tree {
	struct group	 root;		/* level GROUP_ALL, key "" */
	/* group_build() only, else NULL: indexes into the recset of every
	 * failure, grouped: the records of each node are
	 * order[node->lo .. node->lo + node->count), in recset order */
	size_t		*order;
	struct group_fold *fold;	/* private: records folded so far */
};

/* True if r is a failure (not a delivery, relay or expansion report). */
int	group_is_failure(const struct record *r);

/* Starts an empty tree to fold records into. */
void	group_init(struct group_tree *t);
/*
 * Folds r into t if it is a failure; r is not kept (its time is copied)
 * and may be freed after the call.  seq numbers r in the order read: it
 * breaks ties and names representatives (group.rep), so each record
 * needs its own.  Returns 1 if the finished tree may name seq as a
 * representative - r is the first record of its reason, codes and
 * domain, or the first of them with its article - so that a caller who
 * shows representatives keeps r; else 0.
 */
int	group_add(struct group_tree *t, const struct record *r, size_t seq);
/* Makes the tree of the records folded in.  Add nothing after this. */
void	group_finish(struct group_tree *t);
/* The tree of the failures in rs (seq: index in rs), with order. */
void	group_build(struct group_tree *t, const struct recset *rs);
/* Frees what t holds, finished or not. */
void	group_release(struct group_tree *t);

/* The domain part of a recipient as grouped: "Bob@AOL.example.>" gives
 * "AOL.example" (points into rcpt, *len bytes, not lower-cased); NULL and
 * 0 when there is no '@'. */
const char *group_domain(const char *rcpt, size_t *len);
/* The codes key of r into buf: "550 5.1.1", "550", "5.1.1" or "" (none):
 * the report's, the summary's and the screen's second level. */
void	group_codes(const struct record *r, char *buf, size_t size);

/* "all", "reason", "codes", "domain".  Static. */
const char *group_level_name(enum group_level level);

/* ------------------------------------------------ times (group_time.c) */

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
