/// Where screens are shown and events come from: ncurses for people, memory for tests.
public protocol TerminalBackend: AnyObject {
    /// Current size in cells.
    var size: (width: Int, height: Int) { get }
    /// Pixel size of one cell, when the terminal reports it.
    var cellPixels: (width: Int, height: Int)? { get }
    /// Whether exact 24-bit colours can be emitted (`.exactCells` placements).
    var supportsExactColors: Bool { get }
    /// Shows `buffer` (cells, then image placements).
    func present(_ buffer: ScreenBuffer)
    /// The next event, waiting at most `timeoutMilliseconds` (nil on timeout).
    func nextEvent(timeoutMilliseconds: Int) -> InputEvent?
    /// Forgets what is on screen, so the next `present` repaints everything (Ctrl-L, after a resize).
    func invalidate()
    /// Encodes these sixel placements ahead of time with one palette made from all of them, so that presenting
    /// them later only writes bytes (a rating stimulus, encoded during the grey screen). Replaces what an earlier
    /// call prepared; a placement that was not prepared is encoded when presented, as before.
    func prepareSixels(_ placements: [ImagePlacement])
}

extension TerminalBackend {
    /// Backends without sixel output have nothing to prepare.
    public func prepareSixels(_ placements: [ImagePlacement]) {}
}

/// A backend in memory: events come from a script, presented buffers are kept for assertions.
public final class MemoryBackend: TerminalBackend {
    public var size: (width: Int, height: Int)
    public var cellPixels: (width: Int, height: Int)? = (10, 20)
    public var supportsExactColors = true
    /// Events still to deliver, in order.
    public var script: [InputEvent]
    /// Every buffer presented.
    public private(set) var presented: [ScreenBuffer] = []
    /// Times `nextEvent` found the script empty (the loop then sees a timeout).
    public private(set) var idleCalls = 0

    public init(width: Int, height: Int, script: [InputEvent] = []) {
        size = (width, height)
        self.script = script
    }

    /// The last presented screen.
    public var screen: ScreenBuffer? { presented.last }

    public func present(_ buffer: ScreenBuffer) { presented.append(buffer) }

    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        guard !script.isEmpty else {
            idleCalls += 1
            return nil
        }
        let e = script.removeFirst()
        if case let .resize(w, h) = e { size = (w, h) }
        return e
    }

    public func invalidate() {}
}
