/*
 * maillog.h - read mail-server logs: Postfix, Exim and Sendmail.
 *
 * Input: the text of a log, streamed in large blocks (source.h), with
 * traditional syslog stamps ("Mar  2 00:00:07 host postfix/smtp[12]: …"),
 * `journalctl -o short` output (the same, zero-padded days), RFC 3339
 * stamps ("2025-03-02T00:00:07.123+01:00 host …") or Exim's own mainlog
 * ("2025-03-02 00:00:07 1toWkS-0001kg-03 ** …").
 *
 * Output: records (record.h), handed one at a time to a sink:
 *   - one per recipient and final state of a journey - the lines of one
 *     queue id joined, so the record knows sender, message-id, recipient,
 *     relay, delays and every attempt (deferred, deferred, bounced …) with
 *     its time, line and reply.  A journey makes a record only if one of
 *     its attempts failed; its action is "failed" (bounced), "expired"
 *     (given up after the queue lifetime) or "delayed" (deferred, then
 *     delivered or still queued when the log ends - the last attempt
 *     says which).  A journey ends with its queue file (Postfix
 *     "removed", Exim "Completed"), with a final status (Sendmail), or
 *     with the end of the log;
 *   - one per inbound rejection (Postfix "NOQUEUE: reject:" of smtpd and
 *     postscreen, milter rejects, Exim "rejected RCPT", Sendmail
 *     "reject="), action "rejected".
 *
 * The work is split by stage:
 *	maillog.c		streams blocks, cuts lines; the diagnosis
 *				thread
 *	maillog_line.c		parses the stamp and program, dispatches
 *	maillog_postfix.c	Postfix lines -> struct maillog_line
 *	maillog_exim.c		Exim lines
 *	maillog_sendmail.c	Sendmail lines
 *	maillog_journey.c	joins lines by queue id
 *	maillog_emit.c		builds the records of the joined lines
 *	maillog_cache.c		diagnoses each distinct reply text once
 *	maillog_record.c	packs records that outlive the joiner
 *
 * Memory grows with the journeys still open and the records a sink keeps,
 * not with the size of the log: lines are parsed in the block buffer and
 * records keep offsets of their lines (record.h) plus short copies.
 */
#ifndef BOUNCEDOC_MAILLOG_H
#define BOUNCEDOC_MAILLOG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "diag.h"
#include "kb.h"
#include "record.h"
#include "source.h"

/* A piece of the line being parsed: pointer and length, no NUL.  Points
 * into the block being read, valid until the next block. */
struct maillog_span {
	const char	*p;
	size_t		 n;
};

enum maillog_mta {
	MAILLOG_MTA_NONE = 0,
	MAILLOG_POSTFIX,
	MAILLOG_EXIM,
	MAILLOG_SENDMAIL,
};

enum maillog_event {
	MAILLOG_EV_NONE = 0,	/* nothing this reader uses */
	MAILLOG_EV_DELIVERY,	/* one attempt for one recipient (status) */
	MAILLOG_EV_SENDER,	/* envelope sender of a queue id (and
				   message-id, when on the same line) */
	MAILLOG_EV_MESSAGE_ID,	/* message-id of a queue id */
	MAILLOG_EV_EXPIRED,	/* every recipient still queued given up */
	MAILLOG_EV_DONE,	/* queue file removed, "Completed" */
	MAILLOG_EV_REJECT,	/* refused while receiving */
	MAILLOG_EV_NOTE,	/* another line of a queue id's journey:
				   bounce notification, host error */
};

enum maillog_status {
	MAILLOG_ST_NONE = 0,
	MAILLOG_SENT,		/* delivered (sent, => , stat=Sent) */
	MAILLOG_DEFERRED,	/* temporary failure, will retry */
	MAILLOG_BOUNCED,	/* permanent failure, returned */
	MAILLOG_EXPIRED,	/* retried too long, returned */
};

/*
 * One log line cut into fields.  Only the fields the line has are set
 * (.p NULL otherwise).  Addresses are without their <>; "<>" (the null
 * sender) is an empty span with p set.
 */
