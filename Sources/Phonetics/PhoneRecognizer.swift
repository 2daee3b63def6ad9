import CPocketSphinx
import Foundation
import Tensor

/// Phone decoding with timings: pocketsphinx's allphone search (a phone loop weighted by a phonetic language model:
/// Debian's en-us trigram `en-us-phone.lm.bin`, or the bigram made from it that the engine ships,
/// `SampleData/models/en-us-phone-bigram.arpa`) with Debian's en-us acoustic model, on 16 kHz mono audio.
///
/// The model was trained on hundreds of hours of English speech by many speakers, so the phones it reports do
/// not depend on who speaks — the speaker-independent audio cue the lip-geometry model maps to mouth shapes. Long
/// audio is cut at its quietest 10 ms near every `chunkSeconds` and the pieces are decoded on all cores, one
/// decoder each (a decoder is not thread-safe); `PhoneDecodingStream` does the same on audio that arrives in
/// chunks, holding a few pieces, not the track.
public struct PhoneRecognizer: Sendable {
    /// Debian's `pocketsphinx-en-us` folder.
    public static let debianModelDirectory = "/usr/share/pocketsphinx/model/en-us"
    /// What installs the model.
    public static let setupStep = "run scripts/setup.sh, which installs Debian's pocketsphinx-en-us"

    /// The folder holding the acoustic model `en-us/` and the phonetic language model `en-us-phone.lm.bin`.
    public var modelDirectory: String
    /// Another phonetic language model (an ARPA or pocketsphinx binary file) instead of the folder's trigram; nil: the
    /// trigram.
    ///
    /// The engine passes the shipped bigram (`ModelLocator.phoneRecognizer()`): the allphone search scores every
    /// successor of every phone that exits within `phoneBeam`, and with the trigram those look-ups were about half of
    /// the decoding time. The bigram is the trigram's own unigrams and bigrams (scripts/make-phone-bigram.py) and
    /// decodes 60 s of speech in about 0.78× the time, the same mouth-shape class on 91% of the 10 ms frames
    /// (DECISIONS.md, "A phonetic bigram").
    public var languageModel: String?
    /// Context-independent phones: about 100× faster than triphones here and as good for mouth-shape classes.
    public var contextIndependent: Bool
    /// Search beam (pocketsphinx's `-beam`): HMM states scoring below `beam` × the frame's best are pruned.
    public var beam: Double
    /// Phone-exit beam (`-pbeam`): phones ending below `phoneBeam` × the frame's best exit do not start successors.
    ///
    /// Each exit scores every successor phone under the phonetic trigram model, and those look-ups were half of the
    /// decoding time; 1e-10 (with `beam` 1e-16) decodes in two thirds of the time of 1e-20 for both and gave the same
    /// phone on 99.2% of the 10 ms frames of 60 s of LibriVox speech (DECISIONS.md, "Phone beams").
    public var phoneBeam: Double
    /// Language weight of the phonetic language model.
    public var languageWeight: Double
    /// Audio is decoded in pieces of about this many seconds, in parallel.
    public var chunkSeconds: Double
    /// pocketsphinx's `-ds`: the acoustic (GMM) scores are computed on every `downsampling`-th frame and reused in
    /// between; the search and the phone times keep the 10 ms frame.
    ///
    /// The defaults (ds 2, top-N 2, 10 s pieces) decoded 60 s of speech in about two thirds of the time of
    /// pocketsphinx's own (ds 1, top-N 4) with 12 s pieces, before the beams were narrowed, and aligned the validation
    /// persons as well (DECISIONS.md, "Phone decoding at two thirds of the cost"); the shipped lip model was trained on
    /// phones decoded with every default here.
    public var downsampling: Int
    /// pocketsphinx's `-topn`: Gaussians scored per codebook of the en-us PTM model (the model's own default is 4).
    public var topN: Int

    public init(modelDirectory: String = debianModelDirectory, languageModel: String? = nil, contextIndependent: Bool = true,
                beam: Double = 1e-16, phoneBeam: Double = 1e-10, languageWeight: Double = 2, chunkSeconds: Double = 10,
                downsampling: Int = 2, topN: Int = 2) {
        self.modelDirectory = modelDirectory
        self.languageModel = languageModel
        self.contextIndependent = contextIndependent
        self.beam = beam
        self.phoneBeam = phoneBeam
        self.languageWeight = languageWeight
        self.chunkSeconds = chunkSeconds
        self.downsampling = downsampling
        self.topN = topN
    }

