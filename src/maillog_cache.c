/*
 * maillog_cache.c - diagnose each distinct reply text of a log once.
 *
 * Input: records with a diagnostic (their findings are filled here).
 * Output: r->findings, r->reply, r->status, r->phase, r->diagnosis - the
 * same values record_diagnose() gives, at a fraction of the cost.
 *
 * Running the knowledge base (a few hundred PCRE2 patterns) costs tens of
 * microseconds per text; a log of a gigabyte holds a hundred thousand
 * failures, but only a few thousand distinct texts once the parts that
 * change from one failure to the next are masked: mail addresses, IP
 * addresses, random ids (an alphanumeric run of 10 or more with letters
 * and digits: "7uwvqmg0hzca6rthp91vd0cd"), long numbers (5 digits or
 * more) and counters after a name ("mta233" -> "mta0").  Codes, short
 * tags ("[TS03]", "(S3150)", "DY-001", "554.30"), host names and words
 * stay as they are.
 *
 * The key is the masked text (its shape) and the reply code and enhanced
 * status the diagnosis uses (which may come from dsn=, not the text), so
 * two texts share an entry only if they differ in masked tokens alone.
 * The codes found in a text come from its shape too, where that is
 * known to be exact (see "Findings" below).
 *
 * Exactness.  The cached diagnosis is reused only where the masked parts
 * cannot change it.  When a key is first seen, its text is diagnosed
 * twice: as it is, and with the masks in place of the tokens.  If the
 * two agree (same articles, same class, same reason), no knowledge-base
 * pattern looked into those tokens for this text, and the entry is
 * marked stable: later texts with the key get its diagnosis.  If they
 * disagree (a pattern matches an address, an IP address or an id - a
 * fixed one, like an URL's article number), the entry is unstable and
 * every text with that key is diagnosed on its own.  What is left is a
 * pattern that tells apart two values of a masked token that both
 * texts have; the masked kinds are chosen so that none of the shipped
 * patterns does, and the reasons' phrases skip addresses (reason.c)
 * (tests/check_maillog.c compares every failure of the
 * test logs with record_diagnose(), and BOUNCEDOC_DIAG_CACHE=off turns
 * the cache off to compare a whole log).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "findings.h"
#include "kb.h"
#include "maillog.h"
#include "record.h"
#include "xalloc.h"

#define TOKEN_MIN	10	/* random id: at least this long */
#define NUMBER_MIN	5	/* a number this long is a counter */

/* ------------------------------------------------------------- masks */

enum { C_DIGIT = 1, C_ALPHA = 2, C_LOCAL = 4, C_DOMAIN = 8, C_HEX = 16 };

/* Character classes: digits, letters, what a mail address's local part
 * (RFC 5322 atext and '.') and its domain may hold, hex digits. */
#define D	(C_DIGIT | C_LOCAL | C_DOMAIN | C_HEX)
#define X	(C_ALPHA | C_LOCAL | C_DOMAIN | C_HEX)
#define L	(C_ALPHA | C_LOCAL | C_DOMAIN)
#define D10	D, D, D, D, D, D, D, D, D, D
#define L26	X, X, X, X, X, X, L, L, L, L, L, L, L, L, L, L, L, L, L, L, \
		L, L, L, L, L, L
static const unsigned char cls[256] = {
	['0'] = D10, ['A'] = L26, ['a'] = L26,
	['.'] = C_LOCAL | C_DOMAIN, ['-'] = C_LOCAL | C_DOMAIN,
	['_'] = C_LOCAL, ['%'] = C_LOCAL, ['+'] = C_LOCAL, ['='] = C_LOCAL,
	['\''] = C_LOCAL, ['/'] = C_LOCAL, ['!'] = C_LOCAL, ['#'] = C_LOCAL,
	['$'] = C_LOCAL, ['&'] = C_LOCAL, ['*'] = C_LOCAL, ['?'] = C_LOCAL,
	['^'] = C_LOCAL, ['`'] = C_LOCAL, ['{'] = C_LOCAL, ['|'] = C_LOCAL,
	['}'] = C_LOCAL, ['~'] = C_LOCAL,
};
#undef D
#undef X
#undef L

