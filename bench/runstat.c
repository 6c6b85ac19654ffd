/*
 * runstat.c - run a command and say what it cost: wall time, user and
 * system time, peak resident set size (file pages it mapped included, as
 * the kernel counts them) and exit status, on one line for bench scripts:
 *
 *	runstat [-o OUTFILE] COMMAND [ARG...]
 *	-> "wall=0.412 user=0.380 sys=0.060 maxrss_kb=9712 status=3"
 *
 * Standard output of the command goes to OUTFILE (default /dev/null), so
 * writing its results to a terminal costs the command nothing; the line
 * goes to standard output once the command has ended.  (Give grep a real
 * file: GNU grep stops at its first match when writing to /dev/null.)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	const char	*out = "/dev/null";
	struct rusage	 ru;
	double		 t0;
	pid_t		 pid;
	int		 st, fd;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fputs("usage: runstat [-o OUTFILE] COMMAND [ARG...]\n", stderr);
		return 2;
	}
	t0 = now();
	if ((pid = fork()) == -1) {
		perror("runstat: fork");
		return 2;
	}
	if (pid == 0) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
		    dup2(fd, STDOUT_FILENO) == -1) {
			perror("runstat: output");
			_exit(127);
		}
		execvp(argv[1], argv + 1);
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) == -1)
		if (errno != EINTR) {
			perror("runstat: wait");
			return 2;
		}
	printf("wall=%.3f user=%.3f sys=%.3f maxrss_kb=%ld status=%d\n",
	    now() - t0, secs(ru.ru_utime), secs(ru.ru_stime), ru.ru_maxrss,
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
