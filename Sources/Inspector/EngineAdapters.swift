import Pipeline
import Alignment
import Corpus
import Evaluation
import Foundation
import Landmarks
import Media
import Metrics
import Restoration

// EngineAdapters: the ONE place where the inspector builds an `InspectorSession` from a real clip, over Pipeline —
// the same decode plan (`DroppedClip`: slot grid, face box, slot audio), survivor features, aligners and restorer
// factory as `dropfill restore` — plus Corpus (DropSimulation, TruthFile) for clips dropped here, Alignment for the
// distance matrix (Eq. 8) and the estimators with their traces (Eq. 10), and Metrics.
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
        /// Drop frames here even from a clip whose timestamps show it already lost some (a real dropped clip is
        /// otherwise inspected as it is: its survivors are never dropped again unless asked).
        public var dropAgain = false
        /// Longest side frames are shown at (restoration itself runs at full size, as `restore` does).
        public var maxSide = 256
        /// Where the models are (the CLI reads its flags and environment into it).
        public var locator: ModelLocator
        /// Side of the face square learned methods restore.
        public var faceSize: Int

        public init(rate: Double = 0.87, seed: UInt64 = 0, truthPath: String? = nil, dropped: Bool = false, dropAgain: Bool = false,
                    maxSide: Int = 256, locator: ModelLocator = ModelLocator(), faceSize: Int = 256) {
            self.rate = rate
            self.seed = seed
            self.truthPath = truthPath
            self.dropped = dropped
            self.dropAgain = dropAgain
            self.maxSide = maxSide
            self.locator = locator
            self.faceSize = faceSize
        }
    }

    /// Opens `path`: a dropped clip when `--truth` is given, a truth file lies beside it, `dropped` is set, or its own
    /// timestamps show frames missing (unless `dropAgain`); otherwise a complete clip that is dropped here as
    /// `dropfill drop` would. Reports progress to `mailbox`.
    public static func session(path: String, options: Options, mailbox: LoaderMailbox? = nil) throws(InspectorError) -> InspectorSession {
        let besideTruth = TruthFile.defaultPath(forVideo: path)
        if let t = options.truthPath {
            return try droppedSession(path: path, truthPath: t, options: options, mailbox: mailbox)
        }
        if FileManager.default.fileExists(atPath: besideTruth) {
            return try droppedSession(path: path, truthPath: besideTruth, options: options, mailbox: mailbox)
        }
        if options.dropped { return try droppedSession(path: path, truthPath: nil, options: options, mailbox: mailbox) }
        let clip = try open(path: path, truthPath: nil, mailbox: mailbox)
        if clip.timestampsShowGaps && !options.dropAgain {
            return try droppedSession(clip: clip, truthPath: nil, options: options, mailbox: mailbox,
                                      note: "\(clip.grid.timestampSpan - clip.survivorCount) frames are missing by its timestamps: inspected as dropped (--drop-again drops more)")
        }
        return try completeSession(clip: clip, options: options, mailbox: mailbox)
    }

    // MARK: - Complete clip: drop here, truth known

    /// A complete clip, frames dropped with `DropSimulation` (rate, seed) as `dropfill drop` does.
    public static func completeSession(path: String, options: Options, mailbox: LoaderMailbox? = nil) throws(InspectorError) -> InspectorSession {
        try completeSession(clip: try open(path: path, truthPath: nil, mailbox: mailbox), options: options, mailbox: mailbox)
    }

    /// `completeSession(path:…)` on a clip opened already.
    static func completeSession(clip: DroppedClip, options: Options, mailbox: LoaderMailbox?) throws(InspectorError) -> InspectorSession {
        let path = clip.path
        let frames = try decodeFrames(path: path, options: options, mailbox: mailbox, label: "decoding").frames
        let n = frames.count
        let mask: [Bool]
        do { mask = try DropSimulation.keepMask(frameCount: n, settings: DropSettings(rate: options.rate, seed: options.seed)) } catch {
            throw .loadFailed("\(error)")
        }
        let truth = DropSimulation.survivingPositions(mask)
        let name = URL(fileURLWithPath: path).lastPathComponent + " (dropped here: rate \(options.rate), seed \(options.seed))"
        return try assemble(name: name, clip: clip, survivorIndices: truth, fps: clip.fps, n: n, shown: truth.map { frames[$0] },
                            timestamps: nil, truthPositions: truth, truthFrames: frames, options: options, mailbox: mailbox)
    }

    // MARK: - Dropped clip: truth from a truth file, if any

    /// A clip that already lost frames; the truth file (positions, source clip) enables the comparisons.
    public static func droppedSession(path: String, truthPath: String?, options: Options, mailbox: LoaderMailbox? = nil) throws(InspectorError) -> InspectorSession {
        try droppedSession(clip: try open(path: path, truthPath: truthPath, mailbox: mailbox), truthPath: truthPath, options: options,
                           mailbox: mailbox)
    }

    /// `droppedSession(path:…)` on a clip opened already; `note` is shown with the session's notes.
    static func droppedSession(clip: DroppedClip, truthPath: String?, options: Options, mailbox: LoaderMailbox?,
                               note: String? = nil) throws(InspectorError) -> InspectorSession {
        let path = clip.path
        let surviving = try decodeFrames(path: path, options: options, mailbox: mailbox, label: "decoding survivors").frames
        let k = surviving.count
        let n = clip.slotCount
        var truthFrames: [RGBImage]?
        if let tf = clip.truth {
            // The truth file names its source as `drop` was given it: relative to the truth file, or to where
            // `drop` ran (usually the current directory).
            let candidates = [URL(fileURLWithPath: tf.source, relativeTo: URL(fileURLWithPath: truthPath ?? path).deletingLastPathComponent()).path,
                              URL(fileURLWithPath: tf.source).path]
            if let source = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                truthFrames = try decodeFrames(path: source, options: options, mailbox: mailbox, label: "decoding truth").frames
                if truthFrames?.count != n { truthFrames = nil }
            }
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        return try assemble(name: name, clip: clip, survivorIndices: Array(0..<k), fps: clip.fps, n: n, shown: surviving,
                            timestamps: clip.hasTimestamps ? clip.timestamps : nil, truthPositions: clip.truth?.positions,
                            truthFrames: truthFrames, options: options, mailbox: mailbox, notes: note.map { [$0] } ?? [])
    }

    /// Pass 1 of the decode plan (slot grid, face box, audio), errors in the inspector's words.
    static func open(path: String, truthPath: String?, mailbox: LoaderMailbox?) throws(InspectorError) -> DroppedClip {
        do {
            return try DroppedClip.open(path: path, truthPath: truthPath) { mailbox?.progress($0) }
        } catch {
            throw .loadFailed("\(error)")
        }
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

    /// The session: distances (Ali-Net when its model is found, else the content cue), every aligner, and the
    /// restorers of `RestorerFactory`. Survivor i is frame `survivorIndices[i]` of `clip`'s file; `shown` holds them
    /// at display size.
    static func assemble(name: String, clip: DroppedClip, survivorIndices: [Int], fps: Double, n: Int, shown: [RGBImage],
                         timestamps: [Double]?, truthPositions: [Int]?, truthFrames: [RGBImage]?, options: Options,
                         mailbox: LoaderMailbox?, notes initialNotes: [String] = []) throws(InspectorError) -> InspectorSession {
        let k = shown.count
        var notes = initialNotes
        mailbox?.progress("distance matrix")
        var d: DistanceMatrix
        var label: String
        var estimators: [any PositionEstimator] = []
        var visualCue: [Float]?
        let audioTrack = clip.audio.track ?? AudioTrack(samples: [], sampleRate: AudioTrack.engineSampleRate)
        if let model = aliNetModel(options.locator, notes: &notes) {
            do {
                let c = model.configuration
                mailbox?.progress("face crops for Ali-Net")
                let features = try clip.survivorFeatures(extractor: SurvivorFeatureExtractor(thumbnails: true, mouth: c),
                                                         frames: Set(survivorIndices))
                let segments = try clip.audio.aliNetSegments(c)
                d = try model.distances(mouths: features.mouths ?? [], frameCount: k, segments: segments, slotCount: n,
                                         band: .full(rows: k, columns: n))   // the heatmap shows every cell
                visualCue = try features.thumbnailChange()
                estimators = [AliNetRetrieval.dp, .dpGap, .dpPrior, .posterior, .posteriorVisual].map { kind in
                    NamedEstimator(name: kind.rawValue, base: model.estimator(kind))
                }
                label = "Ali-Net ‖h(I) − h(M)‖, Eq. 8" + (model.calibration.normaliseColumns == true ? " (columns standardised)" : "")
            } catch {
                notes.append("Ali-Net failed (\(error)); distances from the content cue instead")
                d = try cueDistances(surviving: shown, audio: audioTrack, n: n, fps: fps)
                label = "content cue: |z(mouth darkness) − z(log RMS)|"
            }
        } else {
            d = try cueDistances(surviving: shown, audio: audioTrack, n: n, fps: fps)
            label = "content cue: |z(mouth darkness) − z(log RMS)|"
        }
        if estimators.isEmpty { estimators = [DynamicPositionRetrieval(), PriorDPEstimator()] }
        if visualCue == nil, k >= 3 {
            // Without Ali-Net the picture change between survivors still drives `visual`.
            visualCue = try? VisualClipAligner.thumbnailChange(shown)
        }
        if visualCue != nil {
            estimators.append(VisualEstimator())
        }
        estimators.append(UniformEstimator())
        if timestamps != nil { estimators.append(TimestampEstimator()) }
        mailbox?.progress("aligning")
        var results: [AlignmentResult] = []
        // Timestamps count from the grid's origin (the audio's start), as `align` and `restore` place them.
        let input = AlignmentInput(frameCount: k, slotCount: n, distances: d, timestamps: timestamps, fps: fps, startTime: clip.grid.origin,
                                   visualChange: visualCue)
        for e in estimators {
            do {
                let est = try e.estimate(input)
                let cost = est.positions.enumerated().reduce(0.0) { $0 + Double(d[$1.offset, $1.element]) }
                results.append(AlignmentResult(name: e.name, predicted: est.positions, trace: est.trace, pathCost: cost))
            } catch {
                notes.append("aligner \(e.name) failed: \(error)")
            }
        }
        var positions = Dictionary(results.map { ($0.name, $0.predicted) }, uniquingKeysWith: { a, _ in a })
        if let truthPositions { positions[EngineFrameProvider.truthAligner] = truthPositions }
        mailbox?.progress("decoding survivors at full size")
        let provider: EngineFrameProvider
        do {
            let factory = RestorerFactory(locator: options.locator, faceSize: options.faceSize)
            provider = try EngineFrameProvider(clip: clip, survivorIndices: survivorIndices, shownSize: shown.first.map { ($0.width, $0.height) },
                                               truth: truthFrames, factory: factory, positions: positions, notes: &notes)
        } catch {
            throw .loadFailed("\(error)")
        }
        return try InspectorSession(clipName: name, fps: fps, n: n, k: k, distance: d, distanceLabel: label,
                                    truePositions: truthPositions, alignments: results, methods: provider.methods,
                                    frames: provider, notes: notes).withAudioEnergy(audioTrack)
    }

    /// The Ali-Net model `locator` finds, or nil (with a note) when there is none or it is unusable.
    static func aliNetModel(_ locator: ModelLocator, notes: inout [String]) -> AliNetModel? {
        guard let path = locator.alignerModelPath() else {
            notes.append("no Ali-Net model (\(AlignerCatalog.shippedModel)): distances from a content cue")
            return nil
        }
        do {
            return try AliNetModel.load(path: path)
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

/// Serves truth, restored and difference frames; a restored frame is made by restoring its whole gap at full size
/// with the restorer `RestorerFactory` makes — exactly what `dropfill restore` computes for that gap — and shown at
/// the session's display size. Cached per method, aligner and slot; metrics through Metrics' standard convention.
final class EngineFrameProvider: FrameProvider, @unchecked Sendable {
    /// The alignment name under which a truth file's positions are served.
    static let truthAligner = "truth"

    /// The survivors at full size, decoded as `restore` decodes them.
    let survivors: [RGBImage]
    let shownSize: (width: Int, height: Int)?
    let truth: [RGBImage]?
    let positions: [String: [Int]]
    let restorers: [String: any FrameRestorer]
    let methods: [String]
    let context: GapContext
    private let lock = NSLock()
    private var frames: [String: RGBImage] = [:]
    private var fullFrames: [String: RGBImage] = [:]
    private var scores: [String: FrameMetrics] = [:]

    init(survivors: [RGBImage], shownSize: (width: Int, height: Int)?, truth: [RGBImage]?, restorers: [any FrameRestorer],
         positions: [String: [Int]], context: GapContext) {
        self.survivors = survivors
        self.shownSize = shownSize
        self.truth = truth
        self.positions = positions
        methods = restorers.map(\.name)
        self.restorers = Dictionary(restorers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.context = context
    }

    /// The provider of `clip`: its survivors decoded at full size as `restore` decodes them, every method of the
    /// catalog from `factory` (learned ones when their model is found; a note says when not), and `restore`'s context.
    convenience init(clip: DroppedClip, survivorIndices: [Int], shownSize: (width: Int, height: Int)?, truth: [RGBImage]?,
                     factory: RestorerFactory, positions: [String: [Int]], notes: inout [String]) throws {
        let wanted = Set(survivorIndices)
        var full: [RGBImage] = []
        let decoder = try VideoDecoder(path: clip.path)
        var i = 0
        while let f = try decoder.nextFrame() {
            if wanted.contains(i) { full.append(f) }
            i += 1
        }
        var made: [any FrameRestorer] = []
        for name in RestorerCatalog.all {
            do { made.append(try factory.make(name, faceBox: clip.faceBox)) } catch {
                if RestorerCatalog.learned.contains(name) { notes.append("\(name) unavailable: \(error)") }
            }
        }
        self.init(survivors: full, shownSize: shownSize, truth: truth, restorers: made, positions: positions,
                  context: try GapContext.make(frameRate: clip.grid.fps, slotCount: clip.slotCount, audio: clip.audio,
                                               methods: made.map(\.name), guidance: factory.lipGuidance(for: made.map(\.name))))
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
        if let m = lock.withLock({ scores[key] }) { return m }
        guard let a = restored(slot: slot, method: method, aligner: aligner), let b = frame(slot: slot, kind: .truth),
              let pa = try? PlanarImage(width: a.width, height: a.height, rgb8: a.rgb),
              let pb = try? PlanarImage(width: b.width, height: b.height, rgb8: b.rgb) else { return nil }
        let psnr = try? PSNR.compute(pa, pb)
        var m = FrameMetrics(psnr: psnr.flatMap { $0.isFinite ? $0 : nil }, ssim: try? SSIM.compute(pa, pb))
        // The mouth, scored as `evaluate --mouth` scores it (one implementation: MouthReference.frameScores).
        if let detector = landmarkDetector, let truthPoints = truthLandmarks(slot: slot, frame: b),
           let box = MouthReference.mouthBox(truthPoints, width: b.width, height: b.height),
           let mouth = try? MouthReference.frameScores(restored: pa, truth: pb, truthLandmarks: truthPoints, box: box, detector: detector) {
            m.mouthPSNR = mouth.psnr
            m.lmd = mouth.lmd
        }
        lock.withLock { scores[key] = m }
        return m
    }

    /// dlib's shape predictor, nil when it is not installed (the frame line then has no mouth scores).
    private let landmarkDetector: LandmarkDetector? = try? LandmarkDetector.shared()
    private var faceDetector: FaceDetector?
    private var truthPoints: [Int: FaceLandmarks?] = [:]

    /// The landmarks of the true frame at `slot` (found once; nil when no face or no detector). The search runs outside
    /// the provider's lock, so the frames the screen asks for meanwhile are not held up.
    private func truthLandmarks(slot: Int, frame: RGBImage) -> FaceLandmarks? {
        let cached: (known: FaceLandmarks??, faces: FaceDetector?) = lock.withLock {
            if faceDetector == nil { faceDetector = try? FaceDetector() }
            return (truthPoints[slot], faceDetector)
        }
        if let known = cached.known { return known }
        let found = cached.faces.flatMap { faces in landmarkDetector.flatMap { try? $0.landmarks(in: frame, detector: faces) } }
        lock.withLock { truthPoints[slot] = found }
        return found
    }

    /// The frame at `slot` at display size (see `restoredFullFrame`).
    private func restored(slot: Int, method: String, aligner: String) -> RGBImage? {
        let key = "\(method)|\(aligner)|\(slot)"
        if let f = cached(key) { return f }
        guard let full = restoredFullFrame(slot: slot, method: method, aligner: aligner) else { return nil }
        let shown: RGBImage
        if let size = shownSize, size.width != full.width || size.height != full.height {
            guard let scaled = try? Resampler.resize(full, width: size.width, height: size.height) else { return nil }
            shown = scaled
        } else {
            shown = full
        }
        store(key, shown)
        return shown
    }

    /// The frame at `slot` at full size: a survivor placed there, or its gap restored by `method` (the whole gap at
    /// once, as `restore` does, cached).
    func restoredFullFrame(slot: Int, method: String, aligner: String) -> RGBImage? {
        let key = "\(method)|\(aligner)|\(slot)"
        if let f = lock.withLock({ fullFrames[key] }) { return f }
        guard let p = positions[aligner], p.count == survivors.count, !p.isEmpty, let restorer = restorers[method] else { return nil }
        if let i = p.firstIndex(of: slot) { return survivors[i] }
        let r = p.firstIndex { $0 > slot }
        let left = r.map { $0 - 1 } ?? (p.count - 1)
        let leftFrame = left >= 0 ? SlotFrame(slot: p[left], frame: survivors[left]) : nil
        let rightFrame = r.map { SlotFrame(slot: p[$0], frame: survivors[$0]) }
        let from = (leftFrame?.slot ?? -1) + 1, to = rightFrame?.slot ?? (slot + 1)
        guard from < to, let filled = try? restorer.fillGap(left: leftFrame, right: rightFrame, slots: Array(from..<to), context: context)
        else { return nil }
        var answer: RGBImage?
        let pictures = filled.compactMap { f in (try? f.videoFrame()).map { (f.slot, $0) } }
        lock.withLock {
            for (s, picture) in pictures { fullFrames["\(method)|\(aligner)|\(s)"] = picture }
        }
        for (s, picture) in pictures where s == slot { answer = picture }
        return answer
    }

    private func cached(_ key: String) -> RGBImage? { lock.withLock { frames[key] } }

    private func store(_ key: String, _ f: RGBImage) { lock.withLock { frames[key] = f } }
}
