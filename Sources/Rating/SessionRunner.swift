import CNcursesw
import Foundation
import Pipeline
import Inspector
import Restoration

/// Runs a `RatingSession` on a terminal backend: plays stimuli at their frame rate, feeds keys in, carries out
/// effects (each rating stored in its own transaction the moment it is confirmed, sound started and stopped).
public enum SessionRunner {
    /// Runs until the rater quits or the session ends. `fastPlayback` plays every video to its end at once (scripted
    /// backends in tests); `stopWhenIdle` returns when a scripted backend has no more events.
    @discardableResult
    public static func run(_ session: inout RatingSession, backend: any TerminalBackend, store: RatingStore?, info start: SessionInfo,
                           audio: AudioPlayer? = nil, fastPlayback: Bool = false, stopWhenIdle: Bool = false,
                           now: () -> Date = Date.init) -> [CompletedRating] {
        var saved: [CompletedRating] = []
        // Each rating records the terminal size it was given at (a resize mid-session is followed).
        var info = start
        var dirty = true
        // The stimulus whose frames the backend has encoded ahead (trial position and terminal size).
        var preparedFor: (position: Int, width: Int, height: Int)?
        session.exactColors = backend.supportsExactColors
        session.audioPlays = audio != nil
        defer { audio?.stop() }

        func apply(_ effects: [SessionEffect]) -> Bool {
            for e in effects {
                switch e {
                case .playAudio:
                    if let track = session.media?.audio { audio?.play(track) }
                case .stopAudio: audio?.stop()
                case let .save(r):
                    do {
                        try store?.save(r, attributes: session.study.attributes, info: info)
                        saved.append(r)
                    } catch {
                        audio?.stop()
                        session.fail("the rating was not saved: \(error)")
                    }
                case .quit: return false
                }
            }
            return true
        }

        while true {
            if fastPlayback && (session.phase == .grey || session.phase == .playing) {
                // Scripted: no clock; every frame in turn, each counted as shown on time.
                while session.phase == .grey || session.phase == .playing {
                    _ = apply(session.tick(now: now(), step: true))
                    session.presented(at: session.playStartedAt ?? now())
                }
                dirty = true
            } else if let due = session.nextDue, now() >= due {
                // The frame due now on the sound's clock (frames whose time passed are dropped, and counted).
                _ = apply(session.tick(now: now()))
                dirty = true
            }
            if dirty {
                if let px = backend.cellPixels { session.cellPixels = px }
                let size = backend.size
                session.clock = now()
                backend.present(session.render(width: size.width, height: size.height))
                session.presented(at: now())
                dirty = false
            }
            // On the grey screen, encode the coming stimulus's frames so that playback only writes them: the grey
            // screen lasts the longer of its time and the encoding (at ~40 ms a 256² frame, encoding live fell about
            // a frame behind the sound).
            if !fastPlayback, session.phase == .grey, let position = session.current?.position {
                let size = backend.size
                if preparedFor.map({ $0 != (position, size.width, size.height) }) ?? true {
                    backend.prepareSixels(session.playbackPlacements(width: size.width, height: size.height))
                    preparedFor = (position, size.width, size.height)
                }
            }
            let timeout: Int
            if let due = session.nextDue {
                timeout = max(0, Int(due.timeIntervalSince(now()) * 1000))
            } else {
                // While scoring, redraw twice a second for the voting window's countdown.
                timeout = 500
            }
            guard let event = backend.nextEvent(timeoutMilliseconds: timeout) else {
                if stopWhenIdle && session.phase != .playing && session.phase != .grey { return saved }
                if session.phase == .scoring { dirty = true }
                continue
            }
            if event == .key(.ctrl("l")) { backend.invalidate() }
            if case let .resize(w, h) = event {
                backend.invalidate()
                info.terminalColumns = w
                info.terminalRows = h
            }
            dirty = true
            if !apply(session.handle(event, now: now())) { return saved }
        }
    }
}

/// Everything `dropfill rate` does: load the study, open the database, prepare the stimuli, check sound, open the
/// terminal and run the session.
public enum RatingLauncher {
    public struct Options: Sendable {
        public var studyPath: String
        public var rater: String
        public var databasePath: String?
        public var cacheRoot: String?
        public var graphics: GraphicsMode?
        public var theme: String?
        /// Run without sound even when a device exists.
        public var silent: Bool
        /// Order seed for a new rater (nil: a random one, stored).
        public var orderSeed: UInt64?
        public var softwareVersion: String
        /// Where the restoration models are when the study names none (the CLI fills it from its environment).
        public var locator: ModelLocator = ModelLocator()

