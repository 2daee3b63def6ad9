import Foundation
import Tensor

/// Phone decoding of audio that arrives in chunks (`PhoneRecognizer`'s pieces, cut as it cuts a whole signal),
/// holding at most a batch of pieces of samples instead of the track.
///
/// A piece ends at `PhoneRecognizer.cut` once more than 1½ chunks are pending, exactly where `cutPoints` cuts the
/// whole signal (that rule reads only the samples up to the cut and whether 1½ chunks follow the piece's start), so
/// the phones equal those of the whole signal decoded at once. Pieces are decoded a batch at a time, one per core,
/// in parallel. Memory: about (cores + 1½) × `chunkSeconds` of 16-bit samples.
public struct PhoneDecodingStream {
    public let recognizer: PhoneRecognizer
    public let sampleRate: Int
    /// Samples per piece (`chunkSeconds`).
    let chunk: Int
    /// Pieces decoded together.
    let batchSize: Int
    private var pending: [Int16] = []
    /// Sample index of `pending[0]`.
    private var pendingStart = 0
    private var batch: [(pcm: [Int16], offset: Int)] = []
    private var phones: [PhoneSegment] = []
    /// Samples appended.
    public private(set) var sampleCount = 0

    /// A stream decoded by `recognizer`; throws for a rate other than 16 kHz, bad settings or a missing model.
    public init(recognizer: PhoneRecognizer, sampleRate: Int = 16_000) throws(PhoneticsError) {
        try recognizer.validate(sampleRate: sampleRate)
        self.recognizer = recognizer
        self.sampleRate = sampleRate
        chunk = Int(recognizer.chunkSeconds * Double(sampleRate))
        batchSize = max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Appends samples (mono, [−1, 1]); decodes the pieces they complete.
    public mutating func append(_ samples: UnsafeBufferPointer<Float>) throws(PhoneticsError) {
        guard samples.allSatisfy(\.isFinite) else { throw .invalidAudio("a sample is NaN or infinite") }
        pending.reserveCapacity(pending.count + samples.count)
        for x in samples { pending.append(Int16(max(-32767, min(32767, (x * 32767).rounded())))) }
        sampleCount += samples.count
        while pending.count > chunk + chunk / 2 {
            let end = PhoneRecognizer.cut(pending, from: 0, sampleRate: sampleRate, chunk: chunk)
            batch.append((Array(pending[0..<end]), pendingStart))
            pending.removeFirst(end)
            pendingStart += end
            if batch.count >= batchSize { try flush() }
        }
    }

    /// Appends `samples`.
    public mutating func append(_ samples: [Float]) throws(PhoneticsError) {
        try samples.withUnsafeBufferPointer { (buf) throws(PhoneticsError) in try append(buf) }
    }

    /// Decodes what is pending and returns every phone in time order (none for less than 0.1 s of audio).
    public mutating func finish() throws(PhoneticsError) -> [PhoneSegment] {
        guard sampleCount >= sampleRate / 10 else { return [] }
        if !pending.isEmpty {
            batch.append((pending, pendingStart))
            pendingStart += pending.count
            pending = []
        }
        try flush()
        return phones
    }

    /// Decodes the batch, one decoder per piece, in parallel.
    private mutating func flush() throws(PhoneticsError) {
        guard !batch.isEmpty else { return }
        let pieces = batch, recognizer = recognizer, rate = sampleRate
        batch = []
        let results = UnsafeResults<[PhoneSegment]>(count: pieces.count)
        Parallel.forEach(pieces.count, cost: 1 << 20) { range in
            for p in range {
                results.set(p, Result { try recognizer.decodePiece(pieces[p].pcm, offset: pieces[p].offset, sampleRate: rate) })
            }
        }
        do {
            phones += try results.values().flatMap { $0 }
        } catch let error as PhoneticsError {
            throw error
        } catch {
            throw .decoderFailed("\(error)")
        }
    }
}
