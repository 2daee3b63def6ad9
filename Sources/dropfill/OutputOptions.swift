import ArgumentParser
import SafeOutput

/// `-y` / `-n`: what a command that writes files does when an output exists (FFmpeg's flags), shared by every
/// writing command.
///
/// Without either flag an existing output file is refused with a one-line error. Whatever the flags, an existing
/// folder, an input of the command and another output of it are never overwritten.
struct OutputOptions: ParsableArguments {
    @Flag(name: .customShort("y"), help: "Overwrite output files that already exist.")
    var overwrite = false

    @Flag(name: .customShort("n"), help: "Never overwrite: stop if an output file already exists.")
    var keep = false

    func validate() throws {
        if overwrite && keep { throw ValidationError("-y (overwrite) and -n (never overwrite) exclude each other") }
    }

    /// The existing-file policy the flags ask for.
    var policy: ExistingFilePolicy { overwrite ? .overwrite : (keep ? .keep : .refuse) }

    /// Makes this command's output plan the process's: records `inputs`, then checks `outputs` (nil entries
    /// skipped) before any work, so a bad output path fails at once. Returns the plan.
    @discardableResult
    func adopt(inputs: [String?], outputs: [String?] = [], resuming: [String] = []) throws -> OutputPlan {
        let plan = OutputPlan(existing: policy, inputs: inputs.compactMap { $0 })
        for path in resuming { plan.adoptExisting(path) }
        OutputPlan.adoptForProcess(plan)
        try plan.preflight(outputs: outputs.filter { path in !resuming.contains { $0 == path } })
        for path in resuming { try plan.preflight(path, reclaimable: true) }
        return plan
    }
}
