import Foundation
import Media

extension LandmarkDetector {
    /// The landmarks of many face crops (a clip's survivors), on `threads` threads at once (the predictor is
    /// read-only once loaded); the result is the same as one `landmarks(inFaceCrop:)` call per crop, in order. A crop
    /// whose prediction fails gives its error in place, so one bad frame does not lose the others.
    public func landmarks(inFaceCrops crops: [VideoFrame], settings: FaceCropper.Settings = FaceCropper.Settings(),
                          refinements: Int = 1, threads: Int = 2) -> [Result<FaceLandmarks, LandmarksError>] {
        let count = crops.count
        guard count > 0 else { return [] }
        let workers = max(1, min(threads, count))
        let box = ResultBox(count: count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count {
                let r: Result<FaceLandmarks, LandmarksError>
                do throws(LandmarksError) {
                    r = .success(try landmarks(inFaceCrop: crops[i], settings: settings, refinements: refinements))
                } catch {
                    r = .failure(error)
                }
                box.set(i, r)
                i += workers
            }
        }
        return box.values
    }
}

/// Results written by several workers, one slot each (a lock keeps the array's storage safe).
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<FaceLandmarks, LandmarksError>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<FaceLandmarks, LandmarksError>) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }

    var values: [Result<FaceLandmarks, LandmarksError>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0 ?? .failure(.landmarksFailed("not computed")) }
    }
}
