import Foundation
import Imaging
import SeededRandom

/// The synthetic shapes dataset: deterministic 224x224 scenes of textured shapes, written in the Pascal VOC 2012
/// layout so the VOC adapter reads them unchanged.
///
/// Each image holds 1 to 3 objects on a cluttered background (a gradient, two octaves of value noise, optional
/// stripes, and 3 to 8 muted distractor blobs and bars that are not objects). Objects are drawn from the
/// ``SyntheticClass`` list (10 classes, each a distinct shape *and* texture), with a radius of 14 % to 33 % of
/// the side, at a random position and rotation, fully inside the image (VOC `truncated` is always 0). Later
/// objects occlude earlier ones; a placement is rejected when it would leave an earlier object with less than
/// ``minimumVisibleFraction`` of its pixels, so no object is hidden enough to count as difficult (`difficult`
/// is always 0; `occluded` is 1 when any pixel is covered). Exactly `round(twoClassShare * count)` images are
/// planned with two different classes and `round(trainFraction * count)` images go to `train`, the rest to `val`.
///
/// Determinism: same parameters, same bytes. Every image draws from its own ``SeededGenerator`` stream keyed by
/// the seed and its index, so images can be rendered in parallel and in any order.
public struct SyntheticGenerator: Sendable {
    /// Version of the scene definition; bump it whenever a change alters the bytes for a given seed.
    public static let version = 1
    /// Side of every image in pixels.
    public static let imageSize = SyntheticSceneRenderer.size
    /// Width in pixels of the void (255) band drawn on background pixels around each object's outline
    /// (VOC's band is about 5 px and straddles the outline; ours is 3 px, outside the object only).
    public static let voidBorderWidth = 3
    /// The share of its own pixels that every object keeps visible after later objects are painted.
    public static let minimumVisibleFraction = 0.5
    /// JPEG quality of `JPEGImages/*.jpg`.
    public static let jpegQuality = 90

    /// Class names in class-index order (mask value = index + 1).
    public static var classNames: [String] { SyntheticClass.allCases.map(\.name) }

    /// A parameter outside its range.
    public struct InvalidConfiguration: Error, Equatable, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { "invalid synthetic dataset configuration: \(reason)" }
    }

    /// The seed every random choice derives from.
    public let seed: UInt64
    /// Number of images.
    public let count: Int
    /// The share of images planned with two different classes.
    public let twoClassShare: Double
    /// The share of images in the `train` split; the others are in `val`.
    public let trainFraction: Double

    /// Per-image plan: the class every object (or the first of the two classes) has.
    private let primaryClasses: [SyntheticClass]
    /// Per-image plan: whether the image gets a second class.
    private let twoClassPlan: [Bool]
    /// Per-image plan: whether the image is in `train`.
    private let trainPlan: [Bool]

    /// Random streams, so the scene content, the plans and the split draw independent numbers.
    private enum Stream: UInt64 {
        case scene = 1
        case twoClass = 2
        case split = 3
        case primaryClass = 4
    }

    /// Plans a dataset.
    /// - Parameters:
    ///   - seed: any 64-bit seed.
    ///   - count: 1 to 999,999 images (ids have six digits).
    ///   - twoClassShare: 0...1, default 0.3.
    ///   - trainFraction: 0...1, default 0.8.
    /// - Throws: ``InvalidConfiguration`` when a parameter is out of range.
    public init(seed: UInt64, count: Int, twoClassShare: Double = 0.3, trainFraction: Double = 0.8) throws {
        guard (1...999_999).contains(count) else {
            throw InvalidConfiguration(reason: "count must be in 1...999999, got \(count)")
        }
        guard twoClassShare.isFinite, (0...1).contains(twoClassShare) else {
            throw InvalidConfiguration(reason: "two-class share must be in 0...1, got \(twoClassShare)")
        }
        guard trainFraction.isFinite, (0...1).contains(trainFraction) else {
            throw InvalidConfiguration(reason: "train fraction must be in 0...1, got \(trainFraction)")
        }
        self.seed = seed
        self.count = count
        self.twoClassShare = twoClassShare
        self.trainFraction = trainFraction
        twoClassPlan = Self.exactShare(
            twoClassShare, of: count, random: SeededGenerator(seed: seed, stream: Stream.twoClass.rawValue, index: 0))
        trainPlan = Self.exactShare(
            trainFraction, of: count, random: SeededGenerator(seed: seed, stream: Stream.split.rawValue, index: 0))
        // Balanced classes: image i gets class i mod C, then the assignment is shuffled.
        var classes = (0..<count).map { SyntheticClass.allCases[$0 % SyntheticClass.allCases.count] }
        var random = SeededGenerator(seed: seed, stream: Stream.primaryClass.rawValue, index: 0)
        random.shuffle(&classes)
        primaryClasses = classes
    }

    /// `round(share * count)` flags set to `true` at shuffled positions.
    private static func exactShare(_ share: Double, of count: Int, random: SeededGenerator) -> [Bool] {
        let selected = min(count, Int((share * Double(count)).rounded()))
        var flags = (0..<count).map { $0 < selected }
        var random = random
        random.shuffle(&flags)
        return flags
    }

    /// The id of image `index`: `synth_` and the 1-based index in six digits (`synth_000001`).
    public static func imageID(index: Int) -> String {
        let digits = String(index + 1)
        return "synth_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Whether image `index` is in the `train` split.
    public func isTrain(index: Int) -> Bool { trainPlan[index] }

    /// Whether image `index` was planned with two classes (placement may, rarely, drop the second one).
    public func isPlannedTwoClass(index: Int) -> Bool { twoClassPlan[index] }

    /// Renders image `index` in memory.
    /// - Precondition: `0 <= index < count`.
    public func scene(at index: Int) -> SyntheticScene {
        precondition((0..<count).contains(index), "scene index \(index) outside 0..<\(count)")
        var renderer = SyntheticSceneRenderer(
            random: SeededGenerator(seed: seed, stream: Stream.scene.rawValue, index: index))
        return renderer.render(
            id: Self.imageID(index: index), primary: primaryClasses[index], twoClass: twoClassPlan[index])
    }
}
