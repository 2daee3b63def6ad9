import Alignment
import Corpus
import Foundation
import Media

// MARK: - The slot grid

/// The slot grid of a dropped clip — its rate, its origin, its slot count n and the video's first slot — by the one
/// rule every command uses.
///
/// - Rate: `--fps` when given, else the truth file's, else the stream's declared rate when the timestamps agree with
///   it, else 1 / their nominal interval (never the median interval alone, which after 87% loss is several frames).
/// - Origin (slot 0): the audio's start on the file's clock (stream start times after the demuxer applied the edit
///   lists, `StreamStartTimes`), so slot s is the audio at s / fps — what the audio features of slot s describe. A
///   video that starts before its audio moves the origin to the video's first frame, and the audio is preceded by
///   that much silence (`audioLead`). Without audio the origin is the first survivor.
/// - Positions from timestamps: s_i = round((t_i − origin) · fps) (`TimestampEstimator`), so a video that starts one
///   frame after its audio has its first survivor in slot 1, and the restored video starts there too
///   (`firstVideoSlot`): the slots before it are the audio's lead, not lost frames.
/// - n: `--slots` when given, else the truth file's original frame count, else — when the timestamps are trusted
///   (they reach at least 90% of the slots the audio implies) — the last survivor's slot + 1, else the longer of the
///   audio and the timestamps' span (`lengthNote` says so in one line when the audio is the shorter).
public struct SlotGrid: Sendable, Equatable {
    public var fps: Rational
    public var slotCount: Int
    /// Slots from the first to the last survivor's timestamp (k when the timestamps were stripped).
    public var timestampSpan: Int
    /// Slots the audio covers from the origin (round((audio start − origin + duration) × fps)), nil without audio.
    public var audioSlots: Int?
    /// True when the timestamps can place the frames.
    public var timestampsTrusted: Bool
    /// Seconds on the file's clock where slot 0 lies (see the rule above).
    public var origin: Double = 0
    /// The slot of the video's first frame (the first survivor's when the timestamps are trusted, else 0): the
    /// restored video starts there, `firstVideoSlot / fps` after its audio.
    public var firstVideoSlot: Int = 0
    /// Seconds of silence that precede the audio on the grid (the audio starts after the video), 0 usually.
    public var audioLead: Double = 0

    /// The grid for `k` survivors with `timestamps` (nil: none in the file) and a stream of `declared` rate, whose
    /// audio (if any) lasts `audioDuration` seconds from `audioStart` (nil: unknown, taken as the first survivor's
    /// time).
    public static func make(survivors k: Int, timestamps: [Double]?, declared: Rational, audioDuration: Double?,
                            audioStart: Double? = nil, truth: TruthFile?, fps: Double?, slots: Int?) throws(AlignmentError) -> SlotGrid {
        guard k > 0 else { throw .emptyInput("the clip has no frames") }
        if let fps { guard fps.isFinite, fps > 0, fps <= 1000 else { throw .invalidSetting("frame rate \(fps) (must lie in (0, 1000])") } }
        if let slots { guard slots > 0, slots <= TruthFile.maxFrameCount else { throw .invalidSetting("slot count \(slots) (must lie in 1…\(TruthFile.maxFrameCount))") } }
        if let audioStart { guard audioStart.isFinite else { throw .nonFiniteValue("audio start time") } }
        let rate = fps.map { Rational(fps: $0) } ?? truth?.rational ?? nominalRate(timestamps: timestamps ?? [], declared: declared)
        let first = timestamps?.first
        // Slot 0: the audio's start, or the video's first frame when the video starts first (or there is no audio).
        let audioAt = audioDuration == nil ? nil : (audioStart ?? first ?? 0)
        var origin = [audioAt, first].compactMap { $0 }.min() ?? 0
        let span: Int
        if let ts = timestamps, let first = ts.first, let last = ts.last {
            span = Int(((last - first) * rate.value).rounded()) + 1
        } else {
            span = k
        }
        var firstSlot = first.map { Int((($0 - origin) * rate.value).rounded()) } ?? 0
        let audioSlots = audioDuration.map { Int((($0 + (audioAt ?? origin) - origin) * rate.value).rounded()) }
        if let slots, let audioSlots, slots > max(2 * audioSlots, k + 1) {
            // The audio gives every slot its features: far more slots than it covers is a mistake, and k × n distances
            // of an Int.max slot count ask for unbounded memory.
            throw .invalidSetting("slot count \(slots): the audio covers \(audioSlots) slots at \(String(format: "%.3f", rate.value)) fps (at most twice that is accepted)")
        }
        let trusted = timestamps != nil && (audioSlots.map { firstSlot + span >= Int(0.9 * Double($0)) } ?? true) && span >= k
        if !trusted || truth != nil {
            // Untrusted timestamps say nothing of where the video starts, and a truth file counts from the video's
            // first frame: slot 0 is the first frame, with the audio.
            firstSlot = 0
            if trusted, let first { origin = first }
        }
        let n = slots ?? truth?.originalFrameCount ?? (trusted ? firstSlot + span : max(audioSlots ?? span, span))
        guard k <= n else { throw .moreFramesThanSlots(frames: k, slots: n) }
        return SlotGrid(fps: rate, slotCount: n, timestampSpan: span, audioSlots: audioSlots, timestampsTrusted: trusted,
                        origin: origin, firstVideoSlot: min(firstSlot, n - 1),
                        audioLead: audioDuration == nil ? 0 : audioLead(firstTimestamp: first, audioStart: audioStart))
    }

    /// Seconds of silence the grid puts before an audio that starts at `audioStart` (nil: with the video) when the
    /// video's first frame is at `firstTimestamp` (nil: no timestamps, the origin is the audio's start): the audio's
    /// delay behind the video, 0 when it starts first. Known before the audio is decoded, so pass 1 streams the
    /// silence with it.
    public static func audioLead(firstTimestamp: Double?, audioStart: Double?) -> Double {
        guard let firstTimestamp, let audioStart else { return 0 }
        return max(0, audioStart - firstTimestamp)
    }

    /// The stream's declared rate when the timestamps agree with it, else 1 / their nominal interval.
    public static func nominalRate(timestamps: [Double], declared stream: Rational) -> Rational {
        let declared = stream.value > 0 && stream.value.isFinite ? stream : Rational(25, 1)
        guard let interval = TimestampGapFinder.nominalInterval(timestamps, declared: 1 / declared.value) else { return declared }
        return abs(interval * declared.value - 1) < 0.01 ? declared : Rational(fps: 1 / interval)
    }

    /// The one line every command prints when the audio is shorter than the video: the slots come from the longer.
    public var lengthNote: String? {
        guard let audioSlots, audioSlots < slotCount, !timestampsTrusted else { return nil }
        return "the audio covers \(audioSlots) slots, the video \(slotCount): the slots come from the longer"
    }

    /// The slot of a frame shown at `seconds` on the file's clock (the timestamps' rule above, unchecked).
    public func slot(at seconds: Double) -> Int { Int(((seconds - origin) * fps.value).rounded(.toNearestOrAwayFromZero)) }
}