#define is_digit(c)	(cls[(unsigned char)(c)] & C_DIGIT)
#define is_alpha(c)	(cls[(unsigned char)(c)] & C_ALPHA)
#define is_alnum(c)	(cls[(unsigned char)(c)] & (C_DIGIT | C_ALPHA))
#define is_local(c)	(cls[(unsigned char)(c)] & C_LOCAL)
#define is_domain(c)	(cls[(unsigned char)(c)] & C_DOMAIN)

/* An IPv4 address at t[i] (not inside a longer dotted number). */
static size_t
ipv4_len(const char *t, size_t len, size_t i)
{
	size_t	j = i, k, groups;

	if (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '.'))
		return 0;
	for (groups = 0; groups < 4; groups++) {
		for (k = 0; j + k < len && k < 4 && is_digit(t[j + k]); k++)
			continue;
		if (k == 0 || k > 3)
			return 0;
		j += k;
		if (groups < 3) {
			if (j >= len || t[j] != '.')
				return 0;
			j++;
		}
	}
	if (j < len && (is_alnum(t[j]) || (t[j] == '.' && j + 1 < len &&
	    is_digit(t[j + 1]))))
		return 0;
	return j - i;
}

/* An IPv6 address at t[i]: hex and colons, "::" or a hex letter in it. */
static size_t
ipv6_len(const char *t, size_t len, size_t i)
{
	size_t	j, colons = 0;
	int	hexletter = 0, dbl = 0;

	if (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == ':'))
		return 0;
	for (j = i; j < len && (is_digit(t[j]) || t[j] == ':' || t[j] == '.' ||
	    (t[j] >= 'a' && t[j] <= 'f') || (t[j] >= 'A' && t[j] <= 'F'));
	    j++) {
		colons += t[j] == ':';
		hexletter |= is_alpha(t[j]);
		dbl |= t[j] == ':' && j > i && t[j - 1] == ':';
	}
	if (j < len && is_alnum(t[j]))
		return 0;
	return colons >= 2 && (dbl || hexletter) && j - i >= 4 ? j - i : 0;
}

/*
 * Where the masked text differs from the text: each masked token, at moff
 * (mlen bytes) in the masked text and roff (rlen bytes) in the text, in
 * order.  A findings span of the masked text that overlaps none of them
 * is at the same place in the text, shifted by the tokens before it.
 */
struct repl {
	size_t	moff, mlen, roff, rlen;
};
#define REPL_MAX	32

struct repls {
	struct repl	v[REPL_MAX];
	size_t		n;
	int		over;		/* more than REPL_MAX: not kept */
};

static void
repl_add(struct repls *rp, size_t moff, size_t mlen, size_t roff,
    size_t rlen)
{
	if (rp == NULL)
		return;
	if (rp->n == REPL_MAX) {
		rp->over = 1;
		return;
	}
	rp->v[rp->n].moff = moff;
	rp->v[rp->n].mlen = mlen;
	rp->v[rp->n].roff = roff;
	rp->v[rp->n].rlen = rlen;
	rp->n++;
}

/* The offset in the text of masked offset moff, not inside a token. */
static size_t
repl_raw(const struct repls *rp, size_t moff)
{
	size_t	i;

	for (i = rp->n; i > 0; i--)
		if (rp->v[i - 1].moff + rp->v[i - 1].mlen <= moff)
			return moff - rp->v[i - 1].moff - rp->v[i - 1].mlen +
			    rp->v[i - 1].roff + rp->v[i - 1].rlen;
	return moff;
}

/* Writes the masked form of the alphanumeric run t[0..n) holding digits
 * digits. */
