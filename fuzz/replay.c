/*
 * replay.c - run a fuzz harness on the inputs that once broke it.
 *
 * Linked with one harness (fuzz/fuzz_NAME.c) and built by make check as
 * fuzz/fuzz_replay_NAME, without libFuzzer: every file under
 * $srcdir/tests/data/fuzz-regress/NAME/ is given to
 * LLVMFuzzerTestOneInput() in a child process, in an allocation of
 * exactly its size (no NUL after it), so a read past the end shows under
 * ASan and valgrind.  A child that crashes, aborts (a broken invariant)
 * or exits non-zero is "not ok".  Prints TAP.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FUZZ_NAME
#error "FUZZ_NAME (the harness) must be defined"
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads path into an allocation of exactly its size; NULL on error. */
static uint8_t *
read_exact(const char *path, size_t *len)
{
	struct stat	 st;
	uint8_t		*p;
	size_t		 got = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	*len = (size_t)st.st_size;
	/* malloc(0) may return NULL: keep one byte, pass length 0 */
	if ((p = malloc(*len ? *len : 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (got < *len) {
		r = read(fd, p + got, *len - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return p;
}

/* Runs the harness on path in a child; returns 0 if it came back. */
static int
replay(const char *path, char *why, size_t whylen)
{
	uint8_t	*data;
	size_t	 len;
	pid_t	 pid;
	int	 st;

	if ((data = read_exact(path, &len)) == NULL) {
		snprintf(why, whylen, "cannot read: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		free(data);
		return -1;
	}
	if (pid == 0) {
		/* stdout carries TAP: keep the harness's words off it */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		exit(0);
	}
	free(data);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(st)) {
		snprintf(why, whylen, "killed by signal %d", WTERMSIG(st));
		return -1;
	}
	if (WEXITSTATUS(st) != 0) {
		snprintf(why, whylen, "exit status %d", WEXITSTATUS(st));
		return -1;
	}
	return 0;
}

int
main(void)
{
	const char	*srcdir = getenv("srcdir");
	char		 dir[4096], path[8192], why[256];
	char		**names = NULL;
	size_t		 n = 0, i, failed = 0;
	struct dirent	*de;
	DIR		*dp;

	snprintf(dir, sizeof dir, "%s/tests/data/fuzz-regress/%s",
	    srcdir != NULL ? srcdir : ".", FUZZ_NAME);
	if ((dp = opendir(dir)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			names = realloc(names, (n + 1) * sizeof *names);
			if (names == NULL || (names[n] = strdup(de->d_name)) ==
			    NULL)
				return 99;
			n++;
		}
		closedir(dp);
	}
	if (n == 0) {
		printf("1..0 # SKIP no inputs in %s\n", dir);
		return 0;
	}
	qsort(names, n, sizeof *names, cmpstr);
	printf("1..%zu\n", n);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (replay(path, why, sizeof why) == 0)
			printf("ok %zu - %s %s\n", i + 1, FUZZ_NAME, names[i]);
		else {
			printf("not ok %zu - %s %s: %s\n", i + 1, FUZZ_NAME,
			    names[i], why);
			failed++;
		}
		free(names[i]);
	}
	free(names);
	return failed > 0;
}
