/*
 * maillog_line.c - cut a log line's stamp and program off, and hand its
 * text to the parser of its MTA; the helpers the parsers share.
 *
 * Input: one line (pointer and length, no newline; NUL bytes are bytes).
 * Output: struct maillog_line (maillog.h).
 *
 * Stamps: traditional syslog ("Mar  2 00:00:07", journalctl's zero-padded
 * "Mar 02 …", with a fraction from short-precise), RFC 3339 ("2025-03-02
 * T00:00:07.123456+01:00", journalctl short-iso's "+0100") and Exim's own
 * ("2025-03-02 00:00:07", an optional zone and "[pid]" after it).  Then,
 * for syslog, "host tag[pid]: text".  Most lines of a log share their
 * host and program prefix ("mail postfix/"), so the line before is kept
 * as a template (struct maillog_hint) and checked first: a log of
 * gigabytes has millions of lines, and this is where they all pass.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maillog.h"
#include "xalloc.h"

/* ------------------------------------------------------------ helpers */

#define A10	1, 1, 1, 1, 1, 1, 1, 1, 1, 1
#define A26	A10, A10, 1, 1, 1, 1, 1, 1
const unsigned char maillog_alnum[256] = {
	['0'] = A10,
	['A'] = A26,
	['a'] = A26,
};

void
maillog_line_fields(struct maillog_line *l, const char *qid, size_t qlen)
{
	/* the fields from queue_id to text are spans in a row */
	memset(&l->queue_id, 0, MAILLOG_FIELDS * sizeof l->queue_id);
	l->queue_id.p = qid;
	l->queue_id.n = qlen;
}

/* The needles are a few bytes long and the haystacks a line: memchr()
 * for the first byte and a compare cost less than memmem()'s set-up. */
const char *
maillog_find(const char *s, size_t n, const char *needle, size_t nlen)
{
	const char	*p = s, *last;
	size_t		 i;

	if (nlen == 0)
		return s;
	if (n < nlen)
		return NULL;
	last = s + n - nlen;
	while ((p = memchr(p, needle[0], (size_t)(last - p) + 1)) != NULL) {
		for (i = 1; i < nlen && p[i] == needle[i]; i++)
			continue;
		if (i == nlen)
			return p;
		if (p++ == last)
			break;
	}
	return NULL;
}

struct maillog_span
maillog_field(const char *s, size_t n, const char *key)
{
	struct maillog_span	 sp = { NULL, 0 };
	size_t			 k = strlen(key);
	const char		*p, *end = s + n, *e;

	for (p = s; (p = maillog_find(p, (size_t)(end - p), key, k)) != NULL;
	    p += k) {
		/* a key starts the text or follows ", " or " " */
		if (p == s || p[-1] == ' ' || p[-1] == ',')
			break;
	}
	if (p == NULL)
		return sp;
	sp.p = p + k;
	for (e = sp.p; e < end; e++)
		if (*e == ',' && (e + 1 == end || e[1] == ' '))
			break;
	sp.n = (size_t)(e - sp.p);
	return sp;
}

size_t
maillog_copy(char *dst, struct maillog_span sp)
{
	const char	*z, *p = sp.p, *end = sp.p + sp.n;
	size_t		 n = 0;

	while (p < end && (z = memchr(p, '\0', (size_t)(end - p))) != NULL) {
		memcpy(dst + n, p, (size_t)(z - p));
		n += (size_t)(z - p);
		memcpy(dst + n, "\xe2\x90\x80", 3);
		n += 3;
		p = z + 1;
	}
	memcpy(dst + n, p, (size_t)(end - p));
	n += (size_t)(end - p);
	dst[n] = '\0';
	return n;
}

char *
maillog_strdup(struct maillog_span sp)
{
	char	*s;

	if (sp.p == NULL)
		return NULL;
	if (memchr(sp.p, '\0', sp.n) == NULL)
		return xstrndup(sp.p, sp.n);
	s = xmalloc(3 * sp.n + 1);
	maillog_copy(s, sp);
	return s;
}

struct maillog_span
maillog_unangle(struct maillog_span sp)
{
	if (sp.p != NULL && sp.n >= 2 && sp.p[0] == '<' &&
	    sp.p[sp.n - 1] == '>') {
		sp.p++;
		sp.n -= 2;
	}
	return sp;
}

