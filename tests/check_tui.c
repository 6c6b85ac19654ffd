/*
 * check_tui.c - the parts of the terminal UI that need no terminal: the
 * styled, wrapped documents of the panes (tui_doc.c), the list model with
 * its filter, grouping, search and summary (tui_model.c), the pane texts
 * (tui_panes.c), base64 and safe file writing (tui_out.c), and the reader
 * thread's hand-over (tui_load.c).  The screen itself is tested end to
 * end in tests/tui.sh.
 *
 * The records are made by hand and diagnosed with the small knowledge
 * base below, so the expected rows, counts and texts were worked out on
 * paper from these rows.
 */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "kb.h"
#include "record.h"
#include "tui_doc.h"
#include "tui_load.h"
#include "tui_model.h"
#include "tui_out.h"
#include "tui_panes.h"
#include "tui_search.h"
#include "xalloc.h"
#include "tap.h"

static const char test_kb[] =
"id: t-user\n"
"code: 550\n"
"status: 5.1.1\n"
"match: user unknown\n"
"provider: Example Mail\n"
"bounce: permanent\n"
"reason: userunknown\n"
"title: Mailbox unknown\n"
"explain: The address has no mailbox.\n"
"remedy: Check the address.\n"
"customer: The address does not exist.\n"
"see: https://example.org/user\n"
"\n"
"id: t-busy\n"
"match: try again later\n"
"bounce: temporary\n"
"reason: toomanyconn\n"
"title: Busy\n"
"explain: The server is busy.\n"
"remedy: Wait.\n"
"customer: It will be retried.\n";

static struct kb *kb;

static void
kb_setup(void)
{
	struct diag	d;

	diag_init(&d);
	kb = kb_new();
	ck_assert_uint_eq(kb_load_text(kb, "test.kb", test_kb,
	    strlen(test_kb), &d), 0);
	diag_release(&d);
	setlocale(LC_CTYPE, "C.UTF-8");
	tui_doc_set_utf8(1);
}

static void
kb_teardown(void)
{
	kb_free(kb);
}

/* ------------------------------------------------------------- docs */

/* Line i of d as text. */
static const char *
line(const struct tui_doc *d, size_t i)
{
	ck_assert_uint_lt(i, d->n);
	return d->v[i].text;
}

START_TEST(test_doc_wrap)
{
	struct tui_doc	d;

	tui_doc_init(&d, 20, NULL);
	tui_doc_para(&d, 2, 4);
	tui_doc_puts(&d, "the quick brown fox jumps over the lazy dog",
	    TUI_ROLE_NORMAL);
	tui_doc_end(&d);
	/* 18 cells on the first line, 16 on the others */
	ck_assert_uint_eq(d.n, 3);
	ck_assert_str_eq(line(&d, 0), "  the quick brown");
	ck_assert_str_eq(line(&d, 1), "    fox jumps over");
	ck_assert_str_eq(line(&d, 2), "    the lazy dog");
	/* a word longer than the line is cut */
	tui_doc_line(&d, 0, "abcdefghijklmnopqrstuvwxyz", TUI_ROLE_NORMAL);
	ck_assert_uint_eq(d.n, 5);
	ck_assert_str_eq(line(&d, 3), "abcdefghijklmnopqrst");
	ck_assert_str_eq(line(&d, 4), "uvwxyz");
	/* an empty paragraph is an empty line */
	tui_doc_line(&d, 0, "", TUI_ROLE_NORMAL);
	ck_assert_uint_eq(d.n, 6);
	ck_assert_str_eq(line(&d, 5), "");
	/* a label kept with its long value: the value is cut, the label
	 * does not stand alone */
	tui_doc_para(&d, 0, 8);
	tui_doc_puts(&d, "Relay:  ", TUI_ROLE_DIM);
	tui_doc_keep(&d);
	tui_doc_puts(&d, "mx.example.org[192.0.2.1]:25", TUI_ROLE_NORMAL);
	tui_doc_end(&d);
	ck_assert_uint_eq(d.n, 9);
	ck_assert_str_eq(line(&d, 6), "Relay:  mx.example.o");
	ck_assert_str_eq(line(&d, 7), "        rg[192.0.2.1");
	ck_assert_str_eq(line(&d, 8), "        ]:25");
	tui_doc_release(&d);
}
END_TEST

