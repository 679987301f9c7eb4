/// What ``SyntheticGenerator/write(to:progress:)`` wrote: counts per class and per split.
public struct SyntheticSummary: Equatable, Sendable, Codable {
    /// Number of images.
    public var imageCount: Int
    /// Images in `train`.
    public var trainCount: Int
    /// Images in `val`.
    public var valCount: Int
    /// Images holding two different classes.
    public var twoClassImageCount: Int
    /// Images planned with two classes (differs from ``twoClassImageCount`` only if a placement failed).
    public var plannedTwoClassImageCount: Int
    /// Per class index: images holding at least one object of the class, shape `[classes]`.
    public var imagesPerClass: [Int]
    /// Per class index: objects of the class, shape `[classes]`.
    public var objectsPerClass: [Int]
    /// Objects in all images.
    public var objectCount: Int
    /// Objects with VOC `occluded` = 1.
    public var occludedObjectCount: Int

    /// The share of images holding two different classes.
    public var twoClassShare: Double { imageCount == 0 ? 0 : Double(twoClassImageCount) / Double(imageCount) }
}