/* ------------------------------------------------------- line prefix */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* "Mar  2 00:00:07" or "Mar 02 00:00:07[.123456]"; returns its length. */
static size_t
stamp_syslog(const char *p, size_t n)
{
	size_t	i = 15;

	if (n < 17 || p[3] != ' ' || p[6] != ' ' || p[9] != ':' ||
	    p[12] != ':' || !is_digit(p[5]) || !is_digit(p[7]) ||
	    !is_digit(p[14]) || p[0] < 'A' || p[0] > 'Z')
		return 0;
	if (p[i] == '.')
		for (i++; i < n && is_digit(p[i]); i++)
			continue;
	return i < n && p[i] == ' ' ? i : 0;
}

/* "2025-03-02T00:00:07[.frac][Z|+01:00|+0100]"; or, with a space for the
 * T, Exim's "2025-03-02 00:00:07[.123]" (*exim set).  Returns its
 * length. */
static size_t
stamp_iso(const char *p, size_t n, int *exim)
{
	size_t	i = 19;

	if (n < 21 || p[4] != '-' || p[7] != '-' || p[13] != ':' ||
	    p[16] != ':' || !is_digit(p[0]) || !is_digit(p[18]))
		return 0;
	*exim = p[10] == ' ';
	if (p[10] != 'T' && p[10] != ' ')
		return 0;
	if (p[i] == '.')
		for (i++; i < n && is_digit(p[i]); i++)
			continue;
	if (*exim)
		return i < n && p[i] == ' ' ? i : 0;
	if (i < n && p[i] == 'Z')
		i++;
	else if (i < n && (p[i] == '+' || p[i] == '-'))
		for (i++; i < n && (is_digit(p[i]) || p[i] == ':'); i++)
			continue;
	return i < n && p[i] == ' ' ? i : 0;
}

/* Exim's optional " +0100" zone and " [pid]" after its stamp. */
static size_t
exim_extras(const char *p, size_t n, size_t i)
{
	if (i + 6 < n && (p[i + 1] == '+' || p[i + 1] == '-') &&
	    is_digit(p[i + 2]) && is_digit(p[i + 5]) && p[i + 6] == ' ')
		i += 6;
	if (i + 2 < n && p[i + 1] == '[' && is_digit(p[i + 2])) {
		const char *e = memchr(p + i + 1, ']', n - i - 1);

		if (e != NULL && e + 1 < p + n && e[1] == ' ')
			i = (size_t)(e + 1 - p);
	}
	return i;
}

static enum maillog_mta
program_mta(const char *t, size_t n)
{
	if (n > 8 && memcmp(t, "postfix/", 8) == 0)
		return MAILLOG_POSTFIX;
	if (n >= 4 && memcmp(t, "exim", 4) == 0)
		return MAILLOG_EXIM;
	if ((n == 6 && memcmp(t, "sm-mta", 6) == 0) ||
	    (n == 8 && memcmp(t, "sendmail", 8) == 0) ||
	    (n == 12 && memcmp(t, "sm-msp-queue", 12) == 0))
		return MAILLOG_SENDMAIL;
	/* postfix-out/smtp, a syslog_name of one's own */
	if (memchr(t, '/', n) != NULL)
		return MAILLOG_POSTFIX;
	return MAILLOG_MTA_NONE;
}


/* p[0..n) == tpl[0..n), a word at a time (n is small: a host name and
 * "postfix/"); the last word overlaps the one before it. */
static inline int
same_prefix(const char *p, const char *tpl, size_t n)
{
	uint64_t	a, b, x = 0;

	if (n >= 16 && n <= 32) {	/* a stamp and a host: four words */
		memcpy(&a, p, 8);
		memcpy(&b, tpl, 8);
		x = a ^ b;
		memcpy(&a, p + 8, 8);
		memcpy(&b, tpl + 8, 8);
		x |= a ^ b;
		memcpy(&a, p + n - 16, 8);
		memcpy(&b, tpl + n - 16, 8);
		x |= a ^ b;
		memcpy(&a, p + n - 8, 8);
		memcpy(&b, tpl + n - 8, 8);
		return (x | (a ^ b)) == 0;
	}
	if (n < 8) {
		for (; n > 0; n--)
			if (*p++ != *tpl++)
				return 0;
		return 1;
	}
	for (; n > 8; p += 8, tpl += 8, n -= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, tpl, 8);
		x |= a ^ b;
	}
	memcpy(&a, p + n - 8, 8);
	memcpy(&b, tpl + n - 8, 8);
	return (x | (a ^ b)) == 0;
}

