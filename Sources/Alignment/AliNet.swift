import Foundation
import Tensor

// MARK: - Configuration

/// The shape of an Ali-Net (Sec. IV-B, Figs. 5–6): what its encoders see and how wide they are.
///
/// Stored as JSON in a model file's `__metadata__` ("alinet.config"), so a file always rebuilds the network it
/// was trained as; a file of another `architecture` or with mismatched tensors is `AlignmentError.incompatibleModel`.
public struct AliNetConfiguration: Codable, Sendable, Equatable {
    /// Architecture tag; bumped whenever the layer layout changes.
    public var architecture: String
    /// Mouth crop height and width (grey pixels) fed to Video-Ali.
    public var mouthHeight: Int
    public var mouthWidth: Int
    /// The mouth region inside the square face crop, as fractions of its side: x0, y0, x1, y1.
    public var mouthRegion: [Double]
    /// Audio context: neighbouring 10 ms feature frames on each side of a slot's anchor (2 = the paper's five
    /// segments).
    public var audioContext: Int
    /// MFCC coefficients per feature frame.
    public var audioCoefficients: Int
    /// Output channels of Video-Ali's 3×3 conv blocks (each followed by batch norm, ReLU and 2×2 max pooling).
    public var videoChannels: [Int]
    /// Output channels of Audio-Ali's 3×3 conv blocks (batch norm and ReLU; 2×2 max pooling after the last).
    public var audioChannels: [Int]
    /// Width of the hidden fully connected layer of both encoders.
    public var hidden: Int
    /// Dimension of the common embedding space.
    public var embedding: Int

    public static let currentArchitecture = "alinet-v2"

    public init(mouthHeight: Int = 32, mouthWidth: Int = 48, mouthRegion: [Double] = [0.2, 0.52, 0.8, 0.92],
                audioContext: Int = 2, audioCoefficients: Int = 13, videoChannels: [Int] = [32, 64, 96],
                audioChannels: [Int] = [32, 64], hidden: Int = 256, embedding: Int = 64) {
        architecture = Self.currentArchitecture
        self.mouthHeight = mouthHeight
        self.mouthWidth = mouthWidth
        self.mouthRegion = mouthRegion
        self.audioContext = audioContext
        self.audioCoefficients = audioCoefficients
        self.videoChannels = videoChannels
        self.audioChannels = audioChannels
        self.hidden = hidden
        self.embedding = embedding
    }

    /// A tiny network for tests.
    public static let tiny = AliNetConfiguration(mouthHeight: 16, mouthWidth: 24, videoChannels: [8, 16],
                                                 audioChannels: [8, 16], hidden: 32, embedding: 16)

    /// Audio segments per slot (2·context + 1).
    public var audioWidth: Int { 2 * audioContext + 1 }
    /// Values per slot segment (audioWidth × coefficients).
    public var segmentSize: Int { audioWidth * audioCoefficients }
    /// Pixels per mouth crop.
    public var mouthSize: Int { mouthHeight * mouthWidth }

    /// Throws `invalidSetting` when the shapes cannot be built.
    public func validate() throws(AlignmentError) {
        guard architecture == Self.currentArchitecture else {
            throw .incompatibleModel("architecture '\(architecture)', this build reads '\(Self.currentArchitecture)'")
        }
        guard !videoChannels.isEmpty, !audioChannels.isEmpty, (videoChannels + audioChannels).allSatisfy({ $0 > 0 && $0 <= 1024 }) else {
            throw .invalidSetting("Ali-Net channel widths \(videoChannels) / \(audioChannels)")
        }
        guard mouthHeight >> videoChannels.count >= 1, mouthWidth >> videoChannels.count >= 1, mouthHeight <= 512, mouthWidth <= 512 else {
            throw .invalidSetting("mouth crop \(mouthHeight)×\(mouthWidth) too small for \(videoChannels.count) poolings")
        }
        guard audioContext >= 1, audioContext <= 50, audioCoefficients >= 2, audioCoefficients <= 128 else {
            throw .invalidSetting("audio context \(audioContext) / coefficients \(audioCoefficients)")
        }
        guard hidden > 0, hidden <= 4096, embedding > 0, embedding <= 1024 else {
            throw .invalidSetting("hidden \(hidden) / embedding \(embedding)")
        }
        guard mouthRegion.count == 4, mouthRegion[0] >= 0, mouthRegion[1] >= 0, mouthRegion[2] <= 1, mouthRegion[3] <= 1,
              mouthRegion[0] < mouthRegion[2], mouthRegion[1] < mouthRegion[3] else {
            throw .invalidSetting("mouth region \(mouthRegion)")
        }
        // Each width is bounded, their products are not: a model file's metadata must not make us allocate 1 TiB.
        guard let n = parameterBound, n <= Self.maxParameters else {
            throw .invalidSetting("Ali-Net configuration needs more than \(Self.maxParameters) parameters (\(Self.maxParameters * 4 / 1_000_000) MB of weights): \(videoChannels) / \(audioChannels), hidden \(hidden), mouth \(mouthHeight)×\(mouthWidth)")
        }
    }

