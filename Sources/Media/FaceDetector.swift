import Foundation

/// An 8-bit grey image (BT.601 luma, like OpenCV's `cvtColor(RGB2GRAY)`).
public struct GreyImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws(MediaError) {
        guard width > 0, height > 0, pixels.count == width * height else {
            throw .invalidArgument("grey image \(width)×\(height) needs \(max(0, width * height)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Luma of an RGB frame: Y = 0.299 R + 0.587 G + 0.114 B, rounded (fixed point as OpenCV).
    public init(_ frame: VideoFrame) {
        width = frame.width
        height = frame.height
        var out = [UInt8](repeating: 0, count: frame.width * frame.height)
        frame.rgb.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count {
                    let r = UInt32(src[3 * i]), g = UInt32(src[3 * i + 1]), b = UInt32(src[3 * i + 2])
                    dst[i] = UInt8((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14)
                }
            }
        }
        pixels = out
    }

    /// Bilinear resize with pixel centres aligned (OpenCV's INTER_LINEAR convention).
    public func resized(width w: Int, height h: Int) -> GreyImage {
        if w == width && h == height { return self }
        var out = [UInt8](repeating: 0, count: max(1, w * h))
        let sx = Double(width) / Double(w), sy = Double(height) / Double(h)
        var x0s = [Int](repeating: 0, count: w), x1s = [Int](repeating: 0, count: w), fxs = [Int32](repeating: 0, count: w)
        for x in 0..<w {
            let fx = max(0, (Double(x) + 0.5) * sx - 0.5)
            let x0 = min(width - 1, Int(fx))
            x0s[x] = x0
            x1s[x] = min(width - 1, x0 + 1)
            fxs[x] = Int32(((fx - Double(x0)) * 2048).rounded())
        }
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let fy = max(0, (Double(y) + 0.5) * sy - 0.5)
                    let y0 = min(height - 1, Int(fy)), y1 = min(height - 1, y0 + 1)
                    let wy = Int32(((fy - Double(y0)) * 2048).rounded())
                    let r0 = y0 * width, r1 = y1 * width
                    for x in 0..<w {
                        let wx = fxs[x]
                        let top = Int32(src[r0 + x0s[x]]) * (2048 - wx) + Int32(src[r0 + x1s[x]]) * wx
                        let bottom = Int32(src[r1 + x0s[x]]) * (2048 - wx) + Int32(src[r1 + x1s[x]]) * wx
                        let v = (Int64(top) * Int64(2048 - wy) + Int64(bottom) * Int64(wy) + (1 << 21)) >> 22
                        dst[y * w + x] = UInt8(clamping: v)
                    }
                }
            }
        }
        // Sizes are validated by the caller (positive); the force-free init keeps library code crash-free.
        return (try? GreyImage(width: w, height: h, pixels: out)) ?? self
    }
}

/// How `FaceDetector` searches (OpenCV `detectMultiScale` parameters).
public struct FaceDetectorSettings: Sendable, Equatable {
    /// Window growth between scales.
    public var scaleFactor: Double
    /// A face needs more than this many raw detections in its group.
    public var minNeighbors: Int
    /// Smallest face side in source pixels.
    public var minSize: Int
    /// Frames wider than this are shrunk (area averaging) before the search; boxes are scaled back. 0 disables.
    public var maxSearchWidth: Int

    public init(scaleFactor: Double = 1.1, minNeighbors: Int = 4, minSize: Int = 40, maxSearchWidth: Int = 320) {
        self.scaleFactor = scaleFactor
        self.minNeighbors = minNeighbors
        self.minSize = minSize
        self.maxSearchWidth = maxSearchWidth
    }
}

/// A detected face: its box in source pixels and how many raw windows voted for it.
public struct FaceDetection: Sendable, Equatable, Codable {
    public var box: PixelRect
    public var neighbors: Int
}

/// Finds frontal faces with a Haar cascade (OpenCV's Viola–Jones detector re-implemented: integral images, sliding
/// windows over an image pyramid with step 1.1, `groupRectangles` with 4 neighbours).
public struct FaceDetector: Sendable {
    public let cascade: HaarCascade
    public let settings: FaceDetectorSettings

