import Foundation

/// A boosted cascade of Haar-like features in OpenCV's "new" XML format (`opencv-cascade-classifier`), as Debian's
/// `opencv-data` ships them (e.g. `haarcascade_frontalface_default.xml`), parsed and evaluated by our own code.
///
/// Evaluation follows OpenCV's `HaarEvaluator` (cascadedetect.cpp): the window's pixel sums come from an integral
/// image; each feature is Σ weight·(rect sum) divided by the window's normaliser nf = √(A·Σx² − (Σx)²) over the window
/// shrunk by one pixel on every side (A its area); windows with nf ≤ 10·A (standard deviation ≤ 10 grey levels) are
/// rejected; each weak classifier is a tree (usually a stump) whose nodes go left when value < threshold; a stage
/// passes when the sum of its leaves reaches its threshold. Tilted (45°) features are not supported.
public struct HaarCascade: Sendable {
    /// One rectangle of a feature, in window coordinates.
    struct Rect: Sendable {
        var x, y, width, height: Int
        var weight: Float
    }

    /// Window size the cascade was trained on (24×24 for the frontal-face cascades).
    public let windowWidth: Int
    public let windowHeight: Int
    /// Stage thresholds and the range of weak classifiers in each stage.
    let stages: [(threshold: Float, first: Int, count: Int)]
    /// Per weak classifier: index of its first node and first leaf.
    let weakFirstNode: [Int32]
    let weakFirstLeaf: [Int32]
    /// Nodes of all trees: left/right child (≤ 0 means leaf −value), feature index, threshold.
    let nodeLeft: [Int32]
    let nodeRight: [Int32]
    let nodeFeature: [Int32]
    let nodeThreshold: [Float]
    let leaves: [Float]
    /// Features: up to three rectangles each.
    let features: [[Rect]]

    /// Number of stages.
    public var stageCount: Int { stages.count }
    /// Number of features.
    public var featureCount: Int { features.count }

    /// The frontal-face cascade of Debian's `opencv-data`.
    public static let frontalFacePath = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"

    /// Reads a cascade file.
    public init(contentsOf path: String) throws(MediaError) {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "cannot read the file") }
        try self.init(xml: data, source: path)
    }

    /// Parses a cascade from its XML bytes; `source` names it in errors.
    public init(xml data: Data, source: String = "cascade") throws(MediaError) {
        var parser = CascadeXMLReader(source: source)
        try parser.read(data)
        guard parser.width > 0, parser.height > 0 else { throw .unreadable(path: source, reason: "no window size") }
        guard !parser.stages.isEmpty, !parser.features.isEmpty else { throw .unreadable(path: source, reason: "no stages or features") }
        let maxFeature = parser.nodeFeature.max() ?? 0
        guard Int(maxFeature) < parser.features.count else {
            throw .unreadable(path: source, reason: "a classifier uses feature \(maxFeature) of \(parser.features.count)")
        }
        for f in parser.features {
            for r in f where r.x < 0 || r.y < 0 || r.x + r.width > parser.width || r.y + r.height > parser.height {
                throw .unreadable(path: source, reason: "feature rectangle \(r.x),\(r.y) \(r.width)×\(r.height) leaves the window")
            }
        }
        windowWidth = parser.width
        windowHeight = parser.height
        stages = parser.stages
        weakFirstNode = parser.weakFirstNode
        weakFirstLeaf = parser.weakFirstLeaf
        nodeLeft = parser.nodeLeft
        nodeRight = parser.nodeRight
        nodeFeature = parser.nodeFeature
        nodeThreshold = parser.nodeThreshold
        leaves = parser.leaves
        features = parser.features
    }
}

// MARK: - XML reading

/// A small reader for the subset of XML that OpenCV's cascade files use (elements, text, comments, a declaration).
///
/// It tracks the element path and collects: `cascade/width|height|featureType|stageType`, each `stages/_` with its
/// `stageThreshold`, each `weakClassifiers/_` with `internalNodes` (4 numbers per node) and `leafValues`, and each
/// `features/_` with its `rects/_` ("x y w h weight") and `tilted`.
struct CascadeXMLReader {
    let source: String
    var width = 0, height = 0
    var stages: [(threshold: Float, first: Int, count: Int)] = []
    var weakFirstNode: [Int32] = [], weakFirstLeaf: [Int32] = []
    var nodeLeft: [Int32] = [], nodeRight: [Int32] = [], nodeFeature: [Int32] = []
    var nodeThreshold: [Float] = []
    var leaves: [Float] = []
    var features: [[HaarCascade.Rect]] = []
    private var path: [String] = []
    private var text = ""

