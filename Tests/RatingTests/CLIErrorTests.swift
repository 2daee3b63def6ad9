import Foundation
import GRDB
import Testing
@testable import Rating

/// `dropfill rate` and `report` refuse bad input with one clear line and leave existing files alone.
@Suite struct CLIErrorTests {
    static let available = CLI.binary != nil
    static let env = ["DROPFILL_AUDIO": "off"]

    @Test(.enabled(if: available, "the dropfill binary is not built next to the tests"))
    func badInputsGiveOneClearLine() throws {
        let dir = RatingFixtures.temporaryFolder("cli")
        defer { RatingFixtures.cleanup(dir) }
        let study = try RatingFixtures.makeStudy(in: dir, clipCount: 1, generateClips: false)
        // A study naming a missing clip.
        let missing = try CLI.run(["rate", study, "--rater", "ann", "--db", dir + "/r.sqlite"], environment: Self.env)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("Error: invalid study") && missing.stderr.contains("clip0.mp4 not found"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"))
        try RatingFixtures.makeClip(path: dir + "/clip0.mp4", variant: 0, frames: 5)
        // An empty rater ID.
        let empty = try CLI.run(["rate", study, "--rater", "", "--db", dir + "/r.sqlite"], environment: Self.env)
        #expect(empty.stderr.contains("Error: invalid rater ID"))
        // An unwritable data directory (a file where the folder should be).
        try "x".write(toFile: dir + "/blocker", atomically: true, encoding: .utf8)
        let unwritable = try CLI.run(["rate", study, "--rater", "ann"], environment: Self.env.merging(["XDG_DATA_HOME": dir + "/blocker"]) { $1 })
        #expect(unwritable.status != 0)
        #expect(unwritable.stderr.contains("Error: cannot write \(dir)/blocker/dropfill"), "\(unwritable.stderr)")
        // A foreign SQLite database and a corrupt file: refused, byte-identical afterwards.
        let foreign = dir + "/foreign.sqlite"
        do {
            let q = try DatabaseQueue(path: foreign)
            try q.write { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
            try q.close()
        }
        let corrupt = dir + "/corrupt.sqlite"
        try Data("SQLite format 3\0".utf8 + (0..<3000).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: corrupt))
        for path in [foreign, corrupt] {
            let before = FileManager.default.contents(atPath: path)
            for args in [["rate", study, "--rater", "ann", "--db", path], ["report", study, "--db", path]] {
                let r = try CLI.run(args, environment: Self.env)
                #expect(r.status != 0)
                #expect(r.stderr.contains("Error: cannot use the ratings database \(path)"), "\(r.stderr)")
                #expect(r.stderr.split(separator: "\n").count == 1)
            }
            #expect(FileManager.default.contents(atPath: path) == before, "\(path) was modified")
        }
        // A study that forbids silent sessions on a machine without sound.
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: study))) as? [String: Any])
        obj["allow_silent"] = false
        try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: study))
        let silent = try CLI.run(["rate", study, "--rater", "ann", "--db", dir + "/s.sqlite"], environment: Self.env)
        #expect(silent.stderr.contains("does not allow silent sessions"), "\(silent.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/s.sqlite"))
    }
}
