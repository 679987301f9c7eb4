import Evaluation
import Foundation

/// The tables of a run, computed from its per-image rows: method × metric summaries with bootstrap
/// intervals, per-class means and mean perturbation curves.
///
/// One entry per ``Metric`` of the protocol (``EvaluationProtocol/tableMetrics``, in that order) that the
/// method has rows for, aggregated as the metric says (``Metric/aggregation``) by the accumulators of
/// `Evaluation`, the code the reference tests check:
/// - ``Metric/Aggregation/perImageMean``: the mean over the images where the value is defined (NaN =
///   undefined), with a bootstrap interval and per-class means;
/// - ``Metric/Aggregation/datasetRatio``: ``CheferSegmentationAccumulator/ratio(numerator:denominator:)`` of
///   the sums of the image's two halves, its interval from resampling images; ``Metric/Aggregation/meanOfDatasetRatios(_:)``
///   the mean of such ratios (Chefer's mIoU);
/// - ``Metric/Aggregation/thresholdSweep(iouThreshold:)`` and ``Metric/Aggregation/meanOfThresholdSweeps(_:)``:
///   the images' change rows fed to a ``BoxAccuracyAccumulator`` (wsolevaluation's MaxBoxAcc, MaxBoxAccV2);
/// - ``Metric/Aggregation/pooledHistograms``: the summed ``SweepHistogram``s fed to a ``PixelAPAccumulator``
///   (wsolevaluation's PxAP).
/// Sweep metrics are dataset-level optima, not means: they have no bootstrap interval (wsolevaluation reports
/// none) and no per-class entry. Curve points (``MetricRow/curvePoint(_:position:)``) are averaged per step
/// into `curves.csv`. Rows are ordered by dataset index first, so shards merged in any order give identical
/// tables.
public struct RunTables: Sendable {
    /// One method × metric cell.
    public struct Entry: Equatable, Sendable {
        public var method: String
        public var metric: String
        public var mean: Double
        public var low: Double
        public var high: Double
        public var count: Int
    }

    /// One class × method × metric mean.
    public struct ClassEntry: Equatable, Sendable {
        public var label: String
        public var method: String
        public var metric: String
        public var mean: Double
        public var count: Int
    }

    /// One step of a mean curve.
    public struct CurvePoint: Equatable, Sendable {
        public var method: String
        public var curve: String
        public var fraction: Double
        public var mean: Double
        public var count: Int
    }

    /// The protocol the rows were computed under, written in every table's last column.
    public let evaluation: EvaluationProtocol
    public var protocolName: String { evaluation.name }
    public private(set) var summary: [Entry] = []
    public private(set) var perClass: [ClassEntry] = []
    public private(set) var curves: [CurvePoint] = []
    /// The metrics computed from sweeps (dataset-level, without intervals), for the tables' notes.
    public private(set) var sweepMetrics: Set<String> = []
    /// Images by status: evaluated, filtered out by the protocol, skipped as unreadable.
    public private(set) var imageCounts: (evaluated: Int, filtered: Int, skipped: Int) = (0, 0, 0)

    typealias Series = [(index: Int, label: String, value: Double)]

    /// Aggregates `rows` (any order; status rows included) and the sweep `histograms` of the same images under
    /// `evaluation`.
    public init(
        rows: [ResultRow], evaluation: EvaluationProtocol, histograms: PooledHistograms = PooledHistograms(),
        bootstrap: Bootstrap = Bootstrap()
    ) {
        self.evaluation = evaluation
        let ordered = rows.enumerated().sorted { ($0.element.index, $0.offset) < ($1.element.index, $1.offset) }
            .map(\.element)
        var methods: [String] = []
        var rowIDs: [String: [String]] = [:]
        var values: [String: [String: Series]] = [:]
        for row in ordered {
            if row.method == ResultRow.imageMethod {
                if row.metric == ResultRow.statusMetric {
                    switch ImageStatus(rawValue: row.value) {
                    case .evaluated: imageCounts.evaluated += 1
                    case .filtered: imageCounts.filtered += 1
                    case .skipped: imageCounts.skipped += 1
                    case nil: break
                    }
                }
                continue
            }
            if values[row.method] == nil {
                methods.append(row.method)
                values[row.method] = [:]
                rowIDs[row.method] = []
            }
            if values[row.method]?[row.metric] == nil {
                rowIDs[row.method]?.append(row.metric)
                values[row.method]?[row.metric] = []
            }
            values[row.method]?[row.metric]?.append((row.index, row.label, row.value))
        }
        for method in methods {
            guard let methodValues = values[method], let methodRowIDs = rowIDs[method] else { continue }
            let sweeps = sweepAccumulator(methodValues: methodValues)
            for metric in evaluation.tableMetrics {
                append(
                    metric, method: method, values: methodValues, sweeps: sweeps, histograms: histograms,
                    bootstrap: bootstrap)
            }
            for rowID in methodRowIDs {
                guard case .curvePoint(let curve, let position) = MetricRow(id: rowID),
                    let series = methodValues[rowID]
                else { continue }
                let defined = series.map(\.value).filter { !$0.isNaN }
                curves.append(
                    CurvePoint(
                        method: method, curve: curve.id, fraction: position, mean: Self.mean(defined),
                        count: defined.count))
            }
        }
    }