static void
put_run(char *out, size_t *o, const char *t, size_t n, size_t digits)
{
	size_t	tail;

	for (tail = 0; tail < n && is_digit(t[n - 1 - tail]); tail++)
		continue;
	if (n >= TOKEN_MIN && digits > 0 && digits < n) {
		memcpy(out + *o, "x0", 2);
		*o += 2;
	} else if (digits == n && n >= NUMBER_MIN)
		out[(*o)++] = '0';
	else if (tail >= 3 && n - tail >= 2) {
		memcpy(out + *o, t, n - tail);
		*o += n - tail;
		out[(*o)++] = '0';
	} else {
		memcpy(out + *o, t, n);
		*o += n;
	}
}

/* An address at t[i] == '@' (its local part already written to out):
 * takes the local part back and skips the domain.  0 if not one. */
static size_t
address(const char *t, size_t len, size_t i, char *out, size_t *o,
    struct repls *rp)
{
	size_t	back, j, roff;

	if (*o == 0 || !is_local(out[*o - 1]) || i + 1 >= len ||
	    !is_alnum(t[i + 1]))
		return 0;
	for (back = *o; back > 0 && is_local(out[back - 1]); back--)
		continue;
	*o = back;
	for (j = i + 1; j < len && is_domain(t[j]); j++)
		continue;
	if (rp != NULL) {
		/* the tokens of the local part go into the address's; a
		 * token's mask is local bytes, so none is cut in two */
		while (rp->n > 0 && rp->v[rp->n - 1].moff >= back)
			rp->n--;
		roff = repl_raw(rp, back);
		repl_add(rp, back, 1, roff, j - roff);
	}
	out[(*o)++] = '@';
	return j - i;
}

/* The masked form of t[0..len) into out (len + 8 bytes); its length;
 * where it differs into *rp (if not NULL).  Every byte of every failure's
 * text passes here: one pass, one table look-up per byte. */
static size_t
mask_into(char *out, const char *t, size_t len, struct repls *rp)
{
	size_t		 i = 0, o = 0, k, run, digits, hex, o0;
	unsigned char	 c;

	if (rp != NULL) {
		rp->n = 0;
		rp->over = 0;
	}
	while (i < len) {
		c = cls[(unsigned char)t[i]];
		if (!(c & (C_DIGIT | C_ALPHA))) {
			if (t[i] == '@' && (k = address(t, len, i, out,
			    &o, rp)) > 0)
				i += k;
			else
				out[o++] = t[i++];
			continue;
		}
		/* the run, copied as it is read: most are words, which stay
		 * (o <= i: out never runs ahead of t) */
		o0 = o;
		digits = hex = 0;
		for (run = i; run < len &&
		    ((c = cls[(unsigned char)t[run]]) & (C_DIGIT | C_ALPHA));
		    run++) {
			out[o++] = t[run];
			digits += c & C_DIGIT;
			hex += (c & C_HEX) != 0;
		}
		run -= i;
		if (digits == 0 && !(i + run < len && t[i + run] == ':' &&
		    hex == run)) {
			i += run;	/* a word */
			continue;
		}
		o = o0;
		if (i + run < len && t[i + run] == '.' && digits == run &&
		    run <= 3 && (k = ipv4_len(t, len, i)) > 0) {
			memcpy(out + o, "0.0.0.0", 7);
			o += 7;
		} else if (i + run < len && t[i + run] == ':' && hex == run &&
		    (k = ipv6_len(t, len, i)) > 0) {
			memcpy(out + o, "::", 2);
			o += 2;
		} else {
			k = run;
			put_run(out, &o, t + i, k, digits);
			if (o - o0 == k && digits == 0)
				o0 = o;		/* a word: as it is */
		}
		if (rp != NULL && o0 != o && (o - o0 != k ||
		    memcmp(out + o0, t + i, k) != 0))
			repl_add(rp, o0, o - o0, i, k);
		i += k;
	}
	out[o] = '\0';
	return o;
}