struct maillog_line {
	enum maillog_mta	 mta;
	enum maillog_event	 event;
	enum maillog_status	 status;
	struct maillog_span	 stamp;		/* the time as written */
	struct maillog_span	 host;		/* syslog host, if any */
	struct maillog_span	 program;	/* "postfix/smtp", "exim" */
	struct maillog_span	 daemon;	/* its last part, "smtp" */
	int			 quiet;		/* a daemon that never logs
						   about deliveries */
	int			 lean;		/* from the hint: senders and
						   message-ids are not wanted */
	struct maillog_span	 msg;		/* the text after the tag */
	/* the fields below are cleared (maillog_line_fields()) only for a
	 * line that has an event: most lines have none, and are skipped
	 * faster for it */
	struct maillog_span	 queue_id;
	struct maillog_span	 recipient;	/* may list several: <a>,<b> */
	struct maillog_span	 orig_recipient;
	struct maillog_span	 sender;
	struct maillog_span	 message_id;
	struct maillog_span	 relay;		/* relay=, H= */
	struct maillog_span	 client;	/* rejects: the client */
	struct maillog_span	 delays;	/* "delay=1.2, delays=…" */
	struct maillog_span	 dsn;		/* the MTA's dsn= */
	struct maillog_span	 text;		/* the diagnostic */
};
/* The spans from queue_id to text (maillog_line_fields()). */
#define MAILLOG_FIELDS	((offsetof(struct maillog_line, text) - \
	offsetof(struct maillog_line, queue_id)) / \
	sizeof(struct maillog_span) + 1)

/*
 * What the lines before looked like: most lines of a log share their
 * host and program prefix ("mail postfix/") and a dozen daemon names, so
 * those are checked first.  Only a cache: a line parses the same with
 * any hint.  Zero it before the first line.
 */
#define MAILLOG_DAEMONS	32
struct maillog_hint {
	/* set by the caller: a line that only gives a sender or a
	 * message-id is MAILLOG_EV_NONE (for a sink that reads neither) */
	int		 lean;
	size_t		 hostlen;	/* of tpl */
	size_t		 tpllen;	/* "host postfix/": up to the daemon */
	enum maillog_mta mta;		/* of the program in tpl */
	char		 tpl[80];
	/* the stamp of the line before and its ' ' (most lines share their
	 * second with it) */
	char		 stamp[32];
	size_t		 stampk;	/* 0: none */
	size_t		 stampmin;	/* the line length it needs */
	int		 stampexim;
	/* stamp and tpl in a row, when both are there and Postfix's */
	char		 fast[96];
	size_t		 fastlen;	/* 0: none */
	/* the Postfix daemon names seen after tpl (maillog_line.c) */
	struct maillog_daemon {
		uint64_t	 w[2];		/* the name, zero-padded */
		uint64_t	 m[2];		/* masks of its bytes */
		size_t		 len;		/* 0: empty */
		int		 quiet;
	} daemons[MAILLOG_DAEMONS];
};

/*
 * Cuts one line (no newline) into *l (cleared first).  Returns l->event:
 * MAILLOG_EV_NONE for lines of other programs, lines of a known MTA that
 * say nothing about a delivery, and lines that are not log lines at all.
 * Never fails: a line it cannot read is MAILLOG_EV_NONE.
 */
enum maillog_event maillog_parse_line(const char *p, size_t n,
		    struct maillog_line *l);
/* The same for the next line of a log, h kept between its lines. */
enum maillog_event maillog_parse_next(const char *p, size_t n,
		    struct maillog_line *l, struct maillog_hint *h);

/* The length of the Postfix daemon name at d ("smtp", "qmgr") when it
 * is one Postfix has and "[" or ":" follows; else 0.  *quiet is set for
 * the daemons that never log about a delivery (anvil, pickup …). */
size_t	maillog_postfix_name(const char *d, const char *end, int *quiet);

/* The per-MTA parsers of the text after the tag (l->msg, l->program set
 * by maillog_parse_line()).  Each sets l->event and the fields. */
void	maillog_postfix_parse(struct maillog_line *l);
void	maillog_exim_parse(struct maillog_line *l);
void	maillog_sendmail_parse(struct maillog_line *l);

/* Small helpers the parsers share (maillog_line.c). */
/* Clears the fields from queue_id on and sets queue_id. */
void	maillog_line_fields(struct maillog_line *l, const char *qid,
	    size_t qlen);
