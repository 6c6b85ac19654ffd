/*
 * findings.c - find SMTP reply codes and enhanced status codes in text.
 *
 * Input: any bytes - a log line, a DSN field, a whole bounce - as pointer
 * and length.  Nothing here needs a NUL or reads past the length; NUL,
 * other control bytes and bytes >= 0x80 (valid UTF-8 or not) are just
 * bytes that are neither letters nor digits.
 * Output: struct findings, spans into the input, the primary codes and the
 * SMTP phase (findings.h).
 *
 * Logs are full of numbers shaped like codes, so a code is recognised by
 * its shape and its neighbours:
 *
 * - A reply code (RFC 5321 s4.2) is three digits, the first 2-5, the second
 *   0-5, standing as a token: a line start, a space or one of ( " ' ; before
 *   it, a space, a line end or '-' (a continuation line, s4.2.1) after it.
 *   Followed by an enhanced code ("550 5.1.1", "421-4.7.0", IronPort's
 *   "550 #5.1.0") it is certain and may also follow # : [ , < > = (Exchange
 *   writes "#550 4.4.7 ...").  Alone it is refused when it counts or names
 *   something: a unit follows ("421 ms", "550 messages"), an identifier word
 *   precedes ("ticket 421", "pid 550", "size 421"), or it is a group of a
 *   phone number ("+1 555 010 4321", "555-0123").
 *
 * - An enhanced status code (RFC 3463 s2) is class.subject.detail: class 2,
 *   4 or 5, subject one digit 0-7, detail one to three digits (RFC 3463
 *   allows three; Microsoft sends 5.7.509 and 4.7.650).  Dotted numbers are
 *   everywhere (addresses, versions, dates), so one that does not follow a
 *   reply code needs context: '#' (qmail "(#4.3.0)", IronPort "#4.4.5"),
 *   "dsn=" (Postfix, Sendmail logs), "Status:" (RFC 3464 s2.3.4), "smtp;"
 *   (Diagnostic-Code, RFC 3464 s2.3.6), a line start, or a token of its own
 *   of class 4 or 5 that neither follows a product or version word
 *   ("SpamAssassin 4.0.0", "section 4.2.1") nor precedes a time (a date,
 *   "5.1.24 12:42").
 *
 * Neither kind may run on into more digits or dotted digits ("5501",
 * "192.0.2.10", "4.2.2.1").  Exim writes the lines of a multi-line reply
 * joined by a literal backslash-n; that pair counts as a line end.
 *
 * The primary reply is the first one; the primary status the one written
 * right after it, else the first one.  They may disagree in class ("550
 * 4.4.7" from Exchange): both are kept as written, the reader decides.
 *
 * The phase comes from the words MTAs log: Postfix "(in reply to RCPT TO
 * command)", "while receiving the initial server greeting", Exim "after end
 * of data", "after initial connection".  The first such phrase wins; a bare
 * EHLO or HELO counts only when there is none.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "findings.h"
#include "xalloc.h"

#define FD_NONE		(-1)	/* the "byte" before the text or after it */

struct fd_phrase {
	const char		*s;
	enum findings_phase	 phase;
};

/* A multi-line reply being unfolded. */
struct fd_fold {
	const char	*code;		/* its three digits */
	const char	*status;	/* its enhanced code, or NULL */
	size_t		 statuslen;
};

/* Words that, before a lone number, make it a count or a name. */
static const char *const fd_idwords[] = {
	"ticket", "order", "case", "ref", "reference", "no", "nr", "num",
	"number", "id", "pid", "uid", "gid", "port", "size", "length",
	"content-length", "count", "version", "ver", "v", "release", "build",
	"rev", "revision", "line", "page", "item", "invoice", "account",
	"acct", "ext", "extension", "phone", "tel", "fax", "call", "job", "bug",
	"issue", "pr", "room", "after", "for", "within", "every", "last",
	"about", "approx", "approximately", "than", "over", "under", "total",
	"took", "waited", "uptime", "max", "maximum", "min", "minimum",
	"limit", "top", "rfc", "section", "chapter", "step", "level", "score",
	"priority", "pri", NULL
};

