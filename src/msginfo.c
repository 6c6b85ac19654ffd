/*
 * msginfo.c - small judgements about a message (see msginfo.h).
 *
 * The word lists are the phrases mailers use for bounces, delay warnings
 * and auto-replies in their headers and texts; they are matched without
 * regard to case.  The SES reader is not a JSON parser: it finds the few
 * keys SES writes, in the one shape SES writes them.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "findings.h"
#include "msginfo.h"
#include "prose.h"
#include "xalloc.h"

static const char *const bounce_subjects[] = {
	"undeliver", "returned mail", "delivery status notification",
	"delivery failure", "failure notice", "delivery failed",
	"could not be delivered", "non-delivery", "nondelivery",
	"non delivery", "delivery report", "delayed mail", "mail failure",
	"returned to sender", "delivery problem", "not delivered",
	"delivery notification", "mail delivery", "failed delivery",
	"delivery has failed", "warning: message", "postmaster notify",
	"delivery error", "bounced", "mail system error", "error sending",
	"message you sent blocked", "delivery status", "rejected",
	"unzustellbar", "non remis", "no entregado", "impossible de remettre",
};

static const char *const bounce_senders[] = {
	"mailer-daemon", "postmaster", "mail delivery", "mail-daemon",
	"mail administrator", "mailerdaemon", "mdaemon", "mail system",
};

/* Sentences of the notices of common mailers. */
static const char *const bounce_phrases[] = {
	"could not be delivered", "couldn't be delivered", "undeliverable",
	"delivery has failed", "was not delivered", "failed permanently",
	"permanent error", "qmail-send program", "this is the mail system",
	"transcript of session follows", "unable to deliver",
	"delivery to the following recipient", "did not reach the following",
	"could not deliver", "returned to sender", "following address",
	"following recipient", "delivery failed", "not be delivered",
	"smtp error from remote", "remote server returned",
	"diagnostic information for administrators", "mailer-daemon",
	"are not a member of", "message could not be sent",
	"your message to", "has not been delivered", "delivery problem",
	"temporary failure", "delivery attempts", "giving up",
	"in reply to rcpt to", "error has occurred while attempting",
	"remote host said", "trouble delivering", "returned permanent errors",
	"message was not", "(reason:", "no valid recipients",
};

static const char *const delay_phrases[] = {
	"warning only", "will be retried", "will retry",
	"still being retried", "delivery delayed", "has been delayed",
	"delayed", "not yet been delivered", "delay)", "warning message only",
	"will continue trying", "do not need to resend",
};

static const char *const autoreply_subjects[] = {
	"auto reply", "auto-reply", "autoreply", "automatic reply",
	"autorespon", "auto response", "auto-response", "out of office",
	"out of the office", "vacation", "away from", "abwesenheit",
	"absence", "auto:", "autosvar", "respuesta autom", "réponse autom",
	"i am away", "i am out", "i'm away", "away until", "on leave",
};

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
any_ci(const char *s, size_t n, const char *const *list, size_t nlist)
{
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; i < nlist; i++)
		if (has_ci(s, n, list[i]))
			return 1;
	return 0;
}

#define ANY(s, n, list) any_ci(s, n, list, sizeof list / sizeof list[0])

size_t
msginfo_field_len(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && p[i] != ':'; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
			return 0;
	return i > 0 && i < n && i < 80 ? i : 0;
}

int
msginfo_dsn_field(const char *p, size_t n)
{
	static const char *const names[] = {
		"final-recipient:", "original-recipient:", "reporting-mta:",
		"action:", "status:", "diagnostic-code:", "arrival-date:",
		"remote-mta:", "x-postfix-queue-id:",
	};
	size_t	i, k;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		k = strlen(names[i]);
		if (n >= k && strncasecmp(p, names[i], k) == 0)
			return 1;
	}
	return 0;
}

int
msginfo_bounce_header(const char *from, const char *subject,
    const char *ctype)
{
	if (ctype != NULL && has_ci(ctype, strlen(ctype), "multipart/report")
	    && !has_ci(ctype, strlen(ctype), "disposition-notification"))
		return 1;
	if (from != NULL && ANY(from, strlen(from), bounce_senders))
		return 1;
	return subject != NULL && ANY(subject, strlen(subject),
	    bounce_subjects);
}

int
msginfo_bounce_text(const char *text, size_t len)
{
	return ANY(text, len > 8192 ? 8192 : len, bounce_phrases);
}