START_TEST(test_doc_safe)
{
	struct tui_doc	d;
	char		*s;
	size_t		 i;

	tui_doc_init(&d, 200, NULL);
	tui_doc_line(&d, 0, "a\033]52;c;Zm9v\007b\302\233c\342\200\256d\377e\b"
	    "f\tg", TUI_ROLE_NORMAL);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(line(&d, 0),
	    "a^[]52;c;Zm9v^Gb<U+009B>c<U+202E>d<FF>e^Hf g");
	for (i = 0; i < d.v[0].len; i++)
		ck_assert_int_ge((unsigned char)d.v[0].text[i], 0x20);
	tui_doc_release(&d);
	/* without a UTF-8 terminal, non-ASCII is spelt out */
	tui_doc_set_utf8(0);
	s = tui_doc_safe("caf\303\251", 5);
	ck_assert_str_eq(s, "caf<U+00E9>");
	free(s);
	tui_doc_set_utf8(1);
	s = tui_doc_safe("caf\303\251", 5);
	ck_assert_str_eq(s, "caf\303\251");
	free(s);
}
END_TEST

START_TEST(test_doc_width)
{
	int	used;

	/* two CJK characters take four cells */
	ck_assert_int_eq(tui_doc_width("\344\270\255\346\226\207", 6), 4);
	ck_assert_int_eq(tui_doc_width("ab\303\251", 4), 3);
	/* 3 cells hold one CJK character (3 bytes), not half of the next */
	ck_assert_uint_eq(tui_doc_fit("\344\270\255\346\226\207", 6, 3,
	    &used), 3);
	ck_assert_int_eq(used, 2);
	ck_assert_uint_eq(tui_doc_fit("abcdef", 6, 4, &used), 4);
	ck_assert_int_eq(used, 4);
}
END_TEST

START_TEST(test_doc_codes)
{
	struct tui_doc		 d;
	struct findings		 f;
	struct tui_search	*s;
	const char		*t = "said: 550 5.1.1 user unknown";
	char			*err = NULL;
	size_t			 i;

	findings_scan(t, strlen(t), &f);
	tui_doc_init(&d, 80, NULL);
	tui_doc_para(&d, 0, 0);
	tui_doc_add_codes(&d, t, strlen(t), &f, TUI_ROLE_DIAG);
	tui_doc_end(&d);
	ck_assert_str_eq(line(&d, 0), t);
	/* "said: " diag, "550" reply, " " diag, "5.1.1" status */
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(d.v[0].role[i], TUI_ROLE_DIAG);
	for (i = 6; i < 9; i++)
		ck_assert_int_eq(d.v[0].role[i], TUI_ROLE_REPLY);
	ck_assert_int_eq(d.v[0].role[9], TUI_ROLE_DIAG);
	for (i = 10; i < 15; i++)
		ck_assert_int_eq(d.v[0].role[i], TUI_ROLE_STATUS);
	ck_assert_int_eq(d.v[0].flags, 0);
	tui_doc_release(&d);
	/* a search marks its matches and flags the line */
	s = tui_search_new("(unclosed", &err);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(err);
	free(err);
	s = tui_search_new("unk+nown", &err);
	ck_assert_ptr_nonnull(s);
	tui_doc_init(&d, 80, s);
	tui_doc_line(&d, 0, "first line", TUI_ROLE_NORMAL);
	tui_doc_line(&d, 0, "user UNKNOWN here", TUI_ROLE_NORMAL);
	ck_assert_int_eq(d.v[0].flags, 0);
	ck_assert_int_eq(d.v[1].flags, TUI_LINE_MATCH);
	ck_assert_int_eq(d.v[1].role[4], TUI_ROLE_NORMAL);
	for (i = 5; i < 12; i++)
		ck_assert_int_eq(d.v[1].role[i], TUI_ROLE_MATCH);
	ck_assert_int_eq(d.v[1].role[12], TUI_ROLE_NORMAL);
	ck_assert_uint_eq(tui_doc_next_match(&d, 0), 1);
	ck_assert_uint_eq(tui_doc_next_match(&d, 2), (size_t)-1);
	tui_doc_release(&d);
	tui_search_free(s);
}
END_TEST