    /// The decoding settings in one word (what phones cached on disk were decoded with), e.g.
    /// "ci-beam1e-16-pbeam1e-10-lw2-chunk10-ds2-top2", with "-lm" and the language model's file name (without its
    /// extension) at the end when it is not the trigram: "…-top2-lmen-us-phone-bigram".
    public var settingsTag: String {
        let g = Self.decimal
        let lm = languageModel.map { "-lm" + ((($0 as NSString).lastPathComponent as NSString).deletingPathExtension) } ?? ""
        return "\(contextIndependent ? "ci" : "cd")-beam\(g(beam))-pbeam\(g(phoneBeam))-lw\(g(languageWeight))-chunk\(g(chunkSeconds))-ds\(downsampling)-top\(topN)" + lm
    }

    /// A setting as pocketsphinx reads it and as the settings tag spells it ("1e-16", "2").
    private static func decimal(_ x: Double) -> String { String(format: "%g", x) }

    /// The acoustic model folder.
    public var acousticModel: String { (modelDirectory as NSString).appendingPathComponent("en-us") }
    /// The phonetic language model: `languageModel`, else the folder's trigram.
    public var phoneLanguageModel: String {
        languageModel ?? (modelDirectory as NSString).appendingPathComponent(Self.trigramName)
    }

    /// The file name of Debian's phonetic trigram.
    public static let trigramName = "en-us-phone.lm.bin"

    /// Throws `modelMissing` (naming the set-up step) when a model file is not installed.
    public func checkModel() throws(PhoneticsError) {
        let fm = FileManager.default
        for path in [(acousticModel as NSString).appendingPathComponent("mdef"), phoneLanguageModel]
        where !fm.fileExists(atPath: path) {
            throw .modelMissing(path: path, setup: path == languageModel ? "a language model given by its path" : Self.setupStep)
        }
    }

    /// Whether the model is installed.
    public var isAvailable: Bool { (try? checkModel()) != nil }

    // MARK: - Decoding

    /// The phones of `samples` (16 kHz mono, [−1, 1]) in time order, consecutive and non-overlapping (one
    /// `PhoneDecodingStream` fed the whole signal at once).
    public func decode(samples: [Float], sampleRate: Int = 16_000) throws(PhoneticsError) -> [PhoneSegment] {
        var stream = try PhoneDecodingStream(recognizer: self, sampleRate: sampleRate)
        try samples.withUnsafeBufferPointer { (buf) throws(PhoneticsError) in try stream.append(buf) }
        return try stream.finish()
    }

    /// Checks the settings and the model before anything is decoded.
    func validate(sampleRate: Int) throws(PhoneticsError) {
        guard sampleRate == 16_000 else { throw .invalidAudio("\(sampleRate) Hz; the en-us model wants 16000 Hz") }
        guard beam.isFinite, beam > 0, beam < 1, phoneBeam.isFinite, phoneBeam > 0, phoneBeam < 1,
              languageWeight.isFinite, languageWeight > 0,
              chunkSeconds.isFinite, chunkSeconds >= 1, (1...4).contains(downsampling), (1...16).contains(topN) else {
            throw .invalidSetting("beam \(beam), phone beam \(phoneBeam), language weight \(languageWeight), chunk \(chunkSeconds) s, "
                                  + "GMM downsampling \(downsampling) (1–4), top-N \(topN) (1–16)")
        }
        try checkModel()
        try checkLanguageModelReads()
    }

    /// Language models already read once by this process (`checkLanguageModelReads`).
    nonisolated(unsafe) private static var readableLanguageModels: Set<String> = []

    /// Throws `decoderFailed` when sphinxbase cannot read `phoneLanguageModel` as an n-gram model (checked once per
    /// file and process, under `setUpLock`): pocketsphinx's allphone search would decode such a file as a plain phone
    /// loop, without a word, and the phones would not be the ones the lip model was trained on.
    func checkLanguageModelReads() throws(PhoneticsError) {
        let path = phoneLanguageModel
        Self.setUpLock.lock()
        defer { Self.setUpLock.unlock() }
        if Self.readableLanguageModels.contains(path) { return }
        dropfill_ps_quiet()
        guard dropfill_ps_lm_loads(path) != 0 else {
            throw .decoderFailed("\(path) is not a phonetic language model pocketsphinx can read (an ARPA or binary n-gram file"
                                 + (path == languageModel ? "; SampleData/models/README-phones.md says how the shipped one is made)" : ")"))
        }
        Self.readableLanguageModels.insert(path)
    }

    /// Serialises pocketsphinx's set-up and tear-down (`setUpLock`).
    private static let setUpLock = NSLock()

