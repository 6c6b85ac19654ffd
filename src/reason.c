/*
 * reason.c - a reason name from the words of a failure (see reason.h).
 *
 * Two ordered tables of rules.  A rule fires when the lower-cased text
 * holds one of its phrases, or (first table only) when the enhanced status
 * is one of its codes.  The phrases are the wording receiving servers use
 * in their replies; a phrase list stays short and specific, because a
 * phrase that fires wrongly costs more than one that misses (the status
 * article is there to fall back on).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "reason.h"
#include "xalloc.h"

struct rule {
	const char		*reason;
	const char		*codes;		/* " 5.2.2 x.2.2 " style */
	const char *const	*phrases;	/* NULL-terminated */
	const char *const	*unless;	/* phrases that veto, or NULL */
};

#define P(name, ...)	static const char *const name[] = { __VA_ARGS__, NULL }

P(p_mailboxfull, "mailbox full", "mailbox is full", "mailbox quota",
    "quota exceed", "over quota", "overquota", "over its quota",
    "exceeded storage", "exceeds allowed size", "mailfolder is full",
    "mailbox size limit", "mailbox has exceeded", "disk quota",
    "quota full", "storage quota", "account is full", "inbox is full",
    "mailbox exceeds", "full mailbox", "exceed mailbox", "mailbox is over",
    "user's mailbox is full", "not enough storage", "quota reached",
    "mailbox would exceed", "insufficient storage space for the user");
P(p_mesgtoobig, "message too big", "message too large", "message size exceeds",
    "size limit exceeded", "message is too large", "message is too big",
    "exceeds maximum message size", "exceeds the maximum message",
    "message length exceeds", "message size limit", "mail size limit",
    "size of the message exceeds", "message file too big",
    "exceeded maximum size", "message exceeds the maximum size",
    "too large for this", "exceeds size limit");
P(p_exceedlimit, "header size exceeds", "message header size",
    "too many header lines", "exceeds the message header");
P(p_suspend, "account disabled", "has been disabled", "mailbox disabled",
    "been suspended", "account suspended", "is suspended",
    "mailbox is frozen", "account is inactive", "inactive account",
    "account has been locked", "account is locked", "mailbox is inactive",
    "deactivated", "account is disabled", "is disabled",
    "temporarily disabled", "account expired", "mailbox is disabled",
    "not an active", "mailbox unavailable due to", "temporary locked",
    "temporarily locked");
P(p_hasmoved, "has moved", "no longer on server", "address has changed",
    "mailbox has moved", "moved to another", "changed address");
P(p_norelaying, "relay access denied", "relaying denied",
    "not permitted to relay", "relay not permitted", "unable to relay",
    "relaying not allowed", "we do not relay", "not configured to relay",
    "relay denied", "no relaying", "relay prohibited",
    "not allowed to relay", "relay not allowed", "relaying is prohibited",
    "relaying mail to", "relay is not allowed", "cannot relay",
    "insecure mail relay");
P(p_authfailure, "dmarc policy", "dmarc check", "failed dmarc",
    "dmarc validation", "dmarc verification", "spf check", "spf fail",
    "failed spf", "spf=fail", "spf validation", "sender policy framework",
    "dkim fail", "dkim check", "dkim=fail", "dkim verification",
    "required authentication level", "spf record", "did not pass spf",
    "dmarc=fail", "domain's dmarc", "dmarc) policy", "owner dmarc");
P(p_userunknown, "user unknown", "unknown user", "no such user",
    "user not found", "no such mailbox", "mailbox not found",
    "mailbox unavailable", "recipient address rejected: access denied",
    "recipient address rejected.",
    "unknown recipient", "recipient unknown", "invalid recipient",
    "recipient not found", "no mailbox", "does not exist",
    "doesn't exist", "unknown address", "invalid address",
    "address unknown", "no such recipient", "not a valid mailbox",
    "account does not exist", "no such account", "unknown local part",
    "unknown mailbox", "addressee unknown", "bad recipient",
    "recipient rejected", "unrouteable address", "no valid recipients",
    "invalid mailbox", "recipientnotfound", "name is not recognized",
    "no such person", "nonexistent", "non-existent", "user doesn't exist",
    "is not a valid user", "mailbox is unavailable", "unknown in",
    "not a known user", "no account by that name", "user invalid",
    "account not found", "mailbox not available", "address not found",
    "unknown e-mail address", "invalid e-mail address",
    "recipient does not exist", "is not a valid recipient",
    "not listed in", "no user", "user not exist", "does not have an account",
    "invalid final delivery userid");
