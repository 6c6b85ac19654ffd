/*
 * tui_doc.c - styled, wrapped text for the panes (see tui_doc.h).
 *
 * Input: text from records and articles, with a role per piece.
 * Output: screen lines, each safe UTF-8 with a role per byte.
 * Invariant: every byte in a line came out of esc_append() and the
 * locale filter below, so drawing a line can never send a control byte.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "esc.h"
#include "findings.h"
#include "tui_doc.h"
#include "tui_search.h"
#include "xalloc.h"

static int	doc_utf8 = 1;

void
tui_doc_set_utf8(int on)
{
	doc_utf8 = on;
}

/* Cells taken by code point cp; -1 if the terminal cannot show it. */
static int
cp_width(unsigned cp)
{
	int	w;

	if (cp >= 0x20 && cp < 0x7f)
		return 1;
	if (cp < 0x80 || !doc_utf8)
		return -1;
	w = wcwidth((wchar_t)cp);
	return w;
}

/* Length of the (valid, safe) UTF-8 character at s, and its width. */
static size_t
char_at(const char *s, size_t n, int *w)
{
	unsigned	cp;
	size_t		k;

	k = esc_utf8_decode((const unsigned char *)s, n, &cp);
	if (k == 0) {
		*w = 1;
		return 1;
	}
	*w = cp_width(cp);
	if (*w < 0)
		*w = 1;
	return k;
}

int
tui_doc_width(const char *s, size_t len)
{
	size_t	i = 0;
	int	w, total = 0;

	while (i < len) {
		i += char_at(s + i, len - i, &w);
		total += w;
	}
	return total;
}

size_t
tui_doc_fit(const char *s, size_t len, int cols, int *used)
{
	size_t	i = 0, k;
	int	w, total = 0;

	while (i < len) {
		k = char_at(s + i, len - i, &w);
		if (total + w > cols)
			break;
		total += w;
		i += k;
	}
	if (used != NULL)
		*used = total;
	return i;
}

char *
tui_doc_safe(const char *s, size_t len)
{
	char		*e, *out = NULL, tmp[16];
	size_t		 elen, i = 0, k, olen = 0, ocap = 0;
	unsigned	 cp;

	e = esc_text(s, len, 0);
	elen = strlen(e);
	for (i = 0; i < elen; i++)
		if ((unsigned char)e[i] >= 0x80)
			break;
	if (i == elen)
		return e;	/* plain ASCII: the common case */
	i = 0;
	while (i < elen) {
		k = esc_utf8_decode((const unsigned char *)e + i, elen - i,
		    &cp);
		if (k == 0)
			k = 1;	/* cannot happen after esc_text() */
		if (cp >= 0x80 && cp_width(cp) < 0) {
			snprintf(tmp, sizeof tmp, "<U+%04X>", cp);
			esc_append(&out, &olen, &ocap, tmp, strlen(tmp), 0);
		} else
			esc_append(&out, &olen, &ocap, e + i, k, 0);
		i += k;
	}
	free(e);
	return out;
}

void
tui_doc_init(struct tui_doc *d, int width, struct tui_search *search)
{
	memset(d, 0, sizeof *d);
	d->width = width > 0 ? width : 1;
	d->search = search;
}

void
tui_doc_release(struct tui_doc *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].text);
		free(d->v[i].role);
	}
	free(d->v);
	free(d->ptext);
	free(d->prole);
	memset(d, 0, sizeof *d);
}

static void
para_put(struct tui_doc *d, const char *s, size_t n, enum tui_role role)
{
	if (d->plen + n + 1 > d->pcap) {
		while (d->plen + n + 1 > d->pcap)
			d->pcap = d->pcap ? d->pcap * 2 : 128;
		d->ptext = xreallocarray(d->ptext, d->pcap, 1);
		d->prole = xreallocarray(d->prole, d->pcap, 1);
	}
	memcpy(d->ptext + d->plen, s, n);
	memset(d->prole + d->plen, (int)role, n);
	d->plen += n;
	d->ptext[d->plen] = '\0';
}

void
tui_doc_para(struct tui_doc *d, int indent, int hang)
{
	if (d->ptext != NULL)
		tui_doc_end(d);
	d->indent = indent;
	d->hang = hang;
	d->plen = 0;
	d->nobreak = 0;
	para_put(d, "", 0, TUI_ROLE_NORMAL);
}

void
tui_doc_keep(struct tui_doc *d)
{
	d->nobreak = d->plen;
}

void
tui_doc_add(struct tui_doc *d, const char *s, size_t len, enum tui_role role)
{
	char	*safe;

	if (d->ptext == NULL)
		tui_doc_para(d, 0, 0);
	if (len == 0)
		return;
	safe = tui_doc_safe(s, len);
	para_put(d, safe, strlen(safe), role);
	free(safe);
}

