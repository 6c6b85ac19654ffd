/*
 * view_report.c - the plain-text report and summary of grouped failures.
 *
 * Input: a recset and the group tree built from it (group.h).
 * Output: text on a FILE, wrapped at a width, safe to paste anywhere:
 * every string from the input or the knowledge base goes through
 * esc_text() before it is measured or written, and codes are marked with
 * brackets so the meaning survives without colour.
 *
 * Report layout (counts right-aligned, one level per indent):
 *
 *	Bounce report: 3 failures (1 temporary, 2 permanent)
 *	Period: <first> to <last>
 *
 *	2  userunknown (permanent)
 *	   2  550 5.1.1 - <title>
 *	      Remedy: <first remedy>
 *	        2  example.com
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "esc.h"
#include "group.h"
#include "kb.h"
#include "record.h"
#include "view_report.h"
#include "view_text.h"
#include "xalloc.h"

#define SGR_HEAD	"\033[1m"
#define SGR_OFF		"\033[0m"

int
view_report_width(int fd)
{
	struct winsize	ws;

	if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) == -1 || ws.ws_col == 0)
		return 78;
	if (ws.ws_col < 40)
		return 40;
	return ws.ws_col > 160 ? 160 : ws.ws_col;
}

/* A safe copy of s (NULL gives ""); caller frees. */
static char *
safe(const char *s)
{
	return esc_text(s ? s : "", s ? strlen(s) : 0, 0);
}

