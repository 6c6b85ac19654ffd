/*
 * check_findings.c - tests of findings.c.
 *
 * Table-driven: every reply and example line of the shared reference
 * (tests/data/findings-positive.tsv, made by tests/gen-findings-data.sh)
 * must give its reply and enhanced code; lines full of other numbers
 * (findings-negative.txt) must give none; phases and unfolding have a hand
 * table and a generated one; edge rows cover NUL, bad UTF-8, a code at the
 * very end of the buffer, 2- and 4-digit numbers and empty input.  Each
 * text is copied into a buffer of exactly its length, so a read past the
 * end shows under valgrind or the sanitizers.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "tap.h"

struct row {
	unsigned long	 line;		/* in the data file */
	char		*field[2];	/* the columns before the text */
	char		*raw;		/* the text as written in the file */
	char		*text;		/* unescaped; not NUL-terminated */
	size_t		 len;
};

struct table {
	struct row	*rows;
	size_t		 n;
};

struct edge {
	const char	*text;
	size_t		 len;
	int		 reply;
	const char	*status;
	size_t		 count;		/* codes found */
};

static struct table	positive, negative, phases, unfolds;

/* A copy of s[0..n) in a buffer of exactly n bytes (1 if n is 0). */
static char *
exact(const char *s, size_t n)
{
	char	*p = malloc(n > 0 ? n : 1);

	if (p == NULL)
		abort();
	if (n > 0)
		memcpy(p, s, n);
	return p;
}

/* Undoes the \\ \t \n \r escapes of the data files. */
static char *
unescape(const char *s, size_t *np)
{
	char	*p = malloc(strlen(s) + 1);
	size_t	 o = 0;

	if (p == NULL)
		abort();
	for (; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0') {
			p[o++] = *s;
			continue;
		}
		s++;
		p[o++] = *s == 't' ? '\t' : *s == 'n' ? '\n' :
		    *s == 'r' ? '\r' : *s;
	}
	*np = o;
	return p;
}

/* Splits line into ncols-1 fields and the text; 0 if it has too few. */
static int
parse_row(char *line, int ncols, struct row *r)
{
	int	 i;
	char	*tab;

	for (i = 0; i < ncols - 1; i++) {
		if ((tab = strchr(line, '\t')) == NULL)
			return 0;
		*tab = '\0';
		r->field[i] = line;
		line = tab + 1;
	}
	r->raw = line;
	r->text = unescape(line, &r->len);
	return 1;
}

/*
 * Loads tests/data/name: ncols tab-separated columns, the last the text
 * (ncols 1: plain lines, "#" comments).  A header line (first line of a
 * .tsv) is skipped.  Exits on a missing or bad file: no data, no test.
 */
static void
load(const char *name, int ncols, struct table *t)
{
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	unsigned long	 lineno = 0;
	struct row	*r;

	if ((fp = fopen(tap_data(name), "r")) == NULL) {
		fprintf(stderr, "check_findings: cannot open '%s'\n",
		    tap_data(name));
		exit(99);
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if ((ncols > 1 && lineno == 1) ||
		    (ncols == 1 && (n == 0 || line[0] == '#')))
			continue;
		t->rows = realloc(t->rows, (t->n + 1) * sizeof *t->rows);
		if (t->rows == NULL)
			abort();
		r = &t->rows[t->n];
		r->line = lineno;
		r->field[0] = r->field[1] = NULL;
		if (!parse_row(strdup(line), ncols, r)) {
			fprintf(stderr, "check_findings: %s:%lu: too few "
			    "columns\n", name, lineno);
			exit(99);
		}
		t->n++;
	}
	free(line);
	fclose(fp);
}

/* Every span lies inside the text, in order, and has its kind's shape. */
static void
check_spans(const struct findings *f, const char *buf, size_t len,
    const struct row *r)
{
	size_t	i;

	for (i = 0; i < f->nspans; i++) {
		const struct findings_span *s = &f->spans[i];

		ck_assert_msg(s->off + s->len <= len && s->len > 0,
		    "line %lu: span %zu out of the text", r->line, i);
		ck_assert_msg(i == 0 || s->off >= f->spans[i - 1].off +
		    f->spans[i - 1].len, "line %lu: spans overlap", r->line);
		if (s->kind == FINDINGS_REPLY)
			ck_assert(findings_reply_len(buf + s->off, s->len) ==
			    3);
		else
			ck_assert(findings_status_len(buf + s->off, s->len) ==
			    s->len);
	}
}

