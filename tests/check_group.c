/*
 * check_group.c - grouping of failures (group.c) and the views built on
 * it: the report and summary (view_report.c) and the summary JSON.
 *
 * The records are made by hand and diagnosed with a small knowledge base
 * of this file, so the expected trees and texts below were worked out on
 * paper from these rows, independent of the readers and the built-in
 * articles.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "group.h"
#include "kb.h"
#include "record.h"
#include "view_json.h"
#include "view_report.h"
#include "view_text.h"
#include "xalloc.h"
#include "tap.h"

static const char test_kb[] =
"id: t-user\n"
"code: 550\n"
"status: 5.1.1\n"
"match: user unknown\n"
"bounce: permanent\n"
"reason: userunknown\n"
"title: Mailbox unknown\n"
"explain: The address has no mailbox.\n"
"remedy: Check the address.\n"
"customer: The address does not exist.\n"
"\n"
"id: t-user2\n"
"match: no such user\n"
"bounce: permanent\n"
"reason: userunknown\n"
"title: No such user here\n"
"explain: The address has no mailbox.\n"
"remedy: Remove it.\n"
"customer: Nobody reads mail there.\n"
"\n"
"id: t-rate\n"
"match: slow down\n"
"provider: Example Mail\n"
"bounce: temporary\n"
"reason: ratelimited\n"
"title: Sending too fast\n"
"explain: The receiver takes mail slowly.\n"
"remedy: Send slower.\n"
"customer: The mail is queued and tried again.\n";

/* recipient, time, action, diagnostic */
static const char *const rows[][4] = {
	{ "a@Example.COM", "2026-11-28T10:00:00+01:00", "failed",
	    "550 5.1.1 user unknown" },
	{ "<b@example.com>", "2026-11-28T08:30:00Z", "failed",
	    "550 5.1.1 no such user" },
	{ "c@example.com", "2026-11-28T09:30:00Z", "failed",
	    "550 5.1.1 user unknown" },
	{ "d@example.org", "Sat, 28 Nov 2026 11:00:00 +0000", "failed",
	    "550 5.1.1 user unknown" },
	{ "e@aol.example", "2026-11-27T23:00:00Z", "delayed",
	    "421 4.7.0 slow down" },
	{ "f@example.net", "2026-11-26T00:00:00Z", "delivered",
	    "250 2.0.0 ok" },
	{ "g@x.test", NULL, "failed", "550 user unknown" },
	{ NULL, "garbage", "delayed", "421 4.7.0 slow down" },
};
#define NROWS (sizeof rows / sizeof rows[0])

static struct kb	*kb;
static struct recset	 rs;
static struct group_tree tree;

static void
setup(void)
{
	struct diag	 d;
	struct record	*r;
	size_t		 i;

	diag_init(&d);
	kb = kb_new();
	ck_assert_uint_eq(kb_load_text(kb, "test.kb", test_kb,
	    strlen(test_kb), &d), 0);
	diag_release(&d);
	recset_init(&rs);
	for (i = 0; i < NROWS; i++) {
		r = recset_add(&rs);
		r->source = recset_intern(&rs, "test.log");
		r->line = i + 1;
		r->recipient = rows[i][0] ? xstrdup(rows[i][0]) : NULL;
		r->time = rows[i][1] ? xstrdup(rows[i][1]) : NULL;
		r->action = xstrdup(rows[i][2]);
		r->diagnostic = xstrdup(rows[i][3]);
		record_diagnose(r, kb);
	}
	group_build(&tree, &rs);
}

static void
teardown(void)
{
	group_release(&tree);
	recset_release(&rs);
	kb_free(kb);
}

/* Output of a view into a string; caller frees. */
static char *
capture(void (*fn)(FILE *, const struct view_text_opts *),
    const struct view_text_opts *o)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	fn(fp, o);
	fclose(fp);
	return buf;
}

static void
run_report(FILE *fp, const struct view_text_opts *o)
{
	view_report(fp, &rs, &tree, o);
}

static void
run_summary(FILE *fp, const struct view_text_opts *o)
{
	view_report_summary(fp, &rs, &tree, o);
}

static void
run_json(FILE *fp, const struct view_text_opts *o)
{
	(void)o;
	view_json_summary(fp, &rs, &tree);
}

