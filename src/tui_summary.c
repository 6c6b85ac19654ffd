/*
 * tui_summary.c - the grouped summary: reason > codes (reply code and
 * enhanced status, as the report and --summary group them) > domain.
 *
 * Input: the model's filtered records.  Output: one screen of counts,
 * recomputed when records arrive while it is shown, and a text form for
 * w.  Drilling down to a domain sets the filter and opens the list.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_curses.h"
#include "tui_doc.h"
#include "tui_draw.h"
#include "tui_model.h"
#include "tui_state.h"
#include "tui_summary.h"
#include "view_tui.h"
#include "xalloc.h"

#define BAR_WIDTH	20

static const char *const level_names[3] = {
	"reason", "codes", "recipient domain",
};

static void
compute(struct tui_state *st)
{
	const char	*path[2] = { st->sum_path[0], st->sum_path[1] };

	tui_model_summary(&st->model, st->sum_level, path, &st->sum);
	st->sum_seen = st->model.seen;
	if (st->sum_sel[st->sum_level] >= st->sum.n)
		st->sum_sel[st->sum_level] = st->sum.n ? st->sum.n - 1 : 0;
}

void
tui_summary_open(struct tui_state *st)
{
	st->screen = TUI_SCREEN_SUMMARY;
	st->sum_level = 0;
	st->sum_top = 0;
	memset(st->sum_sel, 0, sizeof st->sum_sel);
	compute(st);
}

void
tui_summary_return(struct tui_state *st)
{
	char	*back = st->drill_back;

	st->drill_back = NULL;
	st->drilled = 0;
	view_tui_filter(st, back ? back : "");
	free(back);
	st->screen = TUI_SCREEN_SUMMARY;
	st->sum_level = 2;
	compute(st);
}

void
tui_summary_release(struct tui_state *st)
{
	tui_sum_release(&st->sum);
	free(st->sum_path[0]);
	free(st->sum_path[1]);
	st->sum_path[0] = st->sum_path[1] = NULL;
	free(st->drill_back);
	st->drill_back = NULL;
}

static void
draw_title(struct tui_state *st, int y)
{
	char	*t, *u;
	int	 l;

	t = xasprintf(" Summary of %zu failure%s by %s", st->sum.total,
	    st->sum.total == 1 ? "" : "s", level_names[st->sum_level]);
	for (l = 0; l < st->sum_level; l++) {
		u = xasprintf("%s%s%s", t, l == 0 ? " - reason " : ", codes ",
		    st->sum_path[l]);
		free(t);
		t = u;
	}
	if (st->model.filter.text != NULL) {
		u = xasprintf("%s (filter: %s)", t, st->model.filter.text);
		free(t);
		t = u;
	}
	tui_draw_fill(y, 0, COLS, TUI_ROLE_FOCUS);
	tui_draw_raw(y, 0, COLS, t, TUI_ROLE_FOCUS, 0);
	free(t);
}

static void
draw_row(struct tui_state *st, size_t i, int y, int lw)
{
	const struct tui_sum_row	*s = &st->sum.v[i];
	int				 sel = i == st->sum_sel[st->sum_level];
	enum tui_role			 base = sel ? TUI_ROLE_SELECTED :
					    TUI_ROLE_NORMAL;
	char				 num[96], bar[BAR_WIDTH + 1];
	size_t				 b;
	int				 x;

	tui_draw_fill(y, 0, COLS, base);
	snprintf(num, sizeof num, "%c%7zu %7zu %7zu %5.1f%% ", sel ? '>' : ' ',
	    s->count, s->temporary, s->count - s->temporary,
	    st->sum.total ? 100.0 * (double)s->count / (double)st->sum.total :
	    0.0);
	tui_draw_text(y, 0, COLS, num, strlen(num), base, 0);
	b = st->sum.total ? (s->count * BAR_WIDTH + st->sum.total - 1) /
	    st->sum.total : 0;
	memset(bar, '#', b);
	bar[b] = '\0';
	if ((int)strlen(num) + BAR_WIDTH + 2 < COLS)
		tui_draw_text(y, (int)strlen(num), BAR_WIDTH, bar, b,
		    sel ? base : TUI_ROLE_DIM, 0);
	x = (int)strlen(num) + BAR_WIDTH + 1;
	tui_draw_raw(y, x, COLS - x < lw ? COLS - x : lw, s->label,
	    sel ? base : st->sum_level == 1 ? TUI_ROLE_REPLY :
	    TUI_ROLE_NORMAL, 0);
	/* what the group is about: its first article (or its provider) */
	x += lw + 2;
	if (s->article != NULL && x + 4 < COLS)
		tui_draw_raw(y, x, COLS - x, st->sum_level == 2 &&
		    s->article->provider ? s->article->provider :
		    s->article->title, sel ? base : TUI_ROLE_DIM, 0);
}

