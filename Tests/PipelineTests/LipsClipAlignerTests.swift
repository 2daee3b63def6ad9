import Alignment
import Foundation
import Media
import Phonetics
import Testing
import Corpus
import DropfillTestSupport
@testable import Pipeline

/// The fused aligner on decoded clips falls back to the terms it can use: no face in the survivors, no speech, no
/// lip-geometry model, no Ali-Net model — an estimate every time, never a crash.
@Suite struct LipsClipAlignerTests {
    static let fps = Rational(25, 1)

    /// A synthetic talking face (64² frames) driven by `seconds` of speech, and its survivors under one drop pattern.
    static func clip(silent: Bool = false) throws -> (PreparedClip, [VideoFrame], Int) {
        var audio = TestSpeech.load(seconds: 3, offset: 0.5)
        if silent { audio.samples = [Float](repeating: 0, count: audio.samples.count) }
        let frames = try SyntheticFace.render(audio: TestSpeech.load(seconds: 3, offset: 0.5), fps: fps, size: 64, seed: 4)
        let prepared = PreparedClip(clip: Clip(path: "synthetic-lips-\(silent)", relativePath: "synthetic", person: "s"),
                                    frames: frames, audio: audio, frameRate: fps)
        let mask = try DropSimulation.keepMask(frameCount: frames.count, settings: DropSettings(rate: 0.8, seed: 3))
        let survivors = DropSimulation.survivingPositions(mask).map { frames[$0] }
        return (prepared, survivors, frames.count)
    }

    static func check(_ estimate: PositionEstimate, survivors: Int, slots n: Int) {
        #expect(estimate.positions.count == survivors)
        #expect(zip(estimate.positions, estimate.positions.dropFirst()).allSatisfy { $0 < $1 })
        #expect(estimate.positions.first == 0 && estimate.positions.last == n - 1)
    }

    @Test("No face in any survivor: the lip term is dropped and the picture change still aligns")
    func noFace() throws {
        let (clip, survivors, n) = try Self.clip()
        let noFaces = LipGeometrySource(name: "none") { _ in nil }
        let aligner = LipsClipAligner(name: "lips-visual", lips: LipGeometryModel(), aliNet: nil, geometry: noFaces)
        let estimate = try aligner.align(survivors: survivors, slotCount: n, fps: 25, audio: SlotAudio(track: clip.audio, fps: 25, slotCount: n))
        Self.check(estimate, survivors: survivors.count, slots: n)
        let visual = try VisualClipAligner().align(survivors: survivors, slotCount: n)
        #expect(estimate.positions == visual.positions)
    }

    @Test("No speech, or no lip-geometry model: an estimate without the lip term",
          .enabled(if: PhoneRecognizer().isAvailable, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func noSpeechNoModel() throws {
        let (silent, survivors, n) = try Self.clip(silent: true)
        let constant = LipGeometrySource(name: "constant") { _ in [0.1, 0.3, 0.9, 1.2] }
        let a = LipsClipAligner(name: "lips-visual", lips: LipGeometryModel(), aliNet: nil, geometry: constant)
        Self.check(try a.align(survivors: survivors, slotCount: n, fps: 25, audio: SlotAudio(track: silent.audio, fps: 25, slotCount: n)), survivors: survivors.count, slots: n)
        let (speech, s2, n2) = try Self.clip()
        let b = LipsClipAligner(name: "posterior-lips", lips: nil, aliNet: nil, geometry: constant)
        Self.check(try b.align(survivors: s2, slotCount: n2, fps: 25, audio: SlotAudio(track: speech.audio, fps: 25, slotCount: n2)), survivors: s2.count, slots: n2)
    }

    @Test("With speech and faces every term is used and the result is a valid placement",
          .enabled(if: PhoneRecognizer().isAvailable, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func allTerms() throws {
        let (clip, survivors, n) = try Self.clip()
        // A stand-in geometry from the synthetic face's mouth brightness (real runs use dlib's landmarks).
        let mouth = LipGeometrySource(name: "mouth brightness") { f in
            let v = f.rgb.withUnsafeBufferPointer { p in (0..<(p.count / 3)).reduce(0.0) { $0 + Double(p[3 * $1]) } }
            return [Float(v / Double(f.rgb.count)), 0.3, 0.9, 1.2]
        }
        let aligner = LipsClipAligner(name: "lips-visual", lips: LipGeometryModel(), aliNet: nil, geometry: mouth)
        Self.check(try aligner.align(survivors: survivors, slotCount: n, fps: 25, audio: SlotAudio(track: clip.audio, fps: 25, slotCount: n)), survivors: survivors.count, slots: n)
    }

    @Test("The catalog knows the fused aligners")
    func catalog() {
        #expect(AlignerCatalog.all.contains("posterior-lips"))
        #expect(AlignerCatalog.all.contains("lips-visual"))
    }
}
