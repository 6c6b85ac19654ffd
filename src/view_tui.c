/*
 * view_tui.c - the interactive terminal UI: terminal, input loop, layout.
 *
 * Input: the paths to read (or a paste), the knowledge base.  Output: the
 * screen, until q.  The reader thread (tui_load.c) fills the model while
 * this loop waits for keys with a timeout, takes what was read, and
 * redraws; so the screen appears at once and keys work during a scan.
 *
 * Terminal discipline: curses is set up with newterm() on the terminal
 * (keys from /dev/tty when the data comes on standard input).  SIGINT,
 * SIGTERM and SIGHUP only set a flag that the loop checks at least every
 * half second; the loop then ends curses before returning, and main.c
 * ends the program with the signal.  Ctrl-Z and SIGWINCH are left to
 * curses (it restores and redraws the terminal on fg, and turns a resize
 * into KEY_RESIZE).  A fatal error restores the terminal through
 * xalloc_set_fatal_hook().
 */
#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "findings.h"
#include "input.h"
#include "kb.h"
#include "record.h"
#include "tui_curses.h"
#include "tui_doc.h"
#include "tui_draw.h"
#include "tui_help.h"
#include "tui_keys.h"
#include "tui_list.h"
#include "tui_load.h"
#include "tui_model.h"
#include "tui_panes.h"
#include "tui_prompt.h"
#include "tui_search.h"
#include "tui_state.h"
#include "tui_summary.h"
#include "view_tui.h"
#include "xalloc.h"

#define NONE		((size_t)-1)
#define MIN_COLS	40
#define MIN_LINES	10
#define WIDE_COLS	110	/* from here the panes stand side by side */
#define PASTE_TEXT_MAX	(64 * 1024)

static volatile sig_atomic_t	got_signal;
static const int		caught[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction		saved[3];

/* ----------------------------------------------------------- terminal */

struct screen_io {
	SCREEN	*scr;
	FILE	*in;
	FILE	*out;
	int	 own_in;
	int	 own_out;
};

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
signals_catch(void)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal ends the wait for a key at once */
	for (i = 0; i < 3; i++)
		sigaction(caught[i], &sa, &saved[i]);
}

static void
signals_restore(void)
{
	size_t	i;

	for (i = 0; i < 3; i++)
		sigaction(caught[i], &saved[i], NULL);
}

static void
fatal_hook(void)
{
	if (!isendwin())
		endwin();
}

static int
want_color(enum view_tui_color color)
{
	const char	*nc = getenv("NO_COLOR");

	if (color == VIEW_TUI_COLOR_ALWAYS)
		return 1;
	if (color == VIEW_TUI_COLOR_NEVER)
		return 0;
	return nc == NULL || *nc == '\0';
}

/* Can this terminal place the cursor (a dumb terminal cannot)? */
static int
can_draw(void)
{
	const char	*cup = tigetstr("cup");

	return cup != NULL && cup != (const char *)-1;
}

/* Sets up curses on the terminal; keys from /dev/tty if keys_tty. */
static int
term_open(struct screen_io *t, int keys_tty, enum view_tui_color color,
    struct diag *d)
{
	memset(t, 0, sizeof *t);
	t->out = stdout;
	t->in = stdin;
	if (!isatty(STDOUT_FILENO)) {
		if ((t->out = fopen("/dev/tty", "w")) == NULL)
			goto fail;
		t->own_out = 1;
	}
	if (keys_tty) {
		if ((t->in = fopen("/dev/tty", "r")) == NULL)
			goto fail;
		t->own_in = 1;
	}
	if ((t->scr = newterm(NULL, t->out, t->in)) == NULL) {
		diag_add(d, "cannot use the terminal '%s'",
		    getenv("TERM") ? getenv("TERM") : "(TERM unset)");
		goto close;
	}
	set_term(t->scr);
	if (!can_draw()) {
		diag_add(d, "the terminal '%s' cannot move the cursor: "
		    "showing the report", termname());
		endwin();
		delscreen(t->scr);
		goto close;
	}
	xalloc_set_fatal_hook(fatal_hook);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	tui_draw_init(want_color(color));
	return 0;
fail:
	diag_add(d, "cannot open the terminal /dev/tty for keys");
close:
	if (t->own_in)
		fclose(t->in);
	if (t->own_out)
		fclose(t->out);
	return -1;
}

static void
term_close(struct screen_io *t)
{
	endwin();
	xalloc_set_fatal_hook(NULL);
	delscreen(t->scr);
	if (t->own_in)
		fclose(t->in);
	if (t->own_out)
		fclose(t->out);
}

/* ---------------------------------------------------------- messages */

