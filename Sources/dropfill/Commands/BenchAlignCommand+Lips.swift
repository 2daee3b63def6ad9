import Alignment
import Corpus
import Foundation
import Media
import Phonetics
import Pipeline

extension BenchAlignCommand {
    /// The LibriVox readings of Debian's pocketsphinx-testdata, read in turn until `seconds` of speech (phone decoding
    /// takes longer on speech than on noise, so its time is measured on speech); nil when none is installed.
    static func speech(seconds: Double) -> [Float]? {
        let folder = "/usr/share/pocketsphinx/test/data/librivox"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder).filter({ $0.hasSuffix(".wav") }).sorted(),
              !names.isEmpty else { return nil }
        let tracks = names.compactMap { try? AudioDecoder.decode(path: (folder as NSString).appendingPathComponent($0)).samples }
        guard !tracks.isEmpty else { return nil }
        let want = Int(seconds * 16_000)
        var out: [Float] = []
        out.reserveCapacity(want)
        while out.count < want { for t in tracks where out.count < want { out += t.prefix(want - out.count) } }
        return out
    }

    /// The fused aligner's stages (`posterior-lips`): phones, slot cues and the lip-geometry model, landmarks of the
    /// survivors, the fused posterior with EM; `frames` are the survivors (256² RGB), `d` Ali-Net's distances,
    /// `cue` the thumbnail changes.
    func lipsStages(frames: [[UInt8]], slots n: Int, distances d: DistanceMatrix, change cue: [Float], aliNet: AliNetModel,
                    time: (() throws -> Void) throws -> Double) throws -> [Row] {
        var rows: [Row] = []
        guard let audio = Self.speech(seconds: seconds) else {
            FileHandle.standardError.write(Data(("bench align: pocketsphinx-testdata is not installed; the phone stages are skipped" + "\n").utf8))
            return rows
        }
        let recognizer = ModelLocator.forProcess(alignerModel: model).phoneRecognizer()
        guard recognizer.isAvailable else {
            FileHandle.standardError.write(Data(("bench align: pocketsphinx-en-us is not installed; the phone stages are skipped" + "\n").utf8))
            return rows
        }
        let lips = ModelLocator.forProcess(alignerModel: model).lipsModelPath().flatMap { try? LipGeometryModel.load(path: $0) } ?? LipGeometryModel()
        let calibration = LipsCalibration.stored(in: lips) ?? LipsCalibration()
        var phones: [PhoneSegment] = []
        rows.append(Row(stage: "phones (pocketsphinx, \(Int(seconds)) s of speech)", seconds: try time {
            phones = try recognizer.decode(samples: audio)
        }))
        var expected: [Float] = []
        rows.append(Row(stage: "slot cues + lip model (\(n))", seconds: try time {
            expected = try lips.predict(try SlotAudio(track: AudioTrack(samples: audio, sampleRate: AudioTrack.engineSampleRate), fps: fps,
                                                               slotCount: n).cues(phones: phones))
        }))
        let videoFrames = try frames.map { try VideoFrame(width: 256, height: 256, rgb: $0) }
        var observed: [[Float]?] = []
        if let source = LipGeometrySource.dlib() {
            rows.append(Row(stage: "landmarks + lip geometry (\(frames.count))", seconds: try time {
                observed = source.measure(videoFrames)
            }))
        } else {
            FileHandle.standardError.write(Data(("bench align: dlib's shape predictor is not installed; the landmark stage is skipped" + "\n").utf8))
        }
        // Noise frames hold no face: the bench times the posterior on a stand-in geometry of the real size.
        let stand = (0..<frames.count).map { i in (0..<lips.configuration.outputs).map { Float(sin(Double(i * 7 + $0))) } }
        let geometry = observed.compactMap { $0 }.count >= 3 ? observed : stand
        let cueModel = try LipGeometryCue(observed: geometry, expected: expected, slotCount: n, dimension: lips.configuration.outputs,
                                          whitening: lips.whitening)
        let estimator = calibration.estimator(aliNet: aliNet.calibration, geometry: cueModel, name: "posterior-lips")
        rows.append(Row(stage: "fused posterior + EM (\(estimator.iterations) iterations)", seconds: try time {
            _ = try estimator.estimate(AlignmentInput(distances: d, visualChange: cue))
        }))
        return rows
    }

    /// The default aligner in one call, as `restore` and `align` run it (`LipsClipAligner.align(survivors:…)`):
    /// real face crops (`faces`, cycled to k survivors) and `seconds` of speech; the survivors' landmarks, mouth
    /// crops and thumbnails, the phones, Ali-Net's distances and the fused posterior. A fresh aligner per repetition
    /// (the phones are not cached from the last one); nil, with a line on stderr, when the sample clip, the speech or
    /// a model is missing.
    func oneCallRow(faces path: String, survivors k: Int, slots n: Int,
                    time: (() throws -> Void) throws -> Double) throws -> Row? {
        func skip(_ why: String) -> Row? {
            FileHandle.standardError.write(Data(("bench align: \(why); the one-call total is skipped" + "\n").utf8))
            return nil
        }
        guard FileManager.default.fileExists(atPath: path) else { return skip("\(path) not found (run from the checkout or give --faces)") }
        guard let speech = Self.speech(seconds: seconds) else { return skip("pocketsphinx-testdata is not installed") }
        guard let made = try LipsCatalog.make("posterior-lips", locator: ModelLocator.forProcess(alignerModel: model)) as? LipsClipAligner,
              made.lips != nil, made.geometry != nil, made.recognizer.isAvailable else {
            return skip("the lip model, dlib's shape predictor or pocketsphinx-en-us is missing")
        }
        let clip = try PreparedClip.load(Clip(path: path, relativePath: (path as NSString).lastPathComponent, person: "bench"),
                                         preparation: ClipPreparation(crop: .face, size: 256))
        guard !clip.frames.isEmpty else { return skip("\(path) has no frames") }
        let survivors = (0..<k).map { clip.frames[$0 % clip.frames.count] }
        let track = AudioTrack(samples: speech, sampleRate: AudioTrack.engineSampleRate)
        return Row(stage: "total, posterior-lips in one call (\(k) real face crops)", seconds: try time {
            let aligner = LipsClipAligner(name: made.name, lips: made.lips, aliNet: made.aliNet, geometry: made.geometry,
                                          calibration: made.calibration, recognizer: made.recognizer)
            _ = try aligner.align(survivors: survivors, slotCount: n, fps: fps, audio: SlotAudio(track: track, fps: fps, slotCount: n))
        })
    }
}
