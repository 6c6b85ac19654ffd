/*
 * tui_help.c - show help/keys.txt in a scrollable page.
 *
 * The text is built into a document for the screen width; lines of the
 * key table ("  j, Down    next failure") wrap under their description.
 */
#include "config.h"

#include <string.h>

#include "kb_builtin.h"
#include "tui_curses.h"
#include "tui_doc.h"
#include "tui_draw.h"
#include "tui_help.h"
#include "tui_state.h"

/* Where a continuation of this line starts: after a run of 2+ spaces
 * that follows the key column, else under its first word. */
static int
hang_of(const char *p, size_t n, int indent)
{
	size_t	i;

	for (i = (size_t)indent; i + 2 < n; i++)
		if (p[i] != ' ' && p[i + 1] == ' ' && p[i + 2] == ' ') {
			for (i += 1; i < n && p[i] == ' '; i++)
				;
			return (int)i;
		}
	return indent;
}

static void
build(struct tui_state *st, int width)
{
	const struct kb_builtin_file	*f = kb_builtin_find("help/keys.txt");
	const char			*p, *end, *nl;
	size_t				 n, lead;

	tui_doc_release(&st->help);
	tui_doc_init(&st->help, width, NULL);
	if (f == NULL) {
		tui_doc_line(&st->help, 0, "help/keys.txt is missing from "
		    "this build", TUI_ROLE_ERROR);
		return;
	}
	p = f->text;
	end = p + f->len;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		for (lead = 0; lead < n && p[lead] == ' '; lead++)
			;
		tui_doc_para(&st->help, (int)lead,
		    hang_of(p, n, (int)lead));
		tui_doc_add(&st->help, p + lead, n - lead,
		    lead == 0 && n > 0 ? TUI_ROLE_HEADING : TUI_ROLE_NORMAL);
		tui_doc_end(&st->help);
		if (nl == end)
			break;
	}
}

void
tui_help_open(struct tui_state *st)
{
	if (st->screen != TUI_SCREEN_HELP)
		st->help_from = st->screen;
	st->screen = TUI_SCREEN_HELP;
	st->help_top = 0;
	st->help_rect.w = 0;	/* built on the first draw */
}

static void
clamp(struct tui_state *st)
{
	size_t	h = st->help_rect.h > 0 ? (size_t)st->help_rect.h : 1;

	if (st->help_top + h > st->help.n)
		st->help_top = st->help.n > h ? st->help.n - h : 0;
}

void
tui_help_draw(struct tui_state *st)
{
	static const char	title[] = " Help - q or Esc closes it";

	if (st->help_rect.w != COLS - 2 || st->help.v == NULL)
		build(st, COLS - 2);
	st->help_rect.y = 1;
	st->help_rect.x = 1;
	st->help_rect.w = COLS - 2;
	st->help_rect.h = LINES - 2;
	clamp(st);
	tui_draw_fill(0, 0, COLS, TUI_ROLE_FOCUS);
	tui_draw_text(0, 0, COLS, title, strlen(title), TUI_ROLE_FOCUS, 0);
	tui_draw_doc(&st->help_rect, &st->help, st->help_top);
	mvvline(1, 0, ' ', LINES - 2);
}

int
tui_help_action(struct tui_state *st, enum tui_action a)
{
	size_t	page = st->help_rect.h > 2 ? (size_t)st->help_rect.h - 1 : 1;

	switch (a) {
	case TUI_ACT_UP:
		st->help_top = st->help_top > 0 ? st->help_top - 1 : 0;
		break;
	case TUI_ACT_DOWN:
		st->help_top++;
		break;
	case TUI_ACT_PAGE_UP:
		st->help_top = st->help_top > page ? st->help_top - page : 0;
		break;
	case TUI_ACT_PAGE_DOWN:
		st->help_top += page;
		break;
	case TUI_ACT_TOP:
		st->help_top = 0;
		break;
	case TUI_ACT_BOTTOM:
		st->help_top = st->help.n;
		break;
	case TUI_ACT_QUIT:
	case TUI_ACT_ESCAPE:
	case TUI_ACT_HELP:
	case TUI_ACT_BACK:
	case TUI_ACT_ENTER:
		st->screen = st->help_from;
		return 1;
	default:
		return 0;
	}
	clamp(st);
	return 1;
}

void
tui_help_release(struct tui_state *st)
{
	tui_doc_release(&st->help);
}
