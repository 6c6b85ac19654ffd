/*
 * main.c - options, wiring of the stages, exit status.
 *
 *	source -> records -> findings -> diagnosis -> view
 *
 * Only this file decides what is printed to stderr and how the program
 * exits.  Exit status (bouncedoc(1), EXIT STATUS):
 *	0  --explain: something recognised; files: no failure found
 *	1  --explain: nothing recognised; files: only temporary failures
 *	2  usage error, or an input or knowledge-base file that could not
 *	   be read or has errors
 *	3  files: at least one permanent failure
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "diagnosis.h"
#include "esc.h"
#include "findings.h"
#include "group.h"
#include "input.h"
#include "kb.h"
#include "kb_builtin.h"
#include "record.h"
#include "summary.h"
#include "view_json.h"
#include "view_report.h"
#include "view_text.h"
#include "view_tui.h"
#include "xalloc.h"

enum mode { MODE_FILES, MODE_EXPLAIN, MODE_CHECK_KB, MODE_LIST_KB };
enum color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
/* How records are shown; VIEW_AUTO is decided by pick_view(). */
enum view { VIEW_AUTO = 0, VIEW_REPORT, VIEW_SUMMARY, VIEW_TUI };

struct opts {
	enum mode	 mode;
	enum view	 view;
	int		 json;
	int		 verbose;
	int		 all;		/* --all: non-failures too */
	int		 user_kb;
	enum color	 color;
	const char	**kb_dirs;
	size_t		 nkb_dirs;
};

enum {
	OPT_CHECK_KB = 256, OPT_LIST_KB, OPT_KB_DIR, OPT_COLOR, OPT_NO_USER_KB,
	OPT_TUI,
};

static const struct option longopts[] = {
	{ "explain",	no_argument,		NULL, 'e' },
	{ "json",	no_argument,		NULL, 'j' },
	{ "report",	no_argument,		NULL, 'r' },
	{ "summary",	no_argument,		NULL, 's' },
	{ "tui",	no_argument,		NULL, OPT_TUI },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "all",	no_argument,		NULL, 'a' },
	{ "check-kb",	no_argument,		NULL, OPT_CHECK_KB },
	{ "list-kb",	no_argument,		NULL, OPT_LIST_KB },
	{ "kb-dir",	required_argument,	NULL, OPT_KB_DIR },
	{ "no-user-kb",	no_argument,		NULL, OPT_NO_USER_KB },
	{ "color",	required_argument,	NULL, OPT_COLOR },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 },
};

static const char usage_text[] =
"usage: bouncedoc [OPTIONS] [FILE|DIR|-]...\n"
"       bouncedoc --explain TEXT|CODE...\n"
"       bouncedoc --check-kb [FILE...]\n"
"       bouncedoc --list-kb [--json]\n"
"\n"
"Tell why a mail bounced and what to do about it.  Reads bounce messages\n"
"or mail logs (plain or .gz, '-' for stdin), finds the SMTP reply code and\n"
"enhanced status code of each failure and shows the knowledge-base article.\n"
"\n"
"  -e, --explain        explain the text or code(s) given as arguments\n"
"  -r, --report         plain-text report: failures grouped by reason, code\n"
"                       and domain (the default when output is not a terminal)\n"
"  -s, --summary        the grouped counts only, one line per group\n"
"      --tui            the interactive screen (the default when output is\n"
"                       a terminal); keys: see bouncedoc(1), KEYS\n"
"  -j, --json           write JSON Lines instead of text (with --summary: the\n"
"                       groups)\n"
"  -v, --verbose        show every article in full; in the report, every\n"
"                       failure; in the summary, every domain\n"
"  -a, --all            with --json, also the records that are not failures\n"
"                       (success notices, auto-replies, feedback reports)\n"
"      --check-kb       validate knowledge-base files (default: built-in)\n"
"      --list-kb        list the articles of the knowledge base\n"
"      --kb-dir DIR     also load articles from DIR (may be repeated)\n"
"      --no-user-kb     do not load ~/.config/bouncedoc/help\n"
"      --color WHEN     colour: auto, always or never (default auto)\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 recognised / no failure, 1 nothing recognised / only\n"
"temporary failures, 2 usage or input error, 3 a permanent failure.\n"
"See bouncedoc(1) and bouncedoc-kb(5).\n";

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024], *safe;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* it may quote an argument: made safe like every message */
	safe = esc_text(buf, strlen(buf), 0);
	fprintf(stderr, "bouncedoc: %s\nTry 'bouncedoc --help' for more "
	    "information.\n", safe);
	free(safe);
	exit(2);
}

