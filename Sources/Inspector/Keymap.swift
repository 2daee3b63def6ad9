/// A key press, decoded from whatever the backend reads.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backspace
    /// Ctrl + a letter ("c" for Ctrl-C).
    case ctrl(Character)

    /// How help and the README name the key.
    public var label: String {
        switch self {
        case let .char(c): c == " " ? "Space" : String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backspace: "Backspace"
        case let .ctrl(c): "Ctrl-" + String(c).uppercased()
        }
    }
}

/// What the UI loop receives from a backend.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    /// A left click at a cell.
    case click(x: Int, y: Int)
    /// Wheel up / down at a cell.
    case scroll(x: Int, y: Int, up: Bool)
    /// The terminal changed size.
    case resize(width: Int, height: Int)
}

/// Everything a key can do.
public enum Action: String, CaseIterable, Sendable {
    case quit, help, redraw
    case viewAlignment, viewStep, viewFrames, nextView
    case slotLeft, slotRight, slotLeftFast, slotRightFast, slotFirst, slotLast
    case previousFrame, nextFrame
    case zoomIn, zoomOut, zoomFit
    case stepForward, stepBack, stepFinish, stepRestart
    case nextMethod, nextAligner, toggleDifference, play, saveFrames
    case cycleGraphics, cycleTheme, cycleColormap
}

/// One line of the keymap: the keys, what they do, and where help lists them.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var help: String
    public var group: String

    public init(_ keys: [Key], _ action: Action, _ help: String, group: String) {
        self.keys = keys
        self.action = action
        self.help = help
        self.group = group
    }
}

/// The ONE keymap table: the UI dispatches on it, the `?` overlay and the README's key list are generated from it.
public enum Keymap {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.char("1")], .viewAlignment, "alignment view: distance matrix, DP path, truth", group: "Views"),
        KeyBinding([.char("2")], .viewStep, "step through the DP (Eq. 10, paper Fig. 7)", group: "Views"),
        KeyBinding([.char("3")], .viewFrames, "frames view: restored beside the truth", group: "Views"),
        KeyBinding([.tab], .nextView, "next view", group: "Views"),
        KeyBinding([.left, .char("h")], .slotLeft, "previous slot", group: "Move"),
        KeyBinding([.right, .char("l")], .slotRight, "next slot", group: "Move"),
        KeyBinding([.pageUp, .char("H")], .slotLeftFast, "10 slots back", group: "Move"),
        KeyBinding([.pageDown, .char("L")], .slotRightFast, "10 slots on", group: "Move"),
        KeyBinding([.home, .char("^")], .slotFirst, "first slot", group: "Move"),
        KeyBinding([.end, .char("$")], .slotLast, "last slot", group: "Move"),
        KeyBinding([.up, .char("k")], .previousFrame, "previous surviving frame (heatmap row)", group: "Move"),
        KeyBinding([.down, .char("j")], .nextFrame, "next surviving frame (heatmap row)", group: "Move"),
        KeyBinding([.char("+")], .zoomIn, "zoom the heatmap in", group: "Heatmap"),
        KeyBinding([.char("-")], .zoomOut, "zoom the heatmap out", group: "Heatmap"),
        KeyBinding([.char("=")], .zoomFit, "fit the heatmap to the width", group: "Heatmap"),
        KeyBinding([.char("n")], .stepForward, "DP: fill the next row", group: "DP steps"),
        KeyBinding([.char("b")], .stepBack, "DP: undo the last row", group: "DP steps"),
        KeyBinding([.char("e")], .stepFinish, "DP: fill all rows and backtrack", group: "DP steps"),
        KeyBinding([.char("r")], .stepRestart, "DP: start again from row 0", group: "DP steps"),
        KeyBinding([.char("m")], .nextMethod, "next restoration method", group: "Frames"),
        KeyBinding([.char("a")], .nextAligner, "next aligner", group: "Frames"),
        KeyBinding([.char("d")], .toggleDifference, "show |restored − truth|", group: "Frames"),
        KeyBinding([.char(" ")], .play, "play / pause restored and truth side by side", group: "Frames"),
        KeyBinding([.char("s")], .saveFrames, "save this slot's restored, truth and difference frames as PNG", group: "Frames"),
        KeyBinding([.char("i")], .cycleGraphics, "cycle image mode: sixel, 24-bit, 256, ASCII", group: "Display"),
        KeyBinding([.char("t")], .cycleTheme, "next theme", group: "Display"),
        KeyBinding([.char("c")], .cycleColormap, "next heatmap colour map", group: "Display"),
        KeyBinding([.ctrl("l")], .redraw, "redraw the screen", group: "Display"),
        KeyBinding([.char("?")], .help, "show / hide this help", group: "General"),
        KeyBinding([.char("q"), .ctrl("c")], .quit, "quit (Esc closes help first)", group: "General"),
    ]

    private static let table: [Key: Action] = {
        var t: [Key: Action] = [:]
        for b in bindings { for k in b.keys { t[k] = b.action } }
        return t
    }()

    /// The action bound to `key`, if any.
    public static func action(for key: Key) -> Action? { table[key] }

    /// Groups in table order.
    public static var groups: [String] {
        var seen: [String] = []
        for b in bindings where !seen.contains(b.group) { seen.append(b.group) }
        return seen
    }

    /// "←/h" for a binding.
    public static func keyLabel(_ b: KeyBinding) -> String { b.keys.map(\.label).joined(separator: "/") }

    /// Width of the group column in `helpLines()`.
    public static let helpGroupWidth = (groups.map(\.count).max() ?? 0) + 2

    /// The help overlay's lines, one per binding: "group  keys  description", the group named on its first line.
    public static func helpLines() -> [String] {
        let w = bindings.map { keyLabel($0).count }.max() ?? 0
        var lines: [String] = []
        var last = ""
        for b in bindings {
            let group = b.group == last ? "" : b.group
            last = b.group
            let label = keyLabel(b)
            lines.append(group + String(repeating: " ", count: helpGroupWidth - group.count) + label
                         + String(repeating: " ", count: w - label.count + 2) + b.help)
        }
        return lines
    }

    /// The key list as Markdown (for README.md): one table per group.
    public static func markdown() -> String {
        var out = ""
        for g in groups {
            out += "**\(g)**\n\n| Key | Action |\n|---|---|\n"
            for b in bindings where b.group == g {
                let keys = b.keys.map { "`\($0.label == "`" ? "``" : $0.label)`" }.joined(separator: " / ")
                out += "| \(keys) | \(b.help.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
            out += "\n"
        }
        return out
    }
}
