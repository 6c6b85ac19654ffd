/*
 * tui_doc.h - styled, wrapped text for the panes of the terminal UI.
 *
 * A document is a list of screen lines, each a NUL-terminated string of
 * safe UTF-8 with one display role per byte.  It is built paragraph by
 * paragraph: tui_doc_para() starts one, tui_doc_add() appends text in a
 * role, tui_doc_end() wraps it at the document's width.  Every byte added
 * passes through esc_append() first (input text and knowledge-base text
 * alike), then code points the terminal cannot show (no UTF-8 locale, or
 * no width) become "<U+XXXX>"; so a document holds nothing that can drive
 * a terminal.  When a search is set, its matches in a paragraph get the
 * role TUI_ROLE_MATCH and the line is flagged.  No curses here: documents
 * can be built and checked without a terminal.
 */
#ifndef BOUNCEDOC_TUI_DOC_H
#define BOUNCEDOC_TUI_DOC_H

#include <stddef.h>

#include "findings.h"
#include "tui_search.h"

/* What a piece of text is; tui_draw.c maps roles to colours/attributes. */
enum tui_role {
	TUI_ROLE_NORMAL = 0,
	TUI_ROLE_HEADER,	/* column names */
	TUI_ROLE_SELECTED,	/* the selected row */
	TUI_ROLE_TEMP,		/* temporary failure */
	TUI_ROLE_PERM,		/* permanent failure */
	TUI_ROLE_REPLY,		/* an SMTP reply code */
	TUI_ROLE_STATUS,	/* an enhanced status code */
	TUI_ROLE_MATCH,		/* a search match */
	TUI_ROLE_DIAG,		/* the diagnostic text, emphasised */
	TUI_ROLE_HEADING,	/* an article's section heading */
	TUI_ROLE_TITLE,		/* an article's title */
	TUI_ROLE_LINK,		/* a URL */
	TUI_ROLE_DIM,		/* secondary text: where, kinds, hints */
	TUI_ROLE_BAR,		/* the status line */
	TUI_ROLE_MESSAGE,	/* a message in the status line */
	TUI_ROLE_ERROR,		/* an error message */
	TUI_ROLE_PANE,		/* a pane's title line */
	TUI_ROLE_FOCUS,		/* the focused pane's title line */
	TUI_ROLE_COUNT
};

enum tui_line_flags {
	TUI_LINE_MATCH	= 1 << 0,	/* holds a search match */
};

struct tui_line {
	char		*text;	/* safe UTF-8, NUL-terminated */
	unsigned char	*role;	/* enum tui_role of each byte of text */
	size_t		 len;
	int		 flags;	/* enum tui_line_flags */
};

struct tui_doc {
	struct tui_line		*v;
	size_t			 n;
	size_t			 cap;
	int			 width;		/* wrap column (cells) */
	struct tui_search	*search;	/* not owned; or NULL */
	/* the paragraph being built */
	char			*ptext;
	unsigned char		*prole;
	size_t			 plen;
	size_t			 pcap;
	int			 indent;	/* cells before line 1 */
	int			 hang;		/* cells before the others */
	size_t			 nobreak;	/* no line break before this
						   byte (a field's label) */
};

/* Whether the terminal shows UTF-8 (set once, from the locale). */
void	tui_doc_set_utf8(int on);
/* Display width in cells of safe UTF-8 s[0..len). */
int	tui_doc_width(const char *s, size_t len);
/*
 * Returns the number of bytes of s[0..len) that fit in cols cells (whole
 * characters only); *used gets the cells they take (may be NULL).
 */
size_t	tui_doc_fit(const char *s, size_t len, int cols, int *used);
/* Makes s[0..len) safe for this terminal: esc_text() and the locale
 * rules above.  Returns a new string; caller frees. */
char	*tui_doc_safe(const char *s, size_t len);

/* An empty document wrapping at width, marking matches of search. */
void	tui_doc_init(struct tui_doc *d, int width, struct tui_search *search);
void	tui_doc_release(struct tui_doc *d);

/* Starts a paragraph (ending any open one). */
void	tui_doc_para(struct tui_doc *d, int indent, int hang);
/* Lines of the open paragraph break only after what it holds now (so a
 * label stays on the line of its value). */
void	tui_doc_keep(struct tui_doc *d);
/* Appends s[0..len) in role to the paragraph (made safe first). */
void	tui_doc_add(struct tui_doc *d, const char *s, size_t len,
	    enum tui_role role);
/* Appends the NUL-terminated s (NULL: nothing). */
void	tui_doc_puts(struct tui_doc *d, const char *s, enum tui_role role);
void	tui_doc_printf(struct tui_doc *d, enum tui_role role,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Appends text[0..len) in role base with the codes in f (spans into
 * text) in TUI_ROLE_REPLY / TUI_ROLE_STATUS.  f may be NULL.
 */
void	tui_doc_add_codes(struct tui_doc *d, const char *text, size_t len,
	    const struct findings *f, enum tui_role base);
/* Wraps the open paragraph into lines.  An empty paragraph adds an
 * empty line. */
void	tui_doc_end(struct tui_doc *d);
/* A whole paragraph at once: tui_doc_para, tui_doc_puts, tui_doc_end. */
void	tui_doc_line(struct tui_doc *d, int indent, const char *s,
	    enum tui_role role);

/* Index of the first line at or after from with TUI_LINE_MATCH, or
 * (size_t)-1. */
size_t	tui_doc_next_match(const struct tui_doc *d, size_t from);

#endif
