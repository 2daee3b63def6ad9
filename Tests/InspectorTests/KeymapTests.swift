import Testing
@testable import Inspector

/// The one keymap table: dispatch, help overlay and README list all come from it.
@Suite struct KeymapTests {
    @Test func everyKeyIsBoundOnce() {
        var seen: [Key: Action] = [:]
        for b in Keymap.bindings {
            for k in b.keys {
                #expect(seen[k] == nil, "\(k.label) bound twice")
                seen[k] = b.action
            }
        }
    }

    @Test func everyActionHasAKey() {
        let bound = Set(Keymap.bindings.map(\.action))
        for a in Action.allCases { #expect(bound.contains(a), "\(a) has no key") }
    }

    @Test func arrowsAndHjklMoveAlike() {
        #expect(Keymap.action(for: .left) == Keymap.action(for: .char("h")))
        #expect(Keymap.action(for: .right) == Keymap.action(for: .char("l")))
        #expect(Keymap.action(for: .up) == Keymap.action(for: .char("k")))
        #expect(Keymap.action(for: .down) == Keymap.action(for: .char("j")))
        #expect(Keymap.action(for: .char("q")) == .quit)
        #expect(Keymap.action(for: .char("Z")) == nil)
    }

    @Test func markdownListsEveryBinding() {
        let md = Keymap.markdown()
        for b in Keymap.bindings { #expect(md.contains(b.help.replacingOccurrences(of: "|", with: "\\|")), "\(b.help)") }
        #expect(md.contains("| `←` / `h` | previous slot |"))
        #expect(md.contains("**DP steps**"))
    }

    @Test func helpLinesComeFromTheTable() {
        let lines = Keymap.helpLines()
        #expect(lines.count == Keymap.bindings.count)
        #expect(lines.first?.hasPrefix("Views") == true)
        #expect(lines.contains { $0.contains("?") && $0.contains("show / hide this help") })
        #expect(lines.filter { !$0.hasPrefix(" ") }.count == Keymap.groups.count, "each group named once")
    }
}
