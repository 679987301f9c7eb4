/// A per-image mean that counts and skips undefined (NaN) values instead of propagating them.
public struct MeanAccumulator: Hashable, Sendable {
    public private(set) var sum = 0.0
    /// Images with a defined value.
    public private(set) var count = 0
    /// Images whose value was undefined (NaN or `nil`), e.g. AUC-ROC on an image without background.
    public private(set) var undefinedCount = 0

    public init() {}

    public mutating func add(_ value: Double?) {
        guard let value, !value.isNaN else {
            undefinedCount += 1
            return
        }
        sum += value
        count += 1
    }

    /// The mean of the defined values (NaN when there is none).
    public var mean: Double { count == 0 ? .nan : sum / Double(count) }
}
