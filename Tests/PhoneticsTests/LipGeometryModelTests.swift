import Features
import Foundation
@testable import Phonetics
import Tensor
import Testing

@Suite("Audio → lip geometry model")
struct LipGeometryModelTests {
    static func tiny() throws -> (LipGeometryModel, Tensor, Tensor) {
        let model = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 1, hidden: 5, outputs: 4), seed: 3)
        var g = SeededGenerator(seed: 4)
        let rows = 6, w = model.configuration.inputWidth
        let x = (0..<(rows * w)).map { _ in Float.random(in: -1...1, using: &g) }
        let y = (0..<(rows * 4)).map { _ in Float.random(in: -1...1, using: &g) }
        return (model, try Tensor(shape: [rows, w], scalars: x), try Tensor(shape: [rows, 4], scalars: y))
    }

    @Test("Tape gradients of the loss agree with central finite differences for every parameter tensor")
    func gradientCheck() throws {
        let (model, x, y) = try Self.tiny()
        let tape = Tape()
        tape.backward(try model.loss(inputs: x, targets: y, tape: tape))
        func lossValue() throws -> Double {
            let t = Tape()
            return Double(try model.loss(inputs: x, targets: y, tape: t).value.scalar)
        }
        let h: Float = 1e-2
        var checked = 0
        for p in model.parameters {
            let count = p.value.count
            for flat in stride(from: 0, to: count, by: max(1, count / 12)) {
                let original = p.value[flat: flat]
                var v = p.value.scalars
                v[flat] = original + h
                p.value = try Tensor(shape: p.value.shape, scalars: v)
                let plus = try lossValue()
                v[flat] = original - h
                p.value = try Tensor(shape: p.value.shape, scalars: v)
                let minus = try lossValue()
                v[flat] = original
                p.value = try Tensor(shape: p.value.shape, scalars: v)
                let numeric = (plus - minus) / Double(2 * h)
                let analytic = Double(p.grad[flat: flat])
                #expect(abs(numeric - analytic) <= 2e-3 + 0.03 * abs(numeric), "\(p.name)[\(flat)]: \(analytic) vs \(numeric)")
                checked += 1
            }
        }
        #expect(checked >= 20)
    }

    @Test("The linear map's tape gradients agree with central finite differences")
    func linearGradientCheck() throws {
        let model = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 1), seed: 5)
        #expect(model.hidden == nil && model.parameters.count == 2)
        var g = SeededGenerator(seed: 6)
        let rows = 5, w = model.configuration.inputWidth
        let x = try Tensor(shape: [rows, w], scalars: (0..<(rows * w)).map { _ in Float.random(in: -1...1, using: &g) })
        let y = try Tensor(shape: [rows, 4], scalars: (0..<(rows * 4)).map { _ in Float.random(in: -1...1, using: &g) })
        let tape = Tape()
        tape.backward(try model.loss(inputs: x, targets: y, tape: tape))
        let h: Float = 1e-2
        for p in model.parameters {
            for flat in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 10)) {
                let original = p.value[flat: flat]
                var v = p.value.scalars
                v[flat] = original + h
                p.value = try Tensor(shape: p.value.shape, scalars: v)
                let plus = Double(try model.loss(inputs: x, targets: y, tape: Tape()).value.scalar)
                v[flat] = original - h
                p.value = try Tensor(shape: p.value.shape, scalars: v)
                let minus = Double(try model.loss(inputs: x, targets: y, tape: Tape()).value.scalar)
                v[flat] = original
                p.value = try Tensor(shape: p.value.shape, scalars: v)
                let numeric = (plus - minus) / Double(2 * h)
                #expect(abs(numeric - Double(p.grad[flat: flat])) <= 1e-3 + 0.02 * abs(numeric), "\(p.name)[\(flat)]")
            }
        }
    }

    @Test("Ridge regression with a tiny λ recovers a noise-free linear map; a large λ shrinks the weights")
    func ridgeRecoversLinearMap() throws {
        let model = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 1), seed: 1)
        let w = model.configuration.inputWidth, rows = 200
        var g = SeededGenerator(seed: 9)
        let trueW = (0..<(4 * w)).map { _ in Float.random(in: -1...1, using: &g) }
        let trueB: [Float] = [0.5, -0.25, 0, 1]
        let x = (0..<(rows * w)).map { _ in Float.random(in: -1...1, using: &g) }
        var y = [Float](repeating: 0, count: rows * 4)
        for r in 0..<rows { for c in 0..<4 {
            var s = trueB[c]
            for k in 0..<w { s += trueW[c * w + k] * x[r * w + k] }
            y[r * 4 + c] = s
        } }
        try model.fitRidge(inputs: x, targets: y, lambda: 1e-6)
        let fitted = model.output.weight.value.scalars
        #expect(zip(fitted, trueW).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(zip(model.output.bias?.value.scalars ?? [], trueB).allSatisfy { abs($0 - $1) < 1e-3 })
        let small = fitted.map { $0 * $0 }.reduce(0, +)
        try model.fitRidge(inputs: x, targets: y, lambda: 1e4)
        let shrunk = model.output.weight.value.scalars.map { $0 * $0 }.reduce(0, +)
        #expect(shrunk < 0.5 * small)
        #expect(throws: PhoneticsError.self) { try model.fitRidge(inputs: Array(x.dropLast()), targets: y, lambda: 1) }
        let perceptron = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 1, hidden: 4))
        #expect(throws: PhoneticsError.self) { try perceptron.fitRidge(inputs: x, targets: y, lambda: 1) }
    }

    @Test("The ridge fit's whitening T decorrelates its residuals: T·C·Tᵀ = I for their covariance C, T lower triangular")
    func whiteningDecorrelatesResiduals() throws {
        let model = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 1), seed: 1)
        let w = model.configuration.inputWidth, rows = 400, g = 4
        var gen = SeededGenerator(seed: 21)
        let x = (0..<(rows * w)).map { _ in Float.random(in: -1...1, using: &gen) }
        // Targets: a linear map plus noise whose components share one source (correlations like the apertures').
        var y = [Float](repeating: 0, count: rows * g)
        for r in 0..<rows {
            let shared = Float.random(in: -1...1, using: &gen)
            for c in 0..<g {
                y[r * g + c] = x[r * w + c % w] - 0.5 * x[r * w + (c + 3) % w] + (c < 3 ? 0.8 : 0.1) * shared
                    + 0.3 * Float.random(in: -1...1, using: &gen)
            }
        }
        try model.fitRidge(inputs: x, targets: y, lambda: 1e-3)
        let t = try #require(model.whitening)
        #expect(t.count == g * g)
        for a in 0..<g { for b in (a + 1)..<g { #expect(t[a * g + b] == 0) } }
        // The residuals' covariance, computed here from the fitted model's predictions.
        let predicted = try model.forward(try Tensor(shape: [rows, w], scalars: x)).scalars
        let residual = zip(y, predicted).map { Double($0 - $1) }
        var mean = [Double](repeating: 0, count: g), cov = [Double](repeating: 0, count: g * g)
        for r in 0..<rows { for a in 0..<g { mean[a] += residual[r * g + a] / Double(rows) } }
        for r in 0..<rows { for a in 0..<g { for b in 0..<g {
            cov[a * g + b] += (residual[r * g + a] - mean[a]) * (residual[r * g + b] - mean[b]) / Double(rows)
        } } }
        #expect(cov[0 * g + 1] / (cov[0] * cov[g + 1]).squareRoot() > 0.5, "the test's noise is meant to be correlated")
        for a in 0..<g { for b in 0..<g {
            var s = 0.0
            for i in 0..<g { for j in 0..<g { s += Double(t[a * g + i]) * cov[i * g + j] * Double(t[b * g + j]) } }
            #expect(abs(s - (a == b ? 1 : 0)) < 1e-3, "(T·C·Tᵀ)[\(a), \(b)] = \(s)")
        } }
    }

    @Test("Energy layout: per context slot its visemes then its energy (MFCC c0 averaged over the slot's frames)")
    func energyInputLayout() throws {
        let n = 3, v = Viseme.allCases.count, s = SlotAudioCues.spectralWidth, d = AudioFeatureSettings.mfcc.dimension
        var visemes = [Float](repeating: 0, count: n * v)
        for j in 0..<n { visemes[j * v + Viseme.spread.rawValue] = 1 }
        var spectral = [Float](repeating: 9, count: n * s)
        for j in 0..<n { for f in 0..<5 { spectral[j * s + f * d] = Float(j) + Float(f) * 0.1 } }
        let cues = try SlotAudioCues(slotCount: n, visemes: visemes, spectral: spectral, phones: [])
        #expect(cues.energy.enumerated().allSatisfy { abs($1 - (Float($0) + 0.2)) < 1e-5 })
        let model = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 1))
        let w = model.configuration.inputWidth
        #expect(w == 3 * (v + 1))
        let x = model.inputs(cues)
        // Slot 0: the left context is past the start (silence, energy 0), then slot 0, then slot 1.
        #expect(x[Viseme.silence.rawValue] == 1 && x[v] == 0)
        #expect(x[(v + 1) + Viseme.spread.rawValue] == 1 && abs(x[(v + 1) + v] - 0.2) < 1e-5)
        #expect(abs(x[2 * (v + 1) + v] - 1.2) < 1e-5)
        // Slot 2's right context is past the end.
        #expect(x[2 * w + 2 * (v + 1) + Viseme.silence.rawValue] == 1)
        #expect(try model.predict(cues).count == n * 4)
    }

    @Test("MFCC layout: the energy layout's context slots, then the slot-averaged MFCC of five slots (0 past the ends)")
    func mfccInputLayout() throws {
        let n = 4, v = Viseme.allCases.count, s = SlotAudioCues.spectralWidth, d = AudioFeatureSettings.mfcc.dimension
        let visemes = (0..<n).flatMap { _ in [Float](repeating: 1 / Float(v), count: v) }
        // Coefficient c of frame f of slot j is 100·j + c + f (so its average over the five frames is 100·j + c + 2).
        var spectral = [Float](repeating: 0, count: n * s)
        for j in 0..<n { for f in 0..<5 { for c in 0..<d { spectral[j * s + f * d + c] = Float(100 * j + c + f) } } }
        let cues = try SlotAudioCues(slotCount: n, visemes: visemes, spectral: spectral, phones: [])
        #expect(cues.slotMFCC.count == n * d)
        #expect(cues.slotMFCC[1 * d + 3] == 105)
        #expect(cues.energy == (0..<n).map { Float(100 * $0 + 2) })
        let config = LipGeometryConfiguration(visemeContext: 1, inputs: .visemesEnergyAndMFCC)
        let model = LipGeometryModel(configuration: config)
        let w = config.inputWidth, head = 3 * (v + 1)
        #expect(w == head + 5 * d)
        let x = model.inputs(cues)
        #expect(x.count == n * w)
        // Slot 1: its MFCC block holds slots −1 (past the start: 0), 0, 1, 2, 3.
        let row = 1 * w + head
        #expect(x[row..<(row + d)].allSatisfy { $0 == 0 })
        for (o, slot) in [(1, 0), (2, 1), (3, 2), (4, 3)] {
            #expect(x[row + o * d + 7] == Float(100 * slot + 7 + 2))
        }
        // The energy layout's part is the same as the energy layout's own row.
        let energy = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 1)).inputs(cues)
        #expect(Array(x[(1 * w)..<(1 * w + head)]) == Array(energy[(1 * head)..<(2 * head)]))
        // The layout survives a file's configuration.
        let json = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(LipGeometryConfiguration.self, from: json) == config)
        #expect(try model.predict(cues).count == n * 4)
    }

    @Test("A configuration stored before input layouts existed reads as the first model's layout")
    func firstModelConfigurationDecodes() throws {
        let old = #"{"hidden":32,"outputs":4,"visemeContext":2}"#
        let config = try JSONDecoder().decode(LipGeometryConfiguration.self, from: Data(old.utf8))
        #expect(config == LipGeometryConfiguration.perceptronV1)
        #expect(config.inputWidth == 5 * Viseme.allCases.count + SlotAudioCues.spectralWidth)
        #expect(throws: PhoneticsError.self) { try LipGeometryConfiguration(visemeContext: -1).validate() }
    }

    @Test("Inputs: viseme rows of the context slots (silence past the ends), then the spectral features")
    func inputLayout() throws {
        let n = 3, v = Viseme.allCases.count, s = SlotAudioCues.spectralWidth
        var visemes = [Float](repeating: 0, count: n * v)
        for j in 0..<n { visemes[j * v + Viseme.open.rawValue + j] = 1 }
        let spectral = (0..<(n * s)).map { Float($0) }
        let cues = try SlotAudioCues(slotCount: n, visemes: visemes, spectral: spectral, phones: [])
        let model = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 1, hidden: 32, outputs: 4,
                                                                              inputs: .visemesAndSpectral))
        let x = model.inputs(cues)
        let w = model.configuration.inputWidth
        #expect(x.count == n * w)
        #expect(x[Viseme.silence.rawValue] == 1)
        #expect(x[v + Viseme.open.rawValue] == 1)
        #expect(x[2 * v + Viseme.open.rawValue + 1] == 1)
        #expect(x[3 * v] == 0 && x[3 * v + s - 1] == Float(s - 1))
        let out = try model.predict(cues)
        #expect(out.count == n * 4 && out.allSatisfy(\.isFinite))
    }

    @Test("Save and load give the same predictions; another file is refused")
    func roundTrip() throws {
        let (model, x, _) = try Self.tiny()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lips-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        model.metadata["lips.note"] = "test"
        try model.save(to: path)
        let loaded = try LipGeometryModel.load(path: path)
        #expect(loaded.configuration == model.configuration)
        #expect(loaded.metadata["lips.note"] == "test")
        let a = try model.forward(x).scalars
        let b = try loaded.forward(x).scalars
        #expect(a == b)
        try SafeTensors.write(tensors: ["x": Tensor(zeros: [1])], to: path)
        #expect(throws: PhoneticsError.self) { _ = try LipGeometryModel.load(path: path) }
    }

    @Test("A few steps of training lower the loss of a tiny learnable map")
    func trainingLowersLoss() throws {
        let model = LipGeometryModel(configuration: LipGeometryConfiguration(visemeContext: 0, hidden: 8, outputs: 4), seed: 1)
        let w = model.configuration.inputWidth, rows = 64
        var g = SeededGenerator(seed: 2)
        let x = (0..<(rows * w)).map { _ in Float.random(in: -1...1, using: &g) }
        let y = (0..<rows).flatMap { r in (0..<4).map { c in 0.5 * x[r * w + c] } }
        let losses = try model.train(inputs: x, targets: y, steps: 60, batch: 32, learningRate: 1e-2)
        #expect(losses.count == 60)
        let first = losses.prefix(5).reduce(0, +), last = losses.suffix(5).reduce(0, +)
        #expect(last < first)
    }
}
