/*
 * maillog_postfix.c - the lines Postfix logs about a message.
 *
 * Input: the text after "postfix/DAEMON[PID]: " (l->msg).
 * Output: the event and fields of struct maillog_line.
 *
 * Postfix names a message by its queue id, "QID: " before the text.
 * What the text starts with says what the line is; the daemon (the last
 * part of the program name, so renamed services - postfix-out/smtp, a
 * syslog_name per master.cf entry - read the same) only lets the lines
 * that never matter be skipped sooner:
 *
 *	QID: to=<r>, [orig_to=<o>, ]relay=R, delay=D, delays=a/b/c/d,
 *	     dsn=X.Y.Z, status=sent|deferred|bounced|expired (TEXT)
 *					smtp, lmtp, local, virtual, pipe, error
 *	QID: from=<s>, size=N, nrcpt=N (queue active)		qmgr
 *	QID: from=<s>, status=expired, returned to sender	qmgr
 *	QID: removed						qmgr
 *	QID: message-id=<m>					cleanup
 *	QID: sender non-delivery notification: QID2		bounce
 *	NOQUEUE: reject: RCPT from C: TEXT; from=<s> to=<r> proto=P helo=<h>
 *					smtpd, postscreen (with commas)
 *	QID: reject: header H from C; from=<s> to=<r> …: TEXT	cleanup
 *	QID: milter-reject: END-OF-MESSAGE from C: TEXT; from=<s> …
 *
 * TEXT of a delivery is what the log shows in parentheses: "host H[A]
 * said: 550 5.1.1 … (in reply to RCPT TO command)", "connect to H[A]:25:
 * Connection timed out", "lost connection with H[A] while …", "Host or
 * domain name not found. …" - kept whole, Postfix's framing included, as
 * the knowledge base matches on it.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "maillog.h"

/* p[0..n) == word[0..n), for the words of this file: a few words'
 * compares, the last overlapping the one before (n is a constant where
 * this is inlined, and so are the loads from word). */
static inline int
same(const char *p, const char *word, size_t n)
{
	uint64_t	a, b;
	uint32_t	x, y;
	size_t		i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&a, p + i, 8);
			memcpy(&b, word + i, 8);
			if (a != b)
				return 0;
		}
		memcpy(&a, p + n - 8, 8);
		memcpy(&b, word + n - 8, 8);
		return a == b;
	}
	if (n >= 4) {
		memcpy(&x, p, 4);
		memcpy(&y, word, 4);
		if (x != y)
			return 0;
		memcpy(&x, p + n - 4, 4);
		memcpy(&y, word + n - 4, 4);
		return x == y;
	}
	for (i = 0; i < n; i++)
		if (p[i] != word[i])
			return 0;
	return 1;
}

static inline int
starts(const char *p, const char *end, const char *word, size_t n)
{
	return (size_t)(end - p) >= n && same(p, word, n);
}

/* "<addr>" after key in [p, end), without the brackets. */
static struct maillog_span
angle_after(const char *p, const char *end, const char *key)
{
	struct maillog_span	 sp = { NULL, 0 };
	size_t			 k = strlen(key);
	const char		*q, *e;

	if ((q = maillog_find(p, (size_t)(end - p), key, k)) == NULL)
		return sp;
	q += k;
	if ((e = memchr(q, '>', (size_t)(end - q))) == NULL)
		return sp;
	sp.p = q;
	sp.n = (size_t)(e - q);
	return sp;
}

static enum maillog_status
status_word(const char *p, size_t n)
{
	static const struct {
		const char		*word;
		size_t			 len;
		enum maillog_status	 st;
	} words[] = {
		{ "sent", 4, MAILLOG_SENT },
		{ "deferred", 8, MAILLOG_DEFERRED },
		{ "bounced", 7, MAILLOG_BOUNCED },
		{ "expired", 7, MAILLOG_EXPIRED },
	};
	size_t	i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (n == words[i].len && same(p, words[i].word, n))
			return words[i].st;
	return MAILLOG_ST_NONE;
}

/* The field f of a delivery, if its key is one this reader keeps. */
enum field { F_OTHER, F_ORIG, F_RELAY, F_DELAY, F_DELAYS, F_DSN };

/* The field whose "key=" starts k: its key, and *v at its '=' (NULL for
 * a key of another name; its '=' is found the slow way).  Most fields
 * are one of these: a switch and a word compare tell. */