START_TEST(failures_only)
{
	ck_assert_int_eq(group_is_failure(&rs.v[0]), 1);
	ck_assert_int_eq(group_is_failure(&rs.v[4]), 1);
	ck_assert_int_eq(group_is_failure(&rs.v[5]), 0);
	ck_assert_uint_eq(tree.root.count, 7);
	ck_assert_uint_eq(tree.root.temporary, 2);
	ck_assert_uint_eq(tree.root.permanent, 5);
	ck_assert_str_eq(tree.root.first, "2026-11-27T23:00:00Z");
	ck_assert_str_eq(tree.root.last, "Sat, 28 Nov 2026 11:00:00 +0000");
}
END_TEST

START_TEST(tree_shape)
{
	const struct group	*u, *r, *c;

	ck_assert_uint_eq(tree.root.nchild, 2);
	u = &tree.root.child[0];
	r = &tree.root.child[1];
	ck_assert_int_eq(u->level, GROUP_REASON);
	ck_assert_str_eq(u->key, "userunknown");
	ck_assert_uint_eq(u->count, 5);
	ck_assert_str_eq(r->key, "ratelimited");
	ck_assert_uint_eq(r->count, 2);
	ck_assert_uint_eq(r->temporary, 2);

	ck_assert_uint_eq(u->nchild, 2);
	c = &u->child[0];
	ck_assert_int_eq(c->level, GROUP_CODES);
	ck_assert_str_eq(c->key, "550 5.1.1");
	ck_assert_str_eq(c->reply, "550");
	ck_assert_str_eq(c->status, "5.1.1");
	ck_assert_uint_eq(c->count, 4);
	ck_assert_str_eq(u->child[1].key, "550");
	ck_assert_str_eq(u->child[1].status, "");

	/* domains lower-cased, <> dropped; count desc */
	ck_assert_uint_eq(c->nchild, 2);
	ck_assert_str_eq(c->child[0].key, "example.com");
	ck_assert_uint_eq(c->child[0].count, 3);
	ck_assert_str_eq(c->child[0].first, "2026-11-28T08:30:00Z");
	ck_assert_str_eq(c->child[0].last, "2026-11-28T09:30:00Z");
	ck_assert_str_eq(c->child[1].key, "example.org");

	/* equal counts: by key, the unknown domain ("") first */
	c = &r->child[0];
	ck_assert_str_eq(c->key, "421 4.7.0");
	ck_assert_uint_eq(c->nchild, 2);
	ck_assert_str_eq(c->child[0].key, "");
	ck_assert_str_eq(c->child[1].key, "aol.example");
	ck_assert_ptr_null(c->child[0].first);
	ck_assert_str_eq(r->first, "2026-11-27T23:00:00Z");
	ck_assert_str_eq(r->last, "2026-11-27T23:00:00Z");
}
END_TEST

START_TEST(article_of_most)
{
	const struct group	*c = &tree.root.child[0].child[0];

	/* t-user for rows 0, 2, 3 beats t-user2 for row 1 */
	ck_assert_ptr_nonnull(c->article);
	ck_assert_str_eq(c->article->id, "t-user");
	ck_assert_uint_eq(c->rep, 0);
	ck_assert_ptr_null(c->provider);
	ck_assert_str_eq(tree.root.child[1].provider, "Example Mail");
	ck_assert_uint_eq(tree.root.child[1].rep, 4);
}
END_TEST

START_TEST(slices)
{
	static const size_t	want[] = { 7, 4, 6, 0, 1, 2, 3 };
	const struct group	*u = &tree.root.child[0];
	const struct group	*com = &u->child[0].child[0];
	size_t			 i;

	for (i = 0; i < 7; i++)
		ck_assert_uint_eq(tree.order[i], want[i]);
	ck_assert_uint_eq(u->lo, 2);
	ck_assert_uint_eq(com->lo, 3);
	ck_assert_uint_eq(tree.root.child[1].lo, 0);
}
END_TEST

