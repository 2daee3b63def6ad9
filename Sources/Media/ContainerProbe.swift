import CFFmpeg

/// Asks FFmpeg whether a file is a video it can read, from the container's header alone (nothing is decoded
/// beyond what `avformat_find_stream_info` reads to learn the streams).
public enum ContainerProbe {
    /// The demuxer's name (e.g. "flv", "mov,mp4,m4a,3gp,3g2,mj2") when FFmpeg opens `path` and finds a video stream in
    /// a moving-picture container; throws otherwise. Single images (`png_pipe`, `image2`, …) and text shown as video
    /// (`tty`) do not count: they are not clips.
    public static func videoFormat(path: String) throws(MediaError) -> String {
        let file = try InputFile(path: path)
        guard let index = file.videoStreamIndex, let stream = file.stream(index) else { throw .noVideoStream(path) }
        let name = file.context?.pointee.iformat.map { String(cString: $0.pointee.name) } ?? ""
        if name.hasSuffix("_pipe") || name == "image2" || name == "tty" || stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 {
            throw .noVideoStream(path)
        }
        return name
    }
}
