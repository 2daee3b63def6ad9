import CFFmpeg

/// What a video stream declares about itself.
public struct VideoStreamInfo: Sendable, Codable, Equatable {
    public var index: Int
    public var codec: String
    public var width: Int
    public var height: Int
    /// The stream's frame rate as FFmpeg guesses it (`r_frame_rate`, else the average rate).
    public var frameRate: Rational
    /// The average frame rate (`avg_frame_rate`): frames divided by duration.
    public var averageFrameRate: Rational
    /// Frame count declared in the container header (0 when not declared).
    public var declaredFrameCount: Int
    public var pixelFormat: String

    init(stream st: UnsafeMutablePointer<AVStream>, codec cc: UnsafeMutablePointer<AVCodecContext>?) {
        let par = st.pointee.codecpar.pointee
        index = Int(st.pointee.index)
        codec = String(cString: avcodec_get_name(par.codec_id))
        width = Int(par.width)
        height = Int(par.height)
        let r = st.pointee.r_frame_rate, a = st.pointee.avg_frame_rate
        averageFrameRate = Rational(Int(a.num), Int(a.den))
        frameRate = r.num > 0 && r.den > 0 ? Rational(Int(r.num), Int(r.den)) : averageFrameRate
        declaredFrameCount = Int(st.pointee.nb_frames)
        let fmt = av_get_pix_fmt_name(AVPixelFormat(rawValue: par.format))
        pixelFormat = fmt.map { String(cString: $0) } ?? "unknown"
    }
}

/// What an audio stream declares about itself.
public struct AudioStreamInfo: Sendable, Codable, Equatable {
    public var index: Int
    public var codec: String
    public var sampleRate: Int
    public var channels: Int

    init(stream st: UnsafeMutablePointer<AVStream>) {
        let par = st.pointee.codecpar.pointee
        index = Int(st.pointee.index)
        codec = String(cString: avcodec_get_name(par.codec_id))
        sampleRate = Int(par.sample_rate)
        channels = Int(par.ch_layout.nb_channels)
    }
}

/// A stretch of missing frames found from timestamps: the signature of frames dropped before the file was written.
public struct TimestampGap: Sendable, Codable, Equatable {
    /// Index (in decode order) of the frame that follows the gap.
    public var afterFrame: Int
    /// Timestamp of the frame before the gap, seconds.
    public var from: Double
    /// Timestamp of the frame after the gap, seconds.
    public var to: Double
    /// Frames missing in the gap, measured in nominal frame intervals.
    public var missingFrames: Int
}

/// Every fact `dropfill probe` reports about a file.
public struct MediaInfo: Sendable, Codable, Equatable {
    public var path: String
    public var container: String
    public var fileSize: Int
    /// Duration in seconds (container's, else the longest stream's).
    public var duration: Double
    public var video: VideoStreamInfo?
    public var audio: AudioStreamInfo?
    /// Frames decoded from the video stream (exact: every frame is decoded).
    public var frameCount: Int
    /// Audio samples per channel at the stream's own rate (exact: every packet is decoded).
    public var audioSampleCount: Int
    /// Audio samples after resampling to 16 kHz mono, the engine's audio format.
    public var audioSampleCount16k: Int
    /// The nominal frame interval in seconds: the median of the timestamp differences.
    public var nominalFrameInterval: Double?
    /// Gaps: intervals longer than 1.5 nominal intervals.
    public var timestampGaps: [TimestampGap]
    /// Frames that carried no timestamp.
    public var framesWithoutTimestamp: Int
    /// Total frames missing across all gaps.
    public var missingFrames: Int { timestampGaps.reduce(0) { $0 + $1.missingFrames } }
    /// Packets the decoder rejected as damaged (a truncated or corrupt file).
    public var damagedPackets: Int
}

// MARK: - Probing

