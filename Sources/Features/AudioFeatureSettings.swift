/// How audio is turned into a sequence of feature frames (25 ms windows every 10 ms by default).
///
/// Two kinds, each matching a public reference exactly (see `Tests/FeaturesTests/Fixtures`):
/// - `.mfcc` follows `python_speech_features.mfcc` 0.6 with its defaults: pre-emphasis 0.97 over the
///   whole signal, frames starting at `f·hop` (the last one zero-padded), rectangular window,
///   power spectrum `|rfft|²/nfft`, `bands` triangular HTK-mel filters on FFT bins
///   `floor((nfft+1)·mel2hz/rate)`, zeros floored to `Double.ulpOfOne`, natural log, orthonormal DCT-II,
///   the first `coefficients` kept, sinusoidal lifter `1 + L/2·sin(πn/L)`, and c0 replaced by the log of
///   the frame's total power when `appendEnergy` is on. Frame f covers samples `[f·hop, f·hop + window)`.
/// - `.logMel` follows `librosa.feature.melspectrogram` 0.11 with `n_fft = nfft` (512), `win_length =
///   window` (400), `hop_length = hop`, periodic Hann window centred in the FFT frame, `center=True` with
///   zero padding, `power=2`, Slaney mel scale (`htk=False`) and Slaney area normalisation, then
///   `log(max(S, logFloor))`. Frame f is centred on sample `f·hop`.
///   A 25 ms window is `n_fft = 400` at 16 kHz; a 400-point DFT is not radix-2, so the FFT is 512 points with the
///   same 25 ms (400-sample) window zero-padded around it — librosa's own `win_length < n_fft` convention.
public struct AudioFeatureSettings: Sendable, Hashable, Codable {
    /// The feature family.
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        /// Mel-frequency cepstral coefficients (python_speech_features conventions).
        case mfcc
        /// Log mel spectrogram (librosa conventions, Slaney mel).
        case logMel
    }

    public var kind: Kind
    /// Input sample rate in Hz (the engine uses 16 000).
    public var sampleRate: Int
    /// Analysis window length in samples (400 = 25 ms at 16 kHz).
    public var window: Int
    /// Hop between frames in samples (160 = 10 ms at 16 kHz).
    public var hop: Int
    /// FFT size, a power of two ≥ `window`.
    public var nfft: Int
    /// Number of mel bands (26 for MFCC as in python_speech_features, 128 for the paper's log-mel).
    public var bands: Int
    /// Cepstral coefficients kept (MFCC only).
    public var coefficients: Int
    /// Pre-emphasis coefficient (MFCC only; 0 disables).
    public var preemphasis: Double
    /// Cepstral lifter L (MFCC only; 0 disables).
    public var lifter: Int
    /// Replace c0 by the log frame energy (MFCC only).
    public var appendEnergy: Bool
    /// Floor applied before the log (log-mel only).
    public var logFloor: Double

    public init(kind: Kind, sampleRate: Int = 16_000, window: Int = 400, hop: Int = 160, nfft: Int = 512,
                bands: Int, coefficients: Int = 13, preemphasis: Double = 0.97, lifter: Int = 22,
                appendEnergy: Bool = true, logFloor: Double = 1e-10) {
        self.kind = kind
        self.sampleRate = sampleRate
        self.window = window
        self.hop = hop
        self.nfft = nfft
        self.bands = bands
        self.coefficients = coefficients
        self.preemphasis = preemphasis
        self.lifter = lifter
        self.appendEnergy = appendEnergy
        self.logFloor = logFloor
    }

    /// MFCC-13 over 26 mel filters, python_speech_features defaults at 16 kHz.
    public static let mfcc = AudioFeatureSettings(kind: .mfcc, bands: 26)
    /// Log-mel with 128 bands (the paper's spectrogram size), librosa conventions at 16 kHz.
    public static let logMel = AudioFeatureSettings(kind: .logMel, bands: 128)

    /// Values per feature frame: `coefficients` for MFCC, `bands` for log-mel.
    public var dimension: Int { kind == .mfcc ? coefficients : bands }

    /// Seconds between consecutive feature frames.
    public var hopSeconds: Double { Double(hop) / Double(sampleRate) }

    /// Time (s) of the centre of feature frame 0: `window/2` samples for MFCC (left-aligned frames),
    /// 0 for log-mel (centred frames).
    public var firstFrameCentre: Double { kind == .mfcc ? Double(window) / 2 / Double(sampleRate) : 0 }

    /// Checks every setting; throws `FeaturesError.invalidSetting` naming the first bad one.
    public func validate() throws(FeaturesError) {
        guard sampleRate > 0 else { throw .invalidSetting("sample rate \(sampleRate) ≤ 0") }
        guard window > 0 else { throw .invalidSetting("window \(window) ≤ 0") }
        guard hop > 0 else { throw .invalidSetting("hop \(hop) ≤ 0") }
        guard nfft >= 4, nfft & (nfft - 1) == 0 else { throw .invalidSetting("nfft \(nfft) is not a power of two ≥ 4") }
        guard nfft >= window else { throw .invalidSetting("nfft \(nfft) < window \(window)") }
        guard bands > 0, bands <= 1024 else { throw .invalidSetting("bands \(bands) outside 1…1024") }
        if kind == .mfcc {
            guard coefficients > 0, coefficients <= bands else {
                throw .invalidSetting("coefficients \(coefficients) outside 1…\(bands)")
            }
            guard preemphasis.isFinite, preemphasis >= 0, preemphasis < 1 else {
                throw .invalidSetting("pre-emphasis \(preemphasis) outside [0, 1)")
            }
            guard lifter >= 0 else { throw .invalidSetting("lifter \(lifter) < 0") }
        } else {
            guard logFloor.isFinite, logFloor > 0 else { throw .invalidSetting("log floor \(logFloor) ≤ 0") }
        }
    }
}
