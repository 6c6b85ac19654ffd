/*
 * tui_out.c - the clipboard (OSC 52, or a file) and writing to files.
 *
 * The only bytes this file sends to the terminal itself are the OSC 52
 * sequence, whose payload is base64: nothing from the input can end it
 * early or add a sequence of its own.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kb.h"
#include "record.h"
#include "tui_curses.h"
#include "tui_out.h"
#include "tui_panes.h"
#include "tui_prompt.h"
#include "tui_state.h"
#include "tui_summary.h"
#include "view_text.h"
#include "view_tui.h"
#include "xalloc.h"

/* Terminals known to take OSC 52 even where terminfo does not say so. */
static const char *const osc52_terms[] = {
	"xterm", "tmux", "alacritty", "foot", "kitty", "wezterm", "contour",
	"st-", "iterm",
};

int
tui_out_osc52(void)
{
	const char	*e = getenv("BOUNCEDOC_CLIPBOARD");
	const char	*term = getenv("TERM");
	char		*ms;
	size_t		 i;

	if (e != NULL && strcmp(e, "file") == 0)
		return 0;
	if (e != NULL && strcmp(e, "osc52") == 0)
		return 1;
	ms = tigetstr("Ms");
	if (ms != NULL && ms != (char *)-1)
		return 1;
	if (getenv("TMUX") != NULL)
		return 1;
	for (i = 0; term != NULL && i < sizeof osc52_terms /
	    sizeof osc52_terms[0]; i++)
		if (strncmp(term, osc52_terms[i], strlen(osc52_terms[i])) == 0)
			return 1;
	return 0;
}

char *
tui_out_base64(const char *s, size_t n)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = (const unsigned char *)s;
	char			*out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t			 i;
	unsigned		 v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
		*o++ = b64[v & 63];
	}
	if (i < n) {
		v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static void
write_string(FILE *fp, const void *arg)
{
	fputs(arg, fp);
	fputc('\n', fp);
}

/* Writes the text to a new file in $TMPDIR; returns its name or NULL. */
static char *
copy_to_file(const char *text, char **err)
{
	const char	*dir = getenv("TMPDIR");
	char		*path;
	int		 fd;
	FILE		*fp;

	if (dir == NULL || *dir != '/')
		dir = "/tmp";
	path = xasprintf("%s/bouncedoc-customer-XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		*err = xasprintf("cannot create '%s': %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		free(path);
		return NULL;
	}
	write_string(fp, text);
	if (fclose(fp) != 0) {
		*err = xasprintf("cannot write '%s': %s", path,
		    strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

void
tui_out_copy(struct tui_state *st)
{
	const struct kb_article	*a = tui_panes_article(st);
	char			*b64, *path, *err = NULL;

	if (st->screen != TUI_SCREEN_MAIN || a == NULL) {
		view_tui_message(st, 1, "no customer text to copy here");
		return;
	}
	if (tui_out_osc52()) {
		b64 = tui_out_base64(a->customer, strlen(a->customer));
		fprintf(st->tty, "\033]52;c;%s\a", b64);
		fflush(st->tty);
		free(b64);
		view_tui_message(st, 0, "customer text of '%s' copied to the "
		    "clipboard (OSC 52)", a->id);
		return;
	}
	if ((path = copy_to_file(a->customer, &err)) == NULL) {
		view_tui_message(st, 1, "%s", err);
		free(err);
		return;
	}
	view_tui_message(st, 0, "no clipboard on this terminal: customer text "
	    "written to %s", path);
	free(path);
}

int
tui_out_file(const char *path, void (*fn)(FILE *, const void *),
    const void *arg, char **err)
{
	const char	*slash = strrchr(path, '/');
	char		*tmp;
	mode_t		 mask;
	FILE		*fp = NULL;
	int		 fd;

	if (slash == NULL)
		tmp = xstrdup(".bouncedoc-XXXXXX");
	else
		tmp = xasprintf("%.*s/.bouncedoc-XXXXXX",
		    (int)(slash - path), path);
	if ((fd = mkstemp(tmp)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		*err = xasprintf("cannot write to '%s': %s", path,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	fn(fp, arg);
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0 ||
	    rename(tmp, path) != 0) {
		*err = xasprintf("cannot write '%s': %s", path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static void
write_record(FILE *fp, const void *arg)
{
	struct view_text_opts	vo;

	memset(&vo, 0, sizeof vo);
	vo.width = 78;
	vo.verbose = 1;
	view_text_record(fp, arg, &vo);
}

static void
write_summary(FILE *fp, const void *arg)
{
	tui_summary_write(arg, fp);
}

void
tui_out_write(struct tui_state *st)
{
	struct stat	 sb;
	char		*path = NULL, *err = NULL, *q;
	int		 sum = st->screen == TUI_SCREEN_SUMMARY, rc;
	const void	*arg = st;

	if (!sum) {
		if ((arg = tui_model_record(&st->model, st->sel)) == NULL) {
			view_tui_message(st, 1, "no failure to write");
			return;
		}
	}
	rc = tui_prompt_line(st, sum ? "write the summary to: " :
	    "write this failure to: ", sum ? "bouncedoc-summary.txt" :
	    "bouncedoc-failure.txt", &path);
	if (rc != 1 || *path == '\0') {
		view_tui_message(st, 0, "nothing written");
		free(path);
		return;
	}
	if (stat(path, &sb) == 0) {
		q = xasprintf("'%s' exists; replace it? (y/n) ", path);
		rc = tui_prompt_yesno(st, q);
		free(q);
		if (rc != 1) {
			view_tui_message(st, 0, "nothing written");
			free(path);
			return;
		}
	}
	if (tui_out_file(path, sum ? write_summary : write_record, arg,
	    &err) == -1) {
		view_tui_message(st, 1, "%s", err);
		free(err);
	} else
		view_tui_message(st, 0, "wrote %s to %s", sum ? "the summary" :
		    "the failure", path);
	free(path);
}