/* "bouncedoc 0.1.0 (412 built-in articles)" */
static void
print_version(void)
{
	struct kb	*kb = kb_new();
	struct diag	 d;

	diag_init(&d);
	kb_load_builtin(kb, &d);
	printf("bouncedoc %s (%zu built-in articles)\n", PACKAGE_VERSION,
	    kb_count(kb));
	kb_free(kb);
	diag_release(&d);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int	c;

	memset(o, 0, sizeof *o);
	o->user_kb = 1;
	/* our own messages: getopt's would quote arguments unescaped */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":aejrsvhV", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'e':
			o->mode = MODE_EXPLAIN;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'r':
			o->view = VIEW_REPORT;
			break;
		case 's':
			o->view = VIEW_SUMMARY;
			break;
		case OPT_TUI:
			o->view = VIEW_TUI;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'a':
			o->all = 1;
			break;
		case OPT_CHECK_KB:
			o->mode = MODE_CHECK_KB;
			break;
		case OPT_LIST_KB:
			o->mode = MODE_LIST_KB;
			break;
		case OPT_KB_DIR:
			o->kb_dirs = xreallocarray(o->kb_dirs, o->nkb_dirs + 1,
			    sizeof *o->kb_dirs);
			o->kb_dirs[o->nkb_dirs++] = optarg;
			break;
		case OPT_NO_USER_KB:
			o->user_kb = 0;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				o->color = COLOR_AUTO;
			else if (strcmp(optarg, "always") == 0)
				o->color = COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				o->color = COLOR_NEVER;
			else
				usage_error("--color: '%s' is not auto, always "
				    "or never", optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			print_version();
			exit(0);
		case ':':
			usage_error("option '%s' needs an argument",
			    argv[optind - 1]);
		default:
			if (optopt > 0 && optopt < 256)
				usage_error("unknown option -- '%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->json && o->view == VIEW_REPORT)
		usage_error("--report and --json cannot be used together");
	/* the screen would ignore --json on a terminal, and obey it without
	 * one: neither is what was asked */
	if (o->json && o->view == VIEW_TUI)
		usage_error("--tui and --json cannot be used together");
}

/* Loads the built-in articles, then the user's, then --kb-dir. */
static struct kb *
load_kb(const struct opts *o, struct diag *d, size_t *bad)
{
	struct kb	*kb = kb_new();
	const char	*xdg, *home;
	char		*dir = NULL;
	size_t		 i;

	*bad = kb_load_builtin(kb, d);
	if (o->user_kb) {
		if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && *xdg == '/')
			dir = xasprintf("%s/bouncedoc/help", xdg);
		else if ((home = getenv("HOME")) != NULL && *home != '\0')
			dir = xasprintf("%s/.config/bouncedoc/help", home);
		if (dir != NULL)
			kb_load_dir(kb, dir, 1, d);
		free(dir);
	}
	for (i = 0; i < o->nkb_dirs; i++)
		*bad += kb_load_dir(kb, o->kb_dirs[i], 0, d);
	return kb;
}

static void
text_opts(const struct opts *o, struct view_text_opts *vo)
{
	const char	*nc = getenv("NO_COLOR");

	memset(vo, 0, sizeof *vo);
	vo->width = view_report_width(STDOUT_FILENO);
	vo->verbose = o->verbose;
	if (o->color == COLOR_ALWAYS)
		vo->color = 1;
	else if (o->color == COLOR_AUTO)
		vo->color = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
}

static int
run_explain(const struct opts *o, const struct kb *kb, int argc,
    char **argv)
{
	struct findings		 f;
	struct diagnosis	 d;
	struct view_text_opts	 vo;
	char			*text, *joined = NULL, *t;
	size_t			 len, n;
	int			 i;

	if (argc == 0)
		usage_error("--explain needs a text or a code");
	for (i = 0; i < argc; i++) {
		t = joined ? xasprintf("%s %s", joined, argv[i]) :
		    xstrdup(argv[i]);
		free(joined);
		joined = t;
	}
	/* A bare code ("421", "5.7.26") is a reply by itself. */
	text = findings_unfold(joined, strlen(joined), &len);
	free(joined);
	n = findings_scan(text, len, &f);
	diagnosis_run(kb, text, len, &f, &d);
	if (o->json)
		view_json_explain(stdout, text, len, &f, &d);
	else {
		text_opts(o, &vo);
		view_text_explain(stdout, text, len, &f, &d, &vo);
	}
	free(text);
	return n > 0 || d.narticles > 0 ? 0 : 1;
}

static int
run_check_kb(int argc, char **argv, struct diag *d)
{
	struct kb	*kb = kb_new();
	size_t		 bad = 0, r;
	int		 k;

	if (argc == 0) {
		bad = kb_load_builtin(kb, d);
		printf("built-in knowledge base: %zu articles, %zu bad "
		    "stanzas\n", kb_count(kb), bad);
	} else
		for (k = 0; k < argc; k++) {
			r = kb_load_file(kb, argv[k], d);
			bad += r == (size_t)-1 ? 1 : r;
		}
	diag_flush(d);
	if (argc > 0)
		printf("%zu articles, %zu bad stanzas\n", kb_count(kb), bad);
	kb_free(kb);
	return bad > 0 ? 2 : 0;
}

static int
run_list_kb(const struct opts *o, const struct kb *kb)
{
	const struct kb_article	*a;
	size_t			 i, k;
	char			*t, *p;

	for (i = 0; i < kb_count(kb); i++) {
		a = kb_get(kb, i);
		if (o->json) {
			view_json_article(stdout, a);
			continue;
		}
		t = esc_text(a->title, strlen(a->title), 0);
		p = a->provider ? esc_text(a->provider, strlen(a->provider),
		    0) : xstrdup("-");
		/* 22 bytes at most, not cutting a UTF-8 sequence */
		for (k = strlen(p) > 22 ? 22 : strlen(p);
		    k > 0 && (p[k] & 0xc0) == 0x80; k--)
			;
		p[k] = '\0';
		printf("%-32s %-6s %-7s %-11s %-22s %s\n", a->id,
		    kb_kind_name(a->kind), a->code ? a->code : "-",
		    a->status ? a->status : "-", p, t);
		free(p);
		free(t);
	}
	return 0;
}

/* The view for records: the one asked for, else the TUI on a terminal,
 * else the report. */
static enum view
pick_view(const struct opts *o)
{
	if (o->view != VIEW_AUTO)
		return o->view;
	return !o->json && isatty(STDOUT_FILENO) ? VIEW_TUI : VIEW_REPORT;
}

/* The exit status of a run (EXIT STATUS in bouncedoc(1)): 2 if an input
 * could not be read, else 3 if a failure is permanent, 1 if all are
 * temporary, 0 if there is none. */
static int
exit_status(int failed, size_t permanent, size_t temporary)
{
	return failed ? 2 : permanent > 0 ? 3 : temporary > 0 ? 1 : 0;
}

/*
 * The interactive view.  Returns the exit status, or -1 when there is no
 * usable terminal (the caller shows the report instead).  Ends the
 * program itself when the user ended it with a signal, or when the
 * reader thread could not be stopped (it still uses kb).
 */
static int
run_tui(const struct opts *o, const struct kb *kb, int argc, char **argv,
    struct diag *d)
{
	struct view_tui_result	res;
	int			rc;

	view_tui_run(kb, argv, (size_t)argc, o->color == COLOR_ALWAYS ?
	    VIEW_TUI_COLOR_ALWAYS : o->color == COLOR_NEVER ?
	    VIEW_TUI_COLOR_NEVER : VIEW_TUI_COLOR_AUTO, d, &res);
	diag_flush(d);
	if (res.error)
		return -1;
	rc = exit_status(res.failed, res.permanent, res.temporary);
	if (res.signal != 0) {
		signal(res.signal, SIG_DFL);
		raise(res.signal);
	}
	if (res.abandoned) {
		fflush(NULL);
		_exit(rc);
	}
	return rc;
}

static void
show_records(const struct opts *o, const struct recset *rs,
    const struct group_tree *t)
{
	struct view_text_opts	vo;

	text_opts(o, &vo);
	/* (JSON records are written as they are read: stream_record()) */
	if (o->json)
		view_json_summary(stdout, rs, t);
	else if (pick_view(o) == VIEW_SUMMARY)
		view_report_summary(stdout, rs, t, &vo);
	else
		view_report(stdout, rs, t, &vo);
}

/* The JSON records, the summary and the report's groups are made as the
 * records are read (input_each()): a log of any size is shown in bounded
 * memory.  Only the report with every failure (-v) keeps them all. */
struct stream {
	const struct opts	*o;
	struct summary		*sum;		/* groups, else NULL */
	size_t			 temporary, permanent;
};

static void
stream_record(struct record *r, void *arg)
{
	struct stream	*st = arg;

	if (group_is_failure(r)) {
		if (r->diagnosis.temporary)
			st->temporary++;
		else
			st->permanent++;
	}
	if (st->sum != NULL)
		summary_add(st->sum, r);
	else if (st->o->all || group_is_failure(r))
		view_json_record(stdout, r);
}

static int
run_stream(const struct opts *o, const struct kb *kb, int argc, char **argv,
    struct diag *d)
{
	struct stream		 st = { o, NULL, 0, 0 };
	struct maillog_sink	 sink = { stream_record, &st, 0 };
	struct recset		 rs;
	struct group_tree	 t;
	int			 i, failed = 0;

	/* the groups and the few records the summary and the report keep
	 * are shown without sender or message-id: those need not be read */
	if (!o->json || pick_view(o) == VIEW_SUMMARY)
		st.sum = summary_new();
	sink.lean = st.sum != NULL;
	for (i = 0; i < argc; i++) {
		if (input_each(argv[i], kb, &sink, d) == -1)
			failed = 1;
		diag_flush(d);
	}
	if (st.sum != NULL) {
		recset_init(&rs);
		summary_finish(st.sum, &rs, &t);
		show_records(o, &rs, &t);
		group_release(&t);
		recset_release(&rs);
		summary_free(st.sum);
	}
	return exit_status(failed, st.permanent, st.temporary);
}

/*
 * Reads the inputs, shows the failures and returns the exit status, the
 * same whatever the view: 2 if an input could not be read, else 3 if a
 * failure is permanent, 1 if all are temporary, 0 if there is none.
 */
static int
run_files(const struct opts *o, const struct kb *kb, int argc, char **argv,
    struct diag *d)
{
	struct recset		 rs;
	struct group_tree	 t;
	char			*stdin_only[] = { (char *)"-" };
	int			 i, failed = 0, rc;

	if (pick_view(o) == VIEW_TUI &&
	    (rc = run_tui(o, kb, argc, argv, d)) != -1)
		return rc;
	if (argc == 0) {
		if (isatty(STDIN_FILENO))
			fputs("bouncedoc: paste a bounce, then press Ctrl-D\n",
			    stderr);
		argc = 1;
		argv = stdin_only;
	}
	if (o->json || pick_view(o) == VIEW_SUMMARY || !o->verbose)
		return run_stream(o, kb, argc, argv, d);
	recset_init(&rs);
	for (i = 0; i < argc; i++) {
		if (input_load(argv[i], &rs, kb, d) == -1)
			failed = 1;
		diag_flush(d);
	}
	group_build(&t, &rs);
	show_records(o, &rs, &t);
	rc = exit_status(failed, t.root.permanent, t.root.temporary);
	group_release(&t);
	recset_release(&rs);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	struct diag	 d;
	struct kb	*kb = NULL;
	size_t		 bad;
	int		 rc;

	parse_opts(argc, argv, &o);
	argc -= optind;
	argv += optind;
	diag_init(&d);
	if (o.mode == MODE_CHECK_KB) {
		rc = run_check_kb(argc, argv, &d);
		diag_release(&d);
		free(o.kb_dirs);
		return rc;
	}
	kb = load_kb(&o, &d, &bad);
	diag_flush(&d);
	switch (o.mode) {
	case MODE_EXPLAIN:
		rc = run_explain(&o, kb, argc, argv);
		break;
	case MODE_LIST_KB:
		rc = run_list_kb(&o, kb);
		break;
	default:
		rc = run_files(&o, kb, argc, argv, &d);
		break;
	}
	/* A --kb-dir with bad stanzas: the rest was used, but say so. */
	if (bad > 0)
		rc = 2;
	diag_flush(&d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("bouncedoc: write error on standard output\n", stderr);
		rc = 2;
	}
	kb_free(kb);
	diag_release(&d);
	free(o.kb_dirs);
	return rc;
}
