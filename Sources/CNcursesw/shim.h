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
// MARK: - Appended by the Inspector
#include <sys/ioctl.h>
#include <unistd.h>
#include <term.h>
/// newterm(term, stdout, stdin): stdout/stdin are C globals Swift 6 rejects.
static inline SCREEN *dropfill_newterm(const char *term) { return newterm(term, stdout, stdin); }
/// Flushes C stdio's stdout (ncurses writes through it).
static inline void dropfill_fflush_stdout(void) { fflush(stdout); }
/// Rows, columns and pixel size of the terminal on `fd` (TIOCGWINSZ; ioctl is variadic). Returns 0 on success.
static inline int dropfill_winsize(int fd, int *rows, int *cols, int *xpixel, int *ypixel) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col; *xpixel = ws.ws_xpixel; *ypixel = ws.ws_ypixel;
    return 0;
}
/// The terminfo "colors" capability of `term` without taking over the screen (-1 when unknown).
static inline int dropfill_terminfo_colors(const char *term) {
    int err = 0;
    if (setupterm(term, -1, &err) != OK) return -1;
    int n = tigetnum("colors");
    del_curterm(cur_term);
    return n;
}
static inline int dropfill_key_code_yes(void) { return KEY_CODE_YES; }
static inline mmask_t dropfill_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
/// Writes raw bytes to C stdio's stdout (the stream ncurses draws on) and flushes: sixel and 24-bit cells.
static inline void dropfill_write_stdout(const char *bytes, size_t count) { fwrite(bytes, 1, count, stdout); fflush(stdout); }
/// setcchar + mvwadd_wch for one cell with an extended colour pair.
static inline int dropfill_put_cell(WINDOW *w, int y, int x, int ch, attr_t attrs, int pair) {
    cchar_t cc; wchar_t wc[2] = { (wchar_t)ch, 0 };
    if (setcchar(&cc, wc, attrs, 0, &pair) != OK) return ERR;
    return mvwadd_wch(w, y, x, &cc);
}
#endif
