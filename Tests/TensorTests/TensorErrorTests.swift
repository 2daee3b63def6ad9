import Testing
@testable import Tensor

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct TensorErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: TensorError = .shapeMismatch(operation: "conv2d", expected: [1, 2], got: [3])
        #expect(error.description.contains("conv2d"))
        #expect(error.description.contains("[1, 2]"))
        #expect(!error.description.contains("\n"))
    }

    @Test func everyCaseIsOneLine() {
        let all: [TensorError] = [.invalidModelFile("bad"), .truncatedModelFile("short"),
                                  .unsupportedDType(tensor: "w", dtype: "I64"), .missingTensor("w"), .io(path: "/x", reason: "gone")]
        for e in all {
            #expect(!e.description.isEmpty)
            #expect(!e.description.contains("\n"))
        }
    }
}
