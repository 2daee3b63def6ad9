import Alignment
import ArgumentParser
import Corpus
import Foundation
import Phonetics
import Pipeline
import Training
import Tensor

/// `dropfill train-lips`: trains the audio→lip-geometry model on the training persons and calibrates the fused
/// aligner on the validation persons.
struct TrainLipsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-lips",
        abstract: "Train the audio-to-lip-geometry model and calibrate the fused aligner (posterior-lips).",
        discussion: """
            Every clip of the training and validation sides of the person-disjoint split is decoded once (256² face crops): pocketsphinx phones of its audio, dlib landmarks and lip geometry on every frame (both cached in --cache). The model (by default a linear map from nine slots of viseme probabilities and clip-standardised log energy to the clip-standardised lip geometry, fitted in closed form by ridge regression; --architecture perceptron trains the first model, a two-layer perceptron on five slots of visemes and the slot's MFCC context, with Adam) trains on every training frame with a face; the fused aligner's weights (Ali-Net distances, lip geometry, visual continuity) are then chosen on the validation persons (drop 0.87, --seeds patterns per clip) against Ali-Net's own best retrieval, and stored in the model file.

            Example:
              dropfill train-lips ../shared/data --cache /tmp/lips --out lips.safetensors
            """
    )

    @Argument(help: "A corpus folder, or a manifest TSV (columns path, person).", completion: .file())
    var corpus: String

    @Option(help: "Manifest TSV giving person IDs (default: manifest.tsv in the corpus folder).", completion: .file())
    var manifest: String?

    @Option(help: "Seed of the person-disjoint split.")
    var splitSeed: UInt64 = 0

    @Option(help: "The Ali-Net model whose distances are fused (default: the shipped one).", completion: .file())
    var model: String?

    @Option(help: "Output model file.", completion: .file())
    var out = "lips.safetensors"

    @Option(help: "Keep the phones and landmarks of every clip in this folder and reuse them.", completion: .directory)
    var cache: String?

    @Option(help: "The map: linear (ridge regression on visemes and energy) or perceptron (the first model: visemes and MFCC, Adam).")
    var architecture: Architecture = .linear

    @Option(help: "Inputs of the linear map besides the context slots' visemes and energy: none (energy), or mfcc (the slot-averaged MFCC-13 of the slot and two neighbours on each side: the spectral envelope).")
    var inputs: Inputs = .energy

    @Option(help: "Slots of audio context on each side of a slot (default: 4 for linear, 2 for perceptron).")
    var context: Int?

    @Option(help: "Ridge penalty λ of the linear map.")
    var ridge = 100.0

    @Flag(inversion: .prefixedNo, help: "Whiten the lip cue by the linear map's residual covariance (its four components are correlated: without it their shared evidence counts several times).")
    var whiten = true

    @Option(help: "Training steps of the perceptron (Adam, minibatches of 256 frames).")
    var steps = 3000

    @Option(help: "Drop patterns per validation clip in the calibration.")
    var seeds = 3

    @Option(help: "Training seed.")
    var seed: UInt64 = 1

    enum Architecture: String, ExpressibleByArgument, CaseIterable {
        case linear, perceptron
    }

    enum Inputs: String, ExpressibleByArgument, CaseIterable {
        case energy, mfcc
    }

    func validate() throws {
        if let context, context < 0 || context > 15 { throw ValidationError("--context must be in 0…15, got \(context)") }
        guard ridge.isFinite, ridge > 0 else { throw ValidationError("--ridge must be positive, got \(ridge)") }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        if architecture == .perceptron, inputs != .energy { throw ValidationError("--inputs is an option of the linear map; the perceptron reads its own MFCC context") }
    }

    /// The model configuration the options ask for.
    var configuration: LipGeometryConfiguration {
        switch architecture {
        case .linear:
            LipGeometryConfiguration(visemeContext: context ?? 4, inputs: inputs == .mfcc ? .visemesEnergyAndMFCC : .visemesAndEnergy)
        case .perceptron:
            LipGeometryConfiguration(visemeContext: context ?? 2, hidden: 32, outputs: 4, inputs: .visemesAndSpectral)
        }
    }

    func run() throws {
        Parallel.configureDefaultThreads()
        let began = Date()
        let log: (String) -> Void = { Progress.log($0) }
        var (path, manifestPath) = (corpus, manifest)
        if corpus.hasSuffix(".tsv") {
            manifestPath = corpus
            path = URL(fileURLWithPath: corpus).deletingLastPathComponent().path
        }
        guard let geometry = LipGeometrySource.dlib() else {
            throw ValidationError("dlib's shape predictor is not installed (scripts/setup.sh installs libdlib-data)")
        }
        let locator = ModelLocator.forProcess(alignerModel: model)
        let recognizer = locator.phoneRecognizer()
        try recognizer.checkModel()
        guard let aliNetPath = locator.alignerModelPath() else {
            throw ValidationError("no Ali-Net model (give one with --model)")
        }
        let aliNet = try AliNetModel.load(path: aliNetPath)
        let train = try CorpusSelection.selectForProcess(path: path, manifest: manifestPath, split: "train", seed: splitSeed).clips
        let validation = try CorpusSelection.selectForProcess(path: path, manifest: manifestPath, split: "validation", seed: splitSeed).clips
        log("lips: \(train.count) training clips, \(validation.count) validation clips")
        let preparation = ClipPreparation(crop: .face, size: 256)
        let trainData = try LipsTraining.prepare(train, preparation: preparation, aliNet: aliNet.configuration, geometry: geometry,
                                                 recognizer: recognizer, cache: cache, progress: log)
        let validationData = try LipsTraining.prepare(validation, preparation: preparation, aliNet: aliNet.configuration,
                                                      geometry: geometry, recognizer: recognizer, cache: cache, progress: log)
        let config = configuration
        let lips = LipGeometryModel(configuration: config, seed: seed)
        let rows = LipsTraining.rows(trainData, model: lips)
        log("training on \(rows.count) frames with a face (\(lips.parameterCount) parameters, \(architecture.rawValue))")
        let trainStart = Date()
        if config.isLinear {
            try lips.fitRidge(inputs: rows.inputs, targets: rows.targets, lambda: ridge)
            if !whiten { lips.whitening = nil }
        } else {
            _ = try lips.train(inputs: rows.inputs, targets: rows.targets, steps: steps, seed: seed) { step, loss in
                if step % 500 == 0 || step == steps { log(String(format: "step %d/%d  loss %.4f", step, steps, loss)) }
            }
        }
        let trainSeconds = Date().timeIntervalSince(trainStart)
        let trainMSE = try LipsTraining.meanSquaredError(lips, trainData)
        let validationMSE = try LipsTraining.meanSquaredError(lips, validationData)
        log(String(format: "mean squared error (standardised geometry; 1 = the clip mean): train %.4f, validation %.4f",
                   trainMSE, validationMSE))
        let calibration = try LipsTraining.calibrate(lips: lips, aliNet: aliNet, data: validationData, rate: 0.87, seeds: seeds,
                                                     progress: log)
        try calibration.store(in: lips)
        lips.metadata["lips.command"] = CommandLine.arguments.joined(separator: " ")
        lips.metadata["lips.phones"] = "pocketsphinx en-us allphone, \(recognizer.settingsTag)"
        lips.metadata["lips.train_clips"] = trainData.map(\.name).joined(separator: ",")
        lips.metadata["lips.validation_clips"] = validationData.map(\.name).joined(separator: ",")
        lips.metadata["lips.train_frames"] = String(rows.count)
        lips.metadata["lips.mse"] = String(format: "train %.4f, validation %.4f", trainMSE, validationMSE)
        let slots = 2 * config.visemeContext + 1
        switch config.inputs {
        case .visemesAndEnergy:
            lips.metadata["lips.inputs"] = "viseme probabilities (pocketsphinx en-us allphone, CI phones) and clip-standardised log energy (MFCC c0) of \(slots) slots"
        case .visemesEnergyAndMFCC:
            lips.metadata["lips.inputs"] = "viseme probabilities (pocketsphinx en-us allphone, CI phones) and clip-standardised log energy (MFCC c0) of \(slots) slots, slot-averaged clip-standardised MFCC-13 of \(2 * LipGeometryConfiguration.mfccContext + 1) slots"
        case .visemesAndSpectral:
            lips.metadata["lips.inputs"] = "viseme probabilities of \(slots) slots (pocketsphinx en-us allphone, CI phones), MFCC-13 × 5 frames standardised per clip"
        }
        lips.metadata["lips.fit"] = config.isLinear ? "ridge regression, λ \(ridge)" : "Adam, \(steps) steps, seed \(seed)"
        lips.metadata["lips.targets"] = "dlib 68-point lip geometry (inner/outer aperture, mouth width, jaw opening in eye distances), standardised per clip"
        lips.metadata["lips.alinet"] = aliNetPath
        lips.metadata["lips.seconds"] = String(format: "training %.1f s, total %.1f s", trainSeconds, Date().timeIntervalSince(began))
        lips.metadata["dropfill.version"] = DropfillVersion.string
        lips.metadata["lips.trained_at"] = ISO8601DateFormatter().string(from: Date())
        try lips.save(to: out)
        print("wrote \(out): \(rows.count) training frames, validation MSE \(String(format: "%.4f", validationMSE)), "
              + "aligner default: \(calibration.isDefault ? "posterior-lips" : "Ali-Net's best")")
    }
}