START_TEST(empty_set)
{
	struct recset		e;
	struct group_tree	t;

	recset_init(&e);
	group_build(&t, &e);
	ck_assert_uint_eq(t.root.count, 0);
	ck_assert_uint_eq(t.root.nchild, 0);
	ck_assert_ptr_null(t.root.first);
	ck_assert_ptr_null(t.root.article);
	group_release(&t);
	recset_release(&e);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok;
	long long	 key;
	const char	*fmt;
} times[] = {
	{ "2026-11-28T09:14:02Z", 0, 1795857242, "2026-11-28 09:14" },
	{ "2026-11-28T10:14:02+01:00", 0, 1795857242, "2026-11-28 10:14" },
	{ "2026-11-28 04:14:02.123-0500", 0, 1795857242, "2026-11-28 04:14" },
	{ "Sat, 28 Nov 2026 09:14:02 +0000", 0, 1795857242,
	    "2026-11-28 09:14" },
	{ "28 Nov 2026 09:14:02 GMT", 0, 1795857242, "2026-11-28 09:14" },
	{ "2000-02-29T23:59:59Z", 0, 951868799, "2000-02-29 23:59" },
	{ "1970-01-01T00:00:00Z", 0, 0, "1970-01-01 00:00" },
	{ "Nov  3 09:14:02", 0, 0, "Nov  3 09:14" },
	{ "garbage", -1, 0, "garbage" },
	{ "2026-13-01T00:00:00Z", -1, 0, "2026-13-01T00:00" },
	{ "", -1, 0, "" },
};

START_TEST(time_parse)
{
	struct group_time	t;
	char			buf[GROUP_TIME_LEN + 1];

	ck_assert_int_eq(group_time_parse(times[_i].in, &t), times[_i].ok);
	if (times[_i].ok == 0 && times[_i].fmt[0] != 'N')
		ck_assert_int_eq(t.key, times[_i].key);
	group_time_format(times[_i].in, buf, sizeof buf);
	ck_assert_str_eq(buf, times[_i].fmt);
}
END_TEST

/* The codes key of a record: the reply and the status with a space
 * between when both are there, cut to the buffer. */
static const struct {
	const char	*reply, *status;
	size_t		 size;
	const char	*want;
} codes_rows[] = {
	{ "550", "5.1.1", 16, "550 5.1.1" },
	{ "550", "", 16, "550" },
	{ "", "5.7.26", 16, "5.7.26" },
	{ "", "", 16, "" },
	{ "421", "4.7.0", 10, "421 4.7.0" },
	{ "421", "4.7.0", 6, "421 4" },
	{ "421", "4.7.0", 4, "421" },
	{ "421", "4.7.0", 5, "421 " },
	{ "", "4.7.0", 3, "4." },
	{ "421", "4.7.0", 1, "" },
};

START_TEST(codes_key)
{
	struct record	r;
	char		buf[16];

	memset(&r, 0, sizeof r);
	strcpy(r.reply, codes_rows[_i].reply);
	strcpy(r.status, codes_rows[_i].status);
	memset(buf, 'x', sizeof buf);
	group_codes(&r, buf, codes_rows[_i].size);
	ck_assert_str_eq(buf, codes_rows[_i].want);
	/* nothing written past the size given */
	if (codes_rows[_i].size < sizeof buf)
		ck_assert_int_eq(buf[codes_rows[_i].size], 'x');
}
END_TEST

START_TEST(time_order_yearless_first)
{
	struct group_time	a, b, c;

	ck_assert_int_eq(group_time_parse("Dec 31 23:59:59", &a), 0);
	ck_assert_int_eq(group_time_parse("Jan  1 00:00:00", &b), 0);
	ck_assert_int_eq(group_time_parse("1970-01-01T00:00:00Z", &c), 0);
	ck_assert(b.key < a.key);
	ck_assert(a.key < c.key);
}
END_TEST

static const char want_report[] =
"Bounce report: 7 failures (2 temporary, 5 permanent)\n"
"Period: 2026-11-27T23:00:00Z to Sat, 28 Nov 2026 11:00:00 +0000\n"
"\n"
"5  userunknown (permanent)\n"
"   4  550 5.1.1\n"
"      Mailbox unknown\n"
"      Remedy: Check the address.\n"
"      Recipient domains:\n"
"        3  example.com\n"
"        1  example.org\n"
"   1  550\n"
"      Mailbox unknown\n"
"      Remedy: Check the address.\n"
"      Recipient domain:\n"
"        1  x.test\n"
"\n"
"2  ratelimited (temporary)\n"
"   2  421 4.7.0\n"
"      Sending too fast\n"
"      Remedy: Send slower.\n"
"      Recipient domains:\n"
"        1  (recipient unknown) (Example Mail)\n"
"        1  aol.example (Example Mail)\n";

