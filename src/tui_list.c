/*
 * tui_list.c - draw the failure list and move its selection.
 *
 * Columns are a table (name, width, when shown); widths are worked out
 * for the current screen width, so a resize only redraws.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "record.h"
#include "tui_curses.h"
#include "tui_doc.h"
#include "tui_draw.h"
#include "tui_list.h"
#include "tui_model.h"
#include "tui_state.h"
#include "xalloc.h"

#define NONE	((size_t)-1)

enum col { COL_TIME, COL_CODE, COL_STATUS, COL_CLASS, COL_COUNT,
	COL_RCPT, COL_REASON, COL_DIAG, NCOLS };

static const struct {
	const char	*name;
	int		 width;		/* 0: takes what is left */
	int		 min_screen;	/* shown from this screen width on */
	int		 right;		/* right-aligned */
} cols[NCOLS] = {
	[COL_TIME] =	{ "TIME", GROUP_TIME_LEN, 96, 0 },
	[COL_CODE] =	{ "CODE", 4, 0, 0 },
	[COL_STATUS] =	{ "STATUS", 7, 0, 0 },
	[COL_CLASS] =	{ "TYPE", 4, 0, 0 },
	[COL_COUNT] =	{ "N", 4, 0, 1 },
	[COL_RCPT] =	{ "RECIPIENT", 0, 0, 0 },
	[COL_REASON] =	{ "REASON", 15, 48, 0 },
	[COL_DIAG] =	{ "DIAGNOSTIC", 0, 72, 0 },
};

/* Column x positions and widths for screen width w (0 width: hidden). */
static void
layout(int w, int x[NCOLS], int cw[NCOLS])
{
	int	i, used = 0, rest, rcpt;

	for (i = 0; i < NCOLS; i++) {
		cw[i] = w >= cols[i].min_screen ? cols[i].width : 0;
		if (cw[i] > 0)
			used += cw[i] + 1;
	}
	rest = w - used - 1;
	if (cols[COL_DIAG].min_screen <= w) {
		rcpt = rest * 45 / 100;
		if (rcpt > 36)
			rcpt = 36;
		cw[COL_RCPT] = rcpt;
		cw[COL_DIAG] = rest - rcpt - 1;
		if (cw[COL_DIAG] < 8) {
			cw[COL_RCPT] = rest;
			cw[COL_DIAG] = 0;
		}
	} else
		cw[COL_RCPT] = rest > 1 ? rest : 1;
	used = 1;	/* a margin for the selection marker */
	for (i = 0; i < NCOLS; i++) {
		x[i] = used;
		if (cw[i] > 0)
			used += cw[i] + 1;
	}
}

static void
cell(int y, int x, int w, const char *s, enum tui_role role, int right)
{
	char	*safe;
	int	 sw;

	if (w <= 0 || s == NULL)
		return;
	safe = tui_doc_safe(s, strlen(s));
	sw = tui_doc_width(safe, strlen(safe));
	if (right && sw < w)
		x += w - sw;
	tui_draw_text(y, x, w, safe, strlen(safe), role, 0);
	free(safe);
}

static void
draw_row(struct tui_state *st, size_t row, int y)
{
	const struct tui_row	*rw = &st->model.rows[row];
	const struct record	*r = &st->model.rs.v[rw->first];
	int			 x[NCOLS], cw[NCOLS], sel = row == st->sel;
	enum tui_role		 base;
	char			 count[32], when[GROUP_TIME_LEN + 1];
	const char		*who;

	base = sel ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL;
	layout(st->list.w, x, cw);
	tui_draw_fill(y, st->list.x, st->list.w, base);
	if (sel)
		cell(y, st->list.x, 1, ">", base, 0);
	if (cw[COL_TIME] > 0 && r->time != NULL) {
		group_time_format(r->time, when, sizeof when);
		cell(y, st->list.x + x[COL_TIME], cw[COL_TIME], when, base, 0);
	}
	cell(y, st->list.x + x[COL_CODE], cw[COL_CODE],
	    r->reply[0] ? r->reply : "-", sel ? base : TUI_ROLE_REPLY, 0);
	cell(y, st->list.x + x[COL_STATUS], cw[COL_STATUS],
	    r->status[0] ? r->status : "-", sel ? base : TUI_ROLE_STATUS, 0);
	cell(y, st->list.x + x[COL_CLASS], cw[COL_CLASS],
	    r->diagnosis.temporary ? "temp" : "perm", sel ? base :
	    r->diagnosis.temporary ? TUI_ROLE_TEMP : TUI_ROLE_PERM, 0);
	if (rw->count > 1) {
		snprintf(count, sizeof count, "%zu", rw->count);
		cell(y, st->list.x + x[COL_COUNT], cw[COL_COUNT], count, base,
		    1);
	}
	who = r->recipient ? r->recipient : r->remote_host ? r->remote_host :
	    "-";
	cell(y, st->list.x + x[COL_RCPT], cw[COL_RCPT], who, base, 0);
	cell(y, st->list.x + x[COL_REASON], cw[COL_REASON],
	    r->diagnosis.reason ? r->diagnosis.reason : "undefined", base, 0);
	cell(y, st->list.x + x[COL_DIAG], cw[COL_DIAG], r->diagnostic, base,
	    0);
}

