// Shim for ncursesw 6.4. pkg-config is left out on purpose: SwiftPM drops its -D_XOPEN_SOURCE flags
// (platform-notes.md), so wide-character support is switched on here instead.
#ifndef DROPFILL_CNCURSESW_SHIM_H
#define DROPFILL_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <stdio.h>
#include <ncursesw/curses.h>

/// COLOR_PAIR(n) as an attribute.
static inline attr_t dropfill_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t dropfill_a_bold(void) { return A_BOLD; }
static inline attr_t dropfill_a_reverse(void) { return A_REVERSE; }
static inline attr_t dropfill_a_underline(void) { return A_UNDERLINE; }
static inline attr_t dropfill_a_dim(void) { return A_DIM; }
static inline attr_t dropfill_a_normal(void) { return A_NORMAL; }
/// stdscr, which Swift 6 rejects as a mutable global.
static inline WINDOW *dropfill_stdscr(void) { return stdscr; }
static inline int dropfill_colors(void) { return COLORS; }
static inline int dropfill_color_pairs(void) { return COLOR_PAIRS; }
static inline int dropfill_lines(void) { return LINES; }
static inline int dropfill_cols(void) { return COLS; }
/// getmaxyx(win, y, x).
static inline void dropfill_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
/// The mouse mask for button-1 clicks and reports of all buttons.
static inline mmask_t dropfill_mouse_mask(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED; }
static inline mmask_t dropfill_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t dropfill_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t dropfill_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t dropfill_button5_pressed(void) { return BUTTON5_PRESSED; }
#endif