START_TEST(report_text)
{
	struct view_text_opts	 o = { 0, 78, 0 };
	char			*out = capture(run_report, &o);

	ck_assert_str_eq(out, want_report);
	free(out);
}
END_TEST

START_TEST(report_verbose_details)
{
	struct view_text_opts	 o = { 0, 78, 1 };
	char			*out = capture(run_report, &o);
	const char		*d;

	ck_assert_ptr_eq(strstr(out, want_report), out);
	d = out + strlen(want_report);
	/* the first record of the first group: row 0 */
	ck_assert_ptr_eq(strstr(d, "\nFailures, by group:\n\n"
	    "1. a@Example.COM\n"
	    "   time:     2026-11-28T10:00:00+01:00\n"
	    "   source:   test.log:1\n"
	    "   reply:    [550] [5.1.1] user unknown\n"
	    "   verdict:  permanent, userunknown\n"
	    "   article:  Mailbox unknown [t-user]\n"
	    "   customer: The address does not exist.\n"
	    "\n2. <b@example.com>\n"), d);
	/* the last one: row 4 under aol.example */
	ck_assert_ptr_nonnull(strstr(d, "\n7. e@aol.example\n"));
	ck_assert_ptr_null(strstr(d, "f@example.net"));
	free(out);
}
END_TEST

static const char want_summary[] =
"Bounce summary: 7 failures (2 temporary, 5 permanent)\n"
"Period: 2026-11-27T23:00:00Z to Sat, 28 Nov 2026 11:00:00 +0000\n"
"\n"
"count  first         last          reason / codes / domain\n"
"    5  Nov 28 08:30  Nov 28 11:00  userunknown (permanent)\n"
"    4  Nov 28 08:30  Nov 28 11:00    550 5.1.1  Mailbox unknown\n"
"    3  Nov 28 08:30  Nov 28 09:30      example.com\n"
"    1  Nov 28 11:00  Nov 28 11:00      example.org\n"
"    1  -             -               550  Mailbox unknown\n"
"    1  -             -                 x.test\n"
"    2  Nov 27 23:00  Nov 27 23:00  ratelimited (temporary)\n"
"    2  Nov 27 23:00  Nov 27 23:00    421 4.7.0  Sending too fast\n"
"    1  -             -                 (recipient unknown) (Example Mail)\n"
"    1  Nov 27 23:00  Nov 27 23:00      aol.example (Example Mail)\n";

START_TEST(summary_text)
{
	struct view_text_opts	 o = { 0, 78, 0 };
	char			*out = capture(run_summary, &o);

	ck_assert_str_eq(out, want_summary);
	free(out);
}
END_TEST

START_TEST(summary_narrow)
{
	struct view_text_opts	 o = { 0, 50, 0 };
	char			*out = capture(run_summary, &o);

	/* 50 - (5 + 6 + 2 * 12) leaves 15 columns: no times */
	ck_assert_ptr_eq(strstr(out,
	    "Bounce summary: 7 failures (2 temporary, 5 permanent)\n"
	    "Period: 2026-11-27T23:00:00Z to Sat, 28 Nov 2026 11:00:00 +0000\n"
	    "\n"
	    "count  reason / codes / domain\n"
	    "    5  userunknown (permanent)\n"
	    "    4    550 5.1.1  Mailbox unknown\n"), out);
	free(out);
}
END_TEST

