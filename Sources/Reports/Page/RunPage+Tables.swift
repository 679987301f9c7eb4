import Evaluation

extension RunPage {
    /// The method filter, the summary with intervals (best per metric marked) and the count table.
    var summarySection: [String] {
        var lines = [
            "<section id=\"summary\">",
            "<h2>Summary</h2>",
            methodFilter,
            "<p class=\"note\">Means x100 over the images, with 95 % bootstrap intervals; \u{2605} marks the best "
                + "method per metric (\u{2191} higher is better, \u{2193} lower). Click a column to sort."
                + (tables.sweepMetrics.isEmpty
                    ? ""
                    : " " + HTMLText.escape(tables.sweepMetrics.sorted().joined(separator: ", "))
                        + ": dataset-level (the best threshold of the sweep, or pooled histograms), no interval.")
                + "</p>",
            "<div class=\"scroll\"><table class=\"sortable\" id=\"summary-table\"><thead><tr><th>method</th>",
        ]
        let metrics = scoreMetrics
        for metric in metrics {
            lines.append(
                "<th title=\"\(HTMLText.escape(metric.summary))\">\(HTMLText.escape(metric.id)) "
                    + "\(metric.direction == .higherIsBetter ? "\u{2191}" : "\u{2193}")</th>")
        }
        lines.append("</tr></thead><tbody>")
        let best = bestValues(metrics)
        var entries: [String: RunTables.Entry] = [:]
        for entry in tables.summary { entries["\(entry.method)|\(entry.metric)"] = entry }
        for method in methods {
            var row = "<tr data-method=\"\(HTMLText.escape(method))\"><td>\(HTMLText.escape(method))</td>"
            for metric in metrics {
                guard let entry = entries["\(method)|\(metric.id)"] else {
                    row += "<td data-metric=\"\(HTMLText.escape(metric.id))\">\u{2013}</td>"
                    continue
                }
                row += cell(entry, best: best[metric.id])
            }
            lines.append(row + "</tr>")
        }
        lines.append("</tbody></table></div>")
        lines += countTable(entries)
        lines.append("</section>")
        return lines
    }

    /// Checkboxes that show or hide each method everywhere on the page.
    var methodFilter: String {
        var html =
            "<div class=\"filter\"><strong>methods:</strong> <button type=\"button\" data-select=\"all\">all</button>"
            + "<button type=\"button\" data-select=\"none\">none</button>"
        for method in methods {
            html +=
                "<label><input type=\"checkbox\" class=\"method-toggle\" value=\"\(HTMLText.escape(method))\" "
                + "checked=\"checked\"/> \(HTMLText.escape(method))</label>"
        }
        return html + "</div>"
    }

    /// One summary cell: the mean x100 and its interval, the exact values in attributes.
    func cell(_ entry: RunTables.Entry, best: Double?) -> String {
        let isBest = best.map { !entry.mean.isNaN && entry.mean == $0 } ?? false
        var html =
            "<td data-metric=\"\(HTMLText.escape(entry.metric))\" data-value=\"\(Self.exact(entry.mean))\" "
            + "data-low=\"\(Self.exact(entry.low))\" data-high=\"\(Self.exact(entry.high))\" data-n=\"\(entry.count)\""
            + (isBest ? " class=\"best\"" : "") + ">" + Self.percent(entry.mean)
        if !entry.low.isNaN {
            html += " <span class=\"ci\">[\(Self.percent(entry.low)), \(Self.percent(entry.high))]</span>"
        }
        return html + "</td>"
    }

    /// Per metric, the best mean over the methods in the metric's direction.
    func bestValues(_ metrics: [Metric]) -> [String: Double] {
        var best: [String: Double] = [:]
        for metric in metrics {
            let values = tables.summary.filter { $0.metric == metric.id && !$0.mean.isNaN }.map(\.mean)
            best[metric.id] = metric.direction == .higherIsBetter ? values.max() : values.min()
        }
        return best
    }

