import Foundation
import Media
import Tensor
import Testing
@testable import Restoration

/// FE-Net's lip guidance (`fenet-lips`): the guidance rows and maps, the widened generator that starts as the unguided
/// one, gradients into the guidance channels, the mouth loss, the sampler's rows and the restorer's fallbacks.
@Suite struct FENetGuidanceTests {
    static let tinyGuided = FENetConfig.tiny.withLipGuidance()

    static func track(_ values: [[Float]]) throws -> LipTrack {
        try LipTrack(slotCount: values.count, values: values.flatMap { $0 })
    }

    // MARK: - Rows and maps

    @Test func rowIsTheTrackMinusItsInterpolationAtTheInterpolatedSpot() throws {
        let t = try Self.track([[0, 0, 0, 0], [5, 1, -1, 2], [0, 0, 0, 0], [0, 0, 0, 0], [4, 2, 2, 4]])
        // l = 0, t = 1, r = 4: v = 1/4; interpolation of ĝ_0 and ĝ_4 at 1/4 = [1, 0.5, 0.5, 1].
        let a = MouthSpot(x: 0.4, y: 0.6, radius: 0.1), b = MouthSpot(x: 0.6, y: 0.8, radius: 0.2)
        let row = FENetGuidance.row(track: t, left: 0, target: 1, right: 4, leftSpot: a, rightSpot: b)
        #expect(row.count == FENetGuidance.rowWidth)
        let expected: [Float] = [4, 0.5, -1.5, 1, 0.45, 0.65, 0.125]
        for (x, y) in zip(row, expected) { #expect(abs(x - y) < 1e-6, "\(row) vs \(expected)") }
        // No track: the place only; no spots (or implausible ones): the prior; one spot: that spot.
        let placeOnly = FENetGuidance.row(track: nil, left: 0, target: 1, right: 4, leftSpot: nil, rightSpot: nil)
        #expect(Array(placeOnly.prefix(4)) == [0, 0, 0, 0])
        #expect(Array(placeOnly.suffix(3)) == [MouthSpot.prior.x, MouthSpot.prior.y, MouthSpot.prior.radius])
        let bad = MouthSpot(x: .nan, y: 2, radius: -1)
        let one = FENetGuidance.row(track: nil, left: 0, target: 2, right: 4, leftSpot: bad, rightSpot: b)
        #expect(Array(one.suffix(3)) == [b.x, b.y, b.radius])
        #expect(b.mirrored.mirrored == b && abs(b.mirrored.x - 0.4) < 1e-6)
        #expect(throws: RestorationError.self) { _ = try LipTrack(slotCount: 2, values: [0, 0, 0]) }
        #expect(throws: RestorationError.self) { _ = try LipTrack(slotCount: 1, values: [0, .infinity, 0, 0]) }
    }

    @Test func mapsAreTheMaskTimesTheGeometryChange() throws {
        let row: [Float] = [2, -1, 0, 0.5, 0.5, 0.25, 0.125]
        let rows = try Tensor(shape: [1, FENetGuidance.rowWidth], scalars: row)
        let h = 16, w = 16
        let maps = try FENetGuidance.maps(rows, height: h, width: w)
        #expect(maps.shape == [1, FENetGuidance.channels, h, w])
        let m = maps.scalars
        // The centre (8, 4) px is the peak (pixel centres are at +0.5); 2 px further right the mask falls by
        // exp(−(2.5² − 0.5²) / (2·2²)).
        func at(_ c: Int, _ y: Int, _ x: Int) -> Float { m[(c * h + y) * w + x] }
        let peak = (0..<(h * w)).max { m[$0] < m[$1] } ?? -1
        #expect([3 * w + 7, 3 * w + 8, 4 * w + 7, 4 * w + 8].contains(peak))
        let centre = at(0, 4, 8), oneRadius = at(0, 4, 10)
        #expect(abs(Double(oneRadius / centre) - exp(-(2.5 * 2.5 - 0.25) / 8.0)) < 1e-4)
        for (c, factor) in zip(1..., row.prefix(4)) {
            #expect(abs(at(c, 4, 8) - factor * centre) < 1e-6)
        }
        #expect(throws: RestorationError.self) { _ = try FENetGuidance.maps(try Tensor(shape: [1, 3], scalars: [0, 0, 0]), height: 4, width: 4) }
    }

    // MARK: - The widened generator

    @Test func aGuidedGeneratorWidenedFromAnUnguidedOneStartsAsIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fenet-lips-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try FENet(config: .tiny, seed: 21)
        let path = dir.appendingPathComponent("tiny.safetensors").path
        try source.save(path: path, metadata: [:])
        let trainer = try FENetTrainer(config: Self.tinyGuided, settings: FENetTrainingSettings(steps: 1, seed: 2))
        try trainer.loadGenerator(from: path)
        let guided = trainer.generator
        #expect(guided.parameterCount == source.parameterCount
                + FENetGuidance.channels * 9 * (FENetConfig.tiny.refineWidths[0] + FENetConfig.tiny.interWidths[0]))
        let left = try FENetTests.picture(size: 16, dx: 0, slot: 0), right = try FENetTests.picture(size: 16, dx: 2, slot: 6)
        let t = try Self.track((0..<8).map { j in [Float(j % 3), -Float(j), 1, 0.5] })
        let context = GapContext(frameRate: FENetTests.rate, lipTrack: t,
                                 mouthLocator: { _ in MouthSpot(x: 0.5, y: 0.6, radius: 0.2) })
        let a = try FENetRestorer(net: source).restoreGap(left: left, right: right, slots: [1, 3, 5], context: context)
        let b = try FENetRestorer(net: guided).restoreGap(left: left, right: right, slots: [1, 3, 5], context: context)
        // Zero weights on the guidance channels leave the output unchanged (up to the summation order of the wider
        // convolution's GEMM).
        let diff = zip(a, b).map { x, y in zip(x.planes, y.planes).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 1
        #expect(a.map(\.slot) == b.map(\.slot) && diff < 1e-5, "largest difference \(diff)")
        // A guided file refuses to start an unguided trainer, and a guided trainer refuses another width.
        try guided.save(path: path, metadata: [:])
        #expect(throws: RestorationError.self) { try FENetTrainer(config: .tiny, settings: FENetTrainingSettings(steps: 1)).loadGenerator(from: path) }
        #expect(throws: RestorationError.self) {
            try FENetTrainer(config: FENetConfig().withLipGuidance(), settings: FENetTrainingSettings(steps: 1)).loadGenerator(from: path)
        }
        // The configuration round-trips, and an unguided one's JSON has no guidance key.
        #expect(try FENet.load(path: path).net.config == Self.tinyGuided)
        #expect(!FENetConfig.tiny.json.contains("guidance"))
    }

    @Test func gradientsReachTheGuidanceChannelsAndMatchFiniteDifferences() throws {
        let net = try FENet(config: Self.tinyGuided, seed: 5)
        for p in net.parameters where p.name.hasSuffix("head.weight") { p.value = p.value.affine(scale: 20) }
        let b = try FENetTests.batch(size: 16, n: 2, seed: 6)
        let rows = try Tensor(shape: [2, FENetGuidance.rowWidth],
                              scalars: [1.5, -0.5, 0.2, 1, 0.5, 0.6, 0.2, -1, 0.8, 0, -0.4, 0.45, 0.65, 0.15])
        func loss(_ tape: Tape) throws -> Variable {
            let s = try net.gap(left: tape.input(b.left), right: tape.input(b.right), constant: { tape.input($0) })
            let out = try net.synthesize(s, v: b.v, audioL: b.audioL, audioT: b.audioT, audioR: b.audioR, present: b.present,
                                         guidance: rows, constant: { tape.input($0) })
            let mask = tape.input(try FENetGuidance.mask(rows, height: 16, width: 16))
            return (out.frame.mseLoss(tape.input(b.target)) + FENetLosses.mouth(out.frame, tape.input(b.target), mask: mask)) * 1000
        }
        net.zeroGrad()
        let tape = Tape()
        tape.backward(try loss(tape))
        for name in ["refine_net.enc0.0.weight", "inter_net.enc0.0.weight"] {
            let p = try #require(net.parameters.first { $0.name == name })
            // The guidance channels are the last input channels of the first convolution.
            let s = p.value.shape, k = s[2] * s[3], first = s[1] - FENetGuidance.channels
            let g = p.grad.scalars
            var guidanceGrad: Float = 0
            for o in 0..<s[0] { for i in first..<s[1] { for j in 0..<k { guidanceGrad += abs(g[(o * s[1] + i) * k + j]) } } }
            #expect(guidanceGrad > 0, "\(name): no gradient reaches the guidance channels")
            let norm2 = Double(p.grad.norm() * p.grad.norm())
            let eps: Float = 1e-3 / max(p.grad.norm(), 1e-6)
            let original = p.value
            p.value = original + p.grad * eps
            let plus = Double(try loss(Tape()).value.scalar)
            p.value = original + p.grad * (-eps)
            let minus = Double(try loss(Tape()).value.scalar)
            p.value = original
            let numeric = (plus - minus) / (2 * Double(eps))
            #expect(abs(numeric - norm2) <= 0.05 * norm2 + 1e-4, "\(name): analytic \(norm2), numeric \(numeric)")
        }
    }

    @Test func theMouthLossIsTheMaskWeightedMeanError() throws {
        let tape = Tape()
        let n = 1, c = 3, h = 4, w = 4
        let p = (0..<(n * c * h * w)).map { Float($0 % 5) * 0.1 }, t = [Float](repeating: 0.2, count: n * c * h * w)
        var m = [Float](repeating: 0, count: h * w)
        m[5] = 1; m[6] = 0.5
        let loss = FENetLosses.mouth(tape.input(try Tensor(shape: [n, c, h, w], scalars: p)), tape.input(try Tensor(shape: [n, c, h, w], scalars: t)),
                                     mask: tape.input(try Tensor(shape: [n, 1, h, w], scalars: m))).value.scalar
        var num: Float = 0, den: Float = 0
        for ch in 0..<c { for i in 0..<(h * w) { num += m[i] * abs(p[ch * h * w + i] - t[ch * h * w + i]); den += m[i] } }
        #expect(abs(loss - num / den) < 1e-6)
    }

    // MARK: - Training samples and restoring

    @Test func samplerRowsUseTheNeighboursSpotsAndTheTrackUnlessAudioIsOff() throws {
        let frames = try (0..<12).map { i in try FENetTests.picture(size: 16, dx: Float(i)).videoFrame() }
        let t = try Self.track((0..<12).map { j in [Float(j), 0, 0, 0] .map { $0 * $0 } })
        let spots = (0..<12).map { i in MouthSpot(x: 0.3 + 0.02 * Float(i), y: 0.6, radius: 0.1) } as [MouthSpot?]
        let clip = try FENetTrainingClip(name: "c", frames: frames, audio: nil, lipTrack: t, mouthSpots: spots)
        var g = SeededGenerator(seed: 3)
        let guided = FENetGapSampler(staticFraction: 0, flip: false, guided: true)
        for _ in 0..<20 {
            let s = guided.sample([clip], using: &g)
            #expect(s.guidance.count == FENetGuidance.rowWidth)
            // The track is used only where the clip's audio is (this clip has none), the spot always.
            #expect(Array(s.guidance.prefix(4)) == [0, 0, 0, 0])
            #expect(s.guidance[4] >= 0.3 && s.guidance[4] <= 0.52)
        }
        #expect(FENetGapSampler().sample([clip], using: &g).guidance.isEmpty)
        #expect(try FENetBatch([FENetGapSampler().sample([clip], using: &g)], width: 16, height: 16).guidance == nil)
        #expect(throws: RestorationError.self) { _ = try FENetTrainingClip(name: "c", frames: frames, audio: nil, mouthSpots: [nil]) }
        // The mouth term without guided samples is a typed error, not a crash.
        let trainer = try FENetTrainer(config: .tiny, settings: FENetTrainingSettings(steps: 1, batch: 1, warmupSteps: 1, lambdaMouth: 1))
        #expect(throws: RestorationError.self) {
            try trainer.trainStep(try FENetBatch([FENetGapSampler().sample([clip], using: &g)], width: 16, height: 16))
        }
    }

    @Test func restorerWithoutLocatorOrTrackFallsBackToThePriorSpot() throws {
        let net = try FENet(config: Self.tinyGuided, seed: 9)
        for p in net.parameters where p.name.hasSuffix("enc0.0.weight") {
            // Make the guidance channels matter so the fallbacks can be told apart.
            var v = p.value.scalars
            let s = p.value.shape, k = s[2] * s[3]
            for o in 0..<s[0] { for i in (s[1] - FENetGuidance.channels)..<s[1] { for j in 0..<k { v[(o * s[1] + i) * k + j] = 0.5 } } }
            p.value = try Tensor(shape: s, scalars: v)
        }
        for p in net.parameters where p.name.hasSuffix("head.weight") { p.value = p.value.affine(scale: 20) }
        let left = try FENetTests.picture(size: 16, dx: 0, slot: 0), right = try FENetTests.picture(size: 16, dx: 2, slot: 4)
        let bare = GapContext(frameRate: FENetTests.rate)
        let prior = GapContext(frameRate: FENetTests.rate, mouthLocator: { _ in MouthSpot.prior })
        let elsewhere = GapContext(frameRate: FENetTests.rate, mouthLocator: { _ in MouthSpot(x: 0.2, y: 0.2, radius: 0.1) })
        let r = FENetRestorer(name: "fenet-lips", net: net)
        let a = try r.restoreGap(left: left, right: right, slots: [2], context: bare)
        #expect(a == (try r.restoreGap(left: left, right: right, slots: [2], context: prior)))
        #expect(a != (try r.restoreGap(left: left, right: right, slots: [2], context: elsewhere)))
        // Without audio the track is ignored.
        var withTrack = prior
        withTrack.lipTrack = try Self.track((0..<5).map { j in [Float(j * j), 1, -1, 0] })
        let quiet = FENetRestorer(name: "fenet-lips-noaudio", net: net, useAudio: false)
        #expect(try quiet.restoreGap(left: left, right: right, slots: [2], context: withTrack) == a)
        #expect(try r.restoreGap(left: left, right: right, slots: [2], context: withTrack) != a)
        #expect(a.allSatisfy { $0.planes.allSatisfy(\.isFinite) })
    }

    @Test func theLipTrackIsMadeOnFirstUseAndOnce() throws {
        final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private var n = 0
            func bump() { lock.lock(); n += 1; lock.unlock() }
            var count: Int { lock.lock(); defer { lock.unlock() }; return n }
        }
        let counter = Counter()
        let t = try Self.track([[1, 2, 3, 4], [0, 0, 0, 0]])
        var context = GapContext(frameRate: FENetTests.rate)
        context.lipTrackSource = LazyLipTrack { counter.bump(); return t }
        #expect(counter.count == 0, "building a context must not make the track")
        let copy = context
        #expect(context.lipTrack == t && copy.lipTrack == t && context.lipTrack == t)
        #expect(counter.count == 1)
        #expect(GapContext(frameRate: FENetTests.rate).lipTrack == nil)
        #expect(GapContext(frameRate: FENetTests.rate, lipTrack: t).lipTrack == t)
    }
}