char *
maillog_cache_key(const char *t, size_t len, size_t *keylen)
{
	char	*out = xmalloc(len + 8);
	size_t	 n = mask_into(out, t, len, NULL);

	if (keylen != NULL)
		*keylen = n;
	return out;
}

/* ------------------------------------------------------------- texts */

/*
 * Level one: the raw texts seen lately, exactly (direct-mapped), each with
 * its unfolded form, its findings and its shape, so a text that comes
 * again (the same reply to the same client) costs a hash and a compare.
 *
 * Level two: the shapes, the masked texts seen (struct shape), each with
 * the findings of its masked text and the diagnoses of its texts, one
 * per pair of codes they were diagnosed with (struct variant: the codes
 * are part of the key, as the diagnosis uses them and they may come from
 * dsn=, not the text).
 *
 * Findings.  The codes of a text and where they are do not depend on the
 * masked tokens either, as a rule: a code is a token of its own, and no
 * masked token is one.  When a shape is first seen, its text is scanned
 * as it is and masked; if the masked text's codes, moved back over the
 * tokens before them (struct repl), are the text's, the shape's findings
 * are stable and a later text of the shape gets them so moved without a
 * scan.  Else, or when a code would fall in a token, each text is
 * scanned.
 */
/* few and small: a log repeats a text soon or not at all, and a slot
 * touched for each text is memory traffic (4096 slots of 1 KB cost a
 * tenth of the time of a summary more than 256 of 512 bytes) */
#define TEXTS		256		/* a power of two */
#define TEXT_SPANS	8		/* codes kept; more are scanned */
#define TEXT_ROOM	512		/* a slot's buffer, at least */
#define SHAPES_MAX	((size_t)1 << 16)	/* then texts are scanned */
#define VARIANTS_MAX	16	/* code pairs a shape keeps diagnoses for */

/* The findings of a text, spans[] only if nspans <= TEXT_SPANS. */
struct tfind {
	int			 reply;
	char			 status[12];
	enum findings_phase	 phase;
	struct findings_span	 reply_span, status_span;
	struct findings_span	 spans[TEXT_SPANS];
	size_t			 nspans;
};

/* A diagnosis of a shape's texts with one pair of codes: the one of the
 * first text (rep), and whether the masked parts may be ignored (stable:
 * -1 not known yet). */
struct variant {
	int			 reply;
	char			 status[12];
	char			*rep;
	size_t			 replen;
	struct diagnosis	 diag;
	int			 stable;
};

struct shape {
	uint64_t		 hash;
	char			*masked;
	size_t			 mlen;
	int			 fstable;	/* findings: see above */
	struct tfind		 tf;		/* of masked */
	struct variant		*v;
	size_t			 nv, cap;
};

struct text {
	uint64_t		 hash;
	char			*raw;		/* NULL: the slot is empty */
	size_t			 rawlen;
	char			*unfolded;
	size_t			 ulen;
	char			*masked;	/* maillog_cache_key(unfolded) */
	size_t			 mlen;
	char			*buf;		/* holds the three, reused */
	size_t			 bufcap;
	struct shape		*shape;		/* of masked, or NULL */
	struct tfind		 tf;		/* of unfolded */
};

struct maillog_cache {
	const struct kb		*kb;
	struct text		*texts;
	struct shape		**tab;		/* the shapes */
	size_t			 cap, count;
	char			*arena;		/* maillog_cache_record() */
	size_t			 acap, aused;
	char			*note;		/* and its limit note */
	struct repls		 repls;		/* of the text being masked */
	int			 off;	/* BOUNCEDOC_DIAG_CACHE=off */
	int			 lean;	/* maillog_cache_lean() */
	struct maillog_cache_stats st;
};

/* A hash of p[0..n), eight bytes at a time (FNV-1a-like mixing). */
static uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t	h = 0xcbf29ce484222325ULL ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; n > 0; n--)
		h = (h ^ (unsigned char)*p++) * 0x100000001b3ULL;
	return h ^ (h >> 32);
}

