import CFFmpeg

/// Resizes RGB frames with swscale (bilinear with accurate rounding, or area averaging when shrinking).
public enum Resampler {
    /// `frame` scaled to `width × height`.
    public static func resize(_ frame: VideoFrame, width: Int, height: Int) throws(MediaError) -> VideoFrame {
        guard width > 0, height > 0 else { throw .invalidArgument("resize to \(width)×\(height)") }
        if width == frame.width && height == frame.height { return frame }
        let shrinking = width < frame.width && height < frame.height
        let flags = Int32((shrinking ? SWS_AREA : SWS_BILINEAR) | SWS_ACCURATE_RND)
        guard let ctx = sws_getContext(Int32(frame.width), Int32(frame.height), AV_PIX_FMT_RGB24,
                                       Int32(width), Int32(height), AV_PIX_FMT_RGB24, flags, nil, nil, nil)
        else { throw .invalidArgument("cannot resize \(frame.width)×\(frame.height) to \(width)×\(height)") }
        defer { sws_freeContext(ctx) }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let status = frame.rgb.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                dropfill_sws_scale_packed(ctx, src.baseAddress, Int32(frame.width * 3), Int32(frame.height),
                                          dst.baseAddress, Int32(width * 3), Int32(height))
            }
        }
        guard status >= 0 else { throw .invalidArgument("cannot resize \(frame.width)×\(frame.height) to \(width)×\(height) (out of memory)") }
        return try VideoFrame(width: width, height: height, rgb: out, timestamp: frame.timestamp, index: frame.index)
    }
}
