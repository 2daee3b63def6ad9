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
            Every clip of the training and validation sides of the person-disjoint split is decoded once (256² face crops): pocketsphinx phones of its audio, dlib landmarks and lip geometry on every frame (both cached in --cache). The model (a two-layer perceptron from five slots of viseme probabilities and the slot's clip-normalised MFCC context to the clip-standardised lip geometry) trains on every training frame with a face; the fused aligner's weights (Ali-Net distances, lip geometry, visual continuity) are then chosen on the validation persons (drop 0.87, --seeds patterns per clip) against Ali-Net's own best retrieval, and stored in the model file.

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

    @Option(help: "Training steps (Adam, minibatches of 256 frames).")
    var steps = 3000

    @Option(help: "Drop patterns per validation clip in the calibration.")
    var seeds = 3

    @Option(help: "Training seed.")
    var seed: UInt64 = 1

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
        let recognizer = PhoneRecognizer()
        try recognizer.checkModel()
        guard let aliNetPath = ModelLocator.forProcess(alignerModel: model).alignerModelPath() else {
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
        let lips = LipGeometryModel(seed: seed)
        let rows = LipsTraining.rows(trainData, model: lips)
        log("training on \(rows.count) frames with a face (\(lips.parameterCount) parameters)")
        let trainStart = Date()
        _ = try lips.train(inputs: rows.inputs, targets: rows.targets, steps: steps, seed: seed) { step, loss in
            if step % 500 == 0 || step == steps { log(String(format: "step %d/%d  loss %.4f", step, steps, loss)) }
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
        lips.metadata["lips.train_clips"] = trainData.map(\.name).joined(separator: ",")
        lips.metadata["lips.validation_clips"] = validationData.map(\.name).joined(separator: ",")
        lips.metadata["lips.train_frames"] = String(rows.count)
        lips.metadata["lips.mse"] = String(format: "train %.4f, validation %.4f", trainMSE, validationMSE)
        lips.metadata["lips.inputs"] = "viseme probabilities of 5 slots (pocketsphinx en-us allphone, CI phones), MFCC-13 × 5 frames standardised per clip"
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
