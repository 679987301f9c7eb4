import Evaluation

extension RunPage {
    /// The title, the navigation, the run's facts, its image counts and the protocol's settings.
    var header: [String] {
        var lines = [
            "<header>",
            "<h1>\(HTMLText.escape(facts.title))</h1>",
            "<nav>" + sections.map { "<a href=\"#\($0.id)\">\(HTMLText.escape($0.title))</a>" }.joined()
                + "</nav>",
            "<dl class=\"facts\">",
        ]
        let counts = tables.imageCounts
        lines.append(
            "<dt>images</dt><dd>\(counts.evaluated) evaluated, \(counts.filtered) excluded by the protocol, "
                + "\(counts.skipped) skipped" + (skipped.isEmpty ? "" : " (<a href=\"#skipped\">reasons</a>)")
                + "</dd>")
        for (label, value) in facts.lines {
            lines.append("<dt>\(HTMLText.escape(label))</dt><dd>\(HTMLText.escape(value))</dd>")
        }
        let degenerate = degenerateCounts
        lines.append(
            "<dt>degenerate maps</dt><dd>"
                + (degenerate.isEmpty
                    ? "none"
                    : HTMLText.escape(degenerate.joined(separator: "; "))
                        + " (normalised to zeros, scored as finding nothing)") + "</dd>")
        lines.append("</dl>")
        for note in facts.notes { lines.append("<p class=\"note\">\(HTMLText.escape(note))</p>") }
        lines.append("<details id=\"settings\" open=\"open\"><summary>protocol settings</summary>")
        lines.append("<table><thead><tr><th>setting</th><th class=\"text\">value</th></tr></thead><tbody>")
        for (name, value) in facts.protocolSettings {
            lines.append("<tr><td>\(HTMLText.escape(name))</td><td class=\"text\">\(HTMLText.escape(value))</td></tr>")
        }
        lines.append("</tbody></table></details>")
        lines.append("</header>")
        return lines
    }

    /// The page's sections, for the navigation.
    var sections: [(id: String, title: String)] {
        var list = [("summary", "summary"), ("plots", "plots")]
        if !tables.curves.isEmpty { list.append(("curves", "curves")) }
        list.append(("gallery", "gallery"))
        if !selection.extremes.isEmpty { list.append(("extremes", "best and worst")) }
        if !tables.perClass.isEmpty { list.append(("per-class", "per class")) }
        if !skipped.isEmpty { list.append(("skipped", "skipped")) }
        return list
    }

    /// "method: N constant maps" for every method with degenerate maps, as `summary.md` lists them.
    var degenerateCounts: [String] {
        tables.summary.compactMap { entry in
            guard Metric.mapConditions.contains(where: { $0.id == entry.metric }), !entry.mean.isNaN else { return nil }
            let images = Int((entry.mean * Double(entry.count)).rounded())
            guard images > 0 else { return nil }
            let kind = entry.metric == Metric.mapConstant.id ? "constant" : "NaN or infinite"
            return "\(entry.method): \(images) \(kind)"
        }
    }

    /// The skipped samples and method failures, with their files and reasons.
    var skippedSection: [String] {
        guard !skipped.isEmpty else { return [] }
        var lines = [
            "<section id=\"skipped\">",
            "<h2>Skipped samples and failures</h2>",
            "<p class=\"note\">\(skipped.count) lines of skipped.csv: samples that could not be evaluated, and "
                + "methods that failed on an image (the image still counts for the other methods).</p>",
            "<div class=\"scroll\"><table><thead><tr><th>index</th><th class=\"text\">image</th>"
                + "<th class=\"text\">file</th><th class=\"text\">reason</th></tr></thead><tbody>",
        ]
        for sample in skipped {
            lines.append(
                "<tr><td>\(sample.index)</td><td class=\"text\">\(HTMLText.escape(sample.imageID))</td>"
                    + "<td class=\"text\">\(HTMLText.escape(sample.path))</td>"
                    + "<td class=\"text\">\(HTMLText.escape(sample.reason))</td></tr>")
        }
        lines.append("</tbody></table></div></section>")
        return lines
    }
}
