/// Writes the 32² face thumbnails of every frame of each clip, the aligner's own (`DroppedClip`, `VisualChange`),
/// for the motion-cue study: OUT/<name>.thumbs (frames × 1024 Float32) and OUT/<name>.meta ("frames slots fps").
import Foundation
import Pipeline

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: dump OUTDIR CLIP...\n".utf8))
    exit(2)
}
let out = arguments[1]
var failed = false
for path in arguments.dropFirst(2) {
    do {
        let clip = try DroppedClip.open(path: path)
        let features = try clip.survivorFeatures(extractor: SurvivorFeatureExtractor(thumbnails: true, mouth: nil))
        guard let thumbnails = features.thumbnails else { continue }
        var data = Data()
        for t in thumbnails { t.withUnsafeBufferPointer { data.append(Data(buffer: $0)) } }
        let name = (path as NSString).lastPathComponent
        try data.write(to: URL(fileURLWithPath: "\(out)/\(name).thumbs"))
        try "\(thumbnails.count) \(clip.slotCount) \(clip.fps)\n".write(toFile: "\(out)/\(name).meta", atomically: true, encoding: .utf8)
        print(name, thumbnails.count, clip.slotCount)
    } catch {
        failed = true
        FileHandle.standardError.write(Data("\(path): \(error)\n".utf8))
    }
}
exit(failed ? 1 : 0)
