/// Mouth-shape classes of phones (visemes): what a viewer sees of a phone on the lips.
///
/// The grouping follows the usual visual-phonetics classes (Fisher 1968; the MPEG-4 viseme table): lips closed for
/// bilabials, lower lip to upper teeth for labiodentals, the tongue between the teeth for dentals, protruded lips for
/// postalveolars, the remaining tongue consonants with a mid aperture, and vowels by aperture and rounding.
public enum Viseme: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Silence and non-speech fillers (+NSN+, +SPN+ …): mouth at rest.
    case silence
    /// P, B, M: lips closed.
    case bilabial
    /// F, V: lower lip against the upper teeth.
    case labiodental
    /// TH, DH: tongue between the teeth, lips slightly open.
    case dental
    /// SH, ZH, CH, JH: lips protruded, teeth close.
    case postalveolar
    /// T, D, N, L, S, Z, K, G, NG, HH, Y: tongue consonants, mid aperture, lips neutral.
    case tongue
    /// AA, AE, AH, AO, AW, AY: jaw open.
    case open
    /// IY, IH, EH, EY: lips spread, aperture small to mid.
    case spread
    /// UW, UH, OW, OY, ER, W, R: lips rounded and protruded.
    case rounded

    /// The class of a CMU phone (pocketsphinx's en-us set); unknown labels and fillers count as silence.
    public init(phone: String) {
        switch phone.uppercased() {
        case "P", "B", "M": self = .bilabial
        case "F", "V": self = .labiodental
        case "TH", "DH": self = .dental
        case "SH", "ZH", "CH", "JH": self = .postalveolar
        case "T", "D", "N", "L", "S", "Z", "K", "G", "NG", "HH", "Y": self = .tongue
        case "AA", "AE", "AH", "AO", "AW", "AY": self = .open
        case "IY", "IH", "EH", "EY": self = .spread
        case "UW", "UH", "OW", "OY", "ER", "W", "R": self = .rounded
        default: self = .silence
        }
    }

    public var description: String {
        switch self {
        case .silence: "silence"
        case .bilabial: "bilabial"
        case .labiodental: "labiodental"
        case .dental: "dental"
        case .postalveolar: "postalveolar"
        case .tongue: "tongue"
        case .open: "open"
        case .spread: "spread"
        case .rounded: "rounded"
        }
    }
}

// MARK: - Per-slot classes

extension Viseme {
    /// Per-slot viseme probabilities: row j (slot j, displayed during [j/fps, (j+1)/fps)) holds the share of the
    /// slot's time each class was being spoken, `slotCount × Viseme.allCases.count` values, each row summing to 1.
    /// Time no phone covers counts as silence.
    public static func slotProbabilities(_ phones: [PhoneSegment], fps: Double,
                                         slotCount n: Int) throws(PhoneticsError) -> [Float] {
        guard fps.isFinite, fps > 0 else { throw .invalidSetting("frame rate \(fps)") }
        guard n >= 0 else { throw .invalidSetting("slot count \(n)") }
        let v = allCases.count
        var out = [Float](repeating: 0, count: n * v)
        var covered = [Double](repeating: 0, count: n)
        let slot = 1 / fps
        for p in phones where p.end > p.start {
            let first = max(0, Int((p.start * fps).rounded(.down)))
            let last = min(n - 1, Int((p.end * fps).rounded(.up)))
            guard first <= last else { continue }
            let c = p.viseme.rawValue
            for j in first...last {
                let overlap = min(p.end, Double(j + 1) * slot) - max(p.start, Double(j) * slot)
                guard overlap > 0 else { continue }
                out[j * v + c] += Float(overlap * fps)
                covered[j] += overlap * fps
            }
        }
        for j in 0..<n {
            if covered[j] < 1 { out[j * v + Viseme.silence.rawValue] += Float(1 - covered[j]) }
            var s: Float = 0
            for c in 0..<v { s += out[j * v + c] }
            if s > 0 { for c in 0..<v { out[j * v + c] /= s } }
        }
        return out
    }
}
