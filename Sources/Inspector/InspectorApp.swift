import Foundation

/// Messages from background work to the UI loop.
public enum LoaderMessage: Sendable {
    case progress(Progress)
    case loaded(InspectorSession)
    case failed(String)
}

/// A thread-safe queue the background loader posts to and the UI loop drains between events.
public final class LoaderMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [LoaderMessage] = []

    public init() {}

    public func post(_ m: LoaderMessage) {
        lock.lock()
        messages.append(m)
        lock.unlock()
    }

    /// Reports progress (what the loader calls as it goes).
    public func progress(_ message: String, _ fraction: Double? = nil) { post(.progress(Progress(message: message, fraction: fraction))) }

    func drain() -> [LoaderMessage] {
        lock.lock()
        defer { lock.unlock() }
        let m = messages
        messages.removeAll()
        return m
    }
}

/// The UI loop: reads events from a backend, applies them, redraws; long work runs on its own thread and
/// posts to a `LoaderMailbox`, so input never freezes.
public enum InspectorApp {
    /// Starts `load` on a background thread; its result arrives in the returned mailbox.
    public static func startLoading(_ load: @escaping @Sendable (LoaderMailbox) throws -> InspectorSession) -> LoaderMailbox {
        let mailbox = LoaderMailbox()
        let thread = Thread {
            do {
                mailbox.post(.loaded(try load(mailbox)))
            } catch {
                mailbox.post(.failed("\(error)"))
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        return mailbox
    }

    /// Runs until quit (or, for scripted backends, until the script is used up and nothing is pending).
    /// Returns the final UI state.
    @discardableResult
    public static func run(ui start: InspectorUI, backend: any TerminalBackend, mailbox: LoaderMailbox? = nil,
                           stopWhenIdle: Bool = false) -> InspectorUI {
        var ui = start
        var dirty = true
        var screen: ScreenBuffer?
        var nextTick = Date.distantFuture
        if let px = backend.cellPixels { ui.state.cellPixels = px }
        ui.state.exactColors = backend.supportsExactColors
        var loading = mailbox != nil
        while true {
            if let mailbox {
                for m in mailbox.drain() {
                    switch m {
                    case let .progress(p): ui.state.progress = p
                    case let .loaded(s):
                        ui.state.session = s
                        ui.state.clipName = s.clipName
                        ui.state.progress = nil
                        loading = false
                        if ui.state.slot >= s.n { ui.state.slot = 0 }
                        ui.state.applyPreferences()
                    case let .failed(f):
                        ui.state.failure = f
                        ui.state.progress = nil
                        loading = false
                    }
                    dirty = true
                }
            }
            if ui.state.playing, Date() >= nextTick {
                ui.tick()
                dirty = true
                nextTick = Date().addingTimeInterval(1 / (ui.state.session?.fps ?? 25))
            }
            if dirty {
                let size = backend.size
                if let px = backend.cellPixels { ui.state.cellPixels = px }
                let buf = ui.render(width: size.width, height: size.height)
                backend.present(buf)
                screen = buf
                dirty = false
            }
            let timeout: Int
            if ui.state.playing {
                if nextTick == .distantFuture { nextTick = Date().addingTimeInterval(1 / (ui.state.session?.fps ?? 25)) }
                timeout = max(0, Int(nextTick.timeIntervalSinceNow * 1000))
            } else {
                nextTick = .distantFuture
                timeout = loading ? 50 : 500
            }
            guard let event = backend.nextEvent(timeoutMilliseconds: timeout) else {
                if stopWhenIdle && !loading && !ui.state.playing { return ui }
                if stopWhenIdle && loading { Thread.sleep(forTimeInterval: 0.005) }
                continue
            }
            if event == .key(.ctrl("l")) { backend.invalidate() }
            if !ui.handle(event, screen: screen) { return ui }
            dirty = true
        }
    }
}
