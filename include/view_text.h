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

/* Writes text with the codes of *f highlighted (when color) or marked
 * with [] (when mark), made safe, wrapped with indent. */
void	view_text_highlight(FILE *fp, const char *text, size_t len,
	    const struct findings *f, const struct view_text_opts *o,
	    int indent);
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

#endif