int
msginfo_delay_text(const char *subject, const char *text, size_t len)
{
	if (subject != NULL && (has_ci(subject, strlen(subject), "delay") ||
	    has_ci(subject, strlen(subject), "warning")))
		return 1;
	return ANY(text, len > 4096 ? 4096 : len, delay_phrases);
}

int
msginfo_autoreply(const char *(*get)(const char *, const void *),
    const void *arg)
{
	const char	*v;

	if ((v = get("Auto-Submitted", arg)) != NULL &&
	    strncasecmp(v, "auto-replied", 12) == 0)
		return 1;
	if (get("X-Autoreply", arg) != NULL ||
	    get("X-Autorespond", arg) != NULL ||
	    get("X-Auto-Response", arg) != NULL)
		return 1;
	if ((v = get("Precedence", arg)) != NULL &&
	    strncasecmp(v, "auto_reply", 10) == 0)
		return 1;
	return (v = get("Subject", arg)) != NULL &&
	    ANY(v, strlen(v), autoreply_subjects);
}

/* A host name or address token at s (letters, digits, . - : _). */
static char *
host_token(const char *s)
{
	size_t	n = 0;

	while (isalnum((unsigned char)s[n]) || (s[n] != '\0' &&
	    strchr(".-_:", s[n]) != NULL))
		n++;
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ':'))
		n--;
	if (n < 3 || memchr(s, '.', n) == NULL)
		return NULL;
	return xstrndup(s, n);
}

char *
msginfo_remote_host(const char *text)
{
	static const char *const intro[] = {
		"host ", "while talking to ", "remote host ", "server ",
		"connect to ",
	};
	const char	*p;
	char		*h;
	size_t		 i, k;

	for (i = 0; i < sizeof intro / sizeof intro[0]; i++) {
		k = strlen(intro[i]);
		for (p = text; (p = strcasestr(p, intro[i])) != NULL; p += k) {
			if (p > text && isalpha((unsigned char)p[-1]))
				continue;
			if ((h = host_token(p + k)) == NULL)
				continue;
			if (strchr(h, '.') != NULL)
				return h;
			free(h);
		}
	}
	return NULL;
}

static const char *const months[] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
	"nov", "dec",
};

/* Named zones of RFC 5322 s4.3, in minutes east of UTC. */
static int
zone_minutes(const char *z, int *ok)
{
	static const struct {
		const char	*name;
		int		 min;
	} zones[] = {
		{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
		{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 },
		{ "CDT", -300 }, { "MST", -420 }, { "MDT", -360 },
		{ "PST", -480 }, { "PDT", -420 }, { "JST", 540 },
	};
	size_t	i;
	int	v;

	*ok = 1;
	if ((z[0] == '+' || z[0] == '-') && isdigit((unsigned char)z[1]) &&
	    strspn(z + 1, "0123456789") == 4) {
		v = (z[1] - '0') * 600 + (z[2] - '0') * 60 +
		    (z[3] - '0') * 10 + (z[4] - '0');
		return z[0] == '-' ? -v : v;
	}
	for (i = 0; i < sizeof zones / sizeof zones[0]; i++)
		if (strncasecmp(z, zones[i].name, strlen(zones[i].name)) ==
		    0 && !isalpha((unsigned char)z[strlen(zones[i].name)]))
			return zones[i].min;
	*ok = 0;
	return 0;
}

char *
msginfo_iso_date(const char *s)
{
	char	 mon[4], zone[16];
	int	 day, year, hh, mm, ss = 0, m, z, ok, n = 0;
	const char *p = s;

	while (*p == ' ')
		p++;
	if (isalpha((unsigned char)*p) && (p = strchr(p, ',')) != NULL)
		p++;
	else
		p = s;
	if (sscanf(p, " %d %3s %d %d:%d%n", &day, mon, &year, &hh, &mm,
	    &n) != 5)
		return xstrdup(s);
	p += n;
	if (*p == ':' && sscanf(p, ":%d%n", &ss, &n) == 1)
		p += n;
	zone[0] = '\0';
	if (sscanf(p, " %15s", zone) != 1)
		return xstrdup(s);
	for (m = 0; m < 12 && strncasecmp(mon, months[m], 3) != 0; m++)
		;
	z = zone_minutes(zone, &ok);
	if (m == 12 || !ok || day < 1 || day > 31 || hh > 23 || mm > 59 ||
	    ss > 60)
		return xstrdup(s);
	if (year < 100)
		year += year < 50 ? 2000 : 1900;
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", year,
	    m + 1, day, hh, mm, ss, z < 0 ? '-' : '+', abs(z) / 60,
	    abs(z) % 60);
}