        public init(studyPath: String, rater: String, databasePath: String? = nil, cacheRoot: String? = nil, graphics: GraphicsMode? = nil,
                    theme: String? = nil, silent: Bool = false, orderSeed: UInt64? = nil, softwareVersion: String) {
            self.studyPath = studyPath
            self.rater = rater
            self.databasePath = databasePath
            self.cacheRoot = cacheRoot
            self.graphics = graphics
            self.theme = theme
            self.silent = silent
            self.orderSeed = orderSeed
            self.softwareVersion = softwareVersion
        }
    }

    /// What a finished (or interrupted) session did.
    public struct Outcome: Sendable {
        public var saved: Int
        public var remaining: Int
        public var total: Int
        public var databasePath: String
        public var failure: String?
    }

    /// The checks and preparation before the terminal is taken over; `note` reports progress on stderr.
    public static func prepare(_ o: Options, note: (String) -> Void) throws(RatingError) -> (Study, RatingStore, RaterRecord, StimulusCache, AudioOutput) {
        let raterID = try RaterID.validate(o.rater)
        let study = try Study.load(path: o.studyPath)
        // Sound first: a session that cannot run must not leave a rater behind in the database.
        var audio = AudioOutput.detect()
        if o.silent { audio = AudioOutput(aplay: nil, reason: "silent session asked for (--silent)") }
        // Methods that restore from the sound are judged with it: no silent session for them, whatever is asked.
        let audible = study.methods.filter(RestorerCatalog.usesAudio)
        if !audio.available && !audible.isEmpty {
            throw .sessionUnavailable("study \(study.name) rates \(audible.joined(separator: ", ")), which restore(s) from the sound, so raters must hear it; "
                + "but \(audio.reason ?? "there is no sound") — run the session where sound plays")
        }
        if !audio.available && !study.allowSilent {
            throw .sessionUnavailable("\(audio.reason ?? "no sound"), and study \(study.name) does not allow silent sessions (set \"allow_silent\": true to allow them)")
        }
        let store = try RatingStore(path: o.databasePath ?? RatingStore.defaultPath())
        let record = try store.rater(raterID, study: study, newSeed: o.orderSeed ?? UInt64.random(in: 0...UInt64(Int64.max)))
        let cache = StimulusCache(root: o.cacheRoot ?? StimulusCache.defaultRoot(), study: study, locator: o.locator)
        let missing = cache.missing().count
        if missing > 0 {
            note("preparing \(missing) stimuli in \(cache.folder)")
            try cache.prepare { done, total, what in note("  \(done)/\(total) \(what)") }
        }
        return (study, store, record, cache, audio)
    }

    /// Runs the whole session on the real terminal.
    public static func run(_ o: Options, note: (String) -> Void) throws -> Outcome {
        let (study, store, record, cache, audio) = try prepare(o, note: note)
        guard record.nextPosition != nil else {
            return Outcome(saved: 0, remaining: 0, total: record.order.count, databasePath: store.path, failure: nil)
        }
        if !audio.available { note("no sound: \(audio.reason ?? "unknown reason"); the study allows silent sessions, going on without") }
        let (themes, _) = try InspectorLauncher.loadThemes(initial: o.theme)
        let utf8 = InspectorLauncher.localeIsUTF8()
        let env = ProcessInfo.processInfo.environment
        let replies = o.graphics == nil ? GraphicsProbe.ask(timeout: 0.4) : nil
        let detection = GraphicsProbe.detect(replies: replies, environment: env, terminfoColors: Int(dropfill_terminfo_colors(nil)), forced: o.graphics)
        let colorterm = (env["COLORTERM"] ?? "").lowercased()
        let exact = colorterm == "truecolor" || colorterm == "24bit" || detection.mode == .truecolor || (replies?.sixel ?? false)
        let backend = try NcursesBackend(exactColors: exact, colorRegisters: replies?.colorRegisters)
        defer { backend.shutdown() }
        let info = SessionInfo(terminalColumns: backend.size.width, terminalRows: backend.size.height, graphics: detection.mode.rawValue,
                               audio: audio.available, softwareVersion: o.softwareVersion)
        let sessionKey = try store.startSession(raterKey: record.key, info: info)
        let sampleRate = audio.available ? AudioOutput.sampleRate : nil
        var session = RatingSession(study: study, record: record, sessionKey: sessionKey, graphics: detection.mode,
                                    glyphs: utf8 ? .unicode : .ascii, theme: themes[0], audioNotice: audio.reason.map { $0 + " — the videos play silent" }) { s in
            try StimulusMedia.load(path: cache.path(for: s), maxSide: study.maxSide, audioSampleRate: sampleRate)
        }
        let player = audio.aplay.map { AudioPlayer(aplay: $0) }
        let saved = SessionRunner.run(&session, backend: backend, store: store, info: info, audio: player)
        backend.shutdown()
        var failure: String?
        if case let .failed(m) = session.phase { failure = m }
        let left = record.order.count - record.rated.count - saved.count
        return Outcome(saved: saved.count, remaining: left, total: record.order.count, databasePath: store.path, failure: failure)
    }
}
