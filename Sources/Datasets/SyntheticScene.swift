import Imaging

/// One generated image with its exact ground truth, in memory, before it is written in the VOC layout.
///
/// Masks follow Pascal VOC 2012: `classMask` holds class index + 1 (0 = background), `instanceMask` holds the
/// instance id 1...N in ``objects`` order (0 = background), and both hold 255 (void) on a band of
/// ``SyntheticGenerator/voidBorderWidth`` background pixels around every object. Unlike VOC, whose ~5 px void
/// band straddles the outline, the synthetic band lies entirely outside the objects, so each object's mask
/// pixels are exactly its visible pixels and its box is their bounding box. Masks are hard-edged (a pixel
/// belongs to a shape when its centre does); only the RGB image is smoothed.
public struct SyntheticScene: Sendable {
    /// Image id, `synth_000001` for index 0.
    public let id: String
    /// The picture, shape `[224, 224, 3]`.
    public let image: RGBImage
    /// VOC `SegmentationClass` values, shape `[224, 224]`: 0 background, class index + 1, 255 void.
    public let classMask: GrayImage
    /// VOC `SegmentationObject` values, shape `[224, 224]`: 0 background, instance 1...N, 255 void.
    public let instanceMask: GrayImage
    /// The objects in painting order (later ones occlude earlier ones), which is the XML and instance-id order.
    public let objects: [SyntheticObject]

    /// The distinct classes present, sorted by class index.
    public var classes: [SyntheticClass] {
        Array(Set(objects.map(\.objectClass))).sorted { $0.rawValue < $1.rawValue }
    }

    /// Whether the image holds two different classes.
    public var isTwoClass: Bool { classes.count >= 2 }
}

/// One object of a ``SyntheticScene``.
public struct SyntheticObject: Equatable, Sendable {
    /// The object's class.
    public let objectClass: SyntheticClass
    /// The bounding box of the object's visible pixels (after occlusion), VOC convention: 1-based inclusive.
    public let box: BoundingBox
    /// Pixels of the object left visible by the objects painted after it.
    public let visiblePixelCount: Int
    /// Pixels the object covers before occlusion.
    public let fullPixelCount: Int
    /// Centre in pixels (x, y), from the top-left corner of the image.
    public let center: (x: Double, y: Double)
    /// Radius of the disc that holds the shape, in pixels.
    public let radius: Double
    /// Rotation in radians, clockwise on screen.
    public let rotation: Double

    /// VOC `occluded`: at least one pixel is covered by a later object.
    public var isOccluded: Bool { visiblePixelCount < fullPixelCount }

    public static func == (lhs: SyntheticObject, rhs: SyntheticObject) -> Bool {
        lhs.objectClass == rhs.objectClass && lhs.box == rhs.box && lhs.visiblePixelCount == rhs.visiblePixelCount
            && lhs.fullPixelCount == rhs.fullPixelCount && lhs.center == rhs.center && lhs.radius == rhs.radius
            && lhs.rotation == rhs.rotation
    }
}
