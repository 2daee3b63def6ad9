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

// MARK: - Adaptive palettes and error diffusion (sixel)

/// A palette of up to a few thousand colours chosen for one or more images, with a fast nearest-colour lookup.
///
/// Built by median cut over the joint histogram of every image it is made for (5 bits a channel), so images
/// shown side by side share it and the same skin tone gets the same register in each of them.
public struct AdaptivePalette: Sendable {
    /// The colours, at most the size asked for.
    public private(set) var colors: [RGBColor]
    /// Colours sorted by red with their palette index, for the nearest-colour search.
    private var byRed: [(r: Int32, g: Int32, b: Int32, index: Int32)] = []

    /// Median cut over the joint 32×32×32 histogram of `images`; `snap` maps each chosen colour to what the
    /// terminal will really show (sixel stores channels in percent), so error diffusion sees the true error.
    public init(images: [RGBImage], maxColors: Int, snap: (RGBColor) -> RGBColor = { $0 }) {
        let bins = 1 << 15
        var count = [Int32](repeating: 0, count: bins)
        var sum = [Int64](repeating: 0, count: bins * 3)
        for image in images {
            image.rgb.withUnsafeBufferPointer { px in
                var i = 0
                while i + 2 < px.count {
                    let r = Int(px[i]), g = Int(px[i + 1]), b = Int(px[i + 2])
                    let key = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3)
                    count[key] += 1
                    sum[key * 3] += Int64(r)
                    sum[key * 3 + 1] += Int64(g)
                    sum[key * 3 + 2] += Int64(b)
                    i += 3
                }
            }
        }
        // Occupied bins with their mean colour and weight.
        var entries: [(c: (Float, Float, Float), w: Int32)] = []
        for key in 0..<bins where count[key] > 0 {
            let n = Float(count[key])
            entries.append(((Float(sum[key * 3]) / n, Float(sum[key * 3 + 1]) / n, Float(sum[key * 3 + 2]) / n), count[key]))
        }
        let limit = max(1, maxColors)
        var boxes: [Range<Int>] = entries.isEmpty ? [] : [0..<entries.count]
        if entries.count > limit {
            // Split the box with the largest weight × squared extent along its longest axis, at its weighted median.
            func extent(_ box: Range<Int>) -> (axis: Int, score: Float) {
                var lo: (Float, Float, Float) = (255, 255, 255), hi: (Float, Float, Float) = (0, 0, 0)
                var weight: Float = 0
                for e in entries[box] {
                    lo = (min(lo.0, e.c.0), min(lo.1, e.c.1), min(lo.2, e.c.2))
                    hi = (max(hi.0, e.c.0), max(hi.1, e.c.1), max(hi.2, e.c.2))
                    weight += Float(e.w)
                }
                let d = (hi.0 - lo.0, hi.1 - lo.1, hi.2 - lo.2)
                let axis = d.0 >= d.1 && d.0 >= d.2 ? 0 : (d.1 >= d.2 ? 1 : 2)
                let m = max(d.0, d.1, d.2)
                return (axis, box.count < 2 ? -1 : weight * m * m)
            }
            var scores = boxes.map(extent)
            while boxes.count < limit {
                guard let best = scores.indices.max(by: { scores[$0].score < scores[$1].score }), scores[best].score > 0 else { break }
                let box = boxes[best], axis = scores[best].axis
                entries[box].sort { a, b in
                    axis == 0 ? a.c.0 < b.c.0 : (axis == 1 ? a.c.1 < b.c.1 : a.c.2 < b.c.2)
                }
                let total = entries[box].reduce(Int64(0)) { $0 + Int64($1.w) }
                var acc: Int64 = 0, cut = box.lowerBound + 1
                for i in box {
                    acc += Int64(entries[i].w)
                    if 2 * acc >= total { cut = min(box.upperBound - 1, max(box.lowerBound + 1, i + 1)); break }
                }
                boxes[best] = box.lowerBound..<cut
                boxes.append(cut..<box.upperBound)
                scores[best] = extent(boxes[best])
                scores.append(extent(boxes[boxes.count - 1]))
            }
        }
        var colors: [RGBColor] = []
        for box in boxes {
            var s: (Double, Double, Double) = (0, 0, 0), w = 0.0
            for e in entries[box] {
                let ew = Double(e.w)
                s = (s.0 + Double(e.c.0) * ew, s.1 + Double(e.c.1) * ew, s.2 + Double(e.c.2) * ew)
                w += ew
            }
            func u(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v / max(w, 1)).rounded()))) }
            colors.append(snap(RGBColor(u(s.0), u(s.1), u(s.2))))
        }
        if colors.isEmpty { colors = [snap(RGBColor(0, 0, 0))] }
        self.init(colors: colors)
    }

    /// A palette of exactly these colours.
    public init(colors: [RGBColor]) {
        self.colors = colors.isEmpty ? [RGBColor(0, 0, 0)] : colors
        byRed = self.colors.enumerated().map { (Int32($1.r), Int32($1.g), Int32($1.b), Int32($0)) }.sorted { $0.r < $1.r }
    }

    /// Index of the palette colour nearest to (r, g, b) in plain RGB distance (what PSNR measures): a search
    /// outward from r's place in the red-sorted list that stops when red alone is farther than the best.
    public func nearest(_ r: Int32, _ g: Int32, _ b: Int32) -> Int {
        var lo = 0, hi = byRed.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if byRed[mid].r < r { lo = mid + 1 } else { hi = mid }
        }
        var best = Int32.max, bestIndex: Int32 = 0
        var up = lo, down = lo - 1
        while up < byRed.count || down >= 0 {
            if up < byRed.count {
                let e = byRed[up]
                let dr = e.r - r
                if dr * dr >= best { up = byRed.count } else {
                    let dg = e.g - g, db = e.b - b
                    let d = dr * dr + dg * dg + db * db
                    if d < best { best = d; bestIndex = e.index }
                    up += 1
                }
            }
            if down >= 0 {
                let e = byRed[down]
                let dr = e.r - r
                if dr * dr >= best { down = -1 } else {
                    let dg = e.g - g, db = e.b - b
                    let d = dr * dr + dg * dg + db * db
                    if d < best { best = d; bestIndex = e.index }
                    down -= 1
                }
            }
        }
        return Int(bestIndex)
    }
}

