/*
 * prose.c - recipients and error texts from the human-readable part of
 * a bounce.
 *
 * Input: text, LF line ends.  Output: struct prose (prose.h).
 *
 * The text is split into lines (a "> " quoting on most lines is removed,
 * for forwarded bounces) and cut where the copy of the original message
 * begins.  Before the cut, a line that opens with an address starts that
 * recipient's block; the block is the rest of that line and the lines
 * after it up to a blank line, the next recipient or the cut (when the
 * address stands alone the next paragraph is taken instead).  An address
 * named twice keeps the block that carries a reply code or status.  With
 * no such lines, addresses inside sentences count, minus the sender side.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "findings.h"
#include "prose.h"
#include "xalloc.h"

#define PROSE_MAX_LINES	4000	/* of notification text read */
#define PROSE_MAX_BLOCK	24	/* lines in one recipient's block */

struct line {
	const char	*s;
	size_t		 n;
	int		 code;		/* holds a reply code or status */
	int		 lead;		/* an address opens it */
	int		 result;	/* a transcript's "550 <a@b>... text" */
	size_t		 aoff, alen;	/* that address */
};

/* Phrases of the line that introduces the copy of the original. */
static const char *const cut_phrases[] = {
	"original message", "copy of the message", "copy of your message",
	"message follows", "copy of the original", "returned message",
	"header of the original", "headers of the original",
	"original mail header", "message headers follow",
	"message header follows", "included is a copy", "unsent message",
	"message text follows", "original headers", "rfc822 message",
	"undelivered message", "copy of message",
};

/* Header fields that only a message (not a report) starts with. */
static const char *const msg_fields[] = {
	"received:", "return-path:", "message-id:", "dkim-signature:",
	"mime-version:", "x-originating-ip:", "authentication-results:",
	"domainkey-signature:", "x-google-dkim-signature:",
};

static int
local_char(int c)
{
	return isalnum(c) || (c != 0 && strchr(".!#$%&'*+/=?^_`{|}~-", c) &&
	    c != '/');
}

static int
domain_char(int c)
{
	return isalnum(c) || c == '.' || c == '-' || c == '_';
}

size_t
prose_addr_len(const char *s, size_t n)
{
	size_t	i = 0, at, dot = 0;

	while (i < n && local_char((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != '@' || s[0] == '.')
		return 0;
	at = i++;
	while (i < n && domain_char((unsigned char)s[i])) {
		if (s[i] == '.')
			dot = i;
		i++;
	}
	while (i > at + 1 && s[i - 1] == '.')
		i--;
	if (dot == 0 || dot <= at + 1 || dot + 1 >= i ||
	    !isalpha((unsigned char)s[i - 1]))
		return 0;
	return i;
}

static int
has_ci(const char *s, size_t n, const char *w)
{
	size_t	k = strlen(w), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, w, k) == 0)
			return 1;
	return 0;
}

static int
starts_ci(const char *s, size_t n, const char *w)
{
	size_t	k = strlen(w);

	return n >= k && strncasecmp(s, w, k) == 0;
}

static size_t
split_lines(const char *text, size_t len, struct line **out)
{
	const char	*s = text, *end = text + len, *e;
	struct line	*v = NULL;
	size_t		 n = 0, quoted = 0, full = 0, i;

	for (; s < end && n < PROSE_MAX_LINES; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		v = xreallocarray(v, n + 1, sizeof *v);
		memset(&v[n], 0, sizeof v[n]);
		v[n].s = s;
		v[n++].n = (size_t)(e - s);
		if (e > s) {
			full++;
			quoted += *s == '>';
		}
		if (e == end)
			break;
	}
	if (full > 0 && quoted * 2 > full)	/* a forwarded bounce */
		for (i = 0; i < n; i++)
			if (v[i].n > 0 && v[i].s[0] == '>') {
				v[i].s++;
				v[i].n--;
				if (v[i].n > 0 && v[i].s[0] == ' ')
					v[i].s++, v[i].n--;
			}
	*out = v;
	return n;
}

