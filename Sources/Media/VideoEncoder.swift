import CFFmpeg
import Foundation
import SafeOutput

/// How `VideoEncoder` writes a file.
public struct EncodeOptions: Sendable {
    /// Frames per second; each appended frame lasts one interval unless a slot is given.
    public var frameRate: Rational
    /// x264 constant rate factor (0 lossless … 51 worst); 18 is visually lossless.
    public var crf: Int
    /// x264 preset (ultrafast … veryslow).
    public var preset: String
    /// Audio to encode beside the video (mono AAC), or nil for a silent file; ignored when `copyAudio` is set.
    public var audio: AudioTrack?
    /// A file whose audio stream is copied into the output untouched (packets, codec parameters); when the container
    /// cannot hold that codec, the audio is decoded and re-encoded as `audio` would be, and `VideoEncoder.notes` says so.
    public var copyAudio: AudioCopySource?
    /// Keep full chroma (yuv444p) instead of yuv420p; forced on for odd sizes.
    public var fullChroma: Bool

    public init(frameRate: Rational, crf: Int = 18, preset: String = "medium", audio: AudioTrack? = nil,
                copyAudio: AudioCopySource? = nil, fullChroma: Bool = false) {
        self.frameRate = frameRate
        self.crf = crf
        self.preset = preset
        self.audio = audio
        self.copyAudio = copyAudio
        self.fullChroma = fullChroma
    }
}

/// Writes RGB frames to a video file (MP4: H.264 via libx264) with a source's audio copied untouched or a mono AAC track.
///
/// Frames are encoded as they are appended and copied audio packets are read in step with them (memory stays bounded). The file is an `OutputFile`: claimed against the
/// current `OutputPlan` before the encoder opens (an existing folder, an input or an existing file without `-y` is
/// refused), written under a hidden temporary name and moved into place by `finish()`, so an interrupted run never
/// leaves a half-written file at `path` nor a `.partial` file beside it.
public final class VideoEncoder {
    public let path: String
    public let width: Int
    public let height: Int
    private var options: EncodeOptions
    private let file: OutputFile
    private var partialPath: String { file.temporaryPath }
    /// What the encoder decided on the way that a user should hear of (one line each): an audio fallback.
    public private(set) var notes: [String] = []
    private var copier: AudioPacketCopier?
    /// Seconds the video starts after the output's origin (the copied audio's lead over the video), in its time base.
    private var videoLeadTicks: Int64 = 0
    private var output: UnsafeMutablePointer<AVFormatContext>?
    private var video: UnsafeMutablePointer<AVCodecContext>?
    private var audio: UnsafeMutablePointer<AVCodecContext>?
    private var videoStream: UnsafeMutablePointer<AVStream>?
    private var audioStream: UnsafeMutablePointer<AVStream>?
    private var scaler: OpaquePointer?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var audioFrame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var nextPTS: Int64 = 0
    private var audioCursor = 0
    private var finished = false

    /// Opens `path` for writing `width × height` frames. The container follows the extension (.mp4, .mkv, .mov).
    /// `inputs` are the files the frames come from (the output must not be one of them).
    public init(path: String, width: Int, height: Int, options: EncodeOptions, inputs: [String] = []) throws(MediaError) {
        _ = quietFFmpeg
        guard width > 0, height > 0 else { throw .invalidArgument("frame size \(width)×\(height)") }
        guard options.frameRate.numerator > 0, options.frameRate.denominator > 0 else {
            throw .invalidArgument("frame rate \(options.frameRate)")
        }
        self.path = path
        self.width = width
        self.height = height
        self.options = options
        do { file = try OutputFile(path: path, inputs: inputs) } catch { throw .output(error) }
        do {
            try open()
        } catch {
            close()
            file.discard()
            throw error
        }
    }

    deinit {
        close()
        if !finished { file.discard() }
    }

    // MARK: - Setup

    private func fail(_ why: String) -> MediaError { .encodeFailed(path: path, reason: why) }

    /// Throws for a failed write of the muxer: a full device as `OutputError.noSpace`, anything else as FFmpeg says.
    private func checkWrite(_ code: Int32) throws(MediaError) {
        guard code < 0 else { return }
        if code == dropfill_averror(ENOSPC) || code == dropfill_averror(EDQUOT) { throw .output(.noSpace(path)) }
        throw fail(ffmpegMessage(code))
    }

