/*
 * tui_state.h - the state the screens of the terminal UI share.
 *
 * One struct tui_state lives in view_tui_run() for the whole session.
 * view_tui.c owns the terminal, the input loop and the layout; each
 * tui_*.c screen (list, panes, summary, help, prompt, out) reads and
 * updates its part of this state through its own functions.  Keys reach
 * the screens as actions (enum tui_action), mapped from keys in one
 * table in view_tui.c.  No curses types here.
 */
#ifndef BOUNCEDOC_TUI_STATE_H
#define BOUNCEDOC_TUI_STATE_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "diagnosis.h"
#include "kb.h"
#include "tui_doc.h"
#include "tui_draw.h"
#include "tui_load.h"
#include "tui_model.h"
#include "tui_search.h"

enum tui_screen {
	TUI_SCREEN_MAIN = 0,	/* list, source pane, article pane */
	TUI_SCREEN_SUMMARY,
	TUI_SCREEN_HELP,
};

enum tui_pane {
	TUI_PANE_LIST = 0,
	TUI_PANE_SOURCE,
	TUI_PANE_ARTICLE,
	TUI_PANE_COUNT,
};

enum tui_action {
	TUI_ACT_NONE = 0,
	TUI_ACT_UP, TUI_ACT_DOWN, TUI_ACT_PAGE_UP, TUI_ACT_PAGE_DOWN,
	TUI_ACT_TOP, TUI_ACT_BOTTOM,
	TUI_ACT_NEXT_PANE, TUI_ACT_PREV_PANE,
	TUI_ACT_ENTER,		/* zoom a pane; drill down in the summary */
	TUI_ACT_BACK,		/* Backspace: up a summary level */
	TUI_ACT_ESCAPE,
	TUI_ACT_SEARCH, TUI_ACT_SEARCH_NEXT, TUI_ACT_SEARCH_PREV,
	TUI_ACT_FILTER, TUI_ACT_SUMMARY, TUI_ACT_COPY, TUI_ACT_WRITE,
	TUI_ACT_HELP, TUI_ACT_QUIT, TUI_ACT_REDRAW, TUI_ACT_RESIZE,
	TUI_ACT_MOUSE,
};

/* A scrollable document pane of the main screen. */
struct tui_pane_view {
	struct tui_doc	 doc;
	size_t		 top;		/* first line shown */
	size_t		 record;	/* record built for; (size_t)-1 none */
	int		 width;		/* width built for */
	unsigned	 gen;		/* search generation built for */
	size_t		 marks[DIAGNOSIS_MAX];	/* article start lines */
	size_t		 nmarks;
	struct tui_rect	 title;		/* its title line */
	struct tui_rect	 body;
};

struct tui_state {
	const struct kb		*kb;
	struct diag		*diag;		/* messages for the end */
	struct tui_model	 model;
	struct tui_load		*load;		/* NULL when all is read */
	struct tui_load_progress prog;
	const char		*label;		/* file name for the status */
	FILE			*tty;		/* the terminal (OSC 52) */
	volatile sig_atomic_t	*signal;	/* set by signal handlers */
	enum tui_screen		 screen;
	int			 quit;
	int			 too_small;

	/* main screen */
	enum tui_pane		 focus;
	int			 zoom;		/* focused pane fills it */
	size_t			 sel;		/* selected row */
	size_t			 top;		/* first row shown */
	struct tui_rect		 list_head;	/* column names */
	struct tui_rect		 list;		/* rows */
	struct tui_pane_view	 pane[2];	/* source, article */
	struct tui_search	*search;
	unsigned		 search_gen;	/* bumped on a new pattern */

	/* summary: reason > reply code > domain */
	int			 sum_level;
	char			*sum_path[2];
	size_t			 sum_sel[3];
	size_t			 sum_top;
	struct tui_sum		 sum;
	size_t			 sum_seen;	/* records when computed */
	struct tui_rect		 sum_rect;
	int			 drilled;	/* list came from the summary */
	char			*drill_back;	/* filter before drilling */

	/* help */
	enum tui_screen		 help_from;	/* screen to go back to */
	struct tui_doc		 help;
	size_t			 help_top;
	struct tui_rect		 help_rect;

	/* status line */
	char			*msg;		/* shown until the next key */
	enum tui_role		 msg_role;
	unsigned		 tick;		/* spinner while reading */
};

#endif
