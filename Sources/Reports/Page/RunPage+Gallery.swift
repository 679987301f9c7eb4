import Evaluation
import Foundation

extension RunPage {
    /// The shared images, each with every method's picture and the image's per-image metrics.
    var gallerySection: [String] {
        var lines = ["<section id=\"gallery\">", "<h2>Gallery</h2>"]
        guard !selection.shared.isEmpty else {
            lines.append(
                "<p class=\"note\">No gallery in this folder: run with --gallery N (the default draws 8 images), "
                    + "or the run evaluated no image.</p>")
            lines.append("</section>")
            return lines
        }
        lines.append(
            "<p class=\"note\">\(HTMLText.escape(selectionNote)) \(HTMLText.escape(pictureNote)) "
                + "Click a picture to enlarge it.</p>")
        for index in selection.shared {
            lines += galleryImage(index)
        }
        lines.append("</section>")
        return lines
    }

    /// How the shared images were chosen.
    var selectionNote: String {
        guard let metric = selection.metric else {
            return "The first \(selection.shared.count) evaluated images (this protocol has no per-image "
                + "localization score to rank them by)."
        }
        return "The \(selection.shared.count) images where the methods disagree most: the largest standard "
            + "deviation of the per-image \(metric.id) across the methods."
    }

    /// What the outlines mean.
    var pictureNote: String {
        let threshold: String
        if case .sweep = tables.evaluation.threshold {
            threshold = "the method's dataset-level optimal threshold (MaxBoxAcc)"
        } else {
            threshold = "the protocol's threshold (\(tables.evaluation.threshold.name))"
        }
        return "Green: the ground truth; white: the region the map covers at \(threshold); the map is the one the "
            + "run scored, at \(tables.evaluation.mapSize)x\(tables.evaluation.mapSize)."
    }

    func galleryImage(_ index: Int) -> [String] {
        let imageEntry = gallery.entry(index: index, method: GalleryIndex.imageMethod)
        let imageID = imageEntry?.imageID ?? String(index)
        var heading = "<h3>\(HTMLText.escape(imageID))"
        if let label = imageEntry?.label, !label.isEmpty {
            heading += " <span class=\"muted\">\(HTMLText.escape(label))</span>"
        }
        if let correct = correctness[index] {
            heading += " <span class=\"muted\">top-1 \(correct ? "correct" : "wrong")</span>"
        }
        if let metric = selection.metric {
            let values = (scores[index] ?? [:]).compactMap { $0.value[metric.id] }.filter { !$0.isNaN }
            if let low = values.min(), let high = values.max() {
                heading +=
                    " <span class=\"muted\">\(HTMLText.escape(metric.id)) from \(Self.percent(low, digits: 1)) "
                    + "to \(Self.percent(high, digits: 1))</span>"
            }
        }
        var lines = [
            "<div class=\"gallery-image\" id=\"image-\(index)\">", heading + "</h3>", "<div class=\"figures\">",
        ]
        if let imageEntry, !imageEntry.file.isEmpty {
            lines.append(
                "<figure>" + picture(imageEntry.file, title: "\(imageID): image and ground truth")
                    + "<figcaption><b>image</b><br/>ground truth in green</figcaption></figure>")
        }
        for method in selection.methods {
            lines.append(figure(index: index, method: method, imageID: imageID))
        }
        lines.append("</div>")
        lines += perImageTable(index)
        lines.append("</div>")
        return lines
    }

