import Media

/// Reads a sixel sequence back into RGB, the way a terminal draws it: for the encoder's tests and for the PSNR
/// that `dropfill bench inspector` reports (libsixel's decoder stops at 256 registers).
///
/// Handles what sixel writers emit: DCS parameters, raster attributes (`"Pan;Pad;Ph;Pv`), colour definitions in RGB
/// percent (`#Pc;2;R;G;B`) or HLS (`#Pc;1;H;L;S`), colour selection, repeats (`!n`), carriage return (`$`) and new
/// line (`-`). Pixels never painted are black.
public enum SixelDecoder {
    public static func decode(_ data: [UInt8]) throws(InspectorError) -> RGBImage {
        var i: Int
        if data.starts(with: [0x1B, UInt8(ascii: "P")]) { i = 2 } else if data.first == 0x90 { i = 1 } else {
            throw .sixelFailed("not a sixel sequence (no DCS introducer)")
        }
        while i < data.count, (data[i] >= 0x30 && data[i] <= 0x39) || data[i] == UInt8(ascii: ";") { i += 1 }
        guard i < data.count, data[i] == UInt8(ascii: "q") else { throw .sixelFailed("not a sixel sequence (no q after DCS)") }
        i += 1
        func numbers() -> [Int] {
            var out: [Int] = [], cur = 0, any = false
            while i < data.count {
                let b = data[i]
                if b >= 0x30 && b <= 0x39 {
                    cur = min(cur * 10 + Int(b - 0x30), 1 << 20)
                    any = true
                } else if b == UInt8(ascii: ";") {
                    out.append(cur)
                    cur = 0
                    any = false
                } else { break }
                i += 1
            }
            if any || !out.isEmpty { out.append(cur) }
            return out
        }
        var palette: [Int: RGBColor] = [:]
        var width = 0, height = 0
        var pixels: [(x: Int, y: Int, c: Int)] = []
        var color = 0, x = 0, band = 0, maxX = 0, maxY = 0
        func scale(_ v: Int) -> UInt8 { UInt8(max(0, min(100, v)) * 255 / 100 + (max(0, min(100, v)) * 255 % 100 >= 50 ? 1 : 0)) }
        while i < data.count {
            let b = data[i]
            if b == 0x1B || b == 0x9C { break }
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                let p = numbers()
                if p.count >= 4 { width = p[2]; height = p[3] }
            case UInt8(ascii: "#"):
                i += 1
                let p = numbers()
                guard let c = p.first else { continue }
                color = c
                if p.count >= 5 {
                    if p[1] == 2 {
                        palette[c] = RGBColor(scale(p[2]), scale(p[3]), scale(p[4]))
                    } else if p[1] == 1 {
                        palette[c] = hls(p[2], p[3], p[4])
                    }
                }
            case UInt8(ascii: "!"):
                i += 1
                let n = numbers().first ?? 1
                guard i < data.count, data[i] >= 63, data[i] <= 126 else { continue }
                let v = Int(data[i] - 63)
                for _ in 0..<max(1, n) {
                    for r in 0..<6 where v & (1 << r) != 0 { pixels.append((x, band * 6 + r, color)) }
                    x += 1
                }
                maxX = max(maxX, x)
                i += 1
            case UInt8(ascii: "$"):
                x = 0
                i += 1
            case UInt8(ascii: "-"):
                x = 0
                band += 1
                i += 1
            case 63...126:
                let v = Int(b - 63)
                for r in 0..<6 where v & (1 << r) != 0 { pixels.append((x, band * 6 + r, color)) }
                x += 1
                maxX = max(maxX, x)
                i += 1
            default:
                i += 1
            }
        }
        for p in pixels { maxY = max(maxY, p.y + 1) }
        let w = width > 0 ? width : maxX, h = height > 0 ? height : maxY
        guard w > 0, h > 0 else { throw .sixelFailed("the sixel sequence paints nothing") }
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for p in pixels where p.x < w && p.y < h {
            let c = palette[p.c] ?? RGBColor(0, 0, 0)
            let o = (p.y * w + p.x) * 3
            rgb[o] = c.r
            rgb[o + 1] = c.g
            rgb[o + 2] = c.b
        }
        do {
            return try RGBImage(width: w, height: h, rgb: rgb)
        } catch {
            throw .sixelFailed("decoded image: \(error)")
        }
    }

    /// DEC's HLS (hue 0 = blue, angles in degrees, L and S in percent) as RGB.
    static func hls(_ hue: Int, _ lum: Int, _ sat: Int) -> RGBColor {
        let l = Double(max(0, min(100, lum))) / 100, s = Double(max(0, min(100, sat))) / 100
        let h = Double((hue + 240) % 360) / 360
        func channel(_ t0: Double, _ p: Double, _ q: Double) -> Double {
            var t = t0
            if t < 0 { t += 1 }
            if t > 1 { t -= 1 }
            if t < 1.0 / 6 { return p + (q - p) * 6 * t }
            if t < 0.5 { return q }
            if t < 2.0 / 3 { return p + (q - p) * (2.0 / 3 - t) * 6 }
            return p
        }
        let q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q
        func u(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        return RGBColor(u(channel(h + 1.0 / 3, p, q)), u(channel(h, p, q)), u(channel(h - 1.0 / 3, p, q)))
    }
}