static int
blank(const struct line *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (!isspace((unsigned char)l->s[i]))
			return 0;
	return 1;
}

static int
msg_field(const struct line *l)
{
	size_t	i;

	for (i = 0; i < sizeof msg_fields / sizeof msg_fields[0]; i++)
		if (starts_ci(l->s, l->n, msg_fields[i]))
			return 1;
	return 0;
}

/* A field line at column 0 ("Name: …"), or a continuation. */
static int
fieldish(const struct line *l)
{
	size_t	i;

	if (l->n > 0 && (l->s[0] == ' ' || l->s[0] == '\t'))
		return 1;
	for (i = 0; i < l->n && i < 60; i++) {
		if (l->s[i] == ':')
			return i > 0;
		if (!isalnum((unsigned char)l->s[i]) && l->s[i] != '-')
			return 0;
	}
	return 0;
}

/* A line that introduces the copy is set apart ("------ This is a copy
 * of the message …", "Original message follows.", "Below is a copy of
 * the original message:") or followed by header fields; a sentence that
 * only mentions the original message ("The MTS-ID of the original message
 * is: …") is neither. */
static int
cut_shape(const struct line *v, size_t n, size_t i)
{
	const struct line	*l = &v[i];
	size_t			 a = 0, z = l->n;

	while (a < z && (l->s[a] == ' ' || l->s[a] == '\t'))
		a++;
	while (z > a && (l->s[z - 1] == ' ' || l->s[z - 1] == '\t'))
		z--;
	if (a < z && l->s[a] != '\0' && strchr("-=*|#_[", l->s[a]) != NULL)
		return 1;
	if (z > a && l->s[z - 1] != '\0' && strchr(":-=*", l->s[z - 1]))
		return 1;
	/* a short sentence of its own, not the end of a longer one */
	if (z > a && l->s[z - 1] == '.' && z - a < 45 &&
	    !islower((unsigned char)l->s[a]))
		return 1;
	for (i++; i < n && blank(&v[i]); i++)
		;
	return i < n && msg_field(&v[i]);
}

static int
is_cut(const struct line *v, size_t n, size_t i)
{
	const struct line	*l = &v[i];
	size_t			 k;

	if (msg_field(l) && i + 1 < n && fieldish(&v[i + 1]))
		return 1;
	if (l->n > 100 || memchr(l->s, '@', l->n) != NULL ||
	    has_ci(l->s, l->n, "received at"))	/* Sendmail's first line */
		return 0;
	for (k = 0; k < sizeof cut_phrases / sizeof cut_phrases[0]; k++)
		if (has_ci(l->s, l->n, cut_phrases[k]))
			return cut_shape(v, n, i);
	return 0;
}

/* Does an address open line l ("<a@b>:", "  a@b", "\"a@b\":")? */
static int
leading_addr(struct line *l)
{
	size_t	i = 0, a;

	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	if (i < l->n && l->s[i] == '"')
		i++;
	if (i < l->n && l->s[i] == '<')
		i++;
	if ((a = prose_addr_len(l->s + i, l->n - i)) == 0)
		return 0;
	l->aoff = i;
	l->alen = a;
	i += a;
	if (i < l->n && (l->s[i] == '>' || l->s[i] == '"'))
		i++;
	if (i < l->n && (l->s[i] == '>' || l->s[i] == '"'))
		i++;
	/* what follows must not make it a sentence about someone else */
	return i == l->n || (l->s[i] != '\0' &&
	    strchr(":;., \t<(", l->s[i]) != NULL);
}

/* A Sendmail transcript's line of one recipient's result: "550 <a@b>...
 * User unknown", "554 <a@b>... Remote protocol error". */
