import DropfillTestSupport
import Foundation
import Tensor
import Testing

/// The bundled real clip the resume tests train on.
private let resumeClip = BuiltProduct.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path

/// Issue 16: a training run stopped and resumed in another process ends with the same weights, bit for bit, as one
/// uninterrupted run — for `train-restore` (stopped with `--stop-after`) and `train-align` (resumed with more epochs),
/// on tiny settings and the bundled real clip. One BLAS thread, so only the program's own order of operations counts.
@Suite("training resumed in a new process is bit-identical",
       .enabled(if: Prerequisite.binary, "the dropfill binary is not built next to the tests (run `swift build` first)"),
       .enabled(if: FileManager.default.fileExists(atPath: resumeClip), "SampleData/grid-bbaf2n.mp4 is missing"))
struct TrainingResumeTests {

    /// A scratch folder with a one-clip corpus (`corpus/clip.mp4`), removed at the end.
    final class Scratch {
        let dir: String
        var corpus: String { dir + "/corpus" }
        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("resume-cli-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir + "/corpus", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: resumeClip, toPath: dir + "/corpus/clip.mp4")
        }
        deinit { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// Runs `dropfill arguments…` in `dir` with one BLAS thread and requires exit 0.
    func run(_ arguments: [String], in dir: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try #require(try BuiltProduct.run(arguments, environment: ["OPENBLAS_NUM_THREADS": "1"], in: dir),
                             sourceLocation: sourceLocation)
        #expect(r.status == 0, "dropfill \(arguments.joined(separator: " ")): \(r.stderr)", sourceLocation: sourceLocation)
    }

    /// Expects the two safetensors files to hold the same tensor names with bit-identical values.
    func expectBitIdentical(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try SafeTensors.read(path: a), y = try SafeTensors.read(path: b)
        #expect(Set(x.tensors.keys) == Set(y.tensors.keys), sourceLocation: sourceLocation)
        #expect(!x.tensors.isEmpty, sourceLocation: sourceLocation)
        var differing: [String] = []
        for (name, t) in x.tensors {
            guard let u = y.tensors[name], u.shape == t.shape, u.scalars.map(\.bitPattern) == t.scalars.map(\.bitPattern) else {
                differing.append(name)
                continue
            }
        }
        #expect(differing.isEmpty, "\(differing.count) tensor(s) differ, e.g. \(differing.sorted().prefix(3))", sourceLocation: sourceLocation)
    }

    @Test("train-restore: 4 steps straight = 2 steps, stop, resume for 2 (weights and checkpoint)")
    func trainRestoreResume() throws {
        let s = try Scratch()
        let common = ["train-restore", s.corpus, "--split", "all", "--size", "32", "--steps", "4", "--steps-per-epoch", "2",
                      "--batch", "2", "--max-frames", "24"]
        try run(common + ["--out", "straight.safetensors"], in: s.dir)
        try run(common + ["--out", "parts.safetensors", "--stop-after", "2"], in: s.dir)
        #expect(!FileManager.default.fileExists(atPath: s.dir + "/parts.safetensors"), "a stopped run writes only its checkpoint")
        try run(common + ["--out", "parts.safetensors", "--resume"], in: s.dir)
        try expectBitIdentical(s.dir + "/straight.safetensors", s.dir + "/parts.safetensors")
        try expectBitIdentical(s.dir + "/straight.safetensors.ckpt", s.dir + "/parts.safetensors.ckpt")
    }

    @Test("train-align: 2 epochs straight = 1 epoch, then --resume to 2 (model and checkpoint)")
    func trainAlignResume() throws {
        let s = try Scratch()
        let common = ["train-align", s.corpus, "--split", "all", "--no-calibration", "--batch-size", "16"]
        try run(common + ["--epochs", "2", "--out", "straight.safetensors"], in: s.dir)
        try run(common + ["--epochs", "1", "--out", "parts.safetensors"], in: s.dir)
        try run(common + ["--epochs", "2", "--out", "parts.safetensors", "--resume"], in: s.dir)
        try expectBitIdentical(s.dir + "/straight.safetensors", s.dir + "/parts.safetensors")
        try expectBitIdentical(s.dir + "/straight.safetensors.checkpoint", s.dir + "/parts.safetensors.checkpoint")
    }
}
