import Corpus
import Foundation
import Pipeline
import Restoration

// MARK: - The state folder's key

/// Everything that makes two evaluation runs comparable; its hash names the default state folder, and a state
/// folder refuses to take results from a run with another key.
public struct EvaluationStateKey: Codable, Equatable, Sendable {
    public var settings: EvaluationSettings
    public var corpus: String
    public var methods: [String]
    /// Fingerprints of the model files the methods and the aligner read: results of a retrained model never mix
    /// with the old ones in one state folder.
    public var modelFiles: [String: String]?
    /// True with --mouth (absent otherwise, so runs without it keep their state folders).
    public var mouth: Bool? = nil

    public init(settings: EvaluationSettings, corpus: String, methods: [String], modelFiles: [String: String]?, mouth: Bool? = nil) {
        self.settings = settings
        self.corpus = corpus
        self.methods = methods
        self.modelFiles = modelFiles
        self.mouth = mouth
    }

    /// FNV-1a of the JSON form (sorted keys), as hex digits.
    public var hash: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Self.fnv1a((try? encoder.encode(self)) ?? Data())
    }

    /// FNV-1a of `bytes`, as hex digits.
    public static func fnv1a(_ bytes: Data) -> String {
        String(FNV1a.hash(bytes), radix: 16)
    }

    // MARK: - Model fingerprints

    /// Name → fingerprint of every model file a run reads: each learned restorer's, the Ali-Net model's when the
    /// positions come from an aligner that reads it (`aligner` nil: true positions), and the lip-geometry model's
    /// when the aligner may use it (the lips aligners, and `aligner`, which resolves to one when the model exists).
    public static func modelFingerprints(locator: ModelLocator, restorers: [String], aligner: String?) -> [String: String] {
        func fingerprint(_ path: String?) -> String? {
            path.flatMap { FileManager.default.contents(atPath: $0) }.map(fnv1a)
        }
        var out: [String: String] = [:]
        for name in restorers where RestorerCatalog.learned.contains(name) {
            out[name] = fingerprint(try? locator.restorationModelPath(for: name))
        }
        if restorers.contains(where: RestorerCatalog.needsRIFE) { out["rife"] = fingerprint(try? locator.restorationModelPath(for: "rife")) }
        guard let aligner else { return out }
        let usesLips = LipsCatalog.names.contains(aligner) || aligner == "aligner"
        if AlignerCatalog.withModel.contains(aligner) || usesLips { out["aligner"] = fingerprint(locator.alignerModelPath()) }
        if usesLips { out["lips"] = fingerprint(locator.lipsModelPath()) }
        return out
    }
}
