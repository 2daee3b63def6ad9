import Foundation
import Inspector
import Media

/// What the session asks its runner to do after an event.
public enum SessionEffect: Sendable, Equatable {
    /// Start the current stimulus's sound from the beginning.
    case playAudio
    case stopAudio
    /// Store this rating now (one transaction).
    case save(CompletedRating)
    case quit
}

/// Where the session is.
public enum SessionPhase: Sendable, Equatable {
    /// A message screen (opening notice, end of training); Enter goes on.
    case notice
    /// The mid-grey screen before a stimulus (P.910's inter-stimulus interval).
    case grey
    /// The current stimulus is playing.
    case playing
    /// The rater is scoring the current stimulus, on a grey screen (the voting window).
    case scoring
    /// The session's time limit was reached: rest, then run `dropfill rate` again.
    case limitReached
    /// Every stimulus is rated.
    case finished
    /// Something failed (a stimulus could not be loaded, the database refused a rating).
    case failed(String)
}

/// The rating session without a terminal: key events and clock ticks in, screens and effects out.
///
/// Blind by construction: nothing it draws names the method or the clip, only the trial number.
public struct RatingSession {
    public let study: Study
    public let raterID: String
    public let raterKey: Int64
    public var sessionKey: Int64
    /// The trials still to rate, in the rater's stored order.
    public private(set) var trials: [PlannedTrial]
    /// Size of the whole order (for "trial i of n").
    public let totalTrials: Int
    /// Training trials in the whole order.
    public let trainingCount: Int
    public private(set) var index = 0
    public private(set) var phase: SessionPhase = .notice
    public private(set) var noticeLines: [String]
    public private(set) var media: StimulusMedia?
    public private(set) var frame = 0
    public private(set) var scores: [Int?]
    public private(set) var attribute = 0
    public private(set) var replays = 0
    public private(set) var shownAt: Date?
    public private(set) var playbackEndedAt: Date?
    /// When the grey screen before the current stimulus ends.
    public private(set) var greyUntil: Date?
    /// When the current playback started (its sound with it): frame i is due at start + i / fps.
    public private(set) var playStartedAt: Date?
    /// What the current (or last) playback showed.
    public private(set) var playback = PlaybackCounter()
    /// Whether sound plays with the stimuli (set by the runner).
    public var audioPlays = false
    /// The time the screen is drawn for (the voting window's countdown); the runner sets it before each render.
    public var clock: Date?
    public var showHelp = false
    public let startedAt: Date
    /// Display settings (the inspector's).
    public var graphics: GraphicsMode
    public var glyphs: Glyphs
    public var theme: Theme
    public var cellPixels: (width: Int, height: Int) = (10, 20)
    public var exactColors = true
    private var typing = false
    private let load: (Stimulus) throws -> StimulusMedia

    /// A session over `record`'s unrated trials. `audioNotice` is said on the opening screen (nil when sound works).
    public init(study: Study, record: RaterRecord, sessionKey: Int64, startedAt: Date = Date(), graphics: GraphicsMode = .truecolor,
                glyphs: Glyphs = .unicode, theme: Theme = .builtIn, audioNotice: String? = nil,
                load: @escaping (Stimulus) throws -> StimulusMedia) {
        self.study = study
        raterID = record.id
        raterKey = record.key
        self.sessionKey = sessionKey
        trials = record.order.filter { !record.rated.contains($0.position) }
        totalTrials = record.order.count
        trainingCount = record.order.filter(\.training).count
        self.startedAt = startedAt
        self.graphics = graphics
        self.glyphs = glyphs
        self.theme = theme
        self.load = load
        scores = Array(repeating: nil, count: study.attributes.count)
        var lines = ["Study \(study.name) · rater \(RaterID.escaped(record.id))", ""]
        let done = record.rated.count
        if trials.isEmpty {
            lines.append("Every video of this study is rated already. Thank you!")
            phase = .finished
        } else {
            let training = trials.filter(\.training).count
            lines.append(done > 0 ? "Welcome back: \(done) of \(totalTrials) rated, \(trials.count) to go (resuming where you stopped)."
                                  : "\(trials.count) short videos to watch and score\(training > 0 ? ", the first \(training) for practice" : "").")
            lines.append("Score each on: \(study.attributes.joined(separator: ", ")).")
            lines.append("Scale \(study.scale.title): \(study.scale.legend).")
            lines.append("A grey screen comes before each video; after it, score on the grey screen within \(Int(study.votingSeconds)) s.")
            lines.append("Type a score, or ←/→; Enter goes to the next attribute and, on the last, saves.")
            lines.append("r plays the video again · ? help · q stops (run the same command later to resume).")
            lines.append("The session stops by itself after \(Self.minutes(study.sessionMinutes)) so you can rest.")
            if let audioNotice { lines += ["", "Sound: " + audioNotice] }
            lines += ["", "Press Enter to begin."]
        }
        noticeLines = lines
    }

