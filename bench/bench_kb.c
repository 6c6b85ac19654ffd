/*
 * bench_kb.c - how long one diagnosis takes with the built-in knowledge
 * base: finds the codes and picks the articles for every reply of
 * tests/data/replies.tsv, many times over, and prints microseconds per
 * diagnosis (median of rounds).  Not a test: it never fails on time.
 *
 * Usage: bench/bench_kb [REPLIES.TSV] [ROUNDS]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "diagnosis.h"
#include "findings.h"
#include "kb.h"
#include "xalloc.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmpd(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const char		*path = argc > 1 ? argv[1] : "tests/data/replies.tsv";
	int			 rounds = argc > 2 ? atoi(argv[2]) : 9, r;
	FILE			*fp = fopen(path, "r");
	char			 line[8192], *p, **texts = NULL;
	size_t			 n = 0, i, mcount = 0;
	struct kb		*kb = kb_new();
	struct diag		 d;
	struct findings		 f;
	struct diagnosis	 dg;
	double			 t0, *us;

	if (fp == NULL) {
		perror(path);
		return 2;
	}
	diag_init(&d);
	t0 = now();
	kb_load_builtin(kb, &d);
	printf("knowledge base: %zu articles loaded and compiled in %.1f ms\n",
	    kb_count(kb), (now() - t0) * 1e3);
	for (i = 0; i < kb_count(kb); i++)
		mcount += kb_get(kb, i)->kind == KB_KIND_MATCH;
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((p = strrchr(line, '\t')) == NULL)
			continue;
		texts = xreallocarray(texts, n + 1, sizeof *texts);
		texts[n++] = findings_unfold(p + 1, strlen(p + 1), NULL);
	}
	fclose(fp);
	if (rounds < 1)
		rounds = 1;
	us = xcalloc((size_t)rounds, sizeof *us);
	for (r = 0; r < rounds; r++) {
		t0 = now();
		for (i = 0; i < n; i++) {
			findings_scan(texts[i], strlen(texts[i]), &f);
			diagnosis_run(kb, texts[i], strlen(texts[i]), &f, &dg);
		}
		us[r] = (now() - t0) * 1e6 / (double)(n ? n : 1);
	}
	qsort(us, (size_t)rounds, sizeof *us, cmpd);
	printf("%zu replies x %d rounds, %zu match patterns: %.1f us per "
	    "diagnosis (median; min %.1f, max %.1f)\n", n, rounds, mcount,
	    us[rounds / 2], us[0], us[rounds - 1]);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(us);
	kb_free(kb);
	diag_release(&d);
	return 0;
}