    /// The most parameters a configuration may ask for: 16 M (64 MB of Float32 weights; the shipped model has
    /// under 2 M).
    public static let maxParameters = 16_000_000

    /// An upper bound of the parameter count (weights, biases, batch-norm scales), computed with overflow-checked
    /// arithmetic before anything is allocated; nil when it overflows `Int`.
    public var parameterBound: Int? {
        func product(_ xs: Int...) -> Int? {
            var p = 1
            for x in xs {
                let (r, o) = p.multipliedReportingOverflow(by: x)
                if o { return nil }
                p = r
            }
            return p
        }
        func sum(_ xs: Int?...) -> Int? {
            var s = 0
            for case let x? in xs {
                let (r, o) = s.addingReportingOverflow(x)
                if o { return nil }
                s = r
            }
            return xs.contains { $0 == nil } ? nil : s
        }
        func trunk(_ channels: [Int], flat: Int?) -> Int? {
            var total: Int? = 0, c = 1
            for co in channels {
                total = sum(total, product(co, c, 9), product(4, co))
                c = co
            }
            return sum(total, flat.flatMap { product($0, hidden) }, hidden, product(hidden, embedding), embedding, 4 * embedding)
        }
        let videoFlat = product(videoChannels.last ?? 1, mouthHeight >> videoChannels.count, mouthWidth >> videoChannels.count)
        let audioFlat = product(audioChannels.last ?? 1, audioWidth / 2, audioCoefficients / 2)
        return sum(trunk(videoChannels, flat: videoFlat), trunk(audioChannels, flat: audioFlat))
    }

    /// Flattened size after Video-Ali's conv trunk.
    var videoFlat: Int {
        (videoChannels.last ?? 1) * (mouthHeight >> videoChannels.count) * (mouthWidth >> videoChannels.count)
    }

    /// Flattened size after Audio-Ali's conv trunk (one 2×2 pooling).
    var audioFlat: Int { (audioChannels.last ?? 1) * (audioWidth / 2) * (audioCoefficients / 2) }

    /// Multiply-adds ×2 of one Video-Ali and one Audio-Ali forward pass (GFLOP), for reports.
    public var gflopPerEmbedding: (video: Double, audio: Double) {
        var flops = 0.0, h = mouthHeight, w = mouthWidth, c = 1
        for co in videoChannels {
            flops += 2 * Double(h * w * co * c * 9)
            h /= 2; w /= 2; c = co
        }
        flops += 2 * Double(videoFlat * hidden + hidden * embedding)
        var audio = 0.0
        c = 1
        for co in audioChannels {
            audio += 2 * Double(audioWidth * audioCoefficients * co * c * 9)
            c = co
        }
        audio += 2 * Double(audioFlat * hidden + hidden * embedding)
        return (flops / 1e9, audio / 1e9)
    }
}

// MARK: - Network

/// One encoder: 3×3 conv blocks (conv, batch norm, ReLU, optional 2×2 max pooling), then FC–ReLU–FC–BN into the
/// embedding space (a small VGG-M-like trunk, Fig. 6).
public final class AliEncoder: Module {
    let convs: [Conv2d]
    let norms: [BatchNorm2d]
    let pools: [Bool]
    let fc1: Linear
    let fc2: Linear
    /// Batch norm over the embedding's dimensions: keeps both modalities at one scale (no collapse towards the
    /// margin, fewer "hub" embeddings close to everything).
    let outNorm: BatchNorm2d

    public var parameters: [Parameter] {
        zip(convs, norms).flatMap { $0.parameters + $1.parameters } + fc1.parameters + fc2.parameters + outNorm.parameters
    }

    init(name: String, channels: [Int], pools: [Bool], flat: Int, hidden: Int, embedding: Int,
         generator: inout SeededGenerator) {
        var convs: [Conv2d] = [], norms: [BatchNorm2d] = []
        var c = 1
        for (i, co) in channels.enumerated() {
            convs.append(Conv2d(name: "\(name).conv\(i + 1)", inChannels: c, outChannels: co, kernelSize: 3, padding: 1,
                                bias: false, generator: &generator))
            norms.append(BatchNorm2d(name: "\(name).bn\(i + 1)", channels: co))
            c = co
        }
        self.convs = convs
        self.norms = norms
        self.pools = pools
        fc1 = Linear(name: "\(name).fc1", inFeatures: flat, outFeatures: hidden, generator: &generator)
        fc2 = Linear(name: "\(name).fc2", inFeatures: hidden, outFeatures: embedding, generator: &generator)
        outNorm = BatchNorm2d(name: "\(name).bn_out", channels: embedding)
    }

