/*
 * tap.h - run a Check suite with TAP output on stdout, for tap-driver.sh.
 */
#ifndef BOUNCEDOC_TESTS_TAP_H
#define BOUNCEDOC_TESTS_TAP_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* Path of a file under tests/data (static buffer). */
static inline const char *
tap_data(const char *name)
{
	static char	 buf[4096];
	const char	*srcdir = getenv("srcdir");

	snprintf(buf, sizeof buf, "%s/tests/data/%s",
	    srcdir != NULL ? srcdir : ".", name);
	return buf;
}

/* Runs s, prints TAP; returns the exit status for main(). */
static inline int
tap_run(Suite *s)
{
	SRunner	*sr = srunner_create(s);
	int	 nf;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
