/*
 * check_kb.c - the knowledge base: the built-in articles are valid and
 * each wins its own examples; the loader reports bad stanzas and goes on;
 * user directories override by id; the lookup order is match, status, code.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <check.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "diagnosis.h"
#include "findings.h"
#include "kb.h"
#include "kb_literal.h"
#include "xalloc.h"
#include "tap.h"

static struct kb	*kb;
static size_t		 kb_bad;
static struct diag	 kb_diag;

static void
setup_builtin(void)
{
	diag_init(&kb_diag);
	kb = kb_new();
	kb_bad = kb_load_builtin(kb, &kb_diag);
}

static void
teardown_builtin(void)
{
	kb_free(kb);
	diag_release(&kb_diag);
}

START_TEST(builtin_all_valid)
{
	size_t	i;

	for (i = 0; i < kb_diag.n; i++)
		fprintf(stderr, "%s\n", kb_diag.msg[i]);
	ck_assert_uint_eq(kb_bad, 0);
	ck_assert_uint_eq(kb_diag.n, 0);
	ck_assert_uint_gt(kb_count(kb), 0);
}
END_TEST

START_TEST(builtin_patterns_compile_and_jit)
{
	size_t			 i, jitsize;
	const struct kb_article	*a;

	for (i = 0; i < kb_count(kb); i++) {
		a = kb_get(kb, i);
		if (a->kind != KB_KIND_MATCH)
			continue;
		ck_assert_msg(a->re != NULL, "%s: no compiled pattern", a->id);
		jitsize = 0;
		if (pcre2_config(PCRE2_CONFIG_JIT, &jitsize) == 0 &&
		    jitsize == 1 && getenv("BOUNCEDOC_NO_JIT") == NULL) {
			pcre2_pattern_info(a->re, PCRE2_INFO_JITSIZE, &jitsize);
			ck_assert_msg(jitsize > 0, "%s: pattern not JIT-compiled",
			    a->id);
		}
	}
}
END_TEST

/* Every reply of tests/data/replies.tsv (the texts real receivers send,
 * as the log generator uses them) gets a match article: 95% at least;
 * the misses are printed. */
START_TEST(replies_get_match_article)
{
	FILE			*fp = fopen(tap_data("replies.tsv"), "r");
	char			 line[8192], *text, *reply;
	size_t			 len, total = 0, hits = 0;
	struct findings		 f;
	struct diagnosis	 d;

	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((reply = strchr(line, '\t')) == NULL ||
		    (reply = strchr(reply + 1, '\t')) == NULL)
			continue;
		reply++;
		text = findings_unfold(reply, strlen(reply), &len);
		findings_scan(text, len, &f);
		diagnosis_run(kb, text, len, &f, &d);
		total++;
		if (d.narticles > 0 && d.articles[0]->kind == KB_KIND_MATCH)
			hits++;
		else
			fprintf(stderr, "# no match article: %s\n", text);
		free(text);
	}
	fclose(fp);
	ck_assert_uint_gt(total, 250);
	fprintf(stderr, "# %zu of %zu replies have a match article\n", hits,
	    total);
	ck_assert_msg(hits * 100 >= total * 95, "%zu of %zu replies have a "
	    "match article (95%% wanted)", hits, total);
}
END_TEST

/* Every example of every article: its article is the first one shown
 * (match articles) or among those shown (generic articles, which only
 * speak when no match article does). */
START_TEST(builtin_examples_win)
{
	size_t			 i, j, k, misses = 0, total = 0;
	const struct kb_article	*a;
	struct findings		 f;
	struct diagnosis	 d;
	char			*text;
	size_t			 len;
	int			 found;

	for (i = 0; i < kb_count(kb); i++) {
		a = kb_get(kb, i);
		for (j = 0; j < a->example.n; j++) {
			text = findings_unfold(a->example.v[j],
			    strlen(a->example.v[j]), &len);
			findings_scan(text, len, &f);
			diagnosis_run(kb, text, len, &f, &d);
			total++;
			found = 0;
			if (a->kind == KB_KIND_MATCH)
				found = d.narticles > 0 && d.articles[0] == a;
			else
				for (k = 0; k < d.narticles; k++)
					found |= d.articles[k] == a;
			if (!found) {
				misses++;
				fprintf(stderr, "%s:%lu: %s: example not "
				    "diagnosed to it (got %s): %s\n", a->file,
				    a->line, a->id, d.narticles ?
				    d.articles[0]->id : "nothing", text);
			}
			free(text);
		}
	}
	ck_assert_uint_gt(total, 0);
	ck_assert_msg(misses == 0, "%zu of %zu examples missed", misses,
	    total);
}
END_TEST

