import Evaluation

/// Compares a run with a stored baseline image by image and decides whether any method got worse.
///
/// The two runs must cover the same images (by image id): with none in common the gate refuses
/// (``GateError/noSharedImages(baselineImages:runImages:)``), and with some in one run only it refuses unless
/// ``allowPartial`` is set (``GateError/partialOverlap(paired:baselineImages:runImages:)``); a partial
/// comparison reports how many images it paired (``Comparison/overlap``).
///
/// For each method × metric present in the baseline (curve points, `.denominator` halves and sweep rows aside:
/// a dataset-level optimum such as MaxBoxAcc or PxAP has no per-image value to pair), the images evaluated in
/// both runs are paired and the drop `baseline − run`, turned into "how much worse" by the metric's
/// ``Metric/direction`` (the row id read back as a ``MetricRow``; an id no metric writes is
/// ``GateError/unknownMetric(method:metric:)``), is resampled with a paired percentile bootstrap. A
/// regression is a drop whose one-sided 95 % lower bound (the 5th percentile of the bootstrap distribution)
/// exceeds the metric's tolerance: the metric got worse by more than the tolerance with 95 % confidence.
/// Identical runs give zero drop and pass; a method or metric missing from the run fails. Failure counts
/// (`map-constant`, `map-nonfinite`, `method-failed`) are lower-better, so a rise regresses and a fall does
/// not; `method-failed`, written only where a method failed, counts 0 on the method's other images.
public struct RegressionGate: Sendable {
    /// The verdict for one method × metric.
    public struct Finding: Equatable, Sendable {
        public var method: String
        public var metric: String
        /// Which way the metric improves.
        public var direction: Metric.Direction
        /// Baseline and run values on the paired images.
        public var baseline: Double
        public var run: Double
        /// The one-sided 95 % lower bound of the drop (in the metric's "worse" direction).
        public var dropLowerBound: Double
        /// The two-sided 95 % bootstrap interval of the change, run minus baseline (NaN for the failure counts,
        /// which are compared without resampling).
        public var changeLow: Double = .nan
        public var changeHigh: Double = .nan
        public var tolerance: Double
        public var pairedImages: Int
        public var isRegression: Bool
        /// Set when the run lacks this method or metric entirely.
        public var missing: Bool
    }

    /// How the two runs' images overlap (by image id).
    public struct ImageOverlap: Equatable, Sendable {
        /// Images in the baseline.
        public var baselineImages: Int
        /// Images in the run.
        public var runImages: Int
        /// Images in both.
        public var pairedImages: Int

        /// Whether some image is in one run only.
        public var isPartial: Bool { pairedImages != baselineImages || pairedImages != runImages }
    }

    /// The outcome of a comparison the gate could make.
    public struct Comparison: Equatable, Sendable {
        public var overlap: ImageOverlap
        /// Every baseline method × metric, in baseline order.
        public var findings: [Finding]

        /// The findings that fail the gate: regressions and missing pairs.
        public var failures: [Finding] { findings.filter(\.isRegression) }
        /// Whether nothing regressed and nothing is missing.
        public var passed: Bool { failures.isEmpty }
    }

    /// Absolute tolerance per metric name; `defaultTolerance` for the rest.
    public var tolerances: [String: Double]
    public var defaultTolerance: Double
    /// The least tolerance of each method (by its base id, `gxa-signed` for `gxa-signed:eps=1e-06`): the spread
    /// its per-image values show across thread counts and CPU kernels, so that a baseline made on another
    /// machine does not fail for rounding alone. Failure counts keep a tolerance of 0.
    /// Whether runs whose images only partly overlap are compared on the shared images (else refused).
    public var allowPartial: Bool
    public var bootstrap: Bootstrap

    public var methodFloors: [String: Double]

    public init(
        tolerances: [String: Double] = [:], defaultTolerance: Double = 0.01, methodFloors: [String: Double] = [:],
        allowPartial: Bool = false, bootstrap: Bootstrap = Bootstrap(resamples: 2000)
    ) {
        self.tolerances = tolerances
        self.methodFloors = methodFloors
        self.defaultTolerance = defaultTolerance
        self.allowPartial = allowPartial
        self.bootstrap = bootstrap
    }