/* ------------------------------------------------------------ model */

/* Adds a record: recipient, diagnostic, time; diagnosed with kb. */
static struct record *
add(struct recset *rs, const char *rcpt, const char *diagnostic)
{
	struct record	*r = recset_add(rs);

	r->source = recset_intern(rs, "test.log");
	r->line = rs->n;
	r->recipient = rcpt ? xstrdup(rcpt) : NULL;
	r->diagnostic = xstrdup(diagnostic);
	r->action = xstrdup("failed");
	record_diagnose(r, kb);
	return r;
}

/* Five failures and a delivery:
 *	a@example.org	550 5.1.1 user unknown		permanent
 *	a@example.org	550 5.1.1 user unknown		(alike: grouped)
 *	b@sub.example.org 550 5.1.1 user unknown	permanent
 *	c@example.net	421 4.7.0 try again later	temporary
 *	(none)		450 4.2.0 mailbox busy		temporary
 *	d@example.net	250 delivered			not a failure */
static void
fill(struct tui_model *m)
{
	struct record	*r;

	add(&m->rs, "a@example.org", "550 5.1.1 user unknown");
	add(&m->rs, "A@Example.org", "550 5.1.1 user unknown");
	add(&m->rs, "b@sub.example.org", "550 5.1.1 user unknown");
	add(&m->rs, "c@example.net", "421 4.7.0 try again later");
	add(&m->rs, NULL, "450 4.2.0 mailbox busy");
	r = add(&m->rs, "d@example.net", "250 2.0.0 ok");
	free(r->action);
	r->action = xstrdup("delivered");
	tui_model_update(m);
}

START_TEST(test_model_rows)
{
	struct tui_model	 m;
	const struct record	*r;

	tui_model_init(&m);
	fill(&m);
	ck_assert_uint_eq(m.failures, 5);
	ck_assert_uint_eq(m.temporary, 2);
	ck_assert_uint_eq(m.shown, 5);
	/* the two alike failures of a@example.org make one row */
	ck_assert_uint_eq(m.nrows, 4);
	ck_assert_uint_eq(m.rows[0].count, 2);
	ck_assert_uint_eq(m.rows[0].first, 0);
	ck_assert_uint_eq(m.rows[0].last, 1);
	ck_assert_uint_eq(m.next[0], 1);
	r = tui_model_record(&m, 2);
	ck_assert_str_eq(r->recipient, "c@example.net");
	ck_assert_int_eq(r->diagnosis.temporary, 1);
	ck_assert_ptr_null(tui_model_record(&m, 4));
	/* records arriving later make rows too */
	add(&m.rs, "a@example.org", "550 5.1.1 user unknown");
	add(&m.rs, "e@example.com", "550 5.1.1 user unknown");
	ck_assert_uint_eq(tui_model_update(&m), 1);
	ck_assert_uint_eq(m.rows[0].count, 3);
	ck_assert_uint_eq(m.nrows, 5);
	tui_model_release(&m);
}
END_TEST

START_TEST(test_model_facts)
{
	struct recset	 rs;
	struct record	*r;
	char		 buf[64];

	recset_init(&rs);
	r = add(&rs, "Bob <Bob@Mail.Example.ORG>", "550 5.1.1 user unknown");
	ck_assert_str_eq(tui_model_domain(r, buf, sizeof buf),
	    "mail.example.org");
	ck_assert_str_eq(tui_model_provider(r), "Example Mail");
	r = add(&rs, NULL, "421 try again later");
	ck_assert_str_eq(tui_model_domain(r, buf, sizeof buf), "");
	ck_assert_ptr_null(tui_model_provider(r));
	recset_release(&rs);
}
END_TEST

/* Rows of m after filter text, as "recipient,recipient,…". */
static const char *
rows_after(struct tui_model *m, const char *text)
{
	static char	 out[256];
	char		*err = NULL;
	size_t		 i;

	ck_assert_int_eq(tui_filter_parse(&m->filter, text, &err), 0);
	ck_assert_ptr_null(err);
	tui_model_refilter(m);
	out[0] = '\0';
	for (i = 0; i < m->nrows; i++) {
		const struct record *r = tui_model_record(m, i);

		if (i > 0)
			strcat(out, ",");
		strcat(out, r->recipient ? r->recipient : "-");
	}
	return out;
}

