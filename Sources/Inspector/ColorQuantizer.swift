/// Maps exact colours onto what a terminal can show: xterm's 256-colour palette or the 16 ANSI colours.
public enum ColorQuantizer {
    /// xterm's default RGB for the 16 ANSI colours.
    public static let ansi16: [RGBColor] = [
        RGBColor(0, 0, 0), RGBColor(205, 0, 0), RGBColor(0, 205, 0), RGBColor(205, 205, 0),
        RGBColor(0, 0, 238), RGBColor(205, 0, 205), RGBColor(0, 205, 205), RGBColor(229, 229, 229),
        RGBColor(127, 127, 127), RGBColor(255, 0, 0), RGBColor(0, 255, 0), RGBColor(255, 255, 0),
        RGBColor(92, 92, 255), RGBColor(255, 0, 255), RGBColor(0, 255, 255), RGBColor(255, 255, 255),
    ]

    private static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// xterm's 256-colour palette: the 16 ANSI colours, the 6×6×6 cube, 24 greys.
    public static let xterm256: [RGBColor] = {
        var p = ansi16
        for r in 0..<6 { for g in 0..<6 { for b in 0..<6 {
            p.append(RGBColor(UInt8(cubeLevels[r]), UInt8(cubeLevels[g]), UInt8(cubeLevels[b])))
        } } }
        for i in 0..<24 { let v = UInt8(8 + 10 * i); p.append(RGBColor(v, v, v)) }
        return p
    }()

    @inline(__always)
    private static func cubeIndex(_ v: UInt8) -> Int {
        let v = Int(v)
        return v < 48 ? 0 : (v < 115 ? 1 : (v - 35) / 40)
    }

    @inline(__always)
    private static func distance(_ a: RGBColor, _ b: RGBColor) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }

    /// The nearest index 16…255 (cube or grey ramp) for `c`.
    public static func index256(_ c: RGBColor) -> Int {
        let ri = cubeIndex(c.r), gi = cubeIndex(c.g), bi = cubeIndex(c.b)
        let cube = 16 + 36 * ri + 6 * gi + bi
        let avg = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let greyIndex = avg > 238 ? 23 : max(0, (avg - 3) / 10)
        let grey = 232 + greyIndex
        return distance(c, xterm256[grey]) < distance(c, xterm256[cube]) ? grey : cube
    }

    /// The nearest of the 16 ANSI colours.
    public static func index16(_ c: RGBColor) -> Int {
        var best = 0, bestD = Int.max
        for (i, p) in ansi16.enumerated() {
            let d = distance(c, p)
            if d < bestD { best = i; bestD = d }
        }
        return best
    }

    /// `c` as the 256-palette colour that will actually be shown.
    public static func snap256(_ c: RGBColor) -> RGBColor { xterm256[index256(c)] }
}