void
view_tui_message(struct tui_state *st, int error, const char *fmt, ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);	/* st->msg may be an argument */
	va_end(ap);
	free(st->msg);
	st->msg = m;
	st->msg_role = error ? TUI_ROLE_ERROR : TUI_ROLE_MESSAGE;
}

int
view_tui_filter(struct tui_state *st, const char *text)
{
	char	*err = NULL;

	if (tui_filter_parse(&st->model.filter, text, &err) == -1) {
		view_tui_message(st, 1, "filter: %s", err);
		free(err);
		tui_model_refilter(&st->model);
		return -1;
	}
	tui_model_refilter(&st->model);
	st->sel = st->top = 0;
	return 0;
}

/* ------------------------------------------------------------ reading */

/* Takes what the reader has read; returns 1 if anything changed. */
static int
poll_load(struct tui_state *st)
{
	size_t	n, before = st->diag->n;

	if (st->load == NULL)
		return 0;
	tui_load_progress(st->load, &st->prog);
	n = tui_load_take(st->load, &st->model.rs, st->diag);
	if (st->prog.done) {
		/* done was set after the last hand-over: all is taken */
		tui_load_stop(st->load);
		st->load = NULL;
	}
	if (n > 0)
		tui_model_update(&st->model);
	if (st->diag->n > before)
		view_tui_message(st, 1, "%s%s", st->diag->msg[st->diag->n - 1],
		    st->diag->n > 1 ? " (all messages are shown on exit)" :
		    "");
	return n > 0 || st->load == NULL;
}

/* A pasted text that no reader took: explained as one reply, like
 * bouncedoc --explain. */
static void
explain_paste(struct tui_state *st, const char *buf, size_t len)
{
	struct record	*r;

	if (len > PASTE_TEXT_MAX)
		len = PASTE_TEXT_MAX;
	r = recset_add(&st->model.rs);
	r->source = recset_intern(&st->model.rs, "(pasted)");
	r->line = 1;
	r->length = len;
	r->context = xstrndup(buf, len);
	r->diagnostic = findings_unfold(buf, len, NULL);
	record_diagnose(r, st->kb);
	if (r->reply[0] == '\0' && r->status[0] == '\0' &&
	    r->diagnosis.narticles == 0) {
		record_release(r);
		st->model.rs.n--;
		view_tui_message(st, 1, "no reply code, status code or known "
		    "text in what was pasted");
	}
}

static void
load_paste(struct tui_state *st, const char *buf, size_t len)
{
	input_load_buffer("(pasted)", buf, len, &st->model.rs, st->kb,
	    st->diag);
	if (st->model.rs.n == 0)
		explain_paste(st, buf, len);
	tui_model_update(&st->model);
	/* a single bounce opens on its record: the article has the focus */
	if (st->model.nrows == 1)
		st->focus = TUI_PANE_ARTICLE;
}

int
view_tui_key(struct tui_state *st, int ms, int *fn, unsigned *ch)
{
	wint_t	w;
	int	rc;

	*fn = 0;
	*ch = 0;
	if (got_signal)
		return -1;
	poll_load(st);
	timeout(ms);
	rc = get_wch(&w);
	if (got_signal)
		return -1;
	if (rc == ERR)
		return 0;
	if (rc == KEY_CODE_YES)
		*fn = (int)w;
	else
		*ch = (unsigned)w;
	return 1;
}

/* ------------------------------------------------------------- layout */

static void
rect(struct tui_rect *r, int y, int x, int h, int w)
{
	r->y = y;
	r->x = x;
	r->h = h > 0 ? h : 0;
	r->w = w > 0 ? w : 0;
}

static void
layout_zoom(struct tui_state *st, int h)
{
	struct tui_pane_view	*pv;

	if (st->focus == TUI_PANE_LIST) {
		rect(&st->list_head, 0, 0, 1, COLS);
		rect(&st->list, 1, 0, h - 1, COLS);
		return;
	}
	pv = &st->pane[st->focus - TUI_PANE_SOURCE];
	rect(&pv->title, 0, 0, 1, COLS);
	rect(&pv->body, 1, 0, h - 1, COLS);
}

