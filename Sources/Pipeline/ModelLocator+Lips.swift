import Foundation
import Phonetics

extension ModelLocator {
    /// The file name of the shipped lip-geometry model (`LipGeometryModel`, with the fused aligner's calibration).
    public static let lipsModelName = "lips.safetensors"

    /// The lip-geometry model: `lips.safetensors` beside an explicit Ali-Net model, else the first in the search
    /// folders; nil when none.
    public func lipsModelPath() -> String? {
        var folders = searchFolders
        if let alignerModel { folders.insert((alignerModel as NSString).deletingLastPathComponent, at: 0) }
        return folders.map { ($0 as NSString).appendingPathComponent(Self.lipsModelName) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The file name of the shipped phonetic bigram (`PhoneRecognizer.languageModel`).
    public static let phoneBigramName = "en-us-phone-bigram.arpa"

    /// The phonetic bigram: beside the lip-geometry model first (the phones a lip model was trained on), else the first
    /// in the search folders; nil when none.
    public func phoneBigramPath() -> String? {
        var folders = searchFolders
        if let lips = lipsModelPath() { folders.insert((lips as NSString).deletingLastPathComponent, at: 0) }
        return folders.map { ($0 as NSString).appendingPathComponent(Self.phoneBigramName) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The phone recognizer the engine decodes with: the shipped bigram when it is found (the shipped lip model was
    /// trained on its phones), else Debian's trigram, said once in one line.
    public func phoneRecognizer() -> PhoneRecognizer {
        if let path = phoneBigramPath() { return PhoneRecognizer(languageModel: path) }
        Notice.once("phones: no \(Self.phoneBigramName) in \(searchFolders.joined(separator: ", ")); decoding with Debian's trigram, "
                    + "which the shipped lip model was not trained on")
        return PhoneRecognizer()
    }
}