static int
ndigits(size_t n)
{
	int	d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Writes prefix (trusted) then the untrusted text, wrapped. */
static void
wrap_field(FILE *fp, int indent, const char *prefix, const char *text,
    int hang, int width)
{
	char	*t = esc_text(text, strlen(text), 0);

	fprintf(fp, "%*s%s", indent, "", prefix);
	view_text_words(fp, t, indent + hang, indent + view_text_cols(prefix,
	    strlen(prefix)), width);
	free(t);
}

static void
heading(FILE *fp, const char *s, const struct view_text_opts *o)
{
	fprintf(fp, "%s%s%s\n", o->color ? SGR_HEAD : "", s,
	    o->color ? SGR_OFF : "");
}

/* "permanent", "temporary" or "1 temporary, 2 permanent". */
static void
split(char *buf, size_t size, const struct group *g)
{
	if (g->temporary == 0)
		snprintf(buf, size, "permanent");
	else if (g->permanent == 0)
		snprintf(buf, size, "temporary");
	else
		snprintf(buf, size, "%zu temporary, %zu permanent",
		    g->temporary, g->permanent);
}

static const char *
codes_label(const struct group *g)
{
	return g->key[0] != '\0' ? g->key : "(no code)";
}

/* ------------------------------------------------------------ report */

/* "Bounce report: 3 failures (1 temporary, 2 permanent)" and the period. */
static void
headline(FILE *fp, const struct group_tree *t, const char *what,
    const struct view_text_opts *o)
{
	const struct group	*g = &t->root;
	char			*h, *a, *b;

	if (g->count == 0) {
		h = xasprintf("%s: no failure found", what);
		heading(fp, h, o);
		free(h);
		return;
	}
	h = xasprintf("%s: %zu failure%s (%zu temporary, %zu permanent)",
	    what, g->count, g->count == 1 ? "" : "s", g->temporary,
	    g->permanent);
	heading(fp, h, o);
	free(h);
	if (g->first == NULL)
		return;
	a = safe(g->first);
	b = safe(g->last);
	if (strcmp(g->first, g->last) == 0)
		fprintf(fp, "Time: %s\n", a);
	else
		fprintf(fp, "Period: %s to %s\n", a, b);
	free(a);
	free(b);
}

/* The title and first remedy of a, at indent. */
static void
report_article(FILE *fp, const struct kb_article *a, int indent,
    const struct view_text_opts *o)
{
	if (a == NULL) {
		fprintf(fp, "%*sNo article: the reply is not in the knowledge "
		    "base.\n", indent, "");
		return;
	}
	wrap_field(fp, indent, "", a->title, 0, o->width);
	if (a->remedy.n > 0)
		wrap_field(fp, indent, "Remedy: ", a->remedy.v[0], 8,
		    o->width);
}

/* One domain row at indent, with the article when it is not the one of
 * the reply code above. */
static void
report_domain(FILE *fp, const struct group *d, const struct group *c,
    int indent, int cw, const struct view_text_opts *o)
{
	char	*k, *p = NULL, *l;

	k = safe(d->key[0] != '\0' ? d->key : "(recipient unknown)");
	if (d->provider != NULL)
		p = safe(d->provider);
	l = xasprintf("%s%s%s%s", k, p ? " (" : "", p ? p : "", p ? ")" : "");
	fprintf(fp, "%*s%*zu  ", indent, "", cw, d->count);
	view_text_words(fp, l, indent + cw + 2, indent + cw + 2, o->width);
	free(l);
	free(k);
	free(p);
	if (d->article != c->article)
		report_article(fp, d->article, indent + cw + 2, o);
}

/* The recipient domains of a reply code: at most VIEW_REPORT_DOMAINS
 * rows unless verbose, then one row for the rest. */
static void
report_domains(FILE *fp, const struct group *c, int indent, int cw,
    const struct view_text_opts *o)
{
	size_t	i, rest = 0, nrest = 0;

	fprintf(fp, "%*s%s\n", indent, "", c->nchild == 1 ?
	    "Recipient domain:" : "Recipient domains:");
	indent += 2;
	for (i = 0; i < c->nchild; i++) {
		if (!o->verbose && i >= VIEW_REPORT_DOMAINS) {
			rest += c->child[i].count;
			nrest++;
		} else
			report_domain(fp, &c->child[i], c, indent, cw, o);
	}
	if (nrest > 0)
		fprintf(fp, "%*s%*zu  (%zu more domain%s)\n", indent, "", cw,
		    rest, nrest, nrest == 1 ? "" : "s");
}

static void
report_groups(FILE *fp, const struct group_tree *t,
    const struct view_text_opts *o)
{
	const struct group	*r, *c;
	size_t			 i, j;
	int			 cw = ndigits(t->root.count);
	char			 buf[64], *k;

	for (i = 0; i < t->root.nchild; i++) {
		r = &t->root.child[i];
		split(buf, sizeof buf, r);
		putc('\n', fp);
		k = xasprintf("%*zu  %s (%s)", cw, r->count, r->key, buf);
		heading(fp, k, o);
		free(k);
		for (j = 0; j < r->nchild; j++) {
			c = &r->child[j];
			fprintf(fp, "%*s%*zu  %s\n", cw + 2, "", cw, c->count,
			    codes_label(c));
			report_article(fp, c->article, 2 * (cw + 2), o);
			report_domains(fp, c, 2 * (cw + 2), cw, o);
		}
	}
}

static void
report_record(FILE *fp, const struct record *r, size_t num, int nw,
    const struct view_text_opts *o)
{
	const struct kb_article	*a = r->diagnosis.narticles > 0 ?
	    r->diagnosis.articles[0] : NULL;
	int			 ind = nw + 2;
	char			*s, *t, where[32] = "";

	s = safe(r->recipient ? r->recipient : "(recipient unknown)");
	fprintf(fp, "\n%*zu. %s\n", nw, num, s);
	free(s);
	if (r->time != NULL)
		wrap_field(fp, ind, "time:     ", r->time, 10, o->width);
	if (r->line > 0)
		snprintf(where, sizeof where, ":%lu", r->line);
	s = safe(r->source ? r->source : "-");
	t = xasprintf("%s%s", s, where);
	fprintf(fp, "%*ssource:   ", ind, "");
	view_text_words(fp, t, ind + 10, ind + 10, o->width);
	free(s);
	free(t);
	if (r->diagnostic != NULL) {
		t = view_text_marked(r->diagnostic, strlen(r->diagnostic),
		    &r->findings, 0);
		fprintf(fp, "%*sreply:    ", ind, "");
		view_text_words(fp, t, ind + 10, ind + 10, o->width);
		free(t);
	}
	fprintf(fp, "%*sverdict:  %s, %s\n", ind, "",
	    r->diagnosis.temporary ? "temporary" : "permanent",
	    r->diagnosis.reason ? r->diagnosis.reason : "undefined");
	if (a == NULL)
		return;
	s = xasprintf("%s [%s]", a->title, a->id);
	wrap_field(fp, ind, "article:  ", s, 10, o->width);
	free(s);
	wrap_field(fp, ind, "customer: ", a->customer, 10, o->width);
}

static void
report_details(FILE *fp, const struct recset *rs,
    const struct group_tree *t, const struct view_text_opts *o)
{
	const struct group	*r, *c, *d;
	size_t			 i, j, k, m, num = 0;
	int			 nw = ndigits(t->root.count);

	putc('\n', fp);
	heading(fp, "Failures, by group:", o);
	for (i = 0; i < t->root.nchild; i++) {
		r = &t->root.child[i];
		for (j = 0; j < r->nchild; j++) {
			c = &r->child[j];
			for (k = 0; k < c->nchild; k++) {
				d = &c->child[k];
				for (m = 0; m < d->count; m++)
					report_record(fp,
					    &rs->v[t->order[d->lo + m]], ++num,
					    nw, o);
			}
		}
	}
}

void
view_report(FILE *fp, const struct recset *rs, const struct group_tree *t,
    const struct view_text_opts *o)
{
	headline(fp, t, "Bounce report", o);
	if (t->root.count == 0)
		return;
	report_groups(fp, t, o);
	if (o->verbose && t->order != NULL)
		report_details(fp, rs, t, o);
}

/* ------------------------------------------------------------ summary */

/*
 * How much of a time the summary shows: the clock alone when every time
 * of the tree is on one day, then month and day, then (times over several
 * years, or one that cannot be read) the year too.
 */
enum span { SPAN_CLOCK, SPAN_DAY, SPAN_FULL };

struct table {
	FILE				*fp;
	const struct view_text_opts	*o;
	int				 cw;	/* count column */
	int				 tw;	/* time columns, 0: none */
	enum span			 span;
};

struct span_scan {
	struct group_time	ref;
	int			have;
	enum span		span;
};

static void
span_of(const struct group *g, struct span_scan *sc)
{
	const char		*ts[2] = { g->first, g->last };
	struct group_time	 t;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		if (ts[i] == NULL)
			continue;
		if (group_time_parse(ts[i], &t) == -1 ||
		    (sc->have && t.year != sc->ref.year))
			sc->span = SPAN_FULL;
		else if (!sc->have) {
			sc->ref = t;
			sc->have = 1;
		} else if ((t.mon != sc->ref.mon || t.day != sc->ref.day) &&
		    sc->span < SPAN_DAY)
			sc->span = SPAN_DAY;
	}
	for (i = 0; i < g->nchild; i++)
		span_of(&g->child[i], sc);
}

