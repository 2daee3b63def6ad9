import ArgumentParser

extension Dropfill {
    /// Every subcommand, in the order `--help` lists them. Add one line per command file.
    static let allSubcommands: [any ParsableCommand.Type] = [
        ProbeCommand.self,
        DropCommand.self,
        EvaluateCommand.self,
        RestoreCommand.self,
        InspectCommand.self,
        AlignCommand.self,
        TrainAlignCommand.self,
        TrainRestoreCommand.self,
        DoctorCommand.self,
        BenchCommand.self,
        RateCommand.self,
        ReportCommand.self,
        PhonesCommand.self,
        TrainLipsCommand.self,
    ]
}
