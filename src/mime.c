/*
 * mime.c - MIME structure of one message, and the decoders it needs.
 *
 * Input: one message, LF line ends.  Output: struct mime_msg (mime.h), a
 * flat list of parts in document order.  Bodies of leaves are decoded
 * (RFC 2045 s6.7 quoted-printable, s6.8 base64) and converted to UTF-8 by
 * the small tables below; there is no iconv dependency.
 *
 * Invariants: nothing here fails on bad input.  A multipart whose boundary
 * never appears is read as one text leaf; a missing close delimiter ends
 * the multipart at the end of its body; limits stop the descent and set
 * m->note, and every part seen so far is kept.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"
#include "xalloc.h"

/* Windows-1252 0x80-0x9f; 0 where the code page has a hole. */
static const unsigned short cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* ISO-8859-15 differs from ISO-8859-1 in eight places. */
static const struct {
	unsigned char	byte;
	unsigned short	cp;
} latin9[] = {
	{ 0xa4, 0x20ac }, { 0xa6, 0x0160 }, { 0xa8, 0x0161 },
	{ 0xb4, 0x017d }, { 0xb8, 0x017e }, { 0xbc, 0x0152 },
	{ 0xbd, 0x0153 }, { 0xbe, 0x0178 },
};

enum charset { CS_BYTES, CS_UTF8, CS_LATIN1, CS_LATIN9, CS_CP1252 };

static const struct {
	const char	*name;
	enum charset	 cs;
} charsets[] = {
	{ "utf-8", CS_UTF8 }, { "utf8", CS_UTF8 }, { "us-ascii", CS_UTF8 },
	{ "ascii", CS_UTF8 }, { "iso-8859-1", CS_LATIN1 },
	{ "iso8859-1", CS_LATIN1 }, { "latin1", CS_LATIN1 },
	{ "iso_8859-1", CS_LATIN1 }, { "iso-8859-15", CS_LATIN9 },
	{ "iso8859-15", CS_LATIN9 }, { "latin-9", CS_LATIN9 },
	{ "windows-1252", CS_CP1252 }, { "cp1252", CS_CP1252 },
};

static enum charset
charset_of(const char *name)
{
	size_t	i;

	if (name == NULL || *name == '\0')
		return CS_UTF8;
	for (i = 0; i < sizeof charsets / sizeof charsets[0]; i++)
		if (strcasecmp(name, charsets[i].name) == 0)
			return charsets[i].cs;
	return CS_BYTES;
}

static size_t
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (char)(0xe0 | cp >> 12);
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

static unsigned
single_byte(enum charset cs, unsigned char c)
{
	size_t	i;

	if (c < 0x80)
		return c;
	if (cs == CS_CP1252 && c < 0xa0)
		return cp1252[c - 0x80] ? cp1252[c - 0x80] : c;
	if (cs == CS_LATIN9)
		for (i = 0; i < sizeof latin9 / sizeof latin9[0]; i++)
			if (latin9[i].byte == c)
				return latin9[i].cp;
	return c;
}