    /// The findings for every baseline method × metric, in baseline order.
    /// - Throws: ``GateError`` when the runs share no image, share only some without ``allowPartial``, or
    ///   hold a metric without a known direction.
    public func compare(baseline: [ResultRow], run: [ResultRow]) throws(GateError) -> Comparison {
        // A skipped image has no values: it pairs with nothing, so a run that skipped images the baseline scored
        // overlaps it only partly.
        let baselineImages = Self.scoredImages(baseline)
        let runImages = Self.scoredImages(run)
        let overlap = ImageOverlap(
            baselineImages: baselineImages.count, runImages: runImages.count,
            pairedImages: baselineImages.intersection(runImages).count)
        guard overlap.pairedImages > 0 else {
            throw .noSharedImages(baselineImages: overlap.baselineImages, runImages: overlap.runImages)
        }
        if overlap.isPartial && !allowPartial {
            throw .partialOverlap(
                paired: overlap.pairedImages, baselineImages: overlap.baselineImages, runImages: overlap.runImages)
        }
        let baselineSeries = try Self.series(baseline)
        let runSeries = try Self.series(run)
        var findings: [Finding] = []
        for key in baselineSeries.order {
            guard let base = baselineSeries.values[key] else { continue }
            let isFailureCount = key.isFailureCount
            let floor = isFailureCount ? 0 : methodFloors[String(key.method.prefix { $0 != ":" })] ?? 0
            let tolerance = max(tolerances[key.metric] ?? (isFailureCount ? 0 : defaultTolerance), floor)
            guard let current = runSeries.values[key] else {
                findings.append(
                    Finding(
                        method: key.method, metric: key.metric, direction: key.direction, baseline: .nan, run: .nan,
                        dropLowerBound: .nan, tolerance: tolerance, pairedImages: 0, isRegression: true,
                        missing: true))
                continue
            }
            findings.append(compare(key: key, base: base, current: current, tolerance: tolerance))
        }
        return Comparison(overlap: overlap, findings: findings)
    }

    /// The ids of the images in `rows` less those whose block closed as skipped.
    static func scoredImages(_ rows: [ResultRow]) -> Set<String> {
        let skipped = rows.filter {
            $0.method == ResultRow.imageMethod && $0.metric == ResultRow.statusMetric
                && $0.value == ImageStatus.skipped.rawValue
        }.map(\.imageID)
        return Set(rows.map(\.imageID)).subtracting(skipped)
    }

    private func compare(key: SeriesKey, base: [String: Pair], current: [String: Pair], tolerance: Double)
        -> Finding
    {
        let images = base.keys.filter { current[$0] != nil }.sorted()
        let basePairs = images.compactMap { base[$0] }
        let runPairs = images.compactMap { current[$0] }
        let sign = key.direction.worseningSign
        func value(_ pairs: [Pair], _ indices: [Int]) -> Double {
            var top = 0.0
            var bottom = 0.0
            for index in indices {
                top += pairs[index].numerator
                bottom += pairs[index].denominator
            }
            guard bottom != 0 else { return .nan }
            return key.isRatio ? CheferSegmentationAccumulator.ratio(numerator: top, denominator: bottom) : top / bottom
        }
        let all = Array(images.indices)
        let baseValue = value(basePairs, all)
        let runValue = value(runPairs, all)
        let lowerBound: Double
        var change = (low: Double.nan, high: Double.nan)
        if key.isFailureCount {
            // A failure count is compared as it is: its rise on the paired images, with no resampling.
            lowerBound = sign * (baseValue - runValue)
        } else {
            let drops = bootstrap.distribution(count: images.count, key: "gate|\(key.method)|\(key.metric)") {
                sign * (value(basePairs, $0) - value(runPairs, $0))
            }.filter { !$0.isNaN }
            lowerBound = drops.isEmpty ? .nan : Bootstrap.percentile(drops, 0.05)
            if !drops.isEmpty {
                // The drop is `sign * (baseline - run)`, so the change `run - baseline` is `-sign * drop`.
                let low = Bootstrap.percentile(drops, 0.025)
                let high = Bootstrap.percentile(drops, 0.975)
                change = sign > 0 ? (-high, -low) : (low, high)
            }
        }
        return Finding(
            method: key.method, metric: key.metric, direction: key.direction, baseline: baseValue, run: runValue,
            dropLowerBound: lowerBound, changeLow: change.low, changeHigh: change.high, tolerance: tolerance,
            pairedImages: images.count, isRegression: !lowerBound.isNaN && lowerBound > tolerance, missing: false)
    }