    /// A detector with the given cascade file (Debian's frontal-face cascade by default).
    public init(cascadePath: String = HaarCascade.frontalFacePath, settings: FaceDetectorSettings = FaceDetectorSettings()) throws(MediaError) {
        try self.init(cascade: HaarCascade(contentsOf: cascadePath), settings: settings)
    }

    public init(cascade: HaarCascade, settings: FaceDetectorSettings = FaceDetectorSettings()) throws(MediaError) {
        guard settings.scaleFactor > 1.0001, settings.minNeighbors >= 0, settings.minSize >= 0, settings.maxSearchWidth >= 0 else {
            throw .invalidArgument("face detector settings \(settings)")
        }
        self.cascade = cascade
        self.settings = settings
    }

    /// Faces in an RGB frame, largest first, in frame pixels.
    public func detect(in frame: VideoFrame) throws(MediaError) -> [FaceDetection] {
        var shrink = 1.0
        var source = frame
        if settings.maxSearchWidth > 0, frame.width > settings.maxSearchWidth {
            shrink = Double(frame.width) / Double(settings.maxSearchWidth)
            let h = max(1, Int((Double(frame.height) / shrink).rounded()))
            source = try Resampler.resize(frame, width: settings.maxSearchWidth, height: h)
            shrink = Double(frame.width) / Double(source.width)
        }
        let minSide = Int((Double(settings.minSize) / shrink).rounded())
        let found = detect(in: GreyImage(source), minSize: minSide)
        guard shrink != 1 else { return found }
        return found.map { d in
            let b = d.box
            let r = PixelRect(x: Int((Double(b.x) * shrink).rounded()), y: Int((Double(b.y) * shrink).rounded()),
                              width: Int((Double(b.width) * shrink).rounded()), height: Int((Double(b.height) * shrink).rounded()))
            return FaceDetection(box: r.clamped(width: frame.width, height: frame.height), neighbors: d.neighbors)
        }
    }

    /// The largest face in the frame, or nil.
    public func largestFace(in frame: VideoFrame) throws(MediaError) -> PixelRect? {
        try detect(in: frame).first?.box
    }

    /// Faces in a grey image at its own resolution, largest first; `minSize` in this image's pixels.
    public func detect(in image: GreyImage, minSize: Int? = nil) -> [FaceDetection] {
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        let minSide = minSize ?? settings.minSize
        var raw: [PixelRect] = []
        var factor = 1.0
        while true {
            let winW = Int((Double(ww) * factor).rounded(.toNearestOrEven)), winH = Int((Double(wh) * factor).rounded(.toNearestOrEven))
            if winW > image.width || winH > image.height { break }
            let sw = Int((Double(image.width) / factor).rounded(.toNearestOrEven)), sh = Int((Double(image.height) / factor).rounded(.toNearestOrEven))
            if sw < ww || sh < wh { break }
            if winW >= minSide && winH >= minSide {
                let scaled = image.resized(width: sw, height: sh)
                let step = factor > 2 ? 1 : 2
                for hit in scan(scaled, step: step) {
                    raw.append(PixelRect(x: Int((Double(hit.x) * factor).rounded(.toNearestOrEven)), y: Int((Double(hit.y) * factor).rounded(.toNearestOrEven)),
                                         width: winW, height: winH))
                }
            }
            factor *= settings.scaleFactor
        }
        return Self.groupRectangles(raw, groupThreshold: settings.minNeighbors, eps: 0.2)
            .sorted { $0.box.width * $0.box.height > $1.box.width * $1.box.height }
    }

    // MARK: - Cascade evaluation

