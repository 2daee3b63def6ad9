import Foundation

/// The restoration methods by the names the CLI, reports and the inspector use.
public enum RestorerCatalog {
    /// Names of the methods that need no model file, in the order tables list them.
    public static let classical = ["hold", "blend", "minterpolate"]

    /// Every known method name.
    public static var all: [String] { classical }

    /// The restorer called `name`.
    public static func make(_ name: String) throws(RestorationError) -> any FrameRestorer {
        switch name {
        case "hold": return HoldRestorer()
        case "blend": return BlendRestorer()
        case "minterpolate": return MinterpolateRestorer()
        default: throw .unknownMethod(name: name, known: all)
        }
    }

    /// Restorers for a comma-separated list of names ("hold,blend"); duplicates are dropped.
    public static func make(list: String) throws(RestorationError) -> [any FrameRestorer] {
        var seen = Set<String>(), out: [any FrameRestorer] = []
        for raw in list.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, seen.insert(name).inserted else { continue }
            out.append(try make(name))
        }
        guard !out.isEmpty else { throw .unknownMethod(name: list, known: all) }
        return out
    }
}