START_TEST(test_positive)
{
	const struct row	*r = &positive.rows[_i];
	struct findings		 f;
	char			*buf = exact(r->text, r->len);
	int			 want = atoi(r->field[0]);

	findings_scan(buf, r->len, &f);
	ck_assert_msg(f.reply == want && strcmp(f.status, r->field[1]) == 0,
	    "findings-positive.tsv:%lu: got '%d' '%s', want '%s' '%s' in: %s",
	    r->line, f.reply, f.status, r->field[0], r->field[1], r->raw);
	if (want != 0)
		ck_assert(f.reply_span.len == 3 &&
		    memcmp(buf + f.reply_span.off, r->field[0], 3) == 0);
	else
		ck_assert(f.reply_span.len == 0);
	ck_assert(f.status_span.len == strlen(f.status) &&
	    memcmp(buf + f.status_span.off, f.status, f.status_span.len) == 0);
	check_spans(&f, buf, r->len, r);
	free(buf);
}
END_TEST

START_TEST(test_negative)
{
	const struct row	*r = &negative.rows[_i];
	struct findings		 f;
	char			*buf = exact(r->text, r->len);
	size_t			 n;

	n = findings_scan(buf, r->len, &f);
	ck_assert_msg(n == 0 && f.nspans == 0 && f.reply == 0 &&
	    f.status[0] == '\0',
	    "findings-negative.txt:%lu: found '%.*s' in: %s", r->line,
	    f.nspans > 0 ? (int)f.spans[0].len : 0,
	    f.nspans > 0 ? buf + f.spans[0].off : "", r->raw);
	free(buf);
}
END_TEST

