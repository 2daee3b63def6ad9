import Pipeline

/// What an `--aligner` name stands for, in the words outputs use: `aligner` is the Ali-Net retrieval the model
/// file records as best, so messages name that estimator instead of repeating "aligner".
enum AlignerNames {
    /// The estimator behind `aligner` (e.g. "posterior-visual" or "posterior-lips"), or its own name for every other aligner.
    static func estimator(of a: any ClipAligner) -> String { a.estimatorName }

    /// "posterior-visual (the model's best, --aligner aligner)" for `aligner`, else the name.
    static func label(of a: any ClipAligner) -> String {
        let e = estimator(of: a)
        return a.name == e ? e : "\(e) (the model's best, --aligner \(a.name))"
    }

    /// The estimator `name` resolves to with the shipped model (`visual` when the model is missing, as `restore`
    /// falls back), for choosing the inspector's opening aligner.
    static func resolve(_ name: String, locator: ModelLocator = .forProcess()) -> String {
        guard name == "aligner" else { return name }
        guard let a = try? AlignerCatalog.make(name, locator: locator) else { return "visual" }
        return estimator(of: a)
    }
}