    /// The map conditions and method failures per method, as counts of images.
    func countTable(_ entries: [String: RunTables.Entry]) -> [String] {
        let metrics = countMetrics
        guard !metrics.isEmpty else { return [] }
        var lines = [
            "<h3>Map conditions and failures</h3>",
            "<p class=\"note\">Images per method whose map was constant or held NaN or infinity (normalised to "
                + "zeros and scored as finding nothing), and images where the method failed.</p>",
            "<div class=\"scroll\"><table class=\"sortable\" id=\"count-table\"><thead><tr><th>method</th>",
        ]
        for metric in metrics { lines.append("<th>\(HTMLText.escape(metric.id))</th>") }
        lines.append("</tr></thead><tbody>")
        for method in methods {
            var row = "<tr data-method=\"\(HTMLText.escape(method))\"><td>\(HTMLText.escape(method))</td>"
            for metric in metrics {
                guard let entry = entries["\(method)|\(metric.id)"] else {
                    row += "<td>\u{2013}</td>"
                    continue
                }
                let images = entry.mean.isNaN ? "n/a" : String(Int((entry.mean * Double(entry.count)).rounded()))
                row +=
                    "<td data-metric=\"\(HTMLText.escape(entry.metric))\" data-value=\"\(Self.exact(entry.mean))\" "
                    + "data-n=\"\(entry.count)\">\(images) of \(entry.count)</td>"
            }
            lines.append(row + "</tr>")
        }
        lines.append("</tbody></table></div>")
        return lines
    }

    /// The heat-table and the distribution of the ranking metric.
    var plotsSection: [String] {
        var lines = ["<section id=\"plots\">", "<h2>Plots</h2>"]
        if let heat = MetricHeatTable(tables).svg(style: .inline) {
            lines.append("<h3>Methods by metrics</h3>")
            lines.append(heat)
        }
        if let metric = selection.metric,
            let plot = ScoreDistributionPlot(rows: rows, metric: metric).svg(style: .inline)
        {
            lines.append("<h3>Per-image \(HTMLText.escape(metric.id))</h3>")
            lines.append(plot)
        }
        lines.append("</section>")
        return lines
    }

    /// The mean perturbation curves, one panel per curve.
    var curvesSection: [String] {
        guard let plot = CurvePlot(tables.curves).svg(style: .inline) else { return [] }
        return [
            "<section id=\"curves\">", "<h2>Perturbation curves</h2>",
            "<p class=\"note\">Mean over the images per step; hover a point for its value (curves.csv has them "
                + "all).</p>", plot, "</section>",
        ]
    }

    /// Per metric with class entries, a classes x methods table of means x100.
    var perClassSection: [String] {
        guard !tables.perClass.isEmpty else { return [] }
        var lines = [
            "<section id=\"per-class\">", "<h2>Per class</h2>",
            "<p class=\"note\">Means x100 over each class's images (per_class.csv); one table per metric.</p>",
        ]
        var labels: [String] = []
        var values: [String: RunTables.ClassEntry] = [:]
        for entry in tables.perClass {
            if !labels.contains(entry.label) { labels.append(entry.label) }
            values["\(entry.metric)|\(entry.label)|\(entry.method)"] = entry
        }
        // The score metrics in the summary's order; the counts are in the header and the count table.
        let present = Set(tables.perClass.map(\.metric))
        let metricOrder = scoreMetrics.map(\.id).filter { present.contains($0) }
        labels.sort()
        for (position, metric) in metricOrder.enumerated() {
            lines.append(
                "<details\(position == 0 ? " open=\"open\"" : "")><summary>\(HTMLText.escape(metric))</summary>")
            lines.append("<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>class</th>")
            for method in methods {
                lines.append("<th data-method=\"\(HTMLText.escape(method))\">\(HTMLText.escape(method))</th>")
            }
            lines.append("</tr></thead><tbody>")
            for label in labels {
                var row = "<tr><td>\(HTMLText.escape(label.isEmpty ? "(none)" : label))</td>"
                for method in methods {
                    guard let entry = values["\(metric)|\(label)|\(method)"] else {
                        row += "<td data-method=\"\(HTMLText.escape(method))\"></td>"
                        continue
                    }
                    row +=
                        "<td data-method=\"\(HTMLText.escape(method))\" data-metric=\"\(HTMLText.escape(metric))\" "
                        + "data-value=\"\(Self.exact(entry.mean))\" data-n=\"\(entry.count)\">"
                        + "\(Self.percent(entry.mean))</td>"
                }
                lines.append(row + "</tr>")
            }
            lines.append("</tbody></table></div></details>")
        }
        lines.append("</section>")
        return lines
    }
}
