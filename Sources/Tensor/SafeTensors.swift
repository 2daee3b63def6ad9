import Foundation
import SafeOutput

/// The contents of a safetensors file: named tensors and the `__metadata__` string map.
public struct SafeTensorsFile: Sendable {
    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw little-endian data),
/// compatible with PyTorch's `safetensors.torch.save_file` / `load_file`.
///
/// Every offset and length is validated before any byte is read: a corrupt or truncated file is a typed
/// `TensorError`, never a crash or an out-of-bounds read.
public enum SafeTensors {
    /// Largest header accepted (the reference implementation's limit is 100 MB).
    static let maxHeaderBytes = 100_000_000

    // MARK: Reading

    /// Reads a file from disk.
    public static func read(path: String) throws -> SafeTensorsFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw TensorError.io(path: path, reason: ErrorText.reason(error))
        }
        // A parse error names the file: the decoder only sees bytes.
        do { return try decode(data) } catch let error as TensorError { throw TensorError.io(path: path, reason: error.reason) }
    }

    /// Parses the bytes of a safetensors file. F64, F16 and BF16 tensors are converted to Float32.
    public static func decode(_ data: Data) throws -> SafeTensorsFile {
        guard data.count >= 8 else {
            throw TensorError.truncatedModelFile("\(data.count) bytes, shorter than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(maxHeaderBytes) else {
            throw TensorError.invalidModelFile("header length \(headerLength) exceeds the \(maxHeaderBytes)-byte limit")
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw TensorError.truncatedModelFile("header length \(headerLength) runs past the end of the \(data.count)-byte file")
        }
        let headerStart = data.startIndex + 8
        let dataStart = headerStart + Int(headerLength)
        let header = data.subdata(in: headerStart..<dataStart)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: header)
        } catch {
            throw TensorError.invalidModelFile("header is not valid JSON")
        }
        guard let entries = json as? [String: Any] else {
            throw TensorError.invalidModelFile("header is not a JSON object")
        }
        let dataCount = data.count - 8 - Int(headerLength)
        var file = SafeTensorsFile(tensors: [:])
        for (name, entry) in entries {
            if name == "__metadata__" {
                guard let map = entry as? [String: Any] else {
                    throw TensorError.invalidModelFile("__metadata__ is not an object")
                }
                for (k, v) in map {
                    guard let s = v as? String else { throw TensorError.invalidModelFile("__metadata__ value of '\(k)' is not a string") }
                    file.metadata[k] = s
                }
                continue
            }
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let shapeAny = info["shape"] as? [Any], let offsetsAny = info["data_offsets"] as? [Any] else {
                throw TensorError.invalidModelFile("tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            let shape = try shapeAny.map { try integer($0, "shape of '\(name)'") }
            let offsets = try offsetsAny.map { try integer($0, "data_offsets of '\(name)'") }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 40 }) else {
                throw TensorError.invalidModelFile("tensor '\(name)' has an invalid shape \(shape)")
            }
            guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw TensorError.invalidModelFile("tensor '\(name)' has invalid data_offsets \(offsets)")
            }
            guard offsets[1] <= dataCount else {
                throw TensorError.truncatedModelFile("tensor '\(name)' ends at byte \(offsets[1]) of a \(dataCount)-byte data section")
            }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F64": width = 8
            case "F16", "BF16": width = 2
            default: throw TensorError.unsupportedDType(tensor: name, dtype: dtype)
            }
            var bytesNeeded = width, overflow = false
            for extent in shape where !overflow {
                (bytesNeeded, overflow) = bytesNeeded.multipliedReportingOverflow(by: extent)
            }
            guard !overflow, bytesNeeded == offsets[1] - offsets[0] else {
                throw TensorError.invalidModelFile("tensor '\(name)': shape \(shape) × \(width) bytes ≠ \(offsets[1] - offsets[0]) bytes of data")
            }
            let bytes = data.subdata(in: (dataStart + offsets[0])..<(dataStart + offsets[1]))
            let tensor = convert(bytes, dtype: dtype, shape: shape)
            // A model of NaN weights restores NaN pictures: refuse it here, whoever loads it.
            if let bad = tensor.firstNonFiniteIndex {
                throw TensorError.invalidModelFile("tensor '\(name)' holds a non-finite value (\(tensor.scalars[bad]) at element \(bad))")
            }
            file.tensors[name] = tensor
        }
        return file
    }

    private static func integer(_ value: Any, _ what: String) throws -> Int {
        // `as? Int` only succeeds for numbers that convert exactly (1.5 does not).
        if let n = value as? Int, n >= 0 { return n }
        throw TensorError.invalidModelFile("\(what) holds a non-integer or negative value")
    }

    private static func convert(_ bytes: Data, dtype: String, shape: [Int]) -> Tensor {
        var t = Tensor(zeros: shape)
        let n = t.count
        bytes.withUnsafeBytes { raw in
            t.withUnsafeMutablePointer { out in
                for i in 0..<n {
                    switch dtype {
                    case "F32": out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian)
                    case "F64": out[i] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian))
                    case "BF16":
                        let h = raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian
                        out[i] = Float(bitPattern: UInt32(h) << 16)
                    default:
                        let h = raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian
                        out[i] = halfToFloat(h)
                    }
                }
            }
        }
        return t
    }

    /// IEEE 754 binary16 → Float32 (exact).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = (h & 0x8000) != 0 ? -1 : 1
        let e = Int((h >> 10) & 0x1F), m = Float(h & 0x3FF)
        if e == 0 { return sign * m * Float(sign: .plus, exponent: -24, significand: 1) }
        if e == 31 { return m == 0 ? sign * .infinity : .nan }
        return sign * (1 + m / 1024) * Float(sign: .plus, exponent: e - 15, significand: 1)
    }

    // MARK: Writing

    /// The bytes of a safetensors file holding `tensors` (as F32, sorted by name) and `metadata`.
    public static func encode(tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            guard name != "__metadata__", let t = tensors[name] else { continue }
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        while json.count % 8 != 0 { json.append(0x20) }  // pad so the data section is 8-byte aligned
        var out = Data(capacity: 8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            guard let t = tensors[name] else { continue }
            t.withUnsafePointer { p in
                var le = [UInt32](repeating: 0, count: t.count)
                for i in 0..<t.count { le[i] = p[i].bitPattern.littleEndian }
                le.withUnsafeBytes { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    /// Writes a safetensors file through `OutputFile` (claimed, atomic, every write checked). A `reclaimable` file
    /// (a checkpoint, a cache) may be rewritten by the same command. Non-finite values are refused: such a file
    /// could not be loaded back.
    public static func write(tensors: [String: Tensor], metadata: [String: String] = [:], to path: String,
                             reclaimable: Bool = false) throws {
        for (name, t) in tensors where !t.isFinite {
            throw TensorError.nonFinite("\(path): tensor '\(name)' holds NaN or ±∞; not written")
        }
        let data = try encode(tensors: tensors, metadata: metadata)
        try OutputFile.write(data, to: path, reclaimable: reclaimable)
    }
}

// MARK: - Modules and files

extension Module {
    /// Every parameter's value by name.
    public var stateDict: [String: Tensor] {
        Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Copies values from `tensors` into the parameters by name; throws on a missing tensor or a shape mismatch.
    public func load(stateDict tensors: [String: Tensor]) throws {
        for p in parameters {
            guard let t = tensors[p.name] else { throw TensorError.missingTensor(p.name) }
            try t.check(p.value.shape, "load \(p.name)")
        }
        for p in parameters { if let t = tensors[p.name] { p.value = t } }
    }

    /// Saves the parameters and `metadata` (architecture, settings) as a safetensors file; a `reclaimable` file
    /// (the best model so far, rewritten every epoch) may be rewritten by the same command.
    public func save(to path: String, metadata: [String: String] = [:], reclaimable: Bool = false) throws {
        try SafeTensors.write(tensors: stateDict, metadata: metadata, to: path, reclaimable: reclaimable)
    }

    /// Loads parameters from a safetensors file and returns its metadata.
    @discardableResult
    public func load(from path: String) throws -> [String: String] {
        let file = try SafeTensors.read(path: path)
        try load(stateDict: file.tensors)
        return file.metadata
    }
}
