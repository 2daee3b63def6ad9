// Shim for libsixel 1.10.3.
#ifndef DROPFILL_CSIXEL_SHIM_H
#define DROPFILL_CSIXEL_SHIM_H
#include <sixel.h>
/// SIXEL_FAILED(status).
static inline int dropfill_sixel_failed(SIXELSTATUS s) { return SIXEL_FAILED(s) ? 1 : 0; }
/// SIXEL_SUCCEEDED(status).
static inline int dropfill_sixel_succeeded(SIXELSTATUS s) { return SIXEL_SUCCEEDED(s) ? 1 : 0; }
#endif