static void
tfind_set(struct tfind *t, const struct findings *f)
{
	t->reply = f->reply;
	memcpy(t->status, f->status, sizeof t->status);
	t->phase = f->phase;
	t->reply_span = f->reply_span;
	t->status_span = f->status_span;
	t->nspans = f->nspans;
	if (f->nspans <= TEXT_SPANS)
		memcpy(t->spans, f->spans, f->nspans * sizeof f->spans[0]);
}

/* A span of the masked text moved to the text *rp was masked from; 0 if
 * it overlaps a masked token. */
static int
span_back(const struct repls *rp, struct findings_span *sp)
{
	size_t	i, moff = sp->off;

	if (sp->len == 0)
		return 1;	/* absent */
	for (i = 0; i < rp->n; i++) {
		if (rp->v[i].moff >= moff + sp->len)
			break;
		if (rp->v[i].moff + rp->v[i].mlen > moff)
			return 0;
	}
	sp->off = repl_raw(rp, moff);
	return 1;
}

/* The findings *m of a masked text moved to its text, into *t; 0 if they
 * cannot be. */
static int
tfind_back(const struct tfind *m, const struct repls *rp, struct tfind *t)
{
	size_t	i;

	if (rp->over || m->nspans > TEXT_SPANS)
		return 0;
	*t = *m;
	if (!span_back(rp, &t->reply_span) || !span_back(rp, &t->status_span))
		return 0;
	for (i = 0; i < t->nspans; i++)
		if (!span_back(rp, &t->spans[i]))
			return 0;
	return 1;
}

static int
span_eq(const struct findings_span *a, const struct findings_span *b)
{
	return a->len == b->len && (a->len == 0 || (a->off == b->off &&
	    a->kind == b->kind));
}

static int
tfind_eq(const struct tfind *a, const struct tfind *b)
{
	size_t	i;

	if (a->reply != b->reply || strcmp(a->status, b->status) != 0 ||
	    a->phase != b->phase || a->nspans != b->nspans ||
	    a->nspans > TEXT_SPANS || !span_eq(&a->reply_span,
	    &b->reply_span) || !span_eq(&a->status_span, &b->status_span))
		return 0;
	for (i = 0; i < a->nspans; i++)
		if (!span_eq(&a->spans[i], &b->spans[i]))
			return 0;
	return 1;
}

static void
scan(const char *text, size_t len, struct tfind *t)
{
	struct findings	f;

	findings_scan(text, len, &f);
	tfind_set(t, &f);
}

/* ------------------------------------------------------------ shapes */

static struct shape **
shape_slot(struct maillog_cache *c, const char *m, size_t n, uint64_t h)
{
	size_t		 i = (size_t)h & (c->cap - 1);
	struct shape	*e;

	for (;; i = (i + 1) & (c->cap - 1)) {
		if ((e = c->tab[i]) == NULL || (e->hash == h &&
		    e->mlen == n && memcmp(e->masked, m, n) == 0))
			return &c->tab[i];
	}
}

