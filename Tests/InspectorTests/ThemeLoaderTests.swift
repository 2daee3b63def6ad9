import Foundation
import Testing
@testable import Inspector

/// The one loader for theme and colour-map files.
@Suite struct ThemeLoaderTests {
    @Test func parsesKeysCommentsAndBlankLines() throws {
        let pairs = try ThemeLoader.parse("""
            # a comment
            accent = "#112233"   # trailing comment

              muted="#445566"
            """)
        #expect(pairs.map(\.key) == ["accent", "muted"])
        #expect(pairs.map(\.value) == ["#112233", "#445566"])
    }

    @Test func badLineNamesItsNumber() {
        #expect(throws: InspectorError.invalidTheme("t line 2: expected key = \"value\"")) {
            _ = try ThemeLoader.parse("accent = \"#112233\"\naccent #112233", source: "t")
        }
    }

    @Test func badColourIsAnError() {
        #expect(throws: InspectorError.self) {
            _ = try ThemeLoader.theme(named: "x", text: "accent = \"red\"") { (_: String) throws(InspectorError) in .grey }
        }
    }

    @Test func missingKeysFallBackToTheDefault() throws {
        let t = try ThemeLoader.theme(named: "partial", text: "accent = \"#010203\"\nsparkle = \"#FFFFFF\"") { (_: String) throws(InspectorError) in .grey }
        #expect(t[.accent] == RGBColor(1, 2, 3))
        #expect(t[.wrong] == Theme.defaultColors[.wrong])
        #expect(t.unknownKeys == ["sparkle"])
    }

    @Test func repositoryThemesLoadCompletely() throws {
        let loader = ThemeLoader(searchPaths: [TestSessions.themesDir])
        #expect(Set(loader.availableThemes()).isSuperset(of: ["default", "dark", "light", "plain16"]))
        #expect(Set(loader.availableColormaps()).isSuperset(of: ["viridis", "magma", "grey"]))
        for name in ["dark", "light", "plain16"] {
            let t = try loader.load(name)
            #expect(t.unknownKeys.isEmpty, "\(name): \(t.unknownKeys)")
            for key in ThemeKey.allCases { #expect(t.colors[key] != nil, "\(name) lacks \(key.rawValue)") }
        }
        #expect(try loader.load("dark").colormap.name == "viridis")
        #expect(try loader.load("light").colormap.name == "magma")
    }

    @Test func plain16UsesOnlyAnsiColours() throws {
        let t = try ThemeLoader(searchPaths: [TestSessions.themesDir]).load("plain16")
        for key in ThemeKey.allCases { #expect(ColorQuantizer.ansi16.contains(t[key]), "\(key.rawValue) = \(t[key])") }
    }

    @Test func loadsByPathAndRejectsUnknownNames() throws {
        let loader = ThemeLoader(searchPaths: [TestSessions.themesDir])
        let byPath = try loader.load(TestSessions.themesDir + "/light.theme")
        #expect(byPath.name == "light")
        #expect(throws: InspectorError.self) { _ = try loader.load("no-such-theme") }
    }

    @Test func colormapInterpolatesBetweenStops() throws {
        let map = try ThemeLoader.colormap(named: "two", text: "stop1 = \"#FFFFFF\"\nstop0 = \"#000000\"")
        #expect(map.color(at: 0) == RGBColor(0, 0, 0))
        #expect(map.color(at: 1) == RGBColor(255, 255, 255))
        #expect(map.color(at: 0.5) == RGBColor(128, 128, 128))
        #expect(map.color(at: .nan) == RGBColor(0, 0, 0))
        #expect(throws: InspectorError.self) { _ = try ThemeLoader.colormap(named: "one", text: "stop0 = \"#000000\"") }
    }
}
