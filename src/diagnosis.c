/*
 * diagnosis.c - pick the articles for a failure and classify it.
 *
 * Articles, most specific first: the best match article (its pattern fits
 * the diagnostic text), the status article for the enhanced status, the
 * code article for the reply code.  Temporary or permanent, and the
 * reason, come from the most specific article that says: a provider's
 * text outranks its code (a "552 mailbox full" that clears by itself is
 * temporary), the enhanced status outranks the reply code (RFC 3463 s2:
 * the class of the status is what a client should act on).
 */
#include "config.h"

#include <string.h>

#include "diagnosis.h"
#include "findings.h"
#include "kb.h"
#include "reason.h"

static void
add(struct diagnosis *d, const struct kb_article *a)
{
	size_t	i;

	if (a == NULL || d->narticles == DIAGNOSIS_MAX)
		return;
	for (i = 0; i < d->narticles; i++)
		if (d->articles[i] == a)
			return;
	d->articles[d->narticles++] = a;
}

static int
class_temporary(int reply, const char *status, int *known)
{
	*known = 1;
	if (status != NULL && (status[0] == '4' || status[0] == '5'))
		return status[0] == '4';
	if (reply >= 400 && reply < 600)
		return reply < 500;
	*known = 0;
	return 0;
}

static void
classify(struct diagnosis *d, int reply, const char *status)
{
	const struct kb_article	*a;
	size_t			 i;
	int			 known, temp;

	temp = class_temporary(reply, status, &known);
	d->temporary = temp;
	d->reason = known ? "onhold" : "undefined";
	for (i = 0; i < d->narticles; i++) {
		a = d->articles[i];
		/* A reason of "delivered" from a 2xx article says nothing
		 * about a failure carrying that code; skip it. */
		if (known && strcmp(a->reason, "delivered") == 0)
			continue;
		d->reason = a->reason;
		if (a->bounce != KB_BOUNCE_UNSET)
			d->temporary = a->bounce == KB_BOUNCE_TEMPORARY;
		else if (known)
			d->temporary = temp;
		return;
	}
}

void
diagnosis_codes(const struct kb *kb, int reply, const char *status,
    struct diagnosis *out)
{
	memset(out, 0, sizeof *out);
	if (status != NULL && *status != '\0')
		add(out, kb_status_article(kb, status));
	add(out, kb_code_article(kb, reply));
	classify(out, reply, status);
}

void
diagnosis_run(const struct kb *kb, const char *text, size_t len,
    const struct findings *f, struct diagnosis *out)
{
	const struct kb_article	*m[1];

	memset(out, 0, sizeof *out);
	if (text != NULL && len > 0) {
		if (kb_match(kb, text, len, f->reply, f->status, m, 1) == 1)
			add(out, m[0]);
		out->limited = kb_match_limited(kb);
	}
	if (f->status[0] != '\0')
		add(out, kb_status_article(kb, f->status));
	add(out, kb_code_article(kb, f->reply));
	classify(out, f->reply, f->status[0] ? f->status : NULL);
	/* no article written for this text (or only one for its wrapper,
	 * which names no reason): let its words name the reason */
	if (text != NULL && (out->narticles == 0 ||
	    out->articles[0]->kind != KB_KIND_MATCH ||
	    strcmp(out->reason, "onhold") == 0))
		out->reason = reason_refine(text, len, f->reply, f->status,
		    f->phase, out->reason);
	else if (text != NULL)	/* the article's reason, in its context */
		out->reason = reason_settle(out->reason, f->status, f->phase);
}
