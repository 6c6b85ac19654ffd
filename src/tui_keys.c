/*
 * tui_keys.c - what the keys do: one table from keys to actions, and the
 * actions of the main screen (search, filter, panes, zoom, mouse).
 *
 * Keys follow less and mutt: j/k and arrows, space/b and PgDn/PgUp,
 * g/G, / n N, q.  The summary and help screens get the movement actions
 * through their own handlers (tui_summary.c, tui_help.c).
 */
#include "config.h"

#include <stdlib.h>

#include "tui_curses.h"
#include "tui_draw.h"
#include "tui_help.h"
#include "tui_keys.h"
#include "tui_list.h"
#include "tui_model.h"
#include "tui_out.h"
#include "tui_panes.h"
#include "tui_prompt.h"
#include "tui_search.h"
#include "tui_state.h"
#include "tui_summary.h"
#include "view_tui.h"

#define NONE		((size_t)-1)
#define CTRL(c)		((c) & 0x1f)

static const struct {
	int		fn;	/* KEY_* or 0 */
	unsigned	ch;
	enum tui_action	action;
} keymap[] = {
	{ KEY_UP, 0, TUI_ACT_UP },		{ 0, 'k', TUI_ACT_UP },
	{ KEY_DOWN, 0, TUI_ACT_DOWN },		{ 0, 'j', TUI_ACT_DOWN },
	{ KEY_PPAGE, 0, TUI_ACT_PAGE_UP },	{ 0, 'b', TUI_ACT_PAGE_UP },
	{ KEY_NPAGE, 0, TUI_ACT_PAGE_DOWN },	{ 0, ' ', TUI_ACT_PAGE_DOWN },
	{ KEY_HOME, 0, TUI_ACT_TOP },		{ 0, 'g', TUI_ACT_TOP },
	{ KEY_END, 0, TUI_ACT_BOTTOM },		{ 0, 'G', TUI_ACT_BOTTOM },
	{ 0, '\t', TUI_ACT_NEXT_PANE },
	{ KEY_BTAB, 0, TUI_ACT_PREV_PANE },
	{ KEY_ENTER, 0, TUI_ACT_ENTER },	{ 0, '\r', TUI_ACT_ENTER },
	{ 0, '\n', TUI_ACT_ENTER },
	{ KEY_BACKSPACE, 0, TUI_ACT_BACK },	{ 0, 127, TUI_ACT_BACK },
	{ 0, CTRL('h'), TUI_ACT_BACK },		{ 0, 27, TUI_ACT_ESCAPE },
	{ 0, '/', TUI_ACT_SEARCH },		{ 0, 'n', TUI_ACT_SEARCH_NEXT },
	{ 0, 'N', TUI_ACT_SEARCH_PREV },	{ 0, 'f', TUI_ACT_FILTER },
	{ 0, 's', TUI_ACT_SUMMARY },		{ 0, 'c', TUI_ACT_COPY },
	{ 0, 'w', TUI_ACT_WRITE },		{ 0, 'h', TUI_ACT_HELP },
	{ 0, '?', TUI_ACT_HELP },		{ KEY_F(1), 0, TUI_ACT_HELP },
	{ 0, 'q', TUI_ACT_QUIT },
	{ 0, CTRL('l'), TUI_ACT_REDRAW },
	{ KEY_RESIZE, 0, TUI_ACT_RESIZE },	{ KEY_MOUSE, 0, TUI_ACT_MOUSE },
};