static int
result_line(struct line *l)
{
	size_t	i = 0, a;

	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	if (l->n - i < 8 || findings_reply_len(l->s + i, 3) != 3 ||
	    l->s[i + 3] != ' ' || l->s[i + 4] != '<')
		return 0;
	i += 5;
	if ((a = prose_addr_len(l->s + i, l->n - i)) == 0 ||
	    l->n - i - a < 4 || memcmp(l->s + i + a, ">...", 4) != 0)
		return 0;
	l->aoff = i;
	l->alen = a;
	return 1;
}

static int
has_code(const char *s, size_t n)
{
	struct findings	f;

	return findings_scan(s, n, &f) > 0 && (f.reply != 0 ||
	    f.status[0] != '\0');
}

static void
mark_lines(struct line *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		v[i].lead = leading_addr(&v[i]) ||
		    (v[i].result = result_line(&v[i]));
		v[i].code = v[i].n > 0 && v[i].n < 4096 &&
		    has_code(v[i].s, v[i].n);
	}
}

/* Where the error text starts on lead line l, after the address and
 * what usually follows it; l->n when nothing useful is left. */
static size_t
rest_of(const struct line *l)
{
	const char	*s = l->s;
	const char	*p;
	size_t		 i = l->aoff + l->alen, n = l->n;

	for (;;) {
		while (i < n && s[i] != '\0' && strchr(">\": \t.", s[i]) != NULL)
			i++;
		if (starts_ci(s + i, n - i, "(expanded from") ||
		    starts_ci(s + i, n - i, "<mailto:")) {
			p = memchr(s + i, s[i] == '(' ? ')' : '>', n - i);
			i = p ? (size_t)(p - s) + 1 : n;
			continue;
		}
		break;
	}
	if (starts_ci(s + i, n - i, "on ") && n - i < 60)
		return n;	/* "a@b on Thu, 29 Apr 2010 …" */
	return i;
}

/* Appends line s[0..n) without its indentation (so that unfolding sees
 * "550-5.7.1" continuations at the start of their lines). */
static void
append(char **b, size_t *bn, const char *s, size_t n)
{
	char	code[5];
	size_t	k;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	/* "550-5.7.1 … multiple\n550-5.7.1 addresses …" folded in a
	 * sentence: the repeated prefix goes */
	if (n > 4 && *bn > 0 && (s[3] == '-' || s[3] == ' ') &&
	    findings_reply_len(s, 3) == 3) {
		memcpy(code, s, 3);
		code[3] = '-';
		code[4] = '\0';
		if (memmem(*b, *bn, code, 4) != NULL) {
			s += 4, n -= 4;
			if ((k = findings_status_len(s, n)) > 0 && k < n &&
			    s[k] == ' ')
				s += k + 1, n -= k + 1;
		}
	}
	*b = xreallocarray(*b, *bn + n + 2, 1);
	if (*bn > 0)
		(*b)[(*bn)++] = '\n';
	memcpy(*b + *bn, s, n);
	*bn += n;
	(*b)[*bn] = '\0';
}

static int
same_addr(const struct line *a, const struct line *b)
{
	return a->alen == b->alen &&
	    strncasecmp(a->s + a->aoff, b->s + b->aoff, a->alen) == 0;
}

/* A lead line right under the same recipient's line continues it
 * ("550\n    <a@b>... User Unknown"). */
static void
demote_leads(struct line *v, size_t n)
{
	size_t	i, last = (size_t)-1;

	for (i = 0; i < n; i++) {
		if (blank(&v[i]))
			last = (size_t)-1;
		else if (v[i].lead && last != (size_t)-1 &&
		    same_addr(&v[last], &v[i]))
			v[i].lead = 0;
		else if (v[i].lead)
			last = i;
	}
}

