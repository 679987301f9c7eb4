import Evaluation
import Foundation

/// `<metric>_distribution.svg`: each method's per-image values of one metric (the gallery's ranking metric,
/// IoU where the protocol has it) as a horizontal box plot.
///
/// The box spans the first to the third quartile with the median marked, the whiskers reach the most extreme
/// values within 1.5 interquartile ranges (Tukey's rule, as matplotlib's `boxplot` draws it), values beyond are
/// dots, and a diamond marks the mean (the table's number). Quartiles are numpy's linear percentiles.
public struct ScoreDistributionPlot: Sendable {
    public let metric: Metric
    /// Per method (run order), its defined per-image values, sorted.
    public let series: [(method: String, values: [Double])]

    /// Tukey's five numbers, the mean and the outliers of one method's values.
    struct Summary {
        var lowerQuartile: Double
        var median: Double
        var upperQuartile: Double
        var lowerWhisker: Double
        var upperWhisker: Double
        var mean: Double
        var outliers: [Double]
    }

    static let nameWidth = 170.0
    static let plotWidth = 480.0
    static let rowHeight = 22.0
    static let top = 30.0

    /// The values of `metric` in `rows`, per method in the order the rows name them.
    public init(rows: [ResultRow], metric: Metric) {
        self.metric = metric
        var order: [String] = []
        var values: [String: [Double]] = [:]
        for row in rows where row.method != ResultRow.imageMethod && row.metric == metric.id {
            if values[row.method] == nil { order.append(row.method) }
            if !row.value.isNaN { values[row.method, default: []].append(row.value) }
        }
        series = order.map { ($0, (values[$0] ?? []).sorted()) }
    }

    static func summary(_ sorted: [Double]) -> Summary? {
        guard !sorted.isEmpty else { return nil }
        let q1 = Bootstrap.percentile(sorted, 0.25)
        let q3 = Bootstrap.percentile(sorted, 0.75)
        let reach = 1.5 * (q3 - q1)
        let inside = sorted.filter { $0 >= q1 - reach && $0 <= q3 + reach }
        var mean = MeanAccumulator()
        for value in sorted { mean.add(value) }
        return Summary(
            lowerQuartile: q1, median: Bootstrap.percentile(sorted, 0.5), upperQuartile: q3,
            lowerWhisker: inside.first ?? q1, upperWhisker: inside.last ?? q3, mean: mean.mean,
            outliers: sorted.filter { $0 < q1 - reach || $0 > q3 + reach })
    }

    /// The plot in `style`, or nil when no method has a value.
    public func svg(style: SVGStyle) -> String? {
        guard series.contains(where: { !$0.values.isEmpty }) else { return nil }
        let range = metric.range
        let width = Self.nameWidth + Self.plotWidth + 30
        let height = Self.top + Double(series.count) * Self.rowHeight + 44
        func px(_ value: Double) -> Double {
            let fraction =
                (min(max(value, range.lowerBound), range.upperBound) - range.lowerBound)
                / (range.upperBound - range.lowerBound)
            return Self.nameWidth + fraction * Self.plotWidth
        }
        func x(_ value: Double) -> String { SVGStyle.number(px(value)) }
        let bottom = Self.top + Double(series.count) * Self.rowHeight
        var parts = [style.open(width: width, height: height, label: "per-image \(metric.id) per method")]
        parts.append(
            "<text x=\"\(SVGStyle.number(Self.nameWidth))\" y=\"16\" font-size=\"13\">per-image "
                + "\(HTMLText.escape(metric.id)) per method (box: quartiles, line: median, diamond: mean)</text>")
        for tick in 0...4 {
            let value = range.lowerBound + Double(tick) / 4 * (range.upperBound - range.lowerBound)
            parts.append(
                "<line x1=\"\(x(value))\" y1=\"\(SVGStyle.number(Self.top))\" x2=\"\(x(value))\" "
                    + "y2=\"\(SVGStyle.number(bottom))\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/>")
            parts.append(
                "<text x=\"\(x(value))\" y=\"\(SVGStyle.number(bottom + 14))\" text-anchor=\"middle\">"
                    + "\(String(format: "%.2f", value))</text>")
        }
        for (row, line) in series.enumerated() {
            let y = Self.top + Double(row) * Self.rowHeight
            let middle = SVGStyle.number(y + Self.rowHeight / 2)
            parts.append(
                "<text x=\"\(SVGStyle.number(Self.nameWidth - 8))\" y=\"\(SVGStyle.number(y + 15))\" "
                    + "text-anchor=\"end\">\(HTMLText.escape(line.method))</text>")
            guard let summary = Self.summary(line.values) else { continue }
            let color = CurvePlot.palette[row % CurvePlot.palette.count]
            let stats = String(
                format: "n %d, median %.3f, quartiles %.3f to %.3f, mean %.3f", line.values.count, summary.median,
                summary.lowerQuartile, summary.upperQuartile, summary.mean)
            var group = "<g><title>\(HTMLText.escape(line.method)): \(stats)</title>"
            group +=
                "<line x1=\"\(x(summary.lowerWhisker))\" y1=\"\(middle)\" x2=\"\(x(summary.upperWhisker))\" "
                + "y2=\"\(middle)\" stroke=\"currentColor\"/>"
            group +=
                "<rect x=\"\(x(summary.lowerQuartile))\" y=\"\(SVGStyle.number(y + 4))\" "
                + "width=\"\(SVGStyle.number(px(summary.upperQuartile) - px(summary.lowerQuartile)))\" "
                + "height=\"\(SVGStyle.number(Self.rowHeight - 8))\" fill=\"\(color)\" fill-opacity=\"0.6\" "
                + "stroke=\"currentColor\"/>"
            group +=
                "<line x1=\"\(x(summary.median))\" y1=\"\(SVGStyle.number(y + 4))\" x2=\"\(x(summary.median))\" "
                + "y2=\"\(SVGStyle.number(y + Self.rowHeight - 4))\" stroke=\"currentColor\" stroke-width=\"2\"/>"
            for outlier in summary.outliers {
                group += "<circle cx=\"\(x(outlier))\" cy=\"\(middle)\" r=\"1.8\" fill=\"currentColor\"/>"
            }
            let meanX = px(summary.mean)
            let meanY = y + Self.rowHeight / 2
            group +=
                "<path d=\"M\(SVGStyle.number(meanX)) \(SVGStyle.number(meanY - 4)) l4 4 l-4 4 l-4 -4 z\" "
                + "fill=\"white\" stroke=\"currentColor\"/>"
            parts.append(group + "</g>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// The standalone file's name: `iou_distribution.svg` for IoU.
    public var fileName: String { "\(metric.id)_distribution.svg" }
}
