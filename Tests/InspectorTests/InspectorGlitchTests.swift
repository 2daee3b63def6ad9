import Foundation
import Media
import Testing
@testable import Inspector

/// The glitches of issue 15, each pinned: `=` fits again after zooming, the legend's colours are drawn as the
/// heatmap's are, one slot numbering, `s` writes PNGs, `--aligner`/`--method` pick the opening entries, the audio
/// lane and the face zoom are there.
@Suite struct InspectorGlitchTests {
    @Test func equalsFitsTheHeatmapAgainAfterZooming() {
        var ui = TestSessions.ui()
        let fitted = ui.render(width: 100, height: 30).text
        _ = ui.perform(.zoomIn)
        _ = ui.perform(.zoomIn)
        let zoomed = ui.render(width: 100, height: 30).text
        #expect(zoomed != fitted)
        #expect(Keymap.action(for: .char("=")) == .zoomFit)
        _ = ui.handle(.key(.char("=")))
        #expect(ui.render(width: 100, height: 30).text == fitted)
    }

    /// With exact colours the heatmap is drawn in 24-bit; its colour bar must be too, or the legend shows other colours.
    @Test func legendBarIsDrawnLikeTheHeatmap() {
        var ui = TestSessions.ui(graphics: .truecolor)
        ui.state.exactColors = true
        let buf = ui.render(width: 100, height: 30)
        let exact = buf.images.filter { $0.kind == .exactCells }
        #expect(exact.contains { $0.key == "heatmap" })
        let bar = exact.first { $0.key.hasPrefix("colorbar:") }
        #expect(bar != nil)
        ui.state.exactColors = false
        #expect(!ui.render(width: 100, height: 30).images.contains { $0.key.hasPrefix("colorbar:") || $0.key == "heatmap" })
    }

    @Test func slotsAreCountedFromZeroEverywhere() {
        var ui = TestSessions.ui()
        _ = ui.perform(.slotLast)
        let lines = ui.render(width: 100, height: 30).textLines
        #expect(lines.last?.contains("slot 29 of 0–29") == true)
        #expect(lines[lines.count - 3].contains("29 ▲") || lines[lines.count - 3].contains("▲ 29"))
    }

    @Test func sSavesRestoredTruthAndDifferenceAsPNG() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-save-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var ui = TestSessions.ui()
        ui.state.saveDirectory = dir
        _ = ui.perform(.slotRight)
        _ = ui.handle(.key(.char("s")))
        let names = InspectorUI.savedFileNames(clip: "synthetic.mp4", slot: 1, method: "hold", aligner: "dp").map(\.name)
        #expect(names == ["synthetic-slot0001-restored-hold-dp.png", "synthetic-slot0001-truth.png", "synthetic-slot0001-difference-hold-dp.png"])
        for n in names {
            let image = try PNGImage.read(dir + "/" + n)
            #expect(image.width > 0)
        }
        #expect(ui.state.notice?.contains("saved 3 PNG") == true)
        #expect(ui.render(width: 100, height: 30).textLines.last?.contains("saved 3 PNG") == true)
    }

    @Test func preferredAlignerAndMethodOpenTheSession() {
        var state = TestSessions.state()
        let session = state.session
        state.session = nil
        state.preferredAligner = "uniform"
        state.preferredMethod = "blend"
        state.session = session
        state.applyPreferences()
        #expect(state.alignment?.name == "uniform" && state.method == "blend")
        state.preferredAligner = "posterior"
        state.alignerIndex = 0
        state.applyPreferences()
        #expect(state.alignment?.name == "dp")
        #expect(state.notice?.contains("aligner posterior not available") == true)
    }

    @Test func audioLaneAndFaceZoomFillTheFramesView() {
        var ui = TestSessions.ui(graphics: .truecolor)
        _ = ui.perform(.viewFrames)
        let buf = ui.render(width: 100, height: 40)
        let lane = buf.textLines[buf.height - 2]
        #expect(lane.hasPrefix(" audio"))
        #expect(Set(lane.unicodeScalars).intersection(PositionsStrip.bars.dropFirst()).count >= 3, "a lane with levels: \(lane)")
        #expect(buf.text.contains("zoom: centre"))
        let energy = TestSessions.session().audioEnergy ?? []
        #expect(energy.count == 30 && (energy.max() ?? 0) == 1 && energy.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