/// How colours that fall between palette entries are rendered.
public enum Dithering: String, Sendable, CaseIterable {
    /// Each pixel takes the nearest palette colour (flat areas stay flat; gradients band).
    case none
    /// Floyd–Steinberg error diffusion (7/16, 3/16, 5/16, 1/16), serpentine scan: gradients without bands.
    case floydSteinberg = "floyd-steinberg"
}

extension ColorQuantizer {
    /// Palette indices of `image` under `palette`, with `dithering`; `strength` (0…1) scales the error passed on
    /// (1 is Floyd–Steinberg proper; less keeps flat areas quieter when the palette is fine). A 32 K-entry cache
    /// (5 bits a channel, keyed on the error-adjusted colour) spares most nearest-colour searches.
    public static func indices(_ image: RGBImage, palette: AdaptivePalette, dithering: Dithering, strength: Double = 1) -> [UInt16] {
        let w = image.width, h = image.height
        var out = [UInt16](repeating: 0, count: w * h)
        var cache = [Int16](repeating: -1, count: 1 << 15)
        let pal = palette.colors.map { (Int32($0.r), Int32($0.g), Int32($0.b)) }
        // Two rows of pending error (×256: the weights' 16ths times the strength's 16ths), a pixel of margin either side.
        let s16 = Int32(max(0, min(16, (strength * 16).rounded())))
        var errCur = [Int32](repeating: 0, count: (w + 2) * 3), errNext = [Int32](repeating: 0, count: (w + 2) * 3)
        let diffuse = dithering == .floydSteinberg && s16 > 0
        image.rgb.withUnsafeBufferPointer { px in
            for y in 0..<h {
                let leftToRight = !diffuse || y % 2 == 0
                for i in errNext.indices { errNext[i] = 0 }
                for step in 0..<w {
                    let x = leftToRight ? step : w - 1 - step
                    let p = (y * w + x) * 3, e = (x + 1) * 3
                    var c = (Int32(px[p]), Int32(px[p + 1]), Int32(px[p + 2]))
                    if diffuse {
                        c = (max(0, min(255, c.0 + (errCur[e] + 128) >> 8)), max(0, min(255, c.1 + (errCur[e + 1] + 128) >> 8)),
                             max(0, min(255, c.2 + (errCur[e + 2] + 128) >> 8)))
                    }
                    let key = Int(c.0 >> 3) << 10 | Int(c.1 >> 3) << 5 | Int(c.2 >> 3)
                    var idx = Int(cache[key])
                    if idx < 0 || !diffuse {
                        // Without diffusion search exactly (the cache's bin centre could pick a worse entry).
                        idx = palette.nearest(diffuse ? (c.0 | 4) : c.0, diffuse ? (c.1 | 4) : c.1, diffuse ? (c.2 | 4) : c.2)
                        if diffuse { cache[key] = Int16(idx) }
                    }
                    out[y * w + x] = UInt16(idx)
                    guard diffuse else { continue }
                    let q = pal[idx]
                    let ahead = leftToRight ? 3 : -3
                    @inline(__always) func spread(_ k: Int, _ e0: Int32) {
                        let v = e0 * s16
                        errCur[e + ahead + k] += v * 7
                        errNext[e - ahead + k] += v * 3
                        errNext[e + k] += v * 5
                        errNext[e + ahead + k] += v
                    }
                    spread(0, c.0 - q.0)
                    spread(1, c.1 - q.1)
                    spread(2, c.2 - q.2)
                }
                swap(&errCur, &errNext)
            }
        }
        return out
    }
}
