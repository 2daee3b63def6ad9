import Foundation

/// A training checkpoint: the model's parameters, Adam's moments and step, and metadata, in one safetensors file.
///
/// Parameter tensors keep their own names (so a checkpoint is also a loadable model file); the optimizer state is
/// stored as "adam.m.<name>" / "adam.v.<name>", the counters in `__metadata__` ("checkpoint.step", "adam.step").
public enum Checkpoint {
    /// Writes the checkpoint atomically.
    public static func save(to path: String, model: any Module, optimizer: Adam?, step: Int,
                            metadata: [String: String] = [:]) throws {
        var tensors = model.stateDict
        var meta = metadata
        meta["checkpoint.step"] = String(step)
        if let optimizer {
            tensors.merge(optimizer.stateTensors) { a, _ in a }
            meta["adam.step"] = String(optimizer.step)
            meta["adam.learning_rate"] = String(optimizer.learningRate)
        }
        try SafeTensors.write(tensors: tensors, metadata: meta, to: path, reclaimable: true)
    }

    /// Restores the model (and optimizer, when given) and returns the step to resume from and the metadata.
    public static func load(from path: String, model: any Module, optimizer: Adam?) throws -> (step: Int, metadata: [String: String]) {
        let file = try SafeTensors.read(path: path)
        guard let step = file.metadata["checkpoint.step"].flatMap(Int.init) else {
            throw TensorError.invalidModelFile("\(path) is not a checkpoint (no checkpoint.step in __metadata__)")
        }
        try model.load(stateDict: file.tensors)
        if let optimizer {
            try optimizer.restore(state: file.tensors, step: file.metadata["adam.step"].flatMap(Int.init) ?? step)
        }
        return (step, file.metadata)
    }
}

/// A training loop: runs steps, reports progress on stderr, checkpoints periodically and resumes from the last checkpoint.
public struct TrainingLoop {
    /// Total number of steps (a resumed run continues to this count).
    public var steps: Int
    /// Where checkpoints go (nil: none). If the file exists when `run` starts, training resumes from it.
    public var checkpointPath: String?
    /// Checkpoint interval in steps (the final step is always checkpointed).
    public var checkpointEvery: Int
    /// Progress line interval in steps (0: silent).
    public var logEvery: Int
    /// Clip the joint gradient norm to this value before each update (nil: no clipping).
    public var clipNorm: Float?
    /// Extra metadata stored in every checkpoint (architecture, settings).
    public var metadata: [String: String]

    public init(steps: Int, checkpointPath: String? = nil, checkpointEvery: Int = 500, logEvery: Int = 10,
                clipNorm: Float? = nil, metadata: [String: String] = [:]) {
        self.steps = steps
        self.checkpointPath = checkpointPath
        self.checkpointEvery = checkpointEvery
        self.logEvery = logEvery
        self.clipNorm = clipNorm
        self.metadata = metadata
    }

    /// Runs from step 0, or from the checkpoint if one exists. `step(i, tape)` builds the loss on the tape for step i;
    /// the loop back-propagates, clips, updates and zeroes the gradients. Returns the losses of the steps it ran.
    @discardableResult
    public func run(model: any Module, optimizer: Adam, step: (Int, Tape) throws -> Variable) throws -> [Float] {
        var start = 0
        if let path = checkpointPath, FileManager.default.fileExists(atPath: path) {
            start = try Checkpoint.load(from: path, model: model, optimizer: optimizer).step
            Progress.log("resuming from \(path) at step \(start)")
        }
        var losses: [Float] = []
        let began = Date()
        var recent: [Float] = []
        for i in start..<steps {
            let tape = Tape()
            let loss = try step(i, tape)
            guard loss.value.scalar.isFinite else {
                throw TensorError.nonFinite("the loss at step \(i + 1) is \(loss.value.scalar); training stopped (the last checkpoint is kept)")
            }
            tape.backward(loss)
            if let clipNorm { GradientClipping.clipNorm(optimizer.parameters, maxNorm: clipNorm) }
            optimizer.update()
            optimizer.zeroGrad()
            if let bad = model.firstNonFiniteParameter {
                throw TensorError.nonFinite("weight \(bad) turned non-finite at step \(i + 1); training stopped (the last checkpoint is kept)")
            }
            let value = loss.value.scalar
            losses.append(value)
            recent.append(value)
            let done = i + 1
            if logEvery > 0, done % logEvery == 0 || done == steps {
                let elapsed = Date().timeIntervalSince(began)
                let rate = Double(done - start) / max(elapsed, 1e-9)
                let eta = Double(steps - done) / max(rate, 1e-9)
                let avg = recent.reduce(0, +) / Float(recent.count)
                recent.removeAll()
                Progress.log(String(format: "step %d/%d  loss %.5g  (mean of last %d: %.5g)  %.2f steps/s  eta %.0fs",
                                    done, steps, value, logEvery, avg, rate, eta))
            }
            if let path = checkpointPath, done % max(checkpointEvery, 1) == 0 || done == steps {
                try Checkpoint.save(to: path, model: model, optimizer: optimizer, step: done, metadata: metadata)
            }
        }
        return losses
    }
}

/// Progress lines on stderr (stdout stays clean for reports).
public enum Progress {
    public static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
