// The C interface of CDlibLandmarks over dlib::shape_predictor (see include/CDlibLandmarks.h).
#include "CDlibLandmarks.h"

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/array2d.h>
#include <dlib/pixel.h>
#include <dlib/serialize.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <new>

struct cdl_predictor {
    dlib::shape_predictor model;
};

namespace {

void write_message(char *message, size_t size, const char *text) {
    if (message == nullptr || size == 0) return;
    std::snprintf(message, size, "%s", text);
}

}  // namespace

extern "C" cdl_predictor *cdl_predictor_load(const char *path, int *code, char *message, size_t message_size) {
    if (code) *code = CDL_OK;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (code) *code = CDL_ERROR_FILE;
        write_message(message, message_size, "cannot open the file");
        return nullptr;
    }
    cdl_predictor *predictor = new (std::nothrow) cdl_predictor;
    if (predictor == nullptr) {
        if (code) *code = CDL_ERROR_INTERNAL;
        write_message(message, message_size, "out of memory");
        return nullptr;
    }
    try {
        dlib::deserialize(predictor->model, in);
    } catch (const std::exception &error) {
        delete predictor;
        if (code) *code = CDL_ERROR_FORMAT;
        write_message(message, message_size, error.what());
        return nullptr;
    } catch (...) {
        delete predictor;
        if (code) *code = CDL_ERROR_FORMAT;
        write_message(message, message_size, "not a dlib shape predictor");
        return nullptr;
    }
    if (predictor->model.num_parts() == 0) {
        delete predictor;
        if (code) *code = CDL_ERROR_FORMAT;
        write_message(message, message_size, "the predictor has no parts");
        return nullptr;
    }
    return predictor;
}

extern "C" void cdl_predictor_free(cdl_predictor *predictor) { delete predictor; }

extern "C" int cdl_predictor_parts(const cdl_predictor *predictor) {
    return predictor ? static_cast<int>(predictor->model.num_parts()) : 0;
}

extern "C" int cdl_predictor_run(const cdl_predictor *predictor, const uint8_t *rgb, int width, int height, int stride,
                                 long left, long top, long right, long bottom, float *xy, int capacity,
                                 char *message, size_t message_size) {
    if (predictor == nullptr || rgb == nullptr || xy == nullptr || width <= 0 || height <= 0 || stride < 3 * width) {
        write_message(message, message_size, "no predictor, image or output buffer");
        return CDL_ERROR_INPUT;
    }
    if (right < left || bottom < top) {
        write_message(message, message_size, "the face box is empty");
        return CDL_ERROR_INPUT;
    }
    const long parts = static_cast<long>(predictor->model.num_parts());
    if (capacity < 2 * parts) {
        write_message(message, message_size, "the output buffer is too small");
        return CDL_ERROR_INPUT;
    }
    try {
        // Copy only the region the regression trees can sample: the box grown by its own size on every side
        // (their pixel features lie near the mean shape, well inside that), clipped to the image. Pixels
        // outside the image read as 0 in dlib either way, so the result equals a run on the whole frame.
        const long w = right - left + 1, h = bottom - top + 1;
        const long x0 = std::max(0L, left - w), y0 = std::max(0L, top - h);
        const long x1 = std::min(static_cast<long>(width) - 1, right + w);
        const long y1 = std::min(static_cast<long>(height) - 1, bottom + h);
        if (x1 < x0 || y1 < y0) {
            write_message(message, message_size, "the face box lies outside the image");
            return CDL_ERROR_INPUT;
        }
        dlib::array2d<dlib::rgb_pixel> region(y1 - y0 + 1, x1 - x0 + 1);
        for (long y = y0; y <= y1; ++y) {
            const uint8_t *row = rgb + static_cast<size_t>(y) * static_cast<size_t>(stride) + 3 * static_cast<size_t>(x0);
            for (long x = x0; x <= x1; ++x, row += 3) {
                region[y - y0][x - x0] = dlib::rgb_pixel(row[0], row[1], row[2]);
            }
        }
        const dlib::rectangle box(left - x0, top - y0, right - x0, bottom - y0);
        const dlib::full_object_detection shape = predictor->model(region, box);
        for (long i = 0; i < parts; ++i) {
            const dlib::point p = shape.part(static_cast<unsigned long>(i));
            xy[2 * i] = static_cast<float>(p.x() + x0);
            xy[2 * i + 1] = static_cast<float>(p.y() + y0);
        }
        return CDL_OK;
    } catch (const std::exception &error) {
        write_message(message, message_size, error.what());
        return CDL_ERROR_INTERNAL;
    } catch (...) {
        write_message(message, message_size, "dlib failed");
        return CDL_ERROR_INTERNAL;
    }
}