/* Codes and statuses listed in tests/data: each has its generic article. */
static void
each_line(const char *file, void (*fn)(const char *))
{
	FILE	*fp = fopen(tap_data(file), "r");
	char	 line[256];
	size_t	 n = 0;

	ck_assert_msg(fp != NULL, "cannot open %s", tap_data(file));
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		fn(line);
		n++;
	}
	fclose(fp);
	ck_assert_uint_gt(n, 0);
}

static void
has_code(const char *s)
{
	ck_assert_msg(kb_code_article(kb, atoi(s)) != NULL,
	    "no code article for %s", s);
}

static void
has_status(const char *s)
{
	char	 buf[16];
	const struct kb_article *a;

	/* the tsv lists X.1.1; look up both classes */
	snprintf(buf, sizeof buf, "%s", s);
	if (buf[0] == 'X')
		buf[0] = '5';
	a = kb_status_article(kb, buf);
	ck_assert_msg(a != NULL, "no status article for %s", s);
	ck_assert_msg(strcmp(a->status, s) == 0, "status %s answered by %s",
	    s, a->status);
}

START_TEST(every_reply_code_has_article)
{
	each_line("reply-codes.txt", has_code);
}
END_TEST

START_TEST(every_status_has_article)
{
	each_line("enhanced-codes.txt", has_status);
}
END_TEST

/* ------------------------------------------------------ loader errors */

static const struct {
	const char	*text;
	const char	*msg;	/* expected message */
} bad_rows[] = {
	{ "id: a\nreason: blocked\n", "t.kb:1: missing field 'title'" },
	{ "id: a\nfoo: x\n", "t.kb:2: unknown key 'foo'" },
	{ "id: A B\ncode: 421\nbounce: soft\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:1: bad id 'A B'" },
	{ "id: a\ncode: 421\nbounce: soft\nreason: nosuch\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:4: unknown reason "
	  "'nosuch'" },
	{ "id: a\ncode: 42x\nbounce: soft\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:2: bad reply code "
	  "'42x'" },
	{ "id: a\nmatch: (unclosed\nbounce: soft\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:2: match: pattern "
	  "does not compile" },
	{ "id: a\nmatch: x*\nbounce: soft\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:2: match: pattern "
	  "can match the empty string" },
	{ "id: a\ncode: 421\nbounce: soft\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\nsee: ftp://x\n", "t.kb:9: "
	  "see: not an http(s) URL: 'ftp://x'" },
	{ "id: a\ncode: 421\nbounce: maybe\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:3: bounce: 'maybe' "
	  "is not temporary or permanent" },
	{ "id: a\ncode: 421\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:1: missing field "
	  "'bounce'" },
	{ "id: a\nid: b\n", "t.kb:2: duplicate key 'id'" },
	{ "  continued\n", "t.kb:1: continuation line without a field" },
	{ "id: a\nbounce: soft\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:1: needs 'match', "
	  "'status' or 'code'" },
	{ "id: a\nstatus: 5.9.1\nbounce: soft\nreason: blocked\ntitle: t\n"
	  "explain: e\nremedy: r\ncustomer: c\n", "t.kb:2: bad enhanced "
	  "status '5.9.1'" },
	{ "id: a\ncode: 421\nbounce: soft\nreason: blocked\ntitle: t\n"
	  "explain: e\ncustomer: c\n", "t.kb:1: missing field 'remedy'" },
};

static const char good[] =
	"id: good\ncode: 421\nbounce: soft\nreason: blocked\ntitle: t\n"
	"explain: e\nremedy: r\ncustomer: c\n";

