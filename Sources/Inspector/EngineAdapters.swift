import Alignment
import Corpus
import Foundation
import Media
import Metrics
import Restoration

// EngineAdapters: the ONE place where the inspector builds an `InspectorSession` from a real clip, with the
// engine's own parts: Media (decode, audio, face crop), Corpus (DropSimulation, TruthFile, FaceCrop, AlignerCatalog),
// Alignment (Ali-Net distances, Eq. 8; the DP of Eq. 10 with its trace; dp-prior, posterior, uniform, timestamps),
// Restoration (RestorerCatalog: hold, blend, minterpolate, FE-Net when its model is present) and Metrics.
//
// Without the Ali-Net model file the distance matrix falls back to a content cue computed here
// (`cueDistances`: |z(mouth-box darkness) − z(log audio RMS)|), labelled as such in the view.

/// Builds inspector sessions from clips on disk with the engine as it stands (see the banner above).
public enum EngineAdapters {
    /// How to open a clip.
    public struct Options: Sendable {
        /// Drop rate for a complete clip (as `dropfill drop --rate`).
        public var rate: Double = 0.87
        /// Drop seed (as `dropfill drop --seed`).
        public var seed: UInt64 = 0
        /// Truth file of a dropped clip (from `dropfill drop`); nil looks beside the clip.
        public var truthPath: String?
        /// Treat the clip as already dropped even without a truth file.
        public var dropped = false
        /// Longest side frames are decoded at (the inspector never needs more).
        public var maxSide = 256

        public init(rate: Double = 0.87, seed: UInt64 = 0, truthPath: String? = nil, dropped: Bool = false, maxSide: Int = 256) {
            self.rate = rate
            self.seed = seed
            self.truthPath = truthPath
            self.dropped = dropped
            self.maxSide = maxSide
        }
    }

    /// Opens `path`: a dropped clip when `--truth` is given, a truth file lies beside it, or `dropped` is set;
    /// otherwise a complete clip that is dropped here as `dropfill drop` would. Reports progress to `mailbox`.
    public static func session(path: String, options: Options, mailbox: LoaderMailbox? = nil) throws(InspectorError) -> InspectorSession {
        let besideTruth = TruthFile.defaultPath(forVideo: path)
        if let t = options.truthPath {
            return try droppedSession(path: path, truthPath: t, options: options, mailbox: mailbox)
        }
        if FileManager.default.fileExists(atPath: besideTruth) {
            return try droppedSession(path: path, truthPath: besideTruth, options: options, mailbox: mailbox)
        }
        if options.dropped { return try droppedSession(path: path, truthPath: nil, options: options, mailbox: mailbox) }
        return try completeSession(path: path, options: options, mailbox: mailbox)
    }

    // MARK: - Complete clip: drop here, truth known

    /// A complete clip, frames dropped with `DropSimulation` (rate, seed) as `dropfill drop` does.
    public static func completeSession(path: String, options: Options, mailbox: LoaderMailbox? = nil) throws(InspectorError) -> InspectorSession {
        let (frames, fps) = try decodeFrames(path: path, options: options, mailbox: mailbox, label: "decoding")
        let n = frames.count
        let mask: [Bool]
        do { mask = try DropSimulation.keepMask(frameCount: n, settings: DropSettings(rate: options.rate, seed: options.seed)) } catch {
            throw .loadFailed("\(error)")
        }
        let truth = DropSimulation.survivingPositions(mask)
        let surviving = truth.map { frames[$0] }
        mailbox?.progress("reading audio")
        let audio = try decodeAudio(path: path)
        let name = URL(fileURLWithPath: path).lastPathComponent + " (dropped here: rate \(options.rate), seed \(options.seed))"
        return try assemble(name: name, source: path, survivorIndices: truth, fps: fps, n: n, surviving: surviving, timestamps: nil,
                            audio: audio, truthPositions: truth, truthFrames: frames, mailbox: mailbox)
    }

    // MARK: - Dropped clip: truth from a truth file, if any

