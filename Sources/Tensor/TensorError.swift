/// Errors the tensor engine throws for bad shapes and bad model files.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Two shapes that had to agree did not.
    case shapeMismatch(operation: String, expected: [Int], got: [Int])
    /// A safetensors file could not be read.
    case invalidModelFile(String)
    /// A model file ends before the data its header promises.
    case truncatedModelFile(String)
    /// A tensor in a model file has an element type this engine does not read.
    case unsupportedDType(tensor: String, dtype: String)
    /// A tensor the model needs is absent from the file.
    case missingTensor(String)
    /// A file could not be opened, read or written.
    case io(path: String, reason: String)
    /// A number that must be finite (a hyper-parameter, a loss, a weight) is NaN or infinite.
    case nonFinite(String)

    /// What is wrong, for a message that names the file itself: an `.io` error's reason, else the description.
    public var reason: String {
        switch self {
        case let .io(_, reason): reason
        case let .invalidModelFile(why): "not a safetensors model file (\(why))"
        default: description
        }
    }

    public var description: String {
        switch self {
        case let .shapeMismatch(op, expected, got): "\(op): expected shape \(expected), got \(got)"
        case let .invalidModelFile(why): "invalid model file: \(why)"
        case let .truncatedModelFile(why): "truncated model file: \(why)"
        case let .unsupportedDType(tensor, dtype): "model file: tensor '\(tensor)' has unsupported dtype '\(dtype)' (F32, F64, F16, BF16 are read)"
        case let .missingTensor(name): "model file lacks tensor '\(name)'"
        case let .io(path, reason): "\(path): \(reason)"
        case let .nonFinite(what): "not a finite number: \(what)"
        }
    }
}
