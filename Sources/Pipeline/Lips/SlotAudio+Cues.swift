import Foundation
import Media
import Phonetics

// MARK: - Phonetic cues of the slot audio

extension SlotAudio {
    /// The per-slot phonetic cues of this audio from decoded `phones`, with the spectral part from the clip's one
    /// MFCC computation (`features(.mfcc)`).
    public func cues(phones: [PhoneSegment]) throws -> SlotAudioCues {
        guard let mfcc = try features(.mfcc) else {
            throw PhoneticsError.invalidAudio("\(sampleCount) samples are too short for one 25 ms window")
        }
        return try SlotAudioCues.make(mfcc: mfcc, fps: fps, slotCount: slotCount, phones: phones)
    }

    /// The per-slot phonetic cues of this audio, its phones decoded by `recognizer` from the samples streamed in
    /// chunks (`PhoneDecodingStream`): a streamed clip's track is decoded again but never held whole.
    public func cues(recognizer: PhoneRecognizer) throws -> SlotAudioCues {
        var stream = try PhoneDecodingStream(recognizer: recognizer, sampleRate: AudioTrack.engineSampleRate)
        var failure: PhoneticsError?
        let present = try streamSamples { chunk in
            guard failure == nil else { return }
            do throws(PhoneticsError) { try stream.append(chunk) } catch { failure = error }
        }
        guard present else { throw PhoneticsError.invalidAudio("the clip has no audio track") }
        if let failure { throw failure }
        return try cues(phones: try stream.finish())
    }
}