    /// A clip that already lost frames; the truth file (positions, source clip) enables the comparisons.
    public static func droppedSession(path: String, truthPath: String?, options: Options, mailbox: LoaderMailbox? = nil) throws(InspectorError) -> InspectorSession {
        let truthFile: TruthFile?
        if let truthPath {
            do { truthFile = try TruthFile.load(path: truthPath) } catch { throw .loadFailed("truth file \(truthPath): \(error)") }
        } else {
            truthFile = nil
        }
        let (surviving, fps) = try decodeFrames(path: path, options: options, mailbox: mailbox, label: "decoding survivors")
        mailbox?.progress("reading audio")
        let audio = try decodeAudio(path: path)
        let k = surviving.count
        var n = truthFile?.originalFrameCount ?? Int((audio.duration * fps).rounded())
        n = max(n, k)
        var truthFrames: [RGBImage]?
        if let tf = truthFile {
            guard tf.positions.count == k else {
                throw .loadFailed("truth file lists \(tf.positions.count) surviving frames, the clip has \(k)")
            }
            // The truth file names its source as `drop` was given it: relative to the truth file, or to where
            // `drop` ran (usually the current directory).
            let candidates = [URL(fileURLWithPath: tf.source, relativeTo: URL(fileURLWithPath: truthPath ?? path).deletingLastPathComponent()).path,
                              URL(fileURLWithPath: tf.source).path]
            if let source = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                truthFrames = try decodeFrames(path: source, options: options, mailbox: mailbox, label: "decoding truth").frames
                if truthFrames?.count != n { truthFrames = nil }
            }
        }
        let timestamps = surviving.compactMap(\.timestamp)
        let name = URL(fileURLWithPath: path).lastPathComponent
        return try assemble(name: name, source: path, survivorIndices: Array(0..<k), fps: fps, n: n, surviving: surviving,
                            timestamps: timestamps.count == k ? timestamps : nil,
                            audio: audio, truthPositions: truthFile?.positions, truthFrames: truthFrames, mailbox: mailbox)
    }

    // MARK: - Shared

    static func decodeFrames(path: String, options: Options, mailbox: LoaderMailbox?, label: String) throws(InspectorError) -> (frames: [RGBImage], fps: Double) {
        do {
            let probe = try VideoDecoder(path: path)
            let w = probe.stream.width, h = probe.stream.height
            let scale = min(1, Double(options.maxSide) / Double(max(w, h)))
            let size = (width: max(2, Int(Double(w) * scale) & ~1), height: max(2, Int(Double(h) * scale) & ~1))
            let decoder = try VideoDecoder(path: path, options: DecodeOptions(size: size))
            let rate = decoder.stream.frameRate
            let fps = rate.numerator > 0 && rate.denominator > 0 ? Double(rate.numerator) / Double(rate.denominator) : 25
            let expected = max(1, decoder.stream.declaredFrameCount)
            var frames: [RGBImage] = []
            while let f = try decoder.nextFrame() {
                frames.append(f)
                if frames.count % 5 == 0 { mailbox?.progress(label, min(1, Double(frames.count) / Double(expected))) }
            }
            guard frames.count >= 3 else { throw InspectorError.loadFailed("\(path) has \(frames.count) frames; at least 3 are needed") }
            return (frames, fps)
        } catch let e as InspectorError {
            throw e
        } catch {
            throw .loadFailed("\(error)")
        }
    }

    static func decodeAudio(path: String) throws(InspectorError) -> AudioTrack {
        do { return try AudioDecoder.decode(path: path) } catch { throw .loadFailed("audio of \(path): \(error)") }
    }

    /// The session: distances (Ali-Net when its model is found, else the content cue), every aligner, and the
    /// restorers of `RestorerCatalog`. `source` holds the survivors' pixels at full size (frame `survivorIndices[i]`
    /// of it is survivor i): Ali-Net reads their face crops from it.
    static func assemble(name: String, source: String, survivorIndices: [Int], fps: Double, n: Int, surviving: [RGBImage],
                         timestamps: [Double]?, audio: AudioTrack, truthPositions: [Int]?, truthFrames: [RGBImage]?,
                         mailbox: LoaderMailbox?) throws(InspectorError) -> InspectorSession {
        let k = surviving.count
        var notes: [String] = []
        mailbox?.progress("distance matrix")
        var d: DistanceMatrix
        var label: String
        var estimators: [any PositionEstimator] = []
        var visualCue: [Float]?
        if let (model, faces) = aliNet(source: source, indices: survivorIndices, mailbox: mailbox, notes: &notes) {
            do {
                let c = model.configuration
                let mouths = try AliNetClipInputs.mouths(faces, configuration: c)
                let segments = try AliNetClipInputs.segments(audio, fps: fps, slotCount: n, configuration: c)
                d = try model.distances(mouths: mouths, frameCount: k, segments: segments, slotCount: n)
                visualCue = try VisualClipAligner.thumbnailChange(faces)
                estimators = [AliNetRetrieval.dp, .dpGap, .dpPrior, .posterior, .posteriorVisual].map { kind in
                    NamedEstimator(name: kind.rawValue, base: model.estimator(kind))
                }
                label = "Ali-Net ‖h(I) − h(M)‖, Eq. 8" + (model.calibration.normaliseColumns == true ? " (columns standardised)" : "")
            } catch {
                notes.append("Ali-Net failed (\(error)); distances from the content cue instead")
                d = try cueDistances(surviving: surviving, audio: audio, n: n, fps: fps)
                label = "content cue: |z(mouth darkness) − z(log RMS)|"
            }
        } else {
            d = try cueDistances(surviving: surviving, audio: audio, n: n, fps: fps)
            label = "content cue: |z(mouth darkness) − z(log RMS)|"
        }
        if estimators.isEmpty { estimators = [DynamicPositionRetrieval(), PriorDPEstimator()] }
        if visualCue == nil, k >= 3 {
            // Without Ali-Net the picture change between survivors still drives `visual`.
            visualCue = try? VisualClipAligner.thumbnailChange(surviving)
        }
        if visualCue != nil {
            estimators.append(VisualEstimator())
        }
        estimators.append(UniformEstimator())
        if timestamps != nil { estimators.append(TimestampEstimator()) }
        mailbox?.progress("aligning")
        var results: [AlignmentResult] = []
        let input = AlignmentInput(frameCount: k, slotCount: n, distances: d, timestamps: timestamps, fps: fps, visualChange: visualCue)
        for e in estimators {
            do {
                let est = try e.estimate(input)
                let cost = est.positions.enumerated().reduce(0.0) { $0 + Double(d[$1.offset, $1.element]) }
                results.append(AlignmentResult(name: e.name, predicted: est.positions, trace: est.trace, pathCost: cost))
            } catch {
                notes.append("aligner \(e.name) failed: \(error)")
            }
        }
        let restorers = EngineFrameProvider.availableRestorers(notes: &notes)
        let provider = EngineFrameProvider(surviving: surviving, truth: truthFrames, fps: fps, restorers: restorers,
                                           positions: Dictionary(results.map { ($0.name, $0.predicted) }, uniquingKeysWith: { a, _ in a }))
        return try InspectorSession(clipName: name, fps: fps, n: n, k: k, distance: d, distanceLabel: label,
                                    truePositions: truthPositions, alignments: results, methods: restorers.map(\.name),
                                    frames: provider, notes: notes).withAudioEnergy(audio)
    }

    /// The shipped Ali-Net model and the survivors' 256² face crops, or nil (with a note) when there is no model.
    static func aliNet(source: String, indices: [Int], mailbox: LoaderMailbox?, notes: inout [String]) -> (AliNetModel, [RGBImage])? {
        guard let path = AlignerCatalog.defaultModelPath() else {
            notes.append("no Ali-Net model (\(AlignerCatalog.shippedModel)): distances from a content cue")
            return nil
        }
        do {
            let model = try AliNetModel.load(path: path)
            mailbox?.progress("face crops for Ali-Net")
            let box = try FaceCrop.box(forClipAt: source)
            let decoder = try VideoDecoder(path: source, options: DecodeOptions(crop: box, size: (256, 256)))
            let wanted = Set(indices)
            var faces: [RGBImage] = [], i = 0
            while let f = try decoder.nextFrame() {
                if wanted.contains(i) { faces.append(f) }
                i += 1
            }
            guard faces.count == indices.count else {
                notes.append("face crops: \(faces.count) of \(indices.count) frames decoded; distances from a content cue")
                return nil
            }
            return (model, faces)
        } catch {
            notes.append("Ali-Net model \(path) unusable (\(error)); distances from a content cue")
            return nil
        }
    }

    // MARK: - Content cue (when no Ali-Net model is available)

    /// Mean luma of a fixed box over the lower middle of the frame (x 35–65 %, y 60–85 %), negated: the mouth
    /// region darkens as it opens. Versus log RMS of the audio in each slot's 1/fps window. Both z-scored.
    static func cueDistances(surviving: [RGBImage], audio: AudioTrack, n: Int, fps: Double) throws(InspectorError) -> DistanceMatrix {
        let visual = surviving.map { f -> Float in
            let x0 = f.width * 35 / 100, x1 = max(x0 + 1, f.width * 65 / 100)
            let y0 = f.height * 60 / 100, y1 = max(y0 + 1, f.height * 85 / 100)
            var sum: Float = 0
            for y in y0..<y1 {
                for x in x0..<x1 {
                    let i = (y * f.width + x) * 3
                    sum += 0.299 * Float(f.rgb[i]) + 0.587 * Float(f.rgb[i + 1]) + 0.114 * Float(f.rgb[i + 2])
                }
            }
            return -sum / Float((x1 - x0) * (y1 - y0))
        }
        let per = Double(audio.sampleRate) / fps
        let sound = (0..<n).map { j -> Float in
            let a = min(audio.samples.count, Int(Double(j) * per)), b = min(audio.samples.count, Int(Double(j + 1) * per))
            guard b > a else { return -10 }
            var e: Float = 0
            for i in a..<b { e += audio.samples[i] * audio.samples[i] }
            return log(max(1e-8, (e / Float(b - a)).squareRoot()))
        }
        let zv = zScores(visual), za = zScores(sound)
        var values = [Float](repeating: 0, count: surviving.count * n)
        for i in 0..<surviving.count { for j in 0..<n { values[i * n + j] = abs(zv[i] - za[j]) } }
        do { return try DistanceMatrix(rows: surviving.count, columns: n, values: values) } catch { throw .loadFailed("\(error)") }
    }

    static func zScores(_ v: [Float]) -> [Float] {
        guard !v.isEmpty else { return v }
        let mean = v.reduce(0, +) / Float(v.count)
        let sd = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(v.count)).squareRoot()
        return v.map { sd > 1e-6 ? ($0 - mean) / sd : 0 }
    }
}