static void
grow(struct maillog_cache *c)
{
	struct shape	**old = c->tab;
	size_t		  oldcap = c->cap, i;

	c->cap = oldcap ? oldcap * 2 : 256;
	c->tab = xcalloc(c->cap, sizeof *c->tab);
	for (i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			*shape_slot(c, old[i]->masked, old[i]->mlen,
			    old[i]->hash) = old[i];
	free(old);
}

/* The shape of masked text m, made if new (*made set) unless there are
 * too many: then NULL. */
static struct shape *
shape_of(struct maillog_cache *c, const char *m, size_t n, int *made)
{
	uint64_t	  h = hash_bytes(m, n);
	struct shape	**sp = shape_slot(c, m, n, h), *e;

	*made = 0;
	if (*sp != NULL)
		return *sp;
	if (c->count >= SHAPES_MAX)
		return NULL;
	e = xcalloc(1, sizeof *e);
	e->hash = h;
	e->masked = xstrndup(m, n);
	e->mlen = n;
	e->fstable = -1;
	*sp = e;
	*made = 1;
	if (++c->count * 2 > c->cap)
		grow(c);
	return e;
}

static void
shape_free(struct shape *e)
{
	size_t	i;

	for (i = 0; i < e->nv; i++)
		free(e->v[i].rep);
	free(e->v);
	free(e->masked);
	free(e);
}

/* The findings of text t (unfolded, masked, *rp set) into t->tf, and its
 * shape: through the shape when it is stable, else scanned. */
static void
text_shape(struct maillog_cache *c, struct text *t, const struct repls *rp)
{
	struct shape	*e;
	struct tfind	 back;
	int		 made;

	t->shape = e = shape_of(c, t->masked, t->mlen, &made);
	if (e != NULL && e->fstable == 1 && tfind_back(&e->tf, rp, &t->tf))
		return;
	scan(t->unfolded, t->ulen, &t->tf);
	c->st.scans++;
	if (made) {
		scan(t->masked, t->mlen, &e->tf);
		e->fstable = tfind_back(&e->tf, rp, &back) &&
		    tfind_eq(&back, &t->tf);
	}
}

static void
text_release(struct text *t)
{
	free(t->buf);
	memset(t, 0, sizeof *t);
}

/* The level-one entry of raw[0..n), made if new.  Valid until the next
 * call. */
static struct text *
text_of(struct maillog_cache *c, const char *raw, size_t n)
{
	uint64_t	 h = hash_bytes(raw, n);
	struct text	*t = &c->texts[h & (TEXTS - 1)];
	char		*u = NULL;
	size_t		 ulen = n;

	if (t->raw != NULL && t->hash == h && t->rawlen == n &&
	    memcmp(t->raw, raw, n) == 0)
		return t;
	if (!findings_unfolded(raw, n))
		u = findings_unfold(raw, n, &ulen);
	/* raw, unfolded and masked (at most 8 longer) in one buffer */
	if (t->bufcap < n + 2 * ulen + 16) {
		/* room for most texts at once: a slot is not grown for each
		 * text a little longer than the one before */
		free(t->buf);
		t->bufcap = n + 2 * ulen + 16 < TEXT_ROOM ? TEXT_ROOM :
		    2 * (n + 2 * ulen + 16);
		t->buf = xmalloc(t->bufcap);
	}
	t->hash = h;
	t->raw = t->buf;
	memcpy(t->raw, raw, n);
	t->raw[n] = '\0';
	t->rawlen = n;
	t->ulen = ulen;
	if (u != NULL) {
		t->unfolded = t->raw + n + 1;
		memcpy(t->unfolded, u, ulen + 1);
		free(u);
	} else
		t->unfolded = t->raw;	/* the same text */
	t->masked = t->unfolded + t->ulen + 1;
	t->mlen = mask_into(t->masked, t->unfolded, t->ulen, &c->repls);
	text_shape(c, t, &c->repls);
	return t;
}

/* The findings of t, as findings_scan() gives them. */
static void
text_findings(const struct text *t, struct findings *f)
{
	if (t->tf.nspans > TEXT_SPANS) {
		findings_scan(t->unfolded, t->ulen, f);
		return;
	}
	memset(f, 0, offsetof(struct findings, spans));
	f->reply = t->tf.reply;
	memcpy(f->status, t->tf.status, sizeof f->status);
	f->phase = t->tf.phase;
	f->reply_span = t->tf.reply_span;
	f->status_span = t->tf.status_span;
	memcpy(f->spans, t->tf.spans, t->tf.nspans * sizeof t->tf.spans[0]);
	f->nspans = t->tf.nspans;
}

/* -------------------------------------------------------------- cache */

struct maillog_cache *
maillog_cache_new(const struct kb *kb)
{
	struct maillog_cache	*c = xcalloc(1, sizeof *c);
	const char		*env = getenv("BOUNCEDOC_DIAG_CACHE");

	c->kb = kb;
	c->off = env != NULL && strcmp(env, "off") == 0;
	c->texts = xcalloc(TEXTS, sizeof *c->texts);
	grow(c);
	return c;
}

void
maillog_cache_lean(struct maillog_cache *c)
{
	c->lean = 1;
}

void
maillog_cache_free(struct maillog_cache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < TEXTS; i++)
		text_release(&c->texts[i]);
	for (i = 0; i < c->cap; i++)
		if (c->tab[i] != NULL)
			shape_free(c->tab[i]);
	free(c->texts);
	free(c->tab);
	free(c->arena);
	free(c->note);
	free(c);
}