static const struct {
	const char		*text;
	enum findings_phase	 phase;
} phase_rows[] = {
	{ "status=bounced (host mx.dest.example[203.0.113.5] said: 550 5.1.1 "
	  "no such user (in reply to RCPT TO command))", FINDINGS_PHASE_RCPT },
	{ "said: 554 5.7.1 rejected (in reply to end of DATA command)",
	  FINDINGS_PHASE_DATA },
	{ "said: 554 5.5.1 no valid recipients (in reply to DATA command)",
	  FINDINGS_PHASE_DATA },
	{ "said: 550 5.7.1 denied (in reply to MAIL FROM command)",
	  FINDINGS_PHASE_MAIL },
	{ "said: 504 5.5.2 <localhost>: Helo command rejected (in reply to "
	  "HELO command)", FINDINGS_PHASE_EHLO },
	{ "said: 454 4.7.0 TLS not available (in reply to STARTTLS command)",
	  FINDINGS_PHASE_STARTTLS },
	{ "said: 221 2.0.0 Bye (in reply to QUIT command)",
	  FINDINGS_PHASE_QUIT },
	{ "SASL authentication failed; server mx.dest.example said: 535 5.7.8 "
	  "Error: authentication failed", FINDINGS_PHASE_AUTH },
	{ "SMTP error from remote mail server after end of data: 550 5.7.1 "
	  "spam", FINDINGS_PHASE_DATA },
	{ "SMTP error from remote mail server after RCPT TO:<bob@dest.example>:"
	  " 550 5.1.1 unknown", FINDINGS_PHASE_RCPT },
	{ "SMTP error from remote mail server after MAIL FROM:<a@b.example> "
	  "SIZE=4210: 550 denied", FINDINGS_PHASE_MAIL },
	{ "SMTP error from remote mail server after pipelined DATA: 554 no "
	  "valid recipients", FINDINGS_PHASE_DATA },
	{ "SMTP error from remote mail server after AUTH PLAIN: 535 Incorrect "
	  "authentication data", FINDINGS_PHASE_AUTH },
	{ "SMTP error from remote mail server after initial connection: 421 "
	  "busy", FINDINGS_PHASE_CONNECT },
	{ "SMTP error from remote mail server after EHLO mta1.sender.example: "
	  "550 go away", FINDINGS_PHASE_EHLO },
	{ "conversation with mx.dest.example[203.0.113.5] timed out while "
	  "receiving the initial server greeting", FINDINGS_PHASE_CONNECT },
	{ "connect to mx.dest.example[203.0.113.5]:25: Connection refused",
	  FINDINGS_PHASE_CONNECT },
	{ "host mx.dest.example[203.0.113.5] refused to talk to me: 554 5.7.1 "
	  "blocked", FINDINGS_PHASE_CONNECT },
	{ "lost connection with mx.dest.example[203.0.113.5] while sending "
	  "end of data -- message may be sent more than once",
	  FINDINGS_PHASE_DATA },
	{ "lost connection with mx.dest.example while sending RCPT TO",
	  FINDINGS_PHASE_RCPT },
	{ "Remote host closed connection in response to initial connection",
	  FINDINGS_PHASE_CONNECT },
	{ "conversation with mx.dest.example timed out while performing the "
	  "EHLO handshake", FINDINGS_PHASE_EHLO },
	{ "Cannot start TLS: handshake failure", FINDINGS_PHASE_STARTTLS },
	{ "lost connection with mx.dest.example while sending message body",
	  FINDINGS_PHASE_DATA },
	{ "said: 554 5.5.0 no (in reply to BDAT command)",
	  FINDINGS_PHASE_DATA },
	{ "Remote host closed connection in response to MAIL FROM:<a@b.example>",
	  FINDINGS_PHASE_MAIL },
	{ "said: 500 5.5.1 bad (in reply to LHLO command)",
	  FINDINGS_PHASE_EHLO },
	{ "421-4.7.0 Try again later, closing connection. (EHLO)",
	  FINDINGS_PHASE_EHLO },
	{ "452 4.3.1 HELO first", FINDINGS_PHASE_EHLO },
	{ "550 Access denied - Invalid HELO name (See RFC2821 4.1.1.1)",
	  FINDINGS_PHASE_EHLO },
	/* the command it answered beats a bare EHLO in the reply text */
	{ "said: 421 closing (EHLO) (in reply to RCPT TO command)",
	  FINDINGS_PHASE_RCPT },
	{ "550 5.1.1 user unknown", FINDINGS_PHASE_NONE },
	{ "530 5.7.0 Must issue a STARTTLS command first",
	  FINDINGS_PHASE_NONE },
	{ "421 4.7.0 re-try after authentication", FINDINGS_PHASE_NONE },
	{ "disconnect from unknown[192.0.2.10] ehlo=1 mail=1 rcpt=1 data=1",
	  FINDINGS_PHASE_NONE },
	{ "", FINDINGS_PHASE_NONE },
};

static const char *const phase_names[] = {
	"NONE", "CONNECT", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
	"QUIT"
};

START_TEST(test_phase)
{
	struct findings	 f;
	size_t		 len = strlen(phase_rows[_i].text);
	char		*buf = exact(phase_rows[_i].text, len);

	findings_scan(buf, len, &f);
	ck_assert_msg(f.phase == phase_rows[_i].phase,
	    "phase %s, want %s: %s", phase_names[f.phase],
	    phase_names[phase_rows[_i].phase], phase_rows[_i].text);
	free(buf);
}
END_TEST

START_TEST(test_phase_file)
{
	const struct row	*r = &phases.rows[_i];
	struct findings		 f;
	char			*buf = exact(r->text, r->len);
	const char		*got;

	findings_scan(buf, r->len, &f);
	got = findings_phase_name(f.phase);
	ck_assert_msg(got != NULL && strcmp(got, r->field[0]) == 0,
	    "findings-phase.tsv:%lu: phase %s, want %s: %s", r->line,
	    got != NULL ? got : "NONE", r->field[0], r->raw);
	free(buf);
}
END_TEST

START_TEST(test_phase_name)
{
	int	p;

	ck_assert_ptr_null(findings_phase_name(FINDINGS_PHASE_NONE));
	for (p = FINDINGS_PHASE_CONNECT; p <= FINDINGS_PHASE_QUIT; p++)
		ck_assert_str_eq(findings_phase_name(p), phase_names[p]);
}
END_TEST