P(p_filtered, "rejected by user", "blocked by user",
    "due to user's settings", "mail receiving was refused",
    "denied by recipient", "rejected by recipient", "user reject",
    "doesn't have a", "content filter", "filtered");
P(p_requireptr, "reverse dns", "ptr record", "no ptr", "rdns",
    "reverse lookup", "reverse hostname", "cannot find your hostname",
    "no reverse", "not have a reverse", "reverse mapping",
    "cannot resolve your", "reverse dns entry", "ip name lookup failed",
    "mismatches client ip", "unverifyable sending ip",
    "unverifiable sending ip", "ptr resource record", "ptr-record");
P(p_notcompliantrfc, "rfc 5322", "rfc5322", "rfc 2822", "rfc2822",
    "rfc 822", "not rfc compliant", "duplicate header",
    "multiple addresses in from", "addresses in from:", "not rfc-compliant",
    "malformed header",
    "rfc 5321", "bare lf", "bare linefeed");
P(p_badreputation, "ip reputation", "poor reputation", "sender reputation",
    "low reputation", "bad reputation", "reputation of");
P(p_rejected, "sender rejected", "sender address rejected",
    "domain of sender address", "sender domain", "sender verify failed",
    "invalid sender", "sender not allowed", "from address rejected",
    "sender unknown", "unknown sender", "mail from rejected",
    "address is not verified", "sender is not allowed", "sender denied",
    "bad sender", "not a member of", "sender address is not valid",
    "return path", "sender is blocked", "envelope sender",
    "sender verification", "identities failed", "sender blacklisted",
    "address that has been blacklisted",
    "not accept mail from", "mail from address", "sender address invalid");
P(p_hostunknown, "host unknown", "unknown host", "host not found",
    "domain not found", "no such domain", "domain does not exist",
    "invalid domain", "unrouteable domain", "domain name not found",
    "unknown domain", "domain is not valid",
    "domain could not be found", "host or domain name not found",
    "hostname lookup failed", "name or service not known",
    "domain is not reachable");
P(p_hostunknown_unless, "not found, try again", "temporary", "timed out");
P(p_spamdetected, "spam", "junk mail", "bulk mail", "unsolicited",
    "bulk email", "looks like junk", "content rejected as",
    "message content rejected", ", ube", "ube,");
P(p_toomanyconn, "too many connections", "too many recipients",
    "too many messages", "connection limit", "too many concurrent",
    "too many sessions", "connections from your", "receiving mail at a rate",
    "rate limit", "sending rate", "too fast", "exceeded the rate",
    "throttl", "try again later, closing connection", "rate that prevents",
    "too many simultaneous", "sent too many", "limit on the number");
P(p_blocked, "blocked", "blacklist", "blocklist", "block list", "black list",
    "listed on", "listed in", "dnsbl", "rbl", "spamhaus", "spamcop",
    "abuseat", "client host rejected", "refused to talk",
    "dynamic ip", "residential", "banned", "your ip", "ip address",
    "smtp server of your isp", "mail server of your isp", "your network",
    "denied access", "not allowed to send",
    "connection refused by", "helo", "ehlo", "rejected your ip",
    "invalid ip for sending", "host is not allowed", "service not available",
    "no access from mail server", "an open relay");
/* a site's policy named outright: outranks the words of a block */
P(p_policystrong, "content presents a potential", "denied by policy",
    "rejected for policy reasons", "local policy violation",
    "organization policy", "policy reasons", "header error",
    "messages with multiple addresses", "illegal attachment");
P(p_virusdetected, "virus", "malware", "infected", "trojan", "worm found");
P(p_policyviolation, "policy", "violat", "prohibited",
    "message not allowed", "content not allowed");
P(p_securityerror, "authentication required", "must authenticate",
    "unauthenticated", "tls required", "encryption required",
    "must issue a starttls", "starttls", "security", "certificate",
    "authentication failed", "not authorized", "unauthorized",
    "forged", "impersonat");
P(p_systemerror, "system error", "internal error", "server error",
    "local error", "configuration error", "misconfigur", "could not load",
    "i/o error", "resources temporarily", "out of memory", "database",
    "ldap", "transaction failed", "unable to process", "temporarily "
    "unavailable", "local problem", "error in processing",
    "system not accepting", "server failure");
