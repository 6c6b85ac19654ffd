/*
 * view_text.c - plain-text views: --explain and records as text.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "esc.h"
#include "findings.h"
#include "kb.h"
#include "record.h"
#include "view_text.h"
#include "xalloc.h"

#define SGR_CODE	"\033[1;33m"	/* reply code */
#define SGR_STATUS	"\033[1;36m"	/* enhanced status */
#define SGR_HEAD	"\033[1m"
#define SGR_TEMP	"\033[33m"
#define SGR_PERM	"\033[31m"
#define SGR_OFF		"\033[0m"

static void
sgr(FILE *fp, const struct view_text_opts *o, const char *seq)
{
	if (o->color)
		fputs(seq, fp);
}

/* Appends the trusted string m to the buffer of esc_append(). */
static void
mark(char **buf, size_t *n, size_t *cap, const char *m)
{
	size_t	len = strlen(m);

	if (*n + len + 1 > *cap) {
		*cap = (*n + len + 1) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *n, m, len + 1);
	*n += len;
}

int
view_text_cols(const char *s, size_t n)
{
	int	w = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

void
view_text_words(FILE *fp, const char *s, int indent, int col, int width)
{
	size_t	n;
	int	w, fresh = 1;

	while (*s != '\0') {
		if (*s == '\n' || *s == ' ') {
			if (*s == '\n') {
				fprintf(fp, "\n%*s", indent, "");
				col = indent;
				fresh = 1;
			}
			s++;
			continue;
		}
		n = strcspn(s, " \n");
		w = view_text_cols(s, n);
		if (!fresh && col + 1 + w > width) {
			fprintf(fp, "\n%*s", indent, "");
			col = indent;
		} else if (!fresh) {
			putc(' ', fp);
			col++;
		}
		fwrite(s, 1, n, fp);
		col += w;
		fresh = 0;
		s += n;
	}
	putc('\n', fp);
}

void
view_text_wrap(FILE *fp, const char *s, int indent, int first_indent,
    const struct view_text_opts *o)
{
	char	*safe = esc_text(s, strlen(s), ESC_KEEP_NL);

	fprintf(fp, "%*s", first_indent, "");
	view_text_words(fp, safe, indent, first_indent,
	    o->width > 20 ? o->width : 78);
	free(safe);
}

char *
view_text_marked(const char *text, size_t len, const struct findings *f,
    int color)
{
	const struct findings_span	*s;
	size_t				 pos = 0, i, n = 0, cap = 0;
	char				*out = NULL;

	esc_append(&out, &n, &cap, "", 0, 0);
	for (i = 0; i < f->nspans; i++) {
		s = &f->spans[i];
		if (s->off < pos || s->off + s->len > len)
			continue;
		esc_append(&out, &n, &cap, text + pos, s->off - pos, 0);
		/* trusted bytes: appended as they are */
		mark(&out, &n, &cap, color ? (s->kind == FINDINGS_REPLY ?
		    SGR_CODE : SGR_STATUS) : "[");
		esc_append(&out, &n, &cap, text + s->off, s->len, 0);
		mark(&out, &n, &cap, color ? SGR_OFF : "]");
		pos = s->off + s->len;
	}
	esc_append(&out, &n, &cap, text + pos, len - pos, 0);
	return out;
}

void
view_text_highlight(FILE *fp, const char *text, size_t len,
    const struct findings *f, const struct view_text_opts *o, int indent)
{
	char	*t = view_text_marked(text, len, f, o->color);

	fprintf(fp, "%*s%s\n", indent, "", t);
	free(t);
}

void
view_text_verdict(FILE *fp, int reply, const char *status,
    enum findings_phase phase, const struct diagnosis *d,
    const struct view_text_opts *o)
{
	const char	*ph = findings_phase_name(phase);

	fputs("  ", fp);
	sgr(fp, o, d->temporary ? SGR_TEMP : SGR_PERM);
	fputs(d->temporary ? "temporary failure" : "permanent failure", fp);
	sgr(fp, o, SGR_OFF);
	fprintf(fp, " - reason: %s", d->reason);
	if (reply)
		fprintf(fp, " - reply code %d", reply);
	if (status != NULL && *status != '\0')
		fprintf(fp, " - enhanced status %s", status);
	if (ph != NULL)
		fprintf(fp, " - in reply to %s", ph);
	putc('\n', fp);
}

static void
heading(FILE *fp, const char *s, const struct view_text_opts *o)
{
	fputs("  ", fp);
	sgr(fp, o, SGR_HEAD);
	fputs(s, fp);
	sgr(fp, o, SGR_OFF);
	putc('\n', fp);
}

void
view_text_article(FILE *fp, const struct kb_article *a,
    const struct view_text_opts *o)
{
	size_t	 i;
	char	*t, num[32];

	t = esc_text(a->title, strlen(a->title), 0);
	putc('\n', fp);
	sgr(fp, o, SGR_HEAD);
	fprintf(fp, "%s", t);
	sgr(fp, o, SGR_OFF);
	free(t);
	putc('\n', fp);
	t = esc_text(a->id, strlen(a->id), 0);
	fprintf(fp, "  [%s, %s", t, kb_kind_name(a->kind));
	free(t);
	if (a->provider != NULL) {
		t = esc_text(a->provider, strlen(a->provider), 0);
		fprintf(fp, ", %s", t);
		free(t);
	}
	fputs("]\n", fp);
	view_text_wrap(fp, a->explain, 2, 2, o);
	heading(fp, "What the sending admin should do:", o);
	for (i = 0; i < a->remedy.n; i++) {
		/* the number is part of the text, so the first line is
		 * measured with it; later lines hang under the text */
		snprintf(num, sizeof num, "%zu. ", i + 1);
		t = xasprintf("%s%s", num, a->remedy.v[i]);
		view_text_wrap(fp, t, 4 + (int)strlen(num), 4, o);
		free(t);
	}
	heading(fp, "What to tell the customer:", o);
	view_text_wrap(fp, a->customer, 4, 4, o);
	if (a->see.n > 0) {
		heading(fp, "See:", o);
		for (i = 0; i < a->see.n; i++)
			view_text_wrap(fp, a->see.v[i], 4, 4, o);
	}
}

void
view_text_explain(FILE *fp, const char *text, size_t len,
    const struct findings *f, const struct diagnosis *d,
    const struct view_text_opts *o)
{
	size_t	i;

	view_text_highlight(fp, text, len, f, o, 0);
	view_text_verdict(fp, f->reply, f->status, f->phase, d, o);
	for (i = 0; i < d->narticles; i++)
		view_text_article(fp, d->articles[i], o);
}

static void
field(FILE *fp, const char *label, const char *v)
{
	char	*t;

	if (v == NULL || *v == '\0')
		return;
	t = esc_text(v, strlen(v), 0);
	fprintf(fp, "  %-11s %s\n", label, t);
	free(t);
}

void
view_text_record(FILE *fp, const struct record *r,
    const struct view_text_opts *o)
{
	char	*t, line[32];
	size_t	 i, n;

	t = esc_text(r->source ? r->source : "-",
	    strlen(r->source ? r->source : "-"), 0);
	snprintf(line, sizeof line, ":%lu", r->line);
	fprintf(fp, "%s%s\n", t, r->line ? line : "");
	free(t);
	field(fp, "recipient:", r->recipient);
	field(fp, "time:", r->time);
	field(fp, "action:", r->action);
	field(fp, "remote host:", r->remote_host);
	field(fp, "queue id:", r->queue_id);
	field(fp, "subject:", r->subject);
	field(fp, "note:", r->note);
	if (r->diagnostic != NULL)
		view_text_highlight(fp, r->diagnostic, strlen(r->diagnostic),
		    &r->findings, o, 2);
	view_text_verdict(fp, atoi(r->reply), r->status, r->phase,
	    &r->diagnosis, o);
	n = o->verbose ? r->diagnosis.narticles :
	    (r->diagnosis.narticles > 0 ? 1 : 0);
	for (i = 0; i < n; i++)
		view_text_article(fp, r->diagnosis.articles[i], o);
	putc('\n', fp);
}
