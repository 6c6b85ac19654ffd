/*
 * tui_panes.c - build and draw the source and article panes.
 *
 * Input: the selected record.  Output: two documents (tui_doc.h) and
 * their drawing.  Codes in the original text are found again with
 * findings_scan(), line by line, so journey lines and bounce lines are
 * highlighted whatever reader produced them; no diagnosis runs here (the
 * reader thread may be diagnosing at the same time).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "kb.h"
#include "diag.h"
#include "record.h"
#include "source.h"
#include "tui_curses.h"
#include "tui_doc.h"
#include "tui_draw.h"
#include "tui_panes.h"
#include "tui_state.h"
#include "xalloc.h"

#define NONE		((size_t)-1)
#define GROUP_SHOWN	20	/* alike records listed by place */
#define LINE_SHOWN	(64 * 1024)	/* bytes of a log line read again */
#define FIELD_WIDTH	13

/* ---------------------------------------------------------- source */

/* s[0..n) with whitespace runs as one space, trimmed; caller frees. */
static char *
squeeze(const char *s, size_t n)
{
	char	*o = xmalloc(n + 1);
	size_t	 i, k = 0;

	for (i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i])) {
			if (k > 0 && o[k - 1] != ' ')
				o[k++] = ' ';
		} else
			o[k++] = s[i];
	}
	while (k > 0 && o[k - 1] == ' ')
		k--;
	o[k] = '\0';
	return o;
}

/* Is this line of the original text part of the diagnostic? */
static int
is_diag_line(const struct record *r, const char *line, size_t n,
    const struct findings *f, const char *diag)
{
	char	*sq;
	int	 yes = 0;

	if (r->reply[0] != '\0' && f->reply != 0 && f->reply == atoi(r->reply))
		return 1;
	if (diag == NULL)
		return 0;
	sq = squeeze(line, n);
	yes = strlen(sq) >= 8 && strstr(diag, sq) != NULL;
	free(sq);
	return yes;
}

static void
field(struct tui_doc *d, const char *label, const char *value)
{
	char	pad[FIELD_WIDTH + 1];

	if (value == NULL || *value == '\0')
		return;
	snprintf(pad, sizeof pad, "%-*s", FIELD_WIDTH - 1, label);
	tui_doc_para(d, 0, FIELD_WIDTH);
	tui_doc_puts(d, pad, TUI_ROLE_DIM);
	tui_doc_puts(d, " ", TUI_ROLE_NORMAL);
	tui_doc_keep(d);
	tui_doc_puts(d, value, TUI_ROLE_NORMAL);
	tui_doc_end(d);
}

static void
heading(struct tui_doc *d, const char *s)
{
	tui_doc_line(d, 0, "", TUI_ROLE_NORMAL);
	tui_doc_line(d, 0, s, TUI_ROLE_HEADING);
}

static void
source_fields(struct tui_doc *d, const struct record *r)
{
	tui_doc_para(d, 0, 2);
	tui_doc_puts(d, r->source ? r->source : "(input)", TUI_ROLE_DIM);
	if (r->line > 0)
		tui_doc_printf(d, TUI_ROLE_DIM, ", line %lu", r->line);
	tui_doc_end(d);
	field(d, "To:", r->recipient);
	field(d, "Original to:", r->original_recipient);
	field(d, "From:", r->sender);
	field(d, "Time:", r->time);
	field(d, "Queue id:", r->queue_id);
	field(d, "Remote host:", r->remote_host);
	field(d, "Relay:", r->relay);
	field(d, "Action:", r->action);
	field(d, "In reply to:", findings_phase_name(r->phase));
	field(d, "Delays:", r->delays);
	field(d, "Subject:", r->subject);
	field(d, "Message-Id:", r->message_id);
	field(d, "Note:", r->note);
}

static void
source_text(struct tui_doc *d, const struct record *r, const char *diag)
{
	const char	*p = r->context, *end, *nl;
	struct findings	 f;
	size_t		 n;

	heading(d, r->nattempts > 0 ? "Log lines:" : "Original text:");
	end = p + strlen(p);
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		findings_scan(p, n, &f);
		tui_doc_para(d, 2, 6);
		tui_doc_add_codes(d, p, n, &f, is_diag_line(r, p, n, &f, diag) ?
		    TUI_ROLE_DIAG : TUI_ROLE_NORMAL);
		tui_doc_end(d);
		if (nl == end)
			break;
	}
}

