/*
 * view_tui.h - the interactive terminal UI (ncursesw), the default view
 * when standard output is a terminal.
 *
 * main.c calls view_tui_run() with the paths to read.  The screen appears
 * at once; a reader thread (tui_load.c) fills the failure list while the
 * keys keep working.  With no path and standard input a terminal, the
 * user is asked to paste a bounce; with data on a pipe, keys come from
 * /dev/tty.  The terminal is restored on every way out: q, Ctrl-C,
 * SIGTERM, SIGHUP, a fatal error; Ctrl-Z suspends and fg redraws.
 * Text from the input reaches the screen only through esc.c.
 */
#ifndef BOUNCEDOC_VIEW_TUI_H
#define BOUNCEDOC_VIEW_TUI_H

#include <stddef.h>

#include "diag.h"
#include "kb.h"

enum view_tui_color {
	VIEW_TUI_COLOR_AUTO = 0,	/* colour unless NO_COLOR is set */
	VIEW_TUI_COLOR_ALWAYS,
	VIEW_TUI_COLOR_NEVER,
};

struct view_tui_result {
	size_t	temporary;	/* failures read */
	size_t	permanent;
	int	failed;		/* an input could not be read */
	int	signal;		/* ended by this signal (0: by q) */
	int	abandoned;	/* reader still running: exit at once */
	int	error;		/* no terminal: message in d */
	int	pasted_nothing;	/* the paste prompt was left empty */
};

/*
 * Runs the UI on paths[0..npaths) ("-" is standard input; npaths 0: the
 * paste prompt, or standard input when it is not a terminal).  Messages
 * about the input are added to d (print them after it returns).  Fills
 * *res.  When res->abandoned is set the reader thread may still use kb:
 * the caller must exit without freeing kb.
 */
void	view_tui_run(const struct kb *kb, char **paths, size_t npaths,
	    enum view_tui_color color, struct diag *d,
	    struct view_tui_result *res);

/* -- for the tui_*.c screens -- */
struct tui_state;

/* Shows a message in the status line until the next key. */
void	view_tui_message(struct tui_state *st, int error, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/* Sets the filter of the list (text as typed; "" clears it) and selects
 * the first row.  Returns 0, or -1 with the error in the status line. */
int	view_tui_filter(struct tui_state *st, const char *text);
/* Draws the whole screen for the current state (without refresh). */
void	view_tui_draw(struct tui_state *st);
/*
 * Waits up to ms milliseconds for a key, keeping the reader's records
 * flowing in.  Returns 1 with *fn (a KEY_* code, or 0) and *ch (a
 * character) set; 0 on timeout; -1 when a signal asks to stop.
 */
int	view_tui_key(struct tui_state *st, int ms, int *fn, unsigned *ch);

#endif