START_TEST(bad_stanza_reported_and_skipped)
{
	struct kb	*k = kb_new();
	struct diag	 d;
	char		*text;
	size_t		 bad;

	diag_init(&d);
	/* a bad stanza, then a good one: the good one still loads */
	text = xasprintf("%s\n%s\n%s", good, bad_rows[_i].text,
	    "id: good2\ncode: 450\nbounce: soft\nreason: blocked\ntitle: t\n"
	    "explain: e\nremedy: r\ncustomer: c\n");
	bad = kb_load_text(k, "t.kb", text + strlen(good) + 1,
	    strlen(text) - strlen(good) - 1, &d);
	ck_assert_uint_eq(bad, 1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_msg(strncmp(d.msg[0], bad_rows[_i].msg,
	    strlen(bad_rows[_i].msg)) == 0, "got '%s', want '%s'", d.msg[0],
	    bad_rows[_i].msg);
	ck_assert_ptr_nonnull(kb_find_id(k, "good2"));
	free(text);
	diag_release(&d);
	kb_free(k);
}
END_TEST

START_TEST(duplicate_id_in_layer)
{
	struct kb	*k = kb_new();
	struct diag	 d;
	char		*text = xasprintf("%s\n%s", good, good);

	diag_init(&d);
	ck_assert_uint_eq(kb_load_text(k, "t.kb", text, strlen(text), &d), 1);
	ck_assert_uint_eq(kb_count(k), 1);
	ck_assert_str_eq(d.msg[0], "t.kb:10: duplicate id 'good' (first at "
	    "t.kb:1)");
	free(text);
	diag_release(&d);
	kb_free(k);
}
END_TEST

START_TEST(user_dir_overrides_and_adds)
{
	struct kb		*k = kb_new();
	struct diag		 d;
	const struct kb_article	*a;
	char			*dir = xasprintf("%s/kb-user", tap_data(""));

	diag_init(&d);
	kb_load_text(k, "builtin.kb", good, strlen(good), &d);
	ck_assert_uint_eq(kb_load_dir(k, dir, 0, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	a = kb_find_id(k, "good");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->title, "Replaced by the user");
	ck_assert_ptr_nonnull(kb_find_id(k, "user-added"));
	free(dir);
	diag_release(&d);
	kb_free(k);
}
END_TEST

START_TEST(precedence_match_status_code)
{
	struct findings		 f;
	struct diagnosis	 dg;
	const char		*t = "421 4.7.0 [TSS04] Messages from 192.0.2.1 "
	    "temporarily deferred due to unexpected volume or user complaints";

	findings_scan(t, strlen(t), &f);
	diagnosis_run(kb, t, strlen(t), &f, &dg);
	ck_assert_uint_eq(dg.narticles, 3);
	ck_assert_int_eq(dg.articles[0]->kind, KB_KIND_MATCH);
	ck_assert_int_eq(dg.articles[1]->kind, KB_KIND_STATUS);
	ck_assert_int_eq(dg.articles[2]->kind, KB_KIND_CODE);
	ck_assert_int_eq(dg.temporary, 1);
}
END_TEST

START_TEST(status_lookup_order)
{
	const struct kb_article	*a = kb_status_article(kb, "4.4.7");

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->status, "X.4.7");
	a = kb_status_article(kb, "4.4.99");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->status, "X.4.X");
	ck_assert_ptr_null(kb_status_article(kb, "nonsense"));
}
END_TEST

/* The literal prefilter never changes which articles match: every
 * example and every receiver reply gives the same candidates with and
 * without it. */
static void
same_with_and_without_prefilter(const char *raw)
{
	const struct kb_article	*a[8], *b[8];
	size_t			 na, nb, len, i;
	struct findings		 f;
	char			*text = findings_unfold(raw, strlen(raw), &len);

	findings_scan(text, len, &f);
	kb_set_prefilter(kb, 1);
	na = kb_match(kb, text, len, f.reply, f.status, a, 8);
	kb_set_prefilter(kb, 0);
	nb = kb_match(kb, text, len, f.reply, f.status, b, 8);
	kb_set_prefilter(kb, 1);
	ck_assert_msg(na == nb, "prefilter changed %zu to %zu candidates: %s",
	    nb, na, text);
	for (i = 0; i < na; i++)
		ck_assert_msg(a[i] == b[i], "prefilter changed the order: %s",
		    text);
	free(text);
}

START_TEST(prefilter_changes_nothing)
{
	size_t	i, j;
	FILE	*fp;
	char	 line[8192], *p;

	for (i = 0; i < kb_count(kb); i++)
		for (j = 0; j < kb_get(kb, i)->example.n; j++)
			same_with_and_without_prefilter(
			    kb_get(kb, i)->example.v[j]);
	fp = fopen(tap_data("replies.tsv"), "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((p = strrchr(line, '\t')) != NULL)
			same_with_and_without_prefilter(p + 1);
	}
	fclose(fp);
}
END_TEST

/* Literal extraction: pattern -> the literals (joined by '|'), or "" when
 * the pattern must always run. */