    static func minutes(_ m: Double) -> String { m == m.rounded() ? "\(Int(m)) minutes" : String(format: "%.1f minutes", m) }

    /// The trial being shown or scored.
    public var current: PlannedTrial? { trials[safe: index] }

    /// Whether the session is over (finished, limit reached, failed).
    public var isOver: Bool {
        switch phase {
        case .finished, .limitReached, .failed: true
        default: false
        }
    }

    // MARK: - Events

    /// Applies a key (or resize, click); returns what the runner must do.
    public mutating func handle(_ event: InputEvent, now: Date = Date()) -> [SessionEffect] {
        clock = now
        guard case let .key(key) = event else { return [] }
        if showHelp && (key == .escape || key == .char("?")) {
            showHelp = false
            return []
        }
        if case let .char(c) = key, let d = c.wholeNumberValue, phase == .scoring {
            typeDigit(d)
            return []
        }
        guard let action = RatingKeymap.action(for: key) else { return [] }
        switch action {
        case .quit: return [.stopAudio, .quit]
        case .help:
            showHelp.toggle()
            return []
        case .redraw: return []
        default: break
        }
        switch phase {
        case .notice:
            return action == .confirm ? beginTrial(now: now) : []
        case .playing, .grey:
            return action == .replay && phase == .playing ? replay(now: now) : []
        case .scoring:
            switch action {
            case .increase: adjust(+1)
            case .decrease: adjust(-1)
            case .nextAttribute: moveAttribute(+1)
            case .previousAttribute: moveAttribute(-1)
            case .replay: return replay(now: now)
            case .confirm: return confirm(now: now)
            default: break
            }
            return []
        case .finished, .limitReached, .failed:
            return action == .confirm ? [.quit] : []
        }
    }

    /// Moves time on: ends the grey screen when its time is up, and during playback shows the frame due now on the
    /// sound's clock, dropping frames whose time has passed (picture and sound stay in step; the drops are counted).
    /// `step` advances exactly one frame instead (scripted tests without a clock).
    public mutating func tick(now: Date = Date(), step: Bool = false) -> [SessionEffect] {
        clock = now
        if phase == .grey {
            guard step || now >= (greyUntil ?? now) else { return [] }
            return startPlayback(now: now)
        }
        guard phase == .playing, let media else { return [] }
        let due = step ? frame + 1 : Int((now.timeIntervalSince(playStartedAt ?? now) * max(1, media.fps)).rounded(.down))
        if due >= media.frames.count {
            // Frames after the last one shown whose time passed too count as dropped.
            if !step { playback.dropped += max(0, media.frames.count - 1 - frame) }
            phase = .scoring
            playbackEndedAt = now
            typing = false
            return [.stopAudio]
        }
        if due > frame {
            playback.dropped += due - frame - 1
            frame = due
            playback.pending = true
        }
        return []
    }

    /// The runner put the current frame on screen at `now`: counts it and its delay behind its time.
    public mutating func presented(at now: Date) {
        guard phase == .playing, playback.pending, let start = playStartedAt, let media else { return }
        playback.pending = false
        let drift = max(0, now.timeIntervalSince(start) - Double(frame) / max(1, media.fps))
        playback.shown += 1
        playback.driftSum += drift
        playback.maxDrift = max(playback.maxDrift, drift)
        if drift > 0.5 / max(1, media.fps) { playback.late += 1 }
    }

    /// The sixel placements of every frame of the current stimulus as playback will draw them at this size, so that
    /// a backend can encode them during the grey screen (`TerminalBackend.prepareSixels`); empty when no stimulus is
    /// loaded or the pictures are not sixel.
    public func playbackPlacements(width: Int, height: Int) -> [ImagePlacement] {
        guard let media, graphics == .sixel else { return [] }
        var copy = self
        copy.phase = .playing
        return media.frames.indices.flatMap { f -> [ImagePlacement] in
            copy.frame = f
            return copy.render(width: width, height: height).images.filter { $0.kind == .sixel }
        }
    }

