import Pipeline
import Corpus
import Foundation

extension Evaluator {
    /// Progress of a run: results done (including resumed ones) out of the total, and what is being scored now.
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var current: String
    }

    /// Scores every clip (of this shard) under every seed, skipping what `store` already holds, appending each new
    /// result to `store` as soon as it is made. Returns every result of `clips` in this shard, resumed and new.
    ///
    /// A state folder is named by the settings, not by which clips were asked for, so it may also hold results of
    /// clips outside `clips` (another part of the split, `evaluate --split validation` after `--split test` on the
    /// same corpus): they stay in the folder and are not returned.
    public func run(clips: [Clip], store: EvaluationStore?, progress: ((Progress) -> Void)? = nil) throws -> [ClipResult] {
        let mine = clips.sorted { $0.path < $1.path }.enumerated().filter { store?.shard?.contains($0.offset) ?? true }.map(\.element)
        let asked = Set(clips.map(\.relativePath))
        var results = try (store?.load() ?? []).filter { asked.contains($0.clip) }
        var done = Set(results.map(\.key))
        let seeds = (0..<UInt64(max(1, settings.seeds))).map { settings.drop.seed &+ $0 }
        let total = mine.count * seeds.count
        var count = results.count
        for clip in mine {
            let pending = seeds.filter { !done.contains("\(clip.relativePath)#\($0)") }
            if pending.isEmpty { continue }
            progress?(Progress(done: count, total: total, current: "decoding \(clip.relativePath)"))
            let prepared = try PreparedClip.load(clip, preparation: settings.preparation)
            for seed in pending {
                progress?(Progress(done: count, total: total, current: "\(clip.relativePath) seed \(seed)"))
                let result = try evaluate(prepared, seed: seed)
                try store?.append(result)
                results.append(result)
                done.insert(result.key)
                count += 1
            }
        }
        progress?(Progress(done: count, total: total, current: "done"))
        return results
    }
}
