/// Errors the tensor engine throws for bad shapes and bad model files.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Two shapes that had to agree did not.
    case shapeMismatch(operation: String, expected: [Int], got: [Int])
    /// A safetensors file could not be read.
    case invalidModelFile(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, expected, got): "\(op): expected shape \(expected), got \(got)"
        case let .invalidModelFile(why): "invalid model file: \(why)"
        }
    }
}
