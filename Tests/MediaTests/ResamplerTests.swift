import Foundation
import Testing
@testable import Media

/// `Resampler.resize` depends only on the frame's pixels. swscale's SIMD paths read past the end of rows and of the
/// buffer (valgrind shows 16-byte reads past an RGB24 buffer 197 pixels wide); on an unpadded buffer the last pixels
/// then depended on the memory after it, so face crops — and FE-Net training on them — differed from one process
/// to the next (issue 16: `train-restore --resume`).
@Suite struct ResamplerTests {
    /// `count` pseudo-random bytes from `seed`.
    static func bytes(_ count: Int, seed: UInt32) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// A frame of `width`×`height` pseudo-random pixels whose buffer is followed (in its spare capacity) by 4 KiB of
    /// pseudo-random garbage from `garbage` (a constant tail would not show the dependence: swscale's filters
    /// cancel it).
    static func frame(width: Int, height: Int, garbage: UInt32) throws -> VideoFrame {
        let n = width * height * 3, tail = 4096
        var rgb = bytes(n, seed: 7)
        rgb.append(contentsOf: bytes(tail, seed: garbage))
        rgb.removeLast(tail)  // keeps the capacity and leaves the garbage in it
        return try VideoFrame(width: width, height: height, rgb: rgb)
    }

    @Test("the result ignores the memory after the frame's pixels", arguments: [(197, 197, 32, 32), (197, 197, 128, 128),
                                                                                (61, 45, 128, 96), (33, 31, 16, 16)])
    func resultIgnoresMemoryAfterTheFrame(size: (Int, Int, Int, Int)) throws {
        let (w, h, ow, oh) = size
        let outputs = try [1, 2, 3].map { try Resampler.resize(try Self.frame(width: w, height: h, garbage: $0), width: ow, height: oh).rgb }
        #expect(outputs.allSatisfy { $0.count == ow * oh * 3 })
        let differing = outputs.dropFirst().map { o in zip(o, outputs[0]).filter { $0 != $1 }.count }
        #expect(differing == [0, 0], "bytes differing from the first result")
    }
}
