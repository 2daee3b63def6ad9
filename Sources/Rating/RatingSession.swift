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
    /// The current stimulus is playing.
    case playing
    /// The rater is scoring the current stimulus.
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
            lines.append("Score each on: \(study.attributes.joined(separator: ", ")) (\(study.scale.minimum) worst … \(study.scale.maximum) best).")
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
        case .playing:
            return action == .replay ? replay() : []
        case .scoring:
            switch action {
            case .increase: adjust(+1)
            case .decrease: adjust(-1)
            case .nextAttribute: moveAttribute(+1)
            case .previousAttribute: moveAttribute(-1)
            case .replay: return replay()
            case .confirm: return confirm(now: now)
            default: break
            }
            return []
        case .finished, .limitReached, .failed:
            return action == .confirm ? [.quit] : []
        }
    }

    /// Advances playback by one frame (the runner calls it at the stimulus's frame rate).
    public mutating func tick(now: Date = Date()) -> [SessionEffect] {
        guard phase == .playing, let media else { return [] }
        if frame + 1 < media.frames.count {
            frame += 1
            return []
        }
        phase = .scoring
        playbackEndedAt = now
        typing = false
        return [.stopAudio]
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
        phase = .playing
        return [.playAudio]
    }

    mutating func replay() -> [SessionEffect] {
        guard media != nil else { return [] }
        replays += 1
        frame = 0
        phase = .playing
        return [.playAudio]
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
                                     decisionMilliseconds: max(0, decision), replays: replays)
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
        case .playing, .scoring:
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
        if let t = current, phase == .playing || phase == .scoring {
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

    func drawTrial(into buf: inout ScreenBuffer) {
        let panelHeight = study.attributes.count + 2
        let video = CellRect(x: 1, y: 2, width: buf.width - 2, height: buf.height - 3 - panelHeight - 1)
        if let media, let t = current {
            let image = media.frames[min(frame, media.frames.count - 1)]
            ImageRenderer.draw(image, into: &buf, rect: video, mode: graphics, key: "trial\(t.position)#\(frame)",
                               cellPixels: cellPixels, glyphs: glyphs, exactColors: exactColors, background: theme.style(.foreground))
        }
        let top = buf.height - 1 - panelHeight
        if phase == .playing {
            let n = media?.frames.count ?? 0
            buf.write("Playing… \(frame + 1)/\(n)", x: 2, y: top, theme.style(.muted))
            return
        }
        buf.write("Your scores (\(study.scale.minimum) worst … \(study.scale.maximum) best):", x: 2, y: top, theme.style(.accent, [.bold]))
        let nameWidth = study.attributes.map(\.count).max() ?? 0
        for (i, name) in study.attributes.enumerated() {
            let y = top + 1 + i
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
                let label = "\(v)"
                let style = v == value ? theme.style(.statusForeground, bg: .statusBackground, [.bold]) : theme.style(.muted)
                x += buf.write(label, x: x, y: y, style) + 1
            }
            if let v = value, let word = study.scale.label(v) { buf.write(" " + word, x: x, y: y, theme.style(.muted)) }
        }
    }

    func drawStatus(into buf: inout ScreenBuffer) {
        let style = theme.style(.statusForeground, bg: .statusBackground)
        let y = buf.height - 1
        buf.fill(CellRect(x: 0, y: y, width: buf.width, height: 1), " ", style)
        let text: String
        switch phase {
        case .notice: text = " Enter begin · ? help · q quit"
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