static const struct {
	const char	*text;
	const char	*want;
} unfold_rows[] = {
	{ "550-5.1.1 a\n550 5.1.1 b", "550 5.1.1 a b" },
	{ "550-5.1.1 a 550 5.1.1 b", "550 5.1.1 a b" },
	{ "550-5.1.1 a\\n550 5.1.1 b", "550 5.1.1 a b" },
	{ "550-5.1.1 a\r\n550 5.1.1 b\r\n", "550 5.1.1 a b" },
	{ "said: 421-4.7.28 Gmail has detected 421-4.7.28 from your IP "
	  "421 4.7.28 review (in reply to end of DATA command)",
	  "said: 421 4.7.28 Gmail has detected from your IP review (in reply "
	  "to end of DATA command)" },
	/* a folded Diagnostic-Code field (RFC 3464) indents its lines */
	{ "Diagnostic-Code: smtp; 550-5.1.1 The email account\n"
	  "    550-5.1.1 does not exist\n    550 5.1.1 go away",
	  "Diagnostic-Code: smtp; 550 5.1.1 The email account does not exist "
	  "go away" },
	{ "550-Verification failed for <a@b.example>\n550-Unrouteable "
	  "address\n550 Sender verify failed", "550 Verification failed for "
	  "<a@b.example> Unrouteable address Sender verify failed" },
	{ "421-4.7.26 a\n421-4.7.26\n421 4.7.26 b", "421 4.7.26 a b" },
	/* a number in the text is not a line when Postfix joins them */
	{ "550-5.1.1 first 550-5.1.1 second 550 in text 550 5.1.1 last",
	  "550 5.1.1 first second 550 in text last" },
	/* a different enhanced code on a line stays */
	{ "451-4.7.1 one\n451-4.7.2 other\n451 4.7.1 end",
	  "451 4.7.1 one 4.7.2 other end" },
	/* text after the last line stays as it is */
	{ "550-5.1.1 a\n550 5.1.1 b\n550 5.1.1 c", "550 5.1.1 a b 550 5.1.1 c" },
	{ "  550 5.1.1   user\tunknown  ", "550 5.1.1 user unknown" },
	{ "no code here\nat all", "no code here at all" },
	{ "path C:\\new\\dir 550 x", "path C:\\new\\dir 550 x" },
	{ "", "" },
};

static void
check_unfold(const char *text, size_t len, const char *want,
    const char *where)
{
	char	*buf = exact(text, len), *out;
	size_t	 outlen = 12345;

	out = findings_unfold(buf, len, &outlen);
	ck_assert_msg(strcmp(out, want) == 0,
	    "%s: unfolded to\n  '%s', want\n  '%s'", where, out, want);
	ck_assert_uint_eq(outlen, strlen(want));
	free(out);
	free(buf);
}

START_TEST(test_unfold)
{
	check_unfold(unfold_rows[_i].text, strlen(unfold_rows[_i].text),
	    unfold_rows[_i].want, unfold_rows[_i].text);
}
END_TEST

START_TEST(test_unfold_file)
{
	const struct row	*r = &unfolds.rows[_i];
	char			*want, where[64];
	size_t			 n;

	want = unescape(r->field[0], &n);
	want[n] = '\0';
	snprintf(where, sizeof where, "findings-unfold.tsv:%lu", r->line);
	check_unfold(r->text, r->len, want, where);
	free(want);
}
END_TEST

#define E(s) s, sizeof(s) - 1

