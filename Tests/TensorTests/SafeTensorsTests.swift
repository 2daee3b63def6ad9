import Foundation
import Testing
@testable import Tensor

/// safetensors files: round trips, the PyTorch layout, and typed errors (never a crash) for corrupt files.
@Suite struct SafeTensorsTests {
    private func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
        var out = Data()
        var n = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    private func expectError(_ data: Data, _ matches: (TensorError) -> Bool, _ what: String) {
        do {
            _ = try SafeTensors.decode(data)
            Issue.record("\(what): decoded without error")
        } catch let e as TensorError {
            #expect(matches(e), "\(what): got \(e)")
        } catch {
            Issue.record("\(what): untyped error \(error)")
        }
    }

    @Test func roundTripKeepsValuesShapesAndMetadata() throws {
        let a = Support.random([2, 3, 4], seed: 1), b = try Tensor(shape: [5], scalars: [1, -2, 3.5, 0, 7])
        let data = try SafeTensors.encode(tensors: ["conv.weight": a, "conv.bias": b, "empty": Tensor(zeros: [0, 3])],
                                          metadata: ["architecture": "fe-net", "note": "quote \" and slash /"])
        let back = try SafeTensors.decode(data)
        #expect(back.tensors["conv.weight"]?.scalars == a.scalars)
        #expect(back.tensors["conv.weight"]?.shape == [2, 3, 4])
        #expect(back.tensors["conv.bias"]?.scalars == b.scalars)
        #expect(back.tensors["empty"]?.shape == [0, 3])
        #expect(back.metadata == ["architecture": "fe-net", "note": "quote \" and slash /"])
        // The data section starts 8-byte aligned, as the reference implementation writes it.
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        #expect(headerLength % 8 == 0)
    }

    @Test func readsTheLayoutPyTorchWrites() throws {
        // Bytes as safetensors.torch.save_file writes them: a JSON header, then little-endian F32 and F16 data.
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"d":{"dtype":"F64","shape":[1],"data_offsets":[12,20]}}"#
        var payload: [UInt8] = []
        for v in [Float(1.5), -2] { withUnsafeBytes(of: v.bitPattern.littleEndian) { payload += $0 } }
        payload += [0x00, 0x3C, 0x00, 0xC0]  // F16 1.0 and −2.0
        withUnsafeBytes(of: (0.25 as Double).bitPattern.littleEndian) { payload += $0 }
        let f = try SafeTensors.decode(file(header: header, data: payload))
        #expect(f.tensors["a"]?.scalars == [1.5, -2])
        #expect(f.tensors["h"]?.scalars == [1, -2])
        #expect(f.tensors["d"]?.scalars == [0.25])
        #expect(f.metadata["format"] == "pt")
    }

    @Test func truncatedHeaderLength() {
        expectError(Data([1, 2, 3]), { if case .truncatedModelFile = $0 { true } else { false } }, "3-byte file")
    }

    @Test func headerLengthBeyondFile() {
        expectError(file(header: "{}", declaredLength: 4096), { if case .truncatedModelFile = $0 { true } else { false } }, "long header")
        expectError(file(header: "{}", declaredLength: UInt64.max), { if case .invalidModelFile = $0 { true } else { false } }, "huge header")
    }

    @Test func offsetsOutOfRange() {
        let past = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        expectError(file(header: past, data: [UInt8](repeating: 0, count: 8)),
                    { if case .truncatedModelFile = $0 { true } else { false } }, "data past the end")
        let reversed = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#
        expectError(file(header: reversed, data: [UInt8](repeating: 0, count: 8)),
                    { if case .invalidModelFile = $0 { true } else { false } }, "reversed offsets")
        let wrongSize = #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#
        expectError(file(header: wrongSize, data: [UInt8](repeating: 0, count: 8)),
                    { if case .invalidModelFile = $0 { true } else { false } }, "shape and size disagree")
        let negative = #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#
        expectError(file(header: negative, data: [UInt8](repeating: 0, count: 8)),
                    { if case .invalidModelFile = $0 { true } else { false } }, "negative extent")
        let overflow = #"{"a":{"dtype":"F32","shape":[1099511627775,1099511627775],"data_offsets":[0,4]}}"#
        expectError(file(header: overflow, data: [UInt8](repeating: 0, count: 8)),
                    { if case .invalidModelFile = $0 { true } else { false } }, "overflowing shape")
    }

    @Test func wrongDtype() {
        let h = #"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        expectError(file(header: h, data: [UInt8](repeating: 0, count: 8)),
                    { $0 == .unsupportedDType(tensor: "a", dtype: "I64") }, "I64")
    }

    @Test func badJSON() {
        expectError(file(header: "{\"a\": [1, 2"), { if case .invalidModelFile = $0 { true } else { false } }, "unterminated JSON")
        expectError(file(header: "[1, 2]"), { if case .invalidModelFile = $0 { true } else { false } }, "not an object")
        expectError(file(header: #"{"a":{"dtype":"F32"}}"#), { if case .invalidModelFile = $0 { true } else { false } }, "missing fields")
        expectError(file(header: #"{"__metadata__":{"k":3}}"#), { if case .invalidModelFile = $0 { true } else { false } }, "non-string metadata")
    }

    @Test func everyTruncationOfAValidFileIsATypedError() throws {
        let data = try SafeTensors.encode(tensors: ["w": Support.random([3, 3], seed: 2)], metadata: ["k": "v"])
        for cut in stride(from: 0, to: data.count, by: 3) {
            #expect(throws: TensorError.self) { try SafeTensors.decode(data.prefix(cut)) }
        }
    }

    @Test func missingFileIsAnIOError() {
        #expect(throws: TensorError.self) { try SafeTensors.read(path: "/nonexistent/model.safetensors") }
    }

    @Test func moduleSaveAndLoadByName() throws {
        var g = SeededGenerator(seed: 3)
        let conv = Conv2d(name: "enc1", inChannels: 2, outChannels: 3, kernelSize: 3, generator: &g)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tensor-\(UInt64.random(in: 0...UInt64.max)).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try conv.save(to: path, metadata: ["architecture": "test"])
        let other = Conv2d(name: "enc1", inChannels: 2, outChannels: 3, kernelSize: 3, generator: &g)
        #expect(other.weight.value.scalars != conv.weight.value.scalars)
        let meta = try other.load(from: path)
        #expect(meta["architecture"] == "test")
        #expect(other.weight.value.scalars == conv.weight.value.scalars)
        let wrong = Conv2d(name: "enc1", inChannels: 2, outChannels: 4, kernelSize: 3, generator: &g)
        #expect(throws: TensorError.self) { try wrong.load(from: path) }
        let renamed = Conv2d(name: "enc2", inChannels: 2, outChannels: 3, kernelSize: 3, generator: &g)
        #expect(throws: TensorError.missingTensor("enc2.weight")) { try renamed.load(from: path) }
    }
}