void
tui_doc_puts(struct tui_doc *d, const char *s, enum tui_role role)
{
	if (s != NULL)
		tui_doc_add(d, s, strlen(s), role);
}

void
tui_doc_printf(struct tui_doc *d, enum tui_role role, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	tui_doc_add(d, s, strlen(s), role);
	free(s);
}

void
tui_doc_add_codes(struct tui_doc *d, const char *text, size_t len,
    const struct findings *f, enum tui_role base)
{
	size_t	i, pos = 0;

	for (i = 0; f != NULL && i < f->nspans; i++) {
		const struct findings_span *s = &f->spans[i];

		if (s->off < pos || s->len > len || s->off > len - s->len)
			continue;
		tui_doc_add(d, text + pos, s->off - pos, base);
		tui_doc_add(d, text + s->off, s->len,
		    s->kind == FINDINGS_REPLY ? TUI_ROLE_REPLY :
		    TUI_ROLE_STATUS);
		pos = s->off + s->len;
	}
	tui_doc_add(d, text + pos, len - pos, base);
}

static void
emit(struct tui_doc *d, int indent, size_t from, size_t to)
{
	struct tui_line	*l;
	size_t		 n, i;

	if (indent < 0)
		indent = 0;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	l = &d->v[d->n++];
	n = (size_t)indent + (to - from);
	l->text = xmalloc(n + 1);
	l->role = xmalloc(n + 1);
	memset(l->text, ' ', (size_t)indent);
	memset(l->role, TUI_ROLE_NORMAL, (size_t)indent);
	memcpy(l->text + indent, d->ptext + from, to - from);
	memcpy(l->role + indent, d->prole + from, to - from);
	l->text[n] = '\0';
	l->role[n] = TUI_ROLE_NORMAL;
	l->len = n;
	l->flags = 0;
	for (i = 0; i < n; i++)
		if (l->role[i] == TUI_ROLE_MATCH)
			l->flags |= TUI_LINE_MATCH;
}

static void
mark_matches(struct tui_doc *d)
{
	size_t	start = 0, mo, ml;

	if (d->search == NULL)
		return;
	while (start < d->plen &&
	    tui_search_find(d->search, d->ptext, d->plen, start, &mo, &ml)) {
		memset(d->prole + mo, TUI_ROLE_MATCH, ml);
		start = mo + ml;
	}
}

/* Where the line starting at pos ends (*brk) and the next starts. */
static size_t
line_end(const struct tui_doc *d, size_t pos, int avail, size_t *brk)
{
	size_t	end = pos, k, space = (size_t)-1;
	int	w, used = 0;

	while (end < d->plen) {
		k = char_at(d->ptext + end, d->plen - end, &w);
		if (used + w > avail)
			break;
		if (d->ptext[end] == ' ')
			space = end;
		used += w;
		end += k;
	}
	if (end >= d->plen) {
		*brk = d->plen;
		return d->plen;
	}
	if (d->ptext[end] == ' ' && end >= d->nobreak) {
		*brk = end;
		return end + 1;
	}
	if (space != (size_t)-1 && space > pos && space >= d->nobreak) {
		*brk = space;
		return space + 1;
	}
	if (end == pos)	/* one character wider than the line */
		end += char_at(d->ptext + end, d->plen - end, &w);
	*brk = end;
	return end;
}

void
tui_doc_end(struct tui_doc *d)
{
	size_t	pos = 0, brk, next;
	int	first = 1, indent, avail;

	if (d->ptext == NULL)
		return;
	mark_matches(d);
	if (d->plen == 0)
		emit(d, 0, 0, 0);
	while (pos < d->plen) {
		indent = first ? d->indent : d->hang;
		if (indent > d->width - 8)
			indent = d->width > 16 ? d->width - 8 : 0;
		avail = d->width - indent;
		if (avail < 1)
			avail = 1;
		if (!first) {
			while (pos < d->plen && d->ptext[pos] == ' ')
				pos++;
			if (pos == d->plen)
				break;
		}
		next = line_end(d, pos, avail, &brk);
		emit(d, indent, pos, brk);
		pos = next;
		first = 0;
	}
	free(d->ptext);
	free(d->prole);
	d->ptext = NULL;
	d->prole = NULL;
	d->plen = d->pcap = 0;
}

void
tui_doc_line(struct tui_doc *d, int indent, const char *s, enum tui_role role)
{
	tui_doc_para(d, indent, indent);
	tui_doc_puts(d, s, role);
	tui_doc_end(d);
}

size_t
tui_doc_next_match(const struct tui_doc *d, size_t from)
{
	size_t	i;

	for (i = from; i < d->n; i++)
		if (d->v[i].flags & TUI_LINE_MATCH)
			return i;
	return (size_t)-1;
}