/* The journey's lines, read again from the file by offset. */
static void
source_lines(struct tui_doc *d, const struct record *r, const char *diag)
{
	const struct record_line	*l;
	struct findings			 f;
	struct diag			 dd;
	char				*text;
	size_t				 i, len, got;
	int				 emph;

	heading(d, "Log lines:");
	for (i = 0; i < r->nlines; i++) {
		l = &r->lines[i];
		len = l->length > LINE_SHOWN ? LINE_SHOWN : l->length;
		diag_init(&dd);
		text = source_reread(r->source, l->offset, len, &got, &dd);
		tui_doc_para(d, 2, 10);
		tui_doc_printf(d, TUI_ROLE_DIM, "%7lu ", l->line);
		if (text == NULL)
			tui_doc_printf(d, TUI_ROLE_DIM, "(cannot be read "
			    "again: %s)", dd.n > 0 ? dd.msg[0] : "?");
		else {
			findings_scan(text, got, &f);
			emph = l->line == r->line ||
			    is_diag_line(r, text, got, &f, diag);
			tui_doc_add_codes(d, text, got, &f, emph ?
			    TUI_ROLE_DIAG : TUI_ROLE_NORMAL);
			if (got < l->length)
				tui_doc_puts(d, " [...]", TUI_ROLE_DIM);
		}
		tui_doc_end(d);
		free(text);
		diag_release(&dd);
	}
}

static void
source_attempts(struct tui_doc *d, const struct record *r)
{
	const struct record_attempt	*a;
	struct findings			 f;
	size_t				 i;

	heading(d, "Attempts:");
	for (i = 0; i < r->nattempts; i++) {
		a = &r->attempts[i];
		tui_doc_para(d, 2, 6);
		if (a->time != NULL) {
			tui_doc_puts(d, a->time, TUI_ROLE_DIM);
			tui_doc_puts(d, " ", TUI_ROLE_NORMAL);
		}
		if (a->line > 0)
			tui_doc_printf(d, TUI_ROLE_DIM, "line %lu ", a->line);
		tui_doc_puts(d, a->action ? a->action : "attempt",
		    a->reply[0] == '4' || a->status[0] == '4' ?
		    TUI_ROLE_TEMP : TUI_ROLE_PERM);
		if (a->diagnostic != NULL) {
			tui_doc_puts(d, ": ", TUI_ROLE_NORMAL);
			findings_scan(a->diagnostic, strlen(a->diagnostic), &f);
			tui_doc_add_codes(d, a->diagnostic,
			    strlen(a->diagnostic), &f, TUI_ROLE_NORMAL);
		} else if (a->reply[0] || a->status[0])
			tui_doc_printf(d, TUI_ROLE_NORMAL, ": %s %s", a->reply,
			    a->status);
		tui_doc_end(d);
	}
}

void
tui_panes_source_doc(struct tui_doc *d, const struct record *r,
    const struct record *const *group, size_t ngroup)
{
	char	*diag = NULL;
	size_t	 i;

	source_fields(d, r);
	heading(d, "Diagnostic:");
	tui_doc_para(d, 2, 2);
	if (r->diagnostic != NULL) {
		tui_doc_add_codes(d, r->diagnostic, strlen(r->diagnostic),
		    &r->findings, TUI_ROLE_DIAG);
		diag = squeeze(r->diagnostic, strlen(r->diagnostic));
	} else
		tui_doc_puts(d, "(none given)", TUI_ROLE_DIM);
	tui_doc_end(d);
	if (r->nlines > 0 && r->seekable && r->source != NULL)
		source_lines(d, r, diag);
	else if (r->context != NULL && *r->context != '\0')
		source_text(d, r, diag);
	else if (r->nattempts > 0)
		source_attempts(d, r);
	free(diag);
	if (ngroup == 0)
		return;
	heading(d, "The same failure also at:");
	for (i = 0; i < ngroup && i < GROUP_SHOWN; i++) {
		tui_doc_para(d, 2, 4);
		tui_doc_puts(d, group[i]->source ? group[i]->source : "(input)",
		    TUI_ROLE_NORMAL);
		if (group[i]->line > 0)
			tui_doc_printf(d, TUI_ROLE_NORMAL, ", line %lu",
			    group[i]->line);
		if (group[i]->time != NULL) {
			tui_doc_puts(d, "  ", TUI_ROLE_NORMAL);
			tui_doc_puts(d, group[i]->time, TUI_ROLE_DIM);
		}
		tui_doc_end(d);
	}
	if (ngroup > GROUP_SHOWN)
		tui_doc_printf(d, TUI_ROLE_DIM, "  and %zu more",
		    ngroup - GROUP_SHOWN);
	tui_doc_end(d);
}

/* --------------------------------------------------------- articles */

static const char *
kind_label(enum kb_kind k)
{
	switch (k) {
	case KB_KIND_MATCH:
		return "specific";
	case KB_KIND_STATUS:
		return "enhanced status";
	default:
		return "reply code";
	}
}

