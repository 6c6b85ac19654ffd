/*
 * tui_prompt.c - bottom-line prompts and the paste prompt.
 *
 * Typed text is kept as UTF-8 bytes and drawn through tui_doc_safe(), so
 * even a pasted escape sequence in a search pattern shows as ^[.  The
 * paste prompt reads bytes with the keypad off, so an escape sequence in
 * the pasted bounce stays text instead of turning into a key.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "tui_curses.h"
#include "tui_doc.h"
#include "tui_draw.h"
#include "tui_prompt.h"
#include "tui_state.h"
#include "view_tui.h"
#include "xalloc.h"

#define LINE_MAX_BYTES	1024
#define PASTE_SHOWN	(16 * 1024)	/* tail of the paste drawn */
#define CTRL(c)		((c) & 0x1f)

struct buf {
	char	*p;
	size_t	 n;
	size_t	 cap;
};

static void
buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* Removes the last UTF-8 character. */
static void
buf_unput(struct buf *b)
{
	while (b->n > 0) {
		b->n--;
		if (((unsigned char)b->p[b->n] & 0xc0) != 0x80)
			break;
	}
	if (b->p != NULL)
		b->p[b->n] = '\0';
}

static size_t
utf8_encode(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp > 0x10ffff)
		return 0;
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static void
draw_line(struct tui_state *st, const char *label, const struct buf *b)
{
	char	*safe;
	size_t	 start = 0, len;
	int	 y = LINES - 1, lw, avail, w;

	view_tui_draw(st);
	tui_draw_fill(y, 0, COLS, TUI_ROLE_NORMAL);
	lw = tui_draw_raw(y, 0, COLS - 1, label, TUI_ROLE_HEADING, 0);
	safe = tui_doc_safe(b->p ? b->p : "", b->n);
	len = strlen(safe);
	avail = COLS - lw - 1;
	/* show the end of a long answer */
	while (start < len && tui_doc_width(safe + start, len - start) > avail)
		start += tui_doc_fit(safe + start, len - start, 1, NULL) ?
		    tui_doc_fit(safe + start, len - start, 1, NULL) : 1;
	w = tui_draw_text(y, lw, avail, safe + start, len - start,
	    TUI_ROLE_NORMAL, 0);
	free(safe);
	move(y, lw + w);
	refresh();
}

int
tui_prompt_line(struct tui_state *st, const char *label, const char *init,
    char **out)
{
	struct buf	b = { NULL, 0, 0 };
	char		enc[4];
	unsigned	ch;
	int		fn, rc, done = 0;

	*out = NULL;
	buf_put(&b, init ? init : "", init ? strlen(init) : 0);
	curs_set(1);
	while (!done) {
		draw_line(st, label, &b);
		if ((rc = view_tui_key(st, 250, &fn, &ch)) <= 0) {
			if (rc < 0)
				done = -1;
			continue;
		}
		if (fn == KEY_ENTER || (!fn && (ch == '\r' || ch == '\n')))
			done = 1;
		else if (!fn && (ch == 27 || ch == CTRL('g') ||
		    ch == CTRL('c')))
			done = 2;
		else if (fn == KEY_BACKSPACE || (!fn && (ch == 127 || ch == 8)))
			buf_unput(&b);
		else if (!fn && ch == CTRL('u'))
			b.n = 0;
		else if (!fn && ch == CTRL('w')) {
			while (b.n > 0 && b.p[b.n - 1] == ' ')
				b.n--;
			while (b.n > 0 && b.p[b.n - 1] != ' ')
				b.n--;
		} else if (!fn && ch >= 0x20 && b.n < LINE_MAX_BYTES)
			buf_put(&b, enc, utf8_encode(ch, enc));
		if (b.p != NULL)
			b.p[b.n] = '\0';
	}
	curs_set(0);
	if (done == 1) {
		*out = b.p ? b.p : xstrdup("");
		return 1;
	}
	free(b.p);
	return done == 2 ? 0 : -1;
}