    /// One method's picture on one image with its ranking score and threshold.
    /// - Parameter filterable: whether the method filter hides it (not inside a row the filter already hides).
    func figure(index: Int, method: String, imageID: String, filterable: Bool = true) -> String {
        var html = filterable ? "<figure data-method=\"\(HTMLText.escape(method))\">" : "<figure>"
        guard let entry = gallery.entry(index: index, method: method), !entry.file.isEmpty else {
            let note = gallery.entry(index: index, method: method)?.note ?? "no picture"
            return html + "<figcaption><b>\(HTMLText.escape(method))</b><br/>\(HTMLText.escape(note))</figcaption>"
                + "</figure>"
        }
        html += picture(entry.file, title: "\(method) on \(imageID)")
        html += "<figcaption><b>\(HTMLText.escape(method))</b>"
        if let metric = selection.metric, let value = scores[index]?[method]?[metric.id] {
            html += "<br/>\(HTMLText.escape(metric.id)) \(Self.percent(value, digits: 1))"
        }
        if !entry.threshold.isNaN { html += String(format: " \u{b7} t %.2f", entry.threshold) }
        return html + "</figcaption></figure>"
    }

    /// A picture that links to itself, which the script enlarges in place.
    func picture(_ file: String, title: String) -> String {
        let path = Self.href(file)
        return "<a class=\"zoom\" href=\"\(path)\" title=\"\(HTMLText.escape(title))\">"
            + "<img src=\"\(path)\" alt=\"\(HTMLText.escape(title))\" loading=\"lazy\"/></a>"
    }

    /// A relative path as a URL reference: each component percent-encoded.
    static func href(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { component in
            String(component).addingPercentEncoding(
                withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#"]))
                ?? String(component)
        }.joined(separator: "/")
    }

    /// The per-image metrics of every method on one image.
    func perImageTable(_ index: Int) -> [String] {
        guard let byMethod = scores[index] else { return [] }
        let metrics = tables.evaluation.tableMetrics.filter { metric in
            byMethod.values.contains { $0[MetricRow.value(metric).id] != nil }
        }
        guard !metrics.isEmpty else { return [] }
        var lines = [
            "<details><summary>per-image metrics (x100)</summary><div class=\"scroll\"><table><thead><tr><th>method</th>"
                + metrics.map { "<th>\(HTMLText.escape($0.id))</th>" }.joined() + "</tr></thead><tbody>"
        ]
        for method in selection.methods {
            guard let values = byMethod[method] else { continue }
            var row = "<tr data-method=\"\(HTMLText.escape(method))\"><td>\(HTMLText.escape(method))</td>"
            for metric in metrics {
                let value = values[MetricRow.value(metric).id] ?? .nan
                row += "<td data-value=\"\(Self.exact(value))\">\(Self.percent(value, digits: 1))</td>"
            }
            lines.append(row + "</tr>")
        }
        lines.append("</tbody></table></div></details>")
        return lines
    }

    /// Each method's best and worst image by the ranking metric.
    var extremesSection: [String] {
        guard !selection.extremes.isEmpty, let metric = selection.metric else { return [] }
        var lines = [
            "<section id=\"extremes\">", "<h2>Each method's best and worst image</h2>",
            "<p class=\"note\">By per-image \(HTMLText.escape(metric.id)) (ties: the first image).</p>",
            "<div class=\"scroll\"><table><thead><tr><th>method</th><th class=\"text\">best</th>"
                + "<th class=\"text\">worst</th></tr></thead><tbody>",
        ]
        for extreme in selection.extremes {
            var row =
                "<tr data-method=\"\(HTMLText.escape(extreme.method))\"><td>\(HTMLText.escape(extreme.method))</td>"
            for index in [extreme.best, extreme.worst] {
                let imageID = gallery.entry(index: index, method: GalleryIndex.imageMethod)?.imageID ?? String(index)
                row += "<td class=\"text\"><div class=\"pair\">"
                if let image = gallery.entry(index: index, method: GalleryIndex.imageMethod), !image.file.isEmpty {
                    row +=
                        "<figure>" + picture(image.file, title: "\(imageID): image and ground truth")
                        + "<figcaption>\(HTMLText.escape(imageID))</figcaption></figure>"
                }
                row += figure(index: index, method: extreme.method, imageID: imageID, filterable: false)
                row += "</div></td>"
            }
            lines.append(row + "</tr>")
        }
        lines.append("</tbody></table></div></section>")
        return lines
    }
}
