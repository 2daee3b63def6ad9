/// One decoded phone and when it was spoken.
public struct PhoneSegment: Sendable, Equatable, Codable {
    /// The phone in the CMU/ARPAbet set of pocketsphinx's en-us model ("AA", "P", …), "SIL" for silence and
    /// "+NSN+"-style fillers for noise.
    public var phone: String
    /// Start, in seconds from the start of the audio.
    public var start: Double
    /// End (exclusive), in seconds; `end > start`.
    public var end: Double

    public init(phone: String, start: Double, end: Double) {
        self.phone = phone
        self.start = start
        self.end = end
    }

    /// The mouth shape class of the phone.
    public var viseme: Viseme { Viseme(phone: phone) }
}