/* Times all on one day show the clock alone; over years, the date. */
START_TEST(summary_time_span)
{
	static const char *const when[][2] = {
		{ "2026-11-28T09:14:02Z", "2026-11-28T17:05:59+01:00" },
		{ "2025-12-31T23:59:00Z", "2026-01-01T00:01:00Z" },
	};
	static const char *const want[] = {
	    "\ncount  first  last   reason / codes / domain\n"
	    "    2  09:14  17:05  ratelimited (temporary)\n",
	    "\ncount  first             last              reason / codes / "
	    "domain\n"
	    "    2  2025-12-31 23:59  2026-01-01 00:01  ratelimited "
	    "(temporary)\n" };
	struct view_text_opts	 o = { 0, 78, 0 };
	struct recset		 e;
	struct group_tree	 t;
	struct record		*r;
	char			*buf = NULL;
	size_t			 len = 0, i;
	FILE			*fp;

	recset_init(&e);
	for (i = 0; i < 2; i++) {
		r = recset_add(&e);
		r->recipient = xstrdup("x@aol.example");
		r->time = xstrdup(when[_i][i]);
		r->diagnostic = xstrdup("421 4.7.0 slow down");
		record_diagnose(r, kb);
	}
	group_build(&t, &e);
	fp = open_memstream(&buf, &len);
	view_report_summary(fp, &e, &t, &o);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, want[_i]));
	free(buf);
	group_release(&t);
	recset_release(&e);
}
END_TEST