    /// When the runner must call `tick` next: the end of the grey screen, or the next frame's time.
    public var nextDue: Date? {
        switch phase {
        case .grey: return greyUntil
        case .playing:
            guard let start = playStartedAt, let media else { return nil }
            return start.addingTimeInterval(Double(frame + 1) / max(1, media.fps))
        default: return nil
        }
    }

    /// Seconds left in the voting window (negative once it has passed), while scoring.
    public func votingSecondsLeft(now: Date) -> Double? {
        guard phase == .scoring, let end = playbackEndedAt else { return nil }
        return study.votingSeconds - now.timeIntervalSince(end)
    }

    /// Seconds between frames of the current stimulus.
    public var frameInterval: Double { 1 / max(1, media?.fps ?? 25) }

    /// Marks the session failed (the runner's store refused a rating).
    public mutating func fail(_ message: String) { phase = .failed(message) }

    // MARK: - Steps

    mutating func beginTrial(now: Date) -> [SessionEffect] {
        guard let trial = current else {
            phase = .finished
            return []
        }
        do {
            media = try load(trial.stimulus)
        } catch {
            phase = .failed("\(error)")
            return []
        }
        guard let media, !media.frames.isEmpty else {
            phase = .failed("trial \(trial.position + 1): the video has no frames")
            return []
        }
        frame = 0
        replays = 0
        scores = Array(repeating: nil, count: study.attributes.count)
        attribute = 0
        typing = false
        shownAt = now
        playbackEndedAt = nil
        guard study.greySeconds > 0 else { return startPlayback(now: now) }
        greyUntil = now.addingTimeInterval(study.greySeconds)
        phase = .grey
        return []
    }

    /// Starts the current stimulus from its first frame, with its sound.
    mutating func startPlayback(now: Date) -> [SessionEffect] {
        guard let media else { return [] }
        frame = 0
        playStartedAt = now
        greyUntil = nil
        playback = PlaybackCounter(frames: media.frames.count)
        playback.pending = true
        phase = .playing
        return [.playAudio]
    }

    mutating func replay(now: Date) -> [SessionEffect] {
        guard media != nil else { return [] }
        replays += 1
        return startPlayback(now: now)
    }

    mutating func typeDigit(_ d: Int) {
        let scale = study.scale
        let previous = scores[attribute]
        var value: Int
        if typing, let p = previous, scale.values.contains(p * 10 + d) {
            value = p * 10 + d
        } else if d == 0 && scale.minimum == 1 && scale.maximum == 10 {
            value = 10
        } else {
            value = d
        }
        guard scale.values.contains(value) else { return }
        scores[attribute] = value
        typing = true
    }

    mutating func adjust(_ delta: Int) {
        let scale = study.scale
        let v = scores[attribute].map { $0 + delta } ?? scale.middle
        scores[attribute] = min(scale.maximum, max(scale.minimum, v))
        typing = false
    }

    mutating func moveAttribute(_ delta: Int) {
        attribute = min(study.attributes.count - 1, max(0, attribute + delta))
        typing = false
    }

    mutating func confirm(now: Date) -> [SessionEffect] {
        typing = false
        guard scores[attribute] != nil else { return [] }
        if let missing = scores.firstIndex(where: { $0 == nil }) {
            attribute = missing
            return []
        }
        guard let trial = current, let shownAt else { return [] }
        let values = scores.compactMap { $0 }
        let decision = Int(((now.timeIntervalSince(playbackEndedAt ?? shownAt)) * 1000).rounded())
        let rating = CompletedRating(raterKey: raterKey, sessionKey: sessionKey, position: trial.position, stimulus: trial.stimulus,
                                     training: trial.training, scores: values, shownAt: shownAt, answeredAt: now,
                                     decisionMilliseconds: max(0, decision), replays: replays,
                                     playback: playback.record(audio: audioPlays && media?.audio != nil))
        var effects: [SessionEffect] = [.save(rating)]
        index += 1
        media = nil
        if index >= trials.count {
            phase = .finished
            noticeLines = ["All \(totalTrials) videos are rated. Thank you!", "", "Press Enter or q to leave."]
        } else if now.timeIntervalSince(startedAt) >= study.sessionMinutes * 60 {
            phase = .limitReached
            noticeLines = ["That is \(Self.minutes(study.sessionMinutes)): time for a rest.",
                           "\(trials.count - index) videos remain; run the same `dropfill rate` command later to continue.",
                           "", "Press Enter or q to leave."]
        } else if trial.training, current?.training == false {
            phase = .notice
            noticeLines = ["Practice is over: from now on every score counts.", "", "Press Enter to go on."]
        } else {
            effects += beginTrial(now: now)
        }
        return effects
    }