/* One time cell of the summary. */
static void
time_cell(const struct table *tb, const char *s, char *buf, size_t size)
{
	static const char	 mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct group_time	 t;

	if (s == NULL)
		snprintf(buf, size, "-");
	else if (tb->span == SPAN_FULL || group_time_parse(s, &t) == -1)
		group_time_format(s, buf, size);
	else if (tb->span == SPAN_DAY)
		snprintf(buf, size, "%.3s %2d %02d:%02d", mon + 3 * (t.mon - 1),
		    t.day, t.hour, t.min);
	else
		snprintf(buf, size, "%02d:%02d", t.hour, t.min);
}

/* One row: count, times, then label at depth, cut at the width. */
static void
row(const struct table *tb, size_t count, const struct group *g,
    int depth, const char *label)
{
	char	first[GROUP_TIME_LEN + 1], last[GROUP_TIME_LEN + 1];
	int	col, room, w;
	size_t	n;

	fprintf(tb->fp, "%*zu", tb->cw, count);
	col = tb->cw;
	if (tb->tw > 0) {
		time_cell(tb, g ? g->first : NULL, first, sizeof first);
		time_cell(tb, g ? g->last : NULL, last, sizeof last);
		fprintf(tb->fp, "  %-*s  %-*s", tb->tw, first, tb->tw, last);
		col += 4 + 2 * tb->tw;
	}
	fprintf(tb->fp, "  %*s", 2 * depth, "");
	col += 2 + 2 * depth;
	room = tb->o->width - col;
	w = view_text_cols(label, strlen(label));
	if (tb->o->verbose || w <= room || room < 8) {
		fprintf(tb->fp, "%s\n", label);
		return;
	}
	/* Cut at a code point boundary, leaving room for "...". */
	for (n = 0, w = 0; label[n] != '\0'; n++)
		if (((unsigned char)label[n] & 0xc0) != 0x80 && ++w > room - 3)
			break;
	fprintf(tb->fp, "%.*s...\n", (int)n, label);
}