    private func open() throws(MediaError) {
        let format = av_guess_format(nil, path, nil) ?? av_guess_format(nil, file.target.resolved, nil) ?? av_guess_format("mp4", nil, nil)
        try check(avformat_alloc_output_context2(&output, format, nil, "file:" + partialPath)) { fail($0) }
        guard let oc = output else { throw fail("no output context") }
        let globalHeader = (oc.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER) != 0

        // Video: libx264 when present, MPEG-4 part 2 otherwise.
        guard let codec = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_MPEG4) else {
            throw .unsupportedCodec("h264/mpeg4 encoder")
        }
        guard let vs = avformat_new_stream(oc, nil), let cc = avcodec_alloc_context3(codec) else { throw fail("out of memory") }
        videoStream = vs
        video = cc
        let odd = width % 2 != 0 || height % 2 != 0
        let isX264 = String(cString: codec.pointee.name) == "libx264"
        cc.pointee.width = Int32(width)
        cc.pointee.height = Int32(height)
        cc.pointee.time_base = AVRational(num: Int32(options.frameRate.denominator), den: Int32(options.frameRate.numerator))
        cc.pointee.framerate = AVRational(num: Int32(options.frameRate.numerator), den: Int32(options.frameRate.denominator))
        cc.pointee.pix_fmt = (options.fullChroma || odd) && isX264 ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P
        cc.pointee.gop_size = 25
        if globalHeader { cc.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        if isX264 {
            av_opt_set(cc.pointee.priv_data, "crf", "\(options.crf)", 0)
            av_opt_set(cc.pointee.priv_data, "preset", options.preset, 0)
        } else {
            cc.pointee.bit_rate = Int64(width * height * 8)
        }
        if odd && !isX264 { throw .invalidArgument("odd frame size \(width)×\(height) needs libx264") }
        try check(avcodec_open2(cc, codec, nil)) { fail("video encoder: \($0)") }
        try check(avcodec_parameters_from_context(vs.pointee.codecpar, cc)) { fail($0) }
        vs.pointee.time_base = cc.pointee.time_base
        vs.pointee.avg_frame_rate = cc.pointee.framerate

        frame = av_frame_alloc()
        guard let f = frame else { throw fail("out of memory") }
        f.pointee.format = cc.pointee.pix_fmt.rawValue
        f.pointee.width = Int32(width)
        f.pointee.height = Int32(height)
        try check(av_frame_get_buffer(f, 0)) { fail($0) }
        scaler = sws_getContext(Int32(width), Int32(height), AV_PIX_FMT_RGB24, Int32(width), Int32(height), cc.pointee.pix_fmt,
                                Int32(SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP), nil, nil, nil)
        if scaler == nil { throw fail("no colour converter") }

        // Audio: the source's packets copied when the container holds their codec, else mono AAC at the track's own rate.
        if let source = options.copyAudio {
            options.audio = nil
            if let copy = try AudioPacketCopier(source: source) {
                if avformat_query_codec(oc.pointee.oformat, copy.codecID, FF_COMPLIANCE_NORMAL) == 0 {
                    let container = String(cString: oc.pointee.oformat.pointee.name)
                    notes.append("the \(container) container cannot hold \(copy.streamDescription) audio: re-encoded as mono AAC")
                    options.audio = try AudioDecoder.decodeAtNativeRate(path: source.path)
                } else {
                    try copy.addStream(to: oc) { fail($0) }
                    copier = copy
                }
            }
        }
        if let track = options.audio, !track.samples.isEmpty {
            guard let aac = avcodec_find_encoder(AV_CODEC_ID_AAC) else { throw .unsupportedCodec("aac encoder") }
            guard let st = avformat_new_stream(oc, nil), let ac = avcodec_alloc_context3(aac) else { throw fail("out of memory") }
            audioStream = st
            audio = ac
            ac.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
            ac.pointee.sample_rate = Int32(track.sampleRate)
            av_channel_layout_default(&ac.pointee.ch_layout, 1)
            ac.pointee.bit_rate = 96_000
            ac.pointee.time_base = AVRational(num: 1, den: Int32(track.sampleRate))
            if globalHeader { ac.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            try check(avcodec_open2(ac, aac, nil)) { fail("audio encoder: \($0)") }
            try check(avcodec_parameters_from_context(st.pointee.codecpar, ac)) { fail($0) }
            st.pointee.time_base = ac.pointee.time_base
            audioFrame = av_frame_alloc()
        }
        packet = av_packet_alloc()
        if (oc.pointee.oformat.pointee.flags & AVFMT_NOFILE) == 0 {
            try check(avio_open(&oc.pointee.pb, "file:" + partialPath, AVIO_FLAG_WRITE)) { fail("cannot create file: \($0)") }
        }
        var settings: OpaquePointer?
        if format.map({ String(cString: $0.pointee.name) }) == "mp4" { av_dict_set(&settings, "movflags", "+faststart", 0) }
        defer { av_dict_free(&settings) }
        try check(avformat_write_header(oc, &settings)) { fail($0) }
        if let copier, copier.lead > 0 {
            videoLeadTicks = av_rescale_q(Int64((copier.lead * 1_000_000).rounded()), AVRational(num: 1, den: 1_000_000), vs.pointee.time_base)
        }
    }

    /// Closes everything; returns the first write error of the file (ENOSPC, short writes), if any.
    @discardableResult
    private func close() -> Int32 {
        var status: Int32 = 0
        if let oc = output {
            if (oc.pointee.oformat.pointee.flags & AVFMT_NOFILE) == 0, let pb = oc.pointee.pb {
                if pb.pointee.error < 0 { status = pb.pointee.error }
                avio_flush(pb)
                if status == 0, pb.pointee.error < 0 { status = pb.pointee.error }
                let closed = avio_closep(&oc.pointee.pb)
                if status == 0, closed < 0 { status = closed }
            }
            avformat_free_context(oc)
            output = nil
        }
        avcodec_free_context(&video)
        avcodec_free_context(&audio)
        av_frame_free(&frame)
        av_frame_free(&audioFrame)
        av_packet_free(&packet)
        copier = nil
        sws_freeContext(scaler)
        scaler = nil
        return status
    }

    // MARK: - Writing

    /// Appends a frame. `slot` places it at `slot` frame intervals from the start (for variable-frame-rate
    /// output that keeps the original timestamps of surviving frames); slots must increase.
    public func append(_ rgbFrame: VideoFrame, slot: Int? = nil) throws(MediaError) {
        guard !finished else { throw fail("append after finish") }
        guard rgbFrame.width == width, rgbFrame.height == height else {
            throw .invalidArgument("frame is \(rgbFrame.width)×\(rgbFrame.height), the file is \(width)×\(height)")
        }
        guard let cc = video, let f = frame, let scaler else { throw fail("encoder closed") }
        let pts = Int64(slot ?? Int(nextPTS))
        guard pts >= nextPTS else { throw .invalidArgument("slot \(pts) does not follow slot \(nextPTS - 1)") }
        try check(av_frame_make_writable(f)) { fail($0) }
        let converted = rgbFrame.rgb.withUnsafeBufferPointer { src in
            dropfill_sws_scale_to_frame(scaler, src.baseAddress, Int32(width * 3), Int32(height), f)
        }
        try check(converted) { fail($0) }
        f.pointee.pts = pts
        nextPTS = pts + 1
        try check(avcodec_send_frame(cc, f)) { fail($0) }
        try drain(cc, stream: videoStream)
        // Keep the audio abreast of the video so that the muxer interleaves without buffering the whole file.
        try writeAudio(until: Double(nextPTS) / options.frameRate.value)
    }

    /// Flushes the encoders, writes the trailer and moves the file into place.
    public func finish() throws(MediaError) {
        guard !finished, let oc = output, let cc = video else { return }
        try check(avcodec_send_frame(cc, nil)) { fail($0) }
        try drain(cc, stream: videoStream)
        try writeAudio(until: .infinity)
        if let ac = audio {
            try check(avcodec_send_frame(ac, nil)) { fail($0) }
            try drain(ac, stream: audioStream)
        }
        try checkWrite(av_write_trailer(oc))
        let written = close()
        if written < 0 {
            file.discard()
            try checkWrite(written)
        }
        finished = true
        do { try file.commit() } catch { throw .output(error) }
    }

    private func writeAudio(until seconds: Double) throws(MediaError) {
        if let copier, let oc = output {
            try copier.write(until: seconds + copier.lead, shift: copier.lead, into: oc) { fail($0) }
            return
        }
        guard let ac = audio, let af = audioFrame, let track = options.audio else { return }
        let frameSize = ac.pointee.frame_size > 0 ? Int(ac.pointee.frame_size) : 1024
        let limit = min(track.samples.count, seconds.isInfinite ? track.samples.count : Int(seconds * Double(track.sampleRate)))
        while audioCursor < limit {
            let n = min(frameSize, track.samples.count - audioCursor)
            if n < frameSize && !seconds.isInfinite { break }
            af.pointee.nb_samples = Int32(n)
            af.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            af.pointee.sample_rate = ac.pointee.sample_rate
            try check(av_channel_layout_copy(&af.pointee.ch_layout, &ac.pointee.ch_layout)) { fail($0) }
            try check(av_frame_get_buffer(af, 0)) { fail($0) }
            let cursor = audioCursor
            track.samples.withUnsafeBufferPointer { src in
                if let dst = dropfill_frame_data(af, 0), let base = src.baseAddress {
                    dst.withMemoryRebound(to: Float.self, capacity: n) { $0.update(from: base + cursor, count: n) }
                }
            }
            af.pointee.pts = Int64(audioCursor)
            audioCursor += n
            let sent = avcodec_send_frame(ac, af)
            av_frame_unref(af)
            try check(sent) { fail("audio: \($0)") }
            try drain(ac, stream: audioStream)
        }
    }

    private func drain(_ cc: UnsafeMutablePointer<AVCodecContext>, stream: UnsafeMutablePointer<AVStream>?) throws(MediaError) {
        guard let oc = output, let pkt = packet, let stream else { return }
        while true {
            let r = avcodec_receive_packet(cc, pkt)
            if r == dropfill_averror_eagain() || r == dropfill_averror_eof() { return }
            try check(r) { fail($0) }
            av_packet_rescale_ts(pkt, cc.pointee.time_base, stream.pointee.time_base)
            if stream == videoStream && videoLeadTicks != 0 {
                if pkt.pointee.pts != dropfill_nopts_value() { pkt.pointee.pts += videoLeadTicks }
                if pkt.pointee.dts != dropfill_nopts_value() { pkt.pointee.dts += videoLeadTicks }
            }
            pkt.pointee.stream_index = stream.pointee.index
            try checkWrite(av_interleaved_write_frame(oc, pkt))
        }
    }
}
