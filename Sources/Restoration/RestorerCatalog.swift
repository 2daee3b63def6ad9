import Foundation

/// The restoration methods by the names the CLI, reports and the inspector use.
///
/// The classical methods need nothing; `fenet` and `fenet-noaudio` load `fenet.safetensors` /
/// `fenet-noaudio.safetensors` from a models folder: the one passed as `models` (a folder, or a `.safetensors`
/// file used for either name), else `$DROPFILL_MODELS`, else `SampleData/models` under the current directory or
/// above the executable (the shipped models).
public enum RestorerCatalog {
    /// Names of the methods that need no model file, in the order tables list them.
    public static let classical = ["hold", "blend", "minterpolate"]

    /// Names of the learned methods (each needs its model file).
    public static let learned = ["fenet", "fenet-noaudio"]
    /// Methods that restore from the audio (a viewer judging them must hear it).
    public static let audioDriven = ["fenet"]

    /// Whether `method` restores from the audio.
    public static func usesAudio(_ method: String) -> Bool { audioDriven.contains(method) }

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

    /// The model file for learned method `name`: `models` itself when it is a file, else `<folder>/<name>.safetensors`.
    public static func modelPath(for name: String, models: String? = nil) throws(RestorationError) -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if let models {
            guard fm.fileExists(atPath: models, isDirectory: &isDirectory) else {
                throw .invalidModel(path: models, reason: "no such file or folder")
            }
            let path = isDirectory.boolValue ? (models as NSString).appendingPathComponent("\(name).safetensors") : models
            guard fm.fileExists(atPath: path) else { throw .invalidModel(path: path, reason: "no model file for '\(name)'") }
            return path
        }
        let candidates = defaultModelFolders.map { ($0 as NSString).appendingPathComponent("\(name).safetensors") }
        if let found = candidates.first(where: { fm.fileExists(atPath: $0) }) { return found }
        throw .invalidModel(path: candidates.first ?? "\(name).safetensors",
                            reason: "no model file for '\(name)' (looked in \(defaultModelFolders.joined(separator: ", ")); pass --models DIR)")
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
        return out
    }
}
