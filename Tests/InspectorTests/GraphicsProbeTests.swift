import Testing
@testable import Inspector

/// DA1 / XTSMGRAPHICS replies recorded from real terminals, and the mode decision.
@Suite struct GraphicsProbeTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func xtermVT340AnswersSixelAndRegisters() {
        // xterm -ti vt340 (xterm 379): XTSMGRAPHICS first, then DA1.
        let r = GraphicsProbe.parse(Self.bytes("\u{1B}[?1;0;1024S\u{1B}[?63;1;2;4;6;9;15;16;22;28c"))
        #expect(r.da1 == [63, 1, 2, 4, 6, 9, 15, 16, 22, 28])
        #expect(r.sixel)
        #expect(r.colorRegisters == 1024)
    }

    @Test func plainXtermHasNoSixel() {
        // xterm without -ti vt340 answers VT420 attributes without 4, and fails XTSMGRAPHICS (status 3? or none).
        let r = GraphicsProbe.parse(Self.bytes("\u{1B}[?1;3;0S\u{1B}[?64;1;2;6;9;15;16;17;18;21;22;28c"))
        #expect(r.da1?.first == 64)
        #expect(!r.sixel)
        #expect(r.colorRegisters == nil)
    }

    @Test func tmuxAndNoiseAround() {
        // tmux 3.3a answers DA1 itself; keys typed meanwhile arrive around the reply.
        let r = GraphicsProbe.parse(Self.bytes("jj\u{1B}[?1;2cq"))
        #expect(r.da1 == [1, 2])
        #expect(!r.sixel)
        #expect(r.raw == "jj\\e[?1;2cq")
    }

    @Test func attributeFourMustNotBeTheClass() {
        // "4" as the first parameter is the terminal class (VT1xx family), not the sixel attribute.
        #expect(!GraphicsProbe.parse(Self.bytes("\u{1B}[?4;2c")).sixel)
    }

    @Test func noReplyAndTruncatedReply() {
        #expect(GraphicsProbe.parse([]).da1 == nil)
        #expect(GraphicsProbe.parse(Self.bytes("\u{1B}[?63;1;2;4")).da1 == nil)
        #expect(!GraphicsProbe.hasDA1(Self.bytes("\u{1B}[?1;0;256S")))
    }

    @Test func decisionOrder() {
        let sixel = TerminalReplies(da1: [63, 4], colorRegisters: 1024)
        let none = TerminalReplies(da1: [64, 1, 2])
        func mode(_ r: TerminalReplies?, _ env: [String: String], _ colors: Int, _ forced: GraphicsMode? = nil) -> GraphicsMode {
            GraphicsProbe.detect(replies: r, environment: env, terminfoColors: colors, forced: forced).mode
        }
        #expect(mode(sixel, ["TERM": "xterm-256color"], 256) == .sixel)
        #expect(mode(none, ["COLORTERM": "truecolor"], 256) == .truecolor)
        #expect(mode(none, ["TERM": "xterm-256color"], 256) == .color256)
        #expect(mode(none, ["TERM": "xterm"], 8) == .ascii)
        #expect(mode(nil, [:], -1) == .ascii)
        #expect(mode(sixel, [:], 256, .ascii) == .ascii)
        let d = GraphicsProbe.detect(replies: nil, environment: [:], terminfoColors: -1, forced: .sixel)
        #expect(d.available.first == .sixel)
        #expect(d.reasons.contains { $0.contains("not a terminal") })
        #expect(!GraphicsProbe.detect(replies: none, environment: [:], terminfoColors: 256).available.contains(.sixel))
    }

    @Test func graphicsOptionNames() {
        #expect(GraphicsMode(option: "sixel") == .sixel)
        #expect(GraphicsMode(option: "24bit") == .truecolor)
        #expect(GraphicsMode(option: "256") == .color256)
        #expect(GraphicsMode(option: "ASCII") == .ascii)
        #expect(GraphicsMode(option: "kitty") == nil)
    }
}
