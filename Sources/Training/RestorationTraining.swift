import Pipeline
import Corpus
import Features
import Foundation
import Media
import Restoration

/// Prepares corpus clips for FE-Net training: face crops of `size`² and, where the audio may be used, its per-slot
/// MFCC segments (5-segment context, as `Evaluator` gives restorers), standardised per clip.
public enum RestorationTraining {
    // MARK: - Visual-only corpora

    /// The clips of a corpus of faces without usable audio (e.g. `../shared/data/faces-video`), for the visual path.
    ///
    /// Every clip's relative path gains the corpus folder's name (`prefix`, e.g. "faces-video/"), so training logs and
    /// model metadata say where it came from and `load(_:visualOnly:)` marks its audio absent when `prefix` is among
    /// the visual-only prefixes. Clips of a person in `heldOut` (the validation and test persons) go to `leftOut`: a
    /// person never seen by the scored models must not reach training through a second corpus.
    public static func visualOnlyClips(of corpus: Corpus, heldOut: Set<String>) -> (clips: [Clip], leftOut: [Clip], prefix: String) {
        let name = URL(fileURLWithPath: corpus.root).standardizedFileURL.lastPathComponent
        let prefix = (name.isEmpty || name == "/" ? "visual" : name) + "/"
        var kept: [Clip] = [], leftOut: [Clip] = []
        for clip in corpus.clips {
            let renamed = Clip(path: clip.path, relativePath: prefix + clip.relativePath, person: clip.person)
            if heldOut.contains(clip.person) { leftOut.append(renamed) } else { kept.append(renamed) }
        }
        return (kept, leftOut, prefix)
    }

    // MARK: - Loading
    /// Loads `clips`; a clip whose relative path starts with one of `visualOnly` (e.g. "faces-extra/", audio of
    /// unverified provenance), or every clip when `noAudio`, gets no audio (its samples carry the audio-absent flag).
    /// Clips that fail to load are reported through `progress` and skipped.
    /// With `guidance` (a guided generator, `fenet-lips`) every frame's mouth spot is measured and, where the audio
    /// may be used, the audio's lip track is predicted (or, with `oracleTrack`, measured from the frames' own landmarks:
    /// the upper-bound diagnostic).
    public static func load(_ clips: [Clip], size: Int, visualOnly: [String] = ["faces-extra/"], noAudio: Bool = false,
                            maxFrames: Int? = nil, guidance: LipGuidanceSource? = nil, oracleTrack: Bool = false,
                            progress: (String) -> Void = { _ in }) throws -> [FENetTrainingClip] {
        var out: [FENetTrainingClip] = []
        for (i, clip) in clips.enumerated() {
            do {
                let prepared = try PreparedClip.load(clip, preparation: ClipPreparation(crop: .face, size: size, maxFrames: maxFrames))
                let audioAllowed = !noAudio && !visualOnly.contains { clip.relativePath.hasPrefix($0) }
                var audio: FENetAudio?
                if audioAllowed, let rows = try prepared.slotAudio().restorationRows() {
                    audio = FENetAudio(rows)
                }
                var track: LipTrack?, spots: [MouthSpot?]?, guided = ""
                if let guidance {
                    // One landmark pass gives the mouth spots and, for the oracle, the geometry.
                    let marks = guidance.landmarks(in: prepared.frames)
                    if audio != nil {
                        track = oracleTrack ? guidance.oracleTrack(landmarks: marks) : guidance.lipTrack(audio: prepared.slotAudio())
                    }
                    let found = zip(marks, prepared.frames).map { l, f in
                        l.flatMap { LipGuidanceSource.mouthSpot($0, width: f.width, height: f.height) }
                    }
                    spots = found
                    let seen = found.compactMap { $0 }
                    let mean = seen.isEmpty ? "" : String(format: " (mean x %.3f y %.3f radius %.3f)",
                                                          seen.map(\.x).reduce(0, +) / Float(seen.count),
                                                          seen.map(\.y).reduce(0, +) / Float(seen.count),
                                                          seen.map(\.radius).reduce(0, +) / Float(seen.count))
                    guided = ", lip track \(track == nil ? "none" : "used"), mouth found in \(seen.count)/\(found.count) frames\(mean)"
                }
                out.append(try FENetTrainingClip(name: clip.relativePath, frames: prepared.frames, audio: audio, lipTrack: track,
                                                 mouthSpots: spots))
                progress("[\(i + 1)/\(clips.count)] \(clip.relativePath): \(prepared.frames.count) frames, audio \(audio == nil ? "absent" : "used")\(guided)")
            } catch {
                progress("[\(i + 1)/\(clips.count)] \(clip.relativePath): skipped (\(error))")
            }
        }
        return out
    }
}
