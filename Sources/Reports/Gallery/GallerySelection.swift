import Evaluation

/// The images a run's gallery shows, chosen from the per-image rows alone, so `bench report` and `bench merge`
/// choose them again without a model pass.
///
/// - ``shared``: the images shown with every method, the `count` images where the methods disagree most:
///   the largest population standard deviation of the per-image ``metric`` across the run's methods (ties:
///   lower dataset index first). A protocol without a per-image localization metric (`wsoleval`: its scores
///   are dataset-level sweeps) shows its first `count` evaluated images instead.
/// - ``best`` and ``worst``: each method's image with the highest and the lowest ``metric`` (ties: lower index).
///
/// Each choice is a top-k under one total order, so the choice over a whole run equals the choice over the
/// union of its shards' choices: merging shards needs only the overlays the shards rendered.
public struct GallerySelection: Equatable, Sendable {
    /// The per-image metric the images are ranked by; nil when the protocol has none.
    public let metric: Metric?
    /// Dataset indices shown with every method, most disagreement first.
    public let shared: [Int]
    /// Per method (run order), its best and its worst image's dataset index.
    public let extremes: [Extremes]
    /// The methods, in the order their rows first appear.
    public let methods: [String]

    /// One method's best and worst image.
    public struct Extremes: Equatable, Sendable {
        public var method: String
        public var best: Int
        public var worst: Int
    }

    /// The per-image metric a protocol's gallery ranks by: IoU when the protocol reports it, else its first
    /// per-image metric computed from the map (Chefer's AP), else none.
    public static func rankingMetric(of evaluation: EvaluationProtocol) -> Metric? {
        let perImage = evaluation.metrics.filter {
            $0.aggregation == .perImageMean && ($0.source == .binaryMap || $0.source == .scoreMap)
        }
        return perImage.first { $0 == .iou } ?? perImage.first
    }

    /// Chooses `count` shared images and every method's extremes from `rows`.
    /// - Parameters:
    ///   - sharedCandidates: when given, only these images may be shared (the images a folder holds overlays of
    ///     every method for).
    ///   - methodCandidates: when given, only these images may be a method's best or worst (the images with
    ///     that method's overlay).
    public init(
        rows: [ResultRow], evaluation: EvaluationProtocol, count: Int, sharedCandidates: Set<Int>? = nil,
        methodCandidates: [String: Set<Int>]? = nil
    ) {
        let metric = Self.rankingMetric(of: evaluation)
        self.metric = metric
        let methods = Self.methods(in: rows)
        var scores: [Int: [String: Double]] = [:]
        var evaluated: Set<Int> = []
        for row in rows {
            if row.method == ResultRow.imageMethod {
                if row.metric == ResultRow.statusMetric && row.value == ImageStatus.evaluated.rawValue {
                    evaluated.insert(row.index)
                }
                continue
            }
            if let metric, row.metric == metric.id, !row.value.isNaN {
                scores[row.index, default: [:]][row.method] = row.value
            }
        }
        self.methods = methods
        let imagesWithMethods = Set(rows.lazy.filter { $0.method != ResultRow.imageMethod }.map(\.index))
        let pool = evaluated.intersection(imagesWithMethods).filter { sharedCandidates?.contains($0) ?? true }
        guard metric != nil else {
            shared = Array(pool.sorted().prefix(max(count, 0)))
            extremes = []
            return
        }
        guard count > 0 else {
            shared = []
            extremes = []
            return
        }
        let spread = pool.map { index in (index: index, spread: Self.standardDeviation(scores[index] ?? [:])) }
        shared = Array(
            spread.sorted { $0.spread != $1.spread ? $0.spread > $1.spread : $0.index < $1.index }
                .prefix(max(count, 0)).map(\.index))
        extremes = methods.compactMap { method in
            let scored = scores.compactMap { index, values -> (index: Int, value: Double)? in
                guard evaluated.contains(index), methodCandidates.map({ $0[method]?.contains(index) ?? false }) ?? true,
                    let value = values[method]
                else { return nil }
                return (index, value)
            }
            guard
                let best = scored.min(by: { $0.value != $1.value ? $0.value > $1.value : $0.index < $1.index }),
                let worst = scored.min(by: { $0.value != $1.value ? $0.value < $1.value : $0.index < $1.index })
            else { return nil }
            return Extremes(method: method, best: best.index, worst: worst.index)
        }
    }

    /// The methods of `rows`, in the order their rows first appear.
    public static func methods(in rows: [ResultRow]) -> [String] {
        var seen: Set<String> = []
        var order: [String] = []
        for row in rows where row.method != ResultRow.imageMethod && seen.insert(row.method).inserted {
            order.append(row.method)
        }
        return order
    }

    /// Every (image, method) overlay the selection needs: each shared image with every method, each extreme
    /// with its method; per image, the methods in run order. Images come in rank order (the shared images
    /// first, most disagreement first, then the extremes in method order), so a gallery pass stopped early has
    /// drawn the images the page shows first.
    public var overlays: [(index: Int, methods: [String])] {
        var order: [Int] = shared
        var needed: [Int: Set<String>] = [:]
        for index in shared { needed[index] = Set(methods) }
        for extreme in extremes {
            for index in [extreme.best, extreme.worst] {
                if needed[index] == nil { order.append(index) }
                needed[index, default: []].insert(extreme.method)
            }
        }
        return order.map { index in (index, methods.filter { needed[index]?.contains($0) ?? false }) }
    }

    /// The population standard deviation of an image's values across methods; 0 below two methods.
    public static func standardDeviation(_ values: [String: Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        // Summed in a fixed (method-name) order, so the same rows give the same ranking in every process.
        let ordered = values.keys.sorted().compactMap { values[$0] }
        var mean = MeanAccumulator()
        for value in ordered { mean.add(value) }
        var squares = MeanAccumulator()
        for value in ordered { squares.add((value - mean.mean) * (value - mean.mean)) }
        return squares.mean.squareRoot()
    }
}
