import Foundation
import Restoration

/// Where the engine finds its model files: the one place every face asks.
///
/// The locator reads nothing from the process itself: the CLI reads its flags and environment
/// (`--aligner-model`, `--models`, `$DROPFILL_MODELS`) and passes them in, so library code never touches
/// `CommandLine.arguments` or `ProcessInfo.environment`. The search folders, in order: `$DROPFILL_MODELS`,
/// `SampleData/models` under the working directory, and `SampleData/models` in the checkout above the executable
/// (`…/.build/debug/dropfill`), then the set-up folder `$HOME/.cache/dropfill/models` where `scripts/setup.sh` writes
/// the models it converts (RIFE).
public struct ModelLocator: Sendable, Equatable {
    /// An Ali-Net model file given explicitly (`--aligner-model`).
    public var alignerModel: String?
    /// A folder of restoration models, or one model file (`--models`).
    public var restorationModels: String?
    /// Folders searched for the shipped models, in order.
    public var searchFolders: [String]

    public init(alignerModel: String? = nil, restorationModels: String? = nil, searchFolders: [String] = []) {
        self.alignerModel = alignerModel
        self.restorationModels = restorationModels
        self.searchFolders = searchFolders
    }

    /// The standard search folders for a process whose environment, executable path and working directory are given.
    public static func standard(alignerModel: String? = nil, restorationModels: String? = nil, environment: [String: String],
                                executable: String?, workingDirectory: String) -> ModelLocator {
        var folders: [String] = []
        if let env = environment["DROPFILL_MODELS"], !env.isEmpty { folders.append(env) }
        folders.append((workingDirectory as NSString).appendingPathComponent("SampleData/models"))
        if let executable, !executable.isEmpty {
            var dir = URL(fileURLWithPath: executable, relativeTo: URL(fileURLWithPath: workingDirectory))
                .resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<6 {
                dir = dir.deletingLastPathComponent()
                folders.append(dir.appendingPathComponent("SampleData/models").path)
            }
        }
        if let home = environment["HOME"], !home.isEmpty {
            folders.append((home as NSString).appendingPathComponent(setupFolder))
        }
        var seen = Set<String>()
        return ModelLocator(alignerModel: alignerModel, restorationModels: restorationModels,
                            searchFolders: folders.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted })
    }

    /// The set-up folder under the home directory (RIFE's converted weights, too large for git).
    public static let setupFolder = ".cache/dropfill/models"

    /// The file name of the shipped Ali-Net model.
    public static let alignerModelName = "alinet.safetensors"

    /// The Ali-Net model: the explicit file, else the first `alinet.safetensors` in the search folders; nil when none.
    public func alignerModelPath() -> String? {
        if let alignerModel { return alignerModel }
        return firstExisting(Self.alignerModelName)
    }

    /// The model file of learned restoration method `name` (`fenet.safetensors`, …): `restorationModels` itself when it
    /// is a file, `<folder>/<name>.safetensors` when it is a folder, else the first match in the search folders.
    public func restorationModelPath(for name: String) throws(RestorationError) -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if let models = restorationModels {
            guard fm.fileExists(atPath: models, isDirectory: &isDirectory) else {
                throw .invalidModel(path: models, reason: "no such file or folder")
            }
            let path = isDirectory.boolValue ? (models as NSString).appendingPathComponent("\(name).safetensors") : models
            if fm.fileExists(atPath: path) { return path }
            // RIFE's converted weights live in the set-up folder, not beside the trained models a user passes.
            guard name == "rife", isDirectory.boolValue else { throw .invalidModel(path: path, reason: "no model file for '\(name)'") }
        }
        if let found = firstExisting("\(name).safetensors") { return found }
        throw .invalidModel(path: "\(name).safetensors",
                            reason: "no model file for '\(name)' (looked in \(searchFolders.joined(separator: ", ")); "
                                + (name == "rife" ? IFNet.setupHint : "pass --models DIR or set DROPFILL_MODELS") + ")")
    }

    /// The first `<folder>/<file>` that exists, over `first` (folders searched before the others) then the search folders.
    func firstExisting(_ file: String, first: [String] = []) -> String? {
        (first + searchFolders).map { ($0 as NSString).appendingPathComponent(file) }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