    /// Window origins (in `image` pixels) that pass every stage.
    func scan(_ image: GreyImage, step: Int) -> [(x: Int, y: Int)] {
        let w = image.width, h = image.height, iw = w + 1
        let ww = cascade.windowWidth, wh = cascade.windowHeight
        guard w >= ww, h >= wh else { return [] }
        // Integral images of x and x² with a zero first row and column.
        var sum = [Int32](repeating: 0, count: iw * (h + 1))
        var sq = [Double](repeating: 0, count: iw * (h + 1))
        image.pixels.withUnsafeBufferPointer { px in
            sum.withUnsafeMutableBufferPointer { s in
                sq.withUnsafeMutableBufferPointer { q in
                    for y in 0..<h {
                        var rowSum: Int32 = 0
                        var rowSq = 0.0
                        for x in 0..<w {
                            let v = Int32(px[y * w + x])
                            rowSum += v
                            rowSq += Double(v * v)
                            s[(y + 1) * iw + x + 1] = s[y * iw + x + 1] + rowSum
                            q[(y + 1) * iw + x + 1] = q[y * iw + x + 1] + rowSq
                        }
                    }
                }
            }
        }
        // Rectangle corner offsets of every feature at this integral-image width.
        let fc = cascade.features.count
        var offsets = [Int32](repeating: 0, count: fc * 12)
        var weights = [Float](repeating: 0, count: fc * 3)
        for (f, rects) in cascade.features.enumerated() {
            for (k, r) in rects.enumerated() {
                let o = f * 12 + k * 4
                offsets[o] = Int32(r.y * iw + r.x)
                offsets[o + 1] = Int32(r.y * iw + r.x + r.width)
                offsets[o + 2] = Int32((r.y + r.height) * iw + r.x)
                offsets[o + 3] = Int32((r.y + r.height) * iw + r.x + r.width)
                weights[f * 3 + k] = r.weight
            }
        }
        // Normalisation rectangle: the window shrunk by one pixel on each side.
        let n0 = iw + 1, n1 = iw + ww - 1, n2 = (wh - 1) * iw + 1, n3 = (wh - 1) * iw + ww - 1
        let area = Double((ww - 2) * (wh - 2))
        var hits: [(x: Int, y: Int)] = []
        let stageFirst = cascade.stages.map { Int32($0.first) }, stageEnd = cascade.stages.map { Int32($0.first + $0.count) }
        let stageThreshold = cascade.stages.map(\.threshold)
        let stageCount = stageFirst.count
        sum.withUnsafeBufferPointer { s in
        sq.withUnsafeBufferPointer { q in
        offsets.withUnsafeBufferPointer { off in
        weights.withUnsafeBufferPointer { wt in
        cascade.weakFirstNode.withUnsafeBufferPointer { firstNode in
        cascade.weakFirstLeaf.withUnsafeBufferPointer { firstLeaf in
        cascade.nodeLeft.withUnsafeBufferPointer { left in
        cascade.nodeRight.withUnsafeBufferPointer { right in
        cascade.nodeFeature.withUnsafeBufferPointer { feature in
        cascade.nodeThreshold.withUnsafeBufferPointer { threshold in
        cascade.leaves.withUnsafeBufferPointer { leaves in
        stageFirst.withUnsafeBufferPointer { stageFirst in
        stageEnd.withUnsafeBufferPointer { stageEnd in
        stageThreshold.withUnsafeBufferPointer { stageThreshold in
            var y = 0
            while y + wh <= h {
                var x = 0
                while x + ww <= w {
                    let base = y * iw + x
                    let vs = Double(s[base + n0] - s[base + n1] - s[base + n2] + s[base + n3])
                    let vq = q[base + n0] - q[base + n1] - q[base + n2] + q[base + n3]
                    let nf2 = area * vq - vs * vs
                    var result = -1  // -1 rejected before evaluation, 0 rejected by stage 0, 1 accepted
                    if nf2 > 0 {
                        let nf = nf2.squareRoot()
                        if area / nf < 0.1 {
                            let inv = Float(1 / nf)
                            result = 1
                            for stageIndex in 0..<stageCount {
                                var total: Float = 0
                                for wk in Int(stageFirst[stageIndex])..<Int(stageEnd[stageIndex]) {
                                    var node = Int(firstNode[wk])
                                    let root = node
                                    while true {
                                        let f = Int(feature[node])
                                        let o = f * 12
                                        var v = wt[f * 3] * Float(s[base + Int(off[o])] - s[base + Int(off[o + 1])]
                                            - s[base + Int(off[o + 2])] + s[base + Int(off[o + 3])])
                                        v += wt[f * 3 + 1] * Float(s[base + Int(off[o + 4])] - s[base + Int(off[o + 5])]
                                            - s[base + Int(off[o + 6])] + s[base + Int(off[o + 7])])
                                        if wt[f * 3 + 2] != 0 {
                                            v += wt[f * 3 + 2] * Float(s[base + Int(off[o + 8])] - s[base + Int(off[o + 9])]
                                                - s[base + Int(off[o + 10])] + s[base + Int(off[o + 11])])
                                        }
                                        let next = v * inv < threshold[node] ? left[node] : right[node]
                                        if next <= 0 {
                                            total += leaves[Int(firstLeaf[wk]) - Int(next)]
                                            break
                                        }
                                        node = root + Int(next)
                                    }
                                }
                                if total < stageThreshold[stageIndex] {
                                    result = stageIndex == 0 ? 0 : -1
                                    break
                                }
                            }
                        }
                    }
                    if result == 1 { hits.append((x, y)) }
                    x += result == 0 ? 2 * step : step
                }
                y += step
            }
        }}}}}}}}}}}}}}
        return hits
    }

