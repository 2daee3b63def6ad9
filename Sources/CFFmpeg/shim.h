// Shim for FFmpeg 5.1 (libavformat 59, libavcodec 59, libavutil 57, libswscale 6, libswresample 4, libavfilter 8).
// The static inline functions stand in for the macros Swift cannot import (platform-notes.md).
#ifndef DROPFILL_CFFMPEG_SHIM_H
#define DROPFILL_CFFMPEG_SHIM_H

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
/// sws_scale from one packed buffer (e.g. RGB24) into one packed buffer.
static inline int dropfill_sws_scale_packed(struct SwsContext *c, const uint8_t *src, int src_stride, int src_h,
                                            uint8_t *dst, int dst_stride) {
    const uint8_t *srcs[4] = { src, NULL, NULL, NULL };
    int sstr[4] = { src_stride, 0, 0, 0 };
    uint8_t *dsts[4] = { dst, NULL, NULL, NULL };
    int dstr[4] = { dst_stride, 0, 0, 0 };
    return sws_scale(c, srcs, sstr, 0, src_h, dsts, dstr);
}
/// sws_scale from one packed buffer into an allocated frame (e.g. YUV420P for the encoder).
static inline int dropfill_sws_scale_to_frame(struct SwsContext *c, const uint8_t *src, int src_stride, int src_h,
                                              AVFrame *dst) {
    const uint8_t *srcs[4] = { src, NULL, NULL, NULL };
    int sstr[4] = { src_stride, 0, 0, 0 };
    return sws_scale(c, srcs, sstr, 0, src_h, dst->data, dst->linesize);
}
/// swr_convert of a decoded frame (or a flush when frame is NULL) into packed Float32 output.
static inline int dropfill_swr_convert_frame(struct SwrContext *s, const AVFrame *in, float *out, int out_capacity) {
    uint8_t *outs[1] = { (uint8_t *)out };
    if (in == NULL) return swr_convert(s, outs, out_capacity, NULL, 0);
    return swr_convert(s, outs, out_capacity, (const uint8_t **)in->extended_data, in->nb_samples);
}

#endif
