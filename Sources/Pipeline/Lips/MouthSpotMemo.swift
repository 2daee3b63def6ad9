import Foundation
import Media
import Restoration

/// The mouth spots of the last `capacity` crops a locator searched, found again by their pixels (thread-safe).
final class MouthSpotMemo: @unchecked Sendable {
    let capacity: Int
    private var recent: [(crop: VideoFrame, spot: MouthSpot?)] = []
    private let lock = NSLock()
    /// Searches made (misses), for tests.
    private(set) var searches = 0

    init(capacity: Int = 4) { self.capacity = max(1, capacity) }

    /// The spot of `crop`: remembered when the same pixels were searched lately, else `search()` (run unlocked).
    func spot(of crop: VideoFrame, search: () -> MouthSpot?) -> MouthSpot? {
        lock.lock()
        if let hit = recent.first(where: { Self.samePixels($0.crop, crop) }) { lock.unlock(); return hit.spot }
        lock.unlock()
        let found = search()
        lock.lock()
        searches += 1
        recent.append((crop, found))
        if recent.count > capacity { recent.removeFirst(recent.count - capacity) }
        lock.unlock()
        return found
    }

    /// Whether two crops hold the same pixels.
    static func samePixels(_ a: VideoFrame, _ b: VideoFrame) -> Bool {
        guard a.width == b.width, a.height == b.height, a.rgb.count == b.rgb.count else { return false }
        return a.rgb.withUnsafeBytes { x in
            b.rgb.withUnsafeBytes { y in
                guard let p = x.baseAddress, let q = y.baseAddress else { return x.count == y.count }
                return p == q || memcmp(p, q, x.count) == 0
            }
        }
    }
}