/* Units and counted things: a number before them is a quantity. */
static const char *const fd_units[] = {
	"ms", "msec", "msecs", "s", "sec", "secs", "second", "seconds",
	"min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours",
	"d", "day", "days", "week", "weeks", "b", "byte", "bytes", "k", "kb",
	"kib", "mb", "mib", "gb", "gib", "%", "percent", "messages", "msgs",
	"mails", "emails", "recipients", "rcpts", "senders", "connections",
	"conns", "sessions", "times", "attempts", "tries", "retries", "files",
	"lines", "items", "users", "hosts", "domains", "entries", "records",
	NULL
};

/* Product and version words: a dotted number after them is a version. */
static const char *const fd_products[] = {
	"version", "ver", "v", "release", "rel", "build", "rev", "revision",
	"kernel", "linux", "firmware", "patch", "update", "section", "sect",
	"chapter", "rfc", "page", "paragraph", "step", "item", "postfix",
	"exim", "sendmail", "dovecot", "qmail", "courier", "spamassassin",
	"clamav", "rspamd", "amavis", "amavisd", "openssl", "openssh", "nginx",
	"apache", "php", "perl", "python", "debian", "ubuntu", "centos",
	"freebsd", "openbsd", NULL
};

/* Capitalised words that do introduce a code ("Error 5.7.1"). */
static const char *const fd_intros[] = {
	"error", "status", "code", "reply", "response", "returned", "said",
	"reason", "result", "smtp", "esmtp", "lmtp", "dsn", "failed",
	"failure", "rejected", "deferred", "bounced", "ndr", NULL
};

/* What introduces the command a reply answered: Postfix "in reply to",
 * "while sending"; Exim "after", "after pipelined", "in response to". */
static const char *const fd_phase_intros[] = {
	"in reply to ", "in response to ", "after pipelined ", "after ",
	"while sending ", NULL
};

static const struct fd_phrase fd_phase_commands[] = {
	{ "end of data", FINDINGS_PHASE_DATA },
	{ "data", FINDINGS_PHASE_DATA },
	{ "bdat", FINDINGS_PHASE_DATA },		/* RFC 3030 */
	{ "message body", FINDINGS_PHASE_DATA },
	{ "rcpt to", FINDINGS_PHASE_RCPT },
	{ "mail from", FINDINGS_PHASE_MAIL },
	{ "ehlo", FINDINGS_PHASE_EHLO },
	{ "helo", FINDINGS_PHASE_EHLO },
	{ "lhlo", FINDINGS_PHASE_EHLO },		/* RFC 2033 */
	{ "starttls", FINDINGS_PHASE_STARTTLS },
	{ "auth", FINDINGS_PHASE_AUTH },
	{ "quit", FINDINGS_PHASE_QUIT },
	{ "initial connection", FINDINGS_PHASE_CONNECT },
	{ NULL, FINDINGS_PHASE_NONE }
};

/* Phrases that name the phase by themselves. */
static const struct fd_phrase fd_phase_phrases[] = {
	{ "initial server greeting", FINDINGS_PHASE_CONNECT },
	{ "refused to talk to me", FINDINGS_PHASE_CONNECT },
	{ "connect to ", FINDINGS_PHASE_CONNECT },
	{ "ehlo handshake", FINDINGS_PHASE_EHLO },
	{ "cannot start tls", FINDINGS_PHASE_STARTTLS },
	{ "sasl authentication failed", FINDINGS_PHASE_AUTH },
	{ NULL, FINDINGS_PHASE_NONE }
};

static const char *const fd_phase_names[] = {
	NULL, "CONNECT", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
	"QUIT"
};

