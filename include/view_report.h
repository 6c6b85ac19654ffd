/*
 * view_report.h - the plain-text report (--report) and summary
 * (--summary).
 *
 * Both show a struct group_tree (group.h) and the recset its rep
 * indexes point into: group_build()'s, or summary_finish()'s.  The output
 * is plain text to paste into a ticket or a mail: codes are marked with
 * brackets, colour (only when o->color) is used for headings alone, lines
 * are wrapped at o->width, and everything from the input goes through
 * esc.c.  The same records give byte-identical output: nothing depends
 * on the clock, the locale or addresses.
 */
#ifndef BOUNCEDOC_VIEW_REPORT_H
#define BOUNCEDOC_VIEW_REPORT_H

#include <stdio.h>

#include "group.h"
#include "record.h"
#include "view_text.h"

/* Domains listed under one reply code unless o->verbose. */
#define VIEW_REPORT_DOMAINS	10
/* The summary shows its time columns only if this many columns are left
 * for the names. */
#define VIEW_REPORT_NAMES	28

/*
 * The report: a headline (failures, temporary and permanent, the period),
 * then the groups with the title and first remedy of their article; with
 * o->verbose, then every failure (recipient, time, where, the diagnostic
 * with its codes marked, the article and the text for the customer),
 * which only a tree of group_build() lists (t->order).
 */
void	view_report(FILE *fp, const struct recset *rs,
	    const struct group_tree *t, const struct view_text_opts *o);

/*
 * The summary: the headline of the report, then one line per group
 * (count, first and last time, reason, codes or domain, and the article
 * title or provider), as a table.  Times show the clock alone when all
 * are on one day, else month and day too, else the year too.
 */
void	view_report_summary(FILE *fp, const struct recset *rs,
	    const struct group_tree *t, const struct view_text_opts *o);

/* The width to wrap at for output on fd: the terminal's (TIOCGWINSZ,
 * kept between 40 and 160) when fd is one, else 78. */
int	view_report_width(int fd);

#endif
