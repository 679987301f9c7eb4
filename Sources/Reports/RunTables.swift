import Foundation

/// The tables of a run, computed from its per-image rows: method × metric summaries with bootstrap
/// intervals, per-class means and mean perturbation curves.
///
/// Aggregation rules, decided by the metric name:
/// - `X.numerator` / `X.denominator` pairs give the dataset-level ratio `X = Σ numerator / Σ denominator`
///   (Chefer's accumulated pixel accuracy and IoU), its interval from resampling images;
/// - `curve:NAME@FRACTION` rows are curve points, averaged per step into `curves.csv` (their areas are
///   separate metrics);
/// - every other metric is the mean over the images where it is defined (NaN = undefined), the per-image
///   average of AG-CAM's and most WSOL code;
/// - ``derivedMetrics`` are means of dataset-level ratios: `miou` = mean of `iou-background` and
///   `iou-foreground` (Chefer's 2-class mIoU, each IoU accumulated over the dataset before the mean);
/// - `sweep:NAME@K` rows are one image's changes of a 0/1 outcome at threshold index `K` (the first at `K = 0`
///   is always written), so summed over images and accumulated over `K` they count the images with the
///   outcome at each threshold; `NAME` is the largest count over the thresholds divided by the images
///   (wsolevaluation's MaxBoxAcc at one IoU), and ``sweepDerivedMetrics`` average them (MaxBoxAccV2);
/// - ``SweepHistogram``s are summed per method and metric over the images and give the pooled average
///   precision (wsolevaluation's PxAP).
/// Sweep metrics are dataset-level optima, not means: they have no bootstrap interval (wsolevaluation reports
/// none) and no per-class entry.
/// Rows are ordered by dataset index first, so shards merged in any order give identical tables.
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

    /// The protocol the rows were computed under (the manifest's `protocol`), written in every table's last
    /// column; empty when unknown.
    public var protocolName = ""
    public private(set) var summary: [Entry] = []
    public private(set) var perClass: [ClassEntry] = []
    public private(set) var curves: [CurvePoint] = []
    /// The metrics computed from sweeps (dataset-level, without intervals), for the tables' notes.
    public private(set) var sweepMetrics: Set<String> = []
    /// Images by status: evaluated, filtered out by the protocol, skipped as unreadable.
    public private(set) var imageCounts: (evaluated: Int, filtered: Int, skipped: Int) = (0, 0, 0)

    /// Metrics computed as the mean of several dataset-level ratio metrics, name → components.
    public static let derivedMetrics: [(name: String, components: [String])] = [
        ("miou", ["iou-background", "iou-foreground"])
    ]

    /// Metrics computed as the mean of several sweep metrics, name → components.
    public static let sweepDerivedMetrics: [(name: String, components: [String])] = [
        ("maxboxacc-v2", ["maxboxacc-iou30", "maxboxacc-iou50", "maxboxacc-iou70"])
    ]

    /// Aggregates `rows` (any order; status rows included) and the sweep `histograms` of the same images.
    public init(
        rows: [ResultRow], histograms: PooledHistograms = PooledHistograms(), bootstrap: Bootstrap = Bootstrap()
    ) {
        let ordered = rows.enumerated().sorted { ($0.element.index, $0.offset) < ($1.element.index, $1.offset) }
            .map(\.element)
        var methods: [String] = []
        var metrics: [String: [String]] = [:]
        var values: [String: [String: [(index: Int, label: String, value: Double)]]] = [:]
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
                metrics[row.method] = []
            }
            if values[row.method]?[row.metric] == nil {
                metrics[row.method]?.append(row.metric)
                values[row.method]?[row.metric] = []
            }
            values[row.method]?[row.metric]?.append((row.index, row.label, row.value))
        }
        for method in methods {
            guard let methodValues = values[method], let methodMetrics = metrics[method] else { continue }
            var sweepNames: [String] = []
            var sweepChanges: [String: [Int: Double]] = [:]
            var sweepImages: [String: Set<Int>] = [:]
            for metric in methodMetrics {
                guard let series = methodValues[metric] else { continue }
                if let (name, threshold) = Self.sweepPoint(metric) {
                    if sweepChanges[name] == nil {
                        sweepNames.append(name)
                        sweepChanges[name] = [:]
                        sweepImages[name] = []
                    }
                    for item in series {
                        sweepChanges[name]?[threshold, default: 0] += item.value
                        sweepImages[name]?.insert(item.index)
                    }
                } else if let (curve, fraction) = Self.curvePoint(metric) {
                    let defined = series.map(\.value).filter { !$0.isNaN }
                    curves.append(
                        CurvePoint(
                            method: method, curve: curve, fraction: fraction, mean: Self.mean(defined),
                            count: defined.count))
                } else if metric.hasSuffix(".numerator") {
                    let name = String(metric.dropLast(".numerator".count))
                    guard let denominators = methodValues[name + ".denominator"] else { continue }
                    appendRatio(
                        method: method, metric: name, numerators: series, denominators: denominators,
                        bootstrap: bootstrap)
                } else if metric.hasSuffix(".denominator") {
                    continue
                } else {
                    appendMean(method: method, metric: metric, series: series, bootstrap: bootstrap)
                }
            }
            for derived in Self.derivedMetrics {
                appendDerived(method: method, derived: derived, values: methodValues, bootstrap: bootstrap)
            }
            appendSweeps(
                method: method, names: sweepNames, changes: sweepChanges, images: sweepImages,
                histograms: histograms)
        }
    }

    /// The sweep optima of one method, their derived means, then the pooled APs of its histograms.
    private mutating func appendSweeps(
        method: String, names: [String], changes: [String: [Int: Double]], images: [String: Set<Int>],
        histograms: PooledHistograms
    ) {
        var optima: [String: Entry] = [:]
        for name in names {
            guard let byThreshold = changes[name], let imageCount = images[name]?.count, imageCount > 0 else {
                continue
            }
            var running = 0.0
            var best = 0.0
            for threshold in byThreshold.keys.sorted() {
                running += byThreshold[threshold] ?? 0
                best = max(best, running)
            }
            optima[name] = Entry(
                method: method, metric: name, mean: best / Double(imageCount), low: .nan, high: .nan,
                count: imageCount)
        }
        sweepMetrics.formUnion(optima.keys)
        let histogramMetrics = histograms.metrics(of: method)
        sweepMetrics.formUnion(histogramMetrics)
        for derived in Self.sweepDerivedMetrics {
            let parts = derived.components.compactMap { optima[$0] }
            guard parts.count == derived.components.count else { continue }
            sweepMetrics.insert(derived.name)
            summary.append(
                Entry(
                    method: method, metric: derived.name,
                    mean: parts.map(\.mean).reduce(0, +) / Double(parts.count), low: .nan, high: .nan,
                    count: parts.map(\.count).min() ?? 0))
        }
        summary += names.compactMap { optima[$0] }
        for metric in histogramMetrics {
            guard let sum = histograms.sum(method: method, metric: metric) else { continue }
            // Histograms of one metric share their bins; a mismatch is a mixed folder, and the metric is NaN.
            let value =
                sum.mismatched ? .nan : Self.pooledAveragePrecision(positives: sum.positives, negatives: sum.negatives)
            summary.append(
                Entry(method: method, metric: metric, mean: value, low: .nan, high: .nan, count: sum.images))
        }
    }

    /// wsolevaluation's PxAP (as a fraction): from the highest bin down, precision `TP / (TP + FP)` times the
    /// recall gained, skipping operating points that predict nothing; NaN without any positive pixel or any
    /// prediction (where wsolevaluation raises).
    static func pooledAveragePrecision(positives: [Int], negatives: [Int]) -> Double {
        let totalPositives = positives.reduce(0, +)
        guard totalPositives > 0, positives.count == negatives.count else { return .nan }
        var truePositives = 0
        var falsePositives = 0
        var previousRecall = 0.0
        var area = 0.0
        var anyPrediction = false
        for bin in positives.indices.reversed() {
            truePositives += positives[bin]
            falsePositives += negatives[bin]
            let recall = Double(truePositives) / Double(totalPositives)
            if truePositives + falsePositives > 0 {
                anyPrediction = true
                area += Double(truePositives) / Double(truePositives + falsePositives) * (recall - previousRecall)
            }
            previousRecall = recall
        }
        return anyPrediction ? area : .nan
    }

    /// `(NAME, K)` of a `sweep:NAME@K` metric name.
    static func sweepPoint(_ metric: String) -> (String, Int)? {
        guard metric.hasPrefix("sweep:"), let at = metric.lastIndex(of: "@"),
            let threshold = Int(metric[metric.index(after: at)...]), threshold >= 0
        else { return nil }
        return (String(metric[metric.index(metric.startIndex, offsetBy: 6)..<at]), threshold)
    }

    private mutating func appendDerived(
        method: String, derived: (name: String, components: [String]),
        values: [String: [(index: Int, label: String, value: Double)]], bootstrap: Bootstrap
    ) {
        var byIndex: [Int: [Double]] = [:]
        for (position, component) in derived.components.enumerated() {
            guard let numerators = values[component + ".numerator"],
                let denominators = values[component + ".denominator"], numerators.count == denominators.count
            else { return }
            for (numerator, denominator) in zip(numerators, denominators) where numerator.index == denominator.index {
                var slots = byIndex[numerator.index] ?? [Double](repeating: .nan, count: 2 * derived.components.count)
                slots[2 * position] = numerator.value
                slots[2 * position + 1] = denominator.value
                byIndex[numerator.index] = slots
            }
        }
        let images = byIndex.keys.sorted().compactMap { byIndex[$0] }.filter { !$0.contains(where: \.isNaN) }
        let componentCount = derived.components.count
        func statistic(_ indices: [Int]) -> Double {
            var total = 0.0
            for component in 0..<componentCount {
                var top = 0.0
                var bottom = 0.0
                for index in indices {
                    top += images[index][2 * component]
                    bottom += images[index][2 * component + 1]
                }
                guard bottom > 0 else { return .nan }
                total += top / bottom
            }
            return total / Double(componentCount)
        }
        let interval = bootstrap.interval(count: images.count, key: "\(method)|\(derived.name)", statistic: statistic)
        summary.append(
            Entry(
                method: method, metric: derived.name, mean: images.isEmpty ? .nan : statistic(Array(images.indices)),
                low: interval.low, high: interval.high, count: images.count))
    }

    private mutating func appendMean(
        method: String, metric: String, series: [(index: Int, label: String, value: Double)], bootstrap: Bootstrap
    ) {
        let defined = series.filter { !$0.value.isNaN }
        let numbers = defined.map(\.value)
        let interval = bootstrap.interval(count: numbers.count, key: "\(method)|\(metric)") { indices in
            var sum = 0.0
            for index in indices { sum += numbers[index] }
            return sum / Double(indices.count)
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
        method: String, metric: String, numerators: [(index: Int, label: String, value: Double)],
        denominators: [(index: Int, label: String, value: Double)], bootstrap: Bootstrap
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
            return bottom == 0 ? .nan : top / bottom
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

    /// `(curve, fraction)` of a `curve:NAME@FRACTION` metric name.
    static func curvePoint(_ metric: String) -> (String, Double)? {
        guard metric.hasPrefix("curve:"), let at = metric.lastIndex(of: "@"),
            let fraction = Double(metric[metric.index(after: at)...])
        else { return nil }
        return (String(metric[metric.index(metric.startIndex, offsetBy: 6)..<at]), fraction)
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }
}
