import DropfillTestSupport
import Features
import Foundation
import Media
import Phonetics
import Testing
@testable import Pipeline

/// Pass 1 streams the audio: the MFCC frames computed chunk by chunk equal those of the whole track, and the samples
/// are decoded again only when asked for.
@Suite struct SlotAudioStreamingTests {
    static let clip = Prerequisite.sharedClip("talking-extra/edtalk-uncrop_Obama.mp4")

    /// A deterministic test signal of `count` samples.
    static func signal(_ count: Int) -> [Float] {
        (0..<count).map { t in Float(0.4 * sin(Double(t) * 0.031) + 0.2 * sin(Double(t * t % 9973) * 0.7)) }
    }

    @Test(arguments: [400, 401, 559, 560, 4_000, 16_123])
    func chunkedMFCCEqualsTheWholeSignal(count: Int) throws {
        let x = Self.signal(count)
        let whole = try AudioFeatures.compute(samples: x, settings: .mfcc)
        for chunk in [560, 999, 1_600, 7_777] {
            var streamed = StreamedMFCC(settings: .mfcc, chunk: chunk)
            var t = 0
            while t < x.count {   // pieces of uneven size, as a decoder hands them over
                let piece = min(x.count - t, 317 + t % 500)
                try streamed.append(Array(x[t..<(t + piece)]))
                t += piece
            }
            let m = try #require(try streamed.finish())
            #expect(m.rows == whole.rows && m.values == whole.values && m.duration == whole.duration, "\(count) samples, chunk \(chunk)")
        }
    }

    @Test func lessThanOneWindowHasNoFrames() throws {
        var streamed = StreamedMFCC(settings: .mfcc)
        try streamed.append(Self.signal(399))
        #expect(try streamed.finish() == nil)
    }

    @Test(.enabled(if: clip != nil, Comment(rawValue: Prerequisite.sharedDataReason)))
    func aStreamedClipHasTheWholeTracksFeaturesAndDecodesItsSamplesOnlyOnDemand() throws {
        let path = try #require(Self.clip)
        let track = try #require(try SlotAudio.decodeTrack(path: path))
        let streamed = try #require(try SlotAudio.stream(path: path))
        #expect(streamed.sampleCount == track.samples.count)
        let whole = SlotAudio(track: track, fps: 25, slotCount: 100)
        let lazy = SlotAudio(streamed: streamed, path: path, fps: 25, slotCount: 100)
        #expect(try lazy.features(.mfcc) == whole.features(.mfcc))
        #expect(try lazy.restorationRows() == whole.restorationRows())
        #expect(lazy.decodes == 1 && lazy.duration == track.duration)
        #expect(lazy.track == track)
        #expect(lazy.decodes == 2)
        _ = lazy.track
        #expect(lazy.decodes == 2)
    }

    @Test(.enabled(if: clip != nil && PhoneRecognizer().isAvailable,
                   "needs the shared clips and pocketsphinx-en-us (scripts/setup.sh)"))
    func aStreamedClipsPhoneticCuesEqualTheHeldTracksWithoutHoldingIt() throws {
        let path = try #require(Self.clip)
        let track = try #require(try SlotAudio.decodeTrack(path: path))
        let lead = 800
        let streamed = try #require(try SlotAudio.stream(path: path, leadSamples: lead))
        #expect(streamed.sampleCount == track.samples.count + lead)
        let padded = AudioTrack(samples: [Float](repeating: 0, count: lead) + track.samples, sampleRate: track.sampleRate)
        let whole = SlotAudio(track: padded, fps: 25, slotCount: 100)
        let lazy = SlotAudio(streamed: streamed, path: path, leadSamples: lead, fps: 25, slotCount: 100)
        #expect(try lazy.features(.mfcc) == whole.features(.mfcc), "the lead's silence is streamed before the samples")
        let recognizer = PhoneRecognizer(chunkSeconds: 1)
        let cues = try lazy.cues(recognizer: recognizer)
        #expect(cues == (try whole.cues(recognizer: recognizer)))
        #expect(lazy.decodes == 2, "the phones streamed the track once more")
        // The samples were not kept: asking for them decodes again, and they carry the lead.
        #expect(lazy.track == padded)
        #expect(lazy.decodes == 3)
        #expect(lazy.identity != whole.identity && lazy.identity == lazy.identity)
    }
}