extension MediaInfo {
    /// Reads everything about the file at `path`: its streams, and by decoding every frame and audio
    /// packet, exact counts and the timestamp gaps.
    public static func probe(path: String) throws(MediaError) -> MediaInfo {
        let input = try InputFile(path: path)
        guard let ctx = input.context else { throw .unreadable(path: path, reason: "closed") }
        let container = ctx.pointee.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        var duration = ctx.pointee.duration > 0 ? Double(ctx.pointee.duration) / Double(AV_TIME_BASE) : 0
        let size = Int(avio_size(ctx.pointee.pb))
        var video: VideoStreamInfo?
        var audio: AudioStreamInfo?
        var frameCount = 0, damaged = 0, missingTS = 0
        var timestamps: [Double] = []
        if let v = input.videoStreamIndex, let st = input.stream(v) {
            let decoder = try StreamDecoder(input: input, streamIndex: v)
            video = VideoStreamInfo(stream: st, codec: decoder.codec)
            let tb = av_q2d(st.pointee.time_base)
            var frame = av_frame_alloc()
            defer { av_frame_free(&frame) }
            guard let f = frame else { throw .decodeFailed(path: path, reason: "out of memory") }
            while try decoder.next(into: f) {
                let ts = f.pointee.best_effort_timestamp
                if ts == dropfill_nopts_value() { missingTS += 1 } else { timestamps.append(Double(ts) * tb) }
                frameCount += 1
                av_frame_unref(f)
            }
            damaged += decoder.damagedPackets
        }
        var samples = 0, samples16k = 0
        if input.audioStreamIndex != nil {
            let audioInput = try InputFile(path: path)
            if let a = audioInput.audioStreamIndex, let st = audioInput.stream(a) {
                audio = AudioStreamInfo(stream: st)
                let counts = try AudioDecoder.countSamples(input: audioInput, stream: a, targetRate: AudioTrack.engineSampleRate)
                samples = counts.native
                samples16k = counts.resampled
                damaged += counts.damaged
            }
        }
        if duration == 0 {
            duration = max(timestamps.last ?? 0, Double(samples) / Double(max(1, audio?.sampleRate ?? 1)))
        }
        let declared = video.map { $0.frameRate.value > 0 ? 1 / $0.frameRate.value : 0 }
        let (interval, gaps) = TimestampGapFinder.gaps(in: timestamps, declaredInterval: declared)
        return MediaInfo(path: path, container: container, fileSize: size, duration: duration, video: video, audio: audio,
                         frameCount: frameCount, audioSampleCount: samples, audioSampleCount16k: samples16k,
                         nominalFrameInterval: interval, timestampGaps: gaps, framesWithoutTimestamp: missingTS,
                         damagedPackets: damaged)
    }
}

/// Finds gaps in a sequence of frame timestamps.
///
/// The nominal frame interval is the first of these that the timestamps agree with (90% of the intervals within a
/// quarter interval of a whole multiple): the stream's declared interval (`r_frame_rate`), the shortest interval, the
/// median interval. The declared rate comes first because in a file that lost most of its frames the median interval
/// is a multiple of the true one; the median comes last because a declared rate can be wrong.
public enum TimestampGapFinder {
    /// The nominal interval and every interval over 1.5 times it.
    public static func gaps(in timestamps: [Double], declaredInterval: Double? = nil) -> (interval: Double?, gaps: [TimestampGap]) {
        guard let nominal = nominalInterval(timestamps, declared: declaredInterval) else { return (nil, []) }
        var gaps: [TimestampGap] = []
        for i in timestamps.indices.dropFirst() {
            let d = timestamps[i] - timestamps[i - 1]
            guard d > 1.5 * nominal else { continue }
            let missing = Int((d / nominal).rounded()) - 1
            gaps.append(TimestampGap(afterFrame: i, from: timestamps[i - 1], to: timestamps[i], missingFrames: max(1, missing)))
        }
        return (nominal, gaps)
    }

    /// The nominal frame interval of `timestamps` (nil for fewer than two increasing timestamps).
    public static func nominalInterval(_ timestamps: [Double], declared: Double? = nil) -> Double? {
        let deltas = zip(timestamps.dropFirst(), timestamps).map { $0 - $1 }.filter { $0 > 0 }.sorted()
        guard let shortest = deltas.first else { return nil }
        let median = deltas[deltas.count / 2]
        func fits(_ unit: Double) -> Bool {
            guard unit > 0, unit.isFinite, shortest >= 0.75 * unit else { return false }
            let good = deltas.filter { abs($0 / unit - ($0 / unit).rounded()) < 0.25 }.count
            return Double(good) >= 0.9 * Double(deltas.count)
        }
        for candidate in [declared, shortest].compactMap({ $0 }) where fits(candidate) { return candidate }
        return median
    }
}