P(p_networkerror, "no route to host", "connection refused",
    "network is unreachable", "lost connection", "name service error",
    "dns", "mail loop", "too many hops", "hop count", "routing loop",
    "unable to connect", "could not connect", "connection reset",
    "loops back to myself", "host not found, try again", "network error",
    "connection dropped", "maximum hop", "lookup failure");
P(p_expired, "expired", "too long", "retry time", "retry timeout",
    "gave up", "giving up", "maximum time", "time limit",
    "not delivered within", "no answer", "cannot send message for",
    "connection timed out", "has been in the queue",
    "could not be delivered for", "timed out", "not reach",
    "did not accept our requests", "unable to deliver for", " attempts:");
P(p_contenterror, "8-bit", "8bit", "mime", "charset", "encoding",
    "message content", "content error", "bad content", "header syntax");
P(p_systemfull, "disk full", "spool full", "out of disk",
    "insufficient system storage", "insufficient disk", "no space left",
    "system full", "file system full", "mail system full");
/* no server that takes mail: a domain that exists, without mail */
P(p_nomx, "couldn't find a mail exchanger", "no mx found", "no mx record",
    "null mx", "indicated no smtp service", "does not accept mail",
    "doesn't accept mail");
/* the remote host never answered in time: the sender gave up */
P(p_timedout, "timed out", "message expired", "timeout exceeded");
P(p_notaccept, "does not accept mail", "doesn't accept mail", "null mx",
    "not accepting mail", "no mail accepted", "accepts no mail",
    "does not receive mail", "not accept any mail", "no smtp service",
    "no mx found", "no mx record");
P(p_syntaxerror, "malformed address", "syntax error", "unrecognized command",
    "command not recognized", "bad sequence of commands");
P(p_mailererror, "command output", "procmail", "pipe to", "mailer error",
    "exit status", "child status", "command died", "unknown mailer",
    "mail.local", "delivery program");

static const struct rule strong[] = {
	{ "mailboxfull", " x.2.2 ", p_mailboxfull, NULL },
	{ "mesgtoobig", " x.3.4 5.7.16 ", p_mesgtoobig, NULL },
	{ "exceedlimit", " x.2.3 ", p_exceedlimit, NULL },
	{ "suspend", " 4.2.1 5.7.13 ", p_suspend, NULL },
	{ "hasmoved", " x.1.6 5.7.17 5.7.18 ", p_hasmoved, NULL },
	{ "norelaying", "", p_norelaying, NULL },
	{ "authfailure", " x.7.20 x.7.21 x.7.22 x.7.23 x.7.24 x.7.26 ",
	    p_authfailure, NULL },
	{ "userunknown", " 5.1.0 5.1.1 5.1.3 ", p_userunknown, NULL },
	{ "filtered", " 5.1.4 5.2.0 5.2.1 x.2.4 ", p_filtered, NULL },
	{ "requireptr", " x.7.25 ", p_requireptr, NULL },
	{ "notcompliantrfc", "", p_notcompliantrfc, NULL },
	{ "badreputation", "", p_badreputation, NULL },
	{ "rejected", " x.1.7 x.1.8 ", p_rejected, NULL },
	{ "notaccept", "", p_nomx, NULL },
	{ "hostunknown", " 5.1.2 5.4.4 ", p_hostunknown,
	    p_hostunknown_unless },
	{ "spamdetected", "", p_spamdetected, NULL },
	{ "policyviolation", "", p_policystrong, NULL },
	{ "toomanyconn", " 5.5.3 ", p_toomanyconn, NULL },
	{ "blocked", " 4.7.1 4.7.2 ", p_blocked, NULL },
};

static const struct rule weak[] = {
	{ "virusdetected", "", p_virusdetected, NULL },
	{ "policyviolation", "", p_policyviolation, NULL },
	{ "securityerror", "", p_securityerror, NULL },
	{ "systemerror", "", p_systemerror, NULL },
	{ "expired", "", p_timedout, NULL },
	{ "networkerror", "", p_networkerror, NULL },
	{ "expired", "", p_expired, NULL },
	{ "contenterror", "", p_contenterror, NULL },
	{ "systemfull", "", p_systemfull, NULL },
	{ "notaccept", "", p_notaccept, NULL },
	{ "mailererror", "", p_mailererror, NULL },
	{ "syntaxerror", "", p_syntaxerror, NULL },
};

