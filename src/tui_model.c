/*
 * tui_model.c - rows, filter, search and summary of the terminal UI.
 *
 * Input: the records in m->rs (appended by the UI thread as the reader
 * thread hands them over).  Output: rows (groups of alike failures) that
 * pass the filter, and summaries.  Invariant: every failure record at an
 * index below m->seen that passes the filter belongs to exactly one row,
 * chained through m->next from the row's first to its last record.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "kb.h"
#include "record.h"
#include "tui_model.h"
#include "tui_search.h"
#include "xalloc.h"

#define NONE	((size_t)-1)

/* ------------------------------------------------------------ hashing */

typedef const char *(*keyof_fn)(const void *ctx, size_t idx);

static uint64_t
fnv(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* The slot of key in tab (entries hold index + 1, 0 is empty). */
static size_t *
ht_find(size_t *tab, size_t cap, const char *key, keyof_fn keyof,
    const void *ctx)
{
	size_t	i = (size_t)fnv(key) & (cap - 1);

	while (tab[i] != 0 && strcmp(keyof(ctx, tab[i] - 1), key) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Makes room for one more of n entries; rehashes all when grown. */
static void
ht_grow(size_t **tab, size_t *cap, size_t n, keyof_fn keyof,
    const void *ctx)
{
	size_t	i;

	if (*cap != 0 && (n + 1) * 2 <= *cap)
		return;
	*cap = *cap ? *cap * 2 : 64;
	free(*tab);
	*tab = xcalloc(*cap, sizeof **tab);
	for (i = 0; i < n; i++)
		*ht_find(*tab, *cap, keyof(ctx, i), keyof, ctx) = i + 1;
}

/* -------------------------------------------------------- record facts */

const char *
tui_model_domain(const struct record *r, char *buf, size_t size)
{
	size_t		 i, n;
	const char	*at = group_domain(r->recipient, &n);

	/* the same domain as the report's groups (group.c) */
	for (i = 0; i < n && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)at[i]);
	buf[i] = '\0';
	return buf;
}

const char *
tui_model_provider(const struct record *r)
{
	size_t	i;

	for (i = 0; i < r->diagnosis.narticles; i++)
		if (r->diagnosis.articles[i]->provider != NULL)
			return r->diagnosis.articles[i]->provider;
	return NULL;
}

static const char *
reason_of(const struct record *r)
{
	return r->diagnosis.reason != NULL ? r->diagnosis.reason : "undefined";
}

/* Case-insensitive: does hay contain needle (lower case)? */
static int
ci_contains(const char *hay, const char *needle)
{
	size_t	i, n = strlen(needle);

	if (hay == NULL)
		return 0;
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n; i++)
			if (tolower((unsigned char)hay[i]) != needle[i])
				break;
		if (i == n)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------- filter */

static const struct {
	const char	*name;
	enum tui_field	 field;
} field_names[] = {
	{ "code", TUI_FIELD_CODE }, { "reply", TUI_FIELD_CODE },
	{ "status", TUI_FIELD_STATUS }, { "dsn", TUI_FIELD_STATUS },
	{ "reason", TUI_FIELD_REASON }, { "domain", TUI_FIELD_DOMAIN },
	{ "provider", TUI_FIELD_PROVIDER }, { "class", TUI_FIELD_CLASS },
	{ "type", TUI_FIELD_CLASS }, { "text", TUI_FIELD_ANY },
};

static const struct {
	const char	*word;
	const char	*class;
} class_words[] = {
	{ "temp", "t" }, { "temporary", "t" }, { "soft", "t" },
	{ "t", "t" }, { "perm", "p" }, { "permanent", "p" },
	{ "hard", "p" }, { "p", "p" },
};

static const char *
class_of_word(const char *w)
{
	size_t	i;

	for (i = 0; i < sizeof class_words / sizeof class_words[0]; i++)
		if (strcmp(w, class_words[i].word) == 0)
			return class_words[i].class;
	return NULL;
}

/* "421", "4xx", "55": a reply code or a prefix of one. */
static int
looks_code(const char *w)
{
	size_t	i, n = strlen(w);

	if (n == 0 || n > 3 || strchr("2345", w[0]) == NULL)
		return 0;
	for (i = 1; i < n; i++)
		if (!isdigit((unsigned char)w[i]) && w[i] != 'x')
			return 0;
	return 1;
}

/* "5.7.1", "5.7", "x.7.26": an enhanced status or a prefix of one. */
static int
looks_status(const char *w)
{
	size_t	i, dots = 0;

	if (strchr("245x", w[0]) == NULL || w[0] == '\0' || w[1] != '.')
		return 0;
	for (i = 1; w[i] != '\0'; i++) {
		if (w[i] == '.') {
			if (w[i - 1] == '.')
				return 0;
			dots++;
		} else if (!isdigit((unsigned char)w[i]) && w[i] != 'x')
			return 0;
	}
	return dots <= 2 && w[i - 1] != '.';
}

static int
parse_word(char *w, struct tui_term *t, char **err)
{
	char		*colon, *v;
	size_t		 i;
	const char	*c;

	memset(t, 0, sizeof *t);
	if (*w == '!' || (*w == '-' && w[1] != '\0')) {
		t->negate = 1;
		w++;
	}
	for (v = w; *v != '\0'; v++)
		*v = (char)tolower((unsigned char)*v);
	if ((colon = strchr(w, ':')) != NULL) {
		*colon = '\0';
		for (i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
			if (strcmp(w, field_names[i].name) == 0)
				break;
		if (i == sizeof field_names / sizeof field_names[0]) {
			*err = xasprintf("unknown filter field '%s' (code, "
			    "status, reason, domain, provider, class, text)",
			    w);
			return -1;
		}
		t->field = field_names[i].field;
		v = colon + 1;
		if (t->field == TUI_FIELD_CLASS) {
			if ((c = class_of_word(v)) == NULL) {
				*err = xasprintf("class: '%s' is not temporary "
				    "or permanent", v);
				return -1;
			}
			v = (char *)c;
		}
	} else {
		v = w;
		if ((c = class_of_word(w)) != NULL) {
			t->field = TUI_FIELD_CLASS;
			v = (char *)c;
		} else if (looks_code(w))
			t->field = TUI_FIELD_CODE;
		else if (looks_status(w))
			t->field = TUI_FIELD_STATUS;
		else if (kb_reason_valid(w))
			t->field = TUI_FIELD_REASON;
		else if (strchr(w, '@') != NULL || strchr(w, '.') != NULL) {
			t->field = TUI_FIELD_DOMAIN;
			v = strrchr(w, '@') ? strrchr(w, '@') + 1 : w;
		}
	}
	if (*v == '\0') {
		*err = xasprintf("empty value in filter '%s'", w);
		return -1;
	}
	if (t->field == TUI_FIELD_REASON && !kb_reason_valid(v)) {
		*err = xasprintf("'%s' is not a reason name", v);
		return -1;
	}
	t->value = xstrdup(v);
	return 0;
}

void
tui_filter_release(struct tui_filter *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].value);
	free(f->v);
	free(f->text);
	memset(f, 0, sizeof *f);
}

int
tui_filter_parse(struct tui_filter *f, const char *text, char **err)
{
	char	*copy = xstrdup(text), *w, *save = NULL;
	char	*norm = NULL, *t;

	tui_filter_release(f);
	*err = NULL;
	for (w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		t = norm ? xasprintf("%s %s", norm, w) : xstrdup(w);
		free(norm);
		norm = t;
		f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
		if (parse_word(w, &f->v[f->n], err) == -1) {
			free(norm);
			free(copy);
			tui_filter_release(f);
			return -1;
		}
		f->n++;
	}
	free(copy);
	f->text = norm;
	return 0;
}

/* value "4xx" / "55" / "none" against reply "421" / "". */
static int
match_code(const char *v, const char *reply)
{
	size_t	i;

	if (strcmp(v, "none") == 0)
		return reply[0] == '\0';
	for (i = 0; v[i] != '\0'; i++)
		if (reply[i] == '\0' || (v[i] != 'x' && v[i] != reply[i]))
			return 0;
	return 1;
}

/* value "5.7", "x.7.1" against status "5.7.1": component by component. */
static int
match_status(const char *v, const char *status)
{
	size_t	vn, sn;

	if (strcmp(v, "none") == 0)
		return status[0] == '\0';
	while (*v != '\0') {
		vn = strcspn(v, ".");
		sn = strcspn(status, ".");
		if (sn == 0 || (!(vn == 1 && v[0] == 'x') &&
		    (vn != sn || strncmp(v, status, vn) != 0)))
			return 0;
		v += vn + (v[vn] == '.');
		status += sn + (status[sn] == '.');
	}
	return 1;
}

static int
match_domain(const char *v, const char *dom)
{
	size_t	vn = strlen(v), dn = strlen(dom);

	if (strcmp(v, "none") == 0 || strcmp(v, "(none)") == 0)
		return dn == 0;
	if (v[0] == '=')		/* this domain alone */
		return strcmp(v + 1, dom) == 0;
	if (strcmp(v, dom) == 0)
		return 1;
	return dn > vn && dom[dn - vn - 1] == '.' &&
	    strcmp(dom + dn - vn, v) == 0;
}

static int
match_provider(const char *v, const struct record *r)
{
	size_t	i;

	for (i = 0; i < r->diagnosis.narticles; i++)
		if (ci_contains(r->diagnosis.articles[i]->provider, v))
			return 1;
	return 0;
}

static int
match_term(const struct tui_term *t, const struct record *r)
{
	char	dom[256];

	switch (t->field) {
	case TUI_FIELD_CODE:
		return match_code(t->value, r->reply);
	case TUI_FIELD_STATUS:
		return match_status(t->value, r->status);
	case TUI_FIELD_REASON:
		return strcmp(t->value, reason_of(r)) == 0;
	case TUI_FIELD_DOMAIN:
		return match_domain(t->value, tui_model_domain(r, dom,
		    sizeof dom));
	case TUI_FIELD_PROVIDER:
		return match_provider(t->value, r);
	case TUI_FIELD_CLASS:
		return (t->value[0] == 't') == (r->diagnosis.temporary != 0);
	default:
		return ci_contains(r->recipient, t->value) ||
		    ci_contains(r->diagnostic, t->value) ||
		    ci_contains(r->remote_host, t->value) ||
		    ci_contains(reason_of(r), t->value) ||
		    match_provider(t->value, r);
	}
}

int
tui_filter_match(const struct tui_filter *f, const struct record *r)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (match_term(&f->v[i], r) == f->v[i].negate)
			return 0;
	return 1;
}

