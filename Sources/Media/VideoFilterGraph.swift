import CFFmpeg

/// A libavfilter graph run in-process: RGB24 frames in, a filter description in the middle, RGB24 frames out.
///
/// ```swift
/// let graph = try VideoFilterGraph(width: 256, height: 256, timeBase: Rational(1, 25),
///                                  frameRate: Rational(25, 1),
///                                  description: "minterpolate=fps=25:mi_mode=mci:mc_mode=aobmc:me_mode=bidir")
/// try graph.push(left, pts: 0)
/// try graph.push(right, pts: 8)
/// try graph.finish()                       // end of stream: filters that buffer flush now
/// while let (frame, pts) = try graph.pull() { … }   // pts in `outputTimeBase`
/// ```
/// The description is any `-vf` chain with one input and one output ("hflip", "scale=64:64,vflip", …).
/// The source is a `buffer` filter (RGB24, `timeBase`, square pixels); the sink is a `buffersink` restricted to
/// RGB24, so libavfilter inserts the pixel-format conversions a filter needs (minterpolate works in YUV: its
/// output goes through FFmpeg's RGB→YUV→RGB conversion, as it would on the `ffmpeg` command line).
/// Errors: a description libavfilter rejects, or a frame of the wrong size, throws `.invalidArgument`; a failure
/// while filtering throws `.decodeFailed(path: "filter graph …", reason:)` with FFmpeg's message.
/// One graph is used from one thread at a time.
public final class VideoFilterGraph {
    /// Input frame width in pixels.
    public let width: Int
    /// Input frame height in pixels.
    public let height: Int
    /// The time base of the pts given to `push`.
    public let timeBase: Rational
    /// The filter description the graph was built from.
    public let filterDescription: String

    private var graph: UnsafeMutablePointer<AVFilterGraph>?
    private var source: UnsafeMutablePointer<AVFilterContext>?
    private var sink: UnsafeMutablePointer<AVFilterContext>?
    private var finished = false
    private var drained = false