    /// Training forward pass on a tape ([N, 1, H, W] → [N, embedding]); batch norm uses batch statistics.
    public func callAsFunction(_ x: Variable) throws -> Variable {
        var h = x
        for i in convs.indices {
            h = norms[i](try convs[i](h)).relu()
            if pools[i] { h = h.maxPool2d(kernel: 2) }
        }
        let e = try fc2(try fc1(h.flattened()).relu())
        let n = e.shape[0], d = e.shape[1]
        return try outNorm(try e.reshaped([n, d, 1, 1])).reshaped([n, d])
    }

    /// Inference ([N, 1, H, W] → [N, embedding]); batch norm uses running statistics.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = x
        for i in convs.indices {
            h = norms[i](try convs[i](h)).relu()
            if pools[i] { h = h.maxPool2d(kernel: 2) }
        }
        let e = try fc2(try fc1(h).relu())
        let n = e.shape[0], d = e.shape[1]
        return try outNorm(try e.reshaped([n, d, 1, 1])).reshaped([n, d])
    }
}

/// Ali-Net's cross-modal feature extraction (Sec. IV-B): Video-Ali maps a mouth crop and Audio-Ali a slot's
/// audio segment into one embedding space where matching pairs are close (Eq. 6–7).
///
/// Video-Ali sees one grey mouth crop (`mouthHeight × mouthWidth`, from `AliNetInputs.mouth`); Audio-Ali sees
/// the slot's MFCC context as a one-channel `audioWidth × audioCoefficients` image (time × coefficient). The
/// embeddings are not L2-normalised (as in the paper and SyncNet): the triplet margin r = 1 sets their scale.
public final class AliNet: Module {
    public let configuration: AliNetConfiguration
    public let video: AliEncoder
    public let audio: AliEncoder

    public var parameters: [Parameter] { video.parameters + audio.parameters }

    /// A freshly initialised network (N(0, 0.02) weights, the paper's initialisation).
    public init(configuration: AliNetConfiguration, seed: UInt64 = 0) throws(AlignmentError) {
        try configuration.validate()
        self.configuration = configuration
        var generator = SeededGenerator(seed: seed)
        video = AliEncoder(name: "video", channels: configuration.videoChannels,
                           pools: configuration.videoChannels.map { _ in true }, flat: configuration.videoFlat,
                           hidden: configuration.hidden, embedding: configuration.embedding, generator: &generator)
        audio = AliEncoder(name: "audio", channels: configuration.audioChannels,
                           pools: configuration.audioChannels.indices.map { $0 == configuration.audioChannels.count - 1 },
                           flat: configuration.audioFlat, hidden: configuration.hidden,
                           embedding: configuration.embedding, generator: &generator)
    }

    // MARK: Inference

    /// Video-Ali embeddings of `count` mouth crops (row-major, `mouthSize` values each) → `count × embedding`;
    /// `subtracting` (one crop's worth of values, e.g. `AliNetInputs.meanCrop`), when given, is subtracted from
    /// every crop batch by batch, without a second copy of the crops.
    public func embedMouths(_ mouths: [Float], count: Int, subtracting mean: [Float]? = nil, batch: Int = 128) throws -> [Float] {
        try embed(mouths, count: count, shape: [configuration.mouthHeight, configuration.mouthWidth], encoder: video, batch: batch,
                  subtracting: mean)
    }

    /// Audio-Ali embeddings of `count` slot segments (`segmentSize` values each) → `count × embedding`.
    public func embedSegments(_ segments: [Float], count: Int, batch: Int = 512) throws -> [Float] {
        try embed(segments, count: count, shape: [configuration.audioWidth, configuration.audioCoefficients],
                  encoder: audio, batch: batch)
    }

    private func embed(_ values: [Float], count: Int, shape: [Int], encoder: AliEncoder, batch: Int,
                       subtracting mean: [Float]? = nil) throws -> [Float] {
        let size = shape[0] * shape[1]
        guard values.count == count * size else {
            throw AlignmentError.shapeMismatch("\(values.count) values for \(count) inputs of \(shape[0])×\(shape[1])")
        }
        if let mean, mean.count != size { throw AlignmentError.shapeMismatch("a mean of \(mean.count) values for inputs of \(size)") }
        var out: [Float] = []
        out.reserveCapacity(count * configuration.embedding)
        var start = 0
        while start < count {
            let end = min(count, start + batch)
            var slice = Array(values[(start * size)..<(end * size)])
            if let mean {
                for t in slice.indices { slice[t] -= mean[t % size] }
            }
            let x = try Tensor(shape: [end - start, 1, shape[0], shape[1]], scalars: slice)
            out += try encoder(x).scalars
            start = end
        }
        return out
    }
}
