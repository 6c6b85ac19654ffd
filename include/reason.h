/*
 * reason.h - a reason name from the words of a failure, when the
 * knowledge base has no article written for that text.
 *
 * Input: the diagnostic text, its reply code, enhanced status and phase,
 * and the reason the generic (status or code) article gave.  Output: a
 * reason name of Sisimai's taxonomy.  The order of the tests follows
 * Sisimai's: first the reasons that a text or a specific status names
 * outright (mailboxfull, mesgtoobig, exceedlimit, suspend, hasmoved,
 * norelaying, authfailure, userunknown, filtered, requireptr,
 * notcompliantrfc, badreputation, rejected, notaccept for a domain
 * without mail exchanger, hostunknown, spamdetected, a policy named
 * outright, toomanyconn, blocked: the first that fires wins; Japanese
 * wordings in ISO-2022-JP too); then the generic article's reason unless
 * it is weak (onhold, or a status of detail 0); then the vaguer words
 * (virusdetected, policyviolation, securityerror, systemerror, a timeout
 * as expired, networkerror, expired, contenterror, systemfull,
 * notaccept, mailererror); then the class of the status (X.6 content,
 * X.7 security), a 50x reply (syntaxerror), a refusal at EHLO (blocked).
 * A user unknown said only after the data (and not with an X.1.X status)
 * is filtered; words that name no reason are onhold, none at all
 * undefined.  Last, reason_settle().
 */
#ifndef BOUNCEDOC_REASON_H
#define BOUNCEDOC_REASON_H

#include <stddef.h>

#include "findings.h"

/*
 * Returns the reason for text[0..len) (not NUL-terminated): reply 0 and
 * status "" when absent; current is the generic article's reason (or
 * "onhold"/"undefined").  Returns a static string or current.
 */
const char	*reason_refine(const char *text, size_t len, int reply,
		    const char *status, enum findings_phase phase,
		    const char *current);

/*
 * A reason squared with the phase and status of the reply it came from
 * (the reason a match article names goes through this too): a reason
 * about the recipient given before any recipient was named is about the
 * sender (MAIL FROM: rejected) or the sending host (connection, EHLO:
 * blocked); "user unknown" with a status that names the mailbox's state
 * (X.1.6 moved, X.2.2 full, other X.2.X or X.7.X refused) is that state
 * or filtered.  Returns a static string or reason.
 */
const char	*reason_settle(const char *reason, const char *status,
		    enum findings_phase phase);

#endif