    /// The entry (and per-class entries) of one metric for one method, when the method has its rows.
    private mutating func append(
        _ metric: Metric, method: String, values: [String: Series], sweeps: BoxAccuracyAccumulator?,
        histograms: PooledHistograms, bootstrap: Bootstrap
    ) {
        switch metric.aggregation {
        case .perImageMean:
            guard let series = values[MetricRow.value(metric).id] else { return }
            appendMean(method: method, metric: metric.id, series: series, bootstrap: bootstrap)
        case .datasetRatio:
            guard let numerators = values[MetricRow.numerator(metric).id],
                let denominators = values[MetricRow.denominator(metric).id]
            else { return }
            appendRatio(
                method: method, metric: metric.id, numerators: numerators, denominators: denominators,
                bootstrap: bootstrap)
        case .meanOfDatasetRatios(let components):
            appendMeanOfRatios(
                method: method, metric: metric.id, components: components, values: values, bootstrap: bootstrap)
        case .thresholdSweep(let iouThreshold):
            guard let sweeps, sweeps.imageCount > 0,
                let accuracy = sweeps.maxBoxAccuracyFractions().first(where: { $0.iouThreshold == iouThreshold })
            else { return }
            appendDatasetLevel(method: method, metric: metric.id, value: accuracy.accuracy, count: sweeps.imageCount)
        case .meanOfThresholdSweeps(let iouThresholds):
            guard let sweeps, sweeps.imageCount > 0,
                let accuracy = sweeps.meanMaxBoxAccuracyFraction(over: iouThresholds)
            else { return }
            appendDatasetLevel(method: method, metric: metric.id, value: accuracy, count: sweeps.imageCount)
        case .pooledHistograms:
            guard let sum = histograms.sum(method: method, metric: metric.id) else { return }
            appendDatasetLevel(
                method: method, metric: metric.id, value: Self.pixelAP(sum), count: sum.images)
        }
    }

    /// The images' MaxBoxAcc change rows of one method in a ``BoxAccuracyAccumulator`` over the protocol's IoU
    /// thresholds; nil when the protocol has no sweep or the method no change rows.
    private func sweepAccumulator(methodValues: [String: Series]) -> BoxAccuracyAccumulator? {
        guard case .sweep(let thresholdCount) = evaluation.threshold, !evaluation.boxIoUThresholds.isEmpty else {
            return nil
        }
        var changesByImage: [Int: [[(threshold: Int, change: Int)]]] = [:]
        let iouThresholds = evaluation.boxIoUThresholds
        for (rowID, series) in methodValues {
            guard case .sweepChange(.maxBoxAccuracy(let iouThreshold), let threshold) = MetricRow(id: rowID),
                let position = iouThresholds.firstIndex(of: iouThreshold)
            else { continue }
            for item in series {
                var changes = changesByImage[item.index] ?? Array(repeating: [], count: iouThresholds.count)
                changes[position].append((threshold, Int(item.value)))
                changesByImage[item.index] = changes
            }
        }
        guard !changesByImage.isEmpty else { return nil }
        var accumulator = BoxAccuracyAccumulator(
            thresholdCount: thresholdCount, iouThresholds: iouThresholds, extraction: .wsolAll)
        for index in changesByImage.keys.sorted() {
            guard let changes = changesByImage[index] else { continue }
            accumulator.add(changes: changes.map { $0.sorted { $0.threshold < $1.threshold } })
        }
        return accumulator
    }

    /// wsolevaluation's PxAP as a fraction from pooled histograms, by ``PixelAPAccumulator``; NaN where
    /// wsolevaluation raises (no positive pixel, no prediction) or the images' bins differ (a mixed folder).
    static func pixelAP(_ sum: PooledHistograms.Sum) -> Double {
        guard !sum.mismatched, sum.positives.count == sum.negatives.count, sum.positives.count >= 3 else { return .nan }
        var accumulator = PixelAPAccumulator(thresholdCount: sum.positives.count - 2)
        accumulator.add(foreground: sum.positives, background: sum.negatives)
        return (try? accumulator.pixelAPFraction()) ?? .nan
    }

