import Foundation
import Pipeline

extension ModelLocator {
    /// The locator for this process: its flags, `$DROPFILL_MODELS`, the working directory and the executable's
    /// checkout. The CLI is the only place that reads the environment and `CommandLine.arguments` for it.
    static func forProcess(alignerModel: String? = nil, models: String? = nil) -> ModelLocator {
        standard(alignerModel: alignerModel, restorationModels: models, environment: ProcessInfo.processInfo.environment,
                 executable: Bundle.main.executablePath ?? CommandLine.arguments.first,
                 workingDirectory: FileManager.default.currentDirectoryPath)
    }
}