    // MARK: - Drawing

    /// Smallest usable screen.
    public static let minimumSize = (width: 50, height: 14)

    /// The whole screen at `width × height`.
    public func render(width: Int, height: Int) -> ScreenBuffer {
        var buf = ScreenBuffer(width: width, height: height)
        buf.fill(buf.bounds, " ", theme.style(.foreground))
        guard width >= Self.minimumSize.width, height >= Self.minimumSize.height else {
            let l = "terminal too small: need \(Self.minimumSize.width)×\(Self.minimumSize.height), have \(width)×\(height)"
            buf.write(l, x: 0, y: height / 2, theme.style(.warning, [.bold]))
            if glyphs == .ascii { buf.foldToASCII() }
            return buf
        }
        drawHeader(into: &buf)
        switch phase {
        case .notice, .finished, .limitReached:
            drawLines(noticeLines, into: &buf, top: 2)
        case let .failed(message):
            drawLines(["Error: " + message, "", "Ratings given so far are saved. Press q to leave."], into: &buf, top: 2)
        case .grey, .playing, .scoring:
            drawTrial(into: &buf)
        }
        drawStatus(into: &buf)
        if showHelp { drawHelp(into: &buf) }
        if glyphs == .ascii { buf.foldToASCII() }
        return buf
    }

    func drawHeader(into buf: inout ScreenBuffer) {
        let title = " dropfill rate · \(study.name) · rater \(RaterID.escaped(raterID))"
        buf.write(title, x: 0, y: 0, theme.style(.accent, [.bold]), maxWidth: buf.width - 24)
        if let t = current, phase == .grey || phase == .playing || phase == .scoring {
            let right = t.training ? "practice \(t.position + 1)" : "video \(t.position + 1 - trainingCount) of \(totalTrials - trainingCount)"
            buf.write(right + " ", x: buf.width - right.count - 1, y: 0, theme.style(t.training ? .warning : .muted))
        }
    }


    func drawLines(_ lines: [String], into buf: inout ScreenBuffer, top: Int) {
        for (i, l) in lines.enumerated() where top + i < buf.height - 1 {
            let style = i == 0 ? theme.style(.accent, [.bold]) : (l.hasPrefix("Sound:") ? theme.style(.warning) : theme.style(.foreground))
            buf.write(l, x: 2, y: top + i, style, maxWidth: buf.width - 4)
        }
    }

    /// The mid-grey of the screen between stimuli and behind the voting window (P.910: 50 % grey).
    public static let grey = RGBColor(128, 128, 128)

