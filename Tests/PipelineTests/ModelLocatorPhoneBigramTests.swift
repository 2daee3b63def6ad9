import Foundation
import Media
import Phonetics
import Testing
@testable import Pipeline

/// The engine's phone decoder uses the shipped phonetic bigram where the locator finds it, and says when it cannot.
@Suite("The shipped phonetic bigram")
struct ModelLocatorPhoneBigramTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let models = checkout.appendingPathComponent("SampleData/models").path
    static let bigram = (models as NSString).appendingPathComponent(ModelLocator.phoneBigramName)
    static let installed = PhoneRecognizer().isAvailable

    @Test("The locator finds the bigram in the models folder and the recognizer it makes decodes with it")
    func found() throws {
        let locator = ModelLocator(searchFolders: ["/nonexistent/SampleData/models", Self.models])
        #expect(locator.phoneBigramPath() == Self.bigram)
        let recognizer = locator.phoneRecognizer()
        #expect(recognizer.languageModel == Self.bigram)
        #expect(recognizer.phoneLanguageModel == Self.bigram)
        #expect(recognizer.settingsTag.hasSuffix("-lmen-us-phone-bigram"))
        #expect(recognizer.settingsTag != PhoneRecognizer().settingsTag)
    }

    @Test("Without the bigram the recognizer is Debian's trigram")
    func missing() {
        let recognizer = ModelLocator(searchFolders: ["/nonexistent/SampleData/models"]).phoneRecognizer()
        #expect(recognizer.languageModel == nil)
        #expect(recognizer.phoneLanguageModel.hasSuffix(PhoneRecognizer.trigramName))
        #expect(recognizer.settingsTag == PhoneRecognizer().settingsTag)
    }

    @Test("The committed file is the trigram's unigrams and bigrams with no trigrams")
    func committedFile() throws {
        let text = try String(contentsOfFile: Self.bigram, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let data = try #require(lines.firstIndex(of: "\\data\\"))
        #expect(lines[data + 1] == "ngram 1=43")
        #expect(lines[data + 2] == "ngram 2=1509")
        #expect(!lines.contains { $0.hasPrefix("ngram 3=") || $0 == "\\3-grams:" })
        let start = try #require(lines.firstIndex(of: "\\2-grams:")), end = try #require(lines.firstIndex(of: "\\end\\"))
        let bigrams = lines[(start + 1)..<end].filter { !$0.isEmpty }
        #expect(bigrams.count == 1509)
        // probability, two phones, no back-off weight
        #expect(bigrams.allSatisfy { $0.split(separator: "\t").count == 3 && Double($0.split(separator: "\t")[0]) != nil })
    }

    @Test("A real reading decodes with the bigram into about as many phones as with the trigram",
          .enabled(if: installed, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func decodes() throws {
        let wav = Self.checkout.appendingPathComponent("Tests/PhoneticsTests/Fixtures/librivox-0930.wav").path
        let audio = try AudioDecoder.decode(path: wav)
        let bigram = try PhoneRecognizer(languageModel: Self.bigram).decode(samples: audio.samples, sampleRate: audio.sampleRate)
        let trigram = try PhoneRecognizer().decode(samples: audio.samples, sampleRate: audio.sampleRate)
        #expect(bigram.count >= 15)
        #expect(abs(bigram.count - trigram.count) <= trigram.count / 3, "\(bigram.count) phones with the bigram, \(trigram.count) with the trigram")
        for (a, b) in zip(bigram, bigram.dropFirst()) { #expect(b.start >= a.end - 1e-9) }
    }

    @Test("A language model file that does not exist is a typed error naming it",
          .enabled(if: installed, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func absentFile() {
        #expect {
            _ = try PhoneRecognizer(languageModel: "/nonexistent/phone.arpa").decode(samples: [Float](repeating: 0, count: 16_000))
        } throws: { error in
            guard case let PhoneticsError.modelMissing(path, _) = error else { return false }
            return path == "/nonexistent/phone.arpa"
        }
    }

    @Test("A file that is not a language model is a typed error naming it, not a silent phone loop",
          .enabled(if: installed, "pocketsphinx-en-us is not installed (scripts/setup.sh)"))
    func unreadableFile() throws {
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("dropfill-bad-\(UUID().uuidString).arpa")
        try Data("garbage\n\\data\\\nngram 1=2\n".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        #expect {
            _ = try PhoneRecognizer(languageModel: bad.path).decode(samples: [Float](repeating: 0, count: 16_000))
        } throws: { error in
            guard case let PhoneticsError.decoderFailed(message) = error else { return false }
            return message.contains(bad.path)
        }
    }
}