/* The width of the label column: the widest label, within limits. */
static int
label_width(const struct tui_sum *sum)
{
	size_t	i;
	int	w, max = 10;
	char	*safe;

	for (i = 0; i < sum->n; i++) {
		safe = tui_doc_safe(sum->v[i].label, strlen(sum->v[i].label));
		w = tui_doc_width(safe, strlen(safe));
		free(safe);
		if (w > max)
			max = w;
	}
	return max > COLS / 3 ? COLS / 3 : max;
}

void
tui_summary_draw(struct tui_state *st)
{
	char	head[160];
	int	y, h, lw;
	size_t	i, *sel = &st->sum_sel[st->sum_level];

	if (st->sum_seen != st->model.seen)
		compute(st);
	lw = label_width(&st->sum);
	st->sum_rect.y = 2;
	st->sum_rect.x = 0;
	st->sum_rect.w = COLS;
	st->sum_rect.h = h = LINES - 3;
	if (*sel < st->sum_top)
		st->sum_top = *sel;
	else if (h > 0 && *sel >= st->sum_top + (size_t)h)
		st->sum_top = *sel - (size_t)h + 1;
	draw_title(st, 0);
	snprintf(head, sizeof head, " %7s %7s %7s %6s  %-*s %s", "COUNT",
	    "TEMP", "PERM", "SHARE", BAR_WIDTH - 1, "", level_names[
	    st->sum_level]);
	tui_draw_fill(1, 0, COLS, TUI_ROLE_HEADER);
	tui_draw_text(1, 0, COLS, head, strlen(head), TUI_ROLE_HEADER, 0);
	for (y = 0; y < h; y++) {
		i = st->sum_top + (size_t)y;
		if (i < st->sum.n)
			draw_row(st, i, 2 + y, lw);
		else
			tui_draw_fill(2 + y, 0, COLS, TUI_ROLE_NORMAL);
	}
	if (st->sum.n == 0 && h > 0)
		tui_draw_raw(2, 2, COLS - 2, st->load ? "reading..." :
		    "no failures to count", TUI_ROLE_DIM, 0);
}

/* The filter words that select the records of a codes label: "550
 * 5.1.1", "550", "5.1.1" or "(none)". */
static char *
codes_filter(const char *label)
{
	const char	*sp;

	if (strcmp(label, "(none)") == 0)
		return xstrdup("code:none status:none");
	if ((sp = strchr(label, ' ')) != NULL)
		return xasprintf("code:%.*s status:%s", (int)(sp - label),
		    label, sp + 1);
	if (strchr(label, '.') != NULL)	/* a status; a reply has no dot */
		return xasprintf("code:none status:%s", label);
	return xasprintf("code:%s status:none", label);
}

/* Enter: the next level, or the list filtered to this group. */
static void
drill(struct tui_state *st)
{
	const char	*label;
	char		*f, *codes;

	if (st->sum.n == 0)
		return;
	label = st->sum.v[st->sum_sel[st->sum_level]].label;
	if (st->sum_level < 2) {
		free(st->sum_path[st->sum_level]);
		st->sum_path[st->sum_level] = xstrdup(label);
		st->sum_level++;
		st->sum_sel[st->sum_level] = 0;
		st->sum_top = 0;
		compute(st);
		return;
	}
	free(st->drill_back);
	st->drill_back = xstrdup(st->model.filter.text ?
	    st->model.filter.text : "");
	codes = codes_filter(st->sum_path[1]);
	/* domain:= the group's domain alone, not its subdomains */
	f = xasprintf("%s%sreason:%s %s domain:=%s", st->drill_back,
	    *st->drill_back ? " " : "", st->sum_path[0], codes,
	    strcmp(label, "(none)") == 0 ? "none" : label);
	free(codes);
	if (view_tui_filter(st, f) == 0) {
		st->drilled = 1;
		st->screen = TUI_SCREEN_MAIN;
		st->focus = TUI_PANE_LIST;
		st->zoom = 0;
	}
	free(f);
}