START_TEST(test_filter)
{
	struct tui_model	m;
	char			*err = NULL;

	tui_model_init(&m);
	fill(&m);
	ck_assert_str_eq(rows_after(&m, ""), "a@example.org,"
	    "b@sub.example.org,c@example.net,-");
	ck_assert_ptr_null(m.filter.text);
	ck_assert_str_eq(rows_after(&m, "421"), "c@example.net");
	ck_assert_str_eq(rows_after(&m, "4xx"), "c@example.net,-");
	ck_assert_str_eq(rows_after(&m, "45"), "-");
	ck_assert_str_eq(rows_after(&m, "5.1.1"),
	    "a@example.org,b@sub.example.org");
	ck_assert_str_eq(rows_after(&m, "x.7"), "c@example.net");
	ck_assert_str_eq(rows_after(&m, "status:4"), "c@example.net,-");
	ck_assert_str_eq(rows_after(&m, "userunknown"),
	    "a@example.org,b@sub.example.org");
	ck_assert_uint_eq(m.shown, 3);
	/* a domain matches itself and its subdomains, not a suffix */
	ck_assert_str_eq(rows_after(&m, "example.org"),
	    "a@example.org,b@sub.example.org");
	ck_assert_str_eq(rows_after(&m, "@sub.example.org"),
	    "b@sub.example.org");
	ck_assert_str_eq(rows_after(&m, "domain:ample.org"), "");
	/* "=": the domain alone (a summary group's), not its subdomains */
	ck_assert_str_eq(rows_after(&m, "domain:=example.org"),
	    "a@example.org");
	ck_assert_str_eq(rows_after(&m, "domain:none"), "-");
	ck_assert_str_eq(rows_after(&m, "temp"), "c@example.net,-");
	ck_assert_str_eq(rows_after(&m, "class:permanent"),
	    "a@example.org,b@sub.example.org");
	ck_assert_str_eq(rows_after(&m, "provider:example"),
	    "a@example.org,b@sub.example.org");
	ck_assert_str_eq(rows_after(&m, "!code:550 temp"), "c@example.net,-");
	ck_assert_str_eq(rows_after(&m, "-userunknown"), "c@example.net,-");
	ck_assert_str_eq(rows_after(&m, "busy"), "-");
	ck_assert_str_eq(rows_after(&m, "TEXT:Later"), "c@example.net");
	ck_assert_str_eq(m.filter.text, "TEXT:Later");
	/* errors leave no filter */
	ck_assert_int_eq(tui_filter_parse(&m.filter, "colour:red", &err), -1);
	ck_assert_str_eq(err, "unknown filter field 'colour' (code, status, "
	    "reason, domain, provider, class, text)");
	free(err);
	ck_assert_uint_eq(m.filter.n, 0);
	ck_assert_int_eq(tui_filter_parse(&m.filter, "reason:nope", &err), -1);
	ck_assert_str_eq(err, "'nope' is not a reason name");
	free(err);
	ck_assert_int_eq(tui_filter_parse(&m.filter, "class:maybe", &err), -1);
	free(err);
	ck_assert_int_eq(tui_filter_parse(&m.filter, "code:", &err), -1);
	free(err);
	tui_model_release(&m);
}
END_TEST

