import Testing
@testable import Inspector

/// The cell buffer every view draws into.
@Suite struct ScreenBufferTests {
    @Test func writeClipsAtWidthAndEdge() {
        var b = ScreenBuffer(width: 8, height: 2)
        #expect(b.write("hello world", x: 2, y: 0) == 6)
        #expect(b.textLines == ["  hello", ""])
        #expect(b.write("abc", x: 0, y: 1, maxWidth: 2) == 2)
        #expect(b.line(1) == "ab      ")
    }

    @Test func writeOutsideIsIgnored() {
        var b = ScreenBuffer(width: 4, height: 1)
        #expect(b.write("x", x: 0, y: 5) == 0)
        b.set(-1, 0, Cell("y"))
        b.set(4, 0, Cell("y"))
        #expect(b.text == "")
    }

    @Test func fillAndStyles() {
        var b = ScreenBuffer(width: 3, height: 3)
        let style = CellStyle(fg: .rgb(RGBColor(1, 2, 3)), bg: .terminalDefault, attributes: [.bold])
        b.fill(CellRect(x: 1, y: 1, width: 5, height: 5), "#", style)
        #expect(b.textLines == ["", " ##", " ##"])
        #expect(b[2, 2].style == style)
        #expect(b[0, 0].style == .plain)
    }

    @Test func hitRegionsTopmostWins() {
        var b = ScreenBuffer(width: 10, height: 10)
        b.addHitRegion("a", CellRect(x: 0, y: 0, width: 10, height: 10))
        b.addHitRegion("b", CellRect(x: 2, y: 2, width: 2, height: 2))
        #expect(b.hitRegion(x: 3, y: 3)?.name == "b")
        #expect(b.hitRegion(x: 8, y: 8)?.name == "a")
        #expect(b.hitRegion(x: 10, y: 0) == nil)
    }

    @Test func hexColoursRoundTrip() {
        #expect(RGBColor(hex: "#1E1E24") == RGBColor(0x1E, 0x1E, 0x24))
        #expect(RGBColor(hex: "#1E1E24")?.description == "#1E1E24")
        #expect(RGBColor(hex: "1E1E2") == nil)
        #expect(RGBColor(hex: "#GGGGGG") == nil)
    }

    @Test func quantizerHitsPaletteExactly() {
        for (i, c) in ColorQuantizer.xterm256.enumerated() where i >= 16 {
            #expect(ColorQuantizer.xterm256[ColorQuantizer.index256(c)] == c)
        }
        #expect(ColorQuantizer.index16(RGBColor(250, 10, 10)) == 9)
        #expect(ColorQuantizer.index16(RGBColor(0, 0, 0)) == 0)
    }
}
