import Foundation
import Media
import SafeOutput

/// Writes a frame-dropped copy of a clip with its complete audio, and its truth file (the engine of `dropfill drop`).
public enum FrameDropper {
    /// Options of one drop run.
    public struct Options: Sendable {
        public var settings: DropSettings
        public var timestamps: TimestampMode
        /// x264 quality of the output (18: visually lossless).
        public var crf: Int
        /// x264 preset.
        public var preset: String

        public init(settings: DropSettings, timestamps: TimestampMode = .keep, crf: Int = 18, preset: String = "medium") {
            self.settings = settings
            self.timestamps = timestamps
            self.crf = crf
            self.preset = preset
        }
    }

    /// Drops frames from `input` into `output` and writes the truth file (at `truthPath`, default
    /// `TruthFile.defaultPath(forVideo: output)`).
    ///
    /// The input is decoded twice (once by `MediaInfo.probe` to count frames exactly, once to copy the survivors), so
    /// memory stays bounded on long inputs. The audio stream is copied untouched, packet by packet, keeping its offset to
    /// the first video frame (re-encoded as mono AAC only when the output's container cannot hold its codec). Frame i of the source (decode order) is position i in the truth file. With `.keep`, each
    /// surviving frame is written at its own source time (rounded to the frame grid, relative to the first frame), which
    /// for a constant-rate source is slot i; a source that already lost frames keeps its own gaps too.
    /// `progress(done, total)` is called per frame.
    @discardableResult
    public static func drop(input: String, output: String, options: Options, truthPath: String? = nil,
                            progress: ((Int, Int) -> Void)? = nil) throws(CorpusError) -> TruthFile
    {
        let truthTarget = truthPath ?? TruthFile.defaultPath(forVideo: output)
        do { try OutputPlan.current.preflight(outputs: [output, truthTarget], inputs: [input]) } catch { throw .media(.output(error)) }
        let info: MediaInfo
        do { info = try MediaInfo.probe(path: input) } catch { throw .media(error) }
        guard let stream = info.video else { throw .media(.noVideoStream(input)) }
        let n = info.frameCount
        let mask = try DropSimulation.keepMask(frameCount: n, settings: options.settings)
        let positions = DropSimulation.survivingPositions(mask)
        let rate = stream.frameRate.numerator > 0 && stream.frameRate.denominator > 0 ? stream.frameRate : Rational(25, 1)
        do {
            let audio = info.audio == nil ? nil : AudioCopySource(path: input)
            let decoder = try VideoDecoder(path: input)
            let size = decoder.outputSize
            let encoder = try VideoEncoder(path: output, width: size.width, height: size.height,
                                           options: EncodeOptions(frameRate: rate, crf: options.crf, preset: options.preset, copyAudio: audio),
                                           inputs: [input])
            var slot = 0, lastOutputSlot = -1
            var firstTime: Double?
            while let frame = try decoder.nextFrame() {
                if firstTime == nil { firstTime = frame.timestamp }
                if slot < n, mask[slot] {
                    if options.timestamps == .keep {
                        // The frame's own time in frame intervals (equal to its index in a constant-rate source).
                        let timed = frame.timestamp.map { t in Int(((t - (firstTime ?? 0)) * rate.value).rounded()) } ?? slot
                        lastOutputSlot = max(lastOutputSlot + 1, timed)
                        try encoder.append(frame, slot: lastOutputSlot)
                    } else {
                        try encoder.append(frame)
                    }
                }
                slot += 1
                progress?(slot, n)
            }
            guard slot == n else {
                throw CorpusError.truthMismatch("\(input) decoded to \(slot) frames on the second pass, \(n) on the first")
            }
            try encoder.finish()
            let truth = TruthFile(source: input, originalFrameCount: n, frameRate: rate, width: size.width, height: size.height,
                                  settings: options.settings, timestamps: options.timestamps, positions: positions)
            try truth.save(path: truthTarget, inputs: [input, output])
            return truth
        } catch let error as MediaError {
            throw .media(error)
        } catch let error as CorpusError {
            throw error
        } catch {
            throw .io(path: output, reason: "\(error)")
        }
    }
}
