/// A row-major Float matrix of feature frames (rows) by feature values (columns), with its time axis.
///
/// Row `f` is centred at time `firstCentre + f·step` seconds of the audio it came from.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of frames.
    public let rows: Int
    /// Values per frame.
    public let columns: Int
    /// `rows × columns` values, row-major.
    public var values: [Float]
    /// Seconds between consecutive rows.
    public let step: Double
    /// Centre time (s) of row 0.
    public let firstCentre: Double
    /// Duration (s) of the audio the rows describe.
    public let duration: Double

    /// Wraps `values` (count must be `rows × columns`).
    public init(rows: Int, columns: Int, values: [Float], step: Double, firstCentre: Double,
                duration: Double) throws(FeaturesError) {
        guard rows >= 0, columns >= 0, values.count == rows * columns else {
            throw .invalidSetting("matrix \(rows)×\(columns) with \(values.count) values")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
        self.step = step
        self.firstCentre = firstCentre
        self.duration = duration
    }

    /// The value at `row`, `column` (both must be in range).
    public subscript(row: Int, column: Int) -> Float { values[row * columns + column] }

    /// The values of one row.
    public func row(_ index: Int) -> ArraySlice<Float> { values[(index * columns)..<((index + 1) * columns)] }

    /// Centre time (s) of row `index`.
    public func centre(ofRow index: Int) -> Double { firstCentre + Double(index) * step }
}
