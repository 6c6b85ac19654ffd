/*
 * view_json.c - JSON Lines output (RFC 8259), one object per line.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "diagnosis.h"
#include "esc.h"
#include "findings.h"
#include "group.h"
#include "kb.h"
#include "record.h"
#include "view_json.h"

void
view_json_string(FILE *fp, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k;
	unsigned		 cp;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	putc('"', fp);
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' &&
		    p[i] != '\\') {
			putc(p[i++], fp);
			continue;
		}
		switch (p[i]) {
		case '"':
			fputs("\\\"", fp);
			i++;
			continue;
		case '\\':
			fputs("\\\\", fp);
			i++;
			continue;
		case '\n':
			fputs("\\n", fp);
			i++;
			continue;
		case '\t':
			fputs("\\t", fp);
			i++;
			continue;
		case '\r':
			fputs("\\r", fp);
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(fp, "\\u%04x", p[i++]);
			continue;
		}
		k = esc_utf8_decode(p + i, len - i, &cp);
		if (k == 0) {
			fputs("\\ufffd", fp);
			i++;
		} else if (cp < 0xa0 || cp == 0x2028 || cp == 0x2029 ||
		    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff) {
			/* bidi controls too: JSON read on a terminal must
			 * not reorder what the reader sees */
			fprintf(fp, "\\u%04x", cp);
			i += k;
		} else {
			fwrite(p + i, 1, k, fp);
			i += k;
		}
	}
	putc('"', fp);
}

void
view_json_str(FILE *fp, const char *s)
{
	view_json_string(fp, s, s ? strlen(s) : 0);
}

static void
key(FILE *fp, const char *k, int *first)
{
	if (!*first)
		putc(',', fp);
	*first = 0;
	fprintf(fp, "\"%s\":", k);
}

/* "k":"v", or "k":null when v is NULL or empty. */
static void
kv(FILE *fp, const char *k, const char *v, int *first)
{
	key(fp, k, first);
	view_json_str(fp, v != NULL && *v != '\0' ? v : NULL);
}

/* "k":n */
static void
knum(FILE *fp, const char *k, unsigned long long n, int *first)
{
	key(fp, k, first);
	fprintf(fp, "%llu", n);
}

/* Opens an object of the output: '{' and its schema version. */
static void
begin(FILE *fp, int *first)
{
	*first = 1;
	putc('{', fp);
	knum(fp, "schema", JSON_SCHEMA_VERSION, first);
}

/* The keys that name an article (the loader makes sure none is empty). */
static void
article_keys(FILE *fp, const struct kb_article *a, int *first)
{
	kv(fp, "id", a->id, first);
	kv(fp, "kind", kb_kind_name(a->kind), first);
	kv(fp, "title", a->title, first);
}

static void
articles(FILE *fp, const struct diagnosis *d, int *first)
{
	size_t	i;

	key(fp, "articles", first);
	putc('[', fp);
	for (i = 0; i < d->narticles; i++) {
		int f2 = 1;

		if (i > 0)
			putc(',', fp);
		putc('{', fp);
		article_keys(fp, d->articles[i], &f2);
		putc('}', fp);
	}
	putc(']', fp);
}

static void
common(FILE *fp, const char *reply, const char *status,
    enum findings_phase phase, const struct diagnosis *d, int *first)
{
	kv(fp, "reply_code", reply, first);
	kv(fp, "enhanced_status", status, first);
	kv(fp, "phase", findings_phase_name(phase), first);
	key(fp, "temporary", first);
	fputs(d->temporary ? "true" : "false", fp);
	kv(fp, "reason", d->reason, first);
}

void
view_json_explain(FILE *fp, const char *text, size_t len,
    const struct findings *f, const struct diagnosis *d)
{
	char	reply[8] = "";
	int	first = 1;

	if (f->reply)
		snprintf(reply, sizeof reply, "%d", f->reply);
	begin(fp, &first);
	common(fp, reply, f->status, f->phase, d, &first);
	key(fp, "diagnostic", &first);
	view_json_string(fp, text, len);
	articles(fp, d, &first);
	fputs("}\n", fp);
}

static void
attempts(FILE *fp, const struct record *r, int *first)
{
	size_t				 i;
	const struct record_attempt	*a;

	key(fp, "attempts", first);
	putc('[', fp);
	for (i = 0; i < r->nattempts; i++) {
		int f2 = 1;

		a = &r->attempts[i];
		if (i > 0)
			putc(',', fp);
		putc('{', fp);
		kv(fp, "time", a->time, &f2);
		knum(fp, "line", a->line, &f2);
		kv(fp, "action", a->action, &f2);
		kv(fp, "reply_code", a->reply, &f2);
		kv(fp, "enhanced_status", a->status, &f2);
		kv(fp, "diagnostic", a->diagnostic, &f2);
		putc('}', fp);
	}
	putc(']', fp);
}

