/*
 * tui_summary.h - the grouped summary screen (s).
 *
 * The failures passing the filter, counted by reason; Enter on a reason
 * shows its reply codes, Enter on a code its recipient domains, and
 * Enter on a domain opens the failure list filtered to that group
 * (Backspace there comes back).  Backspace or q goes up a level.
 */
#ifndef BOUNCEDOC_TUI_SUMMARY_H
#define BOUNCEDOC_TUI_SUMMARY_H

#include <stdio.h>

#include "tui_state.h"

/* Opens the summary at its top level. */
void	tui_summary_open(struct tui_state *st);
/* Goes back to the summary level the list was drilled from. */
void	tui_summary_return(struct tui_state *st);
void	tui_summary_draw(struct tui_state *st);
/* Handles an action on the summary screen; returns 1 if handled. */
int	tui_summary_action(struct tui_state *st, enum tui_action a);
/* Selects the row at screen line y (mouse); returns 1 if one is there. */
int	tui_summary_click(struct tui_state *st, int y);
/* Writes the summary under the current level as text (made safe). */
void	tui_summary_write(const struct tui_state *st, FILE *fp);
void	tui_summary_release(struct tui_state *st);

#endif
