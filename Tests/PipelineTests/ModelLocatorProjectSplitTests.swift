import Corpus
import Foundation
import Testing
@testable import Pipeline

/// The CLI finds the project split beside the shipped models of a checkout.
@Suite struct ModelLocatorProjectSplitTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func splitIsFoundNextToTheModelsFolder() throws {
        let models = Self.checkout.appendingPathComponent("SampleData/models").path
        let locator = ModelLocator(searchFolders: ["/nonexistent/SampleData/models", models])
        let path = try #require(locator.projectSplitPath())
        #expect(path == Self.checkout.appendingPathComponent(ProjectSplit.shippedPath).path)
        #expect(try locator.projectSplit()?.persons(on: .test).isEmpty == false)
        #expect(ModelLocator(searchFolders: ["/nonexistent/SampleData/models"]).projectSplitPath() == nil)
    }
}