/* Byte classes without <ctype.h>: the same for any byte in any locale. */
static int
fd_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
fd_alnum(int c)
{
	return (fd_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'));
}

static int
fd_lower(int c)
{
	return (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Separates tokens like a space: the edges of the text, spaces, line
 * ends, NUL and other controls, and bytes >= 0x80 (a no-break space). */
static int
fd_blank(int c)
{
	return (c == FD_NONE || c <= ' ' || c >= 0x7f);
}

/* Whether c is one of the ASCII bytes in set (never NUL).  The sets are
 * a few bytes long: a loop here costs less than a call to strchr(). */
static int
fd_oneof(int c, const char *set)
{
	for (; *set != '\0'; set++)
		if (*set == c)
			return (1);
	return (0);
}

static int
fd_at(const char *t, size_t len, size_t i)
{
	return (i < len ? (unsigned char)t[i] : FD_NONE);
}

/* Whether Exim's literal "\n" ends just before i. */
static int
fd_litnl_before(const char *t, size_t i)
{
	return (i >= 2 && t[i - 1] == 'n' && t[i - 2] == '\\');
}

/* The byte before i, with a literal "\n" read as a line end. */
static int
fd_left(const char *t, size_t i)
{
	if (i == 0)
		return (FD_NONE);
	if (fd_litnl_before(t, i))
		return ('\n');
	return ((unsigned char)t[i - 1]);
}

/* Length of s (lower-case, not empty) if t[i..] starts with it
 * (case-insensitive), else 0. */
static inline size_t
fd_match(const char *t, size_t len, size_t i, const char *s)
{
	size_t	k;

	if (i >= len || fd_lower((unsigned char)t[i]) != s[0])
		return (0);		/* the usual case, made cheap */
	for (k = 1; s[k] != '\0'; k++) {
		if (i + k >= len || fd_lower((unsigned char)t[i + k]) != s[k])
			return (0);
	}
	return (k);
}

/* Whether w[0..n) (n > 0) is in list (case-insensitive). */
static int
fd_inlist(const char *w, size_t n, const char *const *list)
{
	int	c = fd_lower((unsigned char)w[0]);

	for (; *list != NULL; list++) {
		if ((*list)[0] == c && fd_match(w, n, 0, *list) == n)
			return (1);
	}
	return (0);
}

size_t
findings_reply_len(const char *s, size_t n)
{
	if (s == NULL || n < 3)
		return (0);
	if (s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '5' ||
	    !fd_digit((unsigned char)s[2]))
		return (0);
	if (n > 3 && fd_digit((unsigned char)s[3]))
		return (0);
	return (3);
}

size_t
findings_status_len(const char *s, size_t n)
{
	size_t	k;

	if (s == NULL || n < 5)
		return (0);
	if ((s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.' ||
	    s[2] < '0' || s[2] > '7' || s[3] != '.')
		return (0);
	for (k = 4; k < n && k < 7 && fd_digit((unsigned char)s[k]); k++)
		/* nothing */;
	if (k == 4 || fd_digit(fd_at(s, n, k)))
		return (0);
	/* "4.2.2.1" is an address, not 4.2.2 */
	if (fd_at(s, n, k) == '.' && fd_digit(fd_at(s, n, k + 1)))
		return (0);
	return (k);
}

/* Whether what follows a status code at j ends it as a token. */
static int
fd_status_end(const char *t, size_t len, size_t j)
{
	int	c = fd_at(t, len, j);

	if (fd_blank(c) || fd_oneof(c, ")],;:\"'<>\\"))
		return (1);
	/* "4.2.2." ends a sentence; "5.4.0-150" is a kernel */
	if (c == '.' || c == '-')
		return (!fd_digit(fd_at(t, len, j + 1)));
	return (0);
}

/* Whether the word ending at e (exclusive) in t is key, as a word. */
static int
fd_key_before(const char *t, size_t e, const char *key)
{
	size_t	n = strlen(key);

	if (e < n || fd_match(t, e, e - n, key) != n)
		return (0);
	return (e == n || !fd_alnum((unsigned char)t[e - n - 1]));
}

/*
 * The token before the blanks that precede i, stripped of trailing
 * punctuation; *np gets its length (0: none, or only blanks before).
 */
static const char *
fd_prev_word(const char *t, size_t i, size_t *np)
{
	size_t	e = i, b;

	*np = 0;
	while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t'))
		e--;
	if (e == i || e == 0)
		return (NULL);
	b = e;
	while (b > 0 && !fd_blank((unsigned char)t[b - 1]))
		b--;
	while (e > b && fd_oneof((unsigned char)t[e - 1], ":.,#"))
		e--;
	*np = e - b;
	return (t + b);
}

/* Whether the word before i names a product or a version. */
static int
fd_after_product(const char *t, size_t i)
{
	const char	*w;
	size_t		 n, k;

	if ((w = fd_prev_word(t, i, &n)) == NULL || n == 0)
		return (0);
	if (fd_oneof((unsigned char)t[i - 1], ":;") || w[n] == ':')
		return (0);		/* "Error: 5.7.1" */
	if (fd_inlist(w, n, fd_products))
		return (1);
	if (fd_inlist(w, n, fd_intros))
		return (0);
	for (k = 0; k < n; k++) {
		if (w[k] >= 'A' && w[k] <= 'Z')
			return (1);	/* "Dovecot", "PHP" */
	}
	return (0);
}

/* Whether a time ("12:42") follows the blank at j: the code was a date. */
static int
fd_time_after(const char *t, size_t len, size_t j)
{
	if (fd_at(t, len, j) != ' ')
		return (0);
	j++;
	if (fd_digit(fd_at(t, len, j)) && fd_at(t, len, j + 1) == ':')
		return (1);
	return (fd_digit(fd_at(t, len, j)) && fd_digit(fd_at(t, len, j + 1)) &&
	    fd_at(t, len, j + 2) == ':');
}

/* Whether a status code at i (of n bytes) has the context it needs. */
static int
fd_status_context(const char *t, size_t len, size_t i, size_t n)
{
	int	c = fd_left(t, i);
	size_t	k = i;

	if (c == '#')
		return (1);
	if (c == '=')
		return (fd_key_before(t, i - 1, "dsn"));
	while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t'))
		k--;
	c = fd_left(t, k);
	if (c == FD_NONE || c == '\n' || c == '\r')
		return (1);		/* a line start */
	if (c == ':' && fd_key_before(t, k - 1, "status"))
		return (1);
	if (c == ';' && (fd_key_before(t, k - 1, "smtp") ||
	    fd_key_before(t, k - 1, "x-postfix")))
		return (1);
	if (k == i && !fd_blank(c) && !fd_oneof(c, "([\"'<"))
		return (0);
	if (t[i] != '4' && t[i] != '5')
		return (0);
	return (!fd_after_product(t, i) && !fd_time_after(t, len, i + n));
}

/* Whether the lone number at i counts or names something (see top). */
static int
fd_quantity(const char *t, size_t len, size_t i)
{
	const char	*w;
	size_t		 j = i + 3, n;

	if (fd_at(t, len, j) == ' ') {
		while (fd_at(t, len, j) == ' ')
			j++;
		for (n = 0; fd_alnum(fd_at(t, len, j + n)) ||
		    fd_at(t, len, j + n) == '%'; n++)
			/* nothing */;
		if (n > 0 && fd_inlist(t + j, n, fd_units))
			return (1);
		for (n = 0; fd_digit(fd_at(t, len, j + n)); n++)
			/* nothing */;
		if (n >= 3 && fd_at(t, len, j + n) != '.')
			return (1);	/* "555 0100" */
	}
	if ((w = fd_prev_word(t, i, &n)) == NULL || n == 0)
		return (0);
	if (w[0] == '+' && n > 1) {
		w++;
		n--;
	}
	for (j = 0; j < n && fd_digit((unsigned char)w[j]); j++)
		/* nothing */;
	if (j == n)
		return (1);		/* "+1 555", "1 800" */
	return (fd_inlist(w, n, fd_idwords));
}

/* Whether what follows a lone reply code at j ends it as a token. */
static int
fd_reply_end(const char *t, size_t len, size_t j)
{
	int	c = fd_at(t, len, j);
	size_t	k;

	if (fd_blank(c))
		return (1);
	if (c == '\\')
		return (fd_at(t, len, j + 1) == 'n');
	if (c != '-')
		return (0);
	/* "550-rejected", "451-192.0.2.10 is not yet ...", not "555-0123" */
	for (k = j + 1; fd_digit(fd_at(t, len, k)); k++)
		/* nothing */;
	return (k == j + 1 ||
	    (fd_at(t, len, k) == '.' && fd_digit(fd_at(t, len, k + 1))));
}

/* Records a code found at off; the first reply is the primary one. */
static void
fd_add(struct findings *f, const char *t, size_t off, size_t len,
    enum findings_kind kind, size_t *count)
{
	struct findings_span	 s = { off, len, kind };

	(*count)++;
	if (f->nspans < FINDINGS_MAX_SPANS)
		f->spans[f->nspans++] = s;
	if (kind == FINDINGS_REPLY && f->reply == 0) {
		f->reply = (t[off] - '0') * 100 + (t[off + 1] - '0') * 10 +
		    (t[off + 2] - '0');
		f->reply_span = s;
	} else if (kind == FINDINGS_STATUS && f->status[0] == '\0') {
		memcpy(f->status, t + off, len);
		f->status[len] = '\0';
		f->status_span = s;
	}
}

/* The enhanced code written right after a reply code ending at j, as
 * "550 5.1.1", "421-4.7.0", "550 #5.1.0"; returns its offset or 0. */
static size_t
fd_paired(const char *t, size_t len, size_t j, size_t *np)
{
	if (fd_at(t, len, j) == '-')
		j++;
	else if (fd_at(t, len, j) == ' ') {
		while (fd_at(t, len, j) == ' ')
			j++;
	} else
		return (0);
	if (fd_at(t, len, j) == '#')
		j++;
	*np = findings_status_len(t + j, len - j);
	if (*np == 0 || !fd_status_end(t, len, j + *np))
		return (0);
	return (j);
}

/* A reply code at i, with its enhanced code if any: bytes used or 0. */
static size_t
fd_scan_reply(const char *t, size_t len, size_t i, struct findings *f,
    size_t *count)
{
	size_t	off, n;
	int	c = fd_left(t, i), primary;

	if (findings_reply_len(t + i, len - i) == 0)
		return (0);
	if ((off = fd_paired(t, len, i + 3, &n)) != 0) {
		if (!fd_blank(c) && !fd_oneof(c, "(\"';`#:[,<>="))
			return (0);
		primary = (f->reply == 0);
		fd_add(f, t, i, 3, FINDINGS_REPLY, count);
		if (primary)
			f->status[0] = '\0';	/* the one next to it wins */
		fd_add(f, t, off, n, FINDINGS_STATUS, count);
		return (off + n - i);
	}
	if (!fd_blank(c) && !fd_oneof(c, "(\"';`"))
		return (0);
	if (!fd_reply_end(t, len, i + 3) || fd_quantity(t, len, i))
		return (0);
	fd_add(f, t, i, 3, FINDINGS_REPLY, count);
	return (3);
}

/* An enhanced code at i standing on its own: bytes used or 0. */
static size_t
fd_scan_status(const char *t, size_t len, size_t i, struct findings *f,
    size_t *count)
{
	size_t	n;

	if ((n = findings_status_len(t + i, len - i)) == 0)
		return (0);
	if (!fd_status_end(t, len, i + n) ||
	    !fd_status_context(t, len, i, n))
		return (0);
	fd_add(f, t, i, n, FINDINGS_STATUS, count);
	return (n);
}

/* The phase named at t[i], or NONE. */
static enum findings_phase
fd_phase_at(const char *t, size_t len, size_t i)
{
	const struct fd_phrase	*p;
	const char *const	*in;
	size_t			 n, m;

	/* the first two bytes rule most words out (every intro and phrase
	 * has at least two) */
	int			 c = fd_lower((unsigned char)t[i]), d,
				 c1 = fd_lower(fd_at(t, len, i + 1));

	for (in = fd_phase_intros; *in != NULL; in++) {
		if ((*in)[0] != c || (*in)[1] != c1 ||
		    (n = fd_match(t, len, i, *in)) == 0)
			continue;
		d = fd_lower(fd_at(t, len, i + n));
		for (p = fd_phase_commands; p->s != NULL; p++) {
			if (p->s[0] != d)
				continue;
			m = fd_match(t, len, i + n, p->s);
			if (m > 0 && !fd_alnum(fd_at(t, len, i + n + m)))
				return (p->phase);
		}
	}
	for (p = fd_phase_phrases; p->s != NULL; p++) {
		if (p->s[0] != c || p->s[1] != c1)
			continue;
		m = fd_match(t, len, i, p->s);
		if (m > 0 && (p->s[m - 1] == ' ' ||
		    !fd_alnum(fd_at(t, len, i + m))))
			return (p->phase);
	}
	return (FINDINGS_PHASE_NONE);
}

/* Whether t[i] starts a bare, upper-case EHLO, HELO or LHLO. */
static int
fd_bare_hello(const char *t, size_t len, size_t i)
{
	if (len - i < 4 || fd_alnum(fd_at(t, len, i + 4)))
		return (0);
	return (memcmp(t + i, "EHLO", 4) == 0 ||
	    memcmp(t + i, "HELO", 4) == 0 || memcmp(t + i, "LHLO", 4) == 0);
}

/* Whether c can start a phase word: the first letters of fd_phase_intros,
 * fd_phase_phrases and EHLO/HELO/LHLO.  Most words of a log line are
 * skipped here; the phase search is otherwise the slowest part of a scan. */
static const unsigned char fd_phase_initial[256] = {
	['i'] = 1, ['a'] = 1, ['w'] = 1, ['r'] = 1, ['c'] = 1, ['e'] = 1,
	['s'] = 1, ['I'] = 1, ['A'] = 1, ['W'] = 1, ['R'] = 1, ['C'] = 1,
	['E'] = 1, ['S'] = 1, ['H'] = 1, ['L'] = 1,
};

/* Letters and digits, for the words of fd_phase(). */
#define FD_D10	1, 1, 1, 1, 1, 1, 1, 1, 1, 1
#define FD_L26	FD_D10, FD_D10, 1, 1, 1, 1, 1, 1
static const unsigned char fd_alnum_tab[256] = {
	['0'] = FD_D10, ['A'] = FD_L26, ['a'] = FD_L26,
};

/*
 * The words of t[at..at + 16) (16 bytes, or fewer at the end of the text
 * where n says how many): bit k set where t[at + k] is a letter or digit
 * and the byte before it is not (prev: whether t[at - 1] was one).  With
 * SSE2 sixteen bytes are classed at once: a byte b is a digit where b -
 * '0', and a letter where (b | 0x20) - 'a', is below 10 or 26 unsigned,
 * which is a signed compare after flipping the top bit.
 */
static unsigned
fd_word_starts(const char *t, size_t at, size_t n, unsigned *prev)
{
	unsigned	m = 0, starts;
	size_t		k;

#if defined(__SSE2__)
	if (n == 16) {
		const __m128i	v = _mm_loadu_si128((const __m128i *)
				    (const void *)(t + at));
		__m128i		d, l;

		d = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(
		    (char)(0x80 - '0'))), _mm_set1_epi8((char)(-128 + 10)));
		l = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(v,
		    _mm_set1_epi8(0x20)), _mm_set1_epi8((char)(0x80 - 'a'))),
		    _mm_set1_epi8((char)(-128 + 26)));
		m = (unsigned)_mm_movemask_epi8(_mm_or_si128(d, l));
	} else
#endif
		for (k = 0; k < n; k++)
			m |= (unsigned)fd_alnum_tab[(unsigned char)t[at + k]] << k;
	starts = m & ~((m << 1) | *prev);
	*prev = (m >> 15) & 1;
	return (starts);
}