static int
any(const char *low, const char *const *list)
{
	size_t	i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		if (strstr(low, list[i]) != NULL)
			return 1;
	return 0;
}

/* Is status ("5.2.2") in codes (" 5.2.2 x.2.2 ")? */
static int
code_in(const char *status, const char *codes)
{
	char	pat[24];

	if (status[0] == '\0' || strlen(status) > 12)
		return 0;
	snprintf(pat, sizeof pat, " %s ", status);
	if (strstr(codes, pat) != NULL)
		return 1;
	snprintf(pat, sizeof pat, " x%s ", status + 1);
	return strstr(codes, pat) != NULL;
}

/*
 * Japanese wordings as ISO-2022-JP writes them: JIS X 0208 characters,
 * two bytes each, between ESC $ B and ESC ( B.  The reader keeps such
 * text as it is, so the words are looked for in that form, at character
 * boundaries.
 */
static const struct {
	const char	*jis;
	const char	*reason;
} jis_words[] = {
	{ "8+$D$+$j$^$;$s", "userunknown" },	/* "cannot be found" */
	{ "B8:_$7$^$;$s", "userunknown" },	/* "does not exist" */
	{ "08@hITL@", "userunknown" },		/* "unknown address" */
	{ "<u?.5qH]", "filtered" },		/* "refused to receive" */
};

static const char *
jis_reason(const char *t, size_t n)
{
	const char	*p, *end = t + n, *run, *stop;
	size_t		 i, k, w;

	for (p = t; (run = memmem(p, (size_t)(end - p), "\033$B", 3)) !=
	    NULL; p = stop) {
		run += 3;
		if ((stop = memchr(run, '\033', (size_t)(end - run))) == NULL)
			stop = end;
		for (k = 0; k + 2 <= (size_t)(stop - run); k += 2)
			for (i = 0; i < sizeof jis_words /
			    sizeof jis_words[0]; i++) {
				w = strlen(jis_words[i].jis);
				if (k + w <= (size_t)(stop - run) &&
				    memcmp(run + k, jis_words[i].jis, w) == 0)
					return jis_words[i].reason;
			}
	}
	return NULL;
}

/* Does a word that names a mailbox ("user john.doe") end just before
 * b? */
static int
mailbox_word(const char *low, const char *b)
{
	static const char *const words[] = {
		"user", "mailbox", "recipient", "account", "address",
	};
	size_t	i, k;

	while (b > low && strchr(" \"'<[:", b[-1]) != NULL)
		b--;
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		k = strlen(words[i]);
		if ((size_t)(b - low) >= k && memcmp(b - k, words[i], k) == 0)
			return 1;
	}
	return 0;
}

/* "553 example.net does not exist": the name that does not exist is a
 * domain (dots, no "@"), not a mailbox. */
static int
domain_gone(const char *low)
{
	const char	*p, *e, *b;
	int		 dot;

	for (p = low; (p = strstr(p, " does not exist")) != NULL; p++) {
		for (e = p; e > low && strchr("'\"]>", e[-1]) != NULL; e--)
			;
		for (b = e, dot = 0; b > low && (isalnum((unsigned char)b[-1])
		    || b[-1] == '.' || b[-1] == '-'); b--)
			dot |= b[-1] == '.';
		if (dot && b < e && e[-1] != '.' && (b == low ||
		    strchr("@/=", b[-1]) == NULL) && !mailbox_word(low, b))
			return 1;
	}
	return 0;
}

static const char *
first(const struct rule *r, size_t n, const char *low, const char *status)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (code_in(status, r[i].codes) ||
		    (any(low, r[i].phrases) && !any(low, r[i].unless)))
			return r[i].reason;
	return NULL;
}

/* onhold, undefined, or a status that names no detail (X.0.X, none). */
static int
weak_current(const char *current, const char *status)
{
	return strcmp(current, "onhold") == 0 ||
	    strcmp(current, "undefined") == 0 || status[0] == '\0' ||
	    strncmp(status + 1, ".0.", 3) == 0 ||
	    strcmp(status + 1, ".5.0") == 0;
}

static const char *
by_class(int reply, const char *status, enum findings_phase phase)
{
	if (strncmp(status + 1, ".6.", 3) == 0 && status[0] != '\0')
		return "contenterror";
	if (strncmp(status + 1, ".7.", 3) == 0 && status[0] != '\0')
		return "securityerror";
	if (reply >= 500 && reply <= 504)
		return "syntaxerror";
	if (phase == FINDINGS_PHASE_EHLO || phase == FINDINGS_PHASE_CONNECT)
		return "blocked";
	return NULL;
}

