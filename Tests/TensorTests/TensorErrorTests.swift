import Testing
@testable import Tensor

/// The module's typed errors read as one clear line that names what went wrong.
@Suite struct TensorErrorTests {
    @Test func descriptionNamesTheProblem() {
        let error: TensorError = .shapeMismatch(operation: "conv2d", expected: [1, 2], got: [3])
        #expect(error.description.contains("conv2d"))
        #expect(!error.description.contains("\n"))
    }
}
