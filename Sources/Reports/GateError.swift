/// Why ``RegressionGate`` refuses to compare two runs: a comparison it cannot make honestly.
public enum GateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The runs have no image in common (by image id), so nothing can be paired.
    case noSharedImages(baselineImages: Int, runImages: Int)
    /// Some images are in one run only and ``RegressionGate/allowPartial`` is off.
    case partialOverlap(paired: Int, baselineImages: Int, runImages: Int)
    /// A row of the baseline or the run has an id no ``Metric`` writes (``MetricRow/init(id:)``).
    case unknownMetric(method: String, metric: String)

    public var description: String {
        switch self {
        case .noSharedImages(let baselineImages, let runImages):
            "the baseline (\(baselineImages) images) and the run (\(runImages) images) share no image id; "
                + "nothing to compare (were they run on the same dataset and split?)"
        case .partialOverlap(let paired, let baselineImages, let runImages):
            "only \(paired) images are in both runs (baseline \(baselineImages), run \(runImages)); "
                + "pass --allow-partial to compare those"
        case .unknownMetric(let method, let metric):
            "metric \(metric) of method \(method) is not a metric this version of bench knows, so it has no "
                + "known direction (higher or lower is better); was the run made by another version?"
        }
    }
}