/* ------------------------------------------------------ Amazon SES */

/* The string value of "key" in s[0..n), JSON escapes undone. */
static char *
json_str(const char *s, size_t n, const char *key)
{
	char		 pat[64], *o;
	const char	*p, *end = s + n;
	size_t		 k = 0;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	for (p = s; p < end; p++) {
		if ((size_t)(end - p) < strlen(pat) ||
		    strncmp(p, pat, strlen(pat)) != 0)
			continue;
		p += strlen(pat);
		while (p < end && (*p == ' ' || *p == ':'))
			p++;
		if (p >= end || *p != '"')
			return NULL;
		o = xmalloc((size_t)(end - p) + 1);
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end) {
				p++;
				o[k++] = *p == 'n' ? ' ' : *p == 't' ? ' ' :
				    *p;
				continue;
			}
			o[k++] = *p;
		}
		o[k] = '\0';
		return o;
	}
	return NULL;
}

/* The span of the array after "key":[ in s[0..n), or NULL. */
static const char *
json_array(const char *s, size_t n, const char *key, size_t *alen)
{
	char		 pat[64];
	const char	*p, *q, *end = s + n;
	int		 depth = 0;

	snprintf(pat, sizeof pat, "\"%s\":[", key);
	for (p = s; p + strlen(pat) <= end; p++) {
		if (strncmp(p, pat, strlen(pat)) != 0)
			continue;
		p += strlen(pat);
		for (q = p; q < end; q++) {
			if (*q == '[' || *q == '{')
				depth++;
			else if ((*q == ']' || *q == '}') && depth-- == 0)
				break;
		}
		*alen = (size_t)(q - p);
		return p;
	}
	return NULL;
}

static struct msginfo_ses *
ses_add(struct msginfo_ses **v, size_t *n, int kind)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	memset(&(*v)[*n], 0, sizeof (*v)[0]);
	(*v)[*n].kind = kind;
	return &(*v)[(*n)++];
}

/* The notification inside an SNS envelope is a JSON string: its quotes
 * come escaped.  Returns the text with them unescaped, or NULL. */
static char *
sns_unwrap(const char *text, size_t len, size_t *outlen)
{
	char	*u;
	size_t	 j, k = 0;

	if (memmem(text, len, "\\\"notificationType\\\"", 20) == NULL)
		return NULL;
	u = xmalloc(len + 1);
	for (j = 0; j < len; j++)
		if (text[j] != '\\' || j + 1 == len || text[j + 1] != '"')
			u[k++] = text[j];
	u[k] = '\0';
	*outlen = k;
	return u;
}

static size_t	ses_parse(const char *, size_t, struct msginfo_ses **);

size_t
msginfo_ses_parse(const char *text, size_t len, struct msginfo_ses **out)
{
	char	*u;
	size_t	 n, ulen;

	if ((n = ses_parse(text, len, out)) > 0 ||
	    (u = sns_unwrap(text, len, &ulen)) == NULL)
		return n;
	n = ses_parse(u, ulen, out);
	free(u);
	return n;
}

static size_t
ses_parse(const char *text, size_t len, struct msginfo_ses **out)
{
	const char		*a, *o, *e;
	struct msginfo_ses	*r;
	size_t			 alen, n = 0;
	char			*type = json_str(text, len, "notificationType");
	int			 kind;

	*out = NULL;
	if (type == NULL)
		return 0;
	kind = tolower((unsigned char)type[0]);
	free(type);
	if ((a = json_array(text, len, kind == 'b' ? "bouncedRecipients" :
	    kind == 'c' ? "complainedRecipients" : "recipients", &alen)) ==
	    NULL)
		return 0;
	for (o = a; o < a + alen; o = e + 1) {
		if (kind == 'd') {	/* an array of strings */
			if ((o = memchr(o, '"', (size_t)(a + alen - o))) ==
			    NULL || (e = memchr(o + 1, '"',
			    (size_t)(a + alen - o - 1))) == NULL)
				break;
			r = ses_add(out, &n, kind);
			r->addr = xstrndup(o + 1, (size_t)(e - o - 1));
			r->action = xstrdup("delivered");
			r->diag = json_str(text, len, "smtpResponse");
			r->remote = json_str(text, len, "remoteMtaIp");
			continue;
		}
		if ((o = memchr(o, '{', (size_t)(a + alen - o))) == NULL ||
		    (e = memchr(o, '}', (size_t)(a + alen - o))) == NULL)
			break;
		r = ses_add(out, &n, kind);
		r->addr = json_str(o, (size_t)(e - o), "emailAddress");
		r->action = json_str(o, (size_t)(e - o), "action");
		r->status = json_str(o, (size_t)(e - o), "status");
		r->diag = json_str(o, (size_t)(e - o), "diagnosticCode");
	}
	return n;
}

