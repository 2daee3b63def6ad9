import DropfillTestSupport
import Foundation
import Testing

/// `align` and `restore` place the surviving frames identically, with the same slot grid, also under `--fps`.
@Suite(.enabled(if: Prerequisite.binary, Comment(rawValue: Prerequisite.binaryReason)))
struct AlignRestoreAgreementTests {
    struct Aligned: Decodable { var positions: [Int]; var slots: Int }
    struct Restored: Decodable { var positions: [Int]; var slots: Int; var frameRate: String }

    @Test(arguments: [nil, "30"] as [String?])
    func alignAndRestoreAgree(fps: String?) throws {
        let dir = try TestClips.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dropped = dir.appendingPathComponent("d.mp4").path
        let drop = try #require(try BuiltProduct.run(["drop", "SampleData/grid-bbaf2n.mp4", "-o", dropped, "--rate", "0.8", "--timestamps", "strip"]))
        #expect(drop.status == 0, "\(drop.stderr)")
        let extra = fps.map { ["--fps", $0] } ?? []
        let a = try #require(try BuiltProduct.run(["align", dropped, "--aligner", "visual", "--json"] + extra))
        #expect(a.status == 0, "\(a.stderr)")
        let r = try #require(try BuiltProduct.run(["restore", dropped, "-o", dir.appendingPathComponent("r.mp4").path, "--aligner", "visual",
                                                   "--method", "blend", "--json"] + extra))
        #expect(r.status == 0, "\(r.stderr)")
        let aligned = try JSONDecoder().decode(Aligned.self, from: Data(a.stdout.utf8))
        let restored = try JSONDecoder().decode(Restored.self, from: Data(r.stdout.utf8))
        #expect(aligned.positions == restored.positions)
        #expect(aligned.slots == restored.slots)
        if let fps { #expect(restored.frameRate.hasPrefix(fps)) }
    }
}
