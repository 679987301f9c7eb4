/// Compares a run with a stored baseline image by image and decides whether any method got worse.
///
/// For each method × metric present in the baseline (curve points, `.denominator` halves and sweep rows aside:
/// a dataset-level optimum such as MaxBoxAcc or PxAP has no per-image value to pair), the
/// images evaluated in both runs are paired and the drop `baseline − run` (sign flipped for metrics where
/// lower is better) is resampled with a paired percentile bootstrap. A regression is a drop whose one-sided
/// 95 % lower bound (the 5th percentile of the bootstrap distribution) exceeds the metric's tolerance: the
/// metric dropped by more than the tolerance with 95 % confidence. Identical runs give zero drop and pass;
/// a method or metric missing from the run fails.
public struct RegressionGate: Sendable {
    /// The verdict for one method × metric.
    public struct Finding: Equatable, Sendable {
        public var method: String
        public var metric: String
        /// Baseline and run values on the paired images.
        public var baseline: Double
        public var run: Double
        /// The one-sided 95 % lower bound of the drop (in the metric's "worse" direction).
        public var dropLowerBound: Double
        public var tolerance: Double
        public var pairedImages: Int
        public var isRegression: Bool
        /// Set when the run lacks this method or metric entirely.
        public var missing: Bool
    }

    /// Absolute tolerance per metric name; `defaultTolerance` for the rest.
    public var tolerances: [String: Double]
    public var defaultTolerance: Double
    /// Substrings of metric names where lower values are better (MoRF / deletion / positive perturbation).
    public var lowerIsBetter: [String]
    public var bootstrap: Bootstrap

    public init(
        tolerances: [String: Double] = [:], defaultTolerance: Double = 0.01,
        lowerIsBetter: [String] = ["morf", "deletion", "positive"], bootstrap: Bootstrap = Bootstrap(resamples: 2000)
    ) {
        self.tolerances = tolerances
        self.defaultTolerance = defaultTolerance
        self.lowerIsBetter = lowerIsBetter
        self.bootstrap = bootstrap
    }

    /// Whether lower values of `metric` are better.
    public func isLowerBetter(_ metric: String) -> Bool {
        let name = metric.lowercased()
        return lowerIsBetter.contains { name.contains($0) }
    }

    /// The findings for every baseline method × metric, in baseline order.
    public func compare(baseline: [ResultRow], run: [ResultRow]) -> [Finding] {
        let baselineSeries = Self.series(baseline)
        let runSeries = Self.series(run)
        var findings: [Finding] = []
        for key in baselineSeries.order {
            guard let base = baselineSeries.values[key] else { continue }
            let tolerance = tolerances[key.metric] ?? defaultTolerance
            guard let current = runSeries.values[key] else {
                findings.append(
                    Finding(
                        method: key.method, metric: key.metric, baseline: .nan, run: .nan, dropLowerBound: .nan,
                        tolerance: tolerance, pairedImages: 0, isRegression: true, missing: true))
                continue
            }
            findings.append(compare(key: key, base: base, current: current, tolerance: tolerance))
        }
        return findings
    }

    private func compare(key: SeriesKey, base: [String: Pair], current: [String: Pair], tolerance: Double)
        -> Finding
    {
        let images = base.keys.filter { current[$0] != nil }.sorted()
        let basePairs = images.compactMap { base[$0] }
        let runPairs = images.compactMap { current[$0] }
        let sign: Double = isLowerBetter(key.metric) ? -1 : 1
        func value(_ pairs: [Pair], _ indices: [Int]) -> Double {
            var top = 0.0
            var bottom = 0.0
            for index in indices {
                top += pairs[index].numerator
                bottom += pairs[index].denominator
            }
            return bottom == 0 ? .nan : top / bottom
        }
        let all = Array(images.indices)
        let baseValue = value(basePairs, all)
        let runValue = value(runPairs, all)
        let drops = bootstrap.distribution(count: images.count, key: "gate|\(key.method)|\(key.metric)") {
            sign * (value(basePairs, $0) - value(runPairs, $0))
        }.filter { !$0.isNaN }
        let lowerBound = drops.isEmpty ? .nan : Bootstrap.percentile(drops, 0.05)
        return Finding(
            method: key.method, metric: key.metric, baseline: baseValue, run: runValue, dropLowerBound: lowerBound,
            tolerance: tolerance, pairedImages: images.count,
            isRegression: !lowerBound.isNaN && lowerBound > tolerance, missing: false)
    }

    struct SeriesKey: Hashable {
        var method: String
        var metric: String
    }

    /// A per-image value as a ratio: plain metrics have denominator 1, so means and dataset-level ratios
    /// share one code path.
    struct Pair {
        var numerator: Double
        var denominator: Double
    }

    /// Per method × metric, the value of each image id; ratio metrics joined from their two halves. Images
    /// where a plain metric is NaN are left out.
    static func series(_ rows: [ResultRow]) -> (order: [SeriesKey], values: [SeriesKey: [String: Pair]]) {
        var order: [SeriesKey] = []
        var values: [SeriesKey: [String: Pair]] = [:]
        var denominators: [SeriesKey: [String: Double]] = [:]
        for row in rows
        where row.method != ResultRow.imageMethod && !row.metric.hasPrefix("curve:") && !row.metric.hasPrefix("sweep:")
        {
            if row.metric.hasSuffix(".denominator") {
                let key = SeriesKey(method: row.method, metric: String(row.metric.dropLast(".denominator".count)))
                denominators[key, default: [:]][row.imageID] = row.value
                continue
            }
            let isNumerator = row.metric.hasSuffix(".numerator")
            let name = isNumerator ? String(row.metric.dropLast(".numerator".count)) : row.metric
            let key = SeriesKey(method: row.method, metric: name)
            if values[key] == nil {
                order.append(key)
                values[key] = [:]
            }
            guard !row.value.isNaN else { continue }
            values[key]?[row.imageID] = Pair(numerator: row.value, denominator: isNumerator ? .nan : 1)
        }
        for (key, byImage) in denominators {
            for (image, denominator) in byImage where values[key]?[image] != nil {
                values[key]?[image]?.denominator = denominator
            }
        }
        for key in order {
            values[key] = values[key]?.filter { !$0.value.denominator.isNaN }
        }
        return (order, values)
    }
}
