/// A rating scale: the range of scores and how its points are labelled.
public enum RatingScale: String, Codable, Sendable, CaseIterable {
    /// 1 (worst) to 10 (best): the paper's user study (Section VI-F, Table V).
    case oneToTen = "1-10"
    /// ITU-T P.910 absolute category rating: 1 Bad, 2 Poor, 3 Fair, 4 Good, 5 Excellent.
    case acr5 = "acr5"
    /// 0 (worst) to 10 (best), the 11-point scale of P.910.
    case zeroToTen = "0-10"

    public var minimum: Int {
        switch self {
        case .oneToTen, .acr5: 1
        case .zeroToTen: 0
        }
    }

    public var maximum: Int {
        switch self {
        case .oneToTen, .zeroToTen: 10
        case .acr5: 5
        }
    }

    /// Every valid score, lowest first.
    public var values: ClosedRange<Int> { minimum...maximum }

    /// Word label of a score, where the scale has one.
    public func label(_ value: Int) -> String? {
        switch self {
        case .acr5: ["Bad", "Poor", "Fair", "Good", "Excellent"][safe: value - 1]
        case .oneToTen, .zeroToTen:
            value == minimum ? "worst" : value == maximum ? "best" : nil
        }
    }

    /// The scale's name as the rater and the report see it.
    public var title: String {
        switch self {
        case .acr5: "ACR, 5 categories (ITU-T P.910)"
        case .oneToTen: "1–10 (the paper's study)"
        case .zeroToTen: "0–10, 11 points (ITU-T P.910)"
        }
    }

    /// Every point with its label where it has one, best first as P.910 prints its scales: "5 Excellent · 4 Good ·
    /// 3 Fair · 2 Poor · 1 Bad", "10 best · 9 · … · 1 worst".
    public var legend: String {
        values.reversed().map { v in label(v).map { "\(v) \($0)" } ?? "\(v)" }.joined(separator: " · ")
    }

    /// The value where the arrow keys start on an unscored attribute (the middle of the scale).
    public var middle: Int { (minimum + maximum + 1) / 2 }

    /// Parses the study file's spelling ("1-10", "acr5", "acr", "5", "0-10", "11").
    public init?(spelling: String) {
        switch spelling.lowercased().replacingOccurrences(of: " ", with: "") {
        case "1-10", "1..10", "10", "paper": self = .oneToTen
        case "acr5", "acr", "5", "1-5": self = .acr5
        case "0-10", "0..10", "11": self = .zeroToTen
        default: return nil
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
