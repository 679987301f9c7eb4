import SeededRandom

/// Seeded percentile bootstrap over images, deterministic so that a resumed or merged run reproduces the
/// same confidence intervals.
///
/// The generator is SplitMix64 seeded from the FNV-1a hash of a key (`method|metric`), and images are
/// resampled in dataset-index order, so the result depends only on the rows, not on how the run was split.
public struct Bootstrap: Sendable {
    /// Resamples per interval.
    public var resamples: Int
    /// Two-sided coverage (0.95 gives the 2.5 % and 97.5 % percentiles).
    public var confidence: Double

    public init(resamples: Int = 1000, confidence: Double = 0.95) {
        precondition(resamples > 0 && confidence > 0 && confidence < 1, "Bootstrap: bad settings")
        self.resamples = resamples
        self.confidence = confidence
    }

    /// The sorted statistics of `resamples` resamples of `count` items, each resample drawing `count` indices
    /// with replacement and passing them to `statistic`.
    public func distribution(count: Int, key: String, statistic: ([Int]) -> Double) -> [Double] {
        guard count > 0 else { return [] }
        var generator = SplitMix64(seed: FNV1a64.hash(key))
        var indices = [Int](repeating: 0, count: count)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for position in 0..<count { indices[position] = Int(generator.next() % UInt64(count)) }
            values.append(statistic(indices))
        }
        return values.sorted()
    }

    /// The `(low, high)` percentile interval of `statistic`.
    public func interval(count: Int, key: String, statistic: ([Int]) -> Double) -> (low: Double, high: Double) {
        let values = distribution(count: count, key: key, statistic: statistic).filter { !$0.isNaN }
        guard !values.isEmpty else { return (.nan, .nan) }
        let tail = (1 - confidence) / 2
        return (Self.percentile(values, tail), Self.percentile(values, 1 - tail))
    }

    /// numpy's default (`linear`) percentile of sorted values, `fraction` in 0...1.
    public static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * weight
    }
}
