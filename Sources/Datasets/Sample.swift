import Imaging

/// One annotated object of a sample.
public struct AnnotatedObject: Equatable, Sendable {
    /// Dataset class index, 0-based (VOC: 0 = aeroplane ... 19 = tvmonitor).
    public var classIndex: Int
    /// The object's box, if the dataset has boxes.
    public var box: BoundingBox?
    /// VOC/ILSVRC `difficult` flag.
    public var isDifficult: Bool
    /// VOC/ILSVRC `truncated` flag.
    public var isTruncated: Bool
    /// VOC `occluded` flag (absent in older files: `false`).
    public var isOccluded: Bool

    public init(
        classIndex: Int, box: BoundingBox?, isDifficult: Bool = false, isTruncated: Bool = false,
        isOccluded: Bool = false
    ) {
        self.classIndex = classIndex
        self.box = box
        self.isDifficult = isDifficult
        self.isTruncated = isTruncated
        self.isOccluded = isOccluded
    }
}

/// A loader that runs only when called, so streaming a dataset decodes nothing it does not use.
public struct Lazy<Value: Sendable>: Sendable {
    private let body: @Sendable () throws -> Value

    public init(_ body: @escaping @Sendable () throws -> Value) { self.body = body }

    /// An already available value.
    public static func value(_ value: Value) -> Lazy<Value> { Lazy { value } }

    /// Runs the loader.
    public func load() throws -> Value { try body() }
}

/// One image of a dataset with its ground truth.
public struct Sample: Sendable {
    /// Stable id (file stem or dataset id), used to key per-image rows and maps from disk.
    public var id: String
    /// The image file, for reports (may be `nil` for images stored inside a container such as a `.mat`).
    public var imagePath: String?
    /// The image, decoded when ``loadImage()`` is called.
    public var image: Lazy<RGBImage>
    /// The size declared by the annotations, when they declare one (width, height).
    public var declaredSize: (width: Int, height: Int)?
    /// Image-level class indices, sorted and unique.
    public var labels: [Int]
    /// Annotated objects in file order (boxes, flags).
    public var objects: [AnnotatedObject]
    /// The semantic mask, when the dataset has one for this sample.
    public var segmentation: Lazy<SegmentationMask>?
    /// The instance mask, when the dataset has one (VOC `SegmentationObject`).
    public var instances: Lazy<SegmentationMask>?
    /// The file that declares ``declaredSize`` (the VOC XML, wsolevaluation's `image_sizes.txt`), for errors.
    public var annotationPath: String?
    /// Whether the masks must have the decoded image's size (``validated(against:masks:)`` checks it). `false`
    /// where the reference code resizes masks of any size itself (wsolevaluation's OpenImages masks).
    public var masksMatchImage: Bool

    public init(
        id: String, imagePath: String?, image: Lazy<RGBImage>, declaredSize: (width: Int, height: Int)? = nil,
        labels: [Int], objects: [AnnotatedObject] = [], segmentation: Lazy<SegmentationMask>? = nil,
        instances: Lazy<SegmentationMask>? = nil, annotationPath: String? = nil, masksMatchImage: Bool = true
    ) {
        self.id = id
        self.imagePath = imagePath
        self.image = image
        self.declaredSize = declaredSize
        self.labels = Array(Set(labels)).sorted()
        self.objects = objects
        self.segmentation = segmentation
        self.instances = instances
        self.annotationPath = annotationPath
        self.masksMatchImage = masksMatchImage
    }

    /// Decodes the image.
    /// - Throws: ``DatasetError/image(_:)``.
    public func loadImage() throws -> RGBImage {
        do { return try image.load() } catch let error as ImageError { throw DatasetError.image(error) }
    }

    /// The boxes of all objects of one class (the union that box-based protocols use as ground truth).
    public func boxes(ofClass classIndex: Int, includeDifficult: Bool = true) -> [BoundingBox] {
        objects.compactMap { object in
            guard object.classIndex == classIndex, includeDifficult || !object.isDifficult else { return nil }
            return object.box
        }
    }
}
