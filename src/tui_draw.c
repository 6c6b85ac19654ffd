/*
 * tui_draw.c - roles to colours, and safe text to the screen.
 *
 * The scheme is a table: one row per role with its colours and the
 * attributes for colour and for monochrome terminals (as htop's CRT.c
 * keeps one table per scheme).  Everything drawn is safe UTF-8 (see
 * tui_doc.h); text is cut by display cells, never inside a character.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui_curses.h"
#include "tui_doc.h"
#include "tui_draw.h"

#define DEF	(-1)		/* the terminal's default colour */
#define B	A_BOLD
#define U	A_UNDERLINE
#define R	A_REVERSE

static const struct {
	short	fg, bg;
	attr_t	color;		/* attributes with colour */
	attr_t	mono;		/* attributes without */
} scheme[TUI_ROLE_COUNT] = {
	/* role				fg		bg	colour	mono */
	[TUI_ROLE_NORMAL] =	{ DEF,		DEF,		0,	0 },
	[TUI_ROLE_HEADER] =	{ COLOR_CYAN,	DEF,		B,	B | U },
	[TUI_ROLE_SELECTED] =	{ COLOR_BLACK,	COLOR_CYAN,	0,	R },
	[TUI_ROLE_TEMP] =	{ COLOR_YELLOW,	DEF,		0,	0 },
	[TUI_ROLE_PERM] =	{ COLOR_RED,	DEF,		B,	B },
	[TUI_ROLE_REPLY] =	{ COLOR_YELLOW,	DEF,		B,	B | U },
	[TUI_ROLE_STATUS] =	{ COLOR_CYAN,	DEF,		B,	B | U },
	[TUI_ROLE_MATCH] =	{ COLOR_BLACK,	COLOR_YELLOW,	0,	R },
	[TUI_ROLE_DIAG] =	{ DEF,		DEF,		B,	B },
	[TUI_ROLE_HEADING] =	{ COLOR_GREEN,	DEF,		B,	B },
	[TUI_ROLE_TITLE] =	{ COLOR_MAGENTA, DEF,		B,	B | U },
	[TUI_ROLE_LINK] =	{ COLOR_BLUE,	DEF,		U,	U },
	[TUI_ROLE_DIM] =	{ DEF,		DEF,		A_DIM,	A_DIM },
	[TUI_ROLE_BAR] =	{ COLOR_BLACK,	COLOR_WHITE,	0,	R },
	[TUI_ROLE_MESSAGE] =	{ COLOR_BLACK,	COLOR_GREEN,	0,	R | B },
	[TUI_ROLE_ERROR] =	{ COLOR_WHITE,	COLOR_RED,	B,	R | B },
	[TUI_ROLE_PANE] =	{ COLOR_WHITE,	COLOR_BLUE,	0,	U },
	[TUI_ROLE_FOCUS] =	{ COLOR_BLACK,	COLOR_CYAN,	B,	R | B },
};

static int	use_color;

int
tui_draw_init(int color)
{
	short	i, fg, bg;
	int	defaults;

	use_color = 0;
	if (!color || !has_colors() || start_color() == ERR || COLORS < 8)
		return 0;
	defaults = use_default_colors() == OK;
	for (i = 1; i < TUI_ROLE_COUNT; i++) {
		fg = scheme[i].fg;
		bg = scheme[i].bg;
		if (!defaults) {
			fg = fg == DEF ? COLOR_WHITE : fg;
			bg = bg == DEF ? COLOR_BLACK : bg;
		}
		if (init_pair(i, fg, bg) == ERR)
			return 0;
	}
	use_color = 1;
	return 1;
}

int
tui_draw_attr(enum tui_role role)
{
	if (role >= TUI_ROLE_COUNT)
		role = TUI_ROLE_NORMAL;
	if (!use_color)
		return (int)scheme[role].mono;
	if (role == TUI_ROLE_NORMAL)
		return A_NORMAL;
	return (int)(scheme[role].color | COLOR_PAIR(role));
}

void
tui_draw_fill(int y, int x, int w, enum tui_role role)
{
	attrset((attr_t)tui_draw_attr(role));
	if (w > 0)
		mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

int
tui_draw_text(int y, int x, int w, const char *s, size_t len,
    enum tui_role role, int pad)
{
	size_t	n;
	int	used = 0;

	if (w <= 0)
		return 0;
	n = tui_doc_fit(s, len, w, &used);
	attrset((attr_t)tui_draw_attr(role));
	if (n > 0)
		mvaddnstr(y, x, s, (int)n);
	if (pad && used < w) {
		mvhline(y, x + used, ' ', w - used);
		used = w;
	}
	attrset(A_NORMAL);
	return used;
}

int
tui_draw_raw(int y, int x, int w, const char *s, enum tui_role role,
    int pad)
{
	char	*safe = tui_doc_safe(s, strlen(s));
	int	 n;

	n = tui_draw_text(y, x, w, safe, strlen(safe), role, pad);
	free(safe);
	return n;
}

void
tui_draw_line(int y, int x, int w, const struct tui_line *l,
    enum tui_role over)
{
	size_t	pos = 0, end;
	int	used = 0, cells;

	while (l != NULL && pos < l->len && used < w) {
		for (end = pos; end < l->len && l->role[end] == l->role[pos];
		    end++)
			;
		cells = tui_draw_text(y, x + used, w - used, l->text + pos,
		    end - pos, over ? over : (enum tui_role)l->role[pos], 0);
		used += cells;
		pos = end;
	}
	if (used < w)
		tui_draw_fill(y, x + used, w - used,
		    over ? over : TUI_ROLE_NORMAL);
}

void
tui_draw_doc(const struct tui_rect *r, const struct tui_doc *d, size_t top)
{
	int	i;

	for (i = 0; i < r->h; i++) {
		if (top + (size_t)i < d->n)
			tui_draw_line(r->y + i, r->x, r->w, &d->v[top + i], 0);
		else
			tui_draw_fill(r->y + i, r->x, r->w, TUI_ROLE_NORMAL);
	}
}

void
tui_draw_center(const char *msg, enum tui_role role)
{
	char	*safe = tui_doc_safe(msg, strlen(msg));
	int	 w = tui_doc_width(safe, strlen(safe)), y, x;

	y = LINES / 2;
	x = w < COLS ? (COLS - w) / 2 : 0;
	tui_draw_text(y, x, COLS - x, safe, strlen(safe), role, 0);
	free(safe);
}