static enum field
field_key(const char *k, const char *end, const char **v)
{
	enum field	f = F_OTHER;
	size_t		n = 0;

	switch (k[0]) {
	case 'r':
		if (starts(k, end, "relay=", 6))
			f = F_RELAY, n = 6;
		break;
	case 'd':
		if (starts(k, end, "delay=", 6))
			f = F_DELAY, n = 6;
		else if (starts(k, end, "delays=", 7))
			f = F_DELAYS, n = 7;
		else if (starts(k, end, "dsn=", 4))
			f = F_DSN, n = 4;
		break;
	case 'o':
		if (starts(k, end, "orig_to=", 8))
			f = F_ORIG, n = 8;
		break;
	}
	*v = n > 0 ? k + n - 1 : NULL;
	return f;
}

/* The ", key=value" fields after "to=<r>". */
static void
delivery_fields(struct maillog_line *l, const char *p, const char *end)
{
	const char		*k, *v, *e;
	struct maillog_span	 sp;
	enum field		 f;

	while (p + 2 < end && p[0] == ',' && p[1] == ' ') {
		k = p + 2;
		if (k[0] == 's' && starts(k, end, "status=", 7)) {
			v = k + 7;
			for (e = v; e < end && *e != ' ' && *e != ','; e++)
				continue;
			l->status = status_word(v, (size_t)(e - v));
			/* the text in parentheses runs to the end */
			if (e + 2 < end && e[0] == ' ' && e[1] == '(' &&
			    end[-1] == ')') {
				l->text.p = e + 2;
				l->text.n = (size_t)(end - 1 - l->text.p);
			}
			return;
		}
		/* the field ends at ", " (a key holds no comma) */
		f = field_key(k, end, &v);
		e = maillog_first1(v != NULL ? v : k, end, ',');
		while (e + 1 < end && e[1] != ' ')	/* a comma inside */
			e = maillog_first1(e + 1, end, ',');
		if (v == NULL) {
			for (v = k; v < e && *v != '='; v++)
				continue;
			if (v == e)
				return;
		}
		sp.p = ++v;
		sp.n = (size_t)(e - v);
		switch (f) {
		case F_ORIG:
			l->orig_recipient = maillog_unangle(sp);
			break;
		case F_RELAY:
			l->relay = sp;
			break;
		case F_DSN:
			l->dsn = sp;
			break;
		case F_DELAY:
			/* a second delay= starts the span again */
			l->delays.p = k;
			l->delays.n = 0;
			break;
		case F_DELAYS:
			if (l->delays.p != NULL)
				l->delays.n = (size_t)(e - l->delays.p);
			break;
		case F_OTHER:
			break;
		}
		p = e;
	}
}

/* "to=<r>, …" of a delivery agent. */
static void
delivery(struct maillog_line *l, const char *p, const char *end)
{
	const char	*e;

	p += 4;
	if ((e = memchr(p, '>', (size_t)(end - p))) == NULL)
		return;
	l->recipient.p = p;
	l->recipient.n = (size_t)(e - p);
	delivery_fields(l, e + 1, end);
	if (l->status != MAILLOG_ST_NONE)
		l->event = MAILLOG_EV_DELIVERY;
	if (l->delays.p != NULL && l->delays.n == 0)
		l->delays.p = NULL;
}

/* "from=<s>, size=…" (qmgr) or "from=<s>, status=expired, …" of queue
 * id qid[0..qn). */
static void
sender(struct maillog_line *l, const char *qid, size_t qn, const char *p,
    const char *end)
{
	const char	*e;
	int		 expired;

	if ((e = memchr(p + 6, '>', (size_t)(end - p - 6))) == NULL)
		return;
	expired = starts(e + 1, end, ", status=expired", 16);
	if (!expired && (l->lean || !starts(e + 1, end, ", size=", 7)))
		return;
	maillog_line_fields(l, qid, qn);
	l->sender.p = p + 6;
	l->sender.n = (size_t)(e - p - 6);
	if (expired) {
		l->event = MAILLOG_EV_EXPIRED;
		l->status = MAILLOG_EXPIRED;
		l->text.p = p;
		l->text.n = (size_t)(end - p);
	} else
		l->event = MAILLOG_EV_SENDER;
}

/*
 * "reject: RCPT from C: TEXT; from=<s> to=<r> …" (p after "reject: "),
 * or a cleanup check "header H from C; from=<s> to=<r> …: TEXT".
 */