/* Is status of subject.detail sd (".2.", ".7.", ".1.6")? */
static int
status_is(const char *status, const char *sd)
{
	return status[0] != '\0' && strncmp(status + 1, sd, strlen(sd)) == 0;
}

const char *
reason_settle(const char *reason, const char *status,
    enum findings_phase phase)
{
	int	about_rcpt;

	if (status == NULL)
		status = "";
	about_rcpt = strcmp(reason, "userunknown") == 0 ||
	    strcmp(reason, "hostunknown") == 0 ||
	    strcmp(reason, "filtered") == 0;
	/* no recipient had been named yet: the words were about us */
	if (about_rcpt && phase == FINDINGS_PHASE_MAIL)
		return "rejected";
	if (about_rcpt && (phase == FINDINGS_PHASE_CONNECT ||
	    phase == FINDINGS_PHASE_EHLO))
		return "blocked";
	if (strcmp(reason, "userunknown") != 0 ||
	    phase == FINDINGS_PHASE_RCPT)
		return reason;
	/* "user unknown" with a status that says otherwise: the server
	 * knew the mailbox */
	if (status_is(status, ".1.6"))
		return "hasmoved";
	if (status_is(status, ".2.2"))
		return "mailboxfull";
	if (status_is(status, ".2.") || status_is(status, ".7."))
		return "filtered";
	return reason;
}

/*
 * Mail addresses say nothing about why a mail failed ("<security42@…>"
 * is no security error): they are blanked in low before the phrases are
 * looked for.  (The diagnosis cache relies on it: it masks addresses.)
 */
static void
blank_addresses(char *low, size_t len)
{
	static const char	 local[] = ".!#$%&'*+/=?^_`{|}~-";
	size_t			 i, b, e;

	for (i = 0; i < len; i++) {
		if (low[i] != '@')
			continue;
		for (b = i; b > 0 && (isalnum((unsigned char)low[b - 1]) ||
		    (low[b - 1] != '\0' && strchr(local, low[b - 1]) != NULL));
		    b--)
			continue;
		for (e = i + 1; e < len && (isalnum((unsigned char)low[e]) ||
		    low[e] == '.' || low[e] == '-'); e++)
			continue;
		if (b == i || e == i + 1)
			continue;
		memset(low + b, ' ', e - b);
		i = e - 1;
	}
}

const char *
reason_refine(const char *text, size_t len, int reply, const char *status,
    enum findings_phase phase, const char *current)
{
	const char	*r;
	char		*low;
	size_t		 i;

	if (status == NULL)
		status = "";
	if (status[0] == '2' || (status[0] == '\0' && reply >= 200 &&
	    reply < 300))
		return current;
	low = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		low[i] = text[i] >= 'A' && text[i] <= 'Z' ?
		    (char)(text[i] - 'A' + 'a') : text[i] == '\0' ? ' ' :
		    text[i];
	low[len] = '\0';
	blank_addresses(low, len);
	if (domain_gone(low))
		r = "hostunknown";
	else if ((r = first(strong, sizeof strong / sizeof strong[0], low,
	    status)) != NULL || (r = jis_reason(text, len)) != NULL)
		;
	else if (!weak_current(current, status))
		/* refused at MAIL FROM: the sender was the matter */
		r = phase == FINDINGS_PHASE_MAIL ? "rejected" : current;
	else if ((r = first(weak, sizeof weak / sizeof weak[0], low, "")) ==
	    NULL) {
		if (phase == FINDINGS_PHASE_MAIL)
			r = "rejected";	/* refused for the sender */
		else if ((r = by_class(reply, status, phase)) == NULL)
			r = current;
	}
	/* a recipient refused only after the data was sent, when neither
	 * the status nor an article says the address is wrong, is known
	 * to the server: a filter said no */
	if (strcmp(r, "userunknown") == 0 && phase == FINDINGS_PHASE_DATA &&
	    !status_is(status, ".1."))
		r = "filtered";
	/* a failure with words but no reason in them: on hold */
	if (strcmp(r, "undefined") == 0 && strspn(low, " \t\n") < len)
		r = "onhold";
	free(low);
	return reason_settle(r, status, phase);
}