    /// Builds and configures the graph; throws `.invalidArgument` for a bad size, time base or description.
    public init(width: Int, height: Int, timeBase: Rational, frameRate: Rational? = nil,
                description: String) throws(MediaError) {
        _ = quietFFmpeg
        guard width > 0, height > 0 else { throw .invalidArgument("filter graph frame size \(width)×\(height)") }
        guard timeBase.numerator > 0, timeBase.denominator > 0 else {
            throw .invalidArgument("filter graph time base \(timeBase) must be positive")
        }
        self.width = width
        self.height = height
        self.timeBase = timeBase
        self.filterDescription = description
        do {
            try build(frameRate: frameRate)
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    /// The time base of the pts that `pull` returns (the sink's, set by the filters).
    public var outputTimeBase: Rational {
        guard let sink else { return timeBase }
        let tb = av_buffersink_get_time_base(sink)
        return Rational(Int(tb.num), Int(tb.den))
    }

    // MARK: - Feeding and draining

    /// Sends one frame with presentation time `pts` (in `timeBase`); pts must increase from frame to frame.
    public func push(_ frame: VideoFrame, pts: Int64) throws(MediaError) {
        guard !finished else { throw .invalidArgument("filter graph: push after finish()") }
        guard frame.width == width, frame.height == height else {
            throw .invalidArgument("filter graph expects \(width)×\(height) frames, got \(frame.width)×\(frame.height)")
        }
        guard let source, let avFrame = av_frame_alloc() else { throw failure("cannot allocate a frame") }
        var f: UnsafeMutablePointer<AVFrame>? = avFrame
        defer { av_frame_free(&f) }
        avFrame.pointee.width = Int32(width)
        avFrame.pointee.height = Int32(height)
        avFrame.pointee.format = AV_PIX_FMT_RGB24.rawValue
        avFrame.pointee.pts = pts
        avFrame.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        try check(av_frame_get_buffer(avFrame, 0)) { self.failure($0) }
        guard let dst = dropfill_frame_data(avFrame, 0) else { throw failure("frame has no data plane") }
        let stride = Int(dropfill_frame_linesize(avFrame, 0))
        let row = width * 3
        frame.rgb.withUnsafeBufferPointer { src in
            guard let s = src.baseAddress else { return }
            for y in 0..<height { (dst + y * stride).update(from: s + y * row, count: row) }
        }
        try check(av_buffersrc_add_frame_flags(source, avFrame, 0)) { self.failure($0) }
    }

    /// Signals the end of the stream, so that filters holding frames back (minterpolate, fps) emit them.
    public func finish() throws(MediaError) {
        guard !finished else { return }
        finished = true
        guard let source else { throw failure("graph is not configured") }
        try check(av_buffersrc_add_frame_flags(source, nil, 0)) { self.failure($0) }
    }

    /// The next filtered frame and its pts (in `outputTimeBase`), or nil when the graph needs more input
    /// (before `finish()`) or is exhausted (after it). The frame's `timestamp` is pts × outputTimeBase seconds.
    public func pull() throws(MediaError) -> (frame: VideoFrame, pts: Int64)? {
        guard !drained, let sink, let avFrame = av_frame_alloc() else { return nil }
        var f: UnsafeMutablePointer<AVFrame>? = avFrame
        defer { av_frame_free(&f) }
        let status = av_buffersink_get_frame(sink, avFrame)
        if status == dropfill_averror_eagain() { return nil }
        if status == dropfill_averror_eof() { drained = true; return nil }
        try check(status) { self.failure($0) }
        let w = Int(avFrame.pointee.width), h = Int(avFrame.pointee.height)
        guard avFrame.pointee.format == AV_PIX_FMT_RGB24.rawValue, w > 0, h > 0,
              let src = dropfill_frame_data(avFrame, 0) else {
            throw failure("sink returned a frame that is not RGB24")
        }
        let stride = Int(dropfill_frame_linesize(avFrame, 0))
        let row = w * 3
        var bytes = [UInt8](repeating: 0, count: row * h)
        bytes.withUnsafeMutableBufferPointer { dst in
            guard let d = dst.baseAddress else { return }
            for y in 0..<h { (d + y * row).update(from: src + y * stride, count: row) }
        }
        let pts = avFrame.pointee.pts
        let tb = outputTimeBase
        let seconds: Double? = pts == dropfill_nopts_value() ? nil : Double(pts) * tb.value
        let frame = try VideoFrame(width: w, height: h, rgb: bytes, timestamp: seconds)
        return (frame, pts)
    }

    /// Every frame still available (after `finish()`, the rest of the stream).
    public func pullAll() throws(MediaError) -> [(frame: VideoFrame, pts: Int64)] {
        var out: [(frame: VideoFrame, pts: Int64)] = []
        while let next = try pull() { out.append(next) }
        return out
    }

    // MARK: - Setup

    private func failure(_ reason: String) -> MediaError {
        .decodeFailed(path: "filter graph \"\(filterDescription)\"", reason: reason)
    }

    private func build(frameRate: Rational?) throws(MediaError) {
        guard let g = avfilter_graph_alloc() else { throw failure("cannot allocate a filter graph") }
        graph = g
        g.pointee.nb_threads = 1
        guard let bufferFilter = avfilter_get_by_name("buffer"), let sinkFilter = avfilter_get_by_name("buffersink") else {
            throw failure("libavfilter lacks buffer/buffersink")
        }
        var args = "video_size=\(width)x\(height):pix_fmt=\(AV_PIX_FMT_RGB24.rawValue)"
            + ":time_base=\(timeBase.numerator)/\(timeBase.denominator):pixel_aspect=1/1"
        if let frameRate, frameRate.numerator > 0, frameRate.denominator > 0 {
            args += ":frame_rate=\(frameRate.numerator)/\(frameRate.denominator)"
        }
        var src: UnsafeMutablePointer<AVFilterContext>?
        try check(avfilter_graph_create_filter(&src, bufferFilter, "in", args, nil, g)) { self.failure($0) }
        var snk: UnsafeMutablePointer<AVFilterContext>?
        try check(avfilter_graph_create_filter(&snk, sinkFilter, "out", nil, nil, g)) { self.failure($0) }
        guard let src, let snk else { throw failure("cannot create buffer filters") }
        source = src
        sink = snk
        try check(dropfill_opt_set_pix_fmt(snk, "pix_fmts", AV_PIX_FMT_RGB24)) { self.failure($0) }

        // The open ends of the user's chain: its input is fed by "in", its output feeds "out".
        var outputs = avfilter_inout_alloc()
        var inputs = avfilter_inout_alloc()
        defer {
            avfilter_inout_free(&outputs)
            avfilter_inout_free(&inputs)
        }
        guard let o = outputs, let i = inputs else { throw failure("cannot allocate graph endpoints") }
        o.pointee.name = av_strdup("in")
        o.pointee.filter_ctx = src
        o.pointee.pad_idx = 0
        o.pointee.next = nil
        i.pointee.name = av_strdup("out")
        i.pointee.filter_ctx = snk
        i.pointee.pad_idx = 0
        i.pointee.next = nil
        let parsed = avfilter_graph_parse_ptr(g, filterDescription, &inputs, &outputs, nil)
        if parsed < 0 {
            throw .invalidArgument("filter description \"\(filterDescription)\": \(ffmpegMessage(parsed))")
        }
        let configured = avfilter_graph_config(g, nil)
        if configured < 0 {
            throw .invalidArgument("filter description \"\(filterDescription)\": \(ffmpegMessage(configured))")
        }
    }

    private func release() {
        if graph != nil { avfilter_graph_free(&graph) }
        source = nil
        sink = nil
    }
}
