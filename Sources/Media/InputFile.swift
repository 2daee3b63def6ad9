import CFFmpeg

/// An opened media file: the demuxer and the index of its best video and audio streams.
///
/// Owns the `AVFormatContext`; decoders borrow it. Not thread-safe: one reader at a time.
final class InputFile {
    let path: String
    private(set) var context: UnsafeMutablePointer<AVFormatContext>?
    /// Index of the best video stream, if any.
    let videoStreamIndex: Int32?
    /// Index of the best audio stream, if any.
    let audioStreamIndex: Int32?

    init(path: String) throws(MediaError) {
        _ = quietFFmpeg
        try MediaPath.validateReadable(path)
        self.path = path
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        // "file:" keeps FFmpeg from reading a colon in the name as a protocol; image sequences stay literal names.
        var settings: OpaquePointer?
        av_dict_set(&settings, "pattern_type", "none", 0)
        defer { av_dict_free(&settings) }
        try check(avformat_open_input(&ctx, "file:" + path, nil, &settings)) { .unreadable(path: path, reason: $0) }
        guard let opened = ctx else { throw .unreadable(path: path, reason: "no format context") }
        if avformat_find_stream_info(opened, nil) < 0 {
            avformat_close_input(&ctx)
            throw .unreadable(path: path, reason: "no stream information")
        }
        context = opened
        let v = av_find_best_stream(opened, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        let a = av_find_best_stream(opened, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        videoStreamIndex = v >= 0 ? v : nil
        audioStreamIndex = a >= 0 ? a : nil
        if videoStreamIndex == nil && audioStreamIndex == nil {
            avformat_close_input(&ctx)
            context = nil
            throw .unreadable(path: path, reason: "no audio or video stream")
        }
    }

    deinit { avformat_close_input(&context) }

    /// The stream at `index`.
    func stream(_ index: Int32) -> UnsafeMutablePointer<AVStream>? {
        guard let ctx = context, index >= 0, index < Int32(ctx.pointee.nb_streams) else { return nil }
        return ctx.pointee.streams[Int(index)]
    }

    /// Opens a decoder for the stream at `index`.
    func openDecoder(stream index: Int32, threads: Int32 = 0) throws(MediaError) -> UnsafeMutablePointer<AVCodecContext> {
        guard let st = stream(index), let par = st.pointee.codecpar else { throw .unreadable(path: path, reason: "missing stream \(index)") }
        guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
            throw .unsupportedCodec(String(cString: avcodec_get_name(par.pointee.codec_id)))
        }
        guard let cc = avcodec_alloc_context3(codec) else { throw .decodeFailed(path: path, reason: "out of memory") }
        var maybe: UnsafeMutablePointer<AVCodecContext>? = cc
        if avcodec_parameters_to_context(cc, par) < 0 {
            avcodec_free_context(&maybe)
            throw .decodeFailed(path: path, reason: "bad codec parameters")
        }
        cc.pointee.thread_count = threads
        cc.pointee.pkt_timebase = st.pointee.time_base
        let status = avcodec_open2(cc, codec, nil)
        if status < 0 {
            avcodec_free_context(&maybe)
            throw .decodeFailed(path: path, reason: ffmpegMessage(status))
        }
        return cc
    }

    /// Reads the next packet into `packet`; false at the end of the file.
    func readPacket(_ packet: UnsafeMutablePointer<AVPacket>) throws(MediaError) -> Bool {
        guard let ctx = context else { return false }
        let status = av_read_frame(ctx, packet)
        if status == dropfill_averror_eof() { return false }
        // A truncated file ends in an I/O or invalid-data error: treat it as the end of what can be read.
        if status < 0 { return false }
        return true
    }
}

// MARK: - Decoding loop

/// Pulls decoded frames of one stream out of an `InputFile`, feeding packets as needed.
final class StreamDecoder {
    let input: InputFile
    let streamIndex: Int32
    let codec: UnsafeMutablePointer<AVCodecContext>
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var flushed = false
    private(set) var finished = false
    /// Packets the decoder rejected (damaged data): counted, and decoding goes on.
    private(set) var damagedPackets = 0

    init(input: InputFile, streamIndex: Int32, threads: Int32 = 0) throws(MediaError) {
        self.input = input
        self.streamIndex = streamIndex
        self.codec = try input.openDecoder(stream: streamIndex, threads: threads)
        self.packet = av_packet_alloc()
    }

    deinit {
        av_packet_free(&packet)
        var c: UnsafeMutablePointer<AVCodecContext>? = codec
        avcodec_free_context(&c)
    }

    /// Decodes the next frame into `frame`; false when the stream is exhausted.
    func next(into frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) -> Bool {
        guard let packet else { throw .decodeFailed(path: input.path, reason: "out of memory") }
        while !finished {
            let r = avcodec_receive_frame(codec, frame)
            if r >= 0 { return true }
            if r == dropfill_averror_eof() { finished = true; return false }
            if r != dropfill_averror_eagain() { throw .decodeFailed(path: input.path, reason: ffmpegMessage(r)) }
            if flushed { finished = true; return false }
            // Feed the next packet of our stream.
            var fed = false
            while try input.readPacket(packet) {
                defer { av_packet_unref(packet) }
                guard packet.pointee.stream_index == streamIndex else { continue }
                let s = avcodec_send_packet(codec, packet)
                if s < 0 && s != dropfill_averror_eagain() { damagedPackets += 1; continue }
                fed = true
                break
            }
            if !fed {
                avcodec_send_packet(codec, nil)
                flushed = true
            }
        }
        return false
    }
}