static const struct edge edge_rows[] = {
	/* NUL is an ordinary byte, in the text and around codes */
	{ E("550 5.1.1 user\0unknown"), 550, "5.1.1", 2 },
	{ E("\0" "550 5.1.1 x"), 550, "5.1.1", 2 },
	{ E("550\0" "5.1.1"), 550, "5.1.1", 2 },
	{ E("\0\0\0"), 0, "", 0 },
	/* invalid UTF-8 and a no-break space (U+00A0) */
	{ E("\xff\xfe 550 5.7.1 bl\xc3\x28ocked \x80"), 550, "5.7.1", 2 },
	{ E("R\xc3\xa9ponse\xc2\xa0: 550\xc2\xa0" "5.1.1 inconnue"), 550,
	  "5.1.1", 2 },
	{ E("\xc0\x80" "4.2.2\xed\xa0\x80"), 0, "4.2.2", 1 },
	/* codes at the very end of the buffer */
	{ E("said: 550"), 550, "", 1 },
	{ E("550"), 550, "", 1 },
	{ E("5.7.26"), 0, "5.7.26", 1 },
	{ E("Status: 5.1.1"), 0, "5.1.1", 1 },
	{ E("550 5.1.1"), 550, "5.1.1", 2 },
	{ "550 5.1.10", 9, 550, "5.1.1", 2 },
	{ "550 5.1.1", 8, 550, "", 1 },
	{ "550 5.1.1", 2, 0, "", 0 },
	{ E("550-"), 550, "", 1 },
	/* 2- and 4-digit numbers, a 4-digit detail, out-of-range digits */
	{ E("55 5.1 42 4210 5501"), 0, "", 0 },
	{ E("error 5501: mailbox full"), 0, "", 0 },
	{ E("550 5.1.1234"), 550, "", 1 },
	{ E("Status: 4.7.0000"), 0, "", 0 },
	{ E("550 5.8.1 x"), 550, "", 1 },
	{ E("550 5.10.1 x"), 550, "", 1 },
	{ E("550 3.1.1 x"), 550, "", 1 },
	{ E("600 too big 560 199 x"), 0, "", 0 },
	/* contexts of a lone status */
	{ E("delivery failed (#4.3.0)"), 0, "4.3.0", 1 },
	{ E("to=<a@b.example>, dsn=5.0.0, stat=User unknown"), 0, "5.0.0", 1 },
	{ E("Diagnostic-Code: smtp; 5.1.1 no such user"), 0, "5.1.1", 1 },
	{ E("version=5.1.1 size=4.1.1"), 0, "", 0 },
	{ E("Action: failed\nStatus: 2.0.0\n"), 0, "2.0.0", 1 },
	/* primary codes: the status next to the first reply wins */
	{ E("dsn=5.0.0 said: 550 5.1.1 no"), 550, "5.1.1", 3 },
	{ E("dsn=5.0.0 said: 550 no such user"), 550, "5.0.0", 2 },
	{ E("#550 4.4.7 QUEUE.Expired; message expired ##"), 550, "4.4.7", 2 },
	{ E("550 #5.1.0 Address rejected."), 550, "5.1.0", 2 },
	{ E("451 4.4.0 responded with: \"421 4.4.2 dropped\""), 451, "4.4.0",
	  4 },
	{ E("554 30 Sorry (554.30)"), 554, "", 1 },
	/* empty input */
	{ "", 0, 0, "", 0 },
	{ NULL, 0, 0, "", 0 },
};

START_TEST(test_edge)
{
	const struct edge	*e = &edge_rows[_i];
	struct findings		 f;
	char			*buf = e->text ? exact(e->text, e->len) : NULL;
	size_t			 n;

	n = findings_scan(buf, e->len, &f);
	ck_assert_msg(f.reply == e->reply && strcmp(f.status, e->status) == 0,
	    "edge row %d: got %d '%s', want %d '%s'", _i, f.reply, f.status,
	    e->reply, e->status);
	ck_assert_msg(n == e->count && f.nspans == n,
	    "edge row %d: %zu codes, want %zu", _i, n, e->count);
	ck_assert_uint_eq(f.reply_span.len, e->reply != 0 ? 3 : 0);
	free(buf);
}
END_TEST

START_TEST(test_many)
{
	char		 buf[100 * 10];
	struct findings	 f;
	size_t		 i, n;

	for (i = 0; i < 100; i++)
		memcpy(buf + i * 10, "550 5.1.1 ", 10);
	n = findings_scan(buf, sizeof buf, &f);
	ck_assert_uint_eq(n, 200);
	ck_assert_uint_eq(f.nspans, FINDINGS_MAX_SPANS);
	ck_assert_int_eq(f.reply, 550);
	ck_assert_uint_eq(f.spans[FINDINGS_MAX_SPANS - 1].off,
	    (FINDINGS_MAX_SPANS / 2 - 1) * 10 + 4);
}
END_TEST