static void
layout(struct tui_state *st)
{
	struct tui_pane_view	*s = &st->pane[0], *a = &st->pane[1];
	int			 h = LINES - 1, rows, cap, y, ph, lw, sh;

	memset(&st->list_head, 0, sizeof st->list_head);
	memset(&st->list, 0, sizeof st->list);
	memset(&s->title, 0, sizeof s->title);
	memset(&s->body, 0, sizeof s->body);
	memset(&a->title, 0, sizeof a->title);
	memset(&a->body, 0, sizeof a->body);
	if (st->zoom) {
		layout_zoom(st, h);
		return;
	}
	cap = h * 2 / 5 - 1 > 3 ? h * 2 / 5 - 1 : 3;
	/* as many lines as rows, up to cap (one for "reading...") */
	rows = st->model.nrows < 1 ? 1 : st->model.nrows > (size_t)cap ? cap :
	    (int)st->model.nrows;
	rect(&st->list_head, 0, 0, 1, COLS);
	rect(&st->list, 1, 0, rows, COLS);
	y = 1 + rows;
	ph = h - y;
	if (COLS >= WIDE_COLS) {
		lw = (COLS - 1) / 2;
		rect(&s->title, y, 0, 1, lw);
		rect(&s->body, y + 1, 0, ph - 1, lw);
		rect(&a->title, y, lw + 1, 1, COLS - lw - 1);
		rect(&a->body, y + 1, lw + 1, ph - 1, COLS - lw - 1);
		return;
	}
	sh = (ph - 2) * 2 / 5;
	rect(&s->title, y, 0, 1, COLS);
	rect(&s->body, y + 1, 0, sh, COLS);
	rect(&a->title, y + 1 + sh, 0, 1, COLS);
	rect(&a->body, y + 2 + sh, 0, ph - 2 - sh, COLS);
}

/* -------------------------------------------------------------- draw */

/*
 * The left part of the status line: where, position, counts, filter,
 * progress.  brief: the file's last name only and fewer words, for a
 * narrow screen.  Caller frees.
 */
static char *
status_text(struct tui_state *st, int brief)
{
	static const char	 spin[] = "|/-\\";
	const struct tui_model	*m = &st->model;
	const char		*label = st->label, *slash;
	char			*left, *t;

	if (brief && (slash = strrchr(label, '/')) != NULL && slash[1] != '\0')
		label = slash + 1;
	if (brief)
		left = xasprintf(" %s %zu/%zu %zu (%zu temp)", label,
		    m->nrows ? st->sel + 1 : 0, m->nrows, m->failures,
		    m->temporary);
	else
		left = xasprintf(" %s  %zu/%zu  %zu failure%s (%zu temp, %zu "
		    "perm)", label, m->nrows ? st->sel + 1 : 0, m->nrows,
		    m->failures, m->failures == 1 ? "" : "s", m->temporary,
		    m->failures - m->temporary);
	if (m->filter.text != NULL) {
		t = xasprintf("%s  filter: %s (%zu shown)", left,
		    m->filter.text, m->shown);
		free(left);
		left = t;
	}
	if (st->load != NULL) {
		t = st->prog.size > 0 ? xasprintf("%s  reading %d%% %c", left,
		    (int)(100.0 * (double)st->prog.offset /
		    (double)st->prog.size), spin[st->tick % 4]) :
		    xasprintf("%s  reading %zu/%zu %c", left, st->prog.path + 1,
		    st->prog.npaths, spin[st->tick % 4]);
		free(left);
		left = t;
	}
	return left;
}

static void
draw_status(struct tui_state *st)
{
	static const char	 hints[] = "h:help /:search f:filter "
				    "s:summary q:quit ";
	char			*left, *msg;
	int			 y = LINES - 1, lw, mw;

	st->tick++;
	left = status_text(st, 0);
	if (tui_doc_width(left, strlen(left)) > COLS) {
		free(left);
		left = status_text(st, 1);
	}
	tui_draw_fill(y, 0, COLS, TUI_ROLE_BAR);
	lw = tui_draw_raw(y, 0, COLS, left, TUI_ROLE_BAR, 0);
	free(left);
	if (st->msg != NULL) {
		msg = tui_doc_safe(st->msg, strlen(st->msg));
		mw = tui_doc_width(msg, strlen(msg)) + 2;
		tui_draw_text(y, mw < COLS - lw ? COLS - mw : 0, COLS, msg,
		    strlen(msg), st->msg_role, 0);
		free(msg);
	} else if ((int)sizeof hints - 1 < COLS - lw)
		tui_draw_text(y, COLS - (int)sizeof hints + 1, COLS, hints,
		    sizeof hints - 1, TUI_ROLE_BAR, 0);
}

static void
draw_main(struct tui_state *st)
{
	int	y;

	tui_list_select(st, st->sel);
	tui_panes_sync(st);
	if (st->list.h > 0)
		tui_list_draw(st);
	tui_panes_draw(st, TUI_PANE_SOURCE);
	tui_panes_draw(st, TUI_PANE_ARTICLE);
	if (!st->zoom && COLS >= WIDE_COLS) {
		/* the line between the panes */
		y = st->pane[0].title.y;
		attrset((attr_t)tui_draw_attr(TUI_ROLE_PANE));
		mvaddch(y, st->pane[0].title.w, ' ');
		attrset(A_NORMAL);
		mvvline(y + 1, st->pane[0].body.w, ACS_VLINE,
		    st->pane[0].body.h);
	}
}

