/*
 * diagnosis.h - from findings to articles, temporary/permanent and reason.
 *
 * Input: the diagnostic text and its findings.  Output: the articles that
 * apply, most specific first (match, then status, then code), whether the
 * failure is temporary, and a Sisimai reason name.  Pointers point into
 * the struct kb and stay valid until kb_free().
 */
#ifndef BOUNCEDOC_DIAGNOSIS_H
#define BOUNCEDOC_DIAGNOSIS_H

#include <stddef.h>

#include "findings.h"
#include "kb.h"

#define DIAGNOSIS_MAX 3

struct diagnosis {
	const struct kb_article	*articles[DIAGNOSIS_MAX];
	size_t			 narticles;
	int			 temporary;	/* 1 temporary, 0 permanent */
	const char		*reason;	/* static or into kb */
	/* an article whose pattern stopped at a match limit on this
	 * text (kb_match_limited()), or NULL */
	const struct kb_article	*limited;
};

/* Diagnoses text[0..len) whose codes are in *f. */
void	diagnosis_run(const struct kb *kb, const char *text, size_t len,
	    const struct findings *f, struct diagnosis *out);

/* Diagnoses bare codes ("421", "5.7.26") with no text. */
void	diagnosis_codes(const struct kb *kb, int reply, const char *status,
	    struct diagnosis *out);

#endif
