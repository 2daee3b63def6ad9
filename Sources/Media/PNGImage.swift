import CFFmpeg
import Foundation
import SafeOutput

/// Single frames as PNG files, through FFmpeg's PNG encoder and decoder (no other image library).
public enum PNGImage {
    /// The PNG bytes of `frame` (RGB, 8 bits per channel).
    public static func encode(_ frame: VideoFrame) throws(MediaError) -> Data {
        _ = quietFFmpeg
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else { throw .unsupportedCodec("png") }
        var cc = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&cc) }
        var f = av_frame_alloc()
        defer { av_frame_free(&f) }
        var pkt = av_packet_alloc()
        defer { av_packet_free(&pkt) }
        guard let cc, let f, let pkt else { throw .encodeFailed(path: "png", reason: "out of memory") }
        cc.pointee.width = Int32(frame.width)
        cc.pointee.height = Int32(frame.height)
        cc.pointee.pix_fmt = AV_PIX_FMT_RGB24
        cc.pointee.time_base = AVRational(num: 1, den: 1)
        try check(avcodec_open2(cc, codec, nil)) { .encodeFailed(path: "png", reason: $0) }
        f.pointee.format = AV_PIX_FMT_RGB24.rawValue
        f.pointee.width = Int32(frame.width)
        f.pointee.height = Int32(frame.height)
        try check(av_frame_get_buffer(f, 0)) { .encodeFailed(path: "png", reason: $0) }
        let stride = Int(dropfill_frame_linesize(f, 0))
        guard let dst = dropfill_frame_data(f, 0) else { throw .encodeFailed(path: "png", reason: "no buffer") }
        frame.rgb.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            for y in 0..<frame.height {
                (dst + y * stride).update(from: base + y * frame.width * 3, count: frame.width * 3)
            }
        }
        try check(avcodec_send_frame(cc, f)) { .encodeFailed(path: "png", reason: $0) }
        try check(avcodec_send_frame(cc, nil)) { .encodeFailed(path: "png", reason: $0) }
        try check(avcodec_receive_packet(cc, pkt)) { .encodeFailed(path: "png", reason: $0) }
        defer { av_packet_unref(pkt) }
        return Data(bytes: pkt.pointee.data, count: Int(pkt.pointee.size))
    }

    /// Writes `frame` to `path` as PNG through `OutputFile` (claimed, atomic, every write checked).
    public static func write(_ frame: VideoFrame, to path: String) throws(MediaError) {
        let data = try encode(frame)
        do { try OutputFile.write(data, to: path) } catch { throw .output(error) }
    }

    /// Reads the PNG (or any single image FFmpeg reads) at `path`.
    public static func read(_ path: String) throws(MediaError) -> VideoFrame {
        let decoder = try VideoDecoder(path: path)
        guard var frame = try decoder.nextFrame() else { throw .decodeFailed(path: path, reason: "no image in file") }
        frame.timestamp = nil
        return frame
    }
}
