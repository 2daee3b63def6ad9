import Pipeline
import Corpus
import Foundation
import Media
import Restoration

/// The restored stimuli of a study, made once and kept in a cache folder keyed by study, clip and method, so a
/// second rater (or a resumed session) does not redo them.
///
/// Layout: `<root>/<study>-<fingerprint>/<clip>/dropped.mp4` (+ `dropped.truth.json`) and `<clip>/<method>.mp4`.
/// Files are written under a temporary name and renamed when complete, so an interrupted preparation never
/// leaves a half-written stimulus that looks finished. The hidden reference is the source clip itself.
public struct StimulusCache: Sendable {
    public var root: String
    public var study: Study
    /// Where the models are when the study names none (the CLI passes its flags and environment in).
    public var locator: ModelLocator

    public init(root: String, study: Study, locator: ModelLocator = ModelLocator()) {
        self.root = root
        self.study = study
        self.locator = locator
    }

    /// `$XDG_CACHE_HOME/dropfill/stimuli`, else `~/.cache/dropfill/stimuli`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/dropfill/stimuli" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/dropfill/stimuli"
    }

    /// The study's folder in the cache.
    public var folder: String { root + "/" + study.safeName + "-" + study.fingerprint }

    /// Where the stimulus's video is (for the reference: the source clip).
    public func path(for s: Stimulus) -> String {
        s.isReference ? study.clipPath(s.clipIndex) : folder + "/" + s.clip + "/" + s.method + ".mp4"
    }

    /// Stimuli whose video is not yet in the cache.
    public func missing() -> [Stimulus] {
        study.stimuli.filter { !FileManager.default.fileExists(atPath: path(for: $0)) }
    }

    /// Makes every missing stimulus: drops frames from each clip once (the study's drop settings) and restores the
    /// dropped clip with each method from the truth positions (the rating is about restoration, not alignment).
    /// `progress(done, total, what)` is called per stimulus. Returns how many were made.
    @discardableResult
    public func prepare(progress: (Int, Int, String) -> Void = { _, _, _ in }) throws(RatingError) -> Int {
        let todo = missing()
        guard !todo.isEmpty else { return 0 }
        let fm = FileManager.default
        var done = 0
        for s in todo {
            progress(done, todo.count, s.id)
            let dir = folder + "/" + s.clip
            do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw .unwritable(path: dir, reason: RatingStore.reason(error))
            }
            let dropped = dir + "/dropped.mp4", truth = dir + "/dropped.truth.json"
            do {
                if !fm.fileExists(atPath: dropped) || !fm.fileExists(atPath: truth) {
                    let tmp = dir + "/.dropped-\(getpid()).mp4", tmpTruth = dir + "/.dropped-\(getpid()).truth.json"
                    try FrameDropper.drop(input: study.clipPath(s.clipIndex), output: tmp,
                                          options: FrameDropper.Options(settings: study.drop, crf: 12, preset: "fast"), truthPath: tmpTruth)
                    try Self.replace(truth, with: tmpTruth)
                    try Self.replace(dropped, with: tmp)
                }
                let out = path(for: s), tmp = dir + "/.\(s.method)-\(getpid()).mp4"
                _ = try Self.restore(dropped: dropped, truth: truth, output: tmp, method: s.method, factory: factory)
                try Self.replace(out, with: tmp)
            } catch let e as RatingError {
                throw e
            } catch {
                throw .stimulusFailed(stimulus: s.id, reason: "\(error)")
            }
            done += 1
        }
        progress(done, todo.count, "done")
        return done
    }

    /// The restorers of the study's methods: `study.models` (relative to the study file) or the standard search.
    public var factory: RestorerFactory {
        var locator = self.locator
        if let models = study.models { locator.restorationModels = models.hasPrefix("/") ? models : study.baseDirectory + "/" + models }
        return RestorerFactory(locator: locator)
    }

    /// Restores one stimulus exactly as `dropfill restore DROPPED --positions TRUTH --method METHOD` does: the same
    /// decode plan, the same restorer from `RestorerFactory` (face square for learned methods), true positions.
    public static func restore(dropped: String, truth: String, output: String, method: String, factory: RestorerFactory,
                               framesDirectory: String? = nil) throws -> RestoreSummary {
        let clip = try DroppedClip.open(path: dropped, truthPath: truth, findFace: factory.usesFaceSquare(method))
        return try RestorePipeline.run(clip: clip, output: output,
                                       options: RestoreOptions(positions: .truthFile(truth), framesDirectory: framesDirectory, crf: 12, preset: "fast"),
                                       method: method, factory: factory, aligner: nil)
    }

    static func replace(_ path: String, with tmp: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
        try fm.moveItem(atPath: tmp, toPath: path)
    }
}

/// A stimulus ready to play: its frames (scaled for display), frame rate and audio.
public struct StimulusMedia: Sendable {
    public var frames: [VideoFrame]
    public var fps: Double
    /// Mono samples for the sound device, nil when the clip has none.
    public var audio: AudioTrack?

    public init(frames: [VideoFrame], fps: Double, audio: AudioTrack?) {
        self.frames = frames
        self.fps = fps
        self.audio = audio
    }

    public var duration: Double { Double(frames.count) / max(fps, 1e-6) }

    /// Decodes `path` with its longest side at most `maxSide`, and its audio at `sampleRate` when asked.
    public static func load(path: String, maxSide: Int, audioSampleRate: Int?) throws(RatingError) -> StimulusMedia {
        do {
            let info = try MediaInfo.probe(path: path)
            guard let v = info.video else { throw RatingError.stimulusFailed(stimulus: path, reason: "no video stream") }
            let scale = min(1, Double(maxSide) / Double(max(v.width, v.height)))
            let w = max(2, Int(Double(v.width) * scale) & ~1), h = max(2, Int(Double(v.height) * scale) & ~1)
            let frames = try VideoDecoder(path: path, options: DecodeOptions(size: (w, h))).readAll()
            let fps = v.frameRate.value > 0 ? v.frameRate.value : 25
            var audio: AudioTrack?
            if let rate = audioSampleRate, info.audio != nil { audio = try AudioDecoder.decode(path: path, sampleRate: rate) }
            return StimulusMedia(frames: frames, fps: fps, audio: audio)
        } catch let e as RatingError {
            throw e
        } catch {
            throw .stimulusFailed(stimulus: path, reason: "\(error)")
        }
    }
}