static void
add_rcpt(struct prose *p, const char *a, size_t alen, char *diag,
    unsigned long line, int code)
{
	struct prose_rcpt	*r;
	size_t			 i;

	for (i = 0; i < p->n; i++) {
		r = &p->v[i];
		if (strlen(r->addr) != alen ||
		    strncasecmp(r->addr, a, alen) != 0)
			continue;
		/* named twice: keep the text that carries a code */
		if (code && (r->diag == NULL ||
		    !has_code(r->diag, strlen(r->diag)))) {
			free(r->diag);
			r->diag = diag;
			r->line = line;
		} else
			free(diag);
		return;
	}
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	r = &p->v[p->n++];
	r->addr = xstrndup(a, alen);
	r->diag = diag;
	r->line = line;
}

/* A decorated heading: "   ----- Transcript of session follows -----". */
static int
heading(const struct line *l)
{
	size_t	i = 0;

	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return l->n - i >= 6 && l->s[i] != '\0' &&
	    strchr("-=*#", l->s[i]) != NULL &&
	    l->s[i + 1] == l->s[i] && l->s[i + 2] == l->s[i];
}

/* An address with nothing after it: the reason came first ("User not
 * listed in public Name & Address Book\nkim@example.com"): take the
 * lines just above it, or the paragraph above when it stands alone. */
static void
before(const struct line *v, size_t i, char **b, size_t *bn,
    unsigned long *line, int *code)
{
	size_t	a = i, z;

	if (a > 0 && blank(&v[a - 1]))
		while (a > 0 && blank(&v[a - 1]) && i - a < 3)
			a--;
	z = a;
	while (a > 0 && !blank(&v[a - 1]) && !v[a - 1].lead &&
	    !heading(&v[a - 1]) && z - a < 4)
		a--;
	for (*line = a; a < z; a++) {
		append(b, bn, v[a].s, v[a].n);
		*code |= v[a].code;
	}
}

/* The text after "550 <a@b>... " on result line l. */
static size_t
result_text(const struct line *l)
{
	size_t	i = l->aoff + l->alen + 4;

	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i;
}

/*
 * A transcript's result line i ("554 <a@b>... Remote protocol error")
 * that gives no reply of its own takes the server's reply above it, in
 * the same conversation: the ">>> " command and the "<<< " lines.
 */
static void
result_block(struct prose *p, struct line *v, size_t i, char *used)
{
	char		*b = NULL;
	size_t		 bn = 0, t = result_text(&v[i]), a, z;
	int		 code = has_code(v[i].s + t, v[i].n - t);

	used[i] = 1;
	for (z = i; !code && z > 0 && i - z < PROSE_MAX_BLOCK &&
	    !starts_ci(v[z - 1].s, v[z - 1].n, "<<< ") &&
	    !has_ci(v[z - 1].s, v[z - 1].n, "while talking to"); z--)
		;
	for (a = z; !code && a > 0 && z - a < PROSE_MAX_BLOCK &&
	    (starts_ci(v[a - 1].s, v[a - 1].n, "<<< ") ||
	    starts_ci(v[a - 1].s, v[a - 1].n, ">>> ")); a--)
		if (starts_ci(v[a - 1].s, v[a - 1].n, ">>> ")) {
			a--;
			break;
		}
	for (; a < z; a++)
		append(&b, &bn, v[a].s, v[a].n);
	append(&b, &bn, v[i].s + t, v[i].n - t);
	add_rcpt(p, v[i].s + v[i].aoff, v[i].alen, b, i,
	    code || has_code(b, bn));
}