char *
mime_to_utf8(const char *s, size_t n, const char *charset, size_t *outlen)
{
	enum charset	 cs = charset_of(charset);
	char		*o;
	size_t		 i, k = 0;

	if (cs == CS_UTF8 || cs == CS_BYTES) {
		*outlen = n;
		return xstrndup(s, n);
	}
	o = xmalloc(n * 3 + 1);
	for (i = 0; i < n; i++)
		k += put_utf8(o + k, single_byte(cs, (unsigned char)s[i]));
	o[k] = '\0';
	*outlen = k;
	return o;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
mime_qp_decode(const char *s, size_t n, size_t *outlen)
{
	char	*o = xmalloc(n + 1);
	size_t	 i = 0, k = 0, j;
	int	 hi, lo;

	while (i < n) {
		if (s[i] != '=') {
			o[k++] = s[i++];
			continue;
		}
		/* soft line break: "=" then optional blanks then newline */
		for (j = i + 1; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j < n && s[j] == '\n') {
			i = j + 1;
			continue;
		}
		if (j == n) {
			i = n;
			continue;
		}
		if (i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			o[k++] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		o[k++] = s[i++];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

char *
mime_b64_decode(const char *s, size_t n, size_t *outlen, size_t *bad)
{
	char		*o = xmalloc(n / 4 * 3 + 4);
	size_t		 i, k = 0, nbad = 0;
	unsigned	 acc = 0;
	int		 bits = 0, v;

	for (i = 0; i < n; i++) {
		if (s[i] == '=')
			break;
		if ((v = b64val((unsigned char)s[i])) < 0) {
			if (s[i] != '\n' && s[i] != ' ' && s[i] != '\t' &&
			    s[i] != '\r')
				nbad++;
			continue;
		}
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			o[k++] = (char)(acc >> bits & 0xff);
		}
	}
	o[k] = '\0';
	*outlen = k;
	if (bad != NULL)
		*bad = nbad;
	return o;
}

/* Length of the encoded word "=?cs?E?text?=" at s, or 0 if there is none;
 * *cslen and *textoff locate its parts. */
static size_t
word_len(const char *s, size_t n, size_t *cslen, size_t *textoff)
{
	const char	*q1, *q2;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	if ((q1 = memchr(s + 2, '?', n - 2)) == NULL || q1 - s - 2 >= 40 ||
	    q1 == s + 2 || q1 + 3 >= s + n || q1[2] != '?' ||
	    q1[1] == '\0' || strchr("BbQq", q1[1]) == NULL)
		return 0;
	if ((q2 = memchr(q1 + 3, '?', (size_t)(s + n - q1 - 3))) == NULL ||
	    q2 + 1 >= s + n || q2[1] != '=')
		return 0;
	*cslen = (size_t)(q1 - s - 2);
	*textoff = (size_t)(q1 + 3 - s);
	return (size_t)(q2 + 2 - s);
}

/* Decodes the encoded word at s (w bytes, see word_len) onto o. */
static void
word_decode(const char *s, size_t w, size_t cslen, size_t textoff,
    char **o, size_t *olen)
{
	char	 cs[40], *raw, *u, *t;
	size_t	 rawlen, ulen, i, tlen = w - 2 - textoff;

	memcpy(cs, s + 2, cslen);
	cs[cslen] = '\0';
	if ((t = strchr(cs, '*')) != NULL)	/* RFC 2231 language */
		*t = '\0';
	if (s[textoff - 2] == 'B' || s[textoff - 2] == 'b')
		raw = mime_b64_decode(s + textoff, tlen, &rawlen, NULL);
	else {
		t = xstrndup(s + textoff, tlen);
		for (i = 0; t[i] != '\0'; i++)
			if (t[i] == '_')
				t[i] = ' ';
		raw = mime_qp_decode(t, tlen, &rawlen);
		free(t);
	}
	u = mime_to_utf8(raw, rawlen, cs, &ulen);
	*o = xreallocarray(*o, *olen + ulen + 1, 1);
	memcpy(*o + *olen, u, ulen);
	*olen += ulen;
	free(raw);
	free(u);
}

char *
mime_words(const char *s, size_t n, size_t *outlen)
{
	char	*o = xmalloc(n + 1);
	size_t	 i = 0, k = 0, w, j, cl, to;
	int	 after_word = 0;

	while (i < n) {
		if ((w = word_len(s + i, n - i, &cl, &to)) > 0) {
			word_decode(s + i, w, cl, to, &o, &k);
			i += w;
			after_word = 1;
			continue;
		}
		/* blanks between two encoded words vanish (RFC 2047 s6.2) */
		if (after_word && (s[i] == ' ' || s[i] == '\t')) {
			for (j = i; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
				;
			if (word_len(s + j, n - j, &cl, &to) > 0) {
				i = j;
				continue;
			}
		}
		after_word = 0;
		o = xreallocarray(o, k + 2, 1);
		o[k++] = s[i++];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

/* ---------------------------------------------------------- structure */

static void
note(struct mime_msg *m, const char *what)
{
	char	*t;

	if (m->note != NULL && strstr(m->note, what) != NULL)
		return;
	t = m->note ? xasprintf("%s; %s", m->note, what) : xstrdup(what);
	free(m->note);
	m->note = t;
}

static const char *
eol(const char *p, const char *end)
{
	const char	*nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

char *
mime_param(const char *value, const char *param)
{
	const char	*p = value, *name, *v;
	size_t		 nlen, plen = strlen(param);
	char		*o;
	size_t		 k;

	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';' && *p != ' ')
			p++;
		nlen = (size_t)(p - name);
		while (*p == ' ')
			p++;
		if (*p != '=')
			continue;
		for (v = ++p; *v == ' ' || *v == '\t'; v++)
			;
		if (nlen != plen || strncasecmp(name, param, plen) != 0)
			continue;
		o = xmalloc(strlen(v) + 1);
		k = 0;
		if (*v == '"') {
			for (v++; *v != '\0' && *v != '"'; v++) {
				if (*v == '\\' && v[1] != '\0')
					v++;
				o[k++] = *v;
			}
		} else
			while (*v != '\0' && *v != ';' && *v != ' ' &&
			    *v != '\t')
				o[k++] = *v++;
		o[k] = '\0';
		return o;
	}
	return NULL;
}

const char *
mime_field(const struct mime_part *p, const char *name)
{
	size_t	i;

	for (i = 0; i < p->nfields; i++)
		if (strcasecmp(p->fields[i].name, name) == 0)
			return p->fields[i].value;
	return NULL;
}

static char *
lower_token(const char *s)
{
	char	*o, *q;
	size_t	 n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strcspn(s, "; \t");
	o = xstrndup(s, n);
	for (q = o; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return o;
}

/* Is p[0..n) "Name:" with a name of printable non-space ASCII? */
static size_t
field_name_len(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && p[i] != ':'; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
			return 0;
	return i > 0 && i < n && i < 80 ? i : 0;
}

static int
add_field(struct mime_msg *m, struct mime_part *p, const char *name,
    size_t nlen, unsigned long line)
{
	struct mime_field	*f;

	if (p->nfields >= MIME_MAX_FIELDS) {
		note(m, "too many header fields");
		return 0;
	}
	p->fields = xreallocarray(p->fields, p->nfields + 1,
	    sizeof *p->fields);
	f = &p->fields[p->nfields++];
	f->name = xstrndup(name, nlen);
	f->value = xstrdup("");
	f->line = line;
	return 1;
}

/* Appends s[0..n) (trimmed) to the last field, one space between. */
static void
grow_field(struct mime_msg *m, struct mime_part *p, const char *s, size_t n)
{
	struct mime_field	*f = &p->fields[p->nfields - 1];
	size_t			 old = strlen(f->value);

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (old + n + 1 > MIME_MAX_FIELD_LEN) {
		note(m, "header field too long");
		return;
	}
	f->value = xreallocarray(f->value, old + n + 2, 1);
	if (old > 0 && n > 0)
		f->value[old++] = ' ';
	memcpy(f->value + old, s, n);
	f->value[old + n] = '\0';
}

static char
last_char(const struct mime_part *p)
{
	const char	*v = p->fields[p->nfields - 1].value;
	size_t		 n = strlen(v);

	return n > 0 ? v[n - 1] : '\0';
}

/* Reads the header block of part p at buf[0..len); returns the offset of
 * the body and adds the lines read to *line. */
static size_t
parse_fields(struct mime_msg *m, struct mime_part *p, const char *buf,
    size_t len, unsigned long *line)
{
	const char	*s = buf, *end = buf + len, *e;
	size_t		 n, nl;
	int		 open = 0;

	for (; s < end; s = e, (*line)++) {
		e = eol(s, end);
		n = (size_t)(e - s) - (e[-1] == '\n');
		if (n == 0) {
			(*line)++;
			return (size_t)(e - buf);
		}
		if ((*s == ' ' || *s == '\t') && open) {
			grow_field(m, p, s, n);
			continue;
		}
		if ((nl = field_name_len(s, n)) == 0 && open &&
		    last_char(p) == ';') {
			/* a parameter list folded without the blank */
			grow_field(m, p, s, n);
			continue;
		}
		if (nl == 0)
			break;	/* not a header: the body starts here */
		if ((open = add_field(m, p, s, nl, *line)))
			grow_field(m, p, s + nl + 1, n - nl - 1);
	}
	return (size_t)(s - buf);
}

static int
is_text_type(const char *type)
{
	static const char *const text[] = {
		"message/delivery-status", "message/global-delivery-status",
		"message/feedback-report", "message/disposition-notification",
		"application/json",
	};
	size_t	i;

	if (strncmp(type, "text/", 5) == 0)
		return 1;
	for (i = 0; i < sizeof text / sizeof text[0]; i++)
		if (strcmp(type, text[i]) == 0)
			return 1;
	return 0;
}

static int
is_embedded_type(const char *type)
{
	return strcmp(type, "message/rfc822") == 0 ||
	    strcmp(type, "message/global") == 0 ||
	    strcmp(type, "text/rfc822-headers") == 0 ||
	    strcmp(type, "message/rfc822-headers") == 0 ||
	    strcmp(type, "message/global-headers") == 0;
}

/* Undoes the transfer encoding of part p's body; returns a new buffer. */
static char *
undo_cte(struct mime_msg *m, const struct mime_part *p, size_t *outlen)
{
	size_t	bad = 0;
	char	*o;

	if (p->encoding != NULL && strcmp(p->encoding, "base64") == 0) {
		o = mime_b64_decode(p->raw, p->rawlen, outlen, &bad);
		if (bad > 0)
			note(m, "bytes outside base64 skipped");
		return o;
	}
	if (p->encoding != NULL &&
	    strcmp(p->encoding, "quoted-printable") == 0)
		return mime_qp_decode(p->raw, p->rawlen, outlen);
	*outlen = p->rawlen;
	return xstrndup(p->raw, p->rawlen);
}

static void
leaf(struct mime_msg *m, struct mime_part *p)
{
	char	*d;
	size_t	 dlen;

	if (!is_text_type(p->type))
		return;
	d = undo_cte(m, p, &dlen);
	p->text = mime_to_utf8(d, dlen, p->charset, &p->textlen);
	free(d);
}

static void	entity(struct mime_msg *, const char *, size_t, unsigned long,
		    int, int, int, const char *);

/* Is line s[0..n) the delimiter "--boundary" or "--boundary--"? */
static int
delimiter(const char *s, size_t n, const char *b, size_t blen, int *close)
{
	size_t	i;

	if (n < blen + 2 || s[0] != '-' || s[1] != '-' ||
	    memcmp(s + 2, b, blen) != 0)
		return 0;
	i = blen + 2;
	*close = i + 1 < n && s[i] == '-' && s[i + 1] == '-';
	if (*close)
		i += 2;
	for (; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Cuts the body of multipart idx at its boundary; returns 0 if the
 * boundary never appears. */
static int
split(struct mime_msg *m, int idx, const char *b, const char *deftype)
{
	const char	*body = m->v[idx].raw, *end = body + m->v[idx].rawlen;
	const char	*s, *e, *start = NULL;
	unsigned long	 line = m->v[idx].line, sline = 0;
	size_t		 blen = strlen(b), n;
	int		 depth = m->v[idx].depth, close, seen = 0;

	for (s = body; s < end; s = e, line++) {
		e = eol(s, end);
		n = (size_t)(e - s) - (e[-1] == '\n');
		if (!delimiter(s, n, b, blen, &close))
			continue;
		if (start != NULL)	/* the newline before belongs to us */
			entity(m, start, (size_t)(s - start) -
			    (s > start && s[-1] == '\n'), sline, idx,
			    depth + 1, 0, deftype);
		seen = 1;
		start = close ? NULL : e;
		sline = line + 1;
		if (close)
			break;
	}
	if (start != NULL && start < end)
		entity(m, start, (size_t)(end - start), sline, idx, depth + 1,
		    0, deftype);
	else if (start != NULL)
		note(m, "multipart ends without its close delimiter");
	return seen;
}

/* The boundary a body uses: a line "--token" seen again later. */
static char *
guess_boundary(const char *body, size_t len)
{
	const char	*s, *e, *end = body + len;
	size_t		 n;

	for (s = body; s < end; s = e) {
		e = eol(s, end);
		n = (size_t)(e - s) - (e[-1] == '\n');
		if (n < 4 || n > 72 || s[0] != '-' || s[1] != '-' ||
		    memchr(s, ' ', n) != NULL || strspn(s, "-") >= n)
			continue;
		if (memmem(e, (size_t)(end - e), s, n) != NULL)
			return xstrndup(s + 2, n - 2);
	}
	return NULL;
}

static int
in_returned(const struct mime_msg *m, int idx)
{
	for (; idx >= 0; idx = m->v[idx].parent)
		if (m->v[idx].embedded)
			return 1;
	return 0;
}

static void
descend(struct mime_msg *m, int idx)
{
	struct mime_part	*p = &m->v[idx];
	const char		*ct = mime_field(p, "Content-Type");
	char			*b, *d;
	size_t			 dlen;

	if (p->depth + 1 >= MIME_MAX_DEPTH) {
		note(m, "MIME nesting too deep");
		leaf(m, p);
		return;
	}
	if (strncmp(p->type, "multipart/", 10) == 0) {
		b = mime_param(ct, "boundary");
		if (b == NULL || *b == '\0' || !split(m, idx, b,
		    strcmp(p->type, "multipart/digest") ? "text/plain" :
		    "message/rfc822")) {
			free(b);
			/* the header names another boundary than the body
			 * uses: take the one the body uses */
			if ((b = guess_boundary(m->v[idx].raw,
			    m->v[idx].rawlen)) != NULL &&
			    split(m, idx, b, "text/plain")) {
				note(m, "MIME boundary in the header does not "
				    "match the body");
				m->v[idx].multipart = 1;
				free(b);
				return;
			}
			p = &m->v[idx];
			free(p->type);
			p->type = xstrdup("text/plain");
			/* a returned message is often cut short: no note */
			if (!in_returned(m, idx))
				note(m, "multipart without its boundary read "
				    "as text");
			p->multipart = 0;
			leaf(m, p);
		} else
			m->v[idx].multipart = 1;
		free(b);
		return;
	}
	/* an embedded message: its own headers and body */
	d = undo_cte(m, p, &dlen);
	m->owned = xreallocarray(m->owned, m->nowned + 1, sizeof *m->owned);
	m->owned[m->nowned++] = d;
	entity(m, d, dlen, p->line, idx, p->depth + 1, 1, "text/plain");
}

static void
set_type(struct mime_part *p, const char *deftype)
{
	const char	*ct = mime_field(p, "Content-Type");
	const char	*te = mime_field(p, "Content-Transfer-Encoding");

	p->type = lower_token(ct != NULL ? ct : deftype);
	if (strchr(p->type, '/') == NULL) {
		free(p->type);
		p->type = xstrdup("text/plain");
	}
	p->charset = ct ? mime_param(ct, "charset") : NULL;
	p->encoding = te ? lower_token(te) : NULL;
}

static void
entity(struct mime_msg *m, const char *buf, size_t len, unsigned long line,
    int parent, int depth, int embedded, const char *deftype)
{
	struct mime_part	*p;
	size_t			 off;
	int			 idx;

	if (m->n >= MIME_MAX_PARTS) {
		note(m, "too many MIME parts");
		return;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->v = xreallocarray(m->v, m->cap, sizeof *m->v);
	}
	idx = (int)m->n++;
	p = &m->v[idx];
	memset(p, 0, sizeof *p);
	p->parent = parent;
	p->depth = depth;
	p->embedded = embedded;
	off = parse_fields(m, p, buf, len, &line);
	p->raw = buf + off;
	p->rawlen = len - off;
	p->line = line;
	set_type(p, deftype);
	if (strncmp(p->type, "multipart/", 10) == 0 ||
	    is_embedded_type(p->type))
		descend(m, idx);
	else
		leaf(m, p);
}

void
mime_parse(const char *buf, size_t len, unsigned long line0,
    struct mime_msg *m)
{
	memset(m, 0, sizeof *m);
	entity(m, buf, len, line0, -1, 0, 0, "text/plain");
}

void
mime_release(struct mime_msg *m)
{
	size_t	i, j;

	for (i = 0; i < m->n; i++) {
		for (j = 0; j < m->v[i].nfields; j++) {
			free(m->v[i].fields[j].name);
			free(m->v[i].fields[j].value);
		}
		free(m->v[i].fields);
		free(m->v[i].type);
		free(m->v[i].charset);
		free(m->v[i].encoding);
		free(m->v[i].text);
	}
	free(m->v);
	for (i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	free(m->note);
	memset(m, 0, sizeof *m);
}