/* A phase is named where a word starts with one of fd_phase_initial: the
 * words are found sixteen bytes at a time (fd_word_starts()). */
static enum findings_phase
fd_phase(const char *t, size_t len)
{
	enum findings_phase	 weak = FINDINGS_PHASE_NONE, p;
	size_t			 at, i;
	unsigned		 starts, prev = 0;

	for (at = 0; at < len; at += 16) {
		starts = fd_word_starts(t, at, len - at < 16 ? len - at : 16,
		    &prev);
		for (; starts != 0; starts &= starts - 1) {
			i = at + (size_t)__builtin_ctz(starts);
			if (!fd_phase_initial[(unsigned char)t[i]])
				continue;
			if ((p = fd_phase_at(t, len, i)) != FINDINGS_PHASE_NONE)
				return (p);
			if (weak == FINDINGS_PHASE_NONE &&
			    fd_bare_hello(t, len, i))
				weak = FINDINGS_PHASE_EHLO;
		}
	}
	return (weak);
}

/*
 * The first digit in t[i..len), or len.  Most bytes of a text are not
 * digits: eight at a time, a byte is a digit where its high nibble is 3
 * and its low nibble plus 6 does not carry into the high one.
 */
static size_t
fd_next_digit(const char *t, size_t len, size_t i)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	hi = 0xf0f0f0f0f0f0f0f0ULL, lo = 0x0f0f0f0f0f0f0f0fULL;
	uint64_t	w, m;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, t + i, 8);
		m = ((w & hi) ^ 0x3030303030303030ULL) |
		    (((w & lo) + 0x0606060606060606ULL) & hi);
		/* a byte of m is 0 where w has a digit */
		m = ~(((m & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) |
		    m) & 0x8080808080808080ULL;
		if (m != 0)
			return (i + (size_t)(__builtin_ctzll(m) >> 3));
	}
