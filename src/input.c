/*
 * input.c - from paths to records: walk directories, sniff each file's
 * kind, and hand its bytes to the reader for that kind.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "findings.h"
#include "input.h"
#include "kb.h"
#include "record.h"
#include "source.h"
#include "xalloc.h"

enum input_kind
input_sniff(const char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return INPUT_TEXT;
}

void
input_read_text(const char *name, const char *buf, size_t len,
    struct recset *rs, const struct kb *kb)
{
	const char	*p = buf, *end = buf + len, *nl;
	unsigned long	 line = 0;
	struct findings	 f;
	struct record	*r;
	size_t		 n;

	name = recset_intern(rs, name);
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (findings_scan(p, n, &f) > 0 && f.reply != 0) {
			r = recset_add(rs);
			r->source = name;
			r->line = line;
			r->offset = (off_t)(p - buf);
			r->length = n;
			r->diagnostic = findings_unfold(p, n, NULL);
			r->action = xstrdup(f.reply >= 500 ? "failed" :
			    f.reply >= 400 ? "delayed" : "delivered");
			record_diagnose(r, kb);
		}
		if (nl == end)
			break;
	}
}

void
input_load_buffer(const char *name, const char *buf, size_t len,
    struct recset *rs, const struct kb *kb, struct diag *d)
{
	(void)d;
	switch (input_sniff(buf, len)) {
	default:
		input_read_text(name, buf, len, rs, kb);
		break;
	}
}

static int
load_file(const char *path, struct recset *rs, const struct kb *kb,
    struct diag *d)
{
	char	*buf;
	size_t	 len;

	if (source_slurp(path, SOURCE_SLURP_MAX, &buf, &len, d) == -1)
		return -1;
	input_load_buffer(strcmp(path, "-") == 0 ? "(stdin)" : path, buf, len,
	    rs, kb, d);
	free(buf);
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_dir(const char *path, struct recset *rs, const struct kb *kb,
    struct diag *d, int depth)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 st;
	char		**names = NULL, *sub;
	size_t		 n = 0, i;

	if (depth > 8)
		return 0;
	if ((dp = opendir(path)) == NULL) {
		diag_at(d, path, 0, "cannot open directory: %s",
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof *names, cmpstr);
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s/%s", path, names[i]);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			load_dir(sub, rs, kb, d, depth + 1);
		else if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			load_file(sub, rs, kb, d);
		free(sub);
		free(names[i]);
	}
	free(names);
	return 0;
}

int
input_load(const char *path, struct recset *rs, const struct kb *kb,
    struct diag *d)
{
	struct stat	st;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return load_dir(path, rs, kb, d, 0);
	return load_file(path, rs, kb, d);
}
