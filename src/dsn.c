/*
 * dsn.c - the fields of an RFC 3464 delivery status notification.
 *
 * Input: text with LF line ends.  Output: struct dsn_report (dsn.h).
 * A field starts at a line "Name: value" whose name is one of the table
 * below (case-insensitive, optionally after "> " quoting); lines that
 * start with blanks continue it; a blank line ends a group.  Unknown
 * fields and prose between the fields are skipped, so the same reader
 * serves message/delivery-status parts and reports pasted into text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsn.h"
#include "xalloc.h"

enum dsn_key {
	K_NONE, K_FINAL, K_ORIG, K_ACTION, K_STATUS, K_REMOTE, K_DIAG,
	K_LAST, K_REPORTING, K_QUEUE, K_SENDER, K_ARRIVAL, K_CATEGORY,
};

static const struct {
	const char	*name;
	enum dsn_key	 key;
} keys[] = {
	{ "Final-Recipient", K_FINAL },
	{ "Original-Recipient", K_ORIG },
	{ "X-Actual-Recipient", K_NONE },
	{ "Action", K_ACTION },
	{ "Status", K_STATUS },
	{ "Remote-MTA", K_REMOTE },
	{ "Diagnostic-Code", K_DIAG },
	{ "Last-Attempt-Date", K_LAST },
	{ "Reporting-MTA", K_REPORTING },
	{ "X-Postfix-Queue-ID", K_QUEUE },
	{ "X-Postfix-Sender", K_SENDER },
	{ "Arrival-Date", K_ARRIVAL },
	{ "X-PowerMTA-BounceCategory", K_CATEGORY },
	{ "Received-From-MTA", K_NONE },
	{ "Will-Retry-Until", K_NONE },
	{ "Final-Log-ID", K_NONE },
	{ "Original-Envelope-Id", K_NONE },
	{ "DSN-Gateway", K_NONE },
};

/* Length of the quoting ("> ", ">> ") at the start of a line. */
static size_t
quote_len(const char *s, size_t n)
{
	size_t	i = 0;

	while (i < n && s[i] == '>') {
		i++;
		if (i < n && s[i] == ' ')
			i++;
	}
	return i;
}

/* Finds the field named at s[0..n); returns its table index or -1 and
 * stores the offset of the value. */
static int
field_at(const char *s, size_t n, size_t *voff)
{
	size_t	i, k;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		k = strlen(keys[i].name);
		if (n > k && s[k] == ':' && strncasecmp(s, keys[i].name,
		    k) == 0) {
			*voff = k + 1;
			return (int)i;
		}
	}
	return -1;
}

char *
dsn_address(const char *s, size_t n)
{
	const char	*at, *b, *e, *end = s + n;
	const char	*stop = " \t<>;:,\"()[]";

	if ((at = memchr(s, '@', n)) == NULL)
		return NULL;
	for (b = at; b > s && strchr(stop, b[-1]) == NULL; b--)
		;
	for (e = at + 1; e < end && strchr(stop, *e) == NULL; e++)
		;
	while (e > at + 1 && (e[-1] == '.'))
		e--;
	if (b == at || e == at + 1)
		return NULL;
	return xstrndup(b, (size_t)(e - b));
}

/* Unfolds v[0..n): whitespace runs become one space, ends trimmed. */
static char *
unfold(const char *v, size_t n)
{
	char	*o = xmalloc(n + 1);
	size_t	 i, k = 0;
	int	 sp = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' ||
		    v[i] == '\r') {
			sp = k > 0;
			continue;
		}
		if (sp)
			o[k++] = ' ';
		sp = 0;
		o[k++] = v[i];
	}
	o[k] = '\0';
	return o;
}

/* Splits "type; text" into *type (lower case, or NULL) and the text. */
static char *
typed(const char *v, char **type)
{
	const char	*semi = strchr(v, ';');
	size_t		 i;

	*type = NULL;
	if (semi == NULL || semi - v > 20 || memchr(v, ' ', (size_t)(semi -
	    v)) != NULL)
		return xstrdup(v);
	*type = xstrndup(v, (size_t)(semi - v));
	for (i = 0; (*type)[i] != '\0'; i++)
		if ((*type)[i] >= 'A' && (*type)[i] <= 'Z')
			(*type)[i] = (char)((*type)[i] - 'A' + 'a');
	for (semi++; *semi == ' '; semi++)
		;
	return xstrdup(semi);
}

