import Foundation
import Phonetics

extension ModelLocator {
    /// The file name of the shipped lip-geometry model (`LipGeometryModel`, with the fused aligner's calibration).
    public static let lipsModelName = "lips.safetensors"

    /// The lip-geometry model: `lips.safetensors` beside an explicit Ali-Net model, else the first in the search
    /// folders; nil when none.
    public func lipsModelPath() -> String? {
        firstExisting(Self.lipsModelName, first: alignerModel.map { [($0 as NSString).deletingLastPathComponent] } ?? [])
    }

    /// The file name of the shipped phonetic bigram (`PhoneRecognizer.languageModel`).
    public static let phoneBigramName = "en-us-phone-bigram.arpa"

    /// The phonetic bigram: beside the lip-geometry model first (the phones a lip model was trained on), else the first
    /// in the search folders; nil when none.
    public func phoneBigramPath() -> String? {
        firstExisting(Self.phoneBigramName, first: lipsModelPath().map { [($0 as NSString).deletingLastPathComponent] } ?? [])
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