void
view_json_record(FILE *fp, const struct record *r)
{
	int	first = 1;

	begin(fp, &first);
	kv(fp, "source", r->source, &first);
	knum(fp, "line", r->line, &first);
	kv(fp, "time", r->time, &first);
	kv(fp, "queue_id", r->queue_id, &first);
	kv(fp, "sender", r->sender, &first);
	kv(fp, "recipient", r->recipient, &first);
	kv(fp, "original_recipient", r->original_recipient, &first);
	kv(fp, "remote_host", r->remote_host, &first);
	kv(fp, "relay", r->relay, &first);
	kv(fp, "action", r->action, &first);
	common(fp, r->reply, r->status, r->phase, &r->diagnosis, &first);
	kv(fp, "diagnostic", r->diagnostic, &first);
	kv(fp, "subject", r->subject, &first);
	kv(fp, "message_id", r->message_id, &first);
	kv(fp, "note", r->note, &first);
	articles(fp, &r->diagnosis, &first);
	attempts(fp, r, &first);
	fputs("}\n", fp);
}

void
view_json_article(FILE *fp, const struct kb_article *a)
{
	int	first = 1;

	begin(fp, &first);
	kv(fp, "id", a->id, &first);
	kv(fp, "kind", kb_kind_name(a->kind), &first);
	kv(fp, "code", a->code, &first);
	kv(fp, "status", a->status, &first);
	kv(fp, "provider", a->provider, &first);
	kv(fp, "bounce", a->bounce == KB_BOUNCE_TEMPORARY ? "temporary" :
	    a->bounce == KB_BOUNCE_PERMANENT ? "permanent" : NULL, &first);
	kv(fp, "reason", a->reason, &first);
	kv(fp, "title", a->title, &first);
	kv(fp, "file", a->file, &first);
	knum(fp, "line", a->line, &first);
	fputs("}\n", fp);
}

/* The keys of one group node and its ancestors (NULL where none). */
struct group_keys {
	const char	*reason;
	const char	*reply;
	const char	*status;
	const char	*domain;
};

static void
group_node(FILE *fp, const struct recset *rs, const struct group *g,
    const struct group_keys *k)
{
	const struct kb_article	*a = g->article;
	const struct record	*r = g->count ? &rs->v[g->rep] : NULL;
	int			 first = 1, f2 = 1;

	begin(fp, &first);
	kv(fp, "level", group_level_name(g->level), &first);
	kv(fp, "reason", k->reason, &first);
	kv(fp, "reply_code", k->reply, &first);
	kv(fp, "enhanced_status", k->status, &first);
	kv(fp, "domain", k->domain, &first);
	kv(fp, "provider", g->provider, &first);
	knum(fp, "count", g->count, &first);
	knum(fp, "temporary_count", g->temporary, &first);
	knum(fp, "permanent_count", g->permanent, &first);
	kv(fp, "first", g->first, &first);
	kv(fp, "last", g->last, &first);
	key(fp, "article", &first);
	if (a == NULL)
		fputs("null", fp);
	else {
		putc('{', fp);
		article_keys(fp, a, &f2);
		kv(fp, "remedy", a->remedy.n ? a->remedy.v[0] : NULL, &f2);
		putc('}', fp);
	}
	key(fp, "example", &first);
	if (r == NULL)
		fputs("null", fp);
	else {
		f2 = 1;
		putc('{', fp);
		kv(fp, "source", r->source, &f2);
		knum(fp, "line", r->line, &f2);
		kv(fp, "recipient", r->recipient, &f2);
		kv(fp, "diagnostic", r->diagnostic, &f2);
		putc('}', fp);
	}
	fputs("}\n", fp);
}

static void
group_walk(FILE *fp, const struct recset *rs, const struct group *g,
    struct group_keys k)
{
	size_t	i;

	switch (g->level) {
	case GROUP_REASON:
		k.reason = g->key;
		break;
	case GROUP_CODES:
		k.reply = g->reply;
		k.status = g->status;
		break;
	case GROUP_DOMAIN:
		k.domain = g->key;
		break;
	default:
		break;
	}
	group_node(fp, rs, g, &k);
	for (i = 0; i < g->nchild; i++)
		group_walk(fp, rs, &g->child[i], k);
}

void
view_json_summary(FILE *fp, const struct recset *rs,
    const struct group_tree *t)
{
	struct group_keys	k;

	memset(&k, 0, sizeof k);
	group_walk(fp, rs, &t->root, k);
}