static const struct {
	const char	*pattern;
	const char	*want;
} lit_rows[] = {
	{ "\\[TSS04\\]", "[tss04]" },
	{ "\\[TSS04\\]|temporarily deferred due to", "[tss04]|temporarily "
	  "deferred due to" },
	{ "user\\s+unknown", "unknown" },
	{ "(?x) mailbox \\s+ full", "mailbox" },
	{ "(?x) mail box", "mailbox" },
	{ "over ?quota", "quota" },
	{ "colou?r scheme", "r scheme" },
	{ "ab+cdef", "cdef" },
	{ "abcd{0,2}e", "abc" },
	{ "(?:foo|bar)baz", "baz" },
	{ "[abc]+quota", "quota" },
	{ "(?i)Quota", "quota" },
	{ "\\bRL0000\\d\\d\\b", "rl0000" },
	{ "abc|x", "" },		/* a short alternative: always run */
	{ "abc|", "" },
	{ "a.c", "" },
	{ "\\x41bcd", "" },
	{ "(?<=after )DATA", "data" },
	{ "foo(?x)bar", "" },
	{ "\\Qa.b\\E", "" },
	{ "[]x]yyy", "yyy" },
	{ "[[:alpha:]]zzz", "zzz" },
	/* groups of alternatives: a literal of each branch */
	{ "\\[(?:AUTHENTICATIONFAILED|EXPIRED)\\].*",
	  "authenticationfailed|expired" },
	{ "(?<=after )(?:initial|EHLO)", "initial|ehlo" },
	{ "\\b(?:CON-T[1-4]|MSG-T1)\\b", "con-t|msg-t1" },
	{ "\\bIB(501|502)\\b", "501|502" },
	{ "(?:abcd|efgh)+xy", "abcd|efgh" },
	{ "(?x) (?: foo \\s+ barr | bazz )", "barr|bazz" },
	{ "(?:foo|bar)bazzz", "bazzz" },	/* the longer run wins */
	{ "(?:abcd|efgh)?xy", "" },		/* may be skipped */
	{ "(?:abcd|efgh){0,2}xy", "" },
	{ "(?:abc|de)x", "" },			/* a short branch */
	{ "(?:abcd|)xy", "" },
	{ "(?:aaa|bbb|ccc|ddd|eee|fff|ggg|hhh|iii)", "" },	/* too many */
	{ "(?:a(?:bcd|efg)h|ijk)", "" },	/* a branch's own set is not */
	{ "(?:abcd|efgh)|ijkl", "abcd|efgh|ijkl" },
	{ "(?:abcd|efgh", "" },			/* unclosed */
	{ "(?=abcd)(?:xy|zw)", "" },		/* lookahead: not a set */
	{ "(((abcd|efgh)))xy", "" },	/* a branch's own groups are not */
};

/* Groups nested a hundred thousand deep are read without recursing as
 * deep (the patterns of a --kb-dir are anybody's). */
START_TEST(literal_deep_groups)
{
	struct kb_literal	 lit;
	size_t			 n = 100000, i;
	char			*p = malloc(2 * n + 16);

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++)
		p[i] = '(';
	strcpy(p + n, "abcd|efgh");
	for (i = 0; i < n; i++)
		strcat(p + n + 9 + i, ")");
	ck_assert_uint_eq(kb_literal_extract(p, &lit), 0);
	free(p);
}
END_TEST

START_TEST(literal_extraction)
{
	struct kb_literal	 lit;
	char			 got[256] = "";
	size_t			 i;

	kb_literal_extract(lit_rows[_i].pattern, &lit);
	for (i = 0; i < lit.n; i++) {
		if (i > 0)
			strcat(got, "|");
		strncat(got, lit.s[i], lit.len[i]);
	}
	ck_assert_str_eq(got, lit_rows[_i].want);
}
END_TEST

static Suite *
kb_suite(void)
{
	Suite	*s = suite_create("kb");
	TCase	*tc;

	tc = tcase_create("builtin");
	tcase_add_checked_fixture(tc, setup_builtin, teardown_builtin);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, builtin_all_valid);
	tcase_add_test(tc, builtin_patterns_compile_and_jit);
	tcase_add_test(tc, replies_get_match_article);
	tcase_add_test(tc, prefilter_changes_nothing);
	tcase_add_test(tc, builtin_examples_win);
	tcase_add_test(tc, every_reply_code_has_article);
	tcase_add_test(tc, every_status_has_article);
	tcase_add_test(tc, precedence_match_status_code);
	tcase_add_test(tc, status_lookup_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("loader");
	tcase_add_loop_test(tc, bad_stanza_reported_and_skipped, 0,
	    sizeof bad_rows / sizeof bad_rows[0]);
	tcase_add_test(tc, duplicate_id_in_layer);
	tcase_add_test(tc, user_dir_overrides_and_adds);
	suite_add_tcase(s, tc);

	tc = tcase_create("literal");
	tcase_add_test(tc, literal_deep_groups);
	tcase_add_loop_test(tc, literal_extraction, 0,
	    sizeof lit_rows / sizeof lit_rows[0]);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tap_run(kb_suite());
}
