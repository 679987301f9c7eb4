/// ``SweepHistogram``s summed over images, per method and metric: all that the tables need of them, in memory
/// that does not grow with the number of images (two histograms per method and metric).
public struct PooledHistograms: Equatable, Sendable {
    /// One method and metric's summed histograms.
    public struct Sum: Equatable, Sendable {
        public var positives: [Int]
        public var negatives: [Int]
        /// Images added.
        public var images: Int
        /// Set when an image's histograms had other bins than the first's (a folder mixing sweeps).
        public var mismatched: Bool
    }

    /// `(method, metric)` in the order first added.
    public private(set) var keys: [String] = []
    private var sums: [String: Sum] = [:]

    public init() {}

    /// Sums `histograms`.
    public init(_ histograms: [SweepHistogram]) {
        for histogram in histograms { add(histogram) }
    }

    private static func key(method: String, metric: String) -> String { "\(method)\u{1F}\(metric)" }

    /// Adds one image's histograms.
    public mutating func add(_ histogram: SweepHistogram) {
        let key = Self.key(method: histogram.method, metric: histogram.metric)
        guard var sum = sums[key] else {
            keys.append(key)
            sums[key] = Sum(
                positives: histogram.positives, negatives: histogram.negatives, images: 1, mismatched: false)
            return
        }
        sums[key] = nil  // keeps the arrays uniquely referenced while they are summed in place
        sum.images += 1
        if sum.positives.count == histogram.positives.count {
            for bin in sum.positives.indices {
                sum.positives[bin] += histogram.positives[bin]
                sum.negatives[bin] += histogram.negatives[bin]
            }
        } else {
            sum.mismatched = true
        }
        sums[key] = sum
    }

    /// The metrics with histograms for `method`, in the order first added.
    public func metrics(of method: String) -> [String] {
        keys.compactMap { key in
            let parts = key.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count == 2 && parts[0] == method ? String(parts[1]) : nil
        }
    }

    /// The sum for `method` and `metric`, or nil when no image had one.
    public func sum(method: String, metric: String) -> Sum? { sums[Self.key(method: method, metric: metric)] }

    /// Images added over every method and metric.
    public var count: Int { sums.values.reduce(0) { $0 + $1.images } }
}
