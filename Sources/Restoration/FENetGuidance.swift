import Foundation
import Tensor

// MARK: - Where the mouth is

/// The mouth of a face in a frame: its centre and a radius, as fractions of the frame's width (x, radius) and
/// height (y), so that one spot fits the frame at every size FE-Net runs at.
public struct MouthSpot: Sendable, Equatable, Codable {
    public var x: Float
    public var y: Float
    public var radius: Float

    public init(x: Float, y: Float, radius: Float) {
        self.x = x
        self.y = y
        self.radius = radius
    }

    /// Where the mouth is in a face crop when no landmarks are found: about the mean of the per-clip means over the
    /// project split's 24 training clips at 128² (x 0.41–0.57, y 0.56–0.72, radius 0.13–0.20; measured 7 December
    /// 2026 with `LipGuidanceSource.mouthSpot`, `train-restore --guidance lips` prints them), rounded.
    public static let prior = MouthSpot(x: 0.50, y: 0.65, radius: 0.16)

    /// The spot a fraction `v` of the way to `other` (the mouth of a missing frame between two survivors).
    public func interpolated(to other: MouthSpot, _ v: Float) -> MouthSpot {
        MouthSpot(x: x + v * (other.x - x), y: y + v * (other.y - y), radius: radius + v * (other.radius - radius))
    }

    /// The same spot in the frame mirrored left–right.
    public var mirrored: MouthSpot { MouthSpot(x: 1 - x, y: y, radius: radius) }

    /// Whether the values can place a mouth (finite, centre inside the frame, radius in (0, 1]).
    public var isPlausible: Bool {
        x.isFinite && y.isFinite && radius.isFinite && (0...1).contains(x) && (0...1).contains(y) && radius > 0 && radius <= 1
    }
}

/// Finds the mouth in a restorer's neighbour frame (Pipeline supplies dlib's landmarks); nil when no face is found.
public typealias MouthLocator = @Sendable (SlotFrame) -> MouthSpot?

// MARK: - What the audio says the mouth does

/// The audio-predicted lip geometry of every slot (`LipGeometryModel`: inner and outer aperture, mouth width, jaw
/// opening, each standardised over the clip), the input of FE-Net's lip guidance.
public struct LipTrack: Sendable, Equatable {
    /// Values per slot.
    public static let dimension = 4
    public let slotCount: Int
    /// slotCount × `dimension`, row-major.
    public let values: [Float]

    /// Throws `.audioMismatch` unless there are `dimension` finite values per slot.
    public init(slotCount: Int, values: [Float]) throws(RestorationError) {
        guard slotCount > 0, values.count == slotCount * Self.dimension, values.allSatisfy(\.isFinite) else {
            throw .audioMismatch("a lip track needs \(Self.dimension) finite values for each of \(slotCount) slots, got \(values.count)")
        }
        self.slotCount = slotCount
        self.values = values
    }

    /// The geometry of `slot` (clamped into the track).
    public func row(_ slot: Int) -> ArraySlice<Float> {
        let r = min(max(slot, 0), slotCount - 1)
        return values[(r * Self.dimension)..<((r + 1) * Self.dimension)]
    }
}

/// A clip's lip track made on first use, once (thread-safe): the phones of a clip are decoded only when a guided
/// method restores one of its gaps, not whenever a context is built (the inspector builds one for every method).
public final class LazyLipTrack: @unchecked Sendable {
    private let make: @Sendable () -> LipTrack?
    private var made: LipTrack??
    private let lock = NSLock()

    public init(_ make: @escaping @Sendable () -> LipTrack?) { self.make = make }

    /// A track already known.
    public convenience init(value: LipTrack?) { self.init { value } }

    /// The track (made now if it was not yet).
    public var value: LipTrack? {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let v = make()
        made = .some(v)
        return v
    }
}

// MARK: - Guidance maps