#endif
	while (i < len && !fd_digit((unsigned char)t[i]))
		i++;
	return (i);
}

/* The codes of findings_scan(), without the phase. */
static size_t
fd_scan_codes(const char *text, size_t len, struct findings *f)
{
	size_t	i, n, count = 0;

	/* the spans past nspans are never read: clearing all of them (most
	 * of the struct) would cost more than the scan of a short text */
	memset(f, 0, offsetof(struct findings, spans));
	f->nspans = 0;
	if (text == NULL)
		return (0);
	for (i = 0; (i = fd_next_digit(text, len, i)) < len; i++) {
		if (i > 0 && fd_alnum((unsigned char)text[i - 1]) &&
		    !fd_litnl_before(text, i))
			continue;
		if ((n = fd_scan_reply(text, len, i, f, &count)) == 0)
			n = fd_scan_status(text, len, i, f, &count);
		if (n > 0) {
			i += n - 1;
			continue;
		}
		/* not a code: skip the rest of this number */
		while (i + 1 < len && (fd_alnum((unsigned char)text[i + 1]) ||
		    text[i + 1] == '.'))
			i++;
	}
	return (count);
}

size_t
findings_scan(const char *text, size_t len, struct findings *f)
{
	size_t	count = fd_scan_codes(text, len, f);

	if (text != NULL)
		f->phase = fd_phase(text, len);
	return (count);
}

