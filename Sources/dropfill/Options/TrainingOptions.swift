import ArgumentParser

/// What a training command trains: the defaults and wording `TrainingOptions` takes on in that command.
protocol TrainingRole {
    /// Epochs when `--epochs` is not given, and what an epoch is.
    static var epochs: Int { get }
    static var epochsHelp: String { get }
    /// The model file written when `--out` is not given.
    static var out: String { get }
    /// The seed when `--seed` is not given.
    static var seed: UInt64 { get }
    /// Where `--resume` reads the checkpoint from, in words.
    static var checkpoint: String { get }
}

/// The options `train-align` and `train-restore` share: epochs, learning rate, output, resume and seed.
struct TrainingOptions<Role: TrainingRole>: ParsableArguments {
    @Option(help: ArgumentHelp(Role.epochsHelp))
    var epochs: Int = Role.epochs

    @Option(help: "Adam learning rate.")
    var learningRate: Float = 5e-4

    @Option(help: "Where the trained model goes.", completion: .file())
    var out: String = Role.out

    @Flag(help: ArgumentHelp("Continue from the checkpoint (\(Role.checkpoint))."))
    var resume = false

    @Option(help: "Seed of the initialisation and the sampling.")
    var seed: UInt64 = Role.seed

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive") }
    }
}