void
maillog_cache_stats(const struct maillog_cache *c,
    struct maillog_cache_stats *st)
{
	*st = c->st;
}

/* ---------------------------------------------------------- diagnose */

static int
same_diagnosis(const struct diagnosis *a, const struct diagnosis *b)
{
	size_t	i;

	if (a->narticles != b->narticles || a->temporary != b->temporary ||
	    (a->reason != b->reason && (a->reason == NULL || b->reason ==
	    NULL || strcmp(a->reason, b->reason) != 0)))
		return 0;
	for (i = 0; i < a->narticles; i++)
		if (a->articles[i] != b->articles[i])
			return 0;
	return 1;
}

static void
run(struct maillog_cache *c, const char *text, size_t len,
    const struct findings *f, struct diagnosis *out)
{
	diagnosis_run(c->kb, text, len, f, out);
	c->st.kb_runs++;
}

/* The dsn= of the attempt the record reports, for a record whose text
 * carries no enhanced status (Postfix "connect to …: Connection timed
 * out", dsn=4.4.1). */
static const char *
attempt_dsn(const struct record *r)
{
	size_t	i;

	for (i = r->nattempts; i > 0; i--)
		if (r->attempts[i - 1].line == r->line)
			return r->attempts[i - 1].dsn;
	return "";
}

/* The codes as record_codes() gives them, then the dsn= of the attempt
 * when the text has no enhanced status. */
static void
codes(struct record *r, struct findings *f)
{
	const char	*dsn;

	record_codes(r, f);
	if (r->status[0] == '\0' && (dsn = attempt_dsn(r))[0] != '\0') {
		memcpy(r->status, dsn, sizeof r->status);
		memcpy(f->status, r->status, sizeof f->status);
	}
}

/* The variant of e for the codes of *f, made if new (*made set); NULL if
 * e has as many as it keeps. */
static struct variant *
variant_of(struct maillog_cache *c, struct shape *e, const struct findings *f,
    int *made)
{
	struct variant	*v;
	size_t		 i;

	*made = 0;
	for (i = 0; i < e->nv; i++)
		if (e->v[i].reply == f->reply && strncmp(e->v[i].status,
		    f->status, sizeof f->status) == 0)
			return &e->v[i];
	if (e->nv == VARIANTS_MAX)
		return NULL;
	if (e->nv == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 1;
		e->v = xreallocarray(e->v, e->cap, sizeof *e->v);
	}
	v = &e->v[e->nv++];
	memset(v, 0, sizeof *v);
	v->reply = f->reply;
	memcpy(v->status, f->status, sizeof v->status);
	v->stable = -1;
	c->st.entries++;
	*made = 1;
	return v;
}

/*
 * The diagnosis of text (its shape e, masked form and codes given),
 * through the cache: exact for the first text of a shape and codes and
 * for a text seen before; for another text of them, the first one's if
 * masking is known not to matter (probed once), else its own.
 */
