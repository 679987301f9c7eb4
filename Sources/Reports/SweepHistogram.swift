/// One image's contribution to a dataset-level precision-recall sweep: histograms of its map's scores at
/// ground-truth foreground ("positive") and background ("negative") pixels over the sweep's bins.
///
/// wsolevaluation's PxAP pools these histograms over the whole split before computing precision and recall,
/// so no per-image number exists; runs store the histograms, one line per image and method in
/// `sweep_histograms.csv` (``RunDirectory/histogramsName``), and ``RunTables`` sums them. A 1,000-threshold
/// sweep has 1,002 bins; a line holds only the span from the first to the last non-empty bin, about 4 KB.
public struct SweepHistogram: Equatable, Sendable {
    /// The sample's position in the dataset.
    public var index: Int
    /// The method id.
    public var method: String
    /// The metric the histograms feed (`pxap`).
    public var metric: String
    /// Pixel counts per bin at ground-truth foreground pixels, lowest scores first.
    public var positives: [Int]
    /// Pixel counts per bin at ground-truth background pixels; as many bins as ``positives``.
    public var negatives: [Int]

    public init(index: Int, method: String, metric: String, positives: [Int], negatives: [Int]) {
        precondition(positives.count == negatives.count, "SweepHistogram: the two histograms differ in bins")
        self.index = index
        self.method = method
        self.metric = metric
        self.positives = positives
        self.negatives = negatives
    }

    /// The header of `sweep_histograms.csv`.
    public static let header = "index,method,metric,bins,positives,negatives,pixels"

    /// `index,method,metric,bins,positives,negatives,pixels`, each histogram as `first:count count ...` (the
    /// span of non-empty bins; `0:` when empty) and `pixels` the total of both, which a line cut short anywhere
    /// fails to match.
    public var csvLine: String {
        CSVLine.encode([
            String(index), method, metric, String(positives.count), Self.encode(positives), Self.encode(negatives),
            String(pixels),
        ])
    }

    /// The pixels counted in both histograms.
    public var pixels: Int { positives.reduce(0, +) + negatives.reduce(0, +) }

    /// Parses a `sweep_histograms.csv` data line; nil when it is malformed or cut short (a torn last line).
    public init?(csvLine: Substring) {
        guard let fields = CSVLine.decode(csvLine), fields.count == 7, let index = Int(fields[0]),
            let bins = Int(fields[3]), bins >= 0, bins <= 10_000_000,
            let positives = Self.decode(fields[4], bins: bins), let negatives = Self.decode(fields[5], bins: bins),
            let pixels = Int(fields[6])
        else { return nil }
        self.init(index: index, method: fields[1], metric: fields[2], positives: positives, negatives: negatives)
        guard self.pixels == pixels else { return nil }
    }

    private static func encode(_ counts: [Int]) -> String {
        guard let first = counts.firstIndex(where: { $0 != 0 }), let last = counts.lastIndex(where: { $0 != 0 })
        else { return "0:" }
        return "\(first):" + counts[first...last].map(String.init).joined(separator: " ")
    }

    private static func decode(_ text: String, bins: Int) -> [Int]? {
        guard let colon = text.firstIndex(of: ":"), let first = Int(text[..<colon]), first >= 0 else { return nil }
        var counts = [Int](repeating: 0, count: bins)
        var bin = first
        for field in text[text.index(after: colon)...].split(separator: " ") {
            guard bin < bins, let count = Int(field), count >= 0 else { return nil }
            counts[bin] = count
            bin += 1
        }
        return counts
    }
}