    func drawTrial(into buf: inout ScreenBuffer) {
        let panelHeight = study.attributes.count + 3
        let video = CellRect(x: 1, y: 2, width: buf.width - 2, height: buf.height - 3 - panelHeight - 1)
        if phase == .playing, let media, let t = current {
            let image = media.frames[min(frame, media.frames.count - 1)]
            // Native size: a stimulus is never enlarged (only shrunk when the terminal is too small for it).
            ImageRenderer.draw(image, into: &buf, rect: video, mode: graphics, key: "trial\(t.position)#\(frame)",
                               cellPixels: cellPixels, glyphs: glyphs, exactColors: exactColors, background: theme.style(.foreground),
                               allowUpscaling: false)
        } else {
            buf.fill(video, " ", CellStyle(fg: .rgb(Self.grey), bg: .rgb(Self.grey)))
            if exactColors { buf.images.append(ImagePlacement(rect: video, kind: .exactCells, key: "grey")) }
        }
        let top = buf.height - 1 - panelHeight
        switch phase {
        case .grey:
            buf.write("Next video in a moment…", x: 2, y: top, theme.style(.muted))
            return
        case .playing:
            let n = media?.frames.count ?? 0
            buf.write("Playing… \(frame + 1)/\(n)", x: 2, y: top, theme.style(.muted))
            return
        default: break
        }
        let left = votingSecondsLeft(now: clock ?? Date()) ?? 0
        let window = left > 0 ? "vote within \(Int(left.rounded(.up))) s" : "voting time is up — please answer now"
        buf.write("Your scores · \(window):", x: 2, y: top, theme.style(.accent, [.bold]))
        buf.write("Scale \(study.scale.title): \(study.scale.legend)", x: 2, y: top + 1, theme.style(.muted), maxWidth: buf.width - 4)
        let nameWidth = study.attributes.map(\.count).max() ?? 0
        for (i, name) in study.attributes.enumerated() {
            let y = top + 2 + i
            let selected = i == attribute
            let marker = selected ? String(glyphs.rowMarker) : " "
            buf.write(marker, x: 2, y: y, theme.style(.cursor, [.bold]))
            buf.write(name, x: 4, y: y, selected ? theme.style(.foreground, [.bold]) : theme.style(.foreground))
            var x = 4 + nameWidth + 2
            let value = scores[i]
            let box = value.map { String($0) } ?? "·"
            let boxText = "[" + String(repeating: " ", count: max(0, 2 - box.count)) + box + "]"
            x += buf.write(boxText, x: x, y: y, selected ? theme.style(.cursor, [.bold]) : theme.style(.foreground)) + 2
            for v in study.scale.values {
                // Labelled points carry their word (ACR: "1 Bad"); the others their number only.
                let label = study.scale == .acr5 ? "\(v) \(study.scale.label(v) ?? "")" : "\(v)"
                let style = v == value ? theme.style(.statusForeground, bg: .statusBackground, [.bold]) : theme.style(.muted)
                x += buf.write(label, x: x, y: y, style) + 1
            }
            if study.scale != .acr5, let v = value, let word = study.scale.label(v) { buf.write(" " + word, x: x, y: y, theme.style(.muted)) }
        }
    }

    func drawStatus(into buf: inout ScreenBuffer) {
        let style = theme.style(.statusForeground, bg: .statusBackground)
        let y = buf.height - 1
        buf.fill(CellRect(x: 0, y: y, width: buf.width, height: 1), " ", style)
        let text: String
        switch phase {
        case .notice: text = " Enter begin · ? help · q quit"
        case .grey: text = " ? help · q quit"
        case .playing: text = " playing · r replay · ? help · q quit"
        case .scoring: text = " \(study.scale.minimum)-\(study.scale.maximum) or ←/→ score · ↑/↓ attribute · Enter next/save · r replay · ? help · q quit"
        case .finished, .limitReached, .failed: text = " Enter or q leave"
        }
        buf.write(text, x: 0, y: y, style, maxWidth: buf.width)
    }

    func drawHelp(into buf: inout ScreenBuffer) {
        let lines = RatingKeymap.helpLines(scale: study.scale)
        let width = min(buf.width - 2, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(buf.height - 2, lines.count + 4)
        let rect = CellRect(x: (buf.width - width) / 2, y: max(0, (buf.height - 1 - height) / 2), width: width, height: height)
        buf.removeImages(overlapping: rect)
        let style = theme.style(.helpForeground, bg: .helpBackground)
        buf.fill(rect, " ", style)
        buf.write(" Keys — Esc or ? closes ", x: rect.x + 2, y: rect.y, theme.style(.accent, bg: .helpBackground, [.bold]))
        for (r, line) in lines.enumerated() where r < rect.height - 3 {
            buf.write(line, x: rect.x + 1, y: rect.y + 2 + r, style, maxWidth: rect.width - 2)
        }
    }
}

// MARK: - Playback counting

/// Running counts of one playback (turned into the stored `PlaybackRecord` with the rating).
public struct PlaybackCounter: Sendable, Equatable {
    public var frames = 0
    public var shown = 0
    public var dropped = 0
    public var late = 0
    public var driftSum = 0.0
    public var maxDrift = 0.0
    /// A new frame is waiting to be counted as shown.
    var pending = false

    public init(frames: Int = 0) {
        self.frames = frames
    }

    /// The record stored with the rating (drift in milliseconds).
    public func record(audio: Bool) -> PlaybackRecord {
        PlaybackRecord(frames: frames, framesShown: shown, framesDropped: dropped, lateFrames: late,
                       meanDriftMilliseconds: shown > 0 ? driftSum / Double(shown) * 1000 : 0, maxDriftMilliseconds: maxDrift * 1000, audio: audio)
    }
}
