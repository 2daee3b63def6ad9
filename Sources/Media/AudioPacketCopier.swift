import CFFmpeg

/// Where `VideoEncoder` takes the audio it copies untouched: the best audio stream of a file.
public struct AudioCopySource: Sendable, Equatable {
    /// The file whose audio packets are copied.
    public var path: String
    /// The time of `path` (seconds, its own timestamps) that the output's first video frame stands for; nil: the start
    /// of `path`'s video stream. Audio keeps its offset to this origin, so an A/V offset of the source survives.
    public var videoOrigin: Double?

    public init(path: String, videoOrigin: Double? = nil) {
        self.path = path
        self.videoOrigin = videoOrigin
    }
}

/// Copies the audio packets of a source file into an output context untouched, read lazily in step with the video.
///
/// The codec parameters are copied (`avcodec_parameters_copy`), the timestamps are moved to the video's origin and
/// rescaled to the output stream's time base, and packets are handed to `av_interleaved_write_frame` only up to the
/// time the video has reached, so at most one packet of the source is held here whatever the length.
final class AudioPacketCopier {
    private let input: InputFile
    private let sourceIndex: Int32
    private let sourceTimeBase: AVRational
    /// The video origin in the source's audio time base.
    private let originTicks: Int64
    /// Seconds by which the audio starts before the video origin (0 when it starts at or after it).
    let lead: Double
    private(set) var stream: UnsafeMutablePointer<AVStream>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var pending = false
    private var exhausted = false
    /// Packets copied so far.
    private(set) var copied = 0

    /// Opens the audio of `source`; nil when the file has no audio stream.
    init?(source: AudioCopySource) throws(MediaError) {
        let input = try InputFile(path: source.path)
        guard let index = input.audioStreamIndex, let st = input.stream(index) else { return nil }
        self.input = input
        sourceIndex = index
        sourceTimeBase = st.pointee.time_base
        let origin = source.videoOrigin ?? Self.startSeconds(input.videoStreamIndex.flatMap { input.stream($0) }) ?? 0
        let audioStart = Self.startSeconds(st) ?? 0
        lead = max(0, origin - audioStart)
        originTicks = av_rescale_q(Int64((origin * 1_000_000).rounded()), AVRational(num: 1, den: 1_000_000), st.pointee.time_base)
        packet = av_packet_alloc()
        if packet == nil { throw .encodeFailed(path: source.path, reason: "out of memory") }
    }

    deinit { av_packet_free(&packet) }

    /// The source stream's codec (for the container check).
    var codecID: AVCodecID { input.stream(sourceIndex)?.pointee.codecpar.pointee.codec_id ?? AV_CODEC_ID_NONE }

    /// A short description of the copied stream, e.g. "aac, 2 channels, 44100 Hz".
    var streamDescription: String {
        guard let par = input.stream(sourceIndex)?.pointee.codecpar.pointee else { return "audio" }
        return "\(String(cString: avcodec_get_name(par.codec_id))), \(par.ch_layout.nb_channels) channel(s), \(par.sample_rate) Hz"
    }

    /// Adds the output stream to `output` with the source's codec parameters (before the header is written).
    func addStream(to output: UnsafeMutablePointer<AVFormatContext>, failure: (String) -> MediaError) throws(MediaError) {
        guard let src = input.stream(sourceIndex), let st = avformat_new_stream(output, nil) else { throw failure("out of memory") }
        try check(avcodec_parameters_copy(st.pointee.codecpar, src.pointee.codecpar)) { failure("audio parameters: \($0)") }
        // Let the muxer choose the tag its own container uses for the codec.
        st.pointee.codecpar.pointee.codec_tag = 0
        st.pointee.time_base = src.pointee.time_base
        st.pointee.disposition = src.pointee.disposition
        av_dict_copy(&st.pointee.metadata, src.pointee.metadata, 0)
        stream = st
    }

    /// Writes every source packet whose time (from the video origin, plus `shift` seconds) is at most `seconds`.
    func write(until seconds: Double, shift: Double, into output: UnsafeMutablePointer<AVFormatContext>,
               failure: (String) -> MediaError) throws(MediaError) {
        guard let st = stream, let pkt = packet else { return }
        while true {
            if !pending {
                guard !exhausted else { return }
                var found = false
                while try input.readPacket(pkt) {
                    if pkt.pointee.stream_index == sourceIndex { found = true; break }
                    av_packet_unref(pkt)
                }
                if !found { exhausted = true; return }
                pending = true
            }
            let ticks = pkt.pointee.pts != dropfill_nopts_value() ? pkt.pointee.pts : pkt.pointee.dts
            if ticks != dropfill_nopts_value() && seconds.isFinite
                && Double(ticks - originTicks) * av_q2d(sourceTimeBase) + shift > seconds { return }
            let shiftTicks = av_rescale_q(Int64((shift * 1_000_000).rounded()), AVRational(num: 1, den: 1_000_000), sourceTimeBase)
            if pkt.pointee.pts != dropfill_nopts_value() { pkt.pointee.pts += shiftTicks - originTicks }
            if pkt.pointee.dts != dropfill_nopts_value() { pkt.pointee.dts += shiftTicks - originTicks }
            av_packet_rescale_ts(pkt, sourceTimeBase, st.pointee.time_base)
            pkt.pointee.stream_index = st.pointee.index
            pkt.pointee.pos = -1
            pending = false
            copied += 1
            // av_interleaved_write_frame takes the packet's reference and leaves `pkt` blank.
            try check(av_interleaved_write_frame(output, pkt)) { failure("audio: \($0)") }
        }
    }

    /// The start of a stream in seconds (its `start_time`), nil when unknown.
    private static func startSeconds(_ st: UnsafeMutablePointer<AVStream>?) -> Double? { StreamStartTimes.seconds(st) }
}
