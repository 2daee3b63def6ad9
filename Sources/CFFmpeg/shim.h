// Shim for FFmpeg 5.1 (libavformat 59, libavcodec 59, libavutil 57, libswscale 6, libswresample 4, libavfilter 8).
// The static inline functions stand in for the macros Swift cannot import (platform-notes.md).
#ifndef DROPFILL_CFFMPEG_SHIM_H
#define DROPFILL_CFFMPEG_SHIM_H

#include <string.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/channel_layout.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/error.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>

/// AVERROR(e): FFmpeg's negative error code for a POSIX errno value.
static inline int dropfill_averror(int e) { return AVERROR(e); }
/// AVERROR_EOF: end of file.
static inline int dropfill_averror_eof(void) { return AVERROR_EOF; }
/// AVERROR(EAGAIN): the codec wants more input or has output to drain first.
static inline int dropfill_averror_eagain(void) { return AVERROR(EAGAIN); }
/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t dropfill_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE_Q: the microsecond time base of AVFormatContext.duration.
static inline AVRational dropfill_time_base_q(void) { AVRational q = {1, AV_TIME_BASE}; return q; }
/// The i-th data plane of a frame (AVFrame.data is an 8-tuple in Swift).
static inline uint8_t *dropfill_frame_data(const AVFrame *f, int i) { return f->data[i]; }
/// The i-th line size of a frame.
static inline int dropfill_frame_linesize(const AVFrame *f, int i) { return f->linesize[i]; }
/// The data-plane array of a frame, for sws_scale.
static inline uint8_t *const *dropfill_frame_planes(AVFrame *f) { return f->data; }
/// The line-size array of a frame, for sws_scale.
static inline const int *dropfill_frame_linesizes(const AVFrame *f) { return f->linesize; }
/// Extended data (audio planes) of a frame, for swr_convert.
static inline const uint8_t **dropfill_frame_extended_data(AVFrame *f) { return (const uint8_t **)f->extended_data; }
/// av_opt_set_int_list(obj, name, list, AV_PIX_FMT_NONE, flags) for one pixel format.
static inline int dropfill_opt_set_pix_fmt(void *obj, const char *name, enum AVPixelFormat fmt) {
    enum AVPixelFormat fmts[2] = { fmt, AV_PIX_FMT_NONE };
    return av_opt_set_int_list(obj, name, fmts, AV_PIX_FMT_NONE, AV_OPT_SEARCH_CHILDREN);
}

/// sws_scale from a decoded frame into one packed buffer (e.g. RGB24) with the given stride.
static inline int dropfill_sws_scale_frame(struct SwsContext *c, const AVFrame *src, uint8_t *dst, int dst_stride) {
    uint8_t *dsts[4] = { dst, NULL, NULL, NULL };
    int strides[4] = { dst_stride, 0, 0, 0 };
    return sws_scale(c, (const uint8_t *const *)src->data, src->linesize, 0, src->height, dsts, strides);
}
/// A copy of a packed image (`h` rows of `stride` bytes) with every row 64-byte aligned and zeroed padding after
/// each row and after the image, as swscale's SIMD paths expect of their input: they read up to 16 bytes past a
/// row's end and past the buffer's end (valgrind shows it for RGB24 at 197 pixels wide), so an unpadded buffer made
/// the result depend on whatever memory followed it — outputs differed in the last pixels from one process to the
/// next. Free it with av_free; *padded_stride receives its stride; NULL when out of memory.
static inline uint8_t *dropfill_padded_copy(const uint8_t *src, int stride, int h, int *padded_stride) {
    int ps = FFALIGN(stride, 64) + 64;
    uint8_t *p = av_mallocz((size_t)ps * (size_t)(h + 1));
    if (p == NULL) return NULL;
    for (int y = 0; y < h; y++) memcpy(p + (size_t)y * ps, src + (size_t)y * stride, (size_t)stride);
    *padded_stride = ps;
    return p;
}
/// sws_scale from one packed buffer (e.g. RGB24) into one packed buffer of `dst_h` rows, through padded copies of
/// both (see dropfill_padded_copy), so the result depends only on the source pixels.
static inline int dropfill_sws_scale_packed(struct SwsContext *c, const uint8_t *src, int src_stride, int src_h,
                                            uint8_t *dst, int dst_stride, int dst_h) {
    int ps = 0, pd = FFALIGN(dst_stride, 64) + 64;
    uint8_t *s = dropfill_padded_copy(src, src_stride, src_h, &ps);
    uint8_t *d = av_mallocz((size_t)pd * (size_t)(dst_h + 1));
    if (s == NULL || d == NULL) { av_free(s); av_free(d); return AVERROR(ENOMEM); }
    const uint8_t *srcs[4] = { s, NULL, NULL, NULL };
    int sstr[4] = { ps, 0, 0, 0 };
    uint8_t *dsts[4] = { d, NULL, NULL, NULL };
    int dstr[4] = { pd, 0, 0, 0 };
    int r = sws_scale(c, srcs, sstr, 0, src_h, dsts, dstr);
    if (r >= 0) for (int y = 0; y < dst_h; y++) memcpy(dst + (size_t)y * dst_stride, d + (size_t)y * pd, (size_t)dst_stride);
    av_free(s);
    av_free(d);
    return r;
}
/// sws_scale from one packed buffer into an allocated frame (e.g. YUV420P for the encoder), through a padded copy
/// of the source (see dropfill_padded_copy).
static inline int dropfill_sws_scale_to_frame(struct SwsContext *c, const uint8_t *src, int src_stride, int src_h,
                                              AVFrame *dst) {
    int ps = 0;
    uint8_t *s = dropfill_padded_copy(src, src_stride, src_h, &ps);
    if (s == NULL) return AVERROR(ENOMEM);
    const uint8_t *srcs[4] = { s, NULL, NULL, NULL };
    int sstr[4] = { ps, 0, 0, 0 };
    int r = sws_scale(c, srcs, sstr, 0, src_h, dst->data, dst->linesize);
    av_free(s);
    return r;
}
/// swr_convert of a decoded frame (or a flush when frame is NULL) into packed Float32 output.
static inline int dropfill_swr_convert_frame(struct SwrContext *s, const AVFrame *in, float *out, int out_capacity) {
    uint8_t *outs[1] = { (uint8_t *)out };
    if (in == NULL) return swr_convert(s, outs, out_capacity, NULL, 0);
    return swr_convert(s, outs, out_capacity, (const uint8_t **)in->extended_data, in->nb_samples);
}

#endif