static void
set(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

static struct dsn_rcpt *
new_rcpt(struct dsn_report *r, unsigned long line)
{
	r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
	memset(&r->v[r->n], 0, sizeof r->v[0]);
	r->v[r->n].line = line;
	return &r->v[r->n++];
}

/* Does this field, seen in the current group, open a new recipient?
 * An Original-Recipient that names the current Final-Recipient is that
 * recipient's, in whatever order the fields come. */
static int
opens_rcpt(enum dsn_key k, const struct dsn_rcpt *cur, const char *v)
{
	char	*a;
	int	 same;

	if (cur == NULL)
		return k == K_FINAL || k == K_ORIG || k == K_ACTION ||
		    k == K_STATUS || k == K_DIAG || k == K_REMOTE;
	if (k == K_FINAL)
		return cur->final_rcpt != NULL;
	if (k == K_ORIG && cur->orig_rcpt == NULL &&
	    cur->final_rcpt != NULL) {
		a = dsn_address(v, strlen(v));
		same = a != NULL && strcasecmp(a, cur->final_rcpt) == 0;
		free(a);
		if (same)
			return 0;
	}
	if (k == K_ORIG)
		return cur->orig_rcpt != NULL || (cur->final_rcpt != NULL &&
		    (cur->action != NULL || cur->status != NULL));
	if (k == K_ACTION)
		return cur->action != NULL;
	return 0;
}

static void
store_rcpt(struct dsn_rcpt *c, enum dsn_key k, char *v, unsigned long line)
{
	char	*t;
	size_t	 i;

	switch (k) {
	case K_FINAL:
		set(&c->final_rcpt, dsn_address(v, strlen(v)));
		break;
	case K_ORIG:
		set(&c->orig_rcpt, dsn_address(v, strlen(v)));
		break;
	case K_ACTION:
		for (i = 0; v[i] != '\0'; i++)
			if (v[i] >= 'A' && v[i] <= 'Z')
				v[i] = (char)(v[i] - 'A' + 'a');
		v[strcspn(v, " ;(")] = '\0';
		set(&c->action, xstrdup(v));
		break;
	case K_STATUS:
		v[strcspn(v, " ;(")] = '\0';
		set(&c->status, xstrdup(v));
		break;
	case K_REMOTE:
		set(&c->remote_mta, typed(v, &t));
		free(t);
		break;
	case K_DIAG:
		free(c->diag_type);
		set(&c->diag, typed(v, &c->diag_type));
		c->line = line;
		break;
	case K_LAST:
		set(&c->last_attempt, xstrdup(v));
		break;
	case K_CATEGORY:
		set(&c->category, xstrdup(v));
		break;
	default:
		break;
	}
}

static void
store(struct dsn_report *r, struct dsn_rcpt **cur, enum dsn_key k,
    char *v, unsigned long line)
{
	char	*t;

	switch (k) {
	case K_REPORTING:
		set(&r->reporting_mta, typed(v, &t));
		free(t);
		return;
	case K_QUEUE:
		set(&r->queue_id, xstrdup(v));
		return;
	case K_SENDER:
		set(&r->sender, dsn_address(v, strlen(v)));
		return;
	case K_ARRIVAL:
		set(&r->arrival, xstrdup(v));
		return;
	case K_NONE:
		return;
	default:
		break;
	}
	if (opens_rcpt(k, *cur, v))
		*cur = new_rcpt(r, line);
	if (*cur != NULL)
		store_rcpt(*cur, k, v, line);
}

/* The end of the field starting at s: its continuation lines too. */
static const char *
field_end(const char *s, const char *end)
{
	const char	*e;

	for (;;) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
			return end;
		s = e + 1;
		if (s >= end)
			return end;
		s += quote_len(s, (size_t)(end - s));
		if (s >= end || (*s != ' ' && *s != '\t') ||
		    s[strspn(s, " \t")] == '\n')
			return e;
	}
}

size_t
dsn_parse(const char *text, size_t len, struct dsn_report *out)
{
	const char	*s = text, *end = text + len, *e, *l;
	struct dsn_rcpt	*cur = NULL;
	unsigned long	 line = 0;
	size_t		 q, voff, i;
	char		*v, *raw;
	int		 k;

	memset(out, 0, sizeof *out);
	for (; s < end; s = e + (e < end), line++) {
		q = quote_len(s, (size_t)(end - s));
		l = s + q;
		e = memchr(s, '\n', (size_t)(end - s));
		e = e ? e : end;
		if (l >= e || strspn(l, " \t\r") >= (size_t)(e - l)) {
			cur = NULL;	/* blank line: the group ends */
			continue;
		}
		if ((k = field_at(l, (size_t)(e - l), &voff)) < 0)
			continue;
		e = field_end(s, end);
		raw = xstrndup(l + voff, (size_t)(e - l - voff));
		v = unfold(raw, strlen(raw));
		store(out, &cur, keys[k].key, v, line);
		for (i = 0; raw[i] != '\0'; i++)
			line += raw[i] == '\n';
		free(raw);
		free(v);
	}
	return out->n;
}

void
dsn_release(struct dsn_report *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].final_rcpt);
		free(r->v[i].orig_rcpt);
		free(r->v[i].action);
		free(r->v[i].status);
		free(r->v[i].remote_mta);
		free(r->v[i].diag_type);
		free(r->v[i].diag);
		free(r->v[i].last_attempt);
		free(r->v[i].category);
	}
	free(r->v);
	free(r->reporting_mta);
	free(r->queue_id);
	free(r->sender);
	free(r->arrival);
	memset(r, 0, sizeof *r);
}