START_TEST(test_search)
{
	struct tui_model	 m;
	struct tui_search	*s;
	char			*err = NULL;
	int			 wrapped;

	tui_model_init(&m);
	fill(&m);
	s = tui_search_new("example\\.(org|net)", &err);
	ck_assert_ptr_nonnull(s);
	/* rows: 0 a@example.org, 1 b@sub…, 2 c@example.net, 3 (none) */
	ck_assert_uint_eq(tui_model_search(&m, s, 0, 1, &wrapped), 1);
	ck_assert_int_eq(wrapped, 0);
	ck_assert_uint_eq(tui_model_search(&m, s, 2, 1, &wrapped), 0);
	ck_assert_int_eq(wrapped, 1);
	ck_assert_uint_eq(tui_model_search(&m, s, 0, -1, &wrapped), 2);
	ck_assert_int_eq(wrapped, 1);
	ck_assert_uint_eq(tui_model_search(&m, s, (size_t)-1, 1, &wrapped), 0);
	tui_search_free(s);
	/* smart case: an upper-case letter makes it case-sensitive */
	s = tui_search_new("BUSY", &err);
	ck_assert_uint_eq(tui_model_search(&m, s, 0, 1, &wrapped),
	    (size_t)-1);
	tui_search_free(s);
	/* c's article is titled "Busy"; the 450 says "mailbox busy" */
	s = tui_search_new("busy", &err);
	ck_assert_uint_eq(tui_model_search(&m, s, 0, 1, &wrapped), 2);
	ck_assert_uint_eq(tui_model_search(&m, s, 2, 1, &wrapped), 3);
	tui_search_free(s);
	/* the article titles are searched too */
	s = tui_search_new("mailbox unknown", &err);
	ck_assert_uint_eq(tui_model_search(&m, s, 3, 1, &wrapped), 0);
	tui_search_free(s);
	tui_model_release(&m);
}
END_TEST

START_TEST(test_summary)
{
	struct tui_model	 m;
	struct tui_sum		 s;
	const char		*path[2] = { NULL, NULL };

	memset(&s, 0, sizeof s);
	tui_model_init(&m);
	fill(&m);
	tui_model_summary(&m, 0, path, &s);
	/* userunknown 3, then toomanyconn 1 and the 450's reason 1 */
	ck_assert_uint_eq(s.total, 5);
	ck_assert_uint_ge(s.n, 2);
	ck_assert_str_eq(s.v[0].label, "userunknown");
	ck_assert_uint_eq(s.v[0].count, 3);
	ck_assert_uint_eq(s.v[0].temporary, 0);
	path[0] = "userunknown";
	/* codes as the report groups them: reply code and enhanced status */
	tui_model_summary(&m, 1, path, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.v[0].label, "550 5.1.1");
	ck_assert_uint_eq(s.v[0].count, 3);
	path[1] = "550 5.1.1";
	tui_model_summary(&m, 2, path, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.v[0].label, "example.org");
	ck_assert_uint_eq(s.v[0].count, 2);
	ck_assert_str_eq(s.v[1].label, "sub.example.org");
	ck_assert_uint_eq(s.v[1].count, 1);
	/* the summary counts only what passes the filter */
	rows_after(&m, "sub.example.org");
	tui_model_summary(&m, 2, path, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.total, 1);
	tui_sum_release(&s);
	tui_model_release(&m);
}
END_TEST

/* ------------------------------------------------------------ panes */

static int
doc_has(const struct tui_doc *d, const char *text)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].text, text) != NULL)
			return 1;
	return 0;
}

START_TEST(test_panes)
{
	struct recset		 rs;
	struct record		*r;
	struct tui_doc		 d;
	const struct record	*group[1];
	size_t			 marks[DIAGNOSIS_MAX], nmarks;

	recset_init(&rs);
	r = add(&rs, "a@example.org", "550 5.1.1 user unknown");
	r->context = xstrdup("Reporting-MTA: dns; mx.example\n"
	    "<a@example.org>: host mx said:\n    550 5.1.1 user unknown\n");
	add(&rs, "a@example.org", "550 5.1.1 user unknown");
	r = &rs.v[0];
	group[0] = &rs.v[1];
	tui_doc_init(&d, 60, NULL);
	tui_panes_source_doc(&d, r, group, 1);
	ck_assert(doc_has(&d, "test.log, line 1"));
	ck_assert(doc_has(&d, "To:          a@example.org"));
	ck_assert(doc_has(&d, "Original text:"));
	ck_assert(doc_has(&d, "  Reporting-MTA: dns; mx.example"));
	ck_assert(doc_has(&d, "The same failure also at:"));
	ck_assert(doc_has(&d, "  test.log, line 2"));
	tui_doc_release(&d);
	tui_doc_init(&d, 60, NULL);
	tui_panes_article_doc(&d, r, marks, &nmarks);
	ck_assert(doc_has(&d, "PERMANENT failure - reason userunknown - "
	    "reply 550 - status"));
	ck_assert_uint_eq(nmarks, r->diagnosis.narticles);
	ck_assert_uint_ge(nmarks, 1);
	ck_assert_str_eq(d.v[marks[0]].text,
	    "Article 1 of 1, specific: t-user - Example Mail");
	ck_assert(doc_has(&d, "Mailbox unknown"));
	ck_assert(doc_has(&d, "  1. Check the address."));
	ck_assert(doc_has(&d, "What to tell the customer (c copies it):"));
	ck_assert(doc_has(&d, "  The address does not exist."));
	ck_assert(doc_has(&d, "  https://example.org/user"));
	tui_doc_release(&d);
	recset_release(&rs);
}
END_TEST

