import ArgumentParser
import Foundation

/// Where `restore` takes the surviving frames' positions from (`--positions`): a keyword, or a truth file.
enum PositionChoice: ExpressibleByArgument, CustomStringConvertible, Equatable, Sendable {
    /// Timestamps when they span the audio, else the aligner.
    case auto
    /// The file's timestamps (an error if they are missing or inconsistent).
    case timestamps
    /// Always the aligner.
    case aligner
    /// A truth file written by `dropfill drop`.
    case truthFile(String)

    /// The keyword, or the path of an existing file; nil for anything else (a mistyped keyword or a missing file).
    init?(argument: String) {
        switch argument {
        case "auto": self = .auto
        case "timestamps": self = .timestamps
        case "aligner": self = .aligner
        default:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            self = .truthFile(argument)
        }
    }

    static var allValueStrings: [String] { ["auto", "timestamps", "aligner", "<truth-file>"] }
    static var defaultCompletionKind: CompletionKind { .file(extensions: ["json"]) }

    /// The keyword, or the truth file's path (the form the option was given in).
    var description: String {
        switch self {
        case .auto: "auto"
        case .timestamps: "timestamps"
        case .aligner: "aligner"
        case .truthFile(let path): path
        }
    }
}

/// Where `evaluate` takes the surviving frames' positions from (`--positions`).
enum EvaluationPositions: String, CaseIterable, ExpressibleByArgument {
    /// The drop's own truth.
    case truth
    /// Estimated by `--aligner`.
    case auto
}
