/* CDlibLandmarks: a C interface to dlib's 68-point shape predictor (Kazemi & Sullivan's ensemble of regression
 * trees), for the Swift module Landmarks. Nobody but Landmarks imports this header. */
#ifndef CDLIB_LANDMARKS_H
#define CDLIB_LANDMARKS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A loaded shape predictor (opaque). Safe to use from several threads at once once loaded. */
typedef struct cdl_predictor cdl_predictor;

/** Result codes. */
enum {
    CDL_OK = 0,
    CDL_ERROR_FILE = 1,      /* the model file cannot be opened */
    CDL_ERROR_FORMAT = 2,    /* the file is not a dlib shape predictor */
    CDL_ERROR_INPUT = 3,     /* bad image or box */
    CDL_ERROR_INTERNAL = 4   /* dlib threw while predicting */
};

/** Loads a serialized `shape_predictor` from `path`. On failure returns NULL, sets *code and writes a message. */
cdl_predictor *cdl_predictor_load(const char *path, int *code, char *message, size_t message_size);

/** Frees a predictor (NULL is fine). */
void cdl_predictor_free(cdl_predictor *predictor);

/** Number of parts the predictor gives (68 for iBUG 300-W). */
int cdl_predictor_parts(const cdl_predictor *predictor);

/**
 * Runs the predictor on an interleaved 8-bit RGB image (`stride` bytes per row) inside the face box
 * [left, right] × [top, bottom] (inclusive pixel coordinates, dlib's rectangle convention).
 * Writes parts × 2 floats (x0, y0, x1, y1, …) in image pixels to `xy`, which holds `capacity` floats.
 */
int cdl_predictor_run(const cdl_predictor *predictor, const uint8_t *rgb, int width, int height, int stride,
                      long left, long top, long right, long bottom, float *xy, int capacity,
                      char *message, size_t message_size);

#ifdef __cplusplus
}
#endif

#endif
