import DropfillTestSupport
import Foundation
import Tensor
import Testing

/// The bundled real clip the run trains on.
private let validationClip = BuiltProduct.repoRoot.appendingPathComponent("SampleData/grid-bbaf2n.mp4").path

/// `train-restore --validation-gaps N`: the epoch's validation scores N gaps, the model file records N, and a count
/// that is not a positive multiple of 8 is refused before anything is read.
@Suite("train-restore's validation set size",
       .enabled(if: Prerequisite.binary, "the dropfill binary is not built next to the tests (run `swift build` first)"),
       .enabled(if: FileManager.default.fileExists(atPath: validationClip), "SampleData/grid-bbaf2n.mp4 is missing"))
struct TrainRestoreValidationGapsTests {
    @Test func scoresAndRecordsTheGapsAskedFor() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("valgaps-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/corpus", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: validationClip, toPath: dir + "/corpus/clip.mp4")
        let r = try #require(try BuiltProduct.run(
            ["train-restore", dir + "/corpus", "--split", "all", "--size", "32", "--steps", "2", "--steps-per-epoch", "2",
             "--batch", "2", "--max-frames", "24", "--validation-gaps", "24", "--out", "m.safetensors"],
            environment: ["OPENBLAS_NUM_THREADS": "1"], in: dir))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("on 24 gaps of training clips"), "\(r.stderr)")
        let model = try SafeTensors.read(path: dir + "/m.safetensors")
        #expect(model.metadata["fenet.validation_gaps"] == "24")
    }

    @Test(arguments: ["12", "0", "70000"])
    func refusesACountThatIsNotAPositiveMultipleOfEight(_ count: String) throws {
        let r = try #require(try BuiltProduct.run(["train-restore", "SampleData", "--validation-gaps", count, "--out", "/nonexistent/m.safetensors"]))
        #expect(r.status != 0)
        #expect(r.stderr.contains("--validation-gaps must be a multiple of 8"), "\(r.stderr)")
    }
}