/*
 * "[pid]" at e (*e == '['): its end, or NULL.  The digits are found a
 * word at a time: a byte of w is a digit where its high nibble is 3 and
 * its low nibble plus 6 does not carry into the high one.
 */
static inline const char *
skip_pid(const char *e, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	hi = 0xf0f0f0f0f0f0f0f0ULL, lo = 0x0f0f0f0f0f0f0f0fULL;
	uint64_t	w, m;

	if (end - e > 9) {
		memcpy(&w, e + 1, 8);
		m = ((w & hi) ^ 0x3030303030303030ULL) |
		    (((w & lo) + 0x0606060606060606ULL) & hi);
		if (m != 0) {
			e += 1 + (__builtin_ctzll(m) >> 3);
			return *e == ']' ? e + 1 : NULL;
		}
	}
#endif
	for (e++; e < end && *e >= '0' && *e <= '9'; e++)
		continue;
	return e < end && *e == ']' ? e + 1 : NULL;
}

/* The tag at t the slow way: up to '[' or ':'; NULL if not a tag. */
static const char *
tag_end(const char *t, const char *end, const char **slash)
{
	const char	*e;

	*slash = t;
	for (e = t; e < end && *e != '[' && *e != ':'; e++) {
		if (*e == ' ')
			return NULL;
		if (*e == '/')
			*slash = e + 1;
	}
	return e < end && e > t ? e : NULL;
}

/*
 * The Postfix daemon name at d, as maillog_postfix_name(), through the
 * names seen before: a log has a dozen, and comparing two words with the
 * one in d's slot is cheaper than looking the name up.  A slot holds a
 * name maillog_postfix_name() found; no name is the start of another
 * followed by '[' or ':', so a slot that matches is the name it would
 * find.  The slot of a name is chosen so that Postfix's common daemons
 * each have their own.
 */
#define DAEMON_SLOT(d)	(((unsigned char)(d)[0] * 3 + \
	(unsigned char)(d)[1] * 16 + (unsigned char)(d)[4]) & \
	(MAILLOG_DAEMONS - 1))

static size_t
daemon_name(const char *d, const char *end, struct maillog_hint *h,
    int *quiet)
{
	struct maillog_daemon	*c;
	unsigned char		 mb[16];
	uint64_t		 a, b;
	size_t			 k;

	if (end - d <= 16)
		return maillog_postfix_name(d, end, quiet);
	c = &h->daemons[DAEMON_SLOT(d)];
	memcpy(&a, d, 8);
	memcpy(&b, d + 8, 8);
	if (c->len > 0 && (((a ^ c->w[0]) & c->m[0]) |
	    ((b ^ c->w[1]) & c->m[1])) == 0 &&
	    (d[c->len] == '[' || d[c->len] == ':')) {
		*quiet = c->quiet;
		return c->len;
	}
	if ((k = maillog_postfix_name(d, end, quiet)) == 0)
		return 0;
	memset(mb, 0xff, k);
	memset(mb + k, 0, sizeof mb - k);
	memcpy(&c->m[0], mb, 8);
	memcpy(&c->m[1], mb + 8, 8);
	c->w[0] = a & c->m[0];
	c->w[1] = b & c->m[1];
	c->len = k;
	c->quiet = *quiet;
	return k;
}

/* Remembers the host and program prefix of a line read the slow way. */
static void
learn(struct maillog_hint *h, const char *p, const char *host_end,
    const char *daemon)
{
	size_t	n = (size_t)(daemon - p);

	h->tpllen = 0;
	h->fastlen = 0;
	if (host_end == NULL || daemon <= host_end + 1 || n > sizeof h->tpl)
		return;
	memcpy(h->tpl, p, n);
	h->tpllen = n;
	h->hostlen = (size_t)(host_end - p);
	h->mta = program_mta(host_end + 1, (size_t)(daemon - host_end - 1) +
	    1);
}