/* 1 for [0-9A-Za-z]: the characters of queue ids. */
extern const unsigned char maillog_alnum[256];
/*
 * The first of the bytes a or b in [p, end), or end: memchr() for the
 * short distances inside a log line, eight bytes at a time (a word holds
 * a byte equal to c where (w ^ c*ONES) has a zero byte; the lowest
 * flagged byte is exact).  Only whole words inside [p, end) are read;
 * the tail goes byte by byte.  Inline: every line of a log comes here.
 */
static inline const char *
maillog_first(const char *p, const char *end, int a, int b)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	const uint64_t	highs = 0x8080808080808080ULL;
	uint64_t	w, x, y, m;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		x = w ^ (ones * (unsigned char)a);
		y = w ^ (ones * (unsigned char)b);
		m = ((x - ones) & ~x) | ((y - ones) & ~y);
		if ((m &= highs) != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return p + (__builtin_ctzll(m) >> 3);
#else
			break;
#endif
		}
		p += 8;
	}
	while (p < end && *p != a && *p != b)
		p++;
	return p;
}

/* The first byte c in [p, end), or end: maillog_first() for one byte
 * (the two compares are the same one once inlined). */
static inline const char *
maillog_first1(const char *p, const char *end, int c)
{
	return maillog_first(p, end, c, c);
}

/* Finds needle in s; NULL if absent. */
const char *maillog_find(const char *s, size_t n, const char *needle,
	    size_t nlen);
/* The value after key (e.g. "relay=") in s up to the next ", " or the
 * end; p NULL if key is absent. */
struct maillog_span maillog_field(const char *s, size_t n, const char *key);
/*
 * Copies sp into dst (room for 3 * sp.n + 1 bytes), NUL-terminated, a NUL
 * byte of the log written as U+2400 (SYMBOL FOR NULL) so the text after
 * it is kept; returns the length.  maillog_strdup() does the same into a
 * new string (NULL for an unset span; caller frees).
 */
size_t	maillog_copy(char *dst, struct maillog_span sp);
char	*maillog_strdup(struct maillog_span sp);
/* Strips one pair of <> around sp. */
struct maillog_span maillog_unangle(struct maillog_span sp);

/*
 * True if buf[0..len) (the start of an input) reads as a mail log: its
 * first lines carry log stamps and one of its lines (any in buf: a log
 * may start with other programs' lines) comes from a known MTA.
 */
int	maillog_sniff(const char *buf, size_t len);

/* Where records go.  The record handed to record() is lent: its fields
 * are valid only during the call, and a sink that keeps it copies it
 * (maillog_record_own()).  Most records are counted or printed and
 * dropped, so nothing is allocated for them. */
struct maillog_sink {
	void	(*record)(struct record *r, void *arg);
	void	 *arg;
	/* the sink reads neither r->sender nor r->message_id nor the texts
	 * and codes of r->attempts (a summary counts): the lines that give
	 * only a sender or a message-id are skipped, and the attempts'
	 * texts are left as the log wrote them - faster */
	int	  lean;
};

/*
 * Reads the log s (labelled name in records and messages) to its end and
 * hands every record to sink, diagnosed with kb.  Bad lines are skipped
 * (a line longer than MAILLOG_LINE_MAX is reported once and only its
 * start read).  Diagnosis runs in a second thread when one can be
 * started; sink->record() is always called from one thread at a time, in
 * the order the records complete.  Returns 0: a read error is reported
 * into d and ends the text like its end.
 */
#define MAILLOG_LINE_MAX	((size_t)1 << 20)
int	maillog_read(struct source_stream *s, const char *name,
	    const struct kb *kb, const struct maillog_sink *sink,
	    struct diag *d);
/* Opens path ("-" for stdin) and reads it with maillog_read(); -1 if it
 * cannot be opened (reported into d). */
int	maillog_read_path(const char *path, const struct kb *kb,
	    const struct maillog_sink *sink, struct diag *d);

/* ---------------------------------------------------------- journeys */

/*
 * The joiner (maillog_journey.c): fed the parsed lines in order, it keeps
 * the open queue ids and their failing recipients, and hands complete
 * records (not yet diagnosed, their texts as the log wrote them) to out.
 *
 * Those records borrow: every string and array in them belongs to the
 * joiner and is valid only during the out->record() call, which must not
 * free them.  A receiver that keeps one packs it (maillog_record_pack()),
 * so a record costs one allocation on the reading thread.
 */
