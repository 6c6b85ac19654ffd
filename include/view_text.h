/*
 * view_text.h - plain-text output: --explain, per-record text.
 *
 * All input text goes through esc.c.  Colour and bold are used only when
 * the caller says so (stdout is a terminal, NO_COLOR unset, or
 * --color=always); meaning is never carried by colour alone.
 */
#ifndef BOUNCEDOC_VIEW_TEXT_H
#define BOUNCEDOC_VIEW_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "diagnosis.h"
#include "findings.h"
#include "kb.h"
#include "record.h"

struct view_text_opts {
	int	color;		/* ANSI SGR for codes and headings */
	int	width;		/* wrap column, e.g. 78 */
	int	verbose;	/* show every article in full */
};

/* Writes text[0..len) made safe on one line after indent spaces, with
 * the codes of *f in colour (when o->color) or else in brackets. */
void	view_text_highlight(FILE *fp, const char *text, size_t len,
	    const struct findings *f, const struct view_text_opts *o,
	    int indent);
/* text[0..len) made safe, with the codes of *f in SGR colours (when
 * color) or else in brackets: "[550] [5.1.1] user unknown".  Caller
 * frees. */
char	*view_text_marked(const char *text, size_t len,
	    const struct findings *f, int color);
/* The summary line: "temporary failure · reason ratelimited · …". */
void	view_text_verdict(FILE *fp, int reply, const char *status,
	    enum findings_phase phase, const struct diagnosis *d,
	    const struct view_text_opts *o);
/* One article in full. */
void	view_text_article(FILE *fp, const struct kb_article *a,
	    const struct view_text_opts *o);
/* --explain: text, verdict, articles. */
void	view_text_explain(FILE *fp, const char *text, size_t len,
	    const struct findings *f, const struct diagnosis *d,
	    const struct view_text_opts *o);
/* A record read from a file: where, who, diagnostic, verdict, articles. */
void	view_text_record(FILE *fp, const struct record *r,
	    const struct view_text_opts *o);
/* Wraps s (trusted or not: it is escaped) at o->width with indent. */
void	view_text_wrap(FILE *fp, const char *s, int indent, int first_indent,
	    const struct view_text_opts *o);
/*
 * Writes the words of the safe text s (esc.c made it) from column col -
 * the caller wrote what comes before - wrapping at width, continuation
 * lines indented by indent; a newline in s ends a line.  A word longer
 * than a line (a URL) stands alone.  Ends the line.
 */
void	view_text_words(FILE *fp, const char *s, int indent, int col,
	    int width);
/* Columns the safe UTF-8 text s[0..n) takes: one per code point. */
int	view_text_cols(const char *s, size_t n);

#endif