static void
verdict(struct tui_doc *d, const struct record *r)
{
	const char	*ph = findings_phase_name(r->phase);

	tui_doc_para(d, 0, 2);
	tui_doc_puts(d, r->diagnosis.temporary ? "TEMPORARY failure" :
	    "PERMANENT failure", r->diagnosis.temporary ? TUI_ROLE_TEMP :
	    TUI_ROLE_PERM);
	tui_doc_puts(d, " - reason ", TUI_ROLE_NORMAL);
	tui_doc_puts(d, r->diagnosis.reason ? r->diagnosis.reason :
	    "undefined", TUI_ROLE_DIAG);
	if (r->reply[0] != '\0') {
		tui_doc_puts(d, " - reply ", TUI_ROLE_NORMAL);
		tui_doc_puts(d, r->reply, TUI_ROLE_REPLY);
	}
	if (r->status[0] != '\0') {
		tui_doc_puts(d, " - status ", TUI_ROLE_NORMAL);
		tui_doc_puts(d, r->status, TUI_ROLE_STATUS);
	}
	if (ph != NULL)
		tui_doc_printf(d, TUI_ROLE_NORMAL, " - in reply to %s", ph);
	tui_doc_end(d);
}

/* A field that may hold paragraph breaks ("\n"). */
static void
paragraphs(struct tui_doc *d, const char *s, int indent)
{
	const char	*nl;

	while (s != NULL && *s != '\0') {
		nl = strchr(s, '\n');
		tui_doc_para(d, indent, indent);
		tui_doc_add(d, s, nl ? (size_t)(nl - s) : strlen(s),
		    TUI_ROLE_NORMAL);
		tui_doc_end(d);
		s = nl ? nl + 1 : NULL;
	}
}

static void
article(struct tui_doc *d, const struct kb_article *a, size_t i, size_t n)
{
	size_t	k;

	tui_doc_para(d, 0, 2);
	tui_doc_printf(d, TUI_ROLE_DIM, "Article %zu of %zu, %s: ", i + 1, n,
	    kind_label(a->kind));
	tui_doc_puts(d, a->id, TUI_ROLE_DIM);
	if (a->provider != NULL) {
		tui_doc_puts(d, " - ", TUI_ROLE_DIM);
		tui_doc_puts(d, a->provider, TUI_ROLE_DIM);
	}
	tui_doc_end(d);
	tui_doc_line(d, 0, a->title, TUI_ROLE_TITLE);
	paragraphs(d, a->explain, 0);
	heading(d, "What the sending admin should do:");
	for (k = 0; k < a->remedy.n; k++) {
		tui_doc_para(d, 2, 5);
		tui_doc_printf(d, TUI_ROLE_NORMAL, "%zu. ", k + 1);
		tui_doc_puts(d, a->remedy.v[k], TUI_ROLE_NORMAL);
		tui_doc_end(d);
	}
	if (a->customer != NULL) {
		heading(d, "What to tell the customer (c copies it):");
		paragraphs(d, a->customer, 2);
	}
	if (a->see.n > 0) {
		heading(d, "See:");
		for (k = 0; k < a->see.n; k++)
			tui_doc_line(d, 2, a->see.v[k], TUI_ROLE_LINK);
	}
}

void
tui_panes_article_doc(struct tui_doc *d, const struct record *r,
    size_t *marks, size_t *nmarks)
{
	size_t	i, n = r->diagnosis.narticles;

	verdict(d, r);
	*nmarks = 0;
	if (n == 0) {
		tui_doc_line(d, 0, "", TUI_ROLE_NORMAL);
		tui_doc_line(d, 0, "No article in the knowledge base fits this "
		    "failure.", TUI_ROLE_DIM);
	}
	for (i = 0; i < n && i < DIAGNOSIS_MAX; i++) {
		tui_doc_line(d, 0, "", TUI_ROLE_NORMAL);
		marks[(*nmarks)++] = d->n;
		article(d, r->diagnosis.articles[i], i, n);
	}
}

/* ------------------------------------------------------------ panes */

static size_t
selected_record(const struct tui_state *st)
{
	if (st->sel >= st->model.nrows)
		return NONE;
	return st->model.rows[st->sel].first;
}

static void
build(struct tui_state *st, enum tui_pane p, size_t ri)
{
	struct tui_pane_view	*pv = &st->pane[p - TUI_PANE_SOURCE];
	const struct record	**group = NULL, *r = &st->model.rs.v[ri];
	size_t			 n = 0, i;

	tui_doc_release(&pv->doc);
	tui_doc_init(&pv->doc, pv->body.w, st->search);
	if (p == TUI_PANE_ARTICLE) {
		tui_panes_article_doc(&pv->doc, r, pv->marks, &pv->nmarks);
		return;
	}
	for (i = st->model.next[ri]; i != NONE; i = st->model.next[i]) {
		group = xreallocarray(group, n + 1, sizeof *group);
		group[n++] = &st->model.rs.v[i];
	}
	tui_panes_source_doc(&pv->doc, r, group, n);
	free(group);
}

