import Foundation
import Media

// MARK: - `s`: the current slot's frames as PNG

extension InspectorUI {
    /// The files `s` writes for the current slot: `<clip>-slot<NNNN>-<kind>.png` in `saveDirectory`.
    public static func savedFileNames(clip: String, slot: Int, method: String, aligner: String) -> [(kind: FrameKind, name: String)] {
        let base = clip.split(separator: " ").first.map(String.init) ?? clip
        let stem = URL(fileURLWithPath: base).deletingPathExtension().lastPathComponent
        let s = String(format: "%04d", slot)
        return [(.restored(method: method, aligner: aligner), "\(stem)-slot\(s)-restored-\(method)-\(aligner).png"),
                (.truth, "\(stem)-slot\(s)-truth.png"),
                (.difference(method: method, aligner: aligner), "\(stem)-slot\(s)-difference-\(method)-\(aligner).png")]
    }

    /// Writes the restored, truth and difference frames at the cursor's slot (those that exist) with Media's PNG
    /// writer, and says what it wrote (or why not) in the status bar.
    mutating func saveFrames() {
        guard let session = state.session, let method = state.method, let aligner = state.alignment?.name else {
            state.notice = "nothing to save yet"
            return
        }
        var written: [String] = [], failed: [String] = []
        for (kind, name) in Self.savedFileNames(clip: state.clipName, slot: state.slot, method: method, aligner: aligner) {
            guard let image = session.frames.frame(slot: state.slot, kind: kind) else { continue }
            let path = URL(fileURLWithPath: state.saveDirectory).appendingPathComponent(name).path
            do {
                try PNGImage.write(image, to: path)
                written.append(name)
            } catch {
                failed.append("\(name): \(error)")
            }
        }
        if !failed.isEmpty {
            state.notice = "not saved: " + failed.joined(separator: "; ")
        } else if written.isEmpty {
            state.notice = "slot \(state.slot): no frames to save"
        } else {
            state.notice = "saved \(written.count) PNG in \(state.saveDirectory): " + written.joined(separator: ", ")
        }
    }
}
