import Foundation
import Testing
@testable import Features

/// The radix-2 real FFT agrees with a direct DFT.
@Suite struct RealFFTTests {
    @Test(arguments: [8, 64, 512]) func powerMatchesDirectDFT(n: Int) throws {
        let fft = try RealFFT(count: n)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(n)
        let x: [Double] = (0..<n).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        var power = [Double](repeating: 0, count: n / 2 + 1)
        var scratch = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in
            power.withUnsafeMutableBufferPointer { pp in
                scratch.withUnsafeMutableBufferPointer { sp in fft.powerSpectrum(xp, into: pp, scratch: sp) }
            }
        }
        for k in 0...(n / 2) {
            var re = 0.0, im = 0.0
            for t in 0..<n {
                let a = -2 * Double.pi * Double(k * t) / Double(n)
                re += x[t] * cos(a); im += x[t] * sin(a)
            }
            #expect(abs(power[k] - (re * re + im * im)) < 1e-9 * max(1, re * re + im * im))
        }
    }

    @Test func rejectsNonPowerOfTwo() {
        #expect(throws: FeaturesError.self) { try RealFFT(count: 400) }
    }
}
