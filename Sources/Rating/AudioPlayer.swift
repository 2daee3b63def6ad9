import Foundation
import Media

/// Whether and how the session can play sound: ALSA's `aplay` (alsa-utils) fed raw PCM through a pipe.
public struct AudioOutput: Sendable, Equatable {
    /// The `aplay` binary, when there is a sound device and aplay is installed.
    public var aplay: String?
    /// Why there is no sound (for the session's opening notice), nil when there is.
    public var reason: String?

    public var available: Bool { aplay != nil }

    /// Looks for a sound device (`/dev/snd` with a PCM playback node) and `aplay` in `PATH`.
    /// `DROPFILL_AUDIO=off` forces silence (for tests and demos).
    public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment, devices: String = "/dev/snd") -> AudioOutput {
        if environment["DROPFILL_AUDIO"]?.lowercased() == "off" { return AudioOutput(aplay: nil, reason: "sound turned off by DROPFILL_AUDIO=off") }
        let nodes = (try? FileManager.default.contentsOfDirectory(atPath: devices)) ?? []
        guard nodes.contains(where: { $0.hasPrefix("pcm") && $0.hasSuffix("p") }) else {
            return AudioOutput(aplay: nil, reason: "no sound device (\(devices) has no playback PCM)")
        }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/aplay" }
        guard let aplay = path.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return AudioOutput(aplay: nil, reason: "aplay not found (install alsa-utils)")
        }
        return AudioOutput(aplay: aplay, reason: nil)
    }

    /// Sample rate the stimuli's audio is decoded at for playback.
    public static let sampleRate = 48_000
}

/// Plays one track at a time through an `aplay` child process (started per playback, stopped on replay or quit).
public final class AudioPlayer: @unchecked Sendable {
    private let aplay: String
    private var process: Process?
    private let lock = NSLock()

    public init(aplay: String) {
        self.aplay = aplay
        // A write to a player that quit must fail, not kill the session.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { stop() }

    /// Starts playing `track` (stopping whatever played before). Errors are swallowed: sound is best effort and the
    /// video goes on.
    public func play(_ track: AudioTrack) {
        stop()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: aplay)
        p.arguments = ["-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", "\(track.sampleRate)", "-"]
        let pipe = Pipe()
        p.standardInput = pipe
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return }
        lock.lock()
        process = p
        lock.unlock()
        var pcm = Data(count: track.samples.count * 2)
        pcm.withUnsafeMutableBytes { raw in
            let out = raw.bindMemory(to: Int16.self)
            for (i, s) in track.samples.enumerated() { out[i] = Int16(max(-1, min(1, s)) * 32767).littleEndian }
        }
        let handle = pipe.fileHandleForWriting, bytes = pcm
        Thread.detachNewThread {
            try? handle.write(contentsOf: bytes)
            try? handle.close()
        }
    }

    /// Stops the current playback (our own child only, by its process id).
    public func stop() {
        lock.lock()
        let p = process
        process = nil
        lock.unlock()
        if let p, p.isRunning { p.terminate() }
    }
}