static void
clamp_top(struct tui_pane_view *pv)
{
	size_t	h = pv->body.h > 0 ? (size_t)pv->body.h : 1;

	if (pv->top + h > pv->doc.n)
		pv->top = pv->doc.n > h ? pv->doc.n - h : 0;
}

void
tui_panes_sync(struct tui_state *st)
{
	struct tui_pane_view	*pv;
	size_t			 ri = selected_record(st), m;
	int			 p, fresh;

	for (p = TUI_PANE_SOURCE; p <= TUI_PANE_ARTICLE; p++) {
		pv = &st->pane[p - TUI_PANE_SOURCE];
		if (pv->body.w <= 0)
			continue;
		if (ri == NONE) {
			tui_doc_release(&pv->doc);
			pv->record = NONE;
			pv->top = 0;
			continue;
		}
		if (pv->record == ri && pv->width == pv->body.w &&
		    pv->gen == st->search_gen)
			continue;
		fresh = pv->record != ri || pv->gen != st->search_gen;
		build(st, (enum tui_pane)p, ri);
		if (fresh) {
			pv->top = 0;
			m = tui_doc_next_match(&pv->doc, 0);
			if (st->search != NULL && m != NONE)
				pv->top = m > 1 ? m - 1 : 0;
		}
		pv->record = ri;
		pv->width = pv->body.w;
		pv->gen = st->search_gen;
		clamp_top(pv);
	}
}

void
tui_panes_draw(struct tui_state *st, enum tui_pane p)
{
	struct tui_pane_view	*pv = &st->pane[p - TUI_PANE_SOURCE];
	enum tui_role		 role = st->focus == p ? TUI_ROLE_FOCUS :
				    TUI_ROLE_PANE;
	char			*t, pos[64];
	size_t			 h = (size_t)(pv->body.h > 0 ? pv->body.h : 0);
	int			 pw;

	if (pv->title.w <= 0)
		return;
	if (p == TUI_PANE_SOURCE)
		t = xstrdup(" Source: the failure as read");
	else
		t = xasprintf(" Article: what it means and what to do");
	pos[0] = '\0';
	if (pv->doc.n > h)
		snprintf(pos, sizeof pos, "%zu-%zu/%zu ", pv->top + 1,
		    pv->top + h < pv->doc.n ? pv->top + h : pv->doc.n,
		    pv->doc.n);
	pw = (int)strlen(pos);
	tui_draw_fill(pv->title.y, pv->title.x, pv->title.w, role);
	tui_draw_text(pv->title.y, pv->title.x, pv->title.w - pw, t,
	    strlen(t), role, 0);
	if (pw > 0 && pw < pv->title.w)
		tui_draw_text(pv->title.y, pv->title.x + pv->title.w - pw, pw,
		    pos, strlen(pos), role, 0);
	free(t);
	tui_draw_doc(&pv->body, &pv->doc, pv->top);
}

int
tui_panes_action(struct tui_state *st, enum tui_pane p, enum tui_action a)
{
	struct tui_pane_view	*pv = &st->pane[p - TUI_PANE_SOURCE];
	size_t			 page;

	page = pv->body.h > 2 ? (size_t)pv->body.h - 1 : 1;

	switch (a) {
	case TUI_ACT_UP:
		pv->top = pv->top > 0 ? pv->top - 1 : 0;
		break;
	case TUI_ACT_DOWN:
		pv->top++;
		break;
	case TUI_ACT_PAGE_UP:
		pv->top = pv->top > page ? pv->top - page : 0;
		break;
	case TUI_ACT_PAGE_DOWN:
		pv->top += page;
		break;
	case TUI_ACT_TOP:
		pv->top = 0;
		break;
	case TUI_ACT_BOTTOM:
		pv->top = pv->doc.n;
		break;
	default:
		return 0;
	}
	clamp_top(pv);
	return 1;
}

void
tui_panes_release(struct tui_state *st)
{
	tui_doc_release(&st->pane[0].doc);
	tui_doc_release(&st->pane[1].doc);
}

const struct kb_article *
tui_panes_article(const struct tui_state *st)
{
	const struct tui_pane_view	*pv = &st->pane[1];
	const struct record		*r;
	size_t				 i, ri = selected_record(st), cur = 0;

	if (ri == NONE)
		return NULL;
	r = &st->model.rs.v[ri];
	if (st->focus == TUI_PANE_ARTICLE && pv->record == ri)
		for (i = 0; i < pv->nmarks && i < r->diagnosis.narticles; i++)
			if (pv->marks[i] <= pv->top + 1)
				cur = i;
	for (i = cur; i < r->diagnosis.narticles; i++)
		if (r->diagnosis.articles[i]->customer != NULL)
			return r->diagnosis.articles[i];
	return NULL;
}
