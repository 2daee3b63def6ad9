import Foundation

/// The restoration methods by the names the CLI, reports and the inspector use.
///
/// The classical methods need nothing; `fenet` and `fenet-noaudio` load `fenet.safetensors` /
/// `fenet-noaudio.safetensors` from a models folder: the one passed as `models` (a folder, or a `.safetensors`
/// file used for either name), else `$DROPFILL_MODELS`, else `SampleData/models` under the current directory or
/// above the executable (the shipped models). `rife` loads `rife.safetensors`, RIFE HDv3's pretrained weights that
/// `scripts/setup.sh` converts at set-up time into `~/.cache/dropfill/models` (also searched; too large for git).
public enum RestorerCatalog {
    /// Names of the methods that need no model file, in the order tables list them.
    public static let classical = ["hold", "blend", "minterpolate"]

    /// Names of the learned methods (each needs its model file).
    public static let learned = ["fenet", "fenet-noaudio", "rife"]

    /// Every known method name.
    public static var all: [String] { classical + learned }

    /// The restorer called `name`; `models` is a models folder or a model file (see the type's documentation).
    public static func make(_ name: String, models: String? = nil) throws(RestorationError) -> any FrameRestorer {
        switch name {
        case "hold": return HoldRestorer()
        case "blend": return BlendRestorer()
        case "minterpolate": return MinterpolateRestorer()
        case "fenet", "fenet-noaudio":
            let path = try modelPath(for: name, models: models)
            return try FENetRestorer(name: name, modelPath: path, useAudio: name == "fenet")
        case "rife": return try RIFERestorer(modelPath: try modelPath(for: name, models: models))
        default: throw .unknownMethod(name: name, known: all)
        }
    }

    /// Restorers for a comma-separated list of names ("hold,blend"); duplicates are dropped.
    public static func make(list: String, models: String? = nil) throws(RestorationError) -> [any FrameRestorer] {
        var seen = Set<String>(), out: [any FrameRestorer] = []
        for raw in list.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, seen.insert(name).inserted else { continue }
            out.append(try make(name, models: models))
        }
        guard !out.isEmpty else { throw .unknownMethod(name: list, known: all) }
        return out
    }

    // MARK: - Model files

    /// The model file for learned method `name`: `models` itself when it is a file, else `<folder>/<name>.safetensors`
    /// (for `rife`, a folder without it falls back to the default folders, which include the set-up folder).
    public static func modelPath(for name: String, models: String? = nil) throws(RestorationError) -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if let models {
            guard fm.fileExists(atPath: models, isDirectory: &isDirectory) else {
                throw .invalidModel(path: models, reason: "no such file or folder")
            }
            let path = isDirectory.boolValue ? (models as NSString).appendingPathComponent("\(name).safetensors") : models
            if fm.fileExists(atPath: path) { return path }
            // RIFE's converted weights live in the set-up folder, not beside the trained models a user passes.
            guard name == "rife", isDirectory.boolValue else {
                throw .invalidModel(path: path, reason: "no model file for '\(name)'")
            }
        }
        let candidates = defaultModelFolders.map { ($0 as NSString).appendingPathComponent("\(name).safetensors") }
        if let found = candidates.first(where: { fm.fileExists(atPath: $0) }) { return found }
        throw .invalidModel(path: candidates.first ?? "\(name).safetensors",
                            reason: "no model file for '\(name)' (looked in \(defaultModelFolders.joined(separator: ", ")); "
                                + (name == "rife" ? IFNet.setupHint : "pass --models DIR") + ")")
    }

    /// Where `scripts/setup.sh` writes the models it converts at set-up time (RIFE): `~/.cache/dropfill/models`.
    public static var setupModelFolder: String {
        (FileManager.default.homeDirectoryForCurrentUser.path as NSString).appendingPathComponent(".cache/dropfill/models")
    }

    /// Where the shipped models are looked for, in order.
    public static var defaultModelFolders: [String] {
        var out: [String] = []
        if let env = ProcessInfo.processInfo.environment["DROPFILL_MODELS"], !env.isEmpty { out.append(env) }
        out.append((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("SampleData/models"))
        // The package root above a SwiftPM build folder (…/.build*/debug/dropfill).
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<5 {
            dir = dir.deletingLastPathComponent()
            out.append(dir.appendingPathComponent("SampleData/models").path)
        }
        out.append(setupModelFolder)
        return out
    }
}
