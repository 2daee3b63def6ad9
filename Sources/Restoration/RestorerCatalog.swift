import Foundation

/// The restoration methods by the names the CLI, reports and the inspector use.
///
/// The classical methods need nothing; `fenet` and `fenet-noaudio` load the model file they are given
/// (`fenet.safetensors` / `fenet-noaudio.safetensors`, found by Pipeline's `ModelLocator`); `rife` loads
/// `rife.safetensors`, RIFE HDv3's pretrained weights that `scripts/setup.sh` converts at set-up time into
/// `~/.cache/dropfill/models` (searched by the locator; too large for git); `fenet2` (FE-Net v2) loads
/// `fenet2.safetensors` and RIFE's file for its flow trunk; `fenet-lips` (FE-Net guided by the audio-predicted lip
/// geometry at the mouth, `FENetGuidance`) loads `fenet-lips.safetensors`, and its twin `fenet-lips-noaudio`
/// (same architecture and loss, trained and run with the mouth's place only) `fenet-lips-noaudio.safetensors`.
public enum RestorerCatalog {
    /// Names of the methods that need no model file, in the order tables list them.
    public static let classical = ["hold", "blend", "minterpolate"]

    /// Names of the learned methods (each needs its model file).
    public static let learned = ["fenet", "fenet-noaudio", "fenet2", "fenet-lips", "fenet-lips-noaudio", "rife"]
    /// Methods that restore from the audio (a viewer judging them must hear it).
    public static let audioDriven = ["fenet", "fenet2", "fenet-lips"]
    /// Methods whose model is guided at the mouth (`FENetGuidance`): their context needs a mouth locator and, with
    /// audio, the lip track.
    public static let lipGuided = ["fenet-lips", "fenet-lips-noaudio"]

    /// Whether `method` is guided at the mouth (see `lipGuided`).
    public static func usesLipGuidance(_ method: String) -> Bool { lipGuided.contains(method) }
    /// Learned methods whose model also needs RIFE's converted weights (`rife.safetensors`) as a frozen trunk.
    public static let rifeTrunk = ["fenet2"]

    /// Whether `method` needs RIFE's weights besides its own model file.
    public static func needsRIFE(_ method: String) -> Bool { rifeTrunk.contains(method) }

    /// Whether `method` restores from the audio.
    public static func usesAudio(_ method: String) -> Bool { audioDriven.contains(method) }

    /// Every known method name.
    public static var all: [String] { classical + learned }

    /// The restorer called `name`; a learned method reads `modelPath` (Pipeline's `ModelLocator` finds it), and one
    /// with a RIFE trunk (`needsRIFE`) also `rifePath`.
    public static func make(_ name: String, modelPath: String?, rifePath: String? = nil) throws(RestorationError) -> any FrameRestorer {
        switch name {
        case "hold": return HoldRestorer()
        case "blend": return BlendRestorer()
        case "minterpolate": return MinterpolateRestorer()
        case "fenet", "fenet-noaudio", "fenet-lips", "fenet-lips-noaudio":
            guard let modelPath else { throw .invalidModel(path: "\(name).safetensors", reason: "no model file given for '\(name)'") }
            return try FENetRestorer(name: name, modelPath: modelPath, useAudio: usesAudio(name))
        case "fenet2":
            guard let modelPath else { throw .invalidModel(path: "fenet2.safetensors", reason: "no model file given for 'fenet2'") }
            guard let rifePath else { throw .invalidModel(path: "rife.safetensors", reason: "no RIFE weights given for 'fenet2' (its flow trunk); \(IFNet.setupHint)") }
            return try FENetRestorer(name: name, modelPath: modelPath, rifePath: rifePath, useAudio: true)
        case "rife":
            guard let modelPath else { throw .invalidModel(path: "rife.safetensors", reason: "no model file given for 'rife'; \(IFNet.setupHint)") }
            return try RIFERestorer(modelPath: modelPath)
        default: throw .unknownMethod(name: name, known: all)
        }
    }

    /// The names in a comma-separated list ("hold,blend"), checked and without duplicates.
    public static func names(list: String) throws(RestorationError) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for raw in list.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, seen.insert(name).inserted else { continue }
            guard all.contains(name) else { throw .unknownMethod(name: name, known: all) }
            out.append(name)
        }
        guard !out.isEmpty else { throw .unknownMethod(name: list, known: all) }
        return out
    }
}
