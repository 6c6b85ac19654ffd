/*
 * summary.h - the grouped summary of failures, built while the records
 * stream past, in memory that grows with the number of groups instead of
 * the number of failures.
 *
 * group_build() groups a recset, which must hold every record: a log of
 * gigabytes has more failures than fit in memory that way.  summary_add()
 * folds records in one at a time and keeps only those the summary shows:
 * of each set of records alike in reason, codes, recipient domain,
 * article and class, the first, the earliest and the latest.
 * summary_finish() then gives the tree group_build() would give for all
 * of them - keys, counts, first and last times, the article of most
 * records, the representative and the order of the children - with a
 * recset of the kept records that the tree's rep indexes point into.
 *
 * The tree is for the summary views (view_report_summary(),
 * view_json_summary()): its slices (group.lo, group_tree.order) list the
 * kept records only, not every failure, so it cannot drive view_report().
 */
#ifndef BOUNCEDOC_SUMMARY_H
#define BOUNCEDOC_SUMMARY_H

#include "group.h"
#include "record.h"

struct summary;

struct summary	*summary_new(void);
/* Folds the lent record r in (a copy is kept if the summary needs it). */
void		 summary_add(struct summary *s, struct record *r);
/*
 * Builds the tree of every failure added into t, and into rs (empty,
 * initialised) the records it points to.  Release them with
 * group_release() and recset_release(); s is left empty.
 */
void		 summary_finish(struct summary *s, struct recset *rs,
		    struct group_tree *t);
/* Frees s (and any record still in it).  NULL is a no-op. */
void		 summary_free(struct summary *s);

#endif
