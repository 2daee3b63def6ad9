import CFFmpeg

/// Where a file's best video and audio streams start on the file's clock, in seconds.
///
/// These are the demuxer's `start_time`s, after it applied the container's edit lists (FFmpeg's MP4/MOV demuxer
/// honours them by default), so a video whose edit list delays it behind the audio reports that delay here and in
/// its frames' timestamps alike. The slot grid of a dropped clip is anchored at the audio's start with them.
public struct StreamStartTimes: Sendable, Equatable {
    /// Start of the video stream, nil when unknown or absent.
    public var video: Double?
    /// Start of the audio stream, nil when unknown or absent.
    public var audio: Double?

    public init(video: Double?, audio: Double?) {
        self.video = video
        self.audio = audio
    }

    /// The start times of `path`'s best video and audio streams.
    public static func read(path: String) throws(MediaError) -> StreamStartTimes {
        let input = try InputFile(path: path)
        return StreamStartTimes(video: seconds(input.videoStreamIndex.flatMap { input.stream($0) }),
                                audio: seconds(input.audioStreamIndex.flatMap { input.stream($0) }))
    }

    /// A stream's `start_time` in seconds, nil when unknown.
    static func seconds(_ st: UnsafeMutablePointer<AVStream>?) -> Double? {
        guard let st, st.pointee.start_time != dropfill_nopts_value() else { return nil }
        let s = Double(st.pointee.start_time) * av_q2d(st.pointee.time_base)
        return s.isFinite ? s : nil
    }
}