static void
reject(struct maillog_line *l, const char *p, const char *end)
{
	const char	*f, *c, *e, *t;

	if ((f = maillog_find(p, (size_t)(end - p), "; from=<", 8)) == NULL)
		f = end;
	l->sender = angle_after(f, end, "from=<");
	l->recipient = angle_after(f, end, "to=<");
	l->event = MAILLOG_EV_REJECT;
	if (starts(p, end, "header ", 7) || starts(p, end, "body ", 5)) {
		/* header and body checks write the reply last */
		if ((t = maillog_find(f, (size_t)(end - f), ">: ", 3)) != NULL) {
			l->text.p = t + 3;
			l->text.n = (size_t)(end - t - 3);
		}
		return;
	}
	l->text.p = p;
	l->text.n = (size_t)(f - p);
	if ((c = maillog_find(p, (size_t)(f - p), " from ", 6)) == NULL)
		return;
	c += 6;
	/* the client ends at ": " (postscreen's "[A]:port: " too) */
	for (e = c; e + 1 < f && !(e[0] == ':' && e[1] == ' '); e++)
		continue;
	if (e + 1 >= f)
		return;
	l->client.p = c;
	l->client.n = (size_t)(e - c);
	l->text.p = e + 2;
	l->text.n = (size_t)(f - e - 2);
}

/* What follows "QID: " (q; the queue id is qid[0..qn)). */
static void
with_qid(struct maillog_line *l, const char *qid, size_t qn, const char *p,
    const char *end)
{
	switch (*p) {
	case 't':
		if (!starts(p, end, "to=<", 4))
			return;
		maillog_line_fields(l, qid, qn);
		delivery(l, p, end);
		break;
	case 'f':
		if (starts(p, end, "from=<", 6))
			sender(l, qid, qn, p, end);
		break;
	case 'm':
		if (starts(p, end, "message-id=", 11)) {
			if (l->lean)
				return;
			maillog_line_fields(l, qid, qn);
			l->message_id.p = p + 11;
			l->message_id.n = (size_t)(end - p - 11);
			l->message_id = maillog_unangle(l->message_id);
			l->event = MAILLOG_EV_MESSAGE_ID;
		} else if (starts(p, end, "milter-reject: ", 15)) {
			maillog_line_fields(l, qid, qn);
			reject(l, p + 15, end);
		}
		break;
	case 'r':
		if (end - p == 7 && same(p, "removed", 7)) {
			maillog_line_fields(l, qid, qn);
			l->event = MAILLOG_EV_DONE;
		} else if (starts(p, end, "reject: ", 8)) {
			maillog_line_fields(l, qid, qn);
			reject(l, p + 8, end);
		}
		break;
	case 's':
	case 'p':
		if (starts(p, end, "sender non-delivery notification: ", 34) ||
		    starts(p, end, "sender delay notification: ", 27) ||
		    starts(p, end, "postmaster non-delivery notification: ",
		    38)) {
			maillog_line_fields(l, qid, qn);
			l->event = MAILLOG_EV_NOTE;
		}
		break;
	}
}

/*
 * Postfix's daemons, by first letter, the common ones first: the name is
 * the last part of the program name ("postfix/submission/smtpd" is
 * smtpd).  The lines of the quiet ones are skipped without reading their
 * text; any other name (a pipe service with a syslog_name of its own) is
 * read in full.
 */
struct pf_name {
	const char	*name;
	size_t		 len;
	int		 quiet;		/* never logs about a delivery */
};
static const struct pf_name pf_a[] = { { "anvil", 5, 1 }, { NULL, 0, 0 } };
static const struct pf_name pf_b[] = { { "bounce", 6, 0 }, { NULL, 0, 0 } };
static const struct pf_name pf_c[] = { { "cleanup", 7, 0 }, { NULL, 0, 0 } };
static const struct pf_name pf_d[] = { { "dnsblog", 7, 1 }, { "discard", 7, 0 },
	{ NULL, 0, 0 } };
static const struct pf_name pf_e[] = { { "error", 5, 0 }, { NULL, 0, 0 } };
static const struct pf_name pf_f[] = { { "flush", 5, 1 }, { NULL, 0, 0 } };
static const struct pf_name pf_l[] = { { "lmtp", 4, 0 }, { "local", 5, 0 },
	{ NULL, 0, 0 } };
