/*
 * tui_list.h - the failure list of the main screen.
 *
 * One line per row of the model (tui_model.h): time, reply code, enhanced
 * status, temporary/permanent as a word, a count when the row groups
 * several alike failures, recipient, reason and the diagnostic, in
 * columns that drop the least useful first when the screen is narrow.
 */
#ifndef BOUNCEDOC_TUI_LIST_H
#define BOUNCEDOC_TUI_LIST_H

#include <stddef.h>

#include "tui_state.h"

/* Draws the column names in st->list_head and the rows in st->list. */
void	tui_list_draw(struct tui_state *st);
/* Moves the selection for the up, down, page, top and bottom actions;
 * returns 1 if the action was one of those. */
int	tui_list_action(struct tui_state *st, enum tui_action a);
/* Selects row (clamped) and scrolls it into view. */
void	tui_list_select(struct tui_state *st, size_t row);
/* The row at screen line y, or (size_t)-1. */
size_t	tui_list_row_at(const struct tui_state *st, int y);

#endif