// MARK: - Restored frames from the engine's restorers

/// An estimator under another name (Ali-Net retrievals are named by their `AliNetRetrieval`).
struct NamedEstimator: PositionEstimator {
    let name: String
    let base: any PositionEstimator
    func estimate(_ input: AlignmentInput) throws(AlignmentError) -> PositionEstimate {
        var e = try base.estimate(input)
        e.estimator = name
        return e
    }
}

/// Serves truth, restored and difference frames; a restored frame is made by restoring its whole gap with the
/// engine's restorer (cached per method, aligner and slot); metrics through Metrics' standard convention.
final class EngineFrameProvider: FrameProvider, @unchecked Sendable {
    let surviving: [RGBImage]
    let truth: [RGBImage]?
    let positions: [String: [Int]]
    let restorers: [String: any FrameRestorer]
    let context: GapContext
    private let lock = NSLock()
    private var frames: [String: RGBImage] = [:]
    private var scores: [String: FrameMetrics] = [:]

    init(surviving: [RGBImage], truth: [RGBImage]?, fps: Double, restorers: [any FrameRestorer], positions: [String: [Int]]) {
        self.surviving = surviving
        self.truth = truth
        self.positions = positions
        self.restorers = Dictionary(restorers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        context = GapContext(frameRate: Rational(fps: fps))
    }

    /// The classical restorers, and FE-Net when its model file is present (a note says when it is not).
    static func availableRestorers(notes: inout [String]) -> [any FrameRestorer] {
        var out: [any FrameRestorer] = []
        for name in RestorerCatalog.all {
            do { out.append(try RestorerCatalog.make(name)) } catch {
                if RestorerCatalog.learned.contains(name) { notes.append("\(name) unavailable: \(error)") }
            }
        }
        return out
    }

    func frame(slot: Int, kind: FrameKind) -> RGBImage? {
        switch kind {
        case .truth:
            guard let truth, slot >= 0, slot < truth.count else { return nil }
            return truth[slot]
        case let .restored(method, aligner):
            return restored(slot: slot, method: method, aligner: aligner)
        case let .difference(method, aligner):
            let key = "diff|\(method)|\(aligner)|\(slot)"
            if let f = cached(key) { return f }
            guard let a = restored(slot: slot, method: method, aligner: aligner), let b = frame(slot: slot, kind: .truth),
                  a.width == b.width, a.height == b.height else { return nil }
            var out = a.rgb
            for i in out.indices { out[i] = UInt8(min(255, 4 * abs(Int(a.rgb[i]) - Int(b.rgb[i])))) }
            guard let f = try? RGBImage(width: a.width, height: a.height, rgb: out) else { return nil }
            store(key, f)
            return f
        }
    }

    func metrics(slot: Int, method: String, aligner: String) -> FrameMetrics? {
        let key = "\(method)|\(aligner)|\(slot)"
        lock.lock()
        if let m = scores[key] {
            lock.unlock()
            return m
        }
        lock.unlock()
        guard let a = restored(slot: slot, method: method, aligner: aligner), let b = frame(slot: slot, kind: .truth),
              let pa = try? PlanarImage(width: a.width, height: a.height, rgb8: a.rgb),
              let pb = try? PlanarImage(width: b.width, height: b.height, rgb8: b.rgb) else { return nil }
        let psnr = try? PSNR.compute(pa, pb)
        let m = FrameMetrics(psnr: psnr.flatMap { $0.isFinite ? $0 : nil }, ssim: try? SSIM.compute(pa, pb))
        lock.lock()
        scores[key] = m
        lock.unlock()
        return m
    }

    /// The frame at `slot`: a survivor placed there, or its gap restored by `method` (the whole gap at once, cached).
    private func restored(slot: Int, method: String, aligner: String) -> RGBImage? {
        let key = "\(method)|\(aligner)|\(slot)"
        if let f = cached(key) { return f }
        guard let p = positions[aligner], p.count == surviving.count, !p.isEmpty, let restorer = restorers[method] else { return nil }
        if let i = p.firstIndex(of: slot) { return surviving[i] }
        let r = p.firstIndex { $0 > slot }
        let left = r.map { $0 - 1 } ?? (p.count - 1)
        let leftFrame = left >= 0 ? SlotFrame(slot: p[left], frame: surviving[left]) : nil
        let rightFrame = r.map { SlotFrame(slot: p[$0], frame: surviving[$0]) }
        let from = (leftFrame?.slot ?? -1) + 1, to = rightFrame?.slot ?? (slot + 1)
        guard from < to, let filled = try? restorer.fillGap(left: leftFrame, right: rightFrame, slots: Array(from..<to), context: context)
        else { return nil }
        var answer: RGBImage?
        for f in filled {
            guard let picture = try? f.videoFrame() else { continue }
            store("\(method)|\(aligner)|\(f.slot)", picture)
            if f.slot == slot { answer = picture }
        }
        return answer
    }

    private func cached(_ key: String) -> RGBImage? {
        lock.lock()
        defer { lock.unlock() }
        return frames[key]
    }

    private func store(_ key: String, _ f: RGBImage) {
        lock.lock()
        frames[key] = f
        lock.unlock()
    }
}