/* -------------------------------------------------------------- out */

START_TEST(test_base64)
{
	static const char *const rows[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "\377\376\375", "//79" },
	};
	size_t	 i;
	char	*b;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		b = tui_out_base64(rows[i][0], strlen(rows[i][0]));
		ck_assert_str_eq(b, rows[i][1]);
		free(b);
	}
}
END_TEST

static void
put_text(FILE *fp, const void *arg)
{
	fputs(arg, fp);
}

START_TEST(test_out_file)
{
	char	 dir[] = "/tmp/check_tui.XXXXXX", path[128], buf[64];
	char	*err = NULL;
	FILE	*fp;
	size_t	 n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/out.txt", dir);
	ck_assert_int_eq(tui_out_file(path, put_text, "first\n", &err), 0);
	ck_assert_int_eq(tui_out_file(path, put_text, "second\n", &err), 0);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	ck_assert_str_eq(buf, "second\n");
	unlink(path);
	/* no temporary file is left behind */
	ck_assert_int_eq(rmdir(dir), 0);
	snprintf(path, sizeof path, "%s/no/such/dir/out.txt", dir);
	ck_assert_int_eq(tui_out_file(path, put_text, "x", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot write to '"));
	free(err);
}
END_TEST

/* ------------------------------------------------------------- load */

START_TEST(test_load)
{
	char			 path[] = "/tmp/check_tui.XXXXXX";
	char			*paths[1] = { path };
	struct tui_load		*l;
	struct tui_load_progress p;
	struct recset		 rs;
	struct diag		 d;
	struct timespec		 ts = { 0, 10 * 1000 * 1000 };
	FILE			*fp;
	int			 fd, i;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs("550 5.1.1 user unknown\nnothing here\n"
	    "421 4.7.0 try again later\n", fp);
	fclose(fp);
	recset_init(&rs);
	diag_init(&d);
	recset_intern(&rs, "another name");
	l = tui_load_start(kb, paths, 1);
	ck_assert_ptr_nonnull(l);
	for (i = 0; i < 1000; i++) {
		tui_load_progress(l, &p);
		if (p.done)
			break;
		nanosleep(&ts, NULL);
	}
	ck_assert_int_eq(p.done, 1);
	ck_assert_uint_eq(p.records, 2);
	ck_assert_uint_eq(tui_load_take(l, &rs, &d), 2);
	ck_assert_uint_eq(tui_load_take(l, &rs, &d), 0);
	ck_assert_int_eq(tui_load_stop(l), 0);
	ck_assert_uint_eq(rs.n, 2);
	/* the source name now belongs to rs */
	ck_assert_str_eq(rs.v[0].source, path);
	ck_assert_ptr_eq(rs.v[0].source, rs.names[1]);
	ck_assert_str_eq(rs.v[1].reply, "421");
	ck_assert_int_eq(rs.v[1].diagnosis.temporary, 1);
	recset_release(&rs);
	diag_release(&d);
	unlink(path);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("tui");
	TCase	*tc;

	tc = tcase_create("doc");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_doc_wrap);
	tcase_add_test(tc, test_doc_safe);
	tcase_add_test(tc, test_doc_width);
	tcase_add_test(tc, test_doc_codes);
	suite_add_tcase(s, tc);
	tc = tcase_create("model");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_model_rows);
	tcase_add_test(tc, test_model_facts);
	tcase_add_test(tc, test_filter);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	tc = tcase_create("panes");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_panes);
	suite_add_tcase(s, tc);
	tc = tcase_create("out");
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_out_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
