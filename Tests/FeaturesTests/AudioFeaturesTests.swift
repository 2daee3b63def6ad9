import Testing
@testable import Features

/// MFCC and log-mel agree with python_speech_features and librosa on a real recording (GRID bbaf2n, 1 s).
@Suite struct AudioFeaturesTests {
    @Test func mfccMatchesPythonSpeechFeatures() throws {
        let audio = try FixtureLoader.floats("excerpt")
        let reference = try FixtureLoader.floats("mfcc")
        let m = try AudioFeatures.compute(samples: audio, settings: .mfcc)
        #expect(m.rows == 99 && m.columns == 13)
        #expect(m.values.count == reference.count)
        // Relative to |reference| (floored at 1 so that coefficients near zero are compared absolutely).
        #expect(FixtureLoader.maxRelativeError(m.values, reference) < 1e-5)  // measured: 0 (bit-identical Float32)
        #expect(abs(m.firstCentre - 0.0125) < 1e-12 && abs(m.step - 0.01) < 1e-12)
    }

    @Test func logMelMatchesLibrosa() throws {
        let audio = try FixtureLoader.floats("excerpt")
        let reference = try FixtureLoader.floats("logmel")
        let m = try AudioFeatures.compute(samples: audio, settings: .logMel)
        #expect(m.rows == 101 && m.columns == 128)
        #expect(m.values.count == reference.count)
        #expect(FixtureLoader.maxRelativeError(m.values, reference) < 1e-5)  // measured: 0 (bit-identical Float32)
        #expect(m.firstCentre == 0)
    }

    @Test func bandCountIsASetting() throws {
        let audio = try FixtureLoader.floats("excerpt")
        var settings = AudioFeatureSettings.logMel
        settings.bands = 40
        let m = try AudioFeatures.compute(samples: audio, settings: settings)
        #expect(m.columns == 40)
        #expect(m.values.allSatisfy { $0.isFinite })
    }

    @Test func frameCountFollowsEachReferenceFraming() {
        #expect(AudioFeatures.frameCount(sampleCount: 400, settings: .mfcc) == 1)
        #expect(AudioFeatures.frameCount(sampleCount: 401, settings: .mfcc) == 2)
        #expect(AudioFeatures.frameCount(sampleCount: 16_000, settings: .mfcc) == 99)
        #expect(AudioFeatures.frameCount(sampleCount: 16_000, settings: .logMel) == 101)
        #expect(AudioFeatures.frameCount(sampleCount: 16_159, settings: .logMel) == 101)
    }

    @Test func silenceIsFiniteThanksToTheFloors() throws {
        let zeros = [Float](repeating: 0, count: 1_600)
        for settings in [AudioFeatureSettings.mfcc, .logMel] {
            let m = try AudioFeatures.compute(samples: zeros, settings: settings)
            #expect(m.values.allSatisfy { $0.isFinite })
        }
    }

    @Test func badInputThrowsTypedErrors() {
        #expect(throws: FeaturesError.audioTooShort(samples: 399, needed: 400)) {
            try AudioFeatures.compute(samples: [Float](repeating: 0, count: 399), settings: .mfcc)
        }
        var samples = [Float](repeating: 0, count: 800)
        samples[17] = .nan
        #expect(throws: FeaturesError.nonFiniteSample(index: 17)) {
            try AudioFeatures.compute(samples: samples, settings: .logMel)
        }
        var settings = AudioFeatureSettings.mfcc
        settings.nfft = 500
        #expect(throws: FeaturesError.self) { try AudioFeatures.compute(samples: [Float](repeating: 0, count: 800), settings: settings) }
        settings = .mfcc
        settings.coefficients = 30
        #expect(throws: FeaturesError.self) { try AudioFeatures.compute(samples: [Float](repeating: 0, count: 800), settings: settings) }
    }
}
