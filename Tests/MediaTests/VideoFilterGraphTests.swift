import Testing
@testable import Media

/// The libavfilter wrapper: frames pass through a filter chain unchanged in order, bad descriptions are typed errors.
@Suite struct VideoFilterGraphTests {
    /// A frame with a bright square at `x` on a gradient background.
    static func square(at x: Int, width: Int = 64, height: Int = 48) throws -> VideoFrame {
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for yy in 0..<height {
            for xx in 0..<width {
                let i = (yy * width + xx) * 3
                let inside = xx >= x && xx < x + 12 && yy >= 18 && yy < 30
                rgb[i] = inside ? 240 : UInt8(40 + xx)
                rgb[i + 1] = inside ? 220 : UInt8(30 + yy * 2)
                rgb[i + 2] = inside ? 30 : 90
            }
        }
        return try VideoFrame(width: width, height: height, rgb: rgb)
    }

    @Test func hflipTwiceIsIdentity() throws {
        let graph = try VideoFilterGraph(width: 64, height: 48, timeBase: Rational(1, 25), description: "hflip,hflip")
        let frames = try (0..<3).map { try Self.square(at: 5 + 10 * $0) }
        for (i, f) in frames.enumerated() { try graph.push(f, pts: Int64(i)) }
        try graph.finish()
        let out = try graph.pullAll()
        let pts: [Int64] = out.map(\.pts)
        #expect(pts == [0, 1, 2])
        let outBytes: [[UInt8]] = out.map(\.frame.rgb)
        let inBytes: [[UInt8]] = frames.map(\.rgb)
        #expect(outBytes == inBytes)
    }

    @Test func hflipOnceMirrors() throws {
        let graph = try VideoFilterGraph(width: 64, height: 48, timeBase: Rational(1, 25), description: "hflip")
        let frame = try Self.square(at: 3)
        try graph.push(frame, pts: 0)
        try graph.finish()
        let out = try #require(try graph.pull())
        // Pixel (x, y) of the output is pixel (63 − x, y) of the input.
        let i = (20 * 64 + 60) * 3, j = (20 * 64 + 3) * 3
        #expect(Array(out.frame.rgb[i..<i + 3]) == Array(frame.rgb[j..<j + 3]))
        #expect(try graph.pull() == nil)
    }

    @Test func minterpolateFillsAGap() throws {
        let graph = try VideoFilterGraph(width: 64, height: 48, timeBase: Rational(1, 25), frameRate: Rational(25, 1),
                                         description: "minterpolate=fps=25:mi_mode=mci:mc_mode=aobmc:me_mode=bidir")
        try graph.push(try Self.square(at: 4), pts: 10)
        try graph.push(try Self.square(at: 20), pts: 18)
        // minterpolate interpolates between its 2nd and 3rd buffered frames: a third frame releases the gap.
        try graph.push(try Self.square(at: 20), pts: 26)
        try graph.finish()
        let out = try graph.pullAll()
        let inside: [Int64] = out.map(\.pts).filter { $0 > 10 && $0 < 18 }
        let wanted: [Int64] = Array(11...17)
        #expect(inside == wanted)
    }

    @Test func badInputIsTyped() throws {
        #expect(throws: MediaError.self) {
            _ = try VideoFilterGraph(width: 64, height: 48, timeBase: Rational(1, 25), description: "nosuchfilter=3")
        }
        #expect(throws: MediaError.self) {
            _ = try VideoFilterGraph(width: 0, height: 48, timeBase: Rational(1, 25), description: "hflip")
        }
        let graph = try VideoFilterGraph(width: 64, height: 48, timeBase: Rational(1, 25), description: "null")
        #expect(throws: MediaError.self) { try graph.push(try Self.square(at: 0, width: 32), pts: 0) }
        try graph.finish()
        #expect(throws: MediaError.self) { try graph.push(try Self.square(at: 0), pts: 1) }
    }
}