    init(source: String) { self.source = source }

    private func fail(_ why: String) -> MediaError { .unreadable(path: source, reason: "not an OpenCV cascade: \(why)") }

    mutating func read(_ data: Data) throws(MediaError) {
        let bytes = [UInt8](data)
        var i = 0
        let n = bytes.count
        var textStart = 0
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            text = String(decoding: bytes[textStart..<i], as: UTF8.self)
            if i + 3 < n, bytes[i + 1] == UInt8(ascii: "!"), bytes[i + 2] == UInt8(ascii: "-"), bytes[i + 3] == UInt8(ascii: "-") {
                // Comment: skip to "-->".
                var j = i + 4
                while j + 2 < n, !(bytes[j] == UInt8(ascii: "-") && bytes[j + 1] == UInt8(ascii: "-") && bytes[j + 2] == UInt8(ascii: ">")) { j += 1 }
                i = j + 3
                textStart = i
                continue
            }
            var j = i + 1
            while j < n, bytes[j] != UInt8(ascii: ">") { j += 1 }
            guard j < n else { throw fail("unterminated tag") }
            let inner = bytes[(i + 1)..<j]
            i = j + 1
            textStart = i
            guard let first = inner.first else { throw fail("empty tag") }
            if first == UInt8(ascii: "?") || first == UInt8(ascii: "!") { continue }
            let selfClosing = inner.last == UInt8(ascii: "/")
            if first == UInt8(ascii: "/") {
                let name = String(decoding: inner.dropFirst().prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                guard path.last == name else { throw fail("</\(name)> closes <\(path.last ?? "nothing")>") }
                try close(name)
                path.removeLast()
            } else {
                let name = String(decoding: inner.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
                open(name)
                path.append(name)
                if selfClosing { text = ""; try close(name); path.removeLast() }
            }
        }
        guard path.isEmpty else { throw fail("unclosed <\(path.last ?? "")>") }
        if let last = stages.last, last.first + last.count != weakFirstNode.count { throw fail("stage bookkeeping") }
    }

    private func parent(_ k: Int = 1) -> String? { path.count > k ? path[path.count - 1 - k] : nil }

    private mutating func open(_ name: String) {
        guard name == "_" else { return }
        switch path.last {
        case "stages": stages.append((threshold: 0, first: weakFirstNode.count, count: 0))
        case "features": features.append([])
        default: break
        }
    }

    private func numbers(_ what: String) throws(MediaError) -> [Double] {
        var out: [Double] = []
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
            guard let v = Double(token) else { throw fail("\(what) holds '\(token)'") }
            out.append(v)
        }
        return out
    }

    private mutating func close(_ name: String) throws(MediaError) {
        let inCascade = parent() == "cascade"
        switch name {
        case "width" where inCascade: width = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        case "height" where inCascade: height = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        case "featureType" where inCascade:
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard t == "HAAR" else { throw fail("feature type \(t) (only HAAR is supported)") }
        case "stageType" where inCascade:
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard t == "BOOST" else { throw fail("stage type \(t)") }
        case "stageThreshold":
            guard !stages.isEmpty, let v = try numbers("stageThreshold").first else { throw fail("stageThreshold outside a stage") }
            stages[stages.count - 1].threshold = Float(v)
        case "internalNodes":
            let v = try numbers("internalNodes")
            guard !v.isEmpty, v.count % 4 == 0, !stages.isEmpty else { throw fail("internalNodes needs 4 numbers per node") }
            weakFirstNode.append(Int32(nodeLeft.count))
            weakFirstLeaf.append(Int32(leaves.count))
            stages[stages.count - 1].count += 1
            for k in stride(from: 0, to: v.count, by: 4) {
                nodeLeft.append(Int32(v[k]))
                nodeRight.append(Int32(v[k + 1]))
                nodeFeature.append(Int32(v[k + 2]))
                nodeThreshold.append(Float(v[k + 3]))
            }
        case "leafValues":
            leaves.append(contentsOf: try numbers("leafValues").map(Float.init))
        case "_" where parent() == "rects":
            let v = try numbers("rect")
            guard v.count == 5, !features.isEmpty else { throw fail("a rect needs x y width height weight") }
            guard features[features.count - 1].count < 3 else { throw fail("more than three rects in a feature") }
            features[features.count - 1].append(HaarCascade.Rect(x: Int(v[0]), y: Int(v[1]), width: Int(v[2]), height: Int(v[3]), weight: Float(v[4])))
        case "tilted":
            if text.trimmingCharacters(in: .whitespacesAndNewlines) != "0" { throw fail("tilted features are not supported") }
        default: break
        }
        text = ""
    }
}
