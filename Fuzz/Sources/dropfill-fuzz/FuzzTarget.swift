import Alignment
import Corpus
import Foundation
import Inspector
import Rating
import Restoration
import Tensor

/// Which parser this run feeds: `DROPFILL_FUZZ_TARGET` = safetensors, truth, study, theme or manifest.
///
/// One binary with a mode switch: the sanitizer build of the whole graph is the slow part, so it is done once.
nonisolated(unsafe) let target: String = ProcessInfo.processInfo.environment["DROPFILL_FUZZ_TARGET"] ?? "safetensors"

/// A folder for the parsers that resolve paths relative to their file (nothing is ever written there).
let scratch = NSTemporaryDirectory() + "dropfill-fuzz"

/// libFuzzer's entry point: parse the bytes; every outcome but a typed error or a value is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    switch target {
    case "safetensors":
        // The header, then the metadata of both model kinds (configurations, calibrations, parameter bounds).
        guard let file = try? SafeTensors.decode(data) else { return 0 }
        _ = try? AliNetModel.load(file: file, source: "fuzz.safetensors")
        _ = try? FENet.load(file: file, path: "fuzz.safetensors")
    case "truth":
        if let truth = try? TruthFile.decode(data, path: "fuzz.truth.json") {
            _ = truth.keepMask
            _ = truth.rational.value
            _ = try? truth.validate(frameCount: truth.positions.count, width: truth.width, height: truth.height)
        }
    case "study":
        if let study = try? Study.parse(data, path: scratch + "/study.json", requireClips: false) {
            _ = study.stimuli.count
            _ = study.fingerprint
            _ = TrialPlan.order(study: study, seed: 1).count
        }
    case "theme":
        let text = String(decoding: data, as: UTF8.self)
        _ = try? ThemeLoader.theme(named: "fuzz", text: text) { (name: String) throws(InspectorError) -> ColorMap in
            try ThemeLoader.colormap(named: name, text: text)
        }
        _ = try? ThemeLoader.colormap(named: "fuzz", text: text)
    case "manifest":
        _ = try? Corpus.parseManifest(String(decoding: data, as: UTF8.self), path: scratch + "/manifest.tsv")
    default:
        fatalError("unknown DROPFILL_FUZZ_TARGET \(target)")
    }
    return 0
}

// MARK: - Entry point

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable with `main` renamed to `<module>_main`, which would shadow libFuzzer's own `main`:
/// define that symbol and hand over to libFuzzer's driver.
@_cdecl("dropfill_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { fuzz($0, $1) }
}
