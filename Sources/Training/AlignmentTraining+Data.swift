import Pipeline
import Corpus
import Alignment
import Foundation
import Media
import Tensor

extension AlignmentTraining {
    // MARK: - Data

    /// The training material of one decoded clip (frame i = slot i; clips without audio are refused).
    public static func trainingClip(_ prepared: PreparedClip, configuration: AliNetConfiguration,
                                    seed: UInt64 = 0) throws -> AliNetTrainingClip {
        let n = prepared.frames.count
        let segments = try prepared.slotAudio().aliNetSegments(configuration)
        let features = try SurvivorFeatureExtractor(thumbnails: true, mouth: configuration).features(of: prepared.frames)
        return try AliNetTrainingClip(name: prepared.clip.relativePath, mouths: features.mouths ?? [], segments: segments, count: n,
                                      configuration: configuration, thumbnails: features.thumbnails ?? [], seed: seed)
    }

    /// Decodes and prepares every clip (face crop, mouth crops, slot segments).
    public static func prepare(_ clips: [Clip], settings: AlignmentTrainingSettings,
                               progress: (String) -> Void = { _ in }) throws -> [AliNetTrainingClip] {
        var out: [AliNetTrainingClip] = []
        for (i, clip) in clips.enumerated() {
            progress("preparing \(i + 1)/\(clips.count) \(clip.relativePath)")
            let prepared = try PreparedClip.load(clip, preparation: settings.preparation)
            out.append(try trainingClip(prepared, configuration: settings.configuration, seed: settings.seed &+ UInt64(i)))
        }
        return out
    }
}

// MARK: - Prepared-data cache

extension AlignmentTraining {
    /// Writes prepared clips to a safetensors file (mouth crops and segments per clip), so later runs skip decoding
    /// and face detection.
    public static func saveCache(_ clips: [AliNetTrainingClip], configuration: AliNetConfiguration, to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for (i, c) in clips.enumerated() {
            tensors["clip\(i).mouths"] = try Tensor(shape: [c.count, configuration.mouthSize], scalars: c.mouths)
            tensors["clip\(i).segments"] = try Tensor(shape: [c.count, configuration.segmentSize], scalars: c.segments)
            if let side = c.thumbnails.first?.count, c.thumbnails.count == c.count {
                tensors["clip\(i).thumbnails"] = try Tensor(shape: [c.count, side], scalars: c.thumbnails.flatMap { $0 })
            }
        }
        let config = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        try SafeTensors.write(tensors: tensors, metadata: ["names": clips.map(\.name).joined(separator: "\n"), "config": config],
                              to: path, reclaimable: true)
    }

    /// Reads clips written by `saveCache` when the file exists and was made with `configuration` for exactly
    /// `names`; nil otherwise.
    public static func loadCache(path: String, names: [String], configuration: AliNetConfiguration,
                                 seed: UInt64) throws -> [AliNetTrainingClip]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file = try SafeTensors.read(path: path)
        guard file.metadata["names"] == names.joined(separator: "\n"),
              let json = file.metadata["config"],
              let config = try? JSONDecoder().decode(AliNetConfiguration.self, from: Data(json.utf8)),
              config == configuration else { return nil }
        return try names.enumerated().map { i, name in
            guard let m = file.tensors["clip\(i).mouths"], let s = file.tensors["clip\(i).segments"] else {
                throw AlignmentError.shapeMismatch("cache \(path) lacks clip \(i)")
            }
            var thumbnails: [[Float]] = []
            if let t = file.tensors["clip\(i).thumbnails"], t.shape.count == 2, t.shape[0] == m.shape[0] {
                let v = t.scalars, side = t.shape[1]
                thumbnails = (0..<t.shape[0]).map { Array(v[($0 * side)..<(($0 + 1) * side)]) }
            }
            return try AliNetTrainingClip(name: name, mouths: m.scalars, segments: s.scalars, count: m.shape[0],
                                          configuration: configuration, thumbnails: thumbnails, seed: seed &+ UInt64(i))
        }
    }

    /// `prepare`, through the cache file at `cachePath` when given (read if it matches, else written).
    public static func prepare(_ clips: [Clip], settings: AlignmentTrainingSettings, cachePath: String?,
                               progress: (String) -> Void = { _ in }) throws -> [AliNetTrainingClip] {
        guard let cachePath, !clips.isEmpty else { return try prepare(clips, settings: settings, progress: progress) }
        if let cached = try? loadCache(path: cachePath, names: clips.map(\.relativePath), configuration: settings.configuration,
                                       seed: settings.seed) {
            progress("read \(cached.count) prepared clips from \(cachePath)")
            return cached
        }
        let prepared = try prepare(clips, settings: settings, progress: progress)
        try saveCache(prepared, configuration: settings.configuration, to: cachePath)
        return prepared
    }
}
