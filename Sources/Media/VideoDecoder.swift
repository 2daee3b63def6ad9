import CFFmpeg

/// How decoded frames are shaped on their way out: an optional crop, then an optional resize.
public struct DecodeOptions: Sendable {
    /// Region of the source frame to keep, in source pixels; nil keeps the whole frame.
    public var crop: PixelRect?
    /// Output size after the crop; nil keeps the (cropped) size.
    public var size: (width: Int, height: Int)?
    /// Decoder threads (0 lets FFmpeg choose).
    public var threads: Int

    public init(crop: PixelRect? = nil, size: (width: Int, height: Int)? = nil, threads: Int = 0) {
        self.crop = crop
        self.size = size
        self.threads = threads
    }
}

/// Decodes the video stream of a file frame by frame into RGB, with timestamps.
///
/// Streams: memory stays bounded by a few frames whatever the file's length. Use `nextFrame()` in a loop,
/// or `forEachFrame`. A truncated file yields the frames that could be read, then ends.
public final class VideoDecoder {
    /// What the video stream says about itself.
    public let stream: VideoStreamInfo
    private let input: InputFile
    private let decoder: StreamDecoder
    private let options: DecodeOptions
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var scaler: OpaquePointer?
    private var scalerKey: (Int32, Int32, Int32) = (0, 0, -1)
    private var cropScaler: OpaquePointer?
    private var fullRGB: [UInt8] = []
    private var produced = 0
    private let timeBase: Double

    /// Opens `path` for video decoding. Throws `MediaError.noVideoStream` when it has none.
    public init(path: String, options: DecodeOptions = DecodeOptions()) throws(MediaError) {
        input = try InputFile(path: path)
        guard let index = input.videoStreamIndex, let st = input.stream(index) else { throw .noVideoStream(path) }
        if let s = options.size, s.width <= 0 || s.height <= 0 {
            throw .invalidArgument("output size \(s.width)×\(s.height) must be positive")
        }
        decoder = try StreamDecoder(input: input, streamIndex: index, threads: Int32(options.threads))
        self.options = options
        stream = VideoStreamInfo(stream: st, codec: decoder.codec)
        timeBase = av_q2d(st.pointee.time_base)
        frame = av_frame_alloc()
    }

    deinit {
        av_frame_free(&frame)
        sws_freeContext(scaler)
        sws_freeContext(cropScaler)
    }

    /// Output size of every frame this decoder returns.
    public var outputSize: (width: Int, height: Int) {
        let w = options.crop.map { $0.clamped(width: stream.width, height: stream.height).width } ?? stream.width
        let h = options.crop.map { $0.clamped(width: stream.width, height: stream.height).height } ?? stream.height
        return options.size ?? (w, h)
    }

    /// Packets the decoder rejected as damaged so far.
    public var damagedPackets: Int { decoder.damagedPackets }

    /// The next frame, or nil at the end of the stream.
    public func nextFrame() throws(MediaError) -> VideoFrame? {
        guard let frame else { throw .decodeFailed(path: input.path, reason: "out of memory") }
        guard try decoder.next(into: frame) else { return nil }
        defer { av_frame_unref(frame) }
        let ts = frame.pointee.best_effort_timestamp
        let seconds: Double? = ts == dropfill_nopts_value() ? nil : Double(ts) * timeBase
        let rgb = try convert(frame)
        let out = outputSize
        let result = try VideoFrame(width: out.width, height: out.height, rgb: rgb, timestamp: seconds, index: produced)
        produced += 1
        return result
    }

    /// Calls `body` with every remaining frame, in order.
    public func forEachFrame(_ body: (VideoFrame) throws -> Void) throws {
        while let f = try nextFrame() { try body(f) }
    }

    /// Decodes every remaining frame into memory. For short clips only: prefer `nextFrame()` for long ones.
    public func readAll() throws(MediaError) -> [VideoFrame] {
        var frames: [VideoFrame] = []
        while let f = try nextFrame() { frames.append(f) }
        return frames
    }

    // MARK: - Pixel conversion

    private func convert(_ frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) -> [UInt8] {
        let w = frame.pointee.width, h = frame.pointee.height, fmt = frame.pointee.format
        guard w > 0, h > 0 else { throw .decodeFailed(path: input.path, reason: "frame without size") }
        let out = outputSize
        // Without a crop, one swscale pass goes straight to the output size; with one, scale to full-size
        // RGB first, cut the region, then resize it.
        let direct = options.crop == nil
        let dstW = direct ? Int32(out.width) : w, dstH = direct ? Int32(out.height) : h
        if scaler == nil || scalerKey != (w, h, fmt) {
            sws_freeContext(scaler)
            scaler = sws_getContext(w, h, AVPixelFormat(rawValue: fmt), dstW, dstH, AV_PIX_FMT_RGB24,
                                    Int32(SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT), nil, nil, nil)
            scalerKey = (w, h, fmt)
        }
        guard let scaler else { throw .decodeFailed(path: input.path, reason: "cannot convert pixel format \(fmt)") }
        fullRGB = [UInt8](repeating: 0, count: Int(dstW) * Int(dstH) * 3)
        let stride = Int32(dstW * 3)
        _ = fullRGB.withUnsafeMutableBufferPointer { dropfill_sws_scale_frame(scaler, frame, $0.baseAddress, stride) }
        if direct { return fullRGB }
        guard let crop = options.crop else { return fullRGB }
        let full = try VideoFrame(width: Int(w), height: Int(h), rgb: fullRGB).cropped(to: crop)
        if full.width == out.width && full.height == out.height { return full.rgb }
        return try Resampler.resize(full, width: out.width, height: out.height).rgb
    }
}
