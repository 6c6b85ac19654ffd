/*
 * tui_keys.h - keys to actions, and what the actions do.
 *
 * tui_keys_action() maps a key (a curses KEY_* code or a character) to an
 * action through one table; tui_keys_act() carries it out on the screen
 * that is shown.  The help text (help/keys.txt) and the KEYS section of
 * bouncedoc(1) list the same table.
 */
#ifndef BOUNCEDOC_TUI_KEYS_H
#define BOUNCEDOC_TUI_KEYS_H

#include "tui_state.h"

/* The action of key fn (KEY_*, or 0) / ch (a character when fn is 0). */
enum tui_action	tui_keys_action(int fn, unsigned ch);
/* Does a on the current screen. */
void		tui_keys_act(struct tui_state *st, enum tui_action a);

#endif
