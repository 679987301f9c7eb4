import Foundation

/// `curves.svg`: the mean perturbation curves of a run, one panel per curve kind (`probability-morf`,
/// `top1-lerf`, ...) and one line per method, as the papers plot them.
///
/// The x-axis is the fraction of pixels removed (or inserted), 0 to 1; the y-axis spans 0 to 1 for scores that
/// are fractions (probabilities, top-1 correctness) and the data's range otherwise (logits). Methods keep one
/// colour in every panel (matplotlib's `tab20` cycle, in the table's method order), so the plot reads like the
/// table beside it.
public struct CurvePlot: Sendable {
    /// One panel's lines: method → points (fraction, mean) in increasing fraction.
    public struct Panel: Sendable {
        public var curve: String
        public var lines: [(method: String, points: [(x: Double, y: Double)])]
    }

    public let panels: [Panel]
    public let methods: [String]

    /// Panel geometry in SVG user units.
    static let panelWidth = 360.0
    static let panelHeight = 260.0
    static let margin = (left: 52.0, right: 16.0, top: 30.0, bottom: 40.0)
    static let legendWidth = 190.0
    static let palette = [
        "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896", "#9467bd",
        "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7", "#bcbd22", "#dbdb8d",
        "#17becf", "#9edae5",
    ]

    /// Groups the curve points of a run by curve kind and method; points with no defined mean are left out.
    public init(_ points: [RunTables.CurvePoint]) {
        var methods: [String] = []
        var curves: [String] = []
        var byCurve: [String: [String: [(x: Double, y: Double)]]] = [:]
        for point in points where !point.mean.isNaN {
            if !methods.contains(point.method) { methods.append(point.method) }
            if !curves.contains(point.curve) { curves.append(point.curve) }
            byCurve[point.curve, default: [:]][point.method, default: []].append((point.fraction, point.mean))
        }
        self.methods = methods
        panels = curves.map { curve in
            let lines = methods.compactMap { method -> (method: String, points: [(x: Double, y: Double)])? in
                guard let points = byCurve[curve]?[method] else { return nil }
                return (method, points.sorted { $0.x < $1.x })
            }
            return Panel(curve: curve, lines: lines)
        }
    }

    /// The y-range of a panel: [0, 1] when every value lies in it, else the data's range padded by 5 %.
    static func yRange(_ panel: Panel) -> (low: Double, high: Double) {
        let values = panel.lines.flatMap { $0.points.map(\.y) }
        guard let low = values.min(), let high = values.max() else { return (0, 1) }
        if low >= 0 && high <= 1 { return (0, 1) }
        let pad = high > low ? (high - low) * 0.05 : 1
        return (low - pad, high + pad)
    }

    /// The plot as a standalone SVG document (`curves.svg`), or nil when the run has no curves.
    public var svg: String? { svg(style: .standalone) }

    /// The plot in `style`, or nil when the run has no curves; each point shows its method, step and value on
    /// hover.
    public func svg(style: SVGStyle) -> String? {
        guard !panels.isEmpty else { return nil }
        let width = Double(panels.count) * Self.panelWidth + Self.legendWidth
        let legendHeight = 30 + Double(methods.count) * 18
        let height = max(Self.panelHeight, legendHeight)
        var parts = [style.open(width: width, height: height, label: "perturbation curves")]
        for (position, panel) in panels.enumerated() {
            parts += panelElements(panel, originX: Double(position) * Self.panelWidth)
        }
        let legendX = Double(panels.count) * Self.panelWidth + 10
        for (position, method) in methods.enumerated() {
            let y = 30 + Double(position) * 18
            parts.append(
                "<line x1=\"\(Self.number(legendX))\" y1=\"\(Self.number(y))\" x2=\"\(Self.number(legendX + 24))\" "
                    + "y2=\"\(Self.number(y))\" stroke=\"\(color(of: method))\" stroke-width=\"2\"/>")
            parts.append(
                "<text x=\"\(Self.number(legendX + 30))\" y=\"\(Self.number(y + 4))\">\(Self.escape(method))</text>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    func color(of method: String) -> String {
        Self.palette[(methods.firstIndex(of: method) ?? 0) % Self.palette.count]
    }

    /// Where a value lands in a panel at `originX`: x from the fraction, y from the panel's range (SVG's y
    /// grows downwards).
    static func position(x: Double, y: Double, originX: Double, range: (low: Double, high: Double)) -> (
        Double, Double
    ) {
        let plotWidth = panelWidth - margin.left - margin.right
        let plotHeight = panelHeight - margin.top - margin.bottom
        let span = range.high - range.low
        return (
            originX + margin.left + x * plotWidth,
            margin.top + (1 - (y - range.low) / span) * plotHeight
        )
    }

    private func panelElements(_ panel: Panel, originX: Double) -> [String] {
        let range = Self.yRange(panel)
        let (left, top) = Self.position(x: 0, y: range.high, originX: originX, range: range)
        let (right, bottom) = Self.position(x: 1, y: range.low, originX: originX, range: range)
        var parts = [
            "<g>",
            "<text x=\"\(Self.number((left + right) / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">"
                + "\(Self.escape(panel.curve))</text>",
            "<rect x=\"\(Self.number(left))\" y=\"\(Self.number(top))\" width=\"\(Self.number(right - left))\" "
                + "height=\"\(Self.number(bottom - top))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.7\"/>",
        ]
        for tick in 0...4 {
            let fraction = Double(tick) / 4
            let (x, _) = Self.position(x: fraction, y: range.low, originX: originX, range: range)
            let value = range.low + fraction * (range.high - range.low)
            let (_, y) = Self.position(x: 0, y: value, originX: originX, range: range)
            parts.append(
                "<text x=\"\(Self.number(x))\" y=\"\(Self.number(bottom + 14))\" text-anchor=\"middle\">"
                    + "\(String(format: "%.2f", fraction))</text>")
            parts.append(
                "<text x=\"\(Self.number(left - 4))\" y=\"\(Self.number(y + 4))\" text-anchor=\"end\">"
                    + "\(String(format: "%.2f", value))</text>")
        }
        parts.append(
            "<text x=\"\(Self.number((left + right) / 2))\" y=\"\(Self.number(bottom + 30))\" "
                + "text-anchor=\"middle\">fraction of pixels</text>")
        for line in panel.lines {
            let coordinates = line.points.map { point in
                let (x, y) = Self.position(x: point.x, y: point.y, originX: originX, range: range)
                return "\(Self.number(x)),\(Self.number(y))"
            }
            parts.append(
                "<polyline fill=\"none\" stroke=\"\(color(of: line.method))\" stroke-width=\"1.5\" "
                    + "points=\"\(coordinates.joined(separator: " "))\"><title>\(Self.escape(line.method))</title>"
                    + "</polyline>")
            for point in line.points {
                let (x, y) = Self.position(x: point.x, y: point.y, originX: originX, range: range)
                parts.append(
                    "<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"2\" fill=\"\(color(of: line.method))\">"
                        + "<title>\(Self.escape(line.method)) at \(String(format: "%.2f", point.x)): "
                        + "\(String(format: "%.4f", point.y))</title></circle>")
            }
        }
        parts.append("</g>")
        return parts
    }

    static func number(_ value: Double) -> String { SVGStyle.number(value) }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
