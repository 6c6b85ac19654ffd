/*
 * tui_panes.h - the source pane and the article pane of the main screen.
 *
 * The source pane shows the selected record's own text: where it was
 * read, its fields, the diagnostic (emphasised), and the original text -
 * the bounce's relevant part or the log lines of the message's journey -
 * with every reply code and enhanced status highlighted.  The article
 * pane shows the verdict (temporary/permanent, reason, codes) and every
 * article that applies, most specific first: explanation, remedies, the
 * text for the customer, links.  Both are tui_doc documents, rebuilt when
 * the selection, the width or the search changes.
 */
#ifndef BOUNCEDOC_TUI_PANES_H
#define BOUNCEDOC_TUI_PANES_H

#include "kb.h"
#include "record.h"
#include "tui_doc.h"
#include "tui_state.h"

/* Rebuilds the documents that are out of date; a new search scrolls the
 * source pane to its first match. */
void	tui_panes_sync(struct tui_state *st);
/* Draws pane p (TUI_PANE_SOURCE or TUI_PANE_ARTICLE): title and body. */
void	tui_panes_draw(struct tui_state *st, enum tui_pane p);
/* Scrolls pane p for the movement actions; returns 1 if handled. */
int	tui_panes_action(struct tui_state *st, enum tui_pane p,
	    enum tui_action a);
/* Frees the documents. */
void	tui_panes_release(struct tui_state *st);
/*
 * The article whose customer text c copies: the one at the top of the
 * article pane when it has the focus, else the first with a customer
 * text.  NULL if the selected record has none.
 */
const struct kb_article *tui_panes_article(const struct tui_state *st);

/* Builds the two documents for record r (exposed for tests): group is
 * the list of other records alike (may be NULL). */
void	tui_panes_source_doc(struct tui_doc *d, const struct record *r,
	    const struct record *const *group, size_t ngroup);
void	tui_panes_article_doc(struct tui_doc *d, const struct record *r,
	    size_t *marks, size_t *nmarks);

#endif
