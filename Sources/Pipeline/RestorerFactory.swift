import Media
import Restoration

/// Makes the restorer every face runs for a method name: the one rule "a learned method runs on the face square
/// and is pasted back into the full frame".
///
/// `dropfill restore`, the inspector's frame provider and the rating runner's stimuli all get their restorer here,
/// so a study of "fenet" rates exactly what `restore` ships. Classical methods run on the full frame; learned
/// methods (`RestorerCatalog.learned`) run on the clip's face square at `faceSize`² and are pasted back over the
/// full frame restored by the background method (`outside`, `CroppedRestorer`: a feathered seam), unless `wholeFrame`
/// is set or no face square is known.
public struct RestorerFactory: Sendable {
    public var locator: ModelLocator
    /// Side of the face square a learned method restores.
    public var faceSize: Int
    /// Run learned methods on the whole frame instead of the face square.
    public var wholeFrame: Bool
    /// How the frame outside the face square is restored.
    public var outside: OutsideMethod

    public init(locator: ModelLocator, faceSize: Int = 256, wholeFrame: Bool = false, outside: OutsideMethod = .adaptive) {
        self.locator = locator
        self.faceSize = faceSize
        self.wholeFrame = wholeFrame
        self.outside = outside
    }

    /// The method the tables of README rank first on held-out persons, and so every face's default.
    public static let defaultMethod = "fenet"

    /// True when `method` runs on the face square (and so needs the clip's face box).
    public func usesFaceSquare(_ method: String) -> Bool { RestorerCatalog.learned.contains(method) && !wholeFrame }

    /// The restorer for `method` on full frames of a clip whose face square is `faceBox` (full-frame pixels).
    public func make(_ method: String, faceBox: PixelRect?) throws(RestorationError) -> any FrameRestorer {
        let path = RestorerCatalog.learned.contains(method) ? try locator.restorationModelPath(for: method) : nil
        let rife = RestorerCatalog.needsRIFE(method) ? try locator.restorationModelPath(for: "rife") : nil
        let restorer = try RestorerCatalog.make(method, modelPath: path, rifePath: rife)
        guard usesFaceSquare(method), let faceBox else { return restorer }
        return CroppedRestorer(inner: restorer, background: outside.restorer(), box: faceBox, size: faceSize)
    }
}
