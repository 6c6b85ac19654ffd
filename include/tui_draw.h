/*
 * tui_draw.h - colours by role, and drawing safe text on the screen.
 *
 * Roles (enum tui_role, tui_doc.h) map to a colour pair and attributes in
 * the colour scheme, or to attributes only in the monochrome scheme
 * (NO_COLOR, --color=never, a terminal without colours).  Both schemes
 * keep meaning visible without colour: codes are bold (and underlined in
 * monochrome), the selection and matches are reverse video, and
 * temporary/permanent is always written as a word.  Every function here
 * draws text that is already safe (from tui_doc_safe() or a tui_doc).
 */
#ifndef BOUNCEDOC_TUI_DRAW_H
#define BOUNCEDOC_TUI_DRAW_H

#include <stddef.h>

#include "tui_doc.h"

struct tui_rect {
	int	y, x, h, w;
};

/* Sets up the colour pairs (color: use colours if the terminal has
 * them).  Returns 1 if colours are in use. */
int	tui_draw_init(int color);
/* The curses attributes of a role (an attr_t, as int). */
int	tui_draw_attr(enum tui_role role);
/* Fills w cells at (y, x) with spaces in role. */
void	tui_draw_fill(int y, int x, int w, enum tui_role role);
/*
 * Draws safe UTF-8 s[0..len) at (y, x) in role, cut at w cells; pads with
 * spaces to w when pad.  Returns the cells drawn (padding included).
 */
int	tui_draw_text(int y, int x, int w, const char *s, size_t len,
	    enum tui_role role, int pad);
/* Same, for any text: made safe first (input bytes allowed). */
int	tui_draw_raw(int y, int x, int w, const char *s, enum tui_role role,
	    int pad);
/* Draws one document line cut at w cells, padded; over != 0 draws every
 * byte in that role instead (the selected row). */
void	tui_draw_line(int y, int x, int w, const struct tui_line *l,
	    enum tui_role over);
/* Draws doc lines top.. into r; blank lines after the end. */
void	tui_draw_doc(const struct tui_rect *r, const struct tui_doc *d,
	    size_t top);
/* A message box in the middle of the screen (too small, errors). */
void	tui_draw_center(const char *msg, enum tui_role role);

#endif