const char *
findings_phase_name(enum findings_phase p)
{
	if ((size_t)p >= sizeof fd_phase_names / sizeof fd_phase_names[0])
		return (NULL);
	return (fd_phase_names[p]);
}

/*
 * If the multi-line reply b continues at t[i] - a line end (CR, LF, Exim's
 * literal "\n"; a folded DSN field may indent the next line) or, as Postfix
 * logs it, a space, then the same code - returns how many bytes that marker
 * takes: the code, its '-' or ' ' and a repeated enhanced code.  *last is
 * set when the line is the final one ("code SP", RFC 5321 s4.2.1).
 */
static size_t
fd_fold_mark(const char *t, size_t len, size_t i, const struct fd_fold *b,
    int *last)
{
	size_t	k = i;
	int	c, joined = 0;

	if (t[k] == '\r' || t[k] == '\n' || fd_match(t, len, k, "\\n")) {
		k += t[k] == '\\' ? 2 : 1;
		if (t[i] == '\r' && fd_at(t, len, k) == '\n')
			k++;
		while (fd_at(t, len, k) == ' ' || fd_at(t, len, k) == '\t')
			k++;
	} else if (t[k] == ' ') {
		k++;
		joined = 1;
	} else
		return (0);
	if (len - k < 3 || memcmp(t + k, b->code, 3) != 0)
		return (0);
	k += 3;
	c = fd_at(t, len, k);
	if (c != '-' && c != ' ' && c != FD_NONE && c != '\r' && c != '\n' &&
	    !fd_match(t, len, k, "\\n"))
		return (0);
	*last = (c != '-');
	if (c == '-' || c == ' ')
		k++;
	if (b->status != NULL && len - k >= b->statuslen &&
	    memcmp(t + k, b->status, b->statuslen) == 0 &&
	    fd_status_end(t, len, k + b->statuslen))
		k += b->statuslen;
	else if (joined && b->status != NULL && c != FD_NONE)
		return (0);		/* a number in the text, not a line */
	return (k - i);
}