void
view_tui_draw(struct tui_state *st)
{
	char	msg[128];

	erase();
	st->too_small = COLS < MIN_COLS || LINES < MIN_LINES;
	if (st->too_small) {
		snprintf(msg, sizeof msg, "terminal too small (%dx%d): "
		    "bouncedoc needs %dx%d", COLS, LINES, MIN_COLS, MIN_LINES);
		tui_draw_center(msg, TUI_ROLE_ERROR);
		return;
	}
	layout(st);
	switch (st->screen) {
	case TUI_SCREEN_SUMMARY:
		tui_summary_draw(st);
		break;
	case TUI_SCREEN_HELP:
		tui_help_draw(st);
		break;
	default:
		draw_main(st);
		break;
	}
	draw_status(st);
}

static void
loop(struct tui_state *st)
{
	unsigned	ch;
	int		fn, rc;

	while (!st->quit) {
		view_tui_draw(st);
		refresh();
		rc = view_tui_key(st, st->load != NULL ? 100 : 500, &fn, &ch);
		if (rc < 0)
			break;
		if (rc == 0)
			continue;
		if (fn != KEY_MOUSE && fn != KEY_RESIZE) {
			free(st->msg);
			st->msg = NULL;
		}
		tui_keys_act(st, tui_keys_action(fn, ch));
	}
}

/* ---------------------------------------------------------------- run */

static void
state_init(struct tui_state *st, const struct kb *kb, struct diag *d)
{
	memset(st, 0, sizeof *st);
	st->kb = kb;
	st->diag = d;
	st->signal = &got_signal;
	st->pane[0].record = st->pane[1].record = NONE;
	tui_model_init(&st->model);
}

static void
state_release(struct tui_state *st)
{
	tui_panes_release(st);
	tui_summary_release(st);
	tui_help_release(st);
	tui_search_free(st->search);
	tui_model_release(&st->model);
	free(st->msg);
}

/* Reads every path here, when no reader thread could be started. */
static void
load_here(struct tui_state *st, char **paths, size_t npaths)
{
	size_t	i;

	for (i = 0; i < npaths; i++)
		if (input_load(paths[i], &st->model.rs, st->kb, st->diag) == -1)
			st->prog.failed = 1;
	tui_model_update(&st->model);
}

static void
run(struct tui_state *st, char **paths, size_t npaths, int paste,
    struct view_tui_result *res)
{
	char	*buf;
	size_t	 len;

	if (paste) {
		if ((buf = tui_prompt_paste(st, &len)) == NULL) {
			res->pasted_nothing = got_signal == 0;
			return;
		}
		load_paste(st, buf, len);
		free(buf);
	} else if ((st->load = tui_load_start(st->kb, paths, npaths)) == NULL)
		load_here(st, paths, npaths);
	loop(st);
}

void
view_tui_run(const struct kb *kb, char **paths, size_t npaths,
    enum view_tui_color color, struct diag *d, struct view_tui_result *res)
{
	static char		*stdin_only[] = { (char *)"-" };
	struct tui_state	 st;
	struct screen_io		 t;
	char			*label = NULL;
	int			 paste, keys_tty = 0;
	size_t			 i;

	memset(res, 0, sizeof *res);
	got_signal = 0;
	paste = isatty(STDIN_FILENO) && (npaths == 0 ||
	    (npaths == 1 && strcmp(paths[0], "-") == 0));
	if (npaths == 0) {
		paths = stdin_only;
		npaths = 1;
	}
	for (i = 0; i < npaths; i++)
		keys_tty |= strcmp(paths[i], "-") == 0;
	keys_tty |= !isatty(STDIN_FILENO);
	setlocale(LC_ALL, "");
	tui_doc_set_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	state_init(&st, kb, d);
	label = paste ? xstrdup("(pasted)") : npaths > 1 ?
	    xasprintf("%zu inputs", npaths) : strcmp(paths[0], "-") == 0 ?
	    xstrdup("(stdin)") : xstrdup(paths[0]);
	st.label = label;
	st.prog.npaths = npaths;
	signals_catch();
	if (term_open(&t, keys_tty && !paste, color, d) == -1) {
		signals_restore();
		res->error = 1;
		goto out;
	}
	st.tty = t.out;
	run(&st, paths, npaths, paste, res);
	term_close(&t);
	signals_restore();
	if (st.load != NULL && tui_load_stop(st.load) == -1)
		res->abandoned = 1;
	res->temporary = st.model.temporary;
	res->permanent = st.model.failures - st.model.temporary;
	res->failed = st.prog.failed;
	res->signal = got_signal;
out:
	state_release(&st);
	free(label);
}