    /// A dataset-level entry without interval or per-class entries (a sweep optimum, a pooled AP).
    private mutating func appendDatasetLevel(method: String, metric: String, value: Double, count: Int) {
        sweepMetrics.insert(metric)
        summary.append(Entry(method: method, metric: metric, mean: value, low: .nan, high: .nan, count: count))
    }

    /// The mean of several dataset-level ratios (Chefer's mIoU), over the images that have every half.
    private mutating func appendMeanOfRatios(
        method: String, metric: String, components: [Metric], values: [String: Series], bootstrap: Bootstrap
    ) {
        var byIndex: [Int: [Double]] = [:]
        for (position, component) in components.enumerated() {
            guard let numerators = values[MetricRow.numerator(component).id],
                let denominators = values[MetricRow.denominator(component).id], numerators.count == denominators.count
            else { return }
            for (numerator, denominator) in zip(numerators, denominators) where numerator.index == denominator.index {
                var slots = byIndex[numerator.index] ?? [Double](repeating: .nan, count: 2 * components.count)
                slots[2 * position] = numerator.value
                slots[2 * position + 1] = denominator.value
                byIndex[numerator.index] = slots
            }
        }
        let images = byIndex.keys.sorted().compactMap { byIndex[$0] }.filter { !$0.contains(where: \.isNaN) }
        let componentCount = components.count
        func statistic(_ indices: [Int]) -> Double {
            var ratios: [Double] = []
            for component in 0..<componentCount {
                var top = 0.0
                var bottom = 0.0
                for index in indices {
                    top += images[index][2 * component]
                    bottom += images[index][2 * component + 1]
                }
                ratios.append(CheferSegmentationAccumulator.ratio(numerator: top, denominator: bottom))
            }
            return CheferSegmentationAccumulator.meanIoU(classIoUs: ratios)
        }
        let interval = bootstrap.interval(count: images.count, key: "\(method)|\(metric)", statistic: statistic)
        summary.append(
            Entry(
                method: method, metric: metric, mean: images.isEmpty ? .nan : statistic(Array(images.indices)),
                low: interval.low, high: interval.high, count: images.count))
    }

    private mutating func appendMean(
        method: String, metric: String, series: Series, bootstrap: Bootstrap
    ) {
        let defined = series.filter { !$0.value.isNaN }
        let numbers = defined.map(\.value)
        let interval = bootstrap.interval(count: numbers.count, key: "\(method)|\(metric)") { indices in
            var mean = MeanAccumulator()
            for index in indices { mean.add(numbers[index]) }
            return mean.mean
        }
        summary.append(
            Entry(
                method: method, metric: metric, mean: Self.mean(numbers), low: interval.low, high: interval.high,
                count: numbers.count))
        var byClass: [String: [Double]] = [:]
        var classOrder: [String] = []
        for item in defined {
            if byClass[item.label] == nil { classOrder.append(item.label) }
            byClass[item.label, default: []].append(item.value)
        }
        for label in classOrder.sorted() {
            let classValues = byClass[label] ?? []
            perClass.append(
                ClassEntry(
                    label: label, method: method, metric: metric, mean: Self.mean(classValues),
                    count: classValues.count))
        }
    }

    private mutating func appendRatio(
        method: String, metric: String, numerators: Series,
        denominators: Series, bootstrap: Bootstrap
    ) {
        var denominatorByIndex: [Int: Double] = [:]
        for item in denominators { denominatorByIndex[item.index] = item.value }
        let pairs = numerators.compactMap { item -> (label: String, numerator: Double, denominator: Double)? in
            guard let denominator = denominatorByIndex[item.index], !item.value.isNaN, !denominator.isNaN else {
                return nil
            }
            return (item.label, item.value, denominator)
        }
        func ratio(_ indices: [Int]) -> Double {
            var top = 0.0
            var bottom = 0.0
            for index in indices {
                top += pairs[index].numerator
                bottom += pairs[index].denominator
            }
            return indices.isEmpty ? .nan : CheferSegmentationAccumulator.ratio(numerator: top, denominator: bottom)
        }
        let interval = bootstrap.interval(count: pairs.count, key: "\(method)|\(metric)", statistic: ratio)
        summary.append(
            Entry(
                method: method, metric: metric, mean: ratio(Array(pairs.indices)), low: interval.low,
                high: interval.high, count: pairs.count))
        for label in Set(pairs.map(\.label)).sorted() {
            let members = pairs.indices.filter { pairs[$0].label == label }
            perClass.append(
                ClassEntry(label: label, method: method, metric: metric, mean: ratio(members), count: members.count))
        }
    }

    /// The per-image mean of `values`, NaN left out (``MeanAccumulator``, the one per-image mean).
    static func mean(_ values: [Double]) -> Double {
        var mean = MeanAccumulator()
        for value in values { mean.add(value) }
        return mean.mean
    }
}