static const struct pf_name pf_m[] = { { "master", 6, 1 }, { NULL, 0, 0 } };
static const struct pf_name pf_n[] = { { "nqmgr", 5, 0 }, { NULL, 0, 0 } };
static const struct pf_name pf_o[] = { { "oqmgr", 5, 0 }, { NULL, 0, 0 } };
static const struct pf_name pf_p[] = { { "postscreen", 10, 0 },
	{ "pickup", 6, 1 }, { "pipe", 4, 0 }, { "proxymap", 8, 1 },
	{ "postfix-script", 14, 1 }, { "postsuper", 9, 1 }, { "postdrop", 8, 1 },
	{ NULL, 0, 0 } };
static const struct pf_name pf_q[] = { { "qmgr", 4, 0 }, { NULL, 0, 0 } };
static const struct pf_name pf_r[] = { { "retry", 5, 0 }, { NULL, 0, 0 } };
static const struct pf_name pf_s[] = { { "smtpd", 5, 0 }, { "smtp", 4, 0 },
	{ "submission/smtpd", 16, 0 }, { "scache", 6, 1 }, { "showq", 5, 1 },
	{ NULL, 0, 0 } };
static const struct pf_name pf_t[] = { { "tlsmgr", 6, 1 }, { "tlsproxy", 8, 1 },
	{ "trivial-rewrite", 15, 1 }, { NULL, 0, 0 } };
static const struct pf_name pf_v[] = { { "verify", 6, 1 }, { "virtual", 7, 0 },
	{ NULL, 0, 0 } };
static const struct pf_name *const pf_by_letter[26] = {
	['a' - 'a'] = pf_a, ['b' - 'a'] = pf_b, ['c' - 'a'] = pf_c,
	['d' - 'a'] = pf_d, ['e' - 'a'] = pf_e, ['f' - 'a'] = pf_f,
	['l' - 'a'] = pf_l, ['m' - 'a'] = pf_m, ['n' - 'a'] = pf_n,
	['o' - 'a'] = pf_o, ['p' - 'a'] = pf_p, ['q' - 'a'] = pf_q,
	['r' - 'a'] = pf_r, ['s' - 'a'] = pf_s, ['t' - 'a'] = pf_t,
	['v' - 'a'] = pf_v,
};

/* "name[" or "name:" at d.  The names are short and most differ from
 * d in their first bytes: a loop beats a call to memcmp() here, where
 * every line of a log passes. */
static int
name_at(const char *d, const char *end, const struct pf_name *f)
{
	uint64_t	a, b, x, y;
	size_t		i;
	char		c;

	if ((size_t)(end - d) <= f->len)
		return 0;
	c = d[f->len];
	if (c != '[' && c != ':')
		return 0;
	if (f->len >= 8) {		/* two words, overlapping */
		memcpy(&a, d, 8);
		memcpy(&b, f->name, 8);
		memcpy(&x, d + f->len - 8, 8);
		memcpy(&y, f->name + f->len - 8, 8);
		return ((a ^ b) | (x ^ y)) == 0;
	}
	for (i = 1; i < f->len; i++)	/* d[0] is the table's letter */
		if (d[i] != f->name[i])
			return 0;
	return 1;
}

size_t
maillog_postfix_name(const char *d, const char *end, int *quiet)
{
	const struct pf_name	*f;

	*quiet = 0;
	if (d >= end || *d < 'a' || *d > 'z' ||
	    (f = pf_by_letter[*d - 'a']) == NULL)
		return 0;
	for (; f->name != NULL; f++)
		if (name_at(d, end, f)) {
			*quiet = f->quiet;
			return f->len;
		}
	return 0;
}

void
maillog_postfix_parse(struct maillog_line *l)
{
	const char	*p = l->msg.p, *end = p + l->msg.n, *q;

	if (l->quiet)
		return;
	/* "QID: ": 5 to 31 characters before ": " */
	q = maillog_first(p, end - p > 32 ? p + 32 : end, ':', ' ');
	if (q - p < 5 || q + 2 >= end || q[0] != ':' || q[1] != ' ' ||
	    !maillog_alnum[(unsigned char)p[0]] ||
	    !maillog_alnum[(unsigned char)q[-1]])
		return;
	if (q - p == 7 && same(p, "NOQUEUE", 7)) {
		q += 2;
		if (starts(q, end, "reject: ", 8)) {
			maillog_line_fields(l, NULL, 0);
			reject(l, q + 8, end);
		} else if (starts(q, end, "milter-reject: ", 15)) {
			maillog_line_fields(l, NULL, 0);
			reject(l, q + 15, end);
		}
		return;
	}
	q += 2;
	with_qid(l, p, (size_t)(q - 2 - p), q, end);
}
