/*
 * check_summary.c - the summary folded from streaming records is the
 * tree group_build() makes of all of them: same groups in the same order,
 * same counts, times, articles, providers and representatives, and the
 * same report, summary and summary JSON printed from it.  Checked over
 * the test logs, one by one and together, the bounce messages, all the
 * test data, and a hand-made group whose earliest and latest records are
 * not its first and last.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "group.h"
#include "input.h"
#include "kb.h"
#include "record.h"
#include "summary.h"
#include "view_json.h"
#include "view_report.h"
#include "view_text.h"
#include "tap.h"

#define NROWS(a)	((int)(sizeof (a) / sizeof (a)[0]))

static struct kb	*kb;
static struct diag	 kbd;

static void
setup(void)
{
	diag_init(&kbd);
	kb = kb_new();
	kb_load_builtin(kb, &kbd);
}

static void
teardown(void)
{
	kb_free(kb);
	diag_release(&kbd);
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

static void
same_group(const struct group *a, const struct recset *ra,
    const struct group *b, const struct recset *rb, const char *path)
{
	const struct record	*x, *y;
	size_t			 i;

	ck_assert_msg(strcmp(a->key, b->key) == 0, "%s: key '%s' vs '%s'",
	    path, a->key, b->key);
	ck_assert_int_eq(a->level, b->level);
	ck_assert_uint_eq(a->count, b->count);
	ck_assert_uint_eq(a->temporary, b->temporary);
	ck_assert_uint_eq(a->permanent, b->permanent);
	ck_assert_str_eq(a->reply, b->reply);
	ck_assert_str_eq(a->status, b->status);
	ck_assert_msg(same_str(a->first, b->first) && same_str(a->last,
	    b->last), "%s/%s: times", path, a->key);
	ck_assert_ptr_eq(a->article, b->article);
	ck_assert_msg(same_str(a->provider, b->provider), "%s/%s: provider",
	    path, a->key);
	x = &ra->v[a->rep];
	y = &rb->v[b->rep];
	ck_assert_msg(strcmp(x->source, y->source) == 0 && x->line == y->line &&
	    same_str(x->recipient, y->recipient), "%s/%s: representative "
	    "%s:%lu vs %s:%lu", path, a->key, x->source, x->line, y->source,
	    y->line);
	ck_assert_uint_eq(a->nchild, b->nchild);
	for (i = 0; i < a->nchild; i++)
		same_group(&a->child[i], ra, &b->child[i], rb, a->key);
}

static void
fold(struct record *r, void *arg)
{
	summary_add(arg, r);
}

/* The report (groups only), the summary and the summary JSON of the
 * tree t of rs, one after the other; caller frees. */
static char *
views(const struct recset *rs, const struct group_tree *t)
{
	struct view_text_opts	 o = { 0, 78, 0 };
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	view_report(fp, rs, t, &o);
	view_report_summary(fp, rs, t, &o);
	view_json_summary(fp, rs, t);
	fclose(fp);
	return buf;
}

/* Checks the summary of paths against group_build(); returns how many
 * records the summary kept. */
static size_t
compare(const char *const *paths, size_t n)
{
	struct recset		 all, kept;
	struct group_tree	 ta, tb;
	struct summary		*s = summary_new();
	/* lean, as main.c reads for a summary: the lines that give only a
	 * sender or a message-id are skipped, which must change nothing */
	struct maillog_sink	 sink = { fold, s, 1 };
	struct diag		 d;
	size_t			 i, nkept;
	char			*va, *vb;

	diag_init(&d);
	recset_init(&all);
	recset_init(&kept);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(input_load(paths[i], &all, kb, &d), 0);
		ck_assert_int_eq(input_each(paths[i], kb, &sink, &d), 0);
	}
	group_build(&ta, &all);
	summary_finish(s, &kept, &tb);
	ck_assert_uint_gt(ta.root.count, 0);
	ck_assert_uint_lt(kept.n, all.n);
	same_group(&ta.root, &all, &tb.root, &kept, "");
	ck_assert_ptr_null(tb.order);
	va = views(&all, &ta);
	vb = views(&kept, &tb);
	ck_assert_str_eq(va, vb);
	free(va);
	free(vb);
	nkept = kept.n;
	group_release(&ta);
	group_release(&tb);
	recset_release(&all);
	recset_release(&kept);
	summary_free(s);
	diag_release(&d);
	return nkept;
}

static const char *const inputs[] = {
	"logs/postfix-small.log", "logs/postfix.log.gz", "logs/exim.log.gz",
	"logs/sendmail.log.gz", "logs/mixed.log.gz", "journeys.log",
};

START_TEST(test_logs)
{
	const char	*p = tap_data(inputs[_i]);
	char		*path = strdup(p);

	compare((const char *const *)&path, 1);
	free(path);
}
END_TEST

/* Directories of every kind of input: bounce messages, and the whole
 * test data (logs, texts, hostile and broken files). */
static const char *const dirs[] = { "messages", "" };

START_TEST(test_dirs)
{
	char	*path = strdup(tap_data(dirs[_i]));

	compare((const char *const *)&path, 1);
	free(path);
}
END_TEST

/* All the logs in one run: groups gather records of several files. */
START_TEST(test_all_logs)
{
	char	*paths[NROWS(inputs)];
	int	 i;

	for (i = 0; i < NROWS(inputs); i++)
		paths[i] = strdup(tap_data(inputs[i]));
	compare((const char *const *)paths, NROWS(inputs));
	for (i = 0; i < NROWS(inputs); i++)
		free(paths[i]);
}
END_TEST

/*
 * One group whose earliest and latest records are neither its first nor
 * its last read: only its first record is kept (one domain, one
 * article), and the counts, representative and times must still be
 * group_build()'s.
 */
START_TEST(test_votes)
{
	static const char	log[] =
	    "Mar  2 00:00:05 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from "
	    "a[192.0.2.1]: 554 5.7.1 <x@example.net>: Relay access denied; "
	    "from=<s@example.org> to=<x@example.net> proto=ESMTP helo=<a>\n"
	    "Mar  2 00:00:01 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from "
	    "a[192.0.2.1]: 554 5.7.1 <y@example.net>: Relay access denied; "
	    "from=<s@example.org> to=<y@example.net> proto=ESMTP helo=<a>\n"
	    "Mar  2 00:00:09 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from "
	    "a[192.0.2.1]: 554 5.7.1 <z@example.net>: Relay access denied; "
	    "from=<s@example.org> to=<z@example.net> proto=ESMTP helo=<a>\n"
	    "Mar  2 00:00:03 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from "
	    "a[192.0.2.1]: 554 5.7.1 <w@example.net>: Relay access denied; "
	    "from=<s@example.org> to=<w@example.net> proto=ESMTP helo=<a>\n";
	char	path[] = "/tmp/check_summary.XXXXXX", *p = path;
	FILE	*fp;
	int	 fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	fp = fdopen(fd, "w");
	fputs(log, fp);
	fclose(fp);
	ck_assert_uint_eq(compare((const char *const *)&p, 1), 1);
	remove(path);
}
END_TEST

static Suite *
summary_suite(void)
{
	Suite	*s = suite_create("summary");
	TCase	*tc = tcase_create("same as group_build");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_logs, 0, NROWS(inputs));
	tcase_add_test(tc, test_all_logs);
	tcase_add_loop_test(tc, test_dirs, 0, NROWS(dirs));
	tcase_add_test(tc, test_votes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tap_run(summary_suite());
}
