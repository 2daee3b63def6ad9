import Foundation
import Media
@testable import Phonetics
import Testing

/// The committed LibriVox reading and its pronunciations (`Fixtures/librivox-0930.txt`).
enum LibriVoxFixture {
    static let directory = Bundle.module.resourceURL?.appendingPathComponent("Fixtures")
    static var wav: String? { directory?.appendingPathComponent("librivox-0930.wav").path }

    /// Word → phones, in reading order.
    static func words() throws -> [(word: String, phones: [String])] {
        guard let url = directory?.appendingPathComponent("librivox-0930.txt") else { return [] }
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .map { line in
                let parts = line.split(separator: " ").map(String.init)
                return (parts[0], Array(parts.dropFirst()))
            }
    }
}

@Suite("Phone decoding")
struct PhoneRecognizerTests {
    static let installed = PhoneRecognizer().isAvailable

    @Test("A real English reading decodes into time-ordered phones whose mouth shapes match most words",
          .enabled(if: installed, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func decodesLibriVox() throws {
        let path = try #require(LibriVoxFixture.wav)
        let audio = try AudioDecoder.decode(path: path)
        let phones = try PhoneRecognizer().decode(samples: audio.samples, sampleRate: audio.sampleRate)
        #expect(phones.count >= 15)
        for (a, b) in zip(phones, phones.dropFirst()) {
            #expect(a.start < a.end)
            #expect(b.start >= a.end - 1e-9)
        }
        #expect((phones.last?.end ?? 0) <= audio.duration + 1e-9)
        // The expected visemes of every word, matched in order against the decoded ones (longest common
        // subsequence over the collapsed, silence-free class sequences); a word counts as present when at least half
        // of its classes are matched.
        let words = try LibriVoxFixture.words()
        #expect(words.count == 8)
        func collapse(_ v: [Viseme]) -> [Viseme] {
            v.filter { $0 != .silence }.reduce(into: []) { out, x in if out.last != x { out.append(x) } }
        }
        let expected = words.map { collapse($0.phones.map(Viseme.init(phone:))) }
        let flat = expected.flatMap { $0 }
        let owner = expected.enumerated().flatMap { i, w in Array(repeating: i, count: w.count) }
        let decoded = collapse(phones.map(\.viseme))
        let matched = Self.lcsMatches(flat, decoded)
        var hits = [Int](repeating: 0, count: words.count)
        for m in matched { hits[owner[m]] += 1 }
        let present = zip(hits, expected).filter { 2 * $0 >= $1.count }.count
        #expect(present >= 6, "words with their mouth shapes found: \(present) of \(words.count)")
    }

    @Test("Silence decodes to no speech phones", .enabled(if: installed, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func silence() throws {
        let phones = try PhoneRecognizer().decode(samples: [Float](repeating: 0, count: 16_000))
        #expect(phones.allSatisfy { $0.viseme == .silence })
    }

    @Test("Audio streamed in chunks of any size decodes to the phones of the whole signal cut as cutPoints cuts it",
          .enabled(if: installed, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func streamedEqualsWhole() throws {
        let path = try #require(LibriVoxFixture.wav)
        let audio = try AudioDecoder.decode(path: path)
        // 1 s pieces, so the 3.3 s reading is cut twice and decoded in a batch per core.
        let recognizer = PhoneRecognizer(chunkSeconds: 1)
        let pcm = audio.samples.map { Int16(max(-32767, min(32767, ($0 * 32767).rounded()))) }
        let cuts = PhoneRecognizer.cutPoints(pcm, sampleRate: 16_000, chunk: 16_000)
        #expect(cuts.count >= 3)
        var reference: [PhoneSegment] = []
        for (a, b) in zip(cuts, cuts.dropFirst()) {
            reference += try recognizer.decodePiece(Array(pcm[a..<b]), offset: a, sampleRate: 16_000)
        }
        #expect(!reference.isEmpty)
        #expect(try recognizer.decode(samples: audio.samples) == reference)
        for size in [1_000, 7_777, 40_000] {
            var stream = try PhoneDecodingStream(recognizer: recognizer)
            var t = 0
            while t < audio.samples.count {
                let end = min(audio.samples.count, t + size)
                try stream.append(Array(audio.samples[t..<end]))
                t = end
            }
            #expect(stream.sampleCount == audio.samples.count)
            #expect(try stream.finish() == reference, "chunks of \(size) samples")
        }
    }

    @Test("A NaN sample in a streamed chunk is a typed error", .enabled(if: installed, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func streamedNaN() throws {
        var stream = try PhoneDecodingStream(recognizer: PhoneRecognizer())
        try stream.append([Float](repeating: 0, count: 100))
        #expect(throws: PhoneticsError.self) { try stream.append([0, .nan]) }
    }

    @Test("Long audio is cut into pieces at quiet points, each piece about the chunk length")
    func cutPoints() {
        var pcm = [Int16](repeating: 1000, count: 16_000 * 40)
        for t in 160_000..<160_160 { pcm[t] = 0 }
        let cuts = PhoneRecognizer.cutPoints(pcm, sampleRate: 16_000, chunk: 16_000 * 12)
        #expect(cuts.first == 0 && cuts.last == pcm.count)
        #expect(zip(cuts, cuts.dropFirst()).allSatisfy { $1 > $0 })
        #expect(cuts.count == 5)
        #expect(cuts[1] == 160_080)
    }

    @Test("A missing model is a typed error that names the set-up step")
    func missingModel() {
        let recognizer = PhoneRecognizer(modelDirectory: "/nonexistent/pocketsphinx")
        #expect(!recognizer.isAvailable)
        #expect {
            _ = try recognizer.decode(samples: [Float](repeating: 0, count: 16_000))
        } throws: { error in
            guard case let PhoneticsError.modelMissing(_, setup) = error else { return false }
            return setup.contains("scripts/setup.sh") && "\(error)".contains("pocketsphinx-en-us")
        }
    }

    @Test("Decoder settings out of range are a typed error, and the settings tag tells settings apart",
          .enabled(if: installed, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func settings() {
        for bad in [PhoneRecognizer(downsampling: 0), PhoneRecognizer(downsampling: 5), PhoneRecognizer(topN: 0),
                    PhoneRecognizer(phoneBeam: 0), PhoneRecognizer(phoneBeam: 1)] {
            #expect {
                _ = try bad.decode(samples: [Float](repeating: 0, count: 16_000))
            } throws: { error in
                guard case PhoneticsError.invalidSetting = error else { return false }
                return true
            }
        }
        let tags = Set([PhoneRecognizer(), PhoneRecognizer(downsampling: 1), PhoneRecognizer(topN: 4),
                        PhoneRecognizer(chunkSeconds: 12), PhoneRecognizer(phoneBeam: 1e-20)].map(\.settingsTag))
        #expect(tags.count == 5)
        #expect(PhoneRecognizer().settingsTag == PhoneRecognizer().settingsTag)
    }

    @Test("Audio at another rate is refused")
    func wrongRate() {
        #expect(throws: PhoneticsError.self) { try PhoneRecognizer().decode(samples: [0, 0], sampleRate: 44_100) }
    }

    /// Indices into `a` of a longest common subsequence of `a` and `b`.
    static func lcsMatches(_ a: [Viseme], _ b: [Viseme]) -> [Int] {
        let n = a.count, m = b.count
        var t = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                t[i][j] = a[i] == b[j] ? t[i + 1][j + 1] + 1 : max(t[i + 1][j], t[i][j + 1])
            }
        }
        var out: [Int] = [], i = 0, j = 0
        while i < n && j < m {
            if a[i] == b[j] { out.append(i); i += 1; j += 1 } else if t[i + 1][j] >= t[i][j + 1] { i += 1 } else { j += 1 }
        }
        return out
    }
}

@Suite("Visemes")
struct VisemeTests {
    @Test("CMU phones map to their mouth-shape classes; fillers and unknown labels are silence")
    func mapping() {
        #expect(Viseme(phone: "M") == .bilabial)
        #expect(Viseme(phone: "F") == .labiodental)
        #expect(Viseme(phone: "AA") == .open)
        #expect(Viseme(phone: "UW") == .rounded)
        #expect(Viseme(phone: "IY") == .spread)
        #expect(Viseme(phone: "SIL") == .silence)
        #expect(Viseme(phone: "+NSN+") == .silence)
    }

    @Test("Per-slot probabilities are the share of each slot's time, rows summing to 1, uncovered time silent")
    func slotProbabilities() throws {
        let phones = [PhoneSegment(phone: "M", start: 0, end: 0.05), PhoneSegment(phone: "AA", start: 0.05, end: 0.1)]
        let p = try Viseme.slotProbabilities(phones, fps: 20, slotCount: 3)
        let v = Viseme.allCases.count
        #expect(p.count == 3 * v)
        #expect(abs(p[Viseme.bilabial.rawValue] - 1) < 1e-6)
        #expect(abs(p[v + Viseme.open.rawValue] - 1) < 1e-6)
        #expect(abs(p[2 * v + Viseme.silence.rawValue] - 1) < 1e-6)
        let half = try Viseme.slotProbabilities([PhoneSegment(phone: "P", start: 0.025, end: 0.05)], fps: 20, slotCount: 1)
        #expect(abs(half[Viseme.bilabial.rawValue] - 0.5) < 1e-6 && abs(half[Viseme.silence.rawValue] - 0.5) < 1e-6)
    }
}