int
tui_prompt_yesno(struct tui_state *st, const char *question)
{
	struct buf	b = { NULL, 0, 0 };
	unsigned	ch;
	int		fn, rc;

	curs_set(1);
	for (;;) {
		draw_line(st, question, &b);
		if ((rc = view_tui_key(st, 250, &fn, &ch)) < 0)
			break;
		if (rc == 0 || fn == KEY_RESIZE)
			continue;
		curs_set(0);
		return !fn && (ch == 'y' || ch == 'Y');
	}
	curs_set(0);
	return -1;
}

/* ------------------------------------------------------------ paste */

static void
draw_paste(const struct buf *b, size_t lines)
{
	static const char	title[] = " Paste a bounce message or a reply "
				    "line, then press Ctrl-D.  Ctrl-C quits.";
	struct tui_doc		d;
	struct tui_rect		r;
	const char		*from, *end, *nl;
	char			 info[96];

	erase();
	tui_draw_fill(0, 0, COLS, TUI_ROLE_FOCUS);
	tui_draw_text(0, 0, COLS, title, strlen(title), TUI_ROLE_FOCUS, 0);
	snprintf(info, sizeof info, " %zu lines, %zu bytes so far", lines,
	    b->n);
	tui_draw_fill(LINES - 1, 0, COLS, TUI_ROLE_BAR);
	tui_draw_text(LINES - 1, 0, COLS, info, strlen(info), TUI_ROLE_BAR, 0);
	/* the last lines of what was pasted, made safe */
	tui_doc_init(&d, COLS - 2, NULL);
	if (b->p != NULL) {
		from = b->p + (b->n > PASTE_SHOWN ? b->n - PASTE_SHOWN : 0);
		end = b->p + b->n;
		while (from < end) {
			nl = memchr(from, '\n', (size_t)(end - from));
			tui_doc_para(&d, 0, 2);
			tui_doc_add(&d, from, nl ? (size_t)(nl - from) :
			    (size_t)(end - from), TUI_ROLE_NORMAL);
			tui_doc_end(&d);
			if (nl == NULL)
				break;
			from = nl + 1;
		}
	}
	r.y = 1;
	r.x = 1;
	r.w = COLS - 2;
	r.h = LINES - 2;
	tui_draw_doc(&r, &d, d.n > (size_t)r.h ? d.n - (size_t)r.h : 0);
	tui_doc_release(&d);
	refresh();
}

/* Adds one byte of the paste; returns 1 at the end (Ctrl-D), -1 to
 * quit (Ctrl-C). */
static int
paste_byte(struct buf *b, int c, int *cr, size_t *lines)
{
	char	ch = (char)c;

	if (c == CTRL('d'))
		return 1;
	if (c == CTRL('c'))
		return -1;
	if (c == '\n' && *cr) {		/* CR LF: one line end */
		*cr = 0;
		return 0;
	}
	*cr = c == '\r';
	if (c == '\r')
		ch = '\n';
	if (c == 127 || c == CTRL('h')) {
		buf_unput(b);
		return 0;
	}
	if (c == CTRL('z') || b->n >= SOURCE_SLURP_MAX)
		return 0;
	*lines += ch == '\n';
	buf_put(b, &ch, 1);
	return 0;
}

char *
tui_prompt_paste(struct tui_state *st, size_t *len)
{
	struct buf	b = { NULL, 0, 0 };
	size_t		lines = 0;
	int		c, cr = 0, end = 0;

	*len = 0;
	keypad(stdscr, FALSE);
	raw();
	draw_paste(&b, lines);
	while (end == 0) {
		if (*st->signal) {
			end = -1;
			break;
		}
		timeout(100);
		if ((c = getch()) == ERR) {
			draw_paste(&b, lines);
			continue;
		}
		if (c == KEY_RESIZE) {
			draw_paste(&b, lines);
			continue;
		}
		if (c >= 0 && c < 256)
			end = paste_byte(&b, c, &cr, &lines);
	}
	noraw();
	cbreak();
	keypad(stdscr, TRUE);
	if (end < 0 || b.n == 0) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}