/* label of a group with its article's title (when it differs from the
 * parent's) and provider. */
static char *
summary_label(const struct group *g, const struct group *parent)
{
	char		*k, *t = NULL, *p = NULL, *s;
	const char	*key;

	if (g->level == GROUP_CODES)
		key = codes_label(g);
	else if (g->level == GROUP_DOMAIN && g->key[0] == '\0')
		key = "(recipient unknown)";
	else
		key = g->key;
	k = safe(key);
	if (g->article != NULL && (parent == NULL ||
	    g->article != parent->article))
		t = safe(g->article->title);
	if (g->level == GROUP_DOMAIN && g->provider != NULL)
		p = safe(g->provider);
	s = xasprintf("%s%s%s%s%s%s", k, p ? " (" : "", p ? p : "",
	    p ? ")" : "", t ? "  " : "", t ? t : "");
	free(k);
	free(t);
	free(p);
	return s;
}

static void
summary_codes(const struct table *tb, const struct group *c)
{
	const struct group	*d;
	size_t			 i, rest = 0, nrest = 0;
	char			*l;

	l = summary_label(c, NULL);
	row(tb, c->count, c, 1, l);
	free(l);
	for (i = 0; i < c->nchild; i++) {
		d = &c->child[i];
		if (!tb->o->verbose && i >= VIEW_REPORT_DOMAINS) {
			rest += d->count;
			nrest++;
			continue;
		}
		l = summary_label(d, c);
		row(tb, d->count, d, 2, l);
		free(l);
	}
	if (nrest > 0) {
		l = xasprintf("(%zu more domain%s)", nrest,
		    nrest == 1 ? "" : "s");
		row(tb, rest, NULL, 2, l);
		free(l);
	}
}

void
view_report_summary(FILE *fp, const struct recset *rs,
    const struct group_tree *t, const struct view_text_opts *o)
{
	static const int	 tws[] = { 5, 12, GROUP_TIME_LEN };
	struct table		 tb;
	struct span_scan	 sc;
	const struct group	*r;
	size_t			 i, j;
	char			 buf[64], *l;

	(void)rs;
	headline(fp, t, "Bounce summary", o);
	if (t->root.count == 0)
		return;
	memset(&sc, 0, sizeof sc);
	span_of(&t->root, &sc);
	tb.fp = fp;
	tb.o = o;
	tb.cw = ndigits(t->root.count) < 5 ? 5 : ndigits(t->root.count);
	tb.span = sc.span;
	tb.tw = tws[sc.span];
	/* The times only when they leave room for the names. */
	if (o->width - (tb.cw + 6 + 2 * tb.tw) < VIEW_REPORT_NAMES)
		tb.tw = 0;
	fprintf(fp, "\n%*s", tb.cw, "count");
	if (tb.tw > 0)
		fprintf(fp, "  %-*s  %-*s", tb.tw, "first", tb.tw, "last");
	fputs("  reason / codes / domain\n", fp);
	for (i = 0; i < t->root.nchild; i++) {
		r = &t->root.child[i];
		split(buf, sizeof buf, r);
		l = xasprintf("%s (%s)", r->key, buf);
		row(&tb, r->count, r, 0, l);
		free(l);
		for (j = 0; j < r->nchild; j++)
			summary_codes(&tb, &r->child[j]);
	}
}