    struct SeriesKey: Hashable {
        var method: String
        var metric: String
        var direction: Metric.Direction
        /// A count of what went wrong (``Metric/isFailureCount``), compared without the bootstrap.
        var isFailureCount: Bool
        /// A dataset ratio (Chefer's): its value is ``CheferSegmentationAccumulator/ratio(numerator:denominator:)``
        /// of the sums, not a mean.
        var isRatio = false
    }

    /// A per-image value as a ratio: plain metrics have denominator 1, so means and dataset-level ratios
    /// share one code path.
    struct Pair {
        var numerator: Double
        var denominator: Double
    }

    /// Per method × metric, the value of each image id; ratio metrics joined from their two halves. Images
    /// where a plain metric is NaN are left out; a metric ``Metric/isRecordedOnlyWhenNonzero`` is 0
    /// on every image where its method has other rows.
    static func series(_ rows: [ResultRow]) throws(GateError) -> (
        order: [SeriesKey], values: [SeriesKey: [String: Pair]]
    ) {
        var order: [SeriesKey] = []
        var values: [SeriesKey: [String: Pair]] = [:]
        var denominators: [String: [String: [String: Double]]] = [:]
        var methods: [String] = []
        var imagesOfMethod: [String: Set<String>] = [:]
        for row in rows where row.method != ResultRow.imageMethod {
            guard let metricRow = MetricRow(id: row.metric) else {
                throw .unknownMetric(method: row.method, metric: row.metric)
            }
            let metric: Metric
            let isNumerator: Bool
            switch metricRow {
            case .curvePoint, .sweepChange: continue  // curves and sweeps are not per-image values
            case .denominator(let ratio):
                denominators[row.method, default: [:]][ratio.id, default: [:]][row.imageID] = row.value
                if imagesOfMethod[row.method] == nil { methods.append(row.method) }
                imagesOfMethod[row.method, default: []].insert(row.imageID)
                continue
            case .value(let value):
                metric = value
                isNumerator = false
            case .numerator(let ratio):
                metric = ratio
                isNumerator = true
            }
            if imagesOfMethod[row.method] == nil { methods.append(row.method) }
            imagesOfMethod[row.method, default: []].insert(row.imageID)
            let key = SeriesKey(
                method: row.method, metric: metric.id, direction: metric.direction,
                isFailureCount: metric.isFailureCount, isRatio: isNumerator)
            if values[key] == nil {
                order.append(key)
                values[key] = [:]
            }
            guard !row.value.isNaN else { continue }
            values[key]?[row.imageID] = Pair(numerator: row.value, denominator: isNumerator ? .nan : 1)
        }
        for key in order {
            guard let byImage = denominators[key.method]?[key.metric] else { continue }
            for (image, denominator) in byImage where values[key]?[image] != nil {
                values[key]?[image]?.denominator = denominator
            }
        }
        for key in order {
            values[key] = values[key]?.filter { !$0.value.denominator.isNaN }
        }
        for metric in [Metric.methodFailed] where metric.isRecordedOnlyWhenNonzero {
            for method in methods {
                let key = SeriesKey(
                    method: method, metric: metric.id, direction: metric.direction,
                    isFailureCount: metric.isFailureCount)
                if values[key] == nil {
                    order.append(key)
                    values[key] = [:]
                }
                for image in imagesOfMethod[method] ?? [] where values[key]?[image] == nil {
                    values[key]?[image] = Pair(numerator: 0, denominator: 1)
                }
            }
        }
        return (order, values)
    }
}