/* --------------------------------------------------------------- rows */

void
tui_model_init(struct tui_model *m)
{
	memset(m, 0, sizeof *m);
	recset_init(&m->rs);
}

static void
clear_rows(struct tui_model *m)
{
	size_t	i;

	for (i = 0; i < m->nrows; i++)
		free(m->rows[i].key);
	m->nrows = 0;
	free(m->hash);
	m->hash = NULL;
	m->hcap = 0;
	m->seen = 0;
	m->failures = m->temporary = m->shown = m->shown_temporary = 0;
}

void
tui_model_release(struct tui_model *m)
{
	clear_rows(m);
	free(m->rows);
	free(m->next);
	free(m->rowof);
	tui_filter_release(&m->filter);
	recset_release(&m->rs);
	memset(m, 0, sizeof *m);
}

static const char *
row_key(const void *ctx, size_t i)
{
	return ((const struct tui_model *)ctx)->rows[i].key;
}

static char *
make_key(const struct record *r)
{
	char	*k, *p;

	k = xasprintf("%s\037%s\037%s\037%s", r->recipient ? r->recipient : "",
	    r->reply, r->status, r->diagnostic ? r->diagnostic : "");
	for (p = k; *p != '\037'; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

static void
add_record(struct tui_model *m, size_t i)
{
	const struct record	*r = &m->rs.v[i];
	struct tui_row		*row;
	size_t			*slot;
	char			*key;

	m->next[i] = m->rowof[i] = NONE;
	if (!group_is_failure(r))
		return;
	m->failures++;
	m->temporary += r->diagnosis.temporary != 0;
	if (!tui_filter_match(&m->filter, r))
		return;
	m->shown++;
	m->shown_temporary += r->diagnosis.temporary != 0;
	key = make_key(r);
	ht_grow(&m->hash, &m->hcap, m->nrows, row_key, m);
	slot = ht_find(m->hash, m->hcap, key, row_key, m);
	if (*slot != 0) {
		row = &m->rows[*slot - 1];
		m->next[row->last] = i;
		row->last = i;
		row->count++;
		m->rowof[i] = *slot - 1;
		free(key);
		return;
	}
	if (m->nrows == m->rowcap) {
		m->rowcap = m->rowcap ? m->rowcap * 2 : 64;
		m->rows = xreallocarray(m->rows, m->rowcap, sizeof *m->rows);
	}
	row = &m->rows[m->nrows];
	row->first = row->last = i;
	row->count = 1;
	row->key = key;
	m->rowof[i] = m->nrows;
	*slot = ++m->nrows;
}

size_t
tui_model_update(struct tui_model *m)
{
	size_t	before = m->nrows;

	if (m->rcap < m->rs.n) {
		m->rcap = m->rs.cap > m->rs.n ? m->rs.cap : m->rs.n;
		m->next = xreallocarray(m->next, m->rcap, sizeof *m->next);
		m->rowof = xreallocarray(m->rowof, m->rcap, sizeof *m->rowof);
	}
	for (; m->seen < m->rs.n; m->seen++)
		add_record(m, m->seen);
	return m->nrows - before;
}

void
tui_model_refilter(struct tui_model *m)
{
	clear_rows(m);
	tui_model_update(m);
}

const struct record *
tui_model_record(const struct tui_model *m, size_t row)
{
	if (row >= m->nrows)
		return NULL;
	return &m->rs.v[m->rows[row].first];
}

/* ------------------------------------------------------------- search */

static int
text_matches(struct tui_search *s, const char *t)
{
	size_t	mo, ml;

	return t != NULL && tui_search_find(s, t, strlen(t), 0, &mo, &ml);
}

int
tui_model_record_matches(const struct record *r, struct tui_search *s)
{
	size_t	i;

	if (text_matches(s, r->recipient) || text_matches(s, r->diagnostic) ||
	    text_matches(s, r->context) || text_matches(s, r->remote_host) ||
	    text_matches(s, r->time) || text_matches(s, r->queue_id) ||
	    text_matches(s, r->reply) || text_matches(s, r->status) ||
	    text_matches(s, reason_of(r)) || text_matches(s, r->sender))
		return 1;
	for (i = 0; i < r->nattempts; i++)
		if (text_matches(s, r->attempts[i].diagnostic))
			return 1;
	for (i = 0; i < r->diagnosis.narticles; i++)
		if (text_matches(s, r->diagnosis.articles[i]->title))
			return 1;
	return 0;
}

static int
row_matches(const struct tui_model *m, size_t row, struct tui_search *s)
{
	size_t	i;

	for (i = m->rows[row].first; i != NONE; i = m->next[i])
		if (tui_model_record_matches(&m->rs.v[i], s))
			return 1;
	return 0;
}

size_t
tui_model_search(const struct tui_model *m, struct tui_search *s,
    size_t from, int dir, int *wrapped)
{
	size_t	k, row, n = m->nrows;

	*wrapped = 0;
	if (n == 0)
		return NONE;
	if (from >= n)
		from = dir > 0 ? n - 1 : 0;
	for (k = 1; k <= n; k++) {
		if (dir > 0) {
			row = (from + k) % n;
			if (row <= from)
				*wrapped = 1;
		} else {
			row = (from + n - k) % n;
			if (row >= from)
				*wrapped = 1;
		}
		if (row_matches(m, row, s))
			return row;
	}
	return NONE;
}

/* A summary row's label: the group's key, "(none)" for an empty one. */
static const char *
sum_label(const struct group *g)
{
	return g->key[0] != '\0' ? g->key : "(none)";
}

void
tui_sum_release(struct tui_sum *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].label);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/*
 * The records passing the filter are folded into the groups of the
 * report and of --summary (group.c): the same keys, counts, order and
 * article (that of most of a group's records).
 */
void
tui_model_summary(const struct tui_model *m, int level,
    const char *const path[2], struct tui_sum *out)
{
	struct group_tree	 t;
	const struct group	*g = NULL, *c;
	struct tui_sum_row	*row;
	size_t			 i, k;
	int			 l;

	tui_sum_release(out);
	group_init(&t);
	for (i = 0; i < m->seen; i++)
		if (m->rowof[i] != NONE)
			group_add(&t, &m->rs.v[i], i);
	group_finish(&t);
	g = &t.root;
	for (l = 0; l < level && l < 2 && g != NULL; l++) {
		for (c = NULL, k = 0; k < g->nchild && c == NULL; k++)
			if (strcmp(sum_label(&g->child[k]), path[l]) == 0)
				c = &g->child[k];
		g = c;
	}
	if (g != NULL && g->nchild > 0) {
		out->v = xreallocarray(NULL, g->nchild, sizeof *out->v);
		for (k = 0; k < g->nchild; k++) {
			c = &g->child[k];
			row = &out->v[out->n++];
			row->label = xstrdup(sum_label(c));
			row->count = c->count;
			row->temporary = c->temporary;
			row->article = c->article;
		}
		out->total = g->count;
	}
	group_release(&t);
}