static const struct {
	const char	*s;
	size_t		 n;
	size_t		 reply;
	size_t		 status;
} parser_rows[] = {
	{ "550", 3, 3, 0 },
	{ "550 x", 5, 3, 0 },
	{ "5501", 4, 0, 0 },
	{ "5501", 3, 3, 0 },
	{ "199", 3, 0, 0 },
	{ "560", 3, 0, 0 },
	{ "55", 2, 0, 0 },
	{ "5.1.1", 5, 0, 5 },
	{ "5.7.509", 7, 0, 7 },
	{ "4.4.316 x", 9, 0, 7 },
	{ "2.0.0", 5, 0, 5 },
	{ "5.7.26.", 7, 0, 6 },
	{ "5.1.1234", 8, 0, 0 },
	{ "5.1.1234", 7, 0, 7 },
	{ "3.1.1", 5, 0, 0 },
	{ "5.8.1", 5, 0, 0 },
	{ "5.10.1", 6, 0, 0 },
	{ "4.2.2.1", 7, 0, 0 },
	{ "5.1.", 4, 0, 0 },
	{ "5.1.1", 4, 0, 0 },
	{ "", 0, 0, 0 },
};

START_TEST(test_parsers)
{
	char	*buf = exact(parser_rows[_i].s, parser_rows[_i].n);

	ck_assert_msg(findings_reply_len(buf, parser_rows[_i].n) ==
	    parser_rows[_i].reply, "reply_len('%s', %zu)", parser_rows[_i].s,
	    parser_rows[_i].n);
	ck_assert_msg(findings_status_len(buf, parser_rows[_i].n) ==
	    parser_rows[_i].status, "status_len('%s', %zu)",
	    parser_rows[_i].s, parser_rows[_i].n);
	free(buf);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
findings_suite(void)
{
	Suite	*s = suite_create("findings");
	TCase	*tc;

	tc = tcase_create("positive");
	tcase_add_loop_test(tc, test_positive, 0, (int)positive.n);
	suite_add_tcase(s, tc);
	tc = tcase_create("negative");
	tcase_add_loop_test(tc, test_negative, 0, (int)negative.n);
	suite_add_tcase(s, tc);
	tc = tcase_create("phase");
	tcase_add_loop_test(tc, test_phase, 0, NROWS(phase_rows));
	tcase_add_loop_test(tc, test_phase_file, 0, (int)phases.n);
	tcase_add_test(tc, test_phase_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("unfold");
	tcase_add_loop_test(tc, test_unfold, 0, NROWS(unfold_rows));
	tcase_add_loop_test(tc, test_unfold_file, 0, (int)unfolds.n);
	suite_add_tcase(s, tc);
	tc = tcase_create("edge");
	tcase_add_loop_test(tc, test_edge, 0, NROWS(edge_rows));
	tcase_add_test(tc, test_many);
	tcase_add_loop_test(tc, test_parsers, 0, NROWS(parser_rows));
	suite_add_tcase(s, tc);
	return s;
}

static void
free_table(struct table *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		free(t->rows[i].text);
		/* field[0] or raw starts the strdup()ed line */
		free(t->rows[i].field[0] != NULL ? t->rows[i].field[0] :
		    t->rows[i].raw);
	}
	free(t->rows);
}

int
main(void)
{
	int	rc;

	load("findings-positive.tsv", 3, &positive);
	load("findings-negative.txt", 1, &negative);
	load("findings-phase.tsv", 2, &phases);
	load("findings-unfold.tsv", 2, &unfolds);
	if (positive.n == 0 || negative.n < 40 || phases.n == 0 ||
	    unfolds.n == 0) {
		fprintf(stderr, "check_findings: too few data rows\n");
		return 99;
	}
	rc = tap_run(findings_suite());
	free_table(&positive);
	free_table(&negative);
	free_table(&phases);
	free_table(&unfolds);
	return rc;
}