/* Whether a multi-line reply (a reply code and '-') starts at t[i]. */
static int
fd_fold_start(const char *t, size_t len, size_t i, const struct findings *f,
    size_t *si, struct fd_fold *b)
{
	const struct findings_span	*s;

	while (*si < f->nspans && f->spans[*si].off < i)
		(*si)++;
	if (*si >= f->nspans)
		return (0);
	s = &f->spans[*si];
	if (s->off != i || s->kind != FINDINGS_REPLY ||
	    fd_at(t, len, i + 3) != '-')
		return (0);
	b->code = t + i;
	b->status = NULL;
	b->statuslen = 0;
	if (*si + 1 < f->nspans && s[1].kind == FINDINGS_STATUS &&
	    s[1].off == i + 4) {
		b->status = t + s[1].off;
		b->statuslen = s[1].len;
	}
	return (1);
}

/* Turns each run of white space into one space and drops it at both
 * ends; returns the new length. */
static size_t
fd_squeeze(char *s, size_t n)
{
	size_t	i, o = 0;
	int	white = 0;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= ' ' && (s[i] == ' ' ||
		    (s[i] >= '\t' && s[i] <= '\r'))) {
			white = 1;
			continue;
		}
		if (white && o > 0)
			s[o++] = ' ';
		white = 0;
		s[o++] = s[i];
	}
	return (o);
}

/* A NUL byte cannot live in the C string a reader keeps: it becomes
 * U+2400 SYMBOL FOR NULL, so the text after it is kept and shown where
 * the NUL was.  Returns s or a new string (s freed); *n is updated. */