    /// Decodes `pcm` with a decoder of its own; times are offset by `offset` samples.
    ///
    /// Decoders run in parallel, but creating and freeing one is **not** thread-safe in pocketsphinx 0.8: `ps_init`
    /// re-points and closes the library's global log stream (`ps_reinit` → `fclose`) and opens the model files
    /// through stdio, so two threads in it at once closed one `FILE` twice — glibc aborted ("munmap_chunk(): invalid
    /// pointer") or the two deadlocked on stdio's list lock (seen in a 10-minute `restore`: 50 pieces, one thread in
    /// `fclose`, the other in `fopen` of the model's mdef). Set-up and tear-down hold one process-wide lock; the
    /// decoding itself (`ps_process_raw`) runs unlocked.
    func decodePiece(_ pcm: [Int16], offset start: Int, sampleRate: Int) throws(PhoneticsError) -> [PhoneSegment] {
        let format = Self.decimal
        Self.setUpLock.lock()
        dropfill_ps_quiet()
        let madeConfig = dropfill_ps_allphone_config(acousticModel, phoneLanguageModel, contextIndependent ? 1 : 0,
                                                     format(beam), format(phoneBeam), format(languageWeight),
                                                     "\(downsampling)", "\(topN)")
        let madeDecoder = madeConfig.flatMap { ps_init($0) }
        Self.setUpLock.unlock()
        defer {
            Self.setUpLock.lock()
            if let madeDecoder { ps_free(madeDecoder) }
            if let madeConfig { cmd_ln_free_r(madeConfig) }
            Self.setUpLock.unlock()
        }
        guard let config = madeConfig else { throw .decoderFailed("pocketsphinx rejected the allphone configuration") }
        guard let ps = madeDecoder else {
            throw .decoderFailed("ps_init failed for \(acousticModel) with \(phoneLanguageModel)")
        }
        guard ps_start_utt(ps) >= 0 else { throw .decoderFailed("ps_start_utt") }
        let processed = pcm.withUnsafeBufferPointer { buf in
            ps_process_raw(ps, buf.baseAddress, buf.count, 0, 1)
        }
        guard processed >= 0 else { throw .decoderFailed("ps_process_raw") }
        guard ps_end_utt(ps) >= 0 else { throw .decoderFailed("ps_end_utt") }
        // Frame times: pocketsphinx's default frame rate is 100 frames per second (`-frate`).
        let frameRate = Double(cmd_ln_int_r(config, "-frate"))
        guard frameRate > 0 else { throw .decoderFailed("frame rate \(frameRate)") }
        let offset = Double(start) / Double(sampleRate)
        let length = Double(pcm.count) / Double(sampleRate)
        var out: [PhoneSegment] = []
        var seg = ps_seg_iter(ps)
        while let s = seg {
            var sf: Int32 = 0, ef: Int32 = 0
            ps_seg_frames(s, &sf, &ef)
            if let word = ps_seg_word(s) {
                let start = Double(sf) / frameRate, end = min(length, Double(ef + 1) / frameRate)
                if end > start { out.append(PhoneSegment(phone: String(cString: word), start: offset + start, end: offset + end)) }
            }
            seg = ps_seg_next(s)
        }
        return out
    }

    /// Sample indices that cut `pcm` into pieces of about `chunk` samples: each cut at the quietest 10 ms window
    /// in the last quarter of its piece (so no phone is split where one can help it). Starts with 0, ends with
    /// `pcm.count`.
    static func cutPoints(_ pcm: [Int16], sampleRate: Int, chunk: Int) -> [Int] {
        var cuts = [0]
        while pcm.count - cuts[cuts.count - 1] > chunk + chunk / 2 {
            cuts.append(cut(pcm, from: cuts[cuts.count - 1], sampleRate: sampleRate, chunk: chunk))
        }
        cuts.append(pcm.count)
        return cuts
    }

    /// The cut after the piece starting at `start` (needs `pcm` up to `start + chunk`): the centre of the quietest
    /// 10 ms window in `start + 3/4 chunk ..< start + chunk`.
    static func cut(_ pcm: [Int16], from start: Int, sampleRate: Int, chunk: Int) -> Int {
        let window = sampleRate / 100
        let lo = start + chunk * 3 / 4, hi = start + chunk
        var best = hi, bestEnergy = Int64.max
        var w = lo
        while w + window <= hi {
            var e: Int64 = 0
            for t in w..<(w + window) { let x = Int64(pcm[t]); e += x * x }
            if e < bestEnergy { bestEnergy = e; best = w + window / 2 }
            w += window
        }
        return best
    }
}