static void
lookup(struct maillog_cache *c, const char *text, size_t len,
    struct shape *e, const char *masked, size_t mlen,
    const struct findings *f, struct diagnosis *out)
{
	struct variant		*v;
	struct diagnosis	 probe;
	int			 made;

	c->st.lookups++;
	if (c->off || e == NULL || (v = variant_of(c, e, f, &made)) == NULL) {
		run(c, text, len, f, out);
		return;
	}
	if (made) {
		v->rep = xstrndup(text, len);
		v->replen = len;
		run(c, text, len, f, &v->diag);
		/* nothing masked: any text of the shape is this one */
		v->stable = mlen == len && memcmp(masked, text, len) == 0 ?
		    1 : -1;
		*out = v->diag;
		return;
	}
	if (v->replen == len && memcmp(v->rep, text, len) == 0) {
		*out = v->diag;
		return;
	}
	if (v->stable < 0) {
		run(c, masked, mlen, f, &probe);
		v->stable = same_diagnosis(&v->diag, &probe);
		c->st.unstable += !v->stable;
	}
	if (v->stable)
		*out = v->diag;
	else
		run(c, text, len, f, out);
}

void
maillog_cache_diagnose(struct maillog_cache *c, struct record *r)
{
	const char	*text = r->diagnostic ? r->diagnostic : "";
	size_t		 len = strlen(text), mlen;
	struct findings	 f;
	char		*masked, *m;
	int		 made;

	findings_scan(text, len, &r->findings);
	codes(r, &f);
	masked = maillog_cache_key(text, len, &mlen);
	lookup(c, text, len, shape_of(c, masked, mlen, &made), masked, mlen,
	    &f, &r->diagnosis);
	free(masked);
	if ((m = record_limit_note(r)) != NULL) {
		free(r->note);
		r->note = m;
	}
}

/* A diagnosis that hit a match limit says so in the lent record's note,
 * as record_diagnose() does; the note is the cache's, kept until the
 * next record. */
static void
limit_note(struct maillog_cache *c, struct record *r)
{
	char	*m;

	if ((m = record_limit_note(r)) == NULL)
		return;
	free(c->note);
	c->note = r->note = m;
}

/* Space for the texts of the record being done: reset per record. */
static char *
arena_put(struct maillog_cache *c, const char *s, size_t n)
{
	char	*p = c->arena + c->aused;

	memcpy(p, s, n);
	p[n] = '\0';
	c->aused += n + 1;
	return p;
}

void
maillog_cache_record(struct maillog_cache *c, struct record *r)
{
	struct record_attempt	*a;
	struct findings		 f;
	const struct text	*t;
	size_t			 i, need = 1;
	int			 made;

	/* unfolding never lengthens a text: the raw sizes are enough (a
	 * lean cache leaves the attempts' texts as they are) */
	for (i = 0; i < r->nattempts; i++)
		if (r->attempts[i].diagnostic != NULL)
			need += strlen(r->attempts[i].diagnostic) + 1;
	if (r->diagnostic != NULL)
		need += strlen(r->diagnostic) + 1;
	if (need > c->acap) {
		free(c->arena);
		c->acap = need * 2;
		c->arena = xmalloc(c->acap);
	}
	c->aused = 0;
	for (i = 0; i < r->nattempts; i++) {
		a = &r->attempts[i];
		if (a->diagnostic == NULL || c->lean)
			continue;
		t = text_of(c, a->diagnostic, strlen(a->diagnostic));
		a->diagnostic = arena_put(c, t->unfolded, t->ulen);
		if (t->tf.reply != 0)
			record_reply_text(a->reply, t->tf.reply);
		memcpy(a->status, t->tf.status, sizeof a->status);
	}
	if (r->diagnostic == NULL) {
		memset(&r->findings, 0, sizeof r->findings);
		codes(r, &f);
		lookup(c, "", 0, shape_of(c, "", 0, &made), "", 0, &f,
		    &r->diagnosis);
		limit_note(c, r);
		return;
	}
	t = text_of(c, r->diagnostic, strlen(r->diagnostic));
	r->diagnostic = arena_put(c, t->unfolded, t->ulen);
	text_findings(t, &r->findings);
	codes(r, &f);
	lookup(c, t->unfolded, t->ulen, t->shape, t->masked, t->mlen, &f,
	    &r->diagnosis);
	limit_note(c, r);
}