/*
 * After the stamp: "host tag[pid]: msg" (or "tag[pid]: msg" when the
 * host is left out).  Sets host, program, daemon and msg; returns the
 * MTA.
 */
static enum maillog_mta
syslog_rest(const char *p, size_t n, struct maillog_line *l, struct maillog_hint *h)
{
	const char		*end = p + n, *s, *t, *e = NULL, *d;
	size_t			 k;
	enum maillog_mta	 mta = MAILLOG_MTA_NONE;

	if (h->tpllen > 0 && n > h->tpllen && same_prefix(p, h->tpl,
	    h->tpllen)) {
		/* as the line before: "host postfix/" */
		s = p + h->hostlen;
		t = s + 1;
		d = p + h->tpllen;
		if (h->mta == MAILLOG_POSTFIX &&
		    (k = daemon_name(d, end, h, &l->quiet)) > 0) {
			e = d + k;
			mta = MAILLOG_POSTFIX;
		} else
			e = tag_end(d, end, &d);
	} else {
		for (s = p; s < end && *s != ' '; s++)
			continue;
		if (s >= end)
			return MAILLOG_MTA_NONE;
		t = s > p && s[-1] == ':' ? p : s + 1;
		if ((e = tag_end(t, end, &d)) != NULL && d > t) {
			learn(h, p, t == p ? NULL : s, d);
			maillog_postfix_name(d, end, &l->quiet);
		}
	}
	if (e == NULL || e + 2 >= end)
		return MAILLOG_MTA_NONE;
	if (t > p) {
		l->host.p = p;
		l->host.n = (size_t)(s - p);
	}
	l->program.p = t;
	l->program.n = (size_t)(e - t);
	l->daemon.p = d;
	l->daemon.n = (size_t)(e - d);
	if (*e == '[' && (e = skip_pid(e, end)) == NULL)
		return MAILLOG_MTA_NONE;
	if (e + 1 >= end || e[0] != ':' || e[1] != ' ')
		return MAILLOG_MTA_NONE;
	l->msg.p = e + 2;
	l->msg.n = (size_t)(end - l->msg.p);
	return mta != MAILLOG_MTA_NONE ? mta :
	    program_mta(l->program.p, l->program.n);
}

/*
 * The line as most lines of a Postfix log: the stamp, host and program
 * prefix of the line before (h->fast), a daemon name seen before, a pid.
 * Returns 0 if it is not such a line; the slow way then reads it, with
 * the same result.
 */
static int
parse_fast(const char *p, size_t n, struct maillog_line *l,
    struct maillog_hint *h)
{
	const char		*end = p + n, *d = p + h->fastlen, *e;
	struct maillog_daemon	*c;
	uint64_t		 a, b;

	if (n <= h->fastlen + 16 || !same_prefix(p, h->fast, h->fastlen))
		return 0;
	c = &h->daemons[DAEMON_SLOT(d)];
	memcpy(&a, d, 8);
	memcpy(&b, d + 8, 8);
	if (c->len == 0 || (((a ^ c->w[0]) & c->m[0]) |
	    ((b ^ c->w[1]) & c->m[1])) != 0 ||
	    (d[c->len] != '[' && d[c->len] != ':'))
		return 0;
	e = d + c->len;
	if (e + 2 >= end)
		return 0;
	l->stamp.p = p;
	l->stamp.n = 15;
	l->host.p = p + 16;
	l->host.n = h->hostlen;
	l->program.p = p + 17 + h->hostlen;
	l->program.n = (size_t)(e - l->program.p);
	l->daemon.p = d;
	l->daemon.n = c->len;
	l->quiet = c->quiet;
	if (*e == '[' && (e = skip_pid(e, end)) == NULL)
		return 1;
	if (e + 1 >= end || e[0] != ':' || e[1] != ' ')
		return 1;
	l->msg.p = e + 2;
	l->msg.n = (size_t)(end - l->msg.p);
	l->mta = MAILLOG_POSTFIX;
	maillog_postfix_parse(l);
	return 1;
}

/* h->fast from the stamp and the prefix of the line before, if both are
 * the common kind: a syslog stamp without fraction, Postfix. */