static void
up(struct tui_state *st)
{
	if (st->sum_level == 0) {
		st->screen = TUI_SCREEN_MAIN;
		return;
	}
	st->sum_level--;
	st->sum_top = 0;
	compute(st);
}

int
tui_summary_action(struct tui_state *st, enum tui_action a)
{
	size_t	*sel = &st->sum_sel[st->sum_level];
	size_t	 page = LINES > 5 ? (size_t)LINES - 4 : 1;

	switch (a) {
	case TUI_ACT_UP:
		*sel = *sel > 0 ? *sel - 1 : 0;
		break;
	case TUI_ACT_DOWN:
		*sel = *sel + 1 < st->sum.n ? *sel + 1 : *sel;
		break;
	case TUI_ACT_PAGE_UP:
		*sel = *sel > page ? *sel - page : 0;
		break;
	case TUI_ACT_PAGE_DOWN:
		*sel = *sel + page < st->sum.n ? *sel + page :
		    st->sum.n ? st->sum.n - 1 : 0;
		break;
	case TUI_ACT_TOP:
		*sel = 0;
		break;
	case TUI_ACT_BOTTOM:
		*sel = st->sum.n ? st->sum.n - 1 : 0;
		break;
	case TUI_ACT_ENTER:
		drill(st);
		break;
	case TUI_ACT_BACK:
	case TUI_ACT_QUIT:
	case TUI_ACT_ESCAPE:
		up(st);
		break;
	case TUI_ACT_SUMMARY:
		st->screen = TUI_SCREEN_MAIN;
		break;
	default:
		return 0;
	}
	return 1;
}

int
tui_summary_click(struct tui_state *st, int y)
{
	size_t	i;

	if (y < st->sum_rect.y || y >= st->sum_rect.y + st->sum_rect.h)
		return 0;
	i = st->sum_top + (size_t)(y - st->sum_rect.y);
	if (i >= st->sum.n)
		return 0;
	st->sum_sel[st->sum_level] = i;
	return 1;
}

/* Writes the rows of level (under path) to fp, indented, recursing. */
static void
write_level(const struct tui_state *st, int level, const char *path[2],
    FILE *fp)
{
	struct tui_sum	 s;
	char		*safe;
	size_t		 i;

	memset(&s, 0, sizeof s);
	tui_model_summary(&st->model, level, path, &s);
	for (i = 0; i < s.n; i++) {
		safe = tui_doc_safe(s.v[i].label, strlen(s.v[i].label));
		fprintf(fp, "%*s%-*s %7zu  (%zu temporary, %zu permanent)\n",
		    level * 4, "", 40 - level * 4, safe, s.v[i].count,
		    s.v[i].temporary, s.v[i].count - s.v[i].temporary);
		free(safe);
		if (level < 2) {
			path[level] = s.v[i].label;
			write_level(st, level + 1, path, fp);
		}
	}
	tui_sum_release(&s);
}

void
tui_summary_write(const struct tui_state *st, FILE *fp)
{
	const char	*path[2] = { st->sum_path[0], st->sum_path[1] };
	char		*safe;
	int		 l;

	safe = tui_doc_safe(st->label, strlen(st->label));
	fprintf(fp, "bouncedoc summary of %s: %zu failures (%zu temporary, "
	    "%zu permanent)\n", safe, st->model.shown,
	    st->model.shown_temporary,
	    st->model.shown - st->model.shown_temporary);
	free(safe);
	if (st->model.filter.text != NULL) {
		safe = tui_doc_safe(st->model.filter.text,
		    strlen(st->model.filter.text));
		fprintf(fp, "filter: %s\n", safe);
		free(safe);
	}
	for (l = 0; l < st->sum_level; l++) {
		safe = tui_doc_safe(path[l], strlen(path[l]));
		fprintf(fp, "%s: %s\n", level_names[l], safe);
		free(safe);
	}
	fprintf(fp, "\nby reason > reply code > recipient domain: count\n\n");
	write_level(st, st->sum_level, path, fp);
}
