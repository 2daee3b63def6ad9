// Shim for OpenBLAS 0.3.21 (pthread build): the CBLAS interface plus the thread-count controls.
#ifndef DROPFILL_COPENBLAS_SHIM_H
#define DROPFILL_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