enum tui_action
tui_keys_action(int fn, unsigned ch)
{
	size_t	i;

	for (i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
		if (fn ? keymap[i].fn == fn : keymap[i].fn == 0 &&
		    keymap[i].ch == ch)
			return keymap[i].action;
	return TUI_ACT_NONE;
}

static void
search_go(struct tui_state *st, int dir, int fresh)
{
	size_t	row, from;
	int	wrapped;

	if (st->search == NULL) {
		view_tui_message(st, 1, "no search yet: / starts one");
		return;
	}
	from = fresh ? (st->sel > 0 ? st->sel - 1 : NONE) : st->sel;
	row = tui_model_search(&st->model, st->search, from, dir, &wrapped);
	if (row == NONE) {
		view_tui_message(st, 1, "not found: %s",
		    tui_search_pattern(st->search));
		return;
	}
	if (wrapped && !(fresh && from == NONE))
		view_tui_message(st, 0, dir > 0 ? "search went past the end, "
		    "on from the top" : "search went past the top, on from "
		    "the end");
	tui_list_select(st, row);
}

static void
search_ask(struct tui_state *st)
{
	struct tui_search	*s;
	char			*pat = NULL, *err = NULL;

	if (tui_prompt_line(st, "/", NULL, &pat) != 1 || *pat == '\0') {
		free(pat);
		return;
	}
	if ((s = tui_search_new(pat, &err)) == NULL) {
		view_tui_message(st, 1, "search: %s", err);
		free(err);
		free(pat);
		return;
	}
	free(pat);
	tui_search_free(st->search);
	st->search = s;
	st->search_gen++;
	search_go(st, 1, 1);
}

static void
filter_ask(struct tui_state *st)
{
	char	*text = NULL;

	if (tui_prompt_line(st, "filter (code status reason domain provider "
	    "temp/perm): ", st->model.filter.text, &text) == 1) {
		st->drilled = 0;
		view_tui_filter(st, text);
	}
	free(text);
}

static void
escape(struct tui_state *st)
{
	if (st->zoom)
		st->zoom = 0;
	else if (st->model.filter.text != NULL) {
		st->drilled = 0;
		view_tui_filter(st, "");
		view_tui_message(st, 0, "filter cleared");
	} else if (st->search != NULL) {
		tui_search_free(st->search);
		st->search = NULL;
		st->search_gen++;
	}
}

static int
in_rect(const struct tui_rect *r, int y, int x)
{
	return y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

/* The pane of the main screen at (y, x), or -1. */
static int
pane_at(const struct tui_state *st, int y, int x)
{
	int	p;

	if (in_rect(&st->list, y, x) || in_rect(&st->list_head, y, x))
		return TUI_PANE_LIST;
	for (p = TUI_PANE_SOURCE; p <= TUI_PANE_ARTICLE; p++)
		if (in_rect(&st->pane[p - 1].body, y, x) ||
		    in_rect(&st->pane[p - 1].title, y, x))
			return p;
	return -1;
}

static void
wheel(struct tui_state *st, int p, enum tui_action a, int times)
{
	while (times-- > 0) {
		if (st->screen == TUI_SCREEN_SUMMARY)
			tui_summary_action(st, a);
		else if (st->screen == TUI_SCREEN_HELP)
			tui_help_action(st, a);
		else if (p == TUI_PANE_LIST)
			tui_list_action(st, a);
		else if (p > 0)
			tui_panes_action(st, (enum tui_pane)p, a);
	}
}

static void
mouse(struct tui_state *st)
{
	MEVENT	ev;
	size_t	row;
	int	p;

	if (getmouse(&ev) != OK)
		return;
	p = st->screen == TUI_SCREEN_MAIN ? pane_at(st, ev.y, ev.x) : -1;
	if (ev.bstate & BUTTON4_PRESSED)
		wheel(st, p, TUI_ACT_UP, 3);
	else if (ev.bstate & BUTTON5_PRESSED)
		wheel(st, p, TUI_ACT_DOWN, 3);
	else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
		if (st->screen == TUI_SCREEN_SUMMARY)
			tui_summary_click(st, ev.y);
		else if (p >= 0) {
			st->focus = (enum tui_pane)p;
			if ((row = tui_list_row_at(st, ev.y)) != NONE)
				tui_list_select(st, row);
		}
	}
}

static void
main_action(struct tui_state *st, enum tui_action a)
{
	switch (a) {
	case TUI_ACT_SEARCH:
		search_ask(st);
		break;
	case TUI_ACT_SEARCH_NEXT:
	case TUI_ACT_SEARCH_PREV:
		search_go(st, a == TUI_ACT_SEARCH_NEXT ? 1 : -1, 0);
		break;
	case TUI_ACT_FILTER:
		filter_ask(st);
		break;
	case TUI_ACT_SUMMARY:
		tui_summary_open(st);
		break;
	case TUI_ACT_NEXT_PANE:
		st->focus = (enum tui_pane)((st->focus + 1) % TUI_PANE_COUNT);
		break;
	case TUI_ACT_PREV_PANE:
		st->focus = (enum tui_pane)((st->focus + TUI_PANE_COUNT - 1) %
		    TUI_PANE_COUNT);
		break;
	case TUI_ACT_ENTER:
		st->zoom = !st->zoom;
		break;
	case TUI_ACT_ESCAPE:
		escape(st);
		break;
	case TUI_ACT_BACK:
		if (st->zoom)
			st->zoom = 0;
		else if (st->drilled)
			tui_summary_return(st);
		break;
	case TUI_ACT_QUIT:
		if (st->zoom)
			st->zoom = 0;
		else
			st->quit = 1;
		break;
	default:
		if (st->focus == TUI_PANE_LIST)
			tui_list_action(st, a);
		else
			tui_panes_action(st, st->focus, a);
		break;
	}
}

void
tui_keys_act(struct tui_state *st, enum tui_action a)
{
	switch (a) {
	case TUI_ACT_NONE:
	case TUI_ACT_RESIZE:
		return;
	case TUI_ACT_REDRAW:
		clearok(curscr, TRUE);
		return;
	case TUI_ACT_MOUSE:
		mouse(st);
		return;
	case TUI_ACT_HELP:
		if (st->screen != TUI_SCREEN_HELP) {
			tui_help_open(st);
			return;
		}
		break;
	case TUI_ACT_COPY:
		tui_out_copy(st);
		return;
	case TUI_ACT_WRITE:
		if (st->screen != TUI_SCREEN_HELP)
			tui_out_write(st);
		return;
	default:
		break;
	}
	if (st->too_small) {
		if (a == TUI_ACT_QUIT)
			st->quit = 1;
		return;
	}
	if (st->screen == TUI_SCREEN_HELP) {
		tui_help_action(st, a);
		return;
	}
	if (st->screen == TUI_SCREEN_SUMMARY) {
		tui_summary_action(st, a);
		return;
	}
	main_action(st, a);
}