/// FE-Net's lip guidance (ours, issue 14 item 3): what the audio says the mouth of the missing frame does that
/// interpolating its neighbours would not, placed where the mouth is.
///
/// Per sample: Δĝ = ĝ_t − ((1 − v)·ĝ_l + v·ĝ_r), the audio-predicted lip geometry of slot t minus its linear
/// interpolation between the neighbours' slots (the part of the mouth's motion that the interpolation misses; the
/// speaker's own offsets cancel in the difference), and the mouth spot interpolated between the neighbours'
/// landmarks. The maps given to `refine_net` and `inter_net` are m and m·Δĝ_k, with m a Gaussian of the spot's radius
/// around its centre.
public enum FENetGuidance {
    /// Values per sample row: Δĝ (4), then the spot's x, y and radius.
    public static let rowWidth = LipTrack.dimension + 3
    /// Channels of the guidance maps: m and m·Δĝ (4).
    public static let channels = 1 + LipTrack.dimension

    /// The row of a missing slot `t` between slots `l` < t < `r`: Δĝ from `track` (zeros without one: the mouth's
    /// place only) and the spot interpolated between the neighbours' (`MouthSpot.prior` where one is missing).
    public static func row(track: LipTrack?, left l: Int, target t: Int, right r: Int,
                           leftSpot: MouthSpot?, rightSpot: MouthSpot?) -> [Float] {
        let v = r > l ? Float(t - l) / Float(r - l) : 0.5
        var out = [Float](repeating: 0, count: rowWidth)
        if let track {
            let gl = track.row(l), gt = track.row(t), gr = track.row(r)
            for k in 0..<LipTrack.dimension {
                out[k] = gt[gt.startIndex + k] - ((1 - v) * gl[gl.startIndex + k] + v * gr[gr.startIndex + k])
            }
        }
        let a = plausible(leftSpot) ?? plausible(rightSpot) ?? .prior
        let b = plausible(rightSpot) ?? a
        let s = a.interpolated(to: b, v)
        out[LipTrack.dimension] = s.x
        out[LipTrack.dimension + 1] = s.y
        out[LipTrack.dimension + 2] = s.radius
        return out
    }

    static func plausible(_ s: MouthSpot?) -> MouthSpot? { s.flatMap { $0.isPlausible ? $0 : nil } }

    /// A row with no audio and the prior spot (what a guided network is given when nothing is known).
    public static var neutralRow: [Float] { row(track: nil, left: 0, target: 1, right: 2, leftSpot: nil, rightSpot: nil) }

    /// The mouth mask m of every row of `rows` ([N, rowWidth]) at `height`×`width`: [N, 1, height, width],
    /// m = exp(−((x − cx)² + (y − cy)²) / (2ρ²)) with x, y and ρ in pixels of the map.
    public static func mask(_ rows: Tensor, height: Int, width: Int) throws -> Tensor {
        let n = rows.shape[0]
        var out = [Float](repeating: 0, count: n * height * width)
        let r = rows.scalars
        let side = Float(min(height, width))
        for i in 0..<n {
            let base = i * rowWidth + LipTrack.dimension
            let cx = r[base] * Float(width), cy = r[base + 1] * Float(height)
            let rho = max(r[base + 2] * side, 0.5)
            let inv = 1 / (2 * rho * rho)
            for y in 0..<height {
                let dy = Float(y) + 0.5 - cy
                for x in 0..<width {
                    let dx = Float(x) + 0.5 - cx
                    out[(i * height + y) * width + x] = Foundation.exp(-(dx * dx + dy * dy) * inv)
                }
            }
        }
        return try Tensor(shape: [n, 1, height, width], scalars: out)
    }

    /// The guidance maps of `rows` ([N, rowWidth]) at `height`×`width`: [N, channels, height, width] = m, m·Δĝ₁…₄.
    public static func maps(_ rows: Tensor, height: Int, width: Int) throws -> Tensor {
        guard rows.shape.count == 2, rows.shape[1] == rowWidth else {
            throw RestorationError.audioMismatch("lip guidance rows of shape \(rows.shape), not [N, \(rowWidth)]")
        }
        let n = rows.shape[0], plane = height * width
        let m = try mask(rows, height: height, width: width).scalars
        let r = rows.scalars
        var out = [Float](repeating: 0, count: n * channels * plane)
        for i in 0..<n {
            let src = i * plane
            for c in 0..<channels {
                let factor: Float = c == 0 ? 1 : r[i * rowWidth + c - 1]
                let dst = (i * channels + c) * plane
                for p in 0..<plane { out[dst + p] = m[src + p] * factor }
            }
        }
        return try Tensor(shape: [n, channels, height, width], scalars: out)
    }
}
