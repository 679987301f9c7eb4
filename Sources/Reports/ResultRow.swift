/// One measured value: a metric of a method on one image, the unit every table is computed from.
///
/// Runs store these in `per_image.csv` in long form (`index,image_id,label,method,metric,value`), so a new
/// metric or method needs no schema change, shards concatenate, and a resumed run appends where it stopped.
/// `index` is the sample's position in the dataset, which orders rows identically however the run was split.
public struct ResultRow: Equatable, Sendable {
    /// The sample's position in the dataset.
    public var index: Int
    /// The sample id.
    public var imageID: String
    /// The class name of the image's label as its protocol's label rule (`LabelRule`) chose it, for per-class
    /// tables.
    public var label: String
    /// The method id with its options (`rollout:start=1`), or ``ResultRow/imageMethod`` for per-image facts.
    public var method: String
    /// The metric name (`iou`, `curve:morf@0.30`, `pixel_accuracy.numerator`).
    public var metric: String
    /// The value; NaN is written as `nan` and means "not defined for this image".
    public var value: Double

    public init(index: Int, imageID: String, label: String, method: String, metric: String, value: Double) {
        self.index = index
        self.imageID = imageID
        self.label = label
        self.method = method
        self.metric = metric
        self.value = value
    }

    /// The pseudo-method of rows about the image itself (its status marker, the model's prediction).
    public static let imageMethod = "_image"
    /// The metric of the row that closes an image's block; its value is ``ImageStatus``'s raw value.
    public static let statusMetric = "status"

    /// The header line of `per_image.csv`.
    public static let header = "index,image_id,label,method,metric,value"
}

/// How an image's block in `per_image.csv` ended.
public enum ImageStatus: Double, Sendable {
    /// Every method was evaluated.
    case evaluated = 1
    /// The sample failed (recorded in `skipped.csv`) and has no other rows.
    case skipped = 0
    /// The protocol's filter excluded it (for example a wrong prediction under `agc2024`).
    case filtered = 2
}