/* The block of the recipient on lead line i; marks its lines. */
static void
block(struct prose *p, struct line *v, size_t cut, size_t i, char *used)
{
	char		*b = NULL;
	size_t		 bn = 0, j = i + 1, r = rest_of(&v[i]);
	unsigned long	 line = i;
	int		 code = 0, first = 1;

	used[i] = 1;
	if (r < v[i].n) {
		append(&b, &bn, v[i].s + r, v[i].n - r);
		code = v[i].code;
		first = 0;
	} else {
		/* the error text is in the next paragraph, maybe under a
		 * heading ("----- Transcript of session follows -----") or
		 * after the same address again ("<a@b>... Deferred: …") */
		while (j < cut && (blank(&v[j]) || heading(&v[j])) &&
		    j - i < 6)
			j++;
		if (j < cut && v[j].lead && same_addr(&v[i], &v[j]) &&
		    (r = rest_of(&v[j])) < v[j].n) {
			append(&b, &bn, v[j].s + r, v[j].n - r);
			code = v[j].code;
			line = j;
			first = 0;
			used[j++] = 1;
		}
	}
	for (; j < cut && j - i < PROSE_MAX_BLOCK && !v[j].lead; j++) {
		if (blank(&v[j])) {
			/* "For the following reason:" introduces the next
			 * paragraph */
			if (bn == 0 || b[bn - 1] != ':')
				break;
			while (j + 1 < cut && blank(&v[j + 1]))
				j++;
			continue;
		}
		append(&b, &bn, v[j].s, v[j].n);
		used[j] = 1;
		if (v[j].code && !code)
			line = j;
		else if (first)
			line = j;
		code |= v[j].code;
		first = 0;
	}
	if (bn == 0 && i > 0)
		before(v, i, &b, &bn, &line, &code);
	add_rcpt(p, v[i].s + v[i].aoff, v[i].alen, b, line, code);
}

/* The paragraph around line i (bounded), as text; *first gets the line
 * of its first code, else of i. */
static char *
paragraph(const struct line *v, size_t cut, size_t i, unsigned long *first)
{
	size_t	a = i, z = i, k, bn = 0;
	char	*b = NULL;

	while (a > 0 && i - a < 6 && !blank(&v[a - 1]))
		a--;
	while (z + 1 < cut && z - i < 6 && !blank(&v[z + 1]))
		z++;
	*first = i;
	for (k = a; k <= z; k++) {
		if (heading(&v[k]))
			continue;
		append(&b, &bn, v[k].s, v[k].n);
		if (v[k].code && !v[*first].code)
			*first = k;
	}
	return b;
}

/* A recipient without a code borrows the first line with a code that is
 * outside every block and names it, or (when it is alone) any such. */
static void
borrow(struct prose *p, const struct line *v, size_t cut, const char *used)
{
	struct prose_rcpt	*r;
	size_t			 i, k, any;
	unsigned long		 line;
	char			*t, *para;

	for (k = 0; k < p->n; k++) {
		r = &p->v[k];
		if (r->diag != NULL && has_code(r->diag, strlen(r->diag)))
			continue;
		any = (size_t)-1;
		for (i = 0; i < cut; i++) {
			if (!v[i].code || used[i])
				continue;
			if (has_ci(v[i].s, v[i].n, r->addr))
				break;
			if (any == (size_t)-1)
				any = i;
		}
		if (i == cut && (p->n > 1 || (i = any) == (size_t)-1))
			continue;
		para = paragraph(v, cut, i, &line);
		t = r->diag ? xasprintf("%s\n%s", r->diag, para) : para;
		if (t != para)
			free(para);
		free(r->diag);
		r->diag = t;
		r->line = line;
	}
}

static int
skipped(const char *a, size_t alen, const char *const *skip, size_t nskip)
{
	size_t	i;

	if (alen > 14 && strncasecmp(a, "mailer-daemon@", 14) == 0)
		return 1;
	for (i = 0; i < nskip; i++)
		if (skip[i] != NULL && strlen(skip[i]) == alen &&
		    strncasecmp(skip[i], a, alen) == 0)
			return 1;
	return 0;
}

/* "A message sent by\n\n  <alice@example.org>\n\ncould not be delivered":
 * a line that opens with the sender's address names no recipient, unless
 * no other line opens with an address (mail to oneself). */