START_TEST(summary_json)
{
	struct view_text_opts	 o = { 0, 78, 0 };
	char			*out = capture(run_json, &o), *p;
	size_t			 lines = 0;

	for (p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	/* all, 2 reasons, 3 codes, 5 domains */
	ck_assert_uint_eq(lines, 11);
	ck_assert_ptr_eq(strstr(out, "{\"schema\":1,\"level\":\"all\","
	    "\"reason\":null,\"reply_code\":null,\"enhanced_status\":null,"
	    "\"domain\":null,"), out);
	ck_assert_ptr_nonnull(strstr(out, "\"count\":7,\"temporary_count\":2,"
	    "\"permanent_count\":5,\"first\":\"2026-11-27T23:00:00Z\","));
	ck_assert_ptr_nonnull(strstr(out, "{\"schema\":1,\"level\":\"domain\","
	    "\"reason\":\"userunknown\",\"reply_code\":\"550\","
	    "\"enhanced_status\":\"5.1.1\",\"domain\":\"example.com\","
	    "\"provider\":null,\"count\":3,\"temporary_count\":0,"
	    "\"permanent_count\":3,"
	    "\"first\":\"2026-11-28T08:30:00Z\","
	    "\"last\":\"2026-11-28T09:30:00Z\",\"article\":{\"id\":\"t-user\","
	    "\"kind\":\"match\",\"title\":\"Mailbox unknown\","
	    "\"remedy\":\"Check the address.\"},\"example\":{"
	    "\"source\":\"test.log\",\"line\":1,"
	    "\"recipient\":\"a@Example.COM\","
	    "\"diagnostic\":\"550 5.1.1 user unknown\"}}\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"level\":\"domain\","
	    "\"reason\":\"ratelimited\",\"reply_code\":\"421\","
	    "\"enhanced_status\":\"4.7.0\",\"domain\":null,"
	    "\"provider\":\"Example Mail\",\"count\":1,"));
	free(out);
}
END_TEST

/* The summary JSON of t (every node: keys, counts, times, article and
 * representative) and the report; caller frees. */
static char *
tree_text(const struct group_tree *t)
{
	struct view_text_opts	 o = { 0, 78, 0 };
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	view_json_summary(fp, &rs, t);
	view_report(fp, &rs, t, &o);
	fclose(fp);
	return buf;
}

/*
 * Folding the rows one at a time gives group_build()'s tree, whatever
 * the order of the calls (_i 1: backwards): the sequence numbers break
 * the ties.  group_add() asks to keep a row when it is the first of its
 * reason, codes and domain, or the first there with its article.
 */
START_TEST(fold_any_order)
{
	static const int	 want_keep[2][NROWS] = {
		/* 2: t-user again; 5: delivered */
		{ 1, 1, 0, 1, 1, 0, 1, 1 },
		/* backwards, 2 comes before 0 and 1 */
		{ 1, 1, 1, 1, 1, 0, 1, 1 },
	};
	struct group_tree	 t;
	char			*a, *b;
	size_t			 k, i;

	group_init(&t);
	for (k = 0; k < NROWS; k++) {
		i = _i ? NROWS - 1 - k : k;
		ck_assert_int_eq(group_add(&t, &rs.v[i], i), want_keep[_i][i]);
	}
	group_finish(&t);
	ck_assert_ptr_null(t.order);
	ck_assert_uint_eq(t.root.child[0].child[0].rep, 0);
	ck_assert_uint_eq(t.root.child[1].rep, 4);
	a = tree_text(&tree);
	b = tree_text(&t);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	group_release(&t);
}
END_TEST

/* Two records at the same instant, written two ways: the earliest is the
 * first read, the latest the last read, in whatever order they are
 * folded. */
START_TEST(time_ties)
{
	struct group_tree	 t;
	struct recset		 e;
	struct record		*r;
	size_t			 i;

	recset_init(&e);
	for (i = 0; i < 2; i++) {
		r = recset_add(&e);
		r->recipient = xstrdup("x@aol.example");
		r->time = xstrdup(i == 0 ? "2026-11-28T09:14:02Z" :
		    "2026-11-28T10:14:02+01:00");
		r->diagnostic = xstrdup("421 4.7.0 slow down");
		record_diagnose(r, kb);
	}
	group_init(&t);
	ck_assert_int_eq(group_add(&t, &e.v[1], 1), 1);
	ck_assert_int_eq(group_add(&t, &e.v[0], 0), 1);
	group_finish(&t);
	ck_assert_str_eq(t.root.first, "2026-11-28T09:14:02Z");
	ck_assert_str_eq(t.root.last, "2026-11-28T10:14:02+01:00");
	ck_assert_str_eq(t.root.child[0].child[0].child[0].first,
	    "2026-11-28T09:14:02Z");
	group_release(&t);
	group_build(&t, &e);
	ck_assert_str_eq(t.root.first, "2026-11-28T09:14:02Z");
	ck_assert_str_eq(t.root.last, "2026-11-28T10:14:02+01:00");
	group_release(&t);
	recset_release(&e);
}
END_TEST

/* Bytes of the input in a domain or a time never reach the text raw. */
START_TEST(hostile_bytes)
{
	struct recset		 e;
	struct group_tree	 t;
	struct record		*r;
	struct view_text_opts	 o = { 0, 78, 1 };
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*fp;

	recset_init(&e);
	r = recset_add(&e);
	r->recipient = xstrdup("x@EVIL\033[2J.example");
	r->time = xstrdup("\033]52;c;Zm9v\007");
	r->diagnostic = xstrdup("550 5.1.1 \033[31mred\302\233 \377");
	record_diagnose(r, kb);
	group_build(&t, &e);
	fp = open_memstream(&buf, &len);
	view_report(fp, &e, &t, &o);
	view_report_summary(fp, &e, &t, &o);
	fclose(fp);
	ck_assert_ptr_null(memchr(buf, '\033', len));
	ck_assert_ptr_null(strstr(buf, "\302\233"));
	ck_assert_ptr_nonnull(strstr(buf, "x@EVIL^[[2J.example"));
	ck_assert_ptr_nonnull(strstr(buf, "evil^[[2j.example"));
	ck_assert_ptr_nonnull(strstr(buf,
	    "[550] [5.1.1] ^[[31mred<U+009B> <FF>"));
	free(buf);
	group_release(&t);
	recset_release(&e);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("group");
	TCase	*tc = tcase_create("tree");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, failures_only);
	tcase_add_test(tc, tree_shape);
	tcase_add_test(tc, article_of_most);
	tcase_add_test(tc, slices);
	tcase_add_test(tc, empty_set);
	tcase_add_test(tc, report_text);
	tcase_add_test(tc, report_verbose_details);
	tcase_add_test(tc, summary_text);
	tcase_add_test(tc, summary_narrow);
	tcase_add_loop_test(tc, summary_time_span, 0, 2);
	tcase_add_test(tc, summary_json);
	tcase_add_test(tc, hostile_bytes);
	tcase_add_loop_test(tc, fold_any_order, 0, 2);
	tcase_add_test(tc, time_ties);
	suite_add_tcase(s, tc);
	tc = tcase_create("time");
	tcase_add_loop_test(tc, time_parse, 0, sizeof times / sizeof times[0]);
	tcase_add_test(tc, time_order_yearless_first);
	tcase_add_loop_test(tc, codes_key, 0,
	    sizeof codes_rows / sizeof codes_rows[0]);
	suite_add_tcase(s, tc);
	return tap_run(s);
}
