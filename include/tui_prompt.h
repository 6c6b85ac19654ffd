/*
 * tui_prompt.h - questions on the bottom line, and the paste prompt.
 *
 * The line prompts (search, filter, file name, yes/no) run their own
 * small input loop on the last screen line; the rest of the screen is
 * redrawn under them on resize, and records keep arriving.  The paste
 * prompt takes the whole screen before anything is read: the user pastes
 * a bounce and ends with Ctrl-D.
 */
#ifndef BOUNCEDOC_TUI_PROMPT_H
#define BOUNCEDOC_TUI_PROMPT_H

#include <stddef.h>

#include "tui_state.h"

/*
 * Asks for a line after label, starting with init (may be NULL).
 * Returns 1 with a new string in *out (caller frees), 0 if cancelled
 * (Esc, Ctrl-G), -1 if a signal asks to stop.
 */
int	tui_prompt_line(struct tui_state *st, const char *label,
	    const char *init, char **out);
/* Asks a yes/no question; returns 1 for y, 0 otherwise, -1 on a signal. */
int	tui_prompt_yesno(struct tui_state *st, const char *question);
/*
 * Lets the user paste text, ended by Ctrl-D.  Returns the bytes (caller
 * frees; *len their number, NUL-terminated), or NULL if the user quit
 * with Ctrl-C, a signal came, or nothing was pasted (*len 0).
 */
char	*tui_prompt_paste(struct tui_state *st, size_t *len);

#endif
