import Inspector

/// What a key does in a rating session.
public enum RatingAction: String, CaseIterable, Sendable {
    case start, confirm, increase, decrease, previousAttribute, nextAttribute, replay, help, quit, redraw
}

/// The rating session's key table, in the inspector's style (`Key`, labels, `?` help generated from it).
/// Digits are handled apart: they type the score of the selected attribute.
public enum RatingKeymap {
    public struct Binding: Sendable {
        public var keys: [Key]
        public var action: RatingAction
        public var help: String
    }

    public static let bindings: [Binding] = [
        Binding(keys: [.right, .char("l"), .char("+")], action: .increase, help: "score one higher"),
        Binding(keys: [.left, .char("h"), .char("-")], action: .decrease, help: "score one lower"),
        Binding(keys: [.down, .char("j"), .tab], action: .nextAttribute, help: "next attribute"),
        Binding(keys: [.up, .char("k")], action: .previousAttribute, help: "previous attribute"),
        Binding(keys: [.enter, .char(" ")], action: .confirm, help: "accept the score, next attribute; on the last one: save and go on"),
        Binding(keys: [.char("r")], action: .replay, help: "play the video again"),
        Binding(keys: [.ctrl("l")], action: .redraw, help: "redraw the screen"),
        Binding(keys: [.char("?")], action: .help, help: "show / hide this help"),
        Binding(keys: [.char("q"), .ctrl("c")], action: .quit, help: "quit; `dropfill rate` again resumes at this video"),
    ]

    private static let table: [Key: RatingAction] = {
        var t: [Key: RatingAction] = [:]
        for b in bindings { for k in b.keys { t[k] = b.action } }
        return t
    }()

    public static func action(for key: Key) -> RatingAction? { table[key] }

    /// The help overlay's lines.
    public static func helpLines(scale: RatingScale) -> [String] {
        var rows = [("\(scale.minimum)–\(scale.maximum)", scale.maximum >= 10 ? "type the score (0 alone means 10 on the 1–10 scale; 1 then 0 types 10)" : "type the score")]
        rows += bindings.map { ($0.keys.map(\.label).joined(separator: "/"), $0.help) }
        let w = rows.map(\.0.count).max() ?? 0
        return rows.map { "  " + $0.0 + String(repeating: " ", count: w - $0.0.count + 2) + $0.1 }
    }
}
