/*
 * tui_help.h - the help screen (h, ?, F1): help/keys.txt, compiled into
 * the program by build-aux/kb2c.awk, shown in a scrollable page.
 */
#ifndef BOUNCEDOC_TUI_HELP_H
#define BOUNCEDOC_TUI_HELP_H

#include "tui_state.h"

void	tui_help_open(struct tui_state *st);
void	tui_help_draw(struct tui_state *st);
/* Handles an action on the help screen; returns 1 if handled. */
int	tui_help_action(struct tui_state *st, enum tui_action a);
void	tui_help_release(struct tui_state *st);

#endif
