/*
 * summary.h - the grouped failures of records that stream past, in
 * memory that grows with the number of groups instead of the number of
 * failures.
 *
 * group_build() groups a recset, which must hold every record: a log of
 * gigabytes has more failures than fit in memory that way.  summary_add()
 * folds records into a group tree one at a time (group_add()) and keeps
 * copies of only those the tree may name as representatives.
 * summary_finish() then gives the tree group_build() would give for all
 * of them - keys, counts, first and last times, the article of most
 * records, the representative and the order of the children - with a
 * recset of the kept records that the tree's rep indexes point into.
 *
 * The tree has no order (group_tree.order is NULL): it drives the views
 * that show groups (view_report() without verbose, view_report_summary(),
 * view_json_summary()), not a list of every failure.
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
