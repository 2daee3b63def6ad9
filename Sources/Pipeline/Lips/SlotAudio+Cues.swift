import Foundation
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

    /// The per-slot phonetic cues of this audio, its phones decoded by `recognizer`.
    public func cues(recognizer: PhoneRecognizer) throws -> SlotAudioCues {
        guard let track = try loadTrack() else { throw PhoneticsError.invalidAudio("the clip has no audio track") }
        return try cues(phones: try recognizer.decode(samples: track.samples, sampleRate: track.sampleRate))
    }
}
