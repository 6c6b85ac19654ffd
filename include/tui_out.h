/*
 * tui_out.h - what leaves the terminal UI: the clipboard and files.
 *
 * c copies the customer text of the current article with OSC 52 (the
 * terminal sets its clipboard from "ESC ] 52 ; c ; BASE64 BEL"); where
 * the terminal does not offer it - no "Ms" capability in terminfo and not
 * a terminal known to have it, or BOUNCEDOC_CLIPBOARD=file - the text is
 * written to a new file and the status line names it.  w writes the
 * selected failure (or the summary) as text; an existing file is replaced
 * only after the user agrees, and always through a temporary file in the
 * same directory renamed over it, so a failed write leaves no half file.
 */
#ifndef BOUNCEDOC_TUI_OUT_H
#define BOUNCEDOC_TUI_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "tui_state.h"

/* c: copy the customer text; says what happened in the status line. */
void	tui_out_copy(struct tui_state *st);
/* w: ask for a file name and write the failure or the summary. */
void	tui_out_write(struct tui_state *st);

/* True if the terminal can take OSC 52 (see above). */
int	tui_out_osc52(void);
/* Base64 (RFC 4648) of s[0..n); caller frees. */
char	*tui_out_base64(const char *s, size_t n);
/*
 * Writes path through a temporary file and rename(): fn(fp, arg) writes
 * the text.  Returns 0, or -1 with a message in a new string *err.
 */
int	tui_out_file(const char *path, void (*fn)(FILE *, const void *),
	    const void *arg, char **err);

#endif