static void
demote_senders(struct line *v, size_t n, const char *const *skip,
    size_t nskip)
{
	size_t	i, other = 0;

	for (i = 0; i < n; i++)
		other += v[i].lead && !skipped(v[i].s + v[i].aoff, v[i].alen,
		    skip, nskip);
	for (i = 0; other > 0 && i < n; i++)
		if (v[i].lead && skipped(v[i].s + v[i].aoff, v[i].alen, skip,
		    nskip))
			v[i].lead = 0;
}

/* Is the address at s[a] the envelope sender of a transcript ("MAIL
 * FROM:<a@b>", "FROM:<a@b>")? */
static int
envelope_from(const char *s, size_t a)
{
	if (a > 0 && s[a - 1] == '<')
		a--;
	while (a > 0 && s[a - 1] == ' ')
		a--;
	return a >= 5 && strncasecmp(s + a - 5, "from:", 5) == 0;
}

/* Addresses named inside sentences, when no line opens with one. */
static void
inline_addrs(struct prose *p, const struct line *v, size_t cut,
    const char *const *skip, size_t nskip, int postmaster)
{
	const char	*s, *at;
	size_t		 i, a, alen;
	unsigned long	 line;

	for (i = 0; i < cut; i++) {
		s = v[i].s;
		for (at = memchr(s, '@', v[i].n); at != NULL;
		    at = memchr(at + 1, '@', v[i].n - (size_t)(at + 1 - s))) {
			for (a = (size_t)(at - s); a > 0 &&
			    local_char((unsigned char)s[a - 1]); a--)
				;
			if ((alen = prose_addr_len(s + a, v[i].n - a)) == 0)
				continue;
			if ((a > 0 && strchr("=/?&:", s[a - 1]) != NULL) ||
			    envelope_from(s, a) ||
			    skipped(s + a, alen, skip, nskip) ||
			    (!postmaster && alen > 11 &&
			    strncasecmp(s + a, "postmaster@", 11) == 0))
				continue;
			add_rcpt(p, s + a, alen, paragraph(v, cut, i, &line),
			    0, 0);
			p->v[p->n - 1].line = line;
		}
	}
}

static void
unfold_all(struct prose *p)
{
	size_t	i;
	char	*t;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].diag == NULL)
			continue;
		t = findings_unfold(p->v[i].diag, strlen(p->v[i].diag), NULL);
		free(p->v[i].diag);
		p->v[i].diag = *t != '\0' ? t : NULL;
		if (p->v[i].diag == NULL)
			free(t);
	}
}

size_t
prose_scan(const char *text, size_t len, const char *const *skip,
    size_t nskip, struct prose *out)
{
	struct line	*v;
	size_t		 n, cut, i;
	char		*used;

	memset(out, 0, sizeof *out);
	n = split_lines(text, len, &v);
	for (cut = 0; cut < n && !is_cut(v, n, cut); cut++)
		;
	out->cut = cut < n ? (size_t)(v[cut].s - text) : len;
	mark_lines(v, cut);
	demote_leads(v, cut);
	demote_senders(v, cut, skip, nskip);
	used = xcalloc(cut + 1, 1);
	for (i = 0; i < cut; i++)
		if (v[i].result)
			result_block(out, v, i, used);
		else if (v[i].lead)
			block(out, v, cut, i, used);
	if (out->n == 0)
		inline_addrs(out, v, cut, skip, nskip, 0);
	if (out->n == 0)
		inline_addrs(out, v, cut, skip, nskip, 1);
	borrow(out, v, cut, used);
	unfold_all(out);
	out->summary = findings_unfold(text, out->cut > 4000 ? 4000 :
	    out->cut, NULL);
	if (strlen(out->summary) > 1000)
		out->summary[1000] = '\0';
	free(used);
	free(v);
	return out->n;
}

void
prose_release(struct prose *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].addr);
		free(p->v[i].diag);
	}
	free(p->v);
	free(p->summary);
	memset(p, 0, sizeof *p);
}