static void
make_fast(struct maillog_hint *h)
{
	h->fastlen = 0;
	if (h->stampk != 15 || h->tpllen == 0 || h->mta != MAILLOG_POSTFIX ||
	    16 + h->tpllen > sizeof h->fast)
		return;
	memcpy(h->fast, h->stamp, 16);
	memcpy(h->fast + 16, h->tpl, h->tpllen);
	h->fastlen = 16 + h->tpllen;
}

enum maillog_event
maillog_parse_next(const char *p, size_t n, struct maillog_line *l,
    struct maillog_hint *h)
{
	size_t	k;
	int	exim = 0;

	l->mta = MAILLOG_MTA_NONE;
	l->event = MAILLOG_EV_NONE;
	l->status = MAILLOG_ST_NONE;
	l->host.p = NULL;
	l->host.n = 0;
	l->quiet = 0;
	l->lean = h->lean;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (h->fastlen > 0 && parse_fast(p, n, l, h))
		return l->event;
	if (h->stampk > 0 && n >= h->stampmin && same_prefix(p, h->stamp,
	    h->stampk + 1)) {
		/* as the line before: the stamp ends at the same ' ' */
		k = h->stampk;
		exim = h->stampexim;
	} else if ((k = stamp_syslog(p, n)) == 0 &&
	    (k = stamp_iso(p, n, &exim)) == 0)
		return MAILLOG_EV_NONE;
	else if (k < sizeof h->stamp) {
		/* the checks of a stamp of k bytes read no further than its
		 * ' ', given as many bytes as the shortest stamp needs */
		memcpy(h->stamp, p, k + 1);
		h->stampk = k;
		h->stampmin = p[4] == '-' ? 21 : 17;
		h->stampexim = exim;
		h->fastlen = 0;
	}
	l->stamp.p = p;
	l->stamp.n = k;
	if (exim) {
		k = exim_extras(p, n, k);
		l->mta = MAILLOG_EXIM;
		l->program.p = l->daemon.p = "exim";
		l->program.n = l->daemon.n = 4;
		l->msg.p = p + k + 1;
		l->msg.n = n - k - 1;
	} else
		l->mta = syslog_rest(p + k + 1, n - k - 1, l, h);
	if (h->fastlen == 0)
		make_fast(h);
	switch (l->mta) {
	case MAILLOG_POSTFIX:
		maillog_postfix_parse(l);
		break;
	case MAILLOG_EXIM:
		maillog_exim_parse(l);
		break;
	case MAILLOG_SENDMAIL:
		maillog_sendmail_parse(l);
		break;
	default:
		break;
	}
	return l->event;
}

enum maillog_event
maillog_parse_line(const char *p, size_t n, struct maillog_line *l)
{
	struct maillog_hint	h;

	memset(&h, 0, sizeof h);
	return maillog_parse_next(p, n, l, &h);
}

int
maillog_sniff(const char *buf, size_t len)
{
	const char		*p = buf, *end = buf + len, *nl;
	struct maillog_line	 l;
	size_t			 lines = 0, stamped = 0, known = 0;
	int			 exim;

	/* the first 40 lines tell whether it is a syslog-like log; a line
	 * of a known MTA may come later (a log that starts with dovecot's,
	 * journalctl without -u): the whole buffer is looked at for one */
	while (p < end && (lines < 40 || known == 0)) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			if (lines > 0)
				break;	/* a cut last line says nothing */
			nl = end;
		}
		if (lines >= 40) {
			maillog_parse_line(p, (size_t)(nl - p), &l);
			known += l.mta != MAILLOG_MTA_NONE;
		} else if (nl > p && !(nl - p >= 3 && memcmp(p, "-- ", 3) ==
		    0)) {	/* not journalctl's "-- Logs begin at …" */
			lines++;
			if (stamp_syslog(p, (size_t)(nl - p)) > 0 ||
			    stamp_iso(p, (size_t)(nl - p), &exim) > 0)
				stamped++;
			else if (lines == 1)
				return 0;
			maillog_parse_line(p, (size_t)(nl - p), &l);
			known += l.mta != MAILLOG_MTA_NONE;
		}
		if (lines == 40 && stamped * 10 < lines * 8)
			return 0;
		p = nl + 1;
	}
	return lines > 0 && known > 0 && stamped * 10 >= lines * 8;
}

