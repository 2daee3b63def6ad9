import CFFmpeg

/// A mono Float32 audio track at a known sample rate.
public struct AudioTrack: Sendable, Equatable {
    /// The engine's audio rate: 16 kHz, as the paper's features assume.
    public static let engineSampleRate = 16_000

    public var samples: [Float]
    public var sampleRate: Int

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Length in seconds.
    public var duration: Double { sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0 }
}

/// Decodes the audio stream of a file, downmixed to mono and resampled (swresample).
public enum AudioDecoder {
    /// The whole audio track of `path`, mono, at `sampleRate` (16 kHz by default).
    /// Throws `MediaError.noAudioStream` when the file has none.
    public static func decode(path: String, sampleRate: Int = AudioTrack.engineSampleRate) throws(MediaError) -> AudioTrack {
        guard sampleRate >= 1000, sampleRate <= 384_000 else { throw .invalidArgument("sample rate \(sampleRate)") }
        let input = try InputFile(path: path)
        guard let index = input.audioStreamIndex else { throw .noAudioStream(path) }
        var samples: [Float] = []
        _ = try run(input: input, stream: index, targetRate: sampleRate) { chunk in samples.append(contentsOf: chunk) }
        return AudioTrack(samples: samples, sampleRate: sampleRate)
    }

    /// The whole audio track, mono, at the stream's own sample rate (clamped to 8–96 kHz): what `restore` writes back.
    public static func decodeAtNativeRate(path: String) throws(MediaError) -> AudioTrack {
        let input = try InputFile(path: path)
        guard let index = input.audioStreamIndex else { throw .noAudioStream(path) }
        let native = input.stream(index).flatMap { $0.pointee.codecpar }.map { Int($0.pointee.sample_rate) } ?? engineRate
        let rate = max(8000, min(96_000, native > 0 ? native : engineRate))
        var samples: [Float] = []
        _ = try run(input: input, stream: index, targetRate: rate) { chunk in samples.append(contentsOf: chunk) }
        return AudioTrack(samples: samples, sampleRate: rate)
    }

    private static var engineRate: Int { AudioTrack.engineSampleRate }

    /// Decodes the audio of `path` mono at `sampleRate` chunk by chunk, handing each chunk to `sink` without keeping
    /// the track (for consumers whose memory must not grow with the clip). Throws `noAudioStream` without audio.
    public static func stream(path: String, sampleRate: Int = AudioTrack.engineSampleRate,
                              sink: (UnsafeBufferPointer<Float>) -> Void) throws(MediaError) {
        guard sampleRate >= 1000, sampleRate <= 384_000 else { throw .invalidArgument("sample rate \(sampleRate)") }
        let input = try InputFile(path: path)
        guard let index = input.audioStreamIndex else { throw .noAudioStream(path) }
        _ = try run(input: input, stream: index, targetRate: sampleRate, sink: sink)
    }


    /// Counts samples per channel at the native rate and after resampling, without keeping them.
    static func countSamples(input: InputFile, stream: Int32, targetRate: Int) throws(MediaError)
        -> (native: Int, resampled: Int, damaged: Int)
    {
        var resampled = 0
        let (native, damaged) = try run(input: input, stream: stream, targetRate: targetRate) { resampled += $0.count }
        return (native, resampled, damaged)
    }

    /// Decodes and resamples the stream, handing each converted chunk to `sink`.
    /// Returns the native sample count per channel and the number of damaged packets.
    private static func run(input: InputFile, stream: Int32, targetRate: Int,
                            sink: (UnsafeBufferPointer<Float>) -> Void) throws(MediaError) -> (Int, Int)
    {
        let decoder = try StreamDecoder(input: input, streamIndex: stream)
        var frame = av_frame_alloc()
        defer { av_frame_free(&frame) }
        guard let frame else { throw .decodeFailed(path: input.path, reason: "out of memory") }
        var swr: OpaquePointer?
        defer { swr_free(&swr) }
        var out = [Float](repeating: 0, count: 8192)
        var native = 0
        while try decoder.next(into: frame) {
            defer { av_frame_unref(frame) }
            if swr == nil {
                var outLayout = AVChannelLayout()
                av_channel_layout_default(&outLayout, 1)
                var inLayout = frame.pointee.ch_layout
                if inLayout.order == AV_CHANNEL_ORDER_UNSPEC {
                    av_channel_layout_default(&inLayout, max(1, frame.pointee.ch_layout.nb_channels))
                }
                try check(swr_alloc_set_opts2(&swr, &outLayout, AV_SAMPLE_FMT_FLT, Int32(targetRate), &inLayout,
                                              AVSampleFormat(rawValue: frame.pointee.format), frame.pointee.sample_rate, 0, nil))
                { .decodeFailed(path: input.path, reason: "resampler: \($0)") }
                try check(swr_init(swr)) { .decodeFailed(path: input.path, reason: "resampler: \($0)") }
            }
            native += Int(frame.pointee.nb_samples)
            let needed = Int(swr_get_out_samples(swr, frame.pointee.nb_samples)) + 16
            if needed > out.count { out = [Float](repeating: 0, count: needed) }
            let n = out.withUnsafeMutableBufferPointer { dropfill_swr_convert_frame(swr, frame, $0.baseAddress, Int32($0.count)) }
            if n < 0 { throw .decodeFailed(path: input.path, reason: "resampler: \(ffmpegMessage(n))") }
            out.withUnsafeBufferPointer { sink(UnsafeBufferPointer(rebasing: $0[0..<Int(n)])) }
        }
        // Drain what the resampler holds back.
        if swr != nil {
            while true {
                let n = out.withUnsafeMutableBufferPointer { dropfill_swr_convert_frame(swr, nil, $0.baseAddress, Int32($0.count)) }
                if n <= 0 { break }
                out.withUnsafeBufferPointer { sink(UnsafeBufferPointer(rebasing: $0[0..<Int(n)])) }
            }
        }
        return (native, decoder.damagedPackets)
    }
}
