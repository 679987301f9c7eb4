import Evaluation
import Foundation

/// `metrics_heatmap.svg`: the summary as a methods x metrics heat-table, each cell the mean x100 on a colour
/// that runs from the column's worst method (light) to its best (dark), in the metric's own direction.
///
/// Columns are the protocol's table metrics less the counts (map conditions, failures), which have no "better"
/// beyond zero; a column whose methods all score the same is drawn in the middle colour.
public struct MetricHeatTable: Sendable {
    public let methods: [String]
    public let metrics: [Metric]
    /// `values[method][metric id]`: the summary mean (NaN when undefined).
    let values: [String: [String: Double]]

    static let nameWidth = 170.0
    static let cellWidth = 64.0
    static let cellHeight = 20.0
    static let headerHeight = 120.0
    /// Worst and best ends of the colour scale.
    static let worst = (r: 254.0, g: 235.0, b: 226.0)
    static let best = (r: 37.0, g: 52.0, b: 148.0)

    public init(_ tables: RunTables) {
        let metrics = tables.evaluation.tableMetrics.filter { !$0.isFailureCount }
        var methods: [String] = []
        var values: [String: [String: Double]] = [:]
        for entry in tables.summary where metrics.contains(where: { $0.id == entry.metric }) {
            if values[entry.method] == nil { methods.append(entry.method) }
            values[entry.method, default: [:]][entry.metric] = entry.mean
        }
        self.methods = methods
        self.metrics = metrics.filter { metric in methods.contains { values[$0]?[metric.id] != nil } }
        self.values = values
    }

    /// Where `value` lies between the column's worst (0) and best (1) method; 0.5 when they tie; nil for NaN.
    func position(_ value: Double, metric: Metric) -> Double? {
        guard !value.isNaN else { return nil }
        let column = methods.compactMap { values[$0]?[metric.id] }.filter { !$0.isNaN }
        guard let low = column.min(), let high = column.max(), high > low else { return 0.5 }
        let fraction = (value - low) / (high - low)
        return metric.direction == .higherIsBetter ? fraction : 1 - fraction
    }

    /// The heat-table in `style`, or nil when the run has no summary values.
    public func svg(style: SVGStyle) -> String? {
        guard !methods.isEmpty, !metrics.isEmpty else { return nil }
        // Wide enough for the legend line under a table of few columns.
        let width = max(Self.nameWidth + Double(metrics.count) * Self.cellWidth + 10, 700)
        let height = Self.headerHeight + Double(methods.count) * Self.cellHeight + 24
        var parts = [style.open(width: width, height: height, label: "methods by metrics, means x100")]
        for (column, metric) in metrics.enumerated() {
            let x = Self.nameWidth + (Double(column) + 0.5) * Self.cellWidth
            let y = Self.headerHeight - 6
            let arrow = metric.direction == .higherIsBetter ? "\u{2191}" : "\u{2193}"
            parts.append(
                "<text transform=\"translate(\(SVGStyle.number(x)),\(SVGStyle.number(y))) rotate(-40)\">"
                    + "\(HTMLText.escape(metric.id)) \(arrow)</text>")
        }
        for (row, method) in methods.enumerated() {
            let y = Self.headerHeight + Double(row) * Self.cellHeight
            parts.append(
                "<text x=\"\(SVGStyle.number(Self.nameWidth - 8))\" y=\"\(SVGStyle.number(y + 14))\" "
                    + "text-anchor=\"end\">\(HTMLText.escape(method))</text>")
            for (column, metric) in metrics.enumerated() {
                let x = Self.nameWidth + Double(column) * Self.cellWidth
                let value = values[method]?[metric.id] ?? .nan
                let cell = position(value, metric: metric)
                let fill = cell.map(Self.color) ?? "none"
                let ink = (cell ?? 0) > 0.55 ? " fill=\"white\"" : " fill=\"#222\""
                let text = value.isNaN ? "n/a" : String(format: "%.1f", value * 100)
                parts.append(
                    "<g><title>\(HTMLText.escape(method)), \(HTMLText.escape(metric.id)): "
                        + "\(value.isNaN ? "undefined" : String(format: "%.2f", value * 100))</title>"
                        + "<rect x=\"\(SVGStyle.number(x + 1))\" y=\"\(SVGStyle.number(y + 1))\" "
                        + "width=\"\(SVGStyle.number(Self.cellWidth - 2))\" height=\"\(SVGStyle.number(Self.cellHeight - 2))\" "
                        + "fill=\"\(fill)\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/>"
                        + "<text x=\"\(SVGStyle.number(x + Self.cellWidth / 2))\" y=\"\(SVGStyle.number(y + 14))\" "
                        + "text-anchor=\"middle\"\(cell == nil ? "" : ink)>\(text)</text></g>")
            }
        }
        let footY = Self.headerHeight + Double(methods.count) * Self.cellHeight + 16
        parts.append(
            "<text x=\"\(SVGStyle.number(Self.nameWidth))\" y=\"\(SVGStyle.number(footY))\">"
                + "means x100; per column, light = worst method, dark = best (\u{2191} higher is better, "
                + "\u{2193} lower)</text>")
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// The colour at `position` (0 worst, 1 best) as `#rrggbb`.
    static func color(_ position: Double) -> String {
        let t = min(max(position, 0), 1)
        func channel(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        return String(
            format: "#%02x%02x%02x", channel(worst.r, best.r), channel(worst.g, best.g), channel(worst.b, best.b))
    }
}
