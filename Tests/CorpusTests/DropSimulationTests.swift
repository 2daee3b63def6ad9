import Testing
import Tensor
@testable import Corpus

/// The drop models hit their rate, keep the ends, are reproducible from the seed and reject bad settings.
@Suite struct DropSimulationTests {
    @Test(arguments: [DropModel.bernoulli, .burst, .every], [0.5, 0.75, 0.87])
    func realisedRateIsNearTheTarget(model: DropModel, rate: Double) throws {
        let mask = try DropSimulation.keepMask(frameCount: 10_000, settings: DropSettings(model: model, rate: rate, seed: 7))
        #expect(abs(DropSimulation.realisedRate(mask) - rate) <= 0.02)
    }

    @Test(arguments: DropModel.allCases)
    func firstAndLastFramesSurvive(model: DropModel) throws {
        for seed: UInt64 in 0..<20 {
            let mask = try DropSimulation.keepMask(frameCount: 37, settings: DropSettings(model: model, rate: 0.9, seed: seed))
            #expect(mask.first == true && mask.last == true)
        }
    }

    @Test func burstHasLongerLossRunsThanBernoulli() throws {
        let b = try DropSimulation.keepMask(frameCount: 10_000, settings: DropSettings(model: .bernoulli, rate: 0.5, seed: 3))
        let g = try DropSimulation.keepMask(frameCount: 10_000, settings: DropSettings(model: .burst, rate: 0.5, seed: 3, burstLength: 6))
        #expect(DropSimulation.meanLossRun(g) > 1.5 * DropSimulation.meanLossRun(b))
        // Bursts last about L frames on average.
        #expect(abs(DropSimulation.meanLossRun(g) - 6) < 0.6)
    }

    @Test func sameSeedSameMaskOtherSeedOtherMask() throws {
        let s = DropSettings(model: .bernoulli, rate: 0.6, seed: 11)
        let a = try DropSimulation.keepMask(frameCount: 500, settings: s)
        let b = try DropSimulation.keepMask(frameCount: 500, settings: s)
        var t = s
        t.seed = 12
        let c = try DropSimulation.keepMask(frameCount: 500, settings: t)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func everyKeepsOneInK() throws {
        let mask = try DropSimulation.keepMask(frameCount: 20, settings: DropSettings(model: .every, rate: 0.75))
        #expect(DropSimulation.survivingPositions(mask) == [0, 4, 8, 12, 16, 19])
    }

    @Test(arguments: [0.0, 1.0, -0.1, 1.5, Double.nan])
    func rateOutsideTheOpenIntervalIsAnError(rate: Double) {
        #expect(throws: CorpusError.self) {
            _ = try DropSimulation.keepMask(frameCount: 100, settings: DropSettings(rate: rate))
        }
    }

    @Test(arguments: [0, 1, 2])
    func fewerThanThreeFramesIsAnError(n: Int) {
        #expect(throws: CorpusError.self) {
            _ = try DropSimulation.keepMask(frameCount: n, settings: DropSettings(rate: 0.5))
        }
    }

    @Test func burstTooShortForTheRateIsAnError() {
        // At R = 0.87 kept runs would need to be shorter than a frame with L = 2.
        #expect(throws: CorpusError.self) {
            _ = try DropSimulation.keepMask(frameCount: 100, settings: DropSettings(model: .burst, rate: 0.87, burstLength: 2))
        }
    }

    @Test func generatorIsReproducibleAndUniform() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        var sum = 0.0
        for _ in 0..<10_000 {
            let x = a.nextUnit()
            let y = b.nextUnit()
            #expect(x == y)
            #expect(x >= 0 && x < 1)
            sum += x
        }
        #expect(abs(sum / 10_000 - 0.5) < 0.02)
    }
}

/// Many clips under one seed (`evaluate`): each clip's name is mixed into the seed.
@Suite struct PerClipDropTests {
    @Test func clipsOfEqualLengthGetTheirOwnPatternsReproducibly() throws {
        let settings = DropSettings(rate: 0.87, seed: 3)
        let a = try DropSimulation.keepMask(frameCount: 120, settings: settings.forClip("talking/a.mp4"))
        let b = try DropSimulation.keepMask(frameCount: 120, settings: settings.forClip("talking/b.mp4"))
        #expect(a != b)
        #expect(a == (try DropSimulation.keepMask(frameCount: 120, settings: settings.forClip("talking/a.mp4"))))
        #expect(settings.forClip("talking/a.mp4").rate == settings.rate)
        #expect(settings.forClip("x").seed != DropSettings(rate: 0.87, seed: 4).forClip("x").seed)
    }
}
