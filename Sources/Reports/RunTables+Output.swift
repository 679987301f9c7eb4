import Evaluation
import Foundation

extension RunTables {
    /// `summary.csv`: `method,metric,mean,ci_low,ci_high,n,protocol`.
    ///
    /// Every table ends with the protocol column (``protocolName``), so tables of different protocols can never
    /// be mixed unnoticed.
    public var summaryCSV: String {
        var lines = ["method,metric,mean,ci_low,ci_high,n,protocol"]
        for entry in summary {
            lines.append(
                CSVLine.encode([
                    entry.method, entry.metric, Self.format(entry.mean), Self.format(entry.low),
                    Self.format(entry.high), String(entry.count), protocolName,
                ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `per_class.csv`: `class,method,metric,mean,n,protocol`.
    public var perClassCSV: String {
        var lines = ["class,method,metric,mean,n,protocol"]
        for entry in perClass {
            lines.append(
                CSVLine.encode([
                    entry.label, entry.method, entry.metric, Self.format(entry.mean), String(entry.count),
                    protocolName,
                ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `curves.csv`: `method,curve,fraction,mean,n,protocol`.
    public var curvesCSV: String {
        var lines = ["method,curve,fraction,mean,n,protocol"]
        for point in curves {
            lines.append(
                CSVLine.encode([
                    point.method, point.curve, Self.format(point.fraction), Self.format(point.mean),
                    String(point.count), protocolName,
                ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `summary.md`: one row per method and one column per metric, as the papers lay out their tables, each
    /// cell `mean [low, high]` scaled by `scale` (100 for percentages); `notes` go under the title.
    public func markdown(title: String, notes: [String] = [], scale: Double = 100) -> String {
        var methods: [String] = []
        var metrics: [String] = []
        var cells: [String: Entry] = [:]
        var degenerate: [String] = []
        for entry in summary {
            if Self.conditionMetrics.contains(entry.metric) {
                let images = Int((entry.mean * Double(entry.count)).rounded())
                if images > 0 { degenerate.append("\(entry.method): \(images) \(entry.metric.dropFirst(4)) maps") }
                continue
            }
            if !methods.contains(entry.method) { methods.append(entry.method) }
            if !metrics.contains(entry.metric) { metrics.append(entry.metric) }
            cells["\(entry.method)|\(entry.metric)"] = entry
        }
        var lines = ["# \(title)", ""]
        lines += notes.map { "- \($0)" }
        lines.append(
            "- images: \(imageCounts.evaluated) evaluated, \(imageCounts.filtered) excluded by the protocol, "
                + "\(imageCounts.skipped) skipped (see skipped.csv)")
        if !degenerate.isEmpty {
            lines.append(
                "- degenerate maps (normalised to zeros, scored as finding nothing): "
                    + degenerate.joined(separator: "; "))
        }
        lines.append(
            "- cells: mean [95 % bootstrap interval]"
                + (scale == 1 ? "" : ", x\(scale == scale.rounded() ? String(Int(scale)) : Self.format(scale))"))
        let sweeps = metrics.filter { sweepMetrics.contains($0) }
        if !sweeps.isEmpty {
            lines.append(
                "- " + sweeps.joined(separator: ", ")
                    + ": dataset-level (best threshold over the sweep, or pooled histograms), no interval")
        }
        lines.append("")
        guard !metrics.isEmpty else {
            lines.append("No image has metrics: every image was excluded by the protocol or skipped.")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("| method | " + metrics.joined(separator: " | ") + " |")
        lines.append("|---|" + String(repeating: "---:|", count: metrics.count))
        for method in methods {
            let row = metrics.map { metric -> String in
                guard let entry = cells["\(method)|\(metric)"] else { return "" }
                return Self.cell(entry, scale: scale)
            }
            lines.append("| \(method) | " + row.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `summary.csv`, `per_class.csv`, `curves.csv`, `summary.md` and, when the run has perturbation
    /// curves, their plot `curves.svg` into `folder`.
    public func write(to folder: URL, title: String, notes: [String] = [], scale: Double = 100) throws(ReportError) {
        var files = [
            ("summary.csv", summaryCSV), ("per_class.csv", perClassCSV), ("curves.csv", curvesCSV),
            ("summary.md", markdown(title: title, notes: notes, scale: scale)),
        ]
        if let plot = CurvePlot(curves).svg { files.append(("curves.svg", plot)) }
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw .io(path: url.path, reason: error.localizedDescription)
            }
        }
    }

    /// Per-image 0/1 flags of the map's condition, reported as counts rather than table columns.
    static let conditionMetrics = Set(Metric.mapConditions.map(\.id))

    static func cell(_ entry: Entry, scale: Double) -> String {
        guard !entry.mean.isNaN else { return "n/a" }
        let digits = scale == 1 ? 4 : 2
        let mean = String(format: "%.\(digits)f", entry.mean * scale)
        guard !entry.low.isNaN else { return mean }
        return mean
            + String(format: " [%.\(digits)f, %.\(digits)f]", entry.low * scale, entry.high * scale)
    }

    /// Numbers in the CSV files: shortest round-trip form, `nan` when undefined.
    static func format(_ value: Double) -> String {
        value.isNaN ? "nan" : "\(value)"
    }
}