struct maillog_journey;

/* name (kept by pointer: it labels the records) must outlive the
 * delivery of every record. */
struct maillog_journey *maillog_journey_new(const char *name, int seekable,
		    const struct maillog_sink *out);
/* Feeds line number lineno at text offset off (its bytes p[0..n)). */
void	maillog_journey_feed(struct maillog_journey *j,
	    const struct maillog_line *l, unsigned long lineno, off_t off,
	    const char *p, size_t n);
/* Ends every open journey (the log ended), hands out their records and
 * frees j. */
void	maillog_journey_finish(struct maillog_journey *j);
/* Frees j without handing out anything (reading was stopped).  NULL is a
 * no-op. */
void	maillog_journey_free(struct maillog_journey *j);

/*
 * A record is mostly room for the codes of its text (r->findings.spans,
 * of which only the first nspans are ever read, findings.h), and the
 * joiner hands out a record for every failure: these clear and copy all
 * of a record but that room.
 */
void	maillog_record_clear(struct record *r);
void	maillog_record_copy(struct record *dst, const struct record *src);

/*
 * Copies the strings and arrays a record borrows (all but source) into
 * one new allocation and points the record's fields into it.  Returns
 * the allocation; the record is valid while it lives.
 */
char	*maillog_record_pack(struct record *r);
/* The same into at, maillog_record_pack_size(r) bytes (a multiple of 16)
 * aligned for the record's arrays: a batch packs its records into one
 * arena. */
size_t	maillog_record_pack_size(struct record *r);
void	maillog_record_pack_into(struct record *r, char *at);
/* Gives a lent (or packed) record copies of its own of every string and
 * array (but source), for record_release(). */
void	maillog_record_own(struct record *r);
/* A sink's record(): adds a copy of the lent record r, with strings of
 * its own and its source interned, to the struct recset arg. */
void	maillog_record_to_recset(struct record *r, void *arg);

/* ------------------------------------------------------------ diagnosis */

/*
 * The diagnosis cache (maillog_cache.c).  A log repeats a few hundred
 * reply texts with different addresses, IP addresses and random ids in
 * them; the knowledge base runs once per distinct text, not once per
 * failure.  See maillog_cache.c for why the cached diagnosis is the one
 * the text itself would get.  Not thread-safe: one thread uses a cache.
 */
struct maillog_cache;

struct maillog_cache *maillog_cache_new(const struct kb *kb);
void	maillog_cache_free(struct maillog_cache *c);
/* Like record_diagnose(r, kb): fills r->findings, r->reply, r->status
 * (unless set; else the dsn= of its attempt if the text has none),
 * r->phase and r->diagnosis from r->diagnostic. */
void	maillog_cache_diagnose(struct maillog_cache *c, struct record *r);
/*
 * For a record from the joiner, whose texts are as the log wrote them:
 * unfolds r->diagnostic and each attempt's (multi-line replies), sets
 * each attempt's reply and status (the codes its own text carries), and
 * diagnoses r as maillog_cache_diagnose() does.  The unfolded texts,
 * and a note of a match limit hit, replace r's pointers without freeing
 * them: they live in c until the next call (r is lent, as the joiner's
 * records are).
 */
void	maillog_cache_record(struct maillog_cache *c, struct record *r);
/* For a lean sink: maillog_cache_record() leaves the attempts' texts as
 * the log wrote them and their codes unset (r itself is done in full). */
void	maillog_cache_lean(struct maillog_cache *c);
/*
 * The key a text is cached under: the text with volatile tokens (mail
 * addresses, IP addresses, long random ids and counters) masked.
 * Returns a new NUL-terminated string; caller frees.
 */
char	*maillog_cache_key(const char *text, size_t len, size_t *keylen);
/* Counters for tests and the benchmark. */
struct maillog_cache_stats {
	size_t	lookups;	/* texts diagnosed */
	size_t	entries;	/* distinct keys */
	size_t	kb_runs;	/* diagnosis_run() calls */
	size_t	unstable;	/* keys whose masked text diagnoses apart */
	size_t	scans;		/* texts whose codes were scanned, not
				   moved from their shape's */
};
void	maillog_cache_stats(const struct maillog_cache *c,
	    struct maillog_cache_stats *st);

#endif