    // MARK: - Grouping

    /// OpenCV's `groupRectangles` (with its `cvRound`: halves to even): clusters rectangles whose corners lie within eps·(mean of the smaller sides)/2, averages
    /// each cluster, drops clusters with `groupThreshold` or fewer members, and drops clusters inside a stronger one.
    public static func groupRectangles(_ rects: [PixelRect], groupThreshold: Int, eps: Double) -> [FaceDetection] {
        guard !rects.isEmpty else { return [] }
        // Union–find partition by the similarity predicate.
        var parent = Array(rects.indices)
        func find(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { r = parent[r] }
            var j = i
            while parent[j] != r { let next = parent[j]; parent[j] = r; j = next }
            return r
        }
        func similar(_ a: PixelRect, _ b: PixelRect) -> Bool {
            let delta = eps * Double(min(a.width, b.width) + min(a.height, b.height)) * 0.5
            return Double(abs(a.x - b.x)) <= delta && Double(abs(a.y - b.y)) <= delta
                && Double(abs(a.x + a.width - b.x - b.width)) <= delta && Double(abs(a.y + a.height - b.y - b.height)) <= delta
        }
        for i in rects.indices {
            for j in (i + 1)..<rects.count where similar(rects[i], rects[j]) {
                let a = find(i), b = find(j)
                if a != b { parent[b] = a }
            }
        }
        var label: [Int: Int] = [:]
        var sums: [(x: Int, y: Int, w: Int, h: Int, n: Int)] = []
        for i in rects.indices {
            let root = find(i)
            let k: Int
            if let existing = label[root] { k = existing } else { k = sums.count; label[root] = k; sums.append((0, 0, 0, 0, 0)) }
            sums[k].x += rects[i].x
            sums[k].y += rects[i].y
            sums[k].w += rects[i].width
            sums[k].h += rects[i].height
            sums[k].n += 1
        }
        let averaged = sums.map { c -> FaceDetection in
            let s = 1 / Double(c.n)
            return FaceDetection(box: PixelRect(x: Int((Double(c.x) * s).rounded(.toNearestOrEven)), y: Int((Double(c.y) * s).rounded(.toNearestOrEven)),
                                                width: Int((Double(c.w) * s).rounded(.toNearestOrEven)), height: Int((Double(c.h) * s).rounded(.toNearestOrEven))),
                                 neighbors: c.n)
        }
        var out: [FaceDetection] = []
        for (i, a) in averaged.enumerated() where a.neighbors > groupThreshold {
            let r1 = a.box
            let inside = averaged.enumerated().contains { j, b in
                guard j != i, b.neighbors > groupThreshold else { return false }
                let r2 = b.box
                let dx = Int((Double(r2.width) * eps).rounded(.toNearestOrEven)), dy = Int((Double(r2.height) * eps).rounded(.toNearestOrEven))
                return r1.x >= r2.x - dx && r1.y >= r2.y - dy && r1.x + r1.width <= r2.x + r2.width + dx
                    && r1.y + r1.height <= r2.y + r2.height + dy && (b.neighbors > max(3, a.neighbors) || a.neighbors < 3)
            }
            if !inside { out.append(a) }
        }
        return out
    }
}
