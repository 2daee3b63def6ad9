import Corpus
import Foundation
import Landmarks
import Media
import Phonetics
import Restoration
import Testing
import DropfillTestSupport
@testable import Pipeline

/// What FE-Net's lip guidance gets from the engine: mouth spots from dlib's landmarks on real face crops, the audio's
/// lip track, and contexts that carry them only for the methods guided at the mouth.
@Suite struct LipGuidanceSourceTests {
    static var repoRoot: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    static let fps = Rational(25, 1)

    @Test("Mouth spots on real face crops lie in the lower middle of the crop and follow the frame's size",
          .enabled(if: LandmarkDetector.isModelInstalled(), "dlib's shape predictor is not installed (scripts/setup.sh installs libdlib-data)"))
    func mouthSpotsOnRealFrames() throws {
        let path = Self.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path
        let source = LipGuidanceSource(lips: nil)
        var bySize: [Int: [MouthSpot]] = [:]
        for size in [128, 256] {
            let clip = try PreparedClip.load(Clip(path: path, relativePath: "grid-bbaf2n.mp4", person: "grid-s1"),
                                             preparation: ClipPreparation(crop: .face, size: size, maxFrames: 6))
            let spots = source.mouthSpots(in: clip.frames)
            #expect(spots.count == clip.frames.count)
            let found = spots.compactMap { $0 }
            #expect(found.count == spots.count, "a mouth in every frame of a frontal face")
            for s in found {
                #expect(s.isPlausible)
                #expect((0.35...0.65).contains(s.x) && (0.5...0.85).contains(s.y) && (0.05...0.3).contains(s.radius), "\(s)")
            }
            bySize[size] = found
            // The oracle track: the landmarks' own geometry, one row per frame, standardised over the clip.
            let oracle = try #require(source.oracleTrack(in: clip.frames))
            #expect(oracle.slotCount == clip.frames.count)
            for k in 0..<LipTrack.dimension {
                let column = (0..<oracle.slotCount).map { oracle.values[$0 * LipTrack.dimension + k] }
                #expect(abs(column.reduce(0, +) / Float(column.count)) < 1e-4)
            }
        }
        #expect(source.oracleTrack(in: []) == nil)
        // The same faces at two sizes: the same spots, as fractions of the frame.
        for (a, b) in zip(bySize[128] ?? [], bySize[256] ?? []) {
            #expect(abs(a.x - b.x) < 0.03 && abs(a.y - b.y) < 0.03 && abs(a.radius - b.radius) < 0.03, "\(a) vs \(b)")
        }
    }

    @Test("The lip track: one geometry per slot with speech; none without speech or without a lip model",
          .enabled(if: PhoneRecognizer().isAvailable, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func lipTrack() throws {
        let speech = TestSpeech.load(seconds: 3, offset: 0.5)
        let n = 75
        let source = LipGuidanceSource(lips: LipGeometryModel())
        let track = try #require(source.lipTrack(audio: SlotAudio(track: speech, fps: 25, slotCount: n)))
        #expect(track.slotCount == n && track.values.count == n * LipTrack.dimension && track.values.allSatisfy(\.isFinite))
        var silent = speech
        silent.samples = [Float](repeating: 0, count: speech.samples.count)
        #expect(source.lipTrack(audio: SlotAudio(track: silent, fps: 25, slotCount: n)) == nil)
        #expect(source.lipTrack(audio: nil) == nil)
        #expect(LipGuidanceSource(lips: nil).lipTrack(audio: SlotAudio(track: speech, fps: 25, slotCount: n)) == nil)
    }

    @Test("Contexts carry the guidance only for the methods guided at the mouth")
    func contexts() throws {
        let source = LipGuidanceSource(lips: nil)
        let plain = try GapContext.make(frameRate: Self.fps, slotCount: 10, audio: nil, methods: ["blend", "fenet"], guidance: source)
        #expect(plain.lipTrack == nil && plain.mouthLocator == nil)
        let guided = try GapContext.make(frameRate: Self.fps, slotCount: 10, audio: nil, methods: ["blend", "fenet-lips"], guidance: source)
        #expect((guided.mouthLocator != nil) == LandmarkDetector.isModelInstalled())
        #expect(guided.lipTrack == nil)
        let factory = RestorerFactory(locator: ModelLocator(searchFolders: []))
        #expect(factory.lipGuidance(for: ["fenet"]) == nil)
        #expect(factory.lipGuidance(for: ["fenet-lips-noaudio"]) != nil)
        // No model file: a typed error naming the file, not a crash.
        #expect(throws: RestorationError.self) { _ = try factory.make("fenet-lips", faceBox: nil) }
    }

    @Test("The mouth memo searches a crop once however often it is asked, and tells crops apart by their pixels")
    func mouthMemo() throws {
        let memo = MouthSpotMemo(capacity: 2)
        let a = try VideoFrame(width: 4, height: 4, rgb: [UInt8](repeating: 10, count: 48))
        var bRGB = a.rgb
        bRGB[47] = 11
        let b = try VideoFrame(width: 4, height: 4, rgb: bRGB)
        let c = try VideoFrame(width: 4, height: 4, rgb: [UInt8](repeating: 200, count: 48))
        let spotA = MouthSpot(x: 0.5, y: 0.6, radius: 0.1), spotB = MouthSpot(x: 0.4, y: 0.7, radius: 0.2)
        #expect(memo.spot(of: a) { spotA } == spotA)
        #expect(memo.spot(of: a) { Issue.record("searched again"); return nil } == spotA)
        #expect(memo.spot(of: b) { spotB } == spotB, "one byte apart is another crop")
        #expect(memo.spot(of: c) { nil } == nil)
        #expect(memo.spot(of: c) { Issue.record("a remembered miss searched again"); return spotA } == nil)
        #expect(memo.searches == 3)
        // Capacity 2: a was forgotten when c came.
        #expect(memo.spot(of: a) { spotB } == spotB)
        #expect(memo.searches == 4)
    }
}
