/// Hold-last: every missing frame repeats the left neighbour (what a player shows when frames stop arriving).
public struct HoldRestorer: FrameRestorer {
    public let name = "hold"

    public init() {}

    public func restoreGap(left: SlotFrame, right: SlotFrame, slots: [Int], context: GapContext) throws -> [SlotFrame] {
        try validateGap(left: left, right: right, slots: slots)
        return slots.map { left.moved(to: $0) }
    }
}