static void
draw_empty(struct tui_state *st)
{
	char	*msg;

	if (st->load != NULL)
		msg = xstrdup("reading...");
	else if (st->model.filter.text != NULL)
		msg = xasprintf("no failure matches the filter '%s' (Esc "
		    "clears it)", st->model.filter.text);
	else
		msg = xstrdup("no failures found");
	cell(st->list.y, st->list.x + 1, st->list.w - 1, msg, TUI_ROLE_DIM, 0);
	free(msg);
}

void
tui_list_draw(struct tui_state *st)
{
	enum tui_role	head;
	int		x[NCOLS], cw[NCOLS], i;
	size_t		row;

	layout(st->list_head.w, x, cw);
	/* the column names show the focus, like the panes' titles */
	head = st->focus == TUI_PANE_LIST ? TUI_ROLE_FOCUS : TUI_ROLE_HEADER;
	tui_draw_fill(st->list_head.y, st->list_head.x, st->list_head.w, head);
	for (i = 0; i < NCOLS; i++)
		cell(st->list_head.y, st->list_head.x + x[i], cw[i],
		    cols[i].name, head, cols[i].right);
	for (i = 0; i < st->list.h; i++) {
		row = st->top + (size_t)i;
		if (row < st->model.nrows)
			draw_row(st, row, st->list.y + i);
		else
			tui_draw_fill(st->list.y + i, st->list.x, st->list.w,
			    TUI_ROLE_NORMAL);
	}
	if (st->model.nrows == 0 && st->list.h > 0)
		draw_empty(st);
}

void
tui_list_select(struct tui_state *st, size_t row)
{
	size_t	h = st->list.h > 0 ? (size_t)st->list.h : 1;

	if (st->model.nrows == 0) {
		st->sel = st->top = 0;
		return;
	}
	if (row >= st->model.nrows)
		row = st->model.nrows - 1;
	st->sel = row;
	if (st->sel < st->top)
		st->top = st->sel;
	else if (st->sel >= st->top + h)
		st->top = st->sel - h + 1;
	if (st->top + h > st->model.nrows)
		st->top = st->model.nrows > h ? st->model.nrows - h : 0;
}

int
tui_list_action(struct tui_state *st, enum tui_action a)
{
	size_t	page = st->list.h > 1 ? (size_t)st->list.h - 1 : 1;

	switch (a) {
	case TUI_ACT_UP:
		tui_list_select(st, st->sel > 0 ? st->sel - 1 : 0);
		return 1;
	case TUI_ACT_DOWN:
		tui_list_select(st, st->sel + 1);
		return 1;
	case TUI_ACT_PAGE_UP:
		tui_list_select(st, st->sel > page ? st->sel - page : 0);
		return 1;
	case TUI_ACT_PAGE_DOWN:
		tui_list_select(st, st->sel + page);
		return 1;
	case TUI_ACT_TOP:
		tui_list_select(st, 0);
		return 1;
	case TUI_ACT_BOTTOM:
		tui_list_select(st, st->model.nrows ? st->model.nrows - 1 : 0);
		return 1;
	default:
		return 0;
	}
}

size_t
tui_list_row_at(const struct tui_state *st, int y)
{
	size_t	row;

	if (y < st->list.y || y >= st->list.y + st->list.h)
		return NONE;
	row = st->top + (size_t)(y - st->list.y);
	return row < st->model.nrows ? row : NONE;
}