static char *
fd_nul(char *s, size_t *n)
{
	size_t	i, k = 0, nul = 0;
	char	*o;

	if (memchr(s, '\0', *n) == NULL)
		return (s);		/* the usual case */
	for (i = 0; i < *n; i++)
		nul += s[i] == '\0';
	o = xmalloc(*n + 2 * nul + 1);
	for (i = 0; i < *n; i++) {
		if (s[i] != '\0') {
			o[k++] = s[i];
			continue;
		}
		memcpy(o + k, "\xe2\x90\x80", 3);
		k += 3;
	}
	free(s);
	*n = k;
	return (o);
}

/* Whether t[i] (one byte at least follows it, or the text ends there and
 * t[i] is not a space) leaves a text as findings_unfold() gives it: no
 * control byte it changes, no second space, no '-' after a reply code. */
static int
fd_unfold_ok(const char *t, size_t i)
{
	if (t[i] == ' ')
		return t[i + 1] != ' ';
	if ((t[i] >= '\t' && t[i] <= '\r') || t[i] == '\0')
		return 0;
	return !(t[i] == '-' && i >= 3 && fd_digit(t[i - 1]) &&
	    fd_digit(t[i - 2]) && fd_digit(t[i - 3]));
}

/* findings_unfold() joins lines only at a reply code followed by '-'
 * ("550-5.1.1 …") and otherwise changes only whitespace (runs, tabs, line
 * ends, at the ends) and NUL bytes: a text without any of those is given
 * back unchanged.  Kept beside it, so the two rules change together. */
int
findings_unfolded(const char *t, size_t n)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	const uint64_t	highs = 0x8080808080808080ULL;
	uint64_t	w, x, sp, m;
	size_t		i = 0, k;

	if (n > 0 && (t[0] == ' ' || t[n - 1] == ' '))
		return 0;
	/* eight bytes at a time, flagging the bytes that may matter: '-',
	 * a byte below 0x0e, a space before a space (a byte is flagged where
	 * w ^ c has a zero byte; a flag above a true one may be false, so
	 * each flagged byte is looked at) */
	for (; i + 9 <= n; i += 8) {
		memcpy(&w, t + i, 8);
		x = w ^ (ones * ' ');
		sp = (x - ones) & ~x & highs;
		x = w ^ (ones * '-');
		m = (x - ones) & ~x & highs;
		m |= (w - ones * 0x0e) & ~w & highs;
		/* a space, and a space in the byte after it */
		memcpy(&x, t + i + 1, 8);
		x ^= ones * ' ';
		m |= sp & ((x - ones) & ~x & highs);
		for (; m != 0; m &= m - 1) {
			k = i + (size_t)(__builtin_ctzll(m) >> 3);
			if (!fd_unfold_ok(t, k))
				return 0;
		}
	}
	for (; i < n; i++)
		if (!fd_unfold_ok(t, i))
			return 0;
	return 1;
}

char *
findings_unfold(const char *text, size_t len, size_t *outlen)
{
	struct findings	 f;
	struct fd_fold	 b = { NULL, NULL, 0 };
	char		*out;
	size_t		 i = 0, o = 0, si = 0, n;
	int		 open = 0, last, c;

	/* markers only shrink ("550-" becomes "550 "), so len is enough;
	 * the lines start at codes (the phase is not needed) */
	out = xmalloc(len + 1);
	fd_scan_codes(text, len, &f);
	while (i < len) {
		/* a line of the reply ends at a space before its code, CR,
		 * LF or "\n"; a reply starts at a digit: other bytes are
		 * copied as they are */
		c = (unsigned char)text[i];
		if (open && (c == '\r' || c == '\n' || c == '\\' ||
		    (c == ' ' && i + 1 < len && text[i + 1] == b.code[0])) &&
		    (n = fd_fold_mark(text, len, i, &b, &last)) > 0) {
			out[o++] = ' ';
			i += n;
			open = !last;
		} else if (!open && fd_digit(c) &&
		    fd_fold_start(text, len, i, &f, &si, &b)) {
			memcpy(out + o, text + i, 3);
			out[o + 3] = ' ';
			o += 4;
			i += 4;
			open = 1;
		} else
			out[o++] = text[i++];
	}
	o = fd_squeeze(out, o);
	out = fd_nul(out, &o);
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return (out);
}