void
msginfo_ses_free(struct msginfo_ses *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].addr);
		free(v[i].action);
		free(v[i].status);
		free(v[i].diag);
		free(v[i].remote);
	}
	free(v);
}

/* ------------------------------------------------------------- HTML */

static size_t
entity(const char *s, size_t n, char *o)
{
	static const struct {
		const char	*name;
		char		 c;
	} ents[] = {
		{ "&nbsp;", ' ' }, { "&amp;", '&' }, { "&lt;", '<' },
		{ "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' },
		{ "&apos;", '\'' },
	};
	size_t	i, k;

	for (i = 0; i < sizeof ents / sizeof ents[0]; i++) {
		k = strlen(ents[i].name);
		if (n >= k && strncasecmp(s, ents[i].name, k) == 0) {
			*o = ents[i].c;
			return k;
		}
	}
	return 0;
}

void
msginfo_strip_html(char *t, size_t *len)
{
	static const char *const breaks[] = {
		"br", "/p", "p", "/div", "/tr", "/li", "/h", "/table", "hr",
		"/td", "/title",
	};
	size_t	 i = 0, k = 0, n = *len, j, e;
	char	*gt;

	while (i < n) {
		if (t[i] == '&' && (e = entity(t + i, n - i, &t[k])) > 0) {
			k++;
			i += e;
			continue;
		}
		if (t[i] != '<') {
			t[k++] = t[i] == '\n' || t[i] == '\r' ? ' ' : t[i];
			i++;
			continue;
		}
		if (strncasecmp(t + i, "<style", 6) == 0 ||
		    strncasecmp(t + i, "<script", 7) == 0) {
			gt = strcasestr(t + i, t[i + 2] == 't' ? "</style" :
			    "</script");
			i = gt ? (size_t)(gt - t) + 2 : n;
		}
		for (j = 0; j < sizeof breaks / sizeof breaks[0]; j++)
			if (strncasecmp(t + i + 1, breaks[j],
			    strlen(breaks[j])) == 0 &&
			    !isalpha((unsigned char)t[i + 1 +
			    strlen(breaks[j])])) {
				t[k++] = '\n';
				break;
			}
		gt = memchr(t + i, '>', n - i);
		i = gt ? (size_t)(gt - t) + 1 : n;
	}
	t[k] = '\0';
	*len = k;
}

/* ------------------------------------------------- lenient codes */

void
msginfo_lenient_codes(const char *t, char reply[4], char status[12])
{
	const char	*p, *q;
	struct findings	 f;
	size_t		 len = strlen(t), n, k;

	/* "550: 5.2.2 <a@b>... Mailbox Full" */
	if (findings_reply_len(t, len) == 3 && t[3] == ':' && t[4] == ' ') {
		memcpy(reply, t, 3);
		reply[3] = '\0';
	}
	if (findings_scan(t, len, &f) > 0 || status[0] != '\0')
		return;
	for (p = t; *p != '\0'; p++) {
		if (p > t && (isdigit((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		n = len - (size_t)(p - t);
		if ((p[0] == '4' || p[0] == '5') && status[0] == '\0' &&
		    (k = findings_status_len(p, n)) > 0 && k < 12 &&
		    !isdigit((unsigned char)p[k]) && p[k] != '.') {
			memcpy(status, p, k);
			status[k] = '\0';
		}
		for (q = p; q > t && p - q < 8 && (q[-1] == ' ' ||
		    q[-1] == ':'); q--)
			;
		if (reply[0] == '\0' && q < p && q - t >= 4 &&
		    strncasecmp(q - 4, "code", 4) == 0 &&
		    findings_reply_len(p, n) == 3 &&
		    !isdigit((unsigned char)p[3])) {
			memcpy(reply, p, 3);
			reply[3] = '\0';
		}
	}
}

/* ------------------------------------------------------ transcripts */

/* The phase of the SMTP command that opens s ("RCPT TO:<a@b>"). */
static enum findings_phase
command_phase(const char *s)
{
	static const struct {
		const char		*cmd;
		enum findings_phase	 phase;
	} cmds[] = {
		{ "RCPT", FINDINGS_PHASE_RCPT },
		{ "MAIL", FINDINGS_PHASE_MAIL },
		{ "DATA", FINDINGS_PHASE_DATA }, { ".", FINDINGS_PHASE_DATA },
		{ "EHLO", FINDINGS_PHASE_EHLO },
		{ "HELO", FINDINGS_PHASE_EHLO },
		{ "STARTTLS", FINDINGS_PHASE_STARTTLS },
		{ "AUTH", FINDINGS_PHASE_AUTH },
		{ "QUIT", FINDINGS_PHASE_QUIT },
	};
	size_t	i;

	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strncasecmp(s, cmds[i].cmd, strlen(cmds[i].cmd)) == 0)
			return cmds[i].phase;
	return FINDINGS_PHASE_NONE;
}

enum findings_phase
msginfo_transcript_phase(const char *t)
{
	/* wordings that name the step without the usual "in reply to"
	 * (GMX, qmail and its kin) */
	static const struct {
		const char		*words;
		enum findings_phase	 phase;
	} says[] = {
		{ "after rcpt command", FINDINGS_PHASE_RCPT },
		{ "after mail command", FINDINGS_PHASE_MAIL },
		{ "after data command", FINDINGS_PHASE_DATA },
		{ "but sender was rejected", FINDINGS_PHASE_MAIL },
		{ "but my name was rejected", FINDINGS_PHASE_EHLO },
		{ "but greeting failed", FINDINGS_PHASE_CONNECT },
	};
	const char		*p, *last = NULL;
	struct findings		 f;
	size_t			 i;

	/* the command sent last before the reply that ended it */
	for (p = t; (p = strstr(p, ">>> ")) != NULL; p += 4)
		last = p + 4;
	if (last != NULL)
		return command_phase(last);
	if (findings_scan(t, strlen(t), &f) > 0 &&
	    f.phase != FINDINGS_PHASE_NONE)
		return f.phase;
	for (i = 0; i < sizeof says / sizeof says[0]; i++)
		if (strcasestr(t, says[i].words) != NULL)
			return says[i].phase;
	return FINDINGS_PHASE_NONE;
}

/* With pipelining, the reply that follows ">>> DATA" may answer an
 * earlier RCPT: Sendmail writes those as "<a@b>... text". */
static enum findings_phase
pipelined(enum findings_phase cmd, const char *reply)
{
	const char	*lt = strchr(reply, '<'), *gt;

	if (cmd != FINDINGS_PHASE_DATA || lt == NULL ||
	    (gt = strchr(lt, '>')) == NULL || strncmp(gt, ">...", 4) != 0 ||
	    memchr(lt, '@', (size_t)(gt - lt)) == NULL)
		return cmd;
	return FINDINGS_PHASE_RCPT;
}

enum findings_phase
msginfo_reply_phase(const char *text, size_t len, const char *diag)
{
	const char	*end = text + len, *at, *p, *q;
	size_t		 dn = strlen(diag) < 60 ? strlen(diag) : 60;

	if (dn < 8)
		return FINDINGS_PHASE_NONE;
	for (at = text; at < end && (at = memmem(at, (size_t)(end - at),
	    diag, dn)) != NULL; at += dn) {
		if (at - text < 6 || memcmp(at - 4, "<<< ", 4) != 0 ||
		    at[-5] != '\n')
			continue;
		for (p = at - 5; p > text && p[-1] != '\n'; p--)
			;
		if (at - 5 - p > 4 && memcmp(p, ">>> ", 4) == 0)
			return pipelined(command_phase(p + 4), diag);
		for (q = p; q < at - 5 - 16; q++)
			if (strncasecmp(q, "while talking to", 16) == 0)
				return FINDINGS_PHASE_CONNECT;
		return FINDINGS_PHASE_NONE;
	}
	return FINDINGS_PHASE_NONE;
}

/* -------------------------------------------------- folded replies */

/* Line [s, e) without the transcript's "<<< " and leading blanks. */
static const char *
reply_line(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if (e - s >= 4 && memcmp(s, "<<< ", 4) == 0)
		s += 4;
	return s;
}

/* The reply lines from the line holding at on, unfolded, or NULL when
 * there is only one; *cmd gets the ">>> " line just above, or NULL. */
static char *
reply_lines(const char *text, const char *end, const char *at,
    const char *code, const char **cmd)
{
	const char	*s, *e, *p;
	char		*b = NULL, *out;
	size_t		 bn = 0, nl = 0;

	for (s = at; s > text && s[-1] != '\n'; s--)
		;
	*cmd = NULL;
	if (s > text + 1) {
		for (p = s - 1; p > text && p[-1] != '\n'; p--)
			;
		if (s - 1 - p > 4 && memcmp(p, ">>> ", 4) == 0)
			*cmd = p;
	}
	for (; s < end; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		p = reply_line(s, e);
		if (e - p < 4 || memcmp(p, code, 3) != 0 ||
		    (p[3] != '-' && p[3] != ' '))
			break;
		b = xreallocarray(b, bn + (size_t)(e - p) + 2, 1);
		memcpy(b + bn, p, (size_t)(e - p));
		bn += (size_t)(e - p);
		b[bn++] = '\n';
		nl++;
		if (p[3] == ' ' || e == end)
			break;
	}
	out = nl > 1 ? findings_unfold(b, bn, NULL) : NULL;
	free(b);
	return out;
}

char *
msginfo_full_reply(const char *text, size_t len, const char *diag)
{
	const char	*end = text + len, *at, *cmd, *e;
	char		*out = NULL, *b;
	size_t		 dn = strlen(diag) < 60 ? strlen(diag) : 60;

	/* only the first line of a reply that goes on ("550-5.7.1 …") */
	if (dn < 8 || findings_reply_len(diag, 3) != 3 || diag[3] != '-')
		return NULL;
	for (at = text; out == NULL && at < end &&
	    (at = memmem(at, (size_t)(end - at), diag, dn)) != NULL; at += dn)
		out = reply_lines(text, end, at, diag, &cmd);
	if (out != NULL && cmd != NULL) {
		e = memchr(cmd, '\n', (size_t)(end - cmd));
		b = xasprintf("%.*s %s", (int)(e - cmd), cmd, out);
		free(out);
		out = b;
	}
	return out;
}

/* ------------------------------------------------ MTA's own verdict */

const char *
msginfo_category_reason(const char *category)
{
	/* PowerMTA's bounce categories */
	static const char *const map[][2] = {
		{ "bad-mailbox", "userunknown" },
		{ "bad-domain", "hostunknown" },
		{ "inactive-mailbox", "suspend" },
		{ "quota-issues", "mailboxfull" },
		{ "invalid-sender", "rejected" },
		{ "spam-related", "spamdetected" },
		{ "virus-related", "virusdetected" },
		{ "policy-related", "policyviolation" },
		{ "relaying-issues", "norelaying" },
		{ "message-expired", "expired" },
		{ "no-answer-from-host", "expired" },
		{ "content-related", "contenterror" },
		{ "bad-connection", "networkerror" },
		{ "routing-errors", "systemerror" },
		{ "bad-configuration", "systemerror" },
		{ "protocol-errors", "syntaxerror" },
	};
	size_t	i;

	for (i = 0; category != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(category, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* ------------------------------------------------- the failing reply */

/* The status span right after reply span i of f ("421 4.4.2"), or -1. */
static int
status_after(const struct findings *f, size_t i)
{
	if (i + 1 < f->nspans && f->spans[i + 1].kind == FINDINGS_STATUS &&
	    f->spans[i + 1].off == f->spans[i].off + 4)
		return (int)i + 1;
	return -1;
}

void
msginfo_failure_codes(const char *t, char reply[4], char status[12])
{
	struct findings	f;
	size_t		i;
	int		s, cls;

	if (reply[0] != '\0' || findings_scan(t, strlen(t), &f) == 0 ||
	    f.reply == 0)
		return;
	cls = '0' + f.reply / 100;
	if (f.reply >= 400 && (f.status[0] == '\0' || f.status[0] == cls))
		return;
	for (i = 0; i < f.nspans; i++) {
		if (f.spans[i].kind != FINDINGS_REPLY ||
		    t[f.spans[i].off] < '4')
			continue;
		s = status_after(&f, i);
		if (s >= 0 && t[f.spans[s].off] != t[f.spans[i].off])
			continue;
		if (f.reply >= 400 && s < 0)
			continue;	/* no better than the first */
		memcpy(reply, t + f.spans[i].off, 3);
		reply[3] = '\0';
		if (s >= 0 && f.spans[s].len < 12 && (status[0] == '\0' ||
		    strcmp(status, f.status) == 0)) {
			memcpy(status, t + f.spans[s].off, f.spans[s].len);
			status[f.spans[s].len] = '\0';
		}
		return;
	}
}
