/*
 * tui_curses.h - the one place the terminal UI includes curses.
 *
 * bouncedoc needs the wide-character ncurses (ncursesw): get_wch() for
 * typed UTF-8 and multibyte strings drawn with addnstr().  Only
 * view_tui.c and the tui_*.c files that draw include this header; the
 * rest of the program never sees curses.
 */
#ifndef BOUNCEDOC_TUI_CURSES_H
#define BOUNCEDOC_TUI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

/* curses.h declares tigetstr() too; term.h is not included: its macros
 * (lines, columns …) would clash with ordinary names. */
#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#endif
